/* Direct3D 11 and 12 on the importing side (backend.h): what Vulkan
 * exported (OPAQUE_WIN32 memory and semaphores) opened by Direct3D on the
 * DXGI adapter whose LUID is the Vulkan device's, through d3d.h, whose
 * calls refuse with the reason where there is no Direct3D. Microsoft
 * documents OpenSharedHandle and OpenSharedResource1 for handles Direct3D
 * made: a driver that refuses Vulkan's is a skip with its HRESULT. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "d3d.h"

struct vkw_d3d_importer {
    vkw_d3d_api api;
    vkw_d3d *d;
};

struct vkw_d3d_sync {
    vkw_d3d_object *a, *b; /* A: the parent signals, this side waits; B: this side signals */
};

vkw_status vkw_d3d_import_open(vkw_d3d_api api, const uint8_t *device_luid, vkw_d3d_importer **out,
                               vkw_foreign_info *info, vkw_error *err)
{
    *out = NULL;
    vkw_d3d_adapter adapters[VKW_D3D_ADAPTER_MAX];
    uint32_t count = 0;
    vkw_status s = vkw_d3d_adapters(adapters, VKW_D3D_ADAPTER_MAX, &count, err);
    if (s != VKW_OK)
        return s;
    if (!device_luid)
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "the Vulkan device reports no valid deviceLUID, so no DXGI adapter is "
                        "known to be it");
    const vkw_d3d_adapter *a = NULL;
    for (uint32_t i = 0; i < count && !a; i++)
        if (memcmp(adapters[i].luid, device_luid, VK_LUID_SIZE) == 0)
            a = &adapters[i];
    if (!a)
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "none of the %u DXGI adapter(s) has the Vulkan device's LUID", count);
    vkw_d3d_importer *im = calloc(1, sizeof *im);
    if (!im)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory opening %s",
                        vkw_d3d_api_words[api]);
    im->api = api;
    char level[8];
    s = vkw_d3d_open(api, a->index, &im->d, level, err);
    if (s != VKW_OK) {
        free(im);
        return s;
    }
    if (info) {
        snprintf(info->device_name, sizeof info->device_name, "%s", a->description);
        snprintf(info->version, sizeof info->version, "%s, feature level %s",
                 api == VKW_D3D_11 ? "Direct3D 11" : "Direct3D 12", level);
        info->device_index = a->index;
    }
    *out = im;
    return VKW_OK;
}

void vkw_d3d_import_close(vkw_d3d_importer *im)
{
    if (!im)
        return;
    vkw_d3d_close(im->d);
    free(im);
}

/* OPAQUE_WIN32 or OPAQUE_WIN32_KMT, memory or semaphore (the two tables
 * give these types the same bits). */
static bool opaque_win32(const vkw_handle_type *t)
{
    return t->family == VKW_FAMILY_WIN32 &&
           (t->bit == VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_WIN32_BIT ||
            t->bit == VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_WIN32_KMT_BIT);
}

vkw_status vkw_d3d_import_memory_supported(vkw_d3d_importer *im, const vkw_handle_type *t,
                                           const vkw_memory_desc *desc, vkw_error *err)
{
    const char *api = vkw_d3d_api_words[im->api];
    bool image = desc->resource == VKW_RESOURCE_IMAGE;
    if (!opaque_win32(t))
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "%s opens what Vulkan exports as OPAQUE_WIN32 or OPAQUE_WIN32_KMT, not %s",
                        api, t->name);
    if (im->api == VKW_D3D_12 && !t->nt_handle)
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "ID3D12Device::OpenSharedHandle takes NT handles, not %s", t->name);
    if (im->api == VKW_D3D_12 && image)
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "d3d12 takes buffers here: a Vulkan image of optimal tiling has no "
                        "layout a D3D12 texture is known to share");
    if (im->api == VKW_D3D_11 && !image)
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "d3d11 takes images here (as R32_UINT textures), not buffers");
    return VKW_OK;
}

