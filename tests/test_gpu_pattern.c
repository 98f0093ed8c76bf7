/* The pattern written and checked on the device (vk/gpu_pattern.h) against
 * the C pattern (bench/pattern.h), on the real driver, under the validation
 * layer: every test ends with no validation error. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>

#include "check.h"
#include "vkw.h"
#include "vk/gpu_pattern.h"
#include "base/pattern.h"
#include "platform/platform.h"

#define TIMEOUT_NS 120000000000ull
#define GUARD 0xA5

static vkw_loader loader;
static vkw_instance inst;
static vkw_debug_log log_;
static vkw_device dev;

/* A host-visible buffer, mapped, so the CPU can write and read what the GPU
 * writes and reads. */
typedef struct host_buffer {
    VkBuffer buf;
    VkDeviceMemory mem;
    unsigned char *map;
    VkDeviceSize size;
} host_buffer;

static int setup(void)
{
    vkw_error err;
    vkw_instance_options opts = {.enable_validation = true, .log = &log_};
    if (vkw_loader_open(NULL, &loader, &err) != VKW_OK ||
        vkw_instance_create(&loader, &opts, &inst, &err) != VKW_OK) {
        fprintf(stderr, "setup: %s\n", err.message);
        return -1;
    }
    VkPhysicalDevice pd;
    uint32_t n = 1;
    VkResult r = inst.vkEnumeratePhysicalDevices(inst.handle, &n, &pd);
    if ((r != VK_SUCCESS && r != VK_INCOMPLETE) || n == 0) {
        fprintf(stderr, "setup: no physical device\n");
        return -1;
    }
    if (vkw_device_create(&inst, pd, NULL, NULL, &dev, &err) != VKW_OK) {
        fprintf(stderr, "setup: %s\n", err.message);
        return -1;
    }
    return 0;
}

static void teardown(void)
{
    if (dev.handle)
        vkw_device_destroy(&dev);
    if (inst.handle)
        vkw_instance_destroy(&inst);
    if (loader.lib)
        vkw_loader_close(&loader);
    for (uint32_t i = 0; i < log_.stored; i++)
        fprintf(stderr, "validation: %s: %s\n", log_.messages[i].id, log_.messages[i].text);
}

static int buffer_make(host_buffer *b, VkDeviceSize size)
{
    memset(b, 0, sizeof *b);
    b->size = size;
    VkBufferCreateInfo bi = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .size = size,
        .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                 VK_BUFFER_USAGE_TRANSFER_DST_BIT,
    };
    if (dev.vkCreateBuffer(dev.handle, &bi, NULL, &b->buf) != VK_SUCCESS)
        return -1;
    VkBufferMemoryRequirementsInfo2 ri = {VK_STRUCTURE_TYPE_BUFFER_MEMORY_REQUIREMENTS_INFO_2, NULL,
                                          b->buf};
    VkMemoryRequirements2 req = {.sType = VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2};
    dev.vkGetBufferMemoryRequirements2(dev.handle, &ri, &req);
    const VkMemoryPropertyFlags want =
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    uint32_t type = UINT32_MAX;
    for (uint32_t i = 0; i < dev.info.memory.memoryTypeCount && type == UINT32_MAX; i++)
        if ((req.memoryRequirements.memoryTypeBits & (1u << i)) &&
            (dev.info.memory.memoryTypes[i].propertyFlags & want) == want)
            type = i;
    if (type == UINT32_MAX)
        return -1;
    VkMemoryAllocateInfo mai = {VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO, NULL,
                                req.memoryRequirements.size, type};
    void *map = NULL;
    if (dev.vkAllocateMemory(dev.handle, &mai, NULL, &b->mem) != VK_SUCCESS ||
        dev.vkBindBufferMemory(dev.handle, b->buf, b->mem, 0) != VK_SUCCESS ||
        dev.vkMapMemory(dev.handle, b->mem, 0, VK_WHOLE_SIZE, 0, &map) != VK_SUCCESS)
        return -1;
    b->map = map;
    memset(b->map, GUARD, size);
    return 0;
}

static void buffer_free(host_buffer *b)
{
    if (b->map)
        dev.vkUnmapMemory(dev.handle, b->mem);
    if (b->buf)
        dev.vkDestroyBuffer(dev.handle, b->buf, NULL);
    if (b->mem)
        dev.vkFreeMemory(dev.handle, b->mem, NULL);
    memset(b, 0, sizeof *b);
}

