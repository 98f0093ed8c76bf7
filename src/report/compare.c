#include "compare.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_report.h"
#include "report.h"
#include "report_read.h"
#include "report_vocab.h"
#include "base/stats.h"

_Static_assert(VKW_READ_PHASE_COUNT == VKW_PHASE_COUNT, "the reader holds every phase");

const char *vkw_finding_kind_name(vkw_finding_kind k)
{
    switch (k) {
    case VKW_FINDING_LOST: return "lost";
    case VKW_FINDING_NOW_FAILING: return "now failing";
    case VKW_FINDING_SLOWER: return "slower";
    case VKW_FINDING_LOWER_THROUGHPUT: return "lower throughput";
    case VKW_FINDING_GAINED: return "gained";
    case VKW_FINDING_CHANGED: return "changed";
    }
    return "unknown";
}

const char *vkw_evidence_kind_name(vkw_evidence_kind k)
{
    switch (k) {
    case VKW_EVIDENCE_NONE: return "none";
    case VKW_EVIDENCE_REPEATS: return "mann-whitney-u-on-repeats";
    case VKW_EVIDENCE_RANGES: return "iteration-ranges";
    case VKW_EVIDENCE_NO_SPREAD: return "no-spread-measured";
    }
    return "unknown";
}

/* Times under this many microseconds are noise to any tolerance. */
#define NOISE_FLOOR_US 0.5
/* Fewer iterations than this give no range to speak of. */
#define MIN_RANGE_COUNT 3

typedef struct ctx {
    vkw_comparison *c;
    vkw_error *err;
    vkw_status s; /* the first failure (out of memory) */
    const vkw_read_report *o, *n;
    int32_t *dev_map; /* old device position -> new, or -1 */
} ctx;

