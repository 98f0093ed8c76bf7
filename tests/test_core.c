/* Unit tests of libvkw pieces that need no driver. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "check/check.h"
#include "base/pattern.h"
#include "report/report_file.h"
#include "base/stats.h"
#include "base/text_buffer.h"
#include "vk/host_pattern.h"
#include "vkw.h"
#include "probes/probe.h"

static void driver_version_nvidia_decodes_10_8_8_6(void)
{
    char buf[64];
    /* 580.159.04, as nvidia-smi writes it (and as the H100 of a GPU machine reports) */
    uint32_t v = (580u << 22) | (159u << 14) | (4u << 6);
    CHECK_STR(vkw_driver_version_string(0x10DE, v, VKW_OS_LINUX, buf, sizeof buf), "580.159.04");
    v = (535u << 22) | (54u << 14) | (3u << 6) | 5u; /* the rarely used fourth field */
    CHECK_STR(vkw_driver_version_string(0x10DE, v, VKW_OS_WINDOWS, buf, sizeof buf), "535.54.03.5");
}

static void driver_version_intel_windows_decodes_18_14(void)
{
    char buf[64];
    uint32_t v = (101u << 14) | 5074u;
    CHECK_STR(vkw_driver_version_string(0x8086, v, VKW_OS_WINDOWS, buf, sizeof buf), "101.5074");
    /* Mesa's Intel driver on Linux uses the Vulkan encoding. */
    CHECK_STR(vkw_driver_version_string(0x8086, VK_MAKE_API_VERSION(0, 22, 3, 6), VKW_OS_LINUX, buf,
                                        sizeof buf),
              "22.3.6");
}

static void driver_version_others_use_vulkan_encoding(void)
{
    char buf[64];
    CHECK_STR(vkw_driver_version_string(0x1002, VK_MAKE_API_VERSION(0, 2, 0, 279), VKW_OS_LINUX,
                                        buf, sizeof buf),
              "2.0.279");
    CHECK_STR(vkw_version_string(VK_MAKE_API_VERSION(1, 1, 2, 3), buf, sizeof buf),
              "1.2.3 (variant 1)");
}

static void uuid_formats_like_vulkaninfo_and_parses_back(void)
{
    uint8_t u[16] = {0x6d, 0x65, 0x73, 0x61, 0x32, 0x32, 0x2e, 0x33,
                     0x2e, 0x36, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff};
    char buf[64];
    CHECK_STR(vkw_uuid_string(u, 16, buf, sizeof buf), "6d657361-3232-2e33-2e36-0000000000ff");
    uint8_t back[16];
    CHECK(vkw_uuid_parse(buf, back) == 0);
    CHECK(memcmp(u, back, 16) == 0);
    CHECK(vkw_uuid_parse("6D6573613232", back) != 0);                         /* too short */
    CHECK(vkw_uuid_parse("6d657361-3232-2e33-2e36-0000000000fg", back) != 0); /* not hex */
    CHECK_STR(vkw_uuid_string(u, 8, buf, sizeof buf), "6d65736132322e33");    /* LUID: plain hex */
}

static void device_filter_tells_index_uuid_and_name_apart(void)
{
    vkw_device_filter f;
    vkw_error err;
    uint8_t uuid[16] = {0x6d, 0x65, 0x73, 0x61, 0x32, 0x32, 0x2e, 0x33, 0x2e, 0x36};
    CHECK(vkw_device_filter_parse("1", &f, &err) == VKW_OK && f.kind == VKW_FILTER_INDEX);
    CHECK(vkw_device_filter_match(&f, 1, "x", NULL));
    CHECK(!vkw_device_filter_match(&f, 0, "x", NULL));
    CHECK(vkw_device_filter_parse("6d657361-3232-2e33-2e36-000000000000", &f, &err) == VKW_OK);
    CHECK(f.kind == VKW_FILTER_UUID);
    CHECK(vkw_device_filter_match(&f, 7, "whatever", uuid));
    CHECK(!vkw_device_filter_match(&f, 7, "whatever", NULL));
    CHECK(vkw_device_filter_parse("LLVMpipe", &f, &err) == VKW_OK && f.kind == VKW_FILTER_NAME);
    CHECK(vkw_device_filter_match(&f, 0, "llvmpipe (LLVM 15.0.6, 256 bits)", NULL));
    CHECK(!vkw_device_filter_match(&f, 0, "NVIDIA H100 80GB HBM3", NULL));
    CHECK(vkw_device_filter_parse("", &f, &err) == VKW_E_INVALID_ARG);
    /* The library names the setting, not the command line's flag for it. */
    CHECK(strstr(err.message, "device selector") != NULL && strstr(err.message, "--") == NULL);
    CHECK(vkw_device_filter_parse("99999999999", &f, &err) == VKW_E_INVALID_ARG);
    CHECK(strstr(err.message, "99999999999") != NULL && strstr(err.message, "--") == NULL);
}

static void handle_mask_names_use_spec_suffixes(void)
{
    char buf[256];
    uint32_t mask = VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT |
                    VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT | 0x80000000u;
    CHECK_STR(vkw_handle_mask_names(vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT, mask,
                                    "|", buf, sizeof buf),
              "OPAQUE_FD|DMA_BUF|0x80000000");
    const vkw_handle_type *t = vkw_handle_type_by_name(
        vkw_semaphore_handle_types, VKW_SEMAPHORE_HANDLE_TYPE_COUNT, "D3D12_FENCE");
    CHECK(t && t->bit == VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_D3D12_FENCE_BIT && t->nt_handle);
    t = vkw_handle_type_by_name(vkw_fence_handle_types, VKW_FENCE_HANDLE_TYPE_COUNT, "SYNC_FD");
    CHECK(t && t->transference == VKW_TRANSFERENCE_COPY);
}

static void handle_tables_cover_every_header_bit_once(void)
{
    /* Every bit of each table is distinct, and the families split by OS. */
    uint32_t seen = 0;
    for (size_t i = 0; i < VKW_MEMORY_HANDLE_TYPE_COUNT; i++) {
        CHECK((seen & vkw_memory_handle_types[i].bit) == 0);
        seen |= vkw_memory_handle_types[i].bit;
    }
    CHECK(seen == 0x1fffu); /* 0x1..0x1000: all memory types of the 1.3.239 headers */
    seen = 0;
    for (size_t i = 0; i < VKW_SEMAPHORE_HANDLE_TYPE_COUNT; i++) {
        CHECK((seen & vkw_semaphore_handle_types[i].bit) == 0);
        seen |= vkw_semaphore_handle_types[i].bit;
    }
    CHECK(seen == 0x9fu); /* OPAQUE_FD..SYNC_FD (0x1..0x10) and ZIRCON_EVENT (0x80) */
    seen = 0;
    for (size_t i = 0; i < VKW_FENCE_HANDLE_TYPE_COUNT; i++) {
        CHECK((seen & vkw_fence_handle_types[i].bit) == 0);
        seen |= vkw_fence_handle_types[i].bit;
    }
    CHECK(seen == 0xfu);
    CHECK(vkw_handle_family_native(VKW_FAMILY_POSIX_FD) !=
          vkw_handle_family_native(VKW_FAMILY_WIN32));
    CHECK(vkw_handle_family_native(VKW_FAMILY_HOST));
}

