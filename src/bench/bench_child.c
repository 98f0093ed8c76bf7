/* The bench's child process: opens the parent's device, imports what it is
 * sent, verifies the parent's bytes, writes its own back, and answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "bench_child.h"
#include "protocol.h"
#include "vk/device.h"
#include "vk/external.h"
#include "vk/instance.h"
#include "report/report.h"
#include "vk/sync.h"
#include "interop/importer.h"

/* Between requests the parent may be busy for a while (allocating and
 * filling a large buffer, say): the one wait longer than --timeout (README:
 * "the child's idle limit"); the child ends with its parent anyway. */
static uint32_t idle_timeout_ms(const vkw_child_state *c)
{
    uint64_t t = (uint64_t)c->timeout_ms * 4 + 60000;
    return t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

static vkw_status open_device(vkw_child_state *c, const vkw_msg_hello *hello, vkw_error *err)
{
    char want[sizeof VKW_TOOL_VERSION];
    snprintf(want, sizeof want, "%s", VKW_TOOL_VERSION);
    if (strncmp(hello->tool_version, want, sizeof hello->tool_version) != 0)
        return vkw_fail(err, VKW_E_PROTOCOL, "the parent runs vkwin32h %.*s, the child %s",
                        (int)sizeof hello->tool_version, hello->tool_version, want);
    c->timeout_ms = hello->timeout_ms;
    char loader_path[sizeof hello->loader_path];
    snprintf(loader_path, sizeof loader_path, "%s", hello->loader_path);
    vkw_instance_options io = {
        .enable_validation = hello->validate != 0,
        .require_validation = vkw_validation_requested_by_environment(),
        .log = &c->log,
    };
    return vkw_bench_open_device(loader_path[0] ? loader_path : NULL, &io, &hello->device,
                                 &c->loader, &c->inst, &c->dev, &c->luid_matched, err);
}

/* The other APIs of the hello, on the device the parent opened. */
static void open_importers(vkw_child_state *c, const vkw_msg_hello *hello, vkw_msg_hello_reply *rep)
{
    for (uint32_t i = 0; i < VKW_IMPORTER_COUNT; i++) {
        if (i == VKW_IMPORTER_VULKAN || !(hello->importers & (1u << i)))
            continue;
        vkw_foreign_close(c->foreign[i]); /* a second hello: the first's context goes */
        c->foreign[i] = NULL;
        c->why_not[i][0] = '\0';
        vkw_error err;
        vkw_error_clear(&err);
        vkw_status s =
            vkw_foreign_open((vkw_importer)i, hello->device.device_uuid, hello->device.driver_uuid,
                             hello->device.luid_valid ? hello->device.device_luid : NULL,
                             &c->foreign[i], &rep->importer[i].info, &err);
        rep->importer[i].status = (int32_t)s;
        if (s != VKW_OK)
            snprintf(c->why_not[i], sizeof c->why_not[i], "%.250s", err.message);
        snprintf(rep->importer[i].reason, sizeof rep->importer[i].reason, "%s", c->why_not[i]);
    }
}

static const vkw_handle_type *memory_type_by_bit(uint32_t bit)
{
    for (size_t i = 0; i < VKW_MEMORY_HANDLE_TYPE_COUNT; i++)
        if (vkw_memory_handle_types[i].bit == bit)
            return &vkw_memory_handle_types[i];
    return NULL;
}

/* Waits for the parent to kill this process (or go away): the hang fault. */
static void hang(vkw_child_state *c)
{
    char buf[64];
    size_t len;
    vkw_handle hs[VKW_CHANNEL_MAX_HANDLES];
    uint32_t n = 0;
    vkw_error ignored;
    if (vkw_channel_recv(c->ch, buf, sizeof buf, &len, hs, &n, 3600u * 1000u, &ignored) == VKW_OK)
        for (uint32_t i = 0; i < n; i++)
            vkw_handle_close(hs[i]);
}

/* The handle a memory request carries: attached (fds, NT handles), or as a
 * value in the message (KMT handles). NULL type: nothing is ours to keep. */
static vkw_handle request_handle(const vkw_handle_type *t, const vkw_msg_memory *req,
                                 vkw_handle *attached)
{
    if (t && vkw_handle_travels_by_value(t)) {
        vkw_handle_close(*attached); /* nothing should have come with it */
        *attached = VKW_NO_HANDLE;
        return (vkw_handle)req->handle_value;
    }
    vkw_handle h = *attached;
    *attached = VKW_NO_HANDLE;
    return h;
}

/* The device's pattern, for memory of up to len bytes. */
static vkw_status gpu_pattern_for(vkw_child_state *c, uint64_t len, vkw_error *err)
{
    if (c->gp.dev && c->gp.max_len >= len)
        return VKW_OK;
    vkw_gpu_pattern_destroy(&c->gp);
    return vkw_gpu_pattern_create(&c->dev, len, 0, &c->gp, err);
}

static void keep_best(uint64_t *best, uint64_t ns)
{
    if (*best == 0 || ns < *best)
        *best = ns;
}

/* Imported vs local, the local half: the same resource in memory of the same
 * type that this process allocates itself, written and checked by the
 * device as the imported one is, the best of VKW_IVL_REPEATS. Made and freed
 * before the import, so the two are never held at once. What fails here is
 * no failure of the sharing: the reply says why nothing was measured. */
static void measure_local(vkw_child_state *c, const vkw_handle_type *t, const vkw_memory_desc *desc,
                          const vkw_memory_method *how, uint64_t seed, uint64_t timeout_ns,
                          vkw_msg_memory_reply *rep)
{
    vkw_shared_memory local;
    vkw_error err;
    vkw_status s = vkw_shared_memory_create_local(&c->dev, t, desc, &local, &err);
    for (uint32_t r = 0; s == VKW_OK && r < VKW_IVL_REPEATS; r++) {
        vkw_memory_times wt, ct;
        bool ok = false;
        vkw_mismatch mm = {0};
        s = vkw_shared_memory_write_pattern(&local, seed, UINT64_MAX, how, &wt, timeout_ns, &err);
        if (s == VKW_OK)
            s = vkw_shared_memory_check_pattern(&local, seed, how, &ok, &mm, &ct, timeout_ns, &err);
        if (s == VKW_OK && !ok)
            s = vkw_fail(&err, VKW_E_SHARING,
                         "memory of this process's own did not hold what the device wrote "
                         "(offset %llu)",
                         (unsigned long long)mm.offset);
        if (s != VKW_OK)
            break;
        keep_best(&rep->ivl_ns[VKW_DIRECTION_WRITE][1], wt.device_ns);
        keep_best(&rep->ivl_ns[VKW_DIRECTION_READ][1], ct.device_ns);
    }
    vkw_shared_memory_destroy(&local);
    rep->ivl_measured = s == VKW_OK;
    if (s != VKW_OK)
        snprintf(rep->ivl_reason, sizeof rep->ivl_reason, "local memory: %.140s", err.message);
}

/* A step done: the parent hears from the child within --timeout of the last. */
static void tell_step(vkw_child_state *c, const vkw_msg_memory_reply *rep, vkw_memory_step step)
{
    vkw_msg_memory_reply note = *rep;
    note.step = step;
    vkw_error ignored; /* a broken channel fails the answer too */
    vkw_channel_send(c->ch, &note, sizeof note, NULL, 0, &ignored);
}

/* After an import: what it did not take is still ours (a failed import, a
 * Win32 handle) in *handle, unless the driver closed it anyway. */
static void after_import(vkw_status s, vkw_handle import_value, const vkw_handle_identity *identity,
                         vkw_handle *handle, vkw_msg_memory_reply *rep)
{
    if (import_value == VKW_NO_HANDLE)
        *handle = VKW_NO_HANDLE;
    if (s != VKW_OK && *handle != VKW_NO_HANDLE && !vkw_handle_is_still(*handle, identity)) {
        /* Closed by the driver although a failed import leaves it with the
         * application: the number is free, or someone else's now. Never ours
         * to close again. */
        rep->driver_closed = 1;
        *handle = VKW_NO_HANDLE;
    }
}

/* The memory in another API: imported, the parent's bytes checked, the API's
 * own copy speed of it against its own memory (CUDA, where asked), the
 * child's bytes written, step by step as for Vulkan. *h: as
 * vkw_foreign_memory_import says (what is left is the caller's). */
static vkw_status foreign_memory(vkw_child_state *c, const vkw_msg_memory *req,
                                 const vkw_handle_type *t, vkw_handle *h, const char *name,
                                 vkw_msg_memory_reply *rep, vkw_error *err)
{
    /* Range-checked as the message's uint32_t, before it is an enum or an index. */
    bool known = req->importer < VKW_IMPORTER_COUNT;
    vkw_importer api = known ? (vkw_importer)req->importer : VKW_IMPORTER_VULKAN;
    vkw_foreign *f = known ? c->foreign[api] : NULL;
    vkw_foreign_memory *m = NULL;
    vkw_status s;
    if (!known || api == VKW_IMPORTER_VULKAN)
        return vkw_fail(err, VKW_E_PROTOCOL, "unknown importer %u", req->importer);
    if (!f)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "%s",
                        c->why_not[api][0] ? c->why_not[api] : "not opened at the hello");
    if ((s = vkw_foreign_memory_supported(f, t, &req->desc, err)) != VKW_OK)
        return s;
    snprintf(rep->ivl_reason, sizeof rep->ivl_reason, "not asked for in this iteration");
    tell_step(c, rep, VKW_MEMORY_LOCAL);

    uint64_t t0 = vkw_clock_ns();
    s = vkw_foreign_memory_import(f, t, &req->desc, h, name, &m, err);
    rep->import_ns = vkw_clock_ns() - t0;
    if (s != VKW_OK)
        goto cleanup;
    tell_step(c, rep, VKW_MEMORY_IMPORTED);

    vkw_foreign_times times = {0};
    bool ok = false;
    s = vkw_foreign_memory_check(m, req->parent_seed, req->threads, &ok, &rep->mismatch, &times,
                                 c->timeout_ms, err);
    rep->read_ns = times.copy_ns;
    rep->verify_ns = times.host_ns;
    rep->verified = ok;
    if (s != VKW_OK || !ok)
        goto cleanup; /* the parent reports the mismatch */
    tell_step(c, rep, VKW_MEMORY_VERIFIED);
    if (req->compare) {
        /* Its copies overwrite the parent's bytes (checked already); the
         * child's pattern is written after them. */
        vkw_error why;
        vkw_status cs =
            vkw_foreign_memory_compare(m, VKW_IVL_REPEATS, rep->ivl_ns, c->timeout_ms, &why);
        rep->ivl_measured = cs == VKW_OK;
        if (cs == VKW_E_UNSUPPORTED)
            snprintf(rep->ivl_reason, sizeof rep->ivl_reason, "%.150s", why.message);
        else if (cs != VKW_OK) {
            *err = why;
            s = cs;
            goto cleanup;
        }
    }
    memset(&times, 0, sizeof times);
    s = vkw_foreign_memory_write(m, req->child_seed, req->threads, &times, c->timeout_ms, err);
    rep->write_ns = times.host_ns;
    rep->copy_in_ns = times.copy_ns;

cleanup:
    vkw_foreign_memory_release(m);
    return s;
}

