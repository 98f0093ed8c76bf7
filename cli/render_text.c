#include "render_text.h"

#include <stdio.h>
#include <string.h>

#include "bench/bench.h"
#include "vk/names.h"
#include "base/text_buffer.h"
#include "report/report_vocab.h"

const char *vkw_shown(const char *s)
{
    static char ring[8][2048];
    static unsigned next;
    char *buf = ring[next++ % 8];
    return vkw_text_escape(s, buf, sizeof ring[0]);
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
static void verdict_line(FILE *f, const char *group, const char *type, const char *kind,
                         const vkw_verdict *v)
{
    fprintf(f, "    %-10s %-26s %-9s %-17s  %s\n", group, type, kind, vkw_verdict_shown(v->code),
            vkw_shown(v->detail));
}

static void not_here_list(FILE *f, const char *what, const vkw_handle_type *t, size_t n,
                          bool *first)
{
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (vkw_handle_family_native(t[i].family))
            continue;
        fprintf(f, "%s%s%s", any ? ", " : (*first ? "" : "; "), any ? "" : what, t[i].name);
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

static void verbose_tables(FILE *f, const vkw_device_report *d)
{
    char e[8], names[256];
    fprintf(f, "\n  Memory capabilities (E exportable, I importable, D dedicated only, "
               "fmt image combination unsupported)\n");
    fprintf(f, "    %-26s", "");
    for (size_t c = 0; c < VKW_BUFFER_CASE_COUNT; c++)
        fprintf(f, " b%-3zu ", c);
    for (size_t c = 0; c < VKW_IMAGE_CASE_COUNT; c++)
        fprintf(f, " i%-3zu ", c);
    fprintf(f, " compatible with\n");
    for (size_t t = 0; t < VKW_MEMORY_HANDLE_TYPE_COUNT; t++) {
        const vkw_handle_type *ht = &vkw_memory_handle_types[t];
        if (!vkw_handle_family_native(ht->family))
            continue;
        uint32_t compat = 0;
        fprintf(f, "    %-26s", ht->name);
        for (size_t c = 0; c < VKW_BUFFER_CASE_COUNT; c++) {
            fprintf(f, " %-4s ", efd(&d->memory_caps[t].buffer[c], e));
            compat |= d->memory_caps[t].buffer[c].compatible;
        }
        for (size_t c = 0; c < VKW_IMAGE_CASE_COUNT; c++) {
            fprintf(f, " %-4s ", efd(&d->memory_caps[t].image[c], e));
            compat |= d->memory_caps[t].image[c].compatible;
        }
        fprintf(f, " %s\n",
                compat
                    ? vkw_handle_mask_names(vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT,
                                            compat, "|", names, sizeof names)
                    : "-");
    }
    fprintf(f, "    buffers:");
    for (size_t c = 0; c < VKW_BUFFER_CASE_COUNT; c++)
        fprintf(f, "%s b%zu %s", c ? "," : "", c, vkw_buffer_cases[c].label);
    fprintf(f, "\n    images: ");
    for (size_t c = 0; c < VKW_IMAGE_CASE_COUNT; c++)
        fprintf(f, "%s%s i%zu %s (%s %s)", c ? "," : "", c && c % 3 == 0 ? "\n            " : "", c,
                vkw_image_cases[c].label, vkw_format_name(vkw_image_cases[c].format),
                vkw_tiling_name(vkw_image_cases[c].tiling));
    fprintf(f, "\n\n  Semaphore and fence capabilities (E exportable, I importable)\n");
    for (size_t t = 0; t < VKW_SEMAPHORE_HANDLE_TYPE_COUNT; t++) {
        const vkw_handle_type *ht = &vkw_semaphore_handle_types[t];
        if (!vkw_handle_family_native(ht->family))
            continue;
        char e2[8];
        fprintf(f, "    semaphore %-16s binary %-4s timeline %s\n", ht->name,
                efd(&d->semaphore_caps[t].binary, e), efd(&d->semaphore_caps[t].timeline, e2));
    }
    for (size_t t = 0; t < VKW_FENCE_HANDLE_TYPE_COUNT; t++) {
        const vkw_handle_type *ht = &vkw_fence_handle_types[t];
        if (vkw_handle_family_native(ht->family))
            fprintf(f, "    fence     %-16s %s\n", ht->name, efd(&d->fence_caps[t], e));
    }
}

static void device(FILE *f, const vkw_report *r, const vkw_device_report *d, bool verbose)
{
    char a[96], c[256];
    fprintf(f, "\nDevice %u  %s\n", d->index, vkw_shown(d->name));
    fprintf(f, "  %-14s %s, Vulkan %s\n", "Type", vkw_device_type_name(d->type),
            vkw_version_string(d->api_version, a, sizeof a));
    const char *vendor = vkw_vendor_name(d->vendor_id);
    fprintf(f, "  %-14s 0x%04x%s%s%s, device 0x%04x\n", "Vendor", d->vendor_id, vendor ? " (" : "",
            vendor ? vendor : "", vendor ? ")" : "", d->device_id);
    if (d->has_driver_properties) {
        fprintf(f, "  %-14s %s (%s) %s\n", "Driver", vkw_shown(d->driver_name),
                vkw_driver_id_name(d->driver_id), vkw_shown(d->driver_info));
        fprintf(f, "  %-14s %s, conformance %u.%u.%u.%u\n", "Driver version",
                vkw_driver_version_string(d->vendor_id, d->driver_version, vkw_report_os(r), a,
                                          sizeof a),
                d->conformance.major, d->conformance.minor, d->conformance.subminor,
                d->conformance.patch);
    } else {
        fprintf(f, "  %-14s %s (no VK_KHR_driver_properties)\n", "Driver version",
                vkw_driver_version_string(d->vendor_id, d->driver_version, vkw_report_os(r), a,
                                          sizeof a));
    }
    if (d->has_id_properties) {
        fprintf(f, "  %-14s %s\n", "deviceUUID", vkw_uuid_string(d->device_uuid, 16, a, sizeof a));
        fprintf(f, "  %-14s %s\n", "driverUUID", vkw_uuid_string(d->driver_uuid, 16, a, sizeof a));
        if (d->device_luid_valid)
            fprintf(f, "  %-14s %s, node mask 0x%x\n", "deviceLUID",
                    vkw_uuid_string(d->device_luid, 8, a, sizeof a), d->device_node_mask);
        else
            fprintf(f, "  %-14s not valid on this OS/driver (node mask 0x%x)\n", "deviceLUID",
                    d->device_node_mask);
    } else {
        fprintf(f,
                "  %-14s not reported (Vulkan 1.0 without the external capabilities "
                "extensions)\n",
                "deviceUUID");
    }
    if (d->has_pci)
        fprintf(f, "  %-14s %04x:%02x:%02x.%x\n", "PCI", d->pci.pciDomain, d->pci.pciBus,
                d->pci.pciDevice, d->pci.pciFunction);
    else
        fprintf(f, "  %-14s not reported (no VK_EXT_pci_bus_info)\n", "PCI");

    for (uint32_t i = 0; i < d->queue_family_count; i++)
        fprintf(f, "  %-14s #%u %s x%u, timestamps %u bits\n", i ? "" : "Queue families", i,
                vkw_queue_flags_names(d->queue_families[i].flags, "|", c, sizeof c),
                d->queue_families[i].count, d->queue_families[i].timestamp_valid_bits);
    for (uint32_t i = 0; i < d->memory.memoryHeapCount; i++)
        fprintf(f, "  %-14s #%u %s %s\n", i ? "" : "Memory heaps", i,
                bytes(d->memory.memoryHeaps[i].size, a, sizeof a),
                vkw_memory_heap_names(d->memory.memoryHeaps[i].flags, "|", c, sizeof c));
    for (uint32_t i = 0; i < d->memory.memoryTypeCount; i++)
        fprintf(
            f, "  %-14s #%u heap %u %s\n", i ? "" : "Memory types", i,
            d->memory.memoryTypes[i].heapIndex,
            vkw_memory_property_names(d->memory.memoryTypes[i].propertyFlags, "|", c, sizeof c));
    fprintf(f, "  %-14s %u in all; for external handles:", "Extensions", d->extension_count);
    int shown = 0;
    for (size_t i = 0; i < VKW_RELEVANT_EXTENSION_COUNT; i++)
        if (d->relevant_extension_version[i])
            fprintf(f, "%s%s", shown++ % 3 ? ", " : "\n                   ",
                    vkw_relevant_device_extensions[i] + 3 /* drop "VK_" */);
    fprintf(f, "%s\n", shown ? "" : " none");
    fprintf(f, "  %-14s %s (%s)\n", "Timeline sems", d->timeline_semaphore ? "supported" : "no",
            d->timeline_semaphore_source ? d->timeline_semaphore_source : "-");
    if (!d->complete) {
        fprintf(f, "\n  The probe of this device stopped early: %s\n", vkw_shown(r->message));
        return;
    }

    fprintf(f, "\n  Sharing across processes on %s\n", r->os);
    for (size_t t = 0; t < VKW_MEMORY_HANDLE_TYPE_COUNT; t++)
        if (vkw_handle_family_native(vkw_memory_handle_types[t].family))
            verdict_line(f, "memory", vkw_memory_handle_types[t].name, "", &d->memory_verdict[t]);
    for (size_t t = 0; t < VKW_SEMAPHORE_HANDLE_TYPE_COUNT; t++)
        if (vkw_handle_family_native(vkw_semaphore_handle_types[t].family)) {
            verdict_line(f, "semaphore", vkw_semaphore_handle_types[t].name, "binary",
                         &d->semaphore_verdict[t][0]);
            verdict_line(f, "", "", "timeline", &d->semaphore_verdict[t][1]);
        }
    for (size_t t = 0; t < VKW_FENCE_HANDLE_TYPE_COUNT; t++)
        if (vkw_handle_family_native(vkw_fence_handle_types[t].family))
            verdict_line(f, "fence", vkw_fence_handle_types[t].name, "", &d->fence_verdict[t]);
    bool first = true;
    fprintf(f, "    not applicable on %s: ", r->os);
    not_here_list(f, "memory ", vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT, &first);
    not_here_list(f, "semaphore ", vkw_semaphore_handle_types, VKW_SEMAPHORE_HANDLE_TYPE_COUNT,
                  &first);
    not_here_list(f, "fence ", vkw_fence_handle_types, VKW_FENCE_HANDLE_TYPE_COUNT, &first);
    fprintf(f, "%s\n", first ? "none" : "");

    if (verbose)
        verbose_tables(f, d);
    if (d->anomaly_count) {
        fprintf(f, "\n  Driver anomalies (the driver contradicts the spec or itself)\n");
        for (uint32_t i = 0; i < d->anomaly_count; i++)
            fprintf(f, "    - %s\n", vkw_shown(d->anomalies[i]));
    }
}

void vkw_render_probe_text(FILE *f, const vkw_report *r, bool verbose)
{
    char a[48], b[48];
    fprintf(f, "%s %s probe on %s, %s\n", VKW_TOOL_NAME, VKW_TOOL_VERSION, r->os, r->generated_at);
    if (!r->loader_loaded) {
        fprintf(f, "%-10s not loaded (%s)\n", "Loader", vkw_shown(r->loader_requested));
        return;
    }
    fprintf(f, "%-10s %s, Vulkan %s\n", "Loader", vkw_shown(r->loader_path),
            vkw_version_string(r->loader_version, a, sizeof a));
    if (r->instance_created) {
        fprintf(f, "%-10s Vulkan %s; capability extensions:", "Instance",
                vkw_version_string(r->instance_api_version, b, sizeof b));
        for (size_t i = 0; i < VKW_INSTANCE_CAP_EXTENSION_COUNT; i++)
            fprintf(f, " %s%s", vkw_instance_capability_extensions[i] + 7 /* drop "VK_KHR_" */,
                    r->instance_cap_extension_version[i] ? "" : " (missing)");
        fprintf(f, "\n");
    }
    fprintf(f, "%-10s %u available; enabled:", "Layers", r->layer_count);
    for (uint32_t i = 0; i < r->enabled_layer_count; i++)
        fprintf(f, " %s", vkw_shown(r->enabled_layers[i]));
    fprintf(f, "%s%s\n", r->enabled_layer_count ? "" : " none by this tool",
            r->validation_by_environment ? " (validation asked for by the environment)" : "");
    if (r->validation_enabled)
        fprintf(f, "%-10s %u errors, %u other errors, %u warnings\n", "Validation",
                r->debug.validation_errors, r->debug.other_errors, r->debug.warnings);
    fprintf(f, "%-10s %u found, %u probed in %.1f ms\n", "Devices", r->physical_device_count,
            r->device_count, r->total_ms);
    for (uint32_t i = 0; i < r->device_count; i++)
        device(f, r, &r->devices[i], verbose);
    for (uint32_t i = 0; i < r->debug.stored; i++)
        if (r->debug.messages[i].severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT)
            fprintf(f, "\nlayer error: %s %s\n", vkw_shown(r->debug.messages[i].id),
                    vkw_shown(r->debug.messages[i].text));
}

/* A duration given in microseconds, in a unit that keeps it short. */
static const char *dur(double us, char *buf, size_t len)
{
    if (us < 1000.0)
        snprintf(buf, len, "%.1fus", us);
    else if (us < 1e6)
        snprintf(buf, len, "%.2fms", us / 1e3);
    else
        snprintf(buf, len, "%.2fs", us / 1e6);
    return buf;
}

static const char *rate(const vkw_memory_scenario *sc, vkw_phase p, char *buf, size_t len)
{
    double g = vkw_memory_scenario_gbps(sc, p);
    if (g > 0)
        snprintf(buf, len, "%.2f", g);
    else
        snprintf(buf, len, "-");
    return buf;
}

static void scenario_line(FILE *f, const vkw_memory_scenario *sc, bool verbose)
{
    char sz[32], t[10][24];
    const vkw_handle_type *ht = &vkw_memory_handle_types[sc->type_index];
    fprintf(f, "  %-18s %-11s %9s  ", ht->name, vkw_scenario_kind_name(sc->kind),
            vkw_size_string(sc->size_requested, sz, sizeof sz));
    if (sc->outcome == VKW_OUTCOME_SKIPPED || sc->outcome == VKW_OUTCOME_NOT_RUN ||
        !sc->iterations_done) {
        fprintf(f, "%-7s %s\n", vkw_outcome_name(sc->outcome), vkw_shown(sc->reason));
        if (sc->driver_closed_handle)
            fprintf(f, "      driver anomaly: %s\n", vkw_shown(sc->driver_anomaly));
        return;
    }
    const vkw_summary *p = sc->phase_us;
    uint32_t leaked = vkw_memory_scenario_leaked(sc);
    fprintf(f, "%-7s #%-2u %-3s %8s %8s %8s %8s %8s %7s %8s %7s %s\n",
            vkw_outcome_name(sc->outcome), sc->desc.memory_type_index,
            sc->desc.dedicated ? "yes" : "no", dur(p[VKW_PHASE_ALLOCATE].median, t[0], sizeof t[0]),
            dur(p[VKW_PHASE_EXPORT].median, t[1], sizeof t[1]),
            dur(p[VKW_PHASE_TRANSFER].median, t[2], sizeof t[2]),
            dur(p[VKW_PHASE_IMPORT].median, t[3], sizeof t[3]),
            dur(p[VKW_PHASE_CHILD_READ].median, t[4], sizeof t[4]),
            rate(sc, VKW_PHASE_CHILD_VERIFY, t[5], sizeof t[5]),
            dur(p[VKW_PHASE_PARENT_READ].median, t[6], sizeof t[6]),
            rate(sc, VKW_PHASE_PARENT_VERIFY, t[7], sizeof t[7]),
            leaked                                    ? "LEAK"
            : sc->parent_counted && sc->child_counted ? "0"
                                                      : "?");
    if (sc->outcome == VKW_OUTCOME_FAILED)
        fprintf(f, "      %s\n", vkw_shown(sc->reason));
    if (sc->driver_closed_handle)
        fprintf(f, "      driver anomaly: %s\n", vkw_shown(sc->driver_anomaly));
    if (!verbose)
        return;
    char mf[160];
    fprintf(f, "      memory type #%u %s, %llu bytes allocated, %llu verified%s\n",
            sc->desc.memory_type_index,
            vkw_memory_property_names(sc->memory_flags, "|", mf, sizeof mf),
            (unsigned long long)sc->desc.allocation_size, (unsigned long long)sc->desc.size,
            sc->desc.dedicated_required ? ", dedicated required" : "");
    if (sc->kind == VKW_SCENARIO_IMAGE_COPY)
        fprintf(f, "      image %ux%u R32_UINT optimal\n", sc->desc.image_width,
                sc->desc.image_height);
    for (uint32_t i = 0; i < VKW_PHASE_COUNT; i++)
        fprintf(f, "      %-14s min %9s  median %9s  max %9s\n", vkw_phase_name((vkw_phase)i),
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
    fprintf(f, "      handles open: parent %s, child %s\n", counts[0], counts[1]);
}

void vkw_render_bench_text(FILE *f, const vkw_report *r, bool verbose)
{
    const vkw_bench_report *b = r->bench;
    fprintf(f, "%s %s bench on %s, %s\n", VKW_TOOL_NAME, VKW_TOOL_VERSION, r->os, r->generated_at);
    const vkw_device_report *d = &r->devices[b->device_index];
    fprintf(f, "Device     %u  %s\n", d->index, vkw_shown(d->name));
    if (d->has_driver_properties)
        fprintf(f, "Driver     %s %s\n", vkw_shown(d->driver_name), vkw_shown(d->driver_info));
    if (b->child_started)
        fprintf(f, "Child      pid %u, opened '%s', %s%s\n", b->child_pid,
                b->child_device_name[0] ? vkw_shown(b->child_device_name) : "(no device)",
                b->child_end.ended ? "ended with " : "still running",
                b->child_end.ended ? b->child_end.text : "");
    else
        fprintf(f, "Child      not started\n");
    /* Only what ran: a round-trips-only run has no memory part to show. */
    fprintf(f, "Runs       ");
    if (b->options.run_memory)
        fprintf(f, "%u iteration(s) per scenario after %d warm-up, ", b->options.iterations,
                VKW_BENCH_WARMUP_ITERATIONS);
    fprintf(f, "every wait limited to %.1f s%s%s\n", b->options.timeout_ms / 1000.0,
            b->options.fault ? ", fault injected: " : "",
            b->options.fault ? vkw_fault_name(b->options.fault) : "");
    if (b->options.run_memory)
        fprintf(f, "\nMemory handle types of %s\n", r->os);
    for (uint32_t i = 0; i < b->type_count; i++)
        fprintf(f, "  %-18s %s%s\n", vkw_memory_handle_types[b->types[i].type_index].name,
                b->types[i].tested ? "tested" : "not tested: ", vkw_shown(b->types[i].reason));
    if (b->scenario_count) {
        fprintf(f, "\nScenarios (medians; verify in GB/s; c. child, p. parent)\n");
        fprintf(f, "  %-18s %-11s %9s  %-7s %-3s %-3s %8s %8s %8s %8s %8s %7s %8s %7s %s\n",
                "handle type", "scenario", "size", "result", "mem", "ded", "allocate", "export",
                "transfer", "import", "c.read", "c.verif", "p.read", "p.verif", "leaks");
        for (uint32_t i = 0; i < b->scenario_count; i++)
            scenario_line(f, &b->scenarios[i], verbose);
    }
    if (b->options.run_memory)
        fprintf(f, "%u passed, %u failed, %u skipped, %u not run\n", b->passed, b->failed,
                b->skipped, b->not_run);
    vkw_render_round_trips_text(f, b, verbose);
    fprintf(f, "\nbench done in %.2f s\n", b->bench_ms / 1000.0);
}

/* Nanoseconds, short. */
static const char *ns_text(double ns, char *buf, size_t len)
{
    return dur(ns / 1000.0, buf, len);
}

static void round_trip_line(FILE *f, const vkw_bench_report *b, const vkw_sync_result *r,
                            bool verbose)
{
    char what[40], t[6][24];
    if (r->mode == VKW_SYNC_OS)
        snprintf(what, sizeof what, "%s", vkw_pingpong_kind_name((vkw_os_pingpong_kind)r->os_kind));
    else if (vkw_sync_result_type(r))
        snprintf(what, sizeof what, "%s", vkw_sync_result_type(r)->name);
    else
        snprintf(what, sizeof what, "in-process");
    fprintf(f, "  %-15s %-12s %-8s ", vkw_sync_mode_name(r->mode), what, vkw_peer_name(r->peer));
    if (r->outcome != VKW_OUTCOME_PASSED) {
        fprintf(f, "%-7s %s\n", vkw_outcome_name(r->outcome), vkw_shown(r->reason));
        return;
    }
    const vkw_distribution *d = &r->rt;
    char ratio[24] = "-";
    if (r->baseline >= 0)
        snprintf(ratio, sizeof ratio, "%.2fx %s", r->ratio_p50,
                 vkw_pingpong_kind_name((vkw_os_pingpong_kind)b->sync[r->baseline].os_kind));
    fprintf(f, "%-7s %9s %9s %9s %9s %9s  %s\n", "passed", ns_text(d->min, t[0], sizeof t[0]),
            ns_text(d->p50, t[1], sizeof t[1]), ns_text(d->p99, t[2], sizeof t[2]),
            ns_text(d->p999, t[3], sizeof t[3]), ns_text(d->max, t[4], sizeof t[4]), ratio);
    if (!verbose)
        return;
    fprintf(f, "      mean %s, stddev %s, p90 %s over %u; histogram:", ns_text(d->mean, t[0], 24),
            ns_text(d->stddev, t[1], 24), ns_text(d->p90, t[2], 24), d->count);
    for (uint32_t k = 0; k < VKW_HISTOGRAM_BUCKETS; k++) {
        double from = 0, below = 0;
        vkw_histogram_bucket_range(k, &from, &below);
        if (d->histogram[k])
            fprintf(f, " [%s..) %u", ns_text(from, t[5], 24), d->histogram[k]);
    }
    fputc('\n', f);
}

void vkw_render_round_trips_text(FILE *f, const vkw_bench_report *b, bool verbose)
{
    if (!b->options.run_sync || !b->sync_count)
        return;
    fprintf(f,
            "\nRound trips (%u timed after %u warm-up; GPU chains: %u chains, mean per "
            "round; clock resolution %llu ns, a read costs %.0f ns)\n",
            b->options.round_trips, b->options.warmup, VKW_BENCH_CHAINS,
            (unsigned long long)b->timer_resolution_ns, b->timer_overhead_ns);
    fprintf(f, "  %-15s %-12s %-8s %-7s %9s %9s %9s %9s %9s  %s\n", "mode", "handle", "peer",
            "result", "min", "p50", "p99", "p99.9", "max", "p50 / best OS baseline");
    for (uint32_t i = 0; i < b->sync_count; i++)
        round_trip_line(f, b, &b->sync[i], verbose);
    fprintf(f, "%u passed, %u failed, %u skipped, %u not run\n", b->sync_passed, b->sync_failed,
            b->sync_skipped, b->sync_not_run);
}
