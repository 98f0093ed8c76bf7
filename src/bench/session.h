/* The parent's session with its child: what the memory half (bench.c) and
 * the round-trip half (bench_sync.c) of a bench share, the run's context and
 * the child's start, stop, requests and failure. Inside libvkw only. */
#ifndef VKW_BENCH_SESSION_H
#define VKW_BENCH_SESSION_H

#include "base/pattern.h"
#include "platform/platform.h"
#include "protocol.h"
#include "report/bench_report.h"
#include "report/report.h"
#include "vk/device.h"
#include "vk/gpu_pattern.h"
#include "vk/instance.h"
#include "vk/shared_memory.h"
#include "interop/d3d.h"

/* Everything one bench run holds; released in one place (bench_close). */
typedef struct bench_ctx {
    const vkw_bench_options *opts;
    vkw_report *report;
    vkw_bench_report *b;
    vkw_loader loader;
    vkw_instance inst;
    vkw_device dev;
    vkw_child *child;
    vkw_channel *ch;
    bool child_failed; /* crashed, hung or broke the protocol: no more requests */
    bool fault_pending;
    uint32_t threads;      /* host writes and CPU verification (--threads, resolved) */
    vkw_gpu_pattern gp;    /* the device's pattern, where --verify uses it */
    vkw_memory_method how; /* how this process writes and checks (--verify, resolved) */
    uint32_t seq;
    uint32_t steps_done, steps_total;
    uint32_t names; /* NT names given out */
    vkw_d3d *d3d;   /* --exporter d3d11|d3d12: the device that makes the memory */
} bench_ctx;

/* Starts the child and has it open the run's device (c->dev): the session's
 * start. Its end, vkw_bench_session_stop, asks the child to quit (or kills
 * it), reaps it and closes the channel; safe when it never started. */
vkw_status vkw_bench_session_start(bench_ctx *c, vkw_error *err);
void vkw_bench_session_stop(bench_ctx *c);

/* One request, one reply within reply_ms; any failure ends the child's part. */
vkw_status vkw_bench_request(bench_ctx *c, const void *msg, size_t len, const vkw_handle *handles,
                             uint32_t handle_count, vkw_msg_type reply_type, void *reply,
                             size_t reply_len, uint32_t reply_ms, vkw_error *err);
/* The child stopped answering: how it ended, and what it was doing. */
vkw_status vkw_bench_child_failed(bench_ctx *c, vkw_status why, vkw_error *err);
/* Progress: the step that runs ("OPAQUE_FD buffer-map 64 KiB") and how far
 * it is ("iteration 3 of 5"). */
void vkw_bench_progress(bench_ctx *c, const char *step, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The fault (vkw_fault) a memory cycle commits: --fault once, in the first
 * timed cycle; a leak in every timed one; none in a warm-up or after. */
uint32_t vkw_bench_memory_fault(bench_ctx *c, bool warmup);

/* A memory request (msg, with *send attached unless by_value) and the
 * child's steps to its answer in *rep, each within --timeout; the child's
 * activity reads "<first> <what>", then each step's verb and `what`
 * ("64 KiB OPAQUE_FD buffer-map memory (iteration 1)"). */
vkw_status vkw_bench_memory_request(bench_ctx *c, vkw_msg_memory *msg, vkw_handle *send,
                                    bool by_value, const char *first, const char *what,
                                    vkw_msg_memory_reply *rep, vkw_error *err);

/* The child's count of its open handles. */
vkw_status vkw_bench_child_handle_count(bench_ctx *c, uint32_t *out, vkw_error *err);

/* A fresh name for a named NT handle: "Local\\vkwin32h-<pid>-<n>". */
void vkw_bench_nt_name(bench_ctx *c, char *buf, size_t len);

#endif
