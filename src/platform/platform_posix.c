/* POSIX implementation of platform.h (Linux first; other Unix where it costs nothing). */
#define _GNU_SOURCE
#include "platform_os.h"
#include "base/text_buffer.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <linux/futex.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

struct vkw_library {
    void *dl;
};

const char *vkw_platform_default_loader_name(void)
{
#if defined(__APPLE__)
    return "libvulkan.1.dylib";
#else
    return "libvulkan.so.1";
#endif
}

vkw_status vkw_library_open(const char *path, vkw_library **out, vkw_error *err)
{
    *out = NULL;
    dlerror();
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        const char *why = dlerror();
        return vkw_fail(err, VKW_E_NO_LOADER, "cannot load the Vulkan loader '%s': %s", path,
                        why ? why : "unknown reason");
    }
    vkw_library *lib = malloc(sizeof *lib);
    if (!lib) {
        dlclose(dl);
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory loading '%s'", path);
    }
    lib->dl = dl;
    *out = lib;
    return VKW_OK;
}

void *vkw_library_symbol(vkw_library *lib, const char *name)
{
    return dlsym(lib->dl, name);
}

void vkw_library_path(vkw_library *lib, void *symbol, char *buf, size_t len)
{
    (void)lib;
    Dl_info info;
    if (symbol && dladdr(symbol, &info) && info.dli_fname) {
        char resolved[4096];
        const char *name = realpath(info.dli_fname, resolved) ? resolved : info.dli_fname;
        snprintf(buf, len, "%s", name);
    } else if (len) {
        buf[0] = '\0';
    }
}

void vkw_library_close(vkw_library *lib)
{
    if (!lib)
        return;
    dlclose(lib->dl);
    free(lib);
}

uint64_t vkw_clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *vkw_platform_os_name(void)
{
#if defined(__linux__)
    return "Linux";
#elif defined(__APPLE__)
    return "macOS";
#elif defined(__FreeBSD__)
    return "FreeBSD";
#else
    return "POSIX";
#endif
}

vkw_os vkw_platform_os(void)
{
#if defined(__ANDROID__)
    return VKW_OS_ANDROID;
#elif defined(__linux__)
    return VKW_OS_LINUX;
#else
    return VKW_OS_OTHER_POSIX;
#endif
}

