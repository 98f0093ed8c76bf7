/* src/report/: the report model and everything that reads or writes it: the
 * model (this header; the bench's results in bench_report.h), the verdicts
 * (verdict.c), its words and keys (report_vocab.h), its JSON written
 * (report_json.c) and read back (report_read.c, json_file.c), report files
 * (report_file.c) and the comparison of two reports (compare.c).
 * May include: src/base, src/platform and src/vk; never probes/, the bench,
 * check or cli/ (they fill and read the model, it knows none of them).
 * Public: this header, bench_report.h, report_vocab.h, report_file.h,
 * compare.h.
 *
 * The report model: plain C structs filled by the probes and the bench,
 * serialised in one place (report_json.c) and rendered as text by the CLI. */
#ifndef VKW_REPORT_H
#define VKW_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vulkan/vulkan_core.h>

#include "vk/handle_types.h"
#include "vk/instance.h"
#include "base/status.h"

/* Bumped on any change a reader must know about; the JSON Schema file
 * schema/vkwin32h-report.schema.json describes this version. */
#define VKW_SCHEMA_VERSION 1
#define VKW_TOOL_NAME "vkwin32h"
#ifndef VKW_TOOL_VERSION /* from CMake's project(VERSION), for every target of libvkw */
#error "VKW_TOOL_VERSION comes from the build (CMakeLists.txt, project VERSION)"
#endif

/* The state of one external-properties query. */
typedef enum vkw_query_state {
    VKW_QUERY_NOT_RUN = 0,        /* not reached (an earlier failure) */
    VKW_QUERY_OK,                 /* the driver answered; flags below are its answer */
    VKW_QUERY_NOT_APPLICABLE_OS,  /* a handle type of the other OS family */
    VKW_QUERY_FORMAT_UNSUPPORTED, /* image: VK_ERROR_FORMAT_NOT_SUPPORTED for the combination */
    VKW_QUERY_SKIPPED,            /* not asked, with a reason (e.g. no timeline semaphores) */
    VKW_QUERY_FAILED,             /* the call returned an unexpected error */
} vkw_query_state;

/* What vkGetPhysicalDeviceExternal{Buffer,Semaphore,Fence}Properties or
 * VkExternalImageFormatProperties say, reduced to one shape. */
typedef struct vkw_external_props {
    vkw_query_state state;
    VkResult result;    /* for VKW_QUERY_FAILED / FORMAT_UNSUPPORTED */
    const char *reason; /* static text for SKIPPED */
    uint32_t features;  /* the raw externalMemoryFeatures / externalSemaphoreFeatures ... */
    bool exportable, importable, dedicated_only;
    uint32_t compatible; /* compatibleHandleTypes */
    uint32_t export_from_imported;
} vkw_external_props;

/* The representative cases queried for memory. */
typedef struct vkw_buffer_case {
    const char *label;
    VkBufferUsageFlags usage;
} vkw_buffer_case;

typedef struct vkw_image_case {
    const char *label;
    VkFormat format;
    VkImageTiling tiling;
    VkImageUsageFlags usage;
    uint64_t drm_format_modifier; /* with VK_IMAGE_TILING_DRM_FORMAT_MODIFIER_EXT only */
} vkw_image_case;

#define VKW_BUFFER_CASE_COUNT 4
#define VKW_IMAGE_CASE_COUNT 9
extern const vkw_buffer_case vkw_buffer_cases[VKW_BUFFER_CASE_COUNT];
extern const vkw_image_case vkw_image_cases[VKW_IMAGE_CASE_COUNT];

typedef struct vkw_memory_caps {
    vkw_external_props buffer[VKW_BUFFER_CASE_COUNT];
    vkw_external_props image[VKW_IMAGE_CASE_COUNT];
} vkw_memory_caps;

typedef struct vkw_semaphore_caps {
    vkw_external_props binary;
    vkw_external_props timeline;
} vkw_semaphore_caps;

