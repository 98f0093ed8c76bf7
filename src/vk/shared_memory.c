#include "shared_memory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "external.h"
#include "host_pattern.h"
#include "names.h"

#define SHARED_USAGE_BUFFER (VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT)
#define SHARED_USAGE_IMAGE (VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT)
/* The device's pattern reaches a buffer as a storage buffer; an image through
 * a device buffer and copies (the transfer usages above). */
#define DEVICE_PATTERN_USAGE_BUFFER VK_BUFFER_USAGE_STORAGE_BUFFER_BIT
/* The device buffer of the device's pattern on an image: where the device is
 * its own memory (a discrete GPU) it is this large, so that a copy and a
 * check cover much at once; elsewhere (memory that is the host's) the ring's
 * size, so that the process's memory stays bounded. */
#define DEVICE_STAGING_BYTES ((uint64_t)256 << 20)

const char *vkw_resource_name(vkw_resource r)
{
    return r == VKW_RESOURCE_IMAGE ? "image" : "buffer";
}

const char *vkw_access_name(vkw_access a)
{
    return a == VKW_ACCESS_COPY ? "copy" : "map";
}

/* The 2D image of `size` bytes shared for an image scenario: a power-of-two
 * width no larger than the square root, so both sides compute the same one. */
static void image_extent(uint64_t size, uint32_t *w, uint32_t *h)
{
    uint64_t texels = size / VKW_SHARED_IMAGE_TEXEL;
    uint64_t width = 1;
    while ((width * 2) * (width * 2) <= texels)
        width *= 2;
    *w = (uint32_t)width;
    *h = (uint32_t)(texels / width);
}

static vkw_status create_resource(vkw_shared_memory *sm, vkw_error *err)
{
    vkw_device *dev = sm->dev;
    VkResult r;
    if (sm->desc.resource == VKW_RESOURCE_BUFFER) {
        VkExternalMemoryBufferCreateInfo ext = {
            .sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_BUFFER_CREATE_INFO,
            .handleTypes = sm->desc.handle_type,
        };
        VkBufferCreateInfo bci = {
            .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
            .pNext = sm->local ? NULL : &ext,
            .size = sm->desc.size,
            .usage = sm->desc.usage,
            .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
        };
        r = dev->vkCreateBuffer(dev->handle, &bci, NULL, &sm->buffer);
        if (r != VK_SUCCESS) {
            sm->buffer = VK_NULL_HANDLE;
            return vkw_fail_vk(err, r, "vkCreateBuffer", "%s buffer", sm->type->name);
        }
        return VKW_OK;
    }
    VkExternalMemoryImageCreateInfo ext = {
        .sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO,
        .handleTypes = sm->desc.handle_type,
    };
    VkImageCreateInfo ici = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
        .pNext = sm->local ? NULL : &ext,
        .imageType = VK_IMAGE_TYPE_2D,
        .format = VKW_SHARED_IMAGE_FORMAT,
        .extent = {sm->desc.image_width, sm->desc.image_height, 1},
        .mipLevels = 1,
        .arrayLayers = 1,
        .samples = VK_SAMPLE_COUNT_1_BIT,
        .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = sm->desc.usage,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
        .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
    };
    r = dev->vkCreateImage(dev->handle, &ici, NULL, &sm->image);
    if (r != VK_SUCCESS) {
        sm->image = VK_NULL_HANDLE;
        return vkw_fail_vk(err, r, "vkCreateImage", "%s %ux%u image", sm->type->name,
                           sm->desc.image_width, sm->desc.image_height);
    }
    return VKW_OK;
}

static void requirements(const vkw_shared_memory *sm, VkMemoryRequirements *reqs,
                         VkMemoryDedicatedRequirements *ded)
{
    vkw_device *dev = sm->dev;
    *ded =
        (VkMemoryDedicatedRequirements){.sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_REQUIREMENTS};
    VkMemoryRequirements2 r2 = {.sType = VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2, .pNext = ded};
    if (sm->buffer) {
        VkBufferMemoryRequirementsInfo2 info = {
            .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_REQUIREMENTS_INFO_2,
            .buffer = sm->buffer,
        };
        dev->vkGetBufferMemoryRequirements2(dev->handle, &info, &r2);
    } else {
        VkImageMemoryRequirementsInfo2 info = {
            .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_REQUIREMENTS_INFO_2,
            .image = sm->image,
        };
        dev->vkGetImageMemoryRequirements2(dev->handle, &info, &r2);
    }
    *reqs = r2.memoryRequirements;
}

/* What the driver says of this exact use: exportable (where export_too),
 * importable, dedicated. */
static vkw_status check_external_support(vkw_shared_memory *sm, bool export_too, vkw_error *err)
{
    const vkw_instance *inst = sm->dev->inst;
    vkw_pd11_table fn;
    vkw_instance_pd11_table(inst, sm->dev->info.api_version, &fn);
    VkExternalMemoryProperties props;
    const char *what = vkw_resource_name((vkw_resource)sm->desc.resource);
    if (sm->desc.resource == VKW_RESOURCE_BUFFER) {
        VkPhysicalDeviceExternalBufferInfo info = {
            .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_BUFFER_INFO,
            .usage = sm->desc.usage,
            .handleType = (VkExternalMemoryHandleTypeFlagBits)sm->desc.handle_type,
        };
        VkExternalBufferProperties out = {.sType = VK_STRUCTURE_TYPE_EXTERNAL_BUFFER_PROPERTIES};
        fn.vkGetPhysicalDeviceExternalBufferProperties(sm->dev->pd, &info, &out);
        props = out.externalMemoryProperties;
    } else {
        VkPhysicalDeviceExternalImageFormatInfo ext = {
            .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_IMAGE_FORMAT_INFO,
            .handleType = (VkExternalMemoryHandleTypeFlagBits)sm->desc.handle_type,
        };
        VkPhysicalDeviceImageFormatInfo2 info = {
            .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2,
            .pNext = &ext,
            .format = VKW_SHARED_IMAGE_FORMAT,
            .type = VK_IMAGE_TYPE_2D,
            .tiling = VK_IMAGE_TILING_OPTIMAL,
            .usage = sm->desc.usage,
        };
        VkExternalImageFormatProperties eout = {
            .sType = VK_STRUCTURE_TYPE_EXTERNAL_IMAGE_FORMAT_PROPERTIES,
        };
        VkImageFormatProperties2 out = {
            .sType = VK_STRUCTURE_TYPE_IMAGE_FORMAT_PROPERTIES_2,
            .pNext = &eout,
        };
        VkResult r = fn.vkGetPhysicalDeviceImageFormatProperties2(sm->dev->pd, &info, &out);
        if (r == VK_ERROR_FORMAT_NOT_SUPPORTED)
            return vkw_fail(err, VKW_E_UNSUPPORTED,
                            "the driver does not support %s images (R32_UINT, optimal, transfer) "
                            "with %s memory",
                            "2D", sm->type->name);
        if (r != VK_SUCCESS)
            return vkw_fail_vk(err, r, "vkGetPhysicalDeviceImageFormatProperties2", "%s image",
                               sm->type->name);
        VkExtent3D max = out.imageFormatProperties.maxExtent;
        if (sm->desc.image_width > max.width || sm->desc.image_height > max.height)
            return vkw_fail(err, VKW_E_UNSUPPORTED,
                            "a %ux%u image exceeds the driver's largest %ux%u for this format",
                            sm->desc.image_width, sm->desc.image_height, max.width, max.height);
        if (sm->desc.size > out.imageFormatProperties.maxResourceSize)
            return vkw_fail(err, VKW_E_UNSUPPORTED,
                            "the image exceeds the driver's maxResourceSize (%llu bytes)",
                            (unsigned long long)out.imageFormatProperties.maxResourceSize);
        props = eout.externalMemoryProperties;
    }
    VkExternalMemoryFeatureFlags f = props.externalMemoryFeatures;
    if ((export_too && !(f & VK_EXTERNAL_MEMORY_FEATURE_EXPORTABLE_BIT)) ||
        !(f & VK_EXTERNAL_MEMORY_FEATURE_IMPORTABLE_BIT))
        return vkw_fail(err, VKW_E_UNSUPPORTED, "the driver says %s memory of %ss is not %s",
                        sm->type->name, what,
                        export_too && !(f & VK_EXTERNAL_MEMORY_FEATURE_EXPORTABLE_BIT)
                            ? "exportable"
                            : "importable");
    sm->desc.dedicated_required = (f & VK_EXTERNAL_MEMORY_FEATURE_DEDICATED_ONLY_BIT) != 0;
    return VKW_OK;
}

