/* The bench's parent: probes, opens the device, starts the child, and runs
 * every memory scenario through it. */
#include "bench.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vk/device.h"
#include "vk/external.h"
#include "vk/names.h"
#include "report/bench_options.h"
#include "report/report.h"
#include "bench_d3d.h"
#include "bench_sync.h"
#include "session.h"
#include "probes/probe_run.h"

/* The device to bench: the filter's first match, else the first GPU. */
uint32_t vkw_bench_choose_device(const vkw_report *r, bool filtered)
{
    static const VkPhysicalDeviceType order[] = {
        VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU,
        VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU,
        VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU,
        VK_PHYSICAL_DEVICE_TYPE_CPU,
    };
    if (!filtered)
        for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
            for (uint32_t i = 0; i < r->device_count; i++)
                if (r->devices[i].type == order[k])
                    return i;
    return 0;
}

static vkw_status plan_types(bench_ctx *c, const vkw_device_report *dev, vkw_error *err)
{
    vkw_bench_report *b = c->b;
    for (uint32_t t = 0; t < VKW_MEMORY_HANDLE_TYPE_COUNT; t++) {
        const vkw_handle_type *ht = &vkw_memory_handle_types[t];
        /* The handles this bench moves between processes: fds or HANDLEs. A
         * type of another family of this OS (host pointers, say) is judged
         * by the probe's verdict ("local"), not called "not applicable". */
        bool moved = ht->family ==
                     (vkw_platform_os() == VKW_OS_WINDOWS ? VKW_FAMILY_WIN32 : VKW_FAMILY_POSIX_FD);
        bool asked = c->opts->handle_types ? (c->opts->handle_types & ht->bit) != 0 : moved;
        if (!asked)
            continue;
        vkw_bench_type *bt = &b->types[b->type_count++];
        bt->type_index = t;
        if (!vkw_handle_family_native(ht->family)) {
            snprintf(bt->reason, sizeof bt->reason,
                     "not applicable on %s: %s handles move "
                     "between processes of another OS family",
                     vkw_platform_os_name(), ht->name);
            continue;
        }
        const vkw_verdict *v = &dev->memory_verdict[t];
        bt->tested = moved && (v->code == VKW_VERDICT_SHAREABLE ||
                               v->code == VKW_VERDICT_SHAREABLE_DEDICATED);
        if (!bt->tested)
            snprintf(bt->reason, sizeof bt->reason, "%s: %s", vkw_verdict_code_name(v->code),
                     v->detail);
    }
    uint32_t kinds =
        c->opts->scenario_kinds ? c->opts->scenario_kinds : (1u << VKW_SCENARIO_KIND_COUNT) - 1;
    uint32_t importers = c->opts->importers ? c->opts->importers : 1u << VKW_IMPORTER_VULKAN;
    uint32_t n = 0;
    for (uint32_t i = 0; i < b->type_count; i++)
        if (b->types[i].tested)
            for (uint32_t k = 0; k < VKW_SCENARIO_KIND_COUNT; k++)
                if (kinds & (1u << k))
                    n += c->opts->size_count;
    uint32_t apis = 0;
    for (uint32_t api = 0; api < VKW_IMPORTER_COUNT; api++)
        apis += (importers >> api) & 1u;
    n *= apis;
    if (n == 0)
        return VKW_OK;
    b->scenarios = calloc(n, sizeof *b->scenarios);
    if (!b->scenarios)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory planning %u scenarios", n);
    /* Each importer in turn, Vulkan first: each runs every scenario. */
    for (uint32_t api = 0; api < VKW_IMPORTER_COUNT; api++)
        for (uint32_t i = 0; (importers & (1u << api)) && i < b->type_count; i++)
            if (b->types[i].tested)
                for (uint32_t k = 0; k < VKW_SCENARIO_KIND_COUNT; k++)
                    if (kinds & (1u << k))
                        for (uint32_t z = 0; z < c->opts->size_count; z++) {
                            vkw_memory_scenario *sc = &b->scenarios[b->scenario_count++];
                            sc->importer = (vkw_importer)api;
                            sc->type_index = b->types[i].type_index;
                            sc->kind = (vkw_scenario_kind)k;
                            sc->size_requested = c->opts->sizes[z];
                        }
    return VKW_OK;
}

/* The warm-up's seeds differ from every timed iteration's. */
#define VKW_WARMUP_SEED_ITERATION 0xFFFFFFu

static uint64_t seed_for(uint32_t scenario, uint32_t iteration, uint32_t side)
{
    return 0x766b77696e333268ull ^ ((uint64_t)scenario << 40) ^ ((uint64_t)iteration << 8) ^ side;
}

static double us(uint64_t ns)
{
    return (double)ns / 1000.0;
}

/* How long a scenario's warm-up keeps the device busy before its timed
 * iterations (where the device writes and checks), for memory of at least
 * VKW_DEVICE_WARMUP_MIN_SIZE: smaller memory takes so little of the device
 * that its clocks are not what the figures show (the 1 TB/s is at
 * 1 GiB), and every test's scenario would pay the 200 ms. */
#define VKW_DEVICE_WARMUP_MS 200u
#define VKW_DEVICE_WARMUP_MIN_SIZE (64ull << 20)

/* An iteration's samples: each phase's, then imported vs local's (by
 * direction: imported, local). A phase that did not run holds NOT_RUN. */
#define IVL_AT(d, local) (VKW_PHASE_COUNT + 2 * (d) + (local))
#define SAMPLE_WIDTH (VKW_PHASE_COUNT + 2 * VKW_DIRECTION_COUNT)
#define NOT_RUN (-1.0)

/* How a scenario's memory is written and checked: as --verify resolved,
 * except that auto leaves mapped memory (buffer-map: host-visible memory
 * "verified by mapping") to the host, whose read of it is what the scenario
 * measures. */
