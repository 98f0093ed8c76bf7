/* The platform layer: the operating system's primitives (libraries, clocks,
 * files, native handles, stop requests, the child and its channel, events,
 * sections, threads, locks, naps, what a process holds), implemented by
 * platform_posix.c and platform_win32.c, which hold only what differs
 * between the OSes. What is the same on both is written once beside them
 * over their primitives (platform_os.h, internal): platform_common.c and
 * os_pingpong.c (os_pingpong.h). Policy lives above (which file a report may
 * replace and how: report/report_file.c).
 * May include: base/ only (and the OS's headers in the two OS files).
 * Public: stop.h (the stop requests, which the CLI watches for and maps to
 * exit codes).
 * Nothing above this header contains an #ifdef for the operating system. */
#ifndef VKW_PLATFORM_H
#define VKW_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "stop.h"

/* A dynamically loaded library (the Vulkan loader). */
typedef struct vkw_library vkw_library;

/* The library's default file name on this OS ("libvulkan.so.1", "vulkan-1.dll"). */
const char *vkw_platform_default_loader_name(void);

/* Opens a library; fills err with the OS's reason on failure. */
vkw_status vkw_library_open(const char *path, vkw_library **out, vkw_error *err);
/* Looks up a symbol; NULL when absent. */
void *vkw_library_symbol(vkw_library *lib, const char *name);
/* The file the OS actually loaded, for the report (may equal the name asked for). */
void vkw_library_path(vkw_library *lib, void *symbol, char *buf, size_t len);
void vkw_library_close(vkw_library *lib);

/* Monotonic clock in nanoseconds. */
uint64_t vkw_clock_ns(void);

/* Makes a write to a pipe whose reader is gone fail with EPIPE instead of
 * killing the process (SIGPIPE); nothing to do on Win32. Called once by main. */
void vkw_platform_ignore_broken_pipes(void);

/* This process's id (getpid, GetCurrentProcessId): what names it gives objects. */
uint32_t vkw_platform_process_id(void);

/* Whether stderr is a terminal (a person watching: progress lines). */
bool vkw_platform_stderr_is_terminal(void);

/* Short OS name for reports: "Linux", "Windows", ... */
const char *vkw_platform_os_name(void);

/* Which OS this build runs on, for deciding which external handle types apply. */
typedef enum vkw_os {
    VKW_OS_LINUX,
    VKW_OS_ANDROID,
    VKW_OS_OTHER_POSIX,
    VKW_OS_WINDOWS,
} vkw_os;
vkw_os vkw_platform_os(void);

/* Current UTC time as RFC 3339 ("2026-11-22T21:16:04Z"). */
void vkw_platform_utc_now(char *buf, size_t len);

/* This machine's name ("localhost" when it has none to give), for reports
 * that say where they ran (JUnit's hostname). */
void vkw_platform_hostname(char *buf, size_t len);

/* Reads a whole regular file (NUL-terminated, malloc'd) of at most max bytes.
 * Opened without blocking and checked with fstat (GetFileType) before any
 * read: a FIFO, a device, a socket or a directory is refused, never waited
 * on. VKW_E_INVALID_ARG "cannot read WHAT 'PATH': REASON", the reason being
 * the OS's (ENOENT, EACCES, ELOOP...) or what the file is instead; the path is
 * cut in the message, never the reason. */
vkw_status vkw_read_regular_file(const char *path, const char *what, size_t max, char **out,
                                 size_t *len, vkw_error *err);

/* Which file a path names, to tell when two spellings name one file ("./a",
 * "a", an absolute path, a symbolic or a hard link): the device and inode
 * (stat) on POSIX, the volume serial number and file index
 * (GetFileInformationByHandle) on Win32. Links are followed; a path where no
 * file is yet is named by its folder's identity and its last component. */
typedef struct vkw_file_id {
    bool exists;     /* the file is there; else volume/index are its folder's */
    uint64_t volume; /* st_dev; the volume serial number */
    uint64_t index;  /* st_ino; the file index */
    char name[260];  /* !exists: the name it would have in that folder */
} vkw_file_id;

/* VKW_E_IO when neither the file nor its folder can be found. */
vkw_status vkw_file_identity(const char *path, vkw_file_id *out, vkw_error *err);
/* Whether two identities name the same file (Win32 compares names without case). */
bool vkw_file_same(const vkw_file_id *a, const vkw_file_id *b);

