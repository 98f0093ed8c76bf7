/* vkw_trend_theil_sen and vkw_trend_grows (base/trend.h) on synthetic series
 * with known trends: what a stress run's leak and slowdown verdicts stand on;
 * and the streaming latency histogram (base/stats.h) its percentiles come from. */
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "base/stats.h"
#include "base/trend.h"

/* A fixed pseudo-random sequence (xorshift64*), so every run sees the same
 * series, and normal deviates from it (Box-Muller). */
static uint64_t rng = 1;
static double uniform(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (double)((rng * 0x2545F4914F6CDD1Dull) >> 11) / 9007199254740992.0 + 1e-17;
}

static double normal(void)
{
    return sqrt(-2 * log(uniform())) * cos(6.283185307179586 * uniform());
}

/* -1, 0 or +1, each a third of the time: an fd count's jitter. */
static double jitter(void)
{
    return floor(uniform() * 3) - 1;
}

static int near(double got, double want, double tolerance)
{
    int ok = fabs(got - want) <= tolerance;
    if (!ok)
        fprintf(stderr, "got %.12g, want %.12g +- %g\n", got, want, tolerance);
    return ok;
}

/* The least-squares slope, to show where it would fail. */
static double least_squares_slope(const double *x, const double *y, size_t n)
{
    double mx = 0, my = 0, sxy = 0, sxx = 0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i] / (double)n;
        my += y[i] / (double)n;
    }
    for (size_t i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxy / sxx;
}

static vkw_trend trend_of(const double *x, const double *y, size_t n)
{
    vkw_trend t;
    vkw_error err = {0};
    CHECK(vkw_trend_theil_sen(x, y, n, &t, &err) == VKW_OK);
    return t;
}

/* An fd count: flat at 40 with +-1 jitter, plus `leak` per point. */
static void fd_count(uint64_t seed, size_t n, double leak, double *x, double *y)
{
    rng = seed;
    for (size_t i = 0; i < n; i++) {
        x[i] = (double)i;
        y[i] = 40 + jitter() + floor(leak * (double)i);
    }
}

/* An importer's fd count over 4 lives of 15 points (started again after
 * each): each life from its own level, jittered, plus `leak` per point of
 * the life. */
static void lives_count(uint64_t seed, double leak, double *x, double *y, uint32_t *life)
{
    static const double level[4] = {40, 55, 38, 61};
    rng = seed;
    for (size_t i = 0; i < 60; i++) {
        life[i] = (uint32_t)(i / 15);
        x[i] = (double)i;
        y[i] = level[life[i]] + jitter() + floor(leak * (double)(i % 15));
    }
}

/* A leak that every life shows, each started anew: found over every life,
 * where the last life alone (15 points) and the whole series as one (the
 * jumps between lives) say less. */
static void trend_over_lives_finds_a_leak_each_restart_hides(void)
{
    double x[60], y[60];
    uint32_t life[60];
    lives_count(5, 1.0, x, y, life);
    vkw_trend t;
    vkw_error err = {0};
    CHECK(vkw_trend_theil_sen_lives(x, y, life, 60, &t, &err) == VKW_OK);
    CHECK(t.estimated && vkw_trend_grows(&t, 0));
    CHECK(near(t.slope, 1.0, 0.1));
    CHECK(t.lo > 0.8);
    CHECK(t.noise <= 1.0);
}

/* Lives at different levels, none of them growing: no trend, where the
 * series taken as one life sees the levels' steps as one. */
static void trend_over_lives_ignores_their_levels(void)
{
    double x[60], y[60];
    uint32_t life[60];
    lives_count(9, 0.0, x, y, life);
    vkw_trend t, one;
    vkw_error err = {0};
    CHECK(vkw_trend_theil_sen_lives(x, y, life, 60, &t, &err) == VKW_OK);
    CHECK(t.estimated && !vkw_trend_grows(&t, 0));
    CHECK(t.slope == 0);
    CHECK(vkw_trend_theil_sen_lives(x, y, NULL, 60, &one, &err) == VKW_OK);
    CHECK(one.slope != 0); /* the same points as one life: a slope from the steps */
}

