/* external.h for POSIX: memory travels as file descriptors. */
#include "external.h"

/* Nothing is required: a device without any of these still runs the OS
 * baselines and in-process round trips, and says what it lacks. */
const char *const vkw_external_required_extensions[] = {NULL};
const char *const vkw_external_wanted_extensions[] = {
    "VK_KHR_external_memory_fd", "VK_EXT_external_memory_dma_buf", "VK_KHR_external_semaphore_fd",
    "VK_KHR_external_fence_fd",  "VK_KHR_timeline_semaphore",      NULL};

/* VkImportMemoryFdInfoKHR: "Importing memory from a file descriptor transfers
 * ownership of the file descriptor from the application to the Vulkan
 * implementation" -- on success only. */
const bool vkw_import_takes_ownership = true;

bool vkw_handle_travels_by_value(const vkw_handle_type *t)
{
    (void)t;
    return false; /* fds travel with SCM_RIGHTS */
}

void vkw_external_handle_release(const vkw_handle_type *t, vkw_handle h)
{
    (void)t;
    vkw_handle_close(h);
}

void vkw_external_resolve(vkw_device *dev)
{
    (void)dev; /* vkGetMemoryFd*KHR are in the device's own optional table */
}

bool vkw_handle_type_nameable(const vkw_handle_type *t)
{
    (void)t;
    return false; /* fds have no names */
}

const void *vkw_memory_export_chain(vkw_chain_storage *st, const vkw_handle_type *t,
                                    const char *name, const void *next)
{
    (void)st;
    (void)t;
    (void)name;
    return next;
}

const void *vkw_semaphore_export_chain(vkw_chain_storage *st, const vkw_handle_type *t,
                                       const char *name, const void *next)
{
    (void)st;
    (void)t;
    (void)name;
    return next;
}

const void *vkw_fence_export_chain(vkw_chain_storage *st, const vkw_handle_type *t,
                                   const char *name, const void *next)
{
    (void)st;
    (void)t;
    (void)name;
    return next;
}

vkw_status vkw_memory_export(const vkw_device *dev, VkDeviceMemory mem, const vkw_handle_type *t,
                             vkw_handle *out, vkw_error *err)
{
    *out = VKW_NO_HANDLE;
    if (!dev->vkGetMemoryFdKHR)
        return vkw_fail(err, VKW_E_VULKAN, "vkGetMemoryFdKHR is not available (exporting %s)",
                        t->name);
    VkMemoryGetFdInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_GET_FD_INFO_KHR,
        .memory = mem,
        .handleType = (VkExternalMemoryHandleTypeFlagBits)t->bit,
    };
    int fd = -1;
    VkResult r = dev->vkGetMemoryFdKHR(dev->handle, &info, &fd);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkGetMemoryFdKHR", "exporting %s memory", t->name);
    if (fd < 0)
        return vkw_fail(err, VKW_E_SHARING,
                        "vkGetMemoryFdKHR returned VK_SUCCESS and fd %d "
                        "(exporting %s memory)",
                        fd, t->name);
    *out = (vkw_handle)fd;
    return VKW_OK;
}

const void *vkw_memory_import_chain(vkw_chain_storage *st, const vkw_handle_type *t, vkw_handle h,
                                    const char *name, const void *next)
{
    (void)name; /* never given: vkw_handle_type_nameable says no */
    st->info.fd = (VkImportMemoryFdInfoKHR){
        .sType = VK_STRUCTURE_TYPE_IMPORT_MEMORY_FD_INFO_KHR,
        .pNext = next,
        .handleType = (VkExternalMemoryHandleTypeFlagBits)t->bit,
        .fd = (int)h,
    };
    return &st->info.fd;
}

vkw_status vkw_memory_handle_type_bits(const vkw_device *dev, const vkw_handle_type *t,
                                       vkw_handle h, uint32_t *bits, bool *queried, vkw_error *err)
{
    *bits = ~0u;
    *queried = false;
    /* VUID-vkGetMemoryFdPropertiesKHR-handleType-00674: not for OPAQUE_FD. */
    if (t->bit == VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT)
        return VKW_OK;
    if (!dev->vkGetMemoryFdPropertiesKHR)
        return vkw_fail(err, VKW_E_VULKAN,
                        "vkGetMemoryFdPropertiesKHR is not available (importing %s)", t->name);
    VkMemoryFdPropertiesKHR props = {.sType = VK_STRUCTURE_TYPE_MEMORY_FD_PROPERTIES_KHR};
    VkResult r = dev->vkGetMemoryFdPropertiesKHR(
        dev->handle, (VkExternalMemoryHandleTypeFlagBits)t->bit, (int)h, &props);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkGetMemoryFdPropertiesKHR", "importing %s memory", t->name);
    *bits = props.memoryTypeBits;
    *queried = true;
    return VKW_OK;
}

