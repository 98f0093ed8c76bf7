/* The stress run's operations: memory into one importer (kept in a slot),
 * memory fanned out to every importer, a semaphore or fence pair for one round
 * trip, and a round on a timeline shared by every importer. Each is timed
 * from its first call to its last answer, and carries its injected fault. */
#include <stdio.h>
#include <string.h>

#include "stress_run.h"
#include "vk/external.h"
#include "vk/sync.h"

static uint64_t seed_of(vkw_stress_worker *w)
{
    return vkw_stress_rand(w) | 1u;
}

/* Where the flip-byte fault inverts the pattern (nowhere without it). */
static uint64_t flip_at(const vkw_stress_options *o, uint64_t size)
{
    return o->fault == VKW_STRESS_FAULT_FLIP_BYTE ? size / 2 : UINT64_MAX;
}

static double us_since(uint64_t t0)
{
    return (double)(vkw_clock_ns() - t0) / 1000.0;
}

/* What a failed exchange leaves: a channel out of step (a timeout, a peer
 * gone, a broken message) must start the importer again. */
static bool breaks_channel(vkw_status s)
{
    return s == VKW_E_TIMEOUT || s == VKW_E_PEER_GONE || s == VKW_E_PROTOCOL;
}

static void forget_slot(vkw_stress_worker *w, uint32_t slot)
{
    if (!w->slot_used[slot])
        return;
    vkw_shared_memory_destroy(&w->slot[slot]);
    memset(&w->slot[slot], 0, sizeof w->slot[slot]);
    w->slot_used[slot] = false;
}

void vkw_stress_release_slots(vkw_stress_worker *w, vkw_stress_importer *imp)
{
    bool any = false;
    for (uint32_t i = 0; i < VKW_STRESS_CONCURRENCY_MAX; i++)
        any |= w->slot_used[i];
    if (any && imp->up) {
        vkw_msg_stress_release q;
        vkw_msg_stress_reply rep;
        vkw_error ignored; /* the importer's end follows: a failure here is its */
        vkw_msg_init(&q.h, VKW_MSG_STRESS_RELEASE, ++imp->seq, sizeof q);
        q.slot = VKW_STRESS_ALL_SLOTS;
        snprintf(imp->activity, sizeof imp->activity, "releasing every slot");
        if (vkw_stress_request(imp, &q, sizeof q, NULL, 0, VKW_MSG_STRESS_RELEASE, &rep, sizeof rep,
                               w->run->opts->timeout_ms, &ignored) != VKW_OK)
            imp->up = false; /* out of step: killed at its end */
    }
    for (uint32_t i = 0; i < VKW_STRESS_CONCURRENCY_MAX; i++)
        forget_slot(w, i);
}

/* The memory of this operation: a scenario and a size of the run's, by the
 * worker's generator. */
static void choose_memory(vkw_stress_worker *w, bool map_only, vkw_scenario_kind *kind,
                          uint64_t *size)
{
    const vkw_stress_options *o = w->run->opts;
    uint32_t mask = atomic_load(&w->run->scenarios);
    if (map_only)
        mask &= 1u << VKW_SCENARIO_BUFFER_MAP;
    uint32_t k[VKW_SCENARIO_KIND_COUNT], n = 0;
    for (uint32_t i = 0; i < VKW_SCENARIO_KIND_COUNT; i++)
        if (mask & (1u << i))
            k[n++] = i;
    *kind = n ? (vkw_scenario_kind)k[vkw_stress_rand(w) % n] : VKW_SCENARIO_BUFFER_MAP;
    *size = o->sizes[vkw_stress_rand(w) % o->size_count];
}

static vkw_status create_memory(vkw_stress_worker *w, vkw_scenario_kind kind, uint64_t size,
                                vkw_shared_memory *sm, vkw_error *err)
{
    vkw_resource res = kind == VKW_SCENARIO_IMAGE_COPY ? VKW_RESOURCE_IMAGE : VKW_RESOURCE_BUFFER;
    vkw_access acc = kind == VKW_SCENARIO_BUFFER_MAP ? VKW_ACCESS_MAP : VKW_ACCESS_COPY;
    return vkw_shared_memory_create(&w->dev, w->run->memory_type, res, acc, size, false, NULL, sm,
                                    err);
}

