/* src/vk/: Vulkan itself, loaded at run time: the loader and instance
 * (instance.h), this header, the names of Vulkan's values (names.h), the
 * device filter, the tables of external handle types (handle_types.h), export
 * and import per OS (external.h, external_posix.c, external_win32.c), one
 * side of a shared allocation (shared_memory.h), the seeded pattern written and
 * checked by compute shaders (gpu_pattern.h), and the semaphore, fence and
 * OS round trips (sync.h, which owns their words).
 * May include: src/base and src/platform; never the report, probes, bench,
 * check or cli/. Public: names.h and device_filter.h.
 *
 * A logical device for the bench: one queue, a command pool, a fence, and the
 * device-level dispatch table (only what the tool calls). */
#ifndef VKW_DEVICE_H
#define VKW_DEVICE_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan_core.h>

#include "instance.h"
#include "base/status.h"

/* Device-level functions every bench device must provide (Vulkan 1.1 core). */
#define VKW_DEVICE_FUNCTIONS(X)       \
    X(vkDestroyDevice)                \
    X(vkGetDeviceQueue)               \
    X(vkDeviceWaitIdle)               \
    X(vkCreateBuffer)                 \
    X(vkDestroyBuffer)                \
    X(vkCreateImage)                  \
    X(vkDestroyImage)                 \
    X(vkGetBufferMemoryRequirements2) \
    X(vkGetImageMemoryRequirements2)  \
    X(vkAllocateMemory)               \
    X(vkFreeMemory)                   \
    X(vkBindBufferMemory)             \
    X(vkBindImageMemory)              \
    X(vkMapMemory)                    \
    X(vkUnmapMemory)                  \
    X(vkFlushMappedMemoryRanges)      \
    X(vkInvalidateMappedMemoryRanges) \
    X(vkCreateCommandPool)            \
    X(vkDestroyCommandPool)           \
    X(vkResetCommandPool)             \
    X(vkAllocateCommandBuffers)       \
    X(vkBeginCommandBuffer)           \
    X(vkEndCommandBuffer)             \
    X(vkCmdCopyBuffer)                \
    X(vkCmdUpdateBuffer)              \
    X(vkCmdFillBuffer)                \
    X(vkCmdClearColorImage)           \
    X(vkCmdCopyBufferToImage)         \
    X(vkCmdCopyImageToBuffer)         \
    X(vkCmdPipelineBarrier)           \
    X(vkQueueSubmit)                  \
    X(vkCreateFence)                  \
    X(vkDestroyFence)                 \
    X(vkResetFences)                  \
    X(vkWaitForFences)                \
    X(vkCreateSemaphore)              \
    X(vkDestroySemaphore)             \
    X(vkCreateShaderModule)           \
    X(vkDestroyShaderModule)          \
    X(vkCreateDescriptorSetLayout)    \
    X(vkDestroyDescriptorSetLayout)   \
    X(vkCreatePipelineLayout)         \
    X(vkDestroyPipelineLayout)        \
    X(vkCreateComputePipelines)       \
    X(vkDestroyPipeline)              \
    X(vkCreateDescriptorPool)         \
    X(vkDestroyDescriptorPool)        \
    X(vkAllocateDescriptorSets)       \
    X(vkUpdateDescriptorSets)         \
    X(vkCmdBindPipeline)              \
    X(vkCmdBindDescriptorSets)        \
    X(vkCmdPushConstants)             \
    X(vkCmdDispatch)

/* Present only where their extension is enabled. The Win32 family's are
 * VKW_DEVICE_WIN32_FUNCTIONS below. */
#define VKW_DEVICE_OPTIONAL_FUNCTIONS(X) \
    X(vkGetMemoryFdKHR)                  \
    X(vkGetMemoryFdPropertiesKHR)        \
    X(vkGetSemaphoreFdKHR)               \
    X(vkImportSemaphoreFdKHR)            \
    X(vkGetFenceFdKHR)                   \
    X(vkImportFenceFdKHR)

/* The Win32 family's entry points, present where their extension is enabled
 * and resolved by vkw_external_resolve (external_win32.c; NULL on POSIX).
 * Their PFN types are declared by vulkan_win32.h, which needs <windows.h>,
 * and no header above the platform seam includes that: the device keeps each
 * under its own name as a PFN_vkVoidFunction, and external_win32.c, the only
 * file that calls them, reads each through one typed accessor generated from
 * this same list (PFN_vkGetMemoryWin32HandleKHR fn_vkGetMemoryWin32HandleKHR
 * (dev), ...). A name or a type can then not be mixed up with another's. */
#define VKW_DEVICE_WIN32_FUNCTIONS(X)      \
    X(vkGetMemoryWin32HandleKHR)           \
    X(vkGetMemoryWin32HandlePropertiesKHR) \
    X(vkGetSemaphoreWin32HandleKHR)        \
    X(vkImportSemaphoreWin32HandleKHR)     \
    X(vkGetFenceWin32HandleKHR)            \
    X(vkImportFenceWin32HandleKHR)
#define VKW_DECLARE_UNTYPED_PFN(name) PFN_vkVoidFunction name;

/* What the bench needs to know of the physical device. */
typedef struct vkw_device_info {
    uint32_t api_version; /* min(instance, device) */
    VkPhysicalDeviceMemoryProperties memory;
    VkPhysicalDeviceLimits limits;
    VkDeviceSize max_allocation_size; /* maxMemoryAllocationSize (maintenance3), 0: unknown */
    uint8_t device_uuid[VK_UUID_SIZE];
    uint8_t driver_uuid[VK_UUID_SIZE];
    uint8_t device_luid[VK_LUID_SIZE];
    bool device_luid_valid;
    char name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE];
} vkw_device_info;

