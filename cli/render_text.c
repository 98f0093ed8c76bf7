/* The one walk over a typed report for people: the live text of probe and
 * bench, and `vkwin32h report`'s text, Markdown and HTML of a report read
 * back (vkw_report_parse), all through the document writer (report_doc.h). */
#include "render_text.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/bench.h"
#include "vk/names.h"
#include "base/text_buffer.h"
#include "report/report_vocab.h"
#include "report_doc.h"

const char *vkw_shown(const char *s)
{
    static char ring[8][2048];
    static unsigned next;
    char *buf = ring[next++ % 8];
    return vkw_text_escape(s, buf, sizeof ring[0]);
}

/* A figure settled to 12 significant digits before it is printed: the JSON
 * keeps 15, so a figure read back from a report, a bit off the run's own in
 * its last binary digit, prints as the run printed it even where it lies on
 * a rounding boundary (a median of two samples: 121.05 us). */
static double settled(double v)
{
    if (v == 0 || !isfinite(v))
        return v;
    double scale = pow(10.0, 11.0 - floor(log10(fabs(v))));
    return isfinite(v * scale) && scale > 0 ? round(v * scale) / scale : v;
}

static const char *bytes(uint64_t n, char *buf, size_t len)
{
    const char *unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)n;
    size_t u = 0;
    while (v >= 1024.0 && u + 1 < sizeof unit / sizeof unit[0]) {
        v /= 1024.0;
        u++;
    }
    snprintf(buf, len, u ? "%.2f %s" : "%.0f %s", v, unit[u]);
    return buf;
}

/* The verdict in the words of `report` too, then why. */
static void verdict_row(vkw_doc *d, const char *group, const char *type, const char *kind,
                        const vkw_verdict *v)
{
    vkw_doc_row(d, vkw_vocab_word(&vkw_vocab_verdict, v->code));
    vkw_doc_cell(d, "%s", group);
    vkw_doc_cell(d, "%s", type);
    vkw_doc_cell(d, "%s", kind);
    vkw_doc_cell(d, "%s", vkw_verdict_shown(v->code));
    vkw_doc_cell(d, "%s", v->detail);
}

static void not_here_list(vkw_buf *b, const char *what, const vkw_handle_type *t, size_t n,
                          bool *first)
{
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (vkw_handle_family_native(t[i].family))
            continue;
        vkw_buf_printf(b, "%s%s%s", any ? ", " : (*first ? "" : "; "), any ? "" : what, t[i].name);
        if (!any)
            *first = false;
        any = true;
    }
}

static const char *efd(const vkw_external_props *p, char *buf)
{
    switch (p->state) {
    case VKW_QUERY_OK:
        buf[0] = p->exportable ? 'E' : '-';
        buf[1] = p->importable ? 'I' : '-';
        buf[2] = p->dedicated_only ? 'D' : '-';
        buf[3] = '\0';
        return buf;
    case VKW_QUERY_FORMAT_UNSUPPORTED: return "fmt";
    case VKW_QUERY_FAILED: return "ERR";
    case VKW_QUERY_SKIPPED: return "skip";
    case VKW_QUERY_NOT_APPLICABLE_OS: return "n/a";
    case VKW_QUERY_NOT_RUN: return "";
    }
    return "?";
}

/* The column headers of the capability grid: "", b0.., i0.., "compatible with". */
#define GRID_COLUMNS (VKW_BUFFER_CASE_COUNT + VKW_IMAGE_CASE_COUNT + 2)
static const char *const *grid_headers(void)
{
    static char names[GRID_COLUMNS][8];
    static const char *headers[GRID_COLUMNS];
    headers[0] = "";
    for (size_t c = 0; c < VKW_BUFFER_CASE_COUNT; c++)
        snprintf(names[1 + c], sizeof names[0], "b%u", (unsigned)c);
    for (size_t c = 0; c < VKW_IMAGE_CASE_COUNT; c++)
        snprintf(names[1 + VKW_BUFFER_CASE_COUNT + c], sizeof names[0], "i%u", (unsigned)c);
    for (size_t c = 1; c + 1 < GRID_COLUMNS; c++)
        headers[c] = names[c];
    headers[GRID_COLUMNS - 1] = "compatible with";
    return headers;
}

