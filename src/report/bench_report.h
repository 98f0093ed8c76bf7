/* The bench's results as the report carries them: what was asked (the
 * options, as run), each memory scenario and each round-trip mode, typed.
 * Part of the report model (report.h's `bench`): the bench (src/bench/) fills
 * it, the JSON writer, compare, check and the CLI read it, and
 * vkw_bench_report_free (called by vkw_report_free) releases it. May include
 * src/base, src/platform and src/vk, like the rest of src/report/. */
#ifndef VKW_BENCH_REPORT_H
#define VKW_BENCH_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/pattern.h"
#include "base/stats.h"
#include "base/status.h"
#include "platform/platform.h"
#include "vk/device_filter.h"
#include "vk/handle_types.h"
#include "vk/shared_memory.h"
#include "interop/foreign.h"
#include "vk/sync.h"

/* Faults the parent can ask the child to commit, to prove the tool reports them. */
typedef enum vkw_fault {
    VKW_FAULT_NONE = 0,
    VKW_FAULT_CHILD_ABORT,    /* the child aborts after receiving the handle */
    VKW_FAULT_CHILD_HANG,     /* the child never replies */
    VKW_FAULT_STALE_HANDLE,   /* the child closes the handle, then imports the stale value */
    VKW_FAULT_FOREIGN_HANDLE, /* the parent sends a handle that is not Vulkan memory */
    VKW_FAULT_LOST_SIGNAL,    /* the other side of a round trip stops signalling after warm-up */
    VKW_FAULT_LEAK,           /* every timed cycle, each side keeps one handle open */
    VKW_FAULT_FLIP_BYTE,      /* the parent writes its pattern with one byte flipped */
    VKW_FAULT_INVALID_USAGE,  /* the child breaks one valid-usage rule in a real Vulkan call */
    VKW_FAULT_DOUBLE_ROUND_TRIPS, /* every timed round trip is done twice: a true 2x slowdown
                                     (compare's own tests); the parent alone commits it */
    VKW_FAULT_COUNT
} vkw_fault;
const char *vkw_fault_name(vkw_fault f); /* "none", "child-abort", ... */
bool vkw_fault_parse(const char *name, vkw_fault *out);

/* The kinds of memory scenario: what backs the memory and how both sides
 * reach its bytes. */
typedef enum vkw_scenario_kind {
    VKW_SCENARIO_BUFFER_MAP,  /* buffer, host-visible memory, verified by mapping */
    VKW_SCENARIO_BUFFER_COPY, /* buffer, device-local memory, verified by GPU copies */
    VKW_SCENARIO_IMAGE_COPY,  /* optimal 2D image (dedicated), verified by GPU copies */
    VKW_SCENARIO_KIND_COUNT
} vkw_scenario_kind;
const char *vkw_scenario_kind_name(vkw_scenario_kind k); /* "buffer-map", ... */

/* How the pattern is written and checked (--verify). AUTO: on the device
 * where it can run the compute shaders, else on the host. */
typedef enum vkw_verify_method {
    VKW_VERIFY_AUTO = 0,
    VKW_VERIFY_CPU,  /* host writes and compares, through the mapping or the staging ring */
    VKW_VERIFY_GPU,  /* compute shaders fill and check the memory where it is */
    VKW_VERIFY_BOTH, /* the device fills; both check, and must find the same */
    VKW_VERIFY_COUNT
} vkw_verify_method;
const char *vkw_verify_method_name(vkw_verify_method m); /* "auto", "cpu", "gpu", "both" */
bool vkw_verify_method_parse(const char *name, vkw_verify_method *out);

#define VKW_MAX_SIZES 16
#define VKW_BENCH_DEFAULT_TIMEOUT_MS 30000u /* also the child's, before the parent says */
#define VKW_BENCH_WARMUP_ITERATIONS 1       /* per scenario, untimed, before the handle count */
#define VKW_BENCH_CHAINS 5u /* GPU chains per mode: each gives one sample, its mean */

