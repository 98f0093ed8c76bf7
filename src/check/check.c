#include "check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "report/report_vocab.h"
#include "vk/names.h"
#include "probes/probe_run.h"
#include "stress/stress.h"

const char *vkw_expect_outcome_name(vkw_expect_outcome o)
{
    return vkw_vocab_word(&vkw_vocab_expect_outcome, (uint32_t)o);
}

const char *vkw_check_verdict_name(vkw_check_verdict v)
{
    return vkw_vocab_word(&vkw_vocab_check_outcome, (uint32_t)v);
}

/* ---- the plan: what is expected of each device ---------------------------- */

vkw_status vkw_check_plan(const vkw_check_config *c, vkw_check_item **items, uint32_t *count,
                          vkw_error *err)
{
    uint32_t n = c->capability_count + 1;
    for (uint32_t b = 0; b < c->bench_count; b++)
        n += c->benches[b].threshold_count * VKW_SYNC_MODE_COUNT * VKW_PEER_COUNT;
    vkw_check_item *it = calloc(n, sizeof *it);
    if (!it)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory planning the check");
    uint32_t k = 0;
    for (uint32_t i = 0; i < c->capability_count; i++)
        it[k++] = (vkw_check_item){.kind = VKW_ITEM_CAPABILITY, .index = i};
    for (uint32_t b = 0; b < c->bench_count; b++) {
        const vkw_check_bench *cb = &c->benches[b];
        if (cb->memory || cb->stress) {
            for (uint32_t t = 0; t < cb->threshold_count; t++)
                it[k++] = (vkw_check_item){.kind = VKW_ITEM_BENCH, .index = b, .threshold = t};
            continue;
        }
        for (uint32_t m = 0; m < VKW_SYNC_MODE_COUNT; m++)
            for (uint32_t p = 0; p < VKW_PEER_COUNT; p++)
                for (uint32_t t = 0; t < cb->threshold_count; t++)
                    if ((cb->listed_modes & (1u << m)) && (cb->options.peers & (1u << p)))
                        it[k++] = (vkw_check_item){.kind = VKW_ITEM_BENCH,
                                                   .index = b,
                                                   .threshold = t,
                                                   .mode = (vkw_sync_mode)m,
                                                   .peer = (vkw_peer)p};
    }
    if (c->validate)
        it[k++] = (vkw_check_item){.kind = VKW_ITEM_VALIDATION};
    *items = it;
    *count = k;
    return VKW_OK;
}

void vkw_check_item_source(const vkw_check_config *c, const vkw_check_item *it, char *buf,
                           size_t len)
{
    if (it->kind == VKW_ITEM_CAPABILITY)
        snprintf(buf, len, "%s", c->capabilities[it->index].source);
    else if (it->kind == VKW_ITEM_VALIDATION)
        snprintf(buf, len, "validate");
    else
        snprintf(buf, len, "%s.expect.%s", c->benches[it->index].source,
                 vkw_check_metric_key(c->benches[it->index].thresholds[it->threshold].metric));
}

static const char *want_text(vkw_check_want w, const char *yes, const char *no)
{
    return w == VKW_WANT_YES ? yes : w == VKW_WANT_NO ? no : NULL;
}

void vkw_check_item_name(const vkw_check_config *c, const vkw_check_item *it, char *buf, size_t len)
{
    if (it->kind == VKW_ITEM_VALIDATION) {
        snprintf(buf, len, "validation layer: no errors");
        return;
    }
    if (it->kind == VKW_ITEM_CAPABILITY) {
        const vkw_check_capability *cap = &c->capabilities[it->index];
        const vkw_handle_type *t =
            cap->object <= VKW_CHECK_IMAGE   ? &vkw_memory_handle_types[cap->type_index]
            : cap->object == VKW_CHECK_FENCE ? &vkw_fence_handle_types[cap->type_index]
                                             : &vkw_semaphore_handle_types[cap->type_index];
        char by[48] = "";
        if (cap->importer != VKW_IMPORTER_VULKAN && cap->importable != VKW_WANT_ANY)
            snprintf(by, sizeof by, "%s by %s",
                     cap->importable == VKW_WANT_YES ? "importable" : "not importable",
                     vkw_importer_name(cap->importer));
        const char *parts[3] = {
            want_text(cap->exportable, "exportable", "not exportable"),
            by[0] ? by : want_text(cap->importable, "importable", "not importable"),
            want_text(cap->dedicated_only, "dedicated-only", "not dedicated-only")};
        int n = snprintf(buf, len, "%s %s:", vkw_check_object_name(cap->object), t->name);
        bool first = true;
        for (int k = 0; k < 3; k++)
            if (parts[k] && n >= 0 && (size_t)n < len) {
                n += snprintf(buf + n, len - (size_t)n, "%s %s", first ? "" : ",", parts[k]);
                first = false;
            }
        return;
    }
    const vkw_check_bench *b = &c->benches[it->index];
    const vkw_check_threshold *t = &b->thresholds[it->threshold];
    char what[sizeof b->name + 64];
    if (b->memory || b->stress)
        snprintf(what, sizeof what, "%s:", b->name);
    else
        snprintf(what, sizeof what, "%s: %s%s%s (%s)", b->name, vkw_sync_mode_name(it->mode),
                 b->sync_type_name[0] && it->mode != VKW_SYNC_OS ? " " : "",
                 it->mode != VKW_SYNC_OS ? b->sync_type_name : "", vkw_peer_name(it->peer));
    switch (t->metric) {
    case VKW_METRIC_VERIFIED: snprintf(buf, len, "%s verified both ways", what); break;
    case VKW_METRIC_LEAKS_MAX:
        snprintf(buf, len, "%s leaked handles <= %.0f", what, t->limit);
        break;
    case VKW_METRIC_VERIFY_GBPS_MIN:
        snprintf(buf, len, "%s verify >= %g GB/s", what, t->limit);
        break;
    case VKW_METRIC_IMPORTED_VS_LOCAL_MIN:
        snprintf(buf, len, "%s imported vs local >= %gx", what, t->limit);
        break;
    case VKW_METRIC_PASSES: snprintf(buf, len, "%s passes", what); break;
    case VKW_METRIC_P50_US_MAX: snprintf(buf, len, "%s p50 <= %g us", what, t->limit); break;
    case VKW_METRIC_P99_US_MAX: snprintf(buf, len, "%s p99 <= %g us", what, t->limit); break;
    case VKW_METRIC_RATIO_P50_MAX:
        snprintf(buf, len, "%s p50 <= %gx the OS baseline", what, t->limit);
        break;
    case VKW_METRIC_RATIO_P99_MAX:
        snprintf(buf, len, "%s p99 <= %gx the OS baseline", what, t->limit);
        break;
    case VKW_METRIC_LEAK_PER_MIN_MAX:
        snprintf(buf, len, "%s handles <= %g/min per process", what, t->limit);
        break;
    case VKW_METRIC_RESIDENT_PER_MIN_MAX:
        snprintf(buf, len, "%s resident <= %g MiB/min per process", what, t->limit);
        break;
    case VKW_METRIC_OPS_PER_S_MIN:
        snprintf(buf, len, "%s operations >= %g/s", what, t->limit);
        break;
    case VKW_METRIC_FAULTS_UNDETECTED_MAX:
        snprintf(buf, len, "%s undetected faults <= %.0f", what, t->limit);
        break;
    case VKW_METRIC_COUNT: snprintf(buf, len, "%s", what); break;
    }
}

