/* The CUDA side of the interop seam: the driver API, loaded at run time by
 * FFmpeg's nv-codec-headers (libcuda.so.1). Built on POSIX only (CMake), so
 * the handle types listed are CUDA's documented support on Linux: CUDA has no
 * query for what it imports, so this is its documentation's word, not a
 * driver's answer (the report says so). */
#include "interop_api.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The loader's messages ("Cannot load libcuda.so.1") become the reason. */
static void loader_message(void *ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
#define FFNV_LOG_FUNC(logctx, msg, ...) loader_message((logctx), (msg), __VA_ARGS__)
#define FFNV_DEBUG_LOG_FUNC(logctx, msg, ...)
#include <ffnvcodec/dynlink_loader.h>

#define CUDA_LIBRARY "libcuda.so.1" /* the loader's name for it on POSIX */

static void loader_message(void *ctx, const char *fmt, ...)
{
    vkw_interop_cuda *out = ctx;
    if (out->reason[0]) /* the first message names what failed */
        return;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    msg[strcspn(msg, "\n")] = '\0';
    snprintf(out->reason, sizeof out->reason, "%s", msg);
}

static void add_type(vkw_interop_types *t, const char *name)
{
    if (t->count < VKW_INTEROP_TYPE_MAX)
        snprintf(t->names[t->count++], sizeof t->names[0], "%s", name);
}

static void not_available(vkw_interop_cuda *out, const CudaFunctions *cu, const char *call,
                          CUresult r)
{
    const char *name = NULL;
    if (cu && cu->cuGetErrorName && cu->cuGetErrorName(r, &name) != CUDA_SUCCESS)
        name = NULL;
    out->state = VKW_INTEROP_NOT_AVAILABLE;
    if (name)
        snprintf(out->reason, sizeof out->reason, "%s: %s", call, name);
    else
        snprintf(out->reason, sizeof out->reason, "%s: CUresult %d", call, (int)r);
}

void vkw_interop_cuda_probe(const uint8_t device_uuid[VK_UUID_SIZE], vkw_interop_cuda *out)
{
    CudaFunctions *cu = NULL;
    memset(out, 0, sizeof *out);

    if (cuda_load_functions(&cu, out) != 0) {
        out->state = VKW_INTEROP_NOT_AVAILABLE;
        if (strcmp(out->reason, "Cannot load " CUDA_LIBRARY) == 0)
            snprintf(out->reason, sizeof out->reason, "%s not found", CUDA_LIBRARY);
        else if (!out->reason[0])
            snprintf(out->reason, sizeof out->reason, "loading %s failed", CUDA_LIBRARY);
        else /* a symbol it lacks: "Cannot load cuX" */
            snprintf(out->reason + strlen(out->reason), sizeof out->reason - strlen(out->reason),
                     " from %s", CUDA_LIBRARY);
        goto cleanup;
    }
    tcuDeviceGetUuid *get_uuid = cu->cuDeviceGetUuid;
    if (!get_uuid) { /* optional in the loader's table: asked of the same library */
        void *sym = FFNV_SYM_FUNC(cu->lib, "cuDeviceGetUuid");
        if (sym) /* POSIX: a data pointer that dlsym returns is the function's address */
            memcpy(&get_uuid, &sym, sizeof get_uuid);
    }
    if (!get_uuid) {
        out->state = VKW_INTEROP_NOT_AVAILABLE;
        snprintf(out->reason, sizeof out->reason, "%s has no cuDeviceGetUuid", CUDA_LIBRARY);
        goto cleanup;
    }
    CUresult r = cu->cuInit(0);
    if (r != CUDA_SUCCESS) {
        not_available(out, cu, "cuInit", r);
        goto cleanup;
    }
    int count = 0;
    r = cu->cuDeviceGetCount(&count);
    if (r != CUDA_SUCCESS) {
        not_available(out, cu, "cuDeviceGetCount", r);
        goto cleanup;
    }
    for (int i = 0; i < count; i++) {
        CUdevice d;
        CUuuid uuid;
        r = cu->cuDeviceGet(&d, i);
        if (r != CUDA_SUCCESS) {
            not_available(out, cu, "cuDeviceGet", r);
            goto cleanup;
        }
        r = get_uuid(&uuid, d);
        if (r != CUDA_SUCCESS) {
            not_available(out, cu, "cuDeviceGetUuid", r);
            goto cleanup;
        }
        if (memcmp(uuid.bytes, device_uuid, VK_UUID_SIZE) != 0)
            continue;
        r = cu->cuDeviceGetName(out->name, (int)sizeof out->name, d);
        if (r != CUDA_SUCCESS) {
            not_available(out, cu, "cuDeviceGetName", r);
            goto cleanup;
        }
        out->name[sizeof out->name - 1] = '\0';
        out->state = VKW_INTEROP_AVAILABLE;
        out->ordinal = (uint32_t)i;
        /* CUDA's documented external handle types on Linux (cuImportExternalMemory,
         * cuImportExternalSemaphore): opaque fds; timeline semaphores as
         * CU_EXTERNAL_SEMAPHORE_HANDLE_TYPE_TIMELINE_SEMAPHORE_FD. */
        add_type(&out->memory, "OPAQUE_FD");
        add_type(&out->binary_semaphore, "OPAQUE_FD");
        add_type(&out->timeline_semaphore, "OPAQUE_FD");
        goto cleanup;
    }
    out->state = VKW_INTEROP_NOT_AVAILABLE;
    snprintf(out->reason, sizeof out->reason, "no CUDA device has this UUID (%d CUDA device%s)",
             count, count == 1 ? "" : "s");

cleanup:
    cuda_free_functions(&cu);
}