static void verbose_tables(vkw_doc *d, const vkw_device_report *dev)
{
    char e[8], names[256], align[GRID_COLUMNS + 1];
    vkw_doc_heading(d, 3,
                    "Memory capabilities (E exportable, I importable, D dedicated only, "
                    "fmt image combination unsupported)");
    memset(align, 'l', GRID_COLUMNS);
    align[GRID_COLUMNS] = '\0';
    vkw_doc_table(d, "vkw-memory-caps", align, grid_headers(), -1);
    for (size_t t = 0; t < VKW_MEMORY_HANDLE_TYPE_COUNT; t++) {
        const vkw_handle_type *ht = &vkw_memory_handle_types[t];
        if (!vkw_handle_family_native(ht->family))
            continue;
        uint32_t compat = 0;
        vkw_doc_row(d, NULL);
        vkw_doc_cell(d, "%s", ht->name);
        for (size_t c = 0; c < VKW_BUFFER_CASE_COUNT; c++) {
            vkw_doc_cell(d, "%s", efd(&dev->memory_caps[t].buffer[c], e));
            compat |= dev->memory_caps[t].buffer[c].compatible;
        }
        for (size_t c = 0; c < VKW_IMAGE_CASE_COUNT; c++) {
            vkw_doc_cell(d, "%s", efd(&dev->memory_caps[t].image[c], e));
            compat |= dev->memory_caps[t].image[c].compatible;
        }
        vkw_doc_cell(d, "%s",
                     compat ? vkw_handle_mask_names(vkw_memory_handle_types,
                                                    VKW_MEMORY_HANDLE_TYPE_COUNT, compat, "|",
                                                    names, sizeof names)
                            : "-");
    }
    vkw_doc_table_end(d);
    vkw_buf legend = {0};
    for (size_t c = 0; c < VKW_BUFFER_CASE_COUNT; c++)
        vkw_buf_printf(&legend, "%s b%u %s", c ? "," : "", (unsigned)c, vkw_buffer_cases[c].label);
    vkw_doc_line(d, "buffers:%s", legend.data ? legend.data : "");
    /* Three image cases a line. */
    for (size_t c = 0; c < VKW_IMAGE_CASE_COUNT; c += 3) {
        legend.len = 0;
        for (size_t k = c; k < c + 3 && k < VKW_IMAGE_CASE_COUNT; k++)
            vkw_buf_printf(&legend, "%s i%u %s (%s %s)", k > c ? "," : "", (unsigned)k,
                           vkw_image_cases[k].label, vkw_format_name(vkw_image_cases[k].format),
                           vkw_tiling_name(vkw_image_cases[k].tiling));
        vkw_doc_line(d, "%s%s%s", c ? "        " : "images: ", legend.data ? legend.data : "",
                     c + 3 < VKW_IMAGE_CASE_COUNT ? "," : "");
    }
    d->failed |= legend.failed;
    vkw_buf_free(&legend);
    vkw_doc_heading(d, 3, "Semaphore and fence capabilities (E exportable, I importable)");
    for (size_t t = 0; t < VKW_SEMAPHORE_HANDLE_TYPE_COUNT; t++) {
        const vkw_handle_type *ht = &vkw_semaphore_handle_types[t];
        if (!vkw_handle_family_native(ht->family))
            continue;
        char e2[8];
        vkw_doc_line(d, "semaphore %-16s binary %-4s timeline %s", ht->name,
                     efd(&dev->semaphore_caps[t].binary, e),
                     efd(&dev->semaphore_caps[t].timeline, e2));
    }
    for (size_t t = 0; t < VKW_FENCE_HANDLE_TYPE_COUNT; t++) {
        const vkw_handle_type *ht = &vkw_fence_handle_types[t];
        if (vkw_handle_family_native(ht->family))
            vkw_doc_line(d, "fence     %-16s %s", ht->name, efd(&dev->fence_caps[t], e));
    }
}

static void interop_type_list(vkw_buf *b, const vkw_interop_types *t, const char *kind)
{
    for (uint32_t i = 0; i < t->count && i < VKW_INTEROP_TYPE_MAX; i++)
        vkw_buf_printf(b, "%s%s%s%s", b->len ? ", " : "", t->names[i], kind ? " " : "",
                       kind ? kind : "");
}

/* The same device through CUDA and GL (probes/interop.c): one line each. */
static void interop_doc(vkw_doc *d, const vkw_report *r, const vkw_device_report *dev)
{
    const vkw_interop_cuda *c = &dev->interop_cuda;
    const vkw_interop_gl *g = &dev->interop_gl;
    if (c->state == VKW_INTEROP_NOT_RUN && g->state == VKW_INTEROP_NOT_RUN)
        return; /* a report from before the probe */
    vkw_doc_heading(d, 3, "Other APIs");
    if (c->state == VKW_INTEROP_AVAILABLE) {
        vkw_buf mem = {0}, sem = {0};
        interop_type_list(&mem, &c->memory, NULL);
        interop_type_list(&sem, &c->binary_semaphore, "binary");
        interop_type_list(&sem, &c->timeline_semaphore, "timeline");
        vkw_doc_line(d,
                     "CUDA  device %u '%s' (same UUID): memory %s; semaphores %s (CUDA's "
                     "documented support on %s, not a driver query)",
                     c->ordinal, vkw_shown(c->name), mem.len ? mem.data : "none",
                     sem.len ? sem.data : "none", r->os);
        d->failed |= mem.failed || sem.failed;
        vkw_buf_free(&mem);
        vkw_buf_free(&sem);
    } else if (c->state == VKW_INTEROP_NOT_AVAILABLE) {
        vkw_doc_line(d, "CUDA  not available: %s", vkw_shown(c->reason));
    }
    if (g->state == VKW_INTEROP_AVAILABLE) {
        vkw_buf have = {0}, lack = {0};
        for (size_t i = 0; i < VKW_GL_INTEROP_EXTENSION_COUNT; i++)
            vkw_buf_printf(g->extensions[i] ? &have : &lack, "%s%s",
                           (g->extensions[i] ? have.len : lack.len) ? ", " : "",
                           vkw_gl_interop_extensions[i]);
        vkw_doc_line(d,
                     "GL    %s, %s, via EGL device %u of %u (same device and driver UUIDs): %s; "
                     "no %s",
                     vkw_shown(g->renderer), vkw_shown(g->version), g->egl_device,
                     g->egl_device_count, have.len ? have.data : "no interop extension",
                     lack.len ? lack.data : "other");
        d->failed |= have.failed || lack.failed;
        vkw_buf_free(&have);
        vkw_buf_free(&lack);
    } else if (g->state == VKW_INTEROP_NOT_AVAILABLE) {
        vkw_doc_line(d, "GL    not available: %s", vkw_shown(g->reason));
    }
}

/* Direct3D on this machine (probes/d3d.c): each adapter, the Vulkan device
 * it is, and per API how far an export got. */