/* A memory type among `bits` fit for the access: host-visible (coherent and
 * cached preferred) to map; device-local (not host-visible preferred) to copy. */
static int choose_memory_type(const VkPhysicalDeviceMemoryProperties *mp, uint32_t bits,
                              vkw_access access)
{
    int best = -1, best_score = -1;
    for (uint32_t i = 0; i < mp->memoryTypeCount; i++) {
        VkMemoryPropertyFlags f = mp->memoryTypes[i].propertyFlags;
        /* Types that need a feature this tool does not enable, or that no
         * sharing use wants. */
        const VkMemoryPropertyFlags never =
            VK_MEMORY_PROPERTY_PROTECTED_BIT | VK_MEMORY_PROPERTY_LAZILY_ALLOCATED_BIT |
            VK_MEMORY_PROPERTY_DEVICE_COHERENT_BIT_AMD | VK_MEMORY_PROPERTY_DEVICE_UNCACHED_BIT_AMD;
        if (!(bits & (1u << i)) || (f & never))
            continue;
        int score;
        if (access == VKW_ACCESS_MAP) {
            if (!(f & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT))
                continue;
            score = ((f & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) ? 2 : 0) +
                    ((f & VK_MEMORY_PROPERTY_HOST_CACHED_BIT) ? 1 : 0);
        } else {
            score = ((f & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) ? 2 : 0) +
                    ((f & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) ? 0 : 1);
        }
        if (score > best_score) {
            best = (int)i;
            best_score = score;
        }
    }
    return best;
}

static vkw_status allocate_and_bind(vkw_shared_memory *sm, const void *chain, const char *what,
                                    vkw_error *err)
{
    vkw_device *dev = sm->dev;
    VkMemoryDedicatedAllocateInfo ded = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO,
        .pNext = chain,
        .image = sm->image,
        .buffer = sm->buffer,
    };
    VkMemoryAllocateInfo mai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .pNext = sm->desc.dedicated ? (const void *)&ded : chain,
        .allocationSize = sm->desc.allocation_size,
        .memoryTypeIndex = sm->desc.memory_type_index,
    };
    VkResult r = dev->vkAllocateMemory(dev->handle, &mai, NULL, &sm->memory);
    if (r != VK_SUCCESS) {
        sm->memory = VK_NULL_HANDLE;
        return vkw_fail_vk(err, r, "vkAllocateMemory", "%s %s memory, %llu bytes, type %u%s", what,
                           sm->type->name, (unsigned long long)sm->desc.allocation_size,
                           sm->desc.memory_type_index, sm->desc.dedicated ? ", dedicated" : "");
    }
    r = sm->buffer ? dev->vkBindBufferMemory(dev->handle, sm->buffer, sm->memory, 0)
                   : dev->vkBindImageMemory(dev->handle, sm->image, sm->memory, 0);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, sm->buffer ? "vkBindBufferMemory" : "vkBindImageMemory",
                           "%s memory", sm->type->name);
    sm->memory_flags = dev->info.memory.memoryTypes[sm->desc.memory_type_index].propertyFlags;
    return VKW_OK;
}

static void init_desc(vkw_shared_memory *sm, vkw_device *dev, const vkw_handle_type *t)
{
    memset(sm, 0, sizeof *sm);
    sm->dev = dev;
    sm->type = t;
    sm->layout = VK_IMAGE_LAYOUT_UNDEFINED;
}

