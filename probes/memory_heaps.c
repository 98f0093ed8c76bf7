/* Probe: memory heaps and types (where exportable memory can live). */
#include "probe.h"

static vkw_status run(const vkw_probe_ctx *ctx, vkw_device_report *dev, vkw_error *err)
{
    (void)err;
    ctx->inst->vkGetPhysicalDeviceMemoryProperties(ctx->pd, &dev->memory);
    /* Counts past the arrays they count are not believed. */
    if (dev->memory.memoryTypeCount > VK_MAX_MEMORY_TYPES)
        dev->memory.memoryTypeCount = VK_MAX_MEMORY_TYPES;
    if (dev->memory.memoryHeapCount > VK_MAX_MEMORY_HEAPS)
        dev->memory.memoryHeapCount = VK_MAX_MEMORY_HEAPS;
    return VKW_OK;
}

const vkw_probe vkw_probe_memory_heaps = {"memory_heaps", run};
