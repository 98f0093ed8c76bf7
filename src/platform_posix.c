/* POSIX implementation of platform.h (Linux first; other Unix where it costs nothing). */
#define _GNU_SOURCE
#include "platform.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

/* "<path>.tmp.XXXXXX", unique (mkostemp), in the same folder so that rename()
 * is atomic on one file system. */
static vkw_status create_temp(const char *path, char *tmp, size_t tmplen, int *fd_out,
                              vkw_error *err)
{
    int n = snprintf(tmp, tmplen, "%s.tmp.XXXXXX", path);
    if (n < 0 || (size_t)n >= tmplen)
        return vkw_fail(err, VKW_E_IO, "cannot write report '%s': path too long", path);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return vkw_fail(err, VKW_E_IO, "cannot write report '%s': %s", path, strerror(errno));
    /* mkostemp makes the file 0600; a report is for everyone to read. */
    if (fchmod(fd, 0644) != 0) {
        vkw_status s = vkw_fail(err, VKW_E_IO, "cannot write report '%s': chmod: %s", path,
                                strerror(errno));
        close(fd);
        unlink(tmp);
        return s;
    }
    *fd_out = fd;
    return VKW_OK;
}

vkw_status vkw_check_writable(const char *path, vkw_error *err)
{
    char tmp[4200];
    int fd = -1;
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return vkw_fail(err, VKW_E_IO, "cannot write report '%s': it is a directory", path);
    vkw_status s = create_temp(path, tmp, sizeof tmp, &fd, err);
    if (s != VKW_OK)
        return s;
    close(fd);
    unlink(tmp);
    return VKW_OK;
}

vkw_status vkw_write_file_atomic(const char *path, const void *data, size_t len, vkw_error *err)
{
    char tmp[4200];
    int fd = -1;
    vkw_status s = create_temp(path, tmp, sizeof tmp, &fd, err);
    if (s != VKW_OK)
        return s;
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            s = vkw_fail(err, VKW_E_IO, "cannot write report '%s': %s", path,
                         w < 0 ? strerror(errno) : "short write");
            goto cleanup;
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0) {
        s = vkw_fail(err, VKW_E_IO, "cannot write report '%s': fsync: %s", path, strerror(errno));
        goto cleanup;
    }
    if (close(fd) != 0) {
        fd = -1;
        s = vkw_fail(err, VKW_E_IO, "cannot write report '%s': close: %s", path, strerror(errno));
        goto cleanup;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        s = vkw_fail(err, VKW_E_IO, "cannot write report '%s': rename: %s", path, strerror(errno));
        goto cleanup;
    }
    return VKW_OK;

cleanup:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    return s;
}
