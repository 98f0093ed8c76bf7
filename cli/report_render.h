/* `vkwin32h report`: a JSON report (probe, bench, check or stress) rendered for
 * people: plain text, Markdown, or one self-contained HTML page with SVG plots. */
#ifndef VKW_REPORT_RENDER_H
#define VKW_REPORT_RENDER_H

#include "base/status.h"
#include "render_format.h"

/* Reads the vkwin32h report at json_path and renders it; *out is malloc'd
 * text (caller frees). VKW_E_INVALID_ARG, naming the file and the problem,
 * when the file cannot be read or is not a vkwin32h report. */
vkw_status vkw_render_report_file(const char *json_path, vkw_render_format format, char **out,
                                  vkw_error *err);

#endif
