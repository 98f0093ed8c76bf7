/* The probe interface: each probe fills its part of one device's report. */
#ifndef VKW_PROBE_H
#define VKW_PROBE_H

#include "vk/instance.h"
#include "report/report.h"

typedef struct vkw_probe_ctx {
    const vkw_instance *inst;
    VkPhysicalDevice pd;
    uint32_t api_version; /* min(instance, device): what may be called on this device */
    vkw_pd11_table fn;    /* the 1.1 queries this device may be called through (or NULL) */
} vkw_probe_ctx;

typedef struct vkw_probe {
    const char *name;
    vkw_status (*run)(const vkw_probe_ctx *ctx, vkw_device_report *dev, vkw_error *err);
} vkw_probe;

/* In the order they run: later probes read what earlier ones recorded. */
extern const vkw_probe vkw_probe_extensions;
extern const vkw_probe vkw_probe_identity;
extern const vkw_probe vkw_probe_queues;
extern const vkw_probe vkw_probe_memory_heaps;
extern const vkw_probe vkw_probe_memory_buffer;
extern const vkw_probe vkw_probe_memory_image;
extern const vkw_probe vkw_probe_semaphore;
extern const vkw_probe vkw_probe_fence;
extern const vkw_probe vkw_probe_interop;

/* Direct3D on this machine (probes/d3d.c), into report->d3d: not a probe of
 * one device, run once after them (its adapters are matched to the devices
 * probed by LUID). Fails only for host memory. */
vkw_status vkw_probe_d3d(vkw_report *report, vkw_error *err);
/* Sets each adapter's vulkan_device: the index of the device probed whose
 * deviceLUID is valid and equal to the adapter's LUID, or -1. */
void vkw_probe_d3d_match(vkw_report *report);

/* Shared by the capability probes (external_props.c). */
void vkw_props_from_memory(const VkExternalMemoryProperties *p, vkw_external_props *out);
/* Semaphores and fences share one feature-bit layout (checked in external_props.c). */
void vkw_props_from_sync(uint32_t features, uint32_t compatible, uint32_t export_from_imported,
                         vkw_external_props *out);
void vkw_props_not_applicable(vkw_external_props *out);
/* A handle type whose enum value comes from a device extension may only be
 * named in a query when the device offers that extension; otherwise the entry
 * is marked skipped (returns true). Core 1.1 values are always queried. */
bool vkw_props_skip_undefined(const vkw_device_report *dev, const vkw_handle_type *ht,
                              vkw_external_props *out);
/* Marks an entry skipped because the query function itself is unavailable. */
void vkw_props_skipped(vkw_external_props *out, const char *reason);
/* Flags drivers must keep consistent; anomalies are recorded on dev. */
void vkw_props_check(vkw_device_report *dev, const char *what, const char *type_name,
                     uint32_t type_bit, const vkw_external_props *p);

#endif