static vkw_memory_method method_for(const bench_ctx *c, const vkw_memory_scenario *sc,
                                    vkw_verify_method *as_run)
{
    vkw_memory_method how = c->how;
    *as_run = c->b->verify;
    if (c->opts->verify == VKW_VERIFY_AUTO && sc->kind == VKW_SCENARIO_BUFFER_MAP) {
        how.gpu = NULL;
        how.host_check = false;
        *as_run = VKW_VERIFY_CPU;
    }
    return how;
}

uint32_t vkw_bench_memory_fault(bench_ctx *c, bool warmup)
{
    /* A fault once, in the first timed cycle; a leak in every timed cycle
     * (the warm-up is not counted). */
    if (!warmup && c->opts->fault == VKW_FAULT_LEAK) {
        c->fault_pending = false;
        return VKW_FAULT_LEAK;
    }
    if (c->fault_pending && !warmup && c->opts->fault != VKW_FAULT_LOST_SIGNAL &&
        c->opts->fault != VKW_FAULT_DOUBLE_ROUND_TRIPS) {
        c->fault_pending = false;
        return c->opts->fault;
    }
    return VKW_FAULT_NONE;
}

vkw_status vkw_bench_memory_request(bench_ctx *c, vkw_msg_memory *msg, vkw_handle *send,
                                    bool by_value, const char *first, const char *what,
                                    vkw_msg_memory_reply *rep, vkw_error *err)
{
    snprintf(c->b->child_activity, sizeof c->b->child_activity, "%s %s", first, what);
    msg->sent_ns = vkw_clock_ns();
    /* The child answers after each step (import, read and verify, write):
     * each within --timeout, which bounds every wait of the parent. */
    vkw_status s = vkw_bench_request(c, msg, sizeof *msg, send, by_value ? 0 : 1, VKW_MSG_MEMORY,
                                     rep, sizeof *rep, c->opts->timeout_ms, err);
    for (uint32_t steps = 0; s == VKW_OK && rep->step != VKW_MEMORY_DONE; steps++) {
        if (steps >= VKW_MEMORY_VERIFIED || rep->step != steps + 1) {
            s = vkw_bench_child_failed(
                c, vkw_fail(err, VKW_E_PROTOCOL, "step %u came after %u step(s)", rep->step, steps),
                err);
            break;
        }
        snprintf(c->b->child_activity, sizeof c->b->child_activity, "%s %s",
                 rep->step == VKW_MEMORY_LOCAL      ? "importing"
                 : rep->step == VKW_MEMORY_IMPORTED ? "reading and verifying"
                                                    : "writing to",
                 what);
        uint32_t got = 0;
        s = vkw_msg_recv(c->ch, VKW_MSG_MEMORY | VKW_MSG_REPLY, msg->h.seq, rep, sizeof *rep, NULL,
                         0, &got, c->opts->timeout_ms, c->b->child_activity, err);
        if (s != VKW_OK)
            s = vkw_bench_child_failed(c, s, err);
    }
    return s;
}

