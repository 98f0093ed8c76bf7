#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void vkw_summarize(double *samples, size_t n, vkw_summary *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return;
    qsort(samples, n, sizeof *samples, cmp_double);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += samples[i];
    out->count = (uint32_t)n;
    out->min = samples[0];
    out->max = samples[n - 1];
    out->median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
    out->mean = sum / (double)n;
}

/* The nearest-rank percentile of sorted samples: the smallest sample with at
 * least q of the samples at or below it. */
static double percentile(const double *sorted, size_t n, double q)
{
    size_t rank = (size_t)ceil(q * (double)n);
    return sorted[rank ? rank - 1 : 0];
}

uint32_t vkw_histogram_bucket_of(double v)
{
    if (!(v >= 1.0))
        return 0;
    uint32_t octave = 0;
    while (v >= 2.0 && octave + 1 < VKW_HISTOGRAM_OCTAVES) {
        v /= 2.0;
        octave++;
    }
    double step = floor((v - 1.0) * VKW_HISTOGRAM_STEPS); /* v in [1, 2) unless clamped */
    uint32_t s = step >= VKW_HISTOGRAM_STEPS ? VKW_HISTOGRAM_STEPS - 1 : (uint32_t)step;
    return octave * VKW_HISTOGRAM_STEPS + s;
}

void vkw_histogram_bucket_range(uint32_t k, double *from, double *below)
{
    double base = ldexp(1.0, (int)(k / VKW_HISTOGRAM_STEPS));
    uint32_t s = k % VKW_HISTOGRAM_STEPS;
    *from = k ? base * (1.0 + (double)s / VKW_HISTOGRAM_STEPS) : 0;
    *below = base * (1.0 + (double)(s + 1) / VKW_HISTOGRAM_STEPS);
}

void vkw_latency_hist_reset(vkw_latency_hist *h)
{
    memset(h, 0, sizeof *h);
}

void vkw_latency_hist_add(vkw_latency_hist *h, double ns)
{
    if (isnan(ns))
        return;
    if (h->count == 0 || ns < h->min_ns)
        h->min_ns = ns;
    if (h->count == 0 || ns > h->max_ns)
        h->max_ns = ns;
    h->count++;
    h->bucket[vkw_histogram_bucket_of(ns)]++;
}

void vkw_latency_hist_merge(vkw_latency_hist *into, const vkw_latency_hist *from)
{
    if (from->count == 0)
        return;
    if (into->count == 0 || from->min_ns < into->min_ns)
        into->min_ns = from->min_ns;
    if (into->count == 0 || from->max_ns > into->max_ns)
        into->max_ns = from->max_ns;
    into->count += from->count;
    for (uint32_t k = 0; k < VKW_HISTOGRAM_BUCKETS; k++)
        into->bucket[k] += from->bucket[k];
}

double vkw_latency_hist_quantile(const vkw_latency_hist *h, double q)
{
    if (h->count == 0)
        return 0;
    double r = ceil(q * (double)h->count);
    uint64_t rank = r < 1 ? 1 : r > (double)h->count ? h->count : (uint64_t)r;
    uint64_t seen = 0;
    uint32_t k = 0;
    for (; k + 1 < VKW_HISTOGRAM_BUCKETS; k++) {
        seen += h->bucket[k];
        if (seen >= rank)
            break;
    }
    double from, below;
    vkw_histogram_bucket_range(k, &from, &below);
    double mid = (from + below) / 2;
    return mid < h->min_ns ? h->min_ns : mid > h->max_ns ? h->max_ns : mid;
}

void vkw_distribution_of(double *samples, size_t n, vkw_distribution *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return;
    qsort(samples, n, sizeof *samples, cmp_double);
    double sum = 0, sq = 0;
    for (size_t i = 0; i < n; i++)
        sum += samples[i];
    double mean = sum / (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = samples[i] - mean;
        sq += d * d;
        out->histogram[vkw_histogram_bucket_of(samples[i])]++;
    }
    out->count = (uint32_t)n;
    out->min = samples[0];
    out->max = samples[n - 1];
    out->p50 = percentile(samples, n, 0.50);
    out->p90 = percentile(samples, n, 0.90);
    out->p99 = percentile(samples, n, 0.99);
    out->p999 = percentile(samples, n, 0.999);
    out->mean = mean;
    out->stddev = n > 1 ? sqrt(sq / (double)(n - 1)) : 0;
    vkw_modes_of(samples, n, &out->modes);
}