static void serve_memory(vkw_child_state *c, const vkw_msg_memory *req, vkw_handle attached,
                         uint64_t received_ns, vkw_msg_memory_reply *rep)
{
    vkw_error err, perr;
    vkw_error_clear(&err);
    vkw_shared_memory sm = {0};
    vkw_status s = VKW_OK;
    uint64_t timeout_ns = (uint64_t)c->timeout_ms * 1000000u;
    (void)vkw_peak_resident_reset(); /* this request's peak (the parent knows whether it could) */
    rep->received_ns = received_ns;

    const vkw_handle_type *t = memory_type_by_bit(req->desc.handle_type);
    /* Ours from here on, released once at `done` (unless import takes it). */
    vkw_handle handle = request_handle(t, req, &attached);
    if (!t) {
        vkw_handle_close(handle);
        handle = VKW_NO_HANDLE;
        s = vkw_fail(&err, VKW_E_PROTOCOL, "unknown memory handle type 0x%x",
                     req->desc.handle_type);
        goto done;
    }
    char nt_name[sizeof req->nt_name];
    snprintf(nt_name, sizeof nt_name, "%.*s", (int)sizeof req->nt_name - 1, req->nt_name);
    bool named = nt_name[0] != '\0';
    /* A name where the type has none would be ignored by the import, which
     * would then take the handle field instead. */
    if (named && !vkw_handle_type_nameable(t)) {
        s = vkw_fail(&err, VKW_E_PROTOCOL,
                     "a %s memory request came with a name (%s), which "
                     "this type cannot have",
                     t->name, nt_name);
        goto done;
    }
    /* A KMT value of 0 is no handle: an import would read it as "none". */
    if (!named && vkw_handle_travels_by_value(t) && handle == 0) {
        s = vkw_fail(&err, VKW_E_PROTOCOL, "a %s memory request came with handle value 0", t->name);
        goto done;
    }
    if (!c->dev.handle) {
        s = vkw_fail(&err, VKW_E_PROTOCOL, "memory sent before the device was opened");
        goto done;
    }
    if (req->verify != VKW_VERIFY_CPU && req->verify != VKW_VERIFY_GPU &&
        req->verify != VKW_VERIFY_BOTH) {
        s = vkw_fail(&err, VKW_E_PROTOCOL, "unknown verify method %u", req->verify);
        goto done;
    }
    if (handle == VKW_NO_HANDLE && !named) {
        s = vkw_fail(&err, VKW_E_PROTOCOL, "a %s memory request came without a handle", t->name);
        goto done;
    }
    /* What the handle names, before any driver call sees it: a failed import
     * leaves it ours, unless the driver closed it anyway (seen on lavapipe). */
    vkw_handle_identity identity = {0};
    if (!named && !vkw_handle_travels_by_value(t))
        vkw_handle_identity_of(handle, &identity);
    if (req->fault == VKW_FAULT_CHILD_ABORT)
        abort();
    if (req->fault == VKW_FAULT_LEAK && !vkw_handle_travels_by_value(t) && !named) {
        /* A child that keeps a copy of what it was sent and forgets it: one
         * handle more per cycle, for the parent's leak count to see. */
        vkw_handle forgotten;
        if ((s = vkw_handle_duplicate(handle, &forgotten, &err)) != VKW_OK)
            goto done;
    }
    if (req->fault == VKW_FAULT_INVALID_USAGE &&
        (s = vkw_memory_break_valid_usage(&c->dev, handle, &err)) != VKW_OK)
        goto done;
    if (req->fault == VKW_FAULT_CHILD_HANG) {
        hang(c);
        s = vkw_fail(&err, VKW_E_TIMEOUT, "hung on purpose (the child-hang fault)");
        goto done;
    }
    bool stale = req->fault == VKW_FAULT_STALE_HANDLE && !vkw_handle_travels_by_value(t) && !named;
    vkw_handle import_value = handle;
    if (stale) {
        /* A use-after-close: the value names nothing any more. Invalid
         * usage on purpose (VUID-VkImportMemoryFdInfoKHR-handleType-00670),
         * to see what the driver says. */
        import_value = vkw_handle_make_stale(handle);
        handle = VKW_NO_HANDLE;
    }
    if (req->importer != VKW_IMPORTER_VULKAN) {
        s = foreign_memory(c, req, t, &import_value, named ? nt_name : NULL, rep, &err);
        if (stale) {
            if (s == VKW_OK)
                s = vkw_fail(&err, VKW_E_SHARING, "%s imported a handle that had been closed (%s)",
                             vkw_importer_name((vkw_importer)req->importer), t->name);
            goto done;
        }
        after_import(s, import_value, &identity, &handle, rep);
        goto done; /* its memory was used and released already */
    }

    /* The parent's way of writing and checking is the child's. */
    vkw_memory_method how = {.threads = req->threads, .host_check = req->verify == VKW_VERIFY_BOTH};
    if (req->verify != VKW_VERIFY_CPU) {
        if ((s = gpu_pattern_for(c, req->desc.size, &err)) != VKW_OK)
            goto done;
        how.gpu = &c->gp;
    }
    /* Measured on the device alone: the host's check would only add its own time. */
    vkw_memory_method device_only = how;
    device_only.host_check = false;
    bool compare = req->compare && how.gpu;
    if (compare)
        measure_local(c, t, &req->desc, &device_only, req->child_seed, timeout_ns, rep);
    else
        snprintf(rep->ivl_reason, sizeof rep->ivl_reason, "%s",
                 how.gpu ? "not asked for in this iteration"
                         : "measured where the device writes and checks the pattern");
    compare = compare && rep->ivl_measured;
    tell_step(c, rep, VKW_MEMORY_LOCAL);

    uint64_t t0 = vkw_clock_ns();
    s = vkw_shared_memory_import(&c->dev, t, &req->desc, &import_value, named ? nt_name : NULL, &sm,
                                 &err);
    rep->import_ns = vkw_clock_ns() - t0;
    if (stale) {
        if (s == VKW_OK)
            s = vkw_fail(&err, VKW_E_SHARING,
                         "the driver imported a handle that had been closed (%s)", t->name);
        goto done;
    }
    after_import(s, import_value, &identity, &handle, rep);
    if (s != VKW_OK)
        goto done;
    vkw_external_handle_release(t, handle);
    handle = VKW_NO_HANDLE;
    rep->memory_type_index = sm.desc.memory_type_index;
    tell_step(c, rep, VKW_MEMORY_IMPORTED);

    /* One-time setup (the mapping, or the staging ring): its own phase. */
    t0 = vkw_clock_ns();
    s = vkw_shared_memory_prepare(&sm, 0, &how, timeout_ns, &err);
    rep->staging_ns = vkw_clock_ns() - t0;
    if (s != VKW_OK)
        goto done;
    vkw_memory_times times;
    bool ok = false;
    s = vkw_shared_memory_check_pattern(&sm, req->parent_seed, &how, &ok, &rep->mismatch, &times,
                                        timeout_ns, &err);
    rep->read_ns = times.copy_ns;
    rep->verify_ns = times.host_ns;
    rep->gpu_verify_ns = times.device_ns;
    rep->verified = ok;
    if (s != VKW_OK || !ok)
        goto done; /* the parent reports the mismatch; nothing to write back */
    /* Imported vs local, the imported half: the same check again (the
     * memory is this process's now), then the same fill, kept here until the
     * last, which goes back to the parent. */
    if (compare) {
        keep_best(&rep->ivl_ns[VKW_DIRECTION_READ][0], times.device_ns);
        for (uint32_t r = 1; s == VKW_OK && r < VKW_IVL_REPEATS; r++) {
            s = vkw_shared_memory_check_pattern(&sm, req->parent_seed, &device_only, &ok,
                                                &rep->mismatch, &times, timeout_ns, &err);
            if (s == VKW_OK && !ok)
                s = vkw_fail(&err, VKW_E_SHARING,
                             "the parent's bytes changed between two checks: offset %llu",
                             (unsigned long long)rep->mismatch.offset);
            keep_best(&rep->ivl_ns[VKW_DIRECTION_READ][0], times.device_ns);
        }
        if (s != VKW_OK) {
            rep->verified = ok;
            goto done;
        }
    }
    tell_step(c, rep, VKW_MEMORY_VERIFIED);
    if (compare) {
        device_only.keep = true;
        for (uint32_t r = 1; s == VKW_OK && r < VKW_IVL_REPEATS; r++) {
            s = vkw_shared_memory_write_pattern(&sm, req->child_seed, UINT64_MAX, &device_only,
                                                &times, timeout_ns, &err);
            keep_best(&rep->ivl_ns[VKW_DIRECTION_WRITE][0], times.device_ns);
        }
        if (s != VKW_OK)
            goto done;
    }
    s = vkw_shared_memory_write_pattern(&sm, req->child_seed, UINT64_MAX, &how, &times, timeout_ns,
                                        &err);
    rep->write_ns = times.host_ns;
    rep->copy_in_ns = times.copy_ns;
    rep->fill_ns = times.device_ns;
    if (compare)
        keep_best(&rep->ivl_ns[VKW_DIRECTION_WRITE][0], times.device_ns);

done:
    vkw_shared_memory_destroy(&sm);
    if (vkw_peak_resident_bytes(&rep->peak_resident, &perr) != VKW_OK)
        rep->peak_resident = 0;
    if (t)
        vkw_external_handle_release(t, handle);
    vkw_msg_outcome_set(&rep->outcome, s, &err);
}

