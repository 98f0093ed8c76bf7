/* Win32 implementation of platform.h. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <ntsecapi.h> /* RtlGenRandom */
#include <psapi.h>    /* K32GetProcessMemoryInfo (kernel32) */

#include "platform_os.h"
#include "base/text_buffer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct vkw_library {
    HMODULE module;
};

const char *vkw_platform_default_loader_name(void)
{
    return "vulkan-1.dll";
}

static void last_error_text(DWORD code, char *buf, size_t len)
{
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code,
                             0, buf, (DWORD)len, NULL);
    /* FormatMessage ends its text with "\r\n"; a report line must not. */
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == '.'))
        buf[--n] = '\0';
    if (n == 0)
        snprintf(buf, len, "Win32 error %lu", (unsigned long)code);
}

/* ---- Stop requests: the state the console handler and the waits share ---- */

static volatile LONG stop_reason = VKW_STOP_NONE;
static volatile LONG stop_event_kind = 0; /* the CTRL_*_EVENT of the first request */
static HANDLE stop_event;                 /* manual-reset: set by the first request */
static int stop_exit_interrupt = 130, stop_exit_terminate = 143;
static uint32_t stop_deadline_ms;

/* What wait_or_stop returns when the stop event ended the wait, and what
 * finish_io returns then (the customer bit: never a system error code). */
#define STOP_REQUESTED (WAIT_OBJECT_0 + 1)
#define IO_STOPPED ((DWORD)0xE0000001u)

/* WaitForSingleObject(h), or STOP_REQUESTED once a stop was requested. */
static DWORD wait_or_stop(HANDLE h, DWORD timeout_ms)
{
    if (!stop_event)
        return WaitForSingleObject(h, timeout_ms);
    HANDLE both[2] = {h, stop_event};
    return WaitForMultipleObjects(2, both, FALSE, timeout_ms);
}

vkw_status vkw_library_open(const char *path, vkw_library **out, vkw_error *err)
{
    *out = NULL;
    HMODULE m = LoadLibraryA(path);
    if (!m) {
        char why[256];
        last_error_text(GetLastError(), why, sizeof why);
        return vkw_fail(err, VKW_E_NO_LOADER, "cannot load the Vulkan loader '%s': %s", path, why);
    }
    vkw_library *lib = malloc(sizeof *lib);
    if (!lib) {
        FreeLibrary(m);
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory loading '%s'", path);
    }
    lib->module = m;
    *out = lib;
    return VKW_OK;
}

void *vkw_library_symbol(vkw_library *lib, const char *name)
{
    FARPROC p = GetProcAddress(lib->module, name);
    void *v;
    memcpy(&v, &p, sizeof v); /* function to object pointer, without a cast warning */
    return v;
}

void vkw_library_path(vkw_library *lib, void *symbol, char *buf, size_t len)
{
    (void)symbol;
    if (len == 0)
        return;
    DWORD n = GetModuleFileNameA(lib->module, buf, (DWORD)len);
    if (n == 0 || n >= len)
        buf[0] = '\0';
}

void vkw_library_close(vkw_library *lib)
{
    if (!lib)
        return;
    FreeLibrary(lib->module);
    free(lib);
}

uint64_t vkw_clock_ns(void)
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER now;
    if (freq.QuadPart == 0)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    uint64_t q = (uint64_t)now.QuadPart, f = (uint64_t)freq.QuadPart;
    return (q / f) * 1000000000u + (q % f) * 1000000000u / f;
}

const char *vkw_platform_os_name(void)
{
    return "Windows";
}

vkw_os vkw_platform_os(void)
{
    return VKW_OS_WINDOWS;
}

void vkw_platform_utc_now(char *buf, size_t len)
{
    SYSTEMTIME t;
    GetSystemTime(&t);
    snprintf(buf, len, "%04u-%02u-%02uT%02u:%02u:%02uZ", t.wYear, t.wMonth, t.wDay, t.wHour,
             t.wMinute, t.wSecond);
}

void vkw_platform_hostname(char *buf, size_t len)
{
    DWORD n = len > MAXDWORD ? MAXDWORD : (DWORD)len;
    if (len == 0)
        return;
    if (!GetComputerNameA(buf, &n) || !buf[0])
        snprintf(buf, len, "localhost");
}

/* "<what><the system's reason>", from GetLastError, as a file primitive's error. */
static vkw_status file_fail(vkw_error *err, const char *what)
{
    char why[256];
    last_error_text(GetLastError(), why, sizeof why);
    return vkw_fail(err, VKW_E_IO, "%s%s", what, why);
}

vkw_status vkw_file_create_temp(const char *beside, vkw_handle *out, char *tmp, size_t tmplen,
                                vkw_error *err)
{
    *out = VKW_NO_HANDLE;
    /* A unique name: process, time and attempt; CREATE_NEW never reuses one. */
    for (unsigned attempt = 0; attempt < 16; attempt++) {
        int n = snprintf(tmp, tmplen, "%s.tmp.%lu.%llu.%u", beside,
                         (unsigned long)GetCurrentProcessId(), (unsigned long long)GetTickCount64(),
                         attempt);
        if (n < 0 || (size_t)n >= tmplen)
            return vkw_fail(err, VKW_E_IO, "path too long");
        HANDLE h =
            CreateFileA(tmp, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
        if (h != INVALID_HANDLE_VALUE) {
            *out = (vkw_handle)h;
            return VKW_OK;
        }
        if (GetLastError() != ERROR_FILE_EXISTS)
            break;
    }
    return file_fail(err, "");
}

vkw_status vkw_file_write_all(vkw_handle file, const void *data, size_t len, vkw_error *err)
{
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        DWORD chunk = left > 0x40000000u ? 0x40000000u : (DWORD)left, wrote = 0;
        if (!WriteFile((HANDLE)file, p, chunk, &wrote, NULL) || wrote == 0)
            return file_fail(err, "");
        p += wrote;
        left -= wrote;
    }
    return VKW_OK;
}

vkw_status vkw_file_sync(vkw_handle file, vkw_error *err)
{
    if (!FlushFileBuffers((HANDLE)file))
        return file_fail(err, "flush: ");
    return VKW_OK;
}

vkw_status vkw_file_close(vkw_handle file, vkw_error *err)
{
    if (!CloseHandle((HANDLE)file))
        return file_fail(err, "close: ");
    return VKW_OK;
}

vkw_status vkw_file_rename(const char *from, const char *to, vkw_error *err)
{
    if (!MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        return file_fail(err, "rename: ");
    return VKW_OK;
}

void vkw_file_remove(const char *path)
{
    DeleteFileA(path);
}

/* Links are not followed here: a reparse point is refused as not a regular
 * file (vkw_file_kind_at), so a file lands at path itself. */
vkw_status vkw_file_resolve(const char *path, char *out, size_t len, vkw_error *err)
{
    if (strlen(path) >= len)
        return vkw_fail(err, VKW_E_IO, "path too long");
    snprintf(out, len, "%s", path);
    return VKW_OK;
}

vkw_file_kind vkw_file_kind_at(const char *path, const char **what)
{
    *what = NULL;
    DWORD attr = GetFileAttributesA(path);
    if (attr == INVALID_FILE_ATTRIBUTES)
        return VKW_FILE_ABSENT;
    if (attr & FILE_ATTRIBUTE_DIRECTORY)
        return VKW_FILE_DIRECTORY;
    if (attr & (FILE_ATTRIBUTE_DEVICE | FILE_ATTRIBUTE_REPARSE_POINT)) {
        *what = "a device or a link";
        return VKW_FILE_OTHER;
    }
    return VKW_FILE_REGULAR;
}

vkw_status vkw_file_open_read(const char *path, vkw_handle *out, uint64_t *size, vkw_error *err)
{
    *out = VKW_NO_HANDLE;
    *size = 0;
    DWORD attr = GetFileAttributesA(path);
    if (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY))
        return vkw_fail(err, VKW_E_IO, "is a directory");
    /* Opening a pipe or a console never waits; reading one would, so only a
     * disk file is read (GetFileType). */
    HANDLE h = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return file_fail(err, "");
    LARGE_INTEGER sz;
    DWORD type = GetFileType(h);
    vkw_status s = VKW_OK;
    if (type != FILE_TYPE_DISK)
        s = vkw_fail(err, VKW_E_IO, "not a regular file (%s)",
                     type == FILE_TYPE_PIPE   ? "a pipe"
                     : type == FILE_TYPE_CHAR ? "a character device"
                                              : "not a disk file");
    else if (!GetFileSizeEx(h, &sz))
        s = file_fail(err, "");
    if (s != VKW_OK) {
        CloseHandle(h);
        return s;
    }
    *out = (vkw_handle)h;
    *size = (uint64_t)sz.QuadPart;
    return VKW_OK;
}

