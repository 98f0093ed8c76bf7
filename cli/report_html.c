/* The HTML page of `vkwin32h report`: one self-contained file (inline CSS,
 * inline SVG, no script, nothing fetched), and the two plots drawn for each
 * round trip that passed: a latency histogram and a CDF, both on a log-scale
 * time axis because round trips spread over decades (µs futexes, ms fences). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "report_doc.h"

static const char page_css[] =
    ":root{color-scheme:light}\n"
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,"
    "sans-serif;margin:0;color:#1f2328;background:#fff;line-height:1.45}\n"
    "main{max-width:1240px;margin:0 auto;padding:24px 28px 48px}\n"
    "h1{font-size:1.6em;border-bottom:2px solid #d0d7de;padding-bottom:.3em}\n"
    "h2{font-size:1.3em;margin-top:2em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}\n"
    "h3{font-size:1.08em;margin-top:1.5em}h4{font-size:1em}\n"
    "dl.vkw-fields{display:grid;grid-template-columns:max-content 1fr;gap:2px 18px;"
    "margin:.5em 0}\n"
    "dt{font-weight:600;color:#57606a}dd{margin:0;overflow-wrap:anywhere}\n"
    ".table-wrap{overflow-x:auto}\n"
    "table{border-collapse:collapse;font-size:.86em;margin:.5em 0 1em}\n"
    "th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}\n"
    "th{background:#f6f8fa}\n"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "tbody tr:nth-child(even){background:#f9fafb}\n"
    "tr.row-failed,tr.row-error{background:#fff1f0}\n"
    "tr.row-not-on-this-os td,tr.row-skipped td{color:#6e7781}\n"
    ".badge{display:inline-block;padding:0 7px;border-radius:9px;white-space:nowrap;"
    "background:#eaeef2}\n"
    ".b-passed,.b-shareable{background:#dafbe1;color:#116329}\n"
    ".b-failed,.b-error,.b-driver-says-no,.b-query-failed{background:#ffebe9;color:#a40e26}\n"
    ".b-dedicated-only,.b-extension-missing,.b-this-process-only{background:#fff8c5;"
    "color:#7d4e00}\n"
    ".b-skipped,.b-not-on-this-os,.b-not-run{color:#57606a}\n"
    "p.tone-failed{color:#a40e26;font-weight:600}p.tone-passed{color:#116329;"
    "font-weight:600}p.tone-note{color:#57606a}\n"
    ".plots{display:flex;flex-direction:column;gap:14px}\n"
    "figure.plot-pair{margin:0;display:flex;flex-wrap:wrap;gap:12px;break-inside:avoid}\n"
    "figure.plot-pair figcaption{width:100%;font-weight:600}\n"
    "svg.vkw-line-chart{background:#fff;border:1px solid #d0d7de;border-radius:4px;"
    "max-width:100%;height:auto}\n"
    "svg .line{fill:none;stroke-width:1.6;stroke-linejoin:round}\n"
    "svg.vkw-histogram,svg.vkw-cdf{background:#fff;border:1px solid #d0d7de;border-radius:4px;"
    "max-width:100%;height:auto}\n"
    "svg text{font-family:inherit;font-size:11px;fill:#57606a}\n"
    "svg text.plot-title{font-size:12px;font-weight:600;fill:#1f2328}\n"
    "svg .bar{fill:#4c78a8}svg .bar:hover{fill:#2f5b8a}\n"
    "svg .cdf{fill:none;stroke:#4c78a8;stroke-width:1.8}\n"
    "svg .grid{stroke:#eaeef2}svg .axis{stroke:#8c959f}\n"
    "svg .mark{stroke:#cf222e;stroke-dasharray:4 3}svg .mark-dot{fill:#cf222e}\n"
    "svg text.mark-label{fill:#cf222e;paint-order:stroke;stroke:#fff;stroke-width:3px}\n"
    "@media print{main{max-width:none;padding:0}h2,h3{break-after:avoid}"
    "tr{break-inside:avoid}svg{border-color:#999}}\n";

void vkw_html_begin(vkw_doc *d, const char *title)
{
    vkw_buf *b = &d->out;
    vkw_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<title>");
    vkw_buf_markup(b, title);
    vkw_buf_puts(b, "</title>\n<style>\n");
    vkw_buf_puts(b, page_css);
    vkw_buf_puts(b, "</style>\n</head>\n<body>\n<main>\n");
}

void vkw_html_end(vkw_doc *d)
{
    vkw_buf_puts(&d->out, "</main>\n</body>\n</html>\n");
}

/* ---- plot geometry ---- */

