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

static uint32_t bucket_of(double v)
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
        out->histogram[bucket_of(samples[i])]++;
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
}
