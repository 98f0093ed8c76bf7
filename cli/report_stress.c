/* The stress part of a report for people (the live text of `vkwin32h stress`
 * and `vkwin32h report` of a stress report): the run and its seed, each kind
 * of operation, the faults injected, the first events, the trends and the
 * verdict, then the time series as sparklines (every format) and as SVG
 * line charts (HTML). Walked through the document writer (report_doc.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "report/stress_report.h"
#include "render_text.h"
#include "report_doc.h"

#define EVENTS_SHOWN 8u   /* the first events listed */
#define SPARK_WIDTH 60u   /* characters at most */
#define IMPORTER_LINES 8u /* importers drawn one line each; more: the max over them */
#define MIB (1024.0 * 1024.0)

/* ---- sparklines ---- */

/* U+2581..U+2588, lowest first. */
static const char *const blocks[8] = {
    "\xE2\x96\x81", "\xE2\x96\x82", "\xE2\x96\x83", "\xE2\x96\x84",
    "\xE2\x96\x85", "\xE2\x96\x86", "\xE2\x96\x87", "\xE2\x96\x88",
};

bool vkw_sparkline(const double *v, size_t n, size_t width, vkw_buf *out, double *min, double *max)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            lo = v[i] < lo ? v[i] : lo;
            hi = v[i] > hi ? v[i] : hi;
        }
    if (!isfinite(lo) || width == 0)
        return false;
    *min = lo;
    *max = hi;
    size_t chars = n < width ? n : width;
    for (size_t c = 0; c < chars; c++) {
        /* The points this character stands for: [from, to), the max of them. */
        size_t from = c * n / chars, to = (c + 1) * n / chars;
        double m = -INFINITY;
        for (size_t i = from; i < to; i++)
            if (isfinite(v[i]) && v[i] > m)
                m = v[i];
        if (!isfinite(m)) {
            vkw_buf_puts(out, " ");
            continue;
        }
        int level = hi > lo ? (int)lround((m - lo) / (hi - lo) * 7.0) : 0;
        vkw_buf_puts(out, blocks[level < 0 ? 0 : level > 7 ? 7 : level]);
    }
    return true;
}

/* ---- figures ---- */

typedef enum unit { U_COUNT, U_RATE, U_US, U_MIB } unit;

static const char *figure(double v, unit u, char *buf, size_t len)
{
    switch (u) {
    case U_COUNT: snprintf(buf, len, "%.0f", v); break;
    case U_RATE: snprintf(buf, len, v >= 100 ? "%.0f" : "%.1f", v); break;
    case U_US: vkw_fmt_ns(v * 1000.0, false, buf, len); break;
    case U_MIB: snprintf(buf, len, "%.1f", v); break;
    }
    return buf;
}

/* The series' figures as plain arrays, one per line or chart series. */
typedef struct lines {
    size_t n;        /* points */
    double *t;       /* t_s */
    double *ops_s;   /* all kinds, per second */
    double *kind_s;  /* [op][n] per second */
    double *p50;     /* [op][n] microseconds; NaN where none completed */
    double *p99;     /* [op][n] */
    double *handles; /* [process][n]; NaN not known */
    double *res_mib; /* [process][n]; NaN not known */
    double *imp_max; /* [n] the max over the importers' handles */
    double *gpu_mib; /* [n]; NaN not offered */
    double *verr;    /* [n] */
    bool any_gpu;
} lines;

static void lines_free(lines *l)
{
    free(l->t);
    memset(l, 0, sizeof *l);
}

