/* The CUDA importer: the driver API, loaded at run time by FFmpeg's
 * nv-codec-headers (libcuda.so.1, nvcuda.dll: the loader's CUDA_LIBNAME),
 * on the device whose cuDeviceGetUuid is Vulkan's deviceUUID. Memory is
 * imported as a mapped buffer (cuImportExternalMemory,
 * cuExternalMemoryGetMappedBuffer) whose transfers run on the context's
 * stream, semaphores as external semaphores waited on and signalled on a
 * stream of each pair's own (cuWaitExternalSemaphoresAsync,
 * cuSignalExternalSemaphoresAsync), so that a wait never met blocks only its
 * own round trips. Loading and finding the device:
 * cuda_driver.h, shared with the interop probe.
 *
 * Threads: the context is created current on the calling thread and stays
 * so; the bench's child calls everything from that one thread.
 *
 * Waits: everything queued on a stream is waited for by polling
 * cuStreamQuery against the clock (the platform seam has no sleep, and a
 * round trip's latency wants no sleep). A check, write or compare takes its
 * deadline at entry (timeout_ms) and each of its waits gets what is left,
 * so the whole transfer never outlives timeout_ms. A wait that timed out
 * leaves work on its stream that may never finish: a transfer's marks the
 * context wedged (its stream holds it) and keeps whatever that work may use;
 * a round trip's keeps its pair's stream and semaphores. Nothing else is
 * kept: the process's end releases what was. */
#include "backend.h"
#include "cuda_driver.h"
#include "vk/host_pattern.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cuda.h's values that the loader's header leaves out. */
#define VKW_CUDA_EXTERNAL_MEMORY_DEDICATED 0x1u /* CUDA_EXTERNAL_MEMORY_DEDICATED */
#define VKW_CUDA_ERROR_NOT_SUPPORTED 801        /* CUDA_ERROR_NOT_SUPPORTED */

/* The host buffer check and write copy through: bounded, whatever the size. */
#define HOST_CHUNK_BYTES ((uint64_t)64 << 20)

struct vkw_cuda {
    vkw_cuda_driver d;
    CUcontext ctx;
    CUstream stream; /* the memory transfers' */
    bool wedged;     /* `stream` holds work that may never finish */
    /* On `stream`: the number of the last piece of work queued, and of the
     * last one seen finished; work numbered above `done` may be pending. */
    uint64_t queued, done;
    uint32_t kept; /* semaphore pairs kept with work pending on their streams */
};

struct vkw_cuda_memory {
    vkw_cuda *c;
    CUexternalMemory ext;
    CUdeviceptr ptr; /* the mapped buffer: cuMemFree before cuDestroyExternalMemory */
    uint64_t size;
    char what[64];          /* "64 MiB of OPAQUE_FD memory" */
    unsigned char *host;    /* HOST_CHUNK_BYTES at most: pinned where it could be */
    bool host_pinned;       /* from cuMemAllocHost (else malloc) */
    unsigned char *pattern; /* the pattern's piece a chunk is compared with */
    size_t chunk;
    uint64_t last; /* c->queued's number of the last transfer queued on it; 0: none */
};

struct vkw_cuda_sync {
    vkw_cuda *c;
    vkw_sync_mode mode;
    CUexternalSemaphore sem[2]; /* A (waited on), B (signalled) */
    vkw_pingpong *pp;           /* queue-binary: not owned */
    CUstream stream;            /* this pair's: its waits block nothing else */
    bool pending;               /* a wait was queued and not yet seen finished */
};

