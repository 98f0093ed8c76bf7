#include "host_pattern.h"

#include <string.h>

#include "platform/platform.h"

/* Host work on one piece, split over threads: each takes a slice (whole
 * 64-byte lines) and generates, copies or compares it. */
typedef enum host_op { HOST_GENERATE, HOST_COPY, HOST_COMPARE } host_op;

typedef struct host_job {
    host_op op;
    unsigned char *dst;       /* GENERATE, COPY */
    const unsigned char *src; /* COPY: the pattern; COMPARE: the bytes read */
    const unsigned char *expected;
    size_t len;
    uint64_t seed, offset;         /* GENERATE: which bytes of the pattern */
    uint64_t bad[VKW_MAX_THREADS]; /* COMPARE: each slice's first difference; UINT64_MAX: none */
} host_job;

static void host_slice(void *arg, uint32_t i, uint32_t n)
{
    host_job *j = arg;
    size_t per = (j->len / n + 63) / 64 * 64;
    size_t from = (size_t)i * per;
    if (from > j->len)
        from = j->len;
    size_t to = from + per < j->len ? from + per : j->len;
    size_t len = to - from;
    if (j->op == HOST_GENERATE) {
        vkw_pattern_fill_at(j->dst + from, len, j->seed, j->offset + from);
    } else if (j->op == HOST_COPY) {
        memcpy(j->dst + from, j->src + from, len);
    } else {
        j->bad[i] = UINT64_MAX;
        if (memcmp(j->src + from, j->expected + from, len) != 0)
            for (size_t b = from; b < to; b++)
                if (j->src[b] != j->expected[b]) {
                    j->bad[i] = b;
                    break;
                }
    }
}

uint32_t vkw_host_threads(uint32_t threads, size_t len)
{
    uint32_t n = threads ? threads : 1;
    if (n > VKW_MAX_THREADS)
        n = VKW_MAX_THREADS;
    /* A slice under 256 KiB is not worth a thread. */
    size_t most = len / (256u << 10);
    if (most < n)
        n = most ? (uint32_t)most : 1;
    return n;
}

void vkw_host_pattern_fill(void *dst, size_t len, uint64_t seed, uint64_t offset, uint32_t threads)
{
    host_job j = {.op = HOST_GENERATE, .dst = dst, .len = len, .seed = seed, .offset = offset};
    vkw_parallel(vkw_host_threads(threads, len), host_slice, &j);
}

void vkw_host_copy(void *dst, const void *src, size_t len, uint32_t threads)
{
    host_job j = {.op = HOST_COPY, .dst = dst, .src = src, .len = len};
    vkw_parallel(vkw_host_threads(threads, len), host_slice, &j);
}

bool vkw_host_compare(const void *got, const void *expected, size_t len, uint64_t offset,
                      uint32_t threads, vkw_mismatch *mm)
{
    host_job j = {.op = HOST_COMPARE, .src = got, .expected = expected, .len = len};
    uint32_t nt = vkw_host_threads(threads, len);
    vkw_parallel(nt, host_slice, &j);
    /* The lowest offset wins, whichever slice (thread) found it. */
    uint64_t first = UINT64_MAX;
    for (uint32_t i = 0; i < nt; i++)
        if (j.bad[i] < first)
            first = j.bad[i];
    if (first == UINT64_MAX)
        return true;
    if (mm) {
        mm->offset = offset + first;
        mm->expected = j.expected[first];
        mm->got = j.src[first];
    }
    return false;
}