vkw_status vkw_d3d_import_memory(vkw_d3d_importer *im, const vkw_handle_type *t,
                                 const vkw_memory_desc *desc, vkw_handle *h, const char *name,
                                 vkw_d3d_object **out, vkw_error *err)
{
    *out = NULL;
    vkw_status s = vkw_d3d_import_memory_supported(im, t, desc, err);
    if (s != VKW_OK)
        return s;
    if (name)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "%s opens handles here, not names",
                        vkw_d3d_api_words[im->api]);
    vkw_d3d_desc dd = {
        .width = desc->image_width, .height = desc->image_height, .size = desc->size};
    /* Direct3D takes no handle: *h stays the caller's. */
    s = vkw_d3d_open_shared(im->d, *h, t->nt_handle, false, &dd, out, err);
    if (s != VKW_OK && *out) {
        vkw_d3d_object_release(*out);
        *out = NULL;
    }
    return s;
}

static void times_of(const vkw_d3d_times *dt, vkw_foreign_times *t)
{
    if (t) {
        t->copy_ns = dt->copy_ns;
        t->host_ns = dt->host_ns;
    }
}

vkw_status vkw_d3d_import_memory_check(vkw_d3d_object *m, uint64_t seed, bool *ok, vkw_mismatch *mm,
                                       vkw_foreign_times *t, uint32_t timeout_ms, vkw_error *err)
{
    vkw_d3d_times dt;
    vkw_status s = vkw_d3d_check_pattern(m, seed, ok, mm, &dt, timeout_ms, err);
    times_of(&dt, t);
    return s;
}

vkw_status vkw_d3d_import_memory_write(vkw_d3d_object *m, uint64_t seed, vkw_foreign_times *t,
                                       uint32_t timeout_ms, vkw_error *err)
{
    vkw_d3d_times dt;
    vkw_status s = vkw_d3d_write_pattern(m, seed, UINT64_MAX, &dt, timeout_ms, err);
    times_of(&dt, t);
    return s;
}

vkw_status vkw_d3d_import_sync_supported(vkw_d3d_importer *im, vkw_sync_mode mode,
                                         const vkw_handle_type *t, vkw_error *err)
{
    if (im->api != VKW_D3D_12)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "d3d11 shares no fences here (d3d12 does)");
    if (mode != VKW_SYNC_HOST_TIMELINE)
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "d3d12's fences answer host-timeline round trips here, not %s",
                        vkw_sync_mode_name(mode));
    if (!t->nt_handle || (strcmp(t->name, "D3D12_FENCE") != 0 && !opaque_win32(t)))
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "ID3D12Device::OpenSharedHandle opens a timeline exported as D3D12_FENCE "
                        "or OPAQUE_WIN32, not %s",
                        t->name);
    return VKW_OK;
}

vkw_status vkw_d3d_import_sync(vkw_d3d_importer *im, vkw_sync_mode mode, const vkw_handle_type *t,
                               vkw_handle handles[2], const char *const *names, vkw_d3d_sync **out,
                               vkw_error *err)
{
    *out = NULL;
    vkw_status s = vkw_d3d_import_sync_supported(im, mode, t, err);
    if (s != VKW_OK)
        return s;
    if (names)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "d3d12 opens handles here, not names");
    vkw_d3d_sync *y = calloc(1, sizeof *y);
    if (!y)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory opening fences");
    vkw_d3d_desc none = {0};
    s = vkw_d3d_open_shared(im->d, handles[0], true, true, &none, &y->a, err);
    if (s == VKW_OK)
        s = vkw_d3d_open_shared(im->d, handles[1], true, true, &none, &y->b, err);
    if (s != VKW_OK) {
        vkw_d3d_sync_release(y);
        return s;
    }
    *out = y;
    return VKW_OK;
}

vkw_status vkw_d3d_import_sync_pong(vkw_d3d_sync *y, uint64_t round, uint32_t timeout_ms,
                                    vkw_error *err)
{
    vkw_status s = vkw_d3d_fence_wait(y->a, round, timeout_ms, err);
    if (s == VKW_OK)
        s = vkw_d3d_fence_signal(y->b, round, err);
    return s;
}

void vkw_d3d_sync_release(vkw_d3d_sync *y)
{
    if (!y)
        return;
    vkw_d3d_object_release(y->a);
    vkw_d3d_object_release(y->b);
    free(y);
}
