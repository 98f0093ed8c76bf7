/* Win32 implementation of platform.h. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include "platform.h"

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
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                             code, 0, buf, (DWORD)len, NULL);
    /* FormatMessage ends its text with "\r\n"; a report line must not. */
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == '.'))
        buf[--n] = '\0';
    if (n == 0)
        snprintf(buf, len, "Win32 error %lu", (unsigned long)code);
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

static vkw_status io_fail(vkw_error *err, const char *path, const char *what)
{
    char why[256];
    last_error_text(GetLastError(), why, sizeof why);
    return vkw_fail(err, VKW_E_IO, "cannot write report '%s': %s%s", path, what, why);
}

static vkw_status create_temp(const char *path, char *tmp, size_t tmplen, HANDLE *out,
                              vkw_error *err)
{
    /* A unique name: process, time and attempt; CREATE_NEW never reuses one. */
    for (unsigned attempt = 0; attempt < 16; attempt++) {
        int n = snprintf(tmp, tmplen, "%s.tmp.%lu.%llu.%u", path,
                         (unsigned long)GetCurrentProcessId(),
                         (unsigned long long)GetTickCount64(), attempt);
        if (n < 0 || (size_t)n >= tmplen)
            return vkw_fail(err, VKW_E_IO, "cannot write report '%s': path too long", path);
        HANDLE h = CreateFileA(tmp, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
        if (h != INVALID_HANDLE_VALUE) {
            *out = h;
            return VKW_OK;
        }
        if (GetLastError() != ERROR_FILE_EXISTS)
            break;
    }
    return io_fail(err, path, "");
}

vkw_status vkw_check_writable(const char *path, vkw_error *err)
{
    char tmp[MAX_PATH + 64];
    HANDLE h;
    DWORD attr = GetFileAttributesA(path);
    if (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY))
        return vkw_fail(err, VKW_E_IO, "cannot write report '%s': it is a directory", path);
    vkw_status s = create_temp(path, tmp, sizeof tmp, &h, err);
    if (s != VKW_OK)
        return s;
    CloseHandle(h);
    DeleteFileA(tmp);
    return VKW_OK;
}

vkw_status vkw_write_file_atomic(const char *path, const void *data, size_t len, vkw_error *err)
{
    char tmp[MAX_PATH + 64];
    HANDLE h = INVALID_HANDLE_VALUE;
    vkw_status s = create_temp(path, tmp, sizeof tmp, &h, err);
    if (s != VKW_OK)
        return s;
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        DWORD chunk = left > 0x40000000u ? 0x40000000u : (DWORD)left, wrote = 0;
        if (!WriteFile(h, p, chunk, &wrote, NULL) || wrote == 0) {
            s = io_fail(err, path, "");
            goto cleanup;
        }
        p += wrote;
        left -= wrote;
    }
    if (!FlushFileBuffers(h)) {
        s = io_fail(err, path, "flush: ");
        goto cleanup;
    }
    CloseHandle(h);
    h = INVALID_HANDLE_VALUE;
    if (!MoveFileExA(tmp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        s = io_fail(err, path, "rename: ");
        goto cleanup;
    }
    return VKW_OK;

cleanup:
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    DeleteFileA(tmp);
    return s;
}