/* One export -> transfer -> import -> verify both ways cycle. */
static vkw_status run_iteration(bench_ctx *c, uint32_t index, vkw_memory_scenario *sc, uint32_t it,
                                bool warmup, double *samples, vkw_error *err)
{
    if (sc->exporter != VKW_EXPORTER_VULKAN) {
        char when[32];
        if (warmup)
            snprintf(when, sizeof when, "warm-up");
        else
            snprintf(when, sizeof when, "iteration %u", it + 1);
        return vkw_bench_d3d_iteration(c, sc, it, seed_for(index, it, 1), seed_for(index, it, 2),
                                       warmup, when, samples, err);
    }
    const vkw_handle_type *t = &vkw_memory_handle_types[sc->type_index];
    uint64_t timeout_ns = (uint64_t)c->opts->timeout_ms * 1000000u;
    vkw_resource res =
        sc->kind == VKW_SCENARIO_IMAGE_COPY ? VKW_RESOURCE_IMAGE : VKW_RESOURCE_BUFFER;
    vkw_access acc = sc->kind == VKW_SCENARIO_BUFFER_MAP ? VKW_ACCESS_MAP : VKW_ACCESS_COPY;
    vkw_shared_memory sm = {0};
    vkw_handle exported = VKW_NO_HANDLE, foreign = VKW_NO_HANDLE;
    vkw_status s;
    char sz[32], when[32];
    vkw_verify_method as_run;
    const vkw_memory_method how = method_for(c, sc, &as_run);
    /* Another API on the child's side: it reads and writes through its own
     * calls and the host, whatever this side does. */
    bool other_api = sc->importer != VKW_IMPORTER_VULKAN;
    vkw_size_string(sc->size_requested, sz, sizeof sz);
    if (warmup)
        snprintf(when, sizeof when, "warm-up");
    else
        snprintf(when, sizeof when, "iteration %u", it + 1);

    uint64_t t0 = vkw_clock_ns();
    /* --nt-names: NT handles travel by name; the exporter's handle keeps the
     * named object alive until the child has imported it. */
    char nt_name[64] = "";
    if (c->opts->nt_names && vkw_handle_type_nameable(t))
        vkw_bench_nt_name(c, nt_name, sizeof nt_name);
    s = vkw_shared_memory_create(&c->dev, t, res, acc, sc->size_requested, how.gpu != NULL,
                                 nt_name[0] ? nt_name : NULL, &sm, err);
    samples[VKW_PHASE_ALLOCATE] = us(vkw_clock_ns() - t0);
    if (s != VKW_OK)
        goto cleanup;
    sc->desc = sm.desc;
    sc->memory_flags = sm.memory_flags;

    t0 = vkw_clock_ns();
    s = vkw_shared_memory_export(&sm, &exported, err);
    samples[VKW_PHASE_EXPORT] = us(vkw_clock_ns() - t0);
    if (s != VKW_OK)
        goto cleanup;

    vkw_msg_memory msg;
    vkw_msg_init(&msg.h, VKW_MSG_MEMORY, ++c->seq, sizeof msg);
    msg.desc = sm.desc;
    msg.parent_seed = seed_for(index, it, 1);
    msg.child_seed = seed_for(index, it, 2);
    msg.iteration = it;
    msg.verify = as_run;
    /* Imported vs local in each timed iteration, where the device writes
     * and checks. */
    msg.compare = !warmup && (how.gpu || other_api);
    msg.importer = sc->importer;
    sc->verify = as_run;
    msg.fault = vkw_bench_memory_fault(c, warmup);

    /* One-time setup (the mapping, or the staging ring) is its own phase,
     * in both processes. */
    t0 = vkw_clock_ns();
    s = vkw_shared_memory_prepare(&sm, 0, &how, timeout_ns, err);
    samples[VKW_PHASE_PARENT_STAGING] = us(vkw_clock_ns() - t0);
    if (s != VKW_OK)
        goto cleanup;
    /* The warm-up brings the device to its working clocks before anything
     * is timed: a GPU left idle (the host checking mapped memory, say) runs
     * the first milliseconds of work at idle clocks, and a 1 GiB check takes
     * under one (the H200: 0.38-0.65 TB/s then, 1.4-1.7 TB/s when busy). Its
     * own fills of the memory, untimed, for VKW_DEVICE_WARMUP_MS. */
    if (warmup && how.gpu && sm.desc.size >= VKW_DEVICE_WARMUP_MIN_SIZE) {
        vkw_memory_method busy = how;
        busy.keep = true;
        busy.host_check = false;
        vkw_memory_times ignored;
        uint64_t until = vkw_clock_ns() + (uint64_t)VKW_DEVICE_WARMUP_MS * 1000000u;
        do
            s = vkw_shared_memory_write_pattern(&sm, msg.parent_seed, UINT64_MAX, &busy, &ignored,
                                                timeout_ns, err);
        while (s == VKW_OK && vkw_clock_ns() < until);
        if (s != VKW_OK)
            goto cleanup;
    }
    /* --fault flip-byte: the bytes in shared memory differ from the pattern
     * in one place, which the child must find. */
    uint64_t flip_at = msg.fault == VKW_FAULT_FLIP_BYTE ? sm.desc.size / 2 : UINT64_MAX;
    msg.threads = c->threads;
    vkw_memory_times times;
    s = vkw_shared_memory_write_pattern(&sm, msg.parent_seed, flip_at, &how, &times, timeout_ns,
                                        err);
    bool host_writes = !how.gpu, host_checks = !how.gpu || how.host_check;
    if (host_writes) {
        samples[VKW_PHASE_PARENT_WRITE] = us(times.host_ns);
        samples[VKW_PHASE_PARENT_COPY_IN] = us(times.copy_ns);
    } else {
        samples[VKW_PHASE_PARENT_FILL] = us(times.device_ns);
    }
    if (s != VKW_OK)
        goto cleanup;
    /* Another API reads mapped memory with its device: the host's writes
     * made available to the device first, as Vulkan has it (a submission). */
    bool host_sync = other_api && acc == VKW_ACCESS_MAP;
    if (host_sync && host_writes) {
        t0 = vkw_clock_ns();
        s = vkw_shared_memory_host_sync(&sm, true, timeout_ns, err);
        samples[VKW_PHASE_PARENT_COPY_IN] = us(vkw_clock_ns() - t0);
        if (s != VKW_OK)
            goto cleanup;
    }

    vkw_handle send = exported;
    if (msg.fault == VKW_FAULT_FOREIGN_HANDLE) {
        s = vkw_foreign_handle_create(&foreign, err);
        if (s != VKW_OK)
            goto cleanup;
        send = foreign;
    }
    /* KMT handles are values, named NT handles names; everything else is
     * duplicated into the child. */
    bool by_value = vkw_handle_travels_by_value(t);
    msg.handle_value = by_value ? (uint64_t)send : 0;
    snprintf(msg.nt_name, sizeof msg.nt_name, "%s", send == exported ? nt_name : "");
    if (msg.nt_name[0])
        by_value = true; /* nothing attached */
    char what[160];
    snprintf(what, sizeof what, "%s %s %s memory (%s)", sz, t->name,
             vkw_scenario_kind_name(sc->kind), when);
    vkw_msg_memory_reply rep;
    s = vkw_bench_memory_request(
        c, &msg, &send, by_value,
        msg.compare && !other_api ? "measuring local memory, then importing" : "importing", what,
        &rep, err);
    /* The child holds its own copy now (or nothing, if the send failed).
     * A KMT value stays valid while the memory lives: freed with it below.
     * --fault leak: the parent forgets to close its own. */
    if (msg.fault != VKW_FAULT_LEAK)
        vkw_external_handle_release(t, exported);
    exported = VKW_NO_HANDLE;
    vkw_handle_close(foreign);
    foreign = VKW_NO_HANDLE;
    if (s != VKW_OK)
        goto cleanup;
    samples[VKW_PHASE_TRANSFER] = us(rep.received_ns - msg.sent_ns);
    samples[VKW_PHASE_IMPORT] = us(rep.import_ns);
    if (!other_api)
        samples[VKW_PHASE_CHILD_STAGING] = us(rep.staging_ns);
    if (how.gpu && !other_api)
        samples[VKW_PHASE_CHILD_GPU_VERIFY] = us(rep.gpu_verify_ns);
    if (host_checks || other_api) {
        samples[VKW_PHASE_CHILD_READ] = us(rep.read_ns);
        samples[VKW_PHASE_CHILD_VERIFY] = us(rep.verify_ns);
    }
    if (other_api) {
        /* Another API uploads what the host made (untimed, as everywhere):
         * its transfer is the copy in; no host write into a mapping or ring. */
        samples[VKW_PHASE_CHILD_COPY_IN] = us(rep.copy_in_ns);
    } else if (host_writes) {
        samples[VKW_PHASE_CHILD_WRITE] = us(rep.write_ns);
        samples[VKW_PHASE_CHILD_COPY_IN] = us(rep.copy_in_ns);
    } else {
        samples[VKW_PHASE_CHILD_FILL] = us(rep.fill_ns);
    }
    if (msg.compare && rep.ivl_measured) {
        for (uint32_t d = 0; d < VKW_DIRECTION_COUNT; d++)
            for (uint32_t k = 0; k < 2; k++)
                samples[IVL_AT(d, k)] = us(rep.ivl_ns[d][k]);
    } else if (msg.compare && !sc->ivl.reason[0]) {
        snprintf(sc->ivl.reason, sizeof sc->ivl.reason, "%.*s", (int)sizeof rep.ivl_reason,
                 rep.ivl_reason);
    }
    if (rep.peak_resident > sc->child_peak_resident)
        sc->child_peak_resident = rep.peak_resident;
    sc->child_memory_type_index = rep.memory_type_index;
    if (rep.driver_closed && !sc->driver_closed_handle) {
        sc->driver_closed_handle = true;
        snprintf(sc->driver_anomaly, sizeof sc->driver_anomaly,
                 "the driver closed the %s handle of a failed import (%s), which the "
                 "application still owned (ownership moves only on a successful import); the "
                 "child did not close it again",
                 t->name, when);
    }
    s = vkw_msg_outcome_get(&rep.outcome, err);
    if (s != VKW_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", err->message);
        /* Another API that cannot take this memory (an image in CUDA, a
         * handle type without its extension): a skip, with its reason. */
        if (other_api && s == VKW_E_UNSUPPORTED)
            s = vkw_fail(err, s, "%s: %s", vkw_importer_name(sc->importer), why);
        else
            s = vkw_fail(err, VKW_E_SHARING, "the child could not use the memory%s%s: %s",
                         other_api ? " in " : "", other_api ? vkw_importer_name(sc->importer) : "",
                         why);
        goto cleanup;
    }
    if (!rep.verified) {
        sc->mismatch = true;
        snprintf(sc->mismatch_side, sizeof sc->mismatch_side, "child");
        sc->mismatch_iteration = it;
        sc->mismatch_at = rep.mismatch;
        s = vkw_fail(err, VKW_E_SHARING,
                     "the child does not see the parent's bytes: offset %llu holds 0x%02x, "
                     "0x%02x expected (%s)",
                     (unsigned long long)rep.mismatch.offset, rep.mismatch.got,
                     rep.mismatch.expected, when);
        goto cleanup;
    }

    vkw_mismatch mm;
    bool ok = false;
    /* ... and its device's writes made visible to the host before it reads. */
    uint64_t synced_ns = 0;
    if (host_sync && host_checks) {
        t0 = vkw_clock_ns();
        s = vkw_shared_memory_host_sync(&sm, false, timeout_ns, err);
        synced_ns = vkw_clock_ns() - t0;
        if (s != VKW_OK)
            goto cleanup;
    }
    s = vkw_shared_memory_check_pattern(&sm, msg.child_seed, &how, &ok, &mm, &times, timeout_ns,
                                        err);
    if (how.gpu)
        samples[VKW_PHASE_PARENT_GPU_VERIFY] = us(times.device_ns);
    if (host_checks) {
        samples[VKW_PHASE_PARENT_READ] = us(times.copy_ns + synced_ns);
        samples[VKW_PHASE_PARENT_VERIFY] = us(times.host_ns);
    }
    if (s != VKW_OK)
        goto cleanup;
    if (!ok) {
        sc->mismatch = true;
        snprintf(sc->mismatch_side, sizeof sc->mismatch_side, "parent");
        sc->mismatch_iteration = it;
        sc->mismatch_at = mm;
        s = vkw_fail(err, VKW_E_SHARING,
                     "the parent does not see the child's bytes: offset %llu holds 0x%02x, "
                     "0x%02x expected (%s)",
                     (unsigned long long)mm.offset, mm.got, mm.expected, when);
        goto cleanup;
    }
    s = VKW_OK;

cleanup:
    vkw_external_handle_release(t, exported);
    vkw_handle_close(foreign);
    vkw_shared_memory_destroy(&sm);
    return s;
}