/* "cuImportExternalMemory: CUDA_ERROR_INVALID_VALUE (importing ...)". */
static vkw_status cu_fail(const vkw_cuda *c, vkw_error *err, vkw_status s, const char *call,
                          CUresult r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
static vkw_status cu_fail(const vkw_cuda *c, vkw_error *err, vkw_status s, const char *call,
                          CUresult r, const char *fmt, ...)
{
    char code[32];
    const char *name = vkw_cuda_result_name(c ? &c->d : NULL, r, code, sizeof code);
    char context[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(context, sizeof context, fmt, ap);
    va_end(ap);
    return vkw_fail(err, s, "%s: %s (%s)", call, name, context);
}

/* A refused import or transfer is a sharing failure; what CUDA does not
 * offer at all (CUDA_ERROR_NOT_SUPPORTED) is a skip. */
static vkw_status refused(CUresult r)
{
    return (int)r == VKW_CUDA_ERROR_NOT_SUPPORTED ? VKW_E_UNSUPPORTED : VKW_E_SHARING;
}

/* The clock's time timeout_ms from now. */
static uint64_t deadline_in(uint32_t timeout_ms)
{
    return vkw_clock_ns() + (uint64_t)timeout_ms * 1000000u;
}

/* Waits for everything queued on `stream`, until `deadline` (the clock's
 * ns; the stream is asked at least once). timeout_ms: for the message. */
static vkw_status stream_wait(vkw_cuda *c, CUstream stream, uint64_t deadline, uint32_t timeout_ms,
                              vkw_error *err, const char *what)
{
    for (;;) {
        CUresult r = c->d.cu->cuStreamQuery(stream);
        if (r == CUDA_SUCCESS)
            return VKW_OK;
        if (r != CUDA_ERROR_NOT_READY)
            return cu_fail(c, err, VKW_E_SHARING, "cuStreamQuery", r, "%s", what);
        if (vkw_clock_ns() >= deadline)
            return vkw_fail(err, VKW_E_TIMEOUT, "CUDA: %s did not finish within %u ms", what,
                            timeout_ms);
    }
}

/* stream_wait on the memory transfers' stream: finished, everything queued
 * on it is done and the context is no longer wedged; timed out, it is. */
static vkw_status memory_wait(vkw_cuda *c, uint64_t deadline, uint32_t timeout_ms, vkw_error *err,
                              const char *what)
{
    vkw_status s = stream_wait(c, c->stream, deadline, timeout_ms, err, what);
    if (s == VKW_OK) {
        c->done = c->queued;
        c->wedged = false;
    } else if (s == VKW_E_TIMEOUT) {
        c->wedged = true;
    }
    return s;
}

/* Whether work numbered `last` on the memory stream may still be pending
 * (0: none was queued); asks the stream once when it might be. */
static bool memory_pending(vkw_cuda *c, uint64_t last)
{
    if (last <= c->done)
        return false;
    vkw_error ignored;
    return memory_wait(c, 0, 0, &ignored, "queued transfers") != VKW_OK;
}

/* A transfer's time is spent: VKW_E_TIMEOUT before anything more is queued. */
static vkw_status time_left(uint64_t deadline, uint32_t timeout_ms, vkw_error *err,
                            const char *what)
{
    if (vkw_clock_ns() < deadline)
        return VKW_OK;
    return vkw_fail(err, VKW_E_TIMEOUT, "CUDA: %s did not finish within %u ms", what, timeout_ms);
}

vkw_status vkw_cuda_open(const uint8_t device_uuid[VK_UUID_SIZE], vkw_cuda **out,
                         vkw_foreign_info *info, vkw_error *err)
{
    *out = NULL;
    vkw_status s = VKW_OK;
    vkw_cuda *c = calloc(1, sizeof *c);
    if (!c)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory opening CUDA");

    vkw_error why;
    s = vkw_cuda_driver_load(&c->d, &why);
    if (s != VKW_OK) {
        s = vkw_fail(err, s, "CUDA is not available: %s", why.message);
        goto cleanup;
    }
    int ordinal = -1, count = 0;
    CUdevice dev = 0;
    s = vkw_cuda_driver_find(&c->d, device_uuid, &ordinal, &dev, &count, err);
    if (s != VKW_OK)
        goto cleanup;
    if (ordinal < 0) {
        char hex[2 * VK_UUID_SIZE + 1];
        for (unsigned i = 0; i < VK_UUID_SIZE; i++)
            snprintf(hex + 2 * i, 3, "%02x", device_uuid[i]);
        s = vkw_fail(err, VKW_E_UNSUPPORTED,
                     "no CUDA device has Vulkan's deviceUUID %s (%d CUDA device%s)", hex, count,
                     count == 1 ? "" : "s");
        goto cleanup;
    }

    vkw_foreign_info got = {.device_index = (uint32_t)ordinal};
    CUresult r = c->d.cu->cuDeviceGetName(got.device_name, (int)sizeof got.device_name, dev);
    if (r != CUDA_SUCCESS) {
        s = cu_fail(c, err, VKW_E_UNSUPPORTED, "cuDeviceGetName", r, "CUDA device %d", ordinal);
        goto cleanup;
    }
    got.device_name[sizeof got.device_name - 1] = '\0';
    int version = 0;
    if (c->d.driver_get_version && c->d.driver_get_version(&version) == CUDA_SUCCESS)
        snprintf(got.version, sizeof got.version, "CUDA driver %d", version);
    else
        snprintf(got.version, sizeof got.version, "CUDA driver (no cuDriverGetVersion)");

    /* Flags 0: the default scheduling; the context is current on this thread from here. */
    r = c->d.cu->cuCtxCreate(&c->ctx, 0, dev);
    if (r != CUDA_SUCCESS) {
        c->ctx = NULL;
        s = cu_fail(c, err, VKW_E_UNSUPPORTED, "cuCtxCreate", r, "CUDA device %d, %s", ordinal,
                    got.device_name);
        goto cleanup;
    }
    r = c->d.cu->cuStreamCreate(&c->stream, CU_STREAM_NON_BLOCKING);
    if (r != CUDA_SUCCESS) {
        c->stream = NULL;
        s = cu_fail(c, err, VKW_E_UNSUPPORTED, "cuStreamCreate", r, "CUDA device %d", ordinal);
        goto cleanup;
    }
    if (info)
        *info = got;
    *out = c;
    c = NULL;

cleanup:
    vkw_cuda_close(c);
    return s;
}

void vkw_cuda_close(vkw_cuda *c)
{
    if (!c)
        return;
    /* Wedged, or a semaphore pair kept with a wait pending on its stream:
     * destroying the context would wait for work that may never finish, and
     * unloading the library under it would pull the code from under the
     * driver's threads; the process's end takes both. */
    if (!c->wedged && c->kept == 0) {
        if (c->stream)
            c->d.cu->cuStreamDestroy(c->stream);
        if (c->ctx)
            c->d.cu->cuCtxDestroy(c->ctx);
        vkw_cuda_driver_unload(&c->d);
    }
    free(c);
}

/* ---- Memory ---------------------------------------------------------------- */

/* CUDA's handle type for a Vulkan memory handle type; 0: none. */
static CUexternalMemoryHandleType memory_type(const vkw_handle_type *t)
{
    switch (t->bit) {
    case VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT:
        return CU_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD;
    case VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_WIN32_BIT:
        return CU_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_WIN32;
    case VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_WIN32_KMT_BIT:
        return CU_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_WIN32_KMT;
    case VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D12_HEAP_BIT:
        return CU_EXTERNAL_MEMORY_HANDLE_TYPE_D3D12_HEAP;
    case VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D12_RESOURCE_BIT:
        return CU_EXTERNAL_MEMORY_HANDLE_TYPE_D3D12_RESOURCE;
    default: return (CUexternalMemoryHandleType)0;
    }
}

vkw_status vkw_cuda_memory_supported(vkw_cuda *c, const vkw_handle_type *t,
                                     const vkw_memory_desc *desc, vkw_error *err)
{
    if (desc->resource != VKW_RESOURCE_BUFFER)
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "CUDA maps buffers here: a Vulkan image's memory has an opaque layout "
                        "that cuExternalMemoryGetMappedMipmappedArray would need to match");
    if (!c->d.cu->cuImportExternalMemory || !c->d.cu->cuExternalMemoryGetMappedBuffer ||
        !c->d.cu->cuDestroyExternalMemory)
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "%s has no cuImportExternalMemory (a driver older than CUDA 10)",
                        c->d.library);
    if (!memory_type(t))
        return vkw_fail(err, VKW_E_UNSUPPORTED, "CUDA imports no %s memory", t->name);
    if (!vkw_handle_family_native(t->family))
        return vkw_fail(err, VKW_E_UNSUPPORTED, "%s is a %s handle, not one of this OS", t->name,
                        vkw_handle_family_name(t->family));
    return VKW_OK;
}