vkw_status vkw_file_read(vkw_handle file, void *buf, size_t cap, size_t *got, vkw_error *err)
{
    DWORD n = 0, want = cap > 0x40000000u ? 0x40000000u : (DWORD)cap;
    *got = 0;
    if (!ReadFile((HANDLE)file, buf, want, &n, NULL))
        return file_fail(err, "");
    *got = n;
    return VKW_OK;
}

/* The identity of what h names: the volume serial number and file index. */
static bool handle_identity(HANDLE h, vkw_file_id *out)
{
    BY_HANDLE_FILE_INFORMATION info;
    if (!GetFileInformationByHandle(h, &info))
        return false;
    out->volume = info.dwVolumeSerialNumber;
    out->index = ((uint64_t)info.nFileIndexHigh << 32) | info.nFileIndexLow;
    return true;
}

/* Opens a file or a folder (FILE_FLAG_BACKUP_SEMANTICS) to ask about it, not
 * to read it: no access, every sharing mode, links followed. */
static HANDLE open_to_ask(const char *path)
{
    return CreateFileA(path, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                       OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
}

vkw_status vkw_file_identity(const char *path, vkw_file_id *out, vkw_error *err)
{
    memset(out, 0, sizeof *out);
    char shown[200];
    vkw_text_escape(path, shown, sizeof shown);
    char why[256];
    HANDLE h = open_to_ask(path);
    if (h != INVALID_HANDLE_VALUE) {
        out->exists = handle_identity(h, out);
        DWORD code = GetLastError();
        CloseHandle(h);
        if (out->exists)
            return VKW_OK;
        last_error_text(code, why, sizeof why);
        return vkw_fail(err, VKW_E_IO, "cannot tell which file '%s' is: %s", shown, why);
    }
    /* No file yet: the folder it would be created in, and its name. */
    char full[MAX_PATH], *name = NULL;
    DWORD n = GetFullPathNameA(path, sizeof full, full, &name);
    if (n == 0 || n >= sizeof full || !name || !*name || strlen(name) >= sizeof out->name)
        return vkw_fail(err, VKW_E_IO,
                        "cannot tell which file '%s' is: no file name, or a "
                        "path too long",
                        shown);
    snprintf(out->name, sizeof out->name, "%s", name);
    *name = '\0';
    h = open_to_ask(full);
    bool known = h != INVALID_HANDLE_VALUE && handle_identity(h, out);
    DWORD code = GetLastError();
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    if (known)
        return VKW_OK;
    last_error_text(code, why, sizeof why);
    char folder[200];
    vkw_text_escape(full, folder, sizeof folder);
    return vkw_fail(err, VKW_E_IO, "cannot tell which file '%s' is: folder '%s': %s", shown, folder,
                    why);
}

bool vkw_file_same(const vkw_file_id *a, const vkw_file_id *b)
{
    /* NTFS names compare without case. */
    return a->exists == b->exists && a->volume == b->volume && a->index == b->index &&
           (a->exists || lstrcmpiA(a->name, b->name) == 0);
}

vkw_status vkw_file_head(const char *path, char *buf, size_t cap, size_t *len, vkw_file_kind *kind,
                         vkw_error *err)
{
    *len = 0;
    *kind = VKW_FILE_ABSENT;
    char why[256];
    DWORD attr = GetFileAttributesA(path);
    if (attr == INVALID_FILE_ATTRIBUTES) {
        DWORD code = GetLastError();
        if (code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND)
            return VKW_OK;
        last_error_text(code, why, sizeof why);
        return vkw_fail(err, VKW_E_IO, "cannot look at '%s': %s", path, why);
    }
    *kind = attr & FILE_ATTRIBUTE_DIRECTORY ? VKW_FILE_DIRECTORY : VKW_FILE_OTHER;
    if (attr & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_DEVICE))
        return VKW_OK;
    HANDLE h = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        last_error_text(GetLastError(), why, sizeof why);
        return vkw_fail(err, VKW_E_IO, "cannot read '%s': %s", path, why);
    }
    vkw_status s = VKW_OK;
    if (GetFileType(h) != FILE_TYPE_DISK)
        goto cleanup; /* a pipe or a console under a file's name */
    *kind = VKW_FILE_REGULAR;
    while (*len < cap) {
        DWORD chunk = cap - *len > 0x10000u ? 0x10000u : (DWORD)(cap - *len), got = 0;
        if (!ReadFile(h, buf + *len, chunk, &got, NULL)) {
            last_error_text(GetLastError(), why, sizeof why);
            s = vkw_fail(err, VKW_E_IO, "cannot read '%s': %s", path, why);
            goto cleanup;
        }
        if (got == 0)
            break;
        *len += got;
    }

cleanup:
    CloseHandle(h);
    return s;
}

/* "<what>: <the system's reason>", from GetLastError. */
static vkw_status os_fail(vkw_error *err, vkw_status status, const char *what)
{
    char why[256];
    last_error_text(GetLastError(), why, sizeof why);
    return vkw_fail(err, status, "%s: %s", what, why);
}

/* ---- Native handles ------------------------------------------------------ */

void vkw_handle_close(vkw_handle h)
{
    /* VKW_NO_HANDLE is INVALID_HANDLE_VALUE, which is also this process's
     * pseudo-handle; 0 is no handle at all. */
    if (h != VKW_NO_HANDLE && h != 0)
        CloseHandle((HANDLE)h);
}

void vkw_handle_identity_of(vkw_handle h, vkw_handle_identity *out)
{
    (void)h;
    memset(out, 0, sizeof *out); /* not applicable: see platform.h */
}

bool vkw_handle_is_still(vkw_handle h, const vkw_handle_identity *id)
{
    (void)h;
    (void)id;
    return true; /* an unknown identity: the handle is the caller's to close */
}

vkw_status vkw_handle_duplicate(vkw_handle h, vkw_handle *out, vkw_error *err)
{
    *out = VKW_NO_HANDLE;
    HANDLE self = GetCurrentProcess(), dup = NULL;
    if (!DuplicateHandle(self, (HANDLE)h, self, &dup, 0, FALSE, DUPLICATE_SAME_ACCESS))
        return os_fail(err, VKW_E_OS, "cannot duplicate a handle: DuplicateHandle");
    *out = (vkw_handle)dup;
    return VKW_OK;
}

/* NtQuerySystemInformation(SystemExtendedHandleInformation): every handle of
 * every process, with a full-width process id (SystemHandleInformation has
 * only 16 bits of it). Laid out as ntdll does; winternl.h has none of it. */
typedef struct system_handle_entry_ex {
    PVOID object;
    ULONG_PTR process_id;
    ULONG_PTR handle;
    ACCESS_MASK granted_access;
    USHORT creator_back_trace_index;
    USHORT object_type_index;
    ULONG attributes;
    ULONG reserved;
} system_handle_entry_ex;
typedef struct system_handle_info_ex {
    ULONG_PTR count;
    ULONG_PTR reserved;
    system_handle_entry_ex handles[1];
} system_handle_info_ex;
typedef LONG(WINAPI *query_system_information_fn)(ULONG, PVOID, ULONG, PULONG);
#define SYSTEM_EXTENDED_HANDLE_INFORMATION_CLASS 64u
#define STATUS_INFO_LENGTH_MISMATCH_ ((LONG)0xC0000004)

/* A process's entries in the system's handle list (whose: "this process",
 * "the child process"): the count where GetProcessHandleCount has none to
 * give (Wine 8 answers 0 for every process). No count is VKW_E_OS, "not
 * measured": never a 0 that a leak check would compare with itself. */
