#include "gpu_pattern.h"

#include <stdlib.h>
#include <string.h>

/* Generated at build time (CMakeLists.txt: glslangValidator --vn), from the
 * build's shaders/ folder: the SPIR-V of shaders/pattern_*.comp. */
#include <pattern_fill.spv.h>
#include <pattern_verify.spv.h>

#define GROUP_SIZE 256u       /* local_size_x of both shaders */
#define MAX_GROUPS 4096u      /* per dispatch: the shaders loop over the rest */
#define MAX_WINDOW (1u << 30) /* keeps a window's byte offsets within 32 bits */
#define NO_MISMATCH 0xffffffffu

/* The shaders' push constants (pattern_common.glsl's Window), in order. */
typedef struct window_push {
    uint32_t seed_lo, seed_hi;
    uint32_t index_lo, index_hi;
    uint32_t skew;
    uint32_t count;
    uint32_t slot;
} window_push;

/* Where window w of a region lies: its binding (aligned), its words. */
typedef struct window_span {
    VkDeviceSize bind_offset, range;
    window_push push;
} window_span;

static uint32_t window_count(const vkw_gpu_pattern *gp, VkDeviceSize len)
{
    VkDeviceSize bytes = len / 4 * 4;
    return (uint32_t)((bytes + gp->window - 1) / gp->window);
}

static window_span span_of(const vkw_gpu_pattern *gp, const vkw_gpu_region *r, uint64_t seed,
                           uint32_t w)
{
    VkDeviceSize align = gp->dev->info.limits.minStorageBufferOffsetAlignment;
    if (align < 4)
        align = 4;
    VkDeviceSize done = (VkDeviceSize)w * gp->window, bytes = r->len / 4 * 4 - done;
    if (bytes > gp->window)
        bytes = gp->window;
    VkDeviceSize start = r->offset + done;
    uint64_t index = (r->pattern_offset + done) / 4;
    window_span s;
    s.bind_offset = start / align * align;
    s.push.seed_lo = (uint32_t)seed;
    s.push.seed_hi = (uint32_t)(seed >> 32);
    s.push.index_lo = (uint32_t)index;
    s.push.index_hi = (uint32_t)(index >> 32);
    s.push.skew = (uint32_t)((start - s.bind_offset) / 4);
    s.push.count = (uint32_t)(bytes / 4);
    s.push.slot = w;
    s.range = (VkDeviceSize)(s.push.skew + s.push.count) * 4;
    return s;
}

/* Byte offsets in the result buffer. */
static VkDeviceSize tail_at(const vkw_gpu_pattern *gp)
{
    return (VkDeviceSize)gp->set_count * 8;
}

static bool queue_can_compute(const vkw_device *dev)
{
    VkQueueFamilyProperties qf[64];
    uint32_t n = 64;
    dev->inst->vkGetPhysicalDeviceQueueFamilyProperties(dev->pd, &n, qf);
    return dev->queue_family < n && (qf[dev->queue_family].queueFlags & VK_QUEUE_COMPUTE_BIT);
}

