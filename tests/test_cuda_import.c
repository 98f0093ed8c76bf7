/* The CUDA importer (interop/importer.h) on the real driver. Each test opens
 * CUDA on the Vulkan device's UUID and runs what the outcome allows: where
 * the CUDA library is missing (this build's machines without an NVIDIA
 * driver), that the open fails cleanly, naming the library, and leaks
 * nothing; where it opens (a GPU machine with an NVIDIA H100/H200), memory
 * exported by Vulkan is imported, checked, written and compared through
 * CUDA, and timeline semaphores make round trips. Each prints which it ran. */
#include <stdlib.h>

#include "check.h"
#include "vkw.h"
#include "interop/importer.h"
#include "vk/external.h"
#include "vk/handle_types.h"
#include "vk/shared_memory.h"
#include "vk/sync.h"
#include "platform/platform.h"

#define TIMEOUT_MS 20000u
#define TIMEOUT_NS (TIMEOUT_MS * 1000000ull)
#define SIZE ((uint64_t)64 << 20)
/* The host generates and compares over this many threads. */
#define THREADS 4u
#define MAX_DEVICES 8u

static vkw_loader loader;
static vkw_instance inst;
static vkw_device dev;
static vkw_foreign *cuda;        /* opened: the real cases */
static vkw_foreign_info info;    /* what it opened on */
static char no_cuda_reason[512]; /* not opened: why (the library is missing) */

static uint32_t handle_count(void)
{
    uint32_t n = 0;
    vkw_error err;
    if (vkw_handle_count(&n, &err) != VKW_OK) {
        fprintf(stderr, "vkw_handle_count: %s\n", err.message);
        return UINT32_MAX;
    }
    return n;
}

/* Opens Vulkan and CUDA on the first Vulkan device CUDA has too; or, where
 * CUDA's library is missing, keeps the first Vulkan device and the reason.
 * 0: CUDA is open; 1: CUDA is missing; -1: neither (a failure). */
static int setup(void)
{
    vkw_error err;
    vkw_instance_options opts = {0};
    if (vkw_loader_open(NULL, &loader, &err) != VKW_OK ||
        vkw_instance_create(&loader, &opts, &inst, &err) != VKW_OK) {
        fprintf(stderr, "setup: %s\n", err.message);
        return -1;
    }
    VkPhysicalDevice pds[MAX_DEVICES];
    uint32_t n = MAX_DEVICES;
    VkResult r = inst.vkEnumeratePhysicalDevices(inst.handle, &n, pds);
    if ((r != VK_SUCCESS && r != VK_INCOMPLETE) || n == 0) {
        fprintf(stderr, "setup: no physical device\n");
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (vkw_device_create(&inst, pds[i], vkw_external_required_extensions,
                              vkw_external_wanted_extensions, &dev, &err) != VKW_OK) {
            fprintf(stderr, "setup: device %u: %s\n", i, err.message);
            continue;
        }
        vkw_status s = vkw_foreign_open(VKW_IMPORTER_CUDA, dev.info.device_uuid,
                                        dev.info.driver_uuid, NULL, &cuda, &info, &err);
        if (s == VKW_OK) {
            printf("CUDA opened on %s (CUDA device %u, %s) for Vulkan's %s: the CUDA cases\n",
                   info.device_name, (unsigned)info.device_index, info.version, dev.info.name);
            return 0;
        }
        if (s == VKW_E_UNSUPPORTED && strstr(err.message, " not found")) {
            snprintf(no_cuda_reason, sizeof no_cuda_reason, "%s", err.message);
            printf("%s: the no-CUDA cases\n", err.message);
            return 1;
        }
        fprintf(stderr, "setup: CUDA on %s: %s\n", dev.info.name, err.message);
        vkw_device_destroy(&dev);
        memset(&dev, 0, sizeof dev);
    }
    fprintf(stderr,
            "setup: CUDA opened on none of Vulkan's %u device(s), and not for want of "
            "its library\n",
            n);
    return -1;
}

