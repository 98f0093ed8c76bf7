/* The one place the report model becomes JSON (cJSON stays in this file). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vk/names.h"
#include "bench_report.h"
#include "platform/platform.h"
#include "report.h"
#include "report_json.h"
#include "report_vocab.h"
#include "stress_report.h"

/* cJSON returns NULL when it runs out of memory; the writer remembers that
 * once instead of checking every call, and the whole document is refused. */
typedef struct jw {
    bool oom;
} jw;

static cJSON *chk(jw *w, cJSON *item)
{
    if (!item)
        w->oom = true;
    return item;
}

/* Attaches a new item to an object (key) or an array (key NULL); on failure
 * the item is freed here, so nothing leaks and the caller just sees NULL. */
static cJSON *attach(jw *w, cJSON *parent, const char *key, cJSON *item)
{
    if (!chk(w, item))
        return NULL;
    bool ok = key ? cJSON_AddItemToObject(parent, key, item) : cJSON_AddItemToArray(parent, item);
    if (!ok) {
        cJSON_Delete(item);
        w->oom = true;
        return NULL;
    }
    return item;
}

static cJSON *add_obj(jw *w, cJSON *parent, const char *key)
{
    return attach(w, parent, key, cJSON_CreateObject());
}

static cJSON *add_arr(jw *w, cJSON *parent, const char *key)
{
    return attach(w, parent, key, cJSON_CreateArray());
}

static cJSON *push_obj(jw *w, cJSON *array)
{
    return attach(w, array, NULL, cJSON_CreateObject());
}

static void push_str(jw *w, cJSON *array, const char *s)
{
    attach(w, array, NULL, cJSON_CreateString(s));
}

/* All setters accept a NULL parent (an earlier failure) and do nothing then. */
static void str(jw *w, cJSON *o, const char *key, const char *value)
{
    if (o)
        chk(w, value ? cJSON_AddStringToObject(o, key, value) : cJSON_AddNullToObject(o, key));
}

static void num(jw *w, cJSON *o, const char *key, double value)
{
    if (o)
        chk(w, cJSON_AddNumberToObject(o, key, value));
}

static void boolean(jw *w, cJSON *o, const char *key, bool value)
{
    if (o)
        chk(w, cJSON_AddBoolToObject(o, key, value));
}

static void null(jw *w, cJSON *o, const char *key)
{
    if (o)
        chk(w, cJSON_AddNullToObject(o, key));
}

static void version(jw *w, cJSON *o, const char *key, uint32_t v)
{
    char buf[48];
    str(w, o, key, vkw_version_string(v, buf, sizeof buf));
}

static void handle_names(jw *w, cJSON *o, const char *key, const vkw_handle_type *table,
                         size_t count, uint32_t mask)
{
    cJSON *a = o ? add_arr(w, o, key) : NULL;
    if (!a)
        return;
    for (size_t i = 0; i < count; i++)
        if (mask & table[i].bit) {
            push_str(w, a, table[i].name);
            mask &= ~table[i].bit;
        }
    for (uint32_t bit = 1; mask; bit <<= 1)
        if (mask & bit) {
            char hex[16];
            snprintf(hex, sizeof hex, "0x%x", bit);
            push_str(w, a, hex);
            mask &= ~bit;
        }
}

static void flag_names(jw *w, cJSON *o, const char *key, vkw_flag_kind kind, uint32_t mask)
{
    cJSON *a = o ? add_arr(w, o, key) : NULL;
    char scratch[16];
    const char *name;
    while (a && (name = vkw_next_flag_name(kind, &mask, scratch, sizeof scratch)))
        push_str(w, a, name);
}

static void props(jw *w, cJSON *o, const vkw_external_props *p, const vkw_handle_type *table,
                  size_t count)
{
    str(w, o, "state", vkw_vocab_word(&vkw_vocab_query_state, p->state));
    boolean(w, o, "exportable", p->exportable);
    boolean(w, o, "importable", p->importable);
    boolean(w, o, "dedicated_only", p->dedicated_only);
    num(w, o, "features", p->features);
    handle_names(w, o, "compatible_handle_types", table, count, p->compatible);
    handle_names(w, o, "export_from_imported_handle_types", table, count, p->export_from_imported);
    if (p->state == VKW_QUERY_FAILED || p->state == VKW_QUERY_FORMAT_UNSUPPORTED)
        str(w, o, "result", vkw_result_name(p->result));
    if (p->state == VKW_QUERY_SKIPPED)
        str(w, o, "reason", p->reason);
}

static void verdict(jw *w, cJSON *parent, const char *key, const vkw_verdict *v)
{
    cJSON *o = parent ? add_obj(w, parent, key) : NULL;
    str(w, o, VKW_K(VERDICT_CODE), vkw_verdict_code_name(v->code));
    str(w, o, VKW_K(DETAIL),
        v->code == VKW_VERDICT_NOT_RUN ? "not probed: the probe stopped early" : v->detail);
}

static void handle_type_head(jw *w, cJSON *o, const vkw_device_report *dev,
                             const vkw_handle_type *ht, vkw_os os)
{
    str(w, o, VKW_K(HANDLE_TYPE), ht->name);
    num(w, o, "bit", ht->bit);
    str(w, o, "family", vkw_handle_family_name(ht->family));
    boolean(w, o, "applicable", vkw_handle_family_native_on(ht->family, os));
    str(w, o, "extension", ht->extension);
    boolean(w, o, "extension_present", vkw_device_has_extension(dev, ht->extension));
    boolean(w, o, "nt_handle", ht->nt_handle);
    str(w, o, "transference", ht->transference == VKW_TRANSFERENCE_COPY ? "copy" : "reference");
}

static void identity(jw *w, cJSON *d, const vkw_device_report *dev, vkw_os os)
{
    char buf[64];
    cJSON *o = add_obj(w, d, VKW_K(IDENTITY));
    str(w, o, VKW_K(NAME), dev->name);
    num(w, o, "vendor_id", dev->vendor_id);
    str(w, o, "vendor_name", vkw_vendor_name(dev->vendor_id));
    num(w, o, "device_id", dev->device_id);
    str(w, o, "type", vkw_device_type_name(dev->type));
    version(w, o, "api_version", dev->api_version);

    cJSON *dv = o ? add_obj(w, o, "driver_version") : NULL;
    num(w, dv, "raw", dev->driver_version);
    str(w, dv, "decoded",
        vkw_driver_version_string(dev->vendor_id, dev->driver_version, os, buf, sizeof buf));
    str(w, dv, "encoding",
        dev->vendor_id == 0x10DE                           ? "nvidia"
        : dev->vendor_id == 0x8086 && os == VKW_OS_WINDOWS ? "intel_windows"
                                                           : "vulkan");
    if (dev->has_driver_properties) {
        str(w, o, "driver_id", vkw_driver_id_name(dev->driver_id));
        num(w, o, "driver_id_value", dev->driver_id);
        str(w, o, "driver_name", dev->driver_name);
        str(w, o, "driver_info", dev->driver_info);
        snprintf(buf, sizeof buf, "%u.%u.%u.%u", dev->conformance.major, dev->conformance.minor,
                 dev->conformance.subminor, dev->conformance.patch);
        str(w, o, "conformance_version", buf);
    } else {
        null(w, o, "driver_id");
        null(w, o, "driver_id_value");
        null(w, o, "driver_name");
        null(w, o, "driver_info");
        null(w, o, "conformance_version");
    }
    if (dev->has_id_properties) {
        str(w, o, VKW_K(DEVICE_UUID),
            vkw_uuid_string(dev->device_uuid, VK_UUID_SIZE, buf, sizeof buf));
        str(w, o, "driver_uuid", vkw_uuid_string(dev->driver_uuid, VK_UUID_SIZE, buf, sizeof buf));
        str(w, o, "device_luid", vkw_uuid_string(dev->device_luid, VK_LUID_SIZE, buf, sizeof buf));
        boolean(w, o, "device_luid_valid", dev->device_luid_valid);
        num(w, o, "device_node_mask", dev->device_node_mask);
    } else {
        null(w, o, VKW_K(DEVICE_UUID));
        null(w, o, "driver_uuid");
        null(w, o, "device_luid");
        boolean(w, o, "device_luid_valid", false);
        null(w, o, "device_node_mask");
    }
    if (dev->has_pci) {
        cJSON *p = o ? add_obj(w, o, "pci") : NULL;
        num(w, p, "domain", dev->pci.pciDomain);
        num(w, p, "bus", dev->pci.pciBus);
        num(w, p, "device", dev->pci.pciDevice);
        num(w, p, "function", dev->pci.pciFunction);
        snprintf(buf, sizeof buf, "%04x:%02x:%02x.%x", dev->pci.pciDomain, dev->pci.pciBus,
                 dev->pci.pciDevice, dev->pci.pciFunction);
        str(w, p, "address", buf);
    } else {
        null(w, o, "pci");
    }
}