vkw_status vkw_shared_memory_create(vkw_device *dev, const vkw_handle_type *t, vkw_resource res,
                                    vkw_access access, uint64_t size, bool device_pattern,
                                    const char *nt_name, vkw_shared_memory *out, vkw_error *err)
{
    char sz[32];
    init_desc(out, dev, t);
    out->desc.handle_type = t->bit;
    out->desc.resource = res;
    out->desc.access = access;
    out->desc.size = size;
    out->desc.usage = res == VKW_RESOURCE_IMAGE ? SHARED_USAGE_IMAGE
                      : device_pattern          ? SHARED_USAGE_BUFFER | DEVICE_PATTERN_USAGE_BUFFER
                                                : SHARED_USAGE_BUFFER;
    /* Sizes no heap can hold are skipped before the driver is asked. */
    VkDeviceSize largest = 0;
    for (uint32_t h = 0; h < dev->info.memory.memoryHeapCount; h++)
        if (dev->info.memory.memoryHeaps[h].size > largest)
            largest = dev->info.memory.memoryHeaps[h].size;
    if (size > largest) {
        char hs[32];
        return vkw_fail(err, VKW_E_UNSUPPORTED, "%s is larger than the largest memory heap (%s)",
                        vkw_size_string(size, sz, sizeof sz),
                        vkw_size_string(largest, hs, sizeof hs));
    }
    if (res == VKW_RESOURCE_IMAGE) {
        if (access == VKW_ACCESS_MAP)
            return vkw_fail(err, VKW_E_INVALID_ARG,
                            "optimal-tiling images are verified by copy, not by mapping");
        image_extent(size, &out->desc.image_width, &out->desc.image_height);
        uint32_t maxdim = dev->info.limits.maxImageDimension2D;
        if (out->desc.image_width > maxdim || out->desc.image_height > maxdim ||
            !out->desc.image_height)
            return vkw_fail(
                err, VKW_E_UNSUPPORTED,
                "%s is no 2D image this device can make (%ux%u, maxImageDimension2D %u)",
                vkw_size_string(size, sz, sizeof sz), out->desc.image_width, out->desc.image_height,
                maxdim);
        out->desc.size =
            (uint64_t)out->desc.image_width * out->desc.image_height * VKW_SHARED_IMAGE_TEXEL;
    }
    vkw_status s = check_external_support(out, true, err);
    if (s != VKW_OK)
        goto cleanup;
    s = create_resource(out, err);
    if (s == VKW_E_VULKAN && (err->vk_result == VK_ERROR_OUT_OF_DEVICE_MEMORY ||
                              err->vk_result == VK_ERROR_OUT_OF_HOST_MEMORY))
        s = vkw_fail(err, VKW_E_UNSUPPORTED, "the driver cannot make a %s %s: %s",
                     vkw_size_string(size, sz, sizeof sz), vkw_resource_name(res),
                     vkw_result_name(err->vk_result));
    if (s != VKW_OK)
        goto cleanup;

    VkMemoryRequirements reqs;
    VkMemoryDedicatedRequirements ded;
    requirements(out, &reqs, &ded);
    out->desc.dedicated_required |= ded.requiresDedicatedAllocation;
    /* Exported images always get their own allocation: what importers (and
     * other APIs) expect, and what most drivers prefer. */
    out->desc.dedicated =
        out->desc.dedicated_required || ded.prefersDedicatedAllocation || res == VKW_RESOURCE_IMAGE;
    int type = choose_memory_type(&dev->info.memory, reqs.memoryTypeBits, access);
    if (type < 0) {
        s = vkw_fail(err, VKW_E_UNSUPPORTED,
                     "no %s memory type can back an exportable %s %s (memoryTypeBits 0x%x)",
                     access == VKW_ACCESS_MAP ? "host-visible" : "usable", t->name,
                     vkw_resource_name(res), reqs.memoryTypeBits);
        goto cleanup;
    }
    out->desc.memory_type_index = (uint32_t)type;
    out->desc.allocation_size = reqs.size;
    const VkMemoryType *mt = &dev->info.memory.memoryTypes[type];
    VkDeviceSize heap = dev->info.memory.memoryHeaps[mt->heapIndex].size;
    if (reqs.size > heap) {
        char hs[32];
        s = vkw_fail(err, VKW_E_UNSUPPORTED, "%s does not fit memory heap %u (%s)",
                     vkw_size_string(size, sz, sizeof sz), mt->heapIndex,
                     vkw_size_string(heap, hs, sizeof hs));
        goto cleanup;
    }
    if (dev->info.max_allocation_size && reqs.size > dev->info.max_allocation_size) {
        char ms[32];
        s = vkw_fail(err, VKW_E_UNSUPPORTED, "%s exceeds maxMemoryAllocationSize (%s)",
                     vkw_size_string(size, sz, sizeof sz),
                     vkw_size_string(dev->info.max_allocation_size, ms, sizeof ms));
        goto cleanup;
    }

    vkw_chain_storage st;
    VkExportMemoryAllocateInfo export_info = {
        .sType = VK_STRUCTURE_TYPE_EXPORT_MEMORY_ALLOCATE_INFO,
        .pNext = vkw_memory_export_chain(&st, t, nt_name, NULL),
        .handleTypes = t->bit,
    };
    s = allocate_and_bind(out, &export_info, "exportable", err);
    if (s == VKW_E_VULKAN && !out->memory &&
        (err->vk_result == VK_ERROR_OUT_OF_DEVICE_MEMORY ||
         err->vk_result == VK_ERROR_OUT_OF_HOST_MEMORY))
        s = vkw_fail(err, VKW_E_UNSUPPORTED, "the driver could not allocate %s: %s",
                     vkw_size_string(size, sz, sizeof sz), vkw_result_name(err->vk_result));
    if (s != VKW_OK)
        goto cleanup;
    return VKW_OK;

cleanup:
    vkw_shared_memory_destroy(out);
    return s;
}

void vkw_shared_image_extent(uint64_t size, uint32_t *width, uint32_t *height)
{
    image_extent(size, width, height);
}

vkw_status vkw_shared_memory_describe_foreign(vkw_device *dev, const vkw_handle_type *t,
                                              vkw_resource res, uint64_t size, bool device_pattern,
                                              vkw_memory_desc *desc, vkw_error *err)
{
    vkw_shared_memory sm;
    init_desc(&sm, dev, t);
    sm.desc.handle_type = t->bit;
    sm.desc.resource = res;
    sm.desc.access = VKW_ACCESS_COPY;
    sm.desc.size = size;
    sm.desc.usage = res == VKW_RESOURCE_IMAGE ? SHARED_USAGE_IMAGE
                    : device_pattern          ? SHARED_USAGE_BUFFER | DEVICE_PATTERN_USAGE_BUFFER
                                              : SHARED_USAGE_BUFFER;
    if (res == VKW_RESOURCE_IMAGE) {
        image_extent(size, &sm.desc.image_width, &sm.desc.image_height);
        sm.desc.size =
            (uint64_t)sm.desc.image_width * sm.desc.image_height * VKW_SHARED_IMAGE_TEXEL;
    }
    vkw_status s = check_external_support(&sm, false, err);
    if (s == VKW_OK)
        s = create_resource(&sm, err);
    if (s != VKW_OK)
        goto cleanup;
    VkMemoryRequirements reqs;
    VkMemoryDedicatedRequirements ded;
    requirements(&sm, &reqs, &ded);
    sm.desc.dedicated_required |= ded.requiresDedicatedAllocation;
    /* A heap is imported whole, under a buffer bound at its start; a
     * resource or texture has its own allocation. */
    bool heap = t->bit == VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D12_HEAP_BIT;
    if (heap && sm.desc.dedicated_required) {
        s = vkw_fail(err, VKW_E_UNSUPPORTED,
                     "the driver wants D3D12_HEAP memory in a dedicated allocation, and a heap is "
                     "imported whole, under a buffer at its start");
        goto cleanup;
    }
    sm.desc.dedicated = !heap;
    sm.desc.allocation_size = heap ? (size + 0xFFFFu) & ~(uint64_t)0xFFFFu : reqs.size;
    int type = choose_memory_type(&dev->info.memory, reqs.memoryTypeBits, VKW_ACCESS_COPY);
    if (type < 0) {
        s = vkw_fail(err, VKW_E_UNSUPPORTED,
                     "no memory type can back a %s %s (memoryTypeBits 0x%x)", t->name,
                     vkw_resource_name(res), reqs.memoryTypeBits);
        goto cleanup;
    }
    sm.desc.memory_type_index = (uint32_t)type;
    *desc = sm.desc;

cleanup:
    vkw_shared_memory_destroy(&sm);
    return s;
}