void vkw_platform_utc_now(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void vkw_platform_hostname(char *buf, size_t len)
{
    /* gethostname may leave a cut name unterminated. */
    if (len == 0)
        return;
    if (gethostname(buf, len) != 0 || !buf[0])
        snprintf(buf, len, "localhost");
    buf[len - 1] = '\0';
}

vkw_status vkw_file_create_temp(const char *beside, vkw_handle *out, char *tmp, size_t tmplen,
                                vkw_error *err)
{
    *out = VKW_NO_HANDLE;
    /* "<path>.tmp.XXXXXX", unique, in the same folder so that rename() is
     * atomic on one file system. */
    int n = snprintf(tmp, tmplen, "%s.tmp.XXXXXX", beside);
    if (n < 0 || (size_t)n >= tmplen)
        return vkw_fail(err, VKW_E_IO, "path too long");
    struct stat st;
    mode_t mode = stat(beside, &st) == 0 ? st.st_mode & 07777 : 0644;
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return vkw_fail(err, VKW_E_IO, "%s", strerror(errno));
    /* mkostemp makes the file 0600: the rename gives it the mode asked for. */
    if (fchmod(fd, mode) != 0) {
        vkw_status s = vkw_fail(err, VKW_E_IO, "chmod: %s", strerror(errno));
        close(fd);
        unlink(tmp);
        return s;
    }
    *out = fd;
    return VKW_OK;
}

vkw_status vkw_file_write_all(vkw_handle file, const void *data, size_t len, vkw_error *err)
{
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write((int)file, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return vkw_fail(err, VKW_E_IO, "%s", w < 0 ? strerror(errno) : "short write");
        p += w;
        left -= (size_t)w;
    }
    return VKW_OK;
}

vkw_status vkw_file_sync(vkw_handle file, vkw_error *err)
{
    if (fsync((int)file) != 0)
        return vkw_fail(err, VKW_E_IO, "fsync: %s", strerror(errno));
    return VKW_OK;
}

vkw_status vkw_file_close(vkw_handle file, vkw_error *err)
{
    if (close((int)file) != 0)
        return vkw_fail(err, VKW_E_IO, "close: %s", strerror(errno));
    return VKW_OK;
}

vkw_status vkw_file_rename(const char *from, const char *to, vkw_error *err)
{
    if (rename(from, to) != 0)
        return vkw_fail(err, VKW_E_IO, "rename: %s", strerror(errno));
    return VKW_OK;
}

void vkw_file_remove(const char *path)
{
    unlink(path);
}

/* Where a symbolic link points, as a path from here (NULL when it cannot be
 * read); malloc'd. */
static char *link_target(const char *path)
{
    char link[PATH_MAX];
    ssize_t n = readlink(path, link, sizeof link - 1);
    if (n <= 0)
        return NULL;
    link[n] = '\0';
    const char *slash = strrchr(path, '/');
    size_t dir = link[0] == '/' || !slash ? 0 : (size_t)(slash - path) + 1;
    char *out = malloc(dir + (size_t)n + 1);
    if (out) {
        memcpy(out, path, dir);
        memcpy(out + dir, link, (size_t)n + 1);
    }
    return out;
}

/* Where a chain of symbolic links ends, each maybe at a file not written yet,
 * followed a few deep: *out is NULL when path is no link; false when the
 * chain cannot be followed. */
static bool follow_links(const char *path, char **out)
{
    struct stat st;
    char *target = NULL;
    for (int depth = 0; lstat(target ? target : path, &st) == 0 && S_ISLNK(st.st_mode); depth++) {
        char *next = depth < 8 ? link_target(target ? target : path) : NULL;
        free(target);
        target = next;
        if (!target)
            break;
    }
    *out = target;
    return lstat(target ? target : path, &st) != 0 || !S_ISLNK(st.st_mode);
}

vkw_status vkw_file_resolve(const char *path, char *out, size_t len, vkw_error *err)
{
    struct stat st;
    char *target = NULL;
    vkw_status s = VKW_OK;
    if (!follow_links(path, &target)) {
        free(target);
        return vkw_fail(err, VKW_E_IO, "a symbolic link that cannot be followed");
    }
    const char *t = target ? target : path;
    char *parent = target ? strdup(t) : NULL, *slash = parent ? strrchr(parent, '/') : NULL;
    if (slash)
        *slash = '\0';
    if (target && !parent)
        s = vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory");
    else if (slash && *parent && stat(parent, &st) != 0)
        s = vkw_fail(err, VKW_E_IO, "a symbolic link to nothing ('%s' does not exist)", parent);
    else if (strlen(t) >= len)
        s = vkw_fail(err, VKW_E_IO, "path too long");
    else
        snprintf(out, len, "%s", t);
    free(parent);
    free(target);
    return s;
}

/* What a file that is neither a regular one nor a directory is. */
static const char *kind_name(mode_t m)
{
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    return "neither a file nor a directory";
}

vkw_file_kind vkw_file_kind_at(const char *path, const char **what)
{
    struct stat st;
    *what = NULL;
    if (stat(path, &st) != 0)
        return VKW_FILE_ABSENT;
    if (S_ISREG(st.st_mode))
        return VKW_FILE_REGULAR;
    if (S_ISDIR(st.st_mode))
        return VKW_FILE_DIRECTORY;
    *what = kind_name(st.st_mode);
    return VKW_FILE_OTHER;
}

vkw_status vkw_file_open_read(const char *path, vkw_handle *out, uint64_t *size, vkw_error *err)
{
    *out = VKW_NO_HANDLE;
    *size = 0;
    /* O_NONBLOCK: opening a FIFO without a writer would wait for one. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return vkw_fail(err, VKW_E_IO, "%s", strerror(errno));
    struct stat st;
    vkw_status s = VKW_OK;
    if (fstat(fd, &st) != 0)
        s = vkw_fail(err, VKW_E_IO, "%s", strerror(errno));
    else if (S_ISDIR(st.st_mode))
        s = vkw_fail(err, VKW_E_IO, "%s", strerror(EISDIR));
    else if (!S_ISREG(st.st_mode))
        s = vkw_fail(err, VKW_E_IO, "not a regular file (%s)", kind_name(st.st_mode));
    if (s != VKW_OK) {
        close(fd);
        return s;
    }
    *out = fd;
    *size = (uint64_t)st.st_size;
    return VKW_OK;
}

vkw_status vkw_file_read(vkw_handle file, void *buf, size_t cap, size_t *got, vkw_error *err)
{
    ssize_t n;
    do
        n = read((int)file, buf, cap);
    while (n < 0 && errno == EINTR);
    *got = n > 0 ? (size_t)n : 0;
    if (n < 0)
        return vkw_fail(err, VKW_E_IO, "%s", strerror(errno));
    return VKW_OK;
}

vkw_status vkw_file_identity(const char *path, vkw_file_id *out, vkw_error *err)
{
    memset(out, 0, sizeof *out);
    char shown[200], folder_shown[200];
    vkw_text_escape(path, shown, sizeof shown);
    struct stat st;
    if (stat(path, &st) == 0) {
        out->exists = true;
        out->volume = (uint64_t)st.st_dev;
        out->index = (uint64_t)st.st_ino;
        return VKW_OK;
    }
    /* No file yet: the folder it would be created in (where the links end), and its name. */
    char *target = NULL, folder[PATH_MAX];
    vkw_status s = VKW_OK;
    if (!follow_links(path, &target)) {
        free(target);
        return vkw_fail(err, VKW_E_IO,
                        "cannot tell which file '%s' is: a symbolic link that "
                        "cannot be followed",
                        shown);
    }
    const char *t = target ? target : path, *slash = strrchr(t, '/');
    const char *name = slash ? slash + 1 : t;
    size_t folder_len = !slash ? 0 : slash == t ? 1 : (size_t)(slash - t);
    if (!*name || strlen(name) >= sizeof out->name || folder_len >= sizeof folder)
        s = vkw_fail(err, VKW_E_IO,
                     "cannot tell which file '%s' is: no file name, or one too "
                     "long",
                     shown);
    else {
        if (slash)
            snprintf(folder, sizeof folder, "%.*s", (int)folder_len, t);
        else
            snprintf(folder, sizeof folder, ".");
        if (stat(folder, &st) != 0) {
            int why = errno;
            vkw_text_escape(folder, folder_shown, sizeof folder_shown);
            s = vkw_fail(err, VKW_E_IO, "cannot tell which file '%s' is: folder '%s': %s", shown,
                         folder_shown, strerror(why));
        }
    }
    if (s == VKW_OK) {
        out->volume = (uint64_t)st.st_dev;
        out->index = (uint64_t)st.st_ino;
        snprintf(out->name, sizeof out->name, "%s", name);
    }
    free(target);
    return s;
}

bool vkw_file_same(const vkw_file_id *a, const vkw_file_id *b)
{
    return a->exists == b->exists && a->volume == b->volume && a->index == b->index &&
           (a->exists || strcmp(a->name, b->name) == 0);
}

vkw_status vkw_file_head(const char *path, char *buf, size_t cap, size_t *len, vkw_file_kind *kind,
                         vkw_error *err)
{
    *len = 0;
    *kind = VKW_FILE_ABSENT;
    struct stat st;
    if (stat(path, &st) != 0)
        return errno == ENOENT
                   ? VKW_OK
                   : vkw_fail(err, VKW_E_IO, "cannot look at '%s': %s", path, strerror(errno));
    *kind = S_ISDIR(st.st_mode) ? VKW_FILE_DIRECTORY : VKW_FILE_OTHER;
    if (!S_ISREG(st.st_mode))
        return VKW_OK; /* never opened: a FIFO would block, a device might act */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return vkw_fail(err, VKW_E_IO, "cannot read '%s': %s", path, strerror(errno));
    vkw_status s = VKW_OK;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        goto cleanup; /* replaced since the stat: not a regular file after all */
    *kind = VKW_FILE_REGULAR;
    while (*len < cap) {
        ssize_t n = read(fd, buf + *len, cap - *len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            s = vkw_fail(err, VKW_E_IO, "cannot read '%s': %s", path, strerror(errno));
            goto cleanup;
        }
        if (n == 0)
            break;
        *len += (size_t)n;
    }

cleanup:
    close(fd);
    return s;
}

/* ---- Native handles ------------------------------------------------------ */

void vkw_handle_close(vkw_handle h)
{
    /* Once: Linux frees the number even when close() fails with EINTR, so a
     * retry could close a descriptor another thread has just been given. */
    if (h >= 0 && h <= INT_MAX)
        close((int)h);
}

void vkw_handle_identity_of(vkw_handle h, vkw_handle_identity *out)
{
    struct stat st;
    memset(out, 0, sizeof *out);
    if (h >= 0 && h <= INT_MAX && fstat((int)h, &st) == 0) {
        out->known = true;
        out->dev = (uint64_t)st.st_dev;
        out->ino = (uint64_t)st.st_ino;
    }
}

bool vkw_handle_is_still(vkw_handle h, const vkw_handle_identity *id)
{
    if (!id->known)
        return true;
    struct stat st;
    if (h < 0 || h > INT_MAX || fstat((int)h, &st) != 0)
        return false; /* closed (EBADF) */
    return (uint64_t)st.st_dev == id->dev && (uint64_t)st.st_ino == id->ino;
}

vkw_status vkw_handle_duplicate(vkw_handle h, vkw_handle *out, vkw_error *err)
{
    *out = VKW_NO_HANDLE;
    int fd = h >= 0 && h <= INT_MAX ? fcntl((int)h, F_DUPFD_CLOEXEC, 0) : -1;
    if (fd < 0)
        return vkw_fail(err, VKW_E_OS, "cannot duplicate fd %lld: %s", (long long)h,
                        h >= 0 && h <= INT_MAX ? strerror(errno) : "not an fd");
    *out = fd;
    return VKW_OK;
}

vkw_status vkw_handle_count(uint32_t *out, vkw_error *err)
{
    *out = 0;
    DIR *dir = opendir("/proc/self/fd");
    if (!dir)
        return vkw_fail(err, VKW_E_OS, "cannot count open file descriptors: /proc/self/fd: %s",
                        strerror(errno));
    /* The directory stream holds a descriptor of its own while we read it. */
    char own[16];
    snprintf(own, sizeof own, "%d", dirfd(dir));
    uint32_t n = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(dir)) != NULL)
        if (e->d_name[0] != '.' && strcmp(e->d_name, own) != 0)
            n++;
    int read_errno = errno;
    closedir(dir);
    if (read_errno != 0)
        return vkw_fail(err, VKW_E_OS, "cannot count open file descriptors: readdir: %s",
                        strerror(read_errno));
    *out = n;
    return VKW_OK;
}

