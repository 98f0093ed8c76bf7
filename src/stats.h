/* Summaries of timed samples. */
#ifndef VKW_STATS_H
#define VKW_STATS_H

#include <stddef.h>
#include <stdint.h>

typedef struct vkw_summary {
    uint32_t count;
    double min, median, mean, max; /* in the samples' unit */
} vkw_summary;

/* Summarises n samples; sorts them in place. count 0 when n is 0. */
void vkw_summarize(double *samples, size_t n, vkw_summary *out);

/* A latency distribution in nanoseconds: percentiles by nearest rank, and a
 * log-linear histogram: each power of two [2^o, 2^(o+1)) ns is cut into
 * VKW_HISTOGRAM_STEPS equal buckets (widths within 12.5 % of their start), for
 * o from 0 to VKW_HISTOGRAM_OCTAVES - 1; bucket 0 also takes samples under 1 ns
 * and the last one everything above. */
#define VKW_HISTOGRAM_STEPS 8
#define VKW_HISTOGRAM_OCTAVES 40
#define VKW_HISTOGRAM_BUCKETS (VKW_HISTOGRAM_STEPS * VKW_HISTOGRAM_OCTAVES)
typedef struct vkw_distribution {
    uint32_t count;
    double min, p50, p90, p99, p999, max, mean, stddev;
    uint32_t histogram[VKW_HISTOGRAM_BUCKETS];
} vkw_distribution;

/* Describes n samples (nanoseconds); sorts them in place. */
void vkw_distribution_of(double *samples, size_t n, vkw_distribution *out);

/* The range [*from, *below) of histogram bucket k, in nanoseconds (bucket 0
 * starts at 0). */
void vkw_histogram_bucket_range(uint32_t k, double *from, double *below);

#endif