/* Why a handle type can or cannot share across processes, at a glance. */
typedef enum vkw_verdict_code {
    VKW_VERDICT_NOT_RUN = 0, /* the device's probes stopped before the verdict */
    VKW_VERDICT_SHAREABLE,
    VKW_VERDICT_SHAREABLE_DEDICATED, /* shareable, but only as a dedicated allocation */
    VKW_VERDICT_NOT_ON_THIS_OS,
    VKW_VERDICT_EXTENSION_MISSING,
    VKW_VERDICT_DRIVER_SAYS_NO,
    VKW_VERDICT_NOT_CROSS_PROCESS, /* host pointers: importable, but not a process-to-process handle
                                    */
    VKW_VERDICT_QUERY_FAILED,
} vkw_verdict_code;

typedef struct vkw_verdict {
    vkw_verdict_code code;
    char detail[192];
} vkw_verdict;

typedef struct vkw_queue_family {
    VkQueueFlags flags;
    uint32_t count;
    uint32_t timestamp_valid_bits;
} vkw_queue_family;

/* Device extensions that matter for external handles; presence per device. */
#define VKW_RELEVANT_EXTENSION_COUNT 24
extern const char *const vkw_relevant_device_extensions[VKW_RELEVANT_EXTENSION_COUNT];

/* Other APIs on the same device (probes/interop.c): CUDA and OpenGL, each
 * available (the same device, found by its UUIDs) or not, with why. */
typedef enum vkw_interop_state {
    VKW_INTEROP_NOT_RUN = 0,   /* the probe did not reach it */
    VKW_INTEROP_AVAILABLE,     /* found, the same device */
    VKW_INTEROP_NOT_AVAILABLE, /* reason says why (no library, no device, no match) */
} vkw_interop_state;

#define VKW_INTEROP_TYPE_MAX 4
#define VKW_INTEROP_UUID_MAX 4
#define VKW_GL_INTEROP_EXTENSION_COUNT 7
/* The GL extensions the probe looks for, in the order of vkw_interop_gl.extensions. */
extern const char *const vkw_gl_interop_extensions[VKW_GL_INTEROP_EXTENSION_COUNT];

/* Handle types by their short Vulkan names ("OPAQUE_FD"). */
typedef struct vkw_interop_types {
    uint32_t count;
    char names[VKW_INTEROP_TYPE_MAX][32];
} vkw_interop_types;

typedef struct vkw_interop_cuda {
    vkw_interop_state state;
    char reason[256]; /* NOT_AVAILABLE: why */
    uint32_t ordinal; /* CUDA's device ordinal */
    char name[256];
    /* CUDA's documented support on this OS, not a driver's answer: CUDA has no
     * query for the handle types it imports. */
    vkw_interop_types memory, binary_semaphore, timeline_semaphore;
} vkw_interop_cuda;

typedef struct vkw_interop_gl {
    vkw_interop_state state;
    char reason[256];          /* NOT_AVAILABLE: why */
    uint32_t egl_device;       /* as eglQueryDevicesEXT lists it */
    uint32_t egl_device_count; /* all it listed */
    char vendor[128], renderer[256], version[128];
    uint32_t device_uuid_count; /* GL_NUM_DEVICE_UUIDS_EXT (at most VKW_INTEROP_UUID_MAX kept) */
    uint8_t device_uuids[VKW_INTEROP_UUID_MAX][VK_UUID_SIZE];
    uint8_t driver_uuid[VK_UUID_SIZE];
    bool extensions[VKW_GL_INTEROP_EXTENSION_COUNT];
} vkw_interop_gl;

/* Direct3D on this machine (probes/d3d.c, for the probe command): its DXGI
 * adapters, the Vulkan device each one is (the one whose deviceLUID is the
 * adapter's LUID), and how far D3D11 and D3D12 get there in making a
 * shareable object and exporting its handle. Windows only: elsewhere not
 * available, with why. */
#define VKW_D3D_REPORT_ADAPTER_MAX 8
#define VKW_D3D_REPORT_EXPORT_MAX 3

typedef struct vkw_d3d_export_trial {
    char handle_type[24]; /* the Vulkan handle type's name: "D3D11_TEXTURE" */
    bool created;         /* the object was made */
    bool exported;        /* and its handle exported (then closed) */
    vkw_status status;    /* the export's: VKW_OK, or why not (VKW_E_UNSUPPORTED, ...) */
    char
        reason[256]; /* not exported: the refusal with its call ("CreateSharedHandle: E_NOTIMPL") */
} vkw_d3d_export_trial;

