/* Comparing two reports: capabilities gained or lost, scenarios that stopped
 * passing, and latency or throughput that got worse beyond a tolerance. */
#ifndef VKW_COMPARE_H
#define VKW_COMPARE_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"

typedef enum vkw_finding_kind {
    VKW_FINDING_DEVICE_MISSING, /* a device of the old report is not in the new one */
    VKW_FINDING_LOST,           /* a handle type that was shareable no longer is */
    VKW_FINDING_GAINED,         /* one that was not now is (not a regression) */
    VKW_FINDING_NOW_FAILING,    /* a scenario or round-trip mode that passed does not */
    VKW_FINDING_SLOWER,         /* a time grew beyond the tolerance */
    VKW_FINDING_LOWER_THROUGHPUT,
} vkw_finding_kind;
const char *vkw_finding_kind_name(vkw_finding_kind k); /* "lost", "slower", ... */

typedef struct vkw_finding {
    vkw_finding_kind kind;
    bool regression;
    char what[256];          /* "memory OPAQUE_FD", "round trip host-timeline OPAQUE_FD process p50" */
    char old_text[96], new_text[96];
    double change_pct;       /* for times and throughput; 0 otherwise */
} vkw_finding;

typedef struct vkw_comparison {
    double tolerance_pct;
    uint32_t count, cap;
    vkw_finding *findings; /* owned */
    uint32_t regressions;
    uint32_t compared;     /* capabilities, scenarios and figures looked at */
} vkw_comparison;

/* Reads two vkwin32h reports (JSON files) and compares NEW against OLD.
 * VKW_E_INVALID_ARG, naming the file and the problem, when one cannot be read
 * or is not a vkwin32h report. */
vkw_status vkw_compare_files(const char *old_path, const char *new_path, double tolerance_pct,
                             vkw_comparison *out, vkw_error *err);
void vkw_comparison_free(vkw_comparison *c);

#endif