static vkw_status create_pipelines(vkw_gpu_pattern *gp, vkw_error *err)
{
    vkw_device *d = gp->dev;
    VkShaderModuleCreateInfo mi = {
        .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
        .codeSize = sizeof vkw_spirv_pattern_fill,
        .pCode = vkw_spirv_pattern_fill,
    };
    VkResult r = d->vkCreateShaderModule(d->handle, &mi, NULL, &gp->fill_module);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkCreateShaderModule", "the pattern fill shader");
    mi.codeSize = sizeof vkw_spirv_pattern_verify;
    mi.pCode = vkw_spirv_pattern_verify;
    r = d->vkCreateShaderModule(d->handle, &mi, NULL, &gp->verify_module);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkCreateShaderModule", "the pattern verify shader");

    VkDescriptorSetLayoutBinding bindings[2] = {
        {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
        {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
    };
    VkDescriptorSetLayoutCreateInfo li = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
        .bindingCount = 2,
        .pBindings = bindings,
    };
    r = d->vkCreateDescriptorSetLayout(d->handle, &li, NULL, &gp->set_layout);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkCreateDescriptorSetLayout", "the pattern shaders");
    VkPushConstantRange pcr = {VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(window_push)};
    VkPipelineLayoutCreateInfo pli = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
        .setLayoutCount = 1,
        .pSetLayouts = &gp->set_layout,
        .pushConstantRangeCount = 1,
        .pPushConstantRanges = &pcr,
    };
    r = d->vkCreatePipelineLayout(d->handle, &pli, NULL, &gp->layout);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkCreatePipelineLayout", "the pattern shaders");
    VkComputePipelineCreateInfo ci[2];
    VkShaderModule modules[2] = {gp->fill_module, gp->verify_module};
    for (int i = 0; i < 2; i++)
        ci[i] = (VkComputePipelineCreateInfo){
            .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
            .stage = {.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
                      .stage = VK_SHADER_STAGE_COMPUTE_BIT,
                      .module = modules[i],
                      .pName = "main"},
            .layout = gp->layout,
        };
    VkPipeline pipes[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE};
    r = d->vkCreateComputePipelines(d->handle, VK_NULL_HANDLE, 2, ci, NULL, pipes);
    gp->fill = pipes[0];
    gp->verify = pipes[1];
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkCreateComputePipelines", "the pattern shaders");
    return VKW_OK;
}

static vkw_status create_sets(vkw_gpu_pattern *gp, vkw_error *err)
{
    vkw_device *d = gp->dev;
    VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2 * gp->set_count};
    VkDescriptorPoolCreateInfo pi = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
        .maxSets = gp->set_count,
        .poolSizeCount = 1,
        .pPoolSizes = &size,
    };
    VkResult r = d->vkCreateDescriptorPool(d->handle, &pi, NULL, &gp->pool);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkCreateDescriptorPool", "%u pattern windows", gp->set_count);
    gp->sets = calloc(gp->set_count, sizeof *gp->sets);
    VkDescriptorSetLayout *layouts = calloc(gp->set_count, sizeof *layouts);
    vkw_status s = VKW_OK;
    if (!gp->sets || !layouts) {
        s = vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory for %u descriptor sets",
                     gp->set_count);
        goto cleanup;
    }
    for (uint32_t i = 0; i < gp->set_count; i++)
        layouts[i] = gp->set_layout;
    VkDescriptorSetAllocateInfo ai = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
        .descriptorPool = gp->pool,
        .descriptorSetCount = gp->set_count,
        .pSetLayouts = layouts,
    };
    r = d->vkAllocateDescriptorSets(d->handle, &ai, gp->sets);
    if (r != VK_SUCCESS)
        s = vkw_fail_vk(err, r, "vkAllocateDescriptorSets", "%u pattern windows", gp->set_count);
cleanup:
    free(layouts);
    return s;
}

