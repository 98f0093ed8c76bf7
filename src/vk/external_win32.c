/* external.h for Win32: memory travels as NT handles (closed with
 * CloseHandle) or KMT handles (global share handles: plain values). */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#define VK_USE_PLATFORM_WIN32_KHR
#include <vulkan/vulkan.h>

#include <string.h>

#include "external.h"

/* Nothing is required: see external_posix.c. */
const char *const vkw_external_required_extensions[] = {NULL};
const char *const vkw_external_wanted_extensions[] = {
    "VK_KHR_external_memory_win32", "VK_KHR_external_semaphore_win32",
    "VK_KHR_external_fence_win32",  "VK_KHR_timeline_semaphore",
    "VK_KHR_win32_keyed_mutex",     NULL};

/* VkImportMemoryWin32HandleInfoKHR: "Importing memory object payloads from
 * Windows handles does not transfer ownership of the handle to the Vulkan
 * implementation": the importer closes its NT handle itself. */
const bool vkw_import_takes_ownership = false;

/* One typed accessor per entry point of dev->win32 (device.h says why they
 * are stored untyped): fn_vkGetMemoryWin32HandleKHR(dev) and so on. */
#define TYPED_ACCESSOR(name)                                         \
    static PFN_##name fn_##name(const vkw_device *dev)               \
    {                                                                \
        _Static_assert(sizeof(PFN_##name) == sizeof dev->win32.name, \
                       "a function pointer is a function pointer");  \
        PFN_##name f;                                                \
        memcpy(&f, &dev->win32.name, sizeof f);                      \
        return f;                                                    \
    }
VKW_DEVICE_WIN32_FUNCTIONS(TYPED_ACCESSOR)
#undef TYPED_ACCESSOR

/* From <dxgi1_2.h>, which this file does not otherwise need. */
#define DXGI_SHARED_RESOURCE_READ_ 0x80000000ul
#define DXGI_SHARED_RESOURCE_WRITE_ 0x1ul

_Static_assert(sizeof(VkImportMemoryWin32HandleInfoKHR) <= sizeof(((vkw_chain_storage *)0)->info),
               "chain storage too small");
_Static_assert(sizeof(VkExportMemoryWin32HandleInfoKHR) <= sizeof(((vkw_chain_storage *)0)->info),
               "chain storage too small");
_Static_assert(sizeof(VkExportSemaphoreWin32HandleInfoKHR) <=
                   sizeof(((vkw_chain_storage *)0)->info),
               "chain storage too small");
_Static_assert(sizeof(VkExportFenceWin32HandleInfoKHR) <= sizeof(((vkw_chain_storage *)0)->info),
               "chain storage too small");

static bool is_memory_type(const vkw_handle_type *t)
{
    for (size_t i = 0; i < VKW_MEMORY_HANDLE_TYPE_COUNT; i++)
        if (t == &vkw_memory_handle_types[i])
            return true;
    return false;
}

bool vkw_handle_type_nameable(const vkw_handle_type *t)
{
    /* KMT handles are global values with no name. Memory is named through
     * VkExportMemoryWin32HandleInfoKHR, which is for OPAQUE_WIN32 only
     * (VUID-VkExportMemoryWin32HandleInfoKHR-handleTypes-00657); the D3D
     * types come from D3D itself. */
    if (is_memory_type(t))
        return t->bit == VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_WIN32_BIT;
    return t->nt_handle;
}

/* The name as the UTF-16 string the structures take (names are ASCII here). */
static LPCWSTR wide_name(vkw_chain_storage *st, const char *name)
{
    size_t i = 0;
    for (; name[i] && i + 1 < VKW_NT_NAME_MAX; i++)
        st->name[i] = (uint16_t)(unsigned char)name[i];
    st->name[i] = 0;
    return (LPCWSTR)st->name;
}

bool vkw_handle_travels_by_value(const vkw_handle_type *t)
{
    return !t->nt_handle;
}

void vkw_external_handle_release(const vkw_handle_type *t, vkw_handle h)
{
    /* VkImportMemoryWin32HandleInfoKHR: only NT handles are closed by the
     * application; a KMT (global share) handle is not a handle of this process. */
    if (t->nt_handle)
        vkw_handle_close(h);
}

void vkw_external_resolve(vkw_device *dev)
{
#define RESOLVE(name) dev->win32.name = dev->inst->vkGetDeviceProcAddr(dev->handle, #name);
    VKW_DEVICE_WIN32_FUNCTIONS(RESOLVE)
#undef RESOLVE
}

const void *vkw_memory_export_chain(vkw_chain_storage *st, const vkw_handle_type *t,
                                    const char *name, const void *next)
{
    /* VUID-VkExportMemoryWin32HandleInfoKHR-handleTypes-00657: only when the
     * handle types include OPAQUE_WIN32 (the D3D types are import-only). */
    if (t->bit != VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_WIN32_BIT)
        return next;
    /* Default security. The spec says only that an NT handle exported without
     * this structure has read and write access (VkExportMemoryWin32HandleInfoKHR);
     * DXGI_SHARED_RESOURCE_READ | DXGI_SHARED_RESOURCE_WRITE is how DXGI
     * spells that (dxgi1_2.h), stated so the code says which access it asks for. */
    VkExportMemoryWin32HandleInfoKHR *info = (VkExportMemoryWin32HandleInfoKHR *)st->info.raw;
    memset(info, 0, sizeof *info);
    info->sType = VK_STRUCTURE_TYPE_EXPORT_MEMORY_WIN32_HANDLE_INFO_KHR;
    info->pNext = next;
    info->dwAccess = DXGI_SHARED_RESOURCE_READ_ | DXGI_SHARED_RESOURCE_WRITE_;
    /* Named: the child opens the object by name; it lives while the
     * exporter's handle is open (the exporter keeps it until the reply). */
    info->name = name ? wide_name(st, name) : NULL;
    return info;
}

const void *vkw_semaphore_export_chain(vkw_chain_storage *st, const vkw_handle_type *t,
                                       const char *name, const void *next)
{
    if (!t->nt_handle || !name)
        return next;
    VkExportSemaphoreWin32HandleInfoKHR *info = (VkExportSemaphoreWin32HandleInfoKHR *)st->info.raw;
    memset(info, 0, sizeof *info);
    info->sType = VK_STRUCTURE_TYPE_EXPORT_SEMAPHORE_WIN32_HANDLE_INFO_KHR;
    info->pNext = next;
    /* Everything the importer may do with a semaphore (or a D3D12 fence):
     * wait and signal. */
    info->dwAccess = GENERIC_ALL;
    info->name = wide_name(st, name);
    return info;
}

const void *vkw_fence_export_chain(vkw_chain_storage *st, const vkw_handle_type *t,
                                   const char *name, const void *next)
{
    /* VkExportFenceWin32HandleInfoKHR: for OPAQUE_WIN32 (the NT fence type) only. */
    if (!t->nt_handle || !name)
        return next;
    VkExportFenceWin32HandleInfoKHR *info = (VkExportFenceWin32HandleInfoKHR *)st->info.raw;
    memset(info, 0, sizeof *info);
    info->sType = VK_STRUCTURE_TYPE_EXPORT_FENCE_WIN32_HANDLE_INFO_KHR;
    info->pNext = next;
    info->dwAccess = GENERIC_ALL; /* as for semaphores: the importer waits and resets */
    info->name = wide_name(st, name);
    return info;
}

vkw_status vkw_memory_export(const vkw_device *dev, VkDeviceMemory mem, const vkw_handle_type *t,
                             vkw_handle *out, vkw_error *err)
{
    *out = VKW_NO_HANDLE;
    PFN_vkGetMemoryWin32HandleKHR get = fn_vkGetMemoryWin32HandleKHR(dev);
    if (!get)
        return vkw_fail(err, VKW_E_VULKAN,
                        "vkGetMemoryWin32HandleKHR is not available (exporting %s)", t->name);
    VkMemoryGetWin32HandleInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_GET_WIN32_HANDLE_INFO_KHR,
        .memory = mem,
        .handleType = (VkExternalMemoryHandleTypeFlagBits)t->bit,
    };
    HANDLE h = NULL;
    VkResult r = get(dev->handle, &info, &h);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkGetMemoryWin32HandleKHR", "exporting %s memory", t->name);
    if (h == NULL || h == INVALID_HANDLE_VALUE)
        return vkw_fail(err, VKW_E_SHARING,
                        "vkGetMemoryWin32HandleKHR returned VK_SUCCESS and no handle "
                        "(exporting %s memory)",
                        t->name);
    *out = (vkw_handle)(intptr_t)h;
    return VKW_OK;
}

