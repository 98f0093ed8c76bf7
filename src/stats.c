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
        unsigned k = 0;
        for (double v = samples[i]; v >= 2.0 && k + 1 < VKW_HISTOGRAM_BUCKETS; v /= 2.0)
            k++;
        out->histogram[k]++;
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
