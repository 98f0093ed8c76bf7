/* The GL importer: desktop GL on the EGL device whose GL reports Vulkan's
 * UUIDs (egl_device.h), taking OPAQUE_FD memory as a buffer
 * (glNamedBufferStorageMemEXT) or an R32UI texture of optimal tiling
 * (glTextureStorageMem2DEXT), and OPAQUE_FD binary semaphores for
 * queue-binary round trips (GL_EXT_semaphore_fd). Through libepoxy, which
 * ends the process on a call that the context does not offer: every call
 * below is behind the check of its extension or version (open, *_supported).
 *
 * The context is current on the thread that opened it; each entry point
 * makes it current again where it is not. GL's calls take no timeouts, so
 * nothing here waits on GL without a bound: a transfer gives up between its
 * chunks once timeout_ms has passed, and completion (after a write, before
 * semaphores go) is a fence (glFenceSync) polled with glClientWaitSync in
 * slices until a deadline. After a wait that timed out, or a failed round
 * trip that left a wait on semaphore A queued, the context is wedged: no
 * further GL call that could block is made (VKW_E_TIMEOUT "GL is stuck on
 * ..."), and the context and display are left to the process's end. */
#include "backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "egl_device.h"
#include "vk/host_pattern.h"

/* The host memory a transfer goes through, at most (a texture: whole rows). */
#define GL_CHUNK_BYTES ((size_t)16 << 20)
/* One glClientWaitSync's slice of a deadline. */
#define GL_WAIT_SLICE_NS ((uint64_t)50 * 1000000u)

struct vkw_gl {
    vkw_egl_libs libs;
    vkw_egl_context ctx;
    uint32_t egl_device;
    bool semaphore_fd; /* GL_EXT_semaphore and GL_EXT_semaphore_fd */
    bool wedged;       /* GL may never finish what it was given: see the top */
    char stuck[128];   /* what it is stuck on, once wedged */
    char renderer[256];
};

struct vkw_gl_memory {
    vkw_gl *gl; /* not owned */
    vkw_memory_desc desc;
    GLuint memory, buffer, texture;
    uint32_t rows;           /* a texture: the rows one chunk holds */
    size_t chunk;            /* the bytes one chunk holds */
    unsigned char *host;     /* what GL reads back: chunk bytes */
    unsigned char *expected; /* the pattern's piece: chunk bytes */
};

struct vkw_gl_sync {
    vkw_gl *gl;       /* not owned */
    vkw_pingpong *pp; /* not owned */
    GLuint sem[2];    /* A (waited on here), B (signalled here) */
    bool queued;      /* a wait on A was queued and not yet seen done */
};

/* Makes g's context current on this thread where it is not. */
static vkw_status use(vkw_gl *g, vkw_error *err)
{
    if (eglGetCurrentContext() == g->ctx.ctx)
        return VKW_OK;
    if (!eglMakeCurrent(g->ctx.dpy, g->ctx.surf, g->ctx.surf, g->ctx.ctx))
        return vkw_fail(err, VKW_E_SHARING, "eglMakeCurrent: %s (the GL context on %s)",
                        vkw_egl_error_name(eglGetError()), g->renderer);
    return VKW_OK;
}

/* VKW_E_TIMEOUT once g is wedged: no further GL call that could block. */
static vkw_status not_wedged(const vkw_gl *g, vkw_error *err)
{
    if (!g->wedged)
        return VKW_OK;
    return vkw_fail(err, VKW_E_TIMEOUT, "GL is stuck on %s (%s)", g->stuck, g->renderer);
}

static void wedge(vkw_gl *g, const char *what)
{
    g->wedged = true;
    snprintf(g->stuck, sizeof g->stuck, "%s", what);
}

/* Forgets errors raised before, so that each check names its own call
 * (a lost context keeps answering: bounded). */
static void clear_errors(void)
{
    for (int i = 0; i < 16 && glGetError() != GL_NO_ERROR; i++)
        ;
}

/* The GL error the last call raised, as the driver's refusal. */
static vkw_status gl_check(const char *call, const char *what, vkw_error *err)
{
    GLenum e = glGetError();
    if (e == GL_NO_ERROR)
        return VKW_OK;
    return vkw_fail(err, VKW_E_SHARING, "%s: %s (%s)", call, vkw_gl_error_name(e), what);
}