static bool lines_of(const vkw_stress_series *s, lines *l)
{
    memset(l, 0, sizeof *l);
    size_t n = s->count, P = s->processes, ops = VKW_STRESS_OP_COUNT;
    /* One block: t, ops_s, kind_s, p50, p99, handles, res_mib, imp_max, gpu, verr. */
    size_t total = n * (1 + 1 + 3 * ops + 2 * P + 3);
    double *all = malloc((total ? total : 1) * sizeof *all);
    if (!all)
        return false;
    l->n = n;
    l->t = all;
    l->ops_s = l->t + n;
    l->kind_s = l->ops_s + n;
    l->p50 = l->kind_s + ops * n;
    l->p99 = l->p50 + ops * n;
    l->handles = l->p99 + ops * n;
    l->res_mib = l->handles + P * n;
    l->imp_max = l->res_mib + P * n;
    l->gpu_mib = l->imp_max + n;
    l->verr = l->gpu_mib + n;
    for (size_t i = 0; i < n; i++) {
        const vkw_stress_point *p = &s->points[i];
        l->t[i] = p->t_s;
        double sum = 0;
        for (size_t k = 0; k < ops; k++) {
            double per_s = p->span_s > 0 ? p->ops[k] / p->span_s : 0;
            l->kind_s[k * n + i] = per_s;
            sum += per_s;
            l->p50[k * n + i] = p->latency[k].count ? p->latency[k].p50_us : NAN;
            l->p99[k * n + i] = p->latency[k].count ? p->latency[k].p99_us : NAN;
        }
        l->ops_s[i] = sum;
        double most = NAN;
        for (size_t k = 0; k < P; k++) {
            int64_t h = s->handles[i * P + k];
            uint64_t r = s->resident[i * P + k];
            l->handles[k * n + i] = h < 0 ? NAN : (double)h;
            l->res_mib[k * n + i] = r ? (double)r / MIB : NAN;
            if (k > 0 && h >= 0 && !(most >= (double)h))
                most = (double)h;
        }
        l->imp_max[i] = most;
        l->gpu_mib[i] = p->has_gpu ? (double)p->gpu_used / MIB : NAN;
        l->any_gpu |= p->has_gpu;
        l->verr[i] = p->validation_errors;
    }
    return true;
}

static const char *process_name(uint32_t k, char *buf, size_t len)
{
    if (k == 0)
        snprintf(buf, len, "exporter");
    else
        snprintf(buf, len, "importer %u", k);
    return buf;
}

/* One sparkline row: label, min, the line, max. */
static void spark_row(vkw_doc *d, const char *label, const double *v, size_t n, unit u)
{
    vkw_buf line = {0};
    double lo = 0, hi = 0;
    char a[32], b[32];
    vkw_doc_row(d, NULL);
    vkw_doc_cell(d, "%s", label);
    if (vkw_sparkline(v, n, SPARK_WIDTH, &line, &lo, &hi) && line.data) {
        vkw_doc_cell(d, "%s", figure(lo, u, a, sizeof a));
        vkw_doc_cell(d, "%s", line.data);
        vkw_doc_cell(d, "%s", figure(hi, u, b, sizeof b));
    } else {
        vkw_doc_cell(d, "%s", "");
        vkw_doc_cell(d, "%s", "(not measured)");
        vkw_doc_cell(d, "%s", "");
    }
    d->failed |= line.failed;
    vkw_buf_free(&line);
}

static void sparklines(vkw_doc *d, const vkw_stress_report *s, const lines *l)
{
    static const char *const headers[] = {"series", "min", "", "max"};
    char label[64], name[32];
    size_t n = l->n;
    uint32_t P = s->series.processes;
    vkw_doc_heading(d, 2,
                    "Series (%u point(s), one every %.1f s; each line from its min to its max)",
                    s->series.count, s->options.interval_ms / 1000.0);
    vkw_doc_table(d, "vkw-stress-sparklines", "lrll", headers, -1);
    vkw_doc_table_bare(d);
    spark_row(d, "ops/s", l->ops_s, n, U_RATE);
    for (uint32_t k = 0; k < VKW_STRESS_OP_COUNT; k++)
        if (s->ops[k].run) {
            snprintf(label, sizeof label, "%s p50", vkw_stress_op_name((vkw_stress_op)k));
            spark_row(d, label, l->p50 + (size_t)k * n, n, U_US);
        }
    spark_row(d, "exporter handles", l->handles, n, U_COUNT);
    if (P > 1 && P - 1 <= IMPORTER_LINES) {
        for (uint32_t k = 1; k < P; k++) {
            snprintf(label, sizeof label, "%s handles", process_name(k, name, sizeof name));
            spark_row(d, label, l->handles + (size_t)k * n, n, U_COUNT);
        }
    } else if (P > 1) {
        snprintf(label, sizeof label, "importers' handles (max of %u)", P - 1);
        spark_row(d, label, l->imp_max, n, U_COUNT);
    }
    spark_row(d, "exporter resident MiB", l->res_mib, n, U_MIB);
    if (l->any_gpu)
        spark_row(d, "GPU memory in use MiB", l->gpu_mib, n, U_MIB);
    spark_row(d, "validation errors", l->verr, n, U_COUNT);
    vkw_doc_table_end(d);
}