static void interop_types(jw *w, cJSON *o, const char *key, const vkw_interop_types *t)
{
    cJSON *a = o ? add_arr(w, o, key) : NULL;
    for (uint32_t i = 0; a && i < t->count && i < VKW_INTEROP_TYPE_MAX; i++)
        push_str(w, a, t->names[i]);
}

/* The same device through CUDA and GL: available (and what it offers) or why not. */
static void interop(jw *w, cJSON *d, const vkw_device_report *dev)
{
    char buf[64];
    if (dev->interop_cuda.state == VKW_INTEROP_NOT_RUN &&
        dev->interop_gl.state == VKW_INTEROP_NOT_RUN)
        return; /* not asked (the bench, check) */
    cJSON *o = add_obj(w, d, "interop");
    const vkw_interop_cuda *c = &dev->interop_cuda;
    cJSON *cu = o ? add_obj(w, o, "cuda") : NULL;
    str(w, cu, "state", vkw_vocab_word(&vkw_vocab_interop_state, c->state));
    str(w, cu, "reason", c->state == VKW_INTEROP_NOT_AVAILABLE ? c->reason : NULL);
    if (c->state == VKW_INTEROP_AVAILABLE) {
        num(w, cu, "ordinal", c->ordinal);
        str(w, cu, VKW_K(NAME), c->name);
        str(w, cu, "handle_types_source", "documented");
        interop_types(w, cu, "memory_handle_types", &c->memory);
        interop_types(w, cu, "binary_semaphore_handle_types", &c->binary_semaphore);
        interop_types(w, cu, "timeline_semaphore_handle_types", &c->timeline_semaphore);
    }
    const vkw_interop_gl *g = &dev->interop_gl;
    cJSON *gl = o ? add_obj(w, o, "gl") : NULL;
    str(w, gl, "state", vkw_vocab_word(&vkw_vocab_interop_state, g->state));
    str(w, gl, "reason", g->state == VKW_INTEROP_NOT_AVAILABLE ? g->reason : NULL);
    if (g->state == VKW_INTEROP_AVAILABLE) {
        num(w, gl, "egl_device", g->egl_device);
        num(w, gl, "egl_device_count", g->egl_device_count);
        str(w, gl, "vendor", g->vendor);
        str(w, gl, "renderer", g->renderer);
        str(w, gl, "version", g->version);
        cJSON *u = gl ? add_arr(w, gl, "device_uuids") : NULL;
        for (uint32_t i = 0; u && i < g->device_uuid_count && i < VKW_INTEROP_UUID_MAX; i++)
            push_str(w, u, vkw_uuid_string(g->device_uuids[i], VK_UUID_SIZE, buf, sizeof buf));
        str(w, gl, "driver_uuid", vkw_uuid_string(g->driver_uuid, VK_UUID_SIZE, buf, sizeof buf));
        cJSON *e = gl ? add_obj(w, gl, "extensions") : NULL;
        for (size_t i = 0; i < VKW_GL_INTEROP_EXTENSION_COUNT; i++)
            boolean(w, e, vkw_gl_interop_extensions[i], g->extensions[i]);
    }
}

/* Direct3D on this machine: its adapters, and how far each API got. */
static void d3d(jw *w, cJSON *root, const vkw_d3d_report *r)
{
    char buf[64];
    cJSON *o = add_obj(w, root, "d3d");
    str(w, o, "state", vkw_vocab_word(&vkw_vocab_interop_state, r->state));
    str(w, o, "reason", r->state == VKW_INTEROP_NOT_AVAILABLE ? r->reason : NULL);
    if (r->state != VKW_INTEROP_AVAILABLE)
        return;
    cJSON *aa = o ? add_arr(w, o, "adapters") : NULL;
    for (uint32_t i = 0; aa && i < r->adapter_count && i < VKW_D3D_REPORT_ADAPTER_MAX; i++) {
        const vkw_d3d_adapter_report *ad = &r->adapters[i];
        cJSON *a = push_obj(w, aa);
        num(w, a, VKW_K(INDEX), ad->index);
        str(w, a, "description", ad->description);
        snprintf(buf, sizeof buf, "0x%04x", ad->vendor_id);
        str(w, a, "vendor_id", buf);
        snprintf(buf, sizeof buf, "0x%04x", ad->device_id);
        str(w, a, "device_id", buf);
        str(w, a, "luid", vkw_uuid_string(ad->luid, VK_LUID_SIZE, buf, sizeof buf));
        boolean(w, a, "software", ad->software);
        if (ad->vulkan_device >= 0)
            num(w, a, "vulkan_device", (double)ad->vulkan_device);
        else
            null(w, a, "vulkan_device");
        cJSON *apis = a ? add_arr(w, a, "apis") : NULL;
        for (uint32_t k = 0; apis && k < 2; k++) {
            const vkw_d3d_api_report *ap = &ad->api[k];
            cJSON *p = push_obj(w, apis);
            str(w, p, "api", vkw_d3d_report_api_names[k]);
            str(w, p, "state", vkw_vocab_word(&vkw_vocab_interop_state, ap->state));
            str(w, p, "reason", ap->state == VKW_INTEROP_NOT_AVAILABLE ? ap->reason : NULL);
            if (ap->state != VKW_INTEROP_AVAILABLE)
                continue;
            str(w, p, "feature_level", ap->feature_level);
            cJSON *ea = p ? add_arr(w, p, "exports") : NULL;
            for (uint32_t e = 0; ea && e < ap->export_count && e < VKW_D3D_REPORT_EXPORT_MAX; e++) {
                const vkw_d3d_export_trial *t = &ap->exports[e];
                cJSON *x = push_obj(w, ea);
                str(w, x, "handle_type", t->handle_type);
                boolean(w, x, "created", t->created);
                boolean(w, x, "exported", t->exported);
                str(w, x, "status", vkw_status_code(t->status));
                str(w, x, "reason", t->exported ? NULL : t->reason);
            }
        }
    }
}

/* The extensions of a fixed list, each with its name, whether the driver has
 * it (under the key `have`) and its spec version (0: absent). */
static void extension_list(jw *w, cJSON *arr, const char *const *names, const uint32_t *versions,
                           size_t n, const char *have)
{
    for (size_t i = 0; arr && i < n; i++) {
        cJSON *e = push_obj(w, arr);
        str(w, e, "name", names[i]);
        boolean(w, e, have, versions[i] != 0);
        num(w, e, "spec_version", versions[i]);
    }
}