static vkw_status count_from_system_list(DWORD pid, const char *whose, uint32_t *out,
                                         vkw_error *err)
{
    query_system_information_fn query;
    FARPROC f = GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQuerySystemInformation");
    memcpy(&query, &f, sizeof query);
    if (!query)
        return vkw_fail(err, VKW_E_OS,
                        "open handles of %s not measured: "
                        "GetProcessHandleCount says 0 and ntdll has no NtQuerySystemInformation",
                        whose);
    for (ULONG len = 1u << 16; len <= (1u << 28); len *= 2) {
        system_handle_info_ex *info = malloc(len);
        if (!info)
            return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory counting open handles");
        ULONG need = 0;
        LONG st = query(SYSTEM_EXTENDED_HANDLE_INFORMATION_CLASS, info, len, &need);
        if (st == STATUS_INFO_LENGTH_MISMATCH_) {
            free(info);
            continue;
        }
        uint32_t n = 0;
        ULONG_PTR fit = (len - offsetof(system_handle_info_ex, handles)) / sizeof info->handles[0];
        if (st == 0)
            for (ULONG_PTR i = 0; i < info->count && i < fit; i++)
                n += info->handles[i].process_id == (ULONG_PTR)pid;
        free(info);
        if (st != 0)
            return vkw_fail(err, VKW_E_OS,
                            "open handles of %s not measured: "
                            "GetProcessHandleCount says 0 and "
                            "NtQuerySystemInformation(SystemExtendedHandleInformation) "
                            "failed: 0x%08lX",
                            whose, (unsigned long)st);
        /* A running process always holds handles: none listed is no count. */
        if (n == 0)
            return vkw_fail(err, VKW_E_OS,
                            "open handles of %s not measured: "
                            "GetProcessHandleCount says 0 and the system's handle list has "
                            "no entry for it",
                            whose);
        *out = n;
        return VKW_OK;
    }
    return vkw_fail(err, VKW_E_OS,
                    "open handles of %s not measured: the system's handle "
                    "list does not fit in 256 MiB",
                    whose);
}

/* The handles a process holds (process: a handle with
 * PROCESS_QUERY_LIMITED_INFORMATION at least). */
static vkw_status process_handle_count(HANDLE process, DWORD pid, const char *whose, uint32_t *out,
                                       vkw_error *err)
{
    DWORD n = 0;
    *out = 0;
    /* A process always holds some handles: 0 means "not implemented here". */
    if (!GetProcessHandleCount(process, &n) || n == 0)
        return count_from_system_list(pid, whose, out, err);
    *out = n;
    return VKW_OK;
}

vkw_status vkw_handle_count(uint32_t *out, vkw_error *err)
{
    return process_handle_count(GetCurrentProcess(), GetCurrentProcessId(), "this process", out,
                                err);
}

/* ---- The child process and its channel ----------------------------------- */

/* One message on the pipe: this header, handle_count handle values, then len
 * bytes. From the parent, the values are the child's own (the parent
 * duplicated them into it). From the child, they are the child's too: the
 * child holds no right to put handles into the parent (only SYNCHRONIZE and
 * PROCESS_QUERY_LIMITED_INFORMATION on it), so the parent takes them out of
 * the child, and never closes a value of its own because a message names it. */
typedef struct frame_header {
    uint32_t len;
    uint32_t handle_count;
} frame_header;

#define FRAME_MAX \
    (sizeof(frame_header) + VKW_CHANNEL_MAX_HANDLES * sizeof(uint64_t) + VKW_CHANNEL_MAX_MESSAGE)

/* What TerminateProcess gives a child we kill: the shell's code for SIGKILL,
 * so that reports from both systems read alike. */
#define KILLED_EXIT_CODE 137u

struct vkw_channel {
    HANDLE pipe;      /* one duplex message-mode named pipe, opened for overlapped I/O */
    HANDLE peer;      /* the other process (the parent's end: full access to the child) */
    bool is_parent;   /* handles go into the child, and come out of it */
    HANDLE read_done; /* events of the overlapped reads and writes */
    HANDLE write_done;
    unsigned char frame[FRAME_MAX]; /* the frame being received */
};

struct vkw_child {
    HANDLE process;
    HANDLE job; /* kill-on-close: the child ends when this (or the parent) does */
    DWORD pid;
    vkw_child_record rec; /* once reaped: how it ended */
};

/* Takes pipe and peer only on success. */
static vkw_status channel_new(HANDLE pipe, HANDLE peer, bool is_parent, vkw_channel **out,
                              vkw_error *err)
{
    vkw_channel *ch = calloc(1, sizeof *ch);
    if (!ch)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory creating the child channel");
    ch->read_done = CreateEventW(NULL, TRUE, FALSE, NULL);
    ch->write_done = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!ch->read_done || !ch->write_done) {
        vkw_status s = os_fail(err, VKW_E_OS, "cannot create the child channel: CreateEvent");
        if (ch->read_done)
            CloseHandle(ch->read_done);
        if (ch->write_done)
            CloseHandle(ch->write_done);
        free(ch);
        return s;
    }
    ch->pipe = pipe;
    ch->peer = peer;
    ch->is_parent = is_parent;
    *out = ch;
    return VKW_OK;
}

void vkw_channel_close(vkw_channel *ch)
{
    if (!ch)
        return;
    CloseHandle(ch->pipe);
    CloseHandle(ch->peer);
    CloseHandle(ch->read_done);
    CloseHandle(ch->write_done);
    free(ch);
}

/* A security descriptor whose DACL lets only this process's user in (no
 * inherited entries): another user can neither connect to the pipe nor
 * take it over. The caller frees *sd and *acl. */
static vkw_status owner_only_security(SECURITY_DESCRIPTOR **sd_out, PACL *acl_out, vkw_error *err)
{
    vkw_status s = VKW_OK;
    HANDLE token = NULL;
    TOKEN_USER *user = NULL;
    SECURITY_DESCRIPTOR *sd = NULL;
    PACL acl = NULL;
    DWORD size = 0;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) {
        s = os_fail(err, VKW_E_OS, "cannot create the child channel: OpenProcessToken");
        goto cleanup;
    }
    GetTokenInformation(token, TokenUser, NULL, 0, &size);
    user = size ? malloc(size) : NULL;
    if (!user || !GetTokenInformation(token, TokenUser, user, size, &size)) {
        s = user ? os_fail(err, VKW_E_OS, "cannot create the child channel: GetTokenInformation")
                 : vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory creating the child channel");
        goto cleanup;
    }
    DWORD acl_size = sizeof(ACL) + sizeof(ACCESS_ALLOWED_ACE) + GetLengthSid(user->User.Sid);
    sd = malloc(sizeof *sd);
    acl = malloc(acl_size);
    if (!sd || !acl) {
        s = vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory creating the child channel");
        goto cleanup;
    }
    if (!InitializeAcl(acl, acl_size, ACL_REVISION) ||
        !AddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL, user->User.Sid) ||
        !InitializeSecurityDescriptor(sd, SECURITY_DESCRIPTOR_REVISION) ||
        !SetSecurityDescriptorDacl(sd, TRUE, acl, FALSE) ||
        !SetSecurityDescriptorControl(sd, SE_DACL_PROTECTED, SE_DACL_PROTECTED)) {
        s = os_fail(err, VKW_E_OS, "cannot create the child channel: an owner-only DACL");
        goto cleanup;
    }
    *sd_out = sd;
    *acl_out = acl;
    sd = NULL;
    acl = NULL;

cleanup:
    free(acl);
    free(sd);
    free(user);
    if (token)
        CloseHandle(token);
    return s;
}

/* A connected pair: the server end for the parent, the client end for the
 * child. Neither is inheritable. */
