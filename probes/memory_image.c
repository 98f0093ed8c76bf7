/* Probe: external memory for images, for each memory handle type and a
 * representative set of formats, tilings and usages
 * (vkGetPhysicalDeviceImageFormatProperties2 + VkPhysicalDeviceExternalImageFormatInfo). */
#include "probe.h"

#define COPY (VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT)
/* DRM_FORMAT_MOD_LINEAR from drm_fourcc.h: the one modifier every DMA_BUF
 * producer and consumer understands. */
#define DRM_FORMAT_MOD_LINEAR 0u

const vkw_image_case vkw_image_cases[VKW_IMAGE_CASE_COUNT] = {
    {"rgba8_texture", VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TILING_OPTIMAL,
     VK_IMAGE_USAGE_SAMPLED_BIT | COPY, 0},
    {"rgba8_render_target", VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TILING_OPTIMAL,
     VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_SAMPLED_BIT, 0},
    {"rgba8_linear", VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TILING_LINEAR, COPY, 0},
    {"bgra8_present", VK_FORMAT_B8G8R8A8_UNORM, VK_IMAGE_TILING_OPTIMAL,
     VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_SAMPLED_BIT | COPY, 0},
    {"rgba16f_storage", VK_FORMAT_R16G16B16A16_SFLOAT, VK_IMAGE_TILING_OPTIMAL,
     VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_SAMPLED_BIT | COPY, 0},
    {"r32f_compute", VK_FORMAT_R32_SFLOAT, VK_IMAGE_TILING_OPTIMAL,
     VK_IMAGE_USAGE_STORAGE_BIT | COPY, 0},
    {"r32ui_linear_storage", VK_FORMAT_R32_UINT, VK_IMAGE_TILING_LINEAR,
     VK_IMAGE_USAGE_STORAGE_BIT | COPY, 0},
    {"d32f_depth", VK_FORMAT_D32_SFLOAT, VK_IMAGE_TILING_OPTIMAL,
     VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_IMAGE_USAGE_SAMPLED_BIT, 0},
    /* How DMA_BUF images are usually shared: an explicit modifier, not OPTIMAL. */
    {"rgba8_drm_linear", VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TILING_DRM_FORMAT_MODIFIER_EXT,
     VK_IMAGE_USAGE_SAMPLED_BIT | COPY, DRM_FORMAT_MOD_LINEAR},
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
            if (vkw_props_skip_undefined(dev, ht, out))
                continue;
            if (!ctx->fn.vkGetPhysicalDeviceImageFormatProperties2) {
                vkw_props_skipped(out,
                                  "neither Vulkan 1.1 nor VK_KHR_get_physical_device_properties2");
                continue;
            }
            bool drm = ic->tiling == VK_IMAGE_TILING_DRM_FORMAT_MODIFIER_EXT;
            if (drm && !vkw_device_has_extension(dev, "VK_EXT_image_drm_format_modifier")) {
                vkw_props_skipped(out,
                                  "the device does not offer VK_EXT_image_drm_format_modifier");
                continue;
            }
            /* Required exactly once when tiling is DRM_FORMAT_MODIFIER (VUID-
             * VkPhysicalDeviceImageFormatInfo2-tiling-02249), absent otherwise. */
            VkPhysicalDeviceImageDrmFormatModifierInfoEXT modifier = {
                .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_DRM_FORMAT_MODIFIER_INFO_EXT,
                .drmFormatModifier = ic->drm_format_modifier,
                .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
            };
            VkPhysicalDeviceExternalImageFormatInfo ext_info = {
                .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_IMAGE_FORMAT_INFO,
                .pNext = drm ? &modifier : NULL,
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
            VkResult r = ctx->fn.vkGetPhysicalDeviceImageFormatProperties2(ctx->pd, &info, &props);
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