static void topology(jw *w, cJSON *d, const vkw_device_report *dev)
{
    cJSON *qa = add_arr(w, d, "queue_families");
    for (uint32_t i = 0; qa && i < dev->queue_family_count; i++) {
        cJSON *q = push_obj(w, qa);
        num(w, q, "index", i);
        flag_names(w, q, "flags", VKW_FLAGS_QUEUE, dev->queue_families[i].flags);
        num(w, q, "count", dev->queue_families[i].count);
        num(w, q, "timestamp_valid_bits", dev->queue_families[i].timestamp_valid_bits);
    }
    cJSON *ha = add_arr(w, d, "memory_heaps");
    for (uint32_t i = 0; ha && i < dev->memory.memoryHeapCount; i++) {
        cJSON *h = push_obj(w, ha);
        num(w, h, "index", i);
        num(w, h, "size", (double)dev->memory.memoryHeaps[i].size);
        flag_names(w, h, "flags", VKW_FLAGS_MEMORY_HEAP, dev->memory.memoryHeaps[i].flags);
    }
    cJSON *ta = add_arr(w, d, "memory_types");
    for (uint32_t i = 0; ta && i < dev->memory.memoryTypeCount; i++) {
        cJSON *t = push_obj(w, ta);
        num(w, t, "index", i);
        num(w, t, "heap", dev->memory.memoryTypes[i].heapIndex);
        flag_names(w, t, "flags", VKW_FLAGS_MEMORY_PROPERTY,
                   dev->memory.memoryTypes[i].propertyFlags);
    }
    cJSON *ext = add_obj(w, d, "extensions");
    num(w, ext, "total", dev->extension_count);
    extension_list(w, ext ? add_arr(w, ext, "external") : NULL, vkw_relevant_device_extensions,
                   dev->relevant_extension_version, VKW_RELEVANT_EXTENSION_COUNT, "present");
    cJSON *f = add_obj(w, d, "features");
    boolean(w, f, "timeline_semaphore", dev->timeline_semaphore);
    str(w, f, "timeline_semaphore_source", dev->timeline_semaphore_source);
}

static void capabilities(jw *w, cJSON *d, const vkw_device_report *dev, vkw_os os)
{
    const vkw_handle_type *mt = vkw_memory_handle_types;
    cJSON *ma = add_arr(w, d, VKW_K(EXTERNAL_MEMORY));
    for (size_t t = 0; ma && t < VKW_MEMORY_HANDLE_TYPE_COUNT; t++) {
        cJSON *m = push_obj(w, ma);
        handle_type_head(w, m, dev, &mt[t], os);
        cJSON *ba = m ? add_arr(w, m, "buffers") : NULL;
        for (size_t c = 0; ba && c < VKW_BUFFER_CASE_COUNT; c++) {
            cJSON *b = push_obj(w, ba);
            str(w, b, "case", vkw_buffer_cases[c].label);
            num(w, b, "usage", vkw_buffer_cases[c].usage);
            props(w, b, &dev->memory_caps[t].buffer[c], mt, VKW_MEMORY_HANDLE_TYPE_COUNT);
        }
        cJSON *ia = m ? add_arr(w, m, "images") : NULL;
        for (size_t c = 0; ia && c < VKW_IMAGE_CASE_COUNT; c++) {
            const vkw_image_case *ic = &vkw_image_cases[c];
            cJSON *i = push_obj(w, ia);
            str(w, i, "case", ic->label);
            str(w, i, "format", vkw_format_name(ic->format));
            str(w, i, "tiling", vkw_tiling_name(ic->tiling));
            if (ic->tiling == VK_IMAGE_TILING_DRM_FORMAT_MODIFIER_EXT)
                num(w, i, "drm_format_modifier", (double)ic->drm_format_modifier);
            num(w, i, "usage", ic->usage);
            props(w, i, &dev->memory_caps[t].image[c], mt, VKW_MEMORY_HANDLE_TYPE_COUNT);
        }
        verdict(w, m, VKW_K(VERDICT), &dev->memory_verdict[t]);
    }

    const vkw_handle_type *st = vkw_semaphore_handle_types;
    cJSON *sa = add_arr(w, d, VKW_K(EXTERNAL_SEMAPHORES));
    for (size_t t = 0; sa && t < VKW_SEMAPHORE_HANDLE_TYPE_COUNT; t++) {
        cJSON *s = push_obj(w, sa);
        handle_type_head(w, s, dev, &st[t], os);
        cJSON *b = s ? add_obj(w, s, "binary") : NULL;
        props(w, b, &dev->semaphore_caps[t].binary, st, VKW_SEMAPHORE_HANDLE_TYPE_COUNT);
        cJSON *tl = s ? add_obj(w, s, "timeline") : NULL;
        props(w, tl, &dev->semaphore_caps[t].timeline, st, VKW_SEMAPHORE_HANDLE_TYPE_COUNT);
        cJSON *v = s ? add_obj(w, s, VKW_K(VERDICT)) : NULL;
        verdict(w, v, VKW_K(BINARY), &dev->semaphore_verdict[t][0]);
        verdict(w, v, VKW_K(TIMELINE), &dev->semaphore_verdict[t][1]);
    }

    const vkw_handle_type *ft = vkw_fence_handle_types;
    cJSON *fa = add_arr(w, d, VKW_K(EXTERNAL_FENCES));
    for (size_t t = 0; fa && t < VKW_FENCE_HANDLE_TYPE_COUNT; t++) {
        cJSON *f = push_obj(w, fa);
        handle_type_head(w, f, dev, &ft[t], os);
        cJSON *p = f ? add_obj(w, f, "properties") : NULL;
        props(w, p, &dev->fence_caps[t], ft, VKW_FENCE_HANDLE_TYPE_COUNT);
        verdict(w, f, VKW_K(VERDICT), &dev->fence_verdict[t]);
    }
}

static void instance(jw *w, cJSON *root, const vkw_report *r)
{
    cJSON *l = add_obj(w, root, "loader");
    str(w, l, "requested", r->loader_requested);
    boolean(w, l, "loaded", r->loader_loaded);
    if (r->loader_loaded) {
        str(w, l, "path", r->loader_path);
        version(w, l, "version", r->loader_version);
    } else {
        null(w, l, "path");
        null(w, l, "version");
    }

    cJSON *in = add_obj(w, root, "instance");
    boolean(w, in, "created", r->instance_created);
    if (r->instance_created)
        version(w, in, "api_version", r->instance_api_version);
    else
        null(w, in, "api_version");
    extension_list(w, in ? add_arr(w, in, "capability_extensions") : NULL,
                   vkw_instance_capability_extensions, r->instance_cap_extension_version,
                   VKW_INSTANCE_CAP_EXTENSION_COUNT, "offered");
    cJSON *ee = in ? add_arr(w, in, "enabled_extensions") : NULL;
    for (uint32_t i = 0; ee && i < r->enabled_extension_count; i++)
        push_str(w, ee, r->enabled_extensions[i]);
    cJSON *la = in ? add_arr(w, in, "available_layers") : NULL;
    for (uint32_t i = 0; la && i < r->layer_count; i++) {
        cJSON *e = push_obj(w, la);
        char buf[48];
        str(w, e, "name", r->layers[i].name);
        str(w, e, "description", r->layers[i].description);
        str(w, e, "spec_version", vkw_version_string(r->layers[i].spec_version, buf, sizeof buf));
        num(w, e, "implementation_version", r->layers[i].implementation_version);
    }
    cJSON *el = in ? add_arr(w, in, "enabled_layers") : NULL;
    for (uint32_t i = 0; el && i < r->enabled_layer_count; i++)
        push_str(w, el, r->enabled_layers[i]);

    cJSON *v = add_obj(w, root, "validation");
    boolean(w, v, "enabled", r->validation_enabled);
    boolean(w, v, "by_environment", r->validation_by_environment);
    num(w, v, "validation_errors", r->debug.validation_errors);
    num(w, v, "other_errors", r->debug.other_errors);
    num(w, v, "warnings", r->debug.warnings);
    cJSON *ma = v ? add_arr(w, v, "messages") : NULL;
    for (uint32_t i = 0; ma && i < r->debug.stored; i++) {
        const vkw_debug_message *m = &r->debug.messages[i];
        cJSON *e = push_obj(w, ma);
        str(w, e, "severity",
            m->severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT ? "error" : "warning");
        str(w, e, "type",
            m->type & VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT    ? "validation"
            : m->type & VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT ? "performance"
                                                                        : "general");
        str(w, e, "id", m->id);
        str(w, e, "text", m->text);
    }
}

