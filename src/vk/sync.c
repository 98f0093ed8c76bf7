#include "sync.h"

#include <stdlib.h>
#include <string.h>

#include "external.h"

const char *const vkw_sync_mode_words[VKW_SYNC_MODE_COUNT] = {
    "os", "host-timeline", "queue-timeline", "queue-binary", "fence", "gpu-chain"};
const char *const vkw_peer_words[VKW_PEER_COUNT] = {"process", "thread"};

const char *vkw_sync_mode_name(vkw_sync_mode m)
{
    return (uint32_t)m < VKW_SYNC_MODE_COUNT ? vkw_sync_mode_words[m] : "unknown";
}

const char *vkw_peer_name(vkw_peer p)
{
    return (uint32_t)p < VKW_PEER_COUNT ? vkw_peer_words[p] : "unknown";
}

bool vkw_sync_mode_uses_fences(vkw_sync_mode m)
{
    return m == VKW_SYNC_FENCE;
}

/* A binary or timeline semaphore, exportable as t (NULL: not exported),
 * named where the OS family names handles. */
static vkw_status create_semaphore(vkw_device *dev, const vkw_handle_type *t, const char *name,
                                   bool timeline, VkSemaphore *out, vkw_error *err)
{
    vkw_chain_storage st;
    VkExportSemaphoreCreateInfo exp = {
        .sType = VK_STRUCTURE_TYPE_EXPORT_SEMAPHORE_CREATE_INFO,
        .pNext = t ? vkw_semaphore_export_chain(&st, t, name, NULL) : NULL,
        .handleTypes = t ? t->bit : 0,
    };
    VkSemaphoreTypeCreateInfo type = {
        .sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
        .pNext = t ? &exp : NULL,
        .semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
        .initialValue = 0,
    };
    VkSemaphoreCreateInfo ci = {
        .sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO,
        .pNext = timeline ? (const void *)&type : (t ? (const void *)&exp : NULL),
    };
    VkResult r = dev->vkCreateSemaphore(dev->handle, &ci, NULL, out);
    if (r != VK_SUCCESS) {
        *out = VK_NULL_HANDLE;
        return vkw_fail_vk(err, r, "vkCreateSemaphore", "a %s semaphore%s%s",
                           timeline ? "timeline" : "binary", t ? " exportable as " : "",
                           t ? t->name : "");
    }
    return VKW_OK;
}

static vkw_status create_fence(vkw_device *dev, const vkw_handle_type *t, const char *name,
                               VkFence *out, vkw_error *err)
{
    vkw_chain_storage st;
    VkExportFenceCreateInfo exp = {
        .sType = VK_STRUCTURE_TYPE_EXPORT_FENCE_CREATE_INFO,
        .pNext = t ? vkw_fence_export_chain(&st, t, name, NULL) : NULL,
        .handleTypes = t ? t->bit : 0,
    };
    VkFenceCreateInfo ci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO, .pNext = t ? &exp : NULL};
    VkResult r = dev->vkCreateFence(dev->handle, &ci, NULL, out);
    if (r != VK_SUCCESS) {
        *out = VK_NULL_HANDLE;
        return vkw_fail_vk(err, r, "vkCreateFence", "a fence%s%s", t ? " exportable as " : "",
                           t ? t->name : "");
    }
    return VKW_OK;
}

