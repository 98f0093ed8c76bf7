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

/* The clear modes of a latency sample (NVIDIA's host wait, for one, either
 * spins or sleeps: each run's round trips gather around one of two values, and
 * a p50 jumps between them). The method, on log2 of the samples:
 *  1. a histogram with bins of 2 IQR / n^(1/3) octaves (Freedman-Diaconis),
 *     kept within [1/64, 1/8] octave, smoothed once with weights 1, 2, 1;
 *  2. a cut at the lowest bin between each two neighbouring local maxima;
 *  3. a cut whose bin holds more than VKW_MODE_VALLEY times the lower of the
 *     highest bins of its two sides is no valley: the least clear such cut
 *     goes, the sides' highest bins are taken anew, until every cut is clear;
 *  4. a mode with less than VKW_MODE_MIN_SHARE of the samples is no mode: the
 *     smallest goes into its neighbour across the less clear cut, until none
 *     is left (and the least clear cuts go while there are more than
 *     VKW_MODES_MAX modes);
 *  5. two neighbouring modes whose medians are less than VKW_MODE_MIN_SEPARATION
 *     times apart are one: a real machine's round trips have fine structure
 *     (10 and 11 us, say) that is no second behaviour; the closest pair is
 *     joined first, until every pair is that far apart.
 * Fewer than VKW_MODE_MIN_SAMPLES samples: one mode, nothing is claimed. Each
 * mode's share of the samples and its median (the sample median within it),
 * lowest first; count 0 when n is 0, 1 when the sample has one mode. */
#define VKW_MODES_MAX 4
#define VKW_MODE_VALLEY 0.5
#define VKW_MODE_MIN_SHARE 0.05
#define VKW_MODE_MIN_SAMPLES 200
#define VKW_MODE_MIN_SEPARATION 1.2
typedef struct vkw_mode {
    uint32_t count;
    double share, median, min, max;
} vkw_mode;
typedef struct vkw_modes {
    uint32_t count;
    vkw_mode mode[VKW_MODES_MAX];
} vkw_modes;

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
    vkw_modes modes; /* vkw_modes_of the same samples */
} vkw_distribution;

/* Describes n samples (nanoseconds), their modes included; sorts them in place. */
void vkw_distribution_of(double *samples, size_t n, vkw_distribution *out);

/* The range [*from, *below) of histogram bucket k, in nanoseconds (bucket 0
 * starts at 0). */
void vkw_histogram_bucket_range(uint32_t k, double *from, double *below);

/* The histogram bucket of a sample of ns nanoseconds (0 for a NaN). */
uint32_t vkw_histogram_bucket_of(double ns);

/* A latency distribution kept as it streams: the count, min, max and the
 * log-linear histogram above, so a run of any length costs the same memory
 * per kind of operation (no samples kept), and histograms merge by adding.
 * A NaN sample is not counted. */
typedef struct vkw_latency_hist {
    uint64_t count;
    double min_ns, max_ns; /* 0 when count is 0 */
    uint64_t bucket[VKW_HISTOGRAM_BUCKETS];
} vkw_latency_hist;

void vkw_latency_hist_reset(vkw_latency_hist *h);
void vkw_latency_hist_add(vkw_latency_hist *h, double ns);
void vkw_latency_hist_merge(vkw_latency_hist *into, const vkw_latency_hist *from);

/* The nearest-rank q-quantile (0 < q <= 1): the bucket holding that rank,
 * reported as its midpoint clamped to [min_ns, max_ns] (so within 12.5 % of
 * the true sample, as a bucket is at most 12.5 % of its start wide); 0 when
 * empty. */
double vkw_latency_hist_quantile(const vkw_latency_hist *h, double q);

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

/* The modes of n samples (as above); sorts them in place. */
void vkw_modes_of(double *samples, size_t n, vkw_modes *out);

#endif