static void fail_scenario(vkw_memory_scenario *sc, vkw_outcome o, const vkw_error *err)
{
    sc->outcome = o;
    sc->status = err->status;
    snprintf(sc->reason, sizeof sc->reason, "%s", err->message);
}

/* A scenario of an API that did not open: skipped where the API is
 * missing, failed where it broke, with its reason. */
static void api_unavailable(vkw_memory_scenario *sc, const char *api, vkw_status status,
                            const char *reason)
{
    vkw_error why;
    vkw_fail(&why, status == VKW_E_UNSUPPORTED ? VKW_E_UNSUPPORTED : VKW_E_SHARING, "%s: %s", api,
             reason);
    fail_scenario(sc, why.status == VKW_E_UNSUPPORTED ? VKW_OUTCOME_SKIPPED : VKW_OUTCOME_FAILED,
                  &why);
}

static vkw_status run_scenario(bench_ctx *c, uint32_t index, vkw_error *err)
{
    vkw_memory_scenario *sc = &c->b->scenarios[index];
    const vkw_handle_type *t = &vkw_memory_handle_types[sc->type_index];
    uint32_t n = c->opts->iterations;
    vkw_status s = VKW_OK;
    double *samples = malloc((size_t)n * SAMPLE_WIDTH * sizeof *samples);
    double *column = calloc(n, sizeof *column);
    if (!samples || !column) {
        s = vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory");
        goto cleanup;
    }
    /* The peaks are this scenario's where the OS can start them anew. */
    sc->peak_resident_per_scenario = vkw_peak_resident_reset();
    char sz[32], step[96];
    vkw_size_string(sc->size_requested, sz, sizeof sz);
    snprintf(step, sizeof step, "%s %s %s%s%s%s%s", t->name, vkw_scenario_kind_name(sc->kind), sz,
             sc->exporter != VKW_EXPORTER_VULKAN ? " from " : "",
             sc->exporter != VKW_EXPORTER_VULKAN ? vkw_exporter_name(sc->exporter) : "",
             sc->importer != VKW_IMPORTER_VULKAN ? " into " : "",
             sc->importer != VKW_IMPORTER_VULKAN ? vkw_importer_name(sc->importer) : "");

    /* One untimed, uncounted cycle first: what a driver opens once, lazily
     * (a device node, a cache), is not a leak; what grows per cycle is. It
     * also tells early whether the driver can make this memory at all. */
    for (size_t k = 0; k < (size_t)n * SAMPLE_WIDTH; k++)
        samples[k] = NOT_RUN;
    double warm[SAMPLE_WIDTH];
    for (size_t k = 0; k < SAMPLE_WIDTH; k++)
        warm[k] = NOT_RUN;
    const vkw_bench_importer *bi = &c->b->importers[sc->importer];
    const vkw_bench_exporter *be = &c->b->exporter;
    /* Nothing is made, allocated or sent for an API that did not open. */
    if (sc->exporter != VKW_EXPORTER_VULKAN && !be->available) {
        api_unavailable(sc, vkw_exporter_name(sc->exporter), be->status, be->reason);
        goto cleanup;
    }
    if (sc->importer != VKW_IMPORTER_VULKAN && !bi->available) {
        api_unavailable(sc, vkw_importer_name(sc->importer), bi->status, bi->reason);
        goto cleanup;
    }
    vkw_bench_progress(c, step, "warm-up");
    s = run_iteration(c, index, sc, VKW_WARMUP_SEED_ITERATION, true, warm, err);
    if (s == VKW_E_UNSUPPORTED) {
        fail_scenario(sc, VKW_OUTCOME_SKIPPED, err);
        s = VKW_OK;
        goto cleanup;
    }
    if (s != VKW_OK) {
        fail_scenario(sc, s == VKW_E_INTERRUPTED ? VKW_OUTCOME_NOT_RUN : VKW_OUTCOME_FAILED, err);
        /* Another API that does not see the bytes (or refuses a transfer, or
         * an object) fails its scenario, not the run: the other scenarios
         * say what it and Vulkan can do. */
        if ((sc->importer != VKW_IMPORTER_VULKAN || sc->exporter != VKW_EXPORTER_VULKAN) &&
            s == VKW_E_SHARING && !c->child_failed)
            s = VKW_OK;
        goto cleanup;
    }

    s = vkw_handle_count(&sc->parent_handles_before, err);
    if (s == VKW_OK)
        s = vkw_bench_child_handle_count(c, &sc->child_handles_before, err);
    if (s != VKW_OK) {
        fail_scenario(sc, VKW_OUTCOME_FAILED, err);
        goto cleanup;
    }

    for (uint32_t it = 0; it < n; it++) {
        vkw_bench_progress(c, step, "iteration %u of %u", it + 1, n);
        s = vkw_stop_check(err);
        if (s == VKW_OK)
            s = run_iteration(c, index, sc, it, false, samples + (size_t)it * SAMPLE_WIDTH, err);
        if (s == VKW_E_INTERRUPTED) {
            /* What was measured stays; the scenario did not finish. */
            char why[400];
            snprintf(why, sizeof why, "%.390s", err->message);
            vkw_error stopped;
            vkw_fail(&stopped, s, "not run to the end: %s after %u of %u iteration(s)", why,
                     sc->iterations_done, n);
            fail_scenario(sc, VKW_OUTCOME_NOT_RUN, &stopped);
            break;
        }
        c->steps_done++;
        if (s != VKW_OK) {
            fail_scenario(sc, VKW_OUTCOME_FAILED, err);
            break;
        }
        sc->iterations_done++;
    }
    for (uint32_t p = 0; p < SAMPLE_WIDTH; p++) {
        uint32_t m = 0; /* the iterations that ran the phase */
        for (uint32_t it = 0; it < sc->iterations_done; it++)
            if (samples[(size_t)it * SAMPLE_WIDTH + p] >= 0)
                column[m++] = samples[(size_t)it * SAMPLE_WIDTH + p];
        vkw_summary *out = p < VKW_PHASE_COUNT ? &sc->phase_us[p]
                           : (p - VKW_PHASE_COUNT) % 2
                               ? &sc->ivl.local_us[(p - VKW_PHASE_COUNT) / 2]
                               : &sc->ivl.imported_us[(p - VKW_PHASE_COUNT) / 2];
        vkw_summarize(column, m, out);
    }
    /* Imported vs local: measured in every timed iteration done, or why not. */
    sc->ivl.measured = sc->iterations_done > 0 && !sc->ivl.reason[0] &&
                       sc->ivl.imported_us[VKW_DIRECTION_READ].count == sc->iterations_done;
    vkw_verify_method as_run;
    bool on_device = method_for(c, sc, &as_run).gpu != NULL;
    bool foreign = sc->importer != VKW_IMPORTER_VULKAN;
    if (!sc->ivl.measured && !sc->ivl.reason[0])
        snprintf(sc->ivl.reason, sizeof sc->ivl.reason, "%s",
                 foreign && sc->iterations_done ? "not every timed iteration measured it"
                 : foreign                      ? "no timed iteration ran"
                 : !c->how.gpu ? "measured where the device writes and checks the pattern "
                                 "(--verify gpu or both); this run checked on the host"
                 : !on_device
                     ? "measured where the device writes and checks the pattern (--verify gpu or "
                       "both); the host checked this mapped memory, as auto does"
                 : sc->iterations_done ? "not every timed iteration measured it"
                                       : "no timed iteration ran");
    /* The parent's peak over the scenario (the child's came with each reply). */
    vkw_error perr;
    if (vkw_peak_resident_bytes(&sc->parent_peak_resident, &perr) != VKW_OK)
        sc->parent_peak_resident = 0;
    sc->parent_to_child_ok = sc->iterations_done == n;
    sc->child_to_parent_ok = sc->iterations_done == n;
    if (sc->mismatch && strcmp(sc->mismatch_side, "parent") == 0)
        sc->parent_to_child_ok = true; /* the child saw the parent's bytes that time */
    if (s == VKW_E_INTERRUPTED)
        goto cleanup; /* not counted: the child is gone, and so may be a handle in flight */
    vkw_error cerr;
    vkw_error_clear(&cerr);
    vkw_status cs = vkw_handle_count(&sc->parent_handles_after, &cerr);
    sc->parent_counted = cs == VKW_OK;
    if (cs == VKW_OK && !c->child_failed) {
        cs = vkw_bench_child_handle_count(c, &sc->child_handles_after, &cerr);
        sc->child_counted = cs == VKW_OK;
    }
    if (cs != VKW_OK) {
        if (sc->outcome != VKW_OUTCOME_FAILED)
            fail_scenario(sc, VKW_OUTCOME_FAILED, &cerr);
        if (s == VKW_OK) {
            s = cs;
            *err = cerr;
        }
        goto cleanup;
    }
    int64_t pl = (int64_t)sc->parent_handles_after - sc->parent_handles_before;
    int64_t cl =
        sc->child_counted ? (int64_t)sc->child_handles_after - sc->child_handles_before : 0;
    if (vkw_memory_scenario_leaked(sc) && sc->outcome != VKW_OUTCOME_FAILED) {
        vkw_fail(&cerr, VKW_E_SHARING,
                 "open handles grew by %lld in the parent and %lld in the child over %u "
                 "iteration(s): a leak",
                 (long long)pl, (long long)cl, sc->iterations_done);
        fail_scenario(sc, VKW_OUTCOME_FAILED, &cerr);
    }
    if (c->child_failed)
        goto cleanup;
    if (sc->outcome == VKW_OUTCOME_NOT_RUN)
        sc->outcome = VKW_OUTCOME_PASSED;
    s = VKW_OK; /* a failed scenario is recorded; the bench goes on */

cleanup:
    if (s == VKW_E_INTERRUPTED) {
        free(samples);
        free(column);
        return s;
    }
    if (c->child_failed && sc->outcome == VKW_OUTCOME_NOT_RUN)
        fail_scenario(sc, VKW_OUTCOME_FAILED, err);
    free(samples);
    free(column);
    return c->child_failed ? VKW_E_CHILD : s;
}