enum { PLOT_W = 470, PLOT_H = 250, LEFT = 54, RIGHT = 26, TOP = 30, BOTTOM = 42 };

typedef struct bucket {
    double from, below, count;
} bucket;

/* What a plot takes from a report: times up to about eleven days, counts
 * up to 10^12. Anything beyond is no measurement (a report edited by hand)
 * and would make the axes infinite. */
#define MAX_PLOT_NS 1e15
#define MAX_PLOT_COUNT 1e12

/* The time axis: log10 of [lo, hi], both on the 1-2-5 ladder. */
typedef struct axis {
    double lo, hi;
} axis;

static double ladder_down(double v)
{
    double p = pow(10.0, floor(log10(v)));
    double m = v / p;
    return (m >= 5.0 ? 5.0 : m >= 2.0 ? 2.0 : 1.0) * p;
}

static double ladder_up(double v)
{
    double p = pow(10.0, floor(log10(v)));
    double m = v / p;
    /* A hair of tolerance: 1000 must stay 1000, not become 2000. */
    return (m <= 1.0 + 1e-9 ? 1.0 : m <= 2.0 + 1e-9 ? 2.0 : m <= 5.0 + 1e-9 ? 5.0 : 10.0) * p;
}

static double ladder_next(double v)
{
    return ladder_up(v * 1.001);
}

static double x_of(const axis *a, double v)
{
    double w = PLOT_W - LEFT - RIGHT;
    if (v < a->lo)
        v = a->lo;
    if (v > a->hi)
        v = a->hi;
    return LEFT + (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo)) * w;
}

static double y_of(double frac)
{
    return PLOT_H - BOTTOM - frac * (PLOT_H - TOP - BOTTOM);
}

/* A tick label: "5 µs", "20 µs", "1 ms". */
static const char *tick_label(double ns, char *buf, size_t len)
{
    static const char *const units[] = {"ns", "\xC2\xB5s", "ms", "s"};
    size_t u = 0;
    while (ns >= 999.5 && u + 1 < sizeof units / sizeof units[0]) {
        ns /= 1000.0;
        u++;
    }
    snprintf(buf, len, "%g %s", ns, units[u]);
    return buf;
}