/* What is at path, links followed. */
typedef enum vkw_file_kind {
    VKW_FILE_ABSENT,    /* nothing there */
    VKW_FILE_REGULAR,   /* a regular file */
    VKW_FILE_DIRECTORY, /* a directory */
    VKW_FILE_OTHER,     /* a device, a FIFO, a socket; on Win32 also a link (a reparse point) */
} vkw_file_kind;

/* The kind of what is at path; *what says what an OTHER is ("a FIFO"). */
vkw_file_kind vkw_file_kind_at(const char *path, const char **what);

/* The kind, and up to cap bytes from the start of a regular file (only that
 * is opened: a FIFO or a device is never blocked on). VKW_E_IO: cannot ask. */
vkw_status vkw_file_head(const char *path, char *buf, size_t cap, size_t *len, vkw_file_kind *kind,
                         vkw_error *err);

/* ---- Stop requests: stop.h (public: the command line watches for them and
 * maps them to exit codes). */

/* ---- Native handles -------------------------------------------------------
 * One opaque type for what the OS hands out: an fd on POSIX, a HANDLE on
 * Win32, carried as an integer so that code above this layer is written once. */
typedef intptr_t vkw_handle;
#define VKW_NO_HANDLE ((vkw_handle)-1)

/* close() or CloseHandle(); VKW_NO_HANDLE is ignored. */
void vkw_handle_close(vkw_handle h);

/* Closes h and returns a value that names no open handle, and that the
 * process is unlikely to hand out again soon: what a use-after-close looks
 * like (the stale-handle fault). */
vkw_handle vkw_handle_make_stale(vkw_handle h);

/* What a handle names, taken before giving it to a driver that may close it:
 * an fd's device and inode (fstat) on POSIX. */
typedef struct vkw_handle_identity {
    bool known; /* false: not taken (or not applicable on this OS) */
    uint64_t dev, ino;
} vkw_handle_identity;

/* Takes h's identity; known stays false when fstat fails. Win32: not
 * applicable (known false): an import there never takes the handle
 * (VkImportMemoryWin32HandleInfoKHR), and a HANDLE value names no object
 * identity that could be compared before CompareObjectHandles (Windows 10). */
void vkw_handle_identity_of(vkw_handle h, vkw_handle_identity *out);

/* Whether h is still open and still names what `id` was taken from (device
 * and inode): after a driver may have closed it, the test that decides
 * whether closing h is ours to do. An unknown identity answers true. */
bool vkw_handle_is_still(vkw_handle h, const vkw_handle_identity *id);

/* A second handle to what h names (F_DUPFD_CLOEXEC, DuplicateHandle), owned
 * by the caller. */
vkw_status vkw_handle_duplicate(vkw_handle h, vkw_handle *out, vkw_error *err);

/* The number of handles this process holds open: the entries of /proc/self/fd
 * on Linux, GetProcessHandleCount on Win32 (else this process's entries in the
 * system's handle list). Compared before and after a piece of work, any growth
 * is a leak. Where no count can be had it fails, saying "not measured": it
 * never gives 0. */
vkw_status vkw_handle_count(uint32_t *out, vkw_error *err);

/* ---- Files: the steps of reading and writing one whole --------------------
 * (vkw_read_regular_file, report/report_file.c). Each fails with VKW_E_IO and
 * the OS's reason alone ("fsync: ..."). */

/* Opens a regular file to read (anything else refused, without blocking),
 * giving its size; reads up to cap bytes (*got 0: the end). */
vkw_status vkw_file_open_read(const char *path, vkw_handle *out, uint64_t *size, vkw_error *err);
vkw_status vkw_file_read(vkw_handle file, void *buf, size_t cap, size_t *got, vkw_error *err);

/* Where a file written at path lands, into out: where a chain of symbolic
 * links ends (POSIX; a link into a missing folder is refused), or path itself
 * (Win32, where a link is vkw_file_kind_at's OTHER). */
vkw_status vkw_file_resolve(const char *path, char *out, size_t len, vkw_error *err);
/* A new file "<beside>.tmp.<unique>" (its name in tmp) open for writing, with
 * beside's permission bits where it exists (else 0644; POSIX). */