static void teardown(void)
{
    vkw_foreign_close(cuda);
    cuda = NULL;
    if (dev.handle)
        vkw_device_destroy(&dev);
    if (inst.handle)
        vkw_instance_destroy(&inst);
    if (loader.lib)
        vkw_loader_close(&loader);
}

/* Where the library is missing: every open fails the same way, naming it,
 * and leaves no handle behind. */
static void no_cuda_checks(void)
{
    CHECK(strstr(no_cuda_reason, "CUDA is not available: ") == no_cuda_reason);
    CHECK(strstr(no_cuda_reason, "libcuda.so.1 not found") != NULL ||
          strstr(no_cuda_reason, "nvcuda.dll not found") != NULL);
    uint32_t before = handle_count();
    for (int i = 0; i < 3; i++) {
        vkw_foreign *f = NULL;
        vkw_foreign_info got;
        memset(&got, 0x5A, sizeof got);
        vkw_error err = {0};
        CHECK(vkw_foreign_open(VKW_IMPORTER_CUDA, dev.info.device_uuid, dev.info.driver_uuid, NULL,
                               &f, &got, &err) == VKW_E_UNSUPPORTED);
        CHECK(f == NULL);
        CHECK_STR(err.message, no_cuda_reason);
        CHECK(err.status == VKW_E_UNSUPPORTED);
        CHECK((unsigned char)got.device_name[0] == 0x5A); /* untouched */
    }
    CHECK(before != UINT32_MAX);
    CHECK(handle_count() == before);
}

static void cuda_open_fails_cleanly_or_finds_vulkans_device(void)
{
    int where = setup();
    CHECK(where >= 0);
    if (where == 1) {
        no_cuda_checks();
    } else if (where == 0) {
        CHECK(info.device_name[0] != '\0');
        CHECK(strncmp(info.version, "CUDA driver ", 12) == 0);
        /* A UUID no device has: refused, with it, and nothing left open. */
        uint8_t none[VK_UUID_SIZE];
        memset(none, 0xFF, sizeof none);
        uint32_t before = handle_count();
        vkw_foreign *f = NULL;
        vkw_error err = {0};
        CHECK(vkw_foreign_open(VKW_IMPORTER_CUDA, none, dev.info.driver_uuid, NULL, &f, NULL,
                               &err) == VKW_E_UNSUPPORTED);
        CHECK(f == NULL);
        CHECK(strstr(err.message,
                     "no CUDA device has Vulkan's deviceUUID ffffffffffffffffffffffffffffffff") !=
              NULL);
        CHECK(handle_count() == before);
    }
    teardown();
}

/* One pass: Vulkan's 64 MiB device-local OPAQUE_FD buffer, exported and
 * imported into CUDA; CUDA checks Vulkan's pattern, writes its own, which
 * Vulkan checks; a byte Vulkan flips is found by CUDA where it is; the
 * copy speeds are compared. *fds_before: the handle count before. */