static vkw_status open_pipe_pair(HANDLE *server_out, HANDLE *client_out, vkw_error *err)
{
    /* A name no other process can guess (and so take first): 128 random bits. */
    uint32_t rnd[4];
    if (!RtlGenRandom(rnd, sizeof rnd))
        return os_fail(err, VKW_E_OS, "cannot create the child channel: RtlGenRandom");
    char name[96];
    snprintf(name, sizeof name, "\\\\.\\pipe\\vkwin32h-%lu-%08lx%08lx%08lx%08lx",
             (unsigned long)GetCurrentProcessId(), (unsigned long)rnd[0], (unsigned long)rnd[1],
             (unsigned long)rnd[2], (unsigned long)rnd[3]);
    SECURITY_DESCRIPTOR *sd = NULL;
    PACL acl = NULL;
    vkw_status s = owner_only_security(&sd, &acl, err);
    if (s != VKW_OK)
        return s;
    SECURITY_ATTRIBUTES sa = {sizeof sa, sd, FALSE};
    /* FIRST_PIPE_INSTANCE and one instance: a process that got the name
     * first, or connects first, makes this fail instead of listening in. */
    HANDLE server = CreateNamedPipeA(
        name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE,
        PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS, 1,
        (DWORD)FRAME_MAX, (DWORD)FRAME_MAX, 0, &sa);
    DWORD why = GetLastError();
    free(acl);
    free(sd);
    SetLastError(why);
    if (server == INVALID_HANDLE_VALUE)
        return os_fail(err, VKW_E_OS, "cannot create the child channel: CreateNamedPipe");
    HANDLE client = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                                FILE_FLAG_OVERLAPPED, NULL);
    if (client == INVALID_HANDLE_VALUE) {
        s = os_fail(err, VKW_E_OS, "cannot create the child channel: CreateFile");
        CloseHandle(server);
        return s;
    }
    /* The client is already there, so this completes at once (PIPE_CONNECTED). */
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    if (!ConnectNamedPipe(server, &ov) && GetLastError() != ERROR_PIPE_CONNECTED) {
        s = os_fail(err, VKW_E_OS, "cannot create the child channel: ConnectNamedPipe");
        DWORD n;
        CancelIoEx(server, &ov);
        GetOverlappedResult(server, &ov, &n, TRUE);
        CloseHandle(client);
        CloseHandle(server);
        return s;
    }
    *server_out = server;
    *client_out = client;
    return VKW_OK;
}

static vkw_status create_job(HANDLE *out, vkw_error *err)
{
    HANDLE job = CreateJobObjectW(NULL, NULL);
    if (!job)
        return os_fail(err, VKW_E_OS, "cannot start the child process: CreateJobObject");
    /* DIE_ON_UNHANDLED_EXCEPTION: a crash ends the child with its exception
     * code at once instead of waiting on an error-reporting dialog. */
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION info;
    memset(&info, 0, sizeof info);
    info.BasicLimitInformation.LimitFlags =
        JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION;
    if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &info, sizeof info)) {
        vkw_status s =
            os_fail(err, VKW_E_OS, "cannot start the child process: SetInformationJobObject");
        CloseHandle(job);
        return s;
    }
    *out = job;
    return VKW_OK;
}

/* CreateProcess, suspended, inheriting exactly the handles listed. */
static vkw_status create_suspended(wchar_t *exe, wchar_t *cmdline, HANDLE *inherit, DWORD n,
                                   HANDLE in, HANDLE out, HANDLE errh, PROCESS_INFORMATION *pi,
                                   vkw_error *err)
{
    vkw_status s = VKW_OK;
    LPPROC_THREAD_ATTRIBUTE_LIST attrs = NULL;
    bool attrs_ready = false;
    SIZE_T size = 0;

    InitializeProcThreadAttributeList(NULL, 1, 0, &size);
    attrs = malloc(size);
    if (!attrs) {
        s = vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory starting the child process");
        goto cleanup;
    }
    if (!InitializeProcThreadAttributeList(attrs, 1, 0, &size)) {
        s = os_fail(err, VKW_E_OS,
                    "cannot start the child process: InitializeProcThreadAttributeList");
        goto cleanup;
    }
    attrs_ready = true;
    if (!UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherit,
                                   n * sizeof(HANDLE), NULL, NULL)) {
        s = os_fail(err, VKW_E_OS, "cannot start the child process: UpdateProcThreadAttribute");
        goto cleanup;
    }
    STARTUPINFOEXW si;
    memset(&si, 0, sizeof si);
    si.StartupInfo.cb = sizeof si;
    si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    si.StartupInfo.hStdInput = in;
    si.StartupInfo.hStdOutput = out;
    si.StartupInfo.hStdError = errh;
    si.lpAttributeList = attrs;
    /* Inheritable only for this call, so that a CreateProcess in another
     * thread without a handle list does not take them too. */
    DWORD marked = 0;
    for (; marked < n; marked++)
        if (!SetHandleInformation(inherit[marked], HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT))
            break;
    BOOL ok = marked == n && CreateProcessW(exe, cmdline, NULL, NULL, TRUE,
                                            CREATE_SUSPENDED | EXTENDED_STARTUPINFO_PRESENT, NULL,
                                            NULL, &si.StartupInfo, pi);
    DWORD why = GetLastError();
    for (DWORD i = 0; i < marked; i++)
        SetHandleInformation(inherit[i], HANDLE_FLAG_INHERIT, 0);
    if (!ok) {
        SetLastError(why);
        s = os_fail(err, VKW_E_OS, "cannot start the child process: CreateProcess");
    }

cleanup:
    if (attrs_ready)
        DeleteProcThreadAttributeList(attrs);
    free(attrs);
    return s;
}

#define EXE_PATH_MAX 32768u

vkw_status vkw_child_spawn(vkw_child **child_out, vkw_channel **end_out, vkw_error *err)
{
    *child_out = NULL;
    *end_out = NULL;
    vkw_status s = VKW_OK;
    vkw_child *child = NULL;
    vkw_channel *ch = NULL;
    wchar_t *exe = NULL, *cmdline = NULL;
    HANDLE job = NULL, server = NULL, client = NULL, parent = NULL, peer = NULL;
    HANDLE null_in = INVALID_HANDLE_VALUE, null_out = INVALID_HANDLE_VALUE, errh = NULL;
    PROCESS_INFORMATION pi;
    memset(&pi, 0, sizeof pi);

    child = calloc(1, sizeof *child);
    exe = malloc(EXE_PATH_MAX * sizeof *exe);
    cmdline = malloc((EXE_PATH_MAX + 128) * sizeof *cmdline);
    if (!child || !exe || !cmdline) {
        s = vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory starting the child process");
        goto cleanup;
    }
    DWORD exe_len = GetModuleFileNameW(NULL, exe, EXE_PATH_MAX);
    if (exe_len == 0 || exe_len >= EXE_PATH_MAX) {
        s = os_fail(err, VKW_E_OS, "cannot start the child process: GetModuleFileName");
        goto cleanup;
    }
    s = create_job(&job, err);
    if (s == VKW_OK)
        s = open_pipe_pair(&server, &client, err);
    if (s != VKW_OK)
        goto cleanup;
    /* Only what the child uses: SYNCHRONIZE and QUERY to see that the parent
     * is the one it expects and still runs. No PROCESS_DUP_HANDLE: that would
     * give it every handle of the parent (handles it sends, the parent takes
     * out of the child). */
    if (!DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(), &parent,
                         SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, 0)) {
        s = os_fail(err, VKW_E_OS, "cannot start the child process: DuplicateHandle");
        goto cleanup;
    }
    null_in = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                          OPEN_EXISTING, 0, NULL);
    null_out = CreateFileW(L"NUL", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_EXISTING, 0, NULL);
    if (null_in == INVALID_HANDLE_VALUE || null_out == INVALID_HANDLE_VALUE) {
        s = os_fail(err, VKW_E_OS, "cannot start the child process: opening NUL");
        goto cleanup;
    }
    /* Our own copy of stderr, so that marking it inheritable for a moment
     * does not touch the handle the rest of the program uses. */
    HANDLE our_err = GetStdHandle(STD_ERROR_HANDLE);
    if (our_err && our_err != INVALID_HANDLE_VALUE &&
        !DuplicateHandle(GetCurrentProcess(), our_err, GetCurrentProcess(), &errh, 0, FALSE,
                         DUPLICATE_SAME_ACCESS)) {
        s = os_fail(err, VKW_E_OS, "cannot start the child process: DuplicateHandle(stderr)");
        goto cleanup;
    }

    char token[96];
    snprintf(token, sizeof token, "h=%llx,p=%llx,ppid=%lu", (unsigned long long)(uintptr_t)client,
             (unsigned long long)(uintptr_t)parent, (unsigned long)GetCurrentProcessId());
    /* "<exe>" __child <token>; a Windows path cannot contain a quote. */
    size_t k = 0;
    cmdline[k++] = L'"';
    for (DWORD i = 0; i < exe_len; i++)
        cmdline[k++] = exe[i];
    cmdline[k++] = L'"';
    cmdline[k++] = L' ';
    for (const char *c = VKW_CHILD_COMMAND " "; *c; c++)
        cmdline[k++] = (wchar_t)*c;
    for (const char *c = token; *c; c++)
        cmdline[k++] = (wchar_t)*c;
    cmdline[k] = L'\0';

    HANDLE inherit[5] = {client, parent, null_in, null_out, errh};
    s = create_suspended(exe, cmdline, inherit, errh ? 5 : 4, null_in, null_out, errh, &pi, err);
    if (s != VKW_OK)
        goto cleanup;
    /* In the job before it runs a single instruction: it cannot outlive us. */
    if (!AssignProcessToJobObject(job, pi.hProcess)) {
        s = os_fail(err, VKW_E_OS, "cannot start the child process: AssignProcessToJobObject");
        goto cleanup;
    }
    if (ResumeThread(pi.hThread) == (DWORD)-1) {
        s = os_fail(err, VKW_E_OS, "cannot start the child process: ResumeThread");
        goto cleanup;
    }
    if (!DuplicateHandle(GetCurrentProcess(), pi.hProcess, GetCurrentProcess(), &peer, 0, FALSE,
                         DUPLICATE_SAME_ACCESS)) {
        s = os_fail(err, VKW_E_OS, "cannot start the child process: DuplicateHandle(child)");
        goto cleanup;
    }
    s = channel_new(server, peer, true, &ch, err);
    if (s != VKW_OK)
        goto cleanup;
    server = peer = NULL;
    child->process = pi.hProcess;
    child->job = job;
    child->pid = pi.dwProcessId;
    pi.hProcess = NULL;
    job = NULL;
    *child_out = child;
    *end_out = ch;
    child = NULL;