/* ---- judging --------------------------------------------------------------- */

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
say(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

static void judge(vkw_expectation *e, bool ok)
{
    e->outcome = ok ? VKW_EXPECT_PASSED : VKW_EXPECT_FAILED;
}

/* Every answered case of a memory capability, counted. */
typedef struct case_counts {
    uint32_t answered, exportable, importable, dedicated;
} case_counts;

static void count(case_counts *k, const vkw_external_props *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i].state != VKW_QUERY_OK)
            continue;
        k->answered++;
        k->exportable += p[i].exportable;
        k->importable += p[i].importable;
        k->dedicated += p[i].dedicated_only;
    }
}

static bool wanted(vkw_check_want w, uint32_t have, uint32_t of)
{
    return w == VKW_WANT_ANY || (w == VKW_WANT_YES ? have == of : have == 0);
}

/* The handle types of the other OS family that GL's *_win32 extensions take. */
static bool gl_win32_type(bool memory, const char *name)
{
    static const char *const memory_types[] = {"OPAQUE_WIN32",  "OPAQUE_WIN32_KMT",
                                               "D3D11_TEXTURE", "D3D11_TEXTURE_KMT",
                                               "D3D12_HEAP",    "D3D12_RESOURCE"};
    static const char *const semaphore_types[] = {"OPAQUE_WIN32", "OPAQUE_WIN32_KMT",
                                                  "D3D12_FENCE"};
    const char *const *t = memory ? memory_types : semaphore_types;
    size_t n = memory ? sizeof memory_types / sizeof *memory_types
                      : sizeof semaphore_types / sizeof *semaphore_types;
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i], name) == 0)
            return true;
    return false;
}

static bool gl_offers(const vkw_interop_gl *g, const char *extension)
{
    for (size_t i = 0; i < VKW_GL_INTEROP_EXTENSION_COUNT; i++)
        if (strcmp(vkw_gl_interop_extensions[i], extension) == 0)
            return g->extensions[i];
    return false;
}

/* GL imports a handle with GL_EXT_memory_object or GL_EXT_semaphore, the
 * handle's OS extension, and for timelines GL_NV_timeline_semaphore. */
static int gl_imports(const vkw_check_capability *cap, const vkw_handle_type *t,
                      const vkw_interop_gl *g, char *why, size_t len)
{
    bool memory = cap->object <= VKW_CHECK_IMAGE;
    bool fd = strcmp(t->name, "OPAQUE_FD") == 0;
    if (!fd && !gl_win32_type(memory, t->name)) {
        say(why, len, "gl: GL imports no %s %s (only OPAQUE_FD and the Win32 types)", t->name,
            memory ? "memory" : "semaphores");
        return 0;
    }
    const char *need[3] = {memory ? "GL_EXT_memory_object" : "GL_EXT_semaphore",
                           memory ? (fd ? "GL_EXT_memory_object_fd" : "GL_EXT_memory_object_win32")
                           : fd   ? "GL_EXT_semaphore_fd"
                                  : "GL_EXT_semaphore_win32",
                           cap->object == VKW_CHECK_TIMELINE_SEMAPHORE ? "GL_NV_timeline_semaphore"
                                                                       : NULL};
    char missing[160] = "", offered[160] = "";
    for (int i = 0; i < 3 && need[i]; i++) {
        char *to = gl_offers(g, need[i]) ? offered : missing;
        size_t n = strlen(to);
        snprintf(to + n, sizeof missing - n, "%s%s", n ? ", " : "", need[i]);
    }
    if (missing[0]) {
        say(why, len, "gl: %s not offered by %s", missing, g->renderer);
        return 0;
    }
    say(why, len, "gl: %s offers %s", g->renderer, offered);
    return 1;
}

/* CUDA on the device with Vulkan's UUID, and the handle type among those it
 * takes for the object (buffers: its memory types). */
static int cuda_imports(const vkw_check_capability *cap, const vkw_handle_type *t,
                        const vkw_interop_cuda *cu, char *why, size_t len)
{
    const vkw_interop_types *types = cap->object == VKW_CHECK_BUFFER ? &cu->memory
                                     : cap->object == VKW_CHECK_BINARY_SEMAPHORE
                                         ? &cu->binary_semaphore
                                         : &cu->timeline_semaphore;
    char listed[160] = "";
    for (uint32_t i = 0; i < types->count && i < VKW_INTEROP_TYPE_MAX; i++) {
        if (strcmp(types->names[i], t->name) == 0) {
            say(why, len, "cuda: device %u (%s) takes %s %ss", cu->ordinal, cu->name, t->name,
                vkw_check_object_name(cap->object));
            return 1;
        }
        size_t n = strlen(listed);
        snprintf(listed + n, sizeof listed - n, "%s%s", n ? ", " : "", types->names[i]);
    }
    say(why, len, "cuda: %s is not among the %s handle types CUDA takes (%s)", t->name,
        vkw_check_object_name(cap->object), listed[0] ? listed : "none");
    return 0;
}

/* Whether the capability's importer (CUDA or GL) can import its handle, from
 * the probe's interop section: 1 yes, 0 no, -1 not known (not probed); why
 * says so in one sentence. */
static int other_imports(const vkw_check_capability *cap, const vkw_handle_type *t,
                         const vkw_device_report *d, char *why, size_t len)
{
    const char *api = vkw_importer_name(cap->importer);
    bool cuda = cap->importer == VKW_IMPORTER_CUDA;
    vkw_interop_state state = cuda ? d->interop_cuda.state : d->interop_gl.state;
    const char *reason = cuda ? d->interop_cuda.reason : d->interop_gl.reason;
    if (state == VKW_INTEROP_NOT_RUN) {
        say(why, len, "%s: not judged: the interop probe did not run on the device", api);
        return -1;
    }
    if (state != VKW_INTEROP_AVAILABLE) {
        say(why, len, "%s: not available: %s", api, reason);
        return 0;
    }
    return cuda ? cuda_imports(cap, t, &d->interop_cuda, why, len)
                : gl_imports(cap, t, &d->interop_gl, why, len);
}