static void d3d_doc(vkw_doc *d, const vkw_d3d_report *r)
{
    char luid[40];
    vkw_doc_heading(d, 2, "Direct3D");
    if (r->state != VKW_INTEROP_AVAILABLE) {
        vkw_doc_line(d, "not available: %s", vkw_shown(r->reason));
        return;
    }
    if (!r->adapter_count)
        vkw_doc_line(d, "no DXGI adapter");
    for (uint32_t i = 0; i < r->adapter_count && i < VKW_D3D_REPORT_ADAPTER_MAX; i++) {
        const vkw_d3d_adapter_report *ad = &r->adapters[i];
        char vk[48];
        if (ad->vulkan_device >= 0)
            snprintf(vk, sizeof vk, "Vulkan device %d", ad->vulkan_device);
        else
            snprintf(vk, sizeof vk, "no Vulkan device has its LUID");
        vkw_doc_line(d, "adapter %u  %s (0x%04x, device 0x%04x%s), LUID %s: %s", ad->index,
                     vkw_shown(ad->description), ad->vendor_id, ad->device_id,
                     ad->software ? ", software" : "",
                     vkw_uuid_string(ad->luid, VK_LUID_SIZE, luid, sizeof luid), vk);
        for (uint32_t k = 0; k < 2; k++) {
            const vkw_d3d_api_report *ap = &ad->api[k];
            if (ap->state != VKW_INTEROP_AVAILABLE) {
                vkw_doc_line(d, "  %s  not available: %s", vkw_d3d_report_api_names[k],
                             vkw_shown(ap->reason));
                continue;
            }
            vkw_doc_line(d, "  %s  feature level %s", vkw_d3d_report_api_names[k],
                         ap->feature_level);
            for (uint32_t e = 0; e < ap->export_count && e < VKW_D3D_REPORT_EXPORT_MAX; e++) {
                const vkw_d3d_export_trial *t = &ap->exports[e];
                if (t->exported)
                    vkw_doc_line(d, "    %-18s made and exported", t->handle_type);
                else
                    vkw_doc_line(d, "    %-18s %s: %s", t->handle_type,
                                 t->created ? "made, not exported" : "not made",
                                 vkw_shown(t->reason));
            }
        }
    }
}

static void device(vkw_doc *d, const vkw_report *r, const vkw_device_report *dev, bool verbose)
{
    char a[96], c[256];
    vkw_doc_heading(d, 2, "Device %u  %s", dev->index, dev->name);
    d->key_width = 14;
    vkw_doc_field(d, "Type", "%s, Vulkan %s", vkw_device_type_name(dev->type),
                  vkw_version_string(dev->api_version, a, sizeof a));
    const char *vendor = vkw_vendor_name(dev->vendor_id);
    vkw_doc_field(d, "Vendor", "0x%04x%s%s%s, device 0x%04x", dev->vendor_id, vendor ? " (" : "",
                  vendor ? vendor : "", vendor ? ")" : "", dev->device_id);
    const char *version = vkw_driver_version_string(dev->vendor_id, dev->driver_version,
                                                    vkw_report_os(r), a, sizeof a);
    if (dev->has_driver_properties) {
        vkw_doc_field(d, "Driver", "%s (%s) %s", dev->driver_name,
                      vkw_driver_id_name(dev->driver_id), dev->driver_info);
        vkw_doc_field(d, "Driver version", "%s, conformance %u.%u.%u.%u", version,
                      dev->conformance.major, dev->conformance.minor, dev->conformance.subminor,
                      dev->conformance.patch);
    } else {
        vkw_doc_field(d, "Driver version", "%s (no VK_KHR_driver_properties)", version);
    }
    if (dev->has_id_properties) {
        vkw_doc_field(d, "deviceUUID", "%s", vkw_uuid_string(dev->device_uuid, 16, a, sizeof a));
        vkw_doc_field(d, "driverUUID", "%s", vkw_uuid_string(dev->driver_uuid, 16, a, sizeof a));
        if (dev->device_luid_valid)
            vkw_doc_field(d, "deviceLUID", "%s, node mask 0x%x",
                          vkw_uuid_string(dev->device_luid, 8, a, sizeof a), dev->device_node_mask);
        else
            vkw_doc_field(d, "deviceLUID", "not valid on this OS/driver (node mask 0x%x)",
                          dev->device_node_mask);
    } else {
        vkw_doc_field(d, "deviceUUID",
                      "not reported (Vulkan 1.0 without the external capabilities extensions)");
    }
    if (dev->has_pci)
        vkw_doc_field(d, "PCI", "%04x:%02x:%02x.%x", dev->pci.pciDomain, dev->pci.pciBus,
                      dev->pci.pciDevice, dev->pci.pciFunction);
    else
        vkw_doc_field(d, "PCI", "not reported (no VK_EXT_pci_bus_info)");

    for (uint32_t i = 0; i < dev->queue_family_count; i++)
        vkw_doc_field(d, i ? "" : "Queue families", "#%u %s x%u, timestamps %u bits", i,
                      vkw_queue_flags_names(dev->queue_families[i].flags, "|", c, sizeof c),
                      dev->queue_families[i].count, dev->queue_families[i].timestamp_valid_bits);
    for (uint32_t i = 0; i < dev->memory.memoryHeapCount; i++)
        vkw_doc_field(d, i ? "" : "Memory heaps", "#%u %s %s", i,
                      bytes(dev->memory.memoryHeaps[i].size, a, sizeof a),
                      vkw_memory_heap_names(dev->memory.memoryHeaps[i].flags, "|", c, sizeof c));
    for (uint32_t i = 0; i < dev->memory.memoryTypeCount; i++)
        vkw_doc_field(
            d, i ? "" : "Memory types", "#%u heap %u %s", i, dev->memory.memoryTypes[i].heapIndex,
            vkw_memory_property_names(dev->memory.memoryTypes[i].propertyFlags, "|", c, sizeof c));
    bool any = false;
    for (size_t i = 0; i < VKW_RELEVANT_EXTENSION_COUNT; i++)
        any |= dev->relevant_extension_version[i] != 0;
    vkw_doc_field(d, "Extensions", "%u in all; for external handles:%s", dev->extension_count,
                  any ? "" : " none");
    /* Three a line, under the value column. */
    vkw_buf line = {0};
    int shown = 0;
    for (size_t i = 0; i < VKW_RELEVANT_EXTENSION_COUNT; i++) {
        if (!dev->relevant_extension_version[i])
            continue;
        vkw_buf_printf(&line, "%s%s", shown % 3 ? ", " : "  ",
                       vkw_relevant_device_extensions[i] + 3 /* drop "VK_" */);
        if (++shown % 3 == 0) {
            vkw_doc_field(d, "", "%s", line.data);
            line.len = 0;
        }
    }
    if (shown % 3)
        vkw_doc_field(d, "", "%s", line.data);
    d->failed |= line.failed;
    vkw_buf_free(&line);
    vkw_doc_field(d, "Timeline sems", "%s (%s)", dev->timeline_semaphore ? "supported" : "no",
                  dev->timeline_semaphore_source ? dev->timeline_semaphore_source : "-");
    if (!dev->complete) {
        vkw_doc_para(d, "failed", "The probe of this device stopped early: %s", r->message);
        return;
    }

    static const char *const headers[] = {"Object", "Handle type", "Kind", "Verdict", "Detail"};
    vkw_doc_heading(d, 3, "Sharing across processes on %s", r->os);
    vkw_doc_table(d, "vkw-capabilities", "lllll", headers, 3);
    vkw_doc_table_bare(d);
    for (size_t t = 0; t < VKW_MEMORY_HANDLE_TYPE_COUNT; t++)
        if (vkw_handle_family_native(vkw_memory_handle_types[t].family))
            verdict_row(d, "memory", vkw_memory_handle_types[t].name, "", &dev->memory_verdict[t]);
    for (size_t t = 0; t < VKW_SEMAPHORE_HANDLE_TYPE_COUNT; t++)
        if (vkw_handle_family_native(vkw_semaphore_handle_types[t].family)) {
            verdict_row(d, "semaphore", vkw_semaphore_handle_types[t].name, "binary",
                        &dev->semaphore_verdict[t][0]);
            verdict_row(d, "", "", "timeline", &dev->semaphore_verdict[t][1]);
        }
    for (size_t t = 0; t < VKW_FENCE_HANDLE_TYPE_COUNT; t++)
        if (vkw_handle_family_native(vkw_fence_handle_types[t].family))
            verdict_row(d, "fence", vkw_fence_handle_types[t].name, "", &dev->fence_verdict[t]);
    vkw_doc_table_end(d);
    bool first = true;
    vkw_buf list = {0};
    not_here_list(&list, "memory ", vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT, &first);
    not_here_list(&list, "semaphore ", vkw_semaphore_handle_types, VKW_SEMAPHORE_HANDLE_TYPE_COUNT,
                  &first);
    not_here_list(&list, "fence ", vkw_fence_handle_types, VKW_FENCE_HANDLE_TYPE_COUNT, &first);
    vkw_doc_line(d, "not applicable on %s: %s", r->os, first ? "none" : list.data);
    d->failed |= list.failed;
    vkw_buf_free(&list);
    interop_doc(d, r, dev);

    if (verbose)
        verbose_tables(d, dev);
    if (dev->anomaly_count) {
        vkw_doc_heading(d, 3, "Driver anomalies (the driver contradicts the spec or itself)");
        for (uint32_t i = 0; i < dev->anomaly_count; i++)
            vkw_doc_line(d, "- %s", dev->anomalies[i]);
    }
}

