/* The config of `vkwin32h check`: which devices, which capabilities they
 * must have, which benches to run and the thresholds they must meet, and
 * where the reports go. Read from JSON and checked strictly: an unknown key,
 * a wrong type or a value out of range is an error that names its place
 * ("benches[1].iterations: expected a positive integer, got \"ten\"").
 * schema/vkwin32h-check-config.schema.json describes the same format. */
#ifndef VKW_CHECK_CONFIG_H
#define VKW_CHECK_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan_core.h>

#include "bench/bench.h"
#include "base/status.h"
#include "interop/foreign.h"
#include "report/stress_report.h"

#define VKW_CHECK_MAX_SELECTORS 16
#define VKW_CHECK_MAX_CAPABILITIES 64
#define VKW_CHECK_MAX_BENCHES 16
#define VKW_CHECK_MAX_THRESHOLDS 8
/* Strings are limited in characters (code points, as the schema counts);
 * their buffers hold that many of the longest UTF-8 characters. */
#define VKW_CHECK_TEXT_BYTES(chars) (4 * (chars) + 1)
#define VKW_CHECK_PATH_CHARS 1023
#define VKW_CHECK_PATH_LEN VKW_CHECK_TEXT_BYTES(VKW_CHECK_PATH_CHARS)
#define VKW_CHECK_NAME_CHARS 127

/* One way to pick devices; every field given must match. */
typedef struct vkw_check_selector {
    bool has_index;
    uint32_t index;
    char name_pattern[VKW_CHECK_TEXT_BYTES(255)]; /* empty: any; '*', '?' wildcards,
                                                     case-insensitive */
    bool has_vendor;
    uint32_t vendor_id;
    bool has_uuid;
    uint8_t uuid[VK_UUID_SIZE];
} vkw_check_selector;

typedef enum vkw_check_object {
    VKW_CHECK_BUFFER,
    VKW_CHECK_IMAGE,
    VKW_CHECK_BINARY_SEMAPHORE,
    VKW_CHECK_TIMELINE_SEMAPHORE,
    VKW_CHECK_FENCE,
    VKW_CHECK_OBJECT_COUNT
} vkw_check_object;
const char *vkw_check_object_name(vkw_check_object o); /* "buffer", "timeline-semaphore", ... */

/* A required answer: not asked, must be yes, must be no. */
typedef enum vkw_check_want { VKW_WANT_ANY = 0, VKW_WANT_YES, VKW_WANT_NO } vkw_check_want;

typedef struct vkw_check_capability {
    char source[32]; /* "capabilities[3]" */
    vkw_check_object object;
    uint32_t type_index; /* in the memory, semaphore or fence table */
    vkw_check_want exportable, importable, dedicated_only;
    /* Who imports: VULKAN judges importable by the driver's answers; CUDA and
     * GL judge it by the probe's interop section (the same device through that
     * API, and the handle type among what it takes). exportable and
     * dedicated_only stay Vulkan's. */
    vkw_importer importer;
} vkw_check_capability;

typedef enum vkw_check_metric {
    /* memory benches */
    VKW_METRIC_VERIFIED,              /* every scenario that ran verified both ways; one at least */
    VKW_METRIC_LEAKS_MAX,             /* handles leaked over all scenarios, at most */
    VKW_METRIC_VERIFY_GBPS_MIN,       /* the slowest verify of any scenario, at least (GB/s) */
    VKW_METRIC_IMPORTED_VS_LOCAL_MIN, /* every passed scenario's imported / local GB/s, the
                                         lower direction's, at least; not measured fails */
    /* round-trip benches, per mode and peer */
    VKW_METRIC_PASSES, /* the mode ran and passed */
    VKW_METRIC_P50_US_MAX,
    VKW_METRIC_P99_US_MAX,
    VKW_METRIC_RATIO_P50_MAX, /* p50 over the best OS baseline's p50 */
    VKW_METRIC_RATIO_P99_MAX,
    /* stress benches (passes and p99_us_max above are theirs too: the run's
     * verdict; the highest p99 of any kind of operation) */
    VKW_METRIC_LEAK_PER_MIN_MAX,      /* open handles per minute, any process */
    VKW_METRIC_RESIDENT_PER_MIN_MAX,  /* resident MiB per minute, any process */
    VKW_METRIC_OPS_PER_S_MIN,         /* operations per second over the run, at least */
    VKW_METRIC_FAULTS_UNDETECTED_MAX, /* injected faults that went unseen, at most */
    VKW_METRIC_COUNT
} vkw_check_metric;
const char *vkw_check_metric_key(vkw_check_metric m); /* the config key: "p99_us_max" */

