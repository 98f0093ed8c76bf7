/* The platform layer: everything that differs between POSIX and Win32.
 * Nothing above this header contains an #ifdef for the operating system;
 * platform_posix.c and platform_win32.c implement it. */
#ifndef VKW_PLATFORM_H
#define VKW_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

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

/* Writes len bytes to path atomically: a temporary file in the same folder,
 * flushed, then renamed over path. Nothing is left behind on failure. */
vkw_status vkw_write_file_atomic(const char *path, const void *data, size_t len,
                                 vkw_error *err);

/* Checks early that a file can be created next to path (so a long run does
 * not fail only at the end); creates and removes a probe file. */
vkw_status vkw_check_writable(const char *path, vkw_error *err);

#endif
