/* The stress run's results as the report carries them (`vkwin32h stress`):
 * the options as run (the seed that replays it), what each kind of operation
 * did, the faults injected and what became of them, a time series, and the
 * verdicts of its trends. Part of the report model (report.h's `stress`):
 * src/stress/ fills it, the JSON writer and reader, check and the CLI read
 * it, and vkw_stress_report_free (called by vkw_report_free) releases it.
 * May include src/base, src/platform and src/vk, like the rest of
 * src/report/. */
#ifndef VKW_STRESS_REPORT_H
#define VKW_STRESS_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"
#include "platform/platform.h"
#include "vk/device_filter.h"

#define VKW_STRESS_IMPORTERS_MAX 32u
#define VKW_STRESS_SIZES_MAX 8u
#define VKW_STRESS_EVENTS_MAX 64u /* fault events kept in the report, the first ones */

/* What one operation of a stress run does; each is timed from its start to
 * its end and counted when it ends. */
typedef enum vkw_stress_op {
    VKW_STRESS_OP_MEMORY,   /* allocate, export, send, import (verified every --verify-every), held
                               in one of the importer's --concurrency slots, released later */
    VKW_STRESS_OP_FANOUT,   /* the same memory to every importer at once, each its own handle
                               (one dup or DuplicateHandle per importer), verified by each */
    VKW_STRESS_OP_BINARY,   /* a binary semaphore pair exported, imported, one round trip */
    VKW_STRESS_OP_TIMELINE, /* a timeline semaphore pair exported, imported, one round trip */
    VKW_STRESS_OP_FENCE,    /* a fence pair exported, imported, one round trip */
    VKW_STRESS_OP_SIGNAL,   /* a round on the run's shared timeline: the exporter signals,
                               every importer waits for it and answers on its own */
    VKW_STRESS_OP_COUNT
} vkw_stress_op;
/* "memory", "fan-out", "binary", "timeline", "fence", "signal" */
extern const char *const vkw_stress_op_words[VKW_STRESS_OP_COUNT];
const char *vkw_stress_op_name(vkw_stress_op op); /* "unknown" past the last */

/* The faults --chaos injects, each at a seeded point of the run. */
typedef enum vkw_chaos_kind {
    VKW_CHAOS_KILL_IMPORT, /* an importer killed (SIGKILL, TerminateProcess) while it imports */
    VKW_CHAOS_KILL_WAIT,   /* an importer killed while it waits on a semaphore */
    VKW_CHAOS_CLOSE_EARLY, /* the exporter destroys a timeline before signalling it: the
                              importer's wait must end at its timeout */
    VKW_CHAOS_STALE,       /* the importer closes the handle it got, then imports its value */
    VKW_CHAOS_FOREIGN,     /* the exporter sends a handle that is not Vulkan memory (a pipe) */
    VKW_CHAOS_STOP,        /* an importer stopped (SIGSTOP, SuspendThread) past the timeout */
    VKW_CHAOS_DROP,        /* an importer drops a request: no reply comes */
    VKW_CHAOS_COUNT
} vkw_chaos_kind;
/* "kill-import", "kill-wait", "close-early", "stale", "foreign", "stop", "drop" */
extern const char *const vkw_chaos_words[VKW_CHAOS_COUNT];
const char *vkw_chaos_name(vkw_chaos_kind k); /* "unknown" past the last */

/* A fault of the tool's own, for the tests of its detectors (hidden). */
typedef enum vkw_stress_fault {
    VKW_STRESS_FAULT_NONE = 0,
    VKW_STRESS_FAULT_LEAK,          /* each importer keeps one handle of every memory it imports */
    VKW_STRESS_FAULT_FLIP_BYTE,     /* the exporter writes its pattern with one byte flipped */
    VKW_STRESS_FAULT_DEAF,          /* the exporter ignores its importers' answers */
    VKW_STRESS_FAULT_INVALID_USAGE, /* each importer breaks one valid-usage rule per import */
    VKW_STRESS_FAULT_COUNT
} vkw_stress_fault;
/* "none", "leak", "flip-byte", "deaf", "invalid-usage" */
extern const char *const vkw_stress_fault_words[VKW_STRESS_FAULT_COUNT];

/* Limits of a run (check configs set them; `stress` takes its defaults):
 * exceeding one fails the run. A limit of a negative value is not set. */
typedef struct vkw_stress_limits {
    double leak_per_min_max;         /* handles (fds) per minute, per process; default 0: any
                                        trend that survives the noise is a leak */
    double resident_mib_per_min_max; /* resident memory per minute, per process */
    double p99_us_max;               /* any kind's p99 over the run, microseconds */
    double ops_per_s_min;            /* all kinds together, over the run */
    int64_t faults_undetected_max;   /* default 0 */
} vkw_stress_limits;

