/* A probe or bench report read back into the typed report: the inverse of
 * report_json.c, so that what renders a live run renders a report file too.
 * Written key for key against the writer; a round-trip test holds them
 * together (written -> read -> written again is the same JSON). Tolerant of
 * what is missing (a report cut short renders what it has); every number is
 * range-checked before it becomes an integer. Strings that the model keeps
 * by pointer point into the parsed tree, which the report then owns. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_report.h"
#include "bench_options.h"
#include "json_file.h"
#include "platform/platform.h"
#include "report.h"
#include "report_vocab.h"
#include "stress_report.h"
#include "base/text_buffer.h"
#include "vk/names.h"

typedef struct rp {
    const char *path;
    vkw_error *err;
    vkw_status s;
} rp;

static const cJSON *at(const cJSON *o, const char *key)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static const char *text(const cJSON *o, const char *key)
{
    const cJSON *v = at(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void copy(char *dst, size_t len, const char *s)
{
    snprintf(dst, len, "%s", s ? s : "");
}

static double real(const cJSON *o, const char *key)
{
    const cJSON *v = at(o, key);
    return cJSON_IsNumber(v) && isfinite(v->valuedouble) ? v->valuedouble : 0;
}

/* A whole number in [lo, hi]; 0 when missing or outside. */
static double whole(const cJSON *o, const char *key, double lo, double hi)
{
    double v = real(o, key);
    return v >= lo && v <= hi ? v : 0;
}

static uint32_t u32(const cJSON *o, const char *key)
{
    return (uint32_t)whole(o, key, 0, UINT32_MAX);
}

static uint64_t u64(const cJSON *o, const char *key)
{
    return (uint64_t)whole(o, key, 0, 0x1p64 - 2048); /* the largest double below 2^64 */
}

static bool flag(const cJSON *o, const char *key)
{
    return cJSON_IsTrue(at(o, key));
}

static bool present(const cJSON *o, const char *key)
{
    const cJSON *v = at(o, key);
    return v && !cJSON_IsNull(v);
}

static void *table(rp *c, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p && c->s == VKW_OK)
        c->s = vkw_fail(c->err, VKW_E_NO_MEMORY, "out of host memory reading report '%s'", c->path);
    return p;
}

static uint32_t count_of(const cJSON *a, uint32_t max)
{
    int n = cJSON_IsArray(a) ? cJSON_GetArraySize(a) : 0;
    return n < 0 ? 0 : (uint32_t)n < max ? (uint32_t)n : max;
}

/* "1.3.255" or "1.3.255 (variant 1)", as vkw_version_string writes it. */
static uint32_t version(const cJSON *o, const char *key)
{
    const char *s = text(o, key);
    unsigned ma = 0, mi = 0, pa = 0, va = 0;
    if (!s || sscanf(s, "%u.%u.%u (variant %u)", &ma, &mi, &pa, &va) < 3)
        return 0;
    return VK_MAKE_API_VERSION(va & 7u, ma & 127u, mi & 1023u, pa & 4095u);
}

/* Hex bytes, with or without the UUID's dashes; false unless exactly n. */
static bool hex_bytes(const char *s, uint8_t *out, size_t n)
{
    size_t i = 0;
    for (; s && *s && i < n; s++) {
        if (*s == '-')
            continue;
        unsigned v;
        if (sscanf(s, "%2x", &v) != 1 || !s[1])
            return false;
        out[i++] = (uint8_t)v;
        s++;
    }
    return s && !*s && i == n;
}

/* The bits named by an array of flag names (vkw_next_flag_name's, or 0x..). */
static uint32_t flag_bits(const cJSON *a, vkw_flag_kind kind)
{
    uint32_t bits = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, a)
    {
        if (!cJSON_IsString(e))
            continue;
        unsigned hex;
        if (sscanf(e->valuestring, "0x%x", &hex) == 1) {
            bits |= hex;
            continue;
        }
        for (uint32_t b = 0; b < 32; b++) {
            uint32_t m = 1u << b;
            char scratch[16];
            const char *name = vkw_next_flag_name(kind, &m, scratch, sizeof scratch);
            if (name && strcmp(name, e->valuestring) == 0)
                bits |= 1u << b;
        }
    }
    return bits;
}

static int32_t type_index(const vkw_handle_type *t, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(t[i].name, name) == 0)
            return (int32_t)i;
    return -1;
}

static uint32_t handle_bits(const cJSON *a, const vkw_handle_type *t, size_t n)
{
    uint32_t bits = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, a)
    {
        unsigned hex;
        int32_t i = cJSON_IsString(e) ? type_index(t, n, e->valuestring) : -1;
        if (i >= 0)
            bits |= t[i].bit;
        else if (cJSON_IsString(e) && sscanf(e->valuestring, "0x%x", &hex) == 1)
            bits |= hex;
    }
    return bits;
}

static vkw_status status_of(const char *code)
{
    for (int s = VKW_OK; code && s <= VKW_E_INTERRUPTED; s++)
        if (strcmp(vkw_status_code((vkw_status)s), code) == 0)
            return (vkw_status)s;
    return VKW_OK;
}

static VkResult result_of(const char *name)
{
    static const int32_t ext[] = {
        -1000000000, -1000000001, 1000001003,  -1000001004, -1000003001, -1000011001, -1000012000,
        -1000069000, -1000072003, -1000158000, -1000161000, -1000174001, -1000255000, -1000257000,
        1000268000,  1000268001,  1000268002,  1000268003,  1000297000,  -1000299000, -1000338000};
    int v;
    if (!name || sscanf(name, "VkResult(%d)", &v) == 1)
        return name ? (VkResult)v : VK_SUCCESS;
    for (int r = -20; r <= 10; r++)
        if (strcmp(vkw_result_name((VkResult)r), name) == 0)
            return (VkResult)r;
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (strcmp(vkw_result_name((VkResult)ext[i]), name) == 0)
            return (VkResult)ext[i];
    return VK_SUCCESS;
}

static int32_t word_of(const vkw_vocab *v, const char *s)
{
    int32_t i = vkw_vocab_find(v, s);
    return i < 0 ? 0 : i;
}

/* ---- devices ---- */

static vkw_query_state state_of(const char *s)
{
    return (vkw_query_state)word_of(&vkw_vocab_query_state, s);
}

static void props(const cJSON *o, vkw_external_props *p, const vkw_handle_type *t, size_t n)
{
    p->state = state_of(text(o, "state"));
    p->exportable = flag(o, "exportable");
    p->importable = flag(o, "importable");
    p->dedicated_only = flag(o, "dedicated_only");
    p->features = u32(o, "features");
    p->compatible = handle_bits(at(o, "compatible_handle_types"), t, n);
    p->export_from_imported = handle_bits(at(o, "export_from_imported_handle_types"), t, n);
    p->result = result_of(text(o, "result"));
    p->reason = text(o, "reason");
}

static void verdict(const cJSON *o, vkw_verdict *v)
{
    v->code = (vkw_verdict_code)word_of(&vkw_vocab_verdict, text(o, VKW_K(VERDICT_CODE)));
    copy(v->detail, sizeof v->detail, text(o, VKW_K(DETAIL)));
}

static void identity(const cJSON *o, vkw_device_report *dev)
{
    copy(dev->name, sizeof dev->name, text(o, VKW_K(NAME)));
    dev->vendor_id = u32(o, "vendor_id");
    dev->device_id = u32(o, "device_id");
    const char *type = text(o, "type");
    for (int t = 0; type && t <= VK_PHYSICAL_DEVICE_TYPE_CPU; t++)
        if (strcmp(vkw_device_type_name((VkPhysicalDeviceType)t), type) == 0)
            dev->type = (VkPhysicalDeviceType)t;
    dev->api_version = version(o, "api_version");
    dev->driver_version = u32(at(o, "driver_version"), "raw");
    dev->has_driver_properties = present(o, "driver_id_value");
    dev->driver_id = (VkDriverId)u32(o, "driver_id_value");
    copy(dev->driver_name, sizeof dev->driver_name, text(o, "driver_name"));
    copy(dev->driver_info, sizeof dev->driver_info, text(o, "driver_info"));
    unsigned cv[4] = {0};
    const char *conf = text(o, "conformance_version");
    if (conf && sscanf(conf, "%u.%u.%u.%u", &cv[0], &cv[1], &cv[2], &cv[3]) == 4)
        dev->conformance =
            (VkConformanceVersion){(uint8_t)cv[0], (uint8_t)cv[1], (uint8_t)cv[2], (uint8_t)cv[3]};
    dev->has_id_properties = hex_bytes(text(o, VKW_K(DEVICE_UUID)), dev->device_uuid, VK_UUID_SIZE);
    hex_bytes(text(o, "driver_uuid"), dev->driver_uuid, VK_UUID_SIZE);
    hex_bytes(text(o, "device_luid"), dev->device_luid, VK_LUID_SIZE);
    dev->device_luid_valid = flag(o, "device_luid_valid");
    dev->device_node_mask = u32(o, "device_node_mask");
    const cJSON *pci = at(o, "pci");
    dev->has_pci = cJSON_IsObject(pci);
    dev->pci.pciDomain = u32(pci, "domain");
    dev->pci.pciBus = u32(pci, "bus");
    dev->pci.pciDevice = u32(pci, "device");
    dev->pci.pciFunction = u32(pci, "function");
}