/* An NT object's name for CUDA: a NUL-terminated array of UTF-16 code
 * units (cuImportExternalMemory, cuImportExternalSemaphore). The tool's
 * names are ASCII; anything else is refused. */
static vkw_status utf16_name(const char *name, uint16_t *out, size_t cap, vkw_error *err)
{
    size_t n = strlen(name);
    if (n >= cap)
        return vkw_fail(err, VKW_E_INVALID_ARG, "the NT handle name '%s' is too long for CUDA",
                        name);
    for (size_t i = 0; i <= n; i++) {
        if ((unsigned char)name[i] >= 0x80)
            return vkw_fail(err, VKW_E_INVALID_ARG, "the NT handle name '%s' is not ASCII", name);
        out[i] = (uint16_t)(unsigned char)name[i];
    }
    return VKW_OK;
}

#define NAME_UNITS 256

vkw_status vkw_cuda_memory_import(vkw_cuda *c, const vkw_handle_type *t,
                                  const vkw_memory_desc *desc, vkw_handle *h, const char *name,
                                  vkw_cuda_memory **out, vkw_error *err)
{
    *out = NULL;
    vkw_status s = vkw_cuda_memory_supported(c, t, desc, err);
    if (s != VKW_OK)
        return s;
    if (desc->size == 0 || desc->size > desc->allocation_size)
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "CUDA: %llu bytes to map from an allocation of %llu bytes",
                        (unsigned long long)desc->size, (unsigned long long)desc->allocation_size);
    vkw_cuda_memory *m = calloc(1, sizeof *m);
    if (!m)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory importing %s memory", t->name);
    m->c = c;
    m->size = desc->size;
    if (desc->size % ((uint64_t)1 << 20) == 0)
        snprintf(m->what, sizeof m->what, "%llu MiB of %s memory",
                 (unsigned long long)(desc->size >> 20), t->name);
    else
        snprintf(m->what, sizeof m->what, "%llu bytes of %s memory", (unsigned long long)desc->size,
                 t->name);

    CUDA_EXTERNAL_MEMORY_HANDLE_DESC hd;
    memset(&hd, 0, sizeof hd);
    hd.type = memory_type(t);
    uint16_t wide[NAME_UNITS];
    if (hd.type == CU_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD) {
        hd.handle.fd = (int)*h;
    } else if (name && hd.type != CU_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_WIN32_KMT) {
        /* Exactly one of handle and name; a KMT handle has no name. */
        s = utf16_name(name, wide, NAME_UNITS, err);
        if (s != VKW_OK)
            goto cleanup;
        hd.handle.win32.name = wide;
    } else {
        /* An NT handle (not taken: the caller closes it) or a KMT value. */
        hd.handle.win32.handle = (void *)*h;
    }
    hd.size = desc->allocation_size;
    /* A dedicated Vulkan allocation; CUDA requires the flag for a D3D12 resource. */
    if (desc->dedicated || hd.type == CU_EXTERNAL_MEMORY_HANDLE_TYPE_D3D12_RESOURCE)
        hd.flags = VKW_CUDA_EXTERNAL_MEMORY_DEDICATED;
    CUresult r = c->d.cu->cuImportExternalMemory(&m->ext, &hd);
    if (r != CUDA_SUCCESS) {
        m->ext = NULL; /* the fd stays the caller's */
        s = cu_fail(c, err, refused(r), "cuImportExternalMemory", r,
                    "importing %s, an allocation of %llu bytes%s", m->what,
                    (unsigned long long)desc->allocation_size, hd.flags ? ", dedicated" : "");
        goto cleanup;
    }
    if (hd.type == CU_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD)
        *h = VKW_NO_HANDLE; /* CUDA owns the fd now */

    CUDA_EXTERNAL_MEMORY_BUFFER_DESC bd;
    memset(&bd, 0, sizeof bd);
    bd.offset = 0;
    bd.size = desc->size;
    bd.flags = 0;
    r = c->d.cu->cuExternalMemoryGetMappedBuffer(&m->ptr, m->ext, &bd);
    if (r != CUDA_SUCCESS) {
        m->ptr = 0;
        s = cu_fail(c, err, refused(r), "cuExternalMemoryGetMappedBuffer", r, "mapping %s",
                    m->what);
        goto cleanup;
    }
    *out = m;
    m = NULL;

