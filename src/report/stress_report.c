/* The stress report's words, defaults and series (stress_report.h). */
#include "stress_report.h"

#include <stdlib.h>
#include <string.h>

const char *const vkw_stress_op_words[VKW_STRESS_OP_COUNT] = {
    "memory", "fan-out", "binary", "timeline", "fence", "signal",
};
const char *const vkw_chaos_words[VKW_CHAOS_COUNT] = {
    "kill-import", "kill-wait", "close-early", "stale", "foreign", "stop", "drop",
};
const char *const vkw_stress_fault_words[VKW_STRESS_FAULT_COUNT] = {
    "none", "leak", "flip-byte", "deaf", "invalid-usage",
};
const char *const vkw_trend_quantity_words[VKW_TREND_QUANTITY_COUNT] = {
    "handles",
    "resident",
    "gpu-memory",
    "p50",
};
const char *const vkw_stress_end_words[VKW_STRESS_END_COUNT] = {
    "cycles",
    "duration",
    "stopped",
    "failed",
};

const char *vkw_stress_op_name(vkw_stress_op op)
{
    return (unsigned)op < VKW_STRESS_OP_COUNT ? vkw_stress_op_words[op] : "unknown";
}

const char *vkw_chaos_name(vkw_chaos_kind k)
{
    return (unsigned)k < VKW_CHAOS_COUNT ? vkw_chaos_words[k] : "unknown";
}

void vkw_stress_options_default(vkw_stress_options *o)
{
    memset(o, 0, sizeof *o);
    o->importers = 4;
    o->concurrency = 2;
    o->duration_ms = 20000;
    o->verify_every = 1;
    o->interval_ms = 1000;
    o->timeout_ms = 5000;
    o->size_count = 2;
    o->sizes[0] = 64u << 10;
    o->sizes[1] = 1u << 20;
    o->limits.leak_per_min_max = 0;
    o->limits.resident_mib_per_min_max = 8;
    o->limits.p99_us_max = -1;
    o->limits.ops_per_s_min = -1;
    o->limits.faults_undetected_max = 0;
}

vkw_stress_point *vkw_stress_series_add(vkw_stress_series *s, uint32_t processes)
{
    if (s->count == 0)
        s->processes = processes;
    if (s->count == s->capacity) {
        uint32_t cap = s->capacity ? s->capacity * 2 : 64;
        vkw_stress_point *p = realloc(s->points, (size_t)cap * sizeof *p);
        if (!p)
            return NULL;
        s->points = p;
        int64_t *h = realloc(s->handles, (size_t)cap * s->processes * sizeof *h);
        if (!h)
            return NULL;
        s->handles = h;
        uint64_t *r = realloc(s->resident, (size_t)cap * s->processes * sizeof *r);
        if (!r)
            return NULL;
        s->resident = r;
        uint32_t *n = realloc(s->restarts, (size_t)cap * s->processes * sizeof *n);
        if (!n)
            return NULL;
        s->restarts = n;
        s->capacity = cap;
    }
    uint32_t i = s->count++;
    vkw_stress_point *p = &s->points[i];
    memset(p, 0, sizeof *p);
    for (uint32_t k = 0; k < s->processes; k++) {
        s->handles[(size_t)i * s->processes + k] = -1;
        s->resident[(size_t)i * s->processes + k] = 0;
        s->restarts[(size_t)i * s->processes + k] = 0;
    }
    return p;
}

void vkw_stress_report_free(vkw_stress_report *r)
{
    if (!r)
        return;
    free(r->series.points);
    free(r->series.handles);
    free(r->series.resident);
    free(r->series.restarts);
    memset(&r->series, 0, sizeof r->series);
}
