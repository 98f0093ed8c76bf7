/* The report's vocabulary, written once: every enum string the report uses and
 * every key its readers look up. The writer (report_json.c, check_report.c),
 * the reader (report_read.c) and the CLI's renderers take their words from
 * here, and a unit test holds these tables against
 * schema/vkwin32h-report.schema.json, so a misspelt word fails a test instead
 * of compiling into a false verdict. The round-trip words come from vk/sync.h,
 * which owns their enums; nothing else. */
#ifndef VKW_REPORT_VOCAB_H
#define VKW_REPORT_VOCAB_H

#include <stddef.h>
#include <stdint.h>

/* One enum of the report: words[i] is the string of the C enum's value i. */
typedef struct vkw_vocab {
    const char *name;        /* for messages: "verdict code" */
    const char *schema_enum; /* JSON pointer of its "enum" (or of an object whose
                                property names are the words) in the report schema */
    uint32_t count;
    const char *const *words;
} vkw_vocab;

extern const vkw_vocab vkw_vocab_command; /* probe, bench, check, stress */
extern const vkw_vocab vkw_vocab_verdict; /* vkw_verdict_code */
extern const vkw_vocab vkw_vocab_outcome; /* vkw_outcome: scenarios and round trips */
extern const vkw_vocab
    vkw_vocab_memory_outcome; /* the same words, as the memory schema lists them */
extern const vkw_vocab vkw_vocab_expect_outcome; /* vkw_expect_outcome */
extern const vkw_vocab vkw_vocab_check_outcome;  /* vkw_check_verdict */
extern const vkw_vocab vkw_vocab_sync_mode;      /* vkw_sync_mode */
extern const vkw_vocab vkw_vocab_peer;           /* vkw_peer */
extern const vkw_vocab vkw_vocab_phase;          /* vkw_phase: the keys of phases_us */
extern const vkw_vocab vkw_vocab_query_state;    /* vkw_query_state */
extern const vkw_vocab vkw_vocab_importer;       /* vkw_importer: --importer */
extern const vkw_vocab vkw_vocab_exporter;       /* vkw_exporter: --exporter */
extern const vkw_vocab vkw_vocab_verify_method;  /* vkw_verify_method: --verify */
extern const vkw_vocab vkw_vocab_interop_state;  /* vkw_interop_state */
/* The stress report's words (stress_report.h's tables), held against the schema. */
extern const vkw_vocab vkw_vocab_stress_op, vkw_vocab_stress_operations, vkw_vocab_chaos,
    vkw_vocab_stress_chaos, vkw_vocab_stress_fault, vkw_vocab_trend_quantity, vkw_vocab_stress_end;

/* A check's outcomes (check/check.h), as its report carries them: their
 * values are the indexes of their words above. */
typedef enum vkw_expect_outcome {
    VKW_EXPECT_PASSED,
    VKW_EXPECT_FAILED, /* measured, and not as expected */
    VKW_EXPECT_ERROR,  /* not measured: the child crashed, a call failed, ... */
} vkw_expect_outcome;
typedef enum vkw_check_verdict {
    VKW_CHECK_PASSED,
    VKW_CHECK_FAILED,      /* an expectation was not met */
    VKW_CHECK_ERROR,       /* one could not be judged: a crashed child, a failed call */
    VKW_CHECK_ENVIRONMENT, /* the machine lacks what the config needs */
    VKW_CHECK_INTERRUPTED, /* a stop request (a signal, the deadline) ended it early */
} vkw_check_verdict;

/* Every vocabulary, for the schema test. */
extern const vkw_vocab *const vkw_vocabs[];
extern const size_t vkw_vocab_count;

/* The words people read for a verdict code, in vkw_verdict_code's order: the
 * live text and `vkwin32h report` both show these (vkw_verdict_shown). */
extern const vkw_vocab vkw_vocab_verdict_shown;
/* The people's word of a verdict code; "unknown" when out of range. */
const char *vkw_verdict_shown(uint32_t code);