static void topology(rp *c, const cJSON *d, vkw_device_report *dev)
{
    const cJSON *qa = at(d, "queue_families"), *e;
    dev->queue_families = table(c, count_of(qa, 1024), sizeof *dev->queue_families);
    cJSON_ArrayForEach(e, qa)
    {
        if (!dev->queue_families || dev->queue_family_count >= count_of(qa, 1024))
            break;
        vkw_queue_family *q = &dev->queue_families[dev->queue_family_count++];
        q->flags = flag_bits(at(e, "flags"), VKW_FLAGS_QUEUE);
        q->count = u32(e, "count");
        q->timestamp_valid_bits = u32(e, "timestamp_valid_bits");
    }
    cJSON_ArrayForEach(e, at(d, "memory_heaps"))
    {
        if (dev->memory.memoryHeapCount >= VK_MAX_MEMORY_HEAPS)
            break;
        VkMemoryHeap *h = &dev->memory.memoryHeaps[dev->memory.memoryHeapCount++];
        h->size = u64(e, "size");
        h->flags = flag_bits(at(e, "flags"), VKW_FLAGS_MEMORY_HEAP);
    }
    cJSON_ArrayForEach(e, at(d, "memory_types"))
    {
        if (dev->memory.memoryTypeCount >= VK_MAX_MEMORY_TYPES)
            break;
        VkMemoryType *t = &dev->memory.memoryTypes[dev->memory.memoryTypeCount++];
        t->heapIndex = u32(e, "heap");
        t->propertyFlags = flag_bits(at(e, "flags"), VKW_FLAGS_MEMORY_PROPERTY);
    }
    const cJSON *ext = at(d, "extensions");
    dev->extension_count = u32(ext, "total");
    cJSON_ArrayForEach(e, at(ext, "external"))
    {
        const char *name = text(e, "name");
        for (size_t i = 0; name && i < VKW_RELEVANT_EXTENSION_COUNT; i++)
            if (strcmp(vkw_relevant_device_extensions[i], name) == 0)
                dev->relevant_extension_version[i] = u32(e, "spec_version");
    }
    const cJSON *f = at(d, "features");
    dev->timeline_semaphore = flag(f, "timeline_semaphore");
    dev->timeline_semaphore_source = text(f, "timeline_semaphore_source");
}

static void capabilities(const cJSON *d, vkw_device_report *dev)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, at(d, VKW_K(EXTERNAL_MEMORY)))
    {
        int32_t t = type_index(vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT,
                               text(e, VKW_K(HANDLE_TYPE)));
        if (t < 0)
            continue;
        const cJSON *x;
        uint32_t i = 0;
        cJSON_ArrayForEach(x, at(e, "buffers"))
        {
            if (i < VKW_BUFFER_CASE_COUNT)
                props(x, &dev->memory_caps[t].buffer[i++], vkw_memory_handle_types,
                      VKW_MEMORY_HANDLE_TYPE_COUNT);
        }
        i = 0;
        cJSON_ArrayForEach(x, at(e, "images"))
        {
            if (i < VKW_IMAGE_CASE_COUNT)
                props(x, &dev->memory_caps[t].image[i++], vkw_memory_handle_types,
                      VKW_MEMORY_HANDLE_TYPE_COUNT);
        }
        verdict(at(e, VKW_K(VERDICT)), &dev->memory_verdict[t]);
    }
    cJSON_ArrayForEach(e, at(d, VKW_K(EXTERNAL_SEMAPHORES)))
    {
        int32_t t = type_index(vkw_semaphore_handle_types, VKW_SEMAPHORE_HANDLE_TYPE_COUNT,
                               text(e, VKW_K(HANDLE_TYPE)));
        if (t < 0)
            continue;
        props(at(e, "binary"), &dev->semaphore_caps[t].binary, vkw_semaphore_handle_types,
              VKW_SEMAPHORE_HANDLE_TYPE_COUNT);
        props(at(e, "timeline"), &dev->semaphore_caps[t].timeline, vkw_semaphore_handle_types,
              VKW_SEMAPHORE_HANDLE_TYPE_COUNT);
        const cJSON *v = at(e, VKW_K(VERDICT));
        verdict(at(v, VKW_K(BINARY)), &dev->semaphore_verdict[t][0]);
        verdict(at(v, VKW_K(TIMELINE)), &dev->semaphore_verdict[t][1]);
    }
    cJSON_ArrayForEach(e, at(d, VKW_K(EXTERNAL_FENCES)))
    {
        int32_t t = type_index(vkw_fence_handle_types, VKW_FENCE_HANDLE_TYPE_COUNT,
                               text(e, VKW_K(HANDLE_TYPE)));
        if (t < 0)
            continue;
        props(at(e, "properties"), &dev->fence_caps[t], vkw_fence_handle_types,
              VKW_FENCE_HANDLE_TYPE_COUNT);
        verdict(at(e, VKW_K(VERDICT)), &dev->fence_verdict[t]);
    }
}

static void interop_types(const cJSON *a, vkw_interop_types *t)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, a)
    {
        if (cJSON_IsString(e) && t->count < VKW_INTEROP_TYPE_MAX)
            copy(t->names[t->count++], sizeof t->names[0], e->valuestring);
    }
}

static vkw_interop_state interop_state_of(const char *s)
{
    int32_t v = vkw_vocab_find(&vkw_vocab_interop_state, s);
    return v < 0 ? VKW_INTEROP_NOT_RUN : (vkw_interop_state)v;
}

static void interop(const cJSON *o, vkw_device_report *dev)
{
    const cJSON *cu = at(o, "cuda");
    vkw_interop_cuda *c = &dev->interop_cuda;
    c->state = interop_state_of(text(cu, "state"));
    copy(c->reason, sizeof c->reason, text(cu, "reason"));
    c->ordinal = u32(cu, "ordinal");
    copy(c->name, sizeof c->name, text(cu, VKW_K(NAME)));
    interop_types(at(cu, "memory_handle_types"), &c->memory);
    interop_types(at(cu, "binary_semaphore_handle_types"), &c->binary_semaphore);
    interop_types(at(cu, "timeline_semaphore_handle_types"), &c->timeline_semaphore);

    const cJSON *gl = at(o, "gl");
    vkw_interop_gl *g = &dev->interop_gl;
    g->state = interop_state_of(text(gl, "state"));
    copy(g->reason, sizeof g->reason, text(gl, "reason"));
    g->egl_device = u32(gl, "egl_device");
    g->egl_device_count = u32(gl, "egl_device_count");
    copy(g->vendor, sizeof g->vendor, text(gl, "vendor"));
    copy(g->renderer, sizeof g->renderer, text(gl, "renderer"));
    copy(g->version, sizeof g->version, text(gl, "version"));
    const cJSON *u;
    cJSON_ArrayForEach(u, at(gl, "device_uuids"))
    {
        if (g->device_uuid_count < VKW_INTEROP_UUID_MAX &&
            hex_bytes(cJSON_IsString(u) ? u->valuestring : NULL,
                      g->device_uuids[g->device_uuid_count], VK_UUID_SIZE))
            g->device_uuid_count++;
    }
    hex_bytes(text(gl, "driver_uuid"), g->driver_uuid, VK_UUID_SIZE);
    for (size_t i = 0; i < VKW_GL_INTEROP_EXTENSION_COUNT; i++)
        g->extensions[i] = flag(at(gl, "extensions"), vkw_gl_interop_extensions[i]);
}

/* The index of a Vulkan device, or -1 (null or missing). */
static int32_t device_index_or_none(const cJSON *o, const char *key)
{
    const cJSON *v = at(o, key);
    return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= INT32_MAX
               ? (int32_t)v->valuedouble
               : -1;
}

static uint32_t hex_u32(const cJSON *o, const char *key)
{
    const char *s = text(o, key);
    unsigned v = 0;
    return s && sscanf(s, "0x%x", &v) == 1 ? (uint32_t)v : 0;
}