cleanup:
    vkw_cuda_memory_release(m);
    return s;
}

/* The host buffer and the pattern's piece, made at the first transfer. */
static vkw_status host_buffers(vkw_cuda_memory *m, vkw_error *err)
{
    if (m->host)
        return VKW_OK;
    vkw_cuda *c = m->c;
    const size_t chunk = (size_t)(m->size < HOST_CHUNK_BYTES ? m->size : HOST_CHUNK_BYTES);
    void *p = NULL;
    unsigned char *host = NULL;
    bool pinned = false;
    if (c->d.mem_alloc_host && c->d.mem_free_host &&
        c->d.mem_alloc_host(&p, chunk) == CUDA_SUCCESS && p) {
        host = p;
        pinned = true;
    } else {
        host = malloc(chunk); /* pageable: the copies are slower, not wrong */
    }
    unsigned char *pattern = malloc(chunk);
    if (!host || !pattern) {
        /* Both or neither: nothing was queued on either, so both go now. */
        if (host && pinned)
            c->d.mem_free_host(host);
        else
            free(host);
        free(pattern);
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory for a %llu-byte CUDA chunk",
                        (unsigned long long)chunk);
    }
    m->host = host;
    m->host_pinned = pinned;
    m->pattern = pattern;
    m->chunk = chunk;
    return VKW_OK;
}

