/* src/base/: what every layer uses and that knows neither the OS nor Vulkan's
 * devices: statuses and error messages (this header), growable text
 * (text_buffer.h), statistics of timed samples (stats.h), trends of a series
 * (trend.h) and the seeded byte patterns that prove two processes see the
 * same memory (pattern.h).
 * May include: nothing of the project but itself. Public: this header and
 * text_buffer.h.
 *
 * Status codes and the error context every fallible core function fills. */
#ifndef VKW_STATUS_H
#define VKW_STATUS_H

#include <stdarg.h>
#include <vulkan/vulkan_core.h>

typedef enum vkw_status {
    VKW_OK = 0,
    VKW_E_NO_LOADER,        /* the Vulkan loader library cannot be loaded or is not one */
    VKW_E_NO_DRIVER,        /* the loader found no driver or no physical device */
    VKW_E_NO_DEVICE_MATCH,  /* a device filter matched nothing */
    VKW_E_IO,               /* a report or file could not be written */
    VKW_E_VULKAN,           /* a Vulkan call failed unexpectedly */
    VKW_E_NO_LAYER,         /* a requested layer is not installed */
    VKW_E_INVALID_ARG,      /* a caller-supplied value is malformed */
    VKW_E_NO_MEMORY,        /* host allocation failed */
    VKW_E_VALIDATION,       /* the validation layer reported errors */
    VKW_E_TIMEOUT,          /* a wait ran past its timeout (a lost signal, a hung peer) */
    VKW_E_PEER_GONE,        /* the other process closed the channel or ended */
    VKW_E_PROTOCOL,         /* the other process sent something this version does not expect */
    VKW_E_OS,               /* an operating-system call failed (spawn, pipe, socket, ...) */
    VKW_E_CHILD,            /* the child process failed, crashed or hung */
    VKW_E_SHARING,          /* shared bytes differ, a handle leaked, or an import failed */
    VKW_E_NOTHING_TO_SHARE, /* the driver can export and import no handle type the run asked for */
    VKW_E_UNSUPPORTED,      /* the driver cannot do this one thing: a skip, with the reason */
    VKW_E_INTERRUPTED,      /* a stop was requested (a signal, the deadline): see vkw_stop */
    VKW_E_STRESS, /* a stress run's verdict: a leak, a mismatch, an undetected fault, a validation
                     error or a limit broken */
} vkw_status;

/* One human sentence saying what failed and while doing what. */
typedef struct vkw_error {
    vkw_status status;
    VkResult vk_result; /* VK_SUCCESS unless a Vulkan call failed */
    char message[512];
} vkw_error;

/* Sets err (when not NULL) and returns status, so callers can `return vkw_fail(...)`. */
vkw_status vkw_fail(vkw_error *err, vkw_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Same, for a failed Vulkan call: "<call> failed: <VK_ERROR_...> (<context>)". */
vkw_status vkw_fail_vk(vkw_error *err, VkResult r, const char *call, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
void vkw_error_clear(vkw_error *err);

/* Stable lower-case code for reports ("no_loader", ...). */
const char *vkw_status_code(vkw_status s);
/* "VK_ERROR_OUT_OF_HOST_MEMORY" or "VkResult(-12345)". */
const char *vkw_result_name(VkResult r);

#endif
