/* The stress run: the importers and their restarts, a worker thread per
 * importer drawing operations and faults from its seeded generator, the
 * sampler that records one point per interval, and the verdicts of the
 * series' trends. */
#include "stress.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/trend.h"
#include "bench/bench.h"
#include "platform/stop.h"
#include "probes/probe_run.h"
#include "stress_run.h"
#include "vk/external.h"

/* ---- The generator: splitmix64, one stream per worker ------------------- */

uint64_t vkw_stress_rand(vkw_stress_worker *w)
{
    uint64_t z = (w->rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double unit(vkw_stress_worker *w)
{
    return (double)(vkw_stress_rand(w) >> 11) / 9007199254740992.0;
}

/* ---- Importers ------------------------------------------------------------ */

vkw_status vkw_stress_request(vkw_stress_importer *imp, const void *msg, size_t len,
                              const vkw_handle *handles, uint32_t handle_count,
                              vkw_msg_type reply_type, void *reply, size_t reply_len,
                              uint32_t timeout_ms, vkw_error *err)
{
    const vkw_msg_header *h = msg;
    vkw_status s = vkw_channel_send(imp->ch, msg, len, handles, handle_count, err);
    if (s == VKW_OK)
        s = vkw_msg_recv(imp->ch, reply_type | VKW_MSG_REPLY, h->seq, reply, reply_len, NULL, 0,
                         &(uint32_t){0}, timeout_ms, imp->activity, err);
    return s;
}

void vkw_stress_importer_kill(vkw_stress_importer *imp)
{
    vkw_child_end end;
    vkw_mutex_lock(imp->proc_lock);
    if (imp->child)
        vkw_child_kill(imp->child, &end);
    vkw_mutex_unlock(imp->proc_lock);
}

void vkw_stress_importer_stop(vkw_stress_state *run, vkw_stress_importer *imp, bool polite)
{
    if (!imp->child)
        return;
    vkw_child_end end = {0};
    if (polite && imp->up && !imp->suspended && vkw_stop_requested() == VKW_STOP_NONE) {
        vkw_msg_header q;
        vkw_msg_quit_reply rep;
        vkw_error err;
        vkw_msg_init(&q, VKW_MSG_QUIT, ++imp->seq, sizeof q);
        snprintf(imp->activity, sizeof imp->activity, "closing its device");
        if (vkw_stress_request(imp, &q, sizeof q, NULL, 0, VKW_MSG_QUIT, &rep, sizeof rep,
                               run->opts->timeout_ms, &err) == VKW_OK)
            atomic_store(&imp->validation, rep.validation_errors);
        vkw_mutex_lock(imp->proc_lock);
        vkw_child_wait(imp->child, run->opts->timeout_ms, &end);
        vkw_mutex_unlock(imp->proc_lock);
    }
    vkw_mutex_lock(imp->proc_lock);
    if (!end.ended)
        vkw_child_poll(imp->child, &end);
    if (end.ended && !polite)
        if (!end.ended)
            vkw_child_kill(imp->child, &end);
    vkw_child_free(imp->child);
    imp->child = NULL;
    vkw_mutex_unlock(imp->proc_lock);
    vkw_channel_close(imp->ch);
    imp->ch = NULL;
    imp->up = false;
    imp->suspended = false;
    atomic_fetch_add(&imp->validation_past, atomic_exchange(&imp->validation, 0));
}

vkw_status vkw_stress_importer_start(vkw_stress_state *run, vkw_stress_importer *imp,
                                     vkw_error *err)
{
    vkw_child *child = NULL;
    vkw_channel *ch = NULL;
    snprintf(imp->activity, sizeof imp->activity, "starting");
    vkw_status s = vkw_child_spawn(&child, &ch, err);
    if (s != VKW_OK)
        return s;
    vkw_mutex_lock(imp->proc_lock);
    imp->child = child;
    imp->life++;
    vkw_mutex_unlock(imp->proc_lock);
    imp->ch = ch;
    vkw_msg_hello hello;
    memset(&hello, 0, sizeof hello);
    vkw_msg_init(&hello.h, VKW_MSG_HELLO, ++imp->seq, sizeof hello);
    snprintf(hello.tool_version, sizeof hello.tool_version, "%s", VKW_TOOL_VERSION);
    snprintf(hello.loader_path, sizeof hello.loader_path, "%s",
             run->opts->loader_path ? run->opts->loader_path : "");
    hello.validate = run->opts->validate;
    hello.timeout_ms = run->opts->timeout_ms;
    hello.device = run->id;
    vkw_msg_hello_reply rep;
    snprintf(imp->activity, sizeof imp->activity, "opening the device");
    /* Opening a device (under the validation layer, on a loaded machine)
     * may take longer than one operation. */
    s = vkw_stress_request(imp, &hello, sizeof hello, NULL, 0, VKW_MSG_HELLO, &rep, sizeof rep,
                           run->opts->timeout_ms * 4, err);
    if (s == VKW_OK && (s = vkw_msg_outcome_get(&rep.outcome, err)) != VKW_OK) {
        char why[400];
        snprintf(why, sizeof why, "%.390s", err->message);
        s = vkw_fail(err, s == VKW_E_NO_DEVICE_MATCH ? VKW_E_CHILD : s,
                     "importer %u could not open the device: %s", imp->index + 1, why);
    }
    if (s == VKW_OK && run->opts->validate && !rep.validation_enabled)
        s = vkw_fail(err, VKW_E_NO_LAYER, "importer %u runs without the validation layer",
                     imp->index + 1);
    if (s != VKW_OK) {
        imp->up = true; /* for the stop's bookkeeping: killed there */
        vkw_stress_importer_stop(run, imp, false);
        return s;
    }
    imp->up = true;
    return VKW_OK;
}

/* ---- Recording ------------------------------------------------------------ */

static double since_start_s(const vkw_stress_state *run, uint64_t ns)
{
    return ns > run->t0 ? (double)(ns - run->t0) / 1e9 : 0.0;
}

/* An operation's end, into the interval's and the run's figures, and what
 * became of its fault. Under stats. */
static void record(vkw_stress_state *run, vkw_stress_importer *imp, const vkw_stress_outcome *in)
{
    vkw_stress_report *r = run->r;
    vkw_stress_outcome copy = *in, *o = &copy;
    /* A stop ended it, or no importer was free for it: neither a success
     * nor a failure, nor a fault's fate. */
    if (o->status == VKW_E_INTERRUPTED || (o->none_free && o->status == VKW_OK))
        return;
    /* A fault drawn but never injected (the operation failed before it):
     * that failure is the driver's or the tool's, not the fault's. */
    if (o->chaos >= 0 && !o->injected_ns)
        o->chaos = -1;
    vkw_mutex_lock(run->stats);
    vkw_stress_op_result *res = &r->ops[o->op];
    if (o->unsupported) {
        /* The kind left the run's mix (its last scenario refused): why. */
        if (!(atomic_load(&run->ops_mask) & (1u << o->op)) && !res->skip[0]) {
            snprintf(res->skip, sizeof res->skip, "%.190s", o->err.message);
            res->run = res->done > 0;
        }
        vkw_mutex_unlock(run->stats);
        return;
    }
    if (o->late_failure[0] && !r->unexpected_failures++)
        snprintf(r->first_failure, sizeof r->first_failure, "%s: %.230s", vkw_stress_op_name(o->op),
                 o->late_failure);
    if (o->concurrent_failures) {
        if (!r->concurrent_import_failures)
            snprintf(r->first_concurrent_failure, sizeof r->first_concurrent_failure, "%.250s",
                     o->concurrent_text);
        r->concurrent_import_failures += o->concurrent_failures;
    }
    if (o->status == VKW_OK) {
        res->done++;
        r->ops_total++;
        run->ops_interval[o->op]++;
        vkw_latency_hist_add(&run->hist_interval[o->op], o->latency_us * 1000.0);
        vkw_latency_hist_add(&run->hist_run[o->op], o->latency_us * 1000.0);
        if (o->verified)
            res->verified++;
        res->reached += o->reached;
    } else {
        res->failed++;
        run->failed_interval++;
    }
    if (o->chaos >= 0) {
        vkw_stress_chaos_result *c = &r->chaos[o->chaos];
        bool detected = o->status != VKW_OK && o->status != VKW_E_INTERRUPTED;
        c->injected++;
        run->faults_injected++;
        if (detected) {
            c->detected++;
            run->faults_detected++;
        }
        r->events_total++;
        if (r->event_count < VKW_STRESS_EVENTS_MAX) {
            vkw_stress_event *e = &r->events[r->event_count];
            e->t_s = since_start_s(run, o->injected_ns ? o->injected_ns : vkw_clock_ns());
            e->importer = imp ? imp->index : 0;
            e->kind = (vkw_chaos_kind)o->chaos;
            e->op = o->op;
            e->detected = detected;
            e->detect_ms = detected && o->detected_ns > o->injected_ns
                               ? (double)(o->detected_ns - o->injected_ns) / 1e6
                               : 0;
            snprintf(e->what, sizeof e->what, "%.190s",
                     detected ? o->err.message : "the operation succeeded: the fault went unseen");
            r->event_count++;
        }
        /* Waiting for the importer to work again (a fault may come before it
         * does: each one waits). */
        if (imp && detected && imp->pending_count < VKW_STRESS_PENDING_MAX) {
            imp->pending_kind[imp->pending_count] = o->chaos;
            imp->pending_event[imp->pending_count++] =
                r->event_count <= VKW_STRESS_EVENTS_MAX && r->events_total == r->event_count
                    ? (int32_t)r->event_count - 1
                    : -1;
        }
    } else if (o->status != VKW_OK && o->status != VKW_E_INTERRUPTED) {
        if (o->mismatch) {
            if (!r->mismatches++)
                snprintf(r->first_mismatch, sizeof r->first_mismatch, "%.250s", o->err.message);
        } else if (!r->unexpected_failures++) {
            snprintf(r->first_failure, sizeof r->first_failure, "%s: %.230s",
                     vkw_stress_op_name(o->op), o->err.message);
        }
    }
    /* The importer worked again after its fault: recovered. */
    if (imp && o->status == VKW_OK && o->chaos < 0) {
        for (uint32_t i = 0; i < imp->pending_count; i++) {
            if (imp->pending_event[i] >= 0)
                r->events[imp->pending_event[i]].recovered = true;
            r->chaos[imp->pending_kind[i]].recovered++;
        }
        imp->pending_count = 0;
    }
    vkw_mutex_unlock(run->stats);
}

/* ---- Workers ---------------------------------------------------------------- */

/* The operation's kind, by the worker's generator: memory weighs most. */
static vkw_stress_op choose_op(vkw_stress_worker *w)
{
    static const uint32_t weight[VKW_STRESS_OP_COUNT] = {6, 1, 1, 1, 1, 1};
    uint32_t mask = atomic_load(&w->run->ops_mask), total = 0;
    for (uint32_t k = 0; k < VKW_STRESS_OP_COUNT; k++)
        if (mask & (1u << k))
            total += weight[k];
    if (!total)
        return VKW_STRESS_OP_COUNT;
    uint32_t x = (uint32_t)(vkw_stress_rand(w) % total);
    for (uint32_t k = 0; k < VKW_STRESS_OP_COUNT; k++)
        if (mask & (1u << k)) {
            if (x < weight[k])
                return (vkw_stress_op)k;
            x -= weight[k];
        }
    return VKW_STRESS_OP_COUNT;
}

/* The faults an operation of this kind can carry. */
static uint32_t chaos_for(const vkw_stress_state *run, vkw_stress_op op)
{
    switch (op) {
    case VKW_STRESS_OP_MEMORY:
        /* A handle that travels as a value (Win32 KMT) has no copy of the
         * importer's own to close: no stale fault for it. */
        return 1u << VKW_CHAOS_KILL_IMPORT | 1u << VKW_CHAOS_FOREIGN | 1u << VKW_CHAOS_STOP |
               1u << VKW_CHAOS_DROP |
               (vkw_handle_travels_by_value(run->memory_type) ? 0 : 1u << VKW_CHAOS_STALE);
    case VKW_STRESS_OP_TIMELINE: return 1u << VKW_CHAOS_KILL_WAIT | 1u << VKW_CHAOS_CLOSE_EARLY;
    default: return 0;
    }
}

static int32_t choose_chaos(vkw_stress_worker *w, vkw_stress_op op)
{
    const vkw_stress_options *o = w->run->opts;
    /* Drawn whatever the rate, so that a run's operations are the same with
     * chaos on or off. */
    double u = unit(w);
    uint64_t pick = vkw_stress_rand(w);
    uint32_t allowed = chaos_for(w->run, op) & (o->chaos_kinds ? o->chaos_kinds : ~0u);
    if (!(u < o->chaos) || !allowed)
        return -1;
    uint32_t k[VKW_CHAOS_COUNT], n = 0;
    for (uint32_t i = 0; i < VKW_CHAOS_COUNT; i++)
        if (allowed & (1u << i))
            k[n++] = i;
    return (int32_t)k[pick % n];
}

static void publish_validation(vkw_stress_worker *w)
{
    atomic_store(&w->validation, w->log.validation_errors);
}

/* How long a fan-out or signal waits for one importer's lock before it goes
 * on without it: a quarter of the timeout, at most a second. */
static uint64_t wait_for_lock_ns(const vkw_stress_state *run)
{
    uint64_t ms = run->opts->timeout_ms / 4;
    return (ms > 1000 ? 1000 : ms < 1 ? 1 : ms) * 1000000u;
}

/* Fan-out and signal take every importer's lock, in index order, each with
 * a bounded wait: an importer busy past it (stopped by the stop chaos, say)
 * is left out of this one, so it holds up no other worker for long. While
 * it waits, the importer is marked wanted, and its own worker lets it have
 * the lock between two operations (a worker takes its lock again within
 * microseconds otherwise). Takers of several locks go in one order and
 * single-lock holders never wait for a second: no circle can form. */
static void lock_every(vkw_stress_worker *w)
{
    vkw_stress_state *run = w->run;
    for (uint32_t j = 0; j < run->n; j++) {
        vkw_stress_importer *imp = &run->imp[j];
        atomic_fetch_add(&imp->wanted, 1);
        uint64_t until = vkw_clock_ns() + wait_for_lock_ns(run);
        while (!(w->held[j] = vkw_mutex_trylock(imp->lock)) && vkw_clock_ns() < until)
            vkw_nap_ms(1);
        atomic_fetch_sub(&imp->wanted, 1);
    }
}

/* Before a worker takes its own importer's lock: a fan-out or signal that
 * wants it goes first (bounded as its wait is). */
static void let_wanted_first(vkw_stress_worker *w, vkw_stress_importer *imp)
{
    uint64_t until = vkw_clock_ns() + wait_for_lock_ns(w->run);
    while (atomic_load(&imp->wanted) && vkw_clock_ns() < until)
        vkw_nap_ms(1);
}

static void unlock_held(vkw_stress_worker *w)
{
    for (uint32_t j = 0; j < w->run->n; j++)
        if (w->held[j]) {
            vkw_mutex_unlock(w->run->imp[j].lock);
            w->held[j] = false;
        }
}

/* Starts the importer again (under its lock): a failure to start is the
 * operation's failure, and the next operation tries again. */
static bool ensure_up(vkw_stress_worker *w, vkw_stress_importer *imp)
{
    if (imp->up)
        return true;
    vkw_stress_state *run = w->run;
    vkw_stress_importer_stop(run, imp, false);
    /* What it held is gone with it. */
    for (uint32_t i = 0; i < VKW_STRESS_CONCURRENCY_MAX; i++)
        if (w->slot_used[i]) {
            vkw_shared_memory_destroy(&w->slot[i]);
            memset(&w->slot[i], 0, sizeof w->slot[i]);
            w->slot_used[i] = false;
        }
    vkw_stress_outcome o = {.op = VKW_STRESS_OP_MEMORY, .chaos = -1};
    vkw_status s = vkw_stress_importer_start(run, imp, &o.err);
    if (s == VKW_OK) {
        atomic_fetch_add(&imp->restarts, 1); /* every importer was up before the first operation */
        return true;
    }
    if (s != VKW_E_INTERRUPTED) {
        o.status = s;
        record(run, imp, &o);
    }
    return false;
}

static void worker_main(void *arg)
{
    vkw_stress_worker *w = arg;
    vkw_stress_state *run = w->run;
    const vkw_stress_options *o = run->opts;
    vkw_stress_importer *imp = &run->imp[w->index];
    while (!atomic_load(&run->stop) && vkw_stop_requested() == VKW_STOP_NONE) {
        uint64_t ticket = atomic_fetch_add(&run->tickets, 1);
        if (o->cycles && ticket >= o->cycles)
            break;
        vkw_stress_op op = choose_op(w);
        if (op == VKW_STRESS_OP_COUNT)
            break; /* nothing left that runs */
        int32_t chaos = choose_chaos(w, op);
        vkw_stress_outcome out;
        memset(&out, 0, sizeof out);
        out.op = op;
        out.chaos = chaos;
        bool every = op == VKW_STRESS_OP_FANOUT || op == VKW_STRESS_OP_SIGNAL;
        /* Its own importer up first (a restart takes a while: no other
         * importer's lock is held meanwhile). */
        let_wanted_first(w, imp);
        vkw_mutex_lock(imp->lock);
        bool up = ensure_up(w, imp);
        if (!up || every)
            vkw_mutex_unlock(imp->lock);
        if (!up) {
            vkw_nap_ms(100);
            continue;
        }
        if (every)
            lock_every(w);
        switch (op) {
        case VKW_STRESS_OP_MEMORY: vkw_stress_op_memory(w, imp, chaos, &out); break;
        case VKW_STRESS_OP_FANOUT: vkw_stress_op_fanout(w, &out); break;
        case VKW_STRESS_OP_SIGNAL: vkw_stress_op_signal(w, &out); break;
        default: vkw_stress_op_sync(w, imp, op, chaos, &out); break;
        }
        out.chaos = chaos;
        if (every)
            unlock_held(w);
        else
            vkw_mutex_unlock(imp->lock);
        if (out.unsupported) {
            /* The driver cannot: the kind leaves the mix, with its reason
             * (memory leaves when its last scenario has). */
            if (op != VKW_STRESS_OP_MEMORY || !atomic_load(&run->scenarios))
                atomic_fetch_and(&run->ops_mask, ~(1u << op));
            if (op == VKW_STRESS_OP_MEMORY && !atomic_load(&run->scenarios))
                atomic_fetch_and(&run->ops_mask, ~(1u << VKW_STRESS_OP_FANOUT));
            out.chaos = -1;
        }
        if (out.status == VKW_E_INTERRUPTED || (w->dev.wedged && out.status != VKW_OK)) {
            if (w->dev.wedged) {
                w->failed = true;
                w->err = out.err;
            }
            record(run, imp, &out);
            break;
        }
        record(run, imp, &out);
        publish_validation(w);
    }
    uint64_t now = vkw_clock_ns(), seen = atomic_load(&run->last_op_ns);
    while (now > seen && !atomic_compare_exchange_weak(&run->last_op_ns, &seen, now))
        ;
    atomic_fetch_add(&run->workers_done, 1);
    /* Every worker's last operation over (a fan-out may still reach this
     * importer until then), the importer's end here: an importer started
     * again by this thread dies with it (Linux's PR_SET_PDEATHSIG follows
     * the thread that spawned it, not the process). */
    while (!atomic_load(&run->all_started) ||
           atomic_load(&run->workers_done) < atomic_load(&run->workers_started))
        vkw_nap_ms(5); /* a stop does not end it: the workers' ends do */
    vkw_mutex_lock(imp->lock);
    if (imp->up && !w->dev.wedged)
        vkw_stress_release_slots(w, imp);
    vkw_stress_importer_stop(run, imp, true);
    vkw_mutex_unlock(imp->lock);
}

/* ---- The sampler -------------------------------------------------------------- */

static void latency_of(const vkw_latency_hist *h, vkw_stress_latency *out)
{
    out->count = h->count;
    out->p50_us = h->count ? vkw_latency_hist_quantile(h, 0.50) / 1000.0 : 0;
    out->p99_us = h->count ? vkw_latency_hist_quantile(h, 0.99) / 1000.0 : 0;
    out->max_us = h->count ? h->max_ns / 1000.0 : 0;
}

static uint32_t validation_so_far(vkw_stress_state *run)
{
    uint32_t n = 0;
    for (uint32_t j = 0; j < run->n; j++)
        n += atomic_load(&run->wk[j].validation) + atomic_load(&run->imp[j].validation) +
             atomic_load(&run->imp[j].validation_past);
    return n;
}

static vkw_status sample(vkw_stress_state *run, uint64_t from_ns, uint64_t now, vkw_error *err)
{
    vkw_stress_series *series = &run->r->series;
    uint32_t processes = run->n + 1;
    vkw_stress_point *p = vkw_stress_series_add(series, processes);
    if (!p)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory for the time series");
    size_t at = (size_t)(series->count - 1) * processes;
    p->t_s = since_start_s(run, now);
    p->span_s = (double)(now - from_ns) / 1e9;
    vkw_mutex_lock(run->stats);
    for (uint32_t k = 0; k < VKW_STRESS_OP_COUNT; k++) {
        p->ops[k] = run->ops_interval[k];
        run->ops_interval[k] = 0;
        latency_of(&run->hist_interval[k], &p->latency[k]);
        vkw_latency_hist_reset(&run->hist_interval[k]);
    }
    p->failed = run->failed_interval;
    run->failed_interval = 0;
    p->faults_injected = run->faults_injected;
    p->faults_detected = run->faults_detected;
    uint64_t ops_total = run->r->ops_total;
    vkw_mutex_unlock(run->stats);
    vkw_process_usage u;
    vkw_error ignored;
    if (vkw_process_usage_self(&u, &ignored) == VKW_OK) {
        series->handles[at] = u.handles;
        series->resident[at] = u.resident;
    }
    for (uint32_t j = 0; j < run->n; j++) {
        vkw_stress_importer *imp = &run->imp[j];
        /* The process read and its life, together: a point belongs to the
         * life of the process it was read from. */
        vkw_mutex_lock(imp->proc_lock);
        if (imp->child && vkw_child_usage(imp->child, &u, &ignored) == VKW_OK) {
            series->handles[at + 1 + j] = u.handles;
            series->resident[at + 1 + j] = u.resident;
        }
        series->restarts[at + 1 + j] = imp->life ? imp->life - 1 : 0;
        vkw_mutex_unlock(imp->proc_lock);
    }
    if (run->sampler_opened && vkw_device_memory_in_use(&run->sampler_inst, run->sampler_pd,
                                                        &p->gpu_used, &ignored) == VKW_OK)
        p->has_gpu = true;
    p->validation_errors = validation_so_far(run);
    if (run->opts->progress) {
        char line[256];
        uint32_t ops = 0;
        for (uint32_t k = 0; k < VKW_STRESS_OP_COUNT; k++)
            ops += p->ops[k];
        snprintf(line, sizeof line, "%.0f ops/s, exporter %lld handles, %u faults injected",
                 p->span_s > 0 ? ops / p->span_s : 0, (long long)series->handles[at],
                 p->faults_injected);
        run->opts->progress(run->opts->progress_user, p->t_s, ops_total, p->faults_injected, line);
    }
    return VKW_OK;
}

/* ---- Trends and the verdict ------------------------------------------------------ */

static void add_trend(vkw_stress_state *run, vkw_trend_quantity q, int32_t process, int32_t op,
                      const double *x, const double *y, const uint32_t *life, uint32_t n,
                      double limit_per_min, double unit_scale, const char *unit_name, bool can_fail)
{
    vkw_stress_report *r = run->r;
    if (r->trend_count >= VKW_STRESS_TRENDS_MAX)
        return;
    vkw_stress_trend *t = &r->trends[r->trend_count++];
    memset(t, 0, sizeof *t);
    t->quantity = q;
    t->process = process;
    t->op = op;
    t->limit_per_min = can_fail ? limit_per_min : -1;
    vkw_trend est;
    vkw_error err;
    char who[48];
    if (process == 0)
        snprintf(who, sizeof who, "exporter");
    else if (process > 0)
        snprintf(who, sizeof who, "importer %d", process);
    else if (op >= 0)
        snprintf(who, sizeof who, "%s", vkw_stress_op_name((vkw_stress_op)op));
    else
        snprintf(who, sizeof who, "device");
    if (n == 0 || vkw_trend_theil_sen_lives(x, y, life, n, &est, &err) != VKW_OK ||
        !est.estimated) {
        t->points = n;
        snprintf(t->text, sizeof t->text, "%s %s: not judged: %u point(s)%s, too few for a trend",
                 who, vkw_trend_quantity_words[q], n,
                 process > 0 ? " in its lives (each restart starts one)" : "");
        return;
    }
    t->points = est.n;
    t->from_s = x[0];
    t->to_s = x[n - 1];
    t->estimated = true;
    t->slope_per_min = est.slope * 60.0 / unit_scale;
    t->lo_per_min = est.lo * 60.0 / unit_scale;
    t->hi_per_min = est.hi * 60.0 / unit_scale;
    t->noise = est.noise / unit_scale;
    double limit_per_s = limit_per_min < 0 ? 0 : limit_per_min * unit_scale / 60.0;
    t->fails = can_fail && vkw_trend_grows(&est, limit_per_s);
    snprintf(t->text, sizeof t->text, "%s %s: %+.2f %s/min (95 %% CI %+.2f to %+.2f)%s", who,
             vkw_trend_quantity_words[q], t->slope_per_min, unit_name, t->lo_per_min, t->hi_per_min,
             t->fails                  ? ": grows beyond the noise"
             : can_fail                ? ": flat"
             : q == VKW_TREND_RESIDENT ? ": reported, not judged (this build has "
                                         "AddressSanitizer, whose quarantine keeps "
                                         "freed memory)"
             : est.lo > 0              ? ": rising"
                                       : "");
}

/* The run's warm-up, left out of its trends: the first `part` of the run (at
 * least its first two points). Handles: the first fifth, where the first
 * imports and the driver's own files open. Memory: the first half, where
 * allocators and the driver's caches grow to their working set, and grow
 * again with each importer started anew, until they have what they keep
 * (measured here: an exporter's 2 MiB over 35 s of importers killed and
 * started again, flat after); a leak goes on growing in the second half. */
static uint32_t warmup_points(const vkw_stress_series *s, double part)
{
    if (s->count == 0)
        return 0;
    double end = s->points[s->count - 1].t_s;
    uint32_t from = 2;
    while (from < s->count && s->points[from].t_s < end * part)
        from++;
    return from < s->count ? from : s->count;
}

/* A build with AddressSanitizer keeps freed memory in its quarantine (up to
 * 256 MiB): resident memory grows there by design, so it is reported and not
 * judged. */
#if defined(__SANITIZE_ADDRESS__)
#define VKW_RESIDENT_JUDGED false
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VKW_RESIDENT_JUDGED false
#endif
#endif
#ifndef VKW_RESIDENT_JUDGED
#define VKW_RESIDENT_JUDGED true
#endif

/* Memory's floor: each run of VKW_STRESS_FLOOR_POINTS points of one life
 * becomes one point, its middle time and its least value. What a process
 * holds at a moment (the objects in its slots, up to --concurrency of the
 * largest size) comes and goes between points and moves its resident memory
 * by tens of MiB; a leak raises the floor under it. The points that follow
 * each other are alike too (the slots change slowly), which would make the
 * interval of a trend of every point too narrow. In place; the new count. */
static uint32_t floor_of(double *x, double *y, uint32_t *life, uint32_t n)
{
    uint32_t out = 0;
    for (uint32_t a = 0; a < n;) {
        uint32_t b = a;
        double least = y[a];
        while (b < n && b - a < VKW_STRESS_FLOOR_POINTS && life[b] == life[a]) {
            if (y[b] < least)
                least = y[b];
            b++;
        }
        double mid = (x[a] + x[b - 1]) / 2;
        uint32_t l = life[a];
        x[out] = mid;
        y[out] = least;
        life[out++] = l;
        a = b;
    }
    return out;
}

static void trends(vkw_stress_state *run)
{
    vkw_stress_report *r = run->r;
    const vkw_stress_series *s = &r->series;
    const vkw_stress_limits *lim = &run->opts->limits;
    uint32_t P = s->processes;
    uint32_t warm_handles = warmup_points(s, 0.2), warm_memory = warmup_points(s, 0.5);
    double *x = calloc(s->count ? s->count : 1, sizeof *x);
    double *y = calloc(s->count ? s->count : 1, sizeof *y);
    uint32_t *life = calloc(s->count ? s->count : 1, sizeof *life);
    if (!x || !y || !life) {
        free(x);
        free(y);
        free(life);
        return;
    }
    const double mib = 1024.0 * 1024.0;
    for (uint32_t p = 0; p < P; p++) {
        /* Every life of an importer (a restart starts its counts anew):
         * slopes within each life only, each after its first point (taken
         * while it opened its device), and the first life after the run's
         * warm-up. */
        for (int pass = 0; pass < 2; pass++) {
            uint32_t warm = pass == 0 ? warm_handles : warm_memory;
            uint32_t n = 0, started = 0, skip = 0;
            for (uint32_t i = 0; i < s->count; i++) {
                size_t at = (size_t)i * P + p;
                if (i > 0 && s->restarts[at] != s->restarts[at - P]) {
                    /* A new life: its first point for handles; the first
                     * half of it for memory, which a new process grows
                     * into (its device, its first imports). */
                    started = i;
                    uint32_t end = i + 1;
                    while (end < s->count && s->restarts[(size_t)end * P + p] == s->restarts[at])
                        end++;
                    skip = pass == 0 ? 1 : (end - i + 1) / 2;
                }
                if (i < warm || (started && i < started + skip))
                    continue;
                if (pass == 0 && s->handles[at] < 0)
                    continue;
                if (pass == 1 && s->resident[at] == 0)
                    continue;
                x[n] = s->points[i].t_s;
                life[n] = s->restarts[at];
                y[n++] = pass == 0 ? (double)s->handles[at] : (double)s->resident[at];
            }
            if (pass == 0)
                add_trend(run, VKW_TREND_HANDLES, (int32_t)p, -1, x, y, life, n,
                          lim->leak_per_min_max, 1.0, "handles", true);
            else
                add_trend(run, VKW_TREND_RESIDENT, (int32_t)p, -1, x, y, life,
                          floor_of(x, y, life, n), lim->resident_mib_per_min_max, mib, "MiB",
                          VKW_RESIDENT_JUDGED);
        }
    }
    uint32_t n = 0;
    for (uint32_t i = warm_memory; i < s->count; i++)
        if (s->points[i].has_gpu) {
            x[n] = s->points[i].t_s;
            y[n++] = (double)s->points[i].gpu_used;
        }
    for (uint32_t i = 0; i < n; i++)
        life[i] = 0;
    if (n)
        add_trend(run, VKW_TREND_GPU, -1, -1, x, y, life, floor_of(x, y, life, n),
                  lim->resident_mib_per_min_max, mib, "MiB", false);
    for (uint32_t k = 0; k < VKW_STRESS_OP_COUNT; k++) {
        if (!r->ops[k].done)
            continue;
        n = 0;
        for (uint32_t i = warm_handles; i < s->count; i++)
            if (s->points[i].latency[k].count) {
                x[n] = s->points[i].t_s;
                y[n++] = s->points[i].latency[k].p50_us;
            }
        add_trend(run, VKW_TREND_P50, -1, (int32_t)k, x, y, NULL, n, -1, 1.0, "us", false);
    }
    free(x);
    free(y);
    free(life);
}

static void verdict_add(vkw_stress_report *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void verdict_add(vkw_stress_report *r, const char *fmt, ...)
{
    size_t used = strlen(r->verdict);
    if (used + 4 >= sizeof r->verdict)
        return;
    if (used) {
        snprintf(r->verdict + used, sizeof r->verdict - used, "; ");
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->verdict + used, sizeof r->verdict - used, fmt, ap);
    va_end(ap);
}

static void conclude(vkw_stress_state *run)
{
    vkw_stress_report *r = run->r;
    const vkw_stress_limits *lim = &run->opts->limits;
    for (uint32_t i = 0; i < r->trend_count; i++) {
        const vkw_stress_trend *t = &r->trends[i];
        if (t->fails && (t->quantity == VKW_TREND_HANDLES || t->quantity == VKW_TREND_RESIDENT)) {
            r->leak = true;
            verdict_add(r, "a leak: %s", t->text);
        }
        if (t->quantity == VKW_TREND_P50 && t->estimated && t->lo_per_min > 0)
            r->slowdown = true;
    }
    if (r->mismatches)
        verdict_add(r, "%u mismatch(es); first: %s", r->mismatches, r->first_mismatch);
    if (r->unexpected_failures)
        verdict_add(r, "%u operation(s) failed with no fault injected; first: %s",
                    r->unexpected_failures, r->first_failure);
    uint32_t undetected = 0;
    for (uint32_t k = 0; k < VKW_CHAOS_COUNT; k++)
        undetected += r->chaos[k].injected - r->chaos[k].detected;
    if (lim->faults_undetected_max >= 0 && undetected > (uint64_t)lim->faults_undetected_max)
        verdict_add(r, "%u injected fault(s) went undetected (at most %lld allowed)", undetected,
                    (long long)lim->faults_undetected_max);
    if (r->validation_errors)
        verdict_add(r, "the validation layer reported %u error(s)", r->validation_errors);
    double p99_max = 0;
    for (uint32_t k = 0; k < VKW_STRESS_OP_COUNT; k++)
        if (r->ops[k].latency.count && r->ops[k].latency.p99_us > p99_max)
            p99_max = r->ops[k].latency.p99_us;
    if (lim->p99_us_max >= 0 && p99_max > lim->p99_us_max) {
        r->limit_failed = true;
        verdict_add(r, "a p99 of %.1f us, above the limit of %.1f us", p99_max, lim->p99_us_max);
    }
    double rate = r->elapsed_s > 0 ? (double)r->ops_total / r->elapsed_s : 0;
    if (lim->ops_per_s_min >= 0 && rate < lim->ops_per_s_min) {
        r->limit_failed = true;
        verdict_add(r, "%.1f operations/s, below the limit of %.1f", rate, lim->ops_per_s_min);
    }
}

/* ---- The run -------------------------------------------------------------------- */

static bool moved_here(const vkw_handle_type *t)
{
    return t->family ==
           (vkw_platform_os() == VKW_OS_WINDOWS ? VKW_FAMILY_WIN32 : VKW_FAMILY_POSIX_FD);
}

static bool shareable(const vkw_verdict *v)
{
    return v->code == VKW_VERDICT_SHAREABLE || v->code == VKW_VERDICT_SHAREABLE_DEDICATED;
}

/* What runs on this device: the memory handle type, the sync handle types,
 * and every kind asked for that the driver can share (else its reason). */
static void plan(vkw_stress_state *run, const vkw_device_report *dr)
{
    const vkw_stress_options *o = run->opts;
    vkw_stress_report *r = run->r;
    uint32_t asked = o->ops ? o->ops : (1u << VKW_STRESS_OP_COUNT) - 1;
    char why_memory[192] = "";
    for (uint32_t t = 0; t < VKW_MEMORY_HANDLE_TYPE_COUNT && !run->memory_type; t++) {
        const vkw_handle_type *ht = &vkw_memory_handle_types[t];
        if (o->handle_types ? !(o->handle_types & ht->bit) : !moved_here(ht))
            continue;
        if (!moved_here(ht) || !vkw_handle_family_native(ht->family)) {
            snprintf(why_memory, sizeof why_memory, "%s handles do not move between processes here",
                     ht->name);
            continue;
        }
        if (shareable(&dr->memory_verdict[t]))
            run->memory_type = ht;
        else if (!why_memory[0])
            snprintf(why_memory, sizeof why_memory, "%s: %s: %.120s", ht->name,
                     vkw_verdict_code_name(dr->memory_verdict[t].code),
                     dr->memory_verdict[t].detail);
    }
    if (!why_memory[0])
        snprintf(why_memory, sizeof why_memory, "no memory handle type of %s was asked for",
                 vkw_platform_os_name());
    if (run->memory_type)
        snprintf(r->handle_type, sizeof r->handle_type, "%s", run->memory_type->name);
    static const vkw_stress_op syncs[] = {VKW_STRESS_OP_BINARY, VKW_STRESS_OP_TIMELINE,
                                          VKW_STRESS_OP_FENCE};
    for (size_t i = 0; i < 3; i++) {
        vkw_stress_op op = syncs[i];
        bool fence = op == VKW_STRESS_OP_FENCE;
        uint32_t count = fence ? VKW_FENCE_HANDLE_TYPE_COUNT : VKW_SEMAPHORE_HANDLE_TYPE_COUNT;
        const vkw_handle_type *table = fence ? vkw_fence_handle_types : vkw_semaphore_handle_types;
        char why[192] = "";
        for (uint32_t t = 0; t < count && !run->sync_type[op]; t++) {
            const vkw_handle_type *ht = &table[t];
            if (!moved_here(ht) || !vkw_handle_family_native(ht->family))
                continue;
            const vkw_verdict *v = fence ? &dr->fence_verdict[t]
                                         : &dr->semaphore_verdict[t][op == VKW_STRESS_OP_TIMELINE];
            if (shareable(v))
                run->sync_type[op] = ht;
            else if (!why[0])
                snprintf(why, sizeof why, "%s %s: %s: %.100s", ht->name,
                         fence                          ? "fences"
                         : op == VKW_STRESS_OP_TIMELINE ? "timeline semaphores"
                                                        : "binary semaphores",
                         vkw_verdict_code_name(v->code), v->detail);
        }
        if (!run->sync_type[op])
            snprintf(r->ops[op].skip, sizeof r->ops[op].skip, "%s",
                     why[0] ? why : "no handle type of this OS");
    }
    run->sync_type[VKW_STRESS_OP_SIGNAL] = run->sync_type[VKW_STRESS_OP_TIMELINE];
    if (!run->sync_type[VKW_STRESS_OP_SIGNAL])
        snprintf(r->ops[VKW_STRESS_OP_SIGNAL].skip, sizeof r->ops[0].skip, "%s",
                 r->ops[VKW_STRESS_OP_TIMELINE].skip);
    if (run->sync_type[VKW_STRESS_OP_TIMELINE])
        snprintf(r->sync_handle_type, sizeof r->sync_handle_type, "%s",
                 run->sync_type[VKW_STRESS_OP_TIMELINE]->name);
    else if (run->sync_type[VKW_STRESS_OP_BINARY])
        snprintf(r->sync_handle_type, sizeof r->sync_handle_type, "%s",
                 run->sync_type[VKW_STRESS_OP_BINARY]->name);
    if (!run->memory_type) {
        snprintf(r->ops[VKW_STRESS_OP_MEMORY].skip, sizeof r->ops[0].skip, "%s", why_memory);
        snprintf(r->ops[VKW_STRESS_OP_FANOUT].skip, sizeof r->ops[0].skip, "%s", why_memory);
    } else if (run->n < 2) {
        snprintf(r->ops[VKW_STRESS_OP_FANOUT].skip, sizeof r->ops[0].skip,
                 "fan-out needs at least 2 importers");
    }
    if (run->n < 2 && run->sync_type[VKW_STRESS_OP_SIGNAL])
        snprintf(r->ops[VKW_STRESS_OP_SIGNAL].skip, sizeof r->ops[0].skip,
                 "a shared timeline needs at least 2 importers");
    uint32_t mask = 0;
    for (uint32_t k = 0; k < VKW_STRESS_OP_COUNT; k++) {
        bool can = !r->ops[k].skip[0];
        if (!(asked & (1u << k))) {
            snprintf(r->ops[k].skip, sizeof r->ops[k].skip, "not asked for");
            can = false;
        }
        r->ops[k].run = can;
        if (can)
            mask |= 1u << k;
    }
    atomic_store(&run->ops_mask, mask);
    atomic_store(&run->scenarios,
                 o->scenario_kinds ? o->scenario_kinds : (1u << VKW_SCENARIO_KIND_COUNT) - 1);
}

static vkw_status open_worker(vkw_stress_state *run, vkw_stress_worker *w, vkw_error *err)
{
    vkw_instance_options io = {
        .enable_validation = run->opts->validate,
        .require_validation = run->report->validation_by_environment,
        .log = &w->log,
    };
    vkw_status s = vkw_instance_create(&run->loader, &io, &w->inst, err);
    VkPhysicalDevice pd;
    bool luid_matched;
    if (s == VKW_OK)
        s = vkw_device_find(&w->inst, &run->id, &pd, &luid_matched, err);
    if (s == VKW_OK)
        s = vkw_device_create(&w->inst, pd, vkw_external_required_extensions,
                              vkw_external_wanted_extensions, &w->dev, err);
    if (s == VKW_OK) {
        vkw_external_resolve(&w->dev);
        w->opened = true;
    }
    return s;
}

static void close_worker(vkw_stress_worker *w)
{
    if (w->dev.wedged)
        return; /* neither it nor what it came from can be destroyed safely */
    for (uint32_t i = 0; i < VKW_STRESS_CONCURRENCY_MAX; i++)
        if (w->slot_used[i]) {
            vkw_shared_memory_destroy(&w->slot[i]);
            w->slot_used[i] = false;
        }
    if (w->dev.handle)
        vkw_device_destroy(&w->dev);
    if (w->inst.handle)
        vkw_instance_destroy(&w->inst);
}

static void seed_workers(vkw_stress_state *run)
{
    for (uint32_t j = 0; j < run->n; j++) {
        vkw_stress_worker *w = &run->wk[j];
        w->rng = run->r->options.seed;
        for (uint32_t k = 0; k <= j; k++)
            w->rng = vkw_stress_rand(w) ^ (0xD1B54A32D192ED03ull * (k + 1));
    }
}

static vkw_status check_options(const vkw_stress_options *o, vkw_error *err)
{
    if (o->importers < 1 || o->importers > VKW_STRESS_IMPORTERS_MAX)
        return vkw_fail(err, VKW_E_INVALID_ARG, "--importers: %u is not in 1..%u", o->importers,
                        VKW_STRESS_IMPORTERS_MAX);
    if (o->concurrency < 1 || o->concurrency > VKW_STRESS_CONCURRENCY_MAX)
        return vkw_fail(err, VKW_E_INVALID_ARG, "--concurrency: %u is not in 1..%u", o->concurrency,
                        VKW_STRESS_CONCURRENCY_MAX);
    if (!o->duration_ms && !o->cycles)
        return vkw_fail(err, VKW_E_INVALID_ARG, "a stress run needs --duration or --cycles");
    if (!(o->chaos >= 0 && o->chaos <= 1))
        return vkw_fail(err, VKW_E_INVALID_ARG, "--chaos: %g is not a chance from 0 to 1",
                        o->chaos);
    if (o->size_count < 1 || o->size_count > VKW_STRESS_SIZES_MAX)
        return vkw_fail(err, VKW_E_INVALID_ARG, "--sizes: 1 to %u sizes", VKW_STRESS_SIZES_MAX);
    if (o->interval_ms < 100)
        return vkw_fail(err, VKW_E_INVALID_ARG, "--interval: at least 100 ms");
    if (o->timeout_ms < 100)
        return vkw_fail(err, VKW_E_INVALID_ARG, "--timeout: at least 100 ms");
    return VKW_OK;
}

static void close_run(vkw_stress_state *run)
{
    for (uint32_t j = 0; j < run->n; j++) {
        vkw_stress_importer *imp = &run->imp[j];
        if (imp->lock)
            vkw_stress_importer_stop(run, imp, true);
        close_worker(&run->wk[j]);
        vkw_mutex_destroy(imp->lock);
        vkw_mutex_destroy(imp->proc_lock);
    }
    if (run->sampler_opened)
        vkw_instance_destroy(&run->sampler_inst);
    vkw_mutex_destroy(run->stats);
    if (run->loader.lib)
        vkw_loader_close(&run->loader);
}

vkw_status vkw_stress_run(const vkw_stress_options *opts, vkw_report *report, vkw_error *err)
{
    vkw_stress_state *run = calloc(1, sizeof *run);
    if (!run)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory");
    vkw_status s = check_options(opts, err);
    if (s != VKW_OK) {
        free(run);
        return s;
    }
    /* The status of the first worker whose device broke (lost, say): the
     * run's own when it could not go on for that. */
    vkw_status broke = VKW_OK;
    run->opts = opts;
    run->report = report;
    run->n = opts->importers;
    vkw_probe_options po = {
        .loader_path = opts->loader_path,
        .validate = opts->validate,
        .filter = opts->filter,
    };
    s = vkw_probe_run(&po, report, err);
    if (s != VKW_OK) {
        free(run);
        return s;
    }
    vkw_stress_report *r = calloc(1, sizeof *r);
    if (!r) {
        free(run);
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory");
    }
    report->stress = r;
    run->r = r;
    r->series.processes = opts->importers + 1;
    r->options = *opts;
    r->options.progress = NULL;
    r->options.progress_user = NULL;
    r->options.filter = NULL;
    r->options.loader_path = NULL;
    if (!opts->seed_given)
        r->options.seed = vkw_clock_ns() ^ ((uint64_t)vkw_platform_process_id() << 32);
    r->device_index = vkw_bench_choose_device(report, opts->filter != NULL);
    const vkw_device_report *dr = &report->devices[r->device_index];
    snprintf(r->device_name, sizeof r->device_name, "%s", dr->name);
    r->validation_enabled = report->validation_enabled;
    for (uint32_t j = 0; j < run->n; j++) {
        run->imp[j].index = j;
        run->wk[j].run = run;
        run->wk[j].index = j;
    }
    seed_workers(run);
    plan(run, dr);
    uint64_t t_start = vkw_clock_ns();
    if (!dr->has_id_properties) {
        s = vkw_fail(err, VKW_E_NOTHING_TO_SHARE,
                     "'%s' reports no deviceUUID/driverUUID: an importer cannot find the same "
                     "device",
                     dr->name);
        goto done;
    }
    if (!atomic_load(&run->ops_mask)) {
        s = vkw_fail(err, VKW_E_NOTHING_TO_SHARE,
                     "nothing to stress on '%s': memory: %.200s; timeline semaphores: %.150s",
                     dr->name, r->ops[VKW_STRESS_OP_MEMORY].skip,
                     r->ops[VKW_STRESS_OP_TIMELINE].skip);
        goto done;
    }
    memcpy(run->id.device_uuid, dr->device_uuid, VK_UUID_SIZE);
    memcpy(run->id.driver_uuid, dr->driver_uuid, VK_UUID_SIZE);
    memcpy(run->id.device_luid, dr->device_luid, VK_LUID_SIZE);
    run->id.luid_valid = dr->device_luid_valid;

    if ((s = vkw_mutex_create(&run->stats, err)) != VKW_OK)
        goto done;
    for (uint32_t j = 0; j < run->n && s == VKW_OK; j++) {
        s = vkw_mutex_create(&run->imp[j].lock, err);
        if (s == VKW_OK)
            s = vkw_mutex_create(&run->imp[j].proc_lock, err);
    }
    if (s == VKW_OK)
        s = vkw_loader_open(opts->loader_path, &run->loader, err);
    for (uint32_t j = 0; j < run->n && s == VKW_OK; j++)
        s = open_worker(run, &run->wk[j], err);
    if (s == VKW_OK) {
        vkw_instance_options plain = {0};
        vkw_error why;
        bool matched;
        if (vkw_instance_create(&run->loader, &plain, &run->sampler_inst, &why) == VKW_OK) {
            run->sampler_opened = true;
            if (vkw_device_find(&run->sampler_inst, &run->id, &run->sampler_pd, &matched, &why) !=
                VKW_OK)
                run->sampler_pd = VK_NULL_HANDLE;
        }
        if (!run->sampler_pd && run->sampler_opened) {
            vkw_instance_destroy(&run->sampler_inst);
            run->sampler_opened = false;
        }
    }
    /* Every importer up before the clock starts. */
    for (uint32_t j = 0; j < run->n && s == VKW_OK; j++)
        if ((s = vkw_stop_check(err)) == VKW_OK)
            s = vkw_stress_importer_start(run, &run->imp[j], err);
    if (s != VKW_OK)
        goto done;

    run->t0 = vkw_clock_ns();
    uint32_t started = 0;
    for (uint32_t j = 0; j < run->n && s == VKW_OK; j++) {
        atomic_fetch_add(&run->workers_started, 1);
        s = vkw_thread_start(worker_main, &run->wk[j], &run->wk[j].thread, err);
        if (s == VKW_OK)
            started++;
        else
            atomic_fetch_sub(&run->workers_started, 1);
    }
    atomic_store(&run->all_started, true);
    if (s != VKW_OK)
        atomic_store(&run->stop, true);
    uint64_t interval_ns = (uint64_t)opts->interval_ms * 1000000u;
    uint64_t last = run->t0, next = run->t0 + interval_ns;
    r->end = VKW_STRESS_END_DURATION;
    while (s == VKW_OK) {
        uint64_t now = vkw_clock_ns();
        if (vkw_stop_requested() != VKW_STOP_NONE) {
            r->end = VKW_STRESS_END_STOPPED;
            break;
        }
        if (atomic_load(&run->workers_done) == started) {
            r->end = opts->cycles && atomic_load(&run->tickets) >= opts->cycles
                         ? VKW_STRESS_END_CYCLES
                         : VKW_STRESS_END_FAILED;
            break;
        }
        if (opts->duration_ms && now - run->t0 >= opts->duration_ms * 1000000u) {
            r->end = VKW_STRESS_END_DURATION;
            break;
        }
        if (now >= next) {
            vkw_status ss = sample(run, last, now, err);
            if (ss != VKW_OK) {
                s = ss;
                break;
            }
            last = now;
            next += interval_ns;
            continue;
        }
        uint64_t wait_ns = next - now;
        if (opts->duration_ms && run->t0 + opts->duration_ms * 1000000u - now < wait_ns)
            wait_ns = run->t0 + opts->duration_ms * 1000000u - now;
        /* In slices, so that the workers' end (their cycles done) is seen
         * within one, not at the next point. */
        if (wait_ns > VKW_STRESS_POLL_NS)
            wait_ns = VKW_STRESS_POLL_NS;
        vkw_sleep_ms((uint32_t)(wait_ns / 1000000u) + 1);
    }
    atomic_store(&run->stop, true);
    for (uint32_t j = 0; j < run->n; j++)
        if (run->wk[j].thread) {
            vkw_thread_join(run->wk[j].thread);
            run->wk[j].thread = NULL;
        }
    /* The run's time: to its last operation's end when the cycles ended
     * it, else to now. */
    uint64_t last_op = atomic_load(&run->last_op_ns);
    r->elapsed_s =
        since_start_s(run, r->end == VKW_STRESS_END_CYCLES && last_op ? last_op : vkw_clock_ns());
    /* The last interval, whatever its length, so that nothing done goes unseen. */
    if (s == VKW_OK && vkw_clock_ns() - last > interval_ns / 5) {
        vkw_status ss = sample(run, last, vkw_clock_ns(), err);
        if (ss != VKW_OK)
            s = ss;
    }
    for (uint32_t j = 0; j < run->n && broke == VKW_OK; j++)
        if (run->wk[j].failed)
            broke = run->wk[j].err.status;

done:
    for (uint32_t j = 0; j < run->n; j++) {
        vkw_stress_importer *imp = &run->imp[j];
        r->restarts += atomic_load(&imp->restarts);
        if (imp->lock)
            vkw_stress_importer_stop(run, imp, true);
    }
    for (uint32_t j = 0; j < run->n; j++) {
        close_worker(&run->wk[j]);
        run->wk[j].opened = false;
        memset(&run->wk[j].dev, 0, sizeof run->wk[j].dev);
        memset(&run->wk[j].inst, 0, sizeof run->wk[j].inst);
        r->validation_errors += run->wk[j].log.validation_errors +
                                atomic_load(&run->imp[j].validation_past) +
                                atomic_load(&run->imp[j].validation);
        report->debug.validation_errors += run->wk[j].log.validation_errors;
        report->debug.other_errors += run->wk[j].log.other_errors;
        report->debug.warnings += run->wk[j].log.warnings;
        for (uint32_t i = 0; i < run->wk[j].log.stored && report->debug.stored < VKW_MAX_MESSAGES;
             i++)
            report->debug.messages[report->debug.stored++] = run->wk[j].log.messages[i];
    }
    if (!r->elapsed_s)
        r->elapsed_s = (double)(vkw_clock_ns() - t_start) / 1e9;
    for (uint32_t k = 0; k < VKW_STRESS_OP_COUNT; k++)
        latency_of(&run->hist_run[k], &r->ops[k].latency);
    trends(run);
    if (s == VKW_OK || s == VKW_E_INTERRUPTED)
        conclude(run);
    if (s == VKW_OK && vkw_stop_requested() != VKW_STOP_NONE)
        s = vkw_stop_check(err);
    if (s == VKW_OK && r->end == VKW_STRESS_END_FAILED && !atomic_load(&run->ops_mask))
        /* Every kind refused by the driver as it ran (no scenario it can
         * export, say): nothing to stress, with the first kind's why. */
        s = vkw_fail(err, VKW_E_NOTHING_TO_SHARE, "nothing to stress on '%s': memory: %.200s",
                     r->device_name, r->ops[VKW_STRESS_OP_MEMORY].skip);
    else if (s == VKW_OK && r->end == VKW_STRESS_END_FAILED)
        s = vkw_fail(err, broke != VKW_OK ? broke : VKW_E_CHILD, "the run could not go on: %s",
                     r->first_failure[0] ? r->first_failure : "every worker stopped");
    if (s == VKW_OK && r->verdict[0])
        s = vkw_fail(err, VKW_E_STRESS, "%s", r->verdict);
    if (s == VKW_E_INTERRUPTED)
        r->end = VKW_STRESS_END_STOPPED;
    if (s != VKW_OK)
        vkw_report_set_error(report, err);
    report->interrupted = s == VKW_E_INTERRUPTED;
    report->total_ms = r->elapsed_s * 1000.0;
    close_run(run);
    free(run);
    return s;
}