typedef struct vkw_device {
    const vkw_instance *inst;
    VkPhysicalDevice pd;
    vkw_device_info info;
    VkDevice handle;
    uint32_t queue_family;
    VkQueue queue;
    VkQueue queue2; /* a second queue of the family, where it has one (else NULL) */
    bool timeline;  /* timeline semaphores enabled (Vulkan 1.2 or VK_KHR_timeline_semaphore) */
    PFN_vkSignalSemaphore signal_semaphore; /* core 1.2 or the KHR alias */
    PFN_vkWaitSemaphores wait_semaphores;
    VkCommandPool pool;
    VkCommandBuffer cmd; /* one, re-recorded for every copy */
    VkFence fence;
    /* A submission outlived its timeout: the GPU may still use what it was
     * given, so nothing is freed or waited for any more (the process's exit
     * releases it); callers stop using the device. */
    bool wedged;
    uint32_t enabled_extension_count;
    char enabled_extensions[12][VKW_NAME_LEN];
    VKW_DEVICE_FUNCTIONS(VKW_DECLARE_PFN)
    VKW_DEVICE_OPTIONAL_FUNCTIONS(VKW_DECLARE_PFN)
    struct {
        VKW_DEVICE_WIN32_FUNCTIONS(VKW_DECLARE_UNTYPED_PFN)
    } win32; /* the Win32 family's, by name: see VKW_DEVICE_WIN32_FUNCTIONS */
} vkw_device;

/* Reads what the bench needs of a physical device. */
void vkw_device_info_read(const vkw_instance *inst, VkPhysicalDevice pd, vkw_device_info *out);

/* Creates a device on pd with one queue that can copy, and every extension
 * offered among `wanted` (NULL-terminated); `required` ones must be there. */
vkw_status vkw_device_create(const vkw_instance *inst, VkPhysicalDevice pd,
                             const char *const *required, const char *const *wanted,
                             vkw_device *out, vkw_error *err);
void vkw_device_destroy(vkw_device *dev);
bool vkw_device_has_enabled(const vkw_device *dev, const char *extension);

/* A Vulkan wait with a timeout (vkWaitForFences, vkWaitSemaphores) run in
 * slices of at most VKW_STOP_POLL_MS, so that a stop request is seen: returns
 * the wait's result, VK_TIMEOUT once timeout_ns has passed, or VK_TIMEOUT with
 * *stopped set when a stop was requested. The clock is read only once a slice
 * has run out, never when the first call returns at once. */
typedef VkResult (*vkw_wait_fn)(void *user, uint64_t timeout_ns);
VkResult vkw_wait_in_slices(vkw_wait_fn wait, void *user, uint64_t timeout_ns, bool *stopped);
/* vkWaitForFences of one fence, in slices (as above). */
VkResult vkw_device_wait_fence(vkw_device *dev, VkFence fence, uint64_t timeout_ns, bool *stopped);

/* Records `record` into the device's command buffer, submits it and waits for
 * it within timeout_ns; past that, VKW_E_TIMEOUT and the device is wedged (as
 * it is when a stop request ends the wait: VKW_E_INTERRUPTED). */
typedef void (*vkw_record_fn)(const vkw_device *dev, VkCommandBuffer cmd, void *user);
vkw_status vkw_device_submit_wait(vkw_device *dev, vkw_record_fn record, void *user,
                                  uint64_t timeout_ns, const char *what, vkw_error *err);
/* The same, with `next` chained to the VkSubmitInfo (a keyed mutex's
 * acquire and release: external.h); NULL: nothing. */
vkw_status vkw_device_submit_wait_chained(vkw_device *dev, vkw_record_fn record, void *user,
                                          const void *next, uint64_t timeout_ns, const char *what,
                                          vkw_error *err);

/* What names one physical device across processes: both UUIDs (opaque
 * handles require them to match), and on Windows the adapter's LUID too (what
 * DXGI and D3D12 name adapters by). */
typedef struct vkw_device_identity {
    uint8_t device_uuid[VK_UUID_SIZE];
    uint8_t driver_uuid[VK_UUID_SIZE];
    uint8_t device_luid[VK_LUID_SIZE];
    uint32_t luid_valid;
} vkw_device_identity;

void vkw_device_identity_of(const vkw_device_info *info, vkw_device_identity *out);

/* The device's memory in use now, by VK_EXT_memory_budget: heapUsage summed
 * over its device-local heaps, in bytes (what every process on the device
 * holds there, as the driver counts it). VKW_E_UNSUPPORTED with the reason
 * where the device does not offer the extension or the instance cannot ask
 * (vkGetPhysicalDeviceMemoryProperties2: Vulkan 1.1 or
 * VK_KHR_get_physical_device_properties2). Safe from any thread. */
vkw_status vkw_device_memory_in_use(const vkw_instance *inst, VkPhysicalDevice pd, uint64_t *out,
                                    vkw_error *err);

/* Finds the physical device with this identity: both UUIDs, and the LUID
 * where both sides have a valid one (*luid_matched says whether it was
 * compared). VKW_E_NO_DEVICE_MATCH, naming what there is, when none does. */
vkw_status vkw_device_find(const vkw_instance *inst, const vkw_device_identity *id,
                           VkPhysicalDevice *out, bool *luid_matched, vkw_error *err);

#endif
