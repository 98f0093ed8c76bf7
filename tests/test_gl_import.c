/* The GL importer (src/interop/gl_import.c) through the importer seam, in
 * one process: Vulkan (lavapipe, under the validation layer) exports
 * OPAQUE_FD memory and writes the pattern; desktop GL on the EGL device with
 * the same UUIDs (Mesa's llvmpipe here) imports it, checks the bytes, writes
 * its own, and Vulkan checks those. Every test ends with no validation
 * error. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>

#include "check.h"
#include "vkw.h"
#include "base/pattern.h"
#include "interop/importer.h"
#include "platform/platform.h"
#include "probes/interop_api.h"
#include "vk/external.h"
#include "vk/shared_memory.h"

#define TIMEOUT_MS 120000u
#define TIMEOUT_NS (TIMEOUT_MS * 1000000ull)
#define MIB ((uint64_t)1 << 20)
/* The host generates and compares over this many threads (a slice of at
 * least 256 KiB each): a flipped byte is named exactly in any slice. */
#define THREADS 4u

static vkw_loader loader;
static vkw_instance inst;
static vkw_debug_log log_;
static vkw_device dev;

static const vkw_handle_type *opaque_fd(void)
{
    return vkw_handle_type_by_name(vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT,
                                   "OPAQUE_FD");
}

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
    if (vkw_device_create(&inst, pd, vkw_external_required_extensions,
                          vkw_external_wanted_extensions, &dev, &err) != VKW_OK) {
        fprintf(stderr, "setup: %s\n", err.message);
        return -1;
    }
    vkw_external_resolve(&dev);
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
    CHECK(log_.validation_errors == 0);
}

static vkw_status gl_open(vkw_foreign **gl, vkw_foreign_info *info, vkw_error *err)
{
    return vkw_foreign_open(VKW_IMPORTER_GL, dev.info.device_uuid, dev.info.driver_uuid, NULL, gl,
                            info, err);
}

/* Vulkan's memory, written with the pattern of seed (byte flip_at inverted
 * unless it is past the end), exported; its fd in *h. */
static int export_written(vkw_resource res, vkw_access acc, uint64_t size, uint64_t seed,
                          uint64_t flip_at, vkw_shared_memory *sm, vkw_handle *h)
{
    vkw_error err;
    vkw_memory_method how = {.threads = 1};
    vkw_memory_times times;
    *h = VKW_NO_HANDLE;
    if (vkw_shared_memory_create(&dev, opaque_fd(), res, acc, size, false, NULL, sm, &err) !=
            VKW_OK ||
        vkw_shared_memory_export(sm, h, &err) != VKW_OK ||
        vkw_shared_memory_write_pattern(sm, seed, flip_at, &how, &times, TIMEOUT_NS, &err) !=
            VKW_OK) {
        fprintf(stderr, "export: %s\n", err.message);
        return -1;
    }
    return 0;
}

/* Vulkan's check of what GL wrote. */
static bool vulkan_sees(vkw_shared_memory *sm, uint64_t seed, vkw_mismatch *mm)
{
    vkw_error err;
    vkw_memory_method how = {.threads = 1};
    vkw_memory_times times;
    bool matches = false;
    if (vkw_shared_memory_check_pattern(sm, seed, &how, &matches, mm, &times, TIMEOUT_NS, &err) !=
        VKW_OK) {
        fprintf(stderr, "vulkan check: %s\n", err.message);
        return false;
    }
    return matches;
}

static uint32_t handles_now(void)
{
    vkw_error err;
    uint32_t n = 0;
    if (vkw_handle_count(&n, &err) != VKW_OK)
        fprintf(stderr, "handle count: %s\n", err.message);

    return n;
}

/* The parent's pattern seen through GL, GL's pattern seen by Vulkan: GL
 * imports the first gl_size bytes of Vulkan's vk_size (a buffer that leaves
 * the allocation's last bytes out, or all of it), so Vulkan then finds GL's
 * bytes up to gl_size and the parent's own after. */