vkw_status vkw_bench_open_device(const char *loader_path, const vkw_instance_options *io,
                                 const vkw_device_identity *id, vkw_loader *loader,
                                 vkw_instance *inst, vkw_device *dev, bool *luid_matched,
                                 vkw_error *err)
{
    vkw_status s = vkw_loader_open(loader_path, loader, err);
    if (s != VKW_OK)
        return s;
    s = vkw_instance_create(loader, io, inst, err);
    if (s != VKW_OK)
        return s;
    VkPhysicalDevice pd;
    s = vkw_device_find(inst, id, &pd, luid_matched, err);
    if (s != VKW_OK)
        return s;
    s = vkw_device_create(inst, pd, vkw_external_required_extensions,
                          vkw_external_wanted_extensions, dev, err);
    if (s != VKW_OK)
        return s;
    vkw_external_resolve(dev);
    return VKW_OK;
}

void vkw_bench_close_device(vkw_loader *loader, vkw_instance *inst, vkw_device *dev)
{
    /* A wedged device cannot be destroyed safely, nor what it was made from. */
    if (dev->wedged)
        return;
    if (dev->handle)
        vkw_device_destroy(dev);
    if (inst->handle)
        vkw_instance_destroy(inst);
    if (loader->lib)
        vkw_loader_close(loader);
}

