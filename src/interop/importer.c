/* The importer interface's dispatch: each object remembers its API and
 * passes the call to that API's implementation (backend.h). */
#include "importer.h"

#include <stdlib.h>

#include "backend.h"

const char *const vkw_importer_words[VKW_IMPORTER_COUNT] = {"vulkan", "cuda", "gl", "d3d11",
                                                            "d3d12"};

const char *vkw_importer_name(vkw_importer i)
{
    return (unsigned)i < VKW_IMPORTER_COUNT ? vkw_importer_words[i] : "unknown";
}

struct vkw_foreign {
    vkw_importer api;
    vkw_cuda *cuda;
    vkw_gl *gl;
    vkw_d3d_importer *d3d;
};

struct vkw_foreign_memory {
    vkw_importer api;
    vkw_cuda_memory *cuda;
    vkw_gl_memory *gl;
    vkw_d3d_object *d3d;
};

struct vkw_foreign_sync {
    vkw_importer api;
    vkw_cuda_sync *cuda;
    vkw_gl_sync *gl;
    vkw_d3d_sync *d3d;
};

static bool is_d3d(vkw_importer api)
{
    return api == VKW_IMPORTER_D3D11 || api == VKW_IMPORTER_D3D12;
}

vkw_status vkw_foreign_open(vkw_importer api, const uint8_t device_uuid[VK_UUID_SIZE],
                            const uint8_t driver_uuid[VK_UUID_SIZE], const uint8_t *device_luid,
                            vkw_foreign **out, vkw_foreign_info *info, vkw_error *err)
{
    *out = NULL;
    if (api == VKW_IMPORTER_VULKAN || api >= VKW_IMPORTER_COUNT)
        return vkw_fail(err, VKW_E_INVALID_ARG, "no foreign importer '%s'", vkw_importer_name(api));
    vkw_foreign *f = calloc(1, sizeof *f);
    if (!f)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory opening %s",
                        vkw_importer_name(api));
    f->api = api;
    vkw_status s = api == VKW_IMPORTER_CUDA ? vkw_cuda_open(device_uuid, &f->cuda, info, err)
                   : api == VKW_IMPORTER_GL
                       ? vkw_gl_open(device_uuid, driver_uuid, &f->gl, info, err)
                       : vkw_d3d_import_open(api == VKW_IMPORTER_D3D11 ? VKW_D3D_11 : VKW_D3D_12,
                                             device_luid, &f->d3d, info, err);
    if (s != VKW_OK) {
        free(f);
        return s;
    }
    *out = f;
    return VKW_OK;
}

void vkw_foreign_close(vkw_foreign *f)
{
    if (!f)
        return;
    if (f->cuda)
        vkw_cuda_close(f->cuda);
    if (f->gl)
        vkw_gl_close(f->gl);
    vkw_d3d_import_close(f->d3d);
    free(f);
}

vkw_status vkw_foreign_memory_supported(vkw_foreign *f, const vkw_handle_type *t,
                                        const vkw_memory_desc *desc, vkw_error *err)
{
    if (is_d3d(f->api))
        return vkw_d3d_import_memory_supported(f->d3d, t, desc, err);
    return f->api == VKW_IMPORTER_CUDA ? vkw_cuda_memory_supported(f->cuda, t, desc, err)
                                       : vkw_gl_memory_supported(f->gl, t, desc, err);
}

vkw_status vkw_foreign_memory_import(vkw_foreign *f, const vkw_handle_type *t,
                                     const vkw_memory_desc *desc, vkw_handle *h, const char *name,
                                     vkw_foreign_memory **out, vkw_error *err)
{
    *out = NULL;
    vkw_foreign_memory *m = calloc(1, sizeof *m);
    if (!m)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory importing %s memory", t->name);
    m->api = f->api;
    vkw_status s = is_d3d(f->api) ? vkw_d3d_import_memory(f->d3d, t, desc, h, name, &m->d3d, err)
                   : f->api == VKW_IMPORTER_CUDA
                       ? vkw_cuda_memory_import(f->cuda, t, desc, h, name, &m->cuda, err)
                       : vkw_gl_memory_import(f->gl, t, desc, h, name, &m->gl, err);
    if (s != VKW_OK) {
        free(m);
        return s;
    }
    *out = m;
    return VKW_OK;
}