static bool oom(ctx *x)
{
    if (x->s == VKW_OK)
        x->s = vkw_fail(x->err, VKW_E_NO_MEMORY, "out of host memory comparing reports");
    return false;
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

static vkw_finding *add(ctx *x, vkw_finding_kind kind, bool regression, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static vkw_finding *add(ctx *x, vkw_finding_kind kind, bool regression, const char *fmt, ...)
{
    vkw_comparison *c = x->c;
    if (c->count == c->cap) {
        uint32_t cap = c->cap ? c->cap * 2 : 16;
        vkw_finding *more = realloc(c->findings, cap * sizeof *more);
        if (!more) {
            oom(x);
            return NULL;
        }
        c->findings = more;
        c->cap = cap;
    }
    vkw_finding *f = &c->findings[c->count++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->regression = regression;
    c->regressions += regression;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->what, sizeof f->what, fmt, ap);
    va_end(ap);
    return f;
}

/* ---- pairing by key -------------------------------------------------------- */

typedef struct keyed {
    char *key; /* NULL: takes no part */
    uint32_t index;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *p = a, *q = b;
    int d = strcmp(p->key, q->key);
    return d ? d : (p->index > q->index) - (p->index < q->index);
}

typedef struct keys {
    uint32_t n;
    keyed *k;
} keys;

static bool keys_init(ctx *x, keys *ks, uint32_t n)
{
    ks->n = n;
    ks->k = calloc(n ? n : 1, sizeof *ks->k);
    return ks->k ? true : oom(x);
}

static void keys_set(ctx *x, keys *ks, uint32_t i, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static void keys_set(ctx *x, keys *ks, uint32_t i, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ks->k[i].index = i;
    ks->k[i].key = malloc(strlen(buf) + 1);
    if (!ks->k[i].key)
        oom(x);
    else
        strcpy(ks->k[i].key, buf);
}

static void keys_free(keys *ks)
{
    for (uint32_t i = 0; ks->k && i < ks->n; i++)
        free(ks->k[i].key);
    free(ks->k);
    memset(ks, 0, sizeof *ks);
}

/* Pairs equal keys (the i-th of a key before with the i-th after): match[i]
 * is the new index of old entry i, or -1; entries already matched (match[i]
 * >= 0, taken[j]) and NULL keys take no part. Sorted, then merged: n log n. */
static void pair_up(ctx *x, keys *old_k, keys *new_k, int32_t *match, bool *taken)
{
    keyed *a = malloc((old_k->n ? old_k->n : 1) * sizeof *a);
    keyed *b = malloc((new_k->n ? new_k->n : 1) * sizeof *b);
    if (!a || !b) {
        oom(x);
        goto cleanup;
    }
    uint32_t na = 0, nb = 0;
    for (uint32_t i = 0; i < old_k->n; i++)
        if (old_k->k[i].key && match[i] < 0)
            a[na++] = old_k->k[i];
    for (uint32_t j = 0; j < new_k->n; j++)
        if (new_k->k[j].key && !(taken && taken[j]))
            b[nb++] = new_k->k[j];
    qsort(a, na, sizeof *a, cmp_keyed);
    qsort(b, nb, sizeof *b, cmp_keyed);
    for (uint32_t i = 0, j = 0; i < na && j < nb;) {
        int d = strcmp(a[i].key, b[j].key);
        if (d < 0) {
            i++;
        } else if (d > 0) {
            j++;
        } else {
            match[a[i].index] = (int32_t)b[j].index;
            if (taken)
                taken[b[j].index] = true;
            i++;
            j++;
        }
    }
cleanup:
    free(a);
    free(b);
}

static int32_t *no_matches(ctx *x, uint32_t n)
{
    int32_t *m = malloc((n ? n : 1) * sizeof *m);
    if (!m) {
        oom(x);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++)
        m[i] = -1;
    return m;
}

/* ---- figures --------------------------------------------------------------- */

/* What measures a figure's spread in one report. */
typedef struct spread {
    const double *repeats; /* round trips: one value per repeat */
    uint32_t repeat_count;
    const vkw_read_summary *range; /* memory: the phase's iterations */
} spread;

static double *copy_values(ctx *x, const double *v, uint32_t n)
{
    if (!n)
        return NULL;
    double *c = malloc(n * sizeof *c);
    if (!c) {
        oom(x);
        return NULL;
    }
    memcpy(c, v, n * sizeof *c);
    return c;
}

/* Whether a change beyond the tolerance is also beyond the spread both
 * reports measured; fills the evidence. */
static bool judge(ctx *x, vkw_evidence *ev, const spread *os, const spread *ns, double factor)
{
    double alpha = x->c->alpha;
    if (os->range && ns->range) {
        const vkw_read_summary *a = os->range, *b = ns->range;
        ev->old_min = a->min;
        ev->old_max = a->max;
        ev->new_min = b->min;
        ev->new_max = b->max;
        ev->old_n = a->count;
        ev->new_n = b->count;
        if (a->count < MIN_RANGE_COUNT || b->count < MIN_RANGE_COUNT) {
            ev->kind = VKW_EVIDENCE_NO_SPREAD;
            snprintf(ev->why, sizeof ev->why,
                     "fewer than %d iterations on a side: no spread to judge by (run more)",
                     MIN_RANGE_COUNT);
            return false;
        }
        ev->kind = VKW_EVIDENCE_RANGES;
        ev->beyond_spread = b->min > a->max * factor;
        snprintf(ev->why, sizeof ev->why, "%s",
                 ev->beyond_spread
                     ? "every new iteration is slower than every old one beyond the tolerance"
                     : "the iterations' ranges overlap (within the run-to-run spread)");
        return ev->beyond_spread;
    }
    ev->old_n = os->repeat_count;
    ev->new_n = ns->repeat_count;
    ev->old_values = copy_values(x, os->repeats, os->repeat_count);
    ev->new_values = copy_values(x, ns->repeats, ns->repeat_count);
    if (os->repeat_count < 2 || ns->repeat_count < 2 ||
        vkw_mann_whitney_min_p(os->repeat_count, ns->repeat_count) > alpha) {
        ev->kind = VKW_EVIDENCE_NO_SPREAD;
        snprintf(ev->why, sizeof ev->why,
                 "%u and %u repeat(s): too few to tell a change from the run-to-run spread "
                 "(5 repeats or more on both)",
                 os->repeat_count, ns->repeat_count);
        return false;
    }
    ev->kind = VKW_EVIDENCE_REPEATS;
    double *scaled = malloc(os->repeat_count * sizeof *scaled);
    if (!scaled)
        return oom(x);
    for (uint32_t i = 0; i < os->repeat_count; i++)
        scaled[i] = os->repeats[i] * factor;
    ev->p =
        vkw_mann_whitney_greater(scaled, os->repeat_count, ns->repeats, ns->repeat_count, &ev->u);
    free(scaled);
    ev->beyond_spread = ev->p < alpha;
    snprintf(ev->why, sizeof ev->why, "Mann-Whitney U %.1f of %u, p %.4f %s %.2f", ev->u,
             os->repeat_count * ns->repeat_count, ev->p, ev->beyond_spread ? "<" : ">=", alpha);
    return ev->beyond_spread;
}

/* A time (lower is better) or a rate (higher is better) compared. */
static void figure(ctx *x, const char *what, const char *unit, double old_v, double new_v,
                   bool higher_is_better, const spread *os, const spread *ns)
{
    if (old_v <= 0 || new_v <= 0)
        return;
    x->c->compared++;
    double tol = x->c->tolerance_pct;
    double change = (new_v - old_v) / old_v * 100.0;
    bool worse = higher_is_better
                     ? -change > tol
                     : change > tol && (strcmp(unit, "us") != 0 || new_v - old_v > NOISE_FLOOR_US);
    if (!worse)
        return;
    vkw_evidence ev;
    memset(&ev, 0, sizeof ev);
    bool regression = judge(x, &ev, os, ns, 1.0 + tol / 100.0);
    vkw_finding *f = add(x, higher_is_better ? VKW_FINDING_LOWER_THROUGHPUT : VKW_FINDING_SLOWER,
                         regression, "%s", what);
    if (!f) {
        free(ev.old_values);
        free(ev.new_values);
        return;
    }
    snprintf(f->old_text, sizeof f->old_text, "%.2f %s", old_v, unit);
    snprintf(f->new_text, sizeof f->new_text, "%.2f %s", new_v, unit);
    f->old_value = old_v;
    f->new_value = new_v;
    snprintf(f->unit, sizeof f->unit, "%s", unit);
    f->change_pct = change;
    f->evidence = ev;
}

/* ---- what passed and what is lost ------------------------------------------ */

static bool shareable(int32_t v)
{
    return v == VKW_VERDICT_SHAREABLE || v == VKW_VERDICT_SHAREABLE_DEDICATED;
}

static const char *group_label(vkw_cap_group g)
{
    switch (g) {
    case VKW_CAP_MEMORY: return "memory";
    case VKW_CAP_SEMAPHORE_BINARY: return "semaphore binary";
    case VKW_CAP_SEMAPHORE_TIMELINE: return "semaphore timeline";
    case VKW_CAP_FENCE: return "fence";
    }
    return "?";
}

static void device_label(const vkw_read_device *d, char *buf, size_t len)
{
    snprintf(buf, len, "%.120s (%s)", or_dash(d->name), d->uuid ? d->uuid : "no deviceUUID");
}

static void capabilities(ctx *x, const vkw_read_device *od, const vkw_read_device *nd)
{
    char device[200];
    device_label(od, device, sizeof device);
    keys ok = {0}, nk = {0};
    int32_t *match = NULL;
    if (!keys_init(x, &ok, od->cap_count) || !keys_init(x, &nk, nd->cap_count))
        goto cleanup;
    for (uint32_t i = 0; i < od->cap_count; i++)
        keys_set(x, &ok, i, "%d|%s", od->caps[i].group, or_dash(od->caps[i].handle_type));
    for (uint32_t j = 0; j < nd->cap_count; j++)
        keys_set(x, &nk, j, "%d|%s", nd->caps[j].group, or_dash(nd->caps[j].handle_type));
    if (x->s != VKW_OK || !(match = no_matches(x, od->cap_count)))
        goto cleanup;
    pair_up(x, &ok, &nk, match, NULL);
    for (uint32_t i = 0; i < od->cap_count; i++) {
        const vkw_read_cap *oc = &od->caps[i];
        const vkw_read_cap *nc = match[i] >= 0 ? &nd->caps[match[i]] : NULL;
        x->c->compared++;
        bool was = shareable(oc->verdict), is = nc && shareable(nc->verdict);
        vkw_finding *f = NULL;
        if (was && !is)
            f = add(x, VKW_FINDING_LOST, true, "%s: %s %s", device, group_label(oc->group),
                    or_dash(oc->handle_type));
        else if (!was && is)
            f = add(x, VKW_FINDING_GAINED, false, "%s: %s %s", device, group_label(oc->group),
                    or_dash(oc->handle_type));
        else if (was && is && oc->verdict != nc->verdict)
            f = add(x, VKW_FINDING_CHANGED, false, "%s: %s %s", device, group_label(oc->group),
                    or_dash(oc->handle_type));
        if (f) {
            snprintf(f->old_text, sizeof f->old_text, "%s", or_dash(oc->verdict_text));
            if (nc)
                snprintf(f->new_text, sizeof f->new_text, "%s: %.80s", or_dash(nc->verdict_text),
                         or_dash(nc->detail));
            else
                snprintf(f->new_text, sizeof f->new_text, "absent from the new report");
        }
    }
cleanup:
    free(match);
    keys_free(&ok);
    keys_free(&nk);
}

/* An item that passed before: absent, skipped or not run now is lost; failed
 * is now failing. True when it passed again (its figures are compared). */
static bool still_passes(ctx *x, const char *what, bool present, int32_t outcome,
                         const char *outcome_text, const char *reason, int32_t passed,
                         int32_t failed, int32_t error)
{
    x->c->compared++;
    if (present && outcome == passed)
        return true;
    bool failing = present && (outcome == failed || (error >= 0 && outcome == error));
    vkw_finding *f = add(x, failing ? VKW_FINDING_NOW_FAILING : VKW_FINDING_LOST, true, "%s", what);
    if (f) {
        snprintf(f->old_text, sizeof f->old_text, "passed");
        if (present)
            snprintf(f->new_text, sizeof f->new_text, "%s: %.80s", or_dash(outcome_text),
                     or_dash(reason));
        else
            snprintf(f->new_text, sizeof f->new_text, "absent from the new report");
    }
    return false;
}

static void handle_types(ctx *x, const char *prefix, const vkw_read_bench *ob,
                         const vkw_read_bench *nb)
{
    keys ok = {0}, nk = {0};
    int32_t *match = NULL;
    if (!keys_init(x, &ok, ob->type_count) || !keys_init(x, &nk, nb->type_count))
        goto cleanup;
    for (uint32_t i = 0; i < ob->type_count; i++)
        keys_set(x, &ok, i, "%s", or_dash(ob->types[i].handle_type));
    for (uint32_t j = 0; j < nb->type_count; j++)
        keys_set(x, &nk, j, "%s", or_dash(nb->types[j].handle_type));
    if (x->s != VKW_OK || !(match = no_matches(x, ob->type_count)))
        goto cleanup;
    pair_up(x, &ok, &nk, match, NULL);
    for (uint32_t i = 0; i < ob->type_count; i++) {
        if (!ob->types[i].tested)
            continue;
        x->c->compared++;
        if (match[i] >= 0 && nb->types[match[i]].tested)
            continue;
        vkw_finding *f = add(x, VKW_FINDING_LOST, true, "%sbench handle type %s", prefix,
                             or_dash(ob->types[i].handle_type));
        if (f) {
            snprintf(f->old_text, sizeof f->old_text, "tested");
            snprintf(f->new_text, sizeof f->new_text, "%s",
                     match[i] >= 0 ? "not tested" : "absent from the new report");
        }
    }
cleanup:
    free(match);
    keys_free(&ok);
    keys_free(&nk);
}

static void scenario_key(ctx *x, keys *k, uint32_t i, const vkw_read_scenario *s)
{
    keys_set(x, k, i, "%s|%s|%.0f|%s|%s", or_dash(s->handle_type), or_dash(s->scenario), s->size,
             or_dash(s->importer), or_dash(s->exporter));
}

/* The verify phase that ran on a side: the device's where it has samples. */
static vkw_phase verify_phase(const vkw_read_scenario *sc, bool child)
{
    vkw_phase gpu = child ? VKW_PHASE_CHILD_GPU_VERIFY : VKW_PHASE_PARENT_GPU_VERIFY;
    const vkw_read_summary *s = &sc->phases[gpu];
    return s->count && s->max > 0 ? gpu : child ? VKW_PHASE_CHILD_VERIFY : VKW_PHASE_PARENT_VERIFY;
}

/* The spread of local / imported (a ratio, higher is better) as a time is
 * judged (lower is better): its inverse, imported / local time, which every
 * iteration keeps between imported's least over local's most and imported's
 * most over local's least. Not present where a side has no sample. */
static vkw_read_summary inverse_ratio(const vkw_read_summary *imported,
                                      const vkw_read_summary *local)
{
    vkw_read_summary q = {0};
    q.present = imported->present && local->present && imported->count && local->count &&
                local->min > 0 && local->max > 0 && local->median > 0;
    if (!q.present)
        return q;
    q.count = imported->count < local->count ? imported->count : local->count;
    q.min = imported->min / local->max;
    q.median = imported->median / local->median;
    q.max = imported->max / local->min;
    return q;
}

static void memory(ctx *x, const char *prefix, const vkw_read_bench *ob, const vkw_read_bench *nb)
{
    keys ok = {0}, nk = {0};
    int32_t *match = NULL;
    if (!keys_init(x, &ok, ob->scenario_count) || !keys_init(x, &nk, nb->scenario_count))
        goto cleanup;
    for (uint32_t i = 0; i < ob->scenario_count; i++)
        scenario_key(x, &ok, i, &ob->scenarios[i]);
    for (uint32_t j = 0; j < nb->scenario_count; j++)
        scenario_key(x, &nk, j, &nb->scenarios[j]);
    if (x->s != VKW_OK || !(match = no_matches(x, ob->scenario_count)))
        goto cleanup;
    pair_up(x, &ok, &nk, match, NULL);
    for (uint32_t i = 0; i < ob->scenario_count; i++) {
        const vkw_read_scenario *os = &ob->scenarios[i];
        if (os->outcome != VKW_OUTCOME_PASSED)
            continue;
        const vkw_read_scenario *ns = match[i] >= 0 ? &nb->scenarios[match[i]] : NULL;
        char what[200];
        bool other_api = strcmp(or_dash(os->importer), "vulkan") != 0;
        bool from_other = strcmp(or_dash(os->exporter), "vulkan") != 0;
        snprintf(what, sizeof what, "%smemory %s %s %.0f bytes%s%s%s%s", prefix,
                 or_dash(os->handle_type), or_dash(os->scenario), os->size,
                 from_other ? " from " : "", from_other ? or_dash(os->exporter) : "",
                 other_api ? " into " : "", other_api ? or_dash(os->importer) : "");
        if (!still_passes(x, what, ns != NULL, ns ? ns->outcome : -1, ns ? ns->outcome_text : NULL,
                          ns ? ns->reason : NULL, VKW_OUTCOME_PASSED, VKW_OUTCOME_FAILED, -1))
            continue;
        for (uint32_t p = 0; p < vkw_vocab_phase.count && p < VKW_READ_PHASE_COUNT; p++) {
            if (!os->phases[p].present || !ns->phases[p].present)
                continue;
            char w[240];
            snprintf(w, sizeof w, "%s %s (median)", what, vkw_vocab_phase.words[p]);
            spread a = {NULL, 0, &os->phases[p]}, b = {NULL, 0, &ns->phases[p]};
            figure(x, w, "us", os->phases[p].median, ns->phases[p].median, false, &a, &b);
        }
        struct {
            const char *name;
            double o, n;
            bool child;
        } rates[] = {{"child_gbps", os->child_gbps, ns->child_gbps, true},
                     {"parent_gbps", os->parent_gbps, ns->parent_gbps, false}};
        for (size_t r = 0; r < 2; r++) {
            char w[240];
            snprintf(w, sizeof w, "%s verify %s", what, rates[r].name);
            /* The spread of the verify that ran on each side (the device's where it did). */
            spread a = {NULL, 0, &os->phases[verify_phase(os, rates[r].child)]};
            spread b = {NULL, 0, &ns->phases[verify_phase(ns, rates[r].child)]};
            figure(x, w, "GB/s", rates[r].o, rates[r].n, true, &a, &b);
        }
        for (uint32_t d = 0; os->ivl_measured && ns->ivl_measured && d < 2; d++) {
            char w[240];
            snprintf(w, sizeof w, "%s imported vs local %s ratio", what,
                     vkw_direction_name((vkw_direction)d));
            vkw_read_summary oi = inverse_ratio(&os->ivl_imported[d], &os->ivl_local[d]);
            vkw_read_summary ni = inverse_ratio(&ns->ivl_imported[d], &ns->ivl_local[d]);
            spread a = {NULL, 0, &oi}, b = {NULL, 0, &ni};
            figure(x, w, "x", os->ivl_ratio[d], ns->ivl_ratio[d], true, &a, &b);
        }
    }
cleanup:
    free(match);
    keys_free(&ok);
    keys_free(&nk);
}

static void round_trip_label(const vkw_read_round_trip *r, char *buf, size_t len)
{
    /* Vulkan's side keeps the label of reports made before --importer. */
    bool other_api = r->importer && strcmp(r->importer, "vulkan") != 0;
    bool from_other = r->exporter && strcmp(r->exporter, "vulkan") != 0;
    snprintf(buf, len, "round trip %s %s%s%s %s peer%s%s", or_dash(r->mode),
             r->which ? r->which : "in-process", from_other ? " from " : "",
             from_other ? r->exporter : "", or_dash(r->peer), other_api ? " in " : "",
             other_api ? r->importer : "");
}

static void round_trips(ctx *x, const char *prefix, const vkw_read_bench *ob,
                        const vkw_read_bench *nb)
{
    keys ok = {0}, nk = {0};
    int32_t *match = NULL;
    char label[200];
    if (!keys_init(x, &ok, ob->round_trip_count) || !keys_init(x, &nk, nb->round_trip_count))
        goto cleanup;
    for (uint32_t i = 0; i < ob->round_trip_count; i++) {
        round_trip_label(&ob->round_trips[i], label, sizeof label);
        keys_set(x, &ok, i, "%s", label);
    }
    for (uint32_t j = 0; j < nb->round_trip_count; j++) {
        round_trip_label(&nb->round_trips[j], label, sizeof label);
        keys_set(x, &nk, j, "%s", label);
    }
    if (x->s != VKW_OK || !(match = no_matches(x, ob->round_trip_count)))
        goto cleanup;
    pair_up(x, &ok, &nk, match, NULL);
    for (uint32_t i = 0; i < ob->round_trip_count; i++) {
        const vkw_read_round_trip *orr = &ob->round_trips[i];
        if (orr->outcome != VKW_OUTCOME_PASSED)
            continue;
        const vkw_read_round_trip *nr = match[i] >= 0 ? &nb->round_trips[match[i]] : NULL;
        char what[240];
        round_trip_label(orr, label, sizeof label);
        snprintf(what, sizeof what, "%s%s", prefix, label);
        if (!still_passes(x, what, nr != NULL, nr ? nr->outcome : -1, nr ? nr->outcome_text : NULL,
                          nr ? nr->reason : NULL, VKW_OUTCOME_PASSED, VKW_OUTCOME_FAILED, -1))
            continue;
        char w[256];
        snprintf(w, sizeof w, "%s p50", what);
        spread a = {orr->repeat_p50, orr->repeat_count, NULL};
        spread b = {nr->repeat_p50, nr->repeat_count, NULL};
        figure(x, w, "us", orr->p50 / 1000.0, nr->p50 / 1000.0, false, &a, &b);
        snprintf(w, sizeof w, "%s p99", what);
        spread c = {orr->repeat_p99, orr->repeat_count, NULL};
        spread d = {nr->repeat_p99, nr->repeat_count, NULL};
        figure(x, w, "us", orr->p99 / 1000.0, nr->p99 / 1000.0, false, &c, &d);
    }
cleanup:
    free(match);
    keys_free(&ok);
    keys_free(&nk);
}

static void bench(ctx *x, const char *prefix, const vkw_read_bench *ob, const vkw_read_bench *nb)
{
    handle_types(x, prefix, ob, nb);
    memory(x, prefix, ob, nb);
    round_trips(x, prefix, ob, nb);
}

/* ---- devices --------------------------------------------------------------- */

/* Devices paired by deviceUUID, then (those left) by name; never by index. */
static void devices(ctx *x)
{
    const vkw_read_report *o = x->o, *n = x->n;
    keys ok = {0}, nk = {0};
    bool *taken = calloc(n->device_count ? n->device_count : 1, sizeof *taken);
    if (!taken || !(x->dev_map = no_matches(x, o->device_count)) ||
        !keys_init(x, &ok, o->device_count) || !keys_init(x, &nk, n->device_count)) {
        if (!taken)
            oom(x);
        goto cleanup;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < o->device_count; i++) {
            free(ok.k[i].key);
            ok.k[i].key = NULL;
            const char *v = pass ? o->devices[i].name : o->devices[i].uuid;
            if (v)
                keys_set(x, &ok, i, "%s", v);
        }
        for (uint32_t j = 0; j < n->device_count; j++) {
            free(nk.k[j].key);
            nk.k[j].key = NULL;
            const char *v = pass ? n->devices[j].name : n->devices[j].uuid;
            if (v)
                keys_set(x, &nk, j, "%s", v);
        }
        if (x->s != VKW_OK)
            goto cleanup;
        pair_up(x, &ok, &nk, x->dev_map, taken);
    }
    for (uint32_t i = 0; i < o->device_count; i++) {
        char label[200];
        device_label(&o->devices[i], label, sizeof label);
        x->c->compared++;
        if (x->dev_map[i] < 0) {
            vkw_finding *f = add(x, VKW_FINDING_LOST, true, "device %s", label);
            if (f) {
                snprintf(f->old_text, sizeof f->old_text, "device %u", o->devices[i].index);
                snprintf(f->new_text, sizeof f->new_text, "no device with this deviceUUID or name");
            }
            continue;
        }
        x->c->paired_devices++;
        capabilities(x, &o->devices[i], &n->devices[x->dev_map[i]]);
    }
cleanup:
    free(taken);
    keys_free(&ok);
    keys_free(&nk);
}

/* The new report's device paired with old device position d; -1. */
static int32_t paired(const ctx *x, int32_t d)
{
    return d >= 0 && (uint32_t)d < x->o->device_count ? x->dev_map[d] : -1;
}

static void bench_reports(ctx *x)
{
    const vkw_read_bench *ob = &x->o->bench, *nb = &x->n->bench;
    if (!x->o->has_bench)
        return;
    if (x->n->has_bench && paired(x, ob->device) == nb->device) {
        bench(x, "", ob, nb);
        return;
    }
    if (ob->device >= 0 && paired(x, ob->device) < 0)
        return; /* the device is lost, said above */
    x->c->compared++;
    vkw_finding *f = add(x, VKW_FINDING_LOST, true, "bench of device %s",
                         ob->device >= 0 ? or_dash(x->o->devices[ob->device].name) : "-");
    if (f) {
        snprintf(f->old_text, sizeof f->old_text, "ran");
        snprintf(f->new_text, sizeof f->new_text, "%s",
                 x->n->has_bench ? "the new bench ran on another device" : "no bench");
    }
}

/* An expectation's id without its "deviceN/" (an index, not the device). */
static const char *id_rest(const char *id)
{
    if (id && strncmp(id, "device", 6) == 0 && strchr(id, '/'))
        return strchr(id, '/') + 1;
    return or_dash(id);
}

static void check_reports(ctx *x)
{
    const vkw_read_report *o = x->o, *n = x->n;
    keys ok = {0}, nk = {0};
    int32_t *match = NULL;
    x->c->compared++;
    if (o->check_outcome && strcmp(o->check_outcome, "passed") == 0 &&
        !(n->check_outcome && strcmp(n->check_outcome, "passed") == 0)) {
        vkw_finding *f = add(x, VKW_FINDING_NOW_FAILING, true, "check outcome");
        if (f) {
            snprintf(f->old_text, sizeof f->old_text, "passed");
            snprintf(f->new_text, sizeof f->new_text, "%s", or_dash(n->check_outcome));
        }
    }
    /* Expectations: by the new device paired with the old one, and the id. */
    if (!keys_init(x, &ok, o->expectation_count) || !keys_init(x, &nk, n->expectation_count))
        goto cleanup;
    for (uint32_t i = 0; i < o->expectation_count; i++) {
        const vkw_read_expectation *e = &o->expectations[i];
        if (e->device < 0 || paired(x, e->device) >= 0)
            keys_set(x, &ok, i, "%d|%s", e->device < 0 ? -1 : paired(x, e->device), id_rest(e->id));
    }
    for (uint32_t j = 0; j < n->expectation_count; j++)
        keys_set(x, &nk, j, "%d|%s", n->expectations[j].device, id_rest(n->expectations[j].id));
    if (x->s != VKW_OK || !(match = no_matches(x, o->expectation_count)))
        goto cleanup;
    pair_up(x, &ok, &nk, match, NULL);
    for (uint32_t i = 0; i < o->expectation_count; i++) {
        const vkw_read_expectation *oe = &o->expectations[i];
        if (oe->outcome != VKW_EXPECT_PASSED || !ok.k[i].key)
            continue; /* not passed, or on a device that is lost (said above) */
        const vkw_read_expectation *ne = match[i] >= 0 ? &n->expectations[match[i]] : NULL;
        char what[240];
        snprintf(what, sizeof what, "expectation %s (%.120s)", or_dash(oe->id), or_dash(oe->name));
        still_passes(x, what, ne != NULL, ne ? ne->outcome : -1, ne ? ne->outcome_text : NULL,
                     ne ? ne->message : NULL, VKW_EXPECT_PASSED, VKW_EXPECT_FAILED,
                     VKW_EXPECT_ERROR);
    }
    free(match);
    match = NULL;
    keys_free(&ok);
    keys_free(&nk);

    /* Each bench run against the run of the same bench on the same device. */
    if (!keys_init(x, &ok, o->run_count) || !keys_init(x, &nk, n->run_count))
        goto cleanup;
    for (uint32_t i = 0; i < o->run_count; i++)
        if (paired(x, o->runs[i].device) >= 0)
            keys_set(x, &ok, i, "%d|%s", paired(x, o->runs[i].device), or_dash(o->runs[i].name));
    for (uint32_t j = 0; j < n->run_count; j++)
        keys_set(x, &nk, j, "%d|%s", n->runs[j].device, or_dash(n->runs[j].name));
    if (x->s != VKW_OK || !(match = no_matches(x, o->run_count)))
        goto cleanup;
    pair_up(x, &ok, &nk, match, NULL);
    for (uint32_t i = 0; i < o->run_count; i++) {
        const vkw_read_run *orun = &o->runs[i];
        if (!ok.k[i].key || !orun->has_bench)
            continue;
        const vkw_read_run *nrun = match[i] >= 0 ? &n->runs[match[i]] : NULL;
        const vkw_read_device *d = &o->devices[orun->device];
        char prefix[200];
        snprintf(prefix, sizeof prefix, "'%.100s' on %.60s: ", or_dash(orun->name),
                 or_dash(d->name));
        if (!nrun || !nrun->has_bench) {
            x->c->compared++;
            vkw_finding *f = add(x, VKW_FINDING_LOST, true, "%sbench run", prefix);
            if (f) {
                snprintf(f->old_text, sizeof f->old_text, "ran");
                snprintf(f->new_text, sizeof f->new_text, "%s",
                         nrun ? "no bench results" : "absent from the new report");
            }
            continue;
        }
        bench(x, prefix, &orun->bench, &nrun->bench);
    }
cleanup:
    free(match);
    keys_free(&ok);
    keys_free(&nk);
}

vkw_status vkw_compare_files(const char *old_path, const char *new_path, double tolerance_pct,
                             vkw_comparison *out, vkw_error *err)
{
    memset(out, 0, sizeof *out);
    out->tolerance_pct = tolerance_pct;
    out->alpha = VKW_COMPARE_ALPHA;
    vkw_read_report o, n;
    memset(&n, 0, sizeof n);
    vkw_status s = vkw_report_read(old_path, &o, err);
    if (s != VKW_OK)
        return s;
    s = vkw_report_read(new_path, &n, err);
    if (s != VKW_OK)
        goto cleanup;
    if (o.kind != n.kind) {
        s = vkw_fail(err, VKW_E_INVALID_ARG,
                     "'%s' is a %s report and '%s' a %s report: compare two reports of one kind",
                     old_path, vkw_vocab_word(&vkw_vocab_command, o.kind), new_path,
                     vkw_vocab_word(&vkw_vocab_command, n.kind));
        goto cleanup;
    }
    out->kind = vkw_vocab_word(&vkw_vocab_command, o.kind);
    ctx x = {out, err, VKW_OK, &o, &n, NULL};
    devices(&x);
    if (x.s == VKW_OK)
        bench_reports(&x);
    if (x.s == VKW_OK && o.has_check)
        check_reports(&x);
    free(x.dev_map);
    s = x.s;
cleanup:
    vkw_read_report_free(&o);
    vkw_read_report_free(&n);
    if (s != VKW_OK)
        vkw_comparison_free(out);
    return s;
}

/* ---- the decision as JSON --------------------------------------------------- */

static cJSON *numbers(const double *v, uint32_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (uint32_t i = 0; a && i < n; i++)
        if (!cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]))) {
            cJSON_Delete(a);
            return NULL;
        }
    return a;
}