static void summary(jw *w, cJSON *parent, const char *key, const vkw_summary *sm)
{
    cJSON *o = add_obj(w, parent, key);
    num(w, o, VKW_K(COUNT), sm->count);
    num(w, o, VKW_K(MIN), sm->min);
    num(w, o, VKW_K(MEDIAN), sm->median);
    num(w, o, "mean", sm->mean);
    num(w, o, VKW_K(MAX), sm->max);
}

static void gbps(jw *w, cJSON *o, const char *key, const vkw_memory_scenario *sc, vkw_phase p)
{
    double g = vkw_memory_scenario_gbps(sc, p);
    if (g > 0)
        num(w, o, key, g);
    else
        null(w, o, key);
}

/* Phases that older reports do not have (measured inside others then). */
static bool phase_is_split(vkw_phase p)
{
    return p == VKW_PHASE_PARENT_STAGING || p == VKW_PHASE_PARENT_COPY_IN ||
           p == VKW_PHASE_CHILD_STAGING || p == VKW_PHASE_CHILD_COPY_IN;
}

/* The device's fills and verifies (--verify gpu or both): written only
 * where they ran, so a run on the host keeps the shape it had. */
static bool phase_is_device(vkw_phase p)
{
    return p == VKW_PHASE_PARENT_FILL || p == VKW_PHASE_CHILD_GPU_VERIFY ||
           p == VKW_PHASE_CHILD_FILL || p == VKW_PHASE_PARENT_GPU_VERIFY;
}

/* Whether a phase ran: samples, not only zeros (a bench that summarises
 * every phase gives one it did not run a count and zeros). */
static bool phase_ran(const vkw_summary *s)
{
    return s->count > 0 && s->max > 0;
}

/* A figure, or null where it is 0 (not measured). */
static void positive_or_null(jw *w, cJSON *o, const char *key, double v)
{
    if (v > 0)
        num(w, o, key, v);
    else
        null(w, o, key);
}

/* A method as run: null where it was not recorded (auto: reports made
 * before --verify, which verified on the host). */
static void method_as_run(jw *w, cJSON *o, const char *key, vkw_verify_method m)
{
    str(w, o, key, m == VKW_VERIFY_AUTO ? NULL : vkw_verify_method_name(m));
}

static void imported_vs_local(jw *w, cJSON *o, const vkw_memory_scenario *sc)
{
    static const vkw_report_key dir_key[VKW_DIRECTION_COUNT] = {VKW_KEY_IVL_WRITE,
                                                                VKW_KEY_IVL_READ};
    const vkw_imported_vs_local *ivl = &sc->ivl;
    cJSON *v = add_obj(w, o, VKW_K(IMPORTED_VS_LOCAL));
    boolean(w, v, VKW_K(IVL_MEASURED), ivl->measured);
    if (!ivl->measured) {
        str(w, v, VKW_K(IVL_REASON), ivl->reason[0] ? ivl->reason : NULL);
        return;
    }
    for (uint32_t d = 0; d < VKW_DIRECTION_COUNT; d++) {
        cJSON *dir = v ? add_obj(w, v, vkw_report_keys[dir_key[d]].text) : NULL;
        positive_or_null(w, dir, VKW_K(IMPORTED_GBPS), vkw_ivl_gbps(sc, (vkw_direction)d, true));
        positive_or_null(w, dir, VKW_K(LOCAL_GBPS), vkw_ivl_gbps(sc, (vkw_direction)d, false));
        positive_or_null(w, dir, VKW_K(IVL_RATIO), vkw_ivl_ratio(sc, (vkw_direction)d));
        summary(w, dir, VKW_K(IMPORTED_US), &ivl->imported_us[d]);
        summary(w, dir, VKW_K(LOCAL_US), &ivl->local_us[d]);
    }
    positive_or_null(w, v, VKW_K(IVL_RATIO_MIN), vkw_ivl_ratio_min(sc));
}