static void both_ways(vkw_resource res, vkw_access acc, uint64_t vk_size, uint64_t gl_size)
{
    if (setup() != 0) {
        CHECK(!"setup");
        teardown();
        return;
    }
    vkw_error err;
    vkw_shared_memory sm = {0};
    vkw_handle h = VKW_NO_HANDLE;
    vkw_foreign *gl = NULL;
    vkw_foreign_memory *m = NULL;
    vkw_foreign_info info;
    const uint64_t parent_seed = 0x1234, child_seed = 0x5678;
    if (export_written(res, acc, vk_size, parent_seed, UINT64_MAX, &sm, &h) != 0) {
        CHECK(!"export");
        goto cleanup;
    }
    CHECK(sm.desc.size == vk_size);
    vkw_memory_desc desc = sm.desc;
    desc.size = gl_size;
    vkw_status s = gl_open(&gl, &info, &err);
    CHECK(s == VKW_OK);
    if (s != VKW_OK) {
        fprintf(stderr, "open: %s\n", err.message);
        goto cleanup;
    }
    fprintf(stderr,
            "GL: %s, %s, EGL device %u; %s %s memory: GL takes %llu of %llu bytes (allocation "
            "%llu)\n",
            info.device_name, info.version, info.device_index, vkw_resource_name(res),
            vkw_access_name(acc), (unsigned long long)gl_size, (unsigned long long)vk_size,
            (unsigned long long)sm.desc.allocation_size);
    CHECK(info.device_name[0] != '\0' && info.version[0] != '\0');
    CHECK(vkw_foreign_memory_supported(gl, opaque_fd(), &desc, &err) == VKW_OK);
    s = vkw_foreign_memory_import(gl, opaque_fd(), &desc, &h, NULL, &m, &err);
    CHECK(s == VKW_OK);
    if (s != VKW_OK) {
        fprintf(stderr, "import: %s\n", err.message);
        goto cleanup;
    }
    CHECK(h == VKW_NO_HANDLE); /* GL took the fd */

    bool ok = false;
    vkw_mismatch mm = {0};
    vkw_foreign_times t = {0, 0};
    s = vkw_foreign_memory_check(m, parent_seed, THREADS, &ok, &mm, &t, TIMEOUT_MS, &err);
    CHECK(s == VKW_OK);
    CHECK(ok);
    if (!ok)
        fprintf(stderr, "GL saw byte %llu = 0x%02x, want 0x%02x\n", (unsigned long long)mm.offset,
                mm.got, mm.expected);
    CHECK(t.copy_ns > 0 && t.host_ns > 0);
    fprintf(stderr, "GL check: readback %.3f ms, compare %.3f ms\n", t.copy_ns / 1e6,
            t.host_ns / 1e6);
    /* Another seed's pattern is not there: word 0 already differs. */
    s = vkw_foreign_memory_check(m, child_seed, THREADS, &ok, &mm, &t, TIMEOUT_MS, &err);
    CHECK(s == VKW_OK && !ok);
    CHECK(mm.offset < 4);

    s = vkw_foreign_memory_write(m, child_seed, THREADS, &t, TIMEOUT_MS, &err);
    CHECK(s == VKW_OK);
    if (s != VKW_OK)
        fprintf(stderr, "write: %s\n", err.message);
    /* As the Vulkan path: the pattern's generation is not timed, the
     * upload is, until GL completed it. */
    CHECK(t.copy_ns > 0 && t.host_ns == 0);
    fprintf(stderr, "GL write: upload until complete %.3f ms\n", t.copy_ns / 1e6);
    mm = (vkw_mismatch){0};
    bool seen = vulkan_sees(&sm, child_seed, &mm);
    if (gl_size == vk_size) {
        CHECK(seen);
    } else {
        unsigned char child, parent;
        vkw_pattern_fill_at(&child, 1, child_seed, gl_size);
        vkw_pattern_fill_at(&parent, 1, parent_seed, gl_size);
        CHECK(!seen);
        CHECK(mm.offset == gl_size);
        CHECK(mm.expected == child && mm.got == parent);
    }
    if (!seen)
        fprintf(stderr, "Vulkan saw byte %llu = 0x%02x, want 0x%02x\n",
                (unsigned long long)mm.offset, mm.got, mm.expected);
    /* and GL reads its own bytes back */
    s = vkw_foreign_memory_check(m, child_seed, THREADS, &ok, &mm, &t, TIMEOUT_MS, &err);
    CHECK(s == VKW_OK && ok);

cleanup:
    vkw_foreign_memory_release(m);
    vkw_foreign_close(gl);
    vkw_handle_close(h);
    if (sm.dev)
        vkw_shared_memory_destroy(&sm);
    teardown();
}

/* llvmpipe places a GL buffer on imported memory only where 48 bytes past
 * its end are the memory's too (its rasterizer reads whole blocks), and
 * lavapipe allocates a buffer's memory of exactly its size: so GL's buffer
 * leaves out the allocation's last 64 bytes. */