typedef struct vkw_check_threshold {
    vkw_check_metric metric;
    double limit; /* unused for VERIFIED and PASSES */
} vkw_check_threshold;

typedef struct vkw_check_bench {
    char source[32];                                       /* "benches[1]" */
    char name[VKW_CHECK_TEXT_BYTES(VKW_CHECK_NAME_CHARS)]; /* unique among the benches */
    bool memory;                                           /* part "memory" */
    bool stress;                       /* part "stress"; neither: "round-trips" */
    vkw_stress_options stress_options; /* stress: its options, limits from expect */
    vkw_bench_options options; /* the bench's own options (devices and loader set per run) */
    uint32_t listed_modes;     /* round trips: the modes the config lists (bits of
                                  vkw_sync_mode); options.sync_modes adds the OS baselines */
    char sync_type_name[32];   /* round trips: only results of this semaphore or fence type
                                  count; empty: any */
    uint32_t threshold_count;
    vkw_check_threshold thresholds[VKW_CHECK_MAX_THRESHOLDS];
} vkw_check_bench;

/* A stress bench's longest run in a check config (a lab's gate, not a soak). */
#define VKW_CHECK_STRESS_DURATION_MAX_MS (3600u * 1000u)

typedef struct vkw_check_config {
    char path[VKW_CHECK_PATH_LEN];
    char name[VKW_CHECK_TEXT_BYTES(VKW_CHECK_NAME_CHARS)];
    char description[VKW_CHECK_TEXT_BYTES(511)];
    bool has_os;
    vkw_os os;                       /* the OS family the config is for (Linux or Windows) */
    char loader[VKW_CHECK_PATH_LEN]; /* empty: the OS default */
    bool validate;
    uint32_t timeout_ms;
    uint32_t deadline_s; /* the whole run's limit: 0: none */
    bool all_devices;
    uint32_t selector_count;
    vkw_check_selector selectors[VKW_CHECK_MAX_SELECTORS];
    uint32_t capability_count;
    vkw_check_capability capabilities[VKW_CHECK_MAX_CAPABILITIES];
    uint32_t bench_count;
    vkw_check_bench benches[VKW_CHECK_MAX_BENCHES];
    char json_path[VKW_CHECK_PATH_LEN]; /* reports; empty: not written */
    char junit_path[VKW_CHECK_PATH_LEN];
    char summary_path[VKW_CHECK_PATH_LEN];
} vkw_check_config;

/* Parses config text (len bytes, then a NUL; from path, for messages). VKW_E_INVALID_ARG with
 * "config 'PATH': PLACE: PROBLEM" when it is not a valid config. The config
 * is large: callers allocate it. */
vkw_status vkw_check_config_parse(const char *path, const char *text, size_t len,
                                  vkw_check_config *out, vkw_error *err);
/* Reads the file at path and parses it. */
vkw_status vkw_check_config_load(const char *path, vkw_check_config *out, vkw_error *err);

/* Whether a selector picks this device. */
bool vkw_check_selector_match(const vkw_check_selector *s, uint32_t index, const char *name,
                              uint32_t vendor_id, const uint8_t *device_uuid /* NULL: unknown */);

#endif
