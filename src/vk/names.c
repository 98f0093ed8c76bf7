#include "names.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *vkw_version_string(uint32_t v, char *buf, size_t len)
{
    if (VK_API_VERSION_VARIANT(v))
        snprintf(buf, len, "%u.%u.%u (variant %u)", VK_API_VERSION_MAJOR(v),
                 VK_API_VERSION_MINOR(v), VK_API_VERSION_PATCH(v), VK_API_VERSION_VARIANT(v));
    else
        snprintf(buf, len, "%u.%u.%u", VK_API_VERSION_MAJOR(v), VK_API_VERSION_MINOR(v),
                 VK_API_VERSION_PATCH(v));
    return buf;
}

const char *vkw_driver_version_string(uint32_t vendor_id, uint32_t v, vkw_os os, char *buf,
                                      size_t len)
{
    if (vendor_id == 0x10DE) { /* NVIDIA: 10.8.8.6 bits, written as nvidia-smi does (580.159.04) */
        int n = snprintf(buf, len, "%u.%u.%02u", (v >> 22) & 0x3ffu, (v >> 14) & 0xffu,
                         (v >> 6) & 0xffu);
        if ((v & 0x3fu) && n > 0 && (size_t)n < len)
            snprintf(buf + n, len - (size_t)n, ".%u", v & 0x3fu);
    } else if (vendor_id == 0x8086 && os == VKW_OS_WINDOWS) /* Intel on Windows: 18.14 */
        snprintf(buf, len, "%u.%u", v >> 14, v & 0x3fffu);
    else
        vkw_version_string(v, buf, len);
    return buf;
}

const char *vkw_uuid_string(const uint8_t *b, size_t n, char *buf, size_t len)
{
    size_t used = 0;
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < n && used + 3 < len; i++) {
        bool dash = n == 16 && (i == 4 || i == 6 || i == 8 || i == 10);
        int w = snprintf(buf + used, len - used, "%s%02x", dash ? "-" : "", b[i]);
        if (w > 0)
            used += (size_t)w;
    }
    return buf;
}

int vkw_uuid_parse(const char *text, uint8_t out[VK_UUID_SIZE])
{
    size_t nibbles = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '-')
            continue;
        if (!isxdigit((unsigned char)*p) || nibbles >= 2 * VK_UUID_SIZE)
            return -1;
        int v = isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10;
        if (nibbles % 2 == 0)
            out[nibbles / 2] = (uint8_t)(v << 4);
        else
            out[nibbles / 2] |= (uint8_t)v;
        nibbles++;
    }
    return nibbles == 2 * VK_UUID_SIZE ? 0 : -1;
}

/* The leading ASCII digits of text as a number: false when there is none or
 * it does not fit 64 bits. No blank, sign or base prefix is skipped: " -1"
 * is not a number (strtoull would read it as 2^64 - 1, and "-18446744073709551615"
 * as 1). */
static bool leading_digits(const char *text, uint64_t *out, const char **end)
{
    uint64_t v = 0;
    const char *p = text;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    *end = p;
    return p != text;
}

bool vkw_uint_parse(const char *text, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    const char *end = NULL;
    if (!text || !leading_digits(text, &v, &end) || *end || v > max)
        return false;
    *out = v;
    return true;
}

bool vkw_size_parse(const char *text, uint64_t *out)
{
    uint64_t v = 0;
    const char *end = NULL;
    if (!text || !leading_digits(text, &v, &end))
        return false;
    unsigned shift = 0;
    if (*end) {
        char u = (char)(*end >= 'a' && *end <= 'z' ? *end - 32 : *end);
        shift = u == 'K' ? 10 : u == 'M' ? 20 : u == 'G' ? 30 : 64;
        const char *rest = end + 1;
        if (shift == 64 ||
            (strcmp(rest, "") != 0 && strcmp(rest, "iB") != 0 && strcmp(rest, "B") != 0))
            return false;
    }
    if (v == 0 || v > (UINT64_MAX >> shift) || (v << shift) > VKW_SIZE_MAX)
        return false;
    *out = v << shift;
    return true;
}

