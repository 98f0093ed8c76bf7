/* src/check/: `check`, a lab's smoke check. Probes the machine, picks the
 * devices a config names, runs its benches on each, and judges every
 * expectation of the config on every device: one expectation, one verdict (and
 * one JUnit test case).
 * Owns: the config and its reader (check_config.c), the runs and the judging
 * (check.c), the check's JSON, JUnit and summary (check_report.c).
 * May include: every folder of the library below it (src/base, src/platform,
 * src/vk, src/report, probes/, src/bench); never cli/. Public: this header. */
#ifndef VKW_CHECK_H
#define VKW_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "check_config.h"
#include "report/report.h"
#include "report/report_vocab.h"
#include "base/status.h"

/* What the config expects of each device, in order: its capabilities, then
 * each bench's thresholds (round trips: per listed mode and peer), then, when
 * validating, that the validation layer reported no error. */
typedef enum vkw_check_item_kind {
    VKW_ITEM_CAPABILITY,
    VKW_ITEM_BENCH,
    VKW_ITEM_VALIDATION,
} vkw_check_item_kind;

typedef struct vkw_check_item {
    vkw_check_item_kind kind;
    uint32_t index;     /* capability or bench */
    uint32_t threshold; /* bench: index in its thresholds */
    vkw_sync_mode mode; /* round-trip bench */
    vkw_peer peer;
} vkw_check_item;

/* The items of one device (malloc'd; caller frees). */
vkw_status vkw_check_plan(const vkw_check_config *c, vkw_check_item **items, uint32_t *count,
                          vkw_error *err);
/* "benches[1].expect.p99_us_max" and "timeline: host-timeline (process) p99 <= 500 us". */
void vkw_check_item_source(const vkw_check_config *c, const vkw_check_item *it, char *buf,
                           size_t len);
void vkw_check_item_name(const vkw_check_config *c, const vkw_check_item *it, char *buf,
                         size_t len);

const char *vkw_expect_outcome_name(vkw_expect_outcome o); /* "passed", ... */

/* Room for an expectation's name: its bench's longest name, mode, handle type,
 * peer and threshold, never cut (two names cut alike would be one JUnit test). */
#define VKW_EXPECTATION_NAME_LEN (VKW_CHECK_TEXT_BYTES(VKW_CHECK_NAME_CHARS) + 128)

typedef struct vkw_expectation {
    char id[192];         /* unique: "device0/benches[1].expect.p99_us_max/host-timeline/process" */
    int32_t device_index; /* in the probe's devices; -1: not about one device */
    char group[VKW_CHECK_TEXT_BYTES(VKW_CHECK_NAME_CHARS)]; /* "capabilities", "validation"
                                                              or the bench's name */
    int32_t bench;                       /* the config's bench it judges; -1: none */
    char source[96];                     /* the config's place */
    char name[VKW_EXPECTATION_NAME_LEN]; /* whole: two benches' names never cut alike */
    vkw_expect_outcome outcome;
    char measured[192]; /* empty: nothing measured */
    char limit[64];
    char message[512]; /* why it failed or could not be judged */
    double seconds;    /* its share of the time spent measuring it */
} vkw_expectation;

const char *vkw_check_verdict_name(vkw_check_verdict v); /* "passed", ... */

/* One bench run on one device: the bench's whole report. */
typedef struct vkw_check_bench_run {
    uint32_t bench;        /* in the config */
    uint32_t device_index; /* in the probe's devices */
    vkw_report report;
    vkw_status status;
    char message[512];
} vkw_check_bench_run;

typedef struct vkw_check_options {
    const char *loader_path; /* overrides the config's; NULL: the config's or the OS's */
    /* As work starts: the step that runs, and how far it is (may be ""). */
    void (*progress)(void *user, const char *step, const char *detail);
    void *progress_user;
} vkw_check_options;

typedef struct vkw_check_result {
    const vkw_check_config *config;
    vkw_report probe; /* command "check": every device; the report's check part below */
    uint32_t selected_count;
    bool *selected; /* per probed device (owned) */
    uint32_t expectation_count;
    vkw_expectation *expectations; /* owned */
    uint32_t run_count;
    vkw_check_bench_run *runs; /* owned */
    uint32_t passed, failed, errors;
    vkw_check_verdict verdict;
    char message[512]; /* for ENVIRONMENT, ERROR and INTERRUPTED: why, in one sentence */
    double total_ms;
} vkw_check_result;

/* Judges one threshold of a memory bench against its report: fills e's
 * outcome, measured, limit and message (vkw_check_run calls it per device). */
void vkw_check_judge_memory(const vkw_check_threshold *t, const vkw_bench_report *b,
                            vkw_expectation *e);

/* Runs the check. VKW_OK whenever it could judge (whatever the verdict);
 * an error status only when the tool itself failed (out of host memory). A
 * stop request ends it early with VKW_CHECK_INTERRUPTED: what ran is judged,
 * what did not is an error (not judged). */
vkw_status vkw_check_run(const vkw_check_config *c, const vkw_check_options *o,
                         vkw_check_result *out, vkw_error *err);
void vkw_check_result_free(vkw_check_result *r);

/* The JSON report (the probe's report with a "check" part, exit_code as the
 * CLI will end with) and the JUnit XML; malloc'd text. */
vkw_status vkw_check_to_json(const vkw_check_result *r, int exit_code, char **out, vkw_error *err);
vkw_status vkw_check_to_junit(const vkw_check_result *r, char **out, vkw_error *err);

#endif