/* --verify as it runs: the device writes and checks where it can run the
 * pattern's compute shaders (auto, gpu, both), else the host (auto says why). */
static vkw_status choose_verify(bench_ctx *c, vkw_error *err)
{
    vkw_verify_method asked = c->opts->verify;
    c->how = (vkw_memory_method){.threads = c->threads};
    c->b->verify = VKW_VERIFY_CPU;
    if (asked == VKW_VERIFY_CPU || c->b->scenario_count == 0)
        return VKW_OK;
    uint64_t largest = 0;
    for (uint32_t i = 0; i < c->b->scenario_count; i++)
        if (c->b->scenarios[i].size_requested > largest)
            largest = c->b->scenarios[i].size_requested;
    vkw_error why;
    vkw_status s = vkw_gpu_pattern_create(&c->dev, largest, 0, &c->gp, &why);
    if (s == VKW_OK) {
        c->how.gpu = &c->gp;
        c->how.host_check = asked == VKW_VERIFY_BOTH;
        c->b->verify = asked == VKW_VERIFY_BOTH ? VKW_VERIFY_BOTH : VKW_VERIFY_GPU;
        return VKW_OK;
    }
    if (asked == VKW_VERIFY_AUTO && s == VKW_E_UNSUPPORTED) {
        snprintf(c->b->verify_reason, sizeof c->b->verify_reason, "%.250s", why.message);
        return VKW_OK;
    }
    return vkw_fail(err, s, "--verify %s: %s", vkw_verify_method_name(asked), why.message);
}

static void bench_close(bench_ctx *c)
{
    vkw_bench_session_stop(c);
    vkw_d3d_close(c->d3d);
    c->d3d = NULL;
    vkw_gpu_pattern_destroy(&c->gp);
    vkw_bench_close_device(&c->loader, &c->inst, &c->dev);
}

