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
    return vkw_trend_theil_sen_lives(x, y, NULL, n, out, err);
}

vkw_status vkw_trend_theil_sen_lives(const double *x, const double *y, const uint32_t *life,
                                     size_t n, vkw_trend *out, vkw_error *err)
{
    vkw_status st = VKW_OK;
    double *px = NULL, *py = NULL, *scratch = NULL, *slopes = NULL;
    uint32_t *pl = NULL;
    memset(out, 0, sizeof *out);

    size_t finite = 0;
    for (size_t i = 0; i < n; i++)
        finite += isfinite(x[i]) && isfinite(y[i]);
    if (finite == 0)
        return VKW_OK;
    /* Groups of g consecutive finite points, each one point (trend.h). */
    size_t g = (finite + VKW_TREND_MAX_POINTS - 1) / VKW_TREND_MAX_POINTS;
    /* At most: a group per g points, and one more cut at each new life. */
    size_t lives = 1;
    for (size_t i = 1; life && i < n; i++)
        lives += life[i] != life[i - 1];
    size_t points = (finite + g - 1) / g + lives;
    size_t room = g > points ? g : points;
    px = malloc(points * sizeof *px);
    py = malloc(points * sizeof *py);
    pl = malloc(points * sizeof *pl);
    scratch = malloc(2 * room * sizeof *scratch);
    if (!px || !py || !pl || !scratch) {
        st = vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory for a trend of %llu points",
                      (unsigned long long)finite);
        goto cleanup;
    }
    double *gx = scratch, *gy = scratch + room;
    size_t in_group = 0, p = 0;
    uint32_t group_life = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]))
            continue;
        uint32_t l = life ? life[i] : 0;
        if (in_group && l != group_life) { /* a group never spans two lives */
            pl[p] = group_life;
            px[p] = median(gx, in_group);
            py[p++] = median(gy, in_group);
            in_group = 0;
        }
        group_life = l;
        gx[in_group] = x[i];
        gy[in_group] = y[i];
        if (++in_group == g) {
            pl[p] = group_life;
            px[p] = median(gx, g);
            py[p++] = median(gy, g);
            in_group = 0;
        }
    }
    if (in_group) {
        pl[p] = group_life;
        px[p] = median(gx, in_group);
        py[p++] = median(gy, in_group);
    }
    points = p;
    out->n = (uint32_t)points;

    /* Per life: Var S with Sen's correction for ties in x, summed over the
     * lives; whether any two x of one life differ. */
    double var_s = 0;
    bool distinct = false;
    for (size_t a = 0; a < points;) {
        size_t b = a;
        while (b < points && pl[b] == pl[a])
            b++;
        size_t m = b - a;
        memcpy(scratch, px + a, m * sizeof *px);
        qsort(scratch, m, sizeof *scratch, cmp_double);
        double tie_term = 0;
        size_t groups = 0;
        for (size_t i = 0; i < m;) {
            size_t k = i;
            while (k < m && scratch[k] == scratch[i])
                k++;
            double t = (double)(k - i);
            tie_term += t * (t - 1) * (2 * t + 5);
            groups++;
            i = k;
        }
        double nm = (double)m;
        var_s += (nm * (nm - 1) * (2 * nm + 5) - tie_term) / 18;
        distinct |= groups >= 2;
        a = b;
    }
    if (points < VKW_TREND_MIN_POINTS || !distinct)
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
        for (size_t j = i + 1; j < points && pl[j] == pl[i]; j++)
            if (px[j] != px[i])
                slopes[pairs++] = (py[j] - py[i]) / (px[j] - px[i]);
    /* At least the pairs of the shortest series estimated (5 points): short
     * lives give few. */
    if (pairs < (size_t)VKW_TREND_MIN_POINTS * (VKW_TREND_MIN_POINTS - 1) / 2)
        goto cleanup;

    double slope = median(slopes, pairs);
    for (size_t i = 0; i < points; i++)
        scratch[i] = py[i] - slope * px[i];
    double intercept = median(scratch, points);
    /* Residuals about each life's own level. */
    for (size_t a = 0; a < points;) {
        size_t b = a;
        while (b < points && pl[b] == pl[a])
            b++;
        double *r = scratch + points;
        for (size_t i = a; i < b; i++)
            r[i - a] = py[i] - slope * px[i];
        double level = median(r, b - a);
        for (size_t i = a; i < b; i++)
            scratch[i] = py[i] - (level + slope * px[i]);
        a = b;
    }
    double centre = median(scratch, points);
    for (size_t i = 0; i < points; i++)
        scratch[i] = fabs(scratch[i] - centre);
    out->noise = median(scratch, points);

    double nn = (double)pairs;
    double c = CI_Z * sqrt(var_s);
    out->lo = at_rank(slopes, pairs, (nn - c) / 2);
    out->hi = at_rank(slopes, pairs, (nn + c) / 2 + 1);
    out->slope = slope;
    out->intercept = intercept;
    out->estimated = true;

cleanup:
    free(pl);
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