vkw_status vkw_file_create_temp(const char *beside, vkw_handle *out, char *tmp, size_t tmplen,
                                vkw_error *err);
vkw_status vkw_file_write_all(vkw_handle file, const void *data, size_t len, vkw_error *err);
vkw_status vkw_file_sync(vkw_handle file, vkw_error *err);  /* fsync, FlushFileBuffers */
vkw_status vkw_file_close(vkw_handle file, vkw_error *err); /* and says a late failure */
vkw_status vkw_file_rename(const char *from, const char *to, vkw_error *err); /* replacing to */
void vkw_file_remove(const char *path); /* a link itself, not what it points to */

/* ---- The child process and its channel ------------------------------------
 * The parent starts this same executable as a child with the command line
 *     <self> VKW_CHILD_COMMAND <token>
 * where the token tells the child how to reach its end of a private channel
 * (and who its parent is). The CLI hands argv[2] to vkw_child_attach. */
#define VKW_CHILD_COMMAND "__child"

typedef struct vkw_child vkw_child;     /* the parent's view of a child */
typedef struct vkw_channel vkw_channel; /* one end of a parent-child channel */

/* Starts the child. Its stdin and stdout are the null device (the parent's
 * stdout may carry a JSON report), stderr is the parent's. The child never
 * outlives the parent: PR_SET_PDEATHSIG on Linux (set by vkw_child_attach),
 * a kill-on-close job object on Win32. On success the caller owns both. */
vkw_status vkw_child_spawn(vkw_child **child, vkw_channel **parent_end, vkw_error *err);

/* How a child ended, for reports. */
typedef struct vkw_child_end {
    bool ended;            /* false: still running (vkw_child_poll only) */
    bool signaled;         /* POSIX: ended by a signal; code is the signal number */
    bool killed_by_parent; /* vkw_child_wait had to kill it, or vkw_child_kill did */
    int code;              /* exit code (or signal number) */
    char text[64];         /* "exit code 0", "signal 9 (SIGKILL)", "exit code 0xC0000005" */
} vkw_child_end;

uint32_t vkw_child_pid(const vkw_child *child);
/* Has the child ended? Reaps it when it has (end->ended). Never blocks. */
void vkw_child_poll(vkw_child *child, vkw_child_end *end);
/* Waits up to timeout_ms for the child to end by itself, then kills it;
 * returns with the child ended and reaped. */
void vkw_child_wait(vkw_child *child, uint32_t timeout_ms, vkw_child_end *end);
/* Kills the child now (if it still runs) and reaps it. */
void vkw_child_kill(vkw_child *child, vkw_child_end *end);
/* Kills and reaps a child still running, then frees. NULL is ignored. */
void vkw_child_free(vkw_child *child);

/* Stops a running child (SIGSTOP; Win32: NtSuspendProcess, every thread of
 * it suspended) and lets it go on again (SIGCONT; NtResumeProcess): chaos
 * for a stress run. Suspend returns once the child has stopped (POSIX: at
 * most about a second is waited for that: a child inside an uninterruptible
 * kernel call stops when it leaves it). A stopped child is still killed and
 * reaped by vkw_child_kill (SIGKILL and TerminateProcess end it as it is).
 * VKW_E_PEER_GONE when it has ended (reaped or a zombie), VKW_E_OS with the
 * reason otherwise. */
vkw_status vkw_child_suspend(vkw_child *child, vkw_error *err);
vkw_status vkw_child_resume(vkw_child *child, vkw_error *err);

/* In the child: opens its end of the channel from the token and ties its life
 * to the parent's (on Linux PR_SET_PDEATHSIG(SIGKILL), then a check that the
 * parent has not already gone). */
vkw_status vkw_child_attach(const char *token, vkw_channel **child_end, vkw_error *err);

/* Largest message and most handles one channel message carries. */
#define VKW_CHANNEL_MAX_MESSAGE 8192u
#define VKW_CHANNEL_MAX_HANDLES 4u

/* Sends one message (1..VKW_CHANNEL_MAX_MESSAGE bytes) and handle_count native
 * handles. The handles stay owned by the sender: the receiver gets its own
 * (SCM_RIGHTS duplicates fds; on Win32 the parent duplicates into the child,
 * and takes the child's out of it: the child holds no right over the
 * parent's handles). */
