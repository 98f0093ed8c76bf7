#include "handle_types.h"

#include <stdio.h>
#include <string.h>
#include <vulkan/vulkan_core.h>

#include "platform/platform.h"

#define REF VKW_TRANSFERENCE_REFERENCE
#define COPY VKW_TRANSFERENCE_COPY

/* One fixed order on every OS, so a Linux and a Windows report line up row by
 * row (the other family is listed as not applicable, never dropped). */
const vkw_handle_type vkw_memory_handle_types[VKW_MEMORY_HANDLE_TYPE_COUNT] = {
    {VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT, "OPAQUE_FD", "VK_KHR_external_memory_fd",
     VKW_FAMILY_POSIX_FD, false, REF, true},
    {VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT, "DMA_BUF", "VK_EXT_external_memory_dma_buf",
     VKW_FAMILY_POSIX_FD, false, REF, false},
    {VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_WIN32_BIT, "OPAQUE_WIN32",
     "VK_KHR_external_memory_win32", VKW_FAMILY_WIN32, true, REF, true},
    {VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_WIN32_KMT_BIT, "OPAQUE_WIN32_KMT",
     "VK_KHR_external_memory_win32", VKW_FAMILY_WIN32, false, REF, true},
    {VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D11_TEXTURE_BIT, "D3D11_TEXTURE",
     "VK_KHR_external_memory_win32", VKW_FAMILY_WIN32, true, REF, true},
    {VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D11_TEXTURE_KMT_BIT, "D3D11_TEXTURE_KMT",
     "VK_KHR_external_memory_win32", VKW_FAMILY_WIN32, false, REF, true},
    {VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D12_HEAP_BIT, "D3D12_HEAP", "VK_KHR_external_memory_win32",
     VKW_FAMILY_WIN32, true, REF, true},
    {VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D12_RESOURCE_BIT, "D3D12_RESOURCE",
     "VK_KHR_external_memory_win32", VKW_FAMILY_WIN32, true, REF, true},
    {VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT, "HOST_ALLOCATION",
     "VK_EXT_external_memory_host", VKW_FAMILY_HOST, false, REF, false},
    {VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_MAPPED_FOREIGN_MEMORY_BIT_EXT,
     "HOST_MAPPED_FOREIGN_MEMORY", "VK_EXT_external_memory_host", VKW_FAMILY_HOST, false, REF,
     false},
    {VK_EXTERNAL_MEMORY_HANDLE_TYPE_ANDROID_HARDWARE_BUFFER_BIT_ANDROID, "ANDROID_HARDWARE_BUFFER",
     "VK_ANDROID_external_memory_android_hardware_buffer", VKW_FAMILY_ANDROID, false, REF, false},
    {VK_EXTERNAL_MEMORY_HANDLE_TYPE_ZIRCON_VMO_BIT_FUCHSIA, "ZIRCON_VMO",
     "VK_FUCHSIA_external_memory", VKW_FAMILY_FUCHSIA, false, REF, false},
    {VK_EXTERNAL_MEMORY_HANDLE_TYPE_RDMA_ADDRESS_BIT_NV, "RDMA_ADDRESS",
     "VK_NV_external_memory_rdma", VKW_FAMILY_RDMA, false, REF, false},
};

const vkw_handle_type vkw_semaphore_handle_types[VKW_SEMAPHORE_HANDLE_TYPE_COUNT] = {
    {VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT, "OPAQUE_FD", "VK_KHR_external_semaphore_fd",
     VKW_FAMILY_POSIX_FD, false, REF, true},
    {VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT, "SYNC_FD", "VK_KHR_external_semaphore_fd",
     VKW_FAMILY_POSIX_FD, false, COPY, true},
    {VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_WIN32_BIT, "OPAQUE_WIN32",
     "VK_KHR_external_semaphore_win32", VKW_FAMILY_WIN32, true, REF, true},
    {VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_WIN32_KMT_BIT, "OPAQUE_WIN32_KMT",
     "VK_KHR_external_semaphore_win32", VKW_FAMILY_WIN32, false, REF, true},
    {VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_D3D12_FENCE_BIT, "D3D12_FENCE",
     "VK_KHR_external_semaphore_win32", VKW_FAMILY_WIN32, true, REF, true},
    {VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_ZIRCON_EVENT_BIT_FUCHSIA, "ZIRCON_EVENT",
     "VK_FUCHSIA_external_semaphore", VKW_FAMILY_FUCHSIA, false, REF, false},
};

const vkw_handle_type vkw_fence_handle_types[VKW_FENCE_HANDLE_TYPE_COUNT] = {
    {VK_EXTERNAL_FENCE_HANDLE_TYPE_OPAQUE_FD_BIT, "OPAQUE_FD", "VK_KHR_external_fence_fd",
     VKW_FAMILY_POSIX_FD, false, REF, true},
    {VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT, "SYNC_FD", "VK_KHR_external_fence_fd",
     VKW_FAMILY_POSIX_FD, false, COPY, true},
    {VK_EXTERNAL_FENCE_HANDLE_TYPE_OPAQUE_WIN32_BIT, "OPAQUE_WIN32", "VK_KHR_external_fence_win32",
     VKW_FAMILY_WIN32, true, REF, true},
    {VK_EXTERNAL_FENCE_HANDLE_TYPE_OPAQUE_WIN32_KMT_BIT, "OPAQUE_WIN32_KMT",
     "VK_KHR_external_fence_win32", VKW_FAMILY_WIN32, false, REF, true},
};

bool vkw_handle_family_native(vkw_handle_family family)
{
    return vkw_handle_family_native_on(family, vkw_platform_os());
}

bool vkw_handle_family_native_on(vkw_handle_family family, vkw_os os)
{
    switch (family) {
    case VKW_FAMILY_POSIX_FD: return os != VKW_OS_WINDOWS;
    case VKW_FAMILY_WIN32: return os == VKW_OS_WINDOWS;
    case VKW_FAMILY_HOST: return true;
    case VKW_FAMILY_ANDROID: return os == VKW_OS_ANDROID;
    case VKW_FAMILY_FUCHSIA: return false; /* no Fuchsia build of this tool */
    case VKW_FAMILY_RDMA: return os == VKW_OS_LINUX;
    }
    return false;
}

const char *vkw_handle_family_name(vkw_handle_family family)
{
    switch (family) {
    case VKW_FAMILY_POSIX_FD: return "posix_fd";
    case VKW_FAMILY_WIN32: return "win32";
    case VKW_FAMILY_HOST: return "host";
    case VKW_FAMILY_ANDROID: return "android";
    case VKW_FAMILY_FUCHSIA: return "fuchsia";
    case VKW_FAMILY_RDMA: return "rdma";
    }
    return "unknown";
}

const char *vkw_handle_mask_names(const vkw_handle_type *table, size_t count, uint32_t mask,
                                  const char *sep, char *buf, size_t len)
{
    size_t used = 0;
    if (len == 0)
        return buf;
    buf[0] = '\0';
    uint32_t left = mask;
    for (size_t i = 0; i < count && left; i++) {
        if (!(left & table[i].bit))
            continue;
        left &= ~table[i].bit;
        int n = snprintf(buf + used, len - used, "%s%s", used ? sep : "", table[i].name);
        if (n < 0 || (size_t)n >= len - used)
            return buf; /* full: keep what fits */
        used += (size_t)n;
    }
    if (left)
        snprintf(buf + used, len - used, "%s0x%x", used ? sep : "", left);
    return buf;
}

const vkw_handle_type *vkw_handle_type_by_name(const vkw_handle_type *table, size_t count,
                                               const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}