/* Arrangements of n x's and m y's with each U from 0 to n*m, divided by
 * C(n+m, n): the exact null distribution. Built by placing the largest value
 * last: a y there is above all n x's (U grows by n), an x adds nothing. */
static double *exact_u_distribution(size_t n, size_t m)
{
    size_t top = n * m + 1;
    /* cur[i * top + u]: i x's and j y's (j the loop's). */
    double *cur = calloc((n + 1) * top, sizeof *cur), *next = calloc((n + 1) * top, sizeof *next);
    double *out = calloc(top, sizeof *out);
    if (!cur || !next || !out) {
        free(cur);
        free(next);
        free(out);
        return NULL;
    }
    for (size_t i = 0; i <= n; i++)
        cur[i * top] = 1; /* j = 0: U is 0 */
    for (size_t j = 1; j <= m; j++) {
        memset(next, 0, (n + 1) * top * sizeof *next);
        for (size_t i = 0; i <= n; i++)
            for (size_t u = 0; u <= i * j; u++) {
                double v = 0;
                if (u >= i)
                    v += cur[i * top + u - i]; /* the largest is the j-th y */
                if (i > 0)
                    v += next[(i - 1) * top + u]; /* the largest is the i-th x */
                next[i * top + u] = v;
            }
        double *t = cur;
        cur = next;
        next = t;
    }
    double total = 0;
    for (size_t u = 0; u < top; u++)
        total += cur[n * top + u];
    for (size_t u = 0; u < top; u++)
        out[u] = cur[n * top + u] / total;
    free(cur);
    free(next);
    return out;
}

double vkw_mann_whitney_min_p(size_t n, size_t m)
{
    /* 1 / C(n+m, n) */
    double c = 1;
    for (size_t k = 1; k <= n; k++)
        c = c * (double)(m + k) / (double)k;
    return n && m ? 1.0 / c : 1.0;
}

typedef struct ranked {
    double v;
    int from_y;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    return cmp_double(&((const ranked *)a)->v, &((const ranked *)b)->v);
}

double vkw_mann_whitney_greater(const double *x, size_t n, const double *y, size_t m, double *u)
{
    if (u)
        *u = 0;
    if (!n || !m)
        return 1.0;
    ranked *all = malloc((n + m) * sizeof *all);
    if (!all)
        return 1.0;
    for (size_t i = 0; i < n; i++)
        all[i] = (ranked){x[i], 0};
    for (size_t j = 0; j < m; j++)
        all[n + j] = (ranked){y[j], 1};
    qsort(all, n + m, sizeof *all, cmp_ranked);
    /* Midranks; the sum of the y's ranks gives U; the ties' sizes give the
     * variance correction. */
    double rank_sum_y = 0, tie_term = 0;
    for (size_t i = 0; i < n + m;) {
        size_t k = i;
        while (k < n + m && all[k].v == all[i].v)
            k++;
        double mid = (double)(i + 1 + k) / 2.0, t = (double)(k - i);
        for (size_t q = i; q < k; q++)
            if (all[q].from_y)
                rank_sum_y += mid;
        tie_term += t * t * t - t;
        i = k;
    }
    free(all);
    double nn = (double)n, mm = (double)m;
    double uy = rank_sum_y - mm * (mm + 1) / 2.0;
    if (u)
        *u = uy;
    if (n <= VKW_MWU_EXACT_MAX && m <= VKW_MWU_EXACT_MAX) {
        double *dist = exact_u_distribution(n, m);
        if (dist) {
            double p = 0;
            for (size_t k = (size_t)floor(uy); k <= n * m; k++)
                p += dist[k];
            free(dist);
            return p > 1 ? 1 : p;
        }
    }
    double mean = nn * mm / 2.0, big = nn + mm;
    double var = nn * mm / 12.0 * ((big + 1) - tie_term / (big * (big - 1)));
    if (var <= 0)
        return 1.0;
    double z = (uy - mean - 0.5) / sqrt(var);
    return 0.5 * erfc(z / sqrt(2.0));
}