#define GL_BUFFER_SPARE 64u

/* Device-local memory (the bench's copy scenario), over two 16 MiB chunks
 * and a piece of a third, ending off a chunk boundary. */
static void gl_buffer_copy_memory_both_ways(void)
{
    uint64_t size = 33 * MIB + 12;
    both_ways(VKW_RESOURCE_BUFFER, VKW_ACCESS_COPY, size + GL_BUFFER_SPARE, size);
}

/* Host-visible memory (the bench's map scenario). */
static void gl_buffer_mapped_memory_both_ways(void)
{
    uint64_t size = 5 * MIB + 4;
    both_ways(VKW_RESOURCE_BUFFER, VKW_ACCESS_MAP, size + GL_BUFFER_SPARE, size);
}

/* A buffer over all of lavapipe's allocation: llvmpipe's GL refuses to
 * place it (GL_OUT_OF_MEMORY) after it took the fd, so the import fails with
 * nothing left open; with room past the buffer, or on another driver, the
 * import must succeed. */
static void gl_buffer_of_its_whole_allocation(void)
{
    if (setup() != 0) {
        CHECK(!"setup");
        teardown();
        return;
    }
    vkw_error err;
    vkw_foreign *gl = NULL;
    vkw_foreign_info info;
    if (gl_open(&gl, &info, &err) != VKW_OK) {
        fprintf(stderr, "open: %s\n", err.message);
        CHECK(!"open");
        teardown();
        return;
    }
    bool llvmpipe = strstr(info.device_name, "llvmpipe") != NULL;
    for (int i = 0; i < 2; i++) {
        vkw_shared_memory sm = {0};
        vkw_handle h = VKW_NO_HANDLE;
        vkw_foreign_memory *m = NULL;
        uint32_t before = handles_now();
        if (export_written(VKW_RESOURCE_BUFFER, i ? VKW_ACCESS_MAP : VKW_ACCESS_COPY, MIB, 3,
                           UINT64_MAX, &sm, &h) != 0) {
            CHECK(!"export");
            vkw_handle_close(h);
            if (sm.dev)
                vkw_shared_memory_destroy(&sm);
            continue;
        }
        CHECK(sm.desc.allocation_size >= sm.desc.size);
        vkw_status s = vkw_foreign_memory_import(gl, opaque_fd(), &sm.desc, &h, NULL, &m, &err);
        CHECK(h == VKW_NO_HANDLE); /* taken either way */
        if (llvmpipe && sm.desc.allocation_size - sm.desc.size < 48) {
            /* The refusal, with what llvmpipe takes instead (bisected). */
            char want[320];
            snprintf(want, sizeof want,
                     "glNamedBufferStorageMemEXT: GL_OUT_OF_MEMORY (importing %llu bytes of "
                     "OPAQUE_FD memory into GL; it takes a buffer of at most %llu bytes of this "
                     "memory: 8 bytes short of the memory's end)",
                     (unsigned long long)sm.desc.allocation_size,
                     (unsigned long long)sm.desc.allocation_size - 8);
            CHECK(s == VKW_E_SHARING);
            CHECK(m == NULL);
            CHECK_STR(err.message, want);
            fprintf(stderr, "%s\n", err.message);
        } else {
            CHECK(s == VKW_OK);
            bool ok = false;
            vkw_mismatch mm;
            vkw_foreign_times t;
            CHECK(vkw_foreign_memory_check(m, 3, THREADS, &ok, &mm, &t, TIMEOUT_MS, &err) ==
                      VKW_OK &&
                  ok);
        }
        vkw_foreign_memory_release(m);
        vkw_shared_memory_destroy(&sm);
        CHECK(handles_now() == before);
    }
    vkw_foreign_close(gl);
    teardown();
}

/* An R32UI texture of optimal tiling on Vulkan's R32_UINT image: 2048x3072,
 * read and written in two bands of rows (2048, then 1024). */
static void gl_texture_both_ways(void)
{
    both_ways(VKW_RESOURCE_IMAGE, VKW_ACCESS_COPY, 24 * MIB, 24 * MIB);
}

/* 4x6 texels: rows far narrower than a driver's row pitch. */
static void gl_texture_of_narrow_rows_both_ways(void)
{
    both_ways(VKW_RESOURCE_IMAGE, VKW_ACCESS_COPY, 4 * 6 * 4, 4 * 6 * 4);
}

