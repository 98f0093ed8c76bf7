/* Round trips between two sides (processes or threads) through OS primitives
 * and through Vulkan semaphores and fences: one side pings, the other pongs.
 * The same code runs on both sides; only who owns the objects differs. */
#ifndef VKW_SYNC_H
#define VKW_SYNC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan_core.h>

#include "device.h"
#include "handle_types.h"
#include "platform/os_pingpong.h"
#include "platform/platform.h"
#include "base/status.h"

typedef enum vkw_sync_mode {
    VKW_SYNC_OS,             /* an OS primitive pair: the baseline */
    VKW_SYNC_HOST_TIMELINE,  /* vkSignalSemaphore, vkWaitSemaphores on both sides */
    VKW_SYNC_QUEUE_TIMELINE, /* each side's queue signals its timeline; the other host waits */
    VKW_SYNC_QUEUE_BINARY,   /* binary semaphores between the queues, a fence for the host; an OS
                                signal orders each wait after its signal's submission */
    VKW_SYNC_FENCE,          /* a queue-signalled fence, waited on and reset by the other side */
    VKW_SYNC_GPU_CHAIN,      /* both sides pre-submit wait->signal batches; no host in the loop */
    VKW_SYNC_MODE_COUNT
} vkw_sync_mode;
/* The modes' words, in the order of vkw_sync_mode: written here, once, and
 * taken into the report's vocabulary (report/report_vocab.c). */
extern const char *const vkw_sync_mode_words[VKW_SYNC_MODE_COUNT];
const char *vkw_sync_mode_name(vkw_sync_mode m); /* "os", "host-timeline", ...; "unknown" */
/* Whether the mode's objects are fences (else semaphores; none for os). */
bool vkw_sync_mode_uses_fences(vkw_sync_mode m);

typedef enum vkw_peer { VKW_PEER_PROCESS, VKW_PEER_THREAD, VKW_PEER_COUNT } vkw_peer;
extern const char *const vkw_peer_words[VKW_PEER_COUNT]; /* in the order of vkw_peer */
const char *vkw_peer_name(vkw_peer p);                   /* "process", "thread"; "unknown" */

/* One side. The pinging side signals A and waits for B; the ponging side waits
 * for A and signals B. Semaphores and fences belong to the side that created
 * or imported them (own_objects); a thread peer borrows the pinger's. */
typedef struct vkw_sync_side {
    vkw_sync_mode mode;
    vkw_pingpong *pp; /* OS and queue-binary modes: owned */
    vkw_device *dev;  /* Vulkan modes: not owned */
    VkQueue queue;
    atomic_flag *queue_lock; /* shared when two threads submit to one queue; else NULL */
    VkSemaphore a, b, gate;  /* timelines; gate starts a GPU chain (pinger only) */
    VkFence fa, fb;
    bool own_objects;
    bool pending_waits; /* a batch that waits on a semaphore was queued: it may wait forever */
    uint64_t round;
} vkw_sync_side;

/* Creates the pinger's semaphores (timeline) or fences for mode: exportable
 * as handle type t (NULL: not exported, for a thread peer); semaphores named
 * names[0] and names[1] where names is not NULL (Win32 NT handles). */
vkw_status vkw_sync_side_create(vkw_sync_side *side, vkw_sync_mode mode, vkw_device *dev,
                                const vkw_handle_type *t, const char *const *names, vkw_error *err);
/* Exports A and B (semaphores or fences) as t: two handles, the caller's. */
vkw_status vkw_sync_side_export(vkw_sync_side *side, const vkw_handle_type *t, vkw_handle out[2],
                                vkw_error *err);
/* The ponger in another process: creates objects like the pinger's and
 * imports handles into them (released as the OS family says). */
vkw_status vkw_sync_side_import(vkw_sync_side *side, vkw_sync_mode mode, vkw_device *dev,
                                const vkw_handle_type *t, vkw_handle handles[2],
                                const char *const *names, vkw_error *err);
/* The ponger in the same process: borrows the pinger's objects. */
void vkw_sync_side_borrow(vkw_sync_side *ponger, const vkw_sync_side *pinger, VkQueue queue,
                          atomic_flag *queue_lock);
void vkw_sync_side_release(vkw_sync_side *side);

/* Before release: batches this side queued must be complete before their
 * semaphores or fences are destroyed (VUID-vkDestroySemaphore-semaphore-01137).
 * After round trips that succeeded, or where nothing queued waits on a
 * semaphore, they complete and the queue is drained; after a failure with a
 * queued wait, that wait may never be met, so nothing is waited for: the
 * device is marked wedged and its objects left. */
void vkw_sync_side_settle(vkw_sync_side *side, bool succeeded);

/* One round trip, or its other half. Every wait ends at timeout_ms. */
vkw_status vkw_sync_ping(vkw_sync_side *side, uint32_t timeout_ms, vkw_error *err);
vkw_status vkw_sync_pong(vkw_sync_side *side, uint32_t timeout_ms, vkw_error *err);

/* GPU chain: queues `rounds` batches on this side, starting after round
 * `first - 1` (the pinger's first batch waits for the gate to reach `gate`). */
vkw_status vkw_sync_chain_submit(vkw_sync_side *side, bool pinger, uint64_t first, uint32_t rounds,
                                 uint64_t gate, vkw_error *err);
/* Opens the gate (pinger) and waits until B reaches `last`. */
vkw_status vkw_sync_chain_run(vkw_sync_side *side, uint64_t gate, uint64_t last,
                              uint32_t timeout_ms, vkw_error *err);
/* Waits until B reaches `last` (the ponger's end of a chain). */
vkw_status vkw_sync_wait_b(vkw_sync_side *side, uint64_t last, uint32_t timeout_ms, vkw_error *err);

#endif
