#include "pattern.h"

#include <stdlib.h>
#include <string.h>

/* splitmix64 of the seed and the word's index: position-addressable, so any
 * window of the pattern can be checked on its own. */
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

vkw_status vkw_pattern_make(vkw_pattern *p, size_t len, uint64_t seed, vkw_error *err)
{
    if (p->cap < len) {
        unsigned char *b = realloc(p->bytes, len);
        if (!b)
            return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory for a %llu-byte pattern",
                            (unsigned long long)len);
        p->bytes = b;
        p->cap = len;
    }
    vkw_pattern_fill(p->bytes, len, seed);
    p->len = len;
    p->seed = seed;
    return VKW_OK;
}

void vkw_pattern_free(vkw_pattern *p)
{
    free(p->bytes);
    memset(p, 0, sizeof *p);
}

bool vkw_pattern_matches(const vkw_pattern *p, const void *got, vkw_mismatch *m)
{
    if (memcmp(p->bytes, got, p->len) == 0)
        return true;
    const unsigned char *g = got;
    for (size_t i = 0; i < p->len; i++)
        if (g[i] != p->bytes[i]) {
            if (m) {
                m->offset = i;
                m->expected = p->bytes[i];
                m->got = g[i];
            }
            break;
        }
    return false;
}