typedef struct vkw_bench_options {
    const char *loader_path; /* NULL: the OS default */
    bool validate;
    const vkw_device_filter *filter; /* NULL: the first GPU (else the first device) */
    uint32_t iterations;             /* export -> import -> verify cycles per scenario */
    uint32_t threads;                /* host writes and CPU verification; 0: online CPUs, <= 16 */
    vkw_verify_method verify;        /* --verify; AUTO: gpu where the device can */
    uint32_t importers;              /* bits of vkw_importer: the APIs the child imports into */
    vkw_exporter exporter;           /* the API that makes and exports the memory */
    int32_t d3d_adapter; /* --d3d-adapter: the DXGI adapter; -1: the one of the device's LUID */
    bool keyed_mutex;    /* --keyed-mutex: D3D11 textures ordered by their keyed mutex */
    uint32_t size_count;
    uint64_t sizes[VKW_MAX_SIZES];
    uint32_t handle_types;   /* memory handle type bits; 0: all of this OS */
    uint32_t scenario_kinds; /* bits of vkw_scenario_kind; 0: all */
    uint32_t timeout_ms;     /* every wait: channel, fence, child exit */
    vkw_fault fault;         /* a fault to commit (tests of the tool itself) */
    bool nt_names;           /* Win32: NT handles travel by name, not duplicated */
    /* Round trips (bench_sync.c) */
    bool run_memory, run_sync;     /* the two parts of a bench */
    uint32_t round_trips;          /* timed round trips per mode */
    uint32_t warmup;               /* untimed round trips before them */
    uint32_t repeat;               /* times each mode runs (its warm-up and timed loop) */
    uint32_t peers;                /* bits of vkw_peer */
    uint32_t sync_modes;           /* bits of vkw_sync_mode */
    bool keep_samples;             /* every raw sample into the report */
    int32_t pin_parent, pin_child; /* CPUs; -1: not pinned */
    /* Called as work starts (the CLI's progress): `done` steps of `total`
     * are finished (done < total), `step` runs, `detail` says how far. */
    void (*progress)(void *user, uint32_t done, uint32_t total, const char *step,
                     const char *detail);
    void *progress_user;
} vkw_bench_options;

/* vkw_bench_options_default(): bench_options.h, with the options' table. */

typedef enum vkw_phase {
    VKW_PHASE_ALLOCATE,          /* parent: resource + exportable memory + bind */
    VKW_PHASE_EXPORT,            /* parent: vkGetMemoryFdKHR / vkGetMemoryWin32HandleKHR */
    VKW_PHASE_PARENT_STAGING,    /* parent, one-time: map, or staging ring + map */
    VKW_PHASE_PARENT_WRITE,      /* parent: pattern into the mapping or the ring (host write) */
    VKW_PHASE_PARENT_COPY_IN,    /* parent: ring -> memory copies + release (copy access) */
    VKW_PHASE_PARENT_FILL,       /* parent, --verify gpu/both: the device writes the pattern
                                    (an image: into a device buffer, copied into the image) */
    VKW_PHASE_TRANSFER,          /* the handle's trip: parent's send to child's receipt */
    VKW_PHASE_IMPORT,            /* child: resource + import + bind */
    VKW_PHASE_CHILD_STAGING,     /* child, one-time: map, or staging ring + map */
    VKW_PHASE_CHILD_GPU_VERIFY,  /* child, --verify gpu/both: the device checks the parent's
                                    pattern where it is (an image: through a device buffer) */
    VKW_PHASE_CHILD_READ,        /* child: invalidate, or acquire + memory -> ring copies */
    VKW_PHASE_CHILD_VERIFY,      /* child: host read and check of the parent's pattern */
    VKW_PHASE_CHILD_WRITE,       /* child: its own pattern into the mapping or the ring */
    VKW_PHASE_CHILD_COPY_IN,     /* child: ring -> memory copies + release (copy access) */
    VKW_PHASE_CHILD_FILL,        /* child, --verify gpu/both: the device writes its pattern */
    VKW_PHASE_PARENT_GPU_VERIFY, /* parent, --verify gpu/both: the device checks the child's */
    VKW_PHASE_PARENT_READ,       /* parent: invalidate, or acquire + memory -> ring copies */
    VKW_PHASE_PARENT_VERIFY,     /* parent: host read and check of the child's pattern */
    VKW_PHASE_COUNT
} vkw_phase;
const char *vkw_phase_name(vkw_phase p); /* "allocate", ... */
/* Whether a phase moves the scenario's bytes (its GB/s means something). */
bool vkw_phase_moves_bytes(vkw_phase p);