cleanup:
    if (pi.hProcess) {
        TerminateProcess(pi.hProcess, KILLED_EXIT_CODE);
        CloseHandle(pi.hProcess);
    }
    if (pi.hThread)
        CloseHandle(pi.hThread);
    if (peer)
        CloseHandle(peer);
    if (errh)
        CloseHandle(errh);
    if (null_out != INVALID_HANDLE_VALUE)
        CloseHandle(null_out);
    if (null_in != INVALID_HANDLE_VALUE)
        CloseHandle(null_in);
    if (parent)
        CloseHandle(parent);
    /* The parent keeps no copy of the child's end: when the child ends, the
     * parent's reads see a broken pipe instead of waiting forever. */
    if (client)
        CloseHandle(client);
    if (server)
        CloseHandle(server);
    if (job)
        CloseHandle(job);
    free(cmdline);
    free(exe);
    free(child);
    return s;
}

/* A number in base 10 or 16 up to max, advancing *p; no sign, no blanks. */
vkw_status vkw_child_attach(const char *token, vkw_channel **child_end, vkw_error *err)
{
    *child_end = NULL;
    unsigned long long h = 0, proc = 0, ppid = 0;
    const char *p = token ? token : "";
    if (!vkw_token_field(&p, "h=", 16, UINTPTR_MAX, &h) ||
        !vkw_token_field(&p, ",p=", 16, UINTPTR_MAX, &proc) ||
        !vkw_token_field(&p, ",ppid=", 10, 0xFFFFFFFFu, &ppid) || *p != '\0' || h == 0 ||
        proc == 0 || ppid == 0)
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "malformed child token '%.64s' (expected h=HEX,p=HEX,ppid=N)",
                        token ? token : "(none)");
    HANDLE pipe = (HANDLE)(uintptr_t)h, parent = (HANDLE)(uintptr_t)proc;
    DWORD mode = PIPE_READMODE_MESSAGE;
    if (GetFileType(pipe) != FILE_TYPE_PIPE || !SetNamedPipeHandleState(pipe, &mode, NULL, NULL))
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "child token names handle 0x%llx, which is not a pipe", h);
    if (GetProcessId(parent) != (DWORD)ppid)
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "child token names handle 0x%llx, which is not process %llu", proc, ppid);
    /* The job object ends us with the parent; this only saves work when the
     * parent is already on its way out. */
    if (WaitForSingleObject(parent, 0) == WAIT_OBJECT_0)
        return vkw_fail(err, VKW_E_PEER_GONE,
                        "the parent process %llu ended before the child attached", ppid);
    /* Our own children (none today) must not inherit the channel. */
    SetHandleInformation(pipe, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(parent, HANDLE_FLAG_INHERIT, 0);
    return channel_new(pipe, parent, false, child_end, err);
}

uint32_t vkw_child_pid(const vkw_child *child)
{
    return child->pid;
}

vkw_child_record *vkw_os_child_record(vkw_child *child)
{
    return &child->rec;
}

bool vkw_os_child_reap(vkw_child *c, uint32_t wait_ms, bool killed)
{
    if (c->rec.reaped)
        return true;
    if (WaitForSingleObject(c->process, wait_ms) != WAIT_OBJECT_0) /* UINT32_MAX is INFINITE */
        return false;
    DWORD code = 0;
    if (!GetExitCodeProcess(c->process, &code))
        vkw_child_end_unknown(&c->rec.end, killed, NULL);
    else
        vkw_child_end_exited(&c->rec.end, killed, code);
    c->rec.reaped = true;
    return true;
}

const char *vkw_os_child_kill(vkw_child *child, vkw_child_end *stuck)
{
    TerminateProcess(child->process, KILLED_EXIT_CODE);
    stuck->code = KILLED_EXIT_CODE;
    return "terminated";
}

void vkw_child_free(vkw_child *child)
{
    if (!child)
        return;
    vkw_child_end end;
    vkw_child_kill(child, &end);
    CloseHandle(child->process);
    CloseHandle(child->job);
    free(child);
}

/* ---- A child's state and usage, read from outside it ----------------------- */

/* Whether the child has ended: its process handle (kept until
 * vkw_child_free, reaped or not) is signalled. */
static bool child_gone(vkw_child *c)
{
    return WaitForSingleObject(c->process, 0) == WAIT_OBJECT_0;
}

static vkw_status child_gone_fail(vkw_child *c, const char *doing, vkw_error *err)
{
    return vkw_fail(err, VKW_E_PEER_GONE, "cannot %s the child process %lu: it has ended", doing,
                    (unsigned long)c->pid);
}

/* NtSuspendProcess and NtResumeProcess: not in the SDK's headers, in ntdll
 * since Windows XP; every thread of the process suspended (or resumed) at
 * once, and threads it starts meanwhile too. */
typedef LONG(WINAPI *nt_process_fn)(HANDLE);

static vkw_status suspend_or_resume(vkw_child *c, const char *name, const char *doing,
                                    vkw_error *err)
{
    if (child_gone(c))
        return child_gone_fail(c, doing, err);
    nt_process_fn fn;
    FARPROC f = GetProcAddress(GetModuleHandleW(L"ntdll.dll"), name);
    memcpy(&fn, &f, sizeof fn);
    if (!fn)
        return vkw_fail(err, VKW_E_OS, "cannot %s the child process: ntdll has no %s", doing, name);
    LONG st = fn(c->process);
    if (st != 0) /* an NTSTATUS */
        return child_gone(c)
                   ? child_gone_fail(c, doing, err)
                   : vkw_fail(err, VKW_E_OS, "cannot %s the child process %lu: %s failed: 0x%08lX",
                              doing, (unsigned long)c->pid, name, (unsigned long)st);
    return VKW_OK;
}

vkw_status vkw_child_suspend(vkw_child *child, vkw_error *err)
{
    return suspend_or_resume(child, "NtSuspendProcess", "suspend", err);
}

vkw_status vkw_child_resume(vkw_child *child, vkw_error *err)
{
    return suspend_or_resume(child, "NtResumeProcess", "resume", err);
}

/* The working set of a process (GetProcessMemoryInfo's WorkingSetSize). */
static vkw_status working_set(HANDLE process, const char *whose, uint64_t *out, vkw_error *err)
{
    PROCESS_MEMORY_COUNTERS pmc = {.cb = sizeof pmc};
    if (!K32GetProcessMemoryInfo(process, &pmc, sizeof pmc)) {
        char what[96];
        snprintf(what, sizeof what, "cannot read the memory of %s: GetProcessMemoryInfo", whose);
        return os_fail(err, VKW_E_OS, what);
    }
    *out = (uint64_t)pmc.WorkingSetSize;
    return VKW_OK;
}

