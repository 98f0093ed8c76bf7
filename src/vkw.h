/* libvkw: the core of vkwin32h. Knows nothing of the command line: it never
 * parses argv, never prints to stdout and never exits.
 *
 * Its folders, lowest first (scripts/check-layers.py holds them to it: each
 * includes only itself and the folders before it, and no module includes
 * another in a circle): src/base (status, text, statistics, byte patterns),
 * src/platform (the OS seam), src/vk (Vulkan: instance, devices, names,
 * handle types, external handles, shared memory, sync objects), src/report
 * (the report model, its words, its JSON, compare), probes/ (the capability
 * probes), src/bench (the bench and its child), src/check (the gate).
 *
 * The public headers, the only ones cli/ includes: this one, base/status.h,
 * base/text_buffer.h, platform/stop.h, vk/names.h, vk/device_filter.h,
 * report/report.h, report/bench_report.h, report/report_vocab.h,
 * report/report_file.h, report/compare.h, probes/probe_run.h, bench/bench.h
 * and check/check.h. This header brings the probe, the bench, and the few OS
 * primitives the command line uses itself (platform/platform.h: its clock,
 * file identity and atomic writes, the terminal). */
#ifndef VKW_H
#define VKW_H

#include "base/status.h"
#include "bench/bench.h"
#include "platform/platform.h"
#include "probes/probe_run.h"
#include "report/report.h"
#include "report/stress_options.h"
#include "report/stress_report.h"
#include "stress/stress.h"
#include "vk/device_filter.h"
#include "vk/instance.h"
#include "vk/names.h"

#endif