static void memory_pass(const vkw_handle_type *t, uint32_t *fds_before, uint32_t *fds_after)
{
    vkw_error err = {0};
    vkw_shared_memory sm = {0};
    vkw_foreign_memory *m = NULL;
    vkw_handle h = VKW_NO_HANDLE;
    vkw_memory_method how = {.threads = 1};
    vkw_memory_times vt = {0};
    vkw_foreign_times ft = {0};
    vkw_mismatch mm = {0};
    bool ok = false;
    *fds_before = handle_count();

    CHECK(vkw_shared_memory_create(&dev, t, VKW_RESOURCE_BUFFER, VKW_ACCESS_COPY, SIZE, false, NULL,
                                   &sm, &err) == VKW_OK);
    if (check_failures)
        goto cleanup;
    CHECK(vkw_shared_memory_write_pattern(&sm, 11, UINT64_MAX, &how, &vt, TIMEOUT_NS, &err) ==
          VKW_OK);
    CHECK(vkw_shared_memory_export(&sm, &h, &err) == VKW_OK);
    CHECK(vkw_foreign_memory_supported(cuda, t, &sm.desc, &err) == VKW_OK);
    if (check_failures)
        goto cleanup;
    CHECK(vkw_foreign_memory_import(cuda, t, &sm.desc, &h, NULL, &m, &err) == VKW_OK);
    if (check_failures)
        goto cleanup;
    CHECK(h == VKW_NO_HANDLE); /* CUDA took the fd */

    CHECK(vkw_foreign_memory_check(m, 11, THREADS, &ok, &mm, &ft, TIMEOUT_MS, &err) == VKW_OK);
    CHECK(ok);
    CHECK(ft.copy_ns > 0 && ft.host_ns > 0);
    CHECK(vkw_foreign_memory_check(m, 12, THREADS, &ok, &mm, &ft, TIMEOUT_MS, &err) == VKW_OK);
    CHECK(!ok); /* another seed's pattern is not there */
    CHECK(mm.offset < 4);

    CHECK(vkw_foreign_memory_write(m, 21, THREADS, &ft, TIMEOUT_MS, &err) == VKW_OK);
    CHECK(ft.copy_ns > 0 && ft.host_ns == 0); /* the pattern's generation is not timed */
    CHECK(vkw_shared_memory_check_pattern(&sm, 21, &how, &ok, &mm, &vt, TIMEOUT_NS, &err) ==
          VKW_OK);
    CHECK(ok);

    const uint64_t flip = SIZE - (5u << 20) + 3; /* deep inside, not on a word's first byte */
    CHECK(vkw_shared_memory_write_pattern(&sm, 31, flip, &how, &vt, TIMEOUT_NS, &err) == VKW_OK);
    CHECK(vkw_foreign_memory_check(m, 31, THREADS, &ok, &mm, &ft, TIMEOUT_MS, &err) == VKW_OK);
    CHECK(!ok);
    CHECK(mm.offset == flip);
    CHECK((mm.got ^ mm.expected) == 0xFF);

    uint64_t ns[2][2] = {{0}};
    CHECK(vkw_foreign_memory_compare(m, 3, ns, TIMEOUT_MS, &err) == VKW_OK);
    CHECK(ns[0][0] > 0 && ns[0][1] > 0 && ns[1][0] > 0 && ns[1][1] > 0);
    printf("%s: CUDA copies of 64 MiB: write imported %.1f us, local %.1f us; read imported "
           "%.1f us, local %.1f us\n",
           t->name, ns[0][0] / 1e3, ns[0][1] / 1e3, ns[1][0] / 1e3, ns[1][1] / 1e3);

cleanup:
    if (check_failures)
        fprintf(stderr, "last error: %s\n", err.message);
    vkw_foreign_memory_release(m);
    vkw_handle_close(h);
    vkw_shared_memory_destroy(&sm);
    *fds_after = handle_count();
}

static void cuda_imports_checks_writes_and_compares_vulkan_memory(void)
{
    int where = setup();
    CHECK(where >= 0);
    if (where == 1) {
        no_cuda_checks();
    } else if (where == 0) {
        const vkw_handle_type *t = vkw_handle_type_by_name(
            vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT, "OPAQUE_FD");
        uint32_t before = 0, after = 0;
        /* The first pass may open the driver's own files for good; the
         * second must leave the count where it found it. */
        memory_pass(t, &before, &after);
        if (!check_failures)
            memory_pass(t, &before, &after);
        CHECK(before != UINT32_MAX && after == before);
    }
    teardown();
}