static void status_messages_name_the_call_and_result(void)
{
    vkw_error err;
    vkw_status s = vkw_fail_vk(&err, VK_ERROR_OUT_OF_HOST_MEMORY, "vkGetMemoryFdKHR",
                               "exporting %d MiB OPAQUE_FD memory", 256);
    CHECK(s == VKW_E_VULKAN && err.vk_result == VK_ERROR_OUT_OF_HOST_MEMORY);
    CHECK_STR(err.message, "vkGetMemoryFdKHR failed: VK_ERROR_OUT_OF_HOST_MEMORY (exporting 256 "
                           "MiB OPAQUE_FD memory)");
    CHECK_STR(vkw_result_name((VkResult)-424242), "VkResult(-424242)");
    CHECK_STR(vkw_status_code(VKW_E_NO_DEVICE_MATCH), "no_device_match");
}

static int count_entries(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

static void atomic_write_replaces_and_leaves_no_temp(void)
{
    char dir[] = "/tmp/vkw-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], buf[64] = {0};
    snprintf(path, sizeof path, "%s/report.json", dir);
    vkw_error err;
    CHECK(vkw_write_file_atomic(path, "first", 5, &err) == VKW_OK);
    CHECK(vkw_write_file_atomic(path, "second", 6, &err) == VKW_OK);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f) {
        CHECK(fread(buf, 1, sizeof buf - 1, f) == 6);
        fclose(f);
    }
    CHECK_STR(buf, "second");
    CHECK(count_entries(dir) == 1);

    /* A missing folder: a failure that names the path, and nothing created. */
    char bad[300];
    snprintf(bad, sizeof bad, "%s/missing/report.json", dir);
    CHECK(vkw_write_file_atomic(bad, "x", 1, &err) == VKW_E_IO);
    CHECK(strstr(err.message, bad) != NULL);
    CHECK(vkw_check_writable(dir, &err) == VKW_E_IO); /* a directory is no report path */
    CHECK(count_entries(dir) == 1);
    unlink(path);
    rmdir(dir);
}

/* Only what starts the way the tool's reports start is its own: the JSON
 * writer's real output, check's JUnit and summary, report's renderings. */
static void own_reports_recognised_by_their_start(void)
{
    vkw_report r;
    vkw_report_init(&r, "probe");
    char *json = NULL;
    vkw_error err;
    CHECK(vkw_report_to_json(&r, &json, &err) == VKW_OK);
    if (json) {
        CHECK(vkw_is_own_report(json, strlen(json)));
        CHECK(!vkw_is_own_report(json, 40)); /* cut before tool.name */
        free(json);
    }
    vkw_report_free(&r);
    static const char *const own[] = {
        "{\"schema_version\": 1, \"tool\": {\"name\": \"vkwin32h\", \"version\": \"0.1.0\"}}",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"vkwin32h check: lab\">",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- vkwin32h check: one test suite per "
        "device, one test case per expectation -->\n<testsuites>\n  <testsuite",
        "vkwin32h 0.1.0 check: lab (lab.json) on Linux, 2026-11-23T18:52:09Z\nDevices ...",
        "vkwin32h bench report\n=====================\n",
        /* report's text: its own first line, then the live text; Markdown: its heading */
        "vkwin32h 0.1.0 report: the run's text, read back from its JSON report\n"
        "vkwin32h 0.1.0 bench on Linux, 2026-11-23T18:52:09Z\n",
        "# vkwin32h 0.1.0 probe on Linux, 2026-11-23T18:52:09Z\n\n",
        "# vkwin32h check report\n\n",
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<title>vkwin32h probe report: x</title>",
    };
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        CHECK(vkw_is_own_report(own[i], strlen(own[i])));
    static const char *const other[] = {
        "",
        "# my notes\nvkwin32h check report\n",
        "{\"schema_version\": 1, \"name\": \"a lab config\", \"tool\": \"vkwin32h\"}",
        "{\"schema_version\": 1, \"tool\": {\"name\": \"othertool\"}}",
        "{\"$schema\": \"vkwin32h-check-config.schema.json\", \"name\": \"vkwin32h\"}",
        "<?xml version=\"1.0\"?>\n<testsuites name=\"pytest\">",
        "<?xml version=\"1.0\"?>\n<!-- vkwin32h check: notes -->\n<testsuite name=\"mine\">",
        "<?xml version=\"1.0\"?>\n<!-- vkwin32h check: no end\n<testsuites>",
        "vkwin32h check: notes about the tool\n",
        "vkwin32h 0.1.0 notes on the bench\n",
        "vkwin32h 0.1.0 bench on Linux, 2026-11-23T18:52:09Z\n", /* a run's text: never a file */
        "vkwin32h 0.1.0 probe on Linux, 2026-11-23T18:52:09Z\nLoader ...\n",
        "vkwin32h bench on Linux\n",
        "<!DOCTYPE html>\n<title>My page about vkwin32h</title>",
    };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        CHECK(!vkw_is_own_report(other[i], strlen(other[i])));
}

/* --- verdicts, from synthetic capability tables (no driver involved) --- */

static void give_extension(vkw_device_report *d, const char *name)
{
    for (size_t i = 0; i < VKW_RELEVANT_EXTENSION_COUNT; i++)
        if (strcmp(vkw_relevant_device_extensions[i], name) == 0)
            d->relevant_extension_version[i] = 1;
}

static size_t memory_index(const char *name)
{
    const vkw_handle_type *t =
        vkw_handle_type_by_name(vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT, name);
    return (size_t)(t - vkw_memory_handle_types);
}

static void fill_memory(vkw_device_report *d, size_t t, bool exp, bool imp, bool dedicated)
{
    vkw_external_props p = {.state = VKW_QUERY_OK,
                            .exportable = exp,
                            .importable = imp,
                            .dedicated_only = dedicated,
                            .compatible = vkw_memory_handle_types[t].bit};
    for (size_t c = 0; c < VKW_BUFFER_CASE_COUNT; c++)
        d->memory_caps[t].buffer[c] = p;
    for (size_t c = 0; c < VKW_IMAGE_CASE_COUNT; c++)
        d->memory_caps[t].image[c] = p;
}

