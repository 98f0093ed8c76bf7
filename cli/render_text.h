/* The one place a report becomes text for people. */
#ifndef VKW_RENDER_TEXT_H
#define VKW_RENDER_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "report/report.h"

/* Text from outside (a driver, a report, a config) as it may be shown on a
 * terminal: vkw_text_escape's escapes, in one of 8 rotating buffers, so that
 * one printf can show a few. */
const char *vkw_shown(const char *s);

void vkw_render_probe_text(FILE *f, const vkw_report *r, bool verbose);
/* The bench: its device, child, and one line per scenario (more with verbose). */
void vkw_render_bench_text(FILE *f, const vkw_report *r, bool verbose);
struct vkw_bench_report;
/* The round-trip part of a bench. */
void vkw_render_round_trips_text(FILE *f, const struct vkw_bench_report *b, bool verbose);

#endif