/* One byte inverted by the parent: GL's check names exactly that byte. */
static void flipped(vkw_resource res, uint64_t vk_size, uint64_t gl_size, uint64_t flip_at)
{
    if (setup() != 0) {
        CHECK(!"setup");
        teardown();
        return;
    }
    vkw_error err;
    vkw_shared_memory sm = {0};
    vkw_handle h = VKW_NO_HANDLE;
    vkw_foreign *gl = NULL;
    vkw_foreign_memory *m = NULL;
    vkw_foreign_info info;
    const uint64_t seed = 0xF11B;
    if (export_written(res, VKW_ACCESS_COPY, vk_size, seed, flip_at, &sm, &h) != 0) {
        CHECK(!"export");
        goto cleanup;
    }
    vkw_memory_desc desc = sm.desc;
    desc.size = gl_size;
    if (gl_open(&gl, &info, &err) != VKW_OK ||
        vkw_foreign_memory_import(gl, opaque_fd(), &desc, &h, NULL, &m, &err) != VKW_OK) {
        fprintf(stderr, "GL: %s\n", err.message);
        CHECK(!"GL import");
        goto cleanup;
    }
    bool ok = true;
    vkw_mismatch mm = {0};
    vkw_foreign_times t;
    CHECK(vkw_foreign_memory_check(m, seed, THREADS, &ok, &mm, &t, TIMEOUT_MS, &err) == VKW_OK);
    unsigned char want;
    vkw_pattern_fill_at(&want, 1, seed, flip_at);
    CHECK(!ok);
    CHECK(mm.offset == flip_at);
    CHECK(mm.expected == want);
    CHECK(mm.got == (unsigned char)~want);
    fprintf(stderr, "GL: byte %llu = 0x%02x, want 0x%02x\n", (unsigned long long)mm.offset, mm.got,
            mm.expected);

cleanup:
    vkw_foreign_memory_release(m);
    vkw_foreign_close(gl);
    vkw_handle_close(h);
    if (sm.dev)
        vkw_shared_memory_destroy(&sm);
    teardown();
}

/* In the second chunk, not word-aligned. */
static void gl_buffer_check_names_the_flipped_byte(void)
{
    flipped(VKW_RESOURCE_BUFFER, 20 * MIB + GL_BUFFER_SPARE, 20 * MIB, 17 * MIB + 4321);
}

/* Texel (3, 2) of a 4x6 texture, its third byte: offset (2*4+3)*4+2. */
static void gl_texture_check_names_the_flipped_byte(void)
{
    flipped(VKW_RESOURCE_IMAGE, 4 * 6 * 4, 4 * 6 * 4, (2 * 4 + 3) * 4 + 2);
}

/* A successful import takes the fd (nothing left open once released); a
 * refused one leaves it with the caller, who closes it. */