/* The word of value i; "unknown" when out of range. */
const char *vkw_vocab_word(const vkw_vocab *v, uint32_t i);
/* The value of word s; -1 when it is not a word of v (or s is NULL). */
int32_t vkw_vocab_find(const vkw_vocab *v, const char *s);

/* The report's keys that its readers look up: VKW_KEY_<ID> names key <text>, a
 * property of the schema object at <pointer>. */
#define VKW_REPORT_KEYS(X)                                                                        \
    X(COMMAND, "command", "#")                                                                    \
    X(STATUS, "status", "#")                                                                      \
    X(DEVICES, "devices", "#")                                                                    \
    X(BENCH, "bench", "#")                                                                        \
    X(CHECK, "check", "#")                                                                        \
    X(OK, "ok", "#/$defs/status")                                                                 \
    X(CODE, "code", "#/$defs/status")                                                             \
    X(MESSAGE, "message", "#/$defs/status")                                                       \
    X(INDEX, "index", "#/$defs/device")                                                           \
    X(IDENTITY, "identity", "#/$defs/device")                                                     \
    X(NAME, "name", "#/$defs/device/properties/identity")                                         \
    X(DEVICE_UUID, "device_uuid", "#/$defs/device/properties/identity")                           \
    X(EXTERNAL_MEMORY, "external_memory", "#/$defs/device")                                       \
    X(EXTERNAL_SEMAPHORES, "external_semaphores", "#/$defs/device")                               \
    X(EXTERNAL_FENCES, "external_fences", "#/$defs/device")                                       \
    X(HANDLE_TYPE, "handle_type", "#/$defs/device/properties/external_memory/items")              \
    X(VERDICT, "verdict", "#/$defs/device/properties/external_memory/items")                      \
    X(BINARY, "binary", "#/$defs/device/properties/external_semaphores/items/properties/verdict") \
    X(TIMELINE, "timeline",                                                                       \
      "#/$defs/device/properties/external_semaphores/items/properties/verdict")                   \
    X(VERDICT_CODE, "code", "#/$defs/verdict")                                                    \
    X(DETAIL, "detail", "#/$defs/verdict")                                                        \
    X(DEVICE_INDEX, "device_index", "#/$defs/bench")                                              \
    X(HANDLE_TYPES, "handle_types", "#/$defs/bench")                                              \
    X(TESTED, "tested", "#/$defs/bench/properties/handle_types/items")                            \
    X(MEMORY, "memory", "#/$defs/bench")                                                          \
    X(ROUND_TRIPS, "round_trips", "#/$defs/bench")                                                \
    X(SCENARIO, "scenario", "#/$defs/memory_scenario")                                            \
    X(IMPORTER, "importer", "#/$defs/memory_scenario")                                            \
    X(EXPORTER, "exporter", "#/$defs/memory_scenario")                                            \
    X(OPTION_EXPORTER, "exporter", "#/$defs/bench/properties/options")                            \
    X(SYNC_IMPORTER, "importer", "#/$defs/sync_result")                                           \
    X(SYNC_EXPORTER, "exporter", "#/$defs/sync_result")                                           \
    X(IMPORTERS, "importers", "#/$defs/bench")                                                    \
    X(SIZE_REQUESTED, "size_requested", "#/$defs/memory_scenario")                                \
    X(OUTCOME, "outcome", "#/$defs/memory_scenario")                                              \
    X(REASON, "reason", "#/$defs/memory_scenario")                                                \
    X(PHASES_US, "phases_us", "#/$defs/memory_scenario")                                          \
    X(VERIFY, "verify", "#/$defs/memory_scenario")                                                \
    X(CHILD_GBPS, "child_gbps", "#/$defs/memory_scenario/properties/verify")                      \
    X(PARENT_GBPS, "parent_gbps", "#/$defs/memory_scenario/properties/verify")                    \
    X(SCENARIO_VERIFY_METHOD, "method", "#/$defs/memory_scenario/properties/verify")              \
    X(IMPORTED_VS_LOCAL, "imported_vs_local", "#/$defs/memory_scenario")                          \
    X(IVL_MEASURED, "measured", "#/$defs/imported_vs_local/oneOf/0")                              \
    X(IVL_REASON, "reason", "#/$defs/imported_vs_local/oneOf/0")                                  \
    X(IVL_WRITE, "write", "#/$defs/imported_vs_local/oneOf/1")                                    \
    X(IVL_READ, "read", "#/$defs/imported_vs_local/oneOf/1")                                      \
    X(IVL_RATIO_MIN, "ratio_min", "#/$defs/imported_vs_local/oneOf/1")                            \
    X(IMPORTED_GBPS, "imported_gbps", "#/$defs/ivl_direction")                                    \
    X(LOCAL_GBPS, "local_gbps", "#/$defs/ivl_direction")                                          \
    X(IVL_RATIO, "ratio", "#/$defs/ivl_direction")                                                \
    X(IMPORTED_US, "imported_us", "#/$defs/ivl_direction")                                        \
    X(LOCAL_US, "local_us", "#/$defs/ivl_direction")                                              \
    X(BENCH_VERIFY, "verify", "#/$defs/bench")                                                    \
    X(VERIFY_ASKED, "asked", "#/$defs/bench/properties/verify")                                   \
    X(VERIFY_METHOD, "method", "#/$defs/bench/properties/verify")                                 \
    X(VERIFY_REASON, "reason", "#/$defs/bench/properties/verify")                                 \
    X(OPTION_VERIFY, "verify", "#/$defs/bench/properties/options")                                \
    X(COUNT, "count", "#/$defs/summary")                                                          \
    X(MIN, "min", "#/$defs/summary")                                                              \
    X(MEDIAN, "median", "#/$defs/summary")                                                        \
    X(MAX, "max", "#/$defs/summary")                                                              \
    X(RESULTS, "results", "#/$defs/round_trips/oneOf/1")                                          \
    X(MODE, "mode", "#/$defs/sync_result")                                                        \
    X(PEER, "peer", "#/$defs/sync_result")                                                        \
    X(OS_PRIMITIVE, "os_primitive", "#/$defs/sync_result")                                        \
    X(ROUND_TRIP_NS, "round_trip_ns", "#/$defs/sync_result")                                      \
    X(P50, "p50", "#/$defs/sync_result/properties/round_trip_ns")                                 \
    X(P99, "p99", "#/$defs/sync_result/properties/round_trip_ns")                                 \
    X(REPEATS, "repeats", "#/$defs/sync_result")                                                  \
    X(SAMPLES_NS, "samples_ns", "#/$defs/sync_result")                                            \
    X(EXPECTATIONS, "expectations", "#/$defs/check")                                              \
    X(RUNS, "runs", "#/$defs/check")                                                              \
    X(CHECK_OUTCOME, "outcome", "#/$defs/check")                                                  \
    X(ID, "id", "#/$defs/check/properties/expectations/items")                                    \
    X(MEASURED, "measured", "#/$defs/check/properties/expectations/items")                        \
    X(EXPECTATION_DEVICE, "device_index", "#/$defs/check/properties/expectations/items")          \
    X(RUN_NAME, "name", "#/$defs/check/properties/runs/items")                                    \
    X(RUN_DEVICE, "device_index", "#/$defs/check/properties/runs/items")                          \
    X(RUN_BENCH, "bench", "#/$defs/check/properties/runs/items")

typedef enum vkw_report_key {
#define VKW_KEY_ENUM(id, text, where) VKW_KEY_##id,
    VKW_REPORT_KEYS(VKW_KEY_ENUM)
#undef VKW_KEY_ENUM
        VKW_REPORT_KEY_COUNT
} vkw_report_key;

typedef struct vkw_key_entry {
    const char *text;
    const char *schema_object; /* JSON pointer of the object that has it among its properties */
} vkw_key_entry;
extern const vkw_key_entry vkw_report_keys[VKW_REPORT_KEY_COUNT];

/* The key's text: K(DEVICES) is "devices". */
#define VKW_K(id) (vkw_report_keys[VKW_KEY_##id].text)

#endif
