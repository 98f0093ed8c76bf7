/* The GL side of the interop seam: EGL's device platform (no display
 * needed), a surfaceless (or 1x1 pbuffer) desktop GL context on each EGL
 * device, and the GL device whose GL_DEVICE_UUID_EXT / GL_DRIVER_UUID_EXT are
 * Vulkan's. Through libepoxy, which loads libEGL and libGL at first use; it
 * gives up the process when they are missing, so the probe opens them first
 * and answers "not found" itself. Built on POSIX only (CMake). */
#include "interop_api.h"

#include <dlfcn.h>
#include <epoxy/egl.h>
#include <epoxy/gl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_EGL_DEVICES 16

static const char *egl_error_name(EGLint e)
{
    switch (e) {
    case EGL_SUCCESS: return "EGL_SUCCESS";
    case EGL_NOT_INITIALIZED: return "EGL_NOT_INITIALIZED";
    case EGL_BAD_ACCESS: return "EGL_BAD_ACCESS";
    case EGL_BAD_ALLOC: return "EGL_BAD_ALLOC";
    case EGL_BAD_ATTRIBUTE: return "EGL_BAD_ATTRIBUTE";
    case EGL_BAD_CONFIG: return "EGL_BAD_CONFIG";
    case EGL_BAD_CONTEXT: return "EGL_BAD_CONTEXT";
    case EGL_BAD_CURRENT_SURFACE: return "EGL_BAD_CURRENT_SURFACE";
    case EGL_BAD_DISPLAY: return "EGL_BAD_DISPLAY";
    case EGL_BAD_MATCH: return "EGL_BAD_MATCH";
    case EGL_BAD_NATIVE_PIXMAP: return "EGL_BAD_NATIVE_PIXMAP";
    case EGL_BAD_NATIVE_WINDOW: return "EGL_BAD_NATIVE_WINDOW";
    case EGL_BAD_PARAMETER: return "EGL_BAD_PARAMETER";
    case EGL_BAD_SURFACE: return "EGL_BAD_SURFACE";
    case EGL_CONTEXT_LOST: return "EGL_CONTEXT_LOST";
    case EGL_BAD_DEVICE_EXT: return "EGL_BAD_DEVICE_EXT";
    default: return "an unknown EGL error";
    }
}

static const char *gl_error_name(GLenum e)
{
    switch (e) {
    case GL_NO_ERROR: return "GL_NO_ERROR";
    case GL_INVALID_ENUM: return "GL_INVALID_ENUM";
    case GL_INVALID_VALUE: return "GL_INVALID_VALUE";
    case GL_INVALID_OPERATION: return "GL_INVALID_OPERATION";
    case GL_STACK_OVERFLOW: return "GL_STACK_OVERFLOW";
    case GL_STACK_UNDERFLOW: return "GL_STACK_UNDERFLOW";
    case GL_OUT_OF_MEMORY: return "GL_OUT_OF_MEMORY";
    case GL_INVALID_FRAMEBUFFER_OPERATION: return "GL_INVALID_FRAMEBUFFER_OPERATION";
    case GL_CONTEXT_LOST: return "GL_CONTEXT_LOST";
    default: return "an unknown GL error";
    }
}

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