static void d3d(const cJSON *o, vkw_d3d_report *r)
{
    r->state = interop_state_of(text(o, "state"));
    copy(r->reason, sizeof r->reason, text(o, "reason"));
    const cJSON *a;
    cJSON_ArrayForEach(a, at(o, "adapters"))
    {
        if (r->adapter_count >= VKW_D3D_REPORT_ADAPTER_MAX)
            break;
        vkw_d3d_adapter_report *ad = &r->adapters[r->adapter_count++];
        ad->index = u32(a, VKW_K(INDEX));
        copy(ad->description, sizeof ad->description, text(a, "description"));
        ad->vendor_id = hex_u32(a, "vendor_id");
        ad->device_id = hex_u32(a, "device_id");
        hex_bytes(text(a, "luid"), ad->luid, VK_LUID_SIZE);
        ad->software = flag(a, "software");
        ad->vulkan_device = device_index_or_none(a, "vulkan_device");
        const cJSON *p;
        cJSON_ArrayForEach(p, at(a, "apis"))
        {
            const char *name = text(p, "api");
            uint32_t k = 0;
            while (k < 2 && !(name && strcmp(name, vkw_d3d_report_api_names[k]) == 0))
                k++;
            if (k == 2)
                continue;
            vkw_d3d_api_report *ap = &ad->api[k];
            ap->state = interop_state_of(text(p, "state"));
            copy(ap->reason, sizeof ap->reason, text(p, "reason"));
            copy(ap->feature_level, sizeof ap->feature_level, text(p, "feature_level"));
            const cJSON *x;
            cJSON_ArrayForEach(x, at(p, "exports"))
            {
                if (ap->export_count >= VKW_D3D_REPORT_EXPORT_MAX)
                    break;
                vkw_d3d_export_trial *t = &ap->exports[ap->export_count++];
                copy(t->handle_type, sizeof t->handle_type, text(x, "handle_type"));
                t->created = flag(x, "created");
                t->exported = flag(x, "exported");
                t->status = status_of(text(x, "status"));
                copy(t->reason, sizeof t->reason, text(x, "reason"));
            }
        }
    }
}

static void device(rp *c, const cJSON *d, vkw_device_report *dev)
{
    dev->index = u32(d, VKW_K(INDEX));
    dev->complete = flag(d, "complete");
    identity(at(d, VKW_K(IDENTITY)), dev);
    topology(c, d, dev);
    capabilities(d, dev);
    interop(at(d, "interop"), dev);
    const cJSON *a;
    cJSON_ArrayForEach(a, at(d, "anomalies"))
    {
        if (cJSON_IsString(a) && dev->anomaly_count < 16)
            copy(dev->anomalies[dev->anomaly_count++], sizeof dev->anomalies[0], a->valuestring);
    }
    dev->probe_ms = real(d, "probe_ms");
}

/* ---- the run: loader, instance, validation ---- */

static void instance(rp *c, const cJSON *root, vkw_report *r)
{
    const cJSON *l = at(root, "loader"), *e;
    copy(r->loader_requested, sizeof r->loader_requested, text(l, "requested"));
    r->loader_loaded = flag(l, "loaded");
    copy(r->loader_path, sizeof r->loader_path, text(l, "path"));
    r->loader_version = version(l, "version");

    const cJSON *in = at(root, "instance");
    r->instance_created = flag(in, "created");
    r->instance_api_version = version(in, "api_version");
    cJSON_ArrayForEach(e, at(in, "capability_extensions"))
    {
        const char *name = text(e, "name");
        for (size_t i = 0; name && i < VKW_INSTANCE_CAP_EXTENSION_COUNT; i++)
            if (strcmp(vkw_instance_capability_extensions[i], name) == 0)
                r->instance_cap_extension_version[i] = u32(e, "spec_version");
    }
    cJSON_ArrayForEach(e, at(in, "enabled_extensions"))
    {
        if (cJSON_IsString(e) && r->enabled_extension_count < 16)
            copy(r->enabled_extensions[r->enabled_extension_count++], VKW_NAME_LEN, e->valuestring);
    }
    const cJSON *la = at(in, "available_layers");
    r->layers = table(c, count_of(la, 4096), sizeof *r->layers);
    cJSON_ArrayForEach(e, la)
    {
        if (!r->layers || r->layer_count >= count_of(la, 4096))
            break;
        vkw_layer_info *li = &r->layers[r->layer_count++];
        copy(li->name, sizeof li->name, text(e, "name"));
        copy(li->description, sizeof li->description, text(e, "description"));
        li->spec_version = version(e, "spec_version");
        li->implementation_version = u32(e, "implementation_version");
    }
    cJSON_ArrayForEach(e, at(in, "enabled_layers"))
    {
        if (cJSON_IsString(e) && r->enabled_layer_count < 4)
            copy(r->enabled_layers[r->enabled_layer_count++], VKW_NAME_LEN, e->valuestring);
    }

    const cJSON *v = at(root, "validation");
    r->validation_enabled = flag(v, "enabled");
    r->validation_by_environment = flag(v, "by_environment");
    r->debug.validation_errors = u32(v, "validation_errors");
    r->debug.other_errors = u32(v, "other_errors");
    r->debug.warnings = u32(v, "warnings");
    cJSON_ArrayForEach(e, at(v, "messages"))
    {
        if (r->debug.stored >= VKW_MAX_MESSAGES)
            break;
        vkw_debug_message *m = &r->debug.messages[r->debug.stored++];
        const char *sev = text(e, "severity"), *type = text(e, "type");
        m->severity = sev && strcmp(sev, "error") == 0
                          ? VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT
                          : VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT;
        m->type = !type                             ? VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT
                  : strcmp(type, "validation") == 0 ? VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT
                  : strcmp(type, "performance") == 0
                      ? VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT
                      : VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT;
        copy(m->id, sizeof m->id, text(e, "id"));
        copy(m->text, sizeof m->text, text(e, "text"));
    }
}

/* ---- bench ---- */

static void summary(const cJSON *o, vkw_summary *sm)
{
    sm->count = u32(o, VKW_K(COUNT));
    sm->min = real(o, VKW_K(MIN));
    sm->median = real(o, VKW_K(MEDIAN));
    sm->mean = real(o, "mean");
    sm->max = real(o, VKW_K(MAX));
}

/* A method as run: null (reports before --verify) is auto, not recorded. */
static vkw_verify_method method_of(const char *s)
{
    vkw_verify_method m = VKW_VERIFY_AUTO;
    return s && vkw_verify_method_parse(s, &m) ? m : VKW_VERIFY_AUTO;
}

static void imported_vs_local(const cJSON *o, vkw_imported_vs_local *ivl)
{
    static const vkw_report_key dir_key[VKW_DIRECTION_COUNT] = {VKW_KEY_IVL_WRITE,
                                                                VKW_KEY_IVL_READ};
    ivl->measured = flag(o, VKW_K(IVL_MEASURED));
    copy(ivl->reason, sizeof ivl->reason, text(o, VKW_K(IVL_REASON)));
    for (uint32_t d = 0; ivl->measured && d < VKW_DIRECTION_COUNT; d++) {
        const cJSON *dir = at(o, vkw_report_keys[dir_key[d]].text);
        summary(at(dir, VKW_K(IMPORTED_US)), &ivl->imported_us[d]);
        summary(at(dir, VKW_K(LOCAL_US)), &ivl->local_us[d]);
    }
}