vkw_status vkw_sync_side_create(vkw_sync_side *side, vkw_sync_mode mode, vkw_device *dev,
                                const vkw_handle_type *t, const char *const *names, vkw_error *err)
{
    const char *na = names ? names[0] : NULL, *nb = names ? names[1] : NULL;
    memset(side, 0, sizeof *side);
    side->mode = mode;
    side->dev = dev;
    side->queue = dev->queue;
    side->own_objects = true;
    vkw_status s;
    if (vkw_sync_mode_uses_fences(mode)) {
        s = create_fence(dev, t, na, &side->fa, err);
        if (s == VKW_OK)
            s = create_fence(dev, t, nb, &side->fb, err);
    } else if (mode == VKW_SYNC_QUEUE_BINARY) {
        /* A and B travel; the fence is the pinging host's own window. */
        s = create_semaphore(dev, t, na, false, &side->a, err);
        if (s == VKW_OK)
            s = create_semaphore(dev, t, nb, false, &side->b, err);
        if (s == VKW_OK)
            s = create_fence(dev, NULL, NULL, &side->fa, err);
    } else {
        if (!dev->timeline)
            return vkw_fail(err, VKW_E_UNSUPPORTED, "'%s' has no timeline semaphores",
                            dev->info.name);
        s = create_semaphore(dev, t, na, true, &side->a, err);
        if (s == VKW_OK)
            s = create_semaphore(dev, t, nb, true, &side->b, err);
        if (s == VKW_OK && mode == VKW_SYNC_GPU_CHAIN)
            s = create_semaphore(dev, NULL, NULL, true, &side->gate, err);
    }
    if (s != VKW_OK)
        vkw_sync_side_release(side);
    return s;
}

vkw_status vkw_sync_side_export(vkw_sync_side *side, const vkw_handle_type *t, vkw_handle out[2],
                                vkw_error *err)
{
    out[0] = out[1] = VKW_NO_HANDLE;
    vkw_status s;
    if (vkw_sync_mode_uses_fences(side->mode)) {
        s = vkw_fence_export(side->dev, side->fa, t, &out[0], err);
        if (s == VKW_OK)
            s = vkw_fence_export(side->dev, side->fb, t, &out[1], err);
    } else {
        s = vkw_semaphore_export(side->dev, side->a, t, &out[0], err);
        if (s == VKW_OK)
            s = vkw_semaphore_export(side->dev, side->b, t, &out[1], err);
    }
    if (s != VKW_OK) {
        vkw_external_handle_release(t, out[0]); /* a KMT value is not closed */
        out[0] = VKW_NO_HANDLE;
    }
    return s;
}

vkw_status vkw_sync_side_import(vkw_sync_side *side, vkw_sync_mode mode, vkw_device *dev,
                                const vkw_handle_type *t, vkw_handle handles[2],
                                const char *const *names, vkw_error *err)
{
    /* Created like the exporter's (a timeline imports into a timeline), not
     * exportable: the payload comes from the handle. */
    vkw_status s = vkw_sync_side_create(
        side, mode == VKW_SYNC_GPU_CHAIN ? VKW_SYNC_HOST_TIMELINE : mode, dev, NULL, NULL, err);
    side->mode = mode;
    for (int i = 0; s == VKW_OK && i < 2; i++)
        s = vkw_sync_mode_uses_fences(mode)
                ? vkw_fence_import(dev, i ? side->fb : side->fa, t, &handles[i],
                                   names ? names[i] : NULL, err)
                : vkw_semaphore_import(dev, i ? side->b : side->a, t, &handles[i],
                                       names ? names[i] : NULL, err);
    if (s != VKW_OK)
        vkw_sync_side_release(side);
    return s;
}

void vkw_sync_side_borrow(vkw_sync_side *ponger, const vkw_sync_side *pinger, VkQueue queue,
                          atomic_flag *queue_lock)
{
    *ponger = *pinger;
    ponger->pp = NULL;
    ponger->own_objects = false;
    ponger->queue = queue;
    ponger->queue_lock = queue_lock;
    ponger->round = 0;
}

void vkw_sync_side_settle(vkw_sync_side *side, bool succeeded)
{
    vkw_device *dev = side->dev;
    bool queued = side->mode == VKW_SYNC_QUEUE_TIMELINE || side->mode == VKW_SYNC_QUEUE_BINARY ||
                  side->mode == VKW_SYNC_FENCE || side->mode == VKW_SYNC_GPU_CHAIN;
    if (!queued || !dev || !dev->handle || dev->wedged)
        return;
    if (succeeded || !side->pending_waits)
        dev->vkDeviceWaitIdle(dev->handle); /* every dependency can be met: it returns */
    else
        dev->wedged = true;
}