static void trend_of_an_exact_line(void)
{
    double x[20], y[20];
    for (size_t i = 0; i < 20; i++) {
        x[i] = 0.5 * (double)i; /* a point every half second */
        y[i] = 3 * x[i] + 2;
    }
    vkw_trend t = trend_of(x, y, 20);
    CHECK(t.estimated && t.n == 20);
    CHECK(near(t.slope, 3, 1e-9) && near(t.intercept, 2, 1e-9));
    CHECK(near(t.lo, 3, 1e-9) && near(t.hi, 3, 1e-9));
    CHECK(near(t.noise, 0, 1e-9));
    CHECK(vkw_trend_grows(&t, 0) && vkw_trend_grows(&t, 2.9) && !vkw_trend_grows(&t, 3.1));
}

/* y = 2^x - 1, worked by hand. Five points: the 10 pairwise slopes in order
 * are 1, 1.5, 2, 7/3, 3, 3.75, 4, 14/3, 6, 8: the slope is the mean of the
 * middle two, 3.375; y - 3.375 x is 0, -2.375, -3.75, -3.125, -1.5: the
 * intercept is -2.375; the residuals 2.375, 0, -1.375, -0.75, 3.875 have the
 * median 0 and the median absolute deviation 1.375. Var S = 5*4*15/18,
 * C = 1.96 sqrt(Var S) = 8.0017: ranks 0.9992 and 10.0008, kept within 1..10:
 * the interval is the smallest and the largest slope, [1, 8].
 * Six points: 15 slopes, 1, 1.5, 2, 7/3, 3, 3.75, 4, 14/3, 6, 6.2, 7.5, 8,
 * 28/3, 12, 16; the slope is the 8th, 14/3; C = 1.96 sqrt(6*5*17/18) = 10.433,
 * M1 = 2.284 (between the 2nd and 3rd slopes), M2 + 1 = 13.716 (between the
 * 13th and 14th). */