/* Waits until GL has completed everything it was given before (`what`), or
 * until vkw_clock_ns() passes deadline: then g is wedged and VKW_E_TIMEOUT.
 * A fence, polled in slices; the first poll flushes, so that the fence
 * reaches the GPU at all. */
static vkw_status gl_complete(vkw_gl *g, uint64_t deadline, uint32_t timeout_ms, const char *what,
                              vkw_error *err)
{
    clear_errors();
    GLsync fence = glFenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
    if (!fence) {
        vkw_status s = gl_check("glFenceSync", what, err);
        return s != VKW_OK ? s : vkw_fail(err, VKW_E_SHARING, "glFenceSync: no fence (%s)", what);
    }
    vkw_status s = VKW_OK;
    GLbitfield flags = GL_SYNC_FLUSH_COMMANDS_BIT;
    for (;;) {
        uint64_t now = vkw_clock_ns();
        uint64_t left = now < deadline ? deadline - now : 0;
        GLenum r =
            glClientWaitSync(fence, flags, left < GL_WAIT_SLICE_NS ? left : GL_WAIT_SLICE_NS);
        flags = 0;
        if (r == GL_ALREADY_SIGNALED || r == GL_CONDITION_SATISFIED)
            break;
        if (r != GL_TIMEOUT_EXPIRED) {
            s = gl_check("glClientWaitSync", what, err);
            if (s == VKW_OK)
                s = vkw_fail(err, VKW_E_SHARING, "glClientWaitSync: GL_WAIT_FAILED (%s)", what);
            break;
        }
        if (left == 0) {
            wedge(g, what);
            s = vkw_fail(err, VKW_E_TIMEOUT, "GL did not complete %s within %u ms (%s)", what,
                         (unsigned)timeout_ms, g->renderer);
            break;
        }
    }
    glDeleteSync(fence); /* an unsignalled fence goes once signalled: no wait */
    return s;
}

/* Desktop GL on one EGL device, kept current in g->ctx when its UUIDs are
 * the ones asked for; else closed, with why. */
static bool try_device(vkw_gl *g, EGLDeviceEXT device, const uint8_t device_uuid[VK_UUID_SIZE],
                       const uint8_t driver_uuid[VK_UUID_SIZE], char *why, size_t len)
{
    if (!vkw_egl_context_open(device, &g->ctx, why, len))
        goto fail;
    const char *r = (const char *)glGetString(GL_RENDERER);
    snprintf(g->renderer, sizeof g->renderer, "%s", r ? r : "an unnamed renderer");
    if (!epoxy_has_gl_extension("GL_EXT_memory_object")) {
        snprintf(why, len, "%.160s offers no GL_EXT_memory_object, so no UUIDs to match",
                 g->renderer);
        goto fail;
    }
    uint8_t devices[4][VKW_GL_UUID_SIZE], driver[VKW_GL_UUID_SIZE];
    uint32_t n = 0;
    if (!vkw_gl_read_uuids(devices, 4, &n, driver, why, len))
        goto fail;
    if (vkw_gl_uuids_match((const uint8_t(*)[VKW_GL_UUID_SIZE])devices, n < 4 ? n : 4, driver,
                           device_uuid, driver_uuid))
        return true;
    snprintf(why, len, "%.160s: other device or driver UUIDs", g->renderer);
fail:
    vkw_egl_context_close(&g->ctx);
    return false;
}