/* ---- Modes (stats.h: the method) ------------------------------------------ */

#define MODE_BINS 1024

typedef struct mode_histogram {
    double smooth[MODE_BINS];
    uint32_t bins;
    double lo, width; /* log2 of the first bin's start, bin width in octaves */
} mode_histogram;

static uint32_t mode_bin(const mode_histogram *h, double v)
{
    double x = v > 0 ? (log2(v) - h->lo) / h->width : 0;
    if (!(x > 0))
        return 0;
    return x >= h->bins - 1 ? h->bins - 1 : (uint32_t)x;
}

static void mode_histogram_of(const double *sorted, size_t n, mode_histogram *h)
{
    double first = sorted[0] > 0 ? sorted[0] : 1.0;
    double q1 = sorted[n / 4] > first ? sorted[n / 4] : first;
    double q3 = sorted[(3 * n) / 4] > q1 ? sorted[(3 * n) / 4] : q1;
    double width = 2 * (log2(q3) - log2(q1)) / cbrt((double)n);
    h->width = width < 1.0 / 64 ? 1.0 / 64 : width > 1.0 / 8 ? 1.0 / 8 : width;
    h->lo = log2(first);
    double span = (sorted[n - 1] > first ? log2(sorted[n - 1]) - h->lo : 0) / h->width;
    h->bins = span + 2 >= MODE_BINS ? MODE_BINS : (uint32_t)span + 2;
    uint32_t raw[MODE_BINS] = {0};
    for (size_t i = 0; i < n; i++)
        raw[mode_bin(h, sorted[i])]++;
    for (uint32_t b = 0; b < h->bins; b++)
        h->smooth[b] =
            ((b ? raw[b - 1] : 0) + 2.0 * raw[b] + (b + 1 < h->bins ? raw[b + 1] : 0)) / 4;
}

/* The highest smoothed bin in [from, to]. */
static double mode_peak(const mode_histogram *h, uint32_t from, uint32_t to)
{
    double m = 0;
    for (uint32_t b = from; b <= to; b++)
        m = h->smooth[b] > m ? h->smooth[b] : m;
    return m;
}

/* How unclear cut k is: its bin over the lower of its sides' peaks (cut k
 * ends a side: sides are [cuts[k-1] + 1, cuts[k]] and [cuts[k] + 1, ...]). */
static double cut_ratio(const mode_histogram *h, const uint32_t *cuts, uint32_t ncuts, uint32_t k)
{
    uint32_t from = k ? cuts[k - 1] + 1 : 0, to = k + 1 < ncuts ? cuts[k + 1] : h->bins - 1;
    double left = mode_peak(h, from, cuts[k]), right = mode_peak(h, cuts[k] + 1, to);
    double low = left < right ? left : right;
    return low > 0 ? h->smooth[cuts[k]] / low : 1.0;
}

static void remove_cut(uint32_t *cuts, uint32_t *ncuts, uint32_t k)
{
    memmove(cuts + k, cuts + k + 1, (*ncuts - k - 1) * sizeof *cuts);
    (*ncuts)--;
}

/* The least clear cut (highest ratio). */
static uint32_t least_clear_cut(const mode_histogram *h, const uint32_t *cuts, uint32_t ncuts,
                                double *ratio)
{
    uint32_t worst = 0;
    *ratio = -1;
    for (uint32_t k = 0; k < ncuts; k++) {
        double r = cut_ratio(h, cuts, ncuts, k);
        if (r > *ratio) {
            *ratio = r;
            worst = k;
        }
    }
    return worst;
}

/* The samples (sorted) of each side of the cuts: side k is [start[k], start[k + 1]). */
static void side_starts(const mode_histogram *h, const double *sorted, size_t n,
                        const uint32_t *cuts, uint32_t ncuts, size_t *start)
{
    size_t i = 0;
    start[0] = 0;
    for (uint32_t k = 0; k < ncuts; k++) {
        while (i < n && mode_bin(h, sorted[i]) <= cuts[k])
            i++;
        start[k + 1] = i;
    }
    start[ncuts + 1] = n;
}