static void cuda_refuses_images_fences_and_other_oses_handles(void)
{
    int where = setup();
    CHECK(where >= 0);
    if (where == 1) {
        no_cuda_checks();
    } else if (where == 0) {
        vkw_error err = {0};
        const vkw_handle_type *fd = vkw_handle_type_by_name(
            vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT, "OPAQUE_FD");
        const vkw_handle_type *win32 = vkw_handle_type_by_name(
            vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT, "OPAQUE_WIN32");
        const vkw_handle_type *dma_buf = vkw_handle_type_by_name(
            vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT, "DMA_BUF");
        vkw_memory_desc image = {
            .resource = VKW_RESOURCE_IMAGE, .size = 4096, .allocation_size = 4096};
        CHECK(vkw_foreign_memory_supported(cuda, fd, &image, &err) == VKW_E_UNSUPPORTED);
        CHECK(strstr(err.message, "CUDA maps buffers here") != NULL);
        vkw_memory_desc buffer = {
            .resource = VKW_RESOURCE_BUFFER, .size = 4096, .allocation_size = 4096};
        CHECK(vkw_foreign_memory_supported(cuda, fd, &buffer, &err) == VKW_OK);
        CHECK(vkw_foreign_memory_supported(cuda, win32, &buffer, &err) == VKW_E_UNSUPPORTED);
        CHECK(strstr(err.message, "not one of this OS") != NULL);
        CHECK(vkw_foreign_memory_supported(cuda, dma_buf, &buffer, &err) == VKW_E_UNSUPPORTED);
        CHECK(strstr(err.message, "CUDA imports no DMA_BUF memory") != NULL);

        const vkw_handle_type *sem_fd = vkw_handle_type_by_name(
            vkw_semaphore_handle_types, VKW_SEMAPHORE_HANDLE_TYPE_COUNT, "OPAQUE_FD");
        const vkw_handle_type *sync_fd = vkw_handle_type_by_name(
            vkw_semaphore_handle_types, VKW_SEMAPHORE_HANDLE_TYPE_COUNT, "SYNC_FD");
        const vkw_handle_type *fence_fd = vkw_handle_type_by_name(
            vkw_fence_handle_types, VKW_FENCE_HANDLE_TYPE_COUNT, "OPAQUE_FD");
        CHECK(vkw_foreign_sync_supported(cuda, VKW_SYNC_FENCE, fence_fd, &err) ==
              VKW_E_UNSUPPORTED);
        CHECK(strstr(err.message, "CUDA imports no Vulkan fences") != NULL);
        CHECK(vkw_foreign_sync_supported(cuda, VKW_SYNC_GPU_CHAIN, sem_fd, &err) ==
              VKW_E_UNSUPPORTED);
        CHECK(vkw_foreign_sync_supported(cuda, VKW_SYNC_QUEUE_BINARY, sync_fd, &err) ==
              VKW_E_UNSUPPORTED);
        CHECK(vkw_foreign_sync_supported(cuda, VKW_SYNC_HOST_TIMELINE, sem_fd, &err) == VKW_OK);
        CHECK(vkw_foreign_sync_supported(cuda, VKW_SYNC_QUEUE_TIMELINE, sem_fd, &err) == VKW_OK);
        CHECK(vkw_foreign_sync_supported(cuda, VKW_SYNC_QUEUE_BINARY, sem_fd, &err) == VKW_OK);
    }
    teardown();
}

/* Timeline round trips with Vulkan's host as the other side: Vulkan signals
 * A to the round, CUDA waits for it and signals B, Vulkan sees B there. A
 * round Vulkan does not signal times out. */