typedef struct vkw_stress_options {
    const char *loader_path; /* NULL: the OS default */
    bool validate;           /* every process under VK_LAYER_KHRONOS_validation */
    const vkw_device_filter *filter;
    uint32_t importers;    /* child processes, 1..VKW_STRESS_IMPORTERS_MAX */
    uint32_t concurrency;  /* memory objects in flight per importer (its slots) */
    uint64_t duration_ms;  /* 0: until `cycles` */
    uint64_t cycles;       /* operations in all (0: until duration_ms) */
    uint32_t verify_every; /* every n-th memory operation is verified both ways; 0: none */
    uint32_t interval_ms;  /* one point of the series each */
    uint32_t timeout_ms;   /* every wait */
    uint64_t seed;         /* as run: drawn from the clock when not given */
    bool seed_given;
    double chaos;         /* the chance that an operation carries a fault, 0..1 */
    uint32_t chaos_kinds; /* bits of vkw_chaos_kind; 0: all */
    uint32_t ops;         /* bits of vkw_stress_op; 0: all */
    uint32_t size_count;
    uint64_t sizes[VKW_STRESS_SIZES_MAX];
    uint32_t scenario_kinds; /* bits of vkw_scenario_kind (buffer-map, buffer-copy, image-copy) */
    uint32_t handle_types;   /* memory handle type bits; 0: the first this OS shares */
    vkw_stress_fault fault;
    vkw_stress_limits limits;
    /* Progress, once per interval, where set (the CLI's stderr line). */
    void (*progress)(void *user, double t_s, uint64_t ops, uint32_t faults, const char *line);
    void *progress_user;
} vkw_stress_options;

/* Every option at its default; limits at theirs. */
void vkw_stress_options_default(vkw_stress_options *o);

/* Latency of a kind over some span: count and nearest-rank percentiles (from
 * a log-linear histogram: each within 12.5 % of the sample it stands for). */
typedef struct vkw_stress_latency {
    uint64_t count;
    double p50_us, p99_us, max_us; /* 0 when count is 0 */
} vkw_stress_latency;

/* One kind of operation over the whole run. */
typedef struct vkw_stress_op_result {
    bool run;          /* asked for and possible here */
    char skip[192];    /* not run: why ("lavapipe exports no semaphores") */
    uint64_t done;     /* completed */
    uint64_t failed;   /* ended in a failure (an injected fault's included) */
    uint64_t verified; /* memory: checked both ways */
    uint64_t reached;  /* fan-out, signal: importers reached, in all (width: reached / done) */
    vkw_stress_latency latency;
} vkw_stress_op_result;

/* One kind of injected fault over the run. */
typedef struct vkw_stress_chaos_result {
    uint32_t injected;
    uint32_t detected;  /* the exporter saw it fail, named, within its timeout */
    uint32_t recovered; /* the importer (restarted where it had to be) worked again after it */
} vkw_stress_chaos_result;

/* One fault as it happened (the first VKW_STRESS_EVENTS_MAX). */
typedef struct vkw_stress_event {
    double t_s;        /* since the start */
    uint32_t importer; /* 0-based */
    vkw_chaos_kind kind;
    vkw_stress_op op;
    bool detected, recovered;
    double detect_ms; /* from the injection to the failure seen */
    char what[192];   /* what the exporter saw ("the importer ended with signal 9 ...") */
} vkw_stress_event;

/* One point of the time series: the interval that ends at t_s. Per-process
 * figures are in the series' flat arrays (vkw_stress_series). */
typedef struct vkw_stress_point {
    double t_s;                        /* the interval's end, seconds since the start */
    double span_s;                     /* its length */
    uint32_t ops[VKW_STRESS_OP_COUNT]; /* completed in the interval */
    uint32_t failed;                   /* operations that failed in it */
    vkw_stress_latency latency[VKW_STRESS_OP_COUNT]; /* of the interval's operations */
    bool has_gpu;                                    /* VK_EXT_memory_budget answered */
    uint64_t gpu_used;          /* its heapUsage, summed over the device's heaps, bytes */
    uint32_t validation_errors; /* so far, every process */
    uint32_t faults_injected, faults_detected; /* so far */
} vkw_stress_point;

/* The series: points, and per process (0: the exporter, 1..importers: each
 * importer slot, whichever process holds it now) open handles and resident
 * bytes at each point, [point * processes + process]; -1 (handles) or 0
 * (resident): not known (an importer being restarted). O(points), never
 * O(operations). */