/* A scenario the driver refuses (no host-visible exportable memory, no
 * exportable image) leaves the run's mix; the last one ends memory. */
static void drop_scenario(vkw_stress_worker *w, vkw_scenario_kind kind, vkw_stress_outcome *out)
{
    atomic_fetch_and(&w->run->scenarios, ~(1u << kind));
    out->unsupported = true;
}

void vkw_stress_op_memory(vkw_stress_worker *w, vkw_stress_importer *imp, int32_t chaos,
                          vkw_stress_outcome *out)
{
    vkw_stress_state *run = w->run;
    const vkw_stress_options *o = run->opts;
    const vkw_handle_type *t = run->memory_type;
    uint64_t timeout_ns = (uint64_t)o->timeout_ms * 1000000u;
    out->op = VKW_STRESS_OP_MEMORY;
    uint32_t slot = w->next_slot++ % o->concurrency;
    /* The object this slot held leaves first (untimed: it is the end of
     * an earlier operation): here now, in the importer when the next import
     * into the slot arrives (it releases what the slot holds first), so no
     * message of its own. */
    forget_slot(w, slot);
    vkw_scenario_kind kind;
    uint64_t size;
    choose_memory(w, false, &kind, &size);
    bool check = o->verify_every && (w->memory_ops++ % o->verify_every) == 0;
    vkw_shared_memory sm = {0};
    vkw_handle exported = VKW_NO_HANDLE, foreign = VKW_NO_HANDLE;
    vkw_memory_method how = {.threads = 1};
    vkw_status s;
    uint64_t parent_seed = seed_of(w), child_seed = seed_of(w);
    uint64_t t0 = vkw_clock_ns();
    s = create_memory(w, kind, size, &sm, &out->err);
    if (s == VKW_E_UNSUPPORTED) {
        drop_scenario(w, kind, out);
        goto cleanup;
    }
    if (s == VKW_OK && check) {
        vkw_memory_times times;
        s = vkw_shared_memory_prepare(&sm, 0, &how, timeout_ns, &out->err);
        if (s == VKW_OK)
            s = vkw_shared_memory_write_pattern(&sm, parent_seed, flip_at(o, size), &how, &times,
                                                timeout_ns, &out->err);
    }
    if (s == VKW_OK)
        s = vkw_shared_memory_export(&sm, &exported, &out->err);
    if (s != VKW_OK)
        goto cleanup;

    vkw_msg_stress_memory msg;
    memset(&msg, 0, sizeof msg);
    vkw_msg_init(&msg.h, VKW_MSG_STRESS_MEMORY, ++imp->seq, sizeof msg);
    msg.desc = sm.desc;
    msg.slot = slot;
    msg.check = check ? VKW_STRESS_CHECK_WRITE : VKW_STRESS_IMPORT_ONLY;
    msg.fault = o->fault;
    msg.parent_seed = parent_seed;
    msg.child_seed = child_seed;
    vkw_handle send = exported;
    if (chaos == VKW_CHAOS_FOREIGN) {
        s = vkw_foreign_handle_create(&foreign, &out->err);
        if (s != VKW_OK)
            goto cleanup;
        send = foreign;
    }
    if (chaos == VKW_CHAOS_STALE || chaos == VKW_CHAOS_DROP)
        msg.chaos = (uint32_t)chaos + 1u;
    bool by_value = vkw_handle_travels_by_value(t);
    msg.handle_value = by_value ? (uint64_t)send : 0;
    snprintf(imp->activity, sizeof imp->activity,
             "importing %s %s memory of %llu bytes into slot %u", t->name,
             vkw_scenario_kind_name(kind), (unsigned long long)size, slot);
    vkw_msg_stress_reply rep;
    memset(&rep, 0, sizeof rep);
    /* The stop chaos, and the kill's: the importer stopped before the
     * handle goes, so that the kill lands while the handle is on its way to
     * it (sent, not yet imported), whatever the scheduler does. */
    if (chaos == VKW_CHAOS_STOP || chaos == VKW_CHAOS_KILL_IMPORT) {
        s = vkw_child_suspend(imp->child, &out->err);
        if (s != VKW_OK)
            goto cleanup;
        imp->suspended = true;
    }
    out->injected_ns = vkw_clock_ns();
    s = vkw_channel_send(imp->ch, &msg, sizeof msg, &send, by_value ? 0 : 1, &out->err);
    if (chaos == VKW_CHAOS_KILL_IMPORT) {
        vkw_stress_importer_kill(imp);
        imp->suspended = false;
    }
    if (s == VKW_OK)
        s = vkw_msg_recv(imp->ch, VKW_MSG_STRESS_MEMORY | VKW_MSG_REPLY, msg.h.seq, &rep,
                         sizeof rep, NULL, 0, &(uint32_t){0}, o->timeout_ms, imp->activity,
                         &out->err);
    out->detected_ns = vkw_clock_ns();
    if (chaos == VKW_CHAOS_STOP && imp->suspended) {
        /* Seen (or not) within the timeout: the importer goes on, and its late
         * answer puts the channel back in step. */
        vkw_error ignored;
        imp->suspended = vkw_child_resume(imp->child, &ignored) != VKW_OK;
        if (s == VKW_E_TIMEOUT && !imp->suspended) {
            vkw_error late;
            if (vkw_msg_recv(imp->ch, VKW_MSG_STRESS_MEMORY | VKW_MSG_REPLY, msg.h.seq, &rep,
                             sizeof rep, NULL, 0, &(uint32_t){0}, o->timeout_ms, imp->activity,
                             &late) == VKW_OK) {
                /* In step again; what the late answer says still counts. */
                if (vkw_msg_outcome_get(&rep.outcome, &late) != VKW_OK ||
                    (msg.check != VKW_STRESS_IMPORT_ONLY && !rep.verified))
                    snprintf(out->late_failure, sizeof out->late_failure,
                             "importer %u, let go on after the stop, answered late: %.300s",
                             imp->index + 1,
                             rep.verified || msg.check == VKW_STRESS_IMPORT_ONLY
                                 ? late.message
                                 : "the exporter's bytes were not there");
                out->latency_us = us_since(t0);
                out->restart = false;
                vkw_external_handle_release(t, exported);
                exported = VKW_NO_HANDLE;
                goto cleanup; /* s stays the timeout: what was detected */
            }
        }
    }
    /* The importer has its own now (or nothing). */
    vkw_external_handle_release(t, exported);
    exported = VKW_NO_HANDLE;
    vkw_handle_close(foreign);
    foreign = VKW_NO_HANDLE;
    if (s != VKW_OK) {
        /* The drop chaos leaves the channel in step: the importer answers
         * the next request. */
        out->restart = breaks_channel(s) && !(chaos == VKW_CHAOS_DROP && s == VKW_E_TIMEOUT);
        if (out->restart)
            imp->up = false;
        goto cleanup;
    }
    atomic_store(&imp->validation, rep.validation_errors);
    if (o->fault == VKW_STRESS_FAULT_DEAF) {
        /* The deaf fault: whatever the importer said, taken for a success
         * (what a tool that does not read answers would report). */
        out->latency_us = us_since(t0);
        goto cleanup;
    }
    s = vkw_msg_outcome_get(&rep.outcome, &out->err);
    if (s != VKW_OK) {
        char why[400];
        snprintf(why, sizeof why, "%.390s", out->err.message);
        s = vkw_fail(&out->err, VKW_E_SHARING, "importer %u could not use the memory: %s",
                     imp->index + 1, why);
        goto cleanup;
    }
    if (check && !rep.verified) {
        out->mismatch = true;
        s = vkw_fail(&out->err, VKW_E_SHARING,
                     "importer %u does not see the exporter's bytes of %s %s memory: offset %llu "
                     "holds 0x%02x, 0x%02x expected",
                     imp->index + 1, t->name, vkw_scenario_kind_name(kind),
                     (unsigned long long)rep.mismatch.offset, rep.mismatch.got,
                     rep.mismatch.expected);
        goto cleanup;
    }
    if (check) {
        vkw_memory_times times;
        vkw_mismatch mm;
        bool ok = false;
        s = vkw_shared_memory_check_pattern(&sm, msg.child_seed, &how, &ok, &mm, &times, timeout_ns,
                                            &out->err);
        if (s == VKW_OK && !ok) {
            out->mismatch = true;
            s = vkw_fail(&out->err, VKW_E_SHARING,
                         "the exporter does not see importer %u's bytes of %s %s memory: offset "
                         "%llu holds 0x%02x, 0x%02x expected",
                         imp->index + 1, t->name, vkw_scenario_kind_name(kind),
                         (unsigned long long)mm.offset, mm.got, mm.expected);
        }
        out->verified = s == VKW_OK;
    }
    out->latency_us = us_since(t0);
    if (s == VKW_OK) {
        /* Held on both sides until the slot comes round again. */
        w->slot[slot] = sm;
        w->slot_used[slot] = true;
        memset(&sm, 0, sizeof sm);
    }

cleanup:
    out->status = s;
    vkw_external_handle_release(t, exported);
    vkw_handle_close(foreign);
    vkw_shared_memory_destroy(&sm);
}