vkw_status vkw_process_usage_self(vkw_process_usage *out, vkw_error *err)
{
    memset(out, 0, sizeof *out);
    uint32_t n = 0;
    vkw_status s = vkw_handle_count(&n, err);
    if (s == VKW_OK)
        s = working_set(GetCurrentProcess(), "this process", &out->resident, err);
    out->handles = n;
    return s;
}

vkw_status vkw_child_usage(vkw_child *child, vkw_process_usage *out, vkw_error *err)
{
    memset(out, 0, sizeof *out);
    if (child_gone(child))
        return child_gone_fail(child, "read the usage of", err);
    uint32_t n = 0;
    vkw_status s = process_handle_count(child->process, child->pid, "the child process", &n, err);
    if (s == VKW_OK)
        s = working_set(child->process, "the child process", &out->resident, err);
    /* Last: a child that ended while it was read has nothing to show. */
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

/* A peer that reads nothing for this long is not waited for (messages are
 * small, the pipe's buffer holds several). */
#define SEND_TIMEOUT_MS 30000u

/* Finishes an overlapped operation, cancelling it after timeout_ms; returns
 * ERROR_SUCCESS, WAIT_TIMEOUT, IO_STOPPED or the error. ov and its buffer are no longer
 * in use when it returns. */
static DWORD finish_io(HANDLE file, OVERLAPPED *ov, DWORD timeout_ms, DWORD *done)
{
    DWORD w = wait_or_stop(ov->hEvent, timeout_ms);
    if (w != WAIT_OBJECT_0)
        CancelIoEx(file, ov);
    if (GetOverlappedResult(file, ov, done, TRUE))
        return ERROR_SUCCESS; /* it may have completed just as we cancelled */
    DWORD e = GetLastError();
    if (w == STOP_REQUESTED && e == ERROR_OPERATION_ABORTED)
        return IO_STOPPED;
    return w == WAIT_TIMEOUT && e == ERROR_OPERATION_ABORTED ? WAIT_TIMEOUT : e;
}

static bool is_peer_gone(DWORD e)
{
    return e == ERROR_BROKEN_PIPE || e == ERROR_NO_DATA || e == ERROR_PIPE_NOT_CONNECTED;
}

vkw_status vkw_os_channel_send(vkw_channel *ch, const void *msg, size_t len,
                               const vkw_handle *handles, uint32_t handle_count, vkw_error *err)
{
    /* VKW_NO_HANDLE is also this process's pseudo-handle: duplicated, it
     * would hand the peer full access to this process. */
    for (uint32_t i = 0; i < handle_count; i++)
        if (handles[i] == VKW_NO_HANDLE || handles[i] == 0)
            return vkw_fail(err, VKW_E_INVALID_ARG,
                            "handle %u of a message to the peer is no "
                            "handle",
                            i);
    vkw_status s = VKW_OK;
    unsigned char frame[FRAME_MAX];
    uint64_t remote[VKW_CHANNEL_MAX_HANDLES];
    uint32_t duplicated = 0;
    /* The parent duplicates into the child; the child duplicates within
     * itself, a copy the parent takes out (and closes here) on receipt. */
    HANDLE into = ch->is_parent ? ch->peer : GetCurrentProcess();
    for (; duplicated < handle_count; duplicated++) {
        HANDLE r = NULL;
        if (!DuplicateHandle(GetCurrentProcess(), (HANDLE)handles[duplicated], into, &r, 0, FALSE,
                             DUPLICATE_SAME_ACCESS)) {
            if (ch->is_parent && WaitForSingleObject(ch->peer, 0) == WAIT_OBJECT_0)
                s = vkw_fail(err, VKW_E_PEER_GONE, "the peer process has ended");
            else
                s = os_fail(err, VKW_E_OS, "cannot send a handle to the peer: DuplicateHandle");
            goto cleanup;
        }
        remote[duplicated] = (uint64_t)(uintptr_t)r;
    }
    frame_header h = {(uint32_t)len, handle_count};
    size_t size = sizeof h + handle_count * sizeof remote[0] + len;
    memcpy(frame, &h, sizeof h);
    memcpy(frame + sizeof h, remote, handle_count * sizeof remote[0]);
    memcpy(frame + sizeof h + handle_count * sizeof remote[0], msg, len);

    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = ch->write_done;
    DWORD wrote = 0, e = ERROR_SUCCESS;
    if (!WriteFile(ch->pipe, frame, (DWORD)size, NULL, &ov))
        e = GetLastError();
    if (e == ERROR_IO_PENDING)
        e = finish_io(ch->pipe, &ov, SEND_TIMEOUT_MS, &wrote);
    else if (e == ERROR_SUCCESS && !GetOverlappedResult(ch->pipe, &ov, &wrote, FALSE))
        e = GetLastError();
    if (e == WAIT_TIMEOUT) {
        s = vkw_fail(err, VKW_E_TIMEOUT, "the peer process read nothing for %u s",
                     SEND_TIMEOUT_MS / 1000);
        goto cleanup;
    }
    if (e == IO_STOPPED) {
        s = vkw_stop_check(err);
        goto cleanup;
    }
    if (e != ERROR_SUCCESS) {
        SetLastError(e);
        s = is_peer_gone(e) ? vkw_fail(err, VKW_E_PEER_GONE, "the peer process closed the channel")
                            : os_fail(err, VKW_E_OS, "cannot send to the peer process: WriteFile");
        goto cleanup;
    }
    if (wrote != size) {
        s = vkw_fail(err, VKW_E_OS, "short write to the peer process (%lu of %u bytes)",
                     (unsigned long)wrote, (unsigned)size);
        goto cleanup;
    }
    return VKW_OK;

cleanup:
    /* The peer never saw these values: close the copies (in the child, a
     * no-op once it has ended). */
    for (uint32_t i = 0; i < duplicated; i++)
        DuplicateHandle(into, (HANDLE)(uintptr_t)remote[i], NULL, NULL, 0, FALSE,
                        DUPLICATE_CLOSE_SOURCE);
    return s;
}

vkw_status vkw_os_channel_recv(vkw_channel *ch, void *buf, size_t cap, size_t *len,
                               vkw_handle *handles, uint32_t *handle_count, uint32_t timeout_ms,
                               vkw_error *err)
{
    vkw_status s = VKW_OK;
    vkw_handle got_handles[VKW_CHANNEL_MAX_HANDLES];
    uint32_t nh = 0;
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = ch->read_done;
    DWORD got = 0, e = ERROR_SUCCESS;
    if (!ReadFile(ch->pipe, ch->frame, sizeof ch->frame, NULL, &ov))
        e = GetLastError();
    if (e == ERROR_IO_PENDING)
        e = finish_io(ch->pipe, &ov, timeout_ms, &got); /* UINT32_MAX is INFINITE */
    else if ((e == ERROR_SUCCESS || e == ERROR_MORE_DATA) &&
             !GetOverlappedResult(ch->pipe, &ov, &got, FALSE))
        e = GetLastError();
    if (e == WAIT_TIMEOUT)
        return vkw_fail(err, VKW_E_TIMEOUT, "the peer process sent nothing in time");
    if (e == IO_STOPPED)
        return vkw_stop_check(err);
    if (is_peer_gone(e))
        return vkw_fail(err, VKW_E_PEER_GONE, "the peer process closed the channel");
    if (e != ERROR_SUCCESS && e != ERROR_MORE_DATA) {
        SetLastError(e);
        return os_fail(err, VKW_E_OS, "cannot receive from the peer process: ReadFile");
    }

    /* The handles named in a well-formed header are ours to release (in the
     * parent, once taken out of the child), whatever else is wrong; values
     * past a malformed header may be anything and are left alone.
     * After ERROR_MORE_DATA (a frame larger than any we send) the rest of it
     * stays in the pipe: the channel is of no further use. */
    frame_header h = {0, 0};
    if (got >= sizeof h)
        memcpy(&h, ch->frame, sizeof h);
    if (got < sizeof h || h.handle_count > VKW_CHANNEL_MAX_HANDLES ||
        got < sizeof h + h.handle_count * sizeof(uint64_t))
        return vkw_fail(err, VKW_E_PROTOCOL, "the peer process sent a malformed message");
    /* In the parent the values are the child's: each is taken out of the
     * child (closing the child's copy). One the child does not hold, or a
     * pseudo-handle (negative), is refused; no handle of the parent's own is
     * ever named, taken or closed here. */
    bool foreign_value = false;
    for (uint32_t i = 0; i < h.handle_count; i++) {
        uint64_t v;
        memcpy(&v, ch->frame + sizeof h + i * sizeof v, sizeof v);
        if (!ch->is_parent) {
            got_handles[nh++] = (vkw_handle)(uintptr_t)v;
            continue;
        }
        HANDLE mine = NULL;
        if ((int64_t)v > 0 &&
            DuplicateHandle(ch->peer, (HANDLE)(uintptr_t)v, GetCurrentProcess(), &mine, 0, FALSE,
                            DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE))
            got_handles[nh++] = (vkw_handle)mine;
        else
            foreign_value = true;
    }
    size_t body = got - sizeof h - h.handle_count * sizeof(uint64_t);
    if (foreign_value) {
        s = vkw_fail(err, VKW_E_PROTOCOL, "the peer process sent a handle value it does not hold");
        goto cleanup;
    }
    if (e == ERROR_MORE_DATA || h.len == 0 || h.len != body) {
        s = vkw_fail(err, VKW_E_PROTOCOL, "the peer process sent a malformed message");
        goto cleanup;
    }
    if (h.len > cap) {
        s = vkw_fail(err, VKW_E_PROTOCOL,
                     "the peer process sent a message larger than the %llu bytes expected",
                     (unsigned long long)cap);
        goto cleanup;
    }
    memcpy(buf, ch->frame + sizeof h + h.handle_count * sizeof(uint64_t), h.len);
    memcpy(handles, got_handles, nh * sizeof got_handles[0]);
    *len = h.len;
    *handle_count = nh;
    return VKW_OK;

cleanup:
    for (uint32_t i = 0; i < nh; i++)
        vkw_handle_close(got_handles[i]);
    return s;
}

/* ---- Test support --------------------------------------------------------- */

vkw_status vkw_foreign_handle_create(vkw_handle *out, vkw_error *err)
{
    *out = VKW_NO_HANDLE;
    HANDLE h = CreateEventW(NULL, FALSE, FALSE, NULL);
    if (!h)
        return os_fail(err, VKW_E_OS, "cannot create an event: CreateEvent");
    *out = (vkw_handle)h;
    return VKW_OK;
}

bool vkw_platform_stderr_is_terminal(void)
{
    DWORD mode;
    return GetConsoleMode(GetStdHandle(STD_ERROR_HANDLE), &mode) != 0;
}

vkw_handle vkw_handle_make_stale(vkw_handle h)
{
    /* Windows hands closed values out again soon: a value taken from a
     * duplicate, both closed, is at least not the one just used. */
    HANDLE dup = NULL;
    HANDLE self = GetCurrentProcess();
    BOOL ok = DuplicateHandle(self, (HANDLE)h, self, &dup, 0, FALSE, DUPLICATE_SAME_ACCESS);
    CloseHandle((HANDLE)h);
    if (!ok)
        return h;
    CloseHandle(dup);
    return (vkw_handle)dup;
}

/* ---- Events and sections ------------------------------------------------ */

vkw_status vkw_event_create(vkw_handle *out, vkw_error *err)
{
    HANDLE h = CreateEventW(NULL, FALSE, FALSE, NULL); /* auto-reset, unsignalled */
    if (!h) {
        *out = VKW_NO_HANDLE;
        return os_fail(err, VKW_E_OS, "cannot create an event: CreateEventW");
    }
    *out = (vkw_handle)h;
    return VKW_OK;
}

vkw_status vkw_event_signal(vkw_handle ev, vkw_error *err)
{
    if (!SetEvent((HANDLE)ev))
        return os_fail(err, VKW_E_OS, "cannot signal an event: SetEvent");
    return VKW_OK;
}

vkw_status vkw_event_wait(vkw_handle ev, uint32_t timeout_ms, vkw_error *err)
{
    DWORD w = wait_or_stop((HANDLE)ev, timeout_ms == UINT32_MAX ? INFINITE : timeout_ms);
    if (w == WAIT_OBJECT_0)
        return VKW_OK;
    if (w == STOP_REQUESTED)
        return vkw_stop_check(err);
    if (w == WAIT_TIMEOUT)
        return vkw_fail(err, VKW_E_TIMEOUT, "no signal within %u ms", timeout_ms);
    return os_fail(err, VKW_E_OS, "cannot wait on an event: WaitForSingleObject");
}

vkw_status vkw_section_create(size_t size, vkw_handle *out, vkw_error *err)
{
    unsigned long long sz = size;
    HANDLE h = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, (DWORD)(sz >> 32),
                                  (DWORD)(sz & 0xFFFFFFFFu), NULL);
    if (!h) {
        *out = VKW_NO_HANDLE;
        return os_fail(err, VKW_E_OS, "cannot create a memory section: CreateFileMappingW");
    }
    *out = (vkw_handle)h;
    return VKW_OK;
}