/* ---- Time limits --------------------------------------------------------- */

static int stop_fd(void);

/* poll() on fd and on the stop request's self-pipe: 1 when fd is ready,
 * 0 at the timeout, -1 with errno, or -2 once a stop was requested. */
static int poll_or_stop(int fd, short events, int timeout_ms, short *revents)
{
    struct pollfd pfd[2] = {{.fd = fd, .events = events}, {.fd = stop_fd(), .events = POLLIN}};
    int r = poll(pfd, 2, timeout_ms);
    *revents = pfd[0].revents;
    if (r > 0 && pfd[1].revents)
        return -2;
    return r > 0 ? 1 : r;
}

/* UINT32_MAX means no limit, as INFINITE does on Win32. */
static uint64_t deadline_after(uint32_t timeout_ms)
{
    if (timeout_ms == UINT32_MAX)
        return UINT64_MAX;
    return vkw_clock_ns() + (uint64_t)timeout_ms * 1000000u;
}

/* Milliseconds left for poll(), rounded up so that poll never returns early. */
static int ms_left(uint64_t deadline)
{
    if (deadline == UINT64_MAX)
        return -1;
    uint64_t now = vkw_clock_ns();
    if (now >= deadline)
        return 0;
    uint64_t ms = (deadline - now + 999999u) / 1000000u;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* The limit of one wait of the OS round trips. Its clock is read only when
 * the wait has to block, once, not on the way in: a signal already there
 * costs no clock read inside the timed round trip. */
typedef struct wait_limit {
    uint32_t timeout_ms; /* UINT32_MAX: none */
    uint64_t deadline;   /* 0: the wait has not blocked yet */
} wait_limit;

/* Milliseconds a blocking call may wait now (-1: no limit, 0: time is up). */
static int limit_ms(wait_limit *l)
{
    if (l->timeout_ms == UINT32_MAX)
        return -1;
    if (!l->deadline) {
        l->deadline = vkw_clock_ns() + (uint64_t)l->timeout_ms * 1000000u;
        return l->timeout_ms > INT_MAX ? INT_MAX : (int)l->timeout_ms;
    }
    return ms_left(l->deadline);
}

/* ---- The child process and its channel ----------------------------------- */

/* The descriptor the child finds its end of the channel on. */
#define CHILD_FD 3

struct vkw_channel {
    int fd; /* an AF_UNIX SOCK_SEQPACKET socket: one send is one receive */
};

struct vkw_child {
    pid_t pid;
    vkw_child_record rec; /* once reaped: how it ended; the pid is no longer ours */
};

static vkw_status channel_new(int fd, vkw_channel **out, vkw_error *err)
{
    vkw_channel *ch = malloc(sizeof *ch);
    if (!ch)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory creating the child channel");
    ch->fd = fd;
    *out = ch;
    return VKW_OK;
}

void vkw_channel_close(vkw_channel *ch)
{
    if (!ch)
        return;
    close(ch->fd);
    free(ch);
}

vkw_status vkw_child_spawn(vkw_child **child_out, vkw_channel **end_out, vkw_error *err)
{
    *child_out = NULL;
    *end_out = NULL;
#if !defined(__linux__)
    return vkw_fail(err, VKW_E_OS,
                    "cannot start the child process: this needs /proc/self/exe (Linux)");
#else
    vkw_status s = VKW_OK;
    int sv[2] = {-1, -1};
    bool actions_ready = false;
    posix_spawn_file_actions_t actions;
    vkw_child *child = NULL;
    vkw_channel *ch = NULL;
    char exe[PATH_MAX], token[64], command[] = VKW_CHILD_COMMAND;

    child = calloc(1, sizeof *child);
    if (!child) {
        s = vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory starting the child process");
        goto cleanup;
    }
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        s = vkw_fail(err, VKW_E_OS, "cannot start the child process: socketpair: %s",
                     strerror(errno));
        goto cleanup;
    }
    /* dup2 onto its own number keeps FD_CLOEXEC, and the child would lose its end. */
    if (sv[1] == CHILD_FD) {
        int moved = fcntl(sv[1], F_DUPFD_CLOEXEC, CHILD_FD + 1);
        if (moved < 0) {
            s = vkw_fail(err, VKW_E_OS, "cannot start the child process: fcntl: %s",
                         strerror(errno));
            goto cleanup;
        }
        close(sv[1]);
        sv[1] = moved;
    }
    /* argv[0] is the real path, for ps and crash reports; /proc/self/exe is
     * what runs, so a rebuilt or deleted binary still starts the same code. */
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        snprintf(exe, sizeof exe, "/proc/self/exe");
    else
        exe[n] = '\0';
    snprintf(token, sizeof token, "fd=%d,ppid=%ld", CHILD_FD, (long)getpid());

    int rc = posix_spawn_file_actions_init(&actions);
    if (rc == 0) {
        actions_ready = true;
        /* The move comes first: the child's end may itself be 0 or 1. */
        rc = posix_spawn_file_actions_adddup2(&actions, sv[1], CHILD_FD);
    }
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    if (rc != 0) {
        s = vkw_fail(err, rc == ENOMEM ? VKW_E_NO_MEMORY : VKW_E_OS,
                     "cannot start the child process: posix_spawn_file_actions: %s", strerror(rc));
        goto cleanup;
    }
    char *argv[] = {exe, command, token, NULL};
    rc = posix_spawn(&child->pid, "/proc/self/exe", &actions, NULL, argv, environ);
    if (rc != 0) {
        s = vkw_fail(err, VKW_E_OS, "cannot start the child process '%s': posix_spawn: %s", exe,
                     strerror(rc));
        goto cleanup;
    }
    s = channel_new(sv[0], &ch, err);
    if (s != VKW_OK) {
        vkw_child_end end;
        vkw_child_kill(child, &end);
        goto cleanup;
    }
    sv[0] = -1;
    *child_out = child;
    *end_out = ch;
    child = NULL;

cleanup:
    /* The parent keeps no copy of the child's end: when the child ends, the
     * parent's reads see the channel close instead of waiting forever. */
    if (sv[1] >= 0)
        close(sv[1]);
    if (sv[0] >= 0)
        close(sv[0]);
    if (actions_ready)
        posix_spawn_file_actions_destroy(&actions);
    free(child);
    return s;
#endif
}