vkw_status vkw_shared_memory_export(vkw_shared_memory *sm, vkw_handle *out, vkw_error *err)
{
    *out = VKW_NO_HANDLE;
    /* VkMemoryGetWin32HandleInfoKHR: an NT handle at most once per memory and
     * handle type. Held for every type, so the two families behave alike. */
    if (sm->exported)
        return vkw_fail(err, VKW_E_INVALID_ARG, "%s memory was already exported once",
                        sm->type->name);
    vkw_status s = vkw_memory_export(sm->dev, sm->memory, sm->type, out, err);
    if (s == VKW_OK)
        sm->exported = true;
    return s;
}

vkw_status vkw_shared_memory_import(vkw_device *dev, const vkw_handle_type *t,
                                    const vkw_memory_desc *desc, vkw_handle *handle,
                                    const char *nt_name, vkw_shared_memory *out, vkw_error *err)
{
    init_desc(out, dev, t);
    out->desc = *desc;
    if (desc->memory_type_index >= dev->info.memory.memoryTypeCount)
        return vkw_fail(err, VKW_E_PROTOCOL, "memory type %u does not exist here (%u types)",
                        desc->memory_type_index, dev->info.memory.memoryTypeCount);
    vkw_status s = create_resource(out, err);
    if (s != VKW_OK)
        goto cleanup;
    VkMemoryRequirements reqs;
    VkMemoryDedicatedRequirements ded;
    requirements(out, &reqs, &ded);
    uint32_t bits = ~0u; /* by name: no handle here to ask about, so the exporter's type */
    bool queried = false;
    if (!nt_name || !nt_name[0])
        s = vkw_memory_handle_type_bits(dev, t, *handle, &bits, &queried, err);
    if (s != VKW_OK)
        goto cleanup;
    uint32_t usable = bits & reqs.memoryTypeBits;
    if (!(usable & (1u << desc->memory_type_index))) {
        /* Types that are queried (DMA_BUF, D3D*) may import as another type. */
        int type =
            queried ? choose_memory_type(&dev->info.memory, usable, (vkw_access)desc->access) : -1;
        if (type < 0) {
            s = vkw_fail(err, VKW_E_SHARING,
                         "the importer cannot use memory type %u (resource types 0x%x, handle "
                         "types 0x%x)",
                         desc->memory_type_index, reqs.memoryTypeBits, bits);
            goto cleanup;
        }
        out->desc.memory_type_index = (uint32_t)type;
    }
    /* A dedicated allocation's size is its resource's (VUID-VkMemoryDedicatedAllocateInfo
     * -buffer-01435, -image-01433); any other must at least hold it. */
    if (desc->dedicated ? reqs.size != desc->allocation_size : reqs.size > desc->allocation_size) {
        s = vkw_fail(err, VKW_E_SHARING,
                     "the importer's %s needs %llu bytes, the exported allocation has %llu",
                     vkw_resource_name((vkw_resource)desc->resource), (unsigned long long)reqs.size,
                     (unsigned long long)desc->allocation_size);
        goto cleanup;
    }
    vkw_chain_storage st;
    s = allocate_and_bind(out, vkw_memory_import_chain(&st, t, *handle, nt_name, NULL), "importing",
                          err);
    /* The allocation consumed the fd, even if binding failed afterwards. */
    if (out->memory && vkw_import_takes_ownership)
        *handle = VKW_NO_HANDLE;
    if (s != VKW_OK)
        goto cleanup;
    /* The exporter released the payload to VK_QUEUE_FAMILY_EXTERNAL. */
    out->external_owned = true;
    out->imported = true;
    out->layout = VK_IMAGE_LAYOUT_GENERAL;
    return VKW_OK;

cleanup:
    vkw_shared_memory_destroy(out);
    return s;
}

vkw_status vkw_shared_memory_create_local(vkw_device *dev, const vkw_handle_type *t,
                                          const vkw_memory_desc *desc, vkw_shared_memory *out,
                                          vkw_error *err)
{
    init_desc(out, dev, t);
    out->desc = *desc;
    out->local = true;
    vkw_status s = create_resource(out, err);
    if (s != VKW_OK)
        goto cleanup;
    VkMemoryRequirements reqs;
    VkMemoryDedicatedRequirements ded;
    requirements(out, &reqs, &ded);
    if (!(reqs.memoryTypeBits & (1u << desc->memory_type_index)) ||
        desc->memory_type_index >= dev->info.memory.memoryTypeCount) {
        s = vkw_fail(err, VKW_E_UNSUPPORTED,
                     "memory type %u cannot back a %s of this process's own (memoryTypeBits "
                     "0x%x): nothing local to compare with",
                     desc->memory_type_index, vkw_resource_name((vkw_resource)desc->resource),
                     reqs.memoryTypeBits);
        goto cleanup;
    }
    /* Dedicated where the shared one is, so that the two differ only in
     * where they came from. */
    out->desc.allocation_size = reqs.size;
    out->desc.dedicated = desc->dedicated || ded.requiresDedicatedAllocation;
    s = allocate_and_bind(out, NULL, "local", err);
    if (s != VKW_OK)
        goto cleanup;
    return VKW_OK;

cleanup:
    vkw_shared_memory_destroy(out);
    return s;
}

static vkw_status ensure_mapped(vkw_shared_memory *sm, vkw_error *err)
{
    if (sm->map)
        return VKW_OK;
    VkResult r = sm->dev->vkMapMemory(sm->dev->handle, sm->memory, 0, VK_WHOLE_SIZE, 0, &sm->map);
    if (r != VK_SUCCESS) {
        sm->map = NULL;
        return vkw_fail_vk(err, r, "vkMapMemory", "%s memory", sm->type->name);
    }
    return VKW_OK;
}

/* The bytes of the shared resource one ring load covers: the ring's size,
 * whole rows for an image (at least one), at most the resource. */
static uint64_t chunk_bytes(const vkw_shared_memory *sm, uint64_t ring)
{
    uint64_t size = sm->desc.size;
    uint64_t c = ring ? ring : VKW_STAGING_RING_BYTES;
    if (sm->desc.resource == VKW_RESOURCE_IMAGE) {
        uint64_t row = (uint64_t)sm->desc.image_width * VKW_SHARED_IMAGE_TEXEL;
        c = c < row ? row : c / row * row;
    }
    return c < size ? c : size;
}

/* A buffer of this process's own: host-visible and mapped (the staging ring,
 * access MAP) or device-local (the device's pattern on an image, access
 * COPY). Its handles go to *buf and *mem as soon as they exist, so that
 * vkw_shared_memory_destroy frees them whatever fails. */