const void *vkw_memory_import_chain(vkw_chain_storage *st, const vkw_handle_type *t, vkw_handle h,
                                    const char *name, const void *next)
{
    VkImportMemoryWin32HandleInfoKHR *info = (VkImportMemoryWin32HandleInfoKHR *)st->info.raw;
    memset(info, 0, sizeof *info);
    info->sType = VK_STRUCTURE_TYPE_IMPORT_MEMORY_WIN32_HANDLE_INFO_KHR;
    info->pNext = next;
    info->handleType = (VkExternalMemoryHandleTypeFlagBits)t->bit;
    /* By name (VUID-VkImportMemoryWin32HandleInfoKHR-handle-01441: a handle
     * or a name, not both), or by the handle duplicated into this process. */
    info->handle = name ? NULL : (HANDLE)(intptr_t)h;
    info->name = name ? wide_name(st, name) : NULL;
    return info;
}

vkw_status vkw_memory_handle_type_bits(const vkw_device *dev, const vkw_handle_type *t,
                                       vkw_handle h, uint32_t *bits, bool *queried, vkw_error *err)
{
    *bits = ~0u;
    *queried = false;
    /* VUID-vkGetMemoryWin32HandlePropertiesKHR-handleType-00666: not for the
     * opaque types, which import with the exporter's memory type. */
    if (t->bit == VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_WIN32_BIT ||
        t->bit == VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_WIN32_KMT_BIT)
        return VKW_OK;
    PFN_vkGetMemoryWin32HandlePropertiesKHR get = fn_vkGetMemoryWin32HandlePropertiesKHR(dev);
    if (!get)
        return vkw_fail(err, VKW_E_VULKAN,
                        "vkGetMemoryWin32HandlePropertiesKHR is not available (importing %s)",
                        t->name);
    VkMemoryWin32HandlePropertiesKHR props = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_WIN32_HANDLE_PROPERTIES_KHR,
    };
    VkResult r =
        get(dev->handle, (VkExternalMemoryHandleTypeFlagBits)t->bit, (HANDLE)(intptr_t)h, &props);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkGetMemoryWin32HandlePropertiesKHR", "importing %s memory",
                           t->name);
    *bits = props.memoryTypeBits;
    *queried = true;
    return VKW_OK;
}