/* A fan-out's import once more, to one importer alone: the same memory, its
 * own handle, checked as before. */
static vkw_status retry_alone(vkw_stress_worker *w, vkw_stress_importer *imp,
                              const vkw_memory_desc *desc, vkw_handle exported, uint64_t seed,
                              vkw_msg_stress_reply *rep, vkw_error *err)
{
    const vkw_handle_type *t = w->run->memory_type;
    bool by_value = vkw_handle_travels_by_value(t);
    vkw_handle own = exported;
    if (!by_value && vkw_handle_duplicate(exported, &own, err) != VKW_OK)
        return err->status;
    vkw_msg_stress_memory msg;
    memset(&msg, 0, sizeof msg);
    vkw_msg_init(&msg.h, VKW_MSG_STRESS_MEMORY, ++imp->seq, sizeof msg);
    msg.desc = *desc;
    msg.slot = VKW_STRESS_FANOUT_SLOT;
    msg.check = VKW_STRESS_CHECK;
    msg.release = 1;
    msg.fault = w->run->opts->fault;
    msg.parent_seed = seed;
    msg.handle_value = by_value ? (uint64_t)own : 0;
    vkw_status s =
        vkw_stress_request(imp, &msg, sizeof msg, &own, by_value ? 0 : 1, VKW_MSG_STRESS_MEMORY,
                           rep, sizeof *rep, w->run->opts->timeout_ms, err);
    if (!by_value)
        vkw_handle_close(own);
    if (s != VKW_OK) {
        imp->up = false;
        return s;
    }
    return vkw_msg_outcome_get(&rep->outcome, err);
}