/* ---- the charts (HTML) ---- */

static void charts(vkw_doc *d, const vkw_stress_report *s, const lines *l)
{
    vkw_line_series ser[VKW_STRESS_IMPORTERS_MAX + 1];
    char names[VKW_STRESS_IMPORTERS_MAX + 1][32];
    size_t n = l->n, c;
    uint32_t P = s->series.processes;
    vkw_doc_heading(d, 3, "Charts");
    vkw_doc_raw(d, "<div class=\"plots\">\n");

    c = 0;
    for (uint32_t k = 0; k < VKW_STRESS_OP_COUNT; k++)
        if (s->ops[k].run)
            ser[c++] = (vkw_line_series){vkw_stress_op_name((vkw_stress_op)k), l->kind_s + k * n};
    vkw_html_line_chart(
        d, &(vkw_line_chart){"operations per second by kind", "ops/s", 1, l->t, n, ser, c});
    c = 0;
    for (uint32_t k = 0; k < VKW_STRESS_OP_COUNT; k++)
        if (s->ops[k].run)
            ser[c++] = (vkw_line_series){vkw_stress_op_name((vkw_stress_op)k), l->p50 + k * n};
    vkw_html_line_chart(d,
                        &(vkw_line_chart){"latency p50 by kind", "\xC2\xB5s", 0, l->t, n, ser, c});
    for (size_t i = 0; i < c; i++)
        ser[i].y = l->p99 + (ser[i].y - l->p50);
    vkw_html_line_chart(d,
                        &(vkw_line_chart){"latency p99 by kind", "\xC2\xB5s", 0, l->t, n, ser, c});
    for (uint32_t k = 0; k < P && k <= VKW_STRESS_IMPORTERS_MAX; k++)
        ser[k] = (vkw_line_series){process_name(k, names[k], sizeof names[k]), l->handles + k * n};
    vkw_html_line_chart(d, &(vkw_line_chart){"open handles per process", "handles", 0, l->t, n, ser,
                                             P <= VKW_STRESS_IMPORTERS_MAX + 1 ? P : 0});
    for (uint32_t k = 0; k < P && k <= VKW_STRESS_IMPORTERS_MAX; k++)
        ser[k].y = l->res_mib + k * n;
    vkw_html_line_chart(d, &(vkw_line_chart){"resident memory per process", "MiB", 1, l->t, n, ser,
                                             P <= VKW_STRESS_IMPORTERS_MAX + 1 ? P : 0});
    if (l->any_gpu) {
        ser[0] = (vkw_line_series){"device", l->gpu_mib};
        vkw_html_line_chart(d, &(vkw_line_chart){"GPU memory in use", "MiB", 1, l->t, n, ser, 1});
    }
    ser[0] = (vkw_line_series){"all processes", l->verr};
    vkw_html_line_chart(
        d, &(vkw_line_chart){"validation errors so far", "errors", 0, l->t, n, ser, 1});
    vkw_doc_raw(d, "</div>\n");
}

/* ---- the section ---- */

