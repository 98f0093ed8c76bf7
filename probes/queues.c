/* Probe: queue families (which queues can run the copies and the
 * signal/wait submissions the bench needs). */
#include "probe.h"

#include <stdlib.h>

static vkw_status run(const vkw_probe_ctx *ctx, vkw_device_report *dev, vkw_error *err)
{
    uint32_t count = 0;
    ctx->inst->vkGetPhysicalDeviceQueueFamilyProperties(ctx->pd, &count, NULL);
    VkQueueFamilyProperties *props = calloc(count ? count : 1, sizeof *props);
    dev->queue_families = calloc(count ? count : 1, sizeof *dev->queue_families);
    if (!props || !dev->queue_families) {
        free(props);
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory listing queue families");
    }
    uint32_t room = count;
    ctx->inst->vkGetPhysicalDeviceQueueFamilyProperties(ctx->pd, &count, props);
    if (count > room) /* more than it was given room for: not believed */
        count = room;
    for (uint32_t i = 0; i < count; i++) {
        dev->queue_families[i].flags = props[i].queueFlags;
        dev->queue_families[i].count = props[i].queueCount;
        dev->queue_families[i].timestamp_valid_bits = props[i].timestampValidBits;
    }
    dev->queue_family_count = count;
    free(props);
    return VKW_OK;
}

const vkw_probe vkw_probe_queues = {"queues", run};