static void probe_doc(vkw_doc *d, const vkw_report *r, bool verbose)
{
    char a[48], b[48];
    vkw_doc_heading(d, 1, "%s %s %s on %s, %s", VKW_TOOL_NAME, VKW_TOOL_VERSION, r->command, r->os,
                    r->generated_at);
    d->key_width = 10;
    if (!r->loader_loaded) {
        vkw_doc_field(d, "Loader", "not loaded (%s)", r->loader_requested);
        return;
    }
    vkw_doc_field(d, "Loader", "%s, Vulkan %s", r->loader_path,
                  vkw_version_string(r->loader_version, a, sizeof a));
    if (r->instance_created) {
        vkw_buf ext = {0};
        for (size_t i = 0; i < VKW_INSTANCE_CAP_EXTENSION_COUNT; i++)
            vkw_buf_printf(&ext, " %s%s",
                           vkw_instance_capability_extensions[i] + 7 /* drop "VK_KHR_" */,
                           r->instance_cap_extension_version[i] ? "" : " (missing)");
        vkw_doc_field(d, "Instance", "Vulkan %s; capability extensions:%s",
                      vkw_version_string(r->instance_api_version, b, sizeof b),
                      ext.data ? ext.data : "");
        d->failed |= ext.failed;
        vkw_buf_free(&ext);
    }
    vkw_buf layers = {0};
    for (uint32_t i = 0; i < r->enabled_layer_count; i++)
        vkw_buf_printf(&layers, " %s", r->enabled_layers[i]);
    vkw_doc_field(d, "Layers", "%u available; enabled:%s%s%s", r->layer_count,
                  layers.data ? layers.data : "",
                  r->enabled_layer_count ? "" : " none by this tool",
                  r->validation_by_environment ? " (validation asked for by the environment)" : "");
    d->failed |= layers.failed;
    vkw_buf_free(&layers);
    if (r->validation_enabled)
        vkw_doc_field(d, "Validation", "%u errors, %u other errors, %u warnings",
                      r->debug.validation_errors, r->debug.other_errors, r->debug.warnings);
    vkw_doc_field(d, "Devices", "%u found, %u probed in %.1f ms", r->physical_device_count,
                  r->device_count, settled(r->total_ms));
    for (uint32_t i = 0; i < r->device_count; i++)
        device(d, r, &r->devices[i], verbose);
    if (r->d3d)
        d3d_doc(d, r->d3d);
    vkw_doc_section_end(d);
    for (uint32_t i = 0; i < r->debug.stored; i++)
        if (r->debug.messages[i].severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT)
            vkw_doc_para(d, "failed", "layer error: %s %s", r->debug.messages[i].id,
                         r->debug.messages[i].text);
}

/* A duration given in microseconds, in a unit that keeps it short. */
static const char *dur(double us, char *buf, size_t len)
{
    us = settled(us);
    if (us < 1000.0)
        snprintf(buf, len, "%.1fus", us);
    else if (us < 1e6)
        snprintf(buf, len, "%.2fms", us / 1e3);
    else
        snprintf(buf, len, "%.2fs", us / 1e6);
    return buf;
}