static void memory_scenario(jw *w, cJSON *o, const vkw_memory_scenario *sc)
{
    const vkw_handle_type *t = &vkw_memory_handle_types[sc->type_index];
    str(w, o, VKW_K(HANDLE_TYPE), t->name);
    str(w, o, VKW_K(SCENARIO), vkw_scenario_kind_name(sc->kind));
    str(w, o, VKW_K(IMPORTER), vkw_importer_name(sc->importer));
    str(w, o, VKW_K(EXPORTER), vkw_exporter_name(sc->exporter));
    str(w, o, "resource", sc->kind == VKW_SCENARIO_IMAGE_COPY ? "image" : "buffer");
    str(w, o, "access", sc->kind == VKW_SCENARIO_BUFFER_MAP ? "map" : "copy");
    num(w, o, VKW_K(SIZE_REQUESTED), (double)sc->size_requested);
    str(w, o, VKW_K(OUTCOME), vkw_outcome_name(sc->outcome));
    str(w, o, VKW_K(REASON), sc->outcome == VKW_OUTCOME_PASSED ? NULL : sc->reason);
    str(w, o, "status", sc->outcome == VKW_OUTCOME_PASSED ? NULL : vkw_status_code(sc->status));
    bool allocated = sc->desc.allocation_size != 0;
    cJSON *m = allocated ? add_obj(w, o, "memory") : NULL;
    if (!allocated)
        null(w, o, "memory");
    if (m) {
        num(w, m, "bytes_verified", (double)sc->desc.size);
        num(w, m, "allocation_size", (double)sc->desc.allocation_size);
        num(w, m, "memory_type_index", sc->desc.memory_type_index);
        flag_names(w, m, "memory_flags", VKW_FLAGS_MEMORY_PROPERTY, sc->memory_flags);
        num(w, m, "child_memory_type_index", sc->child_memory_type_index);
        boolean(w, m, "dedicated", sc->desc.dedicated);
        boolean(w, m, "dedicated_required", sc->desc.dedicated_required);
        if (sc->kind == VKW_SCENARIO_IMAGE_COPY) {
            cJSON *img = add_obj(w, m, "image");
            num(w, img, "width", sc->desc.image_width);
            num(w, img, "height", sc->desc.image_height);
            str(w, img, "format", vkw_format_name(VKW_SHARED_IMAGE_FORMAT));
            str(w, img, "tiling", "OPTIMAL");
        } else {
            null(w, m, "image");
        }
    }
    num(w, o, "iterations", sc->iterations_done);
    cJSON *ph = add_obj(w, o, VKW_K(PHASES_US));
    /* The one-time setups and the copies in are phases of reports made since
     * they were measured apart: written where they ran. The device's phases
     * each where it ran. */
    bool split = false, device = false;
    for (uint32_t p = 0; p < VKW_PHASE_COUNT; p++) {
        split |= phase_is_split((vkw_phase)p) && sc->phase_us[p].count > 0;
        device |= phase_is_device((vkw_phase)p) && phase_ran(&sc->phase_us[p]);
    }
    for (uint32_t p = 0; p < VKW_PHASE_COUNT; p++) {
        bool ran = phase_ran(&sc->phase_us[p]);
        if (phase_is_device((vkw_phase)p) ? ran : split || !phase_is_split((vkw_phase)p))
            summary(w, ph, vkw_phase_name((vkw_phase)p), &sc->phase_us[p]);
    }
    if (split || device) {
        cJSON *g = add_obj(w, o, "phase_gbps");
        for (uint32_t p = 0; p < VKW_PHASE_COUNT; p++)
            if (vkw_memory_phase_gbps(sc, (vkw_phase)p) > 0)
                num(w, g, vkw_phase_name((vkw_phase)p), vkw_memory_phase_gbps(sc, (vkw_phase)p));
    }
    if (sc->parent_peak_resident) {
        cJSON *pr = add_obj(w, o, "peak_resident");
        num(w, pr, "parent", (double)sc->parent_peak_resident);
        if (sc->child_peak_resident)
            num(w, pr, "child", (double)sc->child_peak_resident);
        else
            null(w, pr, "child");
        /* false: each process's peak since it started (Windows keeps no other) */
        boolean(w, pr, "scenario_only", sc->peak_resident_per_scenario);
    }
    cJSON *v = add_obj(w, o, VKW_K(VERIFY));
    method_as_run(w, v, VKW_K(SCENARIO_VERIFY_METHOD), sc->verify);
    boolean(w, v, "parent_to_child", sc->parent_to_child_ok);
    boolean(w, v, "child_to_parent", sc->child_to_parent_ok);
    /* The verify that ran: the device's where it did, else the host's. */
    gbps(w, v, VKW_K(CHILD_GBPS), sc, vkw_memory_verify_phase(sc, true));
    gbps(w, v, VKW_K(PARENT_GBPS), sc, vkw_memory_verify_phase(sc, false));
    if (sc->mismatch) {
        cJSON *mm = add_obj(w, v, "mismatch");
        str(w, mm, "seen_by", sc->mismatch_side);
        num(w, mm, "iteration", sc->mismatch_iteration + 1);
        num(w, mm, "offset", (double)sc->mismatch_at.offset);
        num(w, mm, "expected", sc->mismatch_at.expected);
        num(w, mm, "got", sc->mismatch_at.got);
    } else {
        null(w, v, "mismatch");
    }
    cJSON *h = add_obj(w, o, "handles");
    if (sc->parent_counted) {
        num(w, h, "parent_before", sc->parent_handles_before);
        num(w, h, "parent_after", sc->parent_handles_after);
    } else {
        null(w, h, "parent_before");
        null(w, h, "parent_after");
    }
    if (sc->child_counted) {
        num(w, h, "child_before", sc->child_handles_before);
        num(w, h, "child_after", sc->child_handles_after);
    } else {
        null(w, h, "child_before");
        null(w, h, "child_after");
    }
    /* A growth seen is a leak; no growth is 0 only where both sides were
     * counted, else not measured (null), never a 0 compared with nothing. */
    uint32_t leaked = vkw_memory_scenario_leaked(sc);
    if (leaked || (sc->parent_counted && sc->child_counted))
        num(w, h, "leaked", (double)leaked);
    else
        null(w, h, "leaked");
    str(w, o, "driver_anomaly", sc->driver_closed_handle ? sc->driver_anomaly : NULL);
    imported_vs_local(w, o, sc);
}

static void sync_result(jw *w, cJSON *o, const vkw_bench_report *b, const vkw_sync_result *r)
{
    str(w, o, VKW_K(MODE), vkw_sync_mode_name(r->mode));
    str(w, o, VKW_K(PEER), vkw_peer_name(r->peer));
    /* The API of the peer's side: Vulkan, or another (process peers only). */
    str(w, o, VKW_K(SYNC_IMPORTER),
        r->mode == VKW_SYNC_OS || r->peer != VKW_PEER_PROCESS ? NULL
                                                              : vkw_importer_name(r->importer));
    str(w, o, VKW_K(SYNC_EXPORTER),
        r->mode == VKW_SYNC_OS || r->peer != VKW_PEER_PROCESS ? NULL
                                                              : vkw_exporter_name(r->exporter));
    if (r->vulkan_ratio_p50 > 0 && r->outcome == VKW_OUTCOME_PASSED) {
        cJSON *rv = add_obj(w, o, "ratio_to_vulkan");
        positive_or_null(w, rv, "p50", r->vulkan_ratio_p50);
        positive_or_null(w, rv, "p99", r->vulkan_ratio_p99);
    } else {
        null(w, o, "ratio_to_vulkan");
    }
    str(w, o, VKW_K(OS_PRIMITIVE),
        r->mode == VKW_SYNC_OS ? vkw_pingpong_kind_name((vkw_os_pingpong_kind)r->os_kind) : NULL);
    const vkw_handle_type *t = vkw_sync_result_type(r);
    str(w, o, VKW_K(HANDLE_TYPE), t ? t->name : NULL);
    str(w, o, "object",
        r->mode == VKW_SYNC_OS             ? NULL
        : r->mode == VKW_SYNC_FENCE        ? "fence"
        : r->mode == VKW_SYNC_QUEUE_BINARY ? "binary semaphore"
                                           : "timeline semaphore");
    str(w, o, VKW_K(OUTCOME), vkw_outcome_name(r->outcome));
    str(w, o, VKW_K(REASON), r->outcome == VKW_OUTCOME_PASSED ? NULL : r->reason);
    const vkw_distribution *d = &r->rt;
    cJSON *st = add_obj(w, o, VKW_K(ROUND_TRIP_NS));
    num(w, st, "count", d->count);
    num(w, st, "min", d->min);
    num(w, st, VKW_K(P50), d->p50);
    num(w, st, "p90", d->p90);
    num(w, st, VKW_K(P99), d->p99);
    num(w, st, "p99_9", d->p999);
    num(w, st, "max", d->max);
    num(w, st, "mean", d->mean);
    num(w, st, "stddev", d->stddev);
    cJSON *h = add_arr(w, o, "histogram");
    for (uint32_t k = 0; h && k < VKW_HISTOGRAM_BUCKETS; k++) {
        if (!d->histogram[k])
            continue;
        double from = 0, below = 0;
        vkw_histogram_bucket_range(k, &from, &below);
        cJSON *bk = push_obj(w, h);
        num(w, bk, "from_ns", from);
        num(w, bk, "below_ns", below);
        num(w, bk, "count", d->histogram[k]);
    }
    /* The clear modes (vkw_modes_of): one when the latencies gather around one
     * value; two or more are what a p50 alone would hide. */
    cJSON *ms = d->count ? add_arr(w, o, "modes") : NULL;
    for (uint32_t k = 0; ms && k < d->modes.count; k++) {
        const vkw_mode *m = &d->modes.mode[k];
        cJSON *mo = push_obj(w, ms);
        num(w, mo, "count", m->count);
        num(w, mo, "share", m->share);
        num(w, mo, "median_ns", m->median);
        num(w, mo, "min_ns", m->min);
        num(w, mo, "max_ns", m->max);
    }
    if (r->baseline >= 0 && r->outcome == VKW_OUTCOME_PASSED) {
        const vkw_sync_result *base = &b->sync[r->baseline];
        cJSON *ra = add_obj(w, o, "ratio_to_best_baseline");
        str(w, ra, "baseline", vkw_pingpong_kind_name((vkw_os_pingpong_kind)base->os_kind));
        num(w, ra, "p50", r->ratio_p50);
        if (r->ratio_p99 >= 0)
            num(w, ra, "p99", r->ratio_p99);
        else
            null(w, ra, "p99");
    } else {
        null(w, o, "ratio_to_best_baseline");
    }
    if (r->samples) {
        cJSON *sa = add_arr(w, o, VKW_K(SAMPLES_NS));
        for (uint32_t k = 0; sa && k < r->sample_count; k++)
            attach(w, sa, NULL, cJSON_CreateNumber(r->samples[k]));
    } else {
        null(w, o, VKW_K(SAMPLES_NS));
    }
    bool repeated = r->outcome == VKW_OUTCOME_PASSED && r->repeat_count;
    cJSON *reps = repeated ? add_arr(w, o, VKW_K(REPEATS)) : NULL;
    if (!repeated)
        null(w, o, VKW_K(REPEATS));
    for (uint32_t k = 0; reps && k < r->repeat_count; k++) {
        cJSON *e = push_obj(w, reps);
        num(w, e, VKW_K(P50), r->repeat_p50[k]);
        num(w, e, VKW_K(P99), r->repeat_p99[k]);
    }
}

