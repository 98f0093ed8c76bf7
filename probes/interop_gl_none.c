/* The GL side of the interop seam where the build has no GL loader (CMake
 * chose this file: VKW_INTEROP_GL_MISSING says why). */
#include "interop_api.h"

#include <stdio.h>

void vkw_interop_gl_probe(const uint8_t device_uuid[VK_UUID_SIZE],
                          const uint8_t driver_uuid[VK_UUID_SIZE], vkw_interop_gl *out)
{
    (void)device_uuid;
    (void)driver_uuid;
    out->state = VKW_INTEROP_NOT_AVAILABLE;
    snprintf(out->reason, sizeof out->reason, "%s", VKW_INTEROP_GL_MISSING);
}