static void judge_capability(const vkw_check_capability *cap, const vkw_device_report *d,
                             vkw_expectation *e)
{
    case_counts k = {0};
    const vkw_verdict *v = NULL;
    const vkw_handle_type *t = NULL;
    const char *plural = "";
    if (cap->object <= VKW_CHECK_IMAGE) {
        const vkw_memory_caps *m = &d->memory_caps[cap->type_index];
        if (cap->object == VKW_CHECK_BUFFER)
            count(&k, m->buffer, VKW_BUFFER_CASE_COUNT);
        else
            count(&k, m->image, VKW_IMAGE_CASE_COUNT);
        v = &d->memory_verdict[cap->type_index];
        t = &vkw_memory_handle_types[cap->type_index];
        plural = " cases";
    } else if (cap->object == VKW_CHECK_FENCE) {
        count(&k, &d->fence_caps[cap->type_index], 1);
        v = &d->fence_verdict[cap->type_index];
        t = &vkw_fence_handle_types[cap->type_index];
    } else {
        bool timeline = cap->object == VKW_CHECK_TIMELINE_SEMAPHORE;
        const vkw_semaphore_caps *sc = &d->semaphore_caps[cap->type_index];
        count(&k, timeline ? &sc->timeline : &sc->binary, 1);
        v = &d->semaphore_verdict[cap->type_index][timeline];
        t = &vkw_semaphore_handle_types[cap->type_index];
    }
    /* Vulkan's part: importable only when Vulkan is the importer. */
    bool by_vulkan = cap->importer == VKW_IMPORTER_VULKAN;
    vkw_check_want importable = by_vulkan ? cap->importable : VKW_WANT_ANY;
    char vk_message[sizeof e->message] = "";
    bool ok = true;
    if (!k.answered) {
        /* Not asked or not answered (the extension is missing, say): nothing
         * is exportable, importable or dedicated-only. */
        say(e->measured, sizeof e->measured, "no answer: %s", vkw_verdict_code_name(v->code));
        ok = cap->exportable != VKW_WANT_YES && importable != VKW_WANT_YES &&
             cap->dedicated_only != VKW_WANT_YES;
        if (!ok)
            say(vk_message, sizeof vk_message, "%s: %s", vkw_verdict_code_name(v->code), v->detail);
    } else {
        say(e->measured, sizeof e->measured,
            "exportable %u/%u, importable %u/%u, dedicated-only %u/%u%s", k.exportable, k.answered,
            k.importable, k.answered, k.dedicated, k.answered, plural);
        ok = wanted(cap->exportable, k.exportable, k.answered) &&
             wanted(importable, k.importable, k.answered) &&
             wanted(cap->dedicated_only, k.dedicated, k.answered);
        if (!ok)
            say(vk_message, sizeof vk_message, "the driver answers %s (verdict: %s%s%s)",
                e->measured, vkw_verdict_code_name(v->code), v->detail[0] ? ", " : "", v->detail);
    }
    if (by_vulkan || cap->importable == VKW_WANT_ANY) {
        judge(e, ok);
        if (!ok)
            say(e->message, sizeof e->message, "%s", vk_message);
        return;
    }
    /* The other API's part: it imports, or (importable false) it does not. */
    char why[384];
    int imports = other_imports(cap, t, d, why, sizeof why);
    size_t n = strlen(e->measured);
    snprintf(e->measured + n, sizeof e->measured - n, "; %s imports: %s",
             vkw_importer_name(cap->importer),
             imports < 0 ? "not known"
             : imports   ? "yes"
                         : "no");
    bool other_ok = imports >= 0 && (imports == 1) == (cap->importable == VKW_WANT_YES);
    if (imports < 0)
        e->outcome = VKW_EXPECT_ERROR;
    else
        judge(e, ok && other_ok);
    if (!ok && !other_ok)
        say(e->message, sizeof e->message, "%s; %s", vk_message, why);
    else if (!ok)
        say(e->message, sizeof e->message, "%s", vk_message);
    else if (!other_ok)
        say(e->message, sizeof e->message, "%s", why);
}

static const char *skip_reason(const vkw_bench_report *b)
{
    for (uint32_t i = 0; i < b->scenario_count; i++)
        if (b->scenarios[i].outcome == VKW_OUTCOME_FAILED)
            return b->scenarios[i].reason;
    for (uint32_t i = 0; i < b->scenario_count; i++)
        if (b->scenarios[i].outcome == VKW_OUTCOME_SKIPPED)
            return b->scenarios[i].reason;
    for (uint32_t i = 0; i < b->type_count; i++)
        if (!b->types[i].tested)
            return b->types[i].reason;
    return "no scenario ran";
}

/* Imported vs local: every passed scenario's lower direction, at least the
 * limit; one not measured fails with its reason. */
static void judge_imported_vs_local(const vkw_check_threshold *t, const vkw_bench_report *b,
                                    vkw_expectation *e)
{
    const vkw_memory_scenario *worst = NULL, *unmeasured = NULL;
    uint32_t passed = 0;
    for (uint32_t i = 0; i < b->scenario_count; i++) {
        const vkw_memory_scenario *sc = &b->scenarios[i];
        if (sc->outcome != VKW_OUTCOME_PASSED)
            continue;
        passed++;
        if (!sc->ivl.measured || vkw_ivl_ratio_min(sc) <= 0) {
            if (!unmeasured)
                unmeasured = sc;
        } else if (!worst || vkw_ivl_ratio_min(sc) < vkw_ivl_ratio_min(worst)) {
            worst = sc;
        }
    }
    snprintf(e->limit, sizeof e->limit, ">= %gx", t->limit);
    if (!passed) {
        judge(e, false);
        say(e->message, sizeof e->message, "no scenario passed: %s", skip_reason(b));
        return;
    }
    char sz[32];
    if (unmeasured) {
        judge(e, false);
        say(e->measured, sizeof e->measured, "not measured");
        say(e->message, sizeof e->message, "not measured: %s %s %s: %s",
            vkw_memory_handle_types[unmeasured->type_index].name,
            vkw_scenario_kind_name(unmeasured->kind),
            vkw_size_string(unmeasured->size_requested, sz, sizeof sz),
            unmeasured->ivl.measured    ? "no sample in either direction"
            : unmeasured->ivl.reason[0] ? unmeasured->ivl.reason
                                        : "the report has no imported-vs-local figures");
        return;
    }
    double ratio = vkw_ivl_ratio_min(worst);
    vkw_direction dir = VKW_DIRECTION_WRITE;
    for (uint32_t d = 0; d < VKW_DIRECTION_COUNT; d++)
        if (vkw_ivl_ratio(worst, (vkw_direction)d) == ratio)
            dir = (vkw_direction)d;
    const char *name = vkw_memory_handle_types[worst->type_index].name;
    const char *kind = vkw_scenario_kind_name(worst->kind);
    vkw_size_string(worst->size_requested, sz, sizeof sz);
    say(e->measured, sizeof e->measured, "lowest %.3fx (%s %s %s, %s)", ratio, name, kind, sz,
        vkw_direction_name(dir));
    judge(e, ratio >= t->limit);
    if (e->outcome != VKW_EXPECT_PASSED)
        say(e->message, sizeof e->message,
            "%s %s %s %s: imported %.2f GB/s, local %.2f GB/s: %.3fx, under %g", name, kind, sz,
            vkw_direction_name(dir), vkw_ivl_gbps(worst, dir, true),
            vkw_ivl_gbps(worst, dir, false), ratio, t->limit);
}