void vkw_stress_op_fanout(vkw_stress_worker *w, vkw_stress_outcome *out)
{
    vkw_stress_state *run = w->run;
    const vkw_stress_options *o = run->opts;
    const vkw_handle_type *t = run->memory_type;
    uint64_t timeout_ns = (uint64_t)o->timeout_ms * 1000000u;
    out->op = VKW_STRESS_OP_FANOUT;
    if (!(atomic_load(&run->scenarios) & (1u << VKW_SCENARIO_BUFFER_MAP))) {
        out->unsupported = true;
        out->status = vkw_fail(&out->err, VKW_E_UNSUPPORTED,
                               "fan-out shares host-visible memory (buffer-map), which this run "
                               "does not have");
        return;
    }
    vkw_scenario_kind kind;
    uint64_t size;
    choose_memory(w, true, &kind, &size);
    uint64_t seed = seed_of(w);
    vkw_shared_memory sm = {0};
    vkw_handle exported = VKW_NO_HANDLE;
    vkw_memory_method how = {.threads = 1};
    vkw_memory_times times;
    uint32_t seqs[VKW_STRESS_IMPORTERS_MAX] = {0};
    uint32_t sent = 0, verified = 0;
    uint64_t t0 = vkw_clock_ns();
    vkw_status s = create_memory(w, kind, size, &sm, &out->err);
    if (s == VKW_E_UNSUPPORTED) {
        drop_scenario(w, kind, out);
        goto cleanup;
    }
    if (s == VKW_OK)
        s = vkw_shared_memory_prepare(&sm, 0, &how, timeout_ns, &out->err);
    if (s == VKW_OK)
        s = vkw_shared_memory_write_pattern(&sm, seed, flip_at(o, size), &how, &times, timeout_ns,
                                            &out->err);
    if (s == VKW_OK)
        s = vkw_shared_memory_export(&sm, &exported, &out->err);
    bool by_value = vkw_handle_travels_by_value(t);
    /* To every importer at once: each gets its own handle (one duplicate per
     * importer; DuplicateHandle into each process on Win32), then every
     * answer is awaited. */
    for (uint32_t j = 0; s == VKW_OK && j < run->n; j++) {
        vkw_stress_importer *imp = &run->imp[j];
        if (!imp->up || !w->held[j])
            continue;
        vkw_handle own = exported;
        vkw_error e;
        if (!by_value && vkw_handle_duplicate(exported, &own, &e) != VKW_OK) {
            s = vkw_fail(&out->err, e.status, "fan-out to importer %u: %s", j + 1, e.message);
            break;
        }
        vkw_msg_stress_memory msg;
        memset(&msg, 0, sizeof msg);
        vkw_msg_init(&msg.h, VKW_MSG_STRESS_MEMORY, ++imp->seq, sizeof msg);
        msg.desc = sm.desc;
        msg.slot = VKW_STRESS_FANOUT_SLOT;
        msg.check = VKW_STRESS_CHECK;
        msg.release = 1;
        msg.fault = o->fault;
        msg.parent_seed = seed;
        msg.handle_value = by_value ? (uint64_t)own : 0;
        snprintf(imp->activity, sizeof imp->activity,
                 "importing fanned-out %s memory of %llu bytes", t->name, (unsigned long long)size);
        vkw_status cs = vkw_channel_send(imp->ch, &msg, sizeof msg, &own, by_value ? 0 : 1, &e);
        if (!by_value)
            vkw_handle_close(own);
        if (cs != VKW_OK) {
            imp->up = false;
            s = vkw_fail(&out->err, cs, "fan-out to importer %u: %s", j + 1, e.message);
            break;
        }
        seqs[j] = msg.h.seq;
        sent++;
    }
    for (uint32_t j = 0; j < run->n; j++) {
        vkw_stress_importer *imp = &run->imp[j];
        if (!seqs[j])
            continue;
        vkw_msg_stress_reply rep;
        vkw_error e;
        vkw_status rs =
            vkw_msg_recv(imp->ch, VKW_MSG_STRESS_MEMORY | VKW_MSG_REPLY, seqs[j], &rep, sizeof rep,
                         NULL, 0, &(uint32_t){0}, o->timeout_ms, imp->activity, &e);
        if (rs != VKW_OK) {
            imp->up = false;
        } else {
            atomic_store(&imp->validation, rep.validation_errors);
            rs = vkw_msg_outcome_get(&rep.outcome, &e);
            if (rs != VKW_OK) {
                /* Refused while others imported the same memory: once
                 * more, alone. Taken then, it is the driver's concurrency
                 * that failed (a finding), not this memory. */
                vkw_error alone;
                if (retry_alone(w, imp, &sm.desc, exported, seed, &rep, &alone) == VKW_OK) {
                    out->concurrent_failures++;
                    if (!out->concurrent_text[0])
                        snprintf(out->concurrent_text, sizeof out->concurrent_text,
                                 "importer %u refused memory that %u importers were importing "
                                 "at once (%.300s), then took it alone",
                                 j + 1, sent, e.message);
                    rs = VKW_OK;
                } else if (!imp->up) {
                    e = alone;
                    rs = alone.status;
                }
            }
            if (rs == VKW_OK && !rep.verified) {
                out->mismatch = true;
                rs = vkw_fail(&e, VKW_E_SHARING,
                              "does not see the exporter's bytes: offset %llu holds 0x%02x, "
                              "0x%02x expected",
                              (unsigned long long)rep.mismatch.offset, rep.mismatch.got,
                              rep.mismatch.expected);
            }
        }
        if (rs == VKW_OK)
            verified++;
        else if (s == VKW_OK)
            s = vkw_fail(&out->err, rs == VKW_E_SHARING ? rs : VKW_E_CHILD,
                         "fan-out to importer %u: %s", j + 1, e.message);
    }
    /* Every importer busy past the wait (restarts, stops): this round
     * reached none, which is neither a success nor a failure. */
    if (s == VKW_OK && sent == 0)
        out->none_free = true;
    out->reached = sent;
    out->verified = s == VKW_OK && verified == sent;
    out->latency_us = us_since(t0);

cleanup:
    out->status = s;
    vkw_external_handle_release(t, exported);
    vkw_shared_memory_destroy(&sm);
}