/* Another API's side of round trips: its semaphores imported from got[]
 * (what an import takes leaves got[]), and for queue-binary the OS pair that
 * orders them (order[], taken, kept in side->pp). */
static vkw_status foreign_sync(vkw_child_state *c, const vkw_msg_sync *req, vkw_sync_mode mode,
                               const vkw_handle_type *t, vkw_handle got[2],
                               const char *const *names, vkw_handle *order, uint32_t order_count,
                               vkw_sync_side *side, vkw_foreign_sync **out, vkw_error *err)
{
    /* Range-checked as the message's uint32_t, before it is an enum or an index. */
    bool known = req->importer < VKW_IMPORTER_COUNT;
    vkw_importer api = known ? (vkw_importer)req->importer : VKW_IMPORTER_VULKAN;
    vkw_foreign *f = known ? c->foreign[api] : NULL;
    vkw_status s = VKW_OK;
    if (!known || api == VKW_IMPORTER_VULKAN)
        s = vkw_fail(err, VKW_E_PROTOCOL, "unknown importer %u", req->importer);
    else if (!f)
        s = vkw_fail(err, VKW_E_UNSUPPORTED, "%s",
                     c->why_not[api][0] ? c->why_not[api] : "not opened at the hello");
    else
        s = vkw_foreign_sync_supported(f, mode, t, err);
    if (s == VKW_OK && mode == VKW_SYNC_QUEUE_BINARY) {
        s = vkw_pingpong_open_peer((vkw_os_pingpong_kind)req->os_kind, order, order_count,
                                   &side->pp, err);
        order_count = 0; /* taken, even on failure */
    }
    for (uint32_t i = 0; i < order_count; i++)
        vkw_handle_close(order[i]);
    if (s == VKW_OK)
        s = vkw_foreign_sync_import(f, mode, t, got, names, side->pp, out, err);
    return s;
}

