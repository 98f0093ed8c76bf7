/* Probe: Direct3D on this machine. Every DXGI adapter, the Vulkan device it
 * is (the one whose deviceLUID is the adapter's LUID), and for D3D11 and
 * D3D12 on it: whether a device can be made, and for each handle type the
 * API exports, how far it gets (the object made, its handle exported). An
 * exported NT handle is closed at once: the probe shares nothing. What is
 * missing (not Windows, no dxgi.dll, a refusal) is an answer, never a
 * failure of the probe. */
#include "probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interop/d3d.h"

/* A 64 x 64 texture, a 64 KiB buffer or heap: enough to be a real object,
 * small enough for any device. */
static const vkw_d3d_desc trial_desc = {.width = 64, .height = 64, .size = 65536};

static void try_export(vkw_d3d *d, const vkw_handle_type *t, vkw_d3d_export_trial *out)
{
    vkw_d3d_object *obj = NULL;
    vkw_handle h = VKW_NO_HANDLE;
    vkw_error err = {0};
    snprintf(out->handle_type, sizeof out->handle_type, "%s", t->name);
    out->status = vkw_d3d_export(d, t, &trial_desc, &obj, &h, &err);
    out->created = obj != NULL;
    out->exported = out->status == VKW_OK;
    if (!out->exported)
        snprintf(out->reason, sizeof out->reason, "%.255s", err.message);
    /* An NT handle is this process's to close; a KMT handle is a value. */
    if (h != VKW_NO_HANDLE && t->nt_handle)
        vkw_handle_close(h);
    vkw_d3d_object_release(obj);
}

static void try_api(vkw_d3d_api api, uint32_t adapter, vkw_d3d_api_report *out)
{
    vkw_d3d *d = NULL;
    vkw_error err = {0};
    if (vkw_d3d_open(api, adapter, &d, out->feature_level, &err) != VKW_OK) {
        out->state = VKW_INTEROP_NOT_AVAILABLE;
        snprintf(out->reason, sizeof out->reason, "%.255s", err.message);
        return;
    }
    out->state = VKW_INTEROP_AVAILABLE;
    const vkw_handle_type *lists[2] = {vkw_memory_handle_types, vkw_semaphore_handle_types};
    const size_t counts[2] = {VKW_MEMORY_HANDLE_TYPE_COUNT, VKW_SEMAPHORE_HANDLE_TYPE_COUNT};
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; i < counts[l]; i++)
            if (vkw_d3d_exports(api, &lists[l][i]) && out->export_count < VKW_D3D_REPORT_EXPORT_MAX)
                try_export(d, &lists[l][i], &out->exports[out->export_count++]);
    vkw_d3d_close(d);
}

void vkw_probe_d3d_match(vkw_report *report)
{
    vkw_d3d_report *r = report->d3d;
    for (uint32_t a = 0; r && a < r->adapter_count && a < VKW_D3D_REPORT_ADAPTER_MAX; a++) {
        vkw_d3d_adapter_report *ad = &r->adapters[a];
        ad->vulkan_device = -1;
        for (uint32_t i = 0; i < report->device_count && ad->vulkan_device < 0; i++) {
            const vkw_device_report *dev = &report->devices[i];
            if (dev->device_luid_valid && memcmp(dev->device_luid, ad->luid, VK_LUID_SIZE) == 0)
                ad->vulkan_device = (int32_t)dev->index;
        }
    }
}

vkw_status vkw_probe_d3d(vkw_report *report, vkw_error *err)
{
    vkw_d3d_report *r = calloc(1, sizeof *r);
    vkw_d3d_adapter *adapters = calloc(VKW_D3D_REPORT_ADAPTER_MAX, sizeof *adapters);
    if (!r || !adapters) {
        free(r);
        free(adapters);
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory probing Direct3D");
    }
    report->d3d = r;
    vkw_error why = {0};
    uint32_t n = 0;
    if (vkw_d3d_adapters(adapters, VKW_D3D_REPORT_ADAPTER_MAX, &n, &why) != VKW_OK) {
        r->state = VKW_INTEROP_NOT_AVAILABLE;
        snprintf(r->reason, sizeof r->reason, "%.255s", why.message);
        free(adapters);
        return VKW_OK;
    }
    r->state = VKW_INTEROP_AVAILABLE;
    for (uint32_t i = 0; i < n && i < VKW_D3D_REPORT_ADAPTER_MAX; i++) {
        vkw_d3d_adapter_report *ad = &r->adapters[r->adapter_count++];
        ad->index = adapters[i].index;
        snprintf(ad->description, sizeof ad->description, "%s", adapters[i].description);
        ad->vendor_id = adapters[i].vendor_id;
        ad->device_id = adapters[i].device_id;
        memcpy(ad->luid, adapters[i].luid, VK_LUID_SIZE);
        ad->software = adapters[i].software;
        try_api(VKW_D3D_11, ad->index, &ad->api[0]);
        try_api(VKW_D3D_12, ad->index, &ad->api[1]);
    }
    free(adapters);
    vkw_probe_d3d_match(report);
    return VKW_OK;
}