/* The run's outcome from its scenarios, in order of gravity. */
static vkw_status conclude(bench_ctx *c, vkw_status s, vkw_error *err)
{
    vkw_bench_report *b = c->b;
    const vkw_memory_scenario *first_failed = NULL;
    for (uint32_t i = 0; i < b->scenario_count; i++) {
        const vkw_memory_scenario *sc = &b->scenarios[i];
        switch (sc->outcome) {
        case VKW_OUTCOME_PASSED: b->passed++; break;
        case VKW_OUTCOME_FAILED:
            b->failed++;
            if (!first_failed)
                first_failed = sc;
            break;
        case VKW_OUTCOME_SKIPPED: b->skipped++; break;
        case VKW_OUTCOME_NOT_RUN: b->not_run++; break;
        }
    }
    if (s != VKW_OK)
        return s;
    if (b->failed) {
        const vkw_handle_type *t = &vkw_memory_handle_types[first_failed->type_index];
        char sz[32];
        /* A GPU that stopped answering or a failed Vulkan call says more than
         * "sharing failed"; everything else about a scenario is sharing. */
        vkw_status why =
            first_failed->status == VKW_E_TIMEOUT || first_failed->status == VKW_E_VULKAN
                ? first_failed->status
                : VKW_E_SHARING;
        return vkw_fail(err, why, "%u of %u scenario(s) failed; first: %s %s %s: %s", b->failed,
                        b->scenario_count, t->name, vkw_scenario_kind_name(first_failed->kind),
                        vkw_size_string(first_failed->size_requested, sz, sizeof sz),
                        first_failed->reason);
    }
    const vkw_sync_result *sync_failed = NULL;
    bool shared = b->passed > 0;
    for (uint32_t i = 0; i < b->sync_count; i++) {
        const vkw_sync_result *r = &b->sync[i];
        if (r->outcome == VKW_OUTCOME_FAILED && !sync_failed)
            sync_failed = r;
        shared |= r->outcome == VKW_OUTCOME_PASSED && r->mode != VKW_SYNC_OS &&
                  r->peer == VKW_PEER_PROCESS;
    }
    if (sync_failed)
        return vkw_fail(err, VKW_E_SHARING, "%u round-trip mode(s) failed; first: %s, %s peer: %s",
                        b->sync_failed, vkw_sync_mode_name(sync_failed->mode),
                        vkw_peer_name(sync_failed->peer), sync_failed->reason);
    /* Nothing was asked to cross processes (OS baselines, round trips with a
     * thread peer): what ran and passed is the whole answer. */
    bool cross_asked = c->opts->run_memory, passed = false;
    for (uint32_t i = 0; i < b->sync_count; i++) {
        cross_asked |= b->sync[i].mode != VKW_SYNC_OS && b->sync[i].peer == VKW_PEER_PROCESS;
        passed |= b->sync[i].outcome == VKW_OUTCOME_PASSED;
    }
    if (!shared && !cross_asked && passed)
        return VKW_OK;
    if (!shared) {
        if (b->scenario_count && b->scenarios[0].outcome == VKW_OUTCOME_SKIPPED)
            return vkw_fail(err, VKW_E_NOTHING_TO_SHARE,
                            "nothing to share on '%s': every scenario was skipped; first: %.300s",
                            b->device_name, b->scenarios[0].reason);
        for (uint32_t i = 0; i < b->type_count; i++)
            if (!b->types[i].tested)
                return vkw_fail(err, VKW_E_NOTHING_TO_SHARE, "nothing to share on '%s': %s %.300s",
                                b->device_name,
                                vkw_memory_handle_types[b->types[i].type_index].name,
                                b->types[i].reason);
        for (uint32_t i = 0; i < b->sync_count; i++)
            if (b->sync[i].peer == VKW_PEER_PROCESS && b->sync[i].mode != VKW_SYNC_OS)
                return vkw_fail(err, VKW_E_NOTHING_TO_SHARE,
                                "nothing to share on '%s': no semaphore or fence crossed "
                                "processes; first: %s: %.300s",
                                b->device_name, vkw_sync_mode_name(b->sync[i].mode),
                                b->sync[i].reason);
        return vkw_fail(err, VKW_E_NOTHING_TO_SHARE,
                        "nothing to share on '%s': no handle type of %s was asked for",
                        b->device_name, vkw_platform_os_name());
    }
    return VKW_OK;
}