static void operations(vkw_doc *d, const vkw_stress_report *s)
{
    static const char *const headers[] = {"kind",  "done", "failed", "verified",
                                          "ops/s", "p50",  "p99",    "max"};
    char t[3][32];
    vkw_doc_heading(d, 2, "Operations");
    vkw_doc_table(d, "vkw-stress-ops", "lrrrrrrr", headers, -1);
    for (uint32_t k = 0; k < VKW_STRESS_OP_COUNT; k++) {
        const vkw_stress_op_result *r = &s->ops[k];
        if (!r->run && !r->skip[0])
            continue; /* not asked for */
        vkw_doc_row(d, r->failed ? "failed" : r->run ? NULL : "skipped");
        vkw_doc_cell(d, "%s", vkw_stress_op_name((vkw_stress_op)k));
        if (!r->run) {
            for (int i = 0; i < 7; i++)
                vkw_doc_cell(d, "%s", "");
            vkw_doc_note(d, "skipped: %s", r->skip);
            continue;
        }
        vkw_doc_cell(d, "%llu", (unsigned long long)r->done);
        vkw_doc_cell(d, "%llu", (unsigned long long)r->failed);
        if (k == VKW_STRESS_OP_MEMORY || k == VKW_STRESS_OP_FANOUT)
            vkw_doc_cell(d, "%llu", (unsigned long long)r->verified);
        else
            vkw_doc_cell(d, "%s", "-");
        vkw_doc_cell(d, "%.1f", s->elapsed_s > 0 ? (double)r->done / s->elapsed_s : 0.0);
        if (r->latency.count) {
            vkw_doc_cell(d, "%s", vkw_fmt_ns(r->latency.p50_us * 1000, false, t[0], 32));
            vkw_doc_cell(d, "%s", vkw_fmt_ns(r->latency.p99_us * 1000, false, t[1], 32));
            vkw_doc_cell(d, "%s", vkw_fmt_ns(r->latency.max_us * 1000, false, t[2], 32));
        } else {
            for (int i = 0; i < 3; i++)
                vkw_doc_cell(d, "%s", "-");
        }
        if ((k == VKW_STRESS_OP_FANOUT || k == VKW_STRESS_OP_SIGNAL) && r->done)
            vkw_doc_note(d, "reached %.2f importers each, on average",
                         (double)r->reached / (double)r->done);
    }
    vkw_doc_table_end(d);
}

static void chaos(vkw_doc *d, const vkw_stress_report *s)
{
    static const char *const headers[] = {"fault", "injected", "detected", "recovered"};
    if (s->options.chaos <= 0)
        return;
    vkw_doc_heading(d, 2, "Chaos (%.3g %% of operations carry a fault)", s->options.chaos * 100);
    vkw_doc_table(d, "vkw-stress-chaos", "lrrr", headers, -1);
    for (uint32_t k = 0; k < VKW_CHAOS_COUNT; k++) {
        const vkw_stress_chaos_result *c = &s->chaos[k];
        bool asked = !s->options.chaos_kinds || (s->options.chaos_kinds & (1u << k));
        if (!asked && !c->injected)
            continue;
        vkw_doc_row(d, c->detected < c->injected ? "failed" : NULL);
        vkw_doc_cell(d, "%s", vkw_chaos_name((vkw_chaos_kind)k));
        vkw_doc_cell(d, "%u", c->injected);
        vkw_doc_cell(d, "%u", c->detected);
        vkw_doc_cell(d, "%u", c->recovered);
    }
    vkw_doc_table_end(d);
    if (!s->event_count)
        return;
    static const char *const eh[] = {"t",        "importer",  "fault", "during",
                                     "detected", "recovered", "what"};
    uint32_t shown = s->event_count < EVENTS_SHOWN ? s->event_count : EVENTS_SHOWN;
    vkw_doc_heading(d, 3, "Events (the first %u of %u)", shown, s->events_total);
    vkw_doc_table(d, "vkw-stress-events", "lrlllll", eh, -1);
    for (uint32_t i = 0; i < shown; i++) {
        const vkw_stress_event *e = &s->events[i];
        vkw_doc_row(d, e->detected ? NULL : "failed");
        vkw_doc_cell(d, "%.2f s", e->t_s);
        vkw_doc_cell(d, "%u", e->importer + 1);
        vkw_doc_cell(d, "%s", vkw_chaos_name(e->kind));
        vkw_doc_cell(d, "%s", vkw_stress_op_name(e->op));
        if (e->detected)
            vkw_doc_cell(d, "in %.1f ms", e->detect_ms);
        else
            vkw_doc_cell(d, "%s", "NO");
        vkw_doc_cell(d, "%s", e->recovered ? "yes" : "no");
        vkw_doc_cell(d, "%s", e->what);
    }
    vkw_doc_table_end(d);
}