/* A phase's median; a phase that no iteration of a failed scenario reached
 * has none, not one of 0. */
static const char *median(const vkw_summary *s, char *buf, size_t len)
{
    return s->count ? dur(s->median, buf, len) : "not measured";
}

static const char *rate(const vkw_memory_scenario *sc, vkw_phase p, char *buf, size_t len)
{
    double g = settled(vkw_memory_scenario_gbps(sc, p));
    if (g > 0)
        snprintf(buf, len, "%.2f", g);
    else
        snprintf(buf, len, "-");
    return buf;
}

/* Where a method verifies the patterns, in words. */
static const char *verified_where(vkw_verify_method m)
{
    switch (m) {
    case VKW_VERIFY_GPU: return "on the device (compute shaders)";
    case VKW_VERIFY_BOTH: return "on both the device (compute shaders) and the host";
    default: return "on the host";
    }
}

/* A figure of imported vs local with this many decimals, or "-" where it
 * was not measured (0). */
static const char *figure_or_dash(double v, int decimals, char *buf, size_t len)
{
    v = settled(v);
    if (v > 0)
        snprintf(buf, len, "%.*f", decimals, v);
    else
        snprintf(buf, len, "-");
    return buf;
}

/* A scenario's handle type, with the API the child imported into where that
 * was not Vulkan: "OPAQUE_FD (cuda)", or the API that exported it where that
 * was not Vulkan: "D3D12_RESOURCE (from d3d12)". */
static const char *type_label(const vkw_memory_scenario *sc, char *buf, size_t len)
{
    const char *name = vkw_memory_handle_types[sc->type_index].name;
    if (sc->exporter != VKW_EXPORTER_VULKAN)
        snprintf(buf, len, "%s (from %s)", name, vkw_exporter_name(sc->exporter));
    else if (sc->importer == VKW_IMPORTER_VULKAN)
        snprintf(buf, len, "%s", name);
    else
        snprintf(buf, len, "%s (%s)", name, vkw_importer_name(sc->importer));
    return buf;
}

/* The headline of the memory part: is imported memory as fast as the
 * process's own? One row per scenario where it was measured; where it was
 * not, why (once where every such scenario says the same). Nothing for a
 * report that has no imported vs local at all (made before it existed).
 * Scenarios that ran no timed iteration say why in the scenarios' table. */
static void imported_vs_local_doc(vkw_doc *d, const vkw_bench_report *b)
{
    uint32_t measured = 0, unmeasured = 0;
    const char *reason = NULL;
    bool same_reason = true;
    for (uint32_t i = 0; i < b->scenario_count; i++) {
        const vkw_memory_scenario *sc = &b->scenarios[i];
        if (sc->ivl.measured) {
            measured++;
            continue;
        }
        if (!sc->iterations_done)
            continue; /* skipped, or failed in its warm-up */
        unmeasured++;
        if (!reason)
            reason = sc->ivl.reason;
        else if (strcmp(reason, sc->ivl.reason) != 0)
            same_reason = false;
    }
    if (!measured && (!reason || (same_reason && !reason[0])))
        return;
    vkw_doc_heading(d, 2,
                    "Imported vs local (GB/s of the device in the importing process; "
                    "w. its fill, r. its verify; ratio imported / local)");
    if (measured) {
        static const char *const headers[] = {"handle type", "scenario", "size",
                                              "w.imported",  "w.local",  "w.ratio",
                                              "r.imported",  "r.local",  "r.ratio"};
        vkw_doc_table(d, "vkw-imported-vs-local", "llrrrrrrr", headers, -1);
        for (uint32_t i = 0; i < b->scenario_count; i++) {
            const vkw_memory_scenario *sc = &b->scenarios[i];
            if (!sc->ivl.measured)
                continue;
            char sz[32], f[3][24], label[64];
            vkw_doc_row(d, NULL);
            vkw_doc_cell(d, "%s", type_label(sc, label, sizeof label));
            vkw_doc_cell(d, "%s", vkw_scenario_kind_name(sc->kind));
            vkw_doc_cell(d, "%s", vkw_size_string(sc->size_requested, sz, sizeof sz));
            for (uint32_t k = 0; k < VKW_DIRECTION_COUNT; k++) {
                vkw_direction dir = (vkw_direction)k;
                vkw_doc_cell(d, "%s", figure_or_dash(vkw_ivl_gbps(sc, dir, true), 2, f[0], 24));
                vkw_doc_cell(d, "%s", figure_or_dash(vkw_ivl_gbps(sc, dir, false), 2, f[1], 24));
                vkw_doc_cell(d, "%s", figure_or_dash(vkw_ivl_ratio(sc, dir), 3, f[2], 24));
            }
        }
        vkw_doc_table_end(d);
    }
    if (unmeasured && same_reason) {
        vkw_doc_line(d, "%s%s: %s", measured ? "other scenarios " : "", "not measured",
                     reason[0] ? reason : "no reason given");
        return;
    }
    for (uint32_t i = 0; i < b->scenario_count; i++) {
        const vkw_memory_scenario *sc = &b->scenarios[i];
        char sz[32], label[64];
        if (!sc->ivl.measured && sc->iterations_done)
            vkw_doc_line(d, "%s %s %s: not measured: %s", type_label(sc, label, sizeof label),
                         vkw_scenario_kind_name(sc->kind),
                         vkw_size_string(sc->size_requested, sz, sizeof sz),
                         sc->ivl.reason[0] ? sc->ivl.reason : "no reason given");
    }
}