vkw_status vkw_gl_open(const uint8_t device_uuid[VK_UUID_SIZE],
                       const uint8_t driver_uuid[VK_UUID_SIZE], vkw_gl **out,
                       vkw_foreign_info *info, vkw_error *err)
{
    *out = NULL;
    vkw_status s = VKW_OK;
    char why[256] = "";
    vkw_gl *g = calloc(1, sizeof *g);
    if (!g)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory opening GL");
    g->ctx = (vkw_egl_context){EGL_NO_DISPLAY, EGL_NO_CONTEXT, EGL_NO_SURFACE, false, false};
    if (!vkw_egl_libs_open(&g->libs, why, sizeof why)) {
        s = vkw_fail(err, VKW_E_UNSUPPORTED, "OpenGL is not available: %s", why);
        goto cleanup;
    }
    EGLDeviceEXT devices[VKW_EGL_MAX_DEVICES];
    EGLint count = 0;
    if (!vkw_egl_devices(devices, &count, why, sizeof why)) {
        s = vkw_fail(err, VKW_E_UNSUPPORTED, "OpenGL is not available: %s", why);
        goto cleanup;
    }
    char tried[384] = "";
    size_t used = 0;
    EGLint found = -1;
    for (EGLint i = 0; i < count && found < 0; i++) {
        if (try_device(g, devices[i], device_uuid, driver_uuid, why, sizeof why)) {
            found = i;
        } else if (used < sizeof tried) {
            int w = snprintf(tried + used, sizeof tried - used, "%sEGL device %d: %s",
                             i ? "; " : "", (int)i, why);
            if (w > 0)
                used += (size_t)w;
        }
    }
    if (found < 0) {
        s = vkw_fail(err, VKW_E_UNSUPPORTED, "no GL with this device's UUIDs (%s)", tried);
        goto cleanup;
    }
    g->egl_device = (uint32_t)found;
    if (!epoxy_has_gl_extension("GL_EXT_memory_object_fd")) {
        s = vkw_fail(err, VKW_E_UNSUPPORTED, "GL_EXT_memory_object_fd not offered by %s",
                     g->renderer);
        goto cleanup;
    }
    /* Fences, for the bounded waits (see the top). */
    if (epoxy_gl_version() < 32 && !epoxy_has_gl_extension("GL_ARB_sync")) {
        s = vkw_fail(err, VKW_E_UNSUPPORTED, "%s offers neither GL 3.2 nor GL_ARB_sync",
                     g->renderer);
        goto cleanup;
    }
    /* The named (direct state access) forms of the calls below. */
    if (epoxy_gl_version() < 45 && !(epoxy_has_gl_extension("GL_ARB_direct_state_access") &&
                                     epoxy_has_gl_extension("GL_ARB_get_texture_sub_image"))) {
        s = vkw_fail(err, VKW_E_UNSUPPORTED,
                     "%s offers neither GL 4.5 nor GL_ARB_direct_state_access and "
                     "GL_ARB_get_texture_sub_image",
                     g->renderer);
        goto cleanup;
    }
    g->semaphore_fd =
        epoxy_has_gl_extension("GL_EXT_semaphore") && epoxy_has_gl_extension("GL_EXT_semaphore_fd");
    const char *v = (const char *)glGetString(GL_VERSION);
    memset(info, 0, sizeof *info);
    snprintf(info->device_name, sizeof info->device_name, "%s", g->renderer);
    snprintf(info->version, sizeof info->version, "%s", v ? v : "");
    info->device_index = g->egl_device;
    *out = g;
    g = NULL;

cleanup:
    vkw_gl_close(g);
    return s;
}

void vkw_gl_close(vkw_gl *g)
{
    if (!g)
        return;
    /* A wedged context may still hold work that never ends: destroying it
     * (or terminating its display, or unloading the driver under it) can
     * wait for that work in the driver, so all of it is left to the
     * process's end, which frees it without waiting. */
    if (!g->wedged) {
        vkw_egl_context_close(&g->ctx);
        vkw_egl_libs_close(&g->libs);
    }
    free(g);
}

vkw_status vkw_gl_memory_supported(vkw_gl *g, const vkw_handle_type *t, const vkw_memory_desc *desc,
                                   vkw_error *err)
{
    if (t->bit != VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "GL takes OPAQUE_FD memory on this build, not %s%s",
                        t->name,
                        t->family == VKW_FAMILY_WIN32
                            ? " (Win32 handles need GL_EXT_memory_object_win32, not in this build)"
                            : "");
    if (desc->size == 0 || desc->size > desc->allocation_size)
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "%llu bytes do not fit in an allocation of %llu bytes (GL import)",
                        (unsigned long long)desc->size, (unsigned long long)desc->allocation_size);
    if (desc->resource == VKW_RESOURCE_BUFFER)
        return VKW_OK;
    if (desc->resource != VKW_RESOURCE_IMAGE)
        return vkw_fail(err, VKW_E_INVALID_ARG, "no resource %u to import into GL",
                        (unsigned)desc->resource);
    if ((uint64_t)desc->image_width * desc->image_height * VKW_SHARED_IMAGE_TEXEL != desc->size)
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "a %ux%u R32UI texture does not hold %llu bytes (GL import)",
                        (unsigned)desc->image_width, (unsigned)desc->image_height,
                        (unsigned long long)desc->size);
    vkw_status s = use(g, err);
    if (s != VKW_OK)
        return s;
    GLint max = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max);
    if (max <= 0 || desc->image_width > (uint32_t)max || desc->image_height > (uint32_t)max)
        return vkw_fail(
            err, VKW_E_UNSUPPORTED, "a %ux%u texture exceeds GL_MAX_TEXTURE_SIZE %d of %s",
            (unsigned)desc->image_width, (unsigned)desc->image_height, (int)max, g->renderer);
    return VKW_OK;
}