static void verdict_memory_reasons(void)
{
    static vkw_device_report d; /* large: not on the stack */
    memset(&d, 0, sizeof d);
    CHECK(d.memory_verdict[0].code == VKW_VERDICT_NOT_RUN); /* before any computation */

    size_t fd = memory_index("OPAQUE_FD"), dma = memory_index("DMA_BUF");
    size_t host = memory_index("HOST_ALLOCATION"), win = memory_index("OPAQUE_WIN32");
    give_extension(&d, "VK_KHR_external_memory_fd");
    fill_memory(&d, fd, true, true, true);
    d.memory_caps[fd].image[0].state = VKW_QUERY_FORMAT_UNSUPPORTED;
    d.memory_caps[fd].image[1].state = VKW_QUERY_SKIPPED;
    fill_memory(&d, dma, true, true, false); /* claims support, extension absent */
    give_extension(&d, "VK_EXT_external_memory_host");
    fill_memory(&d, host, false, false, false);
    vkw_verdict_compute(&d);

    CHECK(d.memory_verdict[fd].code == VKW_VERDICT_SHAREABLE_DEDICATED);
    CHECK(strstr(d.memory_verdict[fd].detail, "images 7/8") != NULL); /* unsupported counts */
    CHECK(strstr(d.memory_verdict[fd].detail, "1 image case skipped") != NULL);
    CHECK(d.memory_verdict[dma].code == VKW_VERDICT_EXTENSION_MISSING);
    CHECK(d.anomaly_count == 1 && strstr(d.anomalies[0], "DMA_BUF") != NULL);
    CHECK(d.memory_verdict[host].code == VKW_VERDICT_DRIVER_SAYS_NO);
    CHECK(d.memory_verdict[win].code == VKW_VERDICT_NOT_ON_THIS_OS);

    memset(&d, 0, sizeof d);
    give_extension(&d, "VK_KHR_external_memory_fd");
    give_extension(&d, "VK_EXT_external_memory_host");
    fill_memory(&d, fd, true, false, false); /* export only */
    fill_memory(&d, host, false, true, false);
    vkw_verdict_compute(&d);
    CHECK(d.memory_verdict[fd].code == VKW_VERDICT_DRIVER_SAYS_NO);
    CHECK(strstr(d.memory_verdict[fd].detail, "export only: 13") != NULL);
    CHECK(d.memory_verdict[host].code == VKW_VERDICT_NOT_CROSS_PROCESS);

    memset(&d, 0, sizeof d);
    give_extension(&d, "VK_KHR_external_memory_fd");
    fill_memory(&d, fd, true, true, false);
    d.memory_caps[fd].buffer[0].dedicated_only = true;
    for (size_t c = 0; c < VKW_IMAGE_CASE_COUNT; c++)
        d.memory_caps[fd].image[c].state = VKW_QUERY_FAILED;
    vkw_verdict_compute(&d);
    CHECK(d.memory_verdict[fd].code == VKW_VERDICT_SHAREABLE);
    CHECK(strstr(d.memory_verdict[fd].detail, "some need a dedicated allocation") != NULL);
    fill_memory(&d, fd, false, false, false);
    for (size_t c = 0; c < VKW_IMAGE_CASE_COUNT; c++)
        d.memory_caps[fd].image[c].state = VKW_QUERY_FAILED;
    vkw_verdict_compute(&d);
    CHECK(d.memory_verdict[fd].code == VKW_VERDICT_QUERY_FAILED);
}

static void verdict_semaphore_and_fence_reasons(void)
{
    static vkw_device_report d;
    memset(&d, 0, sizeof d);
    give_extension(&d, "VK_KHR_external_semaphore_fd");
    vkw_external_props yes = {
        .state = VKW_QUERY_OK, .exportable = true, .importable = true, .compatible = 1};
    d.semaphore_caps[0].binary = yes; /* OPAQUE_FD */
    d.semaphore_caps[0].timeline.state = VKW_QUERY_SKIPPED;
    d.semaphore_caps[0].timeline.reason = "the device has no timeline semaphores";
    d.semaphore_caps[1].binary = yes; /* SYNC_FD: copy transference */
    d.semaphore_caps[1].binary.compatible = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT;
    d.semaphore_caps[1].timeline.state = VKW_QUERY_OK; /* neither exportable nor importable */
    d.fence_caps[0] = yes; /* OPAQUE_FD fence without VK_KHR_external_fence_fd */
    vkw_verdict_compute(&d);
    CHECK(d.semaphore_verdict[0][0].code == VKW_VERDICT_SHAREABLE);
    CHECK(d.semaphore_verdict[0][1].code == VKW_VERDICT_DRIVER_SAYS_NO);
    CHECK_STR(d.semaphore_verdict[0][1].detail, "the device has no timeline semaphores");
    CHECK(strstr(d.semaphore_verdict[1][0].detail, "copy transference") != NULL);
    CHECK_STR(d.semaphore_verdict[1][1].detail, "neither exportable nor importable");
    CHECK(d.fence_verdict[0].code == VKW_VERDICT_EXTENSION_MISSING);
    CHECK(d.anomaly_count == 1 && strstr(d.anomalies[0], "VK_KHR_external_fence_fd") != NULL);
    CHECK(d.semaphore_verdict[2][0].code == VKW_VERDICT_NOT_ON_THIS_OS); /* OPAQUE_WIN32 */
}

/* A piece of the pattern made alone is the same bytes as that piece of the
 * whole: at any offset (aligned or not), any length, across the 2^32-word
 * line where the key changes. */
static void pattern_pieces_are_the_whole_pattern(void)
{
    enum { LEN = 4099 };
    unsigned char whole[LEN], piece[LEN];
    vkw_pattern_fill(whole, LEN, 42);
    static const size_t offs[] = {0, 1, 3, 4, 7, 1000, 4095, 4098};
    for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
        size_t len = LEN - offs[i];
        memset(piece, 0, sizeof piece);
        vkw_pattern_fill_at(piece, len, 42, offs[i]);
        CHECK(memcmp(piece, whole + offs[i], len) == 0);
        vkw_pattern_fill_at(piece, 5, 42, offs[i] / 2); /* a short one, inside */
        CHECK(memcmp(piece, whole + offs[i] / 2, 5) == 0);
    }
    /* Words 2^32 - 2 .. 2^32 + 1: bytes 16 GiB - 8 .. 16 GiB + 8. */
    uint64_t at = ((uint64_t)1 << 34) - 8;
    vkw_pattern_fill_at(piece, 16, 7, at);
    for (uint32_t w = 0; w < 4; w++) {
        uint32_t want = vkw_pattern_word(7, at / 4 + w), got;
        memcpy(&got, piece + 4 * w, 4);
        CHECK(got == want);
    }
    vkw_pattern_fill_at(piece, 7, 7, at + 2); /* unaligned across the line */
    uint32_t w1 = vkw_pattern_word(7, at / 4), w2 = vkw_pattern_word(7, at / 4 + 1);
    CHECK(memcmp(piece, (unsigned char *)&w1 + 2, 2) == 0 && memcmp(piece + 2, &w2, 4) == 0);
}

