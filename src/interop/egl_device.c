#include "egl_device.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "platform/platform.h"

const char *vkw_egl_error_name(EGLint e)
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

const char *vkw_gl_error_name(GLenum e)
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

bool vkw_egl_has_word(const char *list, const char *ext)
{
    size_t n = strlen(ext);
    for (const char *p = list; p && (p = strstr(p, ext)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

bool vkw_egl_libs_open(vkw_egl_libs *l, char *why, size_t len)
{
    /* The platform's reasons are not kept: the messages below are the
     * probe's own. */
    l->egl = l->gl = NULL;
    if (vkw_library_open("libEGL.so.1", &l->egl, NULL) != VKW_OK)
        l->egl = NULL;
    if (vkw_library_open("libOpenGL.so.0", &l->gl, NULL) != VKW_OK &&
        vkw_library_open("libGL.so.1", &l->gl, NULL) != VKW_OK)
        l->gl = NULL;
    if (l->egl && l->gl)
        return true;
    if (!l->egl)
        say(why, len, "libEGL.so.1 not found");
    else
        say(why, len, "libOpenGL.so.0 and libGL.so.1 not found");
    vkw_egl_libs_close(l);
    return false;
}

void vkw_egl_libs_close(vkw_egl_libs *l)
{
    if (l->gl)
        vkw_library_close(l->gl);
    if (l->egl)
        vkw_library_close(l->egl);
    l->gl = l->egl = NULL;
}

bool vkw_egl_devices(EGLDeviceEXT devices[VKW_EGL_MAX_DEVICES], EGLint *count, char *why,
                     size_t len)
{
    *count = 0;
    const char *client = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
    if (!client) {
        say(why, len, "eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS): %s (no client extensions)",
            vkw_egl_error_name(eglGetError()));
        return false;
    }
    static const char *const needed[] = {"EGL_EXT_device_enumeration", "EGL_EXT_platform_device"};
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
        if (!vkw_egl_has_word(client, needed[i]) &&
            !(i == 0 && vkw_egl_has_word(client, "EGL_EXT_device_base"))) {
            say(why, len, "EGL offers no %s", needed[i]);
            return false;
        }
    EGLint n = 0;
    if (!eglQueryDevicesEXT(VKW_EGL_MAX_DEVICES, devices, &n)) {
        say(why, len, "eglQueryDevicesEXT: %s", vkw_egl_error_name(eglGetError()));
        return false;
    }
    if (n <= 0) {
        say(why, len, "eglQueryDevicesEXT lists no EGL device");
        return false;
    }
    *count = n;
    return true;
}

bool vkw_egl_context_open(EGLDeviceEXT device, vkw_egl_context *c, char *why, size_t len)
{
    *c = (vkw_egl_context){EGL_NO_DISPLAY, EGL_NO_CONTEXT, EGL_NO_SURFACE, false, false};
    c->dpy = eglGetPlatformDisplayEXT(EGL_PLATFORM_DEVICE_EXT, device, NULL);
    if (c->dpy == EGL_NO_DISPLAY) {
        say(why, len, "eglGetPlatformDisplayEXT: %s", vkw_egl_error_name(eglGetError()));
        return false;
    }
    EGLint major = 0, minor = 0;
    if (!eglInitialize(c->dpy, &major, &minor)) {
        say(why, len, "eglInitialize: %s", vkw_egl_error_name(eglGetError()));
        return false;
    }
    c->initialized = true;
    if (!eglBindAPI(EGL_OPENGL_API)) {
        say(why, len, "eglBindAPI(EGL_OPENGL_API): %s", vkw_egl_error_name(eglGetError()));
        return false;
    }
    bool surfaceless =
        vkw_egl_has_word(eglQueryString(c->dpy, EGL_EXTENSIONS), "EGL_KHR_surfaceless_context");
    const EGLint attribs[] = {EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_SURFACE_TYPE,
                              surfaceless ? 0 : EGL_PBUFFER_BIT, EGL_NONE};
    EGLConfig config;
    EGLint configs = 0;
    if (!eglChooseConfig(c->dpy, attribs, &config, 1, &configs)) {
        say(why, len, "eglChooseConfig: %s", vkw_egl_error_name(eglGetError()));
        return false;
    }
    if (configs == 0) {
        say(why, len, "eglChooseConfig: no config renders desktop GL%s",
            surfaceless ? "" : " to a pbuffer");
        return false;
    }
    c->ctx = eglCreateContext(c->dpy, config, EGL_NO_CONTEXT, NULL);
    if (c->ctx == EGL_NO_CONTEXT) {
        say(why, len, "eglCreateContext: %s", vkw_egl_error_name(eglGetError()));
        return false;
    }
    if (!surfaceless) {
        const EGLint pb[] = {EGL_WIDTH, 1, EGL_HEIGHT, 1, EGL_NONE};
        c->surf = eglCreatePbufferSurface(c->dpy, config, pb);
        if (c->surf == EGL_NO_SURFACE) {
            say(why, len, "eglCreatePbufferSurface: %s", vkw_egl_error_name(eglGetError()));
            return false;
        }
    }
    if (!eglMakeCurrent(c->dpy, c->surf, c->surf, c->ctx)) {
        say(why, len, "eglMakeCurrent: %s", vkw_egl_error_name(eglGetError()));
        return false;
    }
    c->current = true;
    return true;
}

void vkw_egl_context_close(vkw_egl_context *c)
{
    if (c->current)
        eglMakeCurrent(c->dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    if (c->surf != EGL_NO_SURFACE)
        eglDestroySurface(c->dpy, c->surf);
    if (c->ctx != EGL_NO_CONTEXT)
        eglDestroyContext(c->dpy, c->ctx);
    if (c->initialized)
        eglTerminate(c->dpy);
    *c = (vkw_egl_context){EGL_NO_DISPLAY, EGL_NO_CONTEXT, EGL_NO_SURFACE, false, false};
}

/* A GL call's error by name; false (with why) when it raised one. */
static bool gl_ok(const char *call, char *why, size_t len)
{
    GLenum e = glGetError();
    if (e == GL_NO_ERROR)
        return true;
    say(why, len, "%s: %s", call, vkw_gl_error_name(e));
    return false;
}

bool vkw_gl_read_uuids(uint8_t (*device)[VKW_GL_UUID_SIZE], uint32_t max, uint32_t *count,
                       uint8_t driver[VKW_GL_UUID_SIZE], char *why, size_t len)
{
    GLint n = 0;
    glGetIntegerv(GL_NUM_DEVICE_UUIDS_EXT, &n);
    if (!gl_ok("glGetIntegerv(GL_NUM_DEVICE_UUIDS_EXT)", why, len))
        return false;
    *count = n > 0 ? (uint32_t)n : 0;
    for (uint32_t i = 0; i < *count && i < max; i++) {
        glGetUnsignedBytei_vEXT(GL_DEVICE_UUID_EXT, i, device[i]);
        if (!gl_ok("glGetUnsignedBytei_vEXT(GL_DEVICE_UUID_EXT)", why, len))
            return false;
    }
    glGetUnsignedBytevEXT(GL_DRIVER_UUID_EXT, driver);
    return gl_ok("glGetUnsignedBytevEXT(GL_DRIVER_UUID_EXT)", why, len);
}

bool vkw_gl_uuids_match(const uint8_t (*device)[VKW_GL_UUID_SIZE], uint32_t count,
                        const uint8_t driver[VKW_GL_UUID_SIZE],
                        const uint8_t device_uuid[VKW_GL_UUID_SIZE],
                        const uint8_t driver_uuid[VKW_GL_UUID_SIZE])
{
    if (memcmp(driver, driver_uuid, VKW_GL_UUID_SIZE) != 0)
        return false;
    for (uint32_t i = 0; i < count; i++)
        if (memcmp(device[i], device_uuid, VKW_GL_UUID_SIZE) == 0)
            return true;
    return false;
}