typedef struct vkw_stress_series {
    uint32_t count, capacity;
    uint32_t processes;
    vkw_stress_point *points; /* owned */
    int64_t *handles;         /* owned */
    uint64_t *resident;       /* owned */
    uint32_t *restarts;       /* owned: [point * processes + process], restarts so far */
} vkw_stress_series;

/* A trend of one quantity over the run: the Theil-Sen estimate (the median of
 * the slopes of every pair of points) with its 95 % confidence interval
 * (Sen's, from Kendall's S), per minute; the noise is the median absolute
 * deviation of the residuals. It fails when its lower bound is above 0 and
 * its slope above the limit (what grows beyond the noise). */
typedef enum vkw_trend_quantity {
    VKW_TREND_HANDLES,  /* open handles (fds) of a process */
    VKW_TREND_RESIDENT, /* resident memory of a process, bytes */
    VKW_TREND_GPU,      /* the device's memory in use, bytes */
    VKW_TREND_P50,      /* an operation's p50, microseconds */
    VKW_TREND_QUANTITY_COUNT
} vkw_trend_quantity;
/* "handles", "resident", "gpu-memory", "p50" */
extern const char *const vkw_trend_quantity_words[VKW_TREND_QUANTITY_COUNT];

typedef struct vkw_stress_trend {
    vkw_trend_quantity quantity;
    int32_t process; /* 0: the exporter, 1..: an importer slot; -1: none (gpu, p50) */
    int32_t op;      /* p50: its vkw_stress_op; else -1 */
    uint32_t points; /* the points it was estimated from (an importer's since its last start) */
    double from_s, to_s;
    double slope_per_min, lo_per_min, hi_per_min;
    double noise;         /* MAD of the residuals, in the quantity's unit */
    double limit_per_min; /* its limit; negative: none */
    bool estimated;       /* enough points (at least 5) */
    bool fails;
    char text[224]; /* "exporter: +60.2 handles/min (95 % CI +58.1 to +61.0): a leak" */
} vkw_stress_trend;

#define VKW_STRESS_TRENDS_MAX (2u * (VKW_STRESS_IMPORTERS_MAX + 1u) + 1u + VKW_STRESS_OP_COUNT)

/* Why the run ended. */
typedef enum vkw_stress_end {
    VKW_STRESS_END_CYCLES,   /* the operations asked for are done */
    VKW_STRESS_END_DURATION, /* --duration passed */
    VKW_STRESS_END_STOPPED,  /* a signal or the run's deadline (report.interrupted) */
    VKW_STRESS_END_FAILED,   /* something it cannot go on after (the device, every importer) */
    VKW_STRESS_END_COUNT
} vkw_stress_end;
/* "cycles", "duration", "stopped", "failed" */
extern const char *const vkw_stress_end_words[VKW_STRESS_END_COUNT];

typedef struct vkw_stress_report {
    vkw_stress_options options; /* as run: the seed drawn, defaults resolved */
    uint32_t device_index;
    char device_name[256];
    char handle_type[32];      /* the memory handle type of the run ("OPAQUE_FD") */
    char sync_handle_type[32]; /* semaphores' and fences' ("OPAQUE_FD"); "" none */
    bool validation_enabled;   /* the layer was on in every process */
    vkw_stress_end end;
    double elapsed_s;
    uint64_t ops_total;
    vkw_stress_op_result ops[VKW_STRESS_OP_COUNT];
    vkw_stress_chaos_result chaos[VKW_CHAOS_COUNT];
    uint32_t event_count; /* kept; events_total counts them all */
    uint32_t events_total;
    vkw_stress_event events[VKW_STRESS_EVENTS_MAX];
    uint32_t restarts;            /* importers started again, all slots */
    uint32_t mismatches;          /* shared bytes that were not what was written */
    char first_mismatch[256];     /* where and what */
    uint32_t unexpected_failures; /* operations that failed with no fault injected */
    char first_failure[256];
    /* A driver finding: imports that failed while several importers imported
     * the same memory at once (fan-out) and succeeded alone. */
    uint32_t concurrent_import_failures;
    char first_concurrent_failure[256];
    uint32_t validation_errors; /* every process, the run's end */
    vkw_stress_series series;
    uint32_t trend_count;
    vkw_stress_trend trends[VKW_STRESS_TRENDS_MAX];
    /* The verdict: what failed, by the limits. */
    bool leak, slowdown, limit_failed;
    char verdict[512]; /* one line per finding, "; "-separated; "" when it passed */
} vkw_stress_report;

/* Grows the series by one point (zeroed; handles -1), NULL when memory ran
 * out. The arrays double, so n points cost O(n). */
vkw_stress_point *vkw_stress_series_add(vkw_stress_series *s, uint32_t processes);
void vkw_stress_report_free(vkw_stress_report *r);

#endif
