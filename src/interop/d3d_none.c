/* Direct3D where there is none (every OS but Windows): each call refuses
 * with VKW_E_UNSUPPORTED, so no device and no object ever exists here. */
#include "d3d.h"

#define NO_D3D "Direct3D exists on Windows only"

vkw_status vkw_d3d_adapters(vkw_d3d_adapter *out, uint32_t max, uint32_t *count, vkw_error *err)
{
    (void)out, (void)max;
    *count = 0;
    return vkw_fail(err, VKW_E_UNSUPPORTED, NO_D3D);
}

vkw_status vkw_d3d_open(vkw_d3d_api api, uint32_t adapter_index, vkw_d3d **out,
                        char feature_level[8], vkw_error *err)
{
    (void)api, (void)adapter_index;
    *out = NULL;
    feature_level[0] = '\0';
    return vkw_fail(err, VKW_E_UNSUPPORTED, NO_D3D);
}

void vkw_d3d_close(vkw_d3d *d)
{
    (void)d; /* none was ever opened */
}

vkw_status vkw_d3d_export(vkw_d3d *d, const vkw_handle_type *t, const vkw_d3d_desc *desc,
                          vkw_d3d_object **obj, vkw_handle *h, vkw_error *err)
{
    (void)d, (void)t, (void)desc;
    *obj = NULL;
    *h = VKW_NO_HANDLE;
    return vkw_fail(err, VKW_E_UNSUPPORTED, NO_D3D);
}

void vkw_d3d_object_release(vkw_d3d_object *o)
{
    (void)o; /* none was ever made */
}

vkw_status vkw_d3d_make(vkw_d3d *d, const vkw_handle_type *t, const vkw_d3d_desc *desc,
                        vkw_d3d_object **obj, vkw_error *err)
{
    (void)d, (void)t, (void)desc;
    *obj = NULL;
    return vkw_fail(err, VKW_E_UNSUPPORTED, NO_D3D);
}

vkw_status vkw_d3d_share(vkw_d3d_object *o, vkw_handle *h, vkw_error *err)
{
    (void)o;
    *h = VKW_NO_HANDLE;
    return vkw_fail(err, VKW_E_UNSUPPORTED, NO_D3D);
}

uint64_t vkw_d3d_object_size(const vkw_d3d_object *o)
{
    (void)o;
    return 0;
}

vkw_status vkw_d3d_write_pattern(vkw_d3d_object *o, uint64_t seed, uint64_t flip_at,
                                 vkw_d3d_times *t, uint32_t timeout_ms, vkw_error *err)
{
    (void)o, (void)seed, (void)flip_at, (void)timeout_ms;
    *t = (vkw_d3d_times){0};
    return vkw_fail(err, VKW_E_UNSUPPORTED, NO_D3D);
}

vkw_status vkw_d3d_check_pattern(vkw_d3d_object *o, uint64_t seed, bool *ok, vkw_mismatch *mm,
                                 vkw_d3d_times *t, uint32_t timeout_ms, vkw_error *err)
{
    (void)o, (void)seed, (void)mm, (void)timeout_ms;
    *ok = false;
    *t = (vkw_d3d_times){0};
    return vkw_fail(err, VKW_E_UNSUPPORTED, NO_D3D);
}

vkw_status vkw_d3d_fence_value(vkw_d3d_object *o, uint64_t *value, vkw_error *err)
{
    (void)o;
    *value = 0;
    return vkw_fail(err, VKW_E_UNSUPPORTED, NO_D3D);
}

vkw_status vkw_d3d_fence_signal(vkw_d3d_object *o, uint64_t value, vkw_error *err)
{
    (void)o, (void)value;
    return vkw_fail(err, VKW_E_UNSUPPORTED, NO_D3D);
}

vkw_status vkw_d3d_fence_wait(vkw_d3d_object *o, uint64_t value, uint32_t timeout_ms,
                              vkw_error *err)
{
    (void)o, (void)value, (void)timeout_ms;
    return vkw_fail(err, VKW_E_UNSUPPORTED, NO_D3D);
}

vkw_status vkw_d3d_open_shared(vkw_d3d *d, vkw_handle h, bool nt, bool fence,
                               const vkw_d3d_desc *desc, vkw_d3d_object **obj, vkw_error *err)
{
    (void)d, (void)h, (void)nt, (void)fence, (void)desc;
    *obj = NULL;
    return vkw_fail(err, VKW_E_UNSUPPORTED, NO_D3D);
}

vkw_status vkw_d3d_keyed_mutex_keys(vkw_d3d_object *o, uint64_t acquire, uint64_t release,
                                    vkw_error *err)
{
    (void)o, (void)acquire, (void)release;
    return vkw_fail(err, VKW_E_UNSUPPORTED, NO_D3D);
}