vkw_status vkw_foreign_memory_check(vkw_foreign_memory *m, uint64_t seed, uint32_t threads,
                                    bool *ok, vkw_mismatch *mm, vkw_foreign_times *t,
                                    uint32_t timeout_ms, vkw_error *err)
{
    if (is_d3d(m->api))
        return vkw_d3d_import_memory_check(m->d3d, seed, ok, mm, t, timeout_ms, err);
    return m->api == VKW_IMPORTER_CUDA
               ? vkw_cuda_memory_check(m->cuda, seed, threads, ok, mm, t, timeout_ms, err)
               : vkw_gl_memory_check(m->gl, seed, threads, ok, mm, t, timeout_ms, err);
}

vkw_status vkw_foreign_memory_write(vkw_foreign_memory *m, uint64_t seed, uint32_t threads,
                                    vkw_foreign_times *t, uint32_t timeout_ms, vkw_error *err)
{
    if (is_d3d(m->api))
        return vkw_d3d_import_memory_write(m->d3d, seed, t, timeout_ms, err);
    return m->api == VKW_IMPORTER_CUDA
               ? vkw_cuda_memory_write(m->cuda, seed, threads, t, timeout_ms, err)
               : vkw_gl_memory_write(m->gl, seed, threads, t, timeout_ms, err);
}

vkw_status vkw_foreign_memory_compare(vkw_foreign_memory *m, uint32_t repeats, uint64_t ns[2][2],
                                      uint32_t timeout_ms, vkw_error *err)
{
    if (m->api == VKW_IMPORTER_CUDA)
        return vkw_cuda_memory_compare(m->cuda, repeats, ns, timeout_ms, err);
    return vkw_fail(err, VKW_E_UNSUPPORTED,
                    "not measured in %s: this tool times the copies of imported memory against "
                    "the API's own in CUDA only",
                    vkw_importer_name(m->api));
}

void vkw_foreign_memory_release(vkw_foreign_memory *m)
{
    if (!m)
        return;
    if (m->cuda)
        vkw_cuda_memory_release(m->cuda);
    if (m->gl)
        vkw_gl_memory_release(m->gl);
    vkw_d3d_object_release(m->d3d);
    free(m);
}

vkw_status vkw_foreign_sync_supported(vkw_foreign *f, vkw_sync_mode mode, const vkw_handle_type *t,
                                      vkw_error *err)
{
    if (is_d3d(f->api))
        return vkw_d3d_import_sync_supported(f->d3d, mode, t, err);
    return f->api == VKW_IMPORTER_CUDA ? vkw_cuda_sync_supported(f->cuda, mode, t, err)
                                       : vkw_gl_sync_supported(f->gl, mode, t, err);
}

vkw_status vkw_foreign_sync_import(vkw_foreign *f, vkw_sync_mode mode, const vkw_handle_type *t,
                                   vkw_handle handles[2], const char *const *names,
                                   vkw_pingpong *pp, vkw_foreign_sync **out, vkw_error *err)
{
    *out = NULL;
    vkw_foreign_sync *s = calloc(1, sizeof *s);
    if (!s)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory importing %s semaphores",
                        t->name);
    s->api = f->api;
    vkw_status st = is_d3d(f->api)
                        ? vkw_d3d_import_sync(f->d3d, mode, t, handles, names, &s->d3d, err)
                    : f->api == VKW_IMPORTER_CUDA
                        ? vkw_cuda_sync_import(f->cuda, mode, t, handles, names, pp, &s->cuda, err)
                        : vkw_gl_sync_import(f->gl, mode, t, handles, names, pp, &s->gl, err);
    if (st != VKW_OK) {
        free(s);
        return st;
    }
    *out = s;
    return VKW_OK;
}

vkw_status vkw_foreign_sync_pong(vkw_foreign_sync *s, uint64_t round, uint32_t timeout_ms,
                                 vkw_error *err)
{
    if (is_d3d(s->api))
        return vkw_d3d_import_sync_pong(s->d3d, round, timeout_ms, err);
    return s->api == VKW_IMPORTER_CUDA ? vkw_cuda_sync_pong(s->cuda, round, timeout_ms, err)
                                       : vkw_gl_sync_pong(s->gl, round, timeout_ms, err);
}

void vkw_foreign_sync_release(vkw_foreign_sync *s, bool succeeded, uint32_t timeout_ms)
{
    if (!s)
        return;
    if (s->cuda)
        vkw_cuda_sync_release(s->cuda, succeeded, timeout_ms);
    if (s->gl)
        vkw_gl_sync_release(s->gl, succeeded, timeout_ms);
    vkw_d3d_sync_release(s->d3d); /* the host's waits and signals: nothing queued */
    free(s);
}