void vkw_check_judge_memory(const vkw_check_threshold *t, const vkw_bench_report *b,
                            vkw_expectation *e)
{
    uint32_t ran = 0, leaked = 0, uncounted = 0;
    double slowest = INFINITY;
    for (uint32_t i = 0; i < b->scenario_count; i++) {
        const vkw_memory_scenario *sc = &b->scenarios[i];
        if (!sc->iterations_done)
            continue;
        ran++;
        leaked += vkw_memory_scenario_leaked(sc);
        uncounted += !sc->parent_counted || !sc->child_counted;
        if (sc->outcome == VKW_OUTCOME_PASSED) {
            /* The verify that ran: the device's where it did, else the host's. */
            double g = fmin(vkw_memory_scenario_gbps(sc, vkw_memory_verify_phase(sc, true)),
                            vkw_memory_scenario_gbps(sc, vkw_memory_verify_phase(sc, false)));
            slowest = fmin(slowest, g);
        }
    }
    switch (t->metric) {
    case VKW_METRIC_VERIFIED:
        say(e->measured, sizeof e->measured, "%u passed, %u failed, %u skipped, %u not run",
            b->passed, b->failed, b->skipped, b->not_run);
        snprintf(e->limit, sizeof e->limit, "all that run pass, one at least");
        judge(e, b->passed > 0 && b->failed == 0 && b->not_run == 0);
        if (e->outcome != VKW_EXPECT_PASSED)
            say(e->message, sizeof e->message, "%s", skip_reason(b));
        break;
    case VKW_METRIC_LEAKS_MAX:
        say(e->measured, sizeof e->measured, "%u handles leaked over %u scenarios%s", leaked, ran,
            uncounted ? " (some not counted)" : "");
        snprintf(e->limit, sizeof e->limit, "<= %.0f", t->limit);
        judge(e, ran > 0 && !uncounted && leaked <= t->limit);
        if (!ran)
            say(e->message, sizeof e->message, "nothing ran to count: %s", skip_reason(b));
        else if (uncounted)
            say(e->message, sizeof e->message,
                "open handles not measured in %u scenario(s) (the child ended, or the "
                "OS gave no count)",
                uncounted);
        else if (leaked > t->limit)
            say(e->message, sizeof e->message, "%u handles leaked, at most %.0f allowed", leaked,
                t->limit);
        break;
    case VKW_METRIC_VERIFY_GBPS_MIN:
        snprintf(e->limit, sizeof e->limit, ">= %g GB/s", t->limit);
        if (isinf(slowest)) {
            judge(e, false);
            say(e->message, sizeof e->message, "no scenario passed: %s", skip_reason(b));
            break;
        }
        say(e->measured, sizeof e->measured, "slowest verify %.2f GB/s", slowest);
        judge(e, slowest >= t->limit);
        if (e->outcome != VKW_EXPECT_PASSED)
            say(e->message, sizeof e->message, "the slowest verify ran at %.2f GB/s, under %g",
                slowest, t->limit);
        break;
    case VKW_METRIC_IMPORTED_VS_LOCAL_MIN: judge_imported_vs_local(t, b, e); break;
    default: break;
    }
}

static void fmt_us(char *buf, size_t len, double ns)
{
    if (ns >= 1e6)
        snprintf(buf, len, "%.3g ms", ns / 1e6);
    else
        snprintf(buf, len, "%.3g us", ns / 1e3);
}

static void judge_sync(const vkw_check_bench *cb, const vkw_check_item *it,
                       const vkw_bench_report *b, vkw_expectation *e)
{
    const vkw_check_threshold *t = &cb->thresholds[it->threshold];
    uint32_t passed = 0, failed = 0, skipped = 0;
    double worst = -1;
    const char *reason = NULL, *worst_label = "";
    bool no_baseline = false;
    for (uint32_t i = 0; i < b->sync_count; i++) {
        const vkw_sync_result *r = &b->sync[i];
        const vkw_handle_type *type = vkw_sync_result_type(r);
        const char *tn = type ? type->name : NULL;
        if (r->mode != it->mode || r->peer != it->peer)
            continue;
        if (cb->sync_type_name[0] && r->mode != VKW_SYNC_OS && r->peer == VKW_PEER_PROCESS &&
            (!tn || strcmp(tn, cb->sync_type_name) != 0))
            continue;
        if (r->outcome != VKW_OUTCOME_PASSED) {
            failed += r->outcome == VKW_OUTCOME_FAILED || r->outcome == VKW_OUTCOME_NOT_RUN;
            skipped += r->outcome == VKW_OUTCOME_SKIPPED;
            if (!reason || r->outcome == VKW_OUTCOME_FAILED)
                reason = r->reason;
            continue;
        }
        passed++;
        double v = 0;
        switch (t->metric) {
        case VKW_METRIC_P50_US_MAX: v = r->rt.p50; break;
        case VKW_METRIC_P99_US_MAX: v = r->rt.p99; break;
        case VKW_METRIC_RATIO_P50_MAX: v = r->baseline >= 0 ? r->ratio_p50 : -1; break;
        case VKW_METRIC_RATIO_P99_MAX:
            v = r->baseline >= 0 && r->ratio_p99 >= 0 ? r->ratio_p99 : -1;
            break;
        default: break;
        }
        if (v < 0 &&
            (t->metric == VKW_METRIC_RATIO_P50_MAX || t->metric == VKW_METRIC_RATIO_P99_MAX))
            no_baseline = true;
        if (v > worst) {
            worst = v;
            worst_label = r->mode == VKW_SYNC_OS
                              ? vkw_pingpong_kind_name((vkw_os_pingpong_kind)r->os_kind)
                          : tn ? tn
                               : "";
        }
    }
    if (t->metric == VKW_METRIC_PASSES) {
        say(e->measured, sizeof e->measured, "%u passed, %u failed, %u skipped", passed, failed,
            skipped);
        judge(e, passed > 0 && failed == 0);
        if (e->outcome != VKW_EXPECT_PASSED)
            say(e->message, sizeof e->message, "%s",
                reason ? reason : "the mode did not run on this device");
        return;
    }
    bool ratio = t->metric == VKW_METRIC_RATIO_P50_MAX || t->metric == VKW_METRIC_RATIO_P99_MAX;
    if (ratio)
        snprintf(e->limit, sizeof e->limit, "<= %gx", t->limit);
    else
        snprintf(e->limit, sizeof e->limit, "<= %g us", t->limit);
    if (!passed) {
        judge(e, false);
        say(e->message, sizeof e->message, "not measured: %s",
            reason ? reason : "the mode did not run on this device");
        return;
    }
    if (no_baseline) {
        judge(e, false);
        say(e->message, sizeof e->message, "no OS baseline was measured to divide by");
        return;
    }
    const char *pct =
        t->metric == VKW_METRIC_P50_US_MAX || t->metric == VKW_METRIC_RATIO_P50_MAX ? "p50" : "p99";
    char v[32];
    if (ratio)
        snprintf(v, sizeof v, "%.2fx", worst);
    else
        fmt_us(v, sizeof v, worst);
    say(e->measured, sizeof e->measured, "%s %s%s%s%s", pct, v, passed > 1 ? " (worst: " : "",
        passed > 1 ? worst_label : "", passed > 1 ? ")" : "");
    double limit = ratio ? t->limit : t->limit * 1e3;
    judge(e, worst <= limit);
    if (e->outcome != VKW_EXPECT_PASSED)
        say(e->message, sizeof e->message, "%s %s is over the limit %s", pct, v, e->limit);
}