/* A decimal number up to max, advancing *p; no sign, no blanks. */
vkw_status vkw_child_attach(const char *token, vkw_channel **child_end, vkw_error *err)
{
    *child_end = NULL;
    unsigned long long fd = 0, ppid = 0;
    const char *p = token ? token : "";
    if (!vkw_token_field(&p, "fd=", 10, INT_MAX, &fd) ||
        !vkw_token_field(&p, ",ppid=", 10, INT_MAX, &ppid) || *p != '\0' || ppid < 1)
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "malformed child token '%.64s' (expected fd=N,ppid=N)",
                        token ? token : "(none)");
    struct stat st;
    if (fstat((int)fd, &st) != 0 || !S_ISSOCK(st.st_mode))
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "child token names fd %llu, which is not an open socket", fd);
#if defined(__linux__)
    /* The signal follows the parent *thread* that spawned us: the parent must
     * spawn from a thread that lives as long as the child (the main thread). */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
        return vkw_fail(err, VKW_E_OS, "cannot tie the child to its parent: prctl: %s",
                        strerror(errno));
#endif
    /* After the prctl: a parent that died before it took effect has already
     * handed us to another process. */
    if ((unsigned long long)getppid() != ppid)
        return vkw_fail(err, VKW_E_PEER_GONE,
                        "the parent process %llu ended before the child attached", ppid);
    /* Our own children (none today) must not inherit the channel. */
    if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) != 0)
        return vkw_fail(err, VKW_E_OS, "cannot attach to the parent: fcntl: %s", strerror(errno));
    return channel_new((int)fd, child_end, err);
}

uint32_t vkw_child_pid(const vkw_child *child)
{
    return (uint32_t)child->pid;
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGKILL: return "SIGKILL";
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGTERM: return "SIGTERM";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    default: return NULL;
    }
}

vkw_child_record *vkw_os_child_record(vkw_child *child)
{
    return &child->rec;
}

/* Reaps the child if it has ended; true once reaped. Later calls return the
 * recorded end: the pid may be reused. */
static bool reap_now(vkw_child *c, bool killed)
{
    if (c->rec.reaped)
        return true;
    int ws = 0;
    pid_t r;
    do
        r = waitpid(c->pid, &ws, WNOHANG);
    while (r < 0 && errno == EINTR);
    if (r == 0)
        return false;
    if (r < 0) /* ECHILD: reaped elsewhere (SIGCHLD ignored, or a waitpid(-1) in the program). */
        vkw_child_end_unknown(&c->rec.end, killed, strerror(errno));
    else if (WIFSIGNALED(ws))
        vkw_child_end_signaled(&c->rec.end, killed, WTERMSIG(ws), signal_name(WTERMSIG(ws)));
    else
        vkw_child_end_exited(&c->rec.end, killed, (uint32_t)WEXITSTATUS(ws));
    c->rec.reaped = true;
    return true;
}

/* Returns when the child has ended or the deadline has passed (it does not reap). */
static void wait_for_exit(vkw_child *c, uint64_t deadline)
{
#if defined(__linux__) && defined(SYS_pidfd_open)
    int pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
    if (pidfd >= 0) {
        struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
        while (poll(&pfd, 1, ms_left(deadline)) < 0 && errno == EINTR)
            ;
        close(pidfd);
        return;
    }
    /* Kernels before 5.3 (ENOSYS) and sandboxes that filter the call: poll instead. */
#endif
    /* WNOWAIT: the caller reaps, and records whether it had killed the child. */
    const struct timespec nap = {.tv_sec = 0, .tv_nsec = 2000000};
    for (;;) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (c->rec.reaped ||
            (waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid) ||
            vkw_clock_ns() >= deadline)
            return;
        nanosleep(&nap, NULL);
    }
}

bool vkw_os_child_reap(vkw_child *child, uint32_t wait_ms, bool killed)
{
    if (reap_now(child, killed) || wait_ms == 0)
        return child->rec.reaped;
    wait_for_exit(child, deadline_after(wait_ms));
    return reap_now(child, killed);
}

const char *vkw_os_child_kill(vkw_child *child, vkw_child_end *stuck)
{
    kill(child->pid, SIGKILL);
    stuck->signaled = true;
    stuck->code = SIGKILL;
    return "SIGKILL sent";
}

void vkw_child_free(vkw_child *child)
{
    if (!child)
        return;
    vkw_child_end end;
    vkw_child_kill(child, &end);
    free(child);
}

/* ---- A child's state and usage, read from outside it ----------------------- */

/* The state letter of /proc/<pid>/stat ('R', 'S', 'T' stopped, 'Z' a zombie,
 * ...), or 0 with errno when it cannot be read (ENOENT: no such process). */
static char proc_state(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n;
    do
        n = read(fd, buf, sizeof buf - 1);
    while (n < 0 && errno == EINTR);
    int why = errno;
    close(fd);
    if (n <= 0) {
        errno = n < 0 ? why : ESRCH;
        return 0;
    }
    buf[n] = '\0';
    /* "pid (comm) S ...": the name may hold spaces and parentheses. */
    const char *close_paren = strrchr(buf, ')');
    if (!close_paren || close_paren[1] != ' ' || !close_paren[2]) {
        errno = EPROTO;
        return 0;
    }
    return close_paren[2];
}

/* Whether the child has ended: reaped, a zombie, or no longer there. */
static bool child_gone(vkw_child *c)
{
    if (c->rec.reaped)
        return true;
    char st = proc_state(c->pid);
    return st == 'Z' || st == 'X' || (st == 0 && (errno == ENOENT || errno == ESRCH));
}

static vkw_status child_gone_fail(vkw_child *c, const char *doing, vkw_error *err)
{
    return vkw_fail(err, VKW_E_PEER_GONE, "cannot %s the child process %ld: it has ended", doing,
                    (long)c->pid);
}