static vkw_status create_result(vkw_gpu_pattern *gp, vkw_error *err)
{
    vkw_device *d = gp->dev;
    VkBufferCreateInfo bi = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .size = tail_at(gp) + 8, /* the tail, then the one byte a verify reports */
        .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                 VK_BUFFER_USAGE_TRANSFER_DST_BIT,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
    };
    VkResult r = d->vkCreateBuffer(d->handle, &bi, NULL, &gp->result);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkCreateBuffer", "the pattern verify's result");
    VkBufferMemoryRequirementsInfo2 ri = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_REQUIREMENTS_INFO_2,
        .buffer = gp->result,
    };
    VkMemoryRequirements2 req = {.sType = VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2};
    d->vkGetBufferMemoryRequirements2(d->handle, &ri, &req);
    const VkPhysicalDeviceMemoryProperties *mp = &d->info.memory;
    const VkMemoryPropertyFlags visible = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT,
                                coherent = VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    uint32_t type = UINT32_MAX;
    for (uint32_t i = 0; i < mp->memoryTypeCount; i++) {
        VkMemoryPropertyFlags f = mp->memoryTypes[i].propertyFlags;
        if (!(req.memoryRequirements.memoryTypeBits & (1u << i)) || !(f & visible))
            continue;
        if (type == UINT32_MAX || (f & coherent))
            type = i;
        if (f & coherent)
            break;
    }
    if (type == UINT32_MAX)
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "no host-visible memory type for the pattern verify's result");
    gp->result_coherent = (mp->memoryTypes[type].propertyFlags & coherent) != 0;
    VkMemoryAllocateInfo mai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .allocationSize = req.memoryRequirements.size,
        .memoryTypeIndex = type,
    };
    r = d->vkAllocateMemory(d->handle, &mai, NULL, &gp->result_memory);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkAllocateMemory", "the pattern verify's result");
    r = d->vkBindBufferMemory(d->handle, gp->result, gp->result_memory, 0);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkBindBufferMemory", "the pattern verify's result");
    void *map = NULL;
    r = d->vkMapMemory(d->handle, gp->result_memory, 0, VK_WHOLE_SIZE, 0, &map);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkMapMemory", "the pattern verify's result");
    gp->result_map = map;
    return VKW_OK;
}

vkw_status vkw_gpu_pattern_create(vkw_device *dev, VkDeviceSize max_len, VkDeviceSize max_window,
                                  vkw_gpu_pattern *out, vkw_error *err)
{
    memset(out, 0, sizeof *out);
    out->dev = dev;
    if (!queue_can_compute(dev))
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "the queue family %u of '%s' cannot run compute shaders: the pattern "
                        "is checked on the host only",
                        dev->queue_family, dev->info.name);
    VkDeviceSize align = dev->info.limits.minStorageBufferOffsetAlignment, window = MAX_WINDOW;
    if (max_window && max_window < window)
        window = max_window;
    if (align < 4)
        align = 4;
    if (dev->info.limits.maxStorageBufferRange < window + align)
        window = dev->info.limits.maxStorageBufferRange - align;
    window = window / align * align;
    if (dev->info.limits.maxStorageBufferRange <= align || window == 0)
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "'%s' binds storage buffers of only %u bytes (offset alignment %llu)",
                        dev->info.name, dev->info.limits.maxStorageBufferRange,
                        (unsigned long long)align);
    out->window = window;
    out->max_len = max_len;
    out->set_count = window_count(out, max_len);
    if (out->set_count == 0)
        out->set_count = 1;
    vkw_status s = create_pipelines(out, err);
    if (s == VKW_OK)
        s = create_sets(out, err);
    if (s == VKW_OK)
        s = create_result(out, err);
    if (s != VKW_OK)
        vkw_gpu_pattern_destroy(out);
    return s;
}

void vkw_gpu_pattern_destroy(vkw_gpu_pattern *gp)
{
    vkw_device *d = gp->dev;
    free(gp->sets);
    gp->sets = NULL;
    /* A wedged device may still run what it was given: nothing of it is
     * freed (the process's exit releases it), as vkw_device_destroy does. */
    if (!d || !d->handle || d->wedged) {
        memset(gp, 0, sizeof *gp);
        return;
    }
    if (gp->result_map)
        d->vkUnmapMemory(d->handle, gp->result_memory);
    if (gp->result)
        d->vkDestroyBuffer(d->handle, gp->result, NULL);
    if (gp->result_memory)
        d->vkFreeMemory(d->handle, gp->result_memory, NULL);
    if (gp->pool)
        d->vkDestroyDescriptorPool(d->handle, gp->pool, NULL);
    if (gp->fill)
        d->vkDestroyPipeline(d->handle, gp->fill, NULL);
    if (gp->verify)
        d->vkDestroyPipeline(d->handle, gp->verify, NULL);
    if (gp->layout)
        d->vkDestroyPipelineLayout(d->handle, gp->layout, NULL);
    if (gp->set_layout)
        d->vkDestroyDescriptorSetLayout(d->handle, gp->set_layout, NULL);
    if (gp->fill_module)
        d->vkDestroyShaderModule(d->handle, gp->fill_module, NULL);
    if (gp->verify_module)
        d->vkDestroyShaderModule(d->handle, gp->verify_module, NULL);
    memset(gp, 0, sizeof *gp);
}

