/* The GL side of the interop seam: EGL's device platform (no display
 * needed), a surfaceless (or 1x1 pbuffer) desktop GL context on each EGL
 * device, and the GL device whose GL_DEVICE_UUID_EXT / GL_DRIVER_UUID_EXT are
 * Vulkan's. Through libepoxy, which loads libEGL and libGL at first use; it
 * gives up the process when they are missing, so the probe opens them first
 * and answers "not found" itself (src/interop/egl_device.h, shared with the
 * bench's GL importer). Built on POSIX only (CMake). */
#include "interop_api.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "interop/egl_device.h"

static void say(char *buf, size_t len, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void say(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

/* What desktop GL on one EGL device says; true when it could be asked. */
static bool ask_device(EGLDeviceEXT device, vkw_interop_gl *g, char *why, size_t len)
{
    vkw_egl_context c;
    bool ok = false;
    if (!vkw_egl_context_open(device, &c, why, len))
        goto cleanup;

    const char *s = (const char *)glGetString(GL_VENDOR);
    snprintf(g->vendor, sizeof g->vendor, "%s", s ? s : "");
    s = (const char *)glGetString(GL_RENDERER);
    snprintf(g->renderer, sizeof g->renderer, "%s", s ? s : "");
    s = (const char *)glGetString(GL_VERSION);
    snprintf(g->version, sizeof g->version, "%s", s ? s : "");
    GLenum e = glGetError();
    if (e != GL_NO_ERROR) {
        say(why, len, "glGetString: %s", vkw_gl_error_name(e));
        goto cleanup;
    }
    for (size_t i = 0; i < VKW_GL_INTEROP_EXTENSION_COUNT; i++)
        g->extensions[i] = epoxy_has_gl_extension(vkw_gl_interop_extensions[i]);
    if (!g->extensions[0]) { /* GL_EXT_memory_object: the UUID queries come with it */
        say(why, len, "%s (%s) offers no GL_EXT_memory_object, so no UUIDs to match", g->renderer,
            g->version);
        ok = true;
        goto cleanup;
    }
    ok = vkw_gl_read_uuids(g->device_uuids, VKW_INTEROP_UUID_MAX, &g->device_uuid_count,
                           g->driver_uuid, why, len);

cleanup:
    vkw_egl_context_close(&c);
    return ok;
}

static void find_device(const uint8_t device_uuid[VK_UUID_SIZE],
                        const uint8_t driver_uuid[VK_UUID_SIZE], vkw_interop_gl *out)
{
    EGLDeviceEXT devices[VKW_EGL_MAX_DEVICES];
    EGLint count = 0;
    if (!vkw_egl_devices(devices, &count, out->reason, sizeof out->reason))
        return;
    out->egl_device_count = (uint32_t)count;
    char tried[sizeof out->reason] = "";
    size_t used = 0;
    for (EGLint i = 0; i < count; i++) {
        vkw_interop_gl g = {0};
        char why[160] = "";
        if (ask_device(devices[i], &g, why, sizeof why) && !why[0]) {
            uint32_t n = g.device_uuid_count < VKW_INTEROP_UUID_MAX ? g.device_uuid_count
                                                                    : VKW_INTEROP_UUID_MAX;
            if (vkw_gl_uuids_match((const uint8_t(*)[VKW_GL_UUID_SIZE])g.device_uuids, n,
                                   g.driver_uuid, device_uuid, driver_uuid)) {
                g.state = VKW_INTEROP_AVAILABLE;
                g.egl_device = (uint32_t)i;
                g.egl_device_count = (uint32_t)count;
                *out = g;
                return;
            }
            say(why, sizeof why, "%s: other device or driver UUIDs", g.renderer);
        }
        if (used < sizeof tried) {
            int w = snprintf(tried + used, sizeof tried - used, "%sEGL device %d: %s",
                             i ? "; " : "", (int)i, why);
            if (w > 0)
                used += (size_t)w;
        }
    }
    say(out->reason, sizeof out->reason, "no GL with this device's UUIDs (%s)", tried);
}

void vkw_interop_gl_probe(const uint8_t device_uuid[VK_UUID_SIZE],
                          const uint8_t driver_uuid[VK_UUID_SIZE], vkw_interop_gl *out)
{
    memset(out, 0, sizeof *out);
    out->state = VKW_INTEROP_NOT_AVAILABLE;
    /* libepoxy ends the process where these do not load: asked first. */
    vkw_egl_libs libs;
    if (!vkw_egl_libs_open(&libs, out->reason, sizeof out->reason))
        return;
    find_device(device_uuid, driver_uuid, out);
    vkw_egl_libs_close(&libs);
}
