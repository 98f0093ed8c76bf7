/* Vulkan values decoded to the names a person (or the spec's search box) knows. */
#ifndef VKW_NAMES_H
#define VKW_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vulkan/vulkan_core.h>

#include "platform/platform.h"

/* "1.3.230" (variant shown only when non-zero). */
const char *vkw_version_string(uint32_t v, char *buf, size_t len);
/* The driver version the way the vendor encodes it: NVIDIA 10.8.8.6 bits,
 * Intel on Windows 18.14 bits, everybody else VK_MAKE_API_VERSION. */
const char *vkw_driver_version_string(uint32_t vendor_id, uint32_t version, vkw_os os, char *buf,
                                      size_t len);
/* "6d657361-3232-2e33-2e36-000000000000" for 16 bytes; plain hex otherwise. */
const char *vkw_uuid_string(const uint8_t *bytes, size_t n, char *buf, size_t len);
/* A byte count as people write it: "64 KiB", "16 MiB", "1 GiB", else "1000 bytes". */
const char *vkw_size_string(uint64_t bytes, char *buf, size_t len);
/* A whole decimal number as written in an option or a config: ASCII digits
 * only (no blank, sign, "0x", fraction or exponent) and at most max. Every
 * number the tool reads from text goes through it or vkw_size_parse. */
bool vkw_uint_parse(const char *text, uint64_t max, uint64_t *out);
/* Parses "65536", "64K", "64KiB", "16M", "1G" (binary units) into bytes, from
 * 1 byte to 64 GiB; false when text is not such a size (the same digits as
 * vkw_uint_parse: no blank, sign or trailing junk). */
bool vkw_size_parse(const char *text, uint64_t *out);
#define VKW_SIZE_MAX (64ull << 30) /* the largest size vkw_size_parse takes */
/* Parses a UUID written with or without dashes; 0 on success. */
int vkw_uuid_parse(const char *text, uint8_t out[VK_UUID_SIZE]);

const char *vkw_vendor_name(uint32_t vendor_id); /* NULL when unknown */
const char *vkw_device_type_name(VkPhysicalDeviceType t);
const char *vkw_driver_id_name(VkDriverId id);
const char *vkw_format_name(VkFormat f);
const char *vkw_tiling_name(VkImageTiling t);

/* Flag masks as "A|B|C" (hex for unknown bits, "none" for 0). Return buf. */
const char *vkw_queue_flags_names(VkQueueFlags f, const char *sep, char *buf, size_t len);
const char *vkw_memory_property_names(VkMemoryPropertyFlags f, const char *sep, char *buf,
                                      size_t len);
const char *vkw_memory_heap_names(VkMemoryHeapFlags f, const char *sep, char *buf, size_t len);

/* Iterates the names of the bits set in a mask of one of the kinds above:
 * returns the name of the lowest set bit and clears it from *mask, NULL at 0. */
typedef enum vkw_flag_kind {
    VKW_FLAGS_QUEUE,
    VKW_FLAGS_MEMORY_PROPERTY,
    VKW_FLAGS_MEMORY_HEAP
} vkw_flag_kind;
const char *vkw_next_flag_name(vkw_flag_kind kind, uint32_t *mask, char *scratch, size_t len);

#endif