/* The median of sorted[a, b), which is not empty. */
static double side_median(const double *sorted, size_t a, size_t b)
{
    size_t c = b - a;
    return c % 2 ? sorted[a + c / 2] : (sorted[a + c / 2 - 1] + sorted[a + c / 2]) / 2;
}

void vkw_modes_of(double *samples, size_t n, vkw_modes *out)
{
    mode_histogram h;
    uint32_t cuts[MODE_BINS / 2];
    size_t start[MODE_BINS / 2 + 2];
    uint32_t ncuts = 0;
    memset(out, 0, sizeof *out);
    if (n == 0)
        return;
    qsort(samples, n, sizeof *samples, cmp_double);
    if (n >= VKW_MODE_MIN_SAMPLES) {
        mode_histogram_of(samples, n, &h);
        /* 2. a cut at the lowest bin between neighbouring local maxima */
        int32_t last_peak = -1;
        for (uint32_t b = 0; b < h.bins; b++) {
            double left = b ? h.smooth[b - 1] : 0, right = b + 1 < h.bins ? h.smooth[b + 1] : 0;
            if (!(h.smooth[b] > left && h.smooth[b] >= right))
                continue;
            if (last_peak >= 0 && ncuts < MODE_BINS / 2) {
                uint32_t low = (uint32_t)last_peak;
                for (uint32_t v = (uint32_t)last_peak; v < b; v++)
                    if (h.smooth[v] < h.smooth[low])
                        low = v;
                cuts[ncuts++] = low;
            }
            last_peak = (int32_t)b;
        }
        /* 3. only clear valleys stay */
        double ratio;
        while (ncuts) {
            uint32_t k = least_clear_cut(&h, cuts, ncuts, &ratio);
            if (ratio <= VKW_MODE_VALLEY)
                break;
            remove_cut(cuts, &ncuts, k);
        }
        /* 4. only modes with a share of their own stay, at most VKW_MODES_MAX */
        while (ncuts) {
            side_starts(&h, samples, n, cuts, ncuts, start);
            uint32_t small = 0;
            for (uint32_t k = 1; k <= ncuts; k++)
                if (start[k + 1] - start[k] < start[small + 1] - start[small])
                    small = k;
            if ((double)(start[small + 1] - start[small]) >= VKW_MODE_MIN_SHARE * (double)n) {
                if (ncuts + 1 <= VKW_MODES_MAX)
                    break;
                remove_cut(cuts, &ncuts, least_clear_cut(&h, cuts, ncuts, &ratio));
                continue;
            }
            /* the cut on its side that is less clear (its only one at an end) */
            uint32_t k = small == 0       ? 0
                         : small == ncuts ? ncuts - 1
                         : cut_ratio(&h, cuts, ncuts, small - 1) > cut_ratio(&h, cuts, ncuts, small)
                             ? small - 1
                             : small;
            remove_cut(cuts, &ncuts, k);
        }
        /* 5. neighbours closer than VKW_MODE_MIN_SEPARATION are one mode */
        while (ncuts) {
            side_starts(&h, samples, n, cuts, ncuts, start);
            uint32_t closest = 0;
            double closest_ratio = INFINITY;
            for (uint32_t k = 0; k < ncuts; k++) {
                double lo = side_median(samples, start[k], start[k + 1]);
                double hi = side_median(samples, start[k + 1], start[k + 2]);
                double r = lo > 0 ? hi / lo : INFINITY;
                if (r < closest_ratio) {
                    closest_ratio = r;
                    closest = k;
                }
            }
            if (closest_ratio >= VKW_MODE_MIN_SEPARATION)
                break;
            remove_cut(cuts, &ncuts, closest);
        }
    }
    side_starts(&h, samples, n, cuts, ncuts, start);
    for (uint32_t m = 0; m <= ncuts; m++) {
        size_t a = start[m], c = start[m + 1] - start[m];
        vkw_mode *o = &out->mode[out->count++];
        o->count = (uint32_t)c;
        o->share = (double)c / (double)n;
        o->min = samples[a];
        o->max = samples[a + c - 1];
        o->median = side_median(samples, a, a + c);
    }
}
