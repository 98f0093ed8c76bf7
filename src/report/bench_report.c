/* The bench's results in the report model (see bench_report.h): their names,
 * what is derived from a result, and their release. */
#include "bench_report.h"

#include <stdlib.h>
#include <string.h>

#include "report_vocab.h"

const char *vkw_scenario_kind_name(vkw_scenario_kind k)
{
    switch (k) {
    case VKW_SCENARIO_BUFFER_MAP: return "buffer-map";
    case VKW_SCENARIO_BUFFER_COPY: return "buffer-copy";
    case VKW_SCENARIO_IMAGE_COPY: return "image-copy";
    case VKW_SCENARIO_KIND_COUNT: break;
    }
    return "unknown";
}

static const char *const fault_names[] = {
    "none",        "child-abort", "child-hang", "stale-handle",  "foreign-handle",
    "lost-signal", "leak",        "flip-byte",  "invalid-usage", "double-round-trips"};

const char *vkw_fault_name(vkw_fault f)
{
    return (size_t)f < sizeof fault_names / sizeof fault_names[0] ? fault_names[f] : "unknown";
}

bool vkw_fault_parse(const char *name, vkw_fault *out)
{
    for (size_t k = 0; k < sizeof fault_names / sizeof fault_names[0]; k++)
        if (strcmp(name, fault_names[k]) == 0) {
            *out = (vkw_fault)k;
            return true;
        }
    return false;
}

const char *vkw_verify_method_name(vkw_verify_method m)
{
    /* The words (report_vocab.c) in vkw_verify_method's order, one each. */
    if (vkw_vocab_verify_method.count != VKW_VERIFY_COUNT)
        return "unknown";
    return vkw_vocab_word(&vkw_vocab_verify_method, (uint32_t)m);
}

bool vkw_verify_method_parse(const char *name, vkw_verify_method *out)
{
    int32_t k = vkw_vocab_find(&vkw_vocab_verify_method, name);
    if (k < 0)
        return false;
    *out = (vkw_verify_method)k;
    return true;
}

const char *vkw_direction_name(vkw_direction d)
{
    return d == VKW_DIRECTION_READ ? "read" : "write";
}

const char *vkw_phase_name(vkw_phase p)
{
    return vkw_vocab_word(&vkw_vocab_phase, (uint32_t)p);
}

const char *vkw_outcome_name(vkw_outcome o)
{
    return vkw_vocab_word(&vkw_vocab_outcome, (uint32_t)o);
}

const vkw_handle_type *vkw_sync_result_type(const vkw_sync_result *r)
{
    if (r->type_index < 0)
        return NULL;
    return vkw_sync_mode_uses_fences(r->mode) ? &vkw_fence_handle_types[r->type_index]
                                              : &vkw_semaphore_handle_types[r->type_index];
}

double vkw_memory_scenario_gbps(const vkw_memory_scenario *sc, vkw_phase verify)
{
    const vkw_summary *sm = &sc->phase_us[verify];
    return sm->count && sm->median > 0 ? (double)sc->desc.size / (sm->median * 1e3) : 0;
}

bool vkw_phase_moves_bytes(vkw_phase p)
{
    switch (p) {
    case VKW_PHASE_PARENT_WRITE:
    case VKW_PHASE_PARENT_COPY_IN:
    case VKW_PHASE_PARENT_FILL:
    case VKW_PHASE_CHILD_GPU_VERIFY:
    case VKW_PHASE_CHILD_READ:
    case VKW_PHASE_CHILD_VERIFY:
    case VKW_PHASE_CHILD_WRITE:
    case VKW_PHASE_CHILD_COPY_IN:
    case VKW_PHASE_CHILD_FILL:
    case VKW_PHASE_PARENT_GPU_VERIFY:
    case VKW_PHASE_PARENT_READ:
    case VKW_PHASE_PARENT_VERIFY: return true;
    default: return false;
    }
}

double vkw_memory_phase_gbps(const vkw_memory_scenario *sc, vkw_phase p)
{
    /* Mapped memory is not copied: its read is an invalidate, it has no copy in. */
    bool copies = p == VKW_PHASE_PARENT_COPY_IN || p == VKW_PHASE_CHILD_COPY_IN ||
                  p == VKW_PHASE_CHILD_READ || p == VKW_PHASE_PARENT_READ;
    if (!vkw_phase_moves_bytes(p) || (copies && sc->kind == VKW_SCENARIO_BUFFER_MAP))
        return 0;
    return vkw_memory_scenario_gbps(sc, p);
}

vkw_phase vkw_memory_verify_phase(const vkw_memory_scenario *sc, bool child)
{
    vkw_phase gpu = child ? VKW_PHASE_CHILD_GPU_VERIFY : VKW_PHASE_PARENT_GPU_VERIFY;
    /* Ran: samples, not only zeros (a bench that summarises every phase
     * gives one it did not run a count and zeros). */
    const vkw_summary *s = &sc->phase_us[gpu];
    return s->count && s->max > 0 ? gpu : child ? VKW_PHASE_CHILD_VERIFY : VKW_PHASE_PARENT_VERIFY;
}

double vkw_ivl_gbps(const vkw_memory_scenario *sc, vkw_direction d, bool imported)
{
    if (!sc->ivl.measured || (unsigned)d >= VKW_DIRECTION_COUNT)
        return 0;
    const vkw_summary *sm = imported ? &sc->ivl.imported_us[d] : &sc->ivl.local_us[d];
    return sm->count && sm->median > 0 ? (double)sc->desc.size / (sm->median * 1e3) : 0;
}

double vkw_ivl_ratio(const vkw_memory_scenario *sc, vkw_direction d)
{
    double imported = vkw_ivl_gbps(sc, d, true), local = vkw_ivl_gbps(sc, d, false);
    return imported > 0 && local > 0 ? imported / local : 0;
}

double vkw_ivl_ratio_min(const vkw_memory_scenario *sc)
{
    double lo = 0;
    for (uint32_t d = 0; d < VKW_DIRECTION_COUNT; d++) {
        double r = vkw_ivl_ratio(sc, (vkw_direction)d);
        if (r > 0 && (lo == 0 || r < lo))
            lo = r;
    }
    return lo;
}

uint32_t vkw_memory_scenario_leaked(const vkw_memory_scenario *sc)
{
    uint32_t n = 0;
    if (sc->parent_counted && sc->parent_handles_after > sc->parent_handles_before)
        n += sc->parent_handles_after - sc->parent_handles_before;
    if (sc->child_counted && sc->child_handles_after > sc->child_handles_before)
        n += sc->child_handles_after - sc->child_handles_before;
    return n;
}

void vkw_bench_report_free(vkw_bench_report *b)
{
    for (uint32_t i = 0; i < b->sync_count; i++) {
        free(b->sync[i].samples);
        free(b->sync[i].repeat_p50);
        free(b->sync[i].repeat_p99);
    }
    free(b->sync);
    b->sync = NULL;
    b->sync_count = 0;
    free(b->scenarios);
    b->scenarios = NULL;
    b->scenario_count = 0;
}