typedef struct vkw_d3d_api_report {
    vkw_interop_state state; /* AVAILABLE: a device was made on the adapter */
    char reason[256];        /* NOT_AVAILABLE: why */
    char feature_level[8];   /* the device's: "11_1", "12_0" */
    uint32_t export_count;
    vkw_d3d_export_trial exports[VKW_D3D_REPORT_EXPORT_MAX];
} vkw_d3d_api_report;

typedef struct vkw_d3d_adapter_report {
    uint32_t index; /* as IDXGIFactory1::EnumAdapters1 lists it */
    char description[256];
    uint32_t vendor_id, device_id;
    uint8_t luid[VK_LUID_SIZE];
    bool software;         /* DXGI_ADAPTER_FLAG_SOFTWARE */
    int32_t vulkan_device; /* the Vulkan device (its index) whose deviceLUID this is; -1: none */
    vkw_d3d_api_report api[2]; /* D3D11, D3D12 */
} vkw_d3d_adapter_report;

typedef struct vkw_d3d_report {
    vkw_interop_state state; /* NOT_AVAILABLE: reason says why (not Windows, no dxgi.dll) */
    char reason[256];
    uint32_t adapter_count; /* kept (at most VKW_D3D_REPORT_ADAPTER_MAX) */
    vkw_d3d_adapter_report adapters[VKW_D3D_REPORT_ADAPTER_MAX];
} vkw_d3d_report;

/* "D3D11", "D3D12": the api[] slots' names. */
extern const char *const vkw_d3d_report_api_names[2];

typedef struct vkw_device_report {
    uint32_t index; /* as vkEnumeratePhysicalDevices lists it */
    bool complete;  /* every probe ran; false when one failed (the run's message says why) */

    /* identity */
    char name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE];
    uint32_t vendor_id, device_id;
    VkPhysicalDeviceType type;
    uint32_t api_version;
    uint32_t driver_version;
    bool has_driver_properties;
    VkDriverId driver_id;
    char driver_name[VK_MAX_DRIVER_NAME_SIZE];
    char driver_info[VK_MAX_DRIVER_INFO_SIZE];
    VkConformanceVersion conformance;
    bool has_id_properties;
    uint8_t device_uuid[VK_UUID_SIZE];
    uint8_t driver_uuid[VK_UUID_SIZE];
    uint8_t device_luid[VK_LUID_SIZE];
    bool device_luid_valid;
    uint32_t device_node_mask;
    bool has_pci;
    VkPhysicalDevicePCIBusInfoPropertiesEXT pci;

    /* queues and memory */
    uint32_t queue_family_count;
    vkw_queue_family *queue_families; /* owned */
    VkPhysicalDeviceMemoryProperties memory;

    /* extensions and features */
    uint32_t extension_count;                                          /* all device extensions */
    uint32_t relevant_extension_version[VKW_RELEVANT_EXTENSION_COUNT]; /* 0: absent */
    bool timeline_semaphore;
    const char
        *timeline_semaphore_source; /* "Vulkan 1.2 core", "VK_KHR_timeline_semaphore", or why not */

    /* external capabilities, indexed like the handle-type tables */
    vkw_memory_caps memory_caps[VKW_MEMORY_HANDLE_TYPE_COUNT];
    vkw_semaphore_caps semaphore_caps[VKW_SEMAPHORE_HANDLE_TYPE_COUNT];
    vkw_external_props fence_caps[VKW_FENCE_HANDLE_TYPE_COUNT];

    /* derived */
    vkw_verdict memory_verdict[VKW_MEMORY_HANDLE_TYPE_COUNT];
    vkw_verdict semaphore_verdict[VKW_SEMAPHORE_HANDLE_TYPE_COUNT][2]; /* binary, timeline */
    vkw_verdict fence_verdict[VKW_FENCE_HANDLE_TYPE_COUNT];

    /* the same device through other APIs */
    vkw_interop_cuda interop_cuda;
    vkw_interop_gl interop_gl;

    /* Where the driver contradicts the spec or itself, one sentence each. */
    uint32_t anomaly_count;
    char anomalies[16][224];

    double probe_ms;
} vkw_device_report;

/* Records the Vulkan 1.0 properties every device has, before any probe runs. */
void vkw_device_set_base(vkw_device_report *dev, const VkPhysicalDeviceProperties *p);