static void trend_by_hand_of_a_doubling_series(void)
{
    double x[6] = {0, 1, 2, 3, 4, 5}, y[6] = {0, 1, 3, 7, 15, 31};
    vkw_trend t = trend_of(x, y, 5);
    CHECK(t.estimated && t.n == 5);
    CHECK(near(t.slope, 3.375, 1e-12) && near(t.intercept, -2.375, 1e-12));
    CHECK(near(t.noise, 1.375, 1e-12));
    CHECK(near(t.lo, 1, 1e-12) && near(t.hi, 8, 1e-12));
    t = trend_of(x, y, 6);
    CHECK(t.estimated && t.n == 6);
    CHECK(near(t.slope, 14.0 / 3, 1e-12));
    double c = 1.96 * sqrt(6 * 5 * 17 / 18.0), m1 = (15 - c) / 2, m2 = (15 + c) / 2;
    CHECK(near(t.lo, 1.5 + (m1 - 2) * (2 - 1.5), 1e-12));
    CHECK(near(t.hi, 28.0 / 3 + (m2 + 1 - 13) * (12 - 28.0 / 3), 1e-12));
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of a sorted array. */
static double sorted_median(const double *a, size_t n)
{
    return n % 2 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

/* trend.h's rule done the slow way: every slope sorted, ranks read off. */
static double sorted_at_rank(const double *a, size_t n, double r)
{
    r = r < 1 ? 1 : r > (double)n ? (double)n : r;
    size_t w = (size_t)floor(r);
    return w < n ? a[w - 1] + (r - (double)w) * (a[w] - a[w - 1]) : a[n - 1];
}

static void reference_trend(const double *x, const double *y, size_t n, double *slope, double *lo,
                            double *hi)
{
    double *s = malloc(n * n * sizeof *s), var = (double)n * (n - 1) * (2 * n + 5);
    size_t pairs = 0;
    *slope = *lo = *hi = NAN;
    CHECK(s != NULL);
    if (!s)
        return;
    for (size_t i = 0; i < n; i++) {
        size_t same = 0;
        for (size_t j = 0; j < n; j++) {
            same += x[j] == x[i];
            if (j > i && x[j] != x[i])
                s[pairs++] = (y[j] - y[i]) / (x[j] - x[i]);
        }
        var -= (double)(same - 1) * (2 * same + 5); /* t(t-1)(2t+5) over the t points */
    }
    qsort(s, pairs, sizeof *s, cmp_double);
    double c = 1.96 * sqrt(var / 18);
    *slope = sorted_median(s, pairs);
    *lo = sorted_at_rank(s, pairs, (pairs - c) / 2);
    *hi = sorted_at_rank(s, pairs, (pairs + c) / 2 + 1);
    free(s);
}

/* Against the slow way, on series with ties in x (several samples at one
 * time) and in y (integer counts): the selection the implementation makes
 * instead of sorting half a million slopes gives the same order statistics. */
static void trend_matches_sorting_every_slope(void)
{
    double x[90], y[90];
    for (uint64_t seed = 1; seed <= 60; seed++) {
        rng = seed * 31337;
        size_t n = 5 + (size_t)(uniform() * 85), per_x = 1 + (size_t)(uniform() * 3);
        for (size_t i = 0; i < n; i++) {
            x[i] = (double)(i / per_x);
            y[i] = floor(10 + 0.3 * x[i] + 3 * normal());
        }
        double slope, lo, hi;
        reference_trend(x, y, n, &slope, &lo, &hi);
        vkw_trend t = trend_of(x, y, n);
        CHECK(t.estimated && t.n == n);
        CHECK(near(t.slope, slope, 1e-12) && near(t.lo, lo, 1e-12) && near(t.hi, hi, 1e-12));
    }
}

/* Samples taken twice at each time (x ties): pairs with the same x give no
 * slope, and the line is still exact. */
static void trend_of_points_sharing_an_x(void)
{
    double x[24], y[24];
    for (size_t i = 0; i < 24; i++) {
        x[i] = (double)(i / 2);
        y[i] = 3 * x[i] + 2;
    }
    vkw_trend t = trend_of(x, y, 24);
    CHECK(t.estimated && t.n == 24);
    CHECK(near(t.slope, 3, 1e-9) && near(t.lo, 3, 1e-9) && near(t.hi, 3, 1e-9));
    CHECK(near(t.noise, 0, 1e-9));
}

/* Most pairwise slopes of a jittering integer count are exactly 0: so is
 * their median. The residuals are -1, 0, +1 a third of the time each: their
 * median absolute deviation is 1. */
static void trend_of_a_flat_fd_count_is_zero(void)
{
    double x[60], y[60];
    fd_count(11, 60, 0, x, y);
    vkw_trend t = trend_of(x, y, 60);
    CHECK(t.estimated && t.n == 60);
    CHECK(t.slope == 0 && t.intercept == 40 && t.noise == 1);
    CHECK(t.lo <= 0 && t.hi >= 0);
    CHECK(!vkw_trend_grows(&t, 0));
}

static void trend_of_a_leaking_fd_count_grows(void)
{
    double x[60], y[60];
    fd_count(11, 60, 1, x, y);
    vkw_trend t = trend_of(x, y, 60);
    CHECK(t.estimated);
    CHECK(t.slope >= 0.9 && t.slope <= 1.1);
    CHECK(t.lo > 0 && t.lo <= t.slope && t.hi >= t.slope);
    CHECK(vkw_trend_grows(&t, 0) && vkw_trend_grows(&t, -5) && !vkw_trend_grows(&t, 2));
}

/* A restart: three points of the flat count read 4000 (an importer starting
 * again with everything open). Least squares reads that as a leak: its slope
 * here is checked to be above 1 handle per point, and its lower bound would
 * be far above 0. Theil-Sen's median ignores them. */
static void trend_ignores_a_restarts_outliers(void)
{
    double x[60], y[60];
    fd_count(12, 60, 0, x, y);
    y[45] = y[46] = y[47] = 4000;
    CHECK(least_squares_slope(x, y, 60) > 1);
    vkw_trend t = trend_of(x, y, 60);
    CHECK(t.estimated && t.slope == 0);
    CHECK(!vkw_trend_grows(&t, 0));
}

/* +1 every 10 points over 200 points, under +-1 jitter: small against the
 * noise point to point, real over the run. */
static void trend_of_a_slow_leak_grows(void)
{
    double x[200], y[200];
    fd_count(13, 200, 0.1, x, y);
    vkw_trend t = trend_of(x, y, 200);
    CHECK(t.estimated && t.n == 200);
    CHECK(t.slope >= 0.08 && t.slope <= 0.12);
    CHECK(vkw_trend_grows(&t, 0));
}

/* Pure noise (continuous, no trend): about half the series have a positive
 * slope, but a 95 % interval that holds 0 says no growth, so only the few
 * whose interval misses 0 by chance (2.5 % expected) grow. */
static void trend_of_noise_alone_rarely_grows(void)
{
    int positive = 0, grows = 0;
    double x[60], y[60];
    for (uint64_t seed = 1; seed <= 100; seed++) {
        rng = seed * 7919;
        for (size_t i = 0; i < 60; i++) {
            x[i] = (double)i;
            y[i] = 100 + 5 * normal();
        }
        vkw_trend t = trend_of(x, y, 60);
        positive += t.slope > 0;
        grows += vkw_trend_grows(&t, 0);
    }
    fprintf(stderr, "%d of 100 with a positive slope, %d grow\n", positive, grows);
    CHECK(positive >= 30);
    CHECK(grows <= 7);
}

/* 100000 points (a day at one a second) are reduced to at most
 * VKW_TREND_MAX_POINTS group medians: groups of 98, 1021 points. */
static void trend_of_a_long_series_is_reduced(void)
{
    size_t n = 100000;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    CHECK(x && y);
    if (!x || !y) {
        free(x);
        free(y);
        return;
    }
    rng = 14;
    for (size_t i = 0; i < n; i++) {
        x[i] = (double)i;
        y[i] = 2 * x[i] + 100 * normal();
    }
    clock_t start = clock();
    vkw_trend t = trend_of(x, y, n);
    double cpu_s = (double)(clock() - start) / CLOCKS_PER_SEC;
    fprintf(stderr, "%u points, slope %.6f, %.3f s of CPU\n", t.n, t.slope, cpu_s);
    CHECK(t.estimated && t.n == 1021 && t.n <= VKW_TREND_MAX_POINTS);
    CHECK(near(t.slope, 2, 0.04));
    CHECK(t.lo <= 2 + 0.04 && t.hi >= 2 - 0.04 && t.lo <= t.slope && t.hi >= t.slope);
    CHECK(cpu_s < 20); /* well under a second unsanitized: what the reduction bounds */
    free(x);
    free(y);
}

static void trend_of_too_few_points_is_not_estimated(void)
{
    double x[10], y[10];
    for (size_t i = 0; i < 10; i++) {
        x[i] = (double)i;
        y[i] = 5 * x[i];
    }
    vkw_trend t = trend_of(x, y, 4);
    CHECK(!t.estimated && t.n == 4);
    CHECK(t.slope == 0 && t.lo == 0 && t.hi == 0 && t.noise == 0);
    CHECK(!vkw_trend_grows(&t, 0));
    t = trend_of(NULL, NULL, 0);
    CHECK(!t.estimated && t.n == 0);
    /* non-finite points do not count: 7 given, 4 used */
    y[1] = NAN;
    x[3] = INFINITY;
    y[5] = -INFINITY;
    t = trend_of(x, y, 7);
    CHECK(!t.estimated && t.n == 4);
    t = trend_of(x, y, 8); /* 5 used, the skipped ones leave the line exact */
    CHECK(t.estimated && t.n == 5 && near(t.slope, 5, 1e-9));
    /* all at one time */
    for (size_t i = 0; i < 10; i++) {
        x[i] = 7;
        y[i] = (double)i;
    }
    t = trend_of(x, y, 10);
    CHECK(!t.estimated && t.n == 10 && t.slope == 0 && !vkw_trend_grows(&t, 0));
}

/* The 95 % interval holds the true slope about 95 % of the time: not less
 * than 88 % (too narrow: noise would read as leaks), not more than 99.5 %
 * (so wide that a real leak would hide), over 200 seeded series each of
 * continuous noise and of integer (rounded) data. */
static void trend_ci_covers_the_true_slope(void)
{
    double x[40], y[40];
    for (int rounded = 0; rounded <= 1; rounded++) {
        int covered = 0;
        for (uint64_t seed = 1; seed <= 200; seed++) {
            rng = seed * 104729 + (uint64_t)rounded;
            for (size_t i = 0; i < 40; i++) {
                x[i] = (double)i;
                y[i] = 50 + 0.25 * x[i] + 2 * normal();
                if (rounded)
                    y[i] = round(y[i]);
            }
            vkw_trend t = trend_of(x, y, 40);
            covered += t.lo <= 0.25 && 0.25 <= t.hi;
        }
        fprintf(stderr, "%s: %d of 200 intervals hold the slope\n",
                rounded ? "integer" : "continuous", covered);
        CHECK(covered >= 176 && covered <= 199);
    }
}

/* ---- The streaming latency histogram -------------------------------------- */

static void latency_hist_of_1_to_1000_us(void)
{
    vkw_latency_hist h;
    vkw_latency_hist_reset(&h);
    for (int us = 1; us <= 1000; us++)
        vkw_latency_hist_add(&h, us * 1000.0);
    CHECK(h.count == 1000 && h.min_ns == 1000 && h.max_ns == 1e6);
    CHECK(near(vkw_latency_hist_quantile(&h, 0.50), 500e3, 0.125 * 500e3));
    CHECK(near(vkw_latency_hist_quantile(&h, 0.99), 990e3, 0.125 * 990e3));
    CHECK(vkw_latency_hist_quantile(&h, 1.0) == 1e6);
    CHECK(near(vkw_latency_hist_quantile(&h, 0.001), 1000, 125));
    /* the buckets are the distribution's */
    double samples[1000];
    for (int us = 1; us <= 1000; us++)
        samples[us - 1] = us * 1000.0;
    static vkw_distribution d;
    vkw_distribution_of(samples, 1000, &d);
    for (uint32_t k = 0; k < VKW_HISTOGRAM_BUCKETS; k++)
        CHECK(h.bucket[k] == d.histogram[k]);
    /* every quantile within 12.5 % of the nearest-rank sample */
    for (int q = 1; q <= 1000; q++)
        CHECK(near(vkw_latency_hist_quantile(&h, q / 1000.0), q * 1000.0, 0.125 * q * 1000.0));
}

static void latency_hist_merge_of_halves_is_the_whole(void)
{
    vkw_latency_hist whole, odd, even, none;
    vkw_latency_hist_reset(&whole);
    vkw_latency_hist_reset(&odd);
    vkw_latency_hist_reset(&even);
    vkw_latency_hist_reset(&none);
    rng = 15;
    for (int i = 0; i < 5000; i++) {
        double ns = 20000 * exp(0.5 * normal());
        vkw_latency_hist_add(&whole, ns);
        vkw_latency_hist_add(i % 2 ? &odd : &even, ns);
    }
    vkw_latency_hist merged = none;
    vkw_latency_hist_merge(&merged, &odd);
    vkw_latency_hist_merge(&merged, &none);
    vkw_latency_hist_merge(&merged, &even);
    CHECK(merged.count == whole.count && merged.min_ns == whole.min_ns &&
          merged.max_ns == whole.max_ns);
    for (uint32_t k = 0; k < VKW_HISTOGRAM_BUCKETS; k++)
        CHECK(merged.bucket[k] == whole.bucket[k]);
    for (int q = 1; q <= 100; q++)
        CHECK(vkw_latency_hist_quantile(&merged, q / 100.0) ==
              vkw_latency_hist_quantile(&whole, q / 100.0));
}

static void latency_hist_empty_is_zero(void)
{
    vkw_latency_hist h, none;
    vkw_latency_hist_reset(&h);
    vkw_latency_hist_reset(&none);
    CHECK(h.count == 0 && vkw_latency_hist_quantile(&h, 0.5) == 0 &&
          vkw_latency_hist_quantile(&h, 1) == 0);
    vkw_latency_hist_add(&h, NAN); /* not counted */
    vkw_latency_hist_merge(&h, &none);
    CHECK(h.count == 0 && h.min_ns == 0 && h.max_ns == 0);
    vkw_latency_hist_add(&h, 7000);
    CHECK(h.count == 1 && h.min_ns == 7000 && h.max_ns == 7000);
    CHECK(vkw_latency_hist_quantile(&h, 0.5) == 7000);
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
#define CASE(fn) {#fn, fn}
        CASE(trend_of_an_exact_line),
        CASE(trend_by_hand_of_a_doubling_series),
        CASE(trend_of_points_sharing_an_x),
        CASE(trend_matches_sorting_every_slope),
        CASE(trend_of_a_flat_fd_count_is_zero),
        CASE(trend_of_a_leaking_fd_count_grows),
        CASE(trend_ignores_a_restarts_outliers),
        CASE(trend_of_a_slow_leak_grows),
        CASE(trend_of_noise_alone_rarely_grows),
        CASE(trend_of_a_long_series_is_reduced),
        CASE(trend_of_too_few_points_is_not_estimated),
        CASE(trend_ci_covers_the_true_slope),
        CASE(trend_over_lives_finds_a_leak_each_restart_hides),
        CASE(trend_over_lives_ignores_their_levels),
        CASE(latency_hist_of_1_to_1000_us),
        CASE(latency_hist_merge_of_halves_is_the_whole),
        CASE(latency_hist_empty_is_zero),
#undef CASE
    };
    return check_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