vkw_status vkw_section_map(vkw_handle section, size_t size, void **out, vkw_error *err)
{
    void *p = MapViewOfFile((HANDLE)section, FILE_MAP_ALL_ACCESS, 0, 0, size);
    *out = p;
    if (!p)
        return os_fail(err, VKW_E_OS, "cannot map a memory section: MapViewOfFile");
    return VKW_OK;
}

void vkw_section_unmap(void *p, size_t size)
{
    (void)size;
    if (p)
        UnmapViewOfFile(p);
}

/* ---- Handles, threads, the clock ------------------------------------------- */

struct vkw_thread {
    HANDLE handle;
    void (*fn)(void *);
    void *arg;
};

static DWORD WINAPI thread_entry(LPVOID p)
{
    vkw_thread *t = p;
    t->fn(t->arg);
    return 0;
}

vkw_status vkw_thread_start(void (*fn)(void *arg), void *arg, vkw_thread **out, vkw_error *err)
{
    *out = NULL;
    vkw_thread *t = malloc(sizeof *t);
    if (!t)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory starting a thread");
    t->fn = fn;
    t->arg = arg;
    t->handle = CreateThread(NULL, 0, thread_entry, t, 0, NULL);
    if (!t->handle) {
        free(t);
        return os_fail(err, VKW_E_OS, "cannot start a thread: CreateThread");
    }
    *out = t;
    return VKW_OK;
}

void vkw_thread_join(vkw_thread *t)
{
    if (!t)
        return;
    /* The thread's own waits all time out, or (a vkw_parallel worker's) end
     * at vkw_parallel_shutdown's wake-up, which comes before its join. */
    WaitForSingleObject(t->handle, INFINITE);
    CloseHandle(t->handle);
    free(t);
}

/* ---- The pool's lock and condition variables (platform_os.h) -------------- */

struct vkw_os_lock {
    SRWLOCK lock;
};
struct vkw_os_cond {
    CONDITION_VARIABLE cond;
};

vkw_os_lock vkw_os_pool_lock = {SRWLOCK_INIT};
vkw_os_cond vkw_os_pool_work = {CONDITION_VARIABLE_INIT};
vkw_os_cond vkw_os_pool_done = {CONDITION_VARIABLE_INIT};

void vkw_os_lock_acquire(vkw_os_lock *l)
{
    AcquireSRWLockExclusive(&l->lock);
}

void vkw_os_lock_release(vkw_os_lock *l)
{
    ReleaseSRWLockExclusive(&l->lock);
}

void vkw_os_cond_wait(vkw_os_cond *c, vkw_os_lock *l)
{
    SleepConditionVariableSRW(&c->cond, &l->lock, INFINITE, 0);
}

void vkw_os_cond_wake_all(vkw_os_cond *c)
{
    WakeAllConditionVariable(&c->cond);
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
    InitializeSRWLock(&m->lock.lock); /* cannot fail; nothing to release */
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
    return TryAcquireSRWLockExclusive(&m->lock.lock) != 0;
}

void vkw_mutex_destroy(vkw_mutex *m)
{
    free(m);
}

void vkw_nap_ms(uint32_t ms)
{
    Sleep(ms);
}