static void cuda_answers_timeline_round_trips(void)
{
    int where = setup();
    CHECK(where >= 0);
    if (where == 1) {
        no_cuda_checks();
    } else if (where == 0) {
        const vkw_handle_type *t = vkw_handle_type_by_name(
            vkw_semaphore_handle_types, VKW_SEMAPHORE_HANDLE_TYPE_COUNT, "OPAQUE_FD");
        vkw_error err = {0};
        vkw_sync_side side = {0};
        vkw_handle hs[2] = {VKW_NO_HANDLE, VKW_NO_HANDLE};
        vkw_foreign_sync *fs = NULL;
        CHECK(dev.timeline);
        CHECK(vkw_sync_side_create(&side, VKW_SYNC_HOST_TIMELINE, &dev, t, NULL, &err) == VKW_OK);
        CHECK(vkw_sync_side_export(&side, t, hs, &err) == VKW_OK);
        CHECK(vkw_foreign_sync_import(cuda, VKW_SYNC_HOST_TIMELINE, t, hs, NULL, NULL, &fs, &err) ==
              VKW_OK);
        CHECK(hs[0] == VKW_NO_HANDLE && hs[1] == VKW_NO_HANDLE); /* CUDA took both */
        for (uint64_t round = 1; round <= 100 && !check_failures; round++) {
            VkSemaphoreSignalInfo si = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
                                        .semaphore = side.a,
                                        .value = round};
            CHECK(dev.signal_semaphore(dev.handle, &si) == VK_SUCCESS);
            CHECK(vkw_foreign_sync_pong(fs, round, TIMEOUT_MS, &err) == VKW_OK);
            VkSemaphoreWaitInfo wi = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
                                      .semaphoreCount = 1,
                                      .pSemaphores = &side.b,
                                      .pValues = &round};
            CHECK(dev.wait_semaphores(dev.handle, &wi, 1000000000ull) == VK_SUCCESS);
        }
        if (!check_failures) {
            uint64_t t0 = vkw_clock_ns();
            CHECK(vkw_foreign_sync_pong(fs, 101, 200, &err) == VKW_E_TIMEOUT);
            CHECK(strstr(err.message, "did not finish within 200 ms") != NULL);
            CHECK(vkw_clock_ns() - t0 < 5000000000ull);
            /* Met late: the queued wait finishes, and release waits for it. */
            VkSemaphoreSignalInfo si = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
                                        .semaphore = side.a,
                                        .value = 101};
            CHECK(dev.signal_semaphore(dev.handle, &si) == VK_SUCCESS);
        }
        if (check_failures)
            fprintf(stderr, "last error: %s\n", err.message);
        vkw_foreign_sync_release(fs, true, TIMEOUT_MS);
        vkw_handle_close(hs[0]);
        vkw_handle_close(hs[1]);
        vkw_sync_side_release(&side);
    }
    teardown();
}

/* A round trip whose A is never signalled (the parent failed before its
 * signal) blocks only its own pair: memory is still checked within its
 * timeout and another pair's round trips are answered; A signalled late,
 * the first pair is released cleanly. */