static void pattern_catches_any_changed_byte_and_stale_seed(void)
{
    vkw_pattern p = {0}, q = {0};
    vkw_error err;
    CHECK(vkw_pattern_make(&p, 4099, 42, &err) == VKW_OK); /* odd length: the tail counts too */
    unsigned char buf[4099];
    memcpy(buf, p.bytes, sizeof buf);
    vkw_mismatch m = {0};
    CHECK(vkw_pattern_matches(&p, buf, &m));
    buf[4098] ^= 0x01;
    CHECK(!vkw_pattern_matches(&p, buf, &m) && m.offset == 4098 && m.got == (p.bytes[4098] ^ 1));
    buf[4098] ^= 0x01;
    buf[17] = (unsigned char)~buf[17];
    CHECK(!vkw_pattern_matches(&p, buf, &m) && m.offset == 17 && m.expected == p.bytes[17]);
    /* Zeros, a shift by one word, and another iteration's seed all fail. */
    memset(buf, 0, sizeof buf);
    CHECK(!vkw_pattern_matches(&p, buf, &m) && m.offset < 8);
    memcpy(buf, p.bytes + 8, sizeof buf - 8);
    CHECK(!vkw_pattern_matches(&p, buf, &m) && m.offset < 8); /* at once, not at the tail */
    CHECK(vkw_pattern_make(&q, 4099, 43, &err) == VKW_OK);
    CHECK(!vkw_pattern_matches(&p, q.bytes, &m) && m.offset < 8);
    /* Regenerated in place, the same seed gives the same bytes. */
    memcpy(buf, q.bytes, sizeof buf);
    CHECK(vkw_pattern_make(&q, 100, 7, &err) == VKW_OK && q.len == 100);
    CHECK(vkw_pattern_make(&q, 4099, 43, &err) == VKW_OK && memcmp(buf, q.bytes, 4099) == 0);
    vkw_pattern_free(&p);
    vkw_pattern_free(&q);
    CHECK(p.bytes == NULL && p.len == 0);
}

/* The host's threaded pattern work (vk/host_pattern.h): 4 MiB over 4 threads
 * is four 1 MiB slices. Two differences in different slices: the lowest
 * offset is named, whichever thread finds it (and whatever order the
 * slices end in); the first and the last byte are named too, as absolute
 * offsets of the pattern (the piece starts at `at`). */
static void host_compare_names_the_lowest_difference_over_threads(void)
{
    enum { LEN = 4 << 20, THREADS = 4 };
    const uint64_t seed = 0x5EED, at = (uint64_t)3 << 30; /* a piece far into the pattern */
    unsigned char *want = malloc(LEN), *got = malloc(LEN), *one = malloc(LEN);
    CHECK(want && got && one);
    if (!want || !got || !one)
        goto cleanup;
    CHECK(vkw_host_threads(THREADS, LEN) == THREADS);
    CHECK(vkw_host_threads(THREADS, 512u << 10) == 2); /* no slice under 256 KiB */
    CHECK(vkw_host_threads(THREADS, 1000) == 1 && vkw_host_threads(0, LEN) == 1);
    CHECK(vkw_host_threads(1000, (size_t)1 << 36) == VKW_MAX_THREADS);
    /* Threaded generation is the pattern's piece, byte for byte. */
    vkw_host_pattern_fill(want, LEN, seed, at, THREADS);
    vkw_pattern_fill_at(one, LEN, seed, at);
    CHECK(memcmp(want, one, LEN) == 0);
    vkw_host_copy(got, want, LEN, THREADS);
    CHECK(memcmp(got, want, LEN) == 0);
    vkw_mismatch mm = {.offset = 7};
    CHECK(vkw_host_compare(got, want, LEN, at, THREADS, &mm));
    CHECK(mm.offset == 7); /* untouched when all match */
    /* Slice 3 and slice 1, each far into its slice; then slice 0 and 2. */
    const size_t pairs[][2] = {{3 * (1 << 20) + 12345, 1 * (1 << 20) + 777},
                               {(1 << 20) - 1, 2 * (1 << 20)},
                               {2 * (1 << 20) + 5, 3 * (1 << 20) + 5}};
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        size_t lo = pairs[p][0] < pairs[p][1] ? pairs[p][0] : pairs[p][1];
        got[pairs[p][0]] ^= 0x5A;
        got[pairs[p][1]] ^= 0xFF;
        mm = (vkw_mismatch){0};
        CHECK(!vkw_host_compare(got, want, LEN, at, THREADS, &mm));
        CHECK(mm.offset == at + lo);
        CHECK(mm.expected == want[lo] && mm.got == got[lo] && mm.got != mm.expected);
        if (mm.offset != at + lo)
            fprintf(stderr, "pair %zu: named %llu, want %llu\n", p,
                    (unsigned long long)(mm.offset - at), (unsigned long long)lo);
        CHECK(!vkw_host_compare(got, want, LEN, at, THREADS, NULL)); /* no mismatch wanted */
        got[pairs[p][0]] ^= 0x5A;
        got[pairs[p][1]] ^= 0xFF;
    }
    /* The first byte and the last one, each alone, then both. */
    got[LEN - 1] ^= 1;
    CHECK(!vkw_host_compare(got, want, LEN, at, THREADS, &mm) && mm.offset == at + LEN - 1);
    CHECK(mm.expected == want[LEN - 1] && mm.got == (unsigned char)(want[LEN - 1] ^ 1));
    got[0] ^= 0x80;
    CHECK(!vkw_host_compare(got, want, LEN, at, THREADS, &mm) && mm.offset == at);
    CHECK(mm.expected == want[0] && mm.got == (unsigned char)(want[0] ^ 0x80));
    got[LEN - 1] ^= 1;
    CHECK(!vkw_host_compare(got, want, LEN, at, THREADS, &mm) && mm.offset == at);
    got[0] ^= 0x80;
    CHECK(vkw_host_compare(got, want, LEN, at, THREADS, &mm));
    /* One thread gives the same answers. */
    got[LEN / 2 + 3] ^= 2;
    got[LEN - 2] ^= 2;
    CHECK(!vkw_host_compare(got, want, LEN, at, 1, &mm) && mm.offset == at + LEN / 2 + 3);

cleanup:
    free(want);
    free(got);
    free(one);
}

static void summary_orders_and_takes_the_median(void)
{
    double odd[] = {5, 1, 3};
    vkw_summary s;
    vkw_summarize(odd, 3, &s);
    CHECK(s.count == 3 && s.min == 1 && s.median == 3 && s.max == 5 && s.mean == 3);
    double even[] = {10, 2, 4, 8};
    vkw_summarize(even, 4, &s);
    CHECK(s.count == 4 && s.min == 2 && s.median == 6 && s.max == 10 && s.mean == 6);
    vkw_summarize(even, 0, &s);
    CHECK(s.count == 0 && s.max == 0);
}

/* The median of the phases: the middle sample, or the mean of the two
 * middle ones; answers worked out by hand. */
static void summary_median_of_one_two_ties_and_outliers(void)
{
    vkw_summary s;
    double one[] = {7.5};
    vkw_summarize(one, 1, &s);
    CHECK(s.count == 1 && s.min == 7.5 && s.median == 7.5 && s.mean == 7.5 && s.max == 7.5);
    double two[] = {9, 3};
    vkw_summarize(two, 2, &s);
    CHECK(s.min == 3 && s.median == 6 && s.mean == 6 && s.max == 9);
    double ties[] = {4, 2, 4, 4, 1, 4}; /* sorted 1 2 4 4 4 4 */
    vkw_summarize(ties, 6, &s);
    CHECK(s.median == 4 && s.min == 1 && s.max == 4 && s.mean == 19.0 / 6);
    double outlier[] = {10, 11, 1e9, 12, 13}; /* sorted 10 11 12 13 1e9 */
    vkw_summarize(outlier, 5, &s);
    CHECK(s.median == 12 && s.max == 1e9 && s.mean == (46 + 1e9) / 5);
}

/* Percentiles by nearest rank: the sample at rank ceil(q * n) of the sorted
 * samples (rank 1 the smallest). Each answer below is that rank, by hand. */
