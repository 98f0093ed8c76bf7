/* Reading JSON files: a vkwin32h report (compare, report) or a check config. */
#ifndef VKW_JSON_FILE_H
#define VKW_JSON_FILE_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "base/status.h"

/* Reads a whole file as text (NUL-terminated, malloc'd) of at most max bytes.
 * VKW_E_INVALID_ARG, naming the file as `what 'path'`, when it cannot be read
 * or is larger. */
vkw_status vkw_read_text_file(const char *path, const char *what, size_t max, char **out,
                              size_t *len, vkw_error *err);

/* Reads and parses a vkwin32h report (any command); VKW_E_INVALID_ARG when it
 * cannot be read, is not JSON, or is not a vkwin32h report. */
vkw_status vkw_load_report_json(const char *path, cJSON **out, vkw_error *err);

#endif
