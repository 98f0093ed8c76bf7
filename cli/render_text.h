/* The one place a typed report becomes a document for people: the live text
 * of probe and bench, and `vkwin32h report` of a probe or bench report. */
#ifndef VKW_RENDER_TEXT_H
#define VKW_RENDER_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "report/report.h"

/* Text from outside (a driver, a report, a config) as it may be shown on a
 * terminal: vkw_text_escape's escapes, in one of 8 rotating buffers, so that
 * one printf can show a few. */
const char *vkw_shown(const char *s);

struct vkw_doc;
/* The walk: a probe report (its devices and verdicts), or a bench report (its
 * device, child, one row per scenario and round trip; more with verbose), as
 * calls on the document writer, whatever its format. */
void vkw_render_doc(struct vkw_doc *d, const vkw_report *r, bool verbose);
struct vkw_bench_report;
/* The bench part alone, under the caller's heading (a check report's runs). */
void vkw_render_bench_doc(struct vkw_doc *d, const vkw_report *r, const struct vkw_bench_report *b,
                          bool verbose);
struct vkw_stress_report;
/* The stress part: the run, operations, chaos, trends, verdict and series
 * (report_stress.c). */
void vkw_render_stress_doc(struct vkw_doc *d, const vkw_report *r,
                           const struct vkw_stress_report *s, bool verbose);
/* The live text: the walk in the writer's text, written to f. */
void vkw_render_probe_text(FILE *f, const vkw_report *r, bool verbose);
void vkw_render_bench_text(FILE *f, const vkw_report *r, bool verbose);
void vkw_render_stress_text(FILE *f, const vkw_report *r, bool verbose);

#endif
