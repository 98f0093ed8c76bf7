/* Probe: external memory for images, for each memory handle type and a
 * representative set of formats, tilings and usages
 * (vkGetPhysicalDeviceImageFormatProperties2 + VkPhysicalDeviceExternalImageFormatInfo). */
#include "probe.h"

#define COPY (VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT)

const vkw_image_case vkw_image_cases[VKW_IMAGE_CASE_COUNT] = {
    {"rgba8_texture", VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TILING_OPTIMAL,
     VK_IMAGE_USAGE_SAMPLED_BIT | COPY},
    {"rgba8_render_target", VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TILING_OPTIMAL,
     VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_SAMPLED_BIT},
    {"rgba8_linear", VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TILING_LINEAR, COPY},
    {"bgra8_present", VK_FORMAT_B8G8R8A8_UNORM, VK_IMAGE_TILING_OPTIMAL,
     VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_SAMPLED_BIT | COPY},
    {"rgba16f_storage", VK_FORMAT_R16G16B16A16_SFLOAT, VK_IMAGE_TILING_OPTIMAL,
     VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_SAMPLED_BIT | COPY},
    {"r32f_compute", VK_FORMAT_R32_SFLOAT, VK_IMAGE_TILING_OPTIMAL,
     VK_IMAGE_USAGE_STORAGE_BIT | COPY},
    {"r32ui_linear_storage", VK_FORMAT_R32_UINT, VK_IMAGE_TILING_LINEAR,
     VK_IMAGE_USAGE_STORAGE_BIT | COPY},
    {"d32f_depth", VK_FORMAT_D32_SFLOAT, VK_IMAGE_TILING_OPTIMAL,
     VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_IMAGE_USAGE_SAMPLED_BIT},
};

static vkw_status run(const vkw_probe_ctx *ctx, vkw_device_report *dev, vkw_error *err)
{
    (void)err;
    for (size_t t = 0; t < VKW_MEMORY_HANDLE_TYPE_COUNT; t++) {
        const vkw_handle_type *ht = &vkw_memory_handle_types[t];
        for (size_t c = 0; c < VKW_IMAGE_CASE_COUNT; c++) {
            const vkw_image_case *ic = &vkw_image_cases[c];
            vkw_external_props *out = &dev->memory_caps[t].image[c];
            if (!vkw_handle_family_native(ht->family)) {
                vkw_props_not_applicable(out);
                continue;
            }
            VkPhysicalDeviceExternalImageFormatInfo ext_info = {
                .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_IMAGE_FORMAT_INFO,
                .handleType = (VkExternalMemoryHandleTypeFlagBits)ht->bit,
            };
            VkPhysicalDeviceImageFormatInfo2 info = {
                .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2,
                .pNext = &ext_info,
                .format = ic->format,
                .type = VK_IMAGE_TYPE_2D,
                .tiling = ic->tiling,
                .usage = ic->usage,
            };
            VkExternalImageFormatProperties ext_props = {
                .sType = VK_STRUCTURE_TYPE_EXTERNAL_IMAGE_FORMAT_PROPERTIES,
            };
            VkImageFormatProperties2 props = {
                .sType = VK_STRUCTURE_TYPE_IMAGE_FORMAT_PROPERTIES_2,
                .pNext = &ext_props,
            };
            VkResult r =
                ctx->inst->vkGetPhysicalDeviceImageFormatProperties2(ctx->pd, &info, &props);
            if (r == VK_SUCCESS) {
                vkw_props_from_memory(&ext_props.externalMemoryProperties, out);
                vkw_props_check(dev, "image", ht->name, ht->bit, out);
            } else {
                /* FORMAT_NOT_SUPPORTED is the spec's "this combination and
                 * handle type do not go together", an answer, not a failure. */
                out->state = r == VK_ERROR_FORMAT_NOT_SUPPORTED ? VKW_QUERY_FORMAT_UNSUPPORTED
                                                                : VKW_QUERY_FAILED;
                out->result = r;
            }
        }
    }
    return VKW_OK;
}

const vkw_probe vkw_probe_memory_image = {"memory_image", run};
