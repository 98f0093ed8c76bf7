/* The host's work on the seeded pattern (base/pattern.h), split over
 * threads (vkw_parallel): generating a piece of it, copying a piece, and
 * comparing bytes read back with a piece. Used by the Vulkan memory path
 * (shared_memory.c) and by the bench's CUDA and GL importers (src/interop),
 * so that all verify at the speed of the memory, not of one core. */
#ifndef VKW_HOST_PATTERN_H
#define VKW_HOST_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/pattern.h"

/* The most threads host writes and verification are split over. */
#define VKW_MAX_THREADS 64u

/* How many threads `threads` asked for are worth having on len bytes: at
 * least 1, at most VKW_MAX_THREADS, and none with a slice under 256 KiB.
 * Each thread takes a slice of whole 64-byte lines. */
uint32_t vkw_host_threads(uint32_t threads, size_t len);

/* Fills dst with bytes [offset, offset + len) of the pattern of seed. */
void vkw_host_pattern_fill(void *dst, size_t len, uint64_t seed, uint64_t offset, uint32_t threads);

/* memcpy, over threads. */
void vkw_host_copy(void *dst, const void *src, size_t len, uint32_t threads);

/* True when got's len bytes equal expected's (bytes [offset, offset + len)
 * of a pattern, as vkw_host_pattern_fill made them); else *mm (when not
 * NULL) names the first difference: its absolute offset (offset + index,
 * the lowest whatever thread finds it) and the bytes expected and got. */
bool vkw_host_compare(const void *got, const void *expected, size_t len, uint64_t offset,
                      uint32_t threads, vkw_mismatch *mm);

#endif