void vkw_sync_side_release(vkw_sync_side *side)
{
    vkw_pingpong_free(side->pp);
    side->pp = NULL;
    vkw_device *dev = side->dev;
    if (side->own_objects && dev && dev->handle && !dev->wedged) {
        VkSemaphore sems[3] = {side->a, side->b, side->gate};
        for (int i = 0; i < 3; i++)
            if (sems[i])
                dev->vkDestroySemaphore(dev->handle, sems[i], NULL);
        if (side->fa)
            dev->vkDestroyFence(dev->handle, side->fa, NULL);
        if (side->fb)
            dev->vkDestroyFence(dev->handle, side->fb, NULL);
    }
    side->a = side->b = side->gate = VK_NULL_HANDLE;
    side->fa = side->fb = VK_NULL_HANDLE;
}

/* vkQueueSubmit, under the lock when two threads share the queue. */
static vkw_status submit(vkw_sync_side *side, uint32_t count, const VkSubmitInfo *si, VkFence fence,
                         vkw_error *err)
{
    if (side->queue_lock)
        while (atomic_flag_test_and_set_explicit(side->queue_lock, memory_order_acquire))
            ;
    VkResult r = side->dev->vkQueueSubmit(side->queue, count, si, fence);
    if (side->queue_lock)
        atomic_flag_clear_explicit(side->queue_lock, memory_order_release);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkQueueSubmit", "%s round trip",
                           vkw_sync_mode_name(side->mode));
    return VKW_OK;
}

static vkw_status signal_timeline(vkw_sync_side *side, VkSemaphore sem, uint64_t value,
                                  bool on_queue, vkw_error *err)
{
    if (on_queue) {
        VkTimelineSemaphoreSubmitInfo tl = {
            .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
            .signalSemaphoreValueCount = 1,
            .pSignalSemaphoreValues = &value,
        };
        VkSubmitInfo si = {
            .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
            .pNext = &tl,
            .signalSemaphoreCount = 1,
            .pSignalSemaphores = &sem,
        };
        return submit(side, 1, &si, VK_NULL_HANDLE, err);
    }
    VkSemaphoreSignalInfo info = {
        .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
        .semaphore = sem,
        .value = value,
    };
    VkResult r = side->dev->signal_semaphore(side->dev->handle, &info);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkSignalSemaphore", "value %llu", (unsigned long long)value);
    return VKW_OK;
}

typedef struct semaphore_wait {
    vkw_device *dev;
    const VkSemaphoreWaitInfo *info;
} semaphore_wait;

static VkResult wait_semaphore(void *user, uint64_t ns)
{
    semaphore_wait *w = user;
    return w->dev->wait_semaphores(w->dev->handle, w->info, ns);
}

static vkw_status wait_timeline(vkw_sync_side *side, VkSemaphore sem, uint64_t value,
                                uint32_t timeout_ms, vkw_error *err)
{
    VkSemaphoreWaitInfo info = {
        .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
        .semaphoreCount = 1,
        .pSemaphores = &sem,
        .pValues = &value,
    };
    bool stopped = false;
    VkResult r = vkw_wait_in_slices(wait_semaphore, &(semaphore_wait){side->dev, &info},
                                    (uint64_t)timeout_ms * 1000000u, &stopped);
    if (stopped)
        return vkw_stop_check(err);
    if (r == VK_TIMEOUT)
        return vkw_fail(err, VKW_E_TIMEOUT, "timeline value %llu not reached within %u ms",
                        (unsigned long long)value, timeout_ms);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkWaitSemaphores", "value %llu", (unsigned long long)value);
    return VKW_OK;
}

