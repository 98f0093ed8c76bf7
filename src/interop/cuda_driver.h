/* CUDA's driver API, loaded at run time by FFmpeg's nv-codec-headers
 * (libcuda.so.1, nvcuda.dll: the loader's choice), which open the library
 * and find its symbols through the platform seam: what the CUDA importer
 * (cuda_import.c) and the interop probe (probes/interop_cuda.c) share.
 * Built where the headers are (CMake: VKW_FFNVCODEC_DIR). The structs,
 * flags and enums are the loader's (dynlink_cuda.h), which follow cuda.h. */
#ifndef VKW_CUDA_DRIVER_H
#define VKW_CUDA_DRIVER_H

#include <stddef.h>
#include <stdint.h>
#include <vulkan/vulkan_core.h>

#include "base/status.h"
#include "platform/platform.h"

/* The loader's hooks (its FFNV_* macros, below): LOAD_LIBRARY calls
 * FFNV_LOAD_FUNC where its log context, logctx, is in scope, and the file it
 * asks for (CUDA_LIBNAME, which the header undefines at its end) is kept
 * there for the messages, with the loader's first message ("Cannot load
 * libcuda.so.1"). */
typedef struct vkw_cuda_loader_log {
    const char *library;
    char first[200];
} vkw_cuda_loader_log;
vkw_library *vkw_cuda_loader_open(const char *path, void *log);
void vkw_cuda_loader_message(void *log, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
#define FFNV_LIB_HANDLE vkw_library *
#define FFNV_LOAD_FUNC(path) vkw_cuda_loader_open((path), logctx)
#define FFNV_SYM_FUNC(lib, sym) vkw_library_symbol((lib), (sym))
#define FFNV_FREE_FUNC(lib) vkw_library_close(lib)
#define FFNV_LOG_FUNC(logctx, msg, ...) vkw_cuda_loader_message((logctx), (msg), __VA_ARGS__)
#define FFNV_DEBUG_LOG_FUNC(logctx, msg, ...)
#include <dynlink_loader.h>

/* Functions the loader's table lacks, looked up in the same library
 * (cuda.h: cuMemAllocHost is cuMemAllocHost_v2 since CUDA 3.2). */
typedef CUresult CUDAAPI vkw_cu_driver_get_version(int *version);
typedef CUresult CUDAAPI vkw_cu_mem_alloc_host(void **pp, size_t bytes);
typedef CUresult CUDAAPI vkw_cu_mem_free_host(void *p);
typedef CUresult CUDAAPI vkw_cu_event_elapsed_time(float *ms, CUevent start, CUevent end);

typedef struct vkw_cuda_driver {
    CudaFunctions *cu;   /* cu->lib: the library */
    const char *library; /* its file name: "libcuda.so.1", "nvcuda.dll" */
    tcuDeviceGetUuid *get_uuid;
    /* optional: NULL where the library has none */
    vkw_cu_driver_get_version *driver_get_version;
    vkw_cu_mem_alloc_host *mem_alloc_host;
    vkw_cu_mem_free_host *mem_free_host;
    vkw_cu_event_elapsed_time *event_elapsed_time;
} vkw_cuda_driver;

/* Loads the library and its functions and starts the driver (cuInit(0)).
 * VKW_E_UNSUPPORTED with the reason otherwise, as the probe reports it
 * ("libcuda.so.1 not found", "Cannot load cuX from libcuda.so.1",
 * "libcuda.so.1 has no cuDeviceGetUuid", "cuInit: CUDA_ERROR_NO_DEVICE"),
 * and nothing left loaded. */
vkw_status vkw_cuda_driver_load(vkw_cuda_driver *d, vkw_error *err);
void vkw_cuda_driver_unload(vkw_cuda_driver *d); /* a zeroed d is ignored */

/* The device whose cuDeviceGetUuid is uuid: *ordinal and *dev, or *ordinal
 * -1 where none has it; *count: the devices CUDA has. VKW_E_UNSUPPORTED
 * with "cuX: CUDA_ERROR_..." where a call fails. */
vkw_status vkw_cuda_driver_find(const vkw_cuda_driver *d, const uint8_t uuid[VK_UUID_SIZE],
                                int *ordinal, CUdevice *dev, int *count, vkw_error *err);

/* "CUDA_ERROR_INVALID_VALUE" (cuGetErrorName), else "CUresult N" in buf. */
const char *vkw_cuda_result_name(const vkw_cuda_driver *d, CUresult r, char *buf, size_t len);

#endif