static void cuda_round_trip_never_met_blocks_nothing_else(void)
{
    int where = setup();
    CHECK(where >= 0);
    if (where == 1) {
        no_cuda_checks();
    } else if (where == 0) {
        const vkw_handle_type *st = vkw_handle_type_by_name(
            vkw_semaphore_handle_types, VKW_SEMAPHORE_HANDLE_TYPE_COUNT, "OPAQUE_FD");
        const vkw_handle_type *mt = vkw_handle_type_by_name(
            vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT, "OPAQUE_FD");
        vkw_error err = {0};
        vkw_sync_side side[2] = {{0}, {0}};
        vkw_handle hs[2][2] = {{VKW_NO_HANDLE, VKW_NO_HANDLE}, {VKW_NO_HANDLE, VKW_NO_HANDLE}};
        vkw_foreign_sync *fs[2] = {NULL, NULL};
        vkw_shared_memory sm = {0};
        vkw_foreign_memory *m = NULL;
        vkw_handle h = VKW_NO_HANDLE;
        vkw_memory_method how = {.threads = 1};
        vkw_memory_times vt = {0};
        vkw_foreign_times ft = {0};
        vkw_mismatch mm = {0};
        bool ok = false;
        CHECK(dev.timeline);
        for (int i = 0; i < 2 && !check_failures; i++) {
            CHECK(vkw_sync_side_create(&side[i], VKW_SYNC_HOST_TIMELINE, &dev, st, NULL, &err) ==
                  VKW_OK);
            CHECK(vkw_sync_side_export(&side[i], st, hs[i], &err) == VKW_OK);
            CHECK(vkw_foreign_sync_import(cuda, VKW_SYNC_HOST_TIMELINE, st, hs[i], NULL, NULL,
                                          &fs[i], &err) == VKW_OK);
        }
        /* Pair 0's round 1: A is not signalled, the wait stays queued. */
        if (!check_failures)
            CHECK(vkw_foreign_sync_pong(fs[0], 1, 200, &err) == VKW_E_TIMEOUT);

        /* Memory: its transfers are not behind that wait. */
        CHECK(vkw_shared_memory_create(&dev, mt, VKW_RESOURCE_BUFFER, VKW_ACCESS_COPY, SIZE, false,
                                       NULL, &sm, &err) == VKW_OK);
        if (!check_failures)
            CHECK(vkw_shared_memory_write_pattern(&sm, 41, UINT64_MAX, &how, &vt, TIMEOUT_NS,
                                                  &err) == VKW_OK);
        if (!check_failures)
            CHECK(vkw_shared_memory_export(&sm, &h, &err) == VKW_OK);
        if (!check_failures)
            CHECK(vkw_foreign_memory_import(cuda, mt, &sm.desc, &h, NULL, &m, &err) == VKW_OK);
        if (!check_failures) {
            CHECK(vkw_foreign_memory_check(m, 41, THREADS, &ok, &mm, &ft, 5000, &err) == VKW_OK);
            CHECK(ok);
            CHECK(ft.copy_ns > 0 && ft.host_ns > 0);
            CHECK(vkw_foreign_memory_write(m, 42, THREADS, &ft, 5000, &err) == VKW_OK);
            CHECK(ft.copy_ns > 0 && ft.host_ns == 0);
        }

        /* Pair 1: its round trips are not behind it either. */
        for (uint64_t round = 1; round <= 10 && !check_failures; round++) {
            VkSemaphoreSignalInfo si = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
                                        .semaphore = side[1].a,
                                        .value = round};
            CHECK(dev.signal_semaphore(dev.handle, &si) == VK_SUCCESS);
            CHECK(vkw_foreign_sync_pong(fs[1], round, 5000, &err) == VKW_OK);
        }

        /* A met late: pair 0's queued wait finishes, and release waits for it. */
        if (side[0].a) {
            VkSemaphoreSignalInfo si = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
                                        .semaphore = side[0].a,
                                        .value = 1};
            CHECK(dev.signal_semaphore(dev.handle, &si) == VK_SUCCESS);
        }
        if (check_failures)
            fprintf(stderr, "last error: %s\n", err.message);
        vkw_foreign_memory_release(m);
        vkw_handle_close(h);
        vkw_shared_memory_destroy(&sm);
        for (int i = 0; i < 2; i++) {
            vkw_foreign_sync_release(fs[i], true, TIMEOUT_MS);
            vkw_handle_close(hs[i][0]);
            vkw_handle_close(hs[i][1]);
            vkw_sync_side_release(&side[i]);
        }
    }
    teardown();
}

/* The Vulkan pinger of queue-binary round trips, on its own thread (the
 * CUDA context stays current on the main thread, which pongs). */
typedef struct pinger {
    vkw_sync_side *side;
    uint32_t rounds;
    vkw_status status;
    vkw_error err;
} pinger;

static void ping_rounds(void *arg)
{
    pinger *p = arg;
    for (uint32_t i = 0; i < p->rounds && p->status == VKW_OK; i++)
        p->status = vkw_sync_ping(p->side, TIMEOUT_MS, &p->err);
}