/* The OS primitive that orders a binary round trip: the first of this OS's. */
static vkw_os_pingpong_kind order_kind(void)
{
    for (uint32_t k = 0; k < VKW_PINGPONG_KIND_COUNT; k++)
        if (vkw_pingpong_kind_available((vkw_os_pingpong_kind)k))
            return (vkw_os_pingpong_kind)k;
    return VKW_PINGPONG_KIND_COUNT;
}

static vkw_sync_mode mode_of(vkw_stress_op op)
{
    return op == VKW_STRESS_OP_BINARY  ? VKW_SYNC_QUEUE_BINARY
           : op == VKW_STRESS_OP_FENCE ? VKW_SYNC_FENCE
                                       : VKW_SYNC_HOST_TIMELINE;
}

/* The SYNC request of a one-round exchange, its handles attached (or by value). */
static vkw_status send_sync(vkw_stress_importer *imp, const vkw_stress_options *o,
                            vkw_sync_mode mode, const vkw_handle_type *t, int32_t os_kind,
                            const vkw_handle *handles, uint32_t count, uint32_t *seq,
                            vkw_error *err)
{
    vkw_msg_sync msg;
    memset(&msg, 0, sizeof msg);
    vkw_msg_init(&msg.h, VKW_MSG_SYNC, ++imp->seq, sizeof msg);
    msg.mode = mode;
    msg.os_kind = os_kind;
    msg.handle_type = t->bit;
    msg.rounds = 1;
    msg.answer = 1;
    msg.timeout_ms = o->timeout_ms;
    msg.pin_cpu = -1;
    msg.importer = VKW_IMPORTER_VULKAN;
    bool by_value = vkw_handle_travels_by_value(t);
    if (by_value) {
        msg.values[0] = (uint64_t)handles[0];
        msg.values[1] = (uint64_t)handles[1];
    }
    *seq = msg.h.seq;
    snprintf(imp->activity, sizeof imp->activity, "taking a %s pair (%s)", vkw_sync_mode_name(mode),
             t->name);
    return vkw_channel_send(imp->ch, &msg, sizeof msg, by_value ? handles + 2 : handles,
                            by_value ? count - 2 : count, err);
}