typedef enum vkw_outcome {
    VKW_OUTCOME_NOT_RUN = 0, /* the bench stopped before it (the child ended, say) */
    VKW_OUTCOME_PASSED,
    VKW_OUTCOME_FAILED,
    VKW_OUTCOME_SKIPPED, /* the driver cannot: reason says why */
} vkw_outcome;
const char *vkw_outcome_name(vkw_outcome o);

/* Imported vs local: in the importing process, the same device-side write
 * (fill) and read (verify) of the same size, on the imported memory and on
 * memory that process allocated itself (the same resource and memory type,
 * not exported). Each timed iteration gives one sample of each, the best of
 * VKW_IVL_REPEATS runs. */
#define VKW_IVL_REPEATS 3u
typedef enum vkw_direction {
    VKW_DIRECTION_WRITE,
    VKW_DIRECTION_READ,
    VKW_DIRECTION_COUNT
} vkw_direction;
const char *vkw_direction_name(vkw_direction d); /* "write", "read" */

typedef struct vkw_imported_vs_local {
    bool measured; /* false: reason says why not */
    char reason[192];
    vkw_summary imported_us[VKW_DIRECTION_COUNT], local_us[VKW_DIRECTION_COUNT];
} vkw_imported_vs_local;

typedef struct vkw_memory_scenario {
    vkw_exporter exporter; /* the API that made and exported the memory */
    vkw_importer importer; /* the API the child imported into */
    uint32_t type_index;   /* into vkw_memory_handle_types */
    vkw_scenario_kind kind;
    uint64_t size_requested;
    vkw_memory_desc desc; /* as allocated by the parent (size: bytes verified) */
    VkMemoryPropertyFlags memory_flags;
    uint32_t child_memory_type_index;

    vkw_outcome outcome;
    vkw_status status; /* why it failed or was skipped */
    char reason[512];
    uint32_t iterations_done;
    vkw_summary phase_us[VKW_PHASE_COUNT]; /* microseconds */
    vkw_verify_method verify;              /* as run: cpu, gpu or both */
    vkw_imported_vs_local ivl;

    /* Verification, over every iteration done. */
    bool parent_to_child_ok, child_to_parent_ok;
    bool mismatch;
    char mismatch_side[8]; /* "child" (it saw wrong bytes) or "parent" */
    uint32_t mismatch_iteration;
    vkw_mismatch mismatch_at;

    /* Peak resident memory of each process (bytes) by the scenario's end; 0:
     * not measured. */
    uint64_t parent_peak_resident, child_peak_resident;
    bool peak_resident_per_scenario; /* the peaks were started anew for it (Linux) */

    /* Open handles (fds) of each process before and after the scenario; the
     * child's are unknown when it ended. */
    bool parent_counted, child_counted;
    uint32_t parent_handles_before, parent_handles_after;
    uint32_t child_handles_before, child_handles_after;

    /* A driver that broke the ownership rules (closed a handle it did not
     * own); the first time, with the reason. */
    bool driver_closed_handle;
    char driver_anomaly[320];
} vkw_memory_scenario;

/* One round-trip mode between the parent and a peer. */
typedef struct vkw_sync_result {
    vkw_sync_mode mode;
    vkw_peer peer;
    vkw_importer importer; /* process peer: the API the child's side is in */
    vkw_exporter exporter; /* process peer: the API of this side (vulkan, or d3d12's fences) */
    int32_t os_kind;       /* OS mode: a vkw_os_pingpong_kind; else -1 */
    int32_t type_index;    /* process peer: index in the semaphore or fence table; else -1 */
    bool timeline;         /* semaphores are timelines (all semaphore modes here) */
    vkw_outcome outcome;
    vkw_status status;
    char reason[256];
    vkw_distribution rt; /* nanoseconds per round trip */
    double *samples;     /* keep_samples: every timed sample of every repeat (owned) */
    uint32_t sample_count;
    uint32_t repeat_count;           /* repeats run (all passed) */
    double *repeat_p50, *repeat_p99; /* each repeat's, ns (owned) */
    int32_t baseline;            /* index of the fastest OS baseline of the same peer; -1: none */
    double ratio_p50, ratio_p99; /* to that baseline; ratio_p99 < 0: not meaningful (chains) */
    /* Another API's side: the Vulkan side's result of the same mode and
     * handle type in this run, and the ratios of the medians and p99s
     * (-1: none passed). */
    int32_t vulkan_result;
    double vulkan_ratio_p50, vulkan_ratio_p99;
} vkw_sync_result;

