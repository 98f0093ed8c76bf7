#include "pattern.h"

#include <stdlib.h>
#include <string.h>

/* The pattern is a sequence of 32-bit little-endian words; word i of seed s
 * is mix32(lo32(i) ^ key), where key = mix32(lo32(s) ^ mix32(hi32(s) ^
 * mix32(hi32(i) + 0x9E3779B9))). mix32 is a bijection of 32-bit words
 * (lowbias32: two xor-shift-multiply rounds), so within 2^32 words (16 GiB)
 * no word repeats, and every word depends on the seed and its own index.
 * Only 32-bit operations: shaders/pattern_common.glsl computes the very same
 * words on the GPU (keep the two in step; the gpu_* tests compare them). */
static inline uint32_t mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

static inline uint32_t key_of(uint64_t seed, uint32_t index_hi)
{
    return mix32((uint32_t)seed ^ mix32((uint32_t)(seed >> 32) ^ mix32(index_hi + 0x9E3779B9u)));
}

uint32_t vkw_pattern_word(uint64_t seed, uint64_t index)
{
    return mix32((uint32_t)index ^ key_of(seed, (uint32_t)(index >> 32)));
}

/* Words first .. first + words - 1 of the pattern of seed, in runs that
 * share one key (it changes where the index crosses a multiple of 2^32): a
 * loop without a branch, which the compiler turns into vector code. */
static void fill_words(unsigned char *p, uint64_t first, uint64_t words, uint64_t seed)
{
    while (words) {
        /* To the next multiple of 2^32 (0 past the last: the count wraps to
         * the words left), at most 2^31 words a run. */
        uint64_t run = ((first | 0xFFFFFFFFull) + 1) - first;
        if (run > words)
            run = words;
        if (run > 0x80000000ull)
            run = 0x80000000ull;
        uint32_t key = key_of(seed, (uint32_t)(first >> 32)), lo = (uint32_t)first;
        uint32_t n = (uint32_t)run;
        for (uint32_t k = 0; k < n; k++) {
            uint32_t w = mix32((lo + k) ^ key);
            memcpy(p + (size_t)k * 4, &w, 4);
        }
        p += (size_t)run * 4;
        first += run;
        words -= run;
    }
}

void vkw_pattern_fill(void *dst, size_t len, uint64_t seed)
{
    unsigned char *p = dst;
    uint64_t words = len / 4;
    fill_words(p, 0, words, seed);
    if (len % 4) {
        uint32_t w = vkw_pattern_word(seed, words);
        memcpy(p + words * 4, &w, len % 4);
    }
}

void vkw_pattern_fill_at(void *dst, size_t len, uint64_t seed, uint64_t offset)
{
    unsigned char *p = dst;
    if (len == 0)
        return;
    uint32_t head = (uint32_t)(offset % 4);
    if (head) { /* the rest of a word begun before dst */
        uint32_t w = vkw_pattern_word(seed, offset / 4);
        size_t n = 4 - head < len ? 4 - head : len;
        memcpy(p, (const unsigned char *)&w + head, n);
        p += n;
        len -= n;
        offset += n;
    }
    uint64_t first = offset / 4, words = len / 4;
    fill_words(p, first, words, seed);
    if (len % 4) {
        uint32_t w = vkw_pattern_word(seed, first + words);
        memcpy(p + words * 4, &w, len % 4);
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