/* Sends sig to the child, which has not been reaped (its pid is still ours). */
static vkw_status signal_child(vkw_child *c, int sig, const char *doing, vkw_error *err)
{
    if (child_gone(c))
        return child_gone_fail(c, doing, err);
    if (kill(c->pid, sig) != 0)
        return errno == ESRCH ? child_gone_fail(c, doing, err)
                              : vkw_fail(err, VKW_E_OS, "cannot %s the child process %ld: %s",
                                         doing, (long)c->pid, strerror(errno));
    return VKW_OK;
}

/* How long vkw_child_suspend waits to see the child stopped. */
#define STOP_SEEN_MS 1000u

vkw_status vkw_child_suspend(vkw_child *child, vkw_error *err)
{
    vkw_status s = signal_child(child, SIGSTOP, "suspend", err);
    if (s != VKW_OK)
        return s;
    /* SIGSTOP takes effect when the child next runs: wait until it has, so
     * that nothing it does after this returns. */
    uint64_t deadline = deadline_after(STOP_SEEN_MS);
    const struct timespec nap = {.tv_sec = 0, .tv_nsec = 1000000};
    for (;;) {
        char st = proc_state(child->pid);
        if (st == 'T' || st == 't')
            return VKW_OK;
        if (st == 'Z' || st == 'X' || (st == 0 && (errno == ENOENT || errno == ESRCH)))
            return child_gone_fail(child, "suspend", err);
        if (vkw_clock_ns() >= deadline)
            return VKW_OK; /* still in the kernel ('D'): it stops on the way out */
        nanosleep(&nap, NULL);
    }
}

vkw_status vkw_child_resume(vkw_child *child, vkw_error *err)
{
    return signal_child(child, SIGCONT, "resume", err);
}

/* statm's second field: the resident pages (VmRSS), in bytes. */
static vkw_status resident_of(const char *statm, uint64_t *out, vkw_error *err)
{
    FILE *f = fopen(statm, "re");
    if (!f)
        return vkw_fail(err, VKW_E_OS, "cannot read %s: %s", statm, strerror(errno));
    unsigned long long size = 0, pages = 0;
    int got = fscanf(f, "%llu %llu", &size, &pages);
    fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    if (got != 2 || page <= 0)
        return vkw_fail(err, VKW_E_OS, "cannot read %s: not \"SIZE RESIDENT ...\"", statm);
    *out = (uint64_t)pages * (uint64_t)page;
    return VKW_OK;
}

vkw_status vkw_process_usage_self(vkw_process_usage *out, vkw_error *err)
{
    memset(out, 0, sizeof *out);
    uint32_t n = 0;
    vkw_status s = vkw_handle_count(&n, err);
    if (s == VKW_OK)
        s = resident_of("/proc/self/statm", &out->resident, err);
    out->handles = n;
    return s;
}

vkw_status vkw_child_usage(vkw_child *child, vkw_process_usage *out, vkw_error *err)
{
    memset(out, 0, sizeof *out);
    if (child->rec.reaped) /* the pid is no longer ours to read */
        return child_gone_fail(child, "read the usage of", err);
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/fd", (long)child->pid);
    DIR *dir = opendir(path);
    if (!dir)
        return child_gone(child) ? child_gone_fail(child, "read the usage of", err)
                                 : vkw_fail(err, VKW_E_OS,
                                            "cannot count the open fds of the "
                                            "child process: %s: %s",
                                            path, strerror(errno));
    int64_t n = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(dir)) != NULL)
        n += e->d_name[0] != '.';
    int read_errno = errno;
    closedir(dir);
    vkw_status s = VKW_OK;
    if (read_errno != 0)
        s = vkw_fail(err, VKW_E_OS, "cannot count the open fds of the child process: %s: %s", path,
                     strerror(read_errno));
    snprintf(path, sizeof path, "/proc/%ld/statm", (long)child->pid);
    if (s == VKW_OK)
        s = resident_of(path, &out->resident, err);
    /* Last: a zombie's fd folder is empty and its statm all zeros, and a
     * child that ended while it was read has nothing to show. */
    if (child_gone(child)) {
        memset(out, 0, sizeof *out);
        return child_gone_fail(child, "read the usage of", err);
    }
    if (s != VKW_OK)
        memset(out, 0, sizeof *out);
    else
        out->handles = n;
    return s;
}

vkw_status vkw_os_channel_send(vkw_channel *ch, const void *msg, size_t len,
                               const vkw_handle *handles, uint32_t handle_count, vkw_error *err)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * VKW_CHANNEL_MAX_HANDLES)];
    } control;
    memset(&control, 0, sizeof control);
    struct iovec iov = {.iov_base = (void *)(uintptr_t)msg, .iov_len = len};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    if (handle_count > 0) {
        mh.msg_control = control.buf;
        mh.msg_controllen = CMSG_SPACE(sizeof(int) * handle_count);
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * handle_count);
        for (uint32_t i = 0; i < handle_count; i++) {
            if (handles[i] < 0 || handles[i] > INT_MAX)
                return vkw_fail(err, VKW_E_INVALID_ARG,
                                "cannot send handle %u to the peer: %lld is not an fd", i,
                                (long long)handles[i]);
            int fd = (int)handles[i];
            memcpy(CMSG_DATA(c) + i * sizeof fd, &fd, sizeof fd);
        }
    }
    ssize_t n;
    do
        n = sendmsg(ch->fd, &mh, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN))
        return vkw_fail(err, VKW_E_PEER_GONE, "the peer process closed the channel");
    if (n < 0)
        return vkw_fail(err, VKW_E_OS, "cannot send to the peer process: sendmsg: %s",
                        strerror(errno));
    if ((size_t)n != len) /* SOCK_SEQPACKET sends all or nothing */
        return vkw_fail(err, VKW_E_OS, "short send to the peer process (%zd of %zu bytes)", n, len);
    return VKW_OK;
}

/* Waits until the channel has something to read (a message or the end). */
static vkw_status wait_readable(int fd, uint64_t deadline, vkw_error *err)
{
    for (;;) {
        short revents = 0;
        int r = poll_or_stop(fd, POLLIN, ms_left(deadline), &revents);
        if (r == -2)
            return vkw_stop_check(err);
        if (r < 0 && errno == EINTR)
            continue; /* ms_left recomputes what is left of the time */
        if (r < 0)
            return vkw_fail(err, VKW_E_OS, "cannot wait for the peer process: poll: %s",
                            strerror(errno));
        if (r == 0)
            return vkw_fail(err, VKW_E_TIMEOUT, "the peer process sent nothing in time");
        if (revents & POLLIN)
            return VKW_OK; /* data, or the end seen as a read of 0 bytes */
        if (revents & POLLNVAL)
            return vkw_fail(err, VKW_E_INVALID_ARG, "the channel's fd %d is not open", fd);
        return vkw_fail(err, VKW_E_PEER_GONE, "the peer process closed the channel");
    }
}

