/* The options of `stress`, declared as data like the bench's
 * (bench_options.h): flag, type, bounds, default and help line; the command
 * line parses argv with this table and prints its usage from it. The bench's
 * own --sizes, --handle-types, --scenarios, --timeout and --deadline are
 * taken by `stress` too (their table says so). A check config's bench of
 * "part": "stress" takes the keys of both tables marked VKW_CONFIG_STRESS. */
#ifndef VKW_STRESS_OPTIONS_H
#define VKW_STRESS_OPTIONS_H

#include "bench_options.h"
#include "stress_report.h"

typedef enum vkw_stress_option_id {
    VKW_SOPT_IMPORTERS,
    VKW_SOPT_CONCURRENCY,
    VKW_SOPT_DURATION,
    VKW_SOPT_CYCLES,
    VKW_SOPT_VERIFY_EVERY,
    VKW_SOPT_INTERVAL,
    VKW_SOPT_SEED,
    VKW_SOPT_CHAOS,
    VKW_SOPT_CHAOS_KINDS,
    VKW_SOPT_OPERATIONS,
    VKW_SOPT_LEAK_MAX,
    VKW_SOPT_RESIDENT_MAX,
    VKW_SOPT_P99_MAX,
    VKW_SOPT_RATE_MIN,
    VKW_SOPT_UNDETECTED_MAX,
    VKW_SOPT_FAULT,
    VKW_STRESS_OPTION_COUNT
} vkw_stress_option_id;

extern const vkw_option vkw_stress_option_table[VKW_STRESS_OPTION_COUNT];

/* A duration as options take it: digits and a unit, ms, s, m or h ("90s",
 * "10m", "2h", "500ms"); in milliseconds. */
bool vkw_duration_parse(const char *text, uint64_t *ms);
/* A plain decimal number: digits, at most one '.', more digits ("0.05",
 * "12", "2.5"); no sign, blank or exponent. */
bool vkw_decimal_parse(const char *text, double *out);

/* A stress option as written on the command line into o; an error names
 * label and what was wrong. */
vkw_status vkw_stress_option_parse(vkw_stress_option_id id, const char *label, const char *text,
                                   vkw_stress_options *o, vkw_error *err);
/* A value checked already into o: UINT and DURATION (milliseconds) v, NUMBER
 * d, NAMES v's bits, ENUM v's index (the check config's reader stores so). */
void vkw_stress_option_store(vkw_stress_option_id id, vkw_stress_options *o, uint64_t v, double d);

#endif