/* Whether a space-separated extension string names ext. */
static bool has_word(const char *list, const char *ext)
{
    size_t n = strlen(ext);
    for (const char *p = list; p && (p = strstr(p, ext)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

/* A GL call's error by name; false (with why) when it raised one. */
static bool gl_ok(const char *call, char *why, size_t len)
{
    GLenum e = glGetError();
    if (e == GL_NO_ERROR)
        return true;
    say(why, len, "%s: %s", call, gl_error_name(e));
    return false;
}

/* What desktop GL on one EGL device says; true when it could be asked. */
static bool ask_device(EGLDeviceEXT device, vkw_interop_gl *g, char *why, size_t len)
{
    EGLDisplay dpy = EGL_NO_DISPLAY;
    EGLContext ctx = EGL_NO_CONTEXT;
    EGLSurface surf = EGL_NO_SURFACE;
    bool initialized = false, current = false, ok = false;

    dpy = eglGetPlatformDisplayEXT(EGL_PLATFORM_DEVICE_EXT, device, NULL);
    if (dpy == EGL_NO_DISPLAY) {
        say(why, len, "eglGetPlatformDisplayEXT: %s", egl_error_name(eglGetError()));
        goto cleanup;
    }
    EGLint major = 0, minor = 0;
    if (!eglInitialize(dpy, &major, &minor)) {
        say(why, len, "eglInitialize: %s", egl_error_name(eglGetError()));
        goto cleanup;
    }
    initialized = true;
    if (!eglBindAPI(EGL_OPENGL_API)) {
        say(why, len, "eglBindAPI(EGL_OPENGL_API): %s", egl_error_name(eglGetError()));
        goto cleanup;
    }
    bool surfaceless = has_word(eglQueryString(dpy, EGL_EXTENSIONS), "EGL_KHR_surfaceless_context");
    const EGLint attribs[] = {EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_SURFACE_TYPE,
                              surfaceless ? 0 : EGL_PBUFFER_BIT, EGL_NONE};
    EGLConfig config;
    EGLint configs = 0;
    if (!eglChooseConfig(dpy, attribs, &config, 1, &configs)) {
        say(why, len, "eglChooseConfig: %s", egl_error_name(eglGetError()));
        goto cleanup;
    }
    if (configs == 0) {
        say(why, len, "eglChooseConfig: no config renders desktop GL%s",
            surfaceless ? "" : " to a pbuffer");
        goto cleanup;
    }
    ctx = eglCreateContext(dpy, config, EGL_NO_CONTEXT, NULL);
    if (ctx == EGL_NO_CONTEXT) {
        say(why, len, "eglCreateContext: %s", egl_error_name(eglGetError()));
        goto cleanup;
    }
    if (!surfaceless) {
        const EGLint pb[] = {EGL_WIDTH, 1, EGL_HEIGHT, 1, EGL_NONE};
        surf = eglCreatePbufferSurface(dpy, config, pb);
        if (surf == EGL_NO_SURFACE) {
            say(why, len, "eglCreatePbufferSurface: %s", egl_error_name(eglGetError()));
            goto cleanup;
        }
    }
    if (!eglMakeCurrent(dpy, surf, surf, ctx)) {
        say(why, len, "eglMakeCurrent: %s", egl_error_name(eglGetError()));
        goto cleanup;
    }
    current = true;

    const char *s = (const char *)glGetString(GL_VENDOR);
    snprintf(g->vendor, sizeof g->vendor, "%s", s ? s : "");
    s = (const char *)glGetString(GL_RENDERER);
    snprintf(g->renderer, sizeof g->renderer, "%s", s ? s : "");
    s = (const char *)glGetString(GL_VERSION);
    snprintf(g->version, sizeof g->version, "%s", s ? s : "");
    if (!gl_ok("glGetString", why, len))
        goto cleanup;
    for (size_t i = 0; i < VKW_GL_INTEROP_EXTENSION_COUNT; i++)
        g->extensions[i] = epoxy_has_gl_extension(vkw_gl_interop_extensions[i]);
    if (!g->extensions[0]) { /* GL_EXT_memory_object: the UUID queries come with it */
        say(why, len, "%s (%s) offers no GL_EXT_memory_object, so no UUIDs to match", g->renderer,
            g->version);
        ok = true;
        goto cleanup;
    }
    GLint n = 0;
    glGetIntegerv(GL_NUM_DEVICE_UUIDS_EXT, &n);
    if (!gl_ok("glGetIntegerv(GL_NUM_DEVICE_UUIDS_EXT)", why, len))
        goto cleanup;
    g->device_uuid_count = n > 0 ? (uint32_t)n : 0;
    for (uint32_t i = 0; i < g->device_uuid_count && i < VKW_INTEROP_UUID_MAX; i++) {
        glGetUnsignedBytei_vEXT(GL_DEVICE_UUID_EXT, i, g->device_uuids[i]);
        if (!gl_ok("glGetUnsignedBytei_vEXT(GL_DEVICE_UUID_EXT)", why, len))
            goto cleanup;
    }
    glGetUnsignedBytevEXT(GL_DRIVER_UUID_EXT, g->driver_uuid);
    if (!gl_ok("glGetUnsignedBytevEXT(GL_DRIVER_UUID_EXT)", why, len))
        goto cleanup;
    ok = true;

cleanup:
    if (current)
        eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    if (surf != EGL_NO_SURFACE)
        eglDestroySurface(dpy, surf);
    if (ctx != EGL_NO_CONTEXT)
        eglDestroyContext(dpy, ctx);
    if (initialized)
        eglTerminate(dpy);
    return ok;
}

static bool same_device(const vkw_interop_gl *g, const uint8_t device_uuid[VK_UUID_SIZE],
                        const uint8_t driver_uuid[VK_UUID_SIZE])
{
    if (memcmp(g->driver_uuid, driver_uuid, VK_UUID_SIZE) != 0)
        return false;
    for (uint32_t i = 0; i < g->device_uuid_count && i < VKW_INTEROP_UUID_MAX; i++)
        if (memcmp(g->device_uuids[i], device_uuid, VK_UUID_SIZE) == 0)
            return true;
    return false;
}

static void find_device(const uint8_t device_uuid[VK_UUID_SIZE],
                        const uint8_t driver_uuid[VK_UUID_SIZE], vkw_interop_gl *out)
{
    const char *client = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
    if (!client) {
        say(out->reason, sizeof out->reason,
            "eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS): %s (no client extensions)",
            egl_error_name(eglGetError()));
        return;
    }
    static const char *const needed[] = {"EGL_EXT_device_enumeration", "EGL_EXT_platform_device"};
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
        if (!has_word(client, needed[i]) && !(i == 0 && has_word(client, "EGL_EXT_device_base"))) {
            say(out->reason, sizeof out->reason, "EGL offers no %s", needed[i]);
            return;
        }
    EGLDeviceEXT devices[MAX_EGL_DEVICES];
    EGLint count = 0;
    if (!eglQueryDevicesEXT(MAX_EGL_DEVICES, devices, &count)) {
        say(out->reason, sizeof out->reason, "eglQueryDevicesEXT: %s",
            egl_error_name(eglGetError()));
        return;
    }
    if (count <= 0) {
        say(out->reason, sizeof out->reason, "eglQueryDevicesEXT lists no EGL device");
        return;
    }
    out->egl_device_count = (uint32_t)count;
    char tried[sizeof out->reason] = "";
    size_t used = 0;
    for (EGLint i = 0; i < count; i++) {
        vkw_interop_gl g = {0};
        char why[160] = "";
        if (ask_device(devices[i], &g, why, sizeof why) && !why[0]) {
            if (same_device(&g, device_uuid, driver_uuid)) {
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
    void *egl = dlopen("libEGL.so.1", RTLD_LAZY | RTLD_LOCAL);
    void *gl = dlopen("libOpenGL.so.0", RTLD_LAZY | RTLD_LOCAL);
    if (!gl)
        gl = dlopen("libGL.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (!egl)
        say(out->reason, sizeof out->reason, "libEGL.so.1 not found");
    else if (!gl)
        say(out->reason, sizeof out->reason, "libOpenGL.so.0 and libGL.so.1 not found");
    else
        find_device(device_uuid, driver_uuid, out);
    if (gl)
        dlclose(gl);
    if (egl)
        dlclose(egl);
}
