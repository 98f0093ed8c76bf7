/* Probe: external memory for buffers, for each memory handle type and a few
 * representative usages (vkGetPhysicalDeviceExternalBufferProperties). */
#include "probe.h"

const vkw_buffer_case vkw_buffer_cases[VKW_BUFFER_CASE_COUNT] = {
    {"transfer", VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT},
    {"storage", VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                    VK_BUFFER_USAGE_TRANSFER_DST_BIT},
    {"uniform", VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT},
    {"vertex_index", VK_BUFFER_USAGE_VERTEX_BUFFER_BIT | VK_BUFFER_USAGE_INDEX_BUFFER_BIT |
                         VK_BUFFER_USAGE_TRANSFER_DST_BIT},
};

static vkw_status run(const vkw_probe_ctx *ctx, vkw_device_report *dev, vkw_error *err)
{
    (void)err;
    for (size_t t = 0; t < VKW_MEMORY_HANDLE_TYPE_COUNT; t++) {
        const vkw_handle_type *ht = &vkw_memory_handle_types[t];
        for (size_t c = 0; c < VKW_BUFFER_CASE_COUNT; c++) {
            vkw_external_props *out = &dev->memory_caps[t].buffer[c];
            if (!vkw_handle_family_native(ht->family)) {
                vkw_props_not_applicable(out);
                continue;
            }
            if (vkw_props_skip_undefined(dev, ht, out))
                continue;
            if (!ctx->fn.vkGetPhysicalDeviceExternalBufferProperties) {
                vkw_props_skipped(out,
                                  "neither Vulkan 1.1 nor VK_KHR_external_memory_capabilities");
                continue;
            }
            VkPhysicalDeviceExternalBufferInfo info = {
                .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_BUFFER_INFO,
                .usage = vkw_buffer_cases[c].usage,
                .handleType = (VkExternalMemoryHandleTypeFlagBits)ht->bit,
            };
            VkExternalBufferProperties props = {
                .sType = VK_STRUCTURE_TYPE_EXTERNAL_BUFFER_PROPERTIES,
            };
            ctx->fn.vkGetPhysicalDeviceExternalBufferProperties(ctx->pd, &info, &props);
            vkw_props_from_memory(&props.externalMemoryProperties, out);
            vkw_props_check(dev, "buffer", ht->name, ht->bit, out);
        }
    }
    return VKW_OK;
}

const vkw_probe vkw_probe_memory_buffer = {"memory_buffer", run};