vkw_status vkw_memory_break_valid_usage(const vkw_device *dev, vkw_handle h, vkw_error *err)
{
    PFN_vkGetMemoryWin32HandlePropertiesKHR get = fn_vkGetMemoryWin32HandlePropertiesKHR(dev);
    if (!get)
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "vkGetMemoryWin32HandlePropertiesKHR is not "
                        "available (the invalid-usage fault)");
    VkMemoryWin32HandlePropertiesKHR props = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_WIN32_HANDLE_PROPERTIES_KHR,
    };
    /* Invalid on purpose: VUID-vkGetMemoryWin32HandlePropertiesKHR-handleType
     * -parameter (no handle type at all). */
    (void)get(dev->handle, (VkExternalMemoryHandleTypeFlagBits)0, (HANDLE)(intptr_t)h, &props);
    return VKW_OK;
}

vkw_status vkw_semaphore_export(const vkw_device *dev, VkSemaphore sem, const vkw_handle_type *t,
                                vkw_handle *out, vkw_error *err)
{
    *out = VKW_NO_HANDLE;
    PFN_vkGetSemaphoreWin32HandleKHR get = fn_vkGetSemaphoreWin32HandleKHR(dev);
    if (!get)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "vkGetSemaphoreWin32HandleKHR is not available");
    /* VkSemaphoreGetWin32HandleInfoKHR: an NT handle at most once per semaphore
     * and type; callers export each semaphore once. */
    VkSemaphoreGetWin32HandleInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_SEMAPHORE_GET_WIN32_HANDLE_INFO_KHR,
        .semaphore = sem,
        .handleType = (VkExternalSemaphoreHandleTypeFlagBits)t->bit,
    };
    HANDLE h = NULL;
    VkResult r = get(dev->handle, &info, &h);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkGetSemaphoreWin32HandleKHR", "exporting a %s semaphore",
                           t->name);
    if (h == NULL || h == INVALID_HANDLE_VALUE)
        return vkw_fail(err, VKW_E_SHARING,
                        "vkGetSemaphoreWin32HandleKHR returned VK_SUCCESS "
                        "and no handle (exporting a %s semaphore)",
                        t->name);
    *out = (vkw_handle)(intptr_t)h;
    return VKW_OK;
}