/* Whether a bench's status means its figures cannot be trusted. */
static bool run_broken(vkw_status s)
{
    switch (s) {
    case VKW_OK:
    case VKW_E_SHARING:
    case VKW_E_NOTHING_TO_SHARE:
    case VKW_E_UNSUPPORTED:
    case VKW_E_VALIDATION: return false;
    default: return true;
    }
}

/* A stress run's status: its verdict failing (VKW_E_STRESS) is what the
 * expectations judge, one by one; what ended it early is not. */
static bool stress_broken(vkw_status s)
{
    return s != VKW_OK && s != VKW_E_STRESS && s != VKW_E_VALIDATION &&
           s != VKW_E_NOTHING_TO_SHARE && s != VKW_E_UNSUPPORTED;
}

static void process_name(int32_t p, char *buf, size_t len)
{
    if (p == 0)
        snprintf(buf, len, "exporter");
    else
        snprintf(buf, len, "importer %d", (int)p);
}

/* The trends of a quantity (handles, resident) against the limit: the worst
 * estimated one named; too few points for any is not judged. */
static void judge_trends(const vkw_check_threshold *t, const vkw_stress_report *sr,
                         vkw_trend_quantity q, const char *noun, const char *unit,
                         vkw_expectation *e)
{
    const vkw_stress_trend *worst = NULL, *failing = NULL;
    uint32_t estimated = 0, points = 0, processes = 0;
    for (uint32_t i = 0; i < sr->trend_count; i++) {
        const vkw_stress_trend *tr = &sr->trends[i];
        if (tr->quantity != q)
            continue;
        processes++;
        points = tr->points > points ? tr->points : points;
        if (!tr->estimated)
            continue;
        estimated++;
        if (!worst || tr->slope_per_min > worst->slope_per_min)
            worst = tr;
        if (tr->fails && (!failing || tr->slope_per_min > failing->slope_per_min))
            failing = tr;
    }
    snprintf(e->limit, sizeof e->limit, "<= %g %s/min", t->limit, unit);
    if (!worst) {
        e->outcome = VKW_EXPECT_ERROR;
        say(e->measured, sizeof e->measured, "%s: no trend", noun);
        say(e->message, sizeof e->message,
            "not judged: too few points for a trend of %s (%u; 5 at least after the warm-up): "
            "run longer or shorten the interval",
            noun, points);
        return;
    }
    const vkw_stress_trend *shown = failing ? failing : worst;
    char who[32];
    process_name(shown->process, who, sizeof who);
    say(e->measured, sizeof e->measured,
        "leak: %s %+.1f %s/min (95 %% CI %+.1f to %+.1f), limit %g; a trend for %u of %u "
        "processes",
        who, shown->slope_per_min, unit, shown->lo_per_min, shown->hi_per_min, t->limit, estimated,
        processes);
    /* A trend fails where it grows beyond the noise and past the limit. */
    judge(e, !failing);
    if (failing)
        say(e->message, sizeof e->message, "a leak: %s", failing->text);
}

static void fmt_stress_us(char *buf, size_t len, double us)
{
    if (us >= 1000)
        snprintf(buf, len, "%.4g ms", us / 1e3);
    else
        snprintf(buf, len, "%.4g us", us);
}

static uint32_t stress_undetected(const vkw_stress_report *sr, uint32_t *injected)
{
    uint32_t undetected = 0;
    *injected = 0;
    for (uint32_t k = 0; k < VKW_CHAOS_COUNT; k++) {
        *injected += sr->chaos[k].injected;
        undetected += sr->chaos[k].injected - sr->chaos[k].detected;
    }
    return undetected;
}

