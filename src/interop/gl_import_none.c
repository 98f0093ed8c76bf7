/* The GL importer of a build without libepoxy: GL is
 * not available, and nothing else of it can be reached (no context opens). */
#include "backend.h"

#ifndef VKW_GL_IMPORT_MISSING
#define VKW_GL_IMPORT_MISSING "this build has no EGL or GL (built without libepoxy)"
#endif

vkw_status vkw_gl_open(const uint8_t device_uuid[VK_UUID_SIZE],
                       const uint8_t driver_uuid[VK_UUID_SIZE], vkw_gl **out,
                       vkw_foreign_info *info, vkw_error *err)
{
    (void)device_uuid;
    (void)driver_uuid;
    (void)info;
    *out = NULL;
    return vkw_fail(err, VKW_E_UNSUPPORTED, "OpenGL is not available: %s", VKW_GL_IMPORT_MISSING);
}

/* No context ever opens, so nothing below is reached with an object. */
void vkw_gl_close(vkw_gl *c)
{
    (void)c;
}

static vkw_status none(vkw_error *err)
{
    return vkw_fail(err, VKW_E_UNSUPPORTED, "OpenGL is not available: %s", VKW_GL_IMPORT_MISSING);
}

vkw_status vkw_gl_memory_supported(vkw_gl *c, const vkw_handle_type *t, const vkw_memory_desc *desc,
                                   vkw_error *err)
{
    (void)c, (void)t, (void)desc;
    return none(err);
}

vkw_status vkw_gl_memory_import(vkw_gl *c, const vkw_handle_type *t, const vkw_memory_desc *desc,
                                vkw_handle *h, const char *name, vkw_gl_memory **out,
                                vkw_error *err)
{
    (void)c, (void)t, (void)desc, (void)h, (void)name;
    *out = NULL;
    return none(err);
}

vkw_status vkw_gl_memory_check(vkw_gl_memory *m, uint64_t seed, uint32_t threads, bool *ok,
                               vkw_mismatch *mm, vkw_foreign_times *t, uint32_t timeout_ms,
                               vkw_error *err)
{
    (void)m, (void)seed, (void)threads, (void)mm, (void)t, (void)timeout_ms;
    *ok = false;
    return none(err);
}

vkw_status vkw_gl_memory_write(vkw_gl_memory *m, uint64_t seed, uint32_t threads,
                               vkw_foreign_times *t, uint32_t timeout_ms, vkw_error *err)
{
    (void)m, (void)seed, (void)threads, (void)t, (void)timeout_ms;
    return none(err);
}

void vkw_gl_memory_release(vkw_gl_memory *m)
{
    (void)m;
}

vkw_status vkw_gl_sync_supported(vkw_gl *c, vkw_sync_mode mode, const vkw_handle_type *t,
                                 vkw_error *err)
{
    (void)c, (void)mode, (void)t;
    return none(err);
}

vkw_status vkw_gl_sync_import(vkw_gl *c, vkw_sync_mode mode, const vkw_handle_type *t,
                              vkw_handle handles[2], const char *const *names, vkw_pingpong *pp,
                              vkw_gl_sync **out, vkw_error *err)
{
    (void)c, (void)mode, (void)t, (void)handles, (void)names, (void)pp;
    *out = NULL;
    return none(err);
}

vkw_status vkw_gl_sync_pong(vkw_gl_sync *s, uint64_t round, uint32_t timeout_ms, vkw_error *err)
{
    (void)s, (void)round, (void)timeout_ms;
    return none(err);
}

void vkw_gl_sync_release(vkw_gl_sync *s, bool succeeded, uint32_t timeout_ms)
{
    (void)s, (void)succeeded, (void)timeout_ms;
}
