/* --exporter d3d11|d3d12: Direct3D makes the memory and exports its handle;
 * the child imports it into Vulkan (vkGetMemoryWin32HandlePropertiesKHR for
 * its memory type, a dedicated allocation), checks the parent's bytes and
 * writes its own, which the parent reads back through Direct3D. The same
 * phases as a Vulkan export, each measuring one thing: allocate (the
 * object), parent copy-in (the pattern through the API, until it is done),
 * export (the handle), and the parent's read and verify of the child's. */
#include "bench_d3d.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vk/external.h"
#include "vk/names.h"

static double us(uint64_t ns)
{
    return (double)ns / 1000.0;
}

static vkw_d3d_api api_of(vkw_exporter e)
{
    return e == VKW_EXPORTER_D3D11 ? VKW_D3D_11 : VKW_D3D_12;
}

/* What a D3D type is shared as: textures are images, the rest buffers. */
static vkw_scenario_kind kind_of(const vkw_handle_type *t)
{
    return t->bit == VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D11_TEXTURE_BIT ||
                   t->bit == VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D11_TEXTURE_KMT_BIT
               ? VKW_SCENARIO_IMAGE_COPY
               : VKW_SCENARIO_BUFFER_COPY;
}

vkw_status vkw_bench_d3d_plan(bench_ctx *c, vkw_error *err)
{
    vkw_bench_report *b = c->b;
    const vkw_bench_options *o = c->opts;
    vkw_d3d_api api = api_of(o->exporter);
    const char *name = vkw_exporter_name(o->exporter);
    uint32_t kinds = o->scenario_kinds ? o->scenario_kinds : (1u << VKW_SCENARIO_KIND_COUNT) - 1;
    for (uint32_t i = 0; i < VKW_MEMORY_HANDLE_TYPE_COUNT; i++) {
        const vkw_handle_type *t = &vkw_memory_handle_types[i];
        bool exported = vkw_d3d_exports(api, t);
        bool asked = o->handle_types ? (o->handle_types & t->bit) != 0 : exported;
        if (!asked)
            continue;
        vkw_bench_type *bt = &b->types[b->type_count++];
        bt->type_index = i;
        if (!exported) {
            snprintf(bt->reason, sizeof bt->reason, "--exporter %s exports no %s handle", name,
                     t->name);
            continue;
        }
        vkw_scenario_kind k = kind_of(t);
        if (!(kinds & (1u << k))) {
            snprintf(bt->reason, sizeof bt->reason,
                     "%s memory is shared as %s, which --scenarios left out", t->name,
                     vkw_scenario_kind_name(k));
            continue;
        }
        bt->tested = true;
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < b->type_count; i++)
        n += b->types[i].tested ? o->size_count : 0;
    if (n == 0)
        return VKW_OK;
    b->scenarios = calloc(n, sizeof *b->scenarios);
    if (!b->scenarios)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory planning %u scenarios", n);
    for (uint32_t i = 0; i < b->type_count; i++)
        for (uint32_t z = 0; b->types[i].tested && z < o->size_count; z++) {
            vkw_memory_scenario *sc = &b->scenarios[b->scenario_count++];
            sc->exporter = o->exporter;
            sc->importer = VKW_IMPORTER_VULKAN;
            sc->type_index = b->types[i].type_index;
            sc->kind = kind_of(&vkw_memory_handle_types[sc->type_index]);
            sc->size_requested = o->sizes[z];
        }
    return VKW_OK;
}

/* The adapter: --d3d-adapter's, else the one whose LUID is the device's
 * (a valid one). */
static vkw_status choose_adapter(bench_ctx *c, const vkw_device_report *dr, vkw_error *err)
{
    vkw_bench_exporter *e = &c->b->exporter;
    vkw_d3d_adapter adapters[VKW_D3D_ADAPTER_MAX];
    uint32_t count = 0;
    vkw_status s = vkw_d3d_adapters(adapters, VKW_D3D_ADAPTER_MAX, &count, err);
    if (s != VKW_OK)
        return s;
    char luid[40];
    vkw_uuid_string(dr->device_luid, VK_LUID_SIZE, luid, sizeof luid);
    for (uint32_t i = 0; i < count; i++) {
        bool chosen = c->opts->d3d_adapter >= 0
                          ? adapters[i].index == (uint32_t)c->opts->d3d_adapter
                          : dr->device_luid_valid &&
                                memcmp(adapters[i].luid, dr->device_luid, VK_LUID_SIZE) == 0;
        /* --d3d-adapter names another device than Vulkan's valid LUID does:
         * nothing could be shared between the two. */
        if (chosen && c->opts->d3d_adapter >= 0 && dr->device_luid_valid &&
            memcmp(adapters[i].luid, dr->device_luid, VK_LUID_SIZE) != 0)
            return vkw_fail(err, VKW_E_UNSUPPORTED,
                            "DXGI adapter %u ('%s') is not '%s': its LUID is not the device's "
                            "%s",
                            adapters[i].index, adapters[i].description, dr->name, luid);
        if (chosen) {
            e->adapter_index = adapters[i].index;
            e->by_luid = c->opts->d3d_adapter < 0;
            snprintf(e->adapter, sizeof e->adapter, "%s", adapters[i].description);
            return VKW_OK;
        }
    }
    if (c->opts->d3d_adapter >= 0)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "no DXGI adapter at index %d (%u listed)",
                        c->opts->d3d_adapter, count);
    if (!dr->device_luid_valid)
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "'%s' reports no valid deviceLUID, so no DXGI adapter is known to be it "
                        "(--d3d-adapter N chooses one)",
                        dr->name);
    return vkw_fail(err, VKW_E_UNSUPPORTED, "none of the %u DXGI adapter(s) has '%s''s LUID %s",
                    count, dr->name, luid);
}