static void trends(vkw_doc *d, const vkw_stress_report *s)
{
    if (!s->trend_count)
        return;
    vkw_doc_heading(d, 2, "Trends (Theil-Sen slope per minute, 95 %% confidence interval)");
    for (uint32_t i = 0; i < s->trend_count; i++) {
        const vkw_stress_trend *t = &s->trends[i];
        if (t->fails)
            vkw_doc_line(d, "FAIL  %s", t->text);
        else
            vkw_doc_line(d, "ok    %s%s", t->text, t->estimated ? "" : " (too few points)");
    }
}

static const char *end_text(vkw_stress_end e)
{
    switch (e) {
    case VKW_STRESS_END_CYCLES: return "the operations asked for were done";
    case VKW_STRESS_END_DURATION: return "its duration passed";
    case VKW_STRESS_END_STOPPED: return "stopped (a signal or the deadline)";
    case VKW_STRESS_END_FAILED: return "it could not go on";
    case VKW_STRESS_END_COUNT: break;
    }
    return "unknown";
}

void vkw_render_stress_doc(vkw_doc *d, const vkw_report *r, const vkw_stress_report *s,
                           bool verbose)
{
    (void)r;
    (void)verbose;
    d->key_width = 10;
    vkw_doc_field(d, "Device", "%u  %s", s->device_index, s->device_name);
    vkw_doc_field(d, "Run",
                  "%u importer(s), %u in flight each, %.2f s, %llu operation(s) (%.1f/s); "
                  "ended: %s",
                  s->options.importers, s->options.concurrency, s->elapsed_s,
                  (unsigned long long)s->ops_total,
                  s->elapsed_s > 0 ? (double)s->ops_total / s->elapsed_s : 0.0, end_text(s->end));
    vkw_doc_field(d, "Seed", "%llu (%s; replay with --seed %llu)",
                  (unsigned long long)s->options.seed, s->options.seed_given ? "given" : "drawn",
                  (unsigned long long)s->options.seed);
    vkw_doc_field(d, "Handles", "%s memory%s%s%s", s->handle_type,
                  s->sync_handle_type[0] ? "; " : "", s->sync_handle_type,
                  s->sync_handle_type[0] ? " semaphores and fences" : "");
    if (s->options.fault)
        vkw_doc_field(d, "Fault", "%s (injected by the tool)",
                      vkw_stress_fault_words[s->options.fault]);
    vkw_doc_field(d, "Processes", "%u restart(s); validation %s, %u error(s)", s->restarts,
                  s->validation_enabled ? "on" : "off", s->validation_errors);
    vkw_doc_field(d, "Mismatches", "%u%s%s", s->mismatches, s->first_mismatch[0] ? ", first: " : "",
                  s->first_mismatch);
    vkw_doc_field(d, "Failures", "%u unexpected%s%s", s->unexpected_failures,
                  s->first_failure[0] ? ", first: " : "", s->first_failure);
    if (s->concurrent_import_failures)
        vkw_doc_field(d, "Driver",
                      "%u import(s) refused while several importers imported the same memory, "
                      "then taken alone; first: %s",
                      s->concurrent_import_failures, s->first_concurrent_failure);
    operations(d, s);
    chaos(d, s);
    trends(d, s);
    vkw_doc_section_end(d);
    if (s->verdict[0])
        vkw_doc_para(d, "failed", "FAILED: %s", s->verdict);
    else
        vkw_doc_para(d, "passed", "PASSED: no limit exceeded.");
    lines l;
    if (!s->series.count)
        return;
    if (!lines_of(&s->series, &l)) {
        d->failed = true;
        return;
    }
    sparklines(d, s, &l);
    if (d->format == VKW_RENDER_HTML)
        charts(d, s, &l);
    vkw_doc_section_end(d);
    lines_free(&l);
}

void vkw_render_stress_text(FILE *f, const vkw_report *r, bool verbose)
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