/* The largest size below `refused` of a buffer the driver takes of this
 * memory object (0: none), by bisection over fresh buffers; GL's error
 * state is left clean. */
static uint64_t largest_buffer(GLuint memory, uint64_t refused)
{
    uint64_t lo = 0, hi = refused; /* lo taken (0: trivially), hi refused */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        GLuint b = 0;
        glCreateBuffers(1, &b);
        glNamedBufferStorageMemEXT(b, (GLsizeiptr)mid, memory, 0);
        bool took = glGetError() == GL_NO_ERROR;
        glDeleteBuffers(1, &b);
        clear_errors();
        if (took)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

vkw_status vkw_gl_memory_import(vkw_gl *g, const vkw_handle_type *t, const vkw_memory_desc *desc,
                                vkw_handle *h, const char *name, vkw_gl_memory **out,
                                vkw_error *err)
{
    (void)name; /* Win32 names: no GL_EXT_memory_object_win32 in this build */
    *out = NULL;
    vkw_status s = vkw_gl_memory_supported(g, t, desc, err);
    if (s != VKW_OK)
        return s;
    if (*h == VKW_NO_HANDLE)
        return vkw_fail(err, VKW_E_INVALID_ARG, "no %s fd to import into GL", t->name);
    if ((s = use(g, err)) != VKW_OK)
        return s;
    char what[96];
    snprintf(what, sizeof what, "importing %llu bytes of %s memory into GL",
             (unsigned long long)desc->allocation_size, t->name);
    vkw_gl_memory *m = calloc(1, sizeof *m);
    if (!m)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory %s", what);
    m->gl = g;
    m->desc = *desc;
    if (desc->resource == VKW_RESOURCE_IMAGE) {
        size_t row = (size_t)desc->image_width * VKW_SHARED_IMAGE_TEXEL;
        m->rows = row >= GL_CHUNK_BYTES ? 1 : (uint32_t)(GL_CHUNK_BYTES / row);
        if (m->rows > desc->image_height)
            m->rows = desc->image_height;
        m->chunk = row * m->rows;
    } else {
        m->chunk = desc->size < GL_CHUNK_BYTES ? (size_t)desc->size : GL_CHUNK_BYTES;
    }
    m->host = malloc(m->chunk);
    m->expected = malloc(m->chunk);
    if (!m->host || !m->expected) {
        s = vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory for GL's %zu-byte chunks", m->chunk);
        goto cleanup;
    }

    clear_errors();
    glCreateMemoryObjectsEXT(1, &m->memory);
    if ((s = gl_check("glCreateMemoryObjectsEXT", what, err)) != VKW_OK)
        goto cleanup;
    if (desc->dedicated) {
        const GLint yes = GL_TRUE;
        glMemoryObjectParameterivEXT(m->memory, GL_DEDICATED_MEMORY_OBJECT_EXT, &yes);
        if ((s = gl_check("glMemoryObjectParameterivEXT(GL_DEDICATED_MEMORY_OBJECT_EXT)", what,
                          err)) != VKW_OK)
            goto cleanup;
    }
    /* EXT_external_objects_fd: a successful import transfers the fd to GL;
     * one that raised an error had no effect, and the fd is still ours. */
    glImportMemoryFdEXT(m->memory, desc->allocation_size, GL_HANDLE_TYPE_OPAQUE_FD_EXT, (GLint)*h);
    if ((s = gl_check("glImportMemoryFdEXT", what, err)) != VKW_OK)
        goto cleanup;
    *h = VKW_NO_HANDLE;
    if (!glIsMemoryObjectEXT(m->memory)) {
        s = vkw_fail(err, VKW_E_SHARING, "glIsMemoryObjectEXT: %u is no memory object (%s)",
                     (unsigned)m->memory, what);
        goto cleanup;
    }
    if (desc->resource == VKW_RESOURCE_BUFFER) {
        glCreateBuffers(1, &m->buffer);
        if ((s = gl_check("glCreateBuffers", what, err)) != VKW_OK)
            goto cleanup;
        glNamedBufferStorageMemEXT(m->buffer, (GLsizeiptr)desc->size, m->memory, 0);
        GLenum e = glGetError();
        if (e != GL_NO_ERROR) {
            /* What the driver would take instead, which says why: a
             * driver that wants room past a buffer's end (llvmpipe) takes
             * a shorter one of the same memory. */
            uint64_t most = e == GL_OUT_OF_MEMORY ? largest_buffer(m->memory, desc->size) : 0;
            char taken[200] = "";
            if (most)
                snprintf(taken, sizeof taken,
                         "; it takes a buffer of at most %llu bytes of this memory: %llu "
                         "bytes short of the memory's end",
                         (unsigned long long)most,
                         (unsigned long long)(desc->allocation_size - most));
            s = vkw_fail(err, VKW_E_SHARING, "glNamedBufferStorageMemEXT: %s (%s%s)",
                         vkw_gl_error_name(e), what, taken);
            goto cleanup;
        }
    } else {
        glCreateTextures(GL_TEXTURE_2D, 1, &m->texture);
        if ((s = gl_check("glCreateTextures", what, err)) != VKW_OK)
            goto cleanup;
        /* Vulkan's image is VK_IMAGE_TILING_OPTIMAL (EXT_external_objects). */
        glTextureParameteri(m->texture, GL_TEXTURE_TILING_EXT, GL_OPTIMAL_TILING_EXT);
        if ((s = gl_check("glTextureParameteri(GL_TEXTURE_TILING_EXT)", what, err)) != VKW_OK)
            goto cleanup;
        glTextureStorageMem2DEXT(m->texture, 1, GL_R32UI, (GLsizei)desc->image_width,
                                 (GLsizei)desc->image_height, m->memory, 0);
        if ((s = gl_check("glTextureStorageMem2DEXT", what, err)) != VKW_OK)
            goto cleanup;
    }
    *out = m;
    m = NULL;

cleanup:
    vkw_gl_memory_release(m);
    return s;
}

/* The chunk at byte `off`: its length, and for a texture its rows. */
static size_t chunk_at(const vkw_gl_memory *m, uint64_t off, uint32_t *y, uint32_t *rows)
{
    uint64_t left = m->desc.size - off;
    size_t n = left < m->chunk ? (size_t)left : m->chunk;
    if (m->texture) {
        uint64_t row = (uint64_t)m->desc.image_width * VKW_SHARED_IMAGE_TEXEL;
        *y = (uint32_t)(off / row);
        *rows = (uint32_t)(n / row);
    }
    return n;
}

static vkw_status past_deadline(uint64_t start, uint32_t timeout_ms, uint64_t done,
                                const vkw_gl_memory *m, vkw_error *err)
{
    if (vkw_clock_ns() - start <= (uint64_t)timeout_ms * 1000000u)
        return VKW_OK;
    return vkw_fail(err, VKW_E_TIMEOUT, "GL moved %llu of %llu bytes in %u ms, then gave up",
                    (unsigned long long)done, (unsigned long long)m->desc.size,
                    (unsigned)timeout_ms);
}

vkw_status vkw_gl_memory_check(vkw_gl_memory *m, uint64_t seed, uint32_t threads, bool *ok,
                               vkw_mismatch *mm, vkw_foreign_times *t, uint32_t timeout_ms,
                               vkw_error *err)
{
    *ok = false;
    *t = (vkw_foreign_times){0, 0};
    vkw_status s = not_wedged(m->gl, err);
    if (s == VKW_OK)
        s = use(m->gl, err);
    if (s != VKW_OK)
        return s;
    uint64_t start = vkw_clock_ns();
    clear_errors();
    glPixelStorei(GL_PACK_ALIGNMENT, 4);
    for (uint64_t off = 0; off < m->desc.size;) {
        if ((s = past_deadline(start, timeout_ms, off, m, err)) != VKW_OK)
            return s;
        uint32_t y = 0, rows = 0;
        size_t n = chunk_at(m, off, &y, &rows);
        vkw_host_pattern_fill(m->expected, n, seed, off, threads);
        uint64_t t0 = vkw_clock_ns();
        if (m->buffer) {
            glGetNamedBufferSubData(m->buffer, (GLintptr)off, (GLsizeiptr)n, m->host);
            s = gl_check("glGetNamedBufferSubData", "reading the imported buffer back", err);
        } else {
            glGetTextureSubImage(m->texture, 0, 0, (GLint)y, 0, (GLsizei)m->desc.image_width,
                                 (GLsizei)rows, 1, GL_RED_INTEGER, GL_UNSIGNED_INT, (GLsizei)n,
                                 m->host);
            s = gl_check("glGetTextureSubImage", "reading the imported texture back", err);
        }
        uint64_t t1 = vkw_clock_ns();
        t->copy_ns += t1 - t0;
        if (s != VKW_OK)
            return s;
        bool same = vkw_host_compare(m->host, m->expected, n, off, threads, mm);
        t->host_ns += vkw_clock_ns() - t1;
        if (!same)
            return VKW_OK;
        off += n;
    }
    *ok = true;
    return VKW_OK;
}

vkw_status vkw_gl_memory_write(vkw_gl_memory *m, uint64_t seed, uint32_t threads,
                               vkw_foreign_times *t, uint32_t timeout_ms, vkw_error *err)
{
    /* As the Vulkan path: generating the pattern is not timed (host_ns 0);
     * copy_ns is the upload until GL completed it. */
    *t = (vkw_foreign_times){0, 0};
    vkw_status s = not_wedged(m->gl, err);
    if (s == VKW_OK)
        s = use(m->gl, err);
    if (s != VKW_OK)
        return s;
    uint64_t start = vkw_clock_ns();
    clear_errors();
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    for (uint64_t off = 0; off < m->desc.size;) {
        if ((s = past_deadline(start, timeout_ms, off, m, err)) != VKW_OK)
            return s;
        uint32_t y = 0, rows = 0;
        size_t n = chunk_at(m, off, &y, &rows);
        vkw_host_pattern_fill(m->expected, n, seed, off, threads);
        uint64_t t0 = vkw_clock_ns();
        if (m->buffer) {
            glNamedBufferSubData(m->buffer, (GLintptr)off, (GLsizeiptr)n, m->expected);
            s = gl_check("glNamedBufferSubData", "writing the imported buffer", err);
        } else {
            glTextureSubImage2D(m->texture, 0, 0, (GLint)y, (GLsizei)m->desc.image_width,
                                (GLsizei)rows, GL_RED_INTEGER, GL_UNSIGNED_INT, m->expected);
            s = gl_check("glTextureSubImage2D", "writing the imported texture", err);
        }
        t->copy_ns += vkw_clock_ns() - t0;
        if (s != VKW_OK)
            return s;
        off += n;
    }
    /* Complete before the other process reads it, within what is left of
     * timeout_ms. */
    uint64_t t0 = vkw_clock_ns();
    s = gl_complete(
        m->gl, start + (uint64_t)timeout_ms * 1000000u, timeout_ms,
        m->texture ? "the write of the imported texture" : "the write of the imported buffer", err);
    t->copy_ns += vkw_clock_ns() - t0;
    return s;
}

void vkw_gl_memory_release(vkw_gl_memory *m)
{
    if (!m)
        return;
    vkw_error ignored;
    /* Without its context GL's objects go with the context; a wedged one's
     * with the process. */
    if (!m->gl->wedged && use(m->gl, &ignored) == VKW_OK) {
        if (m->texture)
            glDeleteTextures(1, &m->texture);
        if (m->buffer)
            glDeleteBuffers(1, &m->buffer);
        if (m->memory)
            glDeleteMemoryObjectsEXT(1, &m->memory);
    }
    free(m->expected);
    free(m->host);
    free(m);
}

vkw_status vkw_gl_sync_supported(vkw_gl *g, vkw_sync_mode mode, const vkw_handle_type *t,
                                 vkw_error *err)
{
    if (mode != VKW_SYNC_QUEUE_BINARY)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "GL waits and signals binary semaphores: no %s",
                        vkw_sync_mode_name(mode));
    if (t->bit != VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT)
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "GL takes OPAQUE_FD semaphores on this build, not %s", t->name);
    if (!g->semaphore_fd)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "GL_EXT_semaphore_fd not offered by %s",
                        g->renderer);
    return not_wedged(g, err);
}