/* Judges one expectation of a stress bench against its run's report. */
static void judge_stress(const vkw_check_threshold *t, const vkw_stress_report *sr,
                         vkw_expectation *e)
{
    uint32_t injected = 0, undetected = stress_undetected(sr, &injected);
    switch (t->metric) {
    case VKW_METRIC_PASSES: {
        bool leak = false;
        for (uint32_t i = 0; i < sr->trend_count; i++)
            leak |= sr->trends[i].fails && (sr->trends[i].quantity == VKW_TREND_HANDLES ||
                                            sr->trends[i].quantity == VKW_TREND_RESIDENT);
        int64_t allowed = sr->options.limits.faults_undetected_max;
        bool faults_ok = allowed < 0 || undetected <= (uint64_t)allowed;
        say(e->measured, sizeof e->measured,
            "%llu operations; %s; %u mismatches, %u unexpected failures; faults: %u injected, "
            "%u detected; %u validation errors",
            (unsigned long long)sr->ops_total, leak ? "a leak" : "no leak", sr->mismatches,
            sr->unexpected_failures, injected, injected - undetected, sr->validation_errors);
        snprintf(e->limit, sizeof e->limit, "no leak, mismatch, failure, undetected fault");
        judge(e, sr->ops_total > 0 && !leak && !sr->mismatches && !sr->unexpected_failures &&
                     faults_ok && !sr->validation_errors);
        if (e->outcome == VKW_EXPECT_PASSED)
            break;
        if (!sr->ops_total)
            say(e->message, sizeof e->message, "no operation ran");
        else if (sr->verdict[0])
            say(e->message, sizeof e->message, "%s", sr->verdict);
        else
            say(e->message, sizeof e->message, "%s", e->measured);
        break;
    }
    case VKW_METRIC_LEAK_PER_MIN_MAX:
        judge_trends(t, sr, VKW_TREND_HANDLES, "handles", "handles", e);
        break;
    case VKW_METRIC_RESIDENT_PER_MIN_MAX:
        judge_trends(t, sr, VKW_TREND_RESIDENT, "resident memory", "resident MiB", e);
        break;
    case VKW_METRIC_P99_US_MAX: {
        int worst = -1;
        for (uint32_t k = 0; k < VKW_STRESS_OP_COUNT; k++)
            if (sr->ops[k].latency.count &&
                (worst < 0 || sr->ops[k].latency.p99_us > sr->ops[worst].latency.p99_us))
                worst = (int)k;
        char v[32], lim[32];
        if (t->limit >= 1000)
            snprintf(lim, sizeof lim, "%g ms", t->limit / 1e3);
        else
            snprintf(lim, sizeof lim, "%g us", t->limit);
        snprintf(e->limit, sizeof e->limit, "<= %s", lim);
        if (worst < 0) {
            judge(e, false);
            say(e->message, sizeof e->message, "no operation completed: no p99");
            break;
        }
        fmt_stress_us(v, sizeof v, sr->ops[worst].latency.p99_us);
        say(e->measured, sizeof e->measured, "p99 %s (%s, the highest), limit %s", v,
            vkw_stress_op_name((vkw_stress_op)worst), lim);
        judge(e, sr->ops[worst].latency.p99_us <= t->limit);
        if (e->outcome != VKW_EXPECT_PASSED)
            say(e->message, sizeof e->message, "%s's p99 %s is over the limit %s",
                vkw_stress_op_name((vkw_stress_op)worst), v, lim);
        break;
    }
    case VKW_METRIC_OPS_PER_S_MIN: {
        double rate = sr->elapsed_s > 0 ? (double)sr->ops_total / sr->elapsed_s : 0;
        say(e->measured, sizeof e->measured, "%.1f operations/s (%llu in %.1f s), limit %g", rate,
            (unsigned long long)sr->ops_total, sr->elapsed_s, t->limit);
        snprintf(e->limit, sizeof e->limit, ">= %g/s", t->limit);
        judge(e, rate >= t->limit);
        if (e->outcome != VKW_EXPECT_PASSED)
            say(e->message, sizeof e->message, "%.1f operations/s, under %g", rate, t->limit);
        break;
    }
    case VKW_METRIC_FAULTS_UNDETECTED_MAX: {
        uint32_t recovered = 0;
        for (uint32_t k = 0; k < VKW_CHAOS_COUNT; k++)
            recovered += sr->chaos[k].recovered;
        say(e->measured, sizeof e->measured, "faults: %u injected, %u detected, %u recovered",
            injected, injected - undetected, recovered);
    }
        snprintf(e->limit, sizeof e->limit, "<= %.0f undetected", t->limit);
        judge(e, undetected <= t->limit);
        if (e->outcome != VKW_EXPECT_PASSED)
            say(e->message, sizeof e->message, "%u injected fault(s) went undetected, at most %.0f",
                undetected, t->limit);
        break;
    default: break;
    }
}

/* ---- running ----------------------------------------------------------------- */