vkw_status vkw_semaphore_import(const vkw_device *dev, VkSemaphore sem, const vkw_handle_type *t,
                                vkw_handle *h, const char *name, vkw_error *err)
{
    vkw_chain_storage st;
    PFN_vkImportSemaphoreWin32HandleKHR import = fn_vkImportSemaphoreWin32HandleKHR(dev);
    if (!import)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "vkImportSemaphoreWin32HandleKHR is not available");
    VkImportSemaphoreWin32HandleInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_IMPORT_SEMAPHORE_WIN32_HANDLE_INFO_KHR,
        .semaphore = sem,
        .handleType = (VkExternalSemaphoreHandleTypeFlagBits)t->bit,
        .handle = name ? NULL : (HANDLE)(intptr_t)*h,
        .name = name ? wide_name(&st, name) : NULL,
    };
    VkResult r = import(dev->handle, &info);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkImportSemaphoreWin32HandleKHR",
                           "importing a %s semaphore%s%s", t->name, name ? " by name " : "",
                           name ? name : "");
    /* vkImportSemaphoreWin32HandleKHR: no ownership passes; the caller
     * still closes its (NT) handle. */
    return VKW_OK;
}

vkw_status vkw_fence_export(const vkw_device *dev, VkFence fence, const vkw_handle_type *t,
                            vkw_handle *out, vkw_error *err)
{
    *out = VKW_NO_HANDLE;
    PFN_vkGetFenceWin32HandleKHR get = fn_vkGetFenceWin32HandleKHR(dev);
    if (!get)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "vkGetFenceWin32HandleKHR is not available");
    VkFenceGetWin32HandleInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_FENCE_GET_WIN32_HANDLE_INFO_KHR,
        .fence = fence,
        .handleType = (VkExternalFenceHandleTypeFlagBits)t->bit,
    };
    HANDLE h = NULL;
    VkResult r = get(dev->handle, &info, &h);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkGetFenceWin32HandleKHR", "exporting a %s fence", t->name);
    if (h == NULL || h == INVALID_HANDLE_VALUE)
        return vkw_fail(err, VKW_E_SHARING,
                        "vkGetFenceWin32HandleKHR returned VK_SUCCESS and "
                        "no handle (exporting a %s fence)",
                        t->name);
    *out = (vkw_handle)(intptr_t)h;
    return VKW_OK;
}

vkw_status vkw_fence_import(const vkw_device *dev, VkFence fence, const vkw_handle_type *t,
                            vkw_handle *h, const char *name, vkw_error *err)
{
    vkw_chain_storage st;
    PFN_vkImportFenceWin32HandleKHR import = fn_vkImportFenceWin32HandleKHR(dev);
    if (!import)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "vkImportFenceWin32HandleKHR is not available");
    VkImportFenceWin32HandleInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_IMPORT_FENCE_WIN32_HANDLE_INFO_KHR,
        .fence = fence,
        .handleType = (VkExternalFenceHandleTypeFlagBits)t->bit,
        /* A handle or a name, not both (VkImportFenceWin32HandleInfoKHR). */
        .handle = name ? NULL : (HANDLE)(intptr_t)*h,
        .name = name ? wide_name(&st, name) : NULL,
    };
    VkResult r = import(dev->handle, &info);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkImportFenceWin32HandleKHR", "importing a %s fence%s%s",
                           t->name, name ? " by name " : "", name ? name : "");
    return VKW_OK;
}

_Static_assert(sizeof(VkWin32KeyedMutexAcquireReleaseInfoKHR) <=
                   sizeof(((vkw_keyed_mutex_chain *)0)->info),
               "keyed mutex chain storage too small");

const void *vkw_keyed_mutex_submit_chain(vkw_keyed_mutex_chain *st, const vkw_device *dev,
                                         VkDeviceMemory mem, uint64_t acquire_key,
                                         uint64_t release_key, uint32_t timeout_ms)
{
    if (!vkw_device_has_enabled(dev, "VK_KHR_win32_keyed_mutex"))
        return NULL;
    st->memory = mem;
    st->acquire_key = acquire_key;
    st->release_key = release_key;
    st->timeout_ms = timeout_ms;
    VkWin32KeyedMutexAcquireReleaseInfoKHR *k = (VkWin32KeyedMutexAcquireReleaseInfoKHR *)st->info;
    memset(k, 0, sizeof *k);
    k->sType = VK_STRUCTURE_TYPE_WIN32_KEYED_MUTEX_ACQUIRE_RELEASE_INFO_KHR;
    bool acquire = acquire_key != VKW_KM_NONE, release = release_key != VKW_KM_NONE;
    k->acquireCount = acquire ? 1 : 0;
    k->pAcquireSyncs = acquire ? &st->memory : NULL;
    k->pAcquireKeys = acquire ? &st->acquire_key : NULL;
    k->pAcquireTimeouts = acquire ? &st->timeout_ms : NULL;
    k->releaseCount = release ? 1 : 0;
    k->pReleaseSyncs = release ? &st->memory : NULL;
    k->pReleaseKeys = release ? &st->release_key : NULL;
    return k;
}