static bool evidence_json(cJSON *f, const vkw_finding *fd, double alpha)
{
    const vkw_evidence *e = &fd->evidence;
    if (e->kind == VKW_EVIDENCE_NONE)
        return cJSON_AddNullToObject(f, "evidence") != NULL;
    cJSON *o = cJSON_AddObjectToObject(f, "evidence");
    bool ok = o && cJSON_AddStringToObject(o, "test", vkw_evidence_kind_name(e->kind)) &&
              cJSON_AddBoolToObject(o, "beyond_spread", e->beyond_spread) &&
              cJSON_AddStringToObject(o, "why", e->why) &&
              cJSON_AddNumberToObject(o, "old_count", e->old_n) &&
              cJSON_AddNumberToObject(o, "new_count", e->new_n);
    if (ok && e->kind == VKW_EVIDENCE_RANGES)
        ok = cJSON_AddNumberToObject(o, "old_min", e->old_min) &&
             cJSON_AddNumberToObject(o, "old_max", e->old_max) &&
             cJSON_AddNumberToObject(o, "new_min", e->new_min) &&
             cJSON_AddNumberToObject(o, "new_max", e->new_max);
    if (ok && (e->old_values || e->new_values)) {
        cJSON *a = numbers(e->old_values, e->old_values ? e->old_n : 0);
        ok = a && cJSON_AddItemToObject(o, "old_repeats", a);
        if (!ok)
            cJSON_Delete(a);
        cJSON *b = ok ? numbers(e->new_values, e->new_values ? e->new_n : 0) : NULL;
        ok = b && cJSON_AddItemToObject(o, "new_repeats", b);
        if (ok == false)
            cJSON_Delete(b);
        ok = ok && cJSON_AddStringToObject(o, "repeats_unit", "ns");
    }
    if (ok && e->kind == VKW_EVIDENCE_REPEATS)
        ok = cJSON_AddNumberToObject(o, "u", e->u) && cJSON_AddNumberToObject(o, "p_value", e->p) &&
             cJSON_AddNumberToObject(o, "alpha", alpha);
    return ok;
}

