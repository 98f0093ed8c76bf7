/* vkw_modes_of (bench/stats.h) on synthetic latency samples: what has two
 * clear modes is said to, with each mode's share and median; a noisy sample
 * with one mode never is. */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "base/stats.h"

/* A fixed pseudo-random sequence (xorshift64*), so every run sees the same
 * samples, and normal deviates from it (Box-Muller). */
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

/* n samples: with probability share[k], mode k (median ns[k], relative spread
 * sd[k], log-normal). */
static double *mixture(size_t n, size_t k, const double *share, const double *ns, const double *sd)
{
    double *x = malloc(n * sizeof *x);
    for (size_t i = 0; x && i < n; i++) {
        double u = uniform(), acc = 0;
        size_t m = 0;
        while (m + 1 < k && u > acc + share[m])
            acc += share[m++];
        x[i] = ns[m] * exp(sd[m] * normal());
    }
    return x;
}

/* The modes of such a mixture, drawn from the sequence started at seed. */
static int modes_of_mixture(uint64_t seed, size_t n, size_t k, const double *share,
                            const double *ns, const double *sd, vkw_modes *m)
{
    rng = seed;
    double *x = mixture(n, k, share, ns, sd);
    CHECK(x != NULL);
    if (!x)
        return -1;
    vkw_modes_of(x, n, m);
    free(x);
    return 0;
}

static int near(double got, double want, double tolerance)
{
    int ok = fabs(got - want) <= tolerance;
    if (!ok)
        fprintf(stderr, "got %g, want %g +- %g\n", got, want, tolerance);
    return ok;
}

static void modes_half_5_5_us_half_8_us_are_two(void)
{
    const double share[] = {0.5, 0.5}, ns[] = {5500, 8000}, sd[] = {0.03, 0.04};
    for (uint64_t seed = 1; seed <= 10; seed++) {
        size_t n = seed % 2 ? 20000 : 1000;
        vkw_modes m;
        if (modes_of_mixture(seed, n, 2, share, ns, sd, &m) != 0)
            return;
        CHECK(m.count == 2);
        if (m.count == 2) {
            CHECK(near(m.mode[0].share, 0.5, 0.05) && near(m.mode[1].share, 0.5, 0.05));
            CHECK(near(m.mode[0].median, 5500, 100) && near(m.mode[1].median, 8000, 150));
            CHECK(m.mode[0].count + m.mode[1].count == n);
            CHECK(m.mode[0].max < m.mode[1].min);
        }
    }
}

static void modes_of_unequal_and_three_way_mixtures(void)
{
    const double share2[] = {0.8, 0.2}, ns2[] = {5500, 8000}, sd2[] = {0.05, 0.05};
    const double share3[] = {0.4, 0.3, 0.3}, ns3[] = {3000, 5500, 12000},
                 sd3[] = {0.04, 0.04, 0.06};
    vkw_modes m;
    if (modes_of_mixture(99, 5000, 2, share2, ns2, sd2, &m) != 0)
        return;
    CHECK(m.count == 2 && near(m.mode[0].share, 0.8, 0.03) && near(m.mode[1].share, 0.2, 0.03));
    if (modes_of_mixture(100, 5000, 3, share3, ns3, sd3, &m) != 0)
        return;
    CHECK(m.count == 3);
    if (m.count == 3) {
        CHECK(near(m.mode[0].median, 3000, 60) && near(m.mode[1].median, 5500, 110) &&
              near(m.mode[2].median, 12000, 300));
        CHECK(near(m.mode[0].share, 0.4, 0.03) && near(m.mode[2].share, 0.3, 0.03));
    }
}

/* One mode, with the noise of real round trips (a spread of 3 to 30 %, and a
 * 2 % tail of slow outliers at 3x), at every sample size from 200 up: never
 * more than one mode. A second cluster under 5 % of the samples is no mode. */
static void modes_of_a_noisy_single_mode_is_one(void)
{
    const double sizes[] = {200, 500, 1000, 5000, 20000}, spreads[] = {0.03, 0.1, 0.3};
    const double share[] = {0.98, 0.02}, ns[] = {6800, 20400};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (size_t p = 0; p < sizeof spreads / sizeof spreads[0]; p++)
            for (uint64_t seed = 1; seed <= 20; seed++) {
                size_t n = (size_t)sizes[s];
                const double sd[] = {spreads[p], 0.2};
                vkw_modes m;
                if (modes_of_mixture(seed * 7919 + s * 31 + p, n, 2, share, ns, sd, &m) != 0)
                    return;
                if (m.count != 1)
                    fprintf(stderr, "n %zu, spread %g, seed %llu: %u modes\n", n, spreads[p],
                            (unsigned long long)seed, m.count);
                CHECK(m.count == 1 && m.mode[0].share == 1.0 && m.mode[0].count == n);
                CHECK(near(m.mode[0].median, 6800, 6800 * spreads[p]));
            }
}

/* Two tight clusters 10 % apart, with a clear valley between them: the fine
 * structure of one behaviour, not two modes; 30 % apart, two. */
static void modes_closer_than_the_separation_are_one(void)
{
    const double share[] = {0.5, 0.5}, near_ns[] = {10000, 11000}, far_ns[] = {10000, 13000},
                 sd[] = {0.01, 0.01};
    vkw_modes m;
    if (modes_of_mixture(7, 5000, 2, share, near_ns, sd, &m) != 0)
        return;
    CHECK(m.count == 1 && m.mode[0].count == 5000);
    if (modes_of_mixture(7, 5000, 2, share, far_ns, sd, &m) != 0)
        return;
    CHECK(m.count == 2);
    if (m.count == 2)
        CHECK(near(m.mode[0].median, 10000, 200) && near(m.mode[1].median, 13000, 260));
}

static void modes_of_few_samples_claim_nothing(void)
{
    const double share[] = {0.5, 0.5}, ns[] = {1000, 8000}, sd[] = {0.01, 0.01};
    vkw_modes m;
    vkw_modes_of(NULL, 0, &m);
    CHECK(m.count == 0);
    rng = 5;
    double *x = mixture(VKW_MODE_MIN_SAMPLES - 1, 2, share, ns, sd);
    CHECK(x != NULL);
    if (!x)
        return;
    vkw_modes_of(x, VKW_MODE_MIN_SAMPLES - 1, &m);
    CHECK(m.count == 1 && m.mode[0].count == VKW_MODE_MIN_SAMPLES - 1);
    CHECK(m.mode[0].min == x[0] && m.mode[0].max == x[VKW_MODE_MIN_SAMPLES - 2]);
    free(x);
    double same[VKW_MODE_MIN_SAMPLES];
    for (size_t i = 0; i < VKW_MODE_MIN_SAMPLES; i++)
        same[i] = i % 3 ? 5000 : 0; /* zeros, ties: no log of 0 taken */
    vkw_modes_of(same, VKW_MODE_MIN_SAMPLES, &m);
    CHECK(m.count >= 1 && m.mode[0].min == 0);
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
#define CASE(fn) {#fn, fn}
        CASE(modes_half_5_5_us_half_8_us_are_two), CASE(modes_of_unequal_and_three_way_mixtures),
        CASE(modes_of_a_noisy_single_mode_is_one), CASE(modes_closer_than_the_separation_are_one),
        CASE(modes_of_few_samples_claim_nothing),
#undef CASE
    };
    return check_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
