/* CUDA's driver API through FFmpeg's nv-codec-headers: loading it, finding
 * Vulkan's device among CUDA's, naming CUresults (cuda_driver.h). */
#include "cuda_driver.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

vkw_library *vkw_cuda_loader_open(const char *path, void *log)
{
    vkw_cuda_loader_log *l = log;
    l->library = path;
    vkw_library *lib = NULL;
    return vkw_library_open(path, &lib, NULL) == VKW_OK ? lib : NULL;
}

void vkw_cuda_loader_message(void *log, const char *fmt, ...)
{
    vkw_cuda_loader_log *l = log;
    if (l->first[0]) /* the first message names what failed */
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->first, sizeof l->first, fmt, ap);
    va_end(ap);
    l->first[strcspn(l->first, "\n")] = '\0';
}

const char *vkw_cuda_result_name(const vkw_cuda_driver *d, CUresult r, char *buf, size_t len)
{
    const char *name = NULL;
    if (d && d->cu && d->cu->cuGetErrorName && d->cu->cuGetErrorName(r, &name) == CUDA_SUCCESS &&
        name)
        return name;
    snprintf(buf, len, "CUresult %d", (int)r);
    return buf;
}

static vkw_status failed(const vkw_cuda_driver *d, const char *call, CUresult r, vkw_error *err)
{
    char buf[32];
    return vkw_fail(err, VKW_E_UNSUPPORTED, "%s: %s", call,
                    vkw_cuda_result_name(d, r, buf, sizeof buf));
}

/* An optional symbol into a function pointer (the pointer's bytes: no
 * object-to-function cast). */
static void lookup(vkw_library *lib, const char *name, void *fn, size_t fn_size)
{
    void *sym = vkw_library_symbol(lib, name);
    if (sym && fn_size == sizeof sym)
        memcpy(fn, &sym, sizeof sym);
}

vkw_status vkw_cuda_driver_load(vkw_cuda_driver *d, vkw_error *err)
{
    memset(d, 0, sizeof *d);
    vkw_cuda_loader_log log = {.library = "the CUDA library"};
    if (cuda_load_functions(&d->cu, &log) != 0) { /* it freed what it had */
        char missing[240];
        snprintf(missing, sizeof missing, "Cannot load %s", log.library);
        if (strcmp(log.first, missing) == 0)
            return vkw_fail(err, VKW_E_UNSUPPORTED, "%s not found", log.library);
        if (!log.first[0])
            return vkw_fail(err, VKW_E_UNSUPPORTED, "loading %s failed", log.library);
        /* a symbol it lacks: "Cannot load cuX" */
        return vkw_fail(err, VKW_E_UNSUPPORTED, "%s from %s", log.first, log.library);
    }
    d->library = log.library;
    vkw_status s = VKW_OK;
    d->get_uuid = d->cu->cuDeviceGetUuid; /* optional in the loader's table */
    if (!d->get_uuid)
        lookup(d->cu->lib, "cuDeviceGetUuid", &d->get_uuid, sizeof d->get_uuid);
    lookup(d->cu->lib, "cuDriverGetVersion", &d->driver_get_version, sizeof d->driver_get_version);
    lookup(d->cu->lib, "cuMemAllocHost_v2", &d->mem_alloc_host, sizeof d->mem_alloc_host);
    lookup(d->cu->lib, "cuMemFreeHost", &d->mem_free_host, sizeof d->mem_free_host);
    lookup(d->cu->lib, "cuEventElapsedTime", &d->event_elapsed_time, sizeof d->event_elapsed_time);
    if (!d->get_uuid) {
        s = vkw_fail(err, VKW_E_UNSUPPORTED, "%s has no cuDeviceGetUuid", d->library);
        goto cleanup;
    }
    CUresult r = d->cu->cuInit(0);
    if (r != CUDA_SUCCESS)
        s = failed(d, "cuInit", r, err);

cleanup:
    if (s != VKW_OK)
        vkw_cuda_driver_unload(d);
    return s;
}

void vkw_cuda_driver_unload(vkw_cuda_driver *d)
{
    cuda_free_functions(&d->cu);
    memset(d, 0, sizeof *d);
}

vkw_status vkw_cuda_driver_find(const vkw_cuda_driver *d, const uint8_t uuid[VK_UUID_SIZE],
                                int *ordinal, CUdevice *dev, int *count, vkw_error *err)
{
    *ordinal = -1;
    *count = 0;
    CUresult r = d->cu->cuDeviceGetCount(count);
    if (r != CUDA_SUCCESS)
        return failed(d, "cuDeviceGetCount", r, err);
    for (int i = 0; i < *count; i++) {
        CUdevice candidate;
        CUuuid id;
        r = d->cu->cuDeviceGet(&candidate, i);
        if (r != CUDA_SUCCESS)
            return failed(d, "cuDeviceGet", r, err);
        r = d->get_uuid(&id, candidate);
        if (r != CUDA_SUCCESS)
            return failed(d, "cuDeviceGetUuid", r, err);
        if (memcmp(id.bytes, uuid, VK_UUID_SIZE) == 0) {
            *ordinal = i;
            *dev = candidate;
            return VKW_OK;
        }
    }
    return VKW_OK;
}