const char *vkw_vendor_name(uint32_t id)
{
    switch (id) {
    case 0x1002: return "AMD";
    case 0x1010: return "ImgTec";
    case 0x106B: return "Apple";
    case 0x10DE: return "NVIDIA";
    case 0x13B5: return "ARM";
    case 0x1414: return "Microsoft";
    case 0x14E4: return "Broadcom";
    case 0x5143: return "Qualcomm";
    case 0x8086: return "Intel";
    case VK_VENDOR_ID_VIV: return "Vivante";
    case VK_VENDOR_ID_VSI: return "VeriSilicon";
    case VK_VENDOR_ID_KAZAN: return "Kazan";
    case VK_VENDOR_ID_CODEPLAY: return "Codeplay";
    case VK_VENDOR_ID_MESA: return "Mesa";
    case VK_VENDOR_ID_POCL: return "PoCL";
    }
    return NULL;
}

const char *vkw_device_type_name(VkPhysicalDeviceType t)
{
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_OTHER: return "OTHER";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "INTEGRATED_GPU";
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "DISCRETE_GPU";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "VIRTUAL_GPU";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "CPU";
    default: return "UNKNOWN";
    }
}

const char *vkw_driver_id_name(VkDriverId id)
{
    switch (id) {
        /* clang-format off */
#define D(x) \
    case VK_DRIVER_ID_##x: return #x;
        D(AMD_PROPRIETARY)
        D(AMD_OPEN_SOURCE)
        D(MESA_RADV)
        D(NVIDIA_PROPRIETARY)
        D(INTEL_PROPRIETARY_WINDOWS)
        D(INTEL_OPEN_SOURCE_MESA)
        D(IMAGINATION_PROPRIETARY)
        D(QUALCOMM_PROPRIETARY)
        D(ARM_PROPRIETARY)
        D(GOOGLE_SWIFTSHADER)
        D(GGP_PROPRIETARY)
        D(BROADCOM_PROPRIETARY)
        D(MESA_LLVMPIPE)
        D(MOLTENVK)
        D(COREAVI_PROPRIETARY)
        D(JUICE_PROPRIETARY)
        D(VERISILICON_PROPRIETARY)
        D(MESA_TURNIP)
        D(MESA_V3DV)
        D(MESA_PANVK)
        D(SAMSUNG_PROPRIETARY)
        D(MESA_VENUS)
        D(MESA_DOZEN)
        D(MESA_NVK)
        D(IMAGINATION_OPEN_SOURCE_MESA)
#undef D
        /* clang-format on */
    default: return "UNKNOWN";
    }
}

const char *vkw_format_name(VkFormat f)
{
    switch (f) {
        /* clang-format off */
#define F(x) \
    case VK_FORMAT_##x: return #x;
        F(R8G8B8A8_UNORM)
        F(B8G8R8A8_UNORM)
        F(R8G8B8A8_SRGB)
        F(R16G16B16A16_SFLOAT)
        F(R32_SFLOAT)
        F(R32_UINT)
        F(D32_SFLOAT)
        F(D24_UNORM_S8_UINT)
        F(R10X6_UNORM_PACK16)
        F(G8_B8R8_2PLANE_420_UNORM)
#undef F
        /* clang-format on */
    default: return "OTHER_FORMAT";
    }
}

const char *vkw_tiling_name(VkImageTiling t)
{
    switch (t) {
    case VK_IMAGE_TILING_OPTIMAL: return "OPTIMAL";
    case VK_IMAGE_TILING_LINEAR: return "LINEAR";
    case VK_IMAGE_TILING_DRM_FORMAT_MODIFIER_EXT: return "DRM_FORMAT_MODIFIER";
    default: return "UNKNOWN";
    }
}

typedef struct flag_name {
    uint32_t bit;
    const char *name;
} flag_name;

static const flag_name queue_flags[] = {
    {VK_QUEUE_GRAPHICS_BIT, "GRAPHICS"},
    {VK_QUEUE_COMPUTE_BIT, "COMPUTE"},
    {VK_QUEUE_TRANSFER_BIT, "TRANSFER"},
    {VK_QUEUE_SPARSE_BINDING_BIT, "SPARSE_BINDING"},
    {VK_QUEUE_PROTECTED_BIT, "PROTECTED"},
    {0x20 /* VK_QUEUE_VIDEO_DECODE_BIT_KHR */, "VIDEO_DECODE"},
    {0x40 /* VK_QUEUE_VIDEO_ENCODE_BIT_KHR */, "VIDEO_ENCODE"},
    {0x100 /* VK_QUEUE_OPTICAL_FLOW_BIT_NV */, "OPTICAL_FLOW"},
    {0, NULL},
};