static vkw_status wait_and_reset_fence(vkw_sync_side *side, VkFence fence, uint32_t timeout_ms,
                                       vkw_error *err)
{
    vkw_device *dev = side->dev;
    bool stopped = false;
    VkResult r = vkw_device_wait_fence(dev, fence, (uint64_t)timeout_ms * 1000000u, &stopped);
    if (stopped)
        return vkw_stop_check(err);
    if (r == VK_TIMEOUT)
        return vkw_fail(err, VKW_E_TIMEOUT, "the fence was not signalled within %u ms", timeout_ms);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkWaitForFences", "fence round trip");
    /* The side that consumed a signal resets it, before it signals back: the
     * other side's next submission then finds the fence unsignalled. */
    r = dev->vkResetFences(dev->handle, 1, &fence);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkResetFences", "fence round trip");
    return VKW_OK;
}

static vkw_status half(vkw_sync_side *side, bool pinger, bool signal_step, uint32_t timeout_ms,
                       vkw_error *err)
{
    VkSemaphore mine = pinger ? side->a : side->b, theirs = pinger ? side->b : side->a;
    VkFence my_fence = pinger ? side->fa : side->fb, their_fence = pinger ? side->fb : side->fa;
    switch (side->mode) {
    case VKW_SYNC_HOST_TIMELINE:
    case VKW_SYNC_QUEUE_TIMELINE:
        return signal_step ? signal_timeline(side, mine, side->round,
                                             side->mode == VKW_SYNC_QUEUE_TIMELINE, err)
                           : wait_timeline(side, theirs, side->round, timeout_ms, err);
    case VKW_SYNC_FENCE:
        return signal_step ? submit(side, 0, NULL, my_fence, err)
                           : wait_and_reset_fence(side, their_fence, timeout_ms, err);
    default:
        return vkw_fail(err, VKW_E_INVALID_ARG, "%s has no round trip of its own",
                        vkw_sync_mode_name(side->mode));
    }
}

static const VkPipelineStageFlags all_commands = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;

/* A batch with no commands: waits for `wait` (if any), then signals `signal` (if any). */
static vkw_status submit_binary(vkw_sync_side *side, VkSemaphore wait, VkSemaphore signal,
                                VkFence fence, vkw_error *err)
{
    side->pending_waits |= wait != VK_NULL_HANDLE;
    VkSubmitInfo si = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
        .waitSemaphoreCount = wait ? 1 : 0,
        .pWaitSemaphores = &wait,
        .pWaitDstStageMask = &all_commands,
        .signalSemaphoreCount = signal ? 1 : 0,
        .pSignalSemaphores = &signal,
    };
    return submit(side, 1, &si, fence, err);
}

/* Binary semaphores: a wait may only be submitted once its signal has been
 * (VUID-vkQueueSubmit-pWaitSemaphores-03238). Across processes only the
 * other side knows when that is: it says so through the OS primitive, and
 * the round trip includes that one OS round trip. */
static vkw_status binary_ping(vkw_sync_side *side, uint32_t timeout_ms, vkw_error *err)
{
    vkw_status s = submit_binary(side, VK_NULL_HANDLE, side->a, VK_NULL_HANDLE, err);
    if (s == VKW_OK)
        s = vkw_pingpong_signal(side->pp, err);
    if (s == VKW_OK)
        s = vkw_pingpong_wait(side->pp, timeout_ms, err);
    if (s == VKW_OK)
        s = submit_binary(side, side->b, VK_NULL_HANDLE, side->fa, err);
    if (s == VKW_OK)
        s = wait_and_reset_fence(side, side->fa, timeout_ms, err);
    if (s == VKW_OK)
        side->pending_waits = false; /* the fence followed the wait: it is done */
    return s;
}

static vkw_status binary_pong(vkw_sync_side *side, uint32_t timeout_ms, vkw_error *err)
{
    vkw_status s = vkw_pingpong_wait(side->pp, timeout_ms, err);
    /* The pinger signals again only once its fence saw this side's last
     * batch finish: nothing of ours is left waiting. */
    if (s == VKW_OK)
        side->pending_waits = false;
    if (s == VKW_OK)
        s = submit_binary(side, side->a, side->b, VK_NULL_HANDLE, err);
    return s == VKW_OK ? vkw_pingpong_signal(side->pp, err) : s;
}