static vkw_status recv_sync(vkw_stress_importer *imp, vkw_msg_type type, uint32_t seq,
                            uint32_t timeout_ms, vkw_error *err)
{
    vkw_msg_sync_reply rep;
    vkw_status s = vkw_msg_recv(imp->ch, type, seq, &rep, sizeof rep, NULL, 0, &(uint32_t){0},
                                timeout_ms, imp->activity, err);
    if (s != VKW_OK) {
        imp->up = false; /* out of step */
        return s;
    }
    atomic_store(&imp->validation, rep.validation_errors);
    s = vkw_msg_outcome_get(&rep.outcome, err);
    if (s != VKW_OK) {
        char why[400];
        snprintf(why, sizeof why, "%.390s", err->message);
        s = vkw_fail(err, s == VKW_E_UNSUPPORTED ? s : VKW_E_SHARING, "importer %u: %s",
                     imp->index + 1, why);
    }
    return s;
}

static void close_handles(const vkw_handle_type *t, vkw_handle *h, uint32_t objects, uint32_t all)
{
    for (uint32_t i = 0; i < all; i++) {
        if (i < objects)
            vkw_external_handle_release(t, h[i]);
        else
            vkw_handle_close(h[i]);
        h[i] = VKW_NO_HANDLE;
    }
}

