/* The child process's state, shared by its bench requests (bench_child.c)
 * and its stress requests (child_stress.c). Inside libvkw only. */
#ifndef VKW_BENCH_CHILD_H
#define VKW_BENCH_CHILD_H

#include <stdbool.h>

#include "interop/importer.h"
#include "protocol.h"
#include "vk/device.h"
#include "vk/gpu_pattern.h"
#include "vk/instance.h"
#include "vk/shared_memory.h"

typedef struct vkw_child_state {
    vkw_channel *ch;
    uint32_t timeout_ms;
    bool validate;
    vkw_loader loader;
    vkw_instance inst;
    vkw_device dev;
    vkw_debug_log log;
    bool luid_matched;
    vkw_gpu_pattern gp; /* the device's pattern, made for the largest memory so far */
    /* Other APIs the parent asked for, opened at its hello (NULL: not
     * asked, or not available: why_not says why). */
    vkw_foreign *foreign[VKW_IMPORTER_COUNT];
    char why_not[VKW_IMPORTER_COUNT][256];
    /* A stress run's memory, kept between requests (child_stress.c). */
    vkw_shared_memory slot[VKW_STRESS_SLOTS];
    bool slot_used[VKW_STRESS_SLOTS];
} vkw_child_state;

/* STRESS_MEMORY: imports into the request's slot (releasing what was there),
 * checks and writes as asked, keeps it (or releases it: fan-out). attached is
 * the child's to take or close. False: the request is dropped (the drop
 * chaos): no reply goes. */
bool vkw_child_stress_memory(vkw_child_state *c, const vkw_msg_stress_memory *req,
                             vkw_handle attached, vkw_msg_stress_reply *rep);
/* STRESS_RELEASE: one slot, or every slot. */
void vkw_child_stress_release(vkw_child_state *c, uint32_t slot, vkw_msg_stress_reply *rep);
/* Every slot released: before the device goes. */
void vkw_child_stress_teardown(vkw_child_state *c);

#endif