/* The other side of round trips: take the objects, say ready, answer. */
static vkw_status serve_sync(vkw_child_state *c, const vkw_msg_sync *req, vkw_handle *hs,
                             uint32_t n, vkw_error *chan_err)
{
    vkw_error err;
    vkw_error_clear(&err);
    vkw_sync_side side;
    memset(&side, 0, sizeof side);
    vkw_foreign_sync *fs = NULL; /* the other API's side, where the request names one */
    vkw_status s = VKW_OK;
    vkw_sync_mode mode = (vkw_sync_mode)req->mode;
    const vkw_handle_type *t = NULL;
    /* Each received handle has one owner at a time: hs[] until it moves
     * (to got[], to the OS pair, or into an import); what is left in hs[] is
     * closed at the end. */
    if (mode == VKW_SYNC_OS) {
        side.mode = VKW_SYNC_OS;
        s = vkw_pingpong_open_peer((vkw_os_pingpong_kind)req->os_kind, hs, n, &side.pp, &err);
        for (uint32_t i = 0; i < n; i++)
            hs[i] = VKW_NO_HANDLE; /* taken, even on failure */
    } else if (mode < VKW_SYNC_MODE_COUNT && c->dev.handle) {
        const vkw_handle_type *table =
            mode == VKW_SYNC_FENCE ? vkw_fence_handle_types : vkw_semaphore_handle_types;
        size_t count =
            mode == VKW_SYNC_FENCE ? VKW_FENCE_HANDLE_TYPE_COUNT : VKW_SEMAPHORE_HANDLE_TYPE_COUNT;
        for (size_t i = 0; i < count && !t; i++)
            if (table[i].bit == req->handle_type)
                t = &table[i];
        vkw_handle got[2] = {VKW_NO_HANDLE, VKW_NO_HANDLE};
        uint32_t first = 0; /* of the ordering primitive's handles, after the objects' */
        char name_a[sizeof req->nt_names[0]], name_b[sizeof req->nt_names[1]];
        snprintf(name_a, sizeof name_a, "%.*s", (int)sizeof name_a - 1, req->nt_names[0]);
        snprintf(name_b, sizeof name_b, "%.*s", (int)sizeof name_b - 1, req->nt_names[1]);
        const char *names[2] = {name_a, name_b};
        bool named = name_a[0] && name_b[0];
        /* One name without the other, or names for a type that has none:
         * the import would ignore them and take a handle that never came. */
        bool misnamed = (name_a[0] || name_b[0]) && (!named || !t || !vkw_handle_type_nameable(t));
        bool by_value = !named && t && vkw_handle_travels_by_value(t);
        if (by_value) {
            got[0] = (vkw_handle)req->values[0];
            got[1] = (vkw_handle)req->values[1];
        } else if (!named && n >= 2) {
            got[0] = hs[0];
            got[1] = hs[1];
            hs[0] = hs[1] = VKW_NO_HANDLE;
            first = 2;
        }
        if (!t || (got[0] == VKW_NO_HANDLE && !named)) {
            s = vkw_fail(&err, VKW_E_PROTOCOL, "a %s request without its handles or type",
                         vkw_sync_mode_name(mode));
        } else if (misnamed) {
            s = vkw_fail(&err, VKW_E_PROTOCOL,
                         "a %s request with names ('%s', '%s') its %s "
                         "handles cannot take",
                         vkw_sync_mode_name(mode), name_a, name_b, t->name);
        } else if (by_value && (got[0] == 0 || got[1] == 0 || got[1] == VKW_NO_HANDLE)) {
            /* A KMT value of 0 is no handle: an import would read it as "none". */
            s = vkw_fail(&err, VKW_E_PROTOCOL, "a %s request with a %s handle value of 0",
                         vkw_sync_mode_name(mode), t->name);
        } else if (req->importer != VKW_IMPORTER_VULKAN) {
            s = foreign_sync(c, req, mode, t, got, named ? names : NULL, hs + first, n - first,
                             &side, &fs, &err);
            for (uint32_t i = first; i < n; i++)
                hs[i] = VKW_NO_HANDLE; /* taken, even on failure */
        } else {
            s = vkw_sync_side_import(&side, mode, &c->dev, t, got, named ? names : NULL, &err);
            if (s == VKW_OK && mode == VKW_SYNC_QUEUE_BINARY) {
                s = vkw_pingpong_open_peer((vkw_os_pingpong_kind)req->os_kind, hs + first,
                                           n - first, &side.pp, &err);
                for (uint32_t i = first; i < n; i++)
                    hs[i] = VKW_NO_HANDLE; /* taken, even on failure */
            }
        }
        /* What an import did not take (values by value are released as such). */
        for (int i = 0; i < 2; i++)
            if (got[i] != VKW_NO_HANDLE) {
                if (t)
                    vkw_external_handle_release(t, got[i]);
                else
                    vkw_handle_close(got[i]);
            }
    } else {
        s = vkw_fail(&err, VKW_E_PROTOCOL, "round trips of mode %u before a device", req->mode);
    }
    for (uint32_t i = 0; i < n; i++)
        vkw_handle_close(hs[i]);
    if (s == VKW_OK && req->pin_cpu >= 0)
        s = vkw_thread_pin((uint32_t)req->pin_cpu, &err);
    if (s == VKW_OK && mode == VKW_SYNC_GPU_CHAIN)
        s = vkw_sync_chain_submit(&side, false, 1, req->rounds, 0, &err);

    vkw_msg_sync_reply rep;
    vkw_msg_init(&rep.h, VKW_MSG_SYNC | VKW_MSG_REPLY, req->h.seq, sizeof rep);
    vkw_msg_outcome_set(&rep.outcome, s, &err);
    rep.validation_errors = c->log.validation_errors;
    vkw_status cs = vkw_channel_send(c->ch, &rep, sizeof rep, NULL, 0, chan_err);
    if (cs == VKW_OK && s == VKW_OK) {
        if (mode == VKW_SYNC_GPU_CHAIN) /* chain by chain: each within the timeout */
            for (uint32_t k = 1; s == VKW_OK && k <= VKW_BENCH_CHAINS; k++)
                s = vkw_sync_wait_b(&side, (uint64_t)req->rounds / VKW_BENCH_CHAINS * k,
                                    req->timeout_ms, &err);
        else
            for (uint32_t i = 0; s == VKW_OK && i < req->answer && i < req->rounds; i++)
                s = fs ? vkw_foreign_sync_pong(fs, (uint64_t)i + 1, req->timeout_ms, &err)
                       : vkw_sync_pong(&side, req->timeout_ms, &err);
        vkw_msg_sync_reply done;
        vkw_msg_init(&done.h, VKW_MSG_SYNC_DONE, req->h.seq, sizeof done);
        vkw_msg_outcome_set(&done.outcome, s, &err);
        done.validation_errors = c->log.validation_errors;
        cs = vkw_channel_send(c->ch, &done, sizeof done, NULL, 0, chan_err);
    }
    vkw_foreign_sync_release(fs, s == VKW_OK && cs == VKW_OK, req->timeout_ms);
    vkw_sync_side_settle(&side, s == VKW_OK && cs == VKW_OK);
    vkw_sync_side_release(&side);
    return cs;
}