vkw_status vkw_memory_break_valid_usage(const vkw_device *dev, vkw_handle h, vkw_error *err)
{
    if (!dev->vkGetMemoryFdPropertiesKHR)
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "vkGetMemoryFdPropertiesKHR is not available "
                        "(the invalid-usage fault)");
    VkMemoryFdPropertiesKHR props = {.sType = VK_STRUCTURE_TYPE_MEMORY_FD_PROPERTIES_KHR};
    /* Invalid on purpose: VUID-vkGetMemoryFdPropertiesKHR-handleType-parameter
     * (no handle type at all). */
    (void)dev->vkGetMemoryFdPropertiesKHR(dev->handle, (VkExternalMemoryHandleTypeFlagBits)0,
                                          (int)h, &props);
    return VKW_OK;
}

vkw_status vkw_semaphore_export(const vkw_device *dev, VkSemaphore sem, const vkw_handle_type *t,
                                vkw_handle *out, vkw_error *err)
{
    *out = VKW_NO_HANDLE;
    if (!dev->vkGetSemaphoreFdKHR)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "vkGetSemaphoreFdKHR is not available");
    VkSemaphoreGetFdInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_SEMAPHORE_GET_FD_INFO_KHR,
        .semaphore = sem,
        .handleType = (VkExternalSemaphoreHandleTypeFlagBits)t->bit,
    };
    int fd = -1;
    VkResult r = dev->vkGetSemaphoreFdKHR(dev->handle, &info, &fd);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkGetSemaphoreFdKHR", "exporting a %s semaphore", t->name);
    *out = fd;
    return VKW_OK;
}

vkw_status vkw_semaphore_import(const vkw_device *dev, VkSemaphore sem, const vkw_handle_type *t,
                                vkw_handle *h, const char *name, vkw_error *err)
{
    (void)name;
    if (!dev->vkImportSemaphoreFdKHR)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "vkImportSemaphoreFdKHR is not available");
    VkImportSemaphoreFdInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_IMPORT_SEMAPHORE_FD_INFO_KHR,
        .semaphore = sem,
        .handleType = (VkExternalSemaphoreHandleTypeFlagBits)t->bit,
        .fd = (int)*h,
    };
    VkResult r = dev->vkImportSemaphoreFdKHR(dev->handle, &info);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkImportSemaphoreFdKHR", "importing a %s semaphore", t->name);
    *h = VKW_NO_HANDLE; /* the implementation owns the fd now */
    return VKW_OK;
}

vkw_status vkw_fence_export(const vkw_device *dev, VkFence fence, const vkw_handle_type *t,
                            vkw_handle *out, vkw_error *err)
{
    *out = VKW_NO_HANDLE;
    if (!dev->vkGetFenceFdKHR)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "vkGetFenceFdKHR is not available");
    VkFenceGetFdInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_FENCE_GET_FD_INFO_KHR,
        .fence = fence,
        .handleType = (VkExternalFenceHandleTypeFlagBits)t->bit,
    };
    int fd = -1;
    VkResult r = dev->vkGetFenceFdKHR(dev->handle, &info, &fd);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkGetFenceFdKHR", "exporting a %s fence", t->name);
    *out = fd;
    return VKW_OK;
}

vkw_status vkw_fence_import(const vkw_device *dev, VkFence fence, const vkw_handle_type *t,
                            vkw_handle *h, const char *name, vkw_error *err)
{
    (void)name; /* never given: vkw_handle_type_nameable says no */
    if (!dev->vkImportFenceFdKHR)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "vkImportFenceFdKHR is not available");
    VkImportFenceFdInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_IMPORT_FENCE_FD_INFO_KHR,
        .fence = fence,
        .handleType = (VkExternalFenceHandleTypeFlagBits)t->bit,
        .fd = (int)*h,
    };
    VkResult r = dev->vkImportFenceFdKHR(dev->handle, &info);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkImportFenceFdKHR", "importing a %s fence", t->name);
    *h = VKW_NO_HANDLE;
    return VKW_OK;
}

const void *vkw_keyed_mutex_submit_chain(vkw_keyed_mutex_chain *st, const vkw_device *dev,
                                         VkDeviceMemory mem, uint64_t acquire_key,
                                         uint64_t release_key, uint32_t timeout_ms)
{
    (void)st, (void)dev, (void)mem, (void)acquire_key, (void)release_key, (void)timeout_ms;
    return NULL; /* keyed mutexes are Win32's */
}