/* One submission: every window's dispatch, and the tail's copy. */
typedef struct job {
    const vkw_gpu_pattern *gp;
    VkPipeline pipe; /* VK_NULL_HANDLE: only the copy */
    vkw_gpu_region region;
    uint64_t seed;
    uint32_t windows;
    VkBufferCopy copy; /* size 0: none */
    bool copy_to_buf;  /* result -> buf (a fill's tail), else buf -> result */
    bool flip;         /* a fill: word flip_word at flip_offset afterwards */
    VkDeviceSize flip_offset;
    uint32_t flip_word;
} job;

/* Half of a queue family ownership transfer of the whole buffer with
 * VK_QUEUE_FAMILY_EXTERNAL (the other process holds the other half). */
static void ownership(VkCommandBuffer cmd, const vkw_device *dev, VkBuffer buf, bool acquire,
                      VkPipelineStageFlags work, VkAccessFlags access)
{
    VkBufferMemoryBarrier bb = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
        .srcAccessMask = acquire ? 0 : access,
        .dstAccessMask = acquire ? access : 0,
        .srcQueueFamilyIndex = acquire ? VK_QUEUE_FAMILY_EXTERNAL : dev->queue_family,
        .dstQueueFamilyIndex = acquire ? dev->queue_family : VK_QUEUE_FAMILY_EXTERNAL,
        .buffer = buf,
        .size = VK_WHOLE_SIZE,
    };
    dev->vkCmdPipelineBarrier(cmd, acquire ? VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT : work,
                              acquire ? work : VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0, 0, NULL, 1,
                              &bb, 0, NULL);
}

static void barrier(VkCommandBuffer cmd, const vkw_device *dev, VkPipelineStageFlags src,
                    VkAccessFlags src_access, VkPipelineStageFlags dst, VkAccessFlags dst_access)
{
    VkMemoryBarrier mb = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
        .srcAccessMask = src_access,
        .dstAccessMask = dst_access,
    };
    dev->vkCmdPipelineBarrier(cmd, src, dst, 0, 1, &mb, 0, NULL, 0, NULL);
}

static void record_job(const vkw_device *dev, VkCommandBuffer cmd, void *user)
{
    const job *j = user;
    const vkw_gpu_pattern *gp = j->gp;
    const VkPipelineStageFlags work =
        VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
    const VkAccessFlags all = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                              VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    if (j->region.acquire)
        ownership(cmd, dev, j->region.buffer, true, work, all);
    /* Whatever wrote the buffer before (a copy, another queue's work handed
     * over by the caller) is seen by the shaders and the copy. */
    barrier(cmd, dev, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_ACCESS_MEMORY_WRITE_BIT, work,
            VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT |
                VK_ACCESS_TRANSFER_WRITE_BIT);
    if (j->pipe && j->windows) {
        dev->vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, j->pipe);
        uint32_t max_groups = dev->info.limits.maxComputeWorkGroupCount[0];
        if (max_groups > MAX_GROUPS)
            max_groups = MAX_GROUPS;
        for (uint32_t w = 0; w < j->windows; w++) {
            window_span s = span_of(gp, &j->region, j->seed, w);
            uint32_t groups = (s.push.count + GROUP_SIZE - 1) / GROUP_SIZE;
            if (groups > max_groups)
                groups = max_groups;
            dev->vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, gp->layout, 0, 1,
                                         &gp->sets[w], 0, NULL);
            dev->vkCmdPushConstants(cmd, gp->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof s.push,
                                    &s.push);
            dev->vkCmdDispatch(cmd, groups, 1, 1);
        }
    }
    if (j->copy.size) {
        if (j->copy_to_buf)
            dev->vkCmdCopyBuffer(cmd, gp->result, j->region.buffer, 1, &j->copy);
        else
            dev->vkCmdCopyBuffer(cmd, j->region.buffer, gp->result, 1, &j->copy);
    }
    if (j->flip) {
        barrier(cmd, dev, work, VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
                VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT);
        dev->vkCmdUpdateBuffer(cmd, j->region.buffer, j->flip_offset, 4, &j->flip_word);
    }
    /* The results are seen by the host, the buffer by whatever comes next. */
    barrier(cmd, dev, work, VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
            VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
            VK_ACCESS_HOST_READ_BIT | VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT);
    if (j->region.release)
        ownership(cmd, dev, j->region.buffer, false, work,
                  VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT);
}