/* The C pattern from byte pattern_offset on (a multiple of 4). */
static void cpu_pattern_at(unsigned char *dst, size_t len, uint64_t seed, uint64_t pattern_offset)
{
    for (size_t i = 0; i < len; i += 4) {
        uint32_t w = vkw_pattern_word(seed, pattern_offset / 4 + i / 4);
        memcpy(dst + i, &w, len - i < 4 ? len - i : 4);
    }
}

static int all_guard(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != GUARD)
            return 0;
    return 1;
}

/* A region's bytes: sizes around the word and window edges, offsets that are
 * not aligned to the storage buffer alignment, a pattern offset past 2^34
 * bytes (the 64-bit word index's high half changes inside the region). */
typedef struct region_case {
    VkDeviceSize offset, len;
    uint64_t pattern_offset, seed;
} region_case;

static const region_case cases_[] = {
    {0, 1, 0, 1},
    {0, 3, 0, 2},
    {4, 4, 0, 3},
    {0, 15, 0, 0},
    {20, 16, 0, 0xFFFFFFFF00000001ull},
    {0, 4099, 0, 42},
    {12, 3 * 4096 + 5, 0, 7},
    {0, 65536 + 7, 4096, 0x123456789ABCDEFull},
    {36, 5 * 4096 + 2, (1ull << 34) - 8192, 9}, /* crosses word index 2^32 */
    {0, (1u << 20) + 13, 0, 11},
};
#define N_CASES (sizeof cases_ / sizeof cases_[0])
#define SMALL_WINDOW 4096 /* several windows in every region above 4 KiB */

/* The byte a fill inverts (the flip-byte fault), in the region; none when
 * not below the region's length. */
static uint64_t flip_at_ = UINT64_MAX;

static void fill_case(vkw_gpu_pattern *gp, const region_case *c)
{
    host_buffer b;
    vkw_error err;
    unsigned char *want = malloc(c->len);
    CHECK(want != NULL);
    CHECK(buffer_make(&b, c->offset + c->len + 8) == 0);
    vkw_gpu_region r = {.buffer = b.buf,
                        .offset = c->offset,
                        .len = c->len,
                        .pattern_offset = c->pattern_offset,
                        .flip = flip_at_ < c->len,
                        .flip_at = flip_at_};
    if (want && b.map && vkw_gpu_pattern_fill(gp, &r, c->seed, TIMEOUT_NS, &err) == VKW_OK) {
        cpu_pattern_at(want, c->len, c->seed, c->pattern_offset);
        if (flip_at_ < c->len)
            want[flip_at_] ^= 0xFF;
        int same = memcmp(b.map + c->offset, want, c->len) == 0;
        if (!same)
            fprintf(stderr, "fill of %llu bytes at %llu (pattern byte %llu) differs\n",
                    (unsigned long long)c->len, (unsigned long long)c->offset,
                    (unsigned long long)c->pattern_offset);
        CHECK(same);
        CHECK(all_guard(b.map, c->offset));              /* nothing before */
        CHECK(all_guard(b.map + c->offset + c->len, 8)); /* nothing after */
    } else {
        fprintf(stderr, "fill: %s\n", err.message);
        CHECK(0);
    }
    buffer_free(&b);
    free(want);
}

/* run on every case, with windows as large as the device takes and with
 * windows of SMALL_WINDOW bytes. */
static void each_case(void (*run)(vkw_gpu_pattern *, const region_case *))
{
    CHECK(setup() == 0);
    vkw_gpu_pattern big = {0}, small = {0};
    vkw_error err;
    CHECK(vkw_gpu_pattern_create(&dev, 2u << 20, 0, &big, &err) == VKW_OK);
    CHECK(vkw_gpu_pattern_create(&dev, 2u << 20, SMALL_WINDOW, &small, &err) == VKW_OK);
    if (!check_failures)
        for (size_t i = 0; i < N_CASES; i++) {
            run(&big, &cases_[i]);
            run(&small, &cases_[i]);
        }
    vkw_gpu_pattern_destroy(&small);
    vkw_gpu_pattern_destroy(&big);
    CHECK(log_.validation_errors == 0);
    teardown();
}

/* --fault flip-byte on the device: the fill inverts exactly the byte asked,
 * in a word of the shader's, in each byte of a word, and in a tail. */
static void flip_last(vkw_gpu_pattern *gp, const region_case *c)
{
    flip_at_ = c->len - 1; /* in the tail where the length is no multiple of 4 */
    fill_case(gp, c);
    flip_at_ = c->len / 2; /* inside the words */
    fill_case(gp, c);
    flip_at_ = c->len > 4 ? (c->len / 2) / 4 * 4 + 2 : 0;
    fill_case(gp, c);
    flip_at_ = UINT64_MAX;
}

