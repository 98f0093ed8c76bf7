/* src/stress/: `stress`, one exporter (this process) and --importers child
 * processes (the same executable, the bench's child) sharing memory,
 * semaphores and fences for a duration or a number of operations, with
 * --concurrency objects in flight per importer, faults injected at seeded
 * points (--chaos), a time series of rates, latencies, handles and memory, and
 * verdicts from the series' trends.
 *
 * Owns: the run (stress.c: the importers and their restarts, a worker thread
 * per importer, the sampler, the verdicts) and its operations (stress_ops.c).
 * Its results are typed in the report model (report/stress_report.h).
 * May include: src/base, src/platform, src/vk, src/report, probes/ and
 * src/bench (its child and protocol); never src/check or cli/.
 * Public: this header. */
#ifndef VKW_STRESS_H
#define VKW_STRESS_H

#include "base/status.h"
#include "report/report.h"
#include "report/stress_report.h"

/* Probes the device, starts the importers and runs until the cycles are
 * done, the duration passes or a stop is requested; fills report (its probe
 * part and report->stress, complete whatever ended it). VKW_E_STRESS when a
 * verdict failed (a leak, a mismatch, an undetected fault, a validation
 * error, a limit), VKW_E_NOTHING_TO_SHARE when no operation can run here,
 * VKW_E_INTERRUPTED when a stop ended it (the report is still complete). */
vkw_status vkw_stress_run(const vkw_stress_options *opts, vkw_report *report, vkw_error *err);

#endif