/* The non-empty buckets of the histogram. */
static size_t read_buckets(const vkw_distribution *rt, bucket *out, size_t max)
{
    size_t n = 0;
    for (uint32_t k = 0; k < VKW_HISTOGRAM_BUCKETS && n < max; k++) {
        bucket b = {0, 0, rt->histogram[k]};
        vkw_histogram_bucket_range(k, &b.from, &b.below);
        if (b.count <= 0 || b.below <= b.from || b.below > MAX_PLOT_NS)
            continue;
        out[n++] = b;
    }
    return n;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The raw samples, sorted, when the report kept them (bench --samples). */
static double *read_samples(vkw_doc *d, const vkw_sync_result *r, size_t *n)
{
    *n = 0;
    if (!r->samples || !r->sample_count)
        return NULL;
    double *s = malloc((size_t)r->sample_count * sizeof *s);
    if (!s) {
        d->failed = true;
        return NULL;
    }
    for (uint32_t i = 0; i < r->sample_count; i++)
        if (r->samples[i] >= 0 && r->samples[i] <= MAX_PLOT_NS)
            s[(*n)++] = r->samples[i];
    qsort(s, *n, sizeof *s, compare_doubles);
    return s;
}

/* One range for both plots of a result, so they read side by side. */
static bool time_axis(const bucket *k, size_t nk, const double *s, size_t ns,
                      const vkw_distribution *rt, axis *a)
{
    double lo = INFINITY, hi = 0, v;
    for (size_t i = 0; i < nk; i++) {
        /* A first bucket from 0 has no place on a log axis: start it at half
         * its upper edge. */
        double from = k[i].from > 0 ? k[i].from : k[i].below / 2;
        lo = from < lo ? from : lo;
        hi = k[i].below > hi ? k[i].below : hi;
    }
    if (ns) {
        lo = s[0] < lo ? s[0] : lo;
        hi = s[ns - 1] > hi ? s[ns - 1] : hi;
    }
    v = rt->min;
    if (v > 0 && v < lo)
        lo = v;
    v = rt->max;
    if (v > hi && v <= MAX_PLOT_NS)
        hi = v;
    if (!(hi > 0) || !isfinite(lo))
        return false;
    if (lo < 1.0)
        lo = 1.0;
    a->lo = ladder_down(lo);
    a->hi = ladder_up(hi);
    if (a->hi <= a->lo)
        a->hi = ladder_next(a->lo);
    return true;
}

/* Vertical grid lines and labels on the 1-2-5 ladder, decades only when
 * that would crowd the axis. */
static void time_ticks(vkw_buf *b, const axis *a)
{
    /* The axis spans at most 1 ns to MAX_PLOT_NS: 45 ladder steps; the
     * bound only guards against a range that is not finite. */
    int count = 0;
    for (double v = a->lo; v <= a->hi * 1.0001 && count < 64; v = ladder_next(v))
        count++;
    int drawn = 0;
    for (double v = a->lo; v <= a->hi * 1.0001 && drawn++ < 64; v = ladder_next(v)) {
        double p = pow(10.0, floor(log10(v) + 1e-9));
        bool decade = fabs(v / p - 1.0) < 1e-6;
        if (count > 8 && !decade && v != a->lo && v < a->hi * 0.9999)
            continue;
        double x = x_of(a, v);
        char label[32];
        vkw_buf_printf(b,
                       "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                       "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
                       x, TOP, x, PLOT_H - BOTTOM + 4, x, PLOT_H - BOTTOM + 16);
        vkw_buf_markup(b, tick_label(v, label, sizeof label));
        vkw_buf_puts(b, "</text>\n");
    }
    vkw_buf_printf(b,
                   "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                   "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                   "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">round trip (log scale)</text>\n",
                   LEFT, PLOT_H - BOTTOM, PLOT_W - RIGHT, PLOT_H - BOTTOM, LEFT, TOP, LEFT,
                   PLOT_H - BOTTOM, (LEFT + PLOT_W - RIGHT) / 2, PLOT_H - 8);
}

/* What a plot measures: its mode, peer and what the round trip goes through. */
typedef struct plot_of {
    const char *mode, *peer, *through;
} plot_of;

static void svg_open(vkw_buf *b, const char *cls, const plot_of *p, const char *title,
                     const char *what)
{
    vkw_buf_printf(b, "<svg class=\"%s\" data-mode=\"", cls);
    vkw_buf_markup(b, p->mode);
    vkw_buf_puts(b, "\" data-peer=\"");
    vkw_buf_markup(b, p->peer);
    vkw_buf_puts(b, "\" data-through=\"");
    vkw_buf_markup(b, p->through);
    vkw_buf_printf(b,
                   "\" role=\"img\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n"
                   "<title>",
                   PLOT_W, PLOT_H, PLOT_W, PLOT_H);
    vkw_buf_markup(b, what);
    vkw_buf_puts(b, ": ");
    vkw_buf_markup(b, title);
    vkw_buf_printf(b, "</title>\n<text class=\"plot-title\" x=\"%d\" y=\"18\">", LEFT);
    vkw_buf_markup(b, what);
    vkw_buf_puts(b, "</text>\n");
}

static void histogram(vkw_buf *b, const plot_of *r, const char *title, const axis *a,
                      const bucket *k, size_t nk)
{
    svg_open(b, "vkw-histogram", r, title, "latency histogram");
    double max = 0;
    for (size_t i = 0; i < nk; i++)
        max = k[i].count > max ? k[i].count : max;
    /* About four count ticks on the 1-2-5 ladder. */
    double step = max > 4 ? ladder_up(max / 4) : 1;
    double top = ceil(max / step) * step;
    if (top <= 0)
        top = 1;
    for (double c = 0; c <= top + step / 2 && c <= 8 * step; c += step) {
        double y = y_of(c / top);
        vkw_buf_printf(b,
                       "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                       "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>\n",
                       LEFT - 4, y, PLOT_W - RIGHT, y, LEFT - 7, y + 4, c);
    }
    vkw_buf_printf(b,
                   "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">"
                   "count</text>\n",
                   (TOP + PLOT_H - BOTTOM) / 2, (TOP + PLOT_H - BOTTOM) / 2);
    time_ticks(b, a);
    for (size_t i = 0; i < nk; i++) {
        double from = k[i].from > 0 ? k[i].from : k[i].below / 2;
        double x0 = x_of(a, from), x1 = x_of(a, k[i].below);
        double w = x1 - x0 > 1.6 ? x1 - x0 - 0.6 : 1.0; /* a hairline gap between bars */
        double y = y_of(k[i].count / top);
        char f[32], t[32];
        vkw_buf_printf(b,
                       "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
                       "<title>%s to %s: %.0f</title></rect>\n",
                       x0, y, w, y_of(0) - y, vkw_fmt_ns(from, false, f, sizeof f),
                       vkw_fmt_ns(k[i].below, false, t, sizeof t), k[i].count);
    }
    if (!nk)
        vkw_buf_printf(b, "<text x=\"%d\" y=\"%d\">no histogram in the report</text>\n", LEFT + 10,
                       TOP + 20);
    vkw_buf_puts(b, "</svg>\n");
}

static void percentile_mark(vkw_buf *b, const axis *a, double v, const char *name, double frac,
                            int row)
{
    if (!(v > 0))
        return;
    double x = x_of(a, v);
    char t[32];
    bool right = x > (LEFT + PLOT_W - RIGHT) / 2.0; /* keep the label inside the plot */
    vkw_buf_printf(b,
                   "<line class=\"mark %s\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                   "<circle class=\"mark-dot\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/>"
                   "<text class=\"mark-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s ",
                   name, x, TOP, x, PLOT_H - BOTTOM, x, y_of(frac), right ? x - 5 : x + 5,
                   y_of(0) - 8.0 - 14.0 * row, right ? "end" : "start", name);
    vkw_buf_markup(b, vkw_fmt_ns(v, false, t, sizeof t));
    vkw_buf_puts(b, "</text>\n");
}

static void cdf(vkw_buf *b, const plot_of *r, const vkw_distribution *rt, const char *title,
                const axis *a, const bucket *k, size_t nk, const double *s, size_t ns)
{
    svg_open(b, "vkw-cdf", r, title, ns ? "CDF of the samples" : "CDF from the histogram");
    for (int pct = 0; pct <= 100; pct += 25) {
        double y = y_of(pct / 100.0);
        vkw_buf_printf(b,
                       "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                       "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d %%</text>\n",
                       LEFT - 4, y, PLOT_W - RIGHT, y, LEFT - 7, y + 4, pct);
    }
    time_ticks(b, a);
    /* A step plot: flat until a sample (or a bucket's upper edge, where all of
     * the bucket is known to be below), then up to the new fraction. */
    double total = 0;
    for (size_t i = 0; i < nk; i++)
        total += k[i].count;
    if (ns || total > 0) {
        double x0 = ns ? x_of(a, s[0]) : x_of(a, k[0].from > 0 ? k[0].from : k[0].below / 2);
        vkw_buf_printf(b, "<path class=\"cdf\" d=\"M%.1f %.1f", x0, y_of(0));
        double last_x = x0;
        if (ns) {
            for (size_t i = 0; i < ns; i++) {
                double x = x_of(a, s[i]);
                /* Samples on one pixel column make one step. */
                if (i + 1 < ns && x_of(a, s[i + 1]) - x < 0.05)
                    continue;
                if (x - last_x >= 0.05)
                    vkw_buf_printf(b, "H%.1f", x);
                vkw_buf_printf(b, "V%.1f", y_of((double)(i + 1) / (double)ns));
                last_x = x;
            }
        } else {
            double cum = 0;
            for (size_t i = 0; i < nk; i++) {
                cum += k[i].count;
                vkw_buf_printf(b, "H%.1fV%.1f", x_of(a, k[i].below), y_of(cum / total));
            }
        }
        vkw_buf_printf(b, "H%d\"/>\n", PLOT_W - RIGHT);
    } else {
        vkw_buf_printf(b, "<text x=\"%d\" y=\"%d\">no data in the report</text>\n", LEFT + 10,
                       TOP + 20);
    }
    percentile_mark(b, a, rt->p50, "p50", 0.50, 1);
    percentile_mark(b, a, rt->p99, "p99", 0.99, 0);
    vkw_buf_puts(b, "</svg>\n");
}

void vkw_html_round_trip_plots(vkw_doc *d, const vkw_sync_result *r, const char *through)
{
    vkw_doc_flush(d);
    vkw_buf *b = &d->out;
    double *s = NULL;
    vkw_buf title = {0};
    plot_of what = {vkw_sync_mode_name(r->mode), vkw_peer_name(r->peer), through};
    bucket *k = malloc(VKW_HISTOGRAM_BUCKETS * sizeof *k);
    if (!k) {
        d->failed = true;
        goto cleanup;
    }
    size_t nk = read_buckets(&r->rt, k, VKW_HISTOGRAM_BUCKETS), ns = 0;
    s = read_samples(d, r, &ns);
    vkw_buf_printf(&title, "%s \xC2\xB7 %s peer \xC2\xB7 %s", what.mode, what.peer, through);
    if (d->failed || title.failed) {
        d->failed = true;
        goto cleanup;
    }
    axis a = {1e3, 1e6}; /* 1 µs to 1 ms when the result holds no figure at all */
    time_axis(k, nk, s, ns, &r->rt, &a);
    vkw_buf_puts(b, "<figure class=\"plot-pair\"><figcaption>");
    vkw_buf_markup(b, title.data);
    vkw_buf_puts(b, "</figcaption>\n");
    histogram(b, &what, title.data, &a, k, nk);
    cdf(b, &what, &r->rt, title.data, &a, k, nk, s, ns);
    vkw_buf_puts(b, "</figure>\n");
cleanup:
    vkw_buf_free(&title);
    free(s);
    free(k);
}

/* ---- line charts over time (the stress series) ---- */

enum { LC_W = 560, LC_LEFT = 64, LC_RIGHT = 18, LC_TOP = 30, LC_BOTTOM = 200, LC_LEGEND_COLS = 4 };

static const char *const palette[] = {"#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2",
                                      "#b279a2", "#eeca3b", "#9d755d", "#ff9da6", "#79706e"};

static double lc_x(double x, double x0, double x1)
{
    return LC_LEFT + (x1 > x0 ? (x - x0) / (x1 - x0) : 0.5) * (LC_W - LC_LEFT - LC_RIGHT);
}

static double lc_y(double y, double lo, double hi)
{
    return LC_BOTTOM - (y - lo) / (hi - lo) * (LC_BOTTOM - LC_TOP);
}

static void lc_text(vkw_buf *b, double x, double y, const char *anchor, const char *cls,
                    const char *s)
{
    vkw_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s%s%s>", x, y, anchor,
                   cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    vkw_buf_markup(b, s);
    vkw_buf_puts(b, "</text>\n");
}

/* One series as polylines: a run of known values each; a lone value a dot.
 * Past VKW_CHART_POINTS_MAX points, one vertex per pixel column: the max. */
static void lc_series(vkw_buf *b, const vkw_line_chart *c, const double *y, const char *colour,
                      double x0, double x1, double lo, double hi)
{
    bool bucketed = c->n > VKW_CHART_POINTS_MAX;
    size_t run = 0;
    double last_x = 0, last_y = 0;
    for (size_t i = 0; i <= c->n; i++) {
        double vx = 0, vy = NAN;
        if (i < c->n) {
            vx = lc_x(c->x[i], x0, x1);
            vy = y[i];
            if (bucketed) {
                /* The points of this pixel column, their max. */
                long col = lround(vx);
                while (i + 1 < c->n && lround(lc_x(c->x[i + 1], x0, x1)) == col) {
                    i++;
                    if (isfinite(y[i]) && (!isfinite(vy) || y[i] > vy))
                        vy = y[i];
                }
                vx = (double)col;
            }
        }
        if (isfinite(vy)) {
            if (!run)
                vkw_buf_printf(b, "<polyline class=\"line\" stroke=\"%s\" points=\"", colour);
            vkw_buf_printf(b, "%s%.1f,%.1f", run ? " " : "", vx, lc_y(vy, lo, hi));
            last_x = vx;
            last_y = lc_y(vy, lo, hi);
            run++;
            continue;
        }
        if (run) {
            vkw_buf_puts(b, "\"/>\n");
            if (run == 1)
                vkw_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\"/>\n", last_x,
                               last_y, colour);
        }
        run = 0;
    }
}