vkw_status vkw_os_channel_recv(vkw_channel *ch, void *buf, size_t cap, size_t *len,
                               vkw_handle *handles, uint32_t *handle_count, uint32_t timeout_ms,
                               vkw_error *err)
{
    uint64_t deadline = deadline_after(timeout_ms);
    /* Room for one fd more than allowed: too many then shows as too many,
     * not as a truncated control message. */
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * (VKW_CHANNEL_MAX_HANDLES + 1))];
    } control;
    int fds[VKW_CHANNEL_MAX_HANDLES + 1];
    uint32_t nfds = 0;
    ssize_t n;
    struct msghdr mh;
    vkw_status s;
    for (;;) {
        s = wait_readable(ch->fd, deadline, err);
        if (s != VKW_OK)
            return s;
        struct iovec iov = {.iov_base = buf, .iov_len = cap};
        memset(&mh, 0, sizeof mh);
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = control.buf;
        mh.msg_controllen = sizeof control.buf;
        do
            n = recvmsg(ch->fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
        while (n < 0 && errno == EINTR);
        if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
            break;
    }
    if (n < 0) {
        if (errno == ECONNRESET || errno == ENOTCONN)
            return vkw_fail(err, VKW_E_PEER_GONE, "the peer process closed the channel");
        return vkw_fail(err, VKW_E_OS, "cannot receive from the peer process: recvmsg: %s",
                        strerror(errno));
    }
    /* Every fd that came is ours from here on, whatever else is wrong. */
    bool extra = false;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof fd, sizeof fd);
            if (nfds < sizeof fds / sizeof fds[0])
                fds[nfds++] = fd;
            else {
                close(fd);
                extra = true;
            }
        }
    }
    if (n == 0) /* send() refuses empty messages, so 0 bytes is the end */
        s = vkw_fail(err, VKW_E_PEER_GONE, "the peer process closed the channel");
    else if (mh.msg_flags & MSG_TRUNC)
        s = vkw_fail(err, VKW_E_PROTOCOL,
                     "the peer process sent a message larger than the %zu bytes expected", cap);
    else if ((mh.msg_flags & MSG_CTRUNC) || extra || nfds > VKW_CHANNEL_MAX_HANDLES)
        s = vkw_fail(err, VKW_E_PROTOCOL,
                     "the peer process sent more than %u handles in one message",
                     VKW_CHANNEL_MAX_HANDLES);
    if (s != VKW_OK)
        goto cleanup;
    for (uint32_t i = 0; i < nfds; i++)
        handles[i] = fds[i];
    *handle_count = nfds;
    *len = (size_t)n;
    return VKW_OK;

cleanup:
    for (uint32_t i = 0; i < nfds; i++)
        close(fds[i]);
    return s;
}

/* ---- Test support --------------------------------------------------------- */

vkw_status vkw_foreign_handle_create(vkw_handle *out, vkw_error *err)
{
    *out = VKW_NO_HANDLE;
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return vkw_fail(err, VKW_E_OS, "cannot create a pipe: %s", strerror(errno));
    close(p[1]);
    *out = p[0];
    return VKW_OK;
}

bool vkw_platform_stderr_is_terminal(void)
{
    return isatty(STDERR_FILENO) == 1;
}

vkw_handle vkw_handle_make_stale(vkw_handle h)
{
    /* Moved far above the fds in use and closed, so that nothing the driver
     * opens in the meantime takes the number back. */
    int high = fcntl((int)h, F_DUPFD_CLOEXEC, 1000);
    close((int)h);
    if (high < 0)
        return h; /* the old number: closed, though it may be reused sooner */
    close(high);
    return (vkw_handle)high;
}

/* ---- Events and sections ------------------------------------------------ */

vkw_status vkw_event_create(vkw_handle *out, vkw_error *err)
{
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0) {
        *out = VKW_NO_HANDLE;
        return vkw_fail(err, VKW_E_OS, "cannot create an eventfd: %s", strerror(errno));
    }
    *out = fd;
    return VKW_OK;
}

vkw_status vkw_event_signal(vkw_handle ev, vkw_error *err)
{
    uint64_t one = 1;
    ssize_t n;
    do
        n = write((int)ev, &one, sizeof one);
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof one)
        return vkw_fail(err, VKW_E_OS, "cannot signal eventfd %d: %s", (int)ev,
                        n < 0 ? strerror(errno) : "short write");
    return VKW_OK;
}

static vkw_status event_wait(int fd, wait_limit *l, vkw_error *err)
{
    for (;;) {
        uint64_t value;
        /* Non-blocking read first: a signal already there costs no poll. */
        ssize_t n = read(fd, &value, sizeof value);
        if (n == (ssize_t)sizeof value)
            return VKW_OK;
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return vkw_fail(err, VKW_E_OS, "cannot wait on eventfd %d: %s", fd, strerror(errno));
        int left = limit_ms(l);
        if (left == 0)
            return vkw_fail(err, VKW_E_TIMEOUT, "no signal within %u ms", l->timeout_ms);
        short revents = 0;
        int r = poll_or_stop(fd, POLLIN, left, &revents);
        if (r == -2)
            return vkw_stop_check(err);
        if (r < 0 && errno != EINTR)
            return vkw_fail(err, VKW_E_OS, "cannot wait on eventfd %d: %s", fd, strerror(errno));
    }
}

vkw_status vkw_event_wait(vkw_handle ev, uint32_t timeout_ms, vkw_error *err)
{
    wait_limit l = {timeout_ms, 0};
    return event_wait((int)ev, &l, err);
}

vkw_status vkw_section_create(size_t size, vkw_handle *out, vkw_error *err)
{
    *out = VKW_NO_HANDLE;
    int fd = memfd_create("vkwin32h-section", MFD_CLOEXEC);
    if (fd < 0)
        return vkw_fail(err, VKW_E_OS, "cannot create a memory section: memfd_create: %s",
                        strerror(errno));
    if (ftruncate(fd, (off_t)size) != 0) {
        vkw_status s = vkw_fail(err, VKW_E_OS, "cannot size a memory section to %zu bytes: %s",
                                size, strerror(errno));
        close(fd);
        return s;
    }
    *out = fd;
    return VKW_OK;
}

vkw_status vkw_section_map(vkw_handle section, size_t size, void **out, vkw_error *err)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, (int)section, 0);
    if (p == MAP_FAILED) {
        *out = NULL;
        return vkw_fail(err, VKW_E_OS, "cannot map a memory section of %zu bytes: %s", size,
                        strerror(errno));
    }
    *out = p;
    return VKW_OK;
}

void vkw_section_unmap(void *p, size_t size)
{
    if (p)
        munmap(p, size);
}

/* ---- Handles, threads, the clock ------------------------------------------- */

struct vkw_thread {
    pthread_t id;
    void (*fn)(void *);
    void *arg;
};

static void *thread_entry(void *p)
{
    vkw_thread *t = p;
    t->fn(t->arg);
    return NULL;
}