vkw_status vkw_gl_sync_import(vkw_gl *g, vkw_sync_mode mode, const vkw_handle_type *t,
                              vkw_handle handles[2], const char *const *names, vkw_pingpong *pp,
                              vkw_gl_sync **out, vkw_error *err)
{
    (void)names; /* Win32 names: no GL_EXT_semaphore_win32 in this build */
    *out = NULL;
    vkw_status s = vkw_gl_sync_supported(g, mode, t, err);
    if (s != VKW_OK)
        return s;
    if (!pp)
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "queue-binary round trips with GL need the OS pair");
    if ((s = use(g, err)) != VKW_OK)
        return s;
    vkw_gl_sync *y = calloc(1, sizeof *y);
    if (!y)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory importing semaphores into GL");
    y->gl = g;
    y->pp = pp;
    clear_errors();
    glGenSemaphoresEXT(2, y->sem);
    if ((s = gl_check("glGenSemaphoresEXT", "importing two OPAQUE_FD semaphores", err)) != VKW_OK)
        goto cleanup;
    for (int i = 0; i < 2; i++) {
        glImportSemaphoreFdEXT(y->sem[i], GL_HANDLE_TYPE_OPAQUE_FD_EXT, (GLint)handles[i]);
        /* Taken on success; an import that raised an error left the fd ours. */
        if ((s = gl_check("glImportSemaphoreFdEXT",
                          i ? "semaphore B, signalled by GL" : "semaphore A, waited on by GL",
                          err)) != VKW_OK)
            goto cleanup;
        handles[i] = VKW_NO_HANDLE;
    }
    *out = y;
    y = NULL;

