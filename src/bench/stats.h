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

/* The one-sided Mann-Whitney U test that y is larger than x: U counts the
 * pairs (x[i], y[j]) with y[j] > x[i], a tie as one half; the p-value is the
 * chance of a U at least this large when all n + m values come from one
 * distribution. Exact (every arrangement counted) while n and m are at most
 * VKW_MWU_EXACT_MAX; a tie is then counted against the claim (U rounded down).
 * Beyond, the normal approximation with the tie and continuity corrections.
 * 1 (nothing shown) when n or m is 0. */
#define VKW_MWU_EXACT_MAX 50
double vkw_mann_whitney_greater(const double *x, size_t n, const double *y, size_t m, double *u);

/* The smallest p-value the exact test can give with n and m values: below
 * alpha, or the test can never call a difference. */
double vkw_mann_whitney_min_p(size_t n, size_t m);

#endif
