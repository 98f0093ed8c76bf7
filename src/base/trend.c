#include "trend.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The two-sided 95 % point of the normal distribution. */
#define CI_Z 1.96

static void swap(double *a, size_t i, size_t j)
{
    double t = a[i];
    a[i] = a[j];
    a[j] = t;
}

static double median_of_three(double a, double b, double c)
{
    if (a > b) {
        double t = a;
        a = b;
        b = t;
    }
    return c < a ? a : c > b ? b : c;
}

/* The k-th smallest (0-based) of a[0, n), rearranging a: quickselect with a
 * three-way partition, so that the many equal slopes of flat integer data
 * cost nothing, around a median-of-three pivot. */
static double select_kth(double *a, size_t n, size_t k)
{
    size_t lo = 0, hi = n; /* the k-th lies in [lo, hi) */
    while (hi - lo > 1) {
        double p = median_of_three(a[lo], a[lo + (hi - lo) / 2], a[hi - 1]);
        /* [lo, lt) < p, [lt, i) == p, [gt, hi) > p */
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            if (a[i] < p)
                swap(a, lt++, i++);
            else if (a[i] > p)
                swap(a, i, --gt);
            else
                i++;
        }
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return p;
    }
    return a[lo];
}

/* The median of a[0, n), n > 0 (the mean of the two middle values when n is
 * even); rearranges a. */
static double median(double *a, size_t n)
{
    double upper = select_kth(a, n, n / 2);
    return n % 2 ? upper : (select_kth(a, n, n / 2 - 1) + upper) / 2;
}

/* The value at 1-based rank r of a[0, n) in ascending order, a fractional
 * rank interpolated between its neighbours, r kept within [1, n]. */
static double at_rank(double *a, size_t n, double r)
{
    r = r < 1 ? 1 : r > (double)n ? (double)n : r;
    double whole = floor(r), frac = r - whole;
    double v = select_kth(a, n, (size_t)whole - 1);
    if (frac > 0)
        v += frac * (select_kth(a, n, (size_t)whole) - v);
    return v;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

vkw_status vkw_trend_theil_sen(const double *x, const double *y, size_t n, vkw_trend *out,
                               vkw_error *err)
{
    vkw_status st = VKW_OK;
    double *px = NULL, *py = NULL, *scratch = NULL, *slopes = NULL;
    memset(out, 0, sizeof *out);

    size_t finite = 0;
    for (size_t i = 0; i < n; i++)
        finite += isfinite(x[i]) && isfinite(y[i]);
    if (finite == 0)
        return VKW_OK;
    /* Groups of g consecutive finite points, each one point (trend.h). */
    size_t g = (finite + VKW_TREND_MAX_POINTS - 1) / VKW_TREND_MAX_POINTS;
    size_t points = (finite + g - 1) / g;
    size_t room = g > points ? g : points;
    px = malloc(points * sizeof *px);
    py = malloc(points * sizeof *py);
    scratch = malloc(2 * room * sizeof *scratch);
    if (!px || !py || !scratch) {
        st = vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory for a trend of %llu points",
                      (unsigned long long)finite);
        goto cleanup;
    }
    double *gx = scratch, *gy = scratch + room;
    size_t in_group = 0, p = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]))
            continue;
        gx[in_group] = x[i];
        gy[in_group] = y[i];
        if (++in_group == g) {
            px[p] = median(gx, g);
            py[p++] = median(gy, g);
            in_group = 0;
        }
    }
    if (in_group) {
        px[p] = median(gx, in_group);
        py[p++] = median(gy, in_group);
    }
    out->n = (uint32_t)points;

    /* Ties in x: Sen's correction of Var S, and whether any two x differ. */
    memcpy(scratch, px, points * sizeof *px);
    qsort(scratch, points, sizeof *scratch, cmp_double);
    double tie_term = 0;
    size_t groups = 0;
    for (size_t i = 0; i < points;) {
        size_t k = i;
        while (k < points && scratch[k] == scratch[i])
            k++;
        double t = (double)(k - i);
        tie_term += t * (t - 1) * (2 * t + 5);
        groups++;
        i = k;
    }
    if (points < VKW_TREND_MIN_POINTS || groups < 2)
        goto cleanup;

    slopes = malloc(points * (points - 1) / 2 * sizeof *slopes);
    if (!slopes) {
        st = vkw_fail(err, VKW_E_NO_MEMORY,
                      "out of host memory for the %llu pairwise slopes of a trend",
                      (unsigned long long)(points * (points - 1) / 2));
        goto cleanup;
    }
    size_t pairs = 0;
    for (size_t i = 0; i < points; i++)
        for (size_t j = i + 1; j < points; j++)
            if (px[j] != px[i])
                slopes[pairs++] = (py[j] - py[i]) / (px[j] - px[i]);

    double slope = median(slopes, pairs);
    for (size_t i = 0; i < points; i++)
        scratch[i] = py[i] - slope * px[i];
    double intercept = median(scratch, points);
    for (size_t i = 0; i < points; i++)
        scratch[i] = py[i] - (intercept + slope * px[i]);
    double centre = median(scratch, points);
    for (size_t i = 0; i < points; i++)
        scratch[i] = fabs(scratch[i] - centre);
    out->noise = median(scratch, points);

    double np = (double)points, nn = (double)pairs;
    double var_s = (np * (np - 1) * (2 * np + 5) - tie_term) / 18;
    double c = CI_Z * sqrt(var_s);
    out->lo = at_rank(slopes, pairs, (nn - c) / 2);
    out->hi = at_rank(slopes, pairs, (nn + c) / 2 + 1);
    out->slope = slope;
    out->intercept = intercept;
    out->estimated = true;

cleanup:
    free(slopes);
    free(scratch);
    free(py);
    free(px);
    return st;
}

bool vkw_trend_grows(const vkw_trend *t, double limit)
{
    if (limit < 0)
        limit = 0;
    return t->estimated && t->lo > 0 && t->slope > limit;
}
