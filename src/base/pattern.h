/* Seeded byte patterns that prove two processes see the same memory: every
 * 4-byte word depends on the seed and its own offset, so a stale, shifted,
 * zeroed or half-written buffer cannot pass. A pattern is generated into host
 * memory outside the timed part, so that writing it (memcpy) and verifying it
 * (memcmp) run at the speed of the memory under test, not of the generator. The
 * same pattern is written and checked on the GPU by vk/gpu_pattern.h. */
#ifndef VKW_PATTERN_H
#define VKW_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct vkw_mismatch {
    uint64_t offset; /* first byte that differs */
    uint8_t expected;
    uint8_t got;
} vkw_mismatch;

typedef struct vkw_pattern {
    unsigned char *bytes; /* owned */
    size_t len, cap;
    uint64_t seed;
} vkw_pattern;

/* Word `index` (a 32-bit word, stored little-endian at byte 4 * index) of
 * the pattern of seed: the function the GPU's shaders compute too. */
uint32_t vkw_pattern_word(uint64_t seed, uint64_t index);

/* Fills dst with the pattern of seed. */
void vkw_pattern_fill(void *dst, size_t len, uint64_t seed);

/* Fills dst with bytes [offset, offset + len) of the pattern of seed: a
 * piece of a larger pattern, generated without the rest. */
void vkw_pattern_fill_at(void *dst, size_t len, uint64_t seed, uint64_t offset);

/* (Re)generates p as len bytes of the pattern of seed, reusing its memory. */
vkw_status vkw_pattern_make(vkw_pattern *p, size_t len, uint64_t seed, vkw_error *err);
void vkw_pattern_free(vkw_pattern *p);

/* True when got holds p's bytes; else *m names the first difference. */
bool vkw_pattern_matches(const vkw_pattern *p, const void *got, vkw_mismatch *m);

#endif
