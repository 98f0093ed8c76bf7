/* Trends of a time series: is a quantity (open handles, resident bytes, a
 * p50) growing over a run, beyond its noise?
 *
 * Theil-Sen, not least squares: a stress run has outliers that are no trend
 * (an importer restarted with its handles, the allocator giving memory back
 * at once, a stall of the machine), and a least-squares slope follows them:
 * one point far enough away tilts it as much as it likes. The median of the
 * pairwise slopes ignores up to 29 % of the points wherever they are (its
 * breakdown point, 1 - 1/sqrt(2)). And with mostly flat integer data (fd
 * counts that sit at 40 and now and then read 39 or 41) most pairwise slopes
 * are exactly 0, so their median is exactly 0: a flat series never reads as a
 * leak, however long the run.
 *
 * The confidence interval is Sen's (1968), from Kendall's S: its variance
 * under no trend, Var S = [n(n-1)(2n+5) - sum over groups of t points with
 * the same x of t(t-1)(2t+5)] / 18 (ties in x as Sen corrects for them; the
 * residuals are taken as continuous), C = 1.96 sqrt(Var S), M1 = (N - C) / 2
 * and M2 = (N + C) / 2 with N the number of pairwise slopes; the 95 % interval
 * runs from the M1-th to the (M2 + 1)-th of the slopes in ascending order
 * (1-based ranks, a fractional rank interpolated between its neighbours,
 * kept within 1..N). Like the estimate, it assumes independent errors: noise
 * that wanders (a series whose neighbours move together) makes it too
 * narrow, which is why a verdict also asks for a slope above a limit.
 *
 * Cost: N is n(n-1)/2 slopes, so a series is first reduced to at most
 * VKW_TREND_MAX_POINTS points: consecutive groups of g = ceil(n / MAX) points
 * (in the order given: the series' time order; the last group may be
 * shorter) are each replaced by one point, the median of their x and the
 * median of their y. An hour at one point a second becomes 900 points of 4
 * seconds each; the medians keep the robustness, and at most 523776 slopes
 * (4 MiB) are ever taken.
 *
 * May include: nothing of the project but status.h. */
#ifndef VKW_TREND_H
#define VKW_TREND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define VKW_TREND_MIN_POINTS 5
#define VKW_TREND_MAX_POINTS 1024 /* longer series are reduced first (above) */

typedef struct vkw_trend {
    uint32_t n;       /* points used (after reduction) */
    bool estimated;   /* n >= VKW_TREND_MIN_POINTS and at least two distinct x */
    double slope;     /* the median of the slopes (yj-yi)/(xj-xi) over all pairs with
                         xj != xi, per unit of x (the mean of the two middle ones when
                         their number is even) */
    double intercept; /* median of y - slope*x */
    double lo, hi;    /* the 95 % confidence interval of the slope (above) */
    double noise;     /* the median absolute deviation of the residuals
                         y - (intercept + slope x), unscaled (times 1.4826: a normal
                         noise's standard deviation) */
} vkw_trend;

/* Theil-Sen over n points (x, y), reduced first when there are more than
 * VKW_TREND_MAX_POINTS (above). Points with a non-finite x or y are skipped.
 * VKW_E_NO_MEMORY when scratch memory cannot be allocated. When not
 * estimated, slope/intercept/lo/hi/noise are 0 and estimated false (VKW_OK). */
vkw_status vkw_trend_theil_sen(const double *x, const double *y, size_t n, vkw_trend *out,
                               vkw_error *err);

/* Whether a trend grows beyond the noise: estimated, lo > 0, and slope > limit
 * (limit in the slope's unit; a negative limit counts as 0). */
/* The same over a series cut into lives (a process started again: its count
 * starts anew), life[i] numbering them in time order: only pairs of points
 * of one life give slopes, and Var S is the sum of each life's (the
 * seasonal Kendall slope of Hirsch, Slack and Smith, 1982, with lives for
 * seasons). The intercept is the median over every point (no line of its
 * own across lives); the noise is about each life's own level. Reduced as
 * above, a group never spanning two lives. life NULL: one life. */
vkw_status vkw_trend_theil_sen_lives(const double *x, const double *y, const uint32_t *life,
                                     size_t n, vkw_trend *out, vkw_error *err);
bool vkw_trend_grows(const vkw_trend *t, double limit);

#endif