static void scenario_row(vkw_doc *d, const vkw_memory_scenario *sc, bool verbose)
{
    char sz[32], t[10][24], label[64];
    const char *outcome = vkw_outcome_name(sc->outcome);
    vkw_doc_row(d, outcome);
    vkw_doc_cell(d, "%s", type_label(sc, label, sizeof label));
    vkw_doc_cell(d, "%s", vkw_scenario_kind_name(sc->kind));
    vkw_doc_cell(d, "%s", vkw_size_string(sc->size_requested, sz, sizeof sz));
    vkw_doc_cell(d, "%s", outcome);
    if (sc->outcome == VKW_OUTCOME_SKIPPED || sc->outcome == VKW_OUTCOME_NOT_RUN ||
        !sc->iterations_done) {
        /* No figures: the reason in the last column, which text moves left. */
        for (int i = 0; i < 10; i++)
            vkw_doc_cell(d, "%s", "");
        vkw_doc_cell(d, "%s", sc->reason);
        if (sc->driver_closed_handle)
            vkw_doc_note(d, "driver anomaly: %s", sc->driver_anomaly);
        return;
    }
    const vkw_summary *p = sc->phase_us;
    uint32_t leaked = vkw_memory_scenario_leaked(sc);
    vkw_doc_cell(d, "#%u", sc->desc.memory_type_index);
    vkw_doc_cell(d, "%s", sc->desc.dedicated ? "yes" : "no");
    static const vkw_phase shown[] = {VKW_PHASE_ALLOCATE, VKW_PHASE_EXPORT, VKW_PHASE_TRANSFER,
                                      VKW_PHASE_IMPORT, VKW_PHASE_CHILD_READ};
    /* Where the device alone checked, the host read nothing: "-", not "not
     * measured" (what a failed scenario did not reach). */
    bool device_only = sc->verify == VKW_VERIFY_GPU;
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
        vkw_doc_cell(d, "%s",
                     device_only && shown[i] == VKW_PHASE_CHILD_READ && !p[shown[i]].count
                         ? "-"
                         : median(&p[shown[i]], t[i], sizeof t[i]));
    /* The verify that ran: the device's where it did, else the host's. */
    vkw_doc_cell(d, "%s", rate(sc, vkw_memory_verify_phase(sc, true), t[5], sizeof t[5]));
    vkw_doc_cell(d, "%s",
                 device_only && !p[VKW_PHASE_PARENT_READ].count
                     ? "-"
                     : median(&p[VKW_PHASE_PARENT_READ], t[6], sizeof t[6]));
    vkw_doc_cell(d, "%s", rate(sc, vkw_memory_verify_phase(sc, false), t[7], sizeof t[7]));
    vkw_doc_cell(d, "%s", leaked ? "LEAK" : sc->parent_counted && sc->child_counted ? "0" : "?");
    if (sc->outcome == VKW_OUTCOME_FAILED)
        vkw_doc_note(d, "%s", sc->reason);
    if (sc->driver_closed_handle)
        vkw_doc_note(d, "driver anomaly: %s", sc->driver_anomaly);
    if (!verbose)
        return;
    char mf[160];
    vkw_doc_note(d, "memory type #%u %s, %llu bytes allocated, %llu verified%s%s%s",
                 sc->desc.memory_type_index,
                 vkw_memory_property_names(sc->memory_flags, "|", mf, sizeof mf),
                 (unsigned long long)sc->desc.allocation_size, (unsigned long long)sc->desc.size,
                 sc->verify != VKW_VERIFY_AUTO ? " " : "",
                 sc->verify != VKW_VERIFY_AUTO ? verified_where(sc->verify) : "",
                 sc->desc.dedicated_required ? ", dedicated required" : "");
    if (sc->kind == VKW_SCENARIO_IMAGE_COPY)
        vkw_doc_note(d, "image %ux%u R32_UINT optimal", sc->desc.image_width,
                     sc->desc.image_height);
    for (uint32_t i = 0; i < VKW_PHASE_COUNT; i++)
        /* Only the phases that ran (a run on the device has no host verify):
         * samples, not only zeros. */
        if (p[i].count && p[i].max > 0)
            vkw_doc_note(d, "%-17s min %9s  median %9s  max %9s", vkw_phase_name((vkw_phase)i),
                         dur(p[i].min, t[0], sizeof t[0]), dur(p[i].median, t[1], sizeof t[1]),
                         dur(p[i].max, t[2], sizeof t[2]));
    char counts[2][48];
    const bool counted[2] = {sc->parent_counted, sc->child_counted};
    const uint32_t before[2] = {sc->parent_handles_before, sc->child_handles_before};
    const uint32_t after[2] = {sc->parent_handles_after, sc->child_handles_after};
    for (int i = 0; i < 2; i++) {
        if (counted[i])
            snprintf(counts[i], sizeof counts[i], "%u -> %u", before[i], after[i]);
        else
            snprintf(counts[i], sizeof counts[i], "not measured");
    }
    vkw_doc_note(d, "handles open: parent %s, child %s", counts[0], counts[1]);
}

/* What a round trip goes through: the OS primitive, else the handle type,
 * else nothing but the one process. */
static const char *through(const vkw_sync_result *r)
{
    static char label[64]; /* one row at a time */
    if (r->mode == VKW_SYNC_OS)
        return vkw_pingpong_kind_name((vkw_os_pingpong_kind)r->os_kind);
    const vkw_handle_type *t = vkw_sync_result_type(r);
    if (!t)
        return "in-process";
    if (r->exporter != VKW_EXPORTER_VULKAN)
        snprintf(label, sizeof label, "%s (from %s)", t->name, vkw_exporter_name(r->exporter));
    else if (r->importer == VKW_IMPORTER_VULKAN)
        return t->name;
    else
        snprintf(label, sizeof label, "%s (%s)", t->name, vkw_importer_name(r->importer));
    return label;
}

static void round_trips_doc(vkw_doc *d, const vkw_bench_report *b, bool verbose);