static void progress(const vkw_check_options *o, const char *detail, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void progress(const vkw_check_options *o, const char *detail, const char *fmt, ...)
{
    if (!o->progress)
        return;
    char step[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(step, sizeof step, fmt, ap);
    va_end(ap);
    o->progress(o->progress_user, step, detail);
}

static bool environment_status(vkw_status s)
{
    return s == VKW_E_NO_LOADER || s == VKW_E_NO_DRIVER || s == VKW_E_NO_LAYER ||
           s == VKW_E_NO_DEVICE_MATCH;
}

/* The bench's progress, said as the check's: "lavapipe memory on device 0: ...". */
typedef struct bench_progress {
    const vkw_check_options *o;
    const char *name;
    uint32_t device;
} bench_progress;

static void forward_progress(void *user, uint32_t done, uint32_t total, const char *step,
                             const char *detail)
{
    bench_progress *bp = user;
    char counted[300];
    snprintf(counted, sizeof counted, "[%u/%u] %s", done + 1, total, detail);
    progress(bp->o, counted, "%s on device %u: %s", bp->name, bp->device, step);
}

/* The stress run's progress, said as the check's. */
static void forward_stress_progress(void *user, double t_s, uint64_t ops, uint32_t faults,
                                    const char *line)
{
    bench_progress *bp = user;
    char detail[320];
    snprintf(detail, sizeof detail, "at %.0f s: %llu operations, %u faults; %s", t_s,
             (unsigned long long)ops, faults, line);
    progress(bp->o, detail, "%s on device %u", bp->name, bp->device);
}

/* A stress bench's run: its options, the config's loader, validation and
 * timeout, and its expect's limits (the run's own verdict uses them). */
static void run_stress(const vkw_check_config *c, const vkw_check_options *o,
                       const vkw_check_bench *cb, const vkw_device_filter *filter,
                       const vkw_device_report *d, vkw_check_bench_run *run)
{
    vkw_stress_options opts = cb->stress_options;
    opts.loader_path = o->loader_path ? o->loader_path : c->loader[0] ? c->loader : NULL;
    opts.validate = c->validate;
    opts.filter = filter;
    opts.timeout_ms = c->timeout_ms;
    for (uint32_t t = 0; t < cb->threshold_count; t++) {
        double v = cb->thresholds[t].limit;
        switch (cb->thresholds[t].metric) {
        case VKW_METRIC_LEAK_PER_MIN_MAX: opts.limits.leak_per_min_max = v; break;
        case VKW_METRIC_RESIDENT_PER_MIN_MAX: opts.limits.resident_mib_per_min_max = v; break;
        case VKW_METRIC_P99_US_MAX: opts.limits.p99_us_max = v; break;
        case VKW_METRIC_OPS_PER_S_MIN: opts.limits.ops_per_s_min = v; break;
        case VKW_METRIC_FAULTS_UNDETECTED_MAX:
            opts.limits.faults_undetected_max = (int64_t)v;
            break;
        default: break;
        }
    }
    vkw_report_init(&run->report, "stress");
    vkw_error err;
    vkw_error_clear(&err);
    bench_progress bp = {o, cb->name, d->index};
    if (o->progress) {
        opts.progress = forward_stress_progress;
        opts.progress_user = &bp;
    }
    run->status = vkw_stress_run(&opts, &run->report, &err);
    if (run->status != VKW_OK)
        snprintf(run->message, sizeof run->message, "%s", err.message);
}

static vkw_status run_bench(const vkw_check_config *c, const vkw_check_options *o, uint32_t bench,
                            uint32_t dev, const vkw_report *probe, vkw_check_bench_run *run)
{
    const vkw_device_report *d = &probe->devices[dev];
    const vkw_check_bench *cb = &c->benches[bench];
    vkw_device_filter filter;
    memset(&filter, 0, sizeof filter);
    /* By deviceUUID, which survives a change of enumeration order between
     * the probe and the bench, unless another device shares it (two ICDs of
     * one driver): then by index. */
    uint32_t same_uuid = 0;
    for (uint32_t i = 0; d->has_id_properties && i < probe->device_count; i++)
        same_uuid += probe->devices[i].has_id_properties &&
                     memcmp(probe->devices[i].device_uuid, d->device_uuid, VK_UUID_SIZE) == 0;
    if (d->has_id_properties && same_uuid == 1) {
        filter.kind = VKW_FILTER_UUID;
        memcpy(filter.uuid, d->device_uuid, VK_UUID_SIZE);
    } else {
        filter.kind = VKW_FILTER_INDEX;
        filter.index = d->index;
    }
    snprintf(filter.text, sizeof filter.text, "device %u", d->index);
    run->bench = bench;
    run->device_index = dev;
    if (cb->stress) {
        progress(o, "", "%s on device %u (%s)", cb->name, d->index, d->name);
        run_stress(c, o, cb, &filter, d, run);
        return run->status == VKW_E_NO_MEMORY ? VKW_E_NO_MEMORY : VKW_OK;
    }
    vkw_bench_options opts = cb->options;
    opts.loader_path = o->loader_path ? o->loader_path : c->loader[0] ? c->loader : NULL;
    opts.validate = c->validate;
    opts.filter = &filter;
    opts.timeout_ms = c->timeout_ms;
    run->bench = bench;
    run->device_index = dev;
    vkw_report_init(&run->report, "bench");
    vkw_error err;
    vkw_error_clear(&err);
    progress(o, "", "%s on device %u (%s)", cb->name, d->index, d->name);
    bench_progress bp = {o, cb->name, d->index};
    if (o->progress) {
        opts.progress = forward_progress;
        opts.progress_user = &bp;
    }
    run->status = vkw_bench_run(&opts, &run->report, &err);
    if (run->status != VKW_OK)
        snprintf(run->message, sizeof run->message, "%s", err.message);
    return run->status == VKW_E_NO_MEMORY ? VKW_E_NO_MEMORY : VKW_OK;
}

static void fill(const vkw_check_config *c, const vkw_check_item *it, uint32_t dev,
                 const vkw_device_report *d, vkw_expectation *e)
{
    char source[96], tail[64] = "";
    vkw_check_item_source(c, it, source, sizeof source);
    if (it->kind == VKW_ITEM_BENCH && !c->benches[it->index].memory &&
        !c->benches[it->index].stress)
        snprintf(tail, sizeof tail, "/%s/%s", vkw_sync_mode_name(it->mode),
                 vkw_peer_name(it->peer));
    snprintf(e->id, sizeof e->id, "device%u/%s%s", d ? d->index : dev, source, tail);
    snprintf(e->source, sizeof e->source, "%s", source);
    e->device_index = (int32_t)dev;
    vkw_check_item_name(c, it, e->name, sizeof e->name);
    e->bench = it->kind == VKW_ITEM_BENCH ? (int32_t)it->index : -1;
    snprintf(e->group, sizeof e->group, "%s",
             it->kind == VKW_ITEM_CAPABILITY   ? "capabilities"
             : it->kind == VKW_ITEM_VALIDATION ? "validation"
                                               : c->benches[it->index].name);
}

static void tally(vkw_check_result *r)
{
    r->passed = r->failed = r->errors = 0;
    for (uint32_t i = 0; i < r->expectation_count; i++) {
        vkw_expect_outcome o = r->expectations[i].outcome;
        r->passed += o == VKW_EXPECT_PASSED;
        r->failed += o == VKW_EXPECT_FAILED;
        r->errors += o == VKW_EXPECT_ERROR;
    }
    if (r->verdict != VKW_CHECK_PASSED) /* decided before any expectation: kept */
        return;
    if (r->probe.interrupted) {
        r->verdict = VKW_CHECK_INTERRUPTED;
        return;
    }
    r->verdict = r->errors ? VKW_CHECK_ERROR : r->failed ? VKW_CHECK_FAILED : VKW_CHECK_PASSED;
}

static void judge_device(const vkw_check_config *c, vkw_check_result *r, uint32_t dev,
                         const vkw_check_item *items, uint32_t item_count, uint32_t first_run)
{
    const vkw_device_report *d = &r->probe.devices[dev];
    for (uint32_t k = 0; k < item_count; k++) {
        const vkw_check_item *it = &items[k];
        vkw_expectation *e = &r->expectations[r->expectation_count++];
        fill(c, it, dev, d, e);
        if (it->kind == VKW_ITEM_CAPABILITY) {
            if (!d->complete) {
                e->outcome = VKW_EXPECT_ERROR;
                say(e->message, sizeof e->message, "the device's probe did not complete: %s",
                    r->probe.message);
            } else {
                judge_capability(&c->capabilities[it->index], d, e);
            }
            continue;
        }
        if (it->kind == VKW_ITEM_VALIDATION) {
            uint32_t n = r->probe.debug.validation_errors, in_benches = 0;
            for (uint32_t i = first_run; i < r->run_count; i++)
                in_benches += r->runs[i].report.debug.validation_errors;
            say(e->measured, sizeof e->measured, "%u errors (probe %u, benches %u)", n + in_benches,
                n, in_benches);
            snprintf(e->limit, sizeof e->limit, "0");
            if (r->probe.interrupted) { /* what did not run could still have erred */
                e->outcome = VKW_EXPECT_ERROR;
                say(e->message, sizeof e->message, "not judged: %s before every bench ran",
                    r->message);
                continue;
            }
            judge(e, n + in_benches == 0);
            if (e->outcome != VKW_EXPECT_PASSED)
                say(e->message, sizeof e->message,
                    "the validation layer reported %u errors; "
                    "the JSON report's validation.messages "
                    "list them",
                    n + in_benches);
            continue;
        }
        const vkw_check_bench_run *run = NULL;
        for (uint32_t i = first_run; i < r->run_count && !run; i++)
            if (r->runs[i].bench == it->index)
                run = &r->runs[i];
        const vkw_check_bench *cb = &c->benches[it->index];
        if (cb->stress && run && run->report.stress && !stress_broken(run->status)) {
            judge_stress(&cb->thresholds[it->threshold], run->report.stress, e);
            e->seconds = run->report.stress->elapsed_s;
            continue;
        }
        if (!run || (cb->stress ? !run->report.stress || stress_broken(run->status)
                                : !run->report.bench || run_broken(run->status))) {
            e->outcome = VKW_EXPECT_ERROR;
            if (!run && r->probe.interrupted)
                say(e->message, sizeof e->message, "not judged: the bench did not run (%s)",
                    r->message);
            else
                say(e->message, sizeof e->message, "the bench could not be judged: %s",
                    run && run->message[0] ? run->message : "it did not run");
            continue;
        }
        const vkw_bench_report *b = run->report.bench;
        if (cb->memory)
            vkw_check_judge_memory(&cb->thresholds[it->threshold], b, e);
        else
            judge_sync(cb, it, b, e);
        e->seconds = b->bench_ms / 1e3;
    }
}

/* Each bench's time, shared among its expectations (so JUnit's sum is the run's). */
static void share_time(vkw_check_result *r, uint32_t from)
{
    for (uint32_t i = from; i < r->expectation_count; i++) {
        vkw_expectation *e = &r->expectations[i];
        uint32_t same = 0;
        for (uint32_t j = from; j < r->expectation_count; j++)
            same += r->expectations[j].bench == e->bench &&
                    r->expectations[j].device_index == e->device_index;
        if (same)
            e->seconds /= same;
    }
}

/* The probe's interop part (loading CUDA and GL) only when a capability
 * names another API as its importer. */
static bool needs_interop(const vkw_check_config *c)
{
    for (uint32_t i = 0; i < c->capability_count; i++)
        if (c->capabilities[i].importer != VKW_IMPORTER_VULKAN)
            return true;
    return false;
}

vkw_status vkw_check_run(const vkw_check_config *c, const vkw_check_options *o,
                         vkw_check_result *out, vkw_error *err)
{
    memset(out, 0, sizeof *out);
    out->config = c;
    vkw_report_init(&out->probe, "check");
    uint64_t start = vkw_clock_ns();
    vkw_status env_status = VKW_E_UNSUPPORTED; /* the status of an environment outcome */
    vkw_check_item *items = NULL;
    uint32_t item_count = 0;
    vkw_status s = vkw_check_plan(c, &items, &item_count, err);
    if (s != VKW_OK)
        goto done;
    progress(o, "", "probing the devices");
    vkw_probe_options po = {
        .loader_path = o->loader_path ? o->loader_path
                       : c->loader[0] ? c->loader
                                      : NULL,
        .validate = c->validate,
        .filter = NULL,
        .interop = needs_interop(c),
    };
    vkw_error perr;
    vkw_error_clear(&perr);
    vkw_status ps = vkw_probe_run(&po, &out->probe, &perr);
    if (environment_status(ps)) {
        env_status = ps;
        out->verdict = VKW_CHECK_ENVIRONMENT;
        snprintf(out->message, sizeof out->message, "%s", perr.message);
        goto done;
    }
    /* After the probe, so the report still shows what this machine has. */
    if (c->has_os && (c->os == VKW_OS_WINDOWS) != (vkw_platform_os() == VKW_OS_WINDOWS)) {
        out->verdict = VKW_CHECK_ENVIRONMENT;
        snprintf(out->message, sizeof out->message, "the config is for %s; this is %s",
                 c->os == VKW_OS_WINDOWS ? "windows" : "linux", vkw_platform_os_name());
        goto done;
    }

    if (ps == VKW_E_NO_MEMORY) {
        s = vkw_fail(err, ps, "%s", perr.message);
        goto done;
    }
    out->selected = calloc(out->probe.device_count ? out->probe.device_count : 1, sizeof(bool));
    out->expectations =
        calloc((size_t)item_count * (out->probe.device_count + 1) + 1, sizeof *out->expectations);
    out->runs =
        calloc((size_t)c->bench_count * (out->probe.device_count + 1) + 1, sizeof *out->runs);
    if (!out->selected || !out->expectations || !out->runs) {
        s = vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory running the check");
        goto done;
    }
    for (uint32_t i = 0; i < out->probe.device_count; i++) {
        const vkw_device_report *d = &out->probe.devices[i];
        bool pick = c->all_devices;
        for (uint32_t k = 0; k < c->selector_count && !pick; k++)
            pick = vkw_check_selector_match(&c->selectors[k], d->index, d->name, d->vendor_id,
                                            d->has_id_properties ? d->device_uuid : NULL);
        out->selected[i] = pick;
        out->selected_count += pick;
    }
    if (!out->probe.device_count && ps != VKW_OK && ps != VKW_E_VALIDATION) {
        out->verdict = VKW_CHECK_ERROR; /* the probe failed before it listed a device */
        snprintf(out->message, sizeof out->message, "%s", perr.message);
        goto done;
    }
    if (!out->selected_count) {
        env_status = VKW_E_NO_DEVICE_MATCH;
        out->verdict = VKW_CHECK_ENVIRONMENT;
        int n = snprintf(out->message, sizeof out->message,
                         "no device matches the config's devices (found:");
        for (uint32_t i = 0;
             i < out->probe.device_count && n > 0 && (size_t)n < sizeof out->message; i++)
            n += snprintf(out->message + n, sizeof out->message - (size_t)n, "%s #%u %s",
                          i ? "," : "", out->probe.devices[i].index, out->probe.devices[i].name);
        if (n > 0 && (size_t)n < sizeof out->message - 1)
            snprintf(out->message + n, sizeof out->message - (size_t)n, ")");
        goto done;
    }
    if (ps != VKW_OK && ps != VKW_E_VALIDATION)
        snprintf(out->message, sizeof out->message, "%s", perr.message);

    for (uint32_t i = 0; i < out->probe.device_count; i++) {
        if (!out->selected[i])
            continue;
        uint32_t first_run = out->run_count, first_expectation = out->expectation_count;
        /* Once stopped, no bench runs; every device's expectations are still
         * listed (what is not measured, as not judged). */
        for (uint32_t b = 0; b < c->bench_count && !out->probe.interrupted; b++) {
            vkw_error stop;
            if (vkw_stop_check(&stop) != VKW_OK) {
                out->probe.interrupted = true;
                snprintf(out->message, sizeof out->message, "%s", stop.message);
                break;
            }
            vkw_check_bench_run *run = &out->runs[out->run_count++];
            s = run_bench(c, o, b, i, &out->probe, run);
            if (s != VKW_OK) {
                vkw_fail(err, s, "out of host memory running '%s'", c->benches[b].name);
                goto done;
            }
            if (run->status == VKW_E_INTERRUPTED) {
                out->probe.interrupted = true;
                snprintf(out->message, sizeof out->message, "%s", run->message);
            }
        }
        judge_device(c, out, i, items, item_count, first_run);
        share_time(out, first_expectation);
    }

done:
    /* One rule for every environment outcome: the report's status is not ok
     * and names what the machine lacks (the probe's own failure, if it had
     * one, else the check's finding). */
    if (out->verdict == VKW_CHECK_ENVIRONMENT) {
        vkw_error env;
        vkw_error_clear(&env);
        vkw_fail(&env, env_status, "%s", out->message);
        vkw_report_set_error(&out->probe, &env);
    }
    free(items);
    tally(out);
    out->total_ms = (double)(vkw_clock_ns() - start) / 1e6;
    return s;
}

void vkw_check_result_free(vkw_check_result *r)
{
    for (uint32_t i = 0; i < r->run_count; i++)
        vkw_report_free(&r->runs[i].report);
    free(r->runs);
    free(r->expectations);
    free(r->selected);
    vkw_report_free(&r->probe);
    memset(r, 0, sizeof *r);
}