static vkw_status create_buffer(vkw_shared_memory *sm, uint64_t bytes, VkBufferUsageFlags usage,
                                vkw_access access, const char *what, VkBuffer *buf,
                                VkDeviceMemory *mem, void **map, bool *coherent, vkw_error *err)
{
    vkw_device *dev = sm->dev;
    VkBufferCreateInfo bci = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .size = bytes,
        .usage = usage,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
    };
    VkResult r = dev->vkCreateBuffer(dev->handle, &bci, NULL, buf);
    if (r != VK_SUCCESS) {
        *buf = VK_NULL_HANDLE;
        return vkw_fail_vk(err, r, "vkCreateBuffer", "%s", what);
    }
    VkMemoryRequirements2 r2 = {.sType = VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2};
    VkBufferMemoryRequirementsInfo2 info = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_REQUIREMENTS_INFO_2,
        .buffer = *buf,
    };
    dev->vkGetBufferMemoryRequirements2(dev->handle, &info, &r2);
    int type = choose_memory_type(&dev->info.memory, r2.memoryRequirements.memoryTypeBits, access);
    if (type < 0)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "no %s memory for a %s",
                        access == VKW_ACCESS_MAP ? "host-visible" : "usable", what);
    VkMemoryAllocateInfo mai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .allocationSize = r2.memoryRequirements.size,
        .memoryTypeIndex = (uint32_t)type,
    };
    r = dev->vkAllocateMemory(dev->handle, &mai, NULL, mem);
    if (r != VK_SUCCESS) {
        *mem = VK_NULL_HANDLE;
        return vkw_fail_vk(err, r, "vkAllocateMemory", "%s, %llu bytes", what,
                           (unsigned long long)mai.allocationSize);
    }
    r = dev->vkBindBufferMemory(dev->handle, *buf, *mem, 0);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkBindBufferMemory", "%s", what);
    if (!map)
        return VKW_OK;
    r = dev->vkMapMemory(dev->handle, *mem, 0, VK_WHOLE_SIZE, 0, map);
    if (r != VK_SUCCESS) {
        *map = NULL;
        return vkw_fail_vk(err, r, "vkMapMemory", "%s", what);
    }
    *coherent = (dev->info.memory.memoryTypes[type].propertyFlags &
                 VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) != 0;
    return VKW_OK;
}

/* Whether the device has memory of its own that the host cannot see (a
 * discrete GPU's), where a larger device buffer costs the host nothing. */
static bool device_has_own_memory(const vkw_device *dev)
{
    for (uint32_t i = 0; i < dev->info.memory.memoryTypeCount; i++) {
        VkMemoryPropertyFlags f = dev->info.memory.memoryTypes[i].propertyFlags;
        if ((f & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) && !(f & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT))
            return true;
    }
    return false;
}

static vkw_status prepare_device(vkw_shared_memory *sm, uint64_t ring_bytes, vkw_error *err)
{
    if (sm->device_staging || sm->desc.resource != VKW_RESOURCE_IMAGE)
        return VKW_OK;
    sm->device_chunk =
        chunk_bytes(sm, device_has_own_memory(sm->dev) ? DEVICE_STAGING_BYTES : ring_bytes);
    return create_buffer(sm, sm->device_chunk,
                         VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                             VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                         VKW_ACCESS_COPY, "device buffer for the pattern", &sm->device_staging,
                         &sm->device_staging_memory, NULL, NULL, err);
}

static vkw_status touch(vkw_shared_memory *sm, uint64_t timeout_ns, vkw_error *err);
static vkw_status touch_buffer(vkw_shared_memory *sm, VkBuffer buf, uint64_t timeout_ns,
                               vkw_error *err);

vkw_status vkw_shared_memory_prepare(vkw_shared_memory *sm, uint64_t ring_bytes,
                                     const vkw_memory_method *how, uint64_t timeout_ns,
                                     vkw_error *err)
{
    vkw_status s = touch(sm, timeout_ns, err);
    if (s != VKW_OK)
        return s;
    bool fresh = !sm->device_staging;
    if (how->gpu && (s = prepare_device(sm, ring_bytes, err)) != VKW_OK)
        return s;
    if (fresh && sm->device_staging &&
        (s = touch_buffer(sm, sm->device_staging, timeout_ns, err)) != VKW_OK)
        return s;
    if (sm->scratch || (how->gpu && !how->host_check))
        return VKW_OK;
    if (sm->desc.access == VKW_ACCESS_MAP) {
        s = ensure_mapped(sm, err);
    } else {
        sm->chunk = chunk_bytes(sm, ring_bytes);
        s = create_buffer(sm, sm->chunk,
                          VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                          VKW_ACCESS_MAP, "staging buffer", &sm->staging, &sm->staging_memory,
                          &sm->staging_map, &sm->staging_coherent, err);
        if (s == VKW_OK)
            s = touch_buffer(sm, sm->staging, timeout_ns, err);
    }
    if (s != VKW_OK)
        return s;
    sm->scratch_len =
        VKW_PATTERN_CHUNK_BYTES < sm->desc.size ? VKW_PATTERN_CHUNK_BYTES : (size_t)sm->desc.size;
    sm->scratch = malloc(sm->scratch_len ? sm->scratch_len : 1);
    if (!sm->scratch)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory for a %llu-byte pattern chunk",
                        (unsigned long long)sm->scratch_len);
    return VKW_OK;
}

static VkResult flush_or_invalidate(const vkw_device *dev, VkDeviceMemory mem, bool flush)
{
    VkMappedMemoryRange range = {
        .sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
        .memory = mem,
        .size = VK_WHOLE_SIZE,
    };
    return flush ? dev->vkFlushMappedMemoryRanges(dev->handle, 1, &range)
                 : dev->vkInvalidateMappedMemoryRanges(dev->handle, 1, &range);
}

/* One copy of bytes [offset, offset + size) between the shared resource and
 * the staging ring, with the ownership and layout changes around it: the
 * first chunk acquires (and moves the image's layout), the last chunk of a
 * write releases. */
typedef struct copy_job {
    vkw_shared_memory *sm;
    VkBuffer via;   /* the staging ring, or the device buffer */
    bool to_shared; /* via -> shared (write), else shared -> via (read) */
    bool release;   /* the last chunk of a write that goes to the other process */
    uint64_t offset, size;
} copy_job;

static void barrier(const vkw_device *dev, VkCommandBuffer cmd, const vkw_shared_memory *sm,
                    uint32_t src_qf, uint32_t dst_qf, VkAccessFlags src_access,
                    VkAccessFlags dst_access, VkImageLayout old_layout, VkImageLayout new_layout,
                    VkPipelineStageFlags src_stage, VkPipelineStageFlags dst_stage)
{
    VkBufferMemoryBarrier bb = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
        .srcAccessMask = src_access,
        .dstAccessMask = dst_access,
        .srcQueueFamilyIndex = src_qf,
        .dstQueueFamilyIndex = dst_qf,
        .buffer = sm->buffer,
        .size = VK_WHOLE_SIZE,
    };
    VkImageMemoryBarrier ib = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
        .srcAccessMask = src_access,
        .dstAccessMask = dst_access,
        .oldLayout = old_layout,
        .newLayout = new_layout,
        .srcQueueFamilyIndex = src_qf,
        .dstQueueFamilyIndex = dst_qf,
        .image = sm->image,
        .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
    };
    dev->vkCmdPipelineBarrier(cmd, src_stage, dst_stage, 0, 0, NULL, sm->buffer ? 1 : 0, &bb,
                              sm->image ? 1 : 0, &ib);
}

