#include "status.h"

#include <stdio.h>
#include <string.h>

static void vformat(vkw_error *err, const char *prefix, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 0)))
#endif
    ;
static void vformat(vkw_error *err, const char *prefix, const char *fmt, va_list ap)
{
    size_t used = 0;
    if (prefix) {
        int n = snprintf(err->message, sizeof err->message, "%s", prefix);
        used = n > 0 ? (size_t)n : 0;
        if (used >= sizeof err->message)
            return;
    }
    vsnprintf(err->message + used, sizeof err->message - used, fmt, ap);
}

vkw_status vkw_fail(vkw_error *err, vkw_status status, const char *fmt, ...)
{
    if (!err)
        return status;
    va_list ap;
    va_start(ap, fmt);
    err->status = status;
    err->vk_result = VK_SUCCESS;
    vformat(err, NULL, fmt, ap);
    va_end(ap);
    return status;
}

vkw_status vkw_fail_vk(vkw_error *err, VkResult r, const char *call, const char *fmt, ...)
{
    if (!err)
        return VKW_E_VULKAN;
    char prefix[160];
    snprintf(prefix, sizeof prefix, "%s failed: %s (", call, vkw_result_name(r));
    va_list ap;
    va_start(ap, fmt);
    err->status = VKW_E_VULKAN;
    err->vk_result = r;
    vformat(err, prefix, fmt, ap);
    va_end(ap);
    size_t n = strlen(err->message);
    if (n + 1 < sizeof err->message) {
        err->message[n] = ')';
        err->message[n + 1] = '\0';
    }
    return VKW_E_VULKAN;
}

void vkw_error_clear(vkw_error *err)
{
    if (err) {
        err->status = VKW_OK;
        err->vk_result = VK_SUCCESS;
        err->message[0] = '\0';
    }
}

const char *vkw_status_code(vkw_status s)
{
    switch (s) {
    case VKW_OK: return "ok";
    case VKW_E_NO_LOADER: return "no_loader";
    case VKW_E_NO_DRIVER: return "no_driver";
    case VKW_E_NO_DEVICE_MATCH: return "no_device_match";
    case VKW_E_IO: return "io_error";
    case VKW_E_VULKAN: return "vulkan_error";
    case VKW_E_NO_LAYER: return "layer_missing";
    case VKW_E_INVALID_ARG: return "invalid_argument";
    case VKW_E_NO_MEMORY: return "out_of_host_memory";
    case VKW_E_VALIDATION: return "validation_errors";
    case VKW_E_TIMEOUT: return "timeout";
    case VKW_E_PEER_GONE: return "peer_gone";
    case VKW_E_PROTOCOL: return "protocol_error";
    case VKW_E_OS: return "os_error";
    case VKW_E_CHILD: return "child_failed";
    case VKW_E_SHARING: return "sharing_failed";
    case VKW_E_NOTHING_TO_SHARE: return "nothing_to_share";
    case VKW_E_UNSUPPORTED: return "unsupported";
    case VKW_E_INTERRUPTED: return "interrupted";
    case VKW_E_STRESS: return "stress_failed";
    }
    return "unknown";
}

const char *vkw_result_name(VkResult r)
{
    switch (r) {
        /* clang-format off */
#define R(x) \
    case x: return #x;
        R(VK_SUCCESS)
        R(VK_NOT_READY)
        R(VK_TIMEOUT)
        R(VK_EVENT_SET)
        R(VK_EVENT_RESET)
        R(VK_INCOMPLETE)
        R(VK_ERROR_OUT_OF_HOST_MEMORY)
        R(VK_ERROR_OUT_OF_DEVICE_MEMORY)
        R(VK_ERROR_INITIALIZATION_FAILED)
        R(VK_ERROR_DEVICE_LOST)
        R(VK_ERROR_MEMORY_MAP_FAILED)
        R(VK_ERROR_LAYER_NOT_PRESENT)
        R(VK_ERROR_EXTENSION_NOT_PRESENT)
        R(VK_ERROR_FEATURE_NOT_PRESENT)
        R(VK_ERROR_INCOMPATIBLE_DRIVER)
        R(VK_ERROR_TOO_MANY_OBJECTS)
        R(VK_ERROR_FORMAT_NOT_SUPPORTED)
        R(VK_ERROR_FRAGMENTED_POOL)
        R(VK_ERROR_UNKNOWN)
        R(VK_ERROR_OUT_OF_POOL_MEMORY)
        R(VK_ERROR_INVALID_EXTERNAL_HANDLE)
        R(VK_ERROR_FRAGMENTATION)
        R(VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS)
        R(VK_PIPELINE_COMPILE_REQUIRED)
        R(VK_ERROR_SURFACE_LOST_KHR)
        R(VK_ERROR_NATIVE_WINDOW_IN_USE_KHR)
        R(VK_SUBOPTIMAL_KHR)
        R(VK_ERROR_OUT_OF_DATE_KHR)
        R(VK_ERROR_INCOMPATIBLE_DISPLAY_KHR)
        R(VK_ERROR_VALIDATION_FAILED_EXT)
        R(VK_ERROR_INVALID_SHADER_NV)
        R(VK_ERROR_NOT_PERMITTED_KHR)
        R(VK_THREAD_IDLE_KHR)
        R(VK_THREAD_DONE_KHR)
        R(VK_OPERATION_DEFERRED_KHR)
        R(VK_OPERATION_NOT_DEFERRED_KHR)
#undef R
        /* clang-format on */
    default: break;
    }
    static _Thread_local char buf[32];
    snprintf(buf, sizeof buf, "VkResult(%d)", (int)r);
    return buf;
}
