/* Probe: which external-handle related device extensions the device offers. */
#include "probe.h"

#include <stdlib.h>
#include <string.h>

const char *const vkw_relevant_device_extensions[VKW_RELEVANT_EXTENSION_COUNT] = {
    "VK_KHR_external_memory",
    "VK_KHR_external_memory_fd",
    "VK_EXT_external_memory_dma_buf",
    "VK_KHR_external_memory_win32",
    "VK_EXT_external_memory_host",
    "VK_ANDROID_external_memory_android_hardware_buffer",
    "VK_FUCHSIA_external_memory",
    "VK_NV_external_memory_rdma",
    "VK_KHR_external_semaphore",
    "VK_KHR_external_semaphore_fd",
    "VK_KHR_external_semaphore_win32",
    "VK_FUCHSIA_external_semaphore",
    "VK_KHR_external_fence",
    "VK_KHR_external_fence_fd",
    "VK_KHR_external_fence_win32",
    "VK_KHR_timeline_semaphore",
    "VK_KHR_dedicated_allocation",
    "VK_KHR_get_memory_requirements2",
    "VK_KHR_driver_properties",
    "VK_EXT_pci_bus_info",
    "VK_EXT_image_drm_format_modifier",
    "VK_EXT_queue_family_foreign",
    "VK_KHR_win32_keyed_mutex",
    "VK_NV_external_memory_win32",
};

bool vkw_device_has_extension(const vkw_device_report *dev, const char *name)
{
    for (size_t i = 0; i < VKW_RELEVANT_EXTENSION_COUNT; i++)
        if (strcmp(vkw_relevant_device_extensions[i], name) == 0)
            return dev->relevant_extension_version[i] != 0;
    return false;
}

static vkw_status run(const vkw_probe_ctx *ctx, vkw_device_report *dev, vkw_error *err)
{
    vkw_status s = VKW_OK;
    VkExtensionProperties *props = NULL;
    uint32_t count = 0;
    VkResult r = ctx->inst->vkEnumerateDeviceExtensionProperties(ctx->pd, NULL, &count, NULL);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkEnumerateDeviceExtensionProperties", "device %u", dev->index);
    props = calloc(count ? count : 1, sizeof *props);
    if (!props)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory listing device extensions");
    uint32_t room = count;
    r = ctx->inst->vkEnumerateDeviceExtensionProperties(ctx->pd, NULL, &count, props);
    if (count > room) /* more than it was given room for: not believed */
        count = room;
    if (r != VK_SUCCESS && r != VK_INCOMPLETE) {
        s = vkw_fail_vk(err, r, "vkEnumerateDeviceExtensionProperties", "device %u", dev->index);
        goto cleanup;
    }
    dev->extension_count = count;
    for (uint32_t i = 0; i < count; i++)
        for (size_t k = 0; k < VKW_RELEVANT_EXTENSION_COUNT; k++)
            if (strcmp(props[i].extensionName, vkw_relevant_device_extensions[k]) == 0)
                /* spec versions start at 1; keep 0 for "absent" */
                dev->relevant_extension_version[k] =
                    props[i].specVersion ? props[i].specVersion : 1;

cleanup:
    free(props);
    return s;
}

const vkw_probe vkw_probe_extensions = {"extensions", run};