uint32_t vkw_sleep_ms(uint32_t ms)
{
    uint64_t t0 = vkw_clock_ns(), deadline = t0 + (uint64_t)ms * 1000000u;
    /* The stop event wakes the wait at a stop request (none before
     * vkw_stop_watch, and then no stop can come). Sleep and the waits may
     * end a little early (the tick's granularity): waited again for the rest. */
    while (vkw_stop_requested() == VKW_STOP_NONE) {
        uint64_t now = vkw_clock_ns();
        if (now >= deadline)
            break;
        DWORD left = (DWORD)((deadline - now + 999999u) / 1000000u);
        if (left >= INFINITE)
            left = INFINITE - 1;
        if (stop_event)
            WaitForSingleObject(stop_event, left);
        else
            Sleep(left);
    }
    uint64_t slept = (vkw_clock_ns() - t0) / 1000000u;
    return slept > UINT32_MAX ? UINT32_MAX : (uint32_t)slept;
}

vkw_status vkw_thread_pin(uint32_t cpu, vkw_error *err)
{
    if (cpu >= 64)
        return vkw_fail(err, VKW_E_INVALID_ARG, "CPU %u is beyond the first 64", cpu);
    if (!SetThreadAffinityMask(GetCurrentThread(), (DWORD_PTR)1 << cpu))
        return os_fail(err, VKW_E_INVALID_ARG, "cannot pin the thread: SetThreadAffinityMask");
    return VKW_OK;
}

vkw_status vkw_os_cpu_affinity(bool *allowed, uint32_t cap, uint32_t *count, vkw_error *err)
{
    DWORD_PTR process = 0, system = 0;
    *count = 0;
    if (!GetProcessAffinityMask(GetCurrentProcess(), &process, &system))
        return os_fail(err, VKW_E_OS,
                       "cannot read this process's CPU affinity: "
                       "GetProcessAffinityMask");
    for (; *count < cap && *count < 8 * sizeof process; (*count)++)
        allowed[*count] = (process >> *count) & 1u;
    return VKW_OK;
}

uint64_t vkw_clock_resolution_ns(void)
{
    LARGE_INTEGER f;
    QueryPerformanceFrequency(&f);
    return f.QuadPart
               ? (uint64_t)((1000000000ull + (uint64_t)f.QuadPart - 1) / (uint64_t)f.QuadPart)
               : 0;
}

/* ---- OS ping-pong: an event pair (os_pingpong.c) ---------------------------- */

bool vkw_pingpong_kind_available(vkw_os_pingpong_kind k)
{
    return k == VKW_PINGPONG_EVENT;
}

/* The pipe and the futex are POSIX's kinds: vkw_pingpong_kind_available
 * says no, so these are never reached through the ping-pong. */
static vkw_status no_kind(vkw_error *err, vkw_os_pingpong_kind k)
{
    return vkw_fail(err, VKW_E_UNSUPPORTED, "no %s on Windows", vkw_pingpong_kind_name(k));
}

vkw_status vkw_os_pipe_create(vkw_handle *read_end, vkw_handle *write_end, vkw_error *err)
{
    *read_end = *write_end = VKW_NO_HANDLE;
    return no_kind(err, VKW_PINGPONG_PIPE);
}

vkw_status vkw_os_pipe_signal(vkw_handle write_end, vkw_error *err)
{
    (void)write_end;
    return no_kind(err, VKW_PINGPONG_PIPE);
}

vkw_status vkw_os_pipe_wait(vkw_handle read_end, uint32_t timeout_ms, vkw_error *err)
{
    (void)read_end;
    (void)timeout_ms;
    return no_kind(err, VKW_PINGPONG_PIPE);
}

vkw_status vkw_os_futex_signal(_Atomic uint32_t *word, uint32_t round, vkw_error *err)
{
    (void)word;
    (void)round;
    return no_kind(err, VKW_PINGPONG_FUTEX);
}

vkw_status vkw_os_futex_wait(_Atomic uint32_t *word, uint32_t round, uint32_t timeout_ms,
                             vkw_error *err)
{
    (void)word;
    (void)round;
    (void)timeout_ms;
    return no_kind(err, VKW_PINGPONG_FUTEX);
}

uint32_t vkw_platform_process_id(void)
{
    return (uint32_t)GetCurrentProcessId();
}

void vkw_platform_ignore_broken_pipes(void)
{
    /* Win32 reports a broken pipe as ERROR_BROKEN_PIPE; no signal to ignore. */
}

/* ---- Stop requests ------------------------------------------------------------ */

static void request_stop(vkw_stop why, LONG kind)
{
    if (InterlockedCompareExchange(&stop_reason, (LONG)why, VKW_STOP_NONE) == VKW_STOP_NONE) {
        stop_event_kind = kind;
        SetEvent(stop_event);
    }
}

/* Runs in a thread of its own that the system starts for each event. */
static BOOL WINAPI on_console_event(DWORD kind)
{
    if (kind != CTRL_C_EVENT && kind != CTRL_BREAK_EVENT && kind != CTRL_CLOSE_EVENT)
        return FALSE;
    vkw_stop why = kind == CTRL_C_EVENT ? VKW_STOP_INTERRUPT : VKW_STOP_TERMINATE;
    if (stop_reason != VKW_STOP_NONE && kind != CTRL_CLOSE_EVENT)
        TerminateProcess(
            GetCurrentProcess(),
            (UINT)(why == VKW_STOP_INTERRUPT ? stop_exit_interrupt : stop_exit_terminate));
    request_stop(why, (LONG)kind);
    /* CTRL_CLOSE: the process ends when this returns (or a few seconds
     * later): give the main thread that time to write its reports. */
    if (kind == CTRL_CLOSE_EVENT)
        Sleep(4500);
    return TRUE;
}

static VOID CALLBACK on_deadline(PVOID user, BOOLEAN fired)
{
    (void)user;
    (void)fired;
    request_stop(VKW_STOP_DEADLINE, 0);
}

vkw_status vkw_stop_watch(uint32_t deadline_ms, int exit_interrupt, int exit_terminate,
                          vkw_error *err)
{
    stop_exit_interrupt = exit_interrupt;
    stop_exit_terminate = exit_terminate;
    if (!stop_event && !(stop_event = CreateEventW(NULL, TRUE, FALSE, NULL)))
        return os_fail(err, VKW_E_OS, "cannot watch for console events: CreateEvent");
    if (!SetConsoleCtrlHandler(on_console_event, TRUE))
        return os_fail(err, VKW_E_OS, "cannot watch for console events: SetConsoleCtrlHandler");
    stop_deadline_ms = deadline_ms;
    HANDLE timer = NULL; /* fires once; lives as long as the process */
    if (deadline_ms &&
        !CreateTimerQueueTimer(&timer, NULL, on_deadline, NULL, deadline_ms, 0, WT_EXECUTEONLYONCE))
        return os_fail(err, VKW_E_OS, "cannot set the deadline: CreateTimerQueueTimer");
    return VKW_OK;
}

vkw_stop vkw_stop_requested(void)
{
    return (vkw_stop)stop_reason;
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
                    stop_event_kind == CTRL_C_EVENT       ? "CTRL_C_EVENT"
                    : stop_event_kind == CTRL_BREAK_EVENT ? "CTRL_BREAK_EVENT"
                                                          : "CTRL_CLOSE_EVENT");
}

void vkw_stop_ignore(void)
{
    /* Ctrl+C is ignored; the others cannot be, and the child's job object
     * ends it with the parent anyway. */
    SetConsoleCtrlHandler(NULL, TRUE);
}

uint32_t vkw_cpu_count(void)
{
    DWORD n = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
    return n < 1 ? 1u : (uint32_t)n;
}

vkw_status vkw_peak_resident_bytes(uint64_t *out, vkw_error *err)
{
    PROCESS_MEMORY_COUNTERS pmc = {.cb = sizeof pmc};
    *out = 0;
    if (!K32GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc))
        return vkw_fail(err, VKW_E_OS, "GetProcessMemoryInfo: error %lu",
                        (unsigned long)GetLastError());
    *out = (uint64_t)pmc.PeakWorkingSetSize;
    return VKW_OK;
}

bool vkw_peak_resident_reset(void)
{
    return false; /* Windows keeps one peak working set for the process's life */
}