static void scenario(const cJSON *o, vkw_memory_scenario *sc)
{
    int32_t t = type_index(vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT,
                           text(o, VKW_K(HANDLE_TYPE)));
    sc->type_index = t < 0 ? 0 : (uint32_t)t;
    /* Reports made before --importer: the child imported into Vulkan. */
    sc->importer = (vkw_importer)word_of(&vkw_vocab_importer, text(o, VKW_K(IMPORTER)));
    /* Reports made before --exporter: this process's Vulkan exported. */
    sc->exporter = (vkw_exporter)word_of(&vkw_vocab_exporter, text(o, VKW_K(EXPORTER)));
    const char *kind = text(o, VKW_K(SCENARIO));
    for (int k = 0; kind && k < VKW_SCENARIO_KIND_COUNT; k++)
        if (strcmp(vkw_scenario_kind_name((vkw_scenario_kind)k), kind) == 0)
            sc->kind = (vkw_scenario_kind)k;
    sc->size_requested = u64(o, VKW_K(SIZE_REQUESTED));
    sc->outcome = (vkw_outcome)word_of(&vkw_vocab_memory_outcome, text(o, VKW_K(OUTCOME)));
    copy(sc->reason, sizeof sc->reason, text(o, VKW_K(REASON)));
    sc->status = status_of(text(o, "status"));
    const cJSON *m = at(o, "memory");
    sc->desc.size = u64(m, "bytes_verified");
    sc->desc.allocation_size = u64(m, "allocation_size");
    sc->desc.memory_type_index = u32(m, "memory_type_index");
    sc->memory_flags = flag_bits(at(m, "memory_flags"), VKW_FLAGS_MEMORY_PROPERTY);
    sc->child_memory_type_index = u32(m, "child_memory_type_index");
    sc->desc.dedicated = flag(m, "dedicated");
    sc->desc.dedicated_required = flag(m, "dedicated_required");
    sc->desc.image_width = u32(at(m, "image"), "width");
    sc->desc.image_height = u32(at(m, "image"), "height");
    sc->iterations_done = u32(o, "iterations");
    const cJSON *ph = at(o, VKW_K(PHASES_US));
    for (uint32_t p = 0; p < VKW_PHASE_COUNT; p++)
        summary(at(ph, vkw_phase_name((vkw_phase)p)), &sc->phase_us[p]);
    const cJSON *pr = at(o, "peak_resident");
    sc->parent_peak_resident = u64(pr, "parent");
    sc->child_peak_resident = u64(pr, "child");
    sc->peak_resident_per_scenario = flag(pr, "scenario_only");
    const cJSON *v = at(o, VKW_K(VERIFY));
    sc->verify = method_of(text(v, VKW_K(SCENARIO_VERIFY_METHOD)));
    sc->parent_to_child_ok = flag(v, "parent_to_child");
    sc->child_to_parent_ok = flag(v, "child_to_parent");
    const cJSON *mm = at(v, "mismatch");
    sc->mismatch = cJSON_IsObject(mm);
    copy(sc->mismatch_side, sizeof sc->mismatch_side, text(mm, "seen_by"));
    sc->mismatch_iteration = sc->mismatch ? u32(mm, "iteration") - 1 : 0;
    sc->mismatch_at.offset = u64(mm, "offset");
    sc->mismatch_at.expected = (uint8_t)whole(mm, "expected", 0, 255);
    sc->mismatch_at.got = (uint8_t)whole(mm, "got", 0, 255);
    const cJSON *h = at(o, "handles");
    sc->parent_counted = present(h, "parent_before");
    sc->parent_handles_before = u32(h, "parent_before");
    sc->parent_handles_after = u32(h, "parent_after");
    sc->child_counted = present(h, "child_before");
    sc->child_handles_before = u32(h, "child_before");
    sc->child_handles_after = u32(h, "child_after");
    sc->driver_closed_handle = present(o, "driver_anomaly");
    copy(sc->driver_anomaly, sizeof sc->driver_anomaly, text(o, "driver_anomaly"));
    imported_vs_local(at(o, VKW_K(IMPORTED_VS_LOCAL)), &sc->ivl);
}

static int32_t pingpong_of(const char *name)
{
    for (int k = 0; name && k < VKW_PINGPONG_KIND_COUNT; k++)
        if (strcmp(vkw_pingpong_kind_name((vkw_os_pingpong_kind)k), name) == 0)
            return k;
    return -1;
}

static double *numbers(rp *c, const cJSON *a, uint32_t *n)
{
    *n = count_of(a, UINT32_MAX);
    double *out = *n ? table(c, *n, sizeof *out) : NULL;
    if (!out)
        *n = 0;
    uint32_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, a)
    {
        if (i < *n)
            out[i++] = cJSON_IsNumber(e) && isfinite(e->valuedouble) ? e->valuedouble : 0;
    }
    return out;
}

static void sync_result(rp *c, const cJSON *o, vkw_sync_result *r)
{
    r->mode = (vkw_sync_mode)word_of(&vkw_vocab_sync_mode, text(o, VKW_K(MODE)));
    r->peer = (vkw_peer)word_of(&vkw_vocab_peer, text(o, VKW_K(PEER)));
    r->importer = (vkw_importer)word_of(&vkw_vocab_importer, text(o, VKW_K(SYNC_IMPORTER)));
    r->exporter = (vkw_exporter)word_of(&vkw_vocab_exporter, text(o, VKW_K(SYNC_EXPORTER)));
    const cJSON *rv = at(o, "ratio_to_vulkan");
    r->vulkan_result = -1; /* not kept: the ratios are */
    r->vulkan_ratio_p50 = cJSON_IsObject(rv) ? real(rv, "p50") : 0;
    r->vulkan_ratio_p99 = cJSON_IsObject(rv) ? real(rv, "p99") : 0;
    r->os_kind = r->mode == VKW_SYNC_OS ? pingpong_of(text(o, VKW_K(OS_PRIMITIVE))) : -1;
    const char *ht = text(o, VKW_K(HANDLE_TYPE));
    r->type_index =
        vkw_sync_mode_uses_fences(r->mode)
            ? type_index(vkw_fence_handle_types, VKW_FENCE_HANDLE_TYPE_COUNT, ht)
            : type_index(vkw_semaphore_handle_types, VKW_SEMAPHORE_HANDLE_TYPE_COUNT, ht);
    r->timeline =
        r->mode != VKW_SYNC_OS && r->mode != VKW_SYNC_FENCE && r->mode != VKW_SYNC_QUEUE_BINARY;
    r->outcome = (vkw_outcome)word_of(&vkw_vocab_outcome, text(o, VKW_K(OUTCOME)));
    copy(r->reason, sizeof r->reason, text(o, VKW_K(REASON)));
    const cJSON *st = at(o, VKW_K(ROUND_TRIP_NS));
    vkw_distribution *d = &r->rt;
    d->count = u32(st, "count");
    d->min = real(st, "min");
    d->p50 = real(st, VKW_K(P50));
    d->p90 = real(st, "p90");
    d->p99 = real(st, VKW_K(P99));
    d->p999 = real(st, "p99_9");
    d->max = real(st, "max");
    d->mean = real(st, "mean");
    d->stddev = real(st, "stddev");
    const cJSON *e;
    cJSON_ArrayForEach(e, at(o, "histogram"))
    {
        double from = real(e, "from_ns");
        for (uint32_t k = 0; k < VKW_HISTOGRAM_BUCKETS; k++) {
            double f = 0, below = 0;
            vkw_histogram_bucket_range(k, &f, &below);
            if (f == from) {
                d->histogram[k] = u32(e, "count");
                break;
            }
        }
    }
    cJSON_ArrayForEach(e, at(o, "modes"))
    {
        if (d->modes.count == VKW_MODES_MAX)
            break;
        vkw_mode *m = &d->modes.mode[d->modes.count++];
        m->count = u32(e, "count");
        m->share = real(e, "share");
        m->median = real(e, "median_ns");
        m->min = real(e, "min_ns");
        m->max = real(e, "max_ns");
    }
    const cJSON *ra = at(o, "ratio_to_best_baseline");
    r->baseline = -1;
    r->ratio_p50 = real(ra, "p50");
    r->ratio_p99 = present(ra, "p99") ? real(ra, "p99") : -1;
    const cJSON *sa = at(o, VKW_K(SAMPLES_NS));
    r->samples = cJSON_IsArray(sa) ? numbers(c, sa, &r->sample_count) : NULL;
    if (cJSON_IsArray(sa) && !r->samples && c->s == VKW_OK)
        r->samples = table(c, 1, sizeof *r->samples); /* an empty array stays one */
    const cJSON *reps = at(o, VKW_K(REPEATS));
    uint32_t n = count_of(reps, UINT32_MAX);
    r->repeat_p50 = n ? table(c, n, sizeof *r->repeat_p50) : NULL;
    r->repeat_p99 = n ? table(c, n, sizeof *r->repeat_p99) : NULL;
    cJSON_ArrayForEach(e, reps)
    {
        if (!r->repeat_p50 || !r->repeat_p99 || r->repeat_count >= n)
            break;
        r->repeat_p50[r->repeat_count] = real(e, VKW_K(P50));
        r->repeat_p99[r->repeat_count++] = real(e, VKW_K(P99));
    }
}

/* The baseline a result is compared with: the OS result of the same peer
 * through the primitive the report names. */
static void baselines(const cJSON *results, vkw_bench_report *b)
{
    uint32_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, results)
    {
        if (i >= b->sync_count)
            break;
        vkw_sync_result *r = &b->sync[i++];
        int32_t kind = pingpong_of(text(at(e, "ratio_to_best_baseline"), "baseline"));
        for (uint32_t k = 0; kind >= 0 && k < b->sync_count; k++)
            if (b->sync[k].mode == VKW_SYNC_OS && b->sync[k].peer == r->peer &&
                b->sync[k].os_kind == kind)
                r->baseline = (int32_t)k;
    }
}