vkw_status vkw_bench_run(const vkw_bench_options *opts, vkw_report *report, vkw_error *err)
{
    uint64_t t0 = vkw_clock_ns();
    bench_ctx c;
    memset(&c, 0, sizeof c);
    c.opts = opts;
    c.report = report;

    vkw_status s = vkw_bench_options_check(opts, err);
    if (s != VKW_OK)
        return s;
    if (opts->nt_names && vkw_platform_os() != VKW_OS_WINDOWS)
        return vkw_fail(err, VKW_E_INVALID_ARG, "named handles are Win32 NT handles; %s moves fds",
                        vkw_platform_os_name());
    /* A CPU that does not exist or is outside the affinity mask fails now,
     * not as a failed pin (or a peer's timeout) in every mode later. */
    const int32_t pins[] = {opts->pin_parent, opts->pin_child};
    for (size_t i = 0; i < 2; i++) {
        vkw_error why;
        if (pins[i] >= 0 && vkw_cpu_allowed((uint32_t)pins[i], &why) != VKW_OK)
            return vkw_fail(err, why.status, "cannot pin a thread: %s", why.message);
    }
    if (opts->fault == VKW_FAULT_INVALID_USAGE && !opts->validate &&
        !vkw_validation_requested_by_environment())
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "the invalid-usage fault needs the validation "
                        "layer enabled: nothing else reports the rule it breaks");
    vkw_probe_options po = {
        .loader_path = opts->loader_path,
        .validate = opts->validate,
        .filter = opts->filter,
    };
    s = vkw_probe_run(&po, report, err);
    if (s != VKW_OK)
        return s;

    c.b = calloc(1, sizeof *c.b);
    if (!c.b)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory");
    report->bench = c.b;
    c.b->options = *opts;
    c.b->options.progress = NULL;
    c.b->options.progress_user = NULL;
    c.b->options.filter = NULL;
    c.b->options.loader_path = NULL;
    /* --threads: the online CPUs, at most 16, unless given. */
    if (!c.b->options.threads) {
        uint32_t cpus = vkw_cpu_count();
        c.b->options.threads = cpus < 16 ? cpus : 16;
    }
    c.threads = c.b->options.threads;
    c.b->device_index = vkw_bench_choose_device(report, opts->filter != NULL);
    const vkw_device_report *dr = &report->devices[c.b->device_index];
    snprintf(c.b->device_name, sizeof c.b->device_name, "%s", dr->name);

    if (opts->run_memory &&
        (s = opts->exporter != VKW_EXPORTER_VULKAN ? vkw_bench_d3d_plan(&c, err)
                                                   : plan_types(&c, dr, err)) != VKW_OK)
        goto done;
    if (c.b->scenario_count == 0 && !opts->run_sync)
        goto done;
    if (!dr->has_id_properties) {
        s = vkw_fail(err, VKW_E_NOTHING_TO_SHARE,
                     "'%s' reports no deviceUUID/driverUUID (Vulkan 1.1 ID properties): the "
                     "child cannot find the same device",
                     dr->name);
        goto done;
    }
    c.steps_total = c.b->scenario_count * opts->iterations;
    c.fault_pending = opts->fault != VKW_FAULT_NONE;

    vkw_instance_options io = {
        .enable_validation = opts->validate,
        .require_validation = report->validation_by_environment,
        .log = &report->debug,
    };
    vkw_device_identity id;
    memset(&id, 0, sizeof id);
    memcpy(id.device_uuid, dr->device_uuid, VK_UUID_SIZE);
    memcpy(id.driver_uuid, dr->driver_uuid, VK_UUID_SIZE);
    memcpy(id.device_luid, dr->device_luid, VK_LUID_SIZE);
    id.luid_valid = dr->device_luid_valid;
    bool luid_matched = false;
    s = vkw_bench_open_device(opts->loader_path, &io, &id, &c.loader, &c.inst, &c.dev,
                              &luid_matched, err);
    if (s == VKW_OK)
        s = choose_verify(&c, err);
    bool process_peer = opts->run_sync && (opts->peers & (1u << VKW_PEER_PROCESS));
    bool d3d = opts->exporter != VKW_EXPORTER_VULKAN;
    if (s == VKW_OK)
        s = vkw_stop_check(err);
    if (s == VKW_OK && d3d && (c.b->scenario_count > 0 || process_peer))
        vkw_bench_d3d_open(&c, dr);
    /* No child for memory that nothing can make. */
    bool want_child =
        (c.b->scenario_count > 0 && (!d3d || c.b->exporter.available)) || process_peer;
    if (s == VKW_OK && want_child)
        s = vkw_bench_session_start(&c, err);
    for (uint32_t i = 0; s == VKW_OK && !c.dev.wedged && i < c.b->scenario_count; i++)
        if ((s = vkw_stop_check(err)) == VKW_OK)
            s = run_scenario(&c, i, err);
    for (uint32_t i = 0; i < c.b->scenario_count; i++)
        if (c.b->scenarios[i].outcome == VKW_OUTCOME_NOT_RUN && !c.b->scenarios[i].reason[0] &&
            (s != VKW_OK || c.dev.wedged))
            snprintf(c.b->scenarios[i].reason, sizeof c.b->scenarios[i].reason,
                     "not run: the bench stopped (%.400s)",
                     s == VKW_E_INTERRUPTED ? err->message
                     : s != VKW_OK          ? vkw_status_code(s)
                                            : "the GPU did not finish a copy");
    if (s == VKW_OK && opts->run_sync && !c.dev.wedged)
        s = vkw_bench_sync_run(&c, err);

done:
    bench_close(&c);
    if (c.b->child_started && s == VKW_OK && c.b->child_end.ended &&
        (c.b->child_end.signaled || c.b->child_end.code != 0 || c.b->child_end.killed_by_parent))
        s = vkw_fail(err, VKW_E_CHILD, "the child process (pid %u) ended badly after the bench: %s",
                     c.b->child_pid, c.b->quit_error[0] ? c.b->quit_error : c.b->child_end.text);
    /* A fault asked for and never committed must not pass for a clean run. */
    if (s == VKW_OK && c.fault_pending)
        s = vkw_fail(err, VKW_E_INVALID_ARG,
                     "the fault %s was not injected: nothing it applies to "
                     "ran (%s)",
                     vkw_fault_name(opts->fault),
                     opts->fault == VKW_FAULT_LOST_SIGNAL ? "a round-trip mode with a peer that "
                                                            "answers, not gpu-chain"
                     : opts->fault == VKW_FAULT_DOUBLE_ROUND_TRIPS ? "a round-trip mode"
                                                                   : "a memory scenario");
    s = conclude(&c, s, err);

    if (s == VKW_OK && report->validation_enabled && report->debug.validation_errors)
        s = vkw_fail(err, VKW_E_VALIDATION,
                     "the validation layer reported %u error(s) (parent and child); the report "
                     "lists them",
                     report->debug.validation_errors);
    if (s != VKW_OK)
        vkw_report_set_error(report, err);
    report->interrupted = s == VKW_E_INTERRUPTED;
    c.b->bench_ms = (double)(vkw_clock_ns() - t0) / 1e6;
    report->total_ms = c.b->bench_ms;
    return s;
}
