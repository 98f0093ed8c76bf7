/* probes/: the capability probes, one file per probe (probe.h is their
 * interface), and probe_run.c, which runs them over the loader, the instance
 * and each physical device into the report model.
 *
 * Owns: what a device can share, as its driver answers (identity, queues,
 * memory, external memory, semaphore and fence properties), and the verdicts'
 * inputs. May include: src/base, src/platform, src/vk and src/report; never
 * src/bench, src/check or cli/ (the bench and check probe through this).
 * Public: this header (vkw_probe_run). */
#ifndef VKW_PROBE_RUN_H
#define VKW_PROBE_RUN_H

#include <stdbool.h>

#include "base/status.h"
#include "report/report.h"
#include "vk/device_filter.h"

typedef struct vkw_probe_options {
    const char *loader_path;         /* NULL: the OS default loader */
    bool validate;                   /* enable VK_LAYER_KHRONOS_validation */
    const vkw_device_filter *filter; /* NULL: every device */
    bool interop; /* also the interop probe: the same device through CUDA and GL (the
                     probe command, and check where a capability names an importer) */
    bool d3d;     /* also Direct3D's adapters, once for the machine (the probe command) */
} vkw_probe_options;

/* Probes the loader, the instance and every (matching) physical device into
 * report (initialised by the caller). On failure, report->status and
 * report->message say why, and what was learnt before the failure stays. */
vkw_status vkw_probe_run(const vkw_probe_options *opts, vkw_report *report, vkw_error *err);

#endif