vkw_status vkw_sync_ping(vkw_sync_side *side, uint32_t timeout_ms, vkw_error *err)
{
    if (side->mode == VKW_SYNC_OS)
        return vkw_pingpong_ping(side->pp, timeout_ms, err);
    if (side->mode == VKW_SYNC_QUEUE_BINARY)
        return binary_ping(side, timeout_ms, err);
    side->round++;
    vkw_status s = half(side, true, true, timeout_ms, err);
    return s == VKW_OK ? half(side, true, false, timeout_ms, err) : s;
}

vkw_status vkw_sync_pong(vkw_sync_side *side, uint32_t timeout_ms, vkw_error *err)
{
    if (side->mode == VKW_SYNC_OS)
        return vkw_pingpong_pong(side->pp, timeout_ms, err);
    if (side->mode == VKW_SYNC_QUEUE_BINARY)
        return binary_pong(side, timeout_ms, err);
    side->round++;
    vkw_status s = half(side, false, false, timeout_ms, err);
    return s == VKW_OK ? half(side, false, true, timeout_ms, err) : s;
}

vkw_status vkw_sync_chain_submit(vkw_sync_side *side, bool pinger, uint64_t first, uint32_t rounds,
                                 uint64_t gate, vkw_error *err)
{
    /* One vkQueueSubmit of `rounds` batches: batch i waits for the other
     * side's round i-1 (the pinger's first waits for the gate) and signals
     * its own round i. */
    VkSubmitInfo *si = calloc(rounds, sizeof *si);
    VkTimelineSemaphoreSubmitInfo *tl = calloc(rounds, sizeof *tl);
    uint64_t *values = calloc((size_t)rounds * 2, sizeof *values);
    VkSemaphore *waits = calloc(rounds, sizeof *waits);
    vkw_status s = VKW_OK;
    if (!si || !tl || !values || !waits) {
        s = vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory for %u batches", rounds);
        goto cleanup;
    }
    VkSemaphore *signal = pinger ? &side->a : &side->b;
    for (uint32_t i = 0; i < rounds; i++) {
        uint64_t round = first + i;
        if (pinger) {
            waits[i] = i == 0 ? side->gate : side->b;
            values[2 * i] = i == 0 ? gate : round - 1;
        } else {
            waits[i] = side->a;
            values[2 * i] = round;
        }
        values[2 * i + 1] = round;
        tl[i] = (VkTimelineSemaphoreSubmitInfo){
            .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
            .waitSemaphoreValueCount = 1,
            .pWaitSemaphoreValues = &values[2 * i],
            .signalSemaphoreValueCount = 1,
            .pSignalSemaphoreValues = &values[2 * i + 1],
        };
        si[i] = (VkSubmitInfo){
            .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
            .pNext = &tl[i],
            .waitSemaphoreCount = 1,
            .pWaitSemaphores = &waits[i],
            .pWaitDstStageMask = &all_commands,
            .signalSemaphoreCount = 1,
            .pSignalSemaphores = signal,
        };
    }
    side->pending_waits = true;
    s = submit(side, rounds, si, VK_NULL_HANDLE, err);

cleanup:
    free(si);
    free(tl);
    free(values);
    free(waits);
    return s;
}

vkw_status vkw_sync_chain_run(vkw_sync_side *side, uint64_t gate, uint64_t last,
                              uint32_t timeout_ms, vkw_error *err)
{
    vkw_status s = signal_timeline(side, side->gate, gate, false, err);
    return s == VKW_OK ? wait_timeline(side, side->b, last, timeout_ms, err) : s;
}

vkw_status vkw_sync_wait_b(vkw_sync_side *side, uint64_t last, uint32_t timeout_ms, vkw_error *err)
{
    return wait_timeline(side, side->b, last, timeout_ms, err);
}