static void record_touch(const vkw_device *dev, VkCommandBuffer cmd, void *user)
{
    vkw_shared_memory *sm = user;
    if (sm->buffer) {
        dev->vkCmdFillBuffer(cmd, sm->buffer, 0, VK_WHOLE_SIZE, 0);
        return;
    }
    const VkImageLayout dst = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    barrier(dev, cmd, sm, VK_QUEUE_FAMILY_IGNORED, VK_QUEUE_FAMILY_IGNORED, 0,
            VK_ACCESS_TRANSFER_WRITE_BIT, sm->layout, dst, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
            VK_PIPELINE_STAGE_TRANSFER_BIT);
    VkClearColorValue zero = {.uint32 = {0, 0, 0, 0}};
    VkImageSubresourceRange all = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    dev->vkCmdClearColorImage(cmd, sm->image, dst, &zero, 1, &all);
    /* What comes next (a copy, the device's pattern) waits for the clear. */
    barrier(dev, cmd, sm, VK_QUEUE_FAMILY_IGNORED, VK_QUEUE_FAMILY_IGNORED,
            VK_ACCESS_TRANSFER_WRITE_BIT,
            VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT, dst, dst,
            VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
}

/* The first write of every page of memory this process made (the other's
 * was written by the other). */
static vkw_status touch(vkw_shared_memory *sm, uint64_t timeout_ns, vkw_error *err)
{
    if (sm->touched)
        return VKW_OK;
    if (sm->imported) {
        /* Its pages hold the other's bytes: read once, one byte a page,
         * where the host can (memory that is the host's, as lavapipe's,
         * comes into this process's address space page by page). */
        if (!(sm->memory_flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT))
            return VKW_OK;
        /* Direct3D's memory: its size is the OS's, not allocationSize (which
         * the import ignores), and it is not to be mapped: not read here. */
        const uint32_t d3d = VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D11_TEXTURE_BIT |
                             VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D11_TEXTURE_KMT_BIT |
                             VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D12_HEAP_BIT |
                             VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D12_RESOURCE_BIT;
        if (sm->desc.handle_type & d3d)
            return VKW_OK;
        vkw_status s = ensure_mapped(sm, err);
        if (s != VKW_OK)
            return s;
        const volatile unsigned char *p = sm->map;
        unsigned char sum = 0;
        for (uint64_t at = 0; at < sm->desc.allocation_size; at += 4096)
            sum ^= p[at];
        (void)sum;
        sm->touched = true;
        return VKW_OK;
    }
    vkw_status s = vkw_device_submit_wait(sm->dev, record_touch, sm, timeout_ns,
                                          "the first write of the memory", err);
    if (s != VKW_OK)
        return s;
    sm->touched = true;
    if (sm->image)
        sm->layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    return VKW_OK;
}

static void record_fill(const vkw_device *dev, VkCommandBuffer cmd, void *user)
{
    dev->vkCmdFillBuffer(cmd, *(VkBuffer *)user, 0, VK_WHOLE_SIZE, 0);
}

/* The same for a buffer of this process's own (the ring, the device buffer). */
static vkw_status touch_buffer(vkw_shared_memory *sm, VkBuffer buf, uint64_t timeout_ns,
                               vkw_error *err)
{
    return vkw_device_submit_wait(sm->dev, record_fill, &buf, timeout_ns,
                                  "the first write of a staging buffer", err);
}

static void record_copy(const vkw_device *dev, VkCommandBuffer cmd, void *user)
{
    copy_job *job = user;
    vkw_shared_memory *sm = job->sm;
    uint32_t qf = dev->queue_family;
    const VkImageLayout general = VK_IMAGE_LAYOUT_GENERAL;
    VkImageLayout want = job->to_shared ? VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL
                                        : VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    VkAccessFlags use = job->to_shared ? VK_ACCESS_TRANSFER_WRITE_BIT : VK_ACCESS_TRANSFER_READ_BIT;
    VkImageLayout layout = sm->layout;
    if (sm->external_owned) {
        /* Acquire from the other process. The two halves of a queue family
         * ownership transfer must name the same layouts: the protocol's is
         * GENERAL to GENERAL, any transition is a barrier of its own. */
        barrier(dev, cmd, sm, VK_QUEUE_FAMILY_EXTERNAL, qf, 0, use, general, general,
                VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
        layout = general;
    }
    if (sm->image && layout != want)
        barrier(dev, cmd, sm, VK_QUEUE_FAMILY_IGNORED, VK_QUEUE_FAMILY_IGNORED,
                VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT, use, layout, want,
                VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
    if (sm->buffer) {
        VkBufferCopy region = {
            .srcOffset = job->to_shared ? 0 : job->offset,
            .dstOffset = job->to_shared ? job->offset : 0,
            .size = job->size,
        };
        dev->vkCmdCopyBuffer(cmd, job->to_shared ? job->via : sm->buffer,
                             job->to_shared ? sm->buffer : job->via, 1, &region);
    } else {
        uint64_t row = (uint64_t)sm->desc.image_width * VKW_SHARED_IMAGE_TEXEL;
        VkBufferImageCopy region = {
            .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
            .imageOffset = {0, (int32_t)(job->offset / row), 0},
            .imageExtent = {sm->desc.image_width, (uint32_t)(job->size / row), 1},
        };
        if (job->to_shared)
            dev->vkCmdCopyBufferToImage(cmd, job->via, sm->image, want, 1, &region);
        else
            dev->vkCmdCopyImageToBuffer(cmd, sm->image, want, job->via, 1, &region);
    }
    if (job->to_shared) {
        if (!job->release) {
            /* The image is written once more, or read, by what comes next. */
            return;
        }
        if (sm->image)
            barrier(dev, cmd, sm, VK_QUEUE_FAMILY_IGNORED, VK_QUEUE_FAMILY_IGNORED,
                    VK_ACCESS_TRANSFER_WRITE_BIT, 0, want, general, VK_PIPELINE_STAGE_TRANSFER_BIT,
                    VK_PIPELINE_STAGE_TRANSFER_BIT);
        /* Release to the other process (the acquire half runs there). */
        barrier(dev, cmd, sm, qf, VK_QUEUE_FAMILY_EXTERNAL, VK_ACCESS_TRANSFER_WRITE_BIT, 0,
                general, general, VK_PIPELINE_STAGE_TRANSFER_BIT,
                VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT);
    } else {
        /* The staging copy must be visible to the host once the fence signals. */
        VkBufferMemoryBarrier host = {
            .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
            .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
            .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
            .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .buffer = job->via,
            .size = VK_WHOLE_SIZE,
        };
        dev->vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT,
                                  0, 0, NULL, 1, &host, 0, NULL);
    }
}

static void record_host_sync(const vkw_device *dev, VkCommandBuffer cmd, void *user)
{
    const vkw_shared_memory *sm = user;
    bool to_device = sm->host_sync_to_device;
    VkBufferMemoryBarrier b = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
        .srcAccessMask = to_device ? VK_ACCESS_HOST_WRITE_BIT : VK_ACCESS_MEMORY_WRITE_BIT,
        .dstAccessMask = to_device ? VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT
                                   : VK_ACCESS_HOST_READ_BIT,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .buffer = sm->buffer,
        .size = VK_WHOLE_SIZE,
    };
    dev->vkCmdPipelineBarrier(
        cmd, to_device ? VK_PIPELINE_STAGE_HOST_BIT : VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
        to_device ? VK_PIPELINE_STAGE_ALL_COMMANDS_BIT : VK_PIPELINE_STAGE_HOST_BIT, 0, 0, NULL, 1,
        &b, 0, NULL);
}

vkw_status vkw_shared_memory_host_sync(vkw_shared_memory *sm, bool to_device, uint64_t timeout_ns,
                                       vkw_error *err)
{
    if (!sm->buffer || !(sm->memory_flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT))
        return vkw_fail(err, VKW_E_INVALID_ARG, "host sync of memory that is no mapped buffer");
    sm->host_sync_to_device = to_device;
    return vkw_device_submit_wait(sm->dev, record_host_sync, sm, timeout_ns,
                                  to_device ? "making the host's writes available to the device"
                                            : "making the device's writes visible to the host",
                                  err);
}

static vkw_status run_copy(vkw_shared_memory *sm, VkBuffer via, bool to_shared, bool keep,
                           uint64_t offset, uint64_t size, uint64_t timeout_ns, vkw_error *err)
{
    bool last = offset + size >= sm->desc.size;
    copy_job job = {sm, via, to_shared, to_shared && last && !keep && !sm->local, offset, size};
    /* A keyed mutex: the importer's first copy acquires the key the
     * exporter released, its copy that releases the memory hands it back. */
    vkw_keyed_mutex_chain km;
    const void *next = NULL;
    if (sm->desc.keyed_mutex && sm->imported && (sm->external_owned || job.release)) {
        next = vkw_keyed_mutex_submit_chain(
            &km, sm->dev, sm->memory, sm->external_owned ? VKW_KM_TO_IMPORTER : VKW_KM_NONE,
            job.release ? VKW_KM_TO_EXPORTER : VKW_KM_NONE, (uint32_t)(timeout_ns / 1000000u));
        if (!next)
            return vkw_fail(err, VKW_E_UNSUPPORTED,
                            "a keyed mutex orders this %s memory, and the device has no "
                            "VK_KHR_win32_keyed_mutex",
                            sm->type->name);
    }
    vkw_status s = vkw_device_submit_wait_chained(
        sm->dev, record_copy, &job, next, timeout_ns,
        to_shared ? "the copy into shared memory" : "the copy out of shared memory", err);
    if (s != VKW_OK)
        return s;
    sm->external_owned = job.release;
    if (sm->image)
        sm->layout = job.release ? VK_IMAGE_LAYOUT_GENERAL
                     : to_shared ? VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL
                                 : VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    return VKW_OK;
}

/* The device writes the pattern: into the buffer where it is, or chunk by
 * chunk into the device buffer and from there into the image. */
static vkw_status device_write(vkw_shared_memory *sm, uint64_t seed, uint64_t flip_at,
                               const vkw_memory_method *how, uint64_t timeout_ns, vkw_error *err)
{
    uint64_t size = sm->desc.size;
    bool release = !how->keep && !sm->local;
    if (sm->buffer) {
        vkw_gpu_region r = {.buffer = sm->buffer,
                            .len = size,
                            .acquire = sm->external_owned,
                            .release = release,
                            .flip = flip_at < size,
                            .flip_at = flip_at};
        vkw_status s = vkw_gpu_pattern_fill(how->gpu, &r, seed, timeout_ns, err);
        if (s == VKW_OK)
            sm->external_owned = release;
        return s;
    }
    for (uint64_t off = 0; off < size; off += sm->device_chunk) {
        uint64_t n = size - off < sm->device_chunk ? size - off : sm->device_chunk;
        vkw_gpu_region r = {.buffer = sm->device_staging,
                            .len = n,
                            .pattern_offset = off,
                            .flip = flip_at >= off && flip_at < off + n,
                            .flip_at = flip_at - off};
        vkw_status s = vkw_gpu_pattern_fill(how->gpu, &r, seed, timeout_ns, err);
        if (s == VKW_OK)
            s = run_copy(sm, sm->device_staging, true, how->keep, off, n, timeout_ns, err);
        if (s != VKW_OK)
            return s;
    }
    return VKW_OK;
}

/* The device checks the pattern: in the buffer where it is, or chunk by
 * chunk copied from the image into the device buffer. */
static vkw_status device_check(vkw_shared_memory *sm, uint64_t seed, const vkw_memory_method *how,
                               bool *matches, vkw_mismatch *mm, uint64_t timeout_ns, vkw_error *err)
{
    uint64_t size = sm->desc.size;
    vkw_gpu_check got;
    *matches = false;
    if (sm->buffer) {
        vkw_gpu_region r = {.buffer = sm->buffer, .len = size, .acquire = sm->external_owned};
        vkw_status s = vkw_gpu_pattern_verify(how->gpu, &r, seed, timeout_ns, &got, err);
        if (s != VKW_OK)
            return s;
        sm->external_owned = false;
        *matches = got.mismatches == 0;
        *mm = got.first;
        return VKW_OK;
    }
    for (uint64_t off = 0; off < size; off += sm->device_chunk) {
        uint64_t n = size - off < sm->device_chunk ? size - off : sm->device_chunk;
        vkw_status s = run_copy(sm, sm->device_staging, false, true, off, n, timeout_ns, err);
        vkw_gpu_region r = {.buffer = sm->device_staging, .len = n, .pattern_offset = off};
        if (s == VKW_OK)
            s = vkw_gpu_pattern_verify(how->gpu, &r, seed, timeout_ns, &got, err);
        if (s != VKW_OK)
            return s;
        if (got.mismatches) {
            *mm = got.first;
            mm->offset += off;
            return VKW_OK;
        }
    }
    *matches = true;
    return VKW_OK;
}

vkw_status vkw_shared_memory_write_pattern(vkw_shared_memory *sm, uint64_t seed, uint64_t flip_at,
                                           const vkw_memory_method *how, vkw_memory_times *times,
                                           uint64_t timeout_ns, vkw_error *err)
{
    memset(times, 0, sizeof *times);
    vkw_status s = vkw_shared_memory_prepare(sm, 0, how, timeout_ns, err);
    if (s != VKW_OK)
        return s;
    uint32_t threads = how->threads;
    if (how->gpu) {
        uint64_t t0 = vkw_clock_ns();
        s = device_write(sm, seed, flip_at, how, timeout_ns, err);
        times->device_ns = vkw_clock_ns() - t0;
        return s;
    }
    bool map = sm->desc.access == VKW_ACCESS_MAP;
    uint64_t size = sm->desc.size, chunk = map ? size : sm->chunk;
    bool coherent =
        map ? (sm->memory_flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) != 0 : sm->staging_coherent;
    VkDeviceMemory mem = map ? sm->memory : sm->staging_memory;
    VkResult r;
    for (uint64_t off = 0; off < size; off += chunk) {
        uint64_t n = size - off < chunk ? size - off : chunk;
        unsigned char *base = map ? (unsigned char *)sm->map + off : sm->staging_map;
        for (uint64_t sub = 0; sub < n; sub += sm->scratch_len) {
            size_t m = (size_t)(n - sub < sm->scratch_len ? n - sub : sm->scratch_len);
            /* The pattern is made before the clock starts: the timed part is the copy. */
            vkw_host_pattern_fill(sm->scratch, m, seed, off + sub, threads);
            if (flip_at >= off + sub && flip_at < off + sub + m)
                sm->scratch[flip_at - off - sub] ^= 0xFF;
            uint64_t t0 = vkw_clock_ns();
            vkw_host_copy(base + sub, sm->scratch, m, threads);
            times->host_ns += vkw_clock_ns() - t0;
        }
        uint64_t t0 = vkw_clock_ns();
        if (!coherent && (map ? off + n >= size : true) &&
            (r = flush_or_invalidate(sm->dev, mem, true)) != VK_SUCCESS)
            return vkw_fail_vk(err, r, "vkFlushMappedMemoryRanges", "%s memory", sm->type->name);
        times->host_ns += vkw_clock_ns() - t0;
        if (map)
            continue;
        t0 = vkw_clock_ns();
        s = run_copy(sm, sm->staging, true, how->keep, off, n, timeout_ns, err);
        times->copy_ns += vkw_clock_ns() - t0;
        if (s != VKW_OK)
            return s;
    }
    return VKW_OK;
}

static vkw_status host_check(vkw_shared_memory *sm, uint64_t seed, uint32_t threads, bool *matches,
                             vkw_mismatch *mm, vkw_memory_times *times, uint64_t timeout_ns,
                             vkw_error *err)
{
    vkw_status s;
    *matches = false;
    bool map = sm->desc.access == VKW_ACCESS_MAP;
    uint64_t size = sm->desc.size, chunk = map ? size : sm->chunk;
    VkResult r;
    for (uint64_t off = 0; off < size; off += chunk) {
        uint64_t n = size - off < chunk ? size - off : chunk;
        const unsigned char *base;
        uint64_t t0 = vkw_clock_ns();
        if (map) {
            if (!(sm->memory_flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) &&
                (r = flush_or_invalidate(sm->dev, sm->memory, false)) != VK_SUCCESS)
                return vkw_fail_vk(err, r, "vkInvalidateMappedMemoryRanges", "%s memory",
                                   sm->type->name);
            base = (const unsigned char *)sm->map;
        } else {
            s = run_copy(sm, sm->staging, false, true, off, n, timeout_ns, err);
            if (s == VKW_OK && !sm->staging_coherent &&
                (r = flush_or_invalidate(sm->dev, sm->staging_memory, false)) != VK_SUCCESS)
                s = vkw_fail_vk(err, r, "vkInvalidateMappedMemoryRanges", "staging buffer");
            if (s != VKW_OK)
                return s;
            base = sm->staging_map;
        }
        times->copy_ns += vkw_clock_ns() - t0;
        for (uint64_t sub = 0; sub < n; sub += sm->scratch_len) {
            size_t m = (size_t)(n - sub < sm->scratch_len ? n - sub : sm->scratch_len);
            vkw_host_pattern_fill(sm->scratch, m, seed, off + sub, threads);
            t0 = vkw_clock_ns();
            bool same = vkw_host_compare(base + sub, sm->scratch, m, off + sub, threads, mm);
            times->host_ns += vkw_clock_ns() - t0;
            if (!same)
                return VKW_OK;
        }
    }
    *matches = true;
    return VKW_OK;
}

vkw_status vkw_shared_memory_check_pattern(vkw_shared_memory *sm, uint64_t seed,
                                           const vkw_memory_method *how, bool *matches,
                                           vkw_mismatch *mm, vkw_memory_times *times,
                                           uint64_t timeout_ns, vkw_error *err)
{
    memset(times, 0, sizeof *times);
    *matches = false;
    vkw_mismatch dm = {0}, hm = {0};
    bool device_ok = false;
    vkw_status s = vkw_shared_memory_prepare(sm, 0, how, timeout_ns, err);
    if (s != VKW_OK)
        return s;
    if (how->gpu) {
        uint64_t t0 = vkw_clock_ns();
        s = device_check(sm, seed, how, &device_ok, &dm, timeout_ns, err);
        times->device_ns = vkw_clock_ns() - t0;
        if (s != VKW_OK || !how->host_check) {
            *matches = device_ok;
            if (mm)
                *mm = dm;
            return s;
        }
    }
    s = host_check(sm, seed, how->threads, matches, &hm, times, timeout_ns, err);
    if (s != VKW_OK)
        return s;
    if (mm)
        *mm = hm;
    /* --verify both: two checks of the same bytes must agree. */
    if (how->gpu && (device_ok != *matches || (!device_ok && dm.offset != hm.offset)))
        return vkw_fail(err, VKW_E_SHARING,
                        "the device's check and the host's disagree on %s memory: the device "
                        "found %s (offset %llu), the host %s (offset %llu)",
                        sm->type->name, device_ok ? "no difference" : "a difference",
                        (unsigned long long)dm.offset, *matches ? "no difference" : "a difference",
                        (unsigned long long)hm.offset);
    return VKW_OK;
}

void vkw_shared_memory_destroy(vkw_shared_memory *sm)
{
    vkw_device *dev = sm->dev;
    /* On a wedged device the GPU may still use these: they are left. */
    if (dev && dev->handle && !dev->wedged) {
        if (sm->staging_map)
            dev->vkUnmapMemory(dev->handle, sm->staging_memory);
        if (sm->staging)
            dev->vkDestroyBuffer(dev->handle, sm->staging, NULL);
        if (sm->staging_memory)
            dev->vkFreeMemory(dev->handle, sm->staging_memory, NULL);
        if (sm->device_staging)
            dev->vkDestroyBuffer(dev->handle, sm->device_staging, NULL);
        if (sm->device_staging_memory)
            dev->vkFreeMemory(dev->handle, sm->device_staging_memory, NULL);
        if (sm->map)
            dev->vkUnmapMemory(dev->handle, sm->memory);
        if (sm->buffer)
            dev->vkDestroyBuffer(dev->handle, sm->buffer, NULL);
        if (sm->image)
            dev->vkDestroyImage(dev->handle, sm->image, NULL);
        if (sm->memory)
            dev->vkFreeMemory(dev->handle, sm->memory, NULL);
    }
    free(sm->scratch);
    sm->scratch = NULL;
    sm->staging_map = sm->map = NULL;
    sm->staging = sm->buffer = sm->device_staging = VK_NULL_HANDLE;
    sm->image = VK_NULL_HANDLE;
    sm->staging_memory = sm->memory = sm->device_staging_memory = VK_NULL_HANDLE;
}
