/* --device INDEX|UUID|NAME-SUBSTRING: which physical devices a run uses. */
#ifndef VKW_DEVICE_FILTER_H
#define VKW_DEVICE_FILTER_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan_core.h>

#include "base/status.h"

typedef enum vkw_filter_kind {
    VKW_FILTER_ALL = 0,
    VKW_FILTER_INDEX, /* decimal digits only */
    VKW_FILTER_UUID,  /* 8 to 32 hex digits, dashes allowed: deviceUUID or its prefix */
    VKW_FILTER_NAME,  /* anything else: case-insensitive substring of the name */
} vkw_filter_kind;

typedef struct vkw_device_filter {
    vkw_filter_kind kind;
    uint32_t index;
    uint8_t uuid[VK_UUID_SIZE];
    uint8_t uuid_prefix_nibbles; /* UUID: how many leading hex digits count; 0: all 32 */
    char name[256];
    char text[256]; /* as given, for messages and reports */
} vkw_device_filter;

vkw_status vkw_device_filter_parse(const char *text, vkw_device_filter *out, vkw_error *err);
bool vkw_device_filter_match(const vkw_device_filter *f, uint32_t index, const char *name,
                             const uint8_t *device_uuid /* NULL: unknown */);

#endif
