/* src/vk/gpu_pattern.h: the seeded pattern of pattern.h written and checked on the device by
 * compute shaders (shaders/pattern_fill.comp, shaders/pattern_verify.comp,
 * embedded as SPIR-V at build time), so that verifying device memory runs at
 * the device's speed, not at one CPU thread's.
 *
 * A buffer region is covered in windows of at most `window` bytes (bounded by
 * maxStorageBufferRange and 1 GiB), one dispatch each, all in one submission
 * on the device's queue (which must support compute). The verify counts the
 * bytes that differ and finds the first one; the tail of a region whose length
 * is not a multiple of 4 (a storage buffer is read in 32-bit words) is copied
 * to or from a small host-visible buffer and written or checked on the host.
 *
 * The buffer must have VK_BUFFER_USAGE_STORAGE_BUFFER_BIT; a fill of a length
 * that is not a multiple of 4 also needs TRANSFER_DST, and a verify TRANSFER_SRC
 * (the tail, and the byte it reports as found). Offsets are multiples of 4. */
#ifndef VKW_GPU_PATTERN_H
#define VKW_GPU_PATTERN_H

#include <stdbool.h>
#include <stdint.h>

#include "base/pattern.h"
#include "base/status.h"
#include "vk/device.h"

typedef struct vkw_gpu_pattern {
    vkw_device *dev;
    VkShaderModule fill_module, verify_module;
    VkDescriptorSetLayout set_layout;
    VkPipelineLayout layout;
    VkPipeline fill, verify;
    VkDescriptorPool pool;
    VkDescriptorSet *sets; /* one per window, owned (freed with the pool) */
    uint32_t set_count;
    VkBuffer result; /* per window {mismatches, first}, then 4 bytes of tail */
    VkDeviceMemory result_memory;
    uint32_t *result_map;
    bool result_coherent;
    VkDeviceSize window;  /* bytes per dispatch, a multiple of the offset alignment */
    VkDeviceSize max_len; /* the longest region it was sized for */
} vkw_gpu_pattern;

/* A region of a buffer and where in the pattern it lies: its byte 0 holds the
 * pattern's byte pattern_offset (so a chunk of a larger object can be written
 * or checked on its own). offset and pattern_offset are multiples of 4.
 *
 * Memory shared with another process moves between the two as a queue family
 * ownership transfer with VK_QUEUE_FAMILY_EXTERNAL: `acquire` takes the whole
 * buffer from it before the work, `release` gives it back after. A fill with
 * `flip` inverts the region's byte flip_at afterwards (the flip-byte fault:
 * the buffer then needs TRANSFER_DST). */
typedef struct vkw_gpu_region {
    VkBuffer buffer;
    VkDeviceSize offset, len;
    uint64_t pattern_offset;
    bool acquire, release;
    bool flip;
    VkDeviceSize flip_at;
} vkw_gpu_region;

/* Builds the pipelines and the result buffer for regions of up to max_len
 * bytes on dev, in windows of at most max_window bytes (0: the device's
 * largest, up to 1 GiB). VKW_E_UNSUPPORTED when dev's queue cannot run
 * compute work. */
vkw_status vkw_gpu_pattern_create(vkw_device *dev, VkDeviceSize max_len, VkDeviceSize max_window,
                                  vkw_gpu_pattern *out, vkw_error *err);
void vkw_gpu_pattern_destroy(vkw_gpu_pattern *gp);

/* Writes the region's bytes of the pattern of seed, waiting at most
 * timeout_ns. */
vkw_status vkw_gpu_pattern_fill(vkw_gpu_pattern *gp, const vkw_gpu_region *region, uint64_t seed,
                                uint64_t timeout_ns, vkw_error *err);

/* What a verify found: how many bytes differ, and the first of them (its
 * offset from the region's start, as vkw_pattern_matches names it) when any
 * does. */
typedef struct vkw_gpu_check {
    uint64_t mismatches;
    vkw_mismatch first; /* valid when mismatches > 0 */
} vkw_gpu_check;

/* Checks the region against the pattern of seed. A mismatch is no error:
 * VKW_OK with out->mismatches > 0. */
vkw_status vkw_gpu_pattern_verify(vkw_gpu_pattern *gp, const vkw_gpu_region *region, uint64_t seed,
                                  uint64_t timeout_ns, vkw_gpu_check *out, vkw_error *err);

#endif