static void round_trips(rp *c, const cJSON *o, vkw_bench_report *b)
{
    const cJSON *opt = at(o, "options"), *pin = at(opt, "pin");
    b->options.round_trips = u32(opt, "round_trips");
    b->options.warmup = u32(opt, "warmup");
    b->options.repeat = u32(opt, "repeat");
    b->options.pin_parent = cJSON_IsObject(pin) ? (int32_t)whole(pin, "parent", 0, INT32_MAX) : -1;
    b->options.pin_child = cJSON_IsObject(pin) ? (int32_t)whole(pin, "peer", 0, INT32_MAX) : -1;
    const cJSON *timer = at(o, "timer");
    b->timer_resolution_ns = u64(timer, "resolution_ns");
    b->timer_overhead_ns = real(timer, "overhead_ns");
    const cJSON *results = at(o, VKW_K(RESULTS)), *e;
    uint32_t n = count_of(results, UINT32_MAX);
    b->sync = table(c, n, sizeof *b->sync);
    cJSON_ArrayForEach(e, results)
    {
        if (!b->sync || b->sync_count >= n)
            break;
        sync_result(c, e, &b->sync[b->sync_count++]);
    }
    baselines(results, b);
    const cJSON *sum = at(o, "summary");
    b->sync_passed = u32(sum, "passed");
    b->sync_failed = u32(sum, "failed");
    b->sync_skipped = u32(sum, "skipped");
    b->sync_not_run = u32(sum, "not_run");
}

static void bench(rp *c, const cJSON *o, const vkw_report *r, vkw_bench_report *b)
{
    vkw_bench_options_default(&b->options);
    b->options.progress = NULL;
    b->options.progress_user = NULL;
    const cJSON *opt = at(o, "options"), *e;
    b->options.iterations = u32(opt, "iterations");
    b->options.timeout_ms = u32(opt, "timeout_ms");
    b->options.threads = u32(opt, "threads");
    b->options.size_count = 0;
    cJSON_ArrayForEach(e, at(opt, "sizes"))
    {
        if (b->options.size_count < VKW_MAX_SIZES)
            b->options.sizes[b->options.size_count++] =
                cJSON_IsNumber(e) && e->valuedouble >= 0 && e->valuedouble < 0x1p64
                    ? (uint64_t)e->valuedouble
                    : 0;
    }
    b->options.scenario_kinds = 0;
    cJSON_ArrayForEach(e, at(opt, "scenarios"))
    {
        for (int k = 0; cJSON_IsString(e) && k < VKW_SCENARIO_KIND_COUNT; k++)
            if (strcmp(vkw_scenario_kind_name((vkw_scenario_kind)k), e->valuestring) == 0)
                b->options.scenario_kinds |= 1u << k;
    }
    if (b->options.scenario_kinds == (1u << VKW_SCENARIO_KIND_COUNT) - 1)
        b->options.scenario_kinds = 0; /* all */
    const char *fault = text(opt, "fault");
    if (!fault || !vkw_fault_parse(fault, &b->options.fault))
        b->options.fault = VKW_FAULT_NONE;
    b->options.nt_names = flag(opt, "nt_names");
    b->options.importers = 0;
    cJSON_ArrayForEach(e, at(opt, "importers"))
    {
        int32_t i = vkw_vocab_find(&vkw_vocab_importer, cJSON_IsString(e) ? e->valuestring : NULL);
        if (i >= 0)
            b->options.importers |= 1u << i;
    }
    if (!b->options.importers)
        b->options.importers = 1u << VKW_IMPORTER_VULKAN; /* reports made before --importer */
    b->options.exporter =
        (vkw_exporter)word_of(&vkw_vocab_exporter, text(opt, VKW_K(OPTION_EXPORTER)));
    b->options.d3d_adapter =
        cJSON_IsNumber(at(opt, "d3d_adapter")) ? (int32_t)whole(opt, "d3d_adapter", 0, 15) : -1;
    b->options.keyed_mutex = flag(opt, "keyed_mutex");
    const char *asked = text(opt, VKW_K(OPTION_VERIFY));
    if (!asked || !vkw_verify_method_parse(asked, &b->options.verify))
        b->options.verify = VKW_VERIFY_AUTO;
    b->options.run_memory = b->options.run_sync = false;
    cJSON_ArrayForEach(e, at(opt, "parts"))
    {
        const char *p = cJSON_IsString(e) ? e->valuestring : "";
        b->options.run_memory |= strcmp(p, "memory") == 0;
        b->options.run_sync |= strcmp(p, "round-trips") == 0;
    }

    b->device_index = (uint32_t)whole(o, VKW_K(DEVICE_INDEX), 0, r->device_count - 1.0);
    copy(b->device_name, sizeof b->device_name, text(o, "device_name"));
    const cJSON *ch = at(o, "child"), *end = at(ch, "end");
    b->child_started = flag(ch, "started");
    b->child_pid = u32(ch, "pid");
    copy(b->child_device_name, sizeof b->child_device_name, text(ch, "device_name"));
    b->child_end.ended = flag(end, "ended");
    b->child_end.signaled = flag(end, "signaled");
    b->child_end.killed_by_parent = flag(end, "killed_by_parent");
    b->child_end.code = (int)whole(end, "code", INT32_MIN, INT32_MAX);
    copy(b->child_end.text, sizeof b->child_end.text, text(end, "text"));
    copy(b->child_activity, sizeof b->child_activity, text(ch, "last_activity"));
    b->child_validation_enabled = flag(ch, "validation_enabled");
    const char *matched = text(ch, "matched_by");
    b->child_luid_matched = matched && strstr(matched, "deviceLUID");
    b->child_validation_errors = u32(ch, "validation_errors");
    cJSON_ArrayForEach(e, at(o, VKW_K(IMPORTERS)))
    {
        int32_t i = vkw_vocab_find(&vkw_vocab_importer, text(e, "name"));
        if (i <= VKW_IMPORTER_VULKAN)
            continue;
        vkw_bench_importer *bi = &b->importers[i];
        bi->asked = true;
        bi->available = flag(e, "available");
        bi->status = bi->available ? VKW_OK : VKW_E_UNSUPPORTED;
        copy(bi->reason, sizeof bi->reason, text(e, "reason"));
        copy(bi->info.device_name, sizeof bi->info.device_name, text(e, "device"));
        copy(bi->info.version, sizeof bi->info.version, text(e, "version"));
        bi->info.device_index = u32(e, "device_index");
    }
    const cJSON *ex = at(o, "exporter");
    if (ex) {
        vkw_bench_exporter *be = &b->exporter;
        be->available = flag(ex, "available");
        be->status = be->available ? VKW_OK : status_of(text(ex, "status"));
        copy(be->reason, sizeof be->reason, text(ex, "reason"));
        be->adapter_index = u32(ex, "adapter_index");
        copy(be->adapter, sizeof be->adapter, text(ex, "adapter"));
        be->by_luid = flag(ex, "by_luid");
        copy(be->feature_level, sizeof be->feature_level, text(ex, "feature_level"));
    }
    const cJSON *vm = at(o, VKW_K(BENCH_VERIFY));
    b->verify = method_of(text(vm, VKW_K(VERIFY_METHOD)));
    copy(b->verify_reason, sizeof b->verify_reason, text(vm, VKW_K(VERIFY_REASON)));

    cJSON_ArrayForEach(e, at(o, VKW_K(HANDLE_TYPES)))
    {
        int32_t t = type_index(vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT,
                               text(e, VKW_K(HANDLE_TYPE)));
        if (t < 0 || b->type_count >= VKW_MEMORY_HANDLE_TYPE_COUNT)
            continue;
        vkw_bench_type *bt = &b->types[b->type_count++];
        bt->type_index = (uint32_t)t;
        bt->tested = flag(e, VKW_K(TESTED));
        copy(bt->reason, sizeof bt->reason, text(e, "reason"));
    }
    const cJSON *mem = at(o, VKW_K(MEMORY));
    uint32_t n = count_of(mem, UINT32_MAX);
    b->scenarios = table(c, n, sizeof *b->scenarios);
    cJSON_ArrayForEach(e, mem)
    {
        if (!b->scenarios || b->scenario_count >= n)
            break;
        scenario(e, &b->scenarios[b->scenario_count++]);
    }
    const cJSON *tot = at(o, "summary");
    b->passed = u32(tot, "passed");
    b->failed = u32(tot, "failed");
    b->skipped = u32(tot, "skipped");
    b->not_run = u32(tot, "not_run");
    if (b->options.run_sync)
        round_trips(c, at(o, VKW_K(ROUND_TRIPS)), b);
    b->bench_ms = real(o, "bench_ms");
}

/* ---- stress ---- */

/* The stress part is read strictly: every field the writer writes must be
 * there, of its type and in its range, or the report is refused with the
 * field named ("stress.series.points[3].handles: ..."). */