vkw_status vkw_thread_start(void (*fn)(void *arg), void *arg, vkw_thread **out, vkw_error *err)
{
    *out = NULL;
    vkw_thread *t = malloc(sizeof *t);
    if (!t)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory starting a thread");
    t->fn = fn;
    t->arg = arg;
    int e = pthread_create(&t->id, NULL, thread_entry, t);
    if (e != 0) {
        free(t);
        return vkw_fail(err, VKW_E_OS, "cannot start a thread: %s", strerror(e));
    }
    *out = t;
    return VKW_OK;
}

void vkw_thread_join(vkw_thread *t)
{
    if (!t)
        return;
    pthread_join(t->id, NULL);
    free(t);
}

/* ---- The pool's lock and condition variables (platform_os.h) -------------- */

struct vkw_os_lock {
    pthread_mutex_t mutex;
};
struct vkw_os_cond {
    pthread_cond_t cond;
};

vkw_os_lock vkw_os_pool_lock = {PTHREAD_MUTEX_INITIALIZER};
vkw_os_cond vkw_os_pool_work = {PTHREAD_COND_INITIALIZER};
vkw_os_cond vkw_os_pool_done = {PTHREAD_COND_INITIALIZER};

void vkw_os_lock_acquire(vkw_os_lock *l)
{
    pthread_mutex_lock(&l->mutex);
}

void vkw_os_lock_release(vkw_os_lock *l)
{
    pthread_mutex_unlock(&l->mutex);
}

void vkw_os_cond_wait(vkw_os_cond *c, vkw_os_lock *l)
{
    pthread_cond_wait(&c->cond, &l->mutex);
}

void vkw_os_cond_wake_all(vkw_os_cond *c)
{
    pthread_cond_broadcast(&c->cond);
}

/* ---- Locks and naps ---------------------------------------------------------- */

struct vkw_mutex {
    vkw_os_lock lock;
};

vkw_status vkw_mutex_create(vkw_mutex **out, vkw_error *err)
{
    *out = NULL;
    vkw_mutex *m = malloc(sizeof *m);
    if (!m)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory creating a lock");
    int e = pthread_mutex_init(&m->lock.mutex, NULL);
    if (e != 0) {
        free(m);
        return vkw_fail(err, VKW_E_OS, "cannot create a lock: %s", strerror(e));
    }
    *out = m;
    return VKW_OK;
}

void vkw_mutex_lock(vkw_mutex *m)
{
    vkw_os_lock_acquire(&m->lock);
}

void vkw_mutex_unlock(vkw_mutex *m)
{
    vkw_os_lock_release(&m->lock);
}

bool vkw_mutex_trylock(vkw_mutex *m)
{
    return pthread_mutex_trylock(&m->lock.mutex) == 0;
}

void vkw_mutex_destroy(vkw_mutex *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->lock.mutex);
    free(m);
}

void vkw_nap_ms(uint32_t ms)
{
    struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0 && errno == EINTR)
        ;
}

uint32_t vkw_sleep_ms(uint32_t ms)
{
    uint64_t t0 = vkw_clock_ns(), deadline = t0 + (uint64_t)ms * 1000000u;
    /* The self-pipe wakes the poll at a stop request (no fd before
     * vkw_stop_watch: poll skips a negative one, and no stop can come). */
    struct pollfd pfd = {.fd = stop_fd(), .events = POLLIN};
    while (vkw_stop_requested() == VKW_STOP_NONE) {
        int left = ms_left(deadline);
        if (left == 0)
            break;
        if (poll(&pfd, 1, left) > 0)
            break;
    }
    uint64_t slept = (vkw_clock_ns() - t0) / 1000000u;
    return slept > UINT32_MAX ? UINT32_MAX : (uint32_t)slept;
}

vkw_status vkw_thread_pin(uint32_t cpu, vkw_error *err)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (cpu >= CPU_SETSIZE)
        return vkw_fail(err, VKW_E_INVALID_ARG, "CPU %u is beyond what can be pinned (%d)", cpu,
                        CPU_SETSIZE);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        return vkw_fail(err, VKW_E_INVALID_ARG, "cannot pin to CPU %u: %s", cpu, strerror(errno));
    return VKW_OK;
}

vkw_status vkw_os_cpu_affinity(bool *allowed, uint32_t cap, uint32_t *count, vkw_error *err)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    *count = 0;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return vkw_fail(err, VKW_E_OS, "cannot read this process's CPU affinity: %s",
                        strerror(errno));
    for (; *count < cap && *count < CPU_SETSIZE; (*count)++)
        allowed[*count] = CPU_ISSET(*count, &set);
    return VKW_OK;
}

