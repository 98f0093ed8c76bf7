/* Seeded byte patterns that prove two processes see the same memory: every
 * 8-byte word depends on the seed and its own offset, so a stale, shifted,
 * zeroed or half-written buffer cannot pass. */
#ifndef VKW_PATTERN_H
#define VKW_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct vkw_mismatch {
    uint64_t offset;   /* first byte that differs */
    uint8_t expected;
    uint8_t got;
} vkw_mismatch;

void vkw_pattern_fill(void *dst, size_t len, uint64_t seed);
/* True when src holds the pattern of seed; else *m names the first difference. */
bool vkw_pattern_check(const void *src, size_t len, uint64_t seed, vkw_mismatch *m);

#endif