void vkw_stress_op_sync(vkw_stress_worker *w, vkw_stress_importer *imp, vkw_stress_op op,
                        int32_t chaos, vkw_stress_outcome *out)
{
    const vkw_stress_options *o = w->run->opts;
    const vkw_handle_type *t = w->run->sync_type[op];
    vkw_sync_mode mode = mode_of(op);
    vkw_sync_side side;
    memset(&side, 0, sizeof side);
    vkw_handle h[2 + VKW_PINGPONG_MAX_HANDLES];
    for (uint32_t i = 0; i < 2 + VKW_PINGPONG_MAX_HANDLES; i++)
        h[i] = VKW_NO_HANDLE;
    uint32_t order = 0, seq = 0;
    int32_t os_kind = -1;
    bool released = false;
    out->op = op;
    uint64_t t0 = vkw_clock_ns();
    vkw_status s = vkw_sync_side_create(&side, mode, &w->dev, t, NULL, &out->err);
    if (s == VKW_OK)
        s = vkw_sync_side_export(&side, t, h, &out->err);
    if (s == VKW_OK && mode == VKW_SYNC_QUEUE_BINARY) {
        os_kind = (int32_t)order_kind();
        s = vkw_pingpong_create(order_kind(), &side.pp, h + 2, &order, &out->err);
    }
    if (s == VKW_E_UNSUPPORTED) {
        out->unsupported = true;
        goto cleanup;
    }
    if (s == VKW_OK)
        s = send_sync(imp, o, mode, t, os_kind, h, 2 + order, &seq, &out->err);
    close_handles(t, h, 2, 2 + order); /* the importer has its own now (or nothing) */
    if (s == VKW_OK)
        s = recv_sync(imp, VKW_MSG_SYNC | VKW_MSG_REPLY, seq, o->timeout_ms, &out->err);
    if (s != VKW_OK)
        goto cleanup;
    out->injected_ns = vkw_clock_ns();
    uint32_t done_ms = o->timeout_ms;
    if (chaos == VKW_CHAOS_KILL_WAIT) {
        /* The importer waits for the first signal now: killed there. */
        vkw_stress_importer_kill(imp);
    } else if (chaos == VKW_CHAOS_CLOSE_EARLY) {
        /* Its timeline gone before it was ever signalled (nothing of this
         * side waits on it): the importer's wait must end at its timeout. */
        vkw_sync_side_settle(&side, true);
        vkw_sync_side_release(&side);
        released = true;
        done_ms = o->timeout_ms * 2;
    } else {
        s = vkw_sync_ping(&side, o->timeout_ms, &out->err);
    }
    vkw_error derr;
    vkw_status ds = recv_sync(imp, VKW_MSG_SYNC_DONE, seq, done_ms, &derr);
    if (s == VKW_OK && ds != VKW_OK) {
        s = ds;
        out->err = derr;
    }
    out->detected_ns = vkw_clock_ns();
    out->latency_us = us_since(t0);
    out->verified = s == VKW_OK;

cleanup:
    out->status = s;
    out->restart = !imp->up;
    close_handles(t, h, 2, 2 + order);
    if (!released) {
        vkw_sync_side_settle(&side, s == VKW_OK);
        vkw_sync_side_release(&side);
    }
}

