#include "compare.h"

#include "json_file.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *vkw_finding_kind_name(vkw_finding_kind k)
{
    switch (k) {
    case VKW_FINDING_DEVICE_MISSING: return "device missing";
    case VKW_FINDING_LOST: return "lost";
    case VKW_FINDING_GAINED: return "gained";
    case VKW_FINDING_NOW_FAILING: return "now failing";
    case VKW_FINDING_SLOWER: return "slower";
    case VKW_FINDING_LOWER_THROUGHPUT: return "lower throughput";
    }
    return "unknown";
}

/* Times under this many microseconds are noise to any tolerance. */
#define NOISE_FLOOR_US 0.5

static const cJSON *get(const cJSON *o, const char *key)
{
    return o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = get(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = get(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static vkw_finding *add(vkw_comparison *c, vkw_finding_kind kind, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static vkw_finding *add(vkw_comparison *c, vkw_finding_kind kind, const char *fmt, ...)
{
    if (c->count == c->cap) {
        uint32_t cap = c->cap ? c->cap * 2 : 16;
        vkw_finding *more = realloc(c->findings, cap * sizeof *more);
        if (!more)
            return NULL;
        c->findings = more;
        c->cap = cap;
    }
    vkw_finding *f = &c->findings[c->count++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->regression = kind != VKW_FINDING_GAINED;
    c->regressions += f->regression;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->what, sizeof f->what, fmt, ap);
    va_end(ap);
    return f;
}

static bool shareable(const cJSON *verdict)
{
    const char *code = str(verdict, "code");
    return strcmp(code, "shareable") == 0 || strcmp(code, "shareable_dedicated") == 0;
}

static void verdicts(vkw_comparison *c, const char *device, const char *group, const char *label,
                     const cJSON *old_v, const cJSON *new_v)
{
    c->compared++;
    bool was = shareable(old_v), is = shareable(new_v);
    if (was == is)
        return;
    vkw_finding *f = add(c, was ? VKW_FINDING_LOST : VKW_FINDING_GAINED, "%s: %s %s", device,
                         group, label);
    if (f) {
        snprintf(f->old_text, sizeof f->old_text, "%s", str(old_v, "code"));
        snprintf(f->new_text, sizeof f->new_text, "%s: %.80s", str(new_v, "code"),
                 str(new_v, "detail"));
    }
}

/* Entries of an array whose `key` field equals the old entry's. */
static const cJSON *same(const cJSON *array, const char *key, const char *value)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, array)
        if (strcmp(str(e, key), value) == 0)
            return e;
    return NULL;
}

static void capabilities(vkw_comparison *c, const cJSON *od, const cJSON *nd, const char *device)
{
    static const char *const groups[] = {"external_memory", "external_semaphores",
                                         "external_fences"};
    for (size_t g = 0; g < 3; g++) {
        const cJSON *oe;
        cJSON_ArrayForEach(oe, get(od, groups[g]))
        {
            const char *type = str(oe, "handle_type");
            const cJSON *ne = same(get(nd, groups[g]), "handle_type", type);
            const cJSON *ov = get(oe, "verdict"), *nv = get(ne, "verdict");
            if (!ne || !nv)
                continue;
            if (g == 1) {
                char label[96];
                snprintf(label, sizeof label, "%s binary", type);
                verdicts(c, device, "semaphore", label, get(ov, "binary"), get(nv, "binary"));
                snprintf(label, sizeof label, "%s timeline", type);
                verdicts(c, device, "semaphore", label, get(ov, "timeline"), get(nv, "timeline"));
            } else {
                verdicts(c, device, g == 0 ? "memory" : "fence", type, ov, nv);
            }
        }
    }
}

/* A time (lower is better) or a rate (higher is better) compared. */
static void figure(vkw_comparison *c, const char *what, const char *unit, double old_v,
                   double new_v, bool higher_is_better)
{
    if (old_v <= 0 || new_v <= 0)
        return;
    c->compared++;
    double change = (new_v - old_v) / old_v * 100.0;
    bool worse = higher_is_better ? -change > c->tolerance_pct
                                  : change > c->tolerance_pct &&
                                        (strcmp(unit, "us") != 0 || new_v - old_v > NOISE_FLOOR_US);
    if (!worse)
        return;
    vkw_finding *f = add(c, higher_is_better ? VKW_FINDING_LOWER_THROUGHPUT : VKW_FINDING_SLOWER,
                         "%s", what);
    if (f) {
        snprintf(f->old_text, sizeof f->old_text, "%.2f %s", old_v, unit);
        snprintf(f->new_text, sizeof f->new_text, "%.2f %s", new_v, unit);
        f->change_pct = change;
    }
}

static bool passed(const cJSON *o)
{
    return strcmp(str(o, "outcome"), "passed") == 0;
}

/* What passed in the old report and not in the new one. */
static void now_failing(vkw_comparison *c, const char *what, const cJSON *now)
{
    vkw_finding *f = add(c, VKW_FINDING_NOW_FAILING, "%s", what);
    if (f) {
        snprintf(f->old_text, sizeof f->old_text, "passed");
        snprintf(f->new_text, sizeof f->new_text, "%s: %.80s", str(now, "outcome"),
                 str(now, "reason"));
    }
}

static void memory(vkw_comparison *c, const char *prefix, const cJSON *ob, const cJSON *nb)
{
    const cJSON *os;
    cJSON_ArrayForEach(os, get(ob, "memory"))
    {
        const cJSON *ns = NULL, *e;
        cJSON_ArrayForEach(e, get(nb, "memory"))
            if (strcmp(str(e, "handle_type"), str(os, "handle_type")) == 0 &&
                strcmp(str(e, "scenario"), str(os, "scenario")) == 0 &&
                num(e, "size_requested") == num(os, "size_requested"))
                ns = e;
        char what[160];
        snprintf(what, sizeof what, "%smemory %s %s %.0f bytes", prefix, str(os, "handle_type"),
                 str(os, "scenario"), num(os, "size_requested"));
        if (!ns || !passed(os))
            continue;
        c->compared++;
        if (!passed(ns)) {
            now_failing(c, what, ns);
            continue;
        }
        const cJSON *ph = get(os, "phases_us"), *p;
        cJSON_ArrayForEach(p, ph)
        {
            char w[200];
            snprintf(w, sizeof w, "%s %s (median)", what, p->string);
            figure(c, w, "us", num(p, "median"),
                   num(get(get(ns, "phases_us"), p->string), "median"), false);
        }
        static const char *const rates[] = {"child_gbps", "parent_gbps"};
        for (size_t r = 0; r < 2; r++) {
            char w[200];
            snprintf(w, sizeof w, "%s verify %s", what, rates[r]);
            figure(c, w, "GB/s", num(get(os, "verify"), rates[r]), num(get(ns, "verify"), rates[r]),
                   true);
        }
    }
}

static void round_trip_key(const cJSON *r, char *buf, size_t len)
{
    const char *which = str(r, "os_primitive")[0] ? str(r, "os_primitive") : str(r, "handle_type");
    snprintf(buf, len, "round trip %s %s %s peer", str(r, "mode"), which[0] ? which : "in-process",
             str(r, "peer"));
}

static void round_trips(vkw_comparison *c, const char *prefix, const cJSON *ob, const cJSON *nb)
{
    const cJSON *orr;
    cJSON_ArrayForEach(orr, get(get(ob, "round_trips"), "results"))
    {
        char key[160], nkey[160];
        round_trip_key(orr, key, sizeof key);
        const cJSON *nr = NULL, *e;
        cJSON_ArrayForEach(e, get(get(nb, "round_trips"), "results"))
        {
            round_trip_key(e, nkey, sizeof nkey);
            if (strcmp(key, nkey) == 0)
                nr = e;
        }
        if (!nr || !passed(orr))
            continue;
        c->compared++;
        char what[224];
        snprintf(what, sizeof what, "%s%s", prefix, key);
        if (!passed(nr)) {
            now_failing(c, what, nr);
            continue;
        }
        static const char *const q[] = {"p50", "p99"};
        for (size_t k = 0; k < 2; k++) {
            char w[240];
            snprintf(w, sizeof w, "%s %s", what, q[k]);
            figure(c, w, "us", num(get(orr, "round_trip_ns"), q[k]) / 1000.0,
                   num(get(nr, "round_trip_ns"), q[k]) / 1000.0, false);
        }
    }
}

/* Two check reports: expectations that passed and no longer do, and each
 * bench run against the run of the same bench on the same device. */
static void check_reports(vkw_comparison *c, const cJSON *oc, const cJSON *nc)
{
    const cJSON *oe;
    cJSON_ArrayForEach(oe, get(oc, "expectations"))
    {
        const cJSON *ne = same(get(nc, "expectations"), "id", str(oe, "id"));
        if (!ne || !passed(oe))
            continue;
        c->compared++;
        if (passed(ne))
            continue;
        vkw_finding *f = add(c, VKW_FINDING_NOW_FAILING, "expectation %s", str(oe, "id"));
        if (f) {
            snprintf(f->old_text, sizeof f->old_text, "passed: %.80s", str(oe, "measured"));
            snprintf(f->new_text, sizeof f->new_text, "%s: %.80s", str(ne, "outcome"),
                     str(ne, "message"));
        }
    }
    const cJSON *orun;
    cJSON_ArrayForEach(orun, get(oc, "runs"))
    {
        const cJSON *nrun = NULL, *e;
        cJSON_ArrayForEach(e, get(nc, "runs"))
            if (strcmp(str(e, "name"), str(orun, "name")) == 0 &&
                num(e, "device_index") == num(orun, "device_index"))
                nrun = e;
        if (!nrun)
            continue;
        char prefix[160];
        snprintf(prefix, sizeof prefix, "'%.100s' on device %.0f: ", str(orun, "name"),
                 num(orun, "device_index"));
        memory(c, prefix, get(orun, "bench"), get(nrun, "bench"));
        round_trips(c, prefix, get(orun, "bench"), get(nrun, "bench"));
    }
}

vkw_status vkw_compare_files(const char *old_path, const char *new_path, double tolerance_pct,
                             vkw_comparison *out, vkw_error *err)
{
    memset(out, 0, sizeof *out);
    out->tolerance_pct = tolerance_pct;
    cJSON *old_r = NULL, *new_r = NULL;
    vkw_status s = vkw_load_report_json(old_path, &old_r, err);
    if (s == VKW_OK)
        s = vkw_load_report_json(new_path, &new_r, err);
    if (s != VKW_OK)
        goto cleanup;
    const cJSON *od;
    cJSON_ArrayForEach(od, get(old_r, "devices"))
    {
        const char *uuid = str(get(od, "identity"), "device_uuid");
        const cJSON *nd = NULL, *e;
        cJSON_ArrayForEach(e, get(new_r, "devices"))
            if (strcmp(str(get(e, "identity"), "device_uuid"), uuid) == 0)
                nd = e;
        char device[160];
        snprintf(device, sizeof device, "%s (%s)", str(get(od, "identity"), "name"), uuid);
        if (!nd) {
            add(out, VKW_FINDING_DEVICE_MISSING, "%s", device);
            continue;
        }
        capabilities(out, od, nd, device);
    }
    memory(out, "", get(old_r, "bench"), get(new_r, "bench"));
    round_trips(out, "", get(old_r, "bench"), get(new_r, "bench"));
    check_reports(out, get(old_r, "check"), get(new_r, "check"));

cleanup:
    cJSON_Delete(old_r);
    cJSON_Delete(new_r);
    return s;
}

void vkw_comparison_free(vkw_comparison *c)
{
    free(c->findings);
    memset(c, 0, sizeof *c);
}