static void distribution_percentiles_by_nearest_rank(void)
{
    vkw_distribution d;
    double one[] = {42};
    vkw_distribution_of(one, 1, &d);
    CHECK(d.count == 1 && d.min == 42 && d.p50 == 42 && d.p90 == 42 && d.p99 == 42 &&
          d.p999 == 42 && d.max == 42 && d.mean == 42 && d.stddev == 0);
    double two[] = {300, 100};
    vkw_distribution_of(two, 2, &d);
    /* p50: rank ceil(1.0) = 1; p90: ceil(1.8) = 2 */
    CHECK(d.p50 == 100 && d.p90 == 300 && d.p99 == 300 && d.p999 == 300);
    CHECK(d.mean == 200 && fabs(d.stddev - sqrt(20000.0)) < 1e-9); /* sample stddev (n - 1) */
    double ties[] = {5, 5, 1, 5, 9}; /* 1 5 5 5 9: p50 rank 3, p90 rank ceil(4.5) = 5 */
    vkw_distribution_of(ties, 5, &d);
    CHECK(d.p50 == 5 && d.p90 == 9 && d.min == 1 && d.max == 9);
    double ten[10] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1}; /* p50 rank 5, p90 rank 9, p99 rank 10 */
    vkw_distribution_of(ten, 10, &d);
    CHECK(d.p50 == 5 && d.p90 == 9 && d.p99 == 10 && d.p999 == 10);
    /* 1000 samples 10, 20, ..., 10000, the largest replaced by an outlier:
     * p50 rank 500, p90 900, p99 990, p99.9 999 (not the outlier, rank 1000). */
    static double many[1000];
    for (int i = 0; i < 1000; i++)
        many[i] = 10.0 * ((i * 7919) % 1000 + 1); /* every value once, shuffled */
    for (int i = 0; i < 1000; i++)
        if (many[i] == 10000)
            many[i] = 1e12;
    vkw_distribution_of(many, 1000, &d);
    CHECK(d.p50 == 5000 && d.p90 == 9000 && d.p99 == 9900 && d.p999 == 9990);
    CHECK(d.min == 10 && d.max == 1e12);
    /* 2000 samples: p99.9 is rank 1998, p99 rank 1980. */
    static double more[2000];
    for (int i = 0; i < 2000; i++)
        more[i] = 2000 - i;
    vkw_distribution_of(more, 2000, &d);
    CHECK(d.p50 == 1000 && d.p90 == 1800 && d.p99 == 1980 && d.p999 == 1998);
}

static uint32_t total(const vkw_distribution *d)
{
    uint32_t n = 0;
    for (uint32_t k = 0; k < VKW_HISTOGRAM_BUCKETS; k++)
        n += d->histogram[k];
    return n;
}

/* Log-linear buckets: [2^o * (1 + s/8), 2^o * (1 + (s+1)/8)) is bucket 8o + s;
 * bucket 0 also takes what is under 1 ns, the last everything above. */
