/* src/interop/d3d.h: Direct3D 11 and 12 on a DXGI adapter, making the
 * objects D3D shares and exporting their handles: D3D11_TEXTURE (NT) and
 * D3D11_TEXTURE_KMT from a D3D11 texture, D3D12_RESOURCE, D3D12_HEAP and
 * D3D12_FENCE (NT) from D3D12. The Windows build only (d3d_win32.c: dxgi.dll,
 * d3d11.dll and d3d12.dll loaded at run time, so that the tool starts on a
 * Windows without D3D12); elsewhere d3d_none.c, where every call fails with
 * VKW_E_UNSUPPORTED and "Direct3D exists on Windows only".
 * May include: src/base, src/platform, src/vk.
 *
 * Errors: every failed HRESULT is named with its call ("CreateSharedHandle:
 * E_NOTIMPL", "QueryInterface(IDXGIResource1): E_NOINTERFACE"; a value
 * without a name as "HRESULT 0x887A0004"). What D3D or the driver does not
 * offer (E_NOTIMPL, E_NOINTERFACE, DXGI_ERROR_UNSUPPORTED, a missing DLL,
 * no adapter at an index) is VKW_E_UNSUPPORTED; any other refusal to make or
 * export an object is VKW_E_SHARING; host memory VKW_E_NO_MEMORY.
 *
 * Ownership: an exported NT handle is the caller's, closed once with
 * vkw_handle_close (D3D keeps the object alive while it is open; the
 * seed pages: NT handles are released with CloseHandle). A KMT handle is a
 * value: nothing to close, valid while the object lives. */
#ifndef VKW_D3D_H
#define VKW_D3D_H

#include <stdbool.h>
#include <stdint.h>

#include "base/pattern.h"
#include "base/status.h"
#include "platform/platform.h"
#include "vk/handle_types.h"

#include <vulkan/vulkan.h>

typedef enum vkw_d3d_api { VKW_D3D_11, VKW_D3D_12, VKW_D3D_API_COUNT } vkw_d3d_api;
/* "d3d11", "d3d12", in the order of vkw_d3d_api. */
extern const char *const vkw_d3d_api_words[VKW_D3D_API_COUNT];

#define VKW_D3D_ADAPTER_MAX 16

/* A DXGI adapter, as IDXGIFactory1::EnumAdapters1 lists it. */
typedef struct vkw_d3d_adapter {
    uint32_t index;
    char description[256]; /* DXGI_ADAPTER_DESC1.Description, in UTF-8 */
    uint32_t vendor_id, device_id;
    uint8_t luid[VK_LUID_SIZE]; /* AdapterLuid's bytes, as Vulkan's deviceLUID holds them */
    bool software;              /* DXGI_ADAPTER_FLAG_SOFTWARE */
} vkw_d3d_adapter;

/* The adapters (at most `max`, *count how many were kept); VKW_E_UNSUPPORTED
 * with the reason when dxgi.dll or CreateDXGIFactory1 is missing. */
vkw_status vkw_d3d_adapters(vkw_d3d_adapter *out, uint32_t max, uint32_t *count, vkw_error *err);

/* Whether a handle type is one `api` exports: D3D11_TEXTURE and
 * D3D11_TEXTURE_KMT for D3D11; D3D12_RESOURCE, D3D12_HEAP and D3D12_FENCE
 * for D3D12. */
bool vkw_d3d_exports(vkw_d3d_api api, const vkw_handle_type *t);

typedef struct vkw_d3d vkw_d3d;
typedef struct vkw_d3d_object vkw_d3d_object;

/* A device of `api` on the adapter at adapter_index (D3D11CreateDevice with
 * D3D_DRIVER_TYPE_UNKNOWN, feature levels 11_1 and 11_0; D3D12CreateDevice
 * at 11_0); feature_level: the device's, as "11_1" or "12_0". */
vkw_status vkw_d3d_open(vkw_d3d_api api, uint32_t adapter_index, vkw_d3d **out,
                        char feature_level[8], vkw_error *err);
void vkw_d3d_close(vkw_d3d *d); /* NULL is ignored; every object released first */

/* The object an export makes. Textures: DXGI_FORMAT_R32_UINT, width ×
 * height texels, one mip, default usage, bound as a shader resource.
 * Buffers (D3D12_RESOURCE) and heaps (D3D12_HEAP): `size` bytes (a heap's
 * rounded up to 64 KiB). keyed_mutex: D3D11 textures also
 * D3D11_RESOURCE_MISC_SHARED_KEYEDMUTEX. */
typedef struct vkw_d3d_desc {
    uint32_t width, height;
    uint64_t size;
    bool keyed_mutex;
} vkw_d3d_desc;

/* Makes a shareable object for handle type t (which `d`'s API must export:
 * VKW_E_INVALID_ARG otherwise) and exports its handle into *h:
 *   D3D11_TEXTURE      D3D11_RESOURCE_MISC_SHARED_NTHANDLE (with SHARED or
 *                      SHARED_KEYEDMUTEX), IDXGIResource1::CreateSharedHandle
 *                      (read and write access, no name)
 *   D3D11_TEXTURE_KMT  D3D11_RESOURCE_MISC_SHARED (or SHARED_KEYEDMUTEX),
 *                      IDXGIResource::GetSharedHandle
 *   D3D12_RESOURCE     a committed buffer on a default heap with
 *                      D3D12_HEAP_FLAG_SHARED, ID3D12Device::CreateSharedHandle
 *   D3D12_HEAP         ID3D12Device::CreateHeap with D3D12_HEAP_FLAG_SHARED,
 *                      then CreateSharedHandle
 *   D3D12_FENCE        ID3D12Device::CreateFence with D3D12_FENCE_FLAG_SHARED
 *                      (initial value 0), then CreateSharedHandle
 * *obj is set as soon as the object exists, and stays set when its export
 * fails, so that a caller can say how far it got; it is released with
 * vkw_d3d_object_release (or vkw_d3d_close). *h is VKW_NO_HANDLE unless the
 * export succeeded. */