vkw_status vkw_channel_send(vkw_channel *ch, const void *msg, size_t len, const vkw_handle *handles,
                            uint32_t handle_count, vkw_error *err);

/* Receives one whole message within timeout_ms. handles (room for
 * VKW_CHANNEL_MAX_HANDLES) receive what came with it, owned by the caller;
 * *handle_count says how many. VKW_E_TIMEOUT: nothing came in time;
 * VKW_E_PEER_GONE: the peer closed its end or ended. On any failure no handle
 * is left open. */
vkw_status vkw_channel_recv(vkw_channel *ch, void *buf, size_t cap, size_t *len,
                            vkw_handle *handles, uint32_t *handle_count, uint32_t timeout_ms,
                            vkw_error *err);

/* Closes this end. NULL is ignored. */
void vkw_channel_close(vkw_channel *ch);

/* ---- OS primitives two processes share: events and memory sections ------
 * The baselines Vulkan's sharing is measured against, and the Win32 transport
 * test's objects. Both are native handles: they travel like any other. */

/* An auto-reset event: an eventfd on Linux, an auto-reset Event on Win32. */
vkw_status vkw_event_create(vkw_handle *out, vkw_error *err);
vkw_status vkw_event_signal(vkw_handle ev, vkw_error *err);
/* Waits for one signal (and consumes it); VKW_E_TIMEOUT after timeout_ms. */
vkw_status vkw_event_wait(vkw_handle ev, uint32_t timeout_ms, vkw_error *err);

/* A section of shared memory: a memfd on Linux, a pagefile-backed file
 * mapping on Win32. Mappings of it in two processes see the same bytes. */
vkw_status vkw_section_create(size_t size, vkw_handle *out, vkw_error *err);
vkw_status vkw_section_map(vkw_handle section, size_t size, void **out, vkw_error *err);
void vkw_section_unmap(void *p, size_t size);

/* ---- Threads and the clock's own limits ------------------------------------ */
typedef struct vkw_thread vkw_thread;
vkw_status vkw_thread_start(void (*fn)(void *arg), void *arg, vkw_thread **out, vkw_error *err);
/* Waits for the thread to return and frees it. */
void vkw_thread_join(vkw_thread *t);
/* Whether this process may run on CPU cpu: it exists and is in the affinity
 * mask (sched_getaffinity, GetProcessAffinityMask). VKW_E_INVALID_ARG naming
 * the CPUs allowed when not, so a bad --pin fails before any work. */
vkw_status vkw_cpu_allowed(uint32_t cpu, vkw_error *err);
/* Pins the calling thread to one CPU (sched_setaffinity, SetThreadAffinityMask). */
vkw_status vkw_thread_pin(uint32_t cpu, vkw_error *err);
/* The monotonic clock's resolution (clock_getres, 1/QueryPerformanceFrequency). */
uint64_t vkw_clock_resolution_ns(void);
/* The CPUs online (sysconf(_SC_NPROCESSORS_ONLN), GetActiveProcessorCount); at least 1. */
uint32_t vkw_cpu_count(void);
/* Runs fn(arg, i, n) for i in 0..n-1 at once, each i once: slice 0 on the
 * calling thread, the others on workers that are started at the first call
 * needing them and then wait, asleep, for the next; returns when all have.
 * n == 0 counts as 1, n above 64 as 64. A worker that cannot start has its
 * slice run by the caller. Calls from several threads at once, or from
 * inside a slice, are safe: one has the workers, the others run on threads
 * started for them alone. */
void vkw_parallel(uint32_t n, void (*fn)(void *arg, uint32_t i, uint32_t n), void *arg);
/* Stops and joins vkw_parallel's workers (after a call running in another
 * thread has returned); a later vkw_parallel starts them anew. Nothing to do
 * when none run: safe to call twice. Called where the process ends normally
 * (main); never from inside a slice. A fork()ed child has no workers: it
 * must not call vkw_parallel (the tool's child is a new process image:
 * posix_spawn, CreateProcess). */
void vkw_parallel_shutdown(void);

/* ---- Locks and naps --------------------------------------------------------- */

/* A lock between the threads of this process (a pthread mutex, an SRWLOCK);
 * not recursive: a thread that holds it must not lock it again. */
