/* The importers' plain types, shared by the interface (importer.h) and the
 * implementations behind it (backend.h), and the exporters' names. */
#ifndef VKW_FOREIGN_H
#define VKW_FOREIGN_H

#include <stdbool.h>
#include <stdint.h>

#include "base/pattern.h"
#include "base/status.h"
#include "platform/os_pingpong.h"
#include "platform/platform.h"
#include "vk/handle_types.h"
#include "vk/shared_memory.h"
#include "vk/sync.h"

typedef enum vkw_importer {
    VKW_IMPORTER_VULKAN, /* the child imports into Vulkan (not this interface) */
    VKW_IMPORTER_CUDA,
    VKW_IMPORTER_GL,
    VKW_IMPORTER_D3D11, /* Windows: what Vulkan exported, opened by Direct3D */
    VKW_IMPORTER_D3D12,
    VKW_IMPORTER_COUNT
} vkw_importer;
/* "vulkan", "cuda", "gl", "d3d11", "d3d12", in the order of vkw_importer. */
extern const char *const vkw_importer_words[VKW_IMPORTER_COUNT];
const char *vkw_importer_name(vkw_importer i); /* "unknown" out of range */

/* Who makes and exports the bench's memory (--exporter): this process's
 * Vulkan, or Direct3D 11 or 12 (Windows, d3d.h), whose objects the child
 * imports into Vulkan. */
typedef enum vkw_exporter {
    VKW_EXPORTER_VULKAN,
    VKW_EXPORTER_D3D11,
    VKW_EXPORTER_D3D12,
    VKW_EXPORTER_COUNT
} vkw_exporter;
/* "vulkan", "d3d11", "d3d12", in the order of vkw_exporter (d3d_common.c). */
extern const char *const vkw_exporter_words[VKW_EXPORTER_COUNT];
const char *vkw_exporter_name(vkw_exporter e); /* "unknown" out of range */

/* What the context is on, for the report. */
typedef struct vkw_foreign_info {
    char device_name[256]; /* cuDeviceGetName, GL_RENDERER, or the DXGI adapter's */
    char version[128];     /* "CUDA driver 13000", GL_VERSION, "Direct3D 12, feature level 12_0" */
    uint32_t device_index; /* the CUDA ordinal, the EGL device's or the DXGI adapter's index */
} vkw_foreign_info;

/* Times of one memory transfer, by phase (0: not run). */
typedef struct vkw_foreign_times {
    uint64_t copy_ns; /* the API's transfer between its object and host memory */
    uint64_t host_ns; /* the host's compare (check), 0 for a write; the pattern's generation
                       * is not timed */
} vkw_foreign_times;

#endif