void vkw_bench_d3d_open(bench_ctx *c, const vkw_device_report *dr)
{
    vkw_bench_exporter *e = &c->b->exporter;
    vkw_error err;
    vkw_error_clear(&err);
    vkw_status s = choose_adapter(c, dr, &err);
    if (s == VKW_OK)
        s = vkw_d3d_open(api_of(c->opts->exporter), e->adapter_index, &c->d3d, e->feature_level,
                         &err);
    e->available = s == VKW_OK;
    e->status = s;
    if (s != VKW_OK)
        snprintf(e->reason, sizeof e->reason, "%.250s", err.message);
}

/* A Direct3D step's failure, named with its API: "d3d12: ID3D12Device::
 * CreateSharedHandle: E_NOTIMPL". */
static vkw_status d3d_failed(vkw_status s, const char *api, vkw_error *err)
{
    char why[512];
    snprintf(why, sizeof why, "%.500s", err->message);
    return vkw_fail(err, s, "%s: %s", api, why);
}

vkw_status vkw_bench_d3d_iteration(bench_ctx *c, vkw_memory_scenario *sc, uint32_t it,
                                   uint64_t parent_seed, uint64_t child_seed, bool warmup,
                                   const char *when, double *samples, vkw_error *err)
{
    const vkw_handle_type *t = &vkw_memory_handle_types[sc->type_index];
    const char *api = vkw_exporter_name(sc->exporter);
    vkw_d3d_object *obj = NULL;
    vkw_handle exported = VKW_NO_HANDLE;
    bool image = sc->kind == VKW_SCENARIO_IMAGE_COPY;
    vkw_d3d_desc dd = {.size = sc->size_requested, .keyed_mutex = image && c->opts->keyed_mutex};
    if (image)
        vkw_shared_image_extent(sc->size_requested, &dd.width, &dd.height);
    char sz[32];
    vkw_size_string(sc->size_requested, sz, sizeof sz);

    uint64_t t0 = vkw_clock_ns();
    vkw_status s = vkw_d3d_make(c->d3d, t, &dd, &obj, err);
    samples[VKW_PHASE_ALLOCATE] = us(vkw_clock_ns() - t0);
    if (s != VKW_OK) {
        s = d3d_failed(s, api, err);
        goto cleanup;
    }
    vkw_msg_memory msg;
    vkw_msg_init(&msg.h, VKW_MSG_MEMORY, ++c->seq, sizeof msg);
    msg.parent_seed = parent_seed;
    msg.child_seed = child_seed;
    msg.threads = c->threads;
    msg.importer = VKW_IMPORTER_VULKAN;
    msg.compare = 0; /* nothing of this process's own to set it against */
    msg.iteration = it;
    msg.fault = vkw_bench_memory_fault(c, warmup);
    /* The bytes first (the object is the API's own until it is shared), then
     * the handle: under a Windows that refuses the handle, the API's writes
     * and reads have run. */
    uint64_t size = vkw_d3d_object_size(obj);
    vkw_d3d_times dt;
    uint32_t timeout_ms = c->opts->timeout_ms;
    s = vkw_d3d_write_pattern(obj, parent_seed,
                              msg.fault == VKW_FAULT_FLIP_BYTE ? size / 2 : UINT64_MAX, &dt,
                              timeout_ms, err);
    samples[VKW_PHASE_PARENT_COPY_IN] = us(dt.copy_ns);
    if (s != VKW_OK) {
        s = d3d_failed(s, api, err);
        goto cleanup;
    }
    t0 = vkw_clock_ns();
    s = vkw_d3d_share(obj, &exported, err);
    samples[VKW_PHASE_EXPORT] = us(vkw_clock_ns() - t0);
    if (s != VKW_OK) {
        s = d3d_failed(s, api, err);
        goto cleanup;
    }
    /* What Vulkan on this device needs to import it, and whether it can. */
    vkw_verify_method as_run = c->b->verify;
    vkw_error why;
    s = vkw_shared_memory_describe_foreign(&c->dev, t,
                                           image ? VKW_RESOURCE_IMAGE : VKW_RESOURCE_BUFFER, size,
                                           c->how.gpu != NULL, &msg.desc, &why);
    if (s != VKW_OK) {
        s = vkw_fail(err, s, "Vulkan on '%s' cannot import %s's %s memory: %s", c->b->device_name,
                     api, t->name, why.message);
        goto cleanup;
    }
    msg.desc.keyed_mutex = dd.keyed_mutex;
    sc->desc = msg.desc;
    msg.verify = as_run;
    sc->verify = as_run;
    bool by_value = vkw_handle_travels_by_value(t);
    msg.handle_value = by_value ? (uint64_t)exported : 0;
    char what[160];
    snprintf(what, sizeof what, "%s %s %s memory from %s (%s)", sz, t->name,
             vkw_scenario_kind_name(sc->kind), api, when);
    vkw_msg_memory_reply rep;
    vkw_handle foreign = VKW_NO_HANDLE, send = exported;
    if (msg.fault == VKW_FAULT_FOREIGN_HANDLE) {
        s = vkw_foreign_handle_create(&foreign, err);
        if (s != VKW_OK)
            goto cleanup;
        send = foreign;
        msg.handle_value = by_value ? (uint64_t)send : 0;
    }
    s = vkw_bench_memory_request(c, &msg, &send, by_value, "importing", what, &rep, err);
    vkw_handle_close(foreign);
    /* --fault leak: the parent forgets to close its own. */
    if (msg.fault == VKW_FAULT_LEAK)
        exported = VKW_NO_HANDLE;
    if (s != VKW_OK)
        goto cleanup;
    samples[VKW_PHASE_TRANSFER] = us(rep.received_ns - msg.sent_ns);
    samples[VKW_PHASE_IMPORT] = us(rep.import_ns);
    samples[VKW_PHASE_CHILD_STAGING] = us(rep.staging_ns);
    if (c->how.gpu) {
        samples[VKW_PHASE_CHILD_GPU_VERIFY] = us(rep.gpu_verify_ns);
        samples[VKW_PHASE_CHILD_FILL] = us(rep.fill_ns);
    }
    if (!c->how.gpu || c->how.host_check) {
        samples[VKW_PHASE_CHILD_READ] = us(rep.read_ns);
        samples[VKW_PHASE_CHILD_VERIFY] = us(rep.verify_ns);
    }
    if (!c->how.gpu) {
        samples[VKW_PHASE_CHILD_WRITE] = us(rep.write_ns);
        samples[VKW_PHASE_CHILD_COPY_IN] = us(rep.copy_in_ns);
    }
    if (rep.peak_resident > sc->child_peak_resident)
        sc->child_peak_resident = rep.peak_resident;
    sc->child_memory_type_index = rep.memory_type_index;
    s = vkw_msg_outcome_get(&rep.outcome, err);
    if (s != VKW_OK) {
        char m[512];
        snprintf(m, sizeof m, "%s", err->message);
        s = vkw_fail(err, s == VKW_E_UNSUPPORTED ? s : VKW_E_SHARING,
                     "the child could not use %s's memory in Vulkan: %s", api, m);
        goto cleanup;
    }
    if (!rep.verified) {
        sc->mismatch = true;
        sc->mismatch_iteration = it;
        snprintf(sc->mismatch_side, sizeof sc->mismatch_side, "child");
        sc->mismatch_at = rep.mismatch;
        s = vkw_fail(err, VKW_E_SHARING,
                     "the child does not see %s's bytes: offset %llu holds 0x%02x, 0x%02x "
                     "expected (%s)",
                     api, (unsigned long long)rep.mismatch.offset, rep.mismatch.got,
                     rep.mismatch.expected, when);
        goto cleanup;
    }
    bool ok = false;
    vkw_mismatch mm = {0};
    s = vkw_d3d_check_pattern(obj, child_seed, &ok, &mm, &dt, timeout_ms, err);
    samples[VKW_PHASE_PARENT_READ] = us(dt.copy_ns);
    samples[VKW_PHASE_PARENT_VERIFY] = us(dt.host_ns);
    if (s != VKW_OK) {
        s = d3d_failed(s, api, err);
        goto cleanup;
    }
    if (!ok) {
        sc->mismatch = true;
        sc->mismatch_iteration = it;
        snprintf(sc->mismatch_side, sizeof sc->mismatch_side, "parent");
        sc->mismatch_at = mm;
        s = vkw_fail(err, VKW_E_SHARING,
                     "%s does not see the child's bytes: offset %llu holds 0x%02x, 0x%02x "
                     "expected (%s)",
                     api, (unsigned long long)mm.offset, mm.got, mm.expected, when);
        goto cleanup;
    }

cleanup:
    /* The child holds its own duplicate (or nothing); ours is closed here,
     * a KMT value is not (nothing to close), and the object goes last. */
    vkw_external_handle_release(t, exported);
    vkw_d3d_object_release(obj);
    return s;
}