static void gl_import_takes_the_fd_and_a_refused_one_stays(void)
{
    if (setup() != 0) {
        CHECK(!"setup");
        teardown();
        return;
    }
    vkw_error err;
    vkw_shared_memory sm = {0}, sm2 = {0};
    vkw_handle h = VKW_NO_HANDLE;
    vkw_foreign *gl = NULL;
    vkw_foreign_memory *m = NULL;
    vkw_foreign_info info;
    if (gl_open(&gl, &info, &err) != VKW_OK) {
        fprintf(stderr, "open: %s\n", err.message);
        CHECK(!"open");
        goto cleanup;
    }
    /* Everything the driver opens once per process is open now. */
    uint32_t before = handles_now();
    CHECK(before > 0);
    if (export_written(VKW_RESOURCE_IMAGE, VKW_ACCESS_COPY, MIB, 7, UINT64_MAX, &sm, &h) != 0) {
        CHECK(!"export");
        goto cleanup;
    }
    uint32_t exported = handles_now(); /* the memory's (lavapipe keeps its own) and ours */
    CHECK(exported > before);
    CHECK(vkw_foreign_memory_import(gl, opaque_fd(), &sm.desc, &h, NULL, &m, &err) == VKW_OK);
    CHECK(h == VKW_NO_HANDLE);
    vkw_foreign_memory_release(m);
    m = NULL;
    CHECK(handles_now() == exported - 1); /* GL closed ours: the caller has nothing to close */
    vkw_shared_memory_destroy(&sm);
    sm = (vkw_shared_memory){0};
    CHECK(handles_now() == before);

    /* Refused before GL sees it: a resource larger than its allocation. */
    if (export_written(VKW_RESOURCE_BUFFER, VKW_ACCESS_COPY, MIB, 7, UINT64_MAX, &sm2, &h) != 0) {
        CHECK(!"export");
        goto cleanup;
    }
    exported = handles_now();
    vkw_memory_desc wrong = sm2.desc;
    wrong.size = wrong.allocation_size + 4;
    vkw_status s = vkw_foreign_memory_import(gl, opaque_fd(), &wrong, &h, NULL, &m, &err);
    CHECK(s == VKW_E_INVALID_ARG);
    CHECK(m == NULL);
    char want[160];
    snprintf(want, sizeof want, "%llu bytes do not fit in an allocation of %llu bytes (GL import)",
             (unsigned long long)wrong.size, (unsigned long long)wrong.allocation_size);
    CHECK_STR(err.message, want);
    CHECK(h != VKW_NO_HANDLE);
    CHECK(handles_now() == exported); /* still the caller's */
    /* A handle type GL cannot take: refused before anything is spent. */
    const vkw_handle_type *dmabuf =
        vkw_handle_type_by_name(vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT, "DMA_BUF");
    s = vkw_foreign_memory_import(gl, dmabuf, &sm2.desc, &h, NULL, &m, &err);
    CHECK(s == VKW_E_UNSUPPORTED);
    CHECK_STR(err.message, "GL takes OPAQUE_FD memory on this build, not DMA_BUF");
    CHECK(h != VKW_NO_HANDLE);
    CHECK(handles_now() == exported);
    vkw_handle_close(h);
    h = VKW_NO_HANDLE;
    CHECK(handles_now() == exported - 1);
    vkw_shared_memory_destroy(&sm2);
    sm2 = (vkw_shared_memory){0};
    CHECK(handles_now() == before);

cleanup:
    vkw_foreign_memory_release(m);
    vkw_handle_close(h);
    if (sm2.dev)
        vkw_shared_memory_destroy(&sm2);
    if (sm.dev)
        vkw_shared_memory_destroy(&sm);
    vkw_foreign_close(gl);
    teardown();
}

/* Win32 memory: not importable into this build's GL, with the reason. */
static void gl_memory_refuses_win32_types(void)
{
    if (setup() != 0) {
        CHECK(!"setup");
        teardown();
        return;
    }
    vkw_error err;
    vkw_foreign *gl = NULL;
    vkw_foreign_info info;
    if (gl_open(&gl, &info, &err) != VKW_OK) {
        fprintf(stderr, "open: %s\n", err.message);
        CHECK(!"open");
        teardown();
        return;
    }
    vkw_memory_desc desc = {.resource = VKW_RESOURCE_BUFFER, .size = 64, .allocation_size = 64};
    const vkw_handle_type *nt = vkw_handle_type_by_name(
        vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT, "OPAQUE_WIN32");
    CHECK(nt != NULL);
    CHECK(vkw_foreign_memory_supported(gl, nt, &desc, &err) == VKW_E_UNSUPPORTED);
    CHECK_STR(err.message, "GL takes OPAQUE_FD memory on this build, not OPAQUE_WIN32 (Win32 "
                           "handles need GL_EXT_memory_object_win32, not in this build)");
    CHECK(vkw_foreign_memory_supported(gl, opaque_fd(), &desc, &err) == VKW_OK);
    vkw_foreign_close(gl);
    teardown();
}

/* Semaphores: queue-binary over OPAQUE_FD where the GL offers
 * GL_EXT_semaphore_fd (the probe says whether), and no other mode. */