static void gpu_pattern_fill_flips_the_byte_asked(void)
{
    each_case(flip_last);
}

static void gpu_pattern_fill_equals_the_c_pattern(void)
{
    each_case(fill_case);
}

static void verify_case(vkw_gpu_pattern *gp, const region_case *c)
{
    host_buffer b;
    vkw_error err;
    CHECK(buffer_make(&b, c->offset + c->len + 8) == 0);
    if (!b.map) {
        buffer_free(&b);
        return;
    }
    vkw_gpu_region r = {
        .buffer = b.buf, .offset = c->offset, .len = c->len, .pattern_offset = c->pattern_offset};
    vkw_gpu_check got;
    cpu_pattern_at(b.map + c->offset, c->len, c->seed, c->pattern_offset);
    CHECK(vkw_gpu_pattern_verify(gp, &r, c->seed, TIMEOUT_NS, &got, &err) == VKW_OK);
    CHECK(got.mismatches == 0);
    /* Another seed: nearly every byte differs, the first within a word. */
    CHECK(vkw_gpu_pattern_verify(gp, &r, c->seed + 1, TIMEOUT_NS, &got, &err) == VKW_OK);
    CHECK(got.mismatches > 0 && got.first.offset < 4);
    buffer_free(&b);
}

static void gpu_pattern_verify_passes_the_c_pattern(void)
{
    each_case(verify_case);
}

/* A byte flipped at `at` (and at `also`, when not the same) is found by the
 * GPU where the CPU check finds it, with the same expected and got bytes. */
static void flip_case(vkw_gpu_pattern *gp, host_buffer *b, size_t len, uint64_t seed,
                      const vkw_pattern *p, size_t at, size_t also)
{
    vkw_error err;
    memcpy(b->map, p->bytes, len);
    b->map[at] ^= 0x10;
    b->map[also] ^= 0x01;
    vkw_mismatch cpu;
    CHECK(!vkw_pattern_matches(p, b->map, &cpu));
    vkw_gpu_region r = {.buffer = b->buf, .len = len};
    vkw_gpu_check gpu;
    CHECK(vkw_gpu_pattern_verify(gp, &r, seed, TIMEOUT_NS, &gpu, &err) == VKW_OK);
    if (gpu.first.offset != cpu.offset || gpu.mismatches != (at == also ? 1u : 2u))
        fprintf(stderr, "flips at %zu and %zu: GPU %llu mismatches, first at %llu; CPU at %llu\n",
                at, also, (unsigned long long)gpu.mismatches, (unsigned long long)gpu.first.offset,
                (unsigned long long)cpu.offset);
    CHECK(gpu.mismatches == (at == also ? 1u : 2u));
    CHECK(gpu.first.offset == cpu.offset);
    CHECK(gpu.first.expected == cpu.expected);
    CHECK(gpu.first.got == cpu.got);
}

static void gpu_pattern_verify_finds_a_flipped_byte_where_the_cpu_does(void)
{
    CHECK(setup() == 0);
    const size_t len = 5 * SMALL_WINDOW + 3; /* five windows and a tail */
    const uint64_t seed = 77;
    vkw_gpu_pattern big = {0}, small = {0};
    vkw_pattern p = {0};
    host_buffer b = {0};
    vkw_error err;
    CHECK(vkw_gpu_pattern_create(&dev, len, 0, &big, &err) == VKW_OK);
    CHECK(vkw_gpu_pattern_create(&dev, len, SMALL_WINDOW, &small, &err) == VKW_OK);
    CHECK(vkw_pattern_make(&p, len, seed, &err) == VKW_OK);
    CHECK(buffer_make(&b, len) == 0);
    static const size_t spots[][2] = {
        {0, 0},
        {1, 1},
        {7, 7},
        {SMALL_WINDOW - 1, SMALL_WINDOW - 1},
        {SMALL_WINDOW, SMALL_WINDOW},
        {3 * SMALL_WINDOW + 2, 4 * SMALL_WINDOW + 1}, /* two windows: the first counts */
        {4 * SMALL_WINDOW + 1, 3 * SMALL_WINDOW + 2},
        {4 * SMALL_WINDOW + 5, 4 * SMALL_WINDOW + 6}, /* two in one word */
        {5 * SMALL_WINDOW + 1, 5 * SMALL_WINDOW + 1}, /* in the tail */
        {5 * SMALL_WINDOW + 2, 100},                  /* the tail's and an earlier one */
    };
    if (!check_failures)
        for (size_t i = 0; i < sizeof spots / sizeof spots[0]; i++) {
            flip_case(&big, &b, len, seed, &p, spots[i][0], spots[i][1]);
            flip_case(&small, &b, len, seed, &p, spots[i][0], spots[i][1]);
        }
    buffer_free(&b);
    vkw_pattern_free(&p);
    vkw_gpu_pattern_destroy(&small);
    vkw_gpu_pattern_destroy(&big);
    CHECK(log_.validation_errors == 0);
    teardown();
}