static void fill_quit_reply(const vkw_child_state *c, vkw_msg_quit_reply *rep)
{
    rep->validation_errors = c->log.validation_errors;
    rep->other_errors = c->log.other_errors;
    rep->warnings = c->log.warnings;
    for (uint32_t i = 0; i < c->log.stored && rep->message_count < VKW_CHILD_MESSAGES; i++) {
        const vkw_debug_message *m = &c->log.messages[i];
        if (!(m->severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT))
            continue;
        snprintf(rep->messages[rep->message_count++], sizeof rep->messages[0], "%.100s: %.500s",
                 m->id, m->text);
    }
}

static void teardown(vkw_child_state *c)
{
    vkw_child_stress_teardown(c);
    for (uint32_t i = 0; i < VKW_IMPORTER_COUNT; i++) {
        vkw_foreign_close(c->foreign[i]);
        c->foreign[i] = NULL;
    }
    vkw_gpu_pattern_destroy(&c->gp);
    vkw_bench_close_device(&c->loader, &c->inst, &c->dev);
}

vkw_status vkw_bench_child_main(const char *token, vkw_error *err)
{
    vkw_child_state c;
    memset(&c, 0, sizeof c);
    c.timeout_ms = VKW_BENCH_DEFAULT_TIMEOUT_MS;
    vkw_stop_ignore(); /* the parent stops the child: it is killed, then reaped */
    vkw_status s = vkw_child_attach(token, &c.ch, err);
    if (s != VKW_OK)
        return s;

    /* Large enough for any request. */
    union {
        vkw_msg_header h;
        vkw_msg_hello hello;
        vkw_msg_memory memory;
        vkw_msg_sync sync;
        vkw_msg_stress_memory stress;
        vkw_msg_stress_release release;
    } req;
    for (;;) {
        vkw_handle hs[VKW_CHANNEL_MAX_HANDLES];
        uint32_t n = 0;
        size_t len = 0;
        s = vkw_channel_recv(c.ch, &req, sizeof req, &len, hs, &n, idle_timeout_ms(&c), err);
        uint64_t received_ns = vkw_clock_ns();
        if (s != VKW_OK)
            break; /* the parent is gone or silent: nobody to answer */
        vkw_handle handle = n ? hs[0] : VKW_NO_HANDLE;
        /* Only round trips take more than one handle. */
        for (uint32_t i = 1; i < n && !(len >= sizeof req.h && req.h.type == VKW_MSG_SYNC); i++)
            vkw_handle_close(hs[i]);
        if (len < sizeof req.h || req.h.magic != VKW_PROTOCOL_MAGIC ||
            req.h.version != VKW_PROTOCOL_VERSION || req.h.size != len) {
            vkw_handle_close(handle);
            s = vkw_fail(err, VKW_E_PROTOCOL, "the parent sent a message this child cannot read");
            break;
        }
        vkw_error rerr;
        vkw_error_clear(&rerr);
        if (req.h.type == VKW_MSG_HELLO && len == sizeof req.hello) {
            vkw_msg_hello_reply rep;
            vkw_msg_init(&rep.h, VKW_MSG_HELLO | VKW_MSG_REPLY, req.h.seq, sizeof rep);
            memset(rep.importer, 0, sizeof rep.importer);
            vkw_status hs_ = open_device(&c, &req.hello, &rerr);
            if (hs_ == VKW_OK)
                open_importers(&c, &req.hello, &rep);
            vkw_msg_outcome_set(&rep.outcome, hs_, &rerr);
            snprintf(rep.tool_version, sizeof rep.tool_version, "%s", VKW_TOOL_VERSION);
            snprintf(rep.device_name, sizeof rep.device_name, "%s", c.dev.info.name);
            for (uint32_t i = 0; i < c.inst.enabled_layer_count; i++)
                if (strcmp(c.inst.enabled_layers[i], VKW_VALIDATION_LAYER) == 0)
                    rep.validation_enabled = 1;
            /* Enabled by the environment, the layer is on without the tool asking. */
            if (hs_ == VKW_OK && vkw_validation_requested_by_environment())
                rep.validation_enabled = 1;
            rep.luid_matched = c.luid_matched;
            s = vkw_channel_send(c.ch, &rep, sizeof rep, NULL, 0, err);
        } else if (req.h.type == VKW_MSG_COUNT && len == sizeof req.h) {
            vkw_msg_count_reply rep;
            vkw_msg_init(&rep.h, VKW_MSG_COUNT | VKW_MSG_REPLY, req.h.seq, sizeof rep);
            vkw_status cs = vkw_handle_count(&rep.handle_count, &rerr);
            vkw_msg_outcome_set(&rep.outcome, cs, &rerr);
            s = vkw_channel_send(c.ch, &rep, sizeof rep, NULL, 0, err);
        } else if (req.h.type == VKW_MSG_MEMORY && len == sizeof req.memory && n <= 1) {
            vkw_msg_memory_reply rep;
            vkw_msg_init(&rep.h, VKW_MSG_MEMORY | VKW_MSG_REPLY, req.h.seq, sizeof rep);
            serve_memory(&c, &req.memory, handle, received_ns, &rep);
            handle = VKW_NO_HANDLE; /* serve_memory owns it */
            s = vkw_channel_send(c.ch, &rep, sizeof rep, NULL, 0, err);
        } else if (req.h.type == VKW_MSG_STRESS_MEMORY && len == sizeof req.stress && n <= 1) {
            vkw_msg_stress_reply rep;
            memset(&rep, 0, sizeof rep);
            vkw_msg_init(&rep.h, VKW_MSG_STRESS_MEMORY | VKW_MSG_REPLY, req.h.seq, sizeof rep);
            bool answer = vkw_child_stress_memory(&c, &req.stress, handle, &rep);
            handle = VKW_NO_HANDLE; /* taken or closed there */
            if (answer)
                s = vkw_channel_send(c.ch, &rep, sizeof rep, NULL, 0, err);
        } else if (req.h.type == VKW_MSG_STRESS_RELEASE && len == sizeof req.release && n == 0) {
            vkw_msg_stress_reply rep;
            memset(&rep, 0, sizeof rep);
            vkw_msg_init(&rep.h, VKW_MSG_STRESS_RELEASE | VKW_MSG_REPLY, req.h.seq, sizeof rep);
            vkw_child_stress_release(&c, req.release.slot, &rep);
            s = vkw_channel_send(c.ch, &rep, sizeof rep, NULL, 0, err);
        } else if (req.h.type == VKW_MSG_SYNC && len == sizeof req.sync) {
            s = serve_sync(&c, &req.sync, hs, n, err);
            handle = VKW_NO_HANDLE; /* hs[0] was serve_sync's to take or close */
        } else if (req.h.type == VKW_MSG_QUIT && len == sizeof req.h) {
            teardown(&c); /* first: the layer reports at vkDestroyInstance too */
            vkw_msg_quit_reply rep;
            vkw_msg_init(&rep.h, VKW_MSG_QUIT | VKW_MSG_REPLY, req.h.seq, sizeof rep);
            vkw_msg_outcome_set(&rep.outcome, VKW_OK, NULL);
            fill_quit_reply(&c, &rep);
            s = vkw_channel_send(c.ch, &rep, sizeof rep, NULL, 0, err);
            break;
        } else {
            vkw_handle_close(handle);
            for (uint32_t i = 1; i < n; i++) /* kept above for a round-trip request */
                if (req.h.type == VKW_MSG_SYNC)
                    vkw_handle_close(hs[i]);
            s = vkw_fail(err, VKW_E_PROTOCOL,
                         "the parent sent message type %u of %lu bytes "
                         "with %u handle(s), which this child does not expect",
                         (unsigned)req.h.type, (unsigned long)len, n);
            break;
        }
        vkw_handle_close(handle);
        if (s != VKW_OK)
            break;
    }
    teardown(&c);
    vkw_channel_close(c.ch);
    return s;
}