vkw_status vkw_cuda_memory_check(vkw_cuda_memory *m, uint64_t seed, uint32_t threads, bool *ok,
                                 vkw_mismatch *mm, vkw_foreign_times *t, uint32_t timeout_ms,
                                 vkw_error *err)
{
    vkw_cuda *c = m->c;
    const uint64_t deadline = deadline_in(timeout_ms);
    const char *what = "the copy of imported memory to the host";
    *ok = false;
    vkw_foreign_times times = {0};
    vkw_status s = host_buffers(m, err);
    if (s != VKW_OK)
        return s;
    bool same = true;
    for (uint64_t off = 0; off < m->size && same; off += m->chunk) {
        size_t n = (size_t)(m->size - off < m->chunk ? m->size - off : m->chunk);
        /* The expected bytes first, untimed: copy_ns is the copy alone,
         * host_ns the compare alone (as Vulkan's path and GL's). */
        vkw_host_pattern_fill(m->pattern, n, seed, off, threads);
        s = time_left(deadline, timeout_ms, err, what);
        if (s != VKW_OK)
            return s;
        uint64_t t0 = vkw_clock_ns();
        CUresult r = c->d.cu->cuMemcpyDtoHAsync(m->host, m->ptr + off, n, c->stream);
        if (r != CUDA_SUCCESS)
            return cu_fail(c, err, VKW_E_SHARING, "cuMemcpyDtoHAsync", r,
                           "reading %llu bytes at %llu of %s", (unsigned long long)n,
                           (unsigned long long)off, m->what);
        m->last = ++c->queued;
        s = memory_wait(c, deadline, timeout_ms, err, what);
        if (s != VKW_OK)
            return s;
        uint64_t t1 = vkw_clock_ns();
        same = vkw_host_compare(m->host, m->pattern, n, off, threads, mm);
        times.copy_ns += t1 - t0;
        times.host_ns += vkw_clock_ns() - t1;
    }
    *ok = same;
    if (t)
        *t = times;
    return VKW_OK;
}

vkw_status vkw_cuda_memory_write(vkw_cuda_memory *m, uint64_t seed, uint32_t threads,
                                 vkw_foreign_times *t, uint32_t timeout_ms, vkw_error *err)
{
    vkw_cuda *c = m->c;
    const uint64_t deadline = deadline_in(timeout_ms);
    const char *what = "the copy from the host into imported memory";
    vkw_foreign_times times = {0};
    vkw_status s = host_buffers(m, err);
    if (s != VKW_OK)
        return s;
    for (uint64_t off = 0; off < m->size; off += m->chunk) {
        size_t n = (size_t)(m->size - off < m->chunk ? m->size - off : m->chunk);
        /* The pattern's generation is not timed (host_ns stays 0, as
         * Vulkan's path and GL's): copy_ns is the copy until complete. */
        vkw_host_pattern_fill(m->host, n, seed, off, threads);
        s = time_left(deadline, timeout_ms, err, what);
        if (s != VKW_OK)
            return s;
        uint64_t t0 = vkw_clock_ns();
        /* Asynchronous on the stream, waited for: the next chunk reuses the
         * host buffer, and the last is in device memory when this returns. */
        CUresult r = c->d.cu->cuMemcpyHtoDAsync(m->ptr + off, m->host, n, c->stream);
        if (r != CUDA_SUCCESS)
            return cu_fail(c, err, VKW_E_SHARING, "cuMemcpyHtoDAsync", r,
                           "writing %llu bytes at %llu of %s", (unsigned long long)n,
                           (unsigned long long)off, m->what);
        m->last = ++c->queued;
        s = memory_wait(c, deadline, timeout_ms, err, what);
        if (s != VKW_OK)
            return s;
        times.copy_ns += vkw_clock_ns() - t0;
    }
    if (t)
        *t = times;
    return VKW_OK;
}

/* One device-to-device copy on the stream, timed by two events recorded
 * around it (the device's own clock: no launch or polling latency of the
 * host's), or, where the library has no cuEventElapsedTime, by the host's
 * clock from before the copy is queued until the stream is seen done. */
static vkw_status timed_copy(vkw_cuda *c, CUevent ev[2], CUdeviceptr dst, CUdeviceptr src,
                             uint64_t size, uint64_t deadline, uint32_t timeout_ms, uint64_t *ns,
                             vkw_error *err)
{
    const char *what = "a timed device-to-device copy";
    vkw_status s = time_left(deadline, timeout_ms, err, what);
    if (s != VKW_OK)
        return s;
    uint64_t t0 = vkw_clock_ns();
    CUresult r = c->d.event_elapsed_time ? c->d.cu->cuEventRecord(ev[0], c->stream) : CUDA_SUCCESS;
    if (r != CUDA_SUCCESS)
        return cu_fail(c, err, VKW_E_SHARING, "cuEventRecord", r, "before a timed copy");
    c->queued++; /* the event, then the copy: the caller's objects from here */
    r = c->d.cu->cuMemcpyDtoDAsync(dst, src, (size_t)size, c->stream);
    if (r != CUDA_SUCCESS)
        return cu_fail(c, err, VKW_E_SHARING, "cuMemcpyDtoDAsync", r, "a timed copy of %llu bytes",
                       (unsigned long long)size);
    r = c->d.event_elapsed_time ? c->d.cu->cuEventRecord(ev[1], c->stream) : CUDA_SUCCESS;
    if (r != CUDA_SUCCESS)
        return cu_fail(c, err, VKW_E_SHARING, "cuEventRecord", r, "after a timed copy");
    s = memory_wait(c, deadline, timeout_ms, err, what);
    if (s != VKW_OK)
        return s;
    uint64_t host_ns = vkw_clock_ns() - t0;
    if (!c->d.event_elapsed_time) {
        *ns = host_ns;
        return VKW_OK;
    }
    float ms = 0;
    r = c->d.event_elapsed_time(&ms, ev[0], ev[1]);
    if (r != CUDA_SUCCESS)
        return cu_fail(c, err, VKW_E_SHARING, "cuEventElapsedTime", r, "of a timed copy");
    *ns = (uint64_t)((double)ms * 1e6);
    return VKW_OK;
}