static vkw_status check_region(const vkw_gpu_pattern *gp, const vkw_gpu_region *r, const char *what,
                               vkw_error *err)
{
    if (!r->buffer || r->offset % 4 || r->pattern_offset % 4)
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "pattern %s: no buffer, or its offset %llu or the pattern's %llu is not "
                        "a multiple of 4",
                        what, (unsigned long long)r->offset, (unsigned long long)r->pattern_offset);
    if (r->len > gp->max_len)
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "pattern %s of %llu bytes: the GPU pattern was made for at most %llu", what,
                        (unsigned long long)r->len, (unsigned long long)gp->max_len);
    return VKW_OK;
}

/* Points every window's set at its part of buf, and zeroes its result slot. */
static void prepare_windows(vkw_gpu_pattern *gp, const job *j)
{
    vkw_device *d = gp->dev;
    for (uint32_t w = 0; w < j->windows; w++) {
        window_span s = span_of(gp, &j->region, j->seed, w);
        VkDescriptorBufferInfo infos[2] = {
            {j->region.buffer, s.bind_offset, s.range},
            {gp->result, 0, tail_at(gp)},
        };
        VkWriteDescriptorSet writes[2];
        for (uint32_t b = 0; b < 2; b++)
            writes[b] = (VkWriteDescriptorSet){
                .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
                .dstSet = gp->sets[w],
                .dstBinding = b,
                .descriptorCount = 1,
                .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                .pBufferInfo = &infos[b],
            };
        d->vkUpdateDescriptorSets(d->handle, 2, writes, 0, NULL);
        gp->result_map[2 * w] = 0;
        gp->result_map[2 * w + 1] = NO_MISMATCH;
    }
}

