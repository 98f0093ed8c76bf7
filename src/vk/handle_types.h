/* Every external handle type the Vulkan headers define, with the device
 * extension that enables it and the OS family it belongs to. */
#ifndef VKW_HANDLE_TYPES_H
#define VKW_HANDLE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/platform.h"

typedef enum vkw_handle_family {
    VKW_FAMILY_POSIX_FD, /* file descriptors: Linux, Android, other Unix */
    VKW_FAMILY_WIN32,    /* HANDLEs: Windows */
    VKW_FAMILY_HOST,     /* host pointers: any OS, not a cross-process handle */
    VKW_FAMILY_ANDROID,  /* AHardwareBuffer */
    VKW_FAMILY_FUCHSIA,  /* Zircon objects */
    VKW_FAMILY_RDMA,     /* NVIDIA RDMA addresses (Linux) */
} vkw_handle_family;

typedef enum vkw_transference {
    VKW_TRANSFERENCE_REFERENCE,
    VKW_TRANSFERENCE_COPY, /* SYNC_FD: must be signalled or pending before export */
} vkw_transference;

typedef struct vkw_handle_type {
    uint32_t bit;          /* VK_EXTERNAL_*_HANDLE_TYPE_*_BIT */
    const char *name;      /* the spec's suffix: "OPAQUE_FD", "D3D12_FENCE" */
    const char *extension; /* device extension that makes it usable */
    vkw_handle_family family;
    bool nt_handle; /* Win32 NT handle: export at most once per object and type */
    vkw_transference transference;
    bool core_value; /* the enum value is core 1.1 (else defined by `extension`) */
} vkw_handle_type;

#define VKW_MEMORY_HANDLE_TYPE_COUNT 13
#define VKW_SEMAPHORE_HANDLE_TYPE_COUNT 6
#define VKW_FENCE_HANDLE_TYPE_COUNT 4

extern const vkw_handle_type vkw_memory_handle_types[VKW_MEMORY_HANDLE_TYPE_COUNT];
extern const vkw_handle_type vkw_semaphore_handle_types[VKW_SEMAPHORE_HANDLE_TYPE_COUNT];
extern const vkw_handle_type vkw_fence_handle_types[VKW_FENCE_HANDLE_TYPE_COUNT];

/* Whether handles of this family can exist on the OS this build runs on. */
bool vkw_handle_family_native(vkw_handle_family family);
/* The same on the OS `os` (a report's, read back on another). */
bool vkw_handle_family_native_on(vkw_handle_family family, vkw_os os);
const char *vkw_handle_family_name(vkw_handle_family family);

/* Names of the bits of `mask` found in `table`, joined with `sep`; unknown bits
 * as hex. Returns buf. */
const char *vkw_handle_mask_names(const vkw_handle_type *table, size_t count, uint32_t mask,
                                  const char *sep, char *buf, size_t len);

/* Looks a handle type up by its spec name ("OPAQUE_FD"); NULL when unknown. */
const vkw_handle_type *vkw_handle_type_by_name(const vkw_handle_type *table, size_t count,
                                               const char *name);

#endif