void vkw_html_line_chart(vkw_doc *d, const vkw_line_chart *c)
{
    vkw_doc_flush(d);
    vkw_buf *b = &d->out;
    double x0 = INFINITY, x1 = -INFINITY, lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < c->n; i++)
        if (isfinite(c->x[i])) {
            x0 = c->x[i] < x0 ? c->x[i] : x0;
            x1 = c->x[i] > x1 ? c->x[i] : x1;
        }
    for (size_t s = 0; s < c->count; s++)
        for (size_t i = 0; i < c->n; i++) {
            double v = c->series[s].y[i];
            if (isfinite(v)) {
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
        }
    bool any = isfinite(lo) && isfinite(x0);
    if (any && hi == lo) { /* flat: a band around it */
        double pad = fabs(hi) > 0 ? fabs(hi) * 0.05 : 1;
        lo -= pad;
        hi += pad;
    }
    size_t rows = (c->count + LC_LEGEND_COLS - 1) / LC_LEGEND_COLS;
    int height = LC_BOTTOM + 46 + (int)rows * 16;
    vkw_buf_printf(b,
                   "<svg class=\"vkw-line-chart\" role=\"img\" width=\"%d\" height=\"%d\" "
                   "viewBox=\"0 0 %d %d\">\n<title>",
                   LC_W, height, LC_W, height);
    vkw_buf_markup(b, c->title);
    vkw_buf_puts(b, "</title>\n");
    lc_text(b, LC_LEFT, 18, "start", "plot-title", c->title);
    vkw_buf_printf(b,
                   "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                   "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
                   LC_LEFT, LC_BOTTOM, LC_W - LC_RIGHT, LC_BOTTOM, LC_LEFT, LC_TOP, LC_LEFT,
                   LC_BOTTOM);
    char label[64];
    if (!any) {
        lc_text(b, LC_LEFT + 10, LC_TOP + 20, "start", NULL, "no data in the report");
    } else {
        for (int k = 0; k <= 2; k++) { /* min, middle, max */
            double v = lo + (hi - lo) * k / 2.0, y = lc_y(v, lo, hi);
            vkw_buf_printf(b,
                           "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n",
                           LC_LEFT, y, LC_W - LC_RIGHT, y);
            snprintf(label, sizeof label, "%.*f", c->decimals, v);
            lc_text(b, LC_LEFT - 6, y + 4, "end", NULL, label);
        }
        snprintf(label, sizeof label, "%g s", x0);
        lc_text(b, LC_LEFT, LC_BOTTOM + 15, "start", NULL, label);
        snprintf(label, sizeof label, "%g s", x1);
        lc_text(b, LC_W - LC_RIGHT, LC_BOTTOM + 15, "end", NULL, label);
        for (size_t s = 0; s < c->count; s++)
            lc_series(b, c, c->series[s].y, palette[s % (sizeof palette / sizeof palette[0])], x0,
                      x1, lo, hi);
    }
    lc_text(b, (LC_LEFT + LC_W - LC_RIGHT) / 2.0, LC_BOTTOM + 15, "middle", NULL,
            "time since the start");
    vkw_buf_printf(
        b, "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">",
        (LC_TOP + LC_BOTTOM) / 2, (LC_TOP + LC_BOTTOM) / 2);
    vkw_buf_markup(b, c->unit);
    vkw_buf_puts(b, "</text>\n");
    for (size_t s = 0; s < c->count; s++) { /* the legend */
        double lx = LC_LEFT + (double)(s % LC_LEGEND_COLS) * 125;
        double ly = LC_BOTTOM + 38 + (double)(s / LC_LEGEND_COLS) * 16;
        vkw_buf_printf(b,
                       "<rect class=\"legend\" x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"4\" "
                       "fill=\"%s\"/>",
                       lx, ly - 5, palette[s % (sizeof palette / sizeof palette[0])]);
        lc_text(b, lx + 16, ly, "start", NULL, c->series[s].name);
    }
    vkw_buf_puts(b, "</svg>\n");
}