static const flag_name memory_property_flags[] = {
    {VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, "DEVICE_LOCAL"},
    {VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT, "HOST_VISIBLE"},
    {VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, "HOST_COHERENT"},
    {VK_MEMORY_PROPERTY_HOST_CACHED_BIT, "HOST_CACHED"},
    {VK_MEMORY_PROPERTY_LAZILY_ALLOCATED_BIT, "LAZILY_ALLOCATED"},
    {VK_MEMORY_PROPERTY_PROTECTED_BIT, "PROTECTED"},
    {VK_MEMORY_PROPERTY_DEVICE_COHERENT_BIT_AMD, "DEVICE_COHERENT_AMD"},
    {VK_MEMORY_PROPERTY_DEVICE_UNCACHED_BIT_AMD, "DEVICE_UNCACHED_AMD"},
    {VK_MEMORY_PROPERTY_RDMA_CAPABLE_BIT_NV, "RDMA_CAPABLE_NV"},
    {0, NULL},
};

static const flag_name memory_heap_flags[] = {
    {VK_MEMORY_HEAP_DEVICE_LOCAL_BIT, "DEVICE_LOCAL"},
    {VK_MEMORY_HEAP_MULTI_INSTANCE_BIT, "MULTI_INSTANCE"},
    {0, NULL},
};

static const flag_name *flag_table(vkw_flag_kind kind)
{
    switch (kind) {
    case VKW_FLAGS_QUEUE: return queue_flags;
    case VKW_FLAGS_MEMORY_PROPERTY: return memory_property_flags;
    case VKW_FLAGS_MEMORY_HEAP: return memory_heap_flags;
    }
    return queue_flags;
}

const char *vkw_next_flag_name(vkw_flag_kind kind, uint32_t *mask, char *scratch, size_t len)
{
    if (*mask == 0)
        return NULL;
    uint32_t bit = *mask & (~*mask + 1u); /* lowest set bit */
    *mask &= ~bit;
    for (const flag_name *f = flag_table(kind); f->name; f++)
        if (f->bit == bit)
            return f->name;
    snprintf(scratch, len, "0x%x", bit);
    return scratch;
}

static const char *join_flags(vkw_flag_kind kind, uint32_t mask, const char *sep, char *buf,
                              size_t len)
{
    size_t used = 0;
    char scratch[16];
    const char *name;
    if (len == 0)
        return buf;
    if (mask == 0) {
        snprintf(buf, len, "none");
        return buf;
    }
    buf[0] = '\0';
    while ((name = vkw_next_flag_name(kind, &mask, scratch, sizeof scratch))) {
        int n = snprintf(buf + used, len - used, "%s%s", used ? sep : "", name);
        if (n < 0 || (size_t)n >= len - used)
            break; /* full: keep what fits */
        used += (size_t)n;
    }
    return buf;
}

const char *vkw_queue_flags_names(VkQueueFlags f, const char *sep, char *buf, size_t len)
{
    return join_flags(VKW_FLAGS_QUEUE, f, sep, buf, len);
}

const char *vkw_memory_property_names(VkMemoryPropertyFlags f, const char *sep, char *buf,
                                      size_t len)
{
    return join_flags(VKW_FLAGS_MEMORY_PROPERTY, f, sep, buf, len);
}

const char *vkw_memory_heap_names(VkMemoryHeapFlags f, const char *sep, char *buf, size_t len)
{
    return join_flags(VKW_FLAGS_MEMORY_HEAP, f, sep, buf, len);
}

const char *vkw_size_string(uint64_t bytes, char *buf, size_t len)
{
    static const char *const unit[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    size_t u = 0;
    while (u + 1 < sizeof unit / sizeof unit[0] && bytes >= 1024 && bytes % 1024 == 0) {
        bytes /= 1024;
        u++;
    }
    snprintf(buf, len, "%llu %s", (unsigned long long)bytes, unit[u]);
    return buf;
}

/* Declared with the ping-pong in platform.h; the same names on every OS. */
const char *vkw_pingpong_kind_name(vkw_os_pingpong_kind k)
{
    switch (k) {
    case VKW_PINGPONG_FUTEX: return "futex";
    case VKW_PINGPONG_EVENTFD: return "eventfd";
    case VKW_PINGPONG_PIPE: return "pipe";
    case VKW_PINGPONG_EVENT: return "event";
    case VKW_PINGPONG_KIND_COUNT: break;
    }
    return "unknown";
}