uint64_t vkw_clock_resolution_ns(void)
{
    struct timespec ts;
    if (clock_getres(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- OS ping-pong ------------------------------------------------------------ */

bool vkw_pingpong_kind_available(vkw_os_pingpong_kind k)
{
    return k == VKW_PINGPONG_FUTEX || k == VKW_PINGPONG_EVENTFD || k == VKW_PINGPONG_PIPE;
}

static long futex(_Atomic uint32_t *addr, int op, uint32_t val, const struct timespec *ts)
{
    /* Not FUTEX_PRIVATE_FLAG: the word is shared with another process. */
    return syscall(SYS_futex, (uintptr_t)addr, op, val, ts, NULL, 0);
}

vkw_status vkw_os_futex_wait(_Atomic uint32_t *word, uint32_t round, uint32_t timeout_ms,
                             vkw_error *err)
{
    wait_limit lim = {timeout_ms, 0}, *l = &lim;
    for (;;) {
        uint32_t seen = atomic_load_explicit(word, memory_order_acquire);
        if ((int32_t)(seen - round) >= 0) /* reached (or passed), across wrap-around */
            return VKW_OK;
        int left = limit_ms(l);
        if (left == 0)
            return vkw_fail(err, VKW_E_TIMEOUT, "no futex signal within %u ms", l->timeout_ms);
        /* A futex cannot also watch the self-pipe: it sleeps in slices. */
        if (vkw_stop_requested() != VKW_STOP_NONE)
            return vkw_stop_check(err);
        if (left < 0 || left > (int)VKW_STOP_POLL_MS)
            left = (int)VKW_STOP_POLL_MS;
        struct timespec ts = {left / 1000, (long)(left % 1000) * 1000000L};
        if (futex(word, FUTEX_WAIT, seen, &ts) != 0 && errno != EAGAIN && errno != EINTR &&
            errno != ETIMEDOUT)
            return vkw_fail(err, VKW_E_OS, "futex wait: %s", strerror(errno));
    }
}

vkw_status vkw_os_futex_signal(_Atomic uint32_t *word, uint32_t round, vkw_error *err)
{
    atomic_store_explicit(word, round, memory_order_release);
    if (futex(word, FUTEX_WAKE, 1, NULL) < 0)
        return vkw_fail(err, VKW_E_OS, "futex wake: %s", strerror(errno));
    return VKW_OK;
}

vkw_status vkw_os_pipe_create(vkw_handle *read_end, vkw_handle *write_end, vkw_error *err)
{
    int fds[2];
    *read_end = *write_end = VKW_NO_HANDLE;
    if (pipe2(fds, O_CLOEXEC) != 0)
        return vkw_fail(err, VKW_E_OS, "cannot create a pipe: %s", strerror(errno));
    *read_end = fds[0];
    *write_end = fds[1];
    return VKW_OK;
}

vkw_status vkw_os_pipe_signal(vkw_handle write_end, vkw_error *err)
{
    int fd = (int)write_end;
    char c = 1;
    ssize_t n;
    do
        n = write(fd, &c, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1)
        return vkw_fail(err, n == 0 || errno == EPIPE ? VKW_E_PEER_GONE : VKW_E_OS,
                        "pipe write: %s", n < 0 ? strerror(errno) : "nothing written");
    return VKW_OK;
}

vkw_status vkw_os_pipe_wait(vkw_handle read_end, uint32_t timeout_ms, vkw_error *err)
{
    int fd = (int)read_end;
    wait_limit lim = {timeout_ms, 0}, *l = &lim;
    for (;;) {
        short revents = 0;
        int r = poll_or_stop(fd, POLLIN, limit_ms(l), &revents);
        if (r == -2)
            return vkw_stop_check(err);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return vkw_fail(err, VKW_E_OS, "pipe poll: %s", strerror(errno));
        if (r == 0)
            return vkw_fail(err, VKW_E_TIMEOUT, "no pipe signal within %u ms", l->timeout_ms);
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n == 1)
            return VKW_OK;
        if (n == 0)
            return vkw_fail(err, VKW_E_PEER_GONE, "the other end closed the pipe");
        if (errno != EINTR && errno != EAGAIN)
            return vkw_fail(err, VKW_E_OS, "pipe read: %s", strerror(errno));
    }
}

uint32_t vkw_platform_process_id(void)
{
    return (uint32_t)getpid();
}

void vkw_platform_ignore_broken_pipes(void)
{
    signal(SIGPIPE, SIG_IGN);
}

/* ---- Stop requests ----------------------------------------------------------- */

/* Written by the handlers, read anywhere: the first request, and the self-pipe
 * that makes it a readable fd for poll(). */
static _Atomic int stop_reason = VKW_STOP_NONE; /* lock-free: safe in a handler */
static int stop_pipe[2] = {-1, -1};
static int stop_exit_interrupt = 130, stop_exit_terminate = 143;
static uint32_t stop_deadline_ms;

static void on_stop_signal(int sig)
{
    int saved = errno;
    vkw_stop why = sig == SIGINT    ? VKW_STOP_INTERRUPT
                   : sig == SIGTERM ? VKW_STOP_TERMINATE
                                    : VKW_STOP_DEADLINE;
    /* Any thread may take a signal, two at the same time: one is first. */
    int none = VKW_STOP_NONE;
    if (!atomic_compare_exchange_strong(&stop_reason, &none, (int)why)) {
        /* A second request: the first is being handled, this one will not
         * wait for it. The deadline never ends a run at once. */
        if (why != VKW_STOP_DEADLINE)
            _exit(why == VKW_STOP_INTERRUPT ? stop_exit_interrupt : stop_exit_terminate);
        errno = saved;
        return;
    }
    if (stop_pipe[1] >= 0) {
        char c = 1;
        ssize_t n = write(stop_pipe[1], &c, 1); /* full: already readable */
        (void)n;
    }
    errno = saved;
}

/* The read end of the self-pipe (-1 before vkw_stop_watch): readable once a
 * stop was requested, and from then on (nobody reads it). */
static int stop_fd(void)
{
    return stop_pipe[0];
}

vkw_status vkw_stop_watch(uint32_t deadline_ms, int exit_interrupt, int exit_terminate,
                          vkw_error *err)
{
    stop_exit_interrupt = exit_interrupt;
    stop_exit_terminate = exit_terminate;
    if (stop_pipe[0] < 0 && pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return vkw_fail(err, VKW_E_OS, "cannot watch for signals: pipe: %s", strerror(errno));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGALRM);
    sa.sa_flags = SA_RESTART; /* the driver's own reads and writes carry on */
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0 ||
        sigaction(SIGALRM, &sa, NULL) != 0)
        return vkw_fail(err, VKW_E_OS, "cannot watch for signals: sigaction: %s", strerror(errno));
    stop_deadline_ms = deadline_ms;
    if (deadline_ms) {
        struct itimerval it;
        memset(&it, 0, sizeof it);
        it.it_value.tv_sec = deadline_ms / 1000;
        it.it_value.tv_usec = (suseconds_t)(deadline_ms % 1000) * 1000;
        if (setitimer(ITIMER_REAL, &it, NULL) != 0)
            return vkw_fail(err, VKW_E_OS, "cannot set the deadline: setitimer: %s",
                            strerror(errno));
    }
    return VKW_OK;
}

vkw_stop vkw_stop_requested(void)
{
    return (vkw_stop)atomic_load_explicit(&stop_reason, memory_order_relaxed);
}

vkw_status vkw_stop_check(vkw_error *err)
{
    vkw_stop why = vkw_stop_requested();
    if (why == VKW_STOP_NONE)
        return VKW_OK;
    if (why == VKW_STOP_DEADLINE)
        return vkw_fail(err, VKW_E_INTERRUPTED, "the deadline of %.1f s passed",
                        stop_deadline_ms / 1000.0);
    return vkw_fail(err, VKW_E_INTERRUPTED, "interrupted by %s",
                    why == VKW_STOP_INTERRUPT ? "SIGINT" : "SIGTERM");
}

void vkw_stop_ignore(void)
{
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
}

uint32_t vkw_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1u : n > 4096 ? 4096u : (uint32_t)n;
}

vkw_status vkw_peak_resident_bytes(uint64_t *out, vkw_error *err)
{
    /* VmHWM, which clear_refs starts anew (getrusage's ru_maxrss also keeps
     * the peak of threads that have ended, and is never reset). */
    *out = 0;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return vkw_fail(err, VKW_E_OS, "/proc/self/status: %s", strerror(errno));
    char line[256];
    unsigned long long kb = 0;
    bool found = false;
    while (!found && fgets(line, sizeof line, f))
        found = sscanf(line, "VmHWM: %llu kB", &kb) == 1;
    fclose(f);
    if (!found)
        return vkw_fail(err, VKW_E_OS, "/proc/self/status has no VmHWM line");
    *out = (uint64_t)kb * 1024u;
    return VKW_OK;
}

bool vkw_peak_resident_reset(void)
{
    int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = write(fd, "5", 1) == 1;
    close(fd);
    return ok;
}