static void gpu_pattern_refuses_unaligned_and_oversized_regions(void)
{
    CHECK(setup() == 0);
    vkw_gpu_pattern gp = {0};
    host_buffer b = {0};
    vkw_error err;
    vkw_gpu_check got;
    CHECK(vkw_gpu_pattern_create(&dev, 4096, 0, &gp, &err) == VKW_OK);
    CHECK(buffer_make(&b, 8192) == 0);
    vkw_gpu_region odd = {.buffer = b.buf, .offset = 2, .len = 16},
                   odd_pattern = {.buffer = b.buf, .len = 16, .pattern_offset = 6},
                   big = {.buffer = b.buf, .len = 4100};
    CHECK(vkw_gpu_pattern_fill(&gp, &odd, 1, TIMEOUT_NS, &err) == VKW_E_INVALID_ARG);
    CHECK(strstr(err.message, "multiple of 4") != NULL);
    CHECK(vkw_gpu_pattern_verify(&gp, &odd_pattern, 1, TIMEOUT_NS, &got, &err) ==
          VKW_E_INVALID_ARG);
    CHECK(vkw_gpu_pattern_verify(&gp, &big, 1, TIMEOUT_NS, &got, &err) == VKW_E_INVALID_ARG);
    CHECK(strstr(err.message, "at most 4096") != NULL);
    CHECK(all_guard(b.map, 8192)); /* nothing written */
    buffer_free(&b);
    vkw_gpu_pattern_destroy(&gp);
    CHECK(log_.validation_errors == 0);
    teardown();
}

/* Not a speed limit (lavapipe shares the test machine's CPU): prints what the
 * GPU fill and verify of 64 MiB reach, next to the CPU's memcmp check. */
static void gpu_pattern_64mib_throughput(void)
{
    CHECK(setup() == 0);
    const size_t len = 64u << 20;
    const uint64_t seed = 5;
    vkw_gpu_pattern gp = {0};
    vkw_pattern p = {0};
    host_buffer b = {0};
    vkw_error err;
    vkw_gpu_check got = {0};
    CHECK(vkw_gpu_pattern_create(&dev, len, 0, &gp, &err) == VKW_OK);
    CHECK(vkw_pattern_make(&p, len, seed, &err) == VKW_OK);
    CHECK(buffer_make(&b, len) == 0);
    vkw_gpu_region r = {.buffer = b.buf, .len = len};
    if (!check_failures) {
        uint64_t t0 = vkw_clock_ns();
        CHECK(vkw_gpu_pattern_fill(&gp, &r, seed, TIMEOUT_NS, &err) == VKW_OK);
        uint64_t t1 = vkw_clock_ns();
        CHECK(vkw_gpu_pattern_verify(&gp, &r, seed, TIMEOUT_NS, &got, &err) == VKW_OK);
        uint64_t t2 = vkw_clock_ns();
        CHECK(got.mismatches == 0);
        CHECK(vkw_pattern_matches(&p, b.map, NULL));
        uint64_t t3 = vkw_clock_ns();
        printf("64 MiB on %s: GPU fill %.2f GB/s, GPU verify %.2f GB/s, CPU memcmp %.2f GB/s\n",
               dev.info.name, (double)len / (double)(t1 - t0), (double)len / (double)(t2 - t1),
               (double)len / (double)(t3 - t2));
    }
    buffer_free(&b);
    vkw_pattern_free(&p);
    vkw_gpu_pattern_destroy(&gp);
    CHECK(log_.validation_errors == 0);
    teardown();
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
#define CASE(fn) {#fn, fn}
        CASE(gpu_pattern_fill_equals_the_c_pattern),
        CASE(gpu_pattern_fill_flips_the_byte_asked),
        CASE(gpu_pattern_verify_passes_the_c_pattern),
        CASE(gpu_pattern_verify_finds_a_flipped_byte_where_the_cpu_does),
        CASE(gpu_pattern_refuses_unaligned_and_oversized_regions),
        CASE(gpu_pattern_64mib_throughput),
#undef CASE
    };
    return check_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