static void round_trips(jw *w, cJSON *o, const vkw_bench_report *b, vkw_os os)
{
    if (!b->options.run_sync) {
        null(w, o, VKW_K(ROUND_TRIPS));
        return;
    }
    cJSON *rt = add_obj(w, o, VKW_K(ROUND_TRIPS));
    cJSON *opt = add_obj(w, rt, "options");
    num(w, opt, "round_trips", b->options.round_trips);
    num(w, opt, "warmup", b->options.warmup);
    num(w, opt, "repeat", b->options.repeat ? b->options.repeat : 1);
    num(w, opt, "gpu_chains", VKW_BENCH_CHAINS);
    if (b->options.pin_parent >= 0) {
        cJSON *pin = add_obj(w, opt, "pin");
        num(w, pin, "parent", b->options.pin_parent);
        num(w, pin, "peer", b->options.pin_child);
    } else {
        null(w, opt, "pin");
    }
    cJSON *timer = add_obj(w, rt, "timer");
    str(w, timer, "clock", os == VKW_OS_WINDOWS ? "QueryPerformanceCounter" : "CLOCK_MONOTONIC");
    num(w, timer, "resolution_ns", (double)b->timer_resolution_ns);
    num(w, timer, "overhead_ns", b->timer_overhead_ns);
    cJSON *ra = add_arr(w, rt, VKW_K(RESULTS));
    for (uint32_t i = 0; ra && i < b->sync_count; i++) {
        cJSON *r = push_obj(w, ra);
        if (r)
            sync_result(w, r, b, &b->sync[i]);
    }
    cJSON *sum = add_obj(w, rt, "summary");
    num(w, sum, "modes", b->sync_count);
    num(w, sum, "passed", b->sync_passed);
    num(w, sum, "failed", b->sync_failed);
    num(w, sum, "skipped", b->sync_skipped);
    num(w, sum, "not_run", b->sync_not_run);
}

static void bench(jw *w, cJSON *root, const vkw_bench_report *b, vkw_os os)
{
    cJSON *o = add_obj(w, root, VKW_K(BENCH));
    if (!o)
        return;
    cJSON *opt = add_obj(w, o, "options");
    num(w, opt, "iterations", b->options.iterations);
    num(w, opt, "warmup", VKW_BENCH_WARMUP_ITERATIONS);
    num(w, opt, "timeout_ms", b->options.timeout_ms);
    if (b->options.threads)
        num(w, opt, "threads", b->options.threads);
    cJSON *sizes = add_arr(w, opt, "sizes");
    for (uint32_t i = 0; sizes && i < b->options.size_count; i++)
        attach(w, sizes, NULL, cJSON_CreateNumber((double)b->options.sizes[i]));
    cJSON *kinds = add_arr(w, opt, "scenarios");
    for (uint32_t k = 0; kinds && k < VKW_SCENARIO_KIND_COUNT; k++)
        if (!b->options.scenario_kinds || (b->options.scenario_kinds & (1u << k)))
            push_str(w, kinds, vkw_scenario_kind_name((vkw_scenario_kind)k));
    str(w, opt, VKW_K(OPTION_VERIFY), vkw_verify_method_name(b->options.verify));
    cJSON *apis = add_arr(w, opt, "importers");
    for (uint32_t k = 0; apis && k < VKW_IMPORTER_COUNT; k++)
        if ((b->options.importers ? b->options.importers : 1u) & (1u << k))
            push_str(w, apis, vkw_importer_name((vkw_importer)k));
    str(w, opt, VKW_K(OPTION_EXPORTER), vkw_exporter_name(b->options.exporter));
    if (b->options.d3d_adapter >= 0)
        num(w, opt, "d3d_adapter", b->options.d3d_adapter);
    else
        null(w, opt, "d3d_adapter");
    boolean(w, opt, "keyed_mutex", b->options.keyed_mutex);
    str(w, opt, "fault", vkw_fault_name(b->options.fault));
    boolean(w, opt, "nt_names", b->options.nt_names);
    cJSON *parts = add_arr(w, opt, "parts");
    if (parts && b->options.run_memory)
        push_str(w, parts, "memory");
    if (parts && b->options.run_sync)
        push_str(w, parts, "round-trips");

    num(w, o, VKW_K(DEVICE_INDEX), b->device_index);
    str(w, o, "device_name", b->device_name);
    cJSON *ch = add_obj(w, o, "child");
    boolean(w, ch, "started", b->child_started);
    if (b->child_started)
        num(w, ch, "pid", b->child_pid);
    else
        null(w, ch, "pid");
    str(w, ch, "device_name", b->child_device_name[0] ? b->child_device_name : NULL);
    cJSON *end = add_obj(w, ch, "end");
    boolean(w, end, "ended", b->child_end.ended);
    boolean(w, end, "signaled", b->child_end.signaled);
    boolean(w, end, "killed_by_parent", b->child_end.killed_by_parent);
    num(w, end, "code", b->child_end.code);
    str(w, end, "text", b->child_end.text);
    str(w, ch, "last_activity", b->child_activity);
    boolean(w, ch, "validation_enabled", b->child_validation_enabled);
    str(w, ch, "matched_by",
        b->child_luid_matched ? "deviceUUID, driverUUID, deviceLUID" : "deviceUUID, driverUUID");
    num(w, ch, "validation_errors", b->child_validation_errors);
    if (b->options.exporter != VKW_EXPORTER_VULKAN) {
        const vkw_bench_exporter *e = &b->exporter;
        bool chosen = e->available || e->adapter[0];
        cJSON *ex = add_obj(w, o, "exporter");
        str(w, ex, "name", vkw_exporter_name(b->options.exporter));
        boolean(w, ex, "available", e->available);
        str(w, ex, "reason", e->available ? NULL : e->reason);
        str(w, ex, "status", e->available ? NULL : vkw_status_code(e->status));
        if (chosen)
            num(w, ex, "adapter_index", e->adapter_index);
        else
            null(w, ex, "adapter_index");
        str(w, ex, "adapter", chosen ? e->adapter : NULL);
        boolean(w, ex, "by_luid", chosen && e->by_luid);
        str(w, ex, "feature_level", e->available ? e->feature_level : NULL);
    }
    cJSON *ims = add_arr(w, o, VKW_K(IMPORTERS));
    for (uint32_t i = 0; ims && i < VKW_IMPORTER_COUNT; i++) {
        const vkw_bench_importer *bi = &b->importers[i];
        if (!bi->asked)
            continue;
        cJSON *im = push_obj(w, ims);
        str(w, im, "name", vkw_importer_name((vkw_importer)i));
        boolean(w, im, "available", bi->available);
        str(w, im, "reason", bi->available ? NULL : bi->reason);
        str(w, im, "status", bi->available ? NULL : vkw_status_code(bi->status));
        str(w, im, "device", bi->available ? bi->info.device_name : NULL);
        str(w, im, "version", bi->available ? bi->info.version : NULL);
        if (bi->available)
            num(w, im, "device_index", bi->info.device_index);
        else
            null(w, im, "device_index");
    }
    cJSON *vm = add_obj(w, o, VKW_K(BENCH_VERIFY));
    str(w, vm, VKW_K(VERIFY_ASKED), vkw_verify_method_name(b->options.verify));
    method_as_run(w, vm, VKW_K(VERIFY_METHOD), b->verify);
    str(w, vm, VKW_K(VERIFY_REASON), b->verify_reason[0] ? b->verify_reason : NULL);

    cJSON *types = add_arr(w, o, VKW_K(HANDLE_TYPES));
    for (uint32_t i = 0; types && i < b->type_count; i++) {
        cJSON *t = push_obj(w, types);
        str(w, t, VKW_K(HANDLE_TYPE), vkw_memory_handle_types[b->types[i].type_index].name);
        boolean(w, t, VKW_K(TESTED), b->types[i].tested);
        str(w, t, "reason", b->types[i].tested ? NULL : b->types[i].reason);
    }
    cJSON *sa = add_arr(w, o, VKW_K(MEMORY));
    for (uint32_t i = 0; sa && i < b->scenario_count; i++) {
        cJSON *sc = push_obj(w, sa);
        if (sc)
            memory_scenario(w, sc, &b->scenarios[i]);
    }
    cJSON *tot = add_obj(w, o, "summary");
    num(w, tot, "scenarios", b->scenario_count);
    num(w, tot, "passed", b->passed);
    num(w, tot, "failed", b->failed);
    num(w, tot, "skipped", b->skipped);
    num(w, tot, "not_run", b->not_run);
    round_trips(w, o, b, os);
    num(w, o, "bench_ms", b->bench_ms);
}