/* The semaphore or fence handle type a process-peer result ran with; NULL
 * for OS pairs and thread peers. */
const vkw_handle_type *vkw_sync_result_type(const vkw_sync_result *r);

/* GB/s (10^9 bytes a second) of a scenario's verify phase (its median); 0
 * when it did not run. */
double vkw_memory_scenario_gbps(const vkw_memory_scenario *sc, vkw_phase verify);
/* The same of any phase that moves bytes; 0 for the others. */
double vkw_memory_phase_gbps(const vkw_memory_scenario *sc, vkw_phase p);

/* The verify phase of a side (child: the parent's bytes; parent: the
 * child's): the device's where it ran, else the host's. */
vkw_phase vkw_memory_verify_phase(const vkw_memory_scenario *sc, bool child);

/* Imported vs local, in GB/s of the medians (0: not measured), and their
 * ratio imported / local (0: not measured); the lower of the two
 * directions' ratios is the scenario's headline. */
double vkw_ivl_gbps(const vkw_memory_scenario *sc, vkw_direction d, bool imported);
double vkw_ivl_ratio(const vkw_memory_scenario *sc, vkw_direction d);
double vkw_ivl_ratio_min(const vkw_memory_scenario *sc);

/* Handles a scenario leaked: the growth of each process's count, where counted
 * (a process that closed more than it opened does not cancel the other's). */
uint32_t vkw_memory_scenario_leaked(const vkw_memory_scenario *sc);

/* One entry per memory handle type of this OS asked for. */
typedef struct vkw_bench_type {
    uint32_t type_index;
    bool tested;
    char reason[256]; /* why not */
} vkw_bench_type;

/* An API other than Vulkan that the child was asked to import into: whether
 * it opened on the run's device, on what, or why not. */
typedef struct vkw_bench_importer {
    bool asked;
    bool available;
    vkw_status status; /* why not: VKW_E_UNSUPPORTED (missing), or a failure */
    char reason[256];
    vkw_foreign_info info;
} vkw_bench_importer;

/* --exporter d3d11|d3d12: the device of that API the parent opened (on the
 * DXGI adapter whose LUID is the Vulkan device's, or --d3d-adapter's), or
 * why not. */
typedef struct vkw_bench_exporter {
    bool available;
    vkw_status status; /* why not: VKW_E_UNSUPPORTED (no Direct3D, no adapter), or a failure */
    char reason[256];
    uint32_t adapter_index;
    char adapter[256];     /* the adapter's description */
    bool by_luid;          /* chosen by the device's LUID, not by --d3d-adapter */
    char feature_level[8]; /* "11_1", "12_0" */
} vkw_bench_exporter;

typedef struct vkw_bench_report {
    vkw_bench_options options;                        /* as run (progress pointers cleared) */
    vkw_bench_exporter exporter;                      /* options.exporter other than vulkan */
    vkw_bench_importer importers[VKW_IMPORTER_COUNT]; /* [VKW_IMPORTER_VULKAN]: unused */
    uint32_t device_index;                            /* in the report's devices */
    char device_name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE];

    bool child_started;
    uint32_t child_pid;
    char child_device_name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE];
    vkw_child_end child_end;
    char child_activity[256];      /* what the child was asked to do when it failed */
    char quit_error[512];          /* why it could not be told to quit, if so */
    bool child_validation_enabled; /* the child runs under the validation layer too */
    bool child_luid_matched;       /* the child's device matched by deviceLUID as well */
    uint32_t child_validation_errors;

    /* How the patterns were written and checked (--verify as run): cpu
     * where auto found the device unable, with the reason. */
    vkw_verify_method verify;
    char verify_reason[256];

    uint32_t type_count;
    vkw_bench_type types[VKW_MEMORY_HANDLE_TYPE_COUNT];
    uint32_t scenario_count;
    vkw_memory_scenario *scenarios; /* owned */
    uint32_t passed, failed, skipped, not_run;

    /* Round trips */
    uint64_t timer_resolution_ns;
    double timer_overhead_ns; /* median cost of one clock read */
    uint32_t sync_count;
    vkw_sync_result *sync; /* owned */
    uint32_t sync_passed, sync_failed, sync_skipped, sync_not_run;
    double bench_ms;
} vkw_bench_report;

void vkw_bench_report_free(vkw_bench_report *b);

#endif
