/* Reading a vkwin32h report back: the JSON (any command) parsed once into
 * typed structs, with the words of report_vocab.h, for compare (and any other
 * reader). Strings point into the parsed tree, which the report owns. */
#ifndef VKW_REPORT_READ_H
#define VKW_REPORT_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"

/* The kinds of report: vkw_vocab_command's words. */
typedef enum vkw_report_kind {
    VKW_REPORT_PROBE,
    VKW_REPORT_BENCH,
    VKW_REPORT_CHECK,
    VKW_REPORT_STRESS, /* compared by its devices only */
} vkw_report_kind;

/* What a handle type's verdict is about. */
typedef enum vkw_cap_group {
    VKW_CAP_MEMORY,
    VKW_CAP_SEMAPHORE_BINARY,
    VKW_CAP_SEMAPHORE_TIMELINE,
    VKW_CAP_FENCE,
} vkw_cap_group;

typedef struct vkw_read_cap {
    vkw_cap_group group;
    const char *handle_type;
    int32_t verdict; /* vkw_verdict_code; -1: a word the vocabulary does not know */
    const char *verdict_text, *detail;
} vkw_read_cap;

typedef struct vkw_read_device {
    uint32_t index;
    const char *name;
    const char *uuid; /* NULL: the report has no deviceUUID */
    uint32_t cap_count;
    vkw_read_cap *caps;
} vkw_read_device;

/* The phases a memory scenario has (bench_report.h's VKW_PHASE_COUNT). */
#define VKW_READ_PHASE_COUNT 18

/* A time summary (microseconds) of a scenario's phase. */
typedef struct vkw_read_summary {
    bool present;
    uint32_t count;
    double min, median, max;
} vkw_read_summary;

typedef struct vkw_read_scenario {
    const char *handle_type, *scenario;
    const char *importer; /* "vulkan" where the report has none (made before --importer) */
    const char *exporter; /* "vulkan" where the report has none (made before --exporter) */
    double size;
    int32_t outcome; /* vkw_outcome; -1: unknown word */
    const char *outcome_text, *reason;
    vkw_read_summary phases[VKW_READ_PHASE_COUNT]; /* vkw_vocab_phase's order */
    double child_gbps, parent_gbps;                /* 0: not measured */
    /* Imported vs local, per direction (write, read): the ratio (0: not
     * measured) and the two sides' times (microseconds). */
    bool ivl_measured;
    double ivl_ratio[2];
    vkw_read_summary ivl_imported[2], ivl_local[2];
} vkw_read_scenario;

typedef struct vkw_read_round_trip {
    const char *mode, *peer;
    const char *importer; /* process peers: the child's API ("vulkan" where absent); else NULL */
    const char *exporter; /* process peers: this side's API; NULL where absent (Vulkan's) */
    const char *which;    /* the OS primitive, else the handle type; NULL: in-process */
    int32_t outcome;
    const char *outcome_text, *reason;
    double p50, p99; /* ns, over every sample */
    uint32_t repeat_count;
    double *repeat_p50, *repeat_p99; /* ns, one per repeat (owned) */
} vkw_read_round_trip;

typedef struct vkw_read_type {
    const char *handle_type;
    bool tested;
} vkw_read_type;

typedef struct vkw_read_bench {
    int32_t device; /* into the report's devices; -1: none */
    uint32_t type_count, scenario_count, round_trip_count;
    vkw_read_type *types;
    vkw_read_scenario *scenarios;
    vkw_read_round_trip *round_trips;
} vkw_read_bench;

typedef struct vkw_read_expectation {
    const char *id, *name;
    int32_t device;  /* into the report's devices; -1: none */
    int32_t outcome; /* vkw_expect_outcome; -1: unknown */
    const char *outcome_text, *measured, *message;
} vkw_read_expectation;

typedef struct vkw_read_run {
    const char *name;
    int32_t device; /* into the report's devices; -1: none */
    bool has_bench;
    vkw_read_bench bench;
} vkw_read_run;

typedef struct vkw_read_report {
    void *tree; /* the parsed JSON: owns every string */
    const char *path;
    vkw_report_kind kind;
    bool status_ok;
    const char *status_code;
    uint32_t device_count;
    vkw_read_device *devices;
    bool has_bench;
    vkw_read_bench bench;
    bool has_check;
    const char *check_outcome;
    uint32_t expectation_count, run_count;
    vkw_read_expectation *expectations;
    vkw_read_run *runs;
} vkw_read_report;

/* Reads the report at path. VKW_E_INVALID_ARG, naming the file, when it
 * cannot be read, is not a vkwin32h report, or a part has the wrong shape. */
vkw_status vkw_report_read(const char *path, vkw_read_report *out, vkw_error *err);
void vkw_read_report_free(vkw_read_report *r);

#endif