void vkw_render_bench_doc(vkw_doc *d, const vkw_report *r, const vkw_bench_report *b, bool verbose)
{
    d->key_width = 10;
    const vkw_device_report *dev = &r->devices[b->device_index];
    vkw_doc_field(d, "Device", "%u  %s", dev->index, dev->name);
    if (dev->has_driver_properties)
        vkw_doc_field(d, "Driver", "%s %s", dev->driver_name, dev->driver_info);
    if (b->child_started)
        vkw_doc_field(d, "Child", "pid %u, opened '%s', %s%s", b->child_pid,
                      b->child_device_name[0] ? b->child_device_name : "(no device)",
                      b->child_end.ended ? "ended with " : "still running",
                      b->child_end.ended ? b->child_end.text : "");
    else
        vkw_doc_field(d, "Child", "not started");
    /* Only what ran: a round-trips-only run has no memory part to show. */
    char it[96] = "";
    if (b->options.run_memory)
        snprintf(it, sizeof it, "%u iteration(s) per scenario after %d warm-up, ",
                 b->options.iterations, VKW_BENCH_WARMUP_ITERATIONS);
    vkw_doc_field(d, "Runs", "%severy wait limited to %.1f s%s%s", it,
                  b->options.timeout_ms / 1000.0, b->options.fault ? ", fault injected: " : "",
                  b->options.fault ? vkw_fault_name(b->options.fault) : "");
    if (b->options.run_memory) {
        /* How the patterns were written and checked: auto says why it fell
         * back to the host. */
        bool agreed = b->verify == VKW_VERIFY_BOTH && b->failed == 0 && b->passed > 0;
        /* auto leaves mapped memory to the host (its scenarios say so). */
        bool mapped_on_host = false;
        for (uint32_t i = 0; i < b->scenario_count; i++)
            mapped_on_host |= b->verify != VKW_VERIFY_CPU &&
                              b->scenarios[i].verify == VKW_VERIFY_CPU &&
                              b->scenarios[i].kind == VKW_SCENARIO_BUFFER_MAP;
        vkw_doc_field(d, "Verified", "%s%s%s%s%s", verified_where(b->verify),
                      mapped_on_host ? "; mapped memory (buffer-map) on the host" : "",
                      agreed ? ", which agreed" : "", b->verify_reason[0] ? ": " : "",
                      b->verify_reason);
    }
    /* The API that made the memory, where not Vulkan: on what, or why not. */
    if (b->options.exporter != VKW_EXPORTER_VULKAN) {
        const vkw_bench_exporter *e = &b->exporter;
        char key[32];
        snprintf(key, sizeof key, "From %s", vkw_exporter_name(b->options.exporter));
        if (e->available)
            vkw_doc_field(d, key, "DXGI adapter %u '%s'%s, feature level %s", e->adapter_index,
                          e->adapter, e->by_luid ? " (the device's LUID)" : " (--d3d-adapter)",
                          e->feature_level);
        else
            vkw_doc_field(d, key, "not available: %s", e->reason);
    }
    /* The other APIs the child imported into: what each opened on, or why not. */
    for (uint32_t i = 0; i < VKW_IMPORTER_COUNT; i++) {
        const vkw_bench_importer *bi = &b->importers[i];
        if (!bi->asked)
            continue;
        char key[32];
        snprintf(key, sizeof key, "Into %s", vkw_importer_name((vkw_importer)i));
        if (bi->available)
            vkw_doc_field(d, key, "%s, %s (device %u)", bi->info.device_name, bi->info.version,
                          bi->info.device_index);
        else
            vkw_doc_field(d, key, "not available: %s", bi->reason);
    }
    if (b->options.run_memory)
        imported_vs_local_doc(d, b);
    if (b->options.run_memory && b->options.exporter != VKW_EXPORTER_VULKAN)
        vkw_doc_heading(d, 2, "Memory handle types %s exports",
                        vkw_exporter_name(b->options.exporter));
    else if (b->options.run_memory)
        vkw_doc_heading(d, 2, "Memory handle types of %s", r->os);
    d->key_width = 18;
    for (uint32_t i = 0; i < b->type_count; i++)
        vkw_doc_field(d, vkw_memory_handle_types[b->types[i].type_index].name, "%s%s",
                      b->types[i].tested ? "tested" : "not tested: ", b->types[i].reason);
    if (b->scenario_count) {
        static const char *const headers[] = {"handle type", "scenario", "size",     "result",
                                              "mem",         "ded",      "allocate", "export",
                                              "transfer",    "import",   "c.read",   "c.verif",
                                              "p.read",      "p.verif",  "leaks"};
        vkw_doc_heading(d, 2, "Scenarios (medians; verify in GB/s; c. child, p. parent)");
        vkw_doc_table(d, "vkw-memory", "llrlllrrrrrrrrl", headers, 3);
        for (uint32_t i = 0; i < b->scenario_count; i++)
            scenario_row(d, &b->scenarios[i], verbose);
        vkw_doc_table_end(d);
    }
    vkw_doc_section_end(d);
    if (b->options.run_memory)
        vkw_doc_line(d, "%u passed, %u failed, %u skipped, %u not run", b->passed, b->failed,
                     b->skipped, b->not_run);
    round_trips_doc(d, b, verbose);
    vkw_doc_section_end(d);
    vkw_doc_para(d, NULL, "bench done in %.2f s", settled(b->bench_ms / 1000.0));
}

/* Nanoseconds, short. */
static const char *ns_text(double ns, char *buf, size_t len)
{
    return dur(ns / 1000.0, buf, len);
}