static vkw_status run_job(vkw_gpu_pattern *gp, job *j, uint64_t timeout_ns, const char *what,
                          vkw_error *err)
{
    vkw_device *d = gp->dev;
    VkMappedMemoryRange range = {
        .sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
        .memory = gp->result_memory,
        .size = VK_WHOLE_SIZE,
    };
    VkResult r;
    if (!gp->result_coherent &&
        (r = d->vkFlushMappedMemoryRanges(d->handle, 1, &range)) != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkFlushMappedMemoryRanges", "%s", what);
    vkw_status s = vkw_device_submit_wait(d, record_job, j, timeout_ns, what, err);
    if (s != VKW_OK)
        return s;
    if (!gp->result_coherent &&
        (r = d->vkInvalidateMappedMemoryRanges(d->handle, 1, &range)) != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkInvalidateMappedMemoryRanges", "%s", what);
    return VKW_OK;
}

vkw_status vkw_gpu_pattern_fill(vkw_gpu_pattern *gp, const vkw_gpu_region *region, uint64_t seed,
                                uint64_t timeout_ns, vkw_error *err)
{
    vkw_status s = check_region(gp, region, "fill", err);
    if (s != VKW_OK || region->len == 0)
        return s;
    job j = {gp, gp->fill, *region, seed, window_count(gp, region->len), {0}, true, false, 0, 0};
    prepare_windows(gp, &j);
    VkDeviceSize words = region->len / 4;
    bool flip = region->flip && region->flip_at < region->len;
    if (region->len % 4) {
        uint32_t w = vkw_pattern_word(seed, region->pattern_offset / 4 + words);
        unsigned char *tail = (unsigned char *)gp->result_map + tail_at(gp);
        memcpy(tail, &w, 4);
        if (flip && region->flip_at >= words * 4)
            tail[region->flip_at - words * 4] ^= 0xFF;
        j.copy = (VkBufferCopy){tail_at(gp), region->offset + words * 4, region->len % 4};
    }
    if (flip && region->flip_at < words * 4) {
        uint64_t at = region->flip_at / 4;
        j.flip = true;
        j.flip_offset = region->offset + at * 4;
        j.flip_word = vkw_pattern_word(seed, region->pattern_offset / 4 + at) ^
                      (0xFFu << (8 * (region->flip_at % 4)));
    }
    return run_job(gp, &j, timeout_ns, "the GPU pattern fill", err);
}

vkw_status vkw_gpu_pattern_verify(vkw_gpu_pattern *gp, const vkw_gpu_region *region, uint64_t seed,
                                  uint64_t timeout_ns, vkw_gpu_check *out, vkw_error *err)
{
    memset(out, 0, sizeof *out);
    vkw_status s = check_region(gp, region, "verify", err);
    if (s != VKW_OK || region->len == 0)
        return s;
    job j = {gp, gp->verify, *region, seed, window_count(gp, region->len), {0}, false, false, 0, 0};
    prepare_windows(gp, &j);
    VkDeviceSize words = region->len / 4, tail_len = region->len % 4;
    const unsigned char *tail = (const unsigned char *)gp->result_map + tail_at(gp);
    if (tail_len)
        j.copy = (VkBufferCopy){region->offset + words * 4, tail_at(gp), tail_len};
    s = run_job(gp, &j, timeout_ns, "the GPU pattern verify", err);
    if (s != VKW_OK)
        return s;
    bool found = false;
    for (uint32_t w = 0; w < j.windows; w++) {
        out->mismatches += gp->result_map[2 * w];
        if (!found && gp->result_map[2 * w + 1] != NO_MISMATCH) {
            found = true;
            out->first.offset = (uint64_t)w * gp->window + gp->result_map[2 * w + 1];
        }
    }
    uint64_t base = region->pattern_offset / 4; /* the region's first word in the pattern */
    uint32_t tail_word = vkw_pattern_word(seed, base + words);
    const unsigned char *want = (const unsigned char *)&tail_word;
    for (VkDeviceSize i = 0; i < tail_len; i++)
        if (tail[i] != want[i]) {
            out->mismatches++;
            if (!found) {
                found = true;
                out->first.offset = words * 4 + i;
                out->first.got = tail[i];
            }
        }
    if (!found)
        return VKW_OK;
    uint64_t at = out->first.offset;
    uint32_t word = vkw_pattern_word(seed, base + at / 4);
    out->first.expected = ((const unsigned char *)&word)[at % 4];
    if (at >= words * 4)
        return VKW_OK; /* in the tail: its byte is already here */
    /* The byte the shader found, read back on its own. */
    vkw_gpu_region plain = *region; /* ownership was taken above */
    plain.acquire = plain.release = false;
    job got = {gp,    VK_NULL_HANDLE,
               plain, seed,
               0,     (VkBufferCopy){region->offset + at, tail_at(gp) + 4, 1},
               false, false,
               0,     0};
    s = run_job(gp, &got, timeout_ns, "reading the first mismatching byte", err);
    if (s == VKW_OK)
        out->first.got = tail[4];
    return s;
}
