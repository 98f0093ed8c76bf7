/* Probe: the same device through other APIs. Is there a CUDA device with
 * Vulkan's deviceUUID, and a desktop GL (EGL's device platform) whose device
 * and driver UUIDs are Vulkan's, and which handle types and GL interop
 * extensions each offers. A missing library, device or match is an answer
 * ("not available: why"), never a failure of the probe. */
#include "probe.h"

#include <stdio.h>

#include "interop_api.h"

static vkw_status run(const vkw_probe_ctx *ctx, vkw_device_report *dev, vkw_error *err)
{
    (void)ctx;
    (void)err;
    if (!dev->has_id_properties) {
        static const char why[] = "the Vulkan device reports no deviceUUID/driverUUID to match";
        dev->interop_cuda.state = VKW_INTEROP_NOT_AVAILABLE;
        snprintf(dev->interop_cuda.reason, sizeof dev->interop_cuda.reason, "%s", why);
        dev->interop_gl.state = VKW_INTEROP_NOT_AVAILABLE;
        snprintf(dev->interop_gl.reason, sizeof dev->interop_gl.reason, "%s", why);
        return VKW_OK;
    }
    vkw_interop_cuda_probe(dev->device_uuid, &dev->interop_cuda);
    vkw_interop_gl_probe(dev->device_uuid, dev->driver_uuid, &dev->interop_gl);
    return VKW_OK;
}

const vkw_probe vkw_probe_interop = {"interop", run};