static void field_bad(rp *c, const char *where, const char *key, const char *what)
{
    if (c->s != VKW_OK)
        return;
    char shown[200];
    c->s = vkw_fail(c->err, VKW_E_INVALID_ARG, "report '%s': %s%s%s %s",
                    vkw_text_escape(c->path, shown, sizeof shown), where, key ? "." : "",
                    key ? key : "", what);
}

static const cJSON *need(rp *c, const cJSON *o, const char *where, const char *key)
{
    if (c->s != VKW_OK || !cJSON_IsObject(o))
        return NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        field_bad(c, where, key, "is missing");
    return v;
}

static const cJSON *need_obj(rp *c, const cJSON *o, const char *where, const char *key)
{
    const cJSON *v = need(c, o, where, key);
    if (v && !cJSON_IsObject(v))
        field_bad(c, where, key, "is not an object");
    return cJSON_IsObject(v) ? v : NULL;
}

static const cJSON *need_arr(rp *c, const cJSON *o, const char *where, const char *key)
{
    const cJSON *v = need(c, o, where, key);
    if (v && !cJSON_IsArray(v))
        field_bad(c, where, key, "is not an array");
    return cJSON_IsArray(v) ? v : NULL;
}

/* Whether v is a number in [lo, hi] (whole: an integer); says what it is not. */
static bool number_in(rp *c, const cJSON *v, const char *where, const char *key, double lo,
                      double hi, bool integral)
{
    char what[96];
    if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble >= lo &&
        v->valuedouble <= hi && (!integral || v->valuedouble == floor(v->valuedouble)))
        return true;
    snprintf(what, sizeof what, "is not a%s number from %.17g to %.17g", integral ? " whole" : "",
             lo, hi);
    field_bad(c, where, key, what);
    return false;
}

static double s_num(rp *c, const cJSON *o, const char *where, const char *key, double lo, double hi,
                    bool integral)
{
    const cJSON *v = need(c, o, where, key);
    return v && number_in(c, v, where, key, lo, hi, integral) ? v->valuedouble : 0;
}

static double s_real(rp *c, const cJSON *o, const char *where, const char *key)
{
    return s_num(c, o, where, key, -DBL_MAX, DBL_MAX, false);
}

static uint32_t s_u32(rp *c, const cJSON *o, const char *where, const char *key)
{
    return (uint32_t)s_num(c, o, where, key, 0, UINT32_MAX, true);
}

/* A whole number below 2^53 (what a double holds exactly). */
static uint64_t s_u64(rp *c, const cJSON *o, const char *where, const char *key)
{
    return (uint64_t)s_num(c, o, where, key, 0, 0x1p53, true);
}

/* A number, or null: fallback. */
static double s_num_or(rp *c, const cJSON *o, const char *where, const char *key, double lo,
                       double hi, bool integral, double fallback)
{
    const cJSON *v = need(c, o, where, key);
    if (!v || cJSON_IsNull(v))
        return fallback;
    return number_in(c, v, where, key, lo, hi, integral) ? v->valuedouble : fallback;
}

static bool s_bool(rp *c, const cJSON *o, const char *where, const char *key)
{
    const cJSON *v = need(c, o, where, key);
    if (v && !cJSON_IsBool(v))
        field_bad(c, where, key, "is not true or false");
    return cJSON_IsTrue(v);
}

/* A string into dst ("" for null where nullable). */
static void s_str(rp *c, const cJSON *o, const char *where, const char *key, char *dst, size_t len,
                  bool nullable)
{
    dst[0] = '\0';
    const cJSON *v = need(c, o, where, key);
    if (!v || (nullable && cJSON_IsNull(v)))
        return;
    if (!cJSON_IsString(v))
        field_bad(c, where, key, nullable ? "is not a string or null" : "is not a string");
    else if (strlen(v->valuestring) >= len)
        field_bad(c, where, key, "is too long");
    else
        copy(dst, len, v->valuestring);
}

/* The index of word s in words[n], or -1 after saying which it is not. */
static int32_t word_in(rp *c, const char *s, const char *where, const char *key,
                       const char *const *words, uint32_t n)
{
    for (uint32_t i = 0; s && i < n; i++)
        if (strcmp(words[i], s) == 0)
            return (int32_t)i;
    vkw_buf what = {0};
    vkw_buf_puts(&what, "is not one of");
    for (uint32_t i = 0; i < n; i++)
        vkw_buf_printf(&what, "%s %s", i ? "," : "", words[i]);
    field_bad(c, where, key, what.data && !what.failed ? what.data : "is not a known word");
    vkw_buf_free(&what);
    return -1;
}

/* A word's index; -1 for null where nullable. */
static int32_t s_word(rp *c, const cJSON *o, const char *where, const char *key,
                      const char *const *words, uint32_t n, bool nullable)
{
    const cJSON *v = need(c, o, where, key);
    if (!v || (nullable && cJSON_IsNull(v)))
        return -1;
    return word_in(c, cJSON_IsString(v) ? v->valuestring : NULL, where, key, words, n);
}

/* An array of words as bits; all of them is 0 (as the options say all). */
static uint32_t s_word_bits(rp *c, const cJSON *o, const char *where, const char *key,
                            const char *const *words, uint32_t n)
{
    const cJSON *a = need_arr(c, o, where, key), *e;
    uint32_t bits = 0;
    cJSON_ArrayForEach(e, a)
    {
        int32_t i = word_in(c, cJSON_IsString(e) ? e->valuestring : NULL, where, key, words, n);
        if (i >= 0)
            bits |= 1u << i;
    }
    return bits == (1u << n) - 1 ? 0 : bits;
}

static void s_latency(rp *c, const cJSON *o, const char *where, vkw_stress_latency *l)
{
    l->count = s_u64(c, o, where, "count");
    l->p50_us = s_num(c, o, where, "p50_us", 0, DBL_MAX, false);
    l->p99_us = s_num(c, o, where, "p99_us", 0, DBL_MAX, false);
    l->max_us = s_num(c, o, where, "max_us", 0, DBL_MAX, false);
}

static void stress_options(rp *c, const cJSON *o, vkw_stress_options *op)
{
    const char *w = "stress.options";
    vkw_stress_options_default(op);
    op->importers = (uint32_t)s_num(c, o, w, "importers", 1, VKW_STRESS_IMPORTERS_MAX, true);
    op->concurrency = s_u32(c, o, w, "concurrency");
    op->duration_ms = s_u64(c, o, w, "duration_ms");
    op->cycles = s_u64(c, o, w, "cycles");
    op->verify_every = s_u32(c, o, w, "verify_every");
    op->interval_ms = s_u32(c, o, w, "interval_ms");
    op->timeout_ms = s_u32(c, o, w, "timeout_ms");
    const cJSON *seed = need(c, o, w, "seed");
    if (seed) {
        const char *t = cJSON_IsString(seed) ? seed->valuestring : "";
        char *end = NULL;
        errno = 0;
        unsigned long long v = strtoull(t, &end, 10);
        if (!*t || *t < '0' || *t > '9' || *end || errno == ERANGE)
            field_bad(c, w, "seed", "is not a decimal string of an unsigned 64-bit number");
        else
            op->seed = (uint64_t)v;
    }
    op->seed_given = s_bool(c, o, w, "seed_given");
    op->chaos = s_num(c, o, w, "chaos", 0, 1, false);
    op->chaos_kinds = s_word_bits(c, o, w, "chaos_kinds", vkw_chaos_words, VKW_CHAOS_COUNT);
    op->ops = s_word_bits(c, o, w, "operations", vkw_stress_op_words, VKW_STRESS_OP_COUNT);
    const cJSON *sizes = need_arr(c, o, w, "sizes"), *e;
    op->size_count = 0;
    if (sizes && cJSON_GetArraySize(sizes) > (int)VKW_STRESS_SIZES_MAX)
        field_bad(c, w, "sizes", "has more sizes than a run takes");
    cJSON_ArrayForEach(e, sizes)
    {
        if (op->size_count < VKW_STRESS_SIZES_MAX && number_in(c, e, w, "sizes", 1, 0x1p53, true))
            op->sizes[op->size_count++] = (uint64_t)e->valuedouble;
    }
    const char *kinds[VKW_SCENARIO_KIND_COUNT];
    for (uint32_t k = 0; k < VKW_SCENARIO_KIND_COUNT; k++)
        kinds[k] = vkw_scenario_kind_name((vkw_scenario_kind)k);
    op->scenario_kinds = s_word_bits(c, o, w, "scenarios", kinds, VKW_SCENARIO_KIND_COUNT);
    const cJSON *types = need_arr(c, o, w, "handle_types");
    cJSON_ArrayForEach(e, types)
    {
        unsigned hex;
        int32_t t = cJSON_IsString(e) ? type_index(vkw_memory_handle_types,
                                                   VKW_MEMORY_HANDLE_TYPE_COUNT, e->valuestring)
                                      : -1;
        if (t >= 0)
            op->handle_types |= vkw_memory_handle_types[t].bit;
        else if (cJSON_IsString(e) && sscanf(e->valuestring, "0x%x", &hex) == 1)
            op->handle_types |= hex;
        else
            field_bad(c, w, "handle_types", "names a handle type that is not a memory one");
    }
    int32_t fault = s_word(c, o, w, "fault", vkw_stress_fault_words, VKW_STRESS_FAULT_COUNT, false);
    op->fault = fault < 0 ? VKW_STRESS_FAULT_NONE : (vkw_stress_fault)fault;
    op->validate = s_bool(c, o, w, "validate");
    const cJSON *l = need_obj(c, o, w, "limits");
    w = "stress.options.limits";
    op->limits.leak_per_min_max = s_num_or(c, l, w, "leak_per_min_max", 0, DBL_MAX, false, -1);
    op->limits.resident_mib_per_min_max =
        s_num_or(c, l, w, "resident_mib_per_min_max", 0, DBL_MAX, false, -1);
    op->limits.p99_us_max = s_num_or(c, l, w, "p99_us_max", 0, DBL_MAX, false, -1);
    op->limits.ops_per_s_min = s_num_or(c, l, w, "ops_per_s_min", 0, DBL_MAX, false, -1);
    op->limits.faults_undetected_max =
        (int64_t)s_num_or(c, l, w, "faults_undetected_max", 0, 0x1p53, true, -1);
}