cleanup:
    vkw_gl_sync_release(y, true, 0);
    return s;
}

vkw_status vkw_gl_sync_pong(vkw_gl_sync *y, uint64_t round, uint32_t timeout_ms, vkw_error *err)
{
    (void)round; /* binary: each round is one wait and one signal */
    vkw_status s = not_wedged(y->gl, err);
    if (s == VKW_OK)
        s = vkw_pingpong_wait(y->pp, timeout_ms, err);
    /* The pinger signals again only once it saw B, signalled after our last
     * wait on A: nothing of ours is left waiting (as vk/sync.c's
     * binary_pong). */
    if (s == VKW_OK)
        y->queued = false;
    if (s == VKW_OK)
        s = use(y->gl, err);
    if (s == VKW_OK) {
        clear_errors();
        glWaitSemaphoreEXT(y->sem[0], 0, NULL, 0, NULL, NULL);
        s = gl_check("glWaitSemaphoreEXT", "semaphore A", err);
    }
    if (s == VKW_OK) {
        y->queued = true;
        glSignalSemaphoreEXT(y->sem[1], 0, NULL, 0, NULL, NULL);
        s = gl_check("glSignalSemaphoreEXT", "semaphore B", err);
    }
    if (s == VKW_OK) {
        glFlush();
        s = gl_check("glFlush", "after signalling semaphore B", err);
    }
    if (s == VKW_OK)
        s = vkw_pingpong_signal(y->pp, err);
    /* A failed round trip with our wait still queued: see the top. */
    if (s != VKW_OK && y->queued && !y->gl->wedged)
        wedge(y->gl, "a wait on semaphore A that a failed round trip left queued");
    return s;
}

void vkw_gl_sync_release(vkw_gl_sync *y, bool succeeded, uint32_t timeout_ms)
{
    if (!y)
        return;
    vkw_gl *g = y->gl;
    vkw_error ignored;
    /* A wait whose signal never came may never end: the context is wedged,
     * its semaphores left to the process's end. A finished run's last wait
     * was met: GL completes it within timeout_ms, or is wedged too. */
    if (y->queued && !succeeded && !g->wedged)
        wedge(g, "a wait on semaphore A that a failed round trip left queued");
    if (!g->wedged && use(g, &ignored) == VKW_OK) {
        vkw_status s = VKW_OK;
        if (y->queued)
            s = gl_complete(g, vkw_clock_ns() + (uint64_t)timeout_ms * 1000000u, timeout_ms,
                            "the last round trip's wait on semaphore A", &ignored);
        if (s == VKW_OK && !g->wedged && (y->sem[0] || y->sem[1]))
            glDeleteSemaphoresEXT(2, y->sem);
    }
    free(y);
}