vkw_status vkw_cuda_memory_compare(vkw_cuda_memory *m, uint32_t repeats, uint64_t ns[2][2],
                                   uint32_t timeout_ms, vkw_error *err)
{
    vkw_cuda *c = m->c;
    const uint64_t deadline = deadline_in(timeout_ms);
    vkw_status s = VKW_OK;
    CUdeviceptr l1 = 0, l2 = 0;
    const uint64_t first = c->queued + 1; /* the number of this compare's first work */
    CUevent ev[2] = {NULL, NULL};
    memset(ns, 0, sizeof(uint64_t[2][2]));
    CUresult r = c->d.cu->cuMemAlloc(&l1, (size_t)m->size);
    if (r == CUDA_SUCCESS)
        r = c->d.cu->cuMemAlloc(&l2, (size_t)m->size);
    if (r != CUDA_SUCCESS) {
        s = cu_fail(c, err, VKW_E_UNSUPPORTED, "cuMemAlloc", r,
                    "two local buffers of %llu bytes to compare %s with",
                    (unsigned long long)m->size, m->what);
        goto cleanup;
    }
    for (int i = 0; i < 2 && c->d.event_elapsed_time; i++) {
        r = c->d.cu->cuEventCreate(&ev[i], 0); /* 0: with timing */
        if (r != CUDA_SUCCESS) {
            ev[i] = NULL;
            s = cu_fail(c, err, VKW_E_UNSUPPORTED, "cuEventCreate", r, "timing copies");
            goto cleanup;
        }
    }
    /* [direction][0 imported, 1 local]: write copies into the memory (L1 to
     * it, L1 to L2), read copies out of it (it to L1, L2 to L1). */
    const CUdeviceptr dst[2][2] = {{m->ptr, l2}, {l1, l1}};
    const CUdeviceptr src[2][2] = {{l1, l1}, {m->ptr, l2}};
    for (uint32_t rep = 0; rep < (repeats ? repeats : 1); rep++)
        for (int d = 0; d < 2; d++)
            for (int k = 0; k < 2; k++) {
                uint64_t took = 0;
                s = timed_copy(c, ev, dst[d][k], src[d][k], m->size, deadline, timeout_ms, &took,
                               err);
                if (c->queued >= first) /* its copies use the imported memory too */
                    m->last = c->queued;
                if (s != VKW_OK)
                    goto cleanup;
                if (ns[d][k] == 0 || took < ns[d][k])
                    ns[d][k] = took;
            }

cleanup:
    /* Kept only while a copy of this compare's may still use them. */
    if (c->queued < first || !memory_pending(c, c->queued)) {
        for (int i = 0; i < 2; i++)
            if (ev[i])
                c->d.cu->cuEventDestroy(ev[i]);
        if (l2)
            c->d.cu->cuMemFree(l2);
        if (l1)
            c->d.cu->cuMemFree(l1);
    }
    return s;
}

void vkw_cuda_memory_release(vkw_cuda_memory *m)
{
    if (!m)
        return;
    vkw_cuda *c = m->c;
    /* Freed unless a transfer of its own may still be running (the memory
     * stream wedged behind it): then left to the process's end. */
    if (!memory_pending(c, m->last)) {
        if (m->ptr)
            c->d.cu->cuMemFree(m->ptr);
        if (m->ext)
            c->d.cu->cuDestroyExternalMemory(m->ext);
        if (m->host && m->host_pinned)
            c->d.mem_free_host(m->host);
        else
            free(m->host);
    }
    free(m->pattern);
    free(m);
}

/* ---- Semaphores -------------------------------------------------------------- */

static bool timeline_mode(vkw_sync_mode mode)
{
    return mode == VKW_SYNC_HOST_TIMELINE || mode == VKW_SYNC_QUEUE_TIMELINE;
}

/* CUDA's handle type for a Vulkan semaphore handle type in this mode (a
 * timeline's OPAQUE_FD is CUDA's TIMELINE_SEMAPHORE_FD); 0: none. */