/* One point of the series: its figures, and the processes' in the flat arrays. */
static void stress_point(rp *c, const cJSON *o, vkw_stress_series *sr, uint32_t i)
{
    char w[64];
    snprintf(w, sizeof w, "stress.series.points[%u]", i);
    vkw_stress_point *p = vkw_stress_series_add(sr, sr->processes);
    if (!p) {
        if (c->s == VKW_OK)
            c->s = vkw_fail(c->err, VKW_E_NO_MEMORY, "out of host memory reading report '%s'",
                            c->path);
        return;
    }
    p->t_s = s_real(c, o, w, "t_s");
    p->span_s = s_num(c, o, w, "span_s", 0, DBL_MAX, false);
    const cJSON *ops = need_obj(c, o, w, "ops"), *lat = need_obj(c, o, w, "latency"), *e;
    char wk[96];
    snprintf(wk, sizeof wk, "%s.ops", w);
    for (uint32_t k = 0; k < VKW_STRESS_OP_COUNT; k++)
        p->ops[k] = s_u32(c, ops, wk, vkw_stress_op_words[k]);
    p->failed = s_u32(c, o, w, "failed");
    cJSON_ArrayForEach(e, lat)
    {
        snprintf(wk, sizeof wk, "%s.latency", w);
        int32_t k = word_in(c, e->string, wk, "(a key)", vkw_stress_op_words, VKW_STRESS_OP_COUNT);
        if (k < 0)
            break;
        snprintf(wk, sizeof wk, "%s.latency.%s", w, e->string);
        if (!cJSON_IsObject(e))
            field_bad(c, wk, NULL, "is not an object");
        s_latency(c, e, wk, &p->latency[k]);
    }
    double gpu = s_num_or(c, o, w, "gpu_used", 0, 0x1p53, true, -1);
    p->has_gpu = gpu >= 0;
    p->gpu_used = p->has_gpu ? (uint64_t)gpu : 0;
    p->validation_errors = s_u32(c, o, w, "validation_errors");
    p->faults_injected = s_u32(c, o, w, "faults_injected");
    p->faults_detected = s_u32(c, o, w, "faults_detected");
    static const char *const arrays[] = {"handles", "resident", "restarts"};
    size_t at = (size_t)i * sr->processes;
    for (int a = 0; a < 3; a++) {
        const cJSON *arr = need_arr(c, o, w, arrays[a]);
        if (arr && cJSON_GetArraySize(arr) != (int)sr->processes) {
            snprintf(wk, sizeof wk, "has not one entry per process (%u)", sr->processes);
            field_bad(c, w, arrays[a], wk);
        }
        uint32_t k = 0;
        cJSON_ArrayForEach(e, arr)
        {
            if (c->s != VKW_OK || k >= sr->processes)
                break;
            if (a < 2 && cJSON_IsNull(e)) {
                k++; /* not known: the series' own -1 (handles) or 0 (resident) */
                continue;
            }
            if (!number_in(c, e, w, arrays[a], a == 1 ? 1 : 0, a == 2 ? UINT32_MAX : 0x1p53, true))
                break;
            if (a == 0)
                sr->handles[at + k] = (int64_t)e->valuedouble;
            else if (a == 1)
                sr->resident[at + k] = (uint64_t)e->valuedouble;
            else
                sr->restarts[at + k] = (uint32_t)e->valuedouble;
            k++;
        }
    }
}

static void stress_trend(rp *c, const cJSON *o, uint32_t i, vkw_stress_trend *t)
{
    char w[64];
    snprintf(w, sizeof w, "stress.trends[%u]", i);
    int32_t q =
        s_word(c, o, w, "quantity", vkw_trend_quantity_words, VKW_TREND_QUANTITY_COUNT, false);
    t->quantity = q < 0 ? VKW_TREND_HANDLES : (vkw_trend_quantity)q;
    t->process = (int32_t)s_num_or(c, o, w, "process", 0, VKW_STRESS_IMPORTERS_MAX, true, -1);
    t->op = s_word(c, o, w, "op", vkw_stress_op_words, VKW_STRESS_OP_COUNT, true);
    t->points = s_u32(c, o, w, "points");
    t->from_s = s_real(c, o, w, "from_s");
    t->to_s = s_real(c, o, w, "to_s");
    t->slope_per_min = s_real(c, o, w, "slope_per_min");
    t->lo_per_min = s_real(c, o, w, "lo_per_min");
    t->hi_per_min = s_real(c, o, w, "hi_per_min");
    t->noise = s_num(c, o, w, "noise", 0, DBL_MAX, false);
    t->limit_per_min = s_num_or(c, o, w, "limit_per_min", 0, DBL_MAX, false, -1);
    t->estimated = s_bool(c, o, w, "estimated");
    t->fails = s_bool(c, o, w, "fails");
    s_str(c, o, w, "text", t->text, sizeof t->text, false);
}