/* ---- stress ---- */

/* A limit, or null where none is set (negative). */
static void limit(jw *w, cJSON *o, const char *key, double v)
{
    if (v < 0)
        null(w, o, key);
    else
        num(w, o, key, v);
}

static void str_or_null(jw *w, cJSON *o, const char *key, const char *s)
{
    str(w, o, key, s[0] ? s : NULL);
}

/* The words of the bits of mask (all of them when it is 0: 0 means all). */
static void word_bits(jw *w, cJSON *o, const char *key, const char *const *words, uint32_t n,
                      uint32_t mask)
{
    cJSON *a = o ? add_arr(w, o, key) : NULL;
    for (uint32_t k = 0; a && k < n; k++)
        if (!mask || (mask & (1u << k)))
            push_str(w, a, words[k]);
}

static void stress_latency(jw *w, cJSON *parent, const char *key, const vkw_stress_latency *l)
{
    cJSON *o = parent ? add_obj(w, parent, key) : NULL;
    num(w, o, "count", (double)l->count);
    num(w, o, "p50_us", l->p50_us);
    num(w, o, "p99_us", l->p99_us);
    num(w, o, "max_us", l->max_us);
}

static void stress_options(jw *w, cJSON *s, const vkw_stress_options *o)
{
    char seed[24];
    cJSON *opt = add_obj(w, s, "options");
    num(w, opt, "importers", o->importers);
    num(w, opt, "concurrency", o->concurrency);
    num(w, opt, "duration_ms", (double)o->duration_ms);
    num(w, opt, "cycles", (double)o->cycles);
    num(w, opt, "verify_every", o->verify_every);
    num(w, opt, "interval_ms", o->interval_ms);
    num(w, opt, "timeout_ms", o->timeout_ms);
    /* A decimal string: a uint64 does not fit a JSON number (a double). */
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
    str(w, opt, "seed", seed);
    boolean(w, opt, "seed_given", o->seed_given);
    num(w, opt, "chaos", o->chaos);
    word_bits(w, opt, "chaos_kinds", vkw_chaos_words, VKW_CHAOS_COUNT, o->chaos_kinds);
    word_bits(w, opt, "operations", vkw_stress_op_words, VKW_STRESS_OP_COUNT, o->ops);
    cJSON *sizes = opt ? add_arr(w, opt, "sizes") : NULL;
    for (uint32_t i = 0; sizes && i < o->size_count && i < VKW_STRESS_SIZES_MAX; i++)
        attach(w, sizes, NULL, cJSON_CreateNumber((double)o->sizes[i]));
    cJSON *kinds = opt ? add_arr(w, opt, "scenarios") : NULL;
    for (uint32_t k = 0; kinds && k < VKW_SCENARIO_KIND_COUNT; k++)
        if (!o->scenario_kinds || (o->scenario_kinds & (1u << k)))
            push_str(w, kinds, vkw_scenario_kind_name((vkw_scenario_kind)k));
    handle_names(w, opt, "handle_types", vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT,
                 o->handle_types);
    str(w, opt, "fault",
        (unsigned)o->fault < VKW_STRESS_FAULT_COUNT ? vkw_stress_fault_words[o->fault] : NULL);
    boolean(w, opt, "validate", o->validate);
    cJSON *l = opt ? add_obj(w, opt, "limits") : NULL;
    limit(w, l, "leak_per_min_max", o->limits.leak_per_min_max);
    limit(w, l, "resident_mib_per_min_max", o->limits.resident_mib_per_min_max);
    limit(w, l, "p99_us_max", o->limits.p99_us_max);
    limit(w, l, "ops_per_s_min", o->limits.ops_per_s_min);
    limit(w, l, "faults_undetected_max", (double)o->limits.faults_undetected_max);
}

static void stress_point(jw *w, cJSON *p, const vkw_stress_series *sr, uint32_t i)
{
    if (!p)
        return;
    const vkw_stress_point *pt = &sr->points[i];
    num(w, p, "t_s", pt->t_s);
    num(w, p, "span_s", pt->span_s);
    cJSON *ops = add_obj(w, p, "ops");
    for (uint32_t k = 0; ops && k < VKW_STRESS_OP_COUNT; k++)
        num(w, ops, vkw_stress_op_words[k], pt->ops[k]);
    num(w, p, "failed", pt->failed);
    /* Only the kinds that completed an operation in the interval. */
    cJSON *lat = add_obj(w, p, "latency");
    for (uint32_t k = 0; lat && k < VKW_STRESS_OP_COUNT; k++)
        if (pt->latency[k].count)
            stress_latency(w, lat, vkw_stress_op_words[k], &pt->latency[k]);
    if (pt->has_gpu)
        num(w, p, "gpu_used", (double)pt->gpu_used);
    else
        null(w, p, "gpu_used");
    num(w, p, "validation_errors", pt->validation_errors);
    num(w, p, "faults_injected", pt->faults_injected);
    num(w, p, "faults_detected", pt->faults_detected);
    size_t at = (size_t)i * sr->processes;
    cJSON *h = p ? add_arr(w, p, "handles") : NULL;
    cJSON *res = p ? add_arr(w, p, "resident") : NULL;
    cJSON *rs = p ? add_arr(w, p, "restarts") : NULL;
    for (uint32_t k = 0; h && res && rs && k < sr->processes; k++) {
        int64_t n = sr->handles[at + k];
        attach(w, h, NULL, n < 0 ? cJSON_CreateNull() : cJSON_CreateNumber((double)n));
        uint64_t b = sr->resident[at + k];
        attach(w, res, NULL, b ? cJSON_CreateNumber((double)b) : cJSON_CreateNull());
        attach(w, rs, NULL, cJSON_CreateNumber(sr->restarts[at + k]));
    }
}

