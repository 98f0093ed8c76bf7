/* EGL's device platform and desktop GL on it, shared by the interop probe
 * (probes/interop_gl.c) and the GL importer (gl_import.c): the EGL devices
 * (no display needed), a surfaceless (or 1x1 pbuffer) desktop GL context on
 * one, current on the calling thread, and the UUIDs its GL reports. Through
 * libepoxy; built on POSIX with libepoxy only (CMake). Each function that can
 * fail returns false and says why in `why`. */
#ifndef VKW_EGL_DEVICE_H
#define VKW_EGL_DEVICE_H

#include <epoxy/egl.h>
#include <epoxy/gl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/platform.h"

#define VKW_EGL_MAX_DEVICES 16
#define VKW_GL_UUID_SIZE 16 /* GL_UUID_SIZE_EXT, VK_UUID_SIZE */

const char *vkw_egl_error_name(EGLint e); /* "EGL_BAD_MATCH" */
const char *vkw_gl_error_name(GLenum e);  /* "GL_OUT_OF_MEMORY" */
/* Whether a space-separated extension string names ext. */
bool vkw_egl_has_word(const char *list, const char *ext);

/* libEGL and libGL, opened before libepoxy's first call: libepoxy ends the
 * process where they do not load. Held open until vkw_egl_libs_close;
 * through the platform layer (vkw_library_open). */
typedef struct vkw_egl_libs {
    vkw_library *egl, *gl;
} vkw_egl_libs;
bool vkw_egl_libs_open(vkw_egl_libs *l, char *why, size_t len);
void vkw_egl_libs_close(vkw_egl_libs *l);

/* The EGL devices eglQueryDevicesEXT lists (at most VKW_EGL_MAX_DEVICES). */
bool vkw_egl_devices(EGLDeviceEXT devices[VKW_EGL_MAX_DEVICES], EGLint *count, char *why,
                     size_t len);

/* A desktop GL context (EGL_OPENGL_API, the default profile) on one device,
 * current on this thread. Closing releases what opening acquired, also after
 * a failed open. */
typedef struct vkw_egl_context {
    EGLDisplay dpy;
    EGLContext ctx;
    EGLSurface surf;
    bool initialized, current;
} vkw_egl_context;
bool vkw_egl_context_open(EGLDeviceEXT device, vkw_egl_context *c, char *why, size_t len);
void vkw_egl_context_close(vkw_egl_context *c);

/* The current context's GL_NUM_DEVICE_UUIDS_EXT (*count; the first `max`
 * kept in device) and GL_DRIVER_UUID_EXT: GL_EXT_memory_object's queries. */
bool vkw_gl_read_uuids(uint8_t (*device)[VKW_GL_UUID_SIZE], uint32_t max, uint32_t *count,
                       uint8_t driver[VKW_GL_UUID_SIZE], char *why, size_t len);
/* Whether those name device_uuid among the devices and driver_uuid. */
bool vkw_gl_uuids_match(const uint8_t (*device)[VKW_GL_UUID_SIZE], uint32_t count,
                        const uint8_t driver[VKW_GL_UUID_SIZE],
                        const uint8_t device_uuid[VKW_GL_UUID_SIZE],
                        const uint8_t driver_uuid[VKW_GL_UUID_SIZE]);

#endif