/* Queue-binary round trips: Vulkan's queue signals A and waits for B,
 * CUDA's stream waits for A and signals B, an OS pair orders each wait
 * after its signal's submission, as between the bench's two processes. */
static void cuda_answers_queue_binary_round_trips(void)
{
    int where = setup();
    CHECK(where >= 0);
    if (where == 1) {
        no_cuda_checks();
    } else if (where == 0) {
        const vkw_handle_type *t = vkw_handle_type_by_name(
            vkw_semaphore_handle_types, VKW_SEMAPHORE_HANDLE_TYPE_COUNT, "OPAQUE_FD");
        vkw_os_pingpong_kind kind = VKW_PINGPONG_KIND_COUNT;
        for (int k = VKW_PINGPONG_KIND_COUNT - 1; k >= 0; k--)
            if (vkw_pingpong_kind_available((vkw_os_pingpong_kind)k))
                kind = (vkw_os_pingpong_kind)k;
        vkw_error err = {0};
        vkw_sync_side side = {0};
        vkw_handle hs[2] = {VKW_NO_HANDLE, VKW_NO_HANDLE};
        vkw_handle peer[VKW_PINGPONG_MAX_HANDLES];
        uint32_t npeer = 0;
        vkw_pingpong *pong_pp = NULL;
        vkw_foreign_sync *fs = NULL;
        pinger p = {.side = &side, .rounds = 100, .status = VKW_OK};
        vkw_thread *th = NULL;
        CHECK(kind != VKW_PINGPONG_KIND_COUNT);
        CHECK(vkw_sync_side_create(&side, VKW_SYNC_QUEUE_BINARY, &dev, t, NULL, &err) == VKW_OK);
        CHECK(vkw_sync_side_export(&side, t, hs, &err) == VKW_OK);
        CHECK(vkw_pingpong_create(kind, &side.pp, peer, &npeer, &err) == VKW_OK);
        CHECK(vkw_pingpong_open_peer(kind, peer, npeer, &pong_pp, &err) == VKW_OK);
        CHECK(vkw_foreign_sync_import(cuda, VKW_SYNC_QUEUE_BINARY, t, hs, NULL, pong_pp, &fs,
                                      &err) == VKW_OK);
        CHECK(hs[0] == VKW_NO_HANDLE && hs[1] == VKW_NO_HANDLE);
        if (!check_failures)
            CHECK(vkw_thread_start(ping_rounds, &p, &th, &err) == VKW_OK);
        vkw_status s = VKW_OK;
        for (uint64_t round = 1; th && round <= p.rounds && s == VKW_OK; round++)
            s = vkw_foreign_sync_pong(fs, round, TIMEOUT_MS, &err);
        CHECK(s == VKW_OK);
        if (th)
            vkw_thread_join(th);
        CHECK(p.status == VKW_OK);
        if (p.status != VKW_OK)
            fprintf(stderr, "pinger: %s\n", p.err.message);
        if (check_failures)
            fprintf(stderr, "last error: %s\n", err.message);
        vkw_foreign_sync_release(fs, !check_failures, TIMEOUT_MS);
        vkw_pingpong_free(pong_pp);
        vkw_handle_close(hs[0]);
        vkw_handle_close(hs[1]);
        vkw_sync_side_settle(&side, !check_failures);
        vkw_sync_side_release(&side);
    }
    teardown();
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
#define CASE(fn) {#fn, fn}
        CASE(cuda_open_fails_cleanly_or_finds_vulkans_device),
        CASE(cuda_imports_checks_writes_and_compares_vulkan_memory),
        CASE(cuda_refuses_images_fences_and_other_oses_handles),
        CASE(cuda_answers_timeline_round_trips),
        CASE(cuda_answers_queue_binary_round_trips),
        CASE(cuda_round_trip_never_met_blocks_nothing_else),
#undef CASE
    };
    return check_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
