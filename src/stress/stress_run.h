/* The stress run's state, shared by the run (stress.c) and its operations
 * (stress_ops.c). Inside libvkw only. */
#ifndef VKW_STRESS_RUN_H
#define VKW_STRESS_RUN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/stats.h"
#include "bench/protocol.h"
#include "platform/platform.h"
#include "report/report.h"
#include "report/stress_report.h"
#include "vk/device.h"
#include "vk/handle_types.h"
#include "vk/instance.h"
#include "vk/shared_memory.h"

#define VKW_STRESS_CONCURRENCY_MAX (VKW_STRESS_SLOTS - 1u)
/* The slot fan-out's memory takes in every importer (released at once). */
#define VKW_STRESS_FANOUT_SLOT (VKW_STRESS_SLOTS - 1u)
#define VKW_STRESS_PENDING_MAX 16u
/* Memory's trend is its floor over runs of this many points (stress.c). */
#define VKW_STRESS_FLOOR_POINTS 5u
/* The sampler's nap at most, so that the end of the workers is seen soon. */
#define VKW_STRESS_POLL_NS (50ull * 1000000u)

struct vkw_stress_state;

/* One importer slot: the child process that holds it now, restarted after
 * it dies, hangs or falls out of step. */
typedef struct vkw_stress_importer {
    uint32_t index;
    vkw_mutex *lock; /* its channel: one request at a time (fan-out takes every one, in order) */
    vkw_mutex *proc_lock; /* the child pointer, against the sampler's reads */
    vkw_child *child;
    vkw_channel *ch;
    uint32_t seq;
    bool up;                     /* started and answered its hello */
    bool suspended;              /* stopped by the stop chaos, not resumed yet */
    atomic_uint restarts;        /* started again, after the first */
    atomic_uint wanted;          /* fan-outs and signals waiting for its lock */
    uint32_t life;               /* processes started in this slot so far (under proc_lock) */
    atomic_uint validation;      /* the running process's validation errors so far */
    atomic_uint validation_past; /* of its processes gone */
    /* Injected faults waiting for the importer to work again: their kinds
     * and events (-1: an event not kept in the report). */
    uint32_t pending_count;
    int32_t pending_kind[VKW_STRESS_PENDING_MAX];
    int32_t pending_event[VKW_STRESS_PENDING_MAX];
    char activity[160]; /* what it was asked last */
} vkw_stress_importer;

/* One worker thread: drives its importer's operations with its own instance
 * and device (so no Vulkan object is shared between threads). */
typedef struct vkw_stress_worker {
    struct vkw_stress_state *run;
    uint32_t index;
    vkw_debug_log log;
    vkw_instance inst;
    vkw_device dev;
    bool opened;
    uint64_t rng;
    uint64_t memory_ops; /* for --verify-every */
    uint32_t next_slot;
    vkw_shared_memory slot[VKW_STRESS_CONCURRENCY_MAX];
    bool slot_used[VKW_STRESS_CONCURRENCY_MAX];
    atomic_uint validation;              /* log.validation_errors, published after each operation */
    bool held[VKW_STRESS_IMPORTERS_MAX]; /* fan-out, signal: the importers' locks it holds */
    vkw_thread *thread;
    bool failed; /* it could not go on (its device): *err says why */
    vkw_error err;
} vkw_stress_worker;

/* What one operation did: the run records it. */
typedef struct vkw_stress_outcome {
    vkw_stress_op op;
    vkw_status status;
    vkw_error err;
    double latency_us;
    bool verified;
    bool mismatch;
    bool restart;  /* the importer's channel is out of step, or it died: start it again */
    int32_t chaos; /* the fault injected (vkw_chaos_kind); -1: none */
    uint64_t injected_ns;
    uint64_t detected_ns;
    bool unsupported;       /* the driver cannot do this one (a skip, not a failure) */
    uint32_t reached;       /* fan-out, signal: the importers it reached */
    bool none_free;         /* fan-out, signal: every importer busy past the wait */
    char late_failure[400]; /* the stop chaos: the late answer failed (a failure of its own) */
    uint32_t concurrent_failures; /* fan-out: imports refused at once, taken alone */
    char concurrent_text[400];
} vkw_stress_outcome;

typedef struct vkw_stress_state {
    const vkw_stress_options *opts;
    vkw_report *report;
    vkw_stress_report *r;
    vkw_loader loader;
    vkw_device_identity id;
    const vkw_handle_type *memory_type;
    const vkw_handle_type *sync_type[VKW_STRESS_OP_COUNT]; /* binary, timeline, fence */
    atomic_uint ops_mask;  /* what runs (an op the driver refuses is dropped) */
    atomic_uint scenarios; /* memory scenarios that run */
    uint32_t n;
    vkw_stress_importer imp[VKW_STRESS_IMPORTERS_MAX];
    vkw_stress_worker wk[VKW_STRESS_IMPORTERS_MAX];
    vkw_instance sampler_inst; /* the sampler's own (no validation): memory in use */
    VkPhysicalDevice sampler_pd;
    bool sampler_opened;
    atomic_bool stop;
    atomic_uint_fast64_t tickets; /* operations begun */
    atomic_uint workers_started, workers_done;
    atomic_bool all_started;
    atomic_uint_fast64_t last_op_ns; /* the last worker's end of its operations */
    uint64_t t0;
    /* Under stats: */
    vkw_mutex *stats;
    vkw_latency_hist hist_interval[VKW_STRESS_OP_COUNT], hist_run[VKW_STRESS_OP_COUNT];
    uint32_t ops_interval[VKW_STRESS_OP_COUNT];
    uint32_t failed_interval;
    uint32_t faults_injected, faults_detected;
} vkw_stress_state;

/* A uniform draw from the worker's seeded generator (splitmix64). */
uint64_t vkw_stress_rand(vkw_stress_worker *w);

/* The importer's start (spawn and hello on the run's device) and its end
 * (quit, or killed when out of step), under its lock. */
vkw_status vkw_stress_importer_start(vkw_stress_state *run, vkw_stress_importer *imp,
                                     vkw_error *err);
void vkw_stress_importer_stop(vkw_stress_state *run, vkw_stress_importer *imp, bool polite);
/* Kills the importer's process now (chaos), under its lock. */
void vkw_stress_importer_kill(vkw_stress_importer *imp);
/* One request and its reply within timeout_ms. */
vkw_status vkw_stress_request(vkw_stress_importer *imp, const void *msg, size_t len,
                              const vkw_handle *handles, uint32_t handle_count,
                              vkw_msg_type reply_type, void *reply, size_t reply_len,
                              uint32_t timeout_ms, vkw_error *err);

/* The operations (stress_ops.c). Each runs under its importer's lock (fan-out
 * and signal: every importer's) and fills out. */
void vkw_stress_op_memory(vkw_stress_worker *w, vkw_stress_importer *imp, int32_t chaos,
                          vkw_stress_outcome *out);
void vkw_stress_op_fanout(vkw_stress_worker *w, vkw_stress_outcome *out);
void vkw_stress_op_sync(vkw_stress_worker *w, vkw_stress_importer *imp, vkw_stress_op op,
                        int32_t chaos, vkw_stress_outcome *out);
void vkw_stress_op_signal(vkw_stress_worker *w, vkw_stress_outcome *out);
/* Releases the worker's memory in flight, here and in its importer. */
void vkw_stress_release_slots(vkw_stress_worker *w, vkw_stress_importer *imp);

#endif
