/* Probe: external fences, for each fence handle type
 * (vkGetPhysicalDeviceExternalFenceProperties). */
#include "probe.h"

static vkw_status run(const vkw_probe_ctx *ctx, vkw_device_report *dev, vkw_error *err)
{
    (void)err;
    for (size_t t = 0; t < VKW_FENCE_HANDLE_TYPE_COUNT; t++) {
        const vkw_handle_type *ht = &vkw_fence_handle_types[t];
        vkw_external_props *out = &dev->fence_caps[t];
        if (!vkw_handle_family_native(ht->family)) {
            vkw_props_not_applicable(out);
            continue;
        }
        if (vkw_props_skip_undefined(dev, ht, out))
            continue;
        if (!ctx->fn.vkGetPhysicalDeviceExternalFenceProperties) {
            vkw_props_skipped(out, "neither Vulkan 1.1 nor VK_KHR_external_fence_capabilities");
            continue;
        }
        VkPhysicalDeviceExternalFenceInfo info = {
            .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_FENCE_INFO,
            .handleType = (VkExternalFenceHandleTypeFlagBits)ht->bit,
        };
        VkExternalFenceProperties props = {
            .sType = VK_STRUCTURE_TYPE_EXTERNAL_FENCE_PROPERTIES,
        };
        ctx->fn.vkGetPhysicalDeviceExternalFenceProperties(ctx->pd, &info, &props);
        vkw_props_from_sync(props.externalFenceFeatures, props.compatibleHandleTypes,
                            props.exportFromImportedHandleTypes, out);
        vkw_props_check(dev, "fence", ht->name, ht->bit, out);
    }
    return VKW_OK;
}

const vkw_probe vkw_probe_fence = {"fence", run};