vkw_status vkw_d3d_export(vkw_d3d *d, const vkw_handle_type *t, const vkw_d3d_desc *desc,
                          vkw_d3d_object **obj, vkw_handle *h, vkw_error *err);
/* vkw_d3d_export in its two steps, so that each is timed on its own and the
 * object's bytes can be written before its handle exists: make the object
 * (*obj as above), then export its handle (an NT handle at most once per
 * object: a second vkw_d3d_share of the same object is VKW_E_INVALID_ARG). */
vkw_status vkw_d3d_make(vkw_d3d *d, const vkw_handle_type *t, const vkw_d3d_desc *desc,
                        vkw_d3d_object **obj, vkw_error *err);
vkw_status vkw_d3d_share(vkw_d3d_object *o, vkw_handle *h, vkw_error *err);
void vkw_d3d_object_release(vkw_d3d_object *o); /* NULL is ignored */

/* The other direction: an object another API (Vulkan) exported, opened on
 * this device from handle h, which stays the caller's (D3D takes no
 * handle: closed by the caller once, as every NT handle):
 *   D3D12  ID3D12Device::OpenSharedHandle: a fence (`fence`) as an
 *          ID3D12Fence; memory as an ID3D12Heap with a buffer of
 *          desc->size placed at its start, else as an ID3D12Resource
 *   D3D11  an R32_UINT texture of desc's width and height:
 *          ID3D11Device1::OpenSharedResource1 (nt), ID3D11Device::
 *          OpenSharedResource (a KMT value)
 * Microsoft documents these calls for handles Direct3D made; a driver may
 * take Vulkan's too. A refusal is VKW_E_UNSUPPORTED with the HRESULT and its
 * call (the last one tried). The object is released as any other. */
vkw_status vkw_d3d_open_shared(vkw_d3d *d, vkw_handle h, bool nt, bool fence,
                               const vkw_d3d_desc *desc, vkw_d3d_object **obj, vkw_error *err);

/* The bytes of a memory object (a texture, a buffer, a heap): its size
 * (width x height x 4 for a texture, its rows tight in this order, as
 * Vulkan copies an R32_UINT image to a buffer) and the ways in and out.
 * Each moves the bytes in pieces of at most VKW_D3D_CHUNK_BYTES through
 * host memory the API reads or writes (D3D11: UpdateSubresource of a band
 * of rows, and CopySubresourceRegion to a staging texture mapped for
 * reading; D3D12: an upload or readback buffer and CopyBufferRegion on a
 * direct queue, a heap through a buffer placed at its start), and returns
 * when the API has finished (D3D11: an event query; D3D12: a fence), so
 * that another process that imports the object sees the bytes. Every wait
 * ends at timeout_ms (VKW_E_TIMEOUT). */
#define VKW_D3D_CHUNK_BYTES ((uint64_t)8 << 20)
uint64_t vkw_d3d_object_size(const vkw_d3d_object *o); /* 0 for a fence */

typedef struct vkw_d3d_times {
    uint64_t copy_ns; /* the API's transfers and their waits */
    uint64_t host_ns; /* the host's compare (check); 0 for a write */
} vkw_d3d_times;

/* Writes vkw_pattern's bytes for seed, byte flip_at inverted (a fault the
 * reader must find) unless flip_at >= the size. */
vkw_status vkw_d3d_write_pattern(vkw_d3d_object *o, uint64_t seed, uint64_t flip_at,
                                 vkw_d3d_times *t, uint32_t timeout_ms, vkw_error *err);
/* Reads the bytes back: *ok when they are vkw_pattern's for seed, else *mm
 * names the first difference. */
vkw_status vkw_d3d_check_pattern(vkw_d3d_object *o, uint64_t seed, bool *ok, vkw_mismatch *mm,
                                 vkw_d3d_times *t, uint32_t timeout_ms, vkw_error *err);

/* A texture made with a keyed mutex (vkw_d3d_desc.keyed_mutex): the keys its
 * next write or check acquires before it (IDXGIKeyedMutex::AcquireSync, at
 * most the call's timeout) and releases after it (ReleaseSync). Unset, a
 * write takes VKW_KM_EXPORTER and gives VKW_KM_TO_IMPORTER, a check takes
 * VKW_KM_TO_EXPORTER and gives VKW_KM_EXPORTER (vk/shared_memory.h): the
 * exporter's half of the handshake with a Vulkan importer.
 * VKW_E_INVALID_ARG for an object without a keyed mutex. */
vkw_status vkw_d3d_keyed_mutex_keys(vkw_d3d_object *o, uint64_t acquire, uint64_t release,
                                    vkw_error *err);

/* A D3D12 fence's side of round trips (ID3D12Fence): its value now, a
 * signal from the host (ID3D12Fence::Signal), and a wait until it reaches
 * value (SetEventOnCompletion and a wait on the event, at most timeout_ms:
 * VKW_E_TIMEOUT). VKW_E_INVALID_ARG for an object that is no fence. */
vkw_status vkw_d3d_fence_value(vkw_d3d_object *o, uint64_t *value, vkw_error *err);
vkw_status vkw_d3d_fence_signal(vkw_d3d_object *o, uint64_t value, vkw_error *err);
vkw_status vkw_d3d_fence_wait(vkw_d3d_object *o, uint64_t value, uint32_t timeout_ms,
                              vkw_error *err);

#endif
