/* Exporting and importing memory the way this OS family does it: fds on
 * POSIX (external_posix.c), HANDLEs on Win32 (external_win32.c). Code above this
 * header is written once for both. */
#ifndef VKW_EXTERNAL_H
#define VKW_EXTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan_core.h>

#include "device.h"
#include "handle_types.h"
#include "platform/platform.h"
#include "base/status.h"

/* Device extensions sharing needs on this OS (NULL-terminated), and those it
 * uses where offered (handle types beyond the opaque one). */
extern const char *const vkw_external_required_extensions[];
extern const char *const vkw_external_wanted_extensions[];

/* Whether a successful import takes ownership of the handle: true for fds
 * (VkImportMemoryFdInfoKHR: the implementation closes it), false for Win32
 * handles (VkImportMemoryWin32HandleInfoKHR: importing "does not transfer
 * ownership"; the importer closes its NT handle itself). */
extern const bool vkw_import_takes_ownership;

/* Whether handles of this type travel as plain values rather than being
 * duplicated into the peer: Win32 KMT handles are global share handles, in
 * no process's handle table. */
bool vkw_handle_travels_by_value(const vkw_handle_type *t);

/* Releases a handle of this type that the caller owns: close() or
 * CloseHandle(); nothing for KMT values, which are not the process's to close. */
void vkw_external_handle_release(const vkw_handle_type *t, vkw_handle h);

/* Resolves the family's device-level entry points (dev->win32 on Win32). */
void vkw_external_resolve(vkw_device *dev);

/* Named NT handles (Win32): "Local\\vkwin32h-<pid>-<n>", at most this long. */
#define VKW_NT_NAME_MAX 64

/* Whether handles of this type can be exported with a name and imported by
 * it (Win32 NT handles); the bench's --nt-names. */
bool vkw_handle_type_nameable(const vkw_handle_type *t);

/* Room for one family-specific structure of a pNext chain (and its name). */
typedef struct vkw_chain_storage {
    union {
        VkImportMemoryFdInfoKHR fd;
        uint64_t raw[8];
    } info;
    uint16_t name[VKW_NT_NAME_MAX]; /* a UTF-16 name, for Win32 */
} vkw_chain_storage;

/* Chains what an exportable allocation of this handle type needs beyond
 * VkExportMemoryAllocateInfo (Win32 NT handles: VkExportMemoryWin32HandleInfoKHR);
 * returns the new head, or `next` when nothing is needed. */
const void *vkw_memory_export_chain(vkw_chain_storage *st, const vkw_handle_type *t,
                                    const char *name, const void *next);

/* A keyed mutex on a submission (Win32: VkWin32KeyedMutexAcquireReleaseInfoKHR
 * of VK_KHR_win32_keyed_mutex, for memory imported from a D3D11 texture
 * made with SHARED_KEYEDMUTEX): acquire `acquire_key` before the
 * submission's work (waiting at most timeout_ms), release `release_key`
 * after it; VKW_KM_NONE leaves either out. Returns the chain for the
 * VkSubmitInfo, kept in *st; NULL where the OS has no keyed mutexes (POSIX)
 * or the device did not enable the extension. */
#define VKW_KM_NONE UINT64_MAX
typedef struct vkw_keyed_mutex_chain {
    uint64_t info[12]; /* the structure itself */
    VkDeviceMemory memory;
    uint64_t acquire_key, release_key;
    uint32_t timeout_ms;
} vkw_keyed_mutex_chain;
const void *vkw_keyed_mutex_submit_chain(vkw_keyed_mutex_chain *st, const vkw_device *dev,
                                         VkDeviceMemory mem, uint64_t acquire_key,
                                         uint64_t release_key, uint32_t timeout_ms);

/* Exports memory as a native handle owned by the caller. NT handles may be
 * exported at most once per memory object and handle type (a valid usage
 * rule of VkMemoryGetWin32HandleInfoKHR): callers export each allocation once. */
vkw_status vkw_memory_export(const vkw_device *dev, VkDeviceMemory mem, const vkw_handle_type *t,
                             vkw_handle *out, vkw_error *err);

/* Chains the import structure for `h` (or, with a name, for the named
 * object, h unused) in front of `next`; returns the head. */
const void *vkw_memory_import_chain(vkw_chain_storage *st, const vkw_handle_type *t, vkw_handle h,
                                    const char *name, const void *next);

/* The memory types `h` can be imported as. Handle types whose properties the
 * driver may not be asked for (OPAQUE_FD, OPAQUE_WIN32[_KMT]) must be imported
 * with the exporter's type: *bits is then ~0 and *queried false. */
vkw_status vkw_memory_handle_type_bits(const vkw_device *dev, const vkw_handle_type *t,
                                       vkw_handle h, uint32_t *bits, bool *queried, vkw_error *err);

/* The invalid-usage fault: asks for the memory properties of handle h with
 * no handle type, which the spec forbids (VUID-vkGetMemoryFdPropertiesKHR
 * -handleType-parameter, VUID-vkGetMemoryWin32HandlePropertiesKHR-handleType
 * -parameter), so that the validation layer has an error to report. The
 * driver's answer is ignored; h stays the caller's. VKW_E_UNSUPPORTED without
 * the call. */
vkw_status vkw_memory_break_valid_usage(const vkw_device *dev, vkw_handle h, vkw_error *err);

/* Semaphores and fences: export a handle (the caller's), import one into an
 * object of the same type (reference transference, permanent). An import
 * that takes ownership sets *h to VKW_NO_HANDLE; otherwise the caller still
 * owns it, success or not. */
vkw_status vkw_semaphore_export(const vkw_device *dev, VkSemaphore sem, const vkw_handle_type *t,
                                vkw_handle *out, vkw_error *err);
vkw_status vkw_semaphore_import(const vkw_device *dev, VkSemaphore sem, const vkw_handle_type *t,
                                vkw_handle *h, const char *name, vkw_error *err);
/* What an exportable semaphore of this type needs chained at creation (a name). */
const void *vkw_semaphore_export_chain(vkw_chain_storage *st, const vkw_handle_type *t,
                                       const char *name, const void *next);
vkw_status vkw_fence_export(const vkw_device *dev, VkFence fence, const vkw_handle_type *t,
                            vkw_handle *out, vkw_error *err);
vkw_status vkw_fence_import(const vkw_device *dev, VkFence fence, const vkw_handle_type *t,
                            vkw_handle *h, const char *name, vkw_error *err);
/* What an exportable fence of this type needs chained at creation (a name). */
const void *vkw_fence_export_chain(vkw_chain_storage *st, const vkw_handle_type *t,
                                   const char *name, const void *next);

#endif