static void stress_trend(jw *w, cJSON *o, const vkw_stress_trend *t)
{
    if (!o)
        return;
    str(w, o, "quantity",
        (unsigned)t->quantity < VKW_TREND_QUANTITY_COUNT ? vkw_trend_quantity_words[t->quantity]
                                                         : NULL);
    if (t->process >= 0)
        num(w, o, "process", t->process);
    else
        null(w, o, "process");
    str(w, o, "op", t->op >= 0 ? vkw_stress_op_name((vkw_stress_op)t->op) : NULL);
    num(w, o, "points", t->points);
    num(w, o, "from_s", t->from_s);
    num(w, o, "to_s", t->to_s);
    num(w, o, "slope_per_min", t->slope_per_min);
    num(w, o, "lo_per_min", t->lo_per_min);
    num(w, o, "hi_per_min", t->hi_per_min);
    num(w, o, "noise", t->noise);
    limit(w, o, "limit_per_min", t->limit_per_min);
    boolean(w, o, "estimated", t->estimated);
    boolean(w, o, "fails", t->fails);
    str(w, o, "text", t->text);
}

static void stress(jw *w, cJSON *root, const vkw_stress_report *s)
{
    cJSON *o = add_obj(w, root, "stress");
    if (!o)
        return;
    stress_options(w, o, &s->options);
    cJSON *dev = add_obj(w, o, "device");
    num(w, dev, "index", s->device_index);
    str(w, dev, "name", s->device_name);
    str_or_null(w, o, "handle_type", s->handle_type);
    str_or_null(w, o, "sync_handle_type", s->sync_handle_type);
    boolean(w, o, "validation_enabled", s->validation_enabled);
    str(w, o, "end", (unsigned)s->end < VKW_STRESS_END_COUNT ? vkw_stress_end_words[s->end] : NULL);
    num(w, o, "elapsed_s", s->elapsed_s);
    num(w, o, "ops_total", (double)s->ops_total);
    cJSON *ops = add_obj(w, o, "operations");
    for (uint32_t k = 0; ops && k < VKW_STRESS_OP_COUNT; k++) {
        const vkw_stress_op_result *r = &s->ops[k];
        cJSON *e = add_obj(w, ops, vkw_stress_op_words[k]);
        boolean(w, e, "run", r->run);
        str_or_null(w, e, "skip", r->skip);
        num(w, e, "done", (double)r->done);
        num(w, e, "failed", (double)r->failed);
        num(w, e, "verified", (double)r->verified);
        num(w, e, "reached", (double)r->reached);
        stress_latency(w, e, "latency", &r->latency);
    }
    cJSON *chaos = add_obj(w, o, "chaos");
    for (uint32_t k = 0; chaos && k < VKW_CHAOS_COUNT; k++) {
        cJSON *e = add_obj(w, chaos, vkw_chaos_words[k]);
        num(w, e, "injected", s->chaos[k].injected);
        num(w, e, "detected", s->chaos[k].detected);
        num(w, e, "recovered", s->chaos[k].recovered);
    }
    num(w, o, "events_total", s->events_total);
    cJSON *ev = add_arr(w, o, "events");
    for (uint32_t i = 0; ev && i < s->event_count && i < VKW_STRESS_EVENTS_MAX; i++) {
        const vkw_stress_event *e = &s->events[i];
        cJSON *x = push_obj(w, ev);
        num(w, x, "t_s", e->t_s);
        num(w, x, "importer", e->importer);
        str(w, x, "kind", vkw_chaos_name(e->kind));
        str(w, x, "op", vkw_stress_op_name(e->op));
        boolean(w, x, "detected", e->detected);
        boolean(w, x, "recovered", e->recovered);
        num(w, x, "detect_ms", e->detect_ms);
        str(w, x, "what", e->what);
    }
    num(w, o, "restarts", s->restarts);
    num(w, o, "mismatches", s->mismatches);
    str_or_null(w, o, "first_mismatch", s->first_mismatch);
    num(w, o, "unexpected_failures", s->unexpected_failures);
    str_or_null(w, o, "first_failure", s->first_failure);
    num(w, o, "concurrent_import_failures", s->concurrent_import_failures);
    str_or_null(w, o, "first_concurrent_failure", s->first_concurrent_failure);
    num(w, o, "validation_errors", s->validation_errors);
    cJSON *se = add_obj(w, o, "series");
    num(w, se, "processes", s->series.processes);
    cJSON *pts = se ? add_arr(w, se, "points") : NULL;
    for (uint32_t i = 0; pts && i < s->series.count; i++)
        stress_point(w, push_obj(w, pts), &s->series, i);
    cJSON *tr = add_arr(w, o, "trends");
    for (uint32_t i = 0; tr && i < s->trend_count && i < VKW_STRESS_TRENDS_MAX; i++)
        stress_trend(w, push_obj(w, tr), &s->trends[i]);
    cJSON *v = add_obj(w, o, "verdict");
    boolean(w, v, "leak", s->leak);
    boolean(w, v, "slowdown", s->slowdown);
    boolean(w, v, "limit_failed", s->limit_failed);
    str(w, v, "text", s->verdict);
}

vkw_status vkw_report_to_cjson(const vkw_report *r, cJSON **out, vkw_error *err)
{
    jw w = {false};
    *out = NULL;
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory building the JSON report");

    num(&w, root, "schema_version", VKW_SCHEMA_VERSION);
    cJSON *tool = add_obj(&w, root, "tool");
    str(&w, tool, "name", VKW_TOOL_NAME);
    str(&w, tool, "version", VKW_TOOL_VERSION);
    str(&w, root, VKW_K(COMMAND), r->command);
    str(&w, root, "generated_at", r->generated_at);
    str(&w, root, "os", r->os);
    cJSON *st = add_obj(&w, root, VKW_K(STATUS));
    boolean(&w, st, VKW_K(OK), r->status == VKW_OK);
    str(&w, st, VKW_K(CODE), vkw_status_code(r->status));
    str(&w, st, VKW_K(MESSAGE), r->message);
    boolean(&w, root, "interrupted", r->interrupted);
    str(&w, root, "device_filter", r->device_filter[0] ? r->device_filter : NULL);

    instance(&w, root, r);

    num(&w, root, "physical_device_count", r->physical_device_count);
    cJSON *da = add_arr(&w, root, VKW_K(DEVICES));
    for (uint32_t i = 0; da && i < r->device_count; i++) {
        const vkw_device_report *dev = &r->devices[i];
        cJSON *d = push_obj(&w, da);
        num(&w, d, VKW_K(INDEX), dev->index);
        boolean(&w, d, "complete", dev->complete);
        if (d) {
            identity(&w, d, dev, vkw_report_os(r));
            topology(&w, d, dev);
            capabilities(&w, d, dev, vkw_report_os(r));
            interop(&w, d, dev);
        }
        cJSON *an = d ? add_arr(&w, d, "anomalies") : NULL;
        for (uint32_t k = 0; an && k < dev->anomaly_count; k++)
            push_str(&w, an, dev->anomalies[k]);
        num(&w, d, "probe_ms", dev->probe_ms);
    }
    if (r->bench)
        bench(&w, root, r->bench, vkw_report_os(r));
    if (r->stress)
        stress(&w, root, r->stress);
    if (r->d3d)
        d3d(&w, root, r->d3d);
    cJSON *timing = add_obj(&w, root, "timing");
    num(&w, timing, "total_ms", r->total_ms);
    if (w.oom) {
        cJSON_Delete(root);
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory building the JSON report");
    }
    *out = root;
    return VKW_OK;
}

vkw_status vkw_report_to_json(const vkw_report *r, char **out, vkw_error *err)
{
    *out = NULL;
    cJSON *root = NULL;
    vkw_status s = vkw_report_to_cjson(r, &root, err);
    if (s != VKW_OK)
        return s;
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory building the JSON report");
    /* cJSON allocates with malloc unless hooks are installed; none are. */
    *out = text;
    return VKW_OK;
}
