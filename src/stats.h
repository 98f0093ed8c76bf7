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
 * log-scale histogram (bucket k counts samples in [2^k, 2^(k+1)) ns; bucket 0
 * also takes samples under 1 ns). */
#define VKW_HISTOGRAM_BUCKETS 40
typedef struct vkw_distribution {
    uint32_t count;
    double min, p50, p90, p99, p999, max, mean, stddev;
    uint32_t histogram[VKW_HISTOGRAM_BUCKETS];
} vkw_distribution;

/* Describes n samples (nanoseconds); sorts them in place. */
void vkw_distribution_of(double *samples, size_t n, vkw_distribution *out);

#endif
