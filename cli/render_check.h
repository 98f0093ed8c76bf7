/* `check` rendered for people. */
#ifndef VKW_RENDER_CHECK_H
#define VKW_RENDER_CHECK_H

#include <stddef.h>

#include "check/check.h"

/* The short summary: devices, one line per expectation (with why, when it
 * did not pass), the verdict and exit code, the reports written. malloc'd;
 * NULL when out of memory. */
char *vkw_render_check_summary(const vkw_check_result *r, int exit_code,
                               const char *const *report_paths, size_t path_count);
/* --dry-run: the config's expectations of each device. */
char *vkw_render_check_plan(const vkw_check_config *c, const vkw_check_item *items, uint32_t count);

#endif
