/* The report as a cJSON tree, for writers that add to it (check_report.c).
 * Everything else uses vkw_report_to_json (report.h). */
#ifndef VKW_REPORT_JSON_H
#define VKW_REPORT_JSON_H

#include <cjson/cJSON.h>

#include "report.h"

/* The report's tree (caller deletes). */
vkw_status vkw_report_to_cjson(const vkw_report *r, cJSON **out, vkw_error *err);

#endif