static CUexternalSemaphoreHandleType semaphore_type(vkw_sync_mode mode, const vkw_handle_type *t)
{
    bool timeline = timeline_mode(mode);
    switch (t->bit) {
    case VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT:
        return timeline ? CU_EXTERNAL_SEMAPHORE_HANDLE_TYPE_TIMELINE_SEMAPHORE_FD
                        : CU_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD;
    case VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_WIN32_BIT:
        return timeline ? CU_EXTERNAL_SEMAPHORE_HANDLE_TYPE_TIMELINE_SEMAPHORE_WIN32
                        : CU_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_WIN32;
    case VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_WIN32_KMT_BIT:
        /* CUDA's Win32 timelines take NT handles only. */
        return timeline ? (CUexternalSemaphoreHandleType)0
                        : CU_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_WIN32_KMT;
    case VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_D3D12_FENCE_BIT:
        return timeline ? CU_EXTERNAL_SEMAPHORE_HANDLE_TYPE_D3D12_FENCE
                        : (CUexternalSemaphoreHandleType)0;
    default: return (CUexternalSemaphoreHandleType)0;
    }
}

static bool fd_semaphore(CUexternalSemaphoreHandleType type)
{
    return type == CU_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD ||
           type == CU_EXTERNAL_SEMAPHORE_HANDLE_TYPE_TIMELINE_SEMAPHORE_FD;
}

vkw_status vkw_cuda_sync_supported(vkw_cuda *c, vkw_sync_mode mode, const vkw_handle_type *t,
                                   vkw_error *err)
{
    switch (mode) {
    case VKW_SYNC_HOST_TIMELINE:
    case VKW_SYNC_QUEUE_TIMELINE:
    case VKW_SYNC_QUEUE_BINARY: break;
    case VKW_SYNC_FENCE: return vkw_fail(err, VKW_E_UNSUPPORTED, "CUDA imports no Vulkan fences");
    case VKW_SYNC_GPU_CHAIN:
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "CUDA is not a side of GPU chains here (pre-submitted Vulkan batches)");
    default:
        return vkw_fail(err, VKW_E_UNSUPPORTED, "CUDA has no part in %s round trips",
                        vkw_sync_mode_name(mode));
    }
    if (!c->d.cu->cuImportExternalSemaphore || !c->d.cu->cuDestroyExternalSemaphore ||
        !c->d.cu->cuWaitExternalSemaphoresAsync || !c->d.cu->cuSignalExternalSemaphoresAsync)
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "%s has no cuImportExternalSemaphore (a driver older than CUDA 10)",
                        c->d.library);
    if (!semaphore_type(mode, t))
        return vkw_fail(err, VKW_E_UNSUPPORTED, "CUDA imports no %s %s semaphore", t->name,
                        timeline_mode(mode) ? "timeline" : "binary");
    if (!vkw_handle_family_native(t->family))
        return vkw_fail(err, VKW_E_UNSUPPORTED, "%s is a %s handle, not one of this OS", t->name,
                        vkw_handle_family_name(t->family));
    return VKW_OK;
}

vkw_status vkw_cuda_sync_import(vkw_cuda *c, vkw_sync_mode mode, const vkw_handle_type *t,
                                vkw_handle handles[2], const char *const *names, vkw_pingpong *pp,
                                vkw_cuda_sync **out, vkw_error *err)
{
    *out = NULL;
    vkw_status s = vkw_cuda_sync_supported(c, mode, t, err);
    if (s != VKW_OK)
        return s;
    if (mode == VKW_SYNC_QUEUE_BINARY && !pp)
        return vkw_fail(err, VKW_E_INVALID_ARG, "CUDA's queue-binary round trips need the OS pair");
    vkw_cuda_sync *y = calloc(1, sizeof *y);
    if (!y)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory importing %s semaphores",
                        t->name);
    y->c = c;
    y->mode = mode;
    y->pp = pp;
    CUresult r = c->d.cu->cuStreamCreate(&y->stream, CU_STREAM_NON_BLOCKING);
    if (r != CUDA_SUCCESS) {
        y->stream = NULL;
        s = cu_fail(c, err, VKW_E_UNSUPPORTED, "cuStreamCreate", r, "for %s round trips",
                    vkw_sync_mode_name(mode));
        goto cleanup;
    }
    for (int i = 0; i < 2; i++) {
        CUDA_EXTERNAL_SEMAPHORE_HANDLE_DESC hd;
        memset(&hd, 0, sizeof hd);
        hd.type = semaphore_type(mode, t);
        const char *name = names ? names[i] : NULL;
        uint16_t wide[NAME_UNITS];
        if (fd_semaphore(hd.type)) {
            hd.handle.fd = (int)handles[i];
        } else if (name && hd.type != CU_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_WIN32_KMT) {
            s = utf16_name(name, wide, NAME_UNITS, err);
            if (s != VKW_OK)
                goto cleanup;
            hd.handle.win32.name = wide;
        } else {
            hd.handle.win32.handle = (void *)handles[i]; /* not taken: the caller's */
        }
        hd.flags = 0;
        r = c->d.cu->cuImportExternalSemaphore(&y->sem[i], &hd);
        if (r != CUDA_SUCCESS) {
            y->sem[i] = NULL; /* the fd stays the caller's */
            s = cu_fail(c, err, refused(r), "cuImportExternalSemaphore", r,
                        "importing %s %s semaphore %c", t->name,
                        timeline_mode(mode) ? "timeline" : "binary", i == 0 ? 'A' : 'B');
            goto cleanup;
        }
        if (fd_semaphore(hd.type))
            handles[i] = VKW_NO_HANDLE; /* CUDA owns the fd now */
    }
    *out = y;
    y = NULL;

