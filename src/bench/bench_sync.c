/* The bench's round trips: OS baselines and Vulkan semaphores and fences,
 * with the child process or a thread of this process as the other side. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_sync.h"
#include "vk/external.h"
#include "vk/sync.h"

/* Which handle types of the family of this OS a process peer can use. */
static vkw_handle_family native_family(void)
{
    return vkw_platform_os() == VKW_OS_WINDOWS ? VKW_FAMILY_WIN32 : VKW_FAMILY_POSIX_FD;
}

static vkw_sync_result *add_result(vkw_bench_report *b, vkw_sync_mode mode, vkw_peer peer)
{
    vkw_sync_result *r = &b->sync[b->sync_count++];
    memset(r, 0, sizeof *r);
    r->mode = mode;
    r->peer = peer;
    r->os_kind = -1;
    r->type_index = -1;
    r->baseline = -1;
    r->vulkan_result = -1;
    r->timeline = mode != VKW_SYNC_OS && mode != VKW_SYNC_FENCE && mode != VKW_SYNC_QUEUE_BINARY;
    return r;
}

static void skip(vkw_sync_result *r, vkw_status s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void skip(vkw_sync_result *r, vkw_status s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
    va_end(ap);
    r->outcome = VKW_OUTCOME_SKIPPED;
    r->status = s;
}

static void plan_d3d12_fences(bench_ctx *c, vkw_sync_result *r)
{
    const vkw_handle_type *t = vkw_handle_type_by_name(
        vkw_semaphore_handle_types, VKW_SEMAPHORE_HANDLE_TYPE_COUNT, "D3D12_FENCE");
    r->type_index = (int32_t)(t - vkw_semaphore_handle_types);
    r->importer = VKW_IMPORTER_VULKAN;
    r->exporter = VKW_EXPORTER_D3D12;
    const vkw_bench_exporter *e = &c->b->exporter;
    if (!e->available)
        skip(r, e->status == VKW_E_UNSUPPORTED ? VKW_E_UNSUPPORTED : VKW_E_SHARING, "d3d12: %.200s",
             e->reason);
    else if (!c->dev.timeline)
        skip(r, VKW_E_UNSUPPORTED, "the device has no timeline semaphores");
}

/* Lists every mode to run or skip, in the order they run. */
static vkw_status plan(bench_ctx *c, const vkw_device_report *dr, vkw_error *err)
{
    const vkw_bench_options *o = c->opts;
    vkw_bench_report *b = c->b;
    size_t most =
        (size_t)VKW_PEER_COUNT * VKW_IMPORTER_COUNT *
        (VKW_PINGPONG_KIND_COUNT +
         VKW_SYNC_MODE_COUNT * (VKW_SEMAPHORE_HANDLE_TYPE_COUNT + VKW_FENCE_HANDLE_TYPE_COUNT + 1));
    uint32_t importers = o->importers ? o->importers : 1u << VKW_IMPORTER_VULKAN;
    b->sync = calloc(most, sizeof *b->sync);
    if (!b->sync)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory planning round trips");
    for (uint32_t p = 0; p < VKW_PEER_COUNT; p++) {
        if (!(o->peers & (1u << p)))
            continue;
        if (o->sync_modes & (1u << VKW_SYNC_OS))
            for (uint32_t k = 0; k < VKW_PINGPONG_KIND_COUNT; k++)
                if (vkw_pingpong_kind_available((vkw_os_pingpong_kind)k))
                    add_result(b, VKW_SYNC_OS, (vkw_peer)p)->os_kind = (int32_t)k;
        for (uint32_t m = VKW_SYNC_HOST_TIMELINE; m < VKW_SYNC_MODE_COUNT; m++) {
            if (!(o->sync_modes & (1u << m)))
                continue;
            if (p == VKW_PEER_THREAD) {
                vkw_sync_result *r = add_result(b, (vkw_sync_mode)m, VKW_PEER_THREAD);
                if (r->timeline && !c->dev.timeline)
                    skip(r, VKW_E_UNSUPPORTED, "the device has no timeline semaphores");
                else if (m == VKW_SYNC_GPU_CHAIN && !c->dev.queue2)
                    skip(r, VKW_E_UNSUPPORTED,
                         "one queue in the family: a GPU-only chain "
                         "within one process needs two");
                else if (m == VKW_SYNC_FENCE)
                    /* One VkFence, submitted by one thread while the other waits on
                     * it: vkQueueSubmit's fence is externally synchronized. Across
                     * processes each side has its own VkFence on one payload. */
                    skip(r, VKW_E_UNSUPPORTED,
                         "one VkFence cannot be submitted by one thread "
                         "while another waits on it (vkQueueSubmit: "
                         "fence is externally synchronized)");
                continue;
            }
            if (o->exporter != VKW_EXPORTER_VULKAN) {
                /* --exporter d3d12: its fences, signalled and waited for by
                 * this side's host, against the child's Vulkan timeline. */
                if (o->exporter == VKW_EXPORTER_D3D12 && m == VKW_SYNC_HOST_TIMELINE)
                    plan_d3d12_fences(c, add_result(b, (vkw_sync_mode)m, VKW_PEER_PROCESS));
                continue;
            }
            bool fences = vkw_sync_mode_uses_fences((vkw_sync_mode)m);
            const vkw_handle_type *table =
                fences ? vkw_fence_handle_types : vkw_semaphore_handle_types;
            size_t n = fences ? VKW_FENCE_HANDLE_TYPE_COUNT : VKW_SEMAPHORE_HANDLE_TYPE_COUNT;
            /* Each importer's side in turn, Vulkan's first. */
            for (size_t ti = 0; ti < n * VKW_IMPORTER_COUNT; ti++) {
                size_t t = ti % n;
                vkw_importer api = (vkw_importer)(ti / n);
                if (table[t].family != native_family() || !(importers & (1u << api)))
                    continue;
                vkw_sync_result *r = add_result(b, (vkw_sync_mode)m, VKW_PEER_PROCESS);
                r->type_index = (int32_t)t;
                r->importer = api;
                const vkw_bench_importer *bi = &b->importers[api];
                const vkw_verdict *v =
                    fences ? &dr->fence_verdict[t] : &dr->semaphore_verdict[t][r->timeline ? 1 : 0];
                if (v->code != VKW_VERDICT_SHAREABLE)
                    skip(r, VKW_E_UNSUPPORTED, "%s: %s", vkw_verdict_code_name(v->code), v->detail);
                else if (api != VKW_IMPORTER_VULKAN && !bi->available)
                    skip(r, bi->status == VKW_E_UNSUPPORTED ? VKW_E_UNSUPPORTED : VKW_E_SHARING,
                         "%s: %.200s", vkw_importer_name(api), bi->reason);
                else if (r->timeline && !c->dev.timeline)
                    skip(r, VKW_E_UNSUPPORTED, "the device has no timeline semaphores");
                else if (m == VKW_SYNC_QUEUE_BINARY &&
                         table[t].bit == VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_D3D12_FENCE_BIT)
                    skip(r, VKW_E_UNSUPPORTED,
                         "a D3D12 fence's payload has values: binary waits "
                         "and signals on it need VkD3D12FenceSubmitInfoKHR, not modelled here");
                else if (table[t].transference == VKW_TRANSFERENCE_COPY)
                    skip(r, VKW_E_UNSUPPORTED,
                         "%s has copy transference: a new export per "
                         "signal, which these reference round trips do not model",
                         table[t].name);
            }
        }
    }
    return VKW_OK;
}

/* The OS primitive that orders a queue-binary round trip: the first of this OS's. */
static vkw_os_pingpong_kind order_kind(void)
{
    for (uint32_t k = 0; k < VKW_PINGPONG_KIND_COUNT; k++)
        if (vkw_pingpong_kind_available((vkw_os_pingpong_kind)k))
            return (vkw_os_pingpong_kind)k;
    return VKW_PINGPONG_KIND_COUNT;
}

/* The cost of one clock read, the median of many back to back. */
static double clock_overhead_ns(void)
{
    enum { N = 2001 };
    static double d[N];
    uint64_t prev = vkw_clock_ns();
    for (int i = 0; i < N; i++) {
        uint64_t now = vkw_clock_ns();
        d[i] = (double)(now - prev);
        prev = now;
    }
    vkw_summary s;
    vkw_summarize(d, N, &s);
    return s.median;
}

/* Round trips per timed sample: 1, or 2 under --fault double-round-trips
 * (the work of every timed round trip really done twice). */
static uint32_t per_sample(const bench_ctx *c)
{
    return c->opts->fault == VKW_FAULT_DOUBLE_ROUND_TRIPS ? 2 : 1;
}

/* The rounds a mode's timed loop asks of the other side, warm-up included. */
static uint32_t timed_rounds(const bench_ctx *c)
{
    return c->opts->warmup + c->opts->round_trips * per_sample(c);
}

/* --exporter d3d12: this side's two shared fences. A round: A signalled
 * to the round's value by the host (ID3D12Fence::Signal), then B waited
 * for until the child's Vulkan timeline answer reaches it. */
typedef struct d3d12_fences {
    vkw_d3d_object *a, *b;
    uint64_t round;
} d3d12_fences;

static vkw_status ping(vkw_sync_side *side, d3d12_fences *df, uint32_t timeout_ms, vkw_error *err)
{
    if (!df)
        return vkw_sync_ping(side, timeout_ms, err);
    uint64_t v = ++df->round;
    vkw_status s = vkw_d3d_fence_signal(df->a, v, err);
    if (s == VKW_OK)
        s = vkw_d3d_fence_wait(df->b, v, timeout_ms, err);
    return s;
}

/* Makes and exports the two fences (each handle the caller's). */
static vkw_status d3d12_fences_make(bench_ctx *c, const vkw_handle_type *t, d3d12_fences *df,
                                    vkw_handle handles[2], vkw_error *err)
{
    vkw_d3d_desc none = {0};
    vkw_d3d_object **obj[2] = {&df->a, &df->b};
    vkw_status s = VKW_OK;
    for (int i = 0; s == VKW_OK && i < 2; i++) {
        s = vkw_d3d_make(c->d3d, t, &none, obj[i], err);
        if (s == VKW_OK)
            s = vkw_d3d_share(*obj[i], &handles[i], err);
    }
    if (s != VKW_OK) {
        char why[512];
        snprintf(why, sizeof why, "%.500s", err->message);
        s = vkw_fail(err, s, "d3d12: %s", why);
    }
    return s;
}

/* The timed loop: one ping per sample, one clock read per ping. */
static vkw_status time_pings(bench_ctx *c, vkw_sync_side *side, d3d12_fences *df, double *samples,
                             vkw_error *err)
{
    const vkw_bench_options *o = c->opts;
    uint32_t total = o->warmup + o->round_trips;
    vkw_status s = VKW_OK;
    if (per_sample(c) > 1)
        c->fault_pending = false;
    uint64_t prev = vkw_clock_ns();
    for (uint32_t i = 0; i < total; i++) {
        /* One atomic read: a stop request is seen between round trips too. */
        if (vkw_stop_requested() != VKW_STOP_NONE)
            return vkw_stop_check(err);
        s = ping(side, df, o->timeout_ms, err);
        if (s == VKW_OK && i >= o->warmup && per_sample(c) > 1)
            s = ping(side, df, o->timeout_ms, err);
        uint64_t now = vkw_clock_ns();
        if (s == VKW_E_INTERRUPTED)
            return s;
        if (s != VKW_OK) {
            char why[512];
            snprintf(why, sizeof why, "%.400s", err->message);
            return vkw_fail(err, s, "round trip %u of %u (%s): %s", i + 1, total,
                            i < o->warmup ? "warm-up" : "timed", why);
        }
        if (i >= o->warmup)
            samples[i - o->warmup] = (double)(now - prev);
        prev = now;
    }
    return VKW_OK;
}

/* A GPU chain: VKW_BENCH_CHAINS chains of round_trips batches; a sample is
 * a chain's time over its rounds. The ponger's batches are already queued. */
static vkw_status time_chains(bench_ctx *c, vkw_sync_side *side, double *samples, vkw_error *err)
{
    uint32_t n = c->opts->round_trips * per_sample(c);
    if (per_sample(c) > 1)
        c->fault_pending = false;
    for (uint32_t k = 0; k < VKW_BENCH_CHAINS; k++) {
        uint64_t first = (uint64_t)k * n + 1;
        vkw_status s = vkw_sync_chain_submit(side, true, first, n, k + 1, err);
        if (s != VKW_OK)
            return s;
        uint64_t t0 = vkw_clock_ns();
        s = vkw_sync_chain_run(side, k + 1, first + n - 1, c->opts->timeout_ms, err);
        uint64_t t1 = vkw_clock_ns();
        if (s != VKW_OK)
            return s;
        samples[k] = (double)(t1 - t0) / c->opts->round_trips;
    }
    return VKW_OK;
}

/* The rounds the other side answers: all, or under --fault lost-signal (for
 * the first mode that gets to its timed loop) only the warm-up, so the first
 * timed wait is lost. */
static uint32_t answered_rounds(const bench_ctx *c)
{
    if (c->opts->fault == VKW_FAULT_LOST_SIGNAL && c->fault_pending)
        return c->opts->warmup;
    return timed_rounds(c);
}

/* The timed loop is about to run with the other side answering `answered`:
 * a lost signal is committed now, not when the mode was planned. */
static void fault_committed(bench_ctx *c, uint32_t answered)
{
    if (answered < timed_rounds(c))
        c->fault_pending = false;
}

static uint32_t chain_rounds(const bench_ctx *c)
{
    return VKW_BENCH_CHAINS * c->opts->round_trips * per_sample(c);
}

/* ---- The other side in a thread of this process ---------------------------- */

typedef struct peer_thread {
    vkw_sync_side side;
    uint32_t rounds; /* answered; fewer than the pinger's under --fault lost-signal */
    uint32_t timeout_ms;
    int32_t pin;
    vkw_status status;
    vkw_error err;
} peer_thread;

static void peer_thread_main(void *arg)
{
    peer_thread *pt = arg;
    pt->status = VKW_OK;
    if (pt->pin >= 0)
        pt->status = vkw_thread_pin((uint32_t)pt->pin, &pt->err);
    for (uint32_t i = 0; pt->status == VKW_OK && i < pt->rounds; i++)
        pt->status = vkw_sync_pong(&pt->side, pt->timeout_ms, &pt->err);
}

static vkw_status run_thread_peer(bench_ctx *c, vkw_sync_result *r, vkw_sync_side *side,
                                  double *samples, vkw_error *err)
{
    const vkw_bench_options *o = c->opts;
    atomic_flag lock = ATOMIC_FLAG_INIT;
    peer_thread pt;
    memset(&pt, 0, sizeof pt);
    pt.rounds = r->mode == VKW_SYNC_GPU_CHAIN ? 0 : answered_rounds(c);
    pt.timeout_ms = o->timeout_ms;
    pt.pin = o->pin_child;
    vkw_status s;
    if (r->mode == VKW_SYNC_OS) {
        vkw_handle peer[VKW_PINGPONG_MAX_HANDLES];
        uint32_t n = 0;
        s = vkw_pingpong_create((vkw_os_pingpong_kind)r->os_kind, &side->pp, peer, &n, err);
        if (s == VKW_OK)
            s = vkw_pingpong_open_peer((vkw_os_pingpong_kind)r->os_kind, peer, n, &pt.side.pp, err);
        pt.side.mode = VKW_SYNC_OS;
        side->mode = VKW_SYNC_OS;
    } else {
        s = vkw_sync_side_create(side, r->mode, &c->dev, NULL, NULL, err);
        if (s == VKW_OK) {
            /* A second queue where there is one; else both threads share the
             * first, under a lock (a queue is externally synchronized). */
            bool two = c->dev.queue2 != VK_NULL_HANDLE;
            vkw_sync_side_borrow(&pt.side, side, two ? c->dev.queue2 : c->dev.queue,
                                 two ? NULL : &lock);
            side->queue_lock = two ? NULL : &lock;
        }
        if (s == VKW_OK && r->mode == VKW_SYNC_QUEUE_BINARY) {
            vkw_handle peer[VKW_PINGPONG_MAX_HANDLES];
            uint32_t n = 0;
            s = vkw_pingpong_create(order_kind(), &side->pp, peer, &n, err);
            if (s == VKW_OK)
                s = vkw_pingpong_open_peer(order_kind(), peer, n, &pt.side.pp, err);
        }
    }
    if (s != VKW_OK)
        goto cleanup;
    if (r->mode == VKW_SYNC_GPU_CHAIN) {
        /* No host in the loop: this thread queues the other side's batches. */
        s = vkw_sync_chain_submit(&pt.side, false, 1, chain_rounds(c), 0, err);
        if (s == VKW_OK)
            s = time_chains(c, side, samples, err);
        goto cleanup;
    }
    vkw_thread *thread = NULL;
    s = vkw_thread_start(peer_thread_main, &pt, &thread, err);
    if (s != VKW_OK)
        goto cleanup;
    fault_committed(c, pt.rounds);
    s = time_pings(c, side, NULL, samples, err);
    vkw_thread_join(thread); /* its every wait ends at the timeout */
    if (s == VKW_OK && pt.status != VKW_OK) {
        s = pt.status;
        *err = pt.err;
    }

cleanup:
    /* Both threads' batches are on this device: either may wait forever. */
    side->pending_waits |= pt.side.pending_waits;
    vkw_sync_side_settle(side, s == VKW_OK);
    vkw_sync_side_release(&pt.side);
    vkw_sync_side_release(side);
    return s;
}

/* ---- The other side in the child process ----------------------------------- */

/* The parent's copies of what it sent: the objects' handles as their type
 * says (a KMT value is not closed), the ordering primitive's as plain handles. */
static void release_handles(const vkw_handle_type *t, vkw_handle *handles, uint32_t objects,
                            uint32_t order)
{
    for (uint32_t i = 0; i < 2 + order; i++) {
        if (i >= objects && i < 2)
            continue;
        if (t && i < 2)
            vkw_external_handle_release(t, handles[i]);
        else
            vkw_handle_close(handles[i]);
        handles[i] = VKW_NO_HANDLE;
    }
}

static vkw_status run_process_peer(bench_ctx *c, vkw_sync_result *r, vkw_sync_side *side,
                                   double *samples, vkw_error *err)
{
    const vkw_bench_options *o = c->opts;
    vkw_handle handles[2 + VKW_PINGPONG_MAX_HANDLES] = {VKW_NO_HANDLE, VKW_NO_HANDLE, VKW_NO_HANDLE,
                                                        VKW_NO_HANDLE};
    uint32_t handle_count = 0, order_count = 0; /* the objects', then the ordering primitive's */
    const vkw_handle_type *t = vkw_sync_result_type(r);
    vkw_status s;
    vkw_msg_sync msg;
    vkw_msg_init(&msg.h, VKW_MSG_SYNC, ++c->seq, sizeof msg);
    msg.mode = r->mode;
    msg.importer = r->importer;
    msg.os_kind = r->os_kind;
    msg.handle_type = t ? t->bit : 0;
    msg.rounds = r->mode == VKW_SYNC_GPU_CHAIN ? chain_rounds(c) : timed_rounds(c);
    msg.answer = r->mode == VKW_SYNC_GPU_CHAIN ? msg.rounds : answered_rounds(c);
    msg.timeout_ms = o->timeout_ms;
    msg.pin_cpu = o->pin_child;
    d3d12_fences df = {0};
    bool d3d = r->exporter == VKW_EXPORTER_D3D12;
    if (d3d) {
        s = d3d12_fences_make(c, t, &df, handles, err);
        if (s == VKW_OK)
            handle_count = 2;
        else /* what was exported before the failure is closed below */
            handle_count = handles[0] != VKW_NO_HANDLE ? 2 : 0;
        /* Then whether the child's Vulkan can import them at all: only a
         * driver without the extension is known not to (D3D made them). */
        const vkw_device_report *dr = &c->report->devices[c->b->device_index];
        const vkw_verdict *v = &dr->semaphore_verdict[r->type_index][1];
        if (s == VKW_OK &&
            (v->code == VKW_VERDICT_EXTENSION_MISSING || v->code == VKW_VERDICT_NOT_ON_THIS_OS))
            s = vkw_fail(err, VKW_E_UNSUPPORTED,
                         "Vulkan on '%s' cannot import a D3D12 fence as a timeline: %s: %s",
                         c->b->device_name, vkw_verdict_code_name(v->code), v->detail);
    } else if (r->mode == VKW_SYNC_OS) {
        side->mode = VKW_SYNC_OS;
        s = vkw_pingpong_create((vkw_os_pingpong_kind)r->os_kind, &side->pp, handles, &handle_count,
                                err);
    } else {
        /* --nt-names: NT semaphores and fences travel by name; the exported
         * handles keep the named objects alive until the child has imported them. */
        bool named = o->nt_names && t && vkw_handle_type_nameable(t);
        const char *names[2] = {msg.nt_names[0], msg.nt_names[1]};
        if (named) {
            vkw_bench_nt_name(c, msg.nt_names[0], sizeof msg.nt_names[0]);
            vkw_bench_nt_name(c, msg.nt_names[1], sizeof msg.nt_names[1]);
        }
        s = vkw_sync_side_create(side, r->mode, &c->dev, t, named ? names : NULL, err);
        if (s == VKW_OK)
            s = vkw_sync_side_export(side, t, handles, err);
        if (s == VKW_OK)
            handle_count = 2;
        if (s == VKW_OK && r->mode == VKW_SYNC_QUEUE_BINARY) {
            msg.os_kind = (int32_t)order_kind();
            s = vkw_pingpong_create(order_kind(), &side->pp, handles + 2, &order_count, err);
        }
    }
    /* Not attached: values (KMT) and names (--nt-names). */
    bool by_value = t && (vkw_handle_travels_by_value(t) || msg.nt_names[0][0]);
    if (t && vkw_handle_travels_by_value(t)) {
        msg.values[0] = (uint64_t)handles[0];
        msg.values[1] = (uint64_t)handles[1];
    }
    if (s != VKW_OK)
        goto cleanup;
    snprintf(c->b->child_activity, sizeof c->b->child_activity, "%s round trips%s%s",
             vkw_sync_mode_name(r->mode), t ? " with " : "", t ? t->name : "");
    vkw_msg_sync_reply ready;
    /* Attached: the objects' handles (unless they travel by value), then the
     * ordering primitive's. */
    vkw_handle attach[2 + VKW_PINGPONG_MAX_HANDLES];
    uint32_t attached = 0;
    for (uint32_t i = by_value ? 2 : 0; i < 2 + order_count; i++)
        if (i < handle_count || i >= 2)
            attach[attached++] = handles[i];
    s = vkw_bench_request(c, &msg, sizeof msg, attach, attached, VKW_MSG_SYNC, &ready, sizeof ready,
                          o->timeout_ms, err);
    /* The child has its own now (or nothing, if the send failed). */
    release_handles(t, handles, handle_count, order_count);
    if (s != VKW_OK)
        goto cleanup;
    s = vkw_msg_outcome_get(&ready.outcome, err);
    if (s != VKW_OK) {
        char why[512];
        snprintf(why, sizeof why, "%.400s", err->message);
        s = vkw_fail(err, s == VKW_E_UNSUPPORTED ? s : VKW_E_SHARING,
                     "the child could not take its side: %s", why);
        goto cleanup;
    }
    if (r->mode != VKW_SYNC_GPU_CHAIN)
        fault_committed(c, msg.answer);
    vkw_status timed = r->mode == VKW_SYNC_GPU_CHAIN
                           ? time_chains(c, side, samples, err)
                           : time_pings(c, side, d3d ? &df : NULL, samples, err);
    vkw_error derr;
    vkw_msg_sync_reply done;
    uint32_t got = 0;
    /* The child's part ends by itself: its last wait began before this
     * side's loop ended, and lasts at most the timeout. */
    s = vkw_msg_recv(c->ch, VKW_MSG_SYNC_DONE, msg.h.seq, &done, sizeof done, NULL, 0, &got,
                     o->timeout_ms, c->b->child_activity, &derr);
    if (s != VKW_OK) {
        s = vkw_bench_child_failed(c, s, &derr);
        if (timed == VKW_OK || s == VKW_E_INTERRUPTED)
            *err = derr;
        goto cleanup;
    }
    s = timed;
    if (s == VKW_OK && (s = vkw_msg_outcome_get(&done.outcome, err)) != VKW_OK) {
        char why[512];
        snprintf(why, sizeof why, "%.400s", err->message);
        s = vkw_fail(err, s, "the child's side failed: %s", why);
    }

cleanup:
    vkw_sync_side_settle(side, s == VKW_OK);
    release_handles(t, handles, handle_count, order_count);
    vkw_sync_side_release(side);
    vkw_d3d_object_release(df.a);
    vkw_d3d_object_release(df.b);
    return s;
}

/* One repeat of a mode (its warm-up and timed loop) into samples (n of
 * them); its p50 and p99 kept. False, with the mode's outcome and reason set,
 * when it did not pass (an interrupted one stays not run). */
static bool run_repeat(bench_ctx *c, vkw_sync_result *r, uint32_t k, double *samples, uint32_t n)
{
    vkw_error err;
    vkw_error_clear(&err);
    vkw_sync_side side;
    memset(&side, 0, sizeof side);
    double *one = malloc(n * sizeof *one);
    vkw_status s = one ? VKW_OK : vkw_fail(&err, VKW_E_NO_MEMORY, "out of host memory");
    if (s == VKW_OK)
        s = r->peer == VKW_PEER_THREAD ? run_thread_peer(c, r, &side, samples, &err)
                                       : run_process_peer(c, r, &side, samples, &err);
    if (s == VKW_OK) {
        vkw_distribution d;
        memcpy(one, samples, n * sizeof *one);
        vkw_distribution_of(one, n, &d);
        r->repeat_p50[k] = d.p50;
        r->repeat_p99[k] = d.p99;
        r->repeat_count = k + 1;
    } else if (s == VKW_E_INTERRUPTED) {
        snprintf(r->reason, sizeof r->reason, "not run to the end: %.200s", err.message);
    } else {
        r->outcome = s == VKW_E_UNSUPPORTED ? VKW_OUTCOME_SKIPPED : VKW_OUTCOME_FAILED;
        r->status = s;
        snprintf(r->reason, sizeof r->reason, "%.250s", err.message);
    }
    free(one);
    return s == VKW_OK;
}

/* A mode whose every repeat passed: its distribution over every sample. */
static void conclude_mode(const bench_ctx *c, vkw_sync_result *r, double *samples, uint32_t n)
{
    size_t all = (size_t)n * r->repeat_count;
    r->outcome = VKW_OUTCOME_PASSED;
    if (c->opts->keep_samples) {
        double *copy = malloc(all * sizeof *copy);
        if (copy) {
            memcpy(copy, samples, all * sizeof *copy);
            r->samples = copy;
            r->sample_count = (uint32_t)all;
        }
    }
    vkw_distribution_of(samples, all, &r->rt);
}

/* Each mode against the fastest OS baseline of the same peer, by median. */
static void ratios(vkw_bench_report *b)
{
    for (uint32_t i = 0; i < b->sync_count; i++) {
        vkw_sync_result *r = &b->sync[i];
        for (uint32_t k = 0; k < b->sync_count; k++) {
            const vkw_sync_result *base = &b->sync[k];
            if (base->mode != VKW_SYNC_OS || base->peer != r->peer ||
                base->outcome != VKW_OUTCOME_PASSED)
                continue;
            if (r->baseline < 0 || base->rt.p50 < b->sync[r->baseline].rt.p50)
                r->baseline = (int32_t)k;
        }
        /* Another API's side against Vulkan's, same mode and handle type. */
        r->vulkan_result = -1;
        for (uint32_t k = 0; r->importer != VKW_IMPORTER_VULKAN && k < b->sync_count; k++) {
            const vkw_sync_result *v = &b->sync[k];
            if (v->importer == VKW_IMPORTER_VULKAN && v->mode == r->mode && v->peer == r->peer &&
                v->type_index == r->type_index && v->outcome == VKW_OUTCOME_PASSED)
                r->vulkan_result = (int32_t)k;
        }
        if (r->vulkan_result >= 0 && r->outcome == VKW_OUTCOME_PASSED) {
            const vkw_distribution *d = &b->sync[r->vulkan_result].rt;
            r->vulkan_ratio_p50 = d->p50 > 0 ? r->rt.p50 / d->p50 : -1;
            r->vulkan_ratio_p99 = d->p99 > 0 ? r->rt.p99 / d->p99 : -1;
        }
        if (r->baseline >= 0 && r->outcome == VKW_OUTCOME_PASSED) {
            const vkw_distribution *d = &b->sync[r->baseline].rt;
            r->ratio_p50 = d->p50 > 0 ? r->rt.p50 / d->p50 : 0;
            /* A chain's samples are means of whole chains: no tail to compare. */
            r->ratio_p99 = d->p99 > 0 && r->mode != VKW_SYNC_GPU_CHAIN ? r->rt.p99 / d->p99 : -1;
        }
    }
}

vkw_status vkw_bench_sync_run(bench_ctx *c, vkw_error *err)
{
    vkw_bench_report *b = c->b;
    const vkw_device_report *dr = &c->report->devices[b->device_index];
    b->timer_resolution_ns = vkw_clock_resolution_ns();
    b->timer_overhead_ns = clock_overhead_ns();
    vkw_status s = plan(c, dr, err);
    if (s != VKW_OK)
        return s;
    if (c->opts->pin_parent >= 0 &&
        (s = vkw_thread_pin((uint32_t)c->opts->pin_parent, err)) != VKW_OK) {
        for (uint32_t i = 0; i < b->sync_count; i++)
            if (b->sync[i].outcome == VKW_OUTCOME_NOT_RUN)
                snprintf(b->sync[i].reason, sizeof b->sync[i].reason, "not run: %.240s",
                         err->message);
        goto tally;
    }
    /* --repeat: whole passes over every mode, so each repeat of a mode is
     * seconds from the next and the repeats see the machine's run-to-run
     * changes (load, clocks), not one moment of it. */
    uint32_t reps = c->opts->repeat ? c->opts->repeat : 1;
    double **bufs = calloc(b->sync_count ? b->sync_count : 1, sizeof *bufs);
    if (!bufs) {
        s = vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory for the round trips");
        goto tally;
    }
    for (uint32_t i = 0; i < b->sync_count; i++) {
        vkw_sync_result *r = &b->sync[i];
        uint32_t n = r->mode == VKW_SYNC_GPU_CHAIN ? VKW_BENCH_CHAINS : c->opts->round_trips;
        if (r->outcome != VKW_OUTCOME_NOT_RUN)
            continue;
        c->steps_total += reps;
        bufs[i] = calloc((size_t)n * reps, sizeof *bufs[i]);
        r->repeat_p50 = calloc(reps, sizeof *r->repeat_p50);
        r->repeat_p99 = calloc(reps, sizeof *r->repeat_p99);
        if (!bufs[i] || !r->repeat_p50 || !r->repeat_p99) {
            r->outcome = VKW_OUTCOME_FAILED;
            r->status = VKW_E_NO_MEMORY;
            snprintf(r->reason, sizeof r->reason, "out of host memory for its samples");
        }
    }
    for (uint32_t k = 0; k < reps; k++)
        for (uint32_t i = 0; i < b->sync_count; i++) {
            vkw_sync_result *r = &b->sync[i];
            if (r->outcome != VKW_OUTCOME_NOT_RUN || r->repeat_count != k || r->reason[0])
                continue; /* decided, or an earlier repeat did not pass */
            if ((s = vkw_stop_check(err)) != VKW_OK) {
                snprintf(r->reason, sizeof r->reason, "not run: %.240s", err->message);
                continue;
            }
            const vkw_handle_type *t = vkw_sync_result_type(r);
            char step[160], rep[48] = "";
            if (reps > 1)
                snprintf(rep, sizeof rep, ", repeat %u of %u", k + 1, reps);
            snprintf(step, sizeof step, "round trips %s%s%s, %s peer%s%s%s",
                     vkw_sync_mode_name(r->mode), r->mode == VKW_SYNC_OS ? " " : (t ? " " : ""),
                     r->mode == VKW_SYNC_OS
                         ? vkw_pingpong_kind_name((vkw_os_pingpong_kind)r->os_kind)
                         : (t ? t->name : ""),
                     vkw_peer_name(r->peer), r->importer != VKW_IMPORTER_VULKAN ? " in " : "",
                     r->importer != VKW_IMPORTER_VULKAN ? vkw_importer_name(r->importer) : "", rep);
            vkw_bench_progress(c, step, "%u round trips",
                               r->mode == VKW_SYNC_GPU_CHAIN ? chain_rounds(c)
                                                             : c->opts->round_trips);
            c->steps_done++;
            if (r->peer == VKW_PEER_PROCESS && c->child_failed) {
                snprintf(r->reason, sizeof r->reason, "not run: the child process had ended");
                continue;
            }
            if (r->mode != VKW_SYNC_OS && c->dev.wedged) {
                snprintf(r->reason, sizeof r->reason, "not run: the device is wedged");
                continue;
            }
            uint32_t n = r->mode == VKW_SYNC_GPU_CHAIN ? VKW_BENCH_CHAINS : c->opts->round_trips;
            if (run_repeat(c, r, k, bufs[i] + (size_t)k * n, n) && k + 1 == reps)
                conclude_mode(c, r, bufs[i], n);
            if (vkw_stop_requested() != VKW_STOP_NONE)
                s = vkw_stop_check(err);
        }
    for (uint32_t i = 0; i < b->sync_count; i++) {
        vkw_sync_result *r = &b->sync[i];
        if (r->outcome == VKW_OUTCOME_NOT_RUN && r->repeat_count && !r->reason[0])
            snprintf(r->reason, sizeof r->reason, "not run: stopped after %u of %u repeats",
                     r->repeat_count, reps);
        free(bufs[i]);
    }
    free(bufs);
    ratios(b);
tally:
    for (uint32_t i = 0; i < b->sync_count; i++) {
        b->sync_passed += b->sync[i].outcome == VKW_OUTCOME_PASSED;
        b->sync_failed += b->sync[i].outcome == VKW_OUTCOME_FAILED;
        b->sync_skipped += b->sync[i].outcome == VKW_OUTCOME_SKIPPED;
        b->sync_not_run += b->sync[i].outcome == VKW_OUTCOME_NOT_RUN;
    }
    return s;
}