/* Records an anomaly (dropped silently past 16: the first ones matter most). */
void vkw_device_add_anomaly(vkw_device_report *dev, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Whether a relevant device extension (by name) is offered. */
bool vkw_device_has_extension(const vkw_device_report *dev, const char *name);

typedef struct vkw_layer_info {
    char name[VK_MAX_EXTENSION_NAME_SIZE];
    char description[VK_MAX_DESCRIPTION_SIZE];
    uint32_t spec_version, implementation_version;
} vkw_layer_info;

#define VKW_INSTANCE_CAP_EXTENSION_COUNT 4
extern const char *const vkw_instance_capability_extensions[VKW_INSTANCE_CAP_EXTENSION_COUNT];

typedef struct vkw_report {
    /* run */
    char generated_at[32];
    const char *os;
    char command[16];
    char device_filter[256]; /* empty: all */

    /* outcome */
    vkw_status status;
    char message[512];
    bool interrupted; /* a stop request (a signal, the deadline) ended the run early */

    /* loader and instance */
    bool loader_loaded;
    char loader_requested[1024];
    char loader_path[1024];
    uint32_t loader_version;
    bool instance_created;
    uint32_t instance_api_version;
    uint32_t instance_cap_extension_version[VKW_INSTANCE_CAP_EXTENSION_COUNT]; /* 0: not offered */
    uint32_t enabled_extension_count;
    char enabled_extensions[16][VKW_NAME_LEN];
    uint32_t layer_count;
    vkw_layer_info *layers; /* owned: every layer the loader can enable */
    uint32_t enabled_layer_count;
    char enabled_layers[4][VKW_NAME_LEN];
    bool validation_enabled; /* by --validate or by the environment */
    bool validation_by_environment;
    vkw_debug_log debug;

    /* devices */
    uint32_t physical_device_count; /* all the loader lists */
    uint32_t device_count;          /* probed (after the filter) */
    vkw_device_report *devices;     /* owned */

    double total_ms;

    /* bench only (NULL for probe): owned */
    struct vkw_bench_report *bench;
    /* stress only: owned */
    struct vkw_stress_report *stress;
    /* probe only (NULL otherwise): Direct3D on this machine, owned */
    vkw_d3d_report *d3d;

    /* A report read back from a file (vkw_report_parse): what its strings
     * kept by pointer point into, released by source_free; NULL for a run. */
    void *source;
    void (*source_free)(void *source);
} vkw_report;

void vkw_report_init(vkw_report *r, const char *command);
void vkw_report_free(vkw_report *r);
/* Records a failure as the report's outcome (keeps the first). */
void vkw_report_set_error(vkw_report *r, const vkw_error *err);

/* The OS family the report was written on, by its os name (a report read
 * back may come from another): how its driver versions decode, what clock
 * timed it. */
vkw_os vkw_report_os(const vkw_report *r);

/* Derives the verdicts of a device from its capabilities. */
void vkw_verdict_compute(vkw_device_report *dev);
const char *vkw_verdict_code_name(vkw_verdict_code code);

/* Reads a probe, bench or check report file back into r (report_parse.c), the
 * inverse of vkw_report_to_json for everything it writes but what it derives
 * from the OS it runs on (a driver version's decoding, the timer's clock
 * name): written again on the same OS, it is the same JSON. r is then freed
 * with vkw_report_free. VKW_E_INVALID_ARG, naming the file, when it cannot
 * be read or is not a vkwin32h report. */
vkw_status vkw_report_parse(const char *path, vkw_report *r, vkw_error *err);

/* A check report read back: its runs (the check's "runs"), each with the
 * bench it ran, read as vkw_report_parse reads a bench report's. */
typedef struct vkw_check_run_read {
    const char *name;               /* NULL: none */
    int32_t device;                 /* the device index; -1: none */
    struct vkw_bench_report *bench; /* NULL: the run has no bench (owned) */
} vkw_check_run_read;
uint32_t vkw_report_check_run_count(const vkw_report *r);
vkw_status vkw_report_check_run(const vkw_report *r, uint32_t i, vkw_check_run_read *out,
                                vkw_error *err);
void vkw_check_run_read_free(vkw_check_run_read *run);

/* Serialises to JSON text (malloc'd; caller frees). */
vkw_status vkw_report_to_json(const vkw_report *r, char **out, vkw_error *err);

#endif