cleanup:
    vkw_cuda_sync_release(y, true, 0); /* nothing was queued on them */
    return s;
}

/* Queues the wait for A (to `value`: timelines; binary: its next signal)
 * and the signal of B (to `value`: timelines; binary: signalled). */
static vkw_status queue_round(vkw_cuda_sync *y, uint64_t value, vkw_error *err)
{
    vkw_cuda *c = y->c;
    CUDA_EXTERNAL_SEMAPHORE_WAIT_PARAMS wp;
    memset(&wp, 0, sizeof wp);
    wp.params.fence.value = value; /* ignored for a binary semaphore */
    wp.flags = 0;
    CUresult r = c->d.cu->cuWaitExternalSemaphoresAsync(&y->sem[0], &wp, 1, y->stream);
    if (r != CUDA_SUCCESS)
        return cu_fail(c, err, VKW_E_SHARING, "cuWaitExternalSemaphoresAsync", r,
                       "round %llu's wait for A", (unsigned long long)value);
    y->pending = true;
    CUDA_EXTERNAL_SEMAPHORE_SIGNAL_PARAMS sp;
    memset(&sp, 0, sizeof sp);
    sp.params.fence.value = value;
    sp.flags = 0;
    r = c->d.cu->cuSignalExternalSemaphoresAsync(&y->sem[1], &sp, 1, y->stream);
    if (r != CUDA_SUCCESS)
        return cu_fail(c, err, VKW_E_SHARING, "cuSignalExternalSemaphoresAsync", r,
                       "round %llu's signal of B", (unsigned long long)value);
    return VKW_OK;
}

vkw_status vkw_cuda_sync_pong(vkw_cuda_sync *y, uint64_t round, uint32_t timeout_ms, vkw_error *err)
{
    vkw_status s;
    if (y->mode != VKW_SYNC_QUEUE_BINARY) {
        s = queue_round(y, round, err);
        if (s == VKW_OK)
            s = stream_wait(y->c, y->stream, deadline_in(timeout_ms), timeout_ms, err,
                            "the wait for A and the signal of B");
        if (s == VKW_OK)
            y->pending = false;
        return s;
    }
    /* Queue-binary, as vkw_sync_pong: the OS signal says A's signal was
     * submitted; the pinger signals again only once its fence saw B's
     * signal consumed, so the last round's work here is done (or is seen
     * done at once). */
    s = vkw_pingpong_wait(y->pp, timeout_ms, err);
    if (s == VKW_OK && y->pending) {
        s = stream_wait(y->c, y->stream, deadline_in(timeout_ms), timeout_ms, err,
                        "the last round's wait for A and signal of B");
        if (s == VKW_OK)
            y->pending = false;
    }
    if (s == VKW_OK)
        s = queue_round(y, round, err);
    return s == VKW_OK ? vkw_pingpong_signal(y->pp, err) : s;
}

void vkw_cuda_sync_release(vkw_cuda_sync *y, bool succeeded, uint32_t timeout_ms)
{
    if (!y)
        return;
    vkw_cuda *c = y->c;
    if (y->pending) { /* succeeded: wait for it; else only see whether it is done */
        vkw_error ignored;
        uint32_t ms = succeeded ? timeout_ms : 0;
        if (stream_wait(c, y->stream, deadline_in(ms), ms, &ignored, "the last round") == VKW_OK)
            y->pending = false;
    }
    if (y->pending) {
        /* A queued wait for A that may never be met (the round trips failed,
         * or it outlived the timeout): destroying a semaphore a queued wait
         * uses is undefined, and cuStreamDestroy would let the stream's work
         * run on with them; so the semaphores and this pair's stream are
         * left, with the context (c->kept), to the process's end. Only they:
         * the memory stream and other pairs' streams do not wait on them. */
        c->kept++;
    } else {
        for (int i = 0; i < 2; i++)
            if (y->sem[i])
                c->d.cu->cuDestroyExternalSemaphore(y->sem[i]);
        if (y->stream)
            c->d.cu->cuStreamDestroy(y->stream);
    }
    free(y);
}