static void round_trip_row(vkw_doc *d, const vkw_bench_report *b, const vkw_sync_result *r,
                           bool verbose)
{
    char t[6][24];
    const char *outcome = vkw_outcome_name(r->outcome);
    vkw_doc_row(d, outcome);
    vkw_doc_cell(d, "%s", vkw_sync_mode_name(r->mode));
    vkw_doc_cell(d, "%s", through(r));
    vkw_doc_cell(d, "%s", vkw_peer_name(r->peer));
    vkw_doc_cell(d, "%s", outcome);
    if (r->outcome != VKW_OUTCOME_PASSED) {
        for (int i = 0; i < 5; i++)
            vkw_doc_cell(d, "%s", "");
        vkw_doc_cell(d, "%s", r->reason);
        return;
    }
    const vkw_distribution *rt = &r->rt;
    vkw_doc_cell(d, "%s", ns_text(rt->min, t[0], sizeof t[0]));
    vkw_doc_cell(d, "%s", ns_text(rt->p50, t[1], sizeof t[1]));
    vkw_doc_cell(d, "%s", ns_text(rt->p99, t[2], sizeof t[2]));
    vkw_doc_cell(d, "%s", ns_text(rt->p999, t[3], sizeof t[3]));
    vkw_doc_cell(d, "%s", ns_text(rt->max, t[4], sizeof t[4]));
    char vs_vulkan[48] = "";
    if (r->vulkan_ratio_p50 > 0) /* a report read back keeps the ratio, not the index */
        snprintf(vs_vulkan, sizeof vs_vulkan, "; %.2fx vulkan", settled(r->vulkan_ratio_p50));
    if (r->baseline >= 0)
        vkw_doc_cell(d, "%.2fx %s%s", settled(r->ratio_p50),
                     vkw_pingpong_kind_name((vkw_os_pingpong_kind)b->sync[r->baseline].os_kind),
                     vs_vulkan);
    else
        vkw_doc_cell(d, "%s", "-");
    /* Two or more clear modes: the p50 alone would hide them (or jump between
     * them from run to run). */
    if (rt->modes.count >= 2) {
        vkw_buf modes = {0};
        for (uint32_t k = 0; k < rt->modes.count; k++) {
            const vkw_mode *m = &rt->modes.mode[k];
            vkw_buf_printf(&modes, "%s%.0f %% near %s", k ? ", " : "", settled(100 * m->share),
                           ns_text(m->median, t[5], sizeof t[5]));
        }
        vkw_doc_note(d, "%u modes: %s", rt->modes.count, modes.data ? modes.data : "");
        d->failed |= modes.failed;
        vkw_buf_free(&modes);
    }
    if (!verbose)
        return;
    vkw_buf hist = {0};
    for (uint32_t k = 0; k < VKW_HISTOGRAM_BUCKETS; k++) {
        double from = 0, below = 0;
        vkw_histogram_bucket_range(k, &from, &below);
        if (rt->histogram[k])
            vkw_buf_printf(&hist, " [%s..) %u", ns_text(from, t[5], 24), rt->histogram[k]);
    }
    vkw_doc_note(d, "mean %s, stddev %s, p90 %s over %u; histogram:%s", ns_text(rt->mean, t[0], 24),
                 ns_text(rt->stddev, t[1], 24), ns_text(rt->p90, t[2], 24), rt->count,
                 hist.data ? hist.data : "");
    d->failed |= hist.failed;
    vkw_buf_free(&hist);
}

static void round_trips_doc(vkw_doc *d, const vkw_bench_report *b, bool verbose)
{
    static const char *const headers[] = {
        "mode", "handle", "peer",  "result", "min",
        "p50",  "p99",    "p99.9", "max",    "p50 / best OS baseline"};
    if (!b->options.run_sync || !b->sync_count)
        return;
    vkw_doc_heading(d, 2,
                    "Round trips (%u timed after %u warm-up; GPU chains: %u chains, mean per "
                    "round; clock resolution %llu ns, a read costs %.0f ns)",
                    b->options.round_trips, b->options.warmup, VKW_BENCH_CHAINS,
                    (unsigned long long)b->timer_resolution_ns, settled(b->timer_overhead_ns));
    vkw_doc_table(d, "vkw-round-trips", "llllrrrrrl", headers, 3);
    for (uint32_t i = 0; i < b->sync_count; i++)
        round_trip_row(d, b, &b->sync[i], verbose);
    vkw_doc_table_end(d);
    vkw_doc_section_end(d);
    vkw_doc_line(d, "%u passed, %u failed, %u skipped, %u not run", b->sync_passed, b->sync_failed,
                 b->sync_skipped, b->sync_not_run);
    if (d->format != VKW_RENDER_HTML || !b->sync_passed)
        return;
    vkw_doc_heading(d, 3, "Latency plots");
    vkw_doc_raw(d, "<div class=\"plots\">\n");
    for (uint32_t i = 0; i < b->sync_count; i++)
        if (b->sync[i].outcome == VKW_OUTCOME_PASSED)
            vkw_html_round_trip_plots(d, &b->sync[i], through(&b->sync[i]));
    vkw_doc_raw(d, "</div>\n");
}

void vkw_render_doc(vkw_doc *d, const vkw_report *r, bool verbose)
{
    if (r->bench) {
        vkw_doc_heading(d, 1, "%s %s %s on %s, %s", VKW_TOOL_NAME, VKW_TOOL_VERSION, r->command,
                        r->os, r->generated_at);
        vkw_render_bench_doc(d, r, r->bench, verbose);
    } else if (r->stress) {
        vkw_doc_heading(d, 1, "%s %s %s on %s, %s", VKW_TOOL_NAME, VKW_TOOL_VERSION, r->command,
                        r->os, r->generated_at);
        vkw_render_stress_doc(d, r, r->stress, verbose);
    } else
        probe_doc(d, r, verbose);
    vkw_doc_flush(d);
}

/* The live text: the walk in text, written to f. */
static void live_text(FILE *f, const vkw_report *r, bool verbose)
{
    vkw_doc d;
    vkw_doc_init(&d, VKW_RENDER_TEXT);
    vkw_render_doc(&d, r, verbose);
    if (d.out.data)
        fputs(d.out.data, f);
    if (d.failed || d.out.failed)
        fprintf(f, "(out of memory while writing the text)\n");
    vkw_doc_free(&d);
}

void vkw_render_probe_text(FILE *f, const vkw_report *r, bool verbose)
{
    live_text(f, r, verbose);
}

void vkw_render_bench_text(FILE *f, const vkw_report *r, bool verbose)
{
    live_text(f, r, verbose);
}
