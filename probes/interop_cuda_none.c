/* The CUDA side of the interop seam where the build has no CUDA loader
 * (CMake chose this file: VKW_INTEROP_CUDA_MISSING says why). */
#include "interop_api.h"

#include <stdio.h>

void vkw_interop_cuda_probe(const uint8_t device_uuid[VK_UUID_SIZE], vkw_interop_cuda *out)
{
    (void)device_uuid;
    out->state = VKW_INTEROP_NOT_AVAILABLE;
    snprintf(out->reason, sizeof out->reason, "%s", VKW_INTEROP_CUDA_MISSING);
}