static void gl_sync_needs_gl_ext_semaphore_fd(void)
{
    if (setup() != 0) {
        CHECK(!"setup");
        teardown();
        return;
    }
    vkw_error err;
    vkw_foreign *gl = NULL;
    vkw_foreign_info info;
    vkw_interop_gl probed;
    vkw_interop_gl_probe(dev.info.device_uuid, dev.info.driver_uuid, &probed);
    CHECK(probed.state == VKW_INTEROP_AVAILABLE);
    bool offered = false;
    for (size_t i = 0; i < VKW_GL_INTEROP_EXTENSION_COUNT; i++)
        if (strcmp(vkw_gl_interop_extensions[i], "GL_EXT_semaphore_fd") == 0)
            offered = probed.extensions[i];
    if (gl_open(&gl, &info, &err) != VKW_OK) {
        fprintf(stderr, "open: %s\n", err.message);
        CHECK(!"open");
        teardown();
        return;
    }
    const vkw_handle_type *fd = vkw_handle_type_by_name(
        vkw_semaphore_handle_types, VKW_SEMAPHORE_HANDLE_TYPE_COUNT, "OPAQUE_FD");
    const vkw_handle_type *sync_fd = vkw_handle_type_by_name(
        vkw_semaphore_handle_types, VKW_SEMAPHORE_HANDLE_TYPE_COUNT, "SYNC_FD");
    vkw_status s = vkw_foreign_sync_supported(gl, VKW_SYNC_QUEUE_BINARY, fd, &err);
    if (offered) {
        CHECK(s == VKW_OK);
    } else {
        char want[512];
        snprintf(want, sizeof want, "GL_EXT_semaphore_fd not offered by %s", info.device_name);
        CHECK(s == VKW_E_UNSUPPORTED);
        CHECK_STR(err.message, want);
        /* and nothing is imported: the fds stay the caller's */
        vkw_handle hs[2] = {VKW_NO_HANDLE, VKW_NO_HANDLE};
        vkw_foreign_sync *y = NULL;
        CHECK(vkw_foreign_sync_import(gl, VKW_SYNC_QUEUE_BINARY, fd, hs, NULL, NULL, &y, &err) ==
              VKW_E_UNSUPPORTED);
        CHECK(y == NULL);
    }
    CHECK(vkw_foreign_sync_supported(gl, VKW_SYNC_HOST_TIMELINE, fd, &err) == VKW_E_UNSUPPORTED);
    CHECK_STR(err.message, "GL waits and signals binary semaphores: no host-timeline");
    CHECK(vkw_foreign_sync_supported(gl, VKW_SYNC_FENCE, fd, &err) == VKW_E_UNSUPPORTED);
    CHECK_STR(err.message, "GL waits and signals binary semaphores: no fence");
    CHECK(vkw_foreign_sync_supported(gl, VKW_SYNC_QUEUE_BINARY, sync_fd, &err) ==
          VKW_E_UNSUPPORTED);
    CHECK_STR(err.message, "GL takes OPAQUE_FD semaphores on this build, not SYNC_FD");
    vkw_foreign_close(gl);
    teardown();
}

/* No EGL device's GL has another device's (or driver's) UUIDs. */
static void gl_open_refuses_other_uuids(void)
{
    if (setup() != 0) {
        CHECK(!"setup");
        teardown();
        return;
    }
    for (int which = 0; which < 2; which++) {
        uint8_t device[VK_UUID_SIZE], driver[VK_UUID_SIZE];
        memcpy(device, dev.info.device_uuid, sizeof device);
        memcpy(driver, dev.info.driver_uuid, sizeof driver);
        (which ? driver : device)[VK_UUID_SIZE - 1] ^= 0x5A;
        vkw_error err;
        vkw_foreign *gl = NULL;
        vkw_foreign_info info;
        vkw_status s = vkw_foreign_open(VKW_IMPORTER_GL, device, driver, NULL, &gl, &info, &err);
        CHECK(s == VKW_E_UNSUPPORTED);
        CHECK(gl == NULL);
        fprintf(stderr, "%s\n", err.message);
        CHECK(strncmp(err.message, "no GL with this device's UUIDs (EGL device 0: llvmpipe",
                      strlen("no GL with this device's UUIDs (EGL device 0: llvmpipe")) == 0);
        CHECK(strstr(err.message, ": other device or driver UUIDs") != NULL);
        vkw_foreign_close(gl);
    }
    teardown();
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
#define CASE(fn) {#fn, fn}
        CASE(gl_buffer_copy_memory_both_ways),
        CASE(gl_buffer_mapped_memory_both_ways),
        CASE(gl_buffer_of_its_whole_allocation),
        CASE(gl_texture_both_ways),
        CASE(gl_texture_of_narrow_rows_both_ways),
        CASE(gl_buffer_check_names_the_flipped_byte),
        CASE(gl_texture_check_names_the_flipped_byte),
        CASE(gl_import_takes_the_fd_and_a_refused_one_stays),
        CASE(gl_memory_refuses_win32_types),
        CASE(gl_sync_needs_gl_ext_semaphore_fd),
        CASE(gl_open_refuses_other_uuids),
#undef CASE
    };
    return check_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