void vkw_stress_op_signal(vkw_stress_worker *w, vkw_stress_outcome *out)
{
    vkw_stress_state *run = w->run;
    const vkw_stress_options *o = run->opts;
    const vkw_handle_type *t = run->sync_type[VKW_STRESS_OP_TIMELINE];
    vkw_sync_side sides[VKW_STRESS_IMPORTERS_MAX];
    vkw_handle h[VKW_STRESS_IMPORTERS_MAX][2];
    uint32_t seqs[VKW_STRESS_IMPORTERS_MAX] = {0};
    memset(sides, 0, sizeof sides);
    for (uint32_t j = 0; j < VKW_STRESS_IMPORTERS_MAX; j++)
        h[j][0] = h[j][1] = VKW_NO_HANDLE;
    out->op = VKW_STRESS_OP_SIGNAL;
    int32_t first = -1;
    vkw_status s = VKW_OK;
    uint64_t t0 = vkw_clock_ns();
    /* One timeline the exporter signals (the first importer's A), each
     * importer's own to answer on (its B). */
    for (uint32_t j = 0; s == VKW_OK && j < run->n; j++) {
        if (!run->imp[j].up || !w->held[j])
            continue;
        s = vkw_sync_side_create(&sides[j], VKW_SYNC_HOST_TIMELINE, &w->dev, t, NULL, &out->err);
        if (s == VKW_OK)
            s = vkw_sync_side_export(&sides[j], t, h[j], &out->err);
        if (s == VKW_OK && first < 0)
            first = (int32_t)j;
    }
    if (s == VKW_E_UNSUPPORTED)
        out->unsupported = true;
    if (s == VKW_OK && first < 0)
        out->none_free = true; /* as fan-out's: neither a success nor a failure */
    for (uint32_t j = 0; s == VKW_OK && j < run->n; j++) {
        if (!sides[j].dev)
            continue;
        vkw_handle pair[2] = {h[first][0], h[j][1]};
        vkw_handle own = VKW_NO_HANDLE;
        if (!vkw_handle_travels_by_value(t)) {
            s = vkw_handle_duplicate(h[first][0], &own, &out->err);
            pair[0] = own;
        }
        if (s == VKW_OK)
            s = send_sync(&run->imp[j], o, VKW_SYNC_HOST_TIMELINE, t, -1, pair, 2, &seqs[j],
                          &out->err);
        vkw_handle_close(own);
        if (s != VKW_OK)
            run->imp[j].up = false;
    }
    for (uint32_t j = 0; j < run->n; j++) {
        vkw_error e;
        if (seqs[j] && recv_sync(&run->imp[j], VKW_MSG_SYNC | VKW_MSG_REPLY, seqs[j], o->timeout_ms,
                                 &e) != VKW_OK) {
            if (s == VKW_OK)
                s = vkw_fail(&out->err, e.status, "signal: %s", e.message);
            seqs[j] = 0; /* no SYNC_DONE follows a refusal */
        }
    }
    /* The round: A signalled once, every importer's B awaited. */
    if (s == VKW_OK && first >= 0)
        s = vkw_sync_ping(&sides[first], o->timeout_ms, &out->err);
    for (uint32_t j = 0; s == VKW_OK && j < run->n; j++)
        if (seqs[j] && (int32_t)j != first)
            s = vkw_sync_wait_b(&sides[j], 1, o->timeout_ms, &out->err);
    for (uint32_t j = 0; j < run->n; j++) {
        vkw_error e;
        if (seqs[j] &&
            recv_sync(&run->imp[j], VKW_MSG_SYNC_DONE, seqs[j], o->timeout_ms, &e) != VKW_OK &&
            s == VKW_OK)
            s = vkw_fail(&out->err, e.status, "signal: %s", e.message);
    }
    out->latency_us = us_since(t0);
    out->verified = s == VKW_OK;
    out->status = s;
    for (uint32_t j = 0; j < run->n; j++)
        out->reached += seqs[j] != 0;
    for (uint32_t j = 0; j < run->n; j++) {
        close_handles(t, h[j], 2, 2);
        if (sides[j].dev) {
            vkw_sync_side_settle(&sides[j], s == VKW_OK);
            vkw_sync_side_release(&sides[j]);
        }
    }
}