vkw_status vkw_comparison_to_json(const vkw_comparison *c, const char *old_path,
                                  const char *new_path, char **out, vkw_error *err)
{
    *out = NULL;
    cJSON *root = cJSON_CreateObject();
    bool ok = root && cJSON_AddStringToObject(root, "tool", VKW_TOOL_NAME) &&
              cJSON_AddStringToObject(root, "command", "compare") &&
              cJSON_AddStringToObject(root, "old", old_path) &&
              cJSON_AddStringToObject(root, "new", new_path) &&
              cJSON_AddStringToObject(root, "kind", c->kind ? c->kind : "") &&
              cJSON_AddNumberToObject(root, "tolerance_pct", c->tolerance_pct) &&
              cJSON_AddNumberToObject(root, "alpha", c->alpha) &&
              cJSON_AddStringToObject(root, "decision", c->regressions ? "regression" : "ok") &&
              cJSON_AddNumberToObject(root, "regressions", c->regressions) &&
              cJSON_AddNumberToObject(root, "notes", c->count - c->regressions) &&
              cJSON_AddNumberToObject(root, "compared", c->compared) &&
              cJSON_AddNumberToObject(root, "paired_devices", c->paired_devices);
    cJSON *fa = ok ? cJSON_AddArrayToObject(root, "findings") : NULL;
    ok = fa != NULL;
    for (uint32_t i = 0; ok && i < c->count; i++) {
        const vkw_finding *fd = &c->findings[i];
        cJSON *f = cJSON_CreateObject();
        ok = f && cJSON_AddItemToArray(fa, f);
        if (!ok) {
            cJSON_Delete(f);
            break;
        }
        ok = cJSON_AddStringToObject(f, "kind", vkw_finding_kind_name(fd->kind)) &&
             cJSON_AddBoolToObject(f, "regression", fd->regression) &&
             cJSON_AddStringToObject(f, "what", fd->what) &&
             cJSON_AddStringToObject(f, "old", fd->old_text) &&
             cJSON_AddStringToObject(f, "new", fd->new_text);
        if (ok && fd->evidence.kind != VKW_EVIDENCE_NONE)
            ok = cJSON_AddNumberToObject(f, "old_value", fd->old_value) &&
                 cJSON_AddNumberToObject(f, "new_value", fd->new_value) &&
                 cJSON_AddStringToObject(f, "unit", fd->unit) &&
                 cJSON_AddNumberToObject(f, "change_pct", fd->change_pct);
        ok = ok && evidence_json(f, fd, c->alpha);
    }
    char *text = ok ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!text)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory writing the comparison");
    *out = text;
    return VKW_OK;
}

void vkw_comparison_free(vkw_comparison *c)
{
    for (uint32_t i = 0; c->findings && i < c->count; i++) {
        free(c->findings[i].evidence.old_values);
        free(c->findings[i].evidence.new_values);
    }
    free(c->findings);
    memset(c, 0, sizeof *c);
}
