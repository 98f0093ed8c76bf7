/* src/bench/: `bench`, memory exported by this process, imported by a child
 * process (the same executable), verified both ways and timed phase by phase,
 * and round trips of semaphores, fences and OS primitives between them.
 *
 * Owns: the parent's run (bench.c: plan, memory scenarios, outcome), the child
 * session that both halves talk through (session.c), the round-trip half
 * (bench_sync.c), the child's side (bench_child.c) and their wire protocol
 * (protocol.c). Its results are typed in the report model
 * (report/bench_report.h), which this header brings along.
 * May include: src/base, src/platform, src/vk, src/report and probes/ (it
 * probes the device before it benches it); never src/check or cli/.
 * Public: this header (vkw_bench_run, vkw_bench_child_main). */
#ifndef VKW_BENCH_H
#define VKW_BENCH_H

#include <stdbool.h>

#include "base/status.h"
#include "report/bench_report.h"
#include "report/report.h"
#include "vk/device.h"
#include "vk/instance.h"

/* How both processes open the device they share: the loader, an instance,
 * the physical device with these UUIDs, and this OS's sharing extensions. */
vkw_status vkw_bench_open_device(const char *loader_path, const vkw_instance_options *io,
                                 const vkw_device_identity *id, vkw_loader *loader,
                                 vkw_instance *inst, vkw_device *dev, bool *luid_matched,
                                 vkw_error *err);
/* The device a run takes from the probe's report: with a filter, the first
 * it matched; else the first GPU (discrete, integrated, virtual), then a CPU. */
uint32_t vkw_bench_choose_device(const vkw_report *r, bool filtered);

/* Releases what vkw_bench_open_device opened (any part of it), in reverse. */
void vkw_bench_close_device(vkw_loader *loader, vkw_instance *inst, vkw_device *dev);

/* Probes the device, then runs the scenarios with a child process; fills
 * report (its probe part and report->bench). VKW_E_SHARING when a scenario
 * failed, VKW_E_CHILD when the child crashed or hung, VKW_E_NOTHING_TO_SHARE
 * when every scenario was skipped. */
vkw_status vkw_bench_run(const vkw_bench_options *opts, vkw_report *report, vkw_error *err);

/* The child's side: attaches to the channel named by token and serves the
 * parent until it says quit. What goes wrong in a request is answered to the
 * parent; what is returned here is what stopped the child itself. */
vkw_status vkw_bench_child_main(const char *token, vkw_error *err);

#endif
