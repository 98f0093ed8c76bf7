/* The CUDA side of the interop seam: the driver API, loaded at run time by
 * FFmpeg's nv-codec-headers (libcuda.so.1, nvcuda.dll), as
 * interop/cuda_driver.h loads it for the bench's importer too. The handle
 * types listed are CUDA's documented support on this OS: CUDA has no query
 * for what it imports, so this is its documentation's word, not a driver's
 * answer (the report says so). */
#include "interop_api.h"

#include <stdio.h>
#include <string.h>

#include "interop/cuda_driver.h"
#include "platform/platform.h"

static void add_type(vkw_interop_types *t, const char *name)
{
    if (t->count < VKW_INTEROP_TYPE_MAX)
        snprintf(t->names[t->count++], sizeof t->names[0], "%s", name);
}

static void not_available(vkw_interop_cuda *out, const char *reason)
{
    out->state = VKW_INTEROP_NOT_AVAILABLE;
    snprintf(out->reason, sizeof out->reason, "%.*s", (int)sizeof out->reason - 1, reason);
}

void vkw_interop_cuda_probe(const uint8_t device_uuid[VK_UUID_SIZE], vkw_interop_cuda *out)
{
    vkw_cuda_driver d;
    vkw_error err;
    memset(out, 0, sizeof *out);

    if (vkw_cuda_driver_load(&d, &err) != VKW_OK) { /* "libcuda.so.1 not found", ... */
        not_available(out, err.message);
        return;
    }
    int ordinal = -1, count = 0;
    CUdevice dev = 0;
    if (vkw_cuda_driver_find(&d, device_uuid, &ordinal, &dev, &count, &err) != VKW_OK) {
        not_available(out, err.message);
        goto cleanup;
    }
    if (ordinal < 0) {
        out->state = VKW_INTEROP_NOT_AVAILABLE;
        snprintf(out->reason, sizeof out->reason, "no CUDA device has this UUID (%d CUDA device%s)",
                 count, count == 1 ? "" : "s");
        goto cleanup;
    }
    CUresult r = d.cu->cuDeviceGetName(out->name, (int)sizeof out->name, dev);
    if (r != CUDA_SUCCESS) {
        char buf[32];
        out->state = VKW_INTEROP_NOT_AVAILABLE;
        snprintf(out->reason, sizeof out->reason, "cuDeviceGetName: %s",
                 vkw_cuda_result_name(&d, r, buf, sizeof buf));
        goto cleanup;
    }
    out->name[sizeof out->name - 1] = '\0';
    out->state = VKW_INTEROP_AVAILABLE;
    out->ordinal = (uint32_t)ordinal;
    /* CUDA's documented external handle types (cuImportExternalMemory,
     * cuImportExternalSemaphore), by Vulkan's names. Linux: opaque fds;
     * timeline semaphores as CU_EXTERNAL_SEMAPHORE_HANDLE_TYPE_TIMELINE_SEMAPHORE_FD.
     * Windows: NT and KMT handles, D3D12 heaps and resources, D3D12 fences
     * (binary waits and signals on a fence take values; timelines as
     * TIMELINE_SEMAPHORE_WIN32 from an NT handle). */
    if (vkw_platform_os() == VKW_OS_WINDOWS) {
        static const char *const memory[] = {"OPAQUE_WIN32", "OPAQUE_WIN32_KMT", "D3D12_HEAP",
                                             "D3D12_RESOURCE"};
        for (size_t i = 0; i < sizeof memory / sizeof memory[0]; i++)
            add_type(&out->memory, memory[i]);
        add_type(&out->binary_semaphore, "OPAQUE_WIN32");
        add_type(&out->binary_semaphore, "OPAQUE_WIN32_KMT");
        add_type(&out->binary_semaphore, "D3D12_FENCE");
        add_type(&out->timeline_semaphore, "OPAQUE_WIN32");
        add_type(&out->timeline_semaphore, "D3D12_FENCE");
    } else {
        add_type(&out->memory, "OPAQUE_FD");
        add_type(&out->binary_semaphore, "OPAQUE_FD");
        add_type(&out->timeline_semaphore, "OPAQUE_FD");
    }

cleanup:
    vkw_cuda_driver_unload(&d);
}
