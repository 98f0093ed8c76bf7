/* The seam between the interop probe (interop.c) and the other APIs'
 * libraries, loaded at run time. CMake picks one implementation of each:
 * interop_cuda.c (the CUDA driver API through FFmpeg's nv-codec-headers) or
 * interop_cuda_none.c, and interop_gl.c (EGL's device platform and desktop GL
 * through libepoxy) or interop_gl_none.c, where the build has not the
 * headers or the library (the Windows build). Neither call fails: what is
 * missing is the answer, in out->reason. */
#ifndef VKW_INTEROP_API_H
#define VKW_INTEROP_API_H

#include <stdint.h>

#include "report/report.h"

/* The CUDA device whose UUID is device_uuid, and what it can import. */
void vkw_interop_cuda_probe(const uint8_t device_uuid[VK_UUID_SIZE], vkw_interop_cuda *out);

/* The EGL device whose desktop GL reports device_uuid among its device UUIDs
 * and driver_uuid as its driver UUID, and its interop extensions. */
void vkw_interop_gl_probe(const uint8_t device_uuid[VK_UUID_SIZE],
                          const uint8_t driver_uuid[VK_UUID_SIZE], vkw_interop_gl *out);

#endif