typedef struct vkw_mutex vkw_mutex;
vkw_status vkw_mutex_create(vkw_mutex **out, vkw_error *err);
void vkw_mutex_lock(vkw_mutex *m);
void vkw_mutex_unlock(vkw_mutex *m);
/* Takes the mutex if it is free now, without waiting: true when taken. */
bool vkw_mutex_trylock(vkw_mutex *m);
void vkw_mutex_destroy(vkw_mutex *m); /* NULL is ignored; it must not be held */

/* Sleeps ms milliseconds; returns early (within about 10 ms: the wait
 * watches stop.h's self-pipe or event) once a stop is requested, at once
 * when one already was. Returns the milliseconds actually slept. */
uint32_t vkw_sleep_ms(uint32_t ms);
/* Sleeps ms milliseconds whatever is requested (a short, bounded nap in a
 * loop that watches its own clock). */
void vkw_nap_ms(uint32_t ms);

/* ---- Memory the process holds ---------------------------------------------- */
/* The process's peak resident memory, in bytes, since it started or since
 * vkw_peak_resident_reset (Linux: VmHWM of /proc/self/status; Win32:
 * GetProcessMemoryInfo's PeakWorkingSetSize). */
vkw_status vkw_peak_resident_bytes(uint64_t *out, vkw_error *err);

/* Starts the peak anew at what the process holds now, so that a peak read
 * later is that of what ran in between (Linux: "5" to /proc/self/clear_refs).
 * False where the OS keeps one peak for the process's life (Win32): a peak
 * read later is then the process's so far. */
bool vkw_peak_resident_reset(void);

/* ---- What a process holds now: a stress run's samples ----------------------- */
typedef struct vkw_process_usage {
    int64_t handles;   /* open fds (Linux: the entries of /proc/<pid>/fd), open
                        * handles (Win32: GetProcessHandleCount, else the
                        * process's entries in the system's handle list) */
    uint64_t resident; /* resident bytes now (Linux: statm's resident pages
                        * times the page size, VmRSS; Win32:
                        * GetProcessMemoryInfo's WorkingSetSize) */
} vkw_process_usage;

/* This process's (its own count leaves out the fd that reads /proc/self/fd,
 * as vkw_handle_count does). VKW_E_OS when either cannot be read. */
vkw_status vkw_process_usage_self(vkw_process_usage *out, vkw_error *err);

/* A running child's, read from outside it (Linux: /proc/<pid>/fd and statm;
 * Win32: through the child's process handle, which the parent holds with
 * full rights). It neither reaps the child nor changes its state, and a
 * stopped child (vkw_child_suspend) is read like a running one.
 * VKW_E_PEER_GONE once the child has ended (reaped, or a zombie not yet
 * reaped), VKW_E_OS with the reason otherwise. Threads may read different
 * children at once; never call it at the same time as a call on the same
 * child that may reap or free it (vkw_child_kill, vkw_child_free, and also
 * vkw_child_poll and vkw_child_wait): once reaped, its pid may be another
 * process's. */
vkw_status vkw_child_usage(vkw_child *child, vkw_process_usage *out, vkw_error *err);

/* ---- OS ping-pong: the baselines a Vulkan round trip is compared with ------
 * One side pings (signals A, waits for B), the other pongs (waits for A,
 * signals B), between two processes or two threads. */
typedef enum vkw_os_pingpong_kind {
    VKW_PINGPONG_FUTEX,   /* Linux: a futex pair in a shared memory section */
    VKW_PINGPONG_EVENTFD, /* Linux: an eventfd pair */
    VKW_PINGPONG_PIPE,    /* POSIX: a pipe pair, one byte each way */
    VKW_PINGPONG_EVENT,   /* Win32: an auto-reset event pair */
    VKW_PINGPONG_KIND_COUNT
} vkw_os_pingpong_kind;

const char *vkw_pingpong_kind_name(vkw_os_pingpong_kind k); /* "futex", ... */
bool vkw_pingpong_kind_available(vkw_os_pingpong_kind k);   /* on this OS */

/* The ping-pong itself, the same on every OS: os_pingpong.h. */

/* ---- Test support: handles of a kind no Vulkan driver exports -------------
 * A pipe's read end (POSIX) or an event (Win32): what a confused or hostile
 * peer might send in place of a memory handle. */
vkw_status vkw_foreign_handle_create(vkw_handle *out, vkw_error *err);

#endif