static void histogram_bucket_edges_by_hand(void)
{
    double from, below;
    vkw_histogram_bucket_range(0, &from, &below);
    CHECK(from == 0 && below == 1.125);
    vkw_histogram_bucket_range(1, &from, &below);
    CHECK(from == 1.125 && below == 1.25);
    vkw_histogram_bucket_range(8, &from, &below);
    CHECK(from == 2 && below == 2.25);
    vkw_histogram_bucket_range(79, &from, &below); /* octave 9 (512), step 7 */
    CHECK(from == 960 && below == 1024);
    vkw_histogram_bucket_range(VKW_HISTOGRAM_BUCKETS - 1, &from, &below);
    CHECK(from == ldexp(1.0, 39) * 1.875 && below == ldexp(1.0, 40));

    struct {
        double v;
        uint32_t bucket;
    } cases[] = {
        {0.25, 0},
        {1, 0},
        {1.124, 0},
        {1.125, 1},
        {1.99, 7},
        {2, 8},
        {3, 12},
        {959.9, 78},
        {960, 79},
        {1023.9, 79},
        /* 6144 = 4096 * 1.5: octave 12, step 4 */
        {1024, 80},
        {6144, 100},
        {6655, 100},
        {6656, 101},
        {1e20, VKW_HISTOGRAM_BUCKETS - 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vkw_distribution d;
        double v = cases[i].v;
        vkw_distribution_of(&v, 1, &d);
        if (d.histogram[cases[i].bucket] != 1 || total(&d) != 1)
            fprintf(stderr, "%g: expected in bucket %u\n", cases[i].v, cases[i].bucket);
        CHECK(d.histogram[cases[i].bucket] == 1 && total(&d) == 1);
    }
    /* Ties share a bucket; every sample is counted once. */
    double ties[] = {3, 3, 3, 1000, 0.5};
    vkw_distribution d;
    vkw_distribution_of(ties, 5, &d);
    CHECK(d.histogram[12] == 3 && d.histogram[79] == 1 && d.histogram[0] == 1 && total(&d) == 5);
}

static void size_strings_are_exact(void)
{
    char b[32];
    CHECK_STR(vkw_size_string(65536, b, sizeof b), "64 KiB");
    CHECK_STR(vkw_size_string(16u << 20, b, sizeof b), "16 MiB");
    CHECK_STR(vkw_size_string(1ull << 30, b, sizeof b), "1 GiB");
    CHECK_STR(vkw_size_string(1000, b, sizeof b), "1000 bytes");
    CHECK_STR(vkw_size_string(1536, b, sizeof b), "1536 bytes");
}

static void numbers_refuse_blanks_signs_and_junk(void)
{
    uint64_t v = 0;
    CHECK(vkw_uint_parse("5", 10, &v) && v == 5);
    CHECK(vkw_uint_parse("007", 10, &v) && v == 7);
    CHECK(vkw_uint_parse("18446744073709551615", UINT64_MAX, &v) && v == UINT64_MAX);
    static const char *const bad[] = {"",
                                      " 5",
                                      "+5",
                                      "-5",
                                      "5 ",
                                      "\t5",
                                      "5\n",
                                      "0x10",
                                      "1e3",
                                      "5.0",
                                      "5K",
                                      "99999999999999999999",
                                      "18446744073709551616",
                                      " -18446744073709551615",
                                      "-18446744073709551615"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = 42;
        CHECK(!vkw_uint_parse(bad[i], UINT64_MAX, &v) && v == 42);
    }
    CHECK(!vkw_uint_parse("11", 10, &v));
    CHECK(vkw_size_parse("64K", &v) && v == 65536);
    CHECK(vkw_size_parse("16MiB", &v) && v == 16u << 20);
    CHECK(vkw_size_parse("1gB", &v) && v == 1u << 30);
    CHECK(vkw_size_parse("64G", &v) && v == 64ull << 30);
    CHECK(vkw_size_parse("1", &v) && v == 1);
    static const char *const bad_sizes[] = {"",
                                            " 64K",
                                            "+64K",
                                            "-64K",
                                            "64K ",
                                            "64 K",
                                            "0x10",
                                            "0x10K",
                                            "64KK",
                                            "1.5K",
                                            "K",
                                            "0",
                                            "0K",
                                            "65G",
                                            "99999999999999999999",
                                            "99999999999999999999K",
                                            " -18446744073709551615K",
                                            "-18446744073709551615K",
                                            "18446744073709551615K",
                                            "17179869184K0"};
    for (size_t i = 0; i < sizeof bad_sizes / sizeof bad_sizes[0]; i++) {
        v = 42;
        CHECK(!vkw_size_parse(bad_sizes[i], &v) && v == 42);
    }
}

static void terminal_escape_shows_controls_and_keeps_utf8(void)
{
    char b[64];
    CHECK_STR(vkw_text_escape("plain text", b, sizeof b), "plain text");
    CHECK_STR(vkw_text_escape("\x1b[31mred\x07", b, sizeof b), "\\x1b[31mred\\x07");
    CHECK_STR(vkw_text_escape("a\tb\nc\rd\x7f", b, sizeof b), "a\\x09b\\x0ac\\x0dd\\x7f");
    /* C1 controls as UTF-8 (U+009B is CSI), a raw 0x9b byte, and kept UTF-8 */
    CHECK_STR(vkw_text_escape("\xc2\x9b"
                              "2J \x9b \xc3\xa9\xe2\x82\xac",
                              b, sizeof b),
              "\\u009b2J \\x9b \xc3\xa9\xe2\x82\xac");
    CHECK_STR(vkw_text_escape("\xc2\xa0", b, sizeof b), "\xc2\xa0");   /* U+00A0 is not C1 */
    CHECK_STR(vkw_text_escape("\xe2\x82", b, sizeof b), "\\xe2\\x82"); /* cut short */
    CHECK_STR(vkw_text_escape("\xc0\x80", b, sizeof b), "\\xc0\\x80"); /* overlong */
    CHECK_STR(vkw_text_escape(NULL, b, sizeof b), "");
    /* Cut where a character starts, with "...", never inside an escape. */
    char small[10];
    CHECK_STR(vkw_text_escape("abcdefghijkl", small, sizeof small), "abcdef...");
    CHECK_STR(vkw_text_escape("abcdefghi", small, sizeof small), "abcdefghi");
    CHECK_STR(vkw_text_escape("abcde\x1bxyz", small, sizeof small), "abcde...");
    CHECK_STR(vkw_text_escape("ab\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", small, sizeof small),
              "ab\xe2\x82\xac...");
    vkw_buf t = {0};
    vkw_buf_escaped(&t, "x\x1b]0;t\x07y");
    CHECK(t.data && strcmp(t.data, "x\\x1b]0;t\\x07y") == 0);
    vkw_buf_free(&t);
}

static void device_filter_takes_an_unambiguous_uuid_prefix(void)
{
    vkw_device_filter f;
    vkw_error err;
    uint8_t a[16] = {0x6d, 0x65, 0x73, 0x61, 0x32, 0x32, 0x2e, 0x33};
    uint8_t b[16] = {0x6d, 0x65, 0x73, 0x61, 0x32, 0x33};
    CHECK(vkw_device_filter_parse("6d657361-3232", &f, &err) == VKW_OK);
    CHECK(f.kind == VKW_FILTER_UUID && f.uuid_prefix_nibbles == 12);
    CHECK(vkw_device_filter_match(&f, 0, "x", a));
    CHECK(!vkw_device_filter_match(&f, 0, "x", b));
    CHECK(vkw_device_filter_parse("6D657361-32322", &f, &err) == VKW_OK); /* odd: a half byte */
    CHECK(vkw_device_filter_match(&f, 0, "x", a) && !vkw_device_filter_match(&f, 0, "x", b));
    CHECK(vkw_device_filter_parse("6d657361", &f, &err) == VKW_OK && f.kind == VKW_FILTER_UUID);
    CHECK(vkw_device_filter_match(&f, 0, "x", a) && vkw_device_filter_match(&f, 0, "x", b));
    /* Fewer than 8 hex digits, or a leading dash: part of a name. */
    CHECK(vkw_device_filter_parse("a100", &f, &err) == VKW_OK && f.kind == VKW_FILTER_NAME);
    CHECK(vkw_device_filter_parse("-6d657361", &f, &err) == VKW_OK && f.kind == VKW_FILTER_NAME);
    CHECK(vkw_device_filter_parse("6d657361-3232-2e33-2e36-000000000000", &f, &err) == VKW_OK);
    CHECK(f.kind == VKW_FILTER_UUID && f.uuid_prefix_nibbles == 0);
    CHECK(!vkw_device_filter_match(&f, 0, "x", a));
}

static void reading_refuses_what_is_not_a_regular_file_and_says_why(void)
{
    char dir[] = "/tmp/vkw_test_read_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char fifo[64], file[64], missing[64];
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(file, sizeof file, "%s/file", dir);
    snprintf(missing, sizeof missing, "%s/missing", dir);
    CHECK(mkfifo(fifo, 0600) == 0);
    FILE *f = fopen(file, "w");
    CHECK(f && fputs("{\"a\": 1}", f) >= 0 && fclose(f) == 0);
    char *text = NULL;
    size_t len = 0;
    vkw_error err;
    /* A FIFO without a writer: refused at once (a blocking open would wait). */
    CHECK(vkw_read_regular_file(fifo, "config", 1000, &text, &len, &err) == VKW_E_INVALID_ARG);
    CHECK(text == NULL && strstr(err.message, "/fifo': not a regular file (a FIFO)") != NULL);
    CHECK(vkw_read_regular_file(dir, "report", 1000, &text, &len, &err) == VKW_E_INVALID_ARG);
    CHECK(strstr(err.message, "cannot read report '") && strstr(err.message, strerror(EISDIR)));
    CHECK(vkw_read_regular_file(missing, "config", 1000, &text, &len, &err) == VKW_E_INVALID_ARG);
    CHECK(strstr(err.message, strerror(ENOENT)) != NULL);
    CHECK(vkw_read_regular_file(file, "config", 5, &text, &len, &err) == VKW_E_INVALID_ARG);
    CHECK(strstr(err.message, "larger than 5 bytes") != NULL);
    CHECK(vkw_read_regular_file(file, "config", 1000, &text, &len, &err) == VKW_OK);
    CHECK(text && len == 8 && strcmp(text, "{\"a\": 1}") == 0);
    free(text);
    /* A path far longer than the message: cut, and the reason still there. */
    char longpath[2048];
    memset(longpath, 'x', sizeof longpath - 1);
    longpath[0] = '/';
    longpath[sizeof longpath - 1] = '\0';
    CHECK(vkw_read_regular_file(longpath, "config", 1000, &text, &len, &err) == VKW_E_INVALID_ARG);
    CHECK(strstr(err.message, "...': ") && strstr(err.message, strerror(ENAMETOOLONG)));
    CHECK(unlink(fifo) == 0 && unlink(file) == 0 && rmdir(dir) == 0);
}

/* ---- check: imported_vs_local_min, judged on a bench filled by hand ---- */

static vkw_summary us_of(double median)
{
    vkw_summary s = {3, median * 0.9, median, median, median * 1.2};
    return s;
}

/* A scenario that passed, with imported vs local measured: write (fill)
 * imported/local microseconds, read (verify) the same. */
static void ivl_scenario(vkw_memory_scenario *sc, vkw_scenario_kind kind, uint64_t size,
                         double w_imp, double w_loc, double r_imp, double r_loc)
{
    memset(sc, 0, sizeof *sc);
    sc->type_index = 0; /* OPAQUE_FD */
    sc->kind = kind;
    sc->size_requested = sc->desc.size = sc->desc.allocation_size = size;
    sc->outcome = VKW_OUTCOME_PASSED;
    sc->iterations_done = 3;
    sc->verify = VKW_VERIFY_GPU;
    sc->phase_us[VKW_PHASE_CHILD_GPU_VERIFY] = us_of(500.0);
    sc->phase_us[VKW_PHASE_PARENT_GPU_VERIFY] = us_of(250.0);
    sc->parent_to_child_ok = sc->child_to_parent_ok = true;
    sc->ivl.measured = true;
    sc->ivl.imported_us[VKW_DIRECTION_WRITE] = us_of(w_imp);
    sc->ivl.local_us[VKW_DIRECTION_WRITE] = us_of(w_loc);
    sc->ivl.imported_us[VKW_DIRECTION_READ] = us_of(r_imp);
    sc->ivl.local_us[VKW_DIRECTION_READ] = us_of(r_loc);
}

/* buffer-copy 1 GiB: write 0.95x, read 1.04x; image-copy 256 MiB: write 1.25x,
 * read 1x; a 4 GiB buffer-copy the driver could not allocate (skipped, not
 * measured: it does not count). */
static void ivl_bench(vkw_bench_report *b, vkw_memory_scenario *sc)
{
    memset(b, 0, sizeof *b);
    ivl_scenario(&sc[0], VKW_SCENARIO_BUFFER_COPY, 1ull << 30, 400.0, 380.0, 250.0, 260.0);
    ivl_scenario(&sc[1], VKW_SCENARIO_IMAGE_COPY, 256ull << 20, 100.0, 125.0, 80.0, 80.0);
    memset(&sc[2], 0, sizeof sc[2]);
    sc[2].kind = VKW_SCENARIO_BUFFER_COPY;
    sc[2].size_requested = 4ull << 30;
    sc[2].outcome = VKW_OUTCOME_SKIPPED;
    snprintf(sc[2].reason, sizeof sc[2].reason, "out of device memory");
    snprintf(sc[2].ivl.reason, sizeof sc[2].ivl.reason, "the scenario did not run");
    b->scenarios = sc;
    b->scenario_count = 3;
    b->passed = 2;
    b->skipped = 1;
    b->verify = VKW_VERIFY_GPU;
}

static vkw_expectation judged(const vkw_bench_report *b, vkw_check_metric m, double limit)
{
    vkw_check_threshold t = {m, limit};
    vkw_expectation e;
    memset(&e, 0, sizeof e);
    vkw_check_judge_memory(&t, b, &e);
    return e;
}

static void check_imported_vs_local_min_judged_by_hand(void)
{
    vkw_bench_report b;
    vkw_memory_scenario sc[3];
    ivl_bench(&b, sc);
    double lowest = vkw_ivl_ratio_min(&sc[0]);
    CHECK(fabs(lowest - 0.95) < 1e-12 && vkw_ivl_ratio_min(&sc[1]) == 1.0);
    /* Met: 0.9, and the lowest ratio itself (at least, not above). */
    vkw_expectation e = judged(&b, VKW_METRIC_IMPORTED_VS_LOCAL_MIN, 0.9);
    CHECK(e.outcome == VKW_EXPECT_PASSED);
    CHECK_STR(e.measured, "lowest 0.950x (OPAQUE_FD buffer-copy 1 GiB, write)");
    CHECK_STR(e.limit, ">= 0.9x");
    CHECK(e.message[0] == 0);
    e = judged(&b, VKW_METRIC_IMPORTED_VS_LOCAL_MIN, lowest);
    CHECK(e.outcome == VKW_EXPECT_PASSED);
    /* Below the minimum: the scenario, the direction and both GB/s. */
    e = judged(&b, VKW_METRIC_IMPORTED_VS_LOCAL_MIN, 0.96);
    CHECK(e.outcome == VKW_EXPECT_FAILED);
    CHECK_STR(e.message, "OPAQUE_FD buffer-copy 1 GiB write: imported 2684.35 GB/s, local "
                         "2825.64 GB/s: 0.950x, under 0.96");
    /* The read is the lower one now. */
    sc[0].ivl.imported_us[VKW_DIRECTION_READ] = us_of(300.0);
    e = judged(&b, VKW_METRIC_IMPORTED_VS_LOCAL_MIN, 0.9);
    CHECK(e.outcome == VKW_EXPECT_FAILED);
    CHECK_STR(e.measured, "lowest 0.867x (OPAQUE_FD buffer-copy 1 GiB, read)");
    CHECK_STR(e.message, "OPAQUE_FD buffer-copy 1 GiB read: imported 3579.14 GB/s, local "
                         "4129.78 GB/s: 0.867x, under 0.9");
    /* Not measured fails, with the reason. */
    ivl_bench(&b, sc);
    sc[1].ivl.measured = false;
    snprintf(sc[1].ivl.reason, sizeof sc[1].ivl.reason,
             "the device cannot run the compute shaders");
    e = judged(&b, VKW_METRIC_IMPORTED_VS_LOCAL_MIN, 0.5);
    CHECK(e.outcome == VKW_EXPECT_FAILED);
    CHECK_STR(e.measured, "not measured");
    CHECK_STR(e.message, "not measured: OPAQUE_FD image-copy 256 MiB: the device cannot run the "
                         "compute shaders");
    /* ... and where a report has none at all (made before it existed). */
    sc[1].ivl.reason[0] = 0;
    e = judged(&b, VKW_METRIC_IMPORTED_VS_LOCAL_MIN, 0.5);
    CHECK(e.outcome == VKW_EXPECT_FAILED);
    CHECK_STR(e.message, "not measured: OPAQUE_FD image-copy 256 MiB: the report has no "
                         "imported-vs-local figures");
    /* Nothing passed: why. */
    ivl_bench(&b, sc);
    b.scenario_count = 1;
    sc[0].outcome = VKW_OUTCOME_FAILED;
    snprintf(sc[0].reason, sizeof sc[0].reason, "the child saw wrong bytes");
    e = judged(&b, VKW_METRIC_IMPORTED_VS_LOCAL_MIN, 0.5);
    CHECK(e.outcome == VKW_EXPECT_FAILED);
    CHECK_STR(e.message, "no scenario passed: the child saw wrong bytes");
}

/* verify_gbps_min judges the verify that ran: the device's where it did. */
static void check_verify_gbps_min_takes_the_device_verify(void)
{
    vkw_bench_report b;
    vkw_memory_scenario sc[3];
    ivl_bench(&b, sc);
    /* The slowest: image-copy 256 MiB's child verify, 2^28 B in 500 us. */
    double slowest = (double)(256ull << 20) / 500e3;
    vkw_expectation e = judged(&b, VKW_METRIC_VERIFY_GBPS_MIN, slowest);
    CHECK(e.outcome == VKW_EXPECT_PASSED);
    char want[64];
    snprintf(want, sizeof want, "slowest verify %.2f GB/s", slowest);
    CHECK_STR(e.measured, want);
    e = judged(&b, VKW_METRIC_VERIFY_GBPS_MIN, slowest * 1.01);
    CHECK(e.outcome == VKW_EXPECT_FAILED);
}

/* A memory bench's config with this expect (JSON text). */
static vkw_status config_with(const char *expect, vkw_check_config *c, vkw_error *err)
{
    char text[512];
    snprintf(text, sizeof text,
             "{\"devices\": \"all\", \"benches\": [{\"name\": \"m\", \"part\": "
             "\"memory\", \"expect\": %s}]}",
             expect);
    vkw_error_clear(err);
    return vkw_check_config_parse("ivl.json", text, strlen(text), c, err);
}

static void check_config_reads_imported_vs_local_min(void)
{
    vkw_check_config *c = calloc(1, sizeof *c);
    vkw_error err;
    CHECK(c != NULL);
    if (!c)
        return;
    CHECK(config_with("{\"imported_vs_local_min\": 0.9}", c, &err) == VKW_OK);
    CHECK(c->bench_count == 1 && c->benches[0].threshold_count == 1 &&
          c->benches[0].thresholds[0].metric == VKW_METRIC_IMPORTED_VS_LOCAL_MIN &&
          c->benches[0].thresholds[0].limit == 0.9);
    CHECK_STR(vkw_check_metric_key(VKW_METRIC_IMPORTED_VS_LOCAL_MIN), "imported_vs_local_min");
    static const struct {
        const char *value, *got;
    } bad[] = {{"0", "0"},
               {"-0.5", "-0.5"},
               {"\"0.9\"", "\"0.9\""},
               {"\" 0.9 \"", "\" 0.9 \""},
               {"1e9", "1000000000"},
               {"true", "true"},
               {"null", "null"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char expect[96], want[160];
        snprintf(expect, sizeof expect, "{\"imported_vs_local_min\": %s}", bad[i].value);
        snprintf(want, sizeof want,
                 "config 'ivl.json': benches[0].expect.imported_vs_local_min: expected a number "
                 "above 0 and at most 1000, got %s",
                 bad[i].got);
        CHECK(config_with(expect, c, &err) == VKW_E_INVALID_ARG);
        if (strcmp(err.message, want) != 0)
            fprintf(stderr, "%s: got \"%s\"\n  want \"%s\"\n", bad[i].value, err.message, want);
        CHECK(strcmp(err.message, want) == 0);
    }
    /* A memory key: not one of a round-trips bench. */
    const char *rt = "{\"devices\": \"all\", \"benches\": [{\"name\": \"r\", \"part\": "
                     "\"round-trips\", \"modes\": [\"os\"], \"expect\": "
                     "{\"imported_vs_local_min\": 0.9}}]}";
    CHECK(vkw_check_config_parse("ivl.json", rt, strlen(rt), c, &err) == VKW_E_INVALID_ARG);
    CHECK(strstr(err.message, "imported_vs_local_min: unknown key in a round-trips bench's "
                              "expect") != NULL);
    free(c);
}

/* Each DXGI adapter is the Vulkan device whose deviceLUID is valid and its
 * own; a LUID a driver did not vouch for (deviceLUIDValid false, as
 * lavapipe under Wine, its LUID all zero) matches nothing, not even an
 * adapter whose LUID is zero too. */
static void d3d_adapters_matched_to_vulkan_devices_by_valid_luid(void)
{
    vkw_report r;
    vkw_report_init(&r, "probe");
    vkw_device_report devs[3] = {0};
    r.devices = devs;
    r.device_count = 3;
    static const uint8_t a[VK_LUID_SIZE] = {0x12, 0x34}, b[VK_LUID_SIZE] = {0x56};
    devs[0].index = 0; /* no LUID it vouches for */
    devs[1].index = 2; /* a filter left device 1 out */
    memcpy(devs[1].device_luid, b, VK_LUID_SIZE);
    devs[1].device_luid_valid = true;
    devs[2].index = 3;
    memcpy(devs[2].device_luid, a, VK_LUID_SIZE);
    devs[2].device_luid_valid = true;
    vkw_d3d_report d3d = {.state = VKW_INTEROP_AVAILABLE, .adapter_count = 4};
    memcpy(d3d.adapters[0].luid, a, VK_LUID_SIZE);
    memcpy(d3d.adapters[1].luid, b, VK_LUID_SIZE);
    d3d.adapters[3].luid[7] = 0x01;    /* a LUID no device has */
    d3d.adapters[3].vulkan_device = 1; /* a stale answer is replaced */
    r.d3d = &d3d;
    vkw_probe_d3d_match(&r);
    CHECK(d3d.adapters[0].vulkan_device == 3);
    CHECK(d3d.adapters[1].vulkan_device == 2);
    CHECK(d3d.adapters[2].vulkan_device == -1); /* zero, as device 0's unvouched one */
    CHECK(d3d.adapters[3].vulkan_device == -1);
    devs[0].device_luid_valid = true; /* now it vouches for its zero LUID */
    vkw_probe_d3d_match(&r);
    CHECK(d3d.adapters[2].vulkan_device == 0);
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
#define CASE(fn) {#fn, fn}
        CASE(d3d_adapters_matched_to_vulkan_devices_by_valid_luid),
        CASE(driver_version_nvidia_decodes_10_8_8_6),
        CASE(driver_version_intel_windows_decodes_18_14),
        CASE(driver_version_others_use_vulkan_encoding),
        CASE(uuid_formats_like_vulkaninfo_and_parses_back),
        CASE(device_filter_tells_index_uuid_and_name_apart),
        CASE(handle_mask_names_use_spec_suffixes),
        CASE(handle_tables_cover_every_header_bit_once),
        CASE(status_messages_name_the_call_and_result),
        CASE(atomic_write_replaces_and_leaves_no_temp),
        CASE(own_reports_recognised_by_their_start),
        CASE(verdict_memory_reasons),
        CASE(verdict_semaphore_and_fence_reasons),
        CASE(pattern_catches_any_changed_byte_and_stale_seed),
        CASE(pattern_pieces_are_the_whole_pattern),
        CASE(host_compare_names_the_lowest_difference_over_threads),
        CASE(summary_orders_and_takes_the_median),
        CASE(summary_median_of_one_two_ties_and_outliers),
        CASE(distribution_percentiles_by_nearest_rank),
        CASE(histogram_bucket_edges_by_hand),
        CASE(size_strings_are_exact),
        CASE(numbers_refuse_blanks_signs_and_junk),
        CASE(terminal_escape_shows_controls_and_keeps_utf8),
        CASE(device_filter_takes_an_unambiguous_uuid_prefix),
        CASE(reading_refuses_what_is_not_a_regular_file_and_says_why),
        CASE(check_imported_vs_local_min_judged_by_hand),
        CASE(check_verify_gbps_min_takes_the_device_verify),
        CASE(check_config_reads_imported_vs_local_min),
#undef CASE
    };
    return check_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