static void stress(rp *c, const cJSON *o, vkw_stress_report *s)
{
    const char *w = "stress";
    stress_options(c, need_obj(c, o, w, "options"), &s->options);
    const cJSON *dev = need_obj(c, o, w, "device"), *e;
    s->device_index = s_u32(c, dev, "stress.device", "index");
    s_str(c, dev, "stress.device", "name", s->device_name, sizeof s->device_name, false);
    s_str(c, o, w, "handle_type", s->handle_type, sizeof s->handle_type, true);
    s_str(c, o, w, "sync_handle_type", s->sync_handle_type, sizeof s->sync_handle_type, true);
    s->validation_enabled = s_bool(c, o, w, "validation_enabled");
    int32_t end = s_word(c, o, w, "end", vkw_stress_end_words, VKW_STRESS_END_COUNT, false);
    s->end = end < 0 ? VKW_STRESS_END_CYCLES : (vkw_stress_end)end;
    s->elapsed_s = s_num(c, o, w, "elapsed_s", 0, DBL_MAX, false);
    s->ops_total = s_u64(c, o, w, "ops_total");
    const cJSON *ops = need_obj(c, o, w, "operations");
    char wk[96];
    for (uint32_t k = 0; k < VKW_STRESS_OP_COUNT; k++) {
        snprintf(wk, sizeof wk, "stress.operations.%s", vkw_stress_op_words[k]);
        const cJSON *x = need_obj(c, ops, "stress.operations", vkw_stress_op_words[k]);
        vkw_stress_op_result *r = &s->ops[k];
        r->run = s_bool(c, x, wk, "run");
        s_str(c, x, wk, "skip", r->skip, sizeof r->skip, true);
        r->done = s_u64(c, x, wk, "done");
        r->failed = s_u64(c, x, wk, "failed");
        r->verified = s_u64(c, x, wk, "verified");
        r->reached = s_u64(c, x, wk, "reached");
        const cJSON *lat = need_obj(c, x, wk, "latency");
        snprintf(wk, sizeof wk, "stress.operations.%s.latency", vkw_stress_op_words[k]);
        s_latency(c, lat, wk, &r->latency);
    }
    const cJSON *chaos = need_obj(c, o, w, "chaos");
    for (uint32_t k = 0; k < VKW_CHAOS_COUNT; k++) {
        snprintf(wk, sizeof wk, "stress.chaos.%s", vkw_chaos_words[k]);
        const cJSON *x = need_obj(c, chaos, "stress.chaos", vkw_chaos_words[k]);
        s->chaos[k].injected = s_u32(c, x, wk, "injected");
        s->chaos[k].detected = s_u32(c, x, wk, "detected");
        s->chaos[k].recovered = s_u32(c, x, wk, "recovered");
    }
    s->events_total = s_u32(c, o, w, "events_total");
    const cJSON *ev = need_arr(c, o, w, "events");
    if (ev && cJSON_GetArraySize(ev) > (int)VKW_STRESS_EVENTS_MAX)
        field_bad(c, w, "events", "holds more events than a report keeps");
    cJSON_ArrayForEach(e, ev)
    {
        if (c->s != VKW_OK || s->event_count >= VKW_STRESS_EVENTS_MAX)
            break;
        snprintf(wk, sizeof wk, "stress.events[%u]", s->event_count);
        vkw_stress_event *x = &s->events[s->event_count++];
        x->t_s = s_real(c, e, wk, "t_s");
        x->importer = (uint32_t)s_num(c, e, wk, "importer", 0, VKW_STRESS_IMPORTERS_MAX - 1, true);
        int32_t k = s_word(c, e, wk, "kind", vkw_chaos_words, VKW_CHAOS_COUNT, false);
        x->kind = k < 0 ? VKW_CHAOS_KILL_IMPORT : (vkw_chaos_kind)k;
        k = s_word(c, e, wk, "op", vkw_stress_op_words, VKW_STRESS_OP_COUNT, false);
        x->op = k < 0 ? VKW_STRESS_OP_MEMORY : (vkw_stress_op)k;
        x->detected = s_bool(c, e, wk, "detected");
        x->recovered = s_bool(c, e, wk, "recovered");
        x->detect_ms = s_num(c, e, wk, "detect_ms", 0, DBL_MAX, false);
        s_str(c, e, wk, "what", x->what, sizeof x->what, false);
    }
    s->restarts = s_u32(c, o, w, "restarts");
    s->mismatches = s_u32(c, o, w, "mismatches");
    s_str(c, o, w, "first_mismatch", s->first_mismatch, sizeof s->first_mismatch, true);
    s->unexpected_failures = s_u32(c, o, w, "unexpected_failures");
    s_str(c, o, w, "first_failure", s->first_failure, sizeof s->first_failure, true);
    s->concurrent_import_failures = s_u32(c, o, w, "concurrent_import_failures");
    s_str(c, o, w, "first_concurrent_failure", s->first_concurrent_failure,
          sizeof s->first_concurrent_failure, true);
    s->validation_errors = s_u32(c, o, w, "validation_errors");
    const cJSON *se = need_obj(c, o, w, "series");
    s->series.processes =
        (uint32_t)s_num(c, se, "stress.series", "processes", 1, VKW_STRESS_IMPORTERS_MAX + 1, true);
    uint32_t i = 0;
    cJSON_ArrayForEach(e, need_arr(c, se, "stress.series", "points"))
    {
        if (c->s != VKW_OK)
            break;
        stress_point(c, e, &s->series, i++);
    }
    const cJSON *tr = need_arr(c, o, w, "trends");
    if (tr && cJSON_GetArraySize(tr) > (int)VKW_STRESS_TRENDS_MAX)
        field_bad(c, w, "trends", "holds more trends than a run estimates");
    cJSON_ArrayForEach(e, tr)
    {
        if (c->s != VKW_OK || s->trend_count >= VKW_STRESS_TRENDS_MAX)
            break;
        stress_trend(c, e, s->trend_count, &s->trends[s->trend_count]);
        s->trend_count++;
    }
    const cJSON *v = need_obj(c, o, w, "verdict");
    s->leak = s_bool(c, v, "stress.verdict", "leak");
    s->slowdown = s_bool(c, v, "stress.verdict", "slowdown");
    s->limit_failed = s_bool(c, v, "stress.verdict", "limit_failed");
    s_str(c, v, "stress.verdict", "text", s->verdict, sizeof s->verdict, false);
}

static const cJSON *check_run(const vkw_report *r, uint32_t i)
{
    const cJSON *runs = at(at(r->source, VKW_K(CHECK)), "runs");
    return cJSON_IsArray(runs) ? cJSON_GetArrayItem(runs, (int)i) : NULL;
}

uint32_t vkw_report_check_run_count(const vkw_report *r)
{
    return count_of(at(at(r->source, VKW_K(CHECK)), "runs"), UINT32_MAX);
}

vkw_status vkw_report_check_run(const vkw_report *r, uint32_t i, vkw_check_run_read *out,
                                vkw_error *err)
{
    memset(out, 0, sizeof *out);
    const cJSON *run = check_run(r, i), *b = at(run, VKW_K(BENCH));
    out->name = text(run, "name");
    out->device = present(run, VKW_K(DEVICE_INDEX))
                      ? (int32_t)whole(run, VKW_K(DEVICE_INDEX), 0, INT32_MAX)
                      : -1;
    if (!cJSON_IsObject(b) || !r->device_count)
        return VKW_OK;
    rp c = {"the check report", err, VKW_OK};
    out->bench = table(&c, 1, sizeof *out->bench);
    if (out->bench)
        bench(&c, b, r, out->bench);
    if (c.s != VKW_OK)
        vkw_check_run_read_free(out);
    return c.s;
}

void vkw_check_run_read_free(vkw_check_run_read *run)
{
    if (run->bench) {
        vkw_bench_report_free(run->bench);
        free(run->bench);
    }
    run->bench = NULL;
}

static void free_tree(void *tree)
{
    cJSON_Delete(tree);
}

vkw_status vkw_report_parse(const char *path, vkw_report *r, vkw_error *err)
{
    memset(r, 0, sizeof *r);
    cJSON *root = NULL;
    vkw_status s = vkw_load_report_json(path, &root, err);
    if (s != VKW_OK)
        return s;
    r->source = root;
    r->source_free = free_tree;
    rp c = {path, err, VKW_OK};
    const char *command = text(root, VKW_K(COMMAND));
    int32_t kind = vkw_vocab_find(&vkw_vocab_command, command);
    if (kind < 0) {
        char shown[200], what[64];
        s = vkw_fail(err, VKW_E_INVALID_ARG,
                     "'%s' is not a probe, bench, check or stress report (command %s)",
                     vkw_text_escape(path, shown, sizeof shown),
                     command ? vkw_text_escape(command, what, sizeof what) : "missing");
        goto fail;
    }
    copy(r->command, sizeof r->command, command);
    copy(r->generated_at, sizeof r->generated_at, text(root, "generated_at"));
    r->os = text(root, "os");
    const cJSON *st = at(root, VKW_K(STATUS));
    r->status = status_of(text(st, VKW_K(CODE)));
    copy(r->message, sizeof r->message, text(st, VKW_K(MESSAGE)));
    r->interrupted = flag(root, "interrupted");
    copy(r->device_filter, sizeof r->device_filter, text(root, "device_filter"));
    instance(&c, root, r);
    r->physical_device_count = u32(root, "physical_device_count");
    const cJSON *da = at(root, VKW_K(DEVICES)), *d;
    uint32_t n = count_of(da, 4096);
    r->devices = table(&c, n, sizeof *r->devices);
    cJSON_ArrayForEach(d, da)
    {
        if (!r->devices || r->device_count >= n)
            break;
        device(&c, d, &r->devices[r->device_count++]);
    }
    const cJSON *b = at(root, VKW_K(BENCH));
    if (cJSON_IsObject(b) && r->device_count) {
        r->bench = table(&c, 1, sizeof *r->bench);
        if (r->bench)
            bench(&c, b, r, r->bench);
    }
    /* A stress run's part, read strictly: a stress report without it is no report. */
    const cJSON *st_part = at(root, "stress");
    if (st_part || strcmp(command, "stress") == 0) {
        r->stress = table(&c, 1, sizeof *r->stress);
        if (r->stress && !cJSON_IsObject(st_part))
            field_bad(&c, "stress", NULL, st_part ? "is not an object" : "is missing");
        else if (r->stress)
            stress(&c, st_part, r->stress);
    }
    const cJSON *d3d_part = at(root, "d3d");
    if (cJSON_IsObject(d3d_part)) {
        r->d3d = table(&c, 1, sizeof *r->d3d);
        if (r->d3d)
            d3d(d3d_part, r->d3d);
    }
    r->total_ms = real(at(root, "timing"), "total_ms");
    s = c.s;
    if (s == VKW_OK)
        return VKW_OK;
fail:
    vkw_report_free(r);
    return s;
}
