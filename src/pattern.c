#include "pattern.h"

#include <string.h>

/* splitmix64 of the seed and the word's index: position-addressable, so the
 * check needs no copy of what was written. Never all zeros for a run of words. */
static inline uint64_t word_at(uint64_t seed, uint64_t index)
{
    uint64_t z = seed + (index + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void vkw_pattern_fill(void *dst, size_t len, uint64_t seed)
{
    unsigned char *p = dst;
    size_t words = len / 8;
    for (size_t i = 0; i < words; i++) {
        uint64_t w = word_at(seed, i);
        memcpy(p + i * 8, &w, 8);
    }
    if (len % 8) {
        uint64_t w = word_at(seed, words);
        memcpy(p + words * 8, &w, len % 8);
    }
}

static bool first_difference(const unsigned char *got, uint64_t want, size_t n, uint64_t base,
                             vkw_mismatch *m)
{
    unsigned char w[8];
    memcpy(w, &want, 8);
    for (size_t b = 0; b < n; b++)
        if (got[b] != w[b]) {
            if (m) {
                m->offset = base + b;
                m->expected = w[b];
                m->got = got[b];
            }
            return true;
        }
    return false;
}

bool vkw_pattern_check(const void *src, size_t len, uint64_t seed, vkw_mismatch *m)
{
    const unsigned char *p = src;
    size_t words = len / 8;
    for (size_t i = 0; i < words; i++) {
        uint64_t got;
        memcpy(&got, p + i * 8, 8);
        uint64_t want = word_at(seed, i);
        if (got != want && first_difference(p + i * 8, want, 8, (uint64_t)i * 8, m))
            return false;
    }
    if (len % 8 && first_difference(p + words * 8, word_at(seed, words), len % 8,
                                    (uint64_t)words * 8, m))
        return false;
    return true;
}
