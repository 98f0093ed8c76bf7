/* libvkw: the core of vkwin32h. Knows nothing of the command line: it never
 * parses argv, never prints to stdout and never exits. */
#ifndef VKW_H
#define VKW_H

#include "bench/bench.h"
#include "vk/device_filter.h"
#include "vk/instance.h"
#include "vk/names.h"
#include "platform/platform.h"
#include "report/report.h"
#include "base/status.h"

typedef struct vkw_probe_options {
    const char *loader_path;         /* NULL: the OS default loader */
    bool validate;                   /* enable VK_LAYER_KHRONOS_validation */
    const vkw_device_filter *filter; /* NULL: every device */
} vkw_probe_options;

/* Probes the loader, the instance and every (matching) physical device into
 * report (initialised by the caller). On failure, report->status and
 * report->message say why, and what was learnt before the failure stays. */
vkw_status vkw_probe_run(const vkw_probe_options *opts, vkw_report *report, vkw_error *err);

#endif
