/* Probe: external semaphores, binary and timeline, for each semaphore handle
 * type (vkGetPhysicalDeviceExternalSemaphoreProperties). Also decides whether
 * the device has timeline semaphores at all. */
#include "probe.h"

#include <string.h>

static void timeline_feature(const vkw_probe_ctx *ctx, vkw_device_report *dev)
{
    bool core = ctx->api_version >= VK_API_VERSION_1_2;
    bool ext = vkw_device_has_extension(dev, "VK_KHR_timeline_semaphore");
    if (!ctx->fn.vkGetPhysicalDeviceFeatures2) {
        dev->timeline_semaphore = false;
        dev->timeline_semaphore_source = "features cannot be queried (neither Vulkan 1.1 nor "
                                         "VK_KHR_get_physical_device_properties2)";
        return;
    }
    if (!core && !ext) {
        dev->timeline_semaphore = false;
        dev->timeline_semaphore_source = "neither Vulkan 1.2 nor VK_KHR_timeline_semaphore";
        return;
    }
    VkPhysicalDeviceTimelineSemaphoreFeatures tl = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES,
    };
    VkPhysicalDeviceFeatures2 f = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
        .pNext = &tl,
    };
    ctx->fn.vkGetPhysicalDeviceFeatures2(ctx->pd, &f);
    dev->timeline_semaphore = tl.timelineSemaphore;
    dev->timeline_semaphore_source = core ? "Vulkan 1.2 core" : "VK_KHR_timeline_semaphore";
    /* Vulkan 1.2 made the feature mandatory. */
    if (core && !tl.timelineSemaphore)
        vkw_device_add_anomaly(dev, "Vulkan 1.2+ device reports timelineSemaphore = false, which "
                                    "1.2 requires");
}

static void query(const vkw_probe_ctx *ctx, VkExternalSemaphoreHandleTypeFlagBits type,
                  const void *pnext, vkw_external_props *out)
{
    VkPhysicalDeviceExternalSemaphoreInfo info = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_SEMAPHORE_INFO,
        .pNext = pnext,
        .handleType = type,
    };
    VkExternalSemaphoreProperties props = {
        .sType = VK_STRUCTURE_TYPE_EXTERNAL_SEMAPHORE_PROPERTIES,
    };
    ctx->fn.vkGetPhysicalDeviceExternalSemaphoreProperties(ctx->pd, &info, &props);
    vkw_props_from_sync(props.externalSemaphoreFeatures, props.compatibleHandleTypes,
                        props.exportFromImportedHandleTypes, out);
}

static vkw_status run(const vkw_probe_ctx *ctx, vkw_device_report *dev, vkw_error *err)
{
    (void)err;
    timeline_feature(ctx, dev);
    for (size_t t = 0; t < VKW_SEMAPHORE_HANDLE_TYPE_COUNT; t++) {
        const vkw_handle_type *ht = &vkw_semaphore_handle_types[t];
        vkw_semaphore_caps *caps = &dev->semaphore_caps[t];
        if (!vkw_handle_family_native(ht->family)) {
            vkw_props_not_applicable(&caps->binary);
            vkw_props_not_applicable(&caps->timeline);
            continue;
        }
        if (vkw_props_skip_undefined(dev, ht, &caps->binary)) {
            caps->timeline = caps->binary;
            continue;
        }
        if (!ctx->fn.vkGetPhysicalDeviceExternalSemaphoreProperties) {
            vkw_props_skipped(&caps->binary,
                              "neither Vulkan 1.1 nor VK_KHR_external_semaphore_capabilities");
            caps->timeline = caps->binary;
            continue;
        }
        VkExternalSemaphoreHandleTypeFlagBits type = (VkExternalSemaphoreHandleTypeFlagBits)ht->bit;
        query(ctx, type, NULL, &caps->binary);
        vkw_props_check(dev, "binary semaphore", ht->name, ht->bit, &caps->binary);
        if (!dev->timeline_semaphore) {
            vkw_props_skipped(&caps->timeline, "the device has no timeline semaphores");
            continue;
        }
        VkSemaphoreTypeCreateInfo tl = {
            .sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
            .semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
        };
        query(ctx, type, &tl, &caps->timeline);
        vkw_props_check(dev, "timeline semaphore", ht->name, ht->bit, &caps->timeline);
    }
    return VKW_OK;
}

const vkw_probe vkw_probe_semaphore = {"semaphore", run};
