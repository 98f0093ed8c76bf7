/* Comparing two reports of one kind: what was there before and is lost now
 * (devices, handle types, scenarios, round-trip modes, expectations), what
 * passed and fails now, and times that got worse beyond the tolerance and
 * beyond the run-to-run spread both reports measured. Items are paired by key
 * (devices by deviceUUID, then name), through sorted indexes: n log n. */
#ifndef VKW_COMPARE_H
#define VKW_COMPARE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"

typedef enum vkw_finding_kind {
    VKW_FINDING_LOST,        /* present before; absent, skipped or not run now */
    VKW_FINDING_NOW_FAILING, /* passed before, fails now */
    VKW_FINDING_SLOWER,      /* a time grew */
    VKW_FINDING_LOWER_THROUGHPUT,
    VKW_FINDING_GAINED,  /* was not shareable, now is (not a regression) */
    VKW_FINDING_CHANGED, /* shareable either way, but one way is dedicated-only (not a regression)
                          */
} vkw_finding_kind;
const char *vkw_finding_kind_name(vkw_finding_kind k); /* "lost", "slower", ... */

/* How a time's change was judged. */
typedef enum vkw_evidence_kind {
    VKW_EVIDENCE_NONE,     /* not a time */
    VKW_EVIDENCE_REPEATS,  /* Mann-Whitney U on the repeats' values (round trips) */
    VKW_EVIDENCE_RANGES,   /* the iterations' min..max ranges (memory phases) */
    VKW_EVIDENCE_NO_SPREAD /* a report lacks what measures the spread: never a regression */
} vkw_evidence_kind;
const char *vkw_evidence_kind_name(vkw_evidence_kind k);

typedef struct vkw_evidence {
    vkw_evidence_kind kind;
    uint32_t old_n, new_n;
    double *old_values, *new_values; /* REPEATS: each repeat's figure (owned) */
    double u, p;                     /* REPEATS: U of new against old x (1 + tolerance), p-value */
    double old_min, old_max, new_min, new_max; /* RANGES */
    bool beyond_spread;
    char why[160]; /* one sentence */
} vkw_evidence;

typedef struct vkw_finding {
    vkw_finding_kind kind;
    bool regression;
    char what[256]; /* "memory OPAQUE_FD", "round trip host-timeline OPAQUE_FD process peer p50" */
    char old_text[96], new_text[96];
    double old_value, new_value; /* times and throughput; 0 otherwise */
    char unit[8];                /* theirs: "us", "GB/s" */
    double change_pct;           /* for times and throughput; 0 otherwise */
    vkw_evidence evidence;
} vkw_finding;

/* The significance level of the spread test. */
#define VKW_COMPARE_ALPHA 0.01

typedef struct vkw_comparison {
    double tolerance_pct;
    double alpha;
    const char *kind; /* the reports' command: "probe", "bench", "check" */
    uint32_t count, cap;
    vkw_finding *findings; /* owned */
    uint32_t regressions;
    uint32_t compared; /* devices, capabilities, scenarios, modes, expectations and figures */
    uint32_t paired_devices;
} vkw_comparison;

/* Reads two vkwin32h reports (JSON files) and compares NEW against OLD.
 * VKW_E_INVALID_ARG, naming the file and the problem, when one cannot be read,
 * is not a vkwin32h report, or the two are of different kinds. */
vkw_status vkw_compare_files(const char *old_path, const char *new_path, double tolerance_pct,
                             vkw_comparison *out, vkw_error *err);
/* The decision and its evidence as JSON text (malloc'd). */
vkw_status vkw_comparison_to_json(const vkw_comparison *c, const char *old_path,
                                  const char *new_path, char **out, vkw_error *err);
void vkw_comparison_free(vkw_comparison *c);

#endif
