/* The libFuzzer harnesses of vkwin32h (tests/fuzz/README.md): each defines
 * LLVMFuzzerTestOneInput, run by libFuzzer (the `fuzz` preset) or, over the
 * committed corpora, by replay.c in every other build. A finding is an abort:
 * a sanitizer report, or fuzz_require() on a property that must hold. */
#ifndef VKW_FUZZ_H
#define VKW_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_require(cond)                                                              \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                    \
        }                                                                               \
    } while (0)

/* data as a NUL-terminated string (malloc'd; NULL when out of memory). */
char *fuzz_text(const uint8_t *data, size_t size);

#endif
