/* Direct3D 11 and 12 on Windows (d3d.h), in C through the COM macros.
 * dxgi.dll, d3d11.dll and d3d12.dll are loaded when first asked for, so that
 * the tool starts on a Windows without D3D12. Methods that return a struct
 * by value (ID3D12Resource::GetDesc, ID3D12Heap::GetDesc...) have another
 * signature in C than in C++: none of them is called here. */
#define COBJMACROS
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
/* The interface ids of the headers below, defined here (selectany): MinGW's
 * static dxguid has none of D3D12's, and no DLL is needed for them. */
#include <initguid.h>

#include <d3d11_1.h>
#include <d3d12.h>
#include <dxgi1_2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "d3d.h"
#include "vk/host_pattern.h"
#include "vk/shared_memory.h"

/* D3D_FEATURE_LEVEL_12_2 (Windows 10 20H2), which MinGW's d3dcommon.h lacks. */
#define FEATURE_LEVEL_12_2 ((D3D_FEATURE_LEVEL)0xc200)

typedef HRESULT(WINAPI *create_factory1_fn)(REFIID, void **);

/* What an export makes, from a handle type its API exports (vkw_d3d_exports):
 * the bit decides within one API (D3D11_TEXTURE's memory bit is D3D12_FENCE's
 * semaphore bit, but D3D11 exports no fence and D3D12 no texture). */
typedef enum vkw_d3d_kind {
    KIND_TEXTURE_NT,
    KIND_TEXTURE_KMT,
    KIND_RESOURCE,
    KIND_HEAP,
    KIND_FENCE,
} vkw_d3d_kind;

static vkw_d3d_kind kind_of(vkw_d3d_api api, const vkw_handle_type *t)
{
    if (api == VKW_D3D_11)
        return t->bit == VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D11_TEXTURE_KMT_BIT ? KIND_TEXTURE_KMT
                                                                              : KIND_TEXTURE_NT;
    if (t->bit == VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D12_RESOURCE_BIT)
        return KIND_RESOURCE;
    if (t->bit == VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D12_HEAP_BIT)
        return KIND_HEAP;
    return KIND_FENCE;
}

struct vkw_d3d_object {
    vkw_d3d *owner;
    vkw_d3d_object *prev, *next; /* the owner's live objects */
    IUnknown *com;               /* ID3D11Texture2D, ID3D12Resource, ID3D12Heap or ID3D12Fence */
    vkw_d3d_kind kind;
    vkw_d3d_desc desc;
    uint64_t size;          /* its bytes: a texture's texels x 4, a buffer's, a heap's buffer's */
    bool shared;            /* its handle was exported (NT: at most once) */
    ID3D12Resource *placed; /* a heap's: the buffer placed at its start, for its bytes */
    HANDLE event;           /* a fence's: set when it reaches a value waited for */
    bool keys_set;          /* the next write's or check's keys, where set */
    uint64_t key_acquire, key_release;
};

struct vkw_d3d {
    vkw_d3d_api api;
    HMODULE dxgi_dll, d3d_dll;
    ID3D11Device *dev11;
    ID3D11DeviceContext *ctx11;
    ID3D12Device *dev12;
    /* D3D12's copies, made when first needed: a direct queue, one command
     * list and its allocator, and a fence of this process that says when
     * the queue is done. */
    ID3D12CommandQueue *queue;
    ID3D12CommandAllocator *allocator;
    ID3D12GraphicsCommandList *list;
    ID3D12Fence *done;
    uint64_t done_value;
    HANDLE done_event;
    bool stuck; /* a copy did not finish in time: it may still run */
    vkw_d3d_object *objects;
};

static void copier12_release(vkw_d3d *d);

/* ---- HRESULTs ------------------------------------------------------------ */

#define HR(x) \
    {         \
        x, #x \
    }
static const struct {
    HRESULT hr;
    const char *name;
} hr_names[] = {
    HR(S_OK),
    HR(S_FALSE),
    HR(E_NOTIMPL),
    HR(E_NOINTERFACE),
    HR(E_POINTER),
    HR(E_ABORT),
    HR(E_FAIL),
    HR(E_UNEXPECTED),
    HR(E_ACCESSDENIED),
    HR(E_HANDLE),
    HR(E_OUTOFMEMORY),
    HR(E_INVALIDARG),
    HR(DXGI_ERROR_INVALID_CALL),
    HR(DXGI_ERROR_NOT_FOUND),
    HR(DXGI_ERROR_MORE_DATA),
    HR(DXGI_ERROR_UNSUPPORTED),
    HR(DXGI_ERROR_DEVICE_REMOVED),
    HR(DXGI_ERROR_DEVICE_HUNG),
    HR(DXGI_ERROR_DEVICE_RESET),
    HR(DXGI_ERROR_WAS_STILL_DRAWING),
    HR(DXGI_ERROR_DRIVER_INTERNAL_ERROR),
    HR(DXGI_ERROR_NONEXCLUSIVE),
    HR(DXGI_ERROR_NOT_CURRENTLY_AVAILABLE),
    HR(DXGI_ERROR_ACCESS_LOST),
    HR(DXGI_ERROR_ACCESS_DENIED),
    HR(DXGI_ERROR_NAME_ALREADY_EXISTS),
    HR(DXGI_ERROR_SDK_COMPONENT_MISSING),
    HR(D3D12_ERROR_ADAPTER_NOT_FOUND),
    HR(D3D12_ERROR_DRIVER_VERSION_MISMATCH),
};
#undef HR

/* "E_NOTIMPL", or "HRESULT 0x887A002F" for a value without a name here. */
static const char *hr_name(HRESULT hr, char *buf, size_t len)
{
    for (size_t i = 0; i < sizeof hr_names / sizeof hr_names[0]; i++)
        if (hr_names[i].hr == hr)
            return hr_names[i].name;
    snprintf(buf, len, "HRESULT 0x%08lX", (unsigned long)hr);
    return buf;
}

/* "<call>: <HRESULT>": VKW_E_UNSUPPORTED for what D3D or the driver does not
 * offer, VKW_E_SHARING for any other refusal (d3d.h). */
static vkw_status hr_fail(vkw_error *err, const char *call, HRESULT hr)
{
    char buf[32];
    vkw_status s = VKW_E_SHARING;
    if (hr == E_NOTIMPL || hr == E_NOINTERFACE || hr == DXGI_ERROR_UNSUPPORTED)
        s = VKW_E_UNSUPPORTED;
    return vkw_fail(err, s, "%s: %s", call, hr_name(hr, buf, sizeof buf));
}

/* ---- Libraries ----------------------------------------------------------- */

/* Loads `dll` (from the system folder only) and its entry point `fn` into
 * *fn_out (the pointer's bytes: no object-to-function cast). A missing DLL
 * or entry point is VKW_E_UNSUPPORTED. */
static vkw_status load(const wchar_t *dll, const char *dll_name, const char *fn, HMODULE *mod,
                       void *fn_out, size_t fn_size, vkw_error *err)
{
    *mod = LoadLibraryExW(dll, NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (!*mod && GetLastError() == ERROR_INVALID_PARAMETER) /* before KB2533623 */
        *mod = LoadLibraryW(dll);
    if (!*mod)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "%s not found", dll_name);
    FARPROC p = GetProcAddress(*mod, fn);
    if (!p || fn_size != sizeof p) {
        FreeLibrary(*mod);
        *mod = NULL;
        return vkw_fail(err, VKW_E_UNSUPPORTED, "%s has no %s", dll_name, fn);
    }
    memcpy(fn_out, &p, sizeof p);
    return VKW_OK;
}

static vkw_status open_factory(HMODULE *dxgi, IDXGIFactory1 **out, vkw_error *err)
{
    create_factory1_fn create = NULL;
    *out = NULL;
    vkw_status s =
        load(L"dxgi.dll", "dxgi.dll", "CreateDXGIFactory1", dxgi, &create, sizeof create, err);
    if (s != VKW_OK)
        return s;
    HRESULT hr = create(&IID_IDXGIFactory1, (void **)out);
    if (FAILED(hr)) {
        *out = NULL;
        FreeLibrary(*dxgi);
        *dxgi = NULL;
        return hr_fail(err, "CreateDXGIFactory1", hr);
    }
    return VKW_OK;
}

/* ---- Adapters ------------------------------------------------------------ */

/* UTF-16 to UTF-8 into out[len], cut at a character boundary. */
static void utf8_of(const WCHAR *w, char *out, size_t len)
{
    char buf[4 * 128 + 1]; /* Description: 128 UTF-16 units, at most 4 bytes per 2 */
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, (int)sizeof buf, NULL, NULL);
    if (n <= 0)
        buf[0] = '\0';
    buf[sizeof buf - 1] = '\0';
    size_t k = strlen(buf);
    if (k >= len) { /* cut where a character starts */
        k = len - 1;
        while (k > 0 && ((unsigned char)buf[k] & 0xC0) == 0x80)
            k--;
    }
    memcpy(out, buf, k);
    out[k] = '\0';
}

vkw_status vkw_d3d_adapters(vkw_d3d_adapter *out, uint32_t max, uint32_t *count, vkw_error *err)
{
    HMODULE dxgi = NULL;
    IDXGIFactory1 *factory = NULL;
    *count = 0;
    vkw_status s = open_factory(&dxgi, &factory, err);
    if (s != VKW_OK)
        return s;
    for (UINT i = 0; *count < max; i++) {
        IDXGIAdapter1 *a = NULL;
        HRESULT hr = IDXGIFactory1_EnumAdapters1(factory, i, &a);
        if (hr == DXGI_ERROR_NOT_FOUND)
            break;
        if (FAILED(hr)) {
            s = hr_fail(err, "IDXGIFactory1::EnumAdapters1", hr);
            goto cleanup;
        }
        DXGI_ADAPTER_DESC1 desc;
        hr = IDXGIAdapter1_GetDesc1(a, &desc);
        IDXGIAdapter1_Release(a);
        if (FAILED(hr)) {
            s = hr_fail(err, "IDXGIAdapter1::GetDesc1", hr);
            goto cleanup;
        }
        vkw_d3d_adapter *o = &out[*count];
        memset(o, 0, sizeof *o);
        o->index = i;
        utf8_of(desc.Description, o->description, sizeof o->description);
        o->vendor_id = desc.VendorId;
        o->device_id = desc.DeviceId;
        /* LowPart then HighPart, as Vulkan's deviceLUID holds them. */
        memcpy(o->luid, &desc.AdapterLuid,
               sizeof o->luid < sizeof desc.AdapterLuid ? sizeof o->luid : sizeof desc.AdapterLuid);
        o->software = (desc.Flags & DXGI_ADAPTER_FLAG_SOFTWARE) != 0;
        (*count)++;
    }

cleanup:
    if (s != VKW_OK)
        *count = 0;
    IDXGIFactory1_Release(factory);
    FreeLibrary(dxgi);
    return s;
}

/* ---- Devices ------------------------------------------------------------- */

static void level_words(D3D_FEATURE_LEVEL l, char out[8])
{
    snprintf(out, 8, "%u_%u", ((unsigned)l >> 12) & 0xfu, ((unsigned)l >> 8) & 0xfu);
}

static vkw_status open11(vkw_d3d *d, IDXGIAdapter1 *adapter, char feature_level[8], vkw_error *err)
{
    PFN_D3D11_CREATE_DEVICE create = NULL;
    vkw_status s = load(L"d3d11.dll", "d3d11.dll", "D3D11CreateDevice", &d->d3d_dll, &create,
                        sizeof create, err);
    if (s != VKW_OK)
        return s;
    static const D3D_FEATURE_LEVEL levels[] = {D3D_FEATURE_LEVEL_11_1, D3D_FEATURE_LEVEL_11_0};
    D3D_FEATURE_LEVEL got = 0;
    HRESULT hr =
        create((IDXGIAdapter *)adapter, D3D_DRIVER_TYPE_UNKNOWN, NULL, 0, levels,
               sizeof levels / sizeof levels[0], D3D11_SDK_VERSION, &d->dev11, &got, &d->ctx11);
    /* A runtime without D3D 11.1 refuses a list that names 11_1: asked again without it. */
    if (hr == E_INVALIDARG)
        hr = create((IDXGIAdapter *)adapter, D3D_DRIVER_TYPE_UNKNOWN, NULL, 0, levels + 1, 1,
                    D3D11_SDK_VERSION, &d->dev11, &got, &d->ctx11);
    if (FAILED(hr)) {
        d->dev11 = NULL;
        d->ctx11 = NULL;
        return hr_fail(err, "D3D11CreateDevice", hr);
    }
    level_words(got, feature_level);
    return VKW_OK;
}

static vkw_status open12(vkw_d3d *d, IDXGIAdapter1 *adapter, char feature_level[8], vkw_error *err)
{
    PFN_D3D12_CREATE_DEVICE create = NULL;
    vkw_status s = load(L"d3d12.dll", "d3d12.dll", "D3D12CreateDevice", &d->d3d_dll, &create,
                        sizeof create, err);
    if (s != VKW_OK)
        return s;
    HRESULT hr =
        create((IUnknown *)adapter, D3D_FEATURE_LEVEL_11_0, &IID_ID3D12Device, (void **)&d->dev12);
    if (FAILED(hr)) {
        d->dev12 = NULL;
        return hr_fail(err, "D3D12CreateDevice", hr);
    }
    /* The highest level the device has; a runtime older than 12_2 refuses a
     * list that names it (E_INVALIDARG): asked again without it. */
    static const D3D_FEATURE_LEVEL levels[] = {FEATURE_LEVEL_12_2, D3D_FEATURE_LEVEL_12_1,
                                               D3D_FEATURE_LEVEL_12_0, D3D_FEATURE_LEVEL_11_1,
                                               D3D_FEATURE_LEVEL_11_0};
    D3D12_FEATURE_DATA_FEATURE_LEVELS fl = {.NumFeatureLevels = sizeof levels / sizeof levels[0],
                                            .pFeatureLevelsRequested = levels};
    hr = ID3D12Device_CheckFeatureSupport(d->dev12, D3D12_FEATURE_FEATURE_LEVELS, &fl, sizeof fl);
    if (hr == E_INVALIDARG) {
        fl.NumFeatureLevels--;
        fl.pFeatureLevelsRequested = levels + 1;
        hr = ID3D12Device_CheckFeatureSupport(d->dev12, D3D12_FEATURE_FEATURE_LEVELS, &fl,
                                              sizeof fl);
    }
    if (FAILED(hr))
        return hr_fail(err, "ID3D12Device::CheckFeatureSupport(FEATURE_LEVELS)", hr);
    level_words(fl.MaxSupportedFeatureLevel, feature_level);
    return VKW_OK;
}

vkw_status vkw_d3d_open(vkw_d3d_api api, uint32_t adapter_index, vkw_d3d **out,
                        char feature_level[8], vkw_error *err)
{
    IDXGIFactory1 *factory = NULL;
    IDXGIAdapter1 *adapter = NULL;
    vkw_status s = VKW_OK;
    *out = NULL;
    feature_level[0] = '\0';
    if (api != VKW_D3D_11 && api != VKW_D3D_12)
        return vkw_fail(err, VKW_E_INVALID_ARG, "no Direct3D API numbered %d", (int)api);
    vkw_d3d *d = calloc(1, sizeof *d);
    if (!d)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory opening %s",
                        vkw_d3d_api_words[api]);
    d->api = api;
    s = open_factory(&d->dxgi_dll, &factory, err);
    if (s != VKW_OK)
        goto cleanup;
    HRESULT hr = IDXGIFactory1_EnumAdapters1(factory, adapter_index, &adapter);
    if (hr == DXGI_ERROR_NOT_FOUND) {
        adapter = NULL;
        s = vkw_fail(err, VKW_E_UNSUPPORTED, "no DXGI adapter at index %u", adapter_index);
        goto cleanup;
    }
    if (FAILED(hr)) {
        adapter = NULL;
        s = hr_fail(err, "IDXGIFactory1::EnumAdapters1", hr);
        goto cleanup;
    }
    s = api == VKW_D3D_11 ? open11(d, adapter, feature_level, err)
                          : open12(d, adapter, feature_level, err);

cleanup:
    if (adapter)
        IDXGIAdapter1_Release(adapter);
    if (factory)
        IDXGIFactory1_Release(factory);
    if (s != VKW_OK) {
        feature_level[0] = '\0';
        vkw_d3d_close(d);
        return s;
    }
    *out = d;
    return VKW_OK;
}

void vkw_d3d_close(vkw_d3d *d)
{
    if (!d)
        return;
    /* A copy that may still run keeps what it could touch: the queue, its
     * list and allocator, the objects; left to the process's end. */
    if (d->stuck)
        return;
    while (d->objects)
        vkw_d3d_object_release(d->objects);
    copier12_release(d);
    if (d->ctx11)
        ID3D11DeviceContext_Release(d->ctx11);
    if (d->dev11)
        ID3D11Device_Release(d->dev11);
    if (d->dev12)
        ID3D12Device_Release(d->dev12);
    if (d->d3d_dll)
        FreeLibrary(d->d3d_dll);
    if (d->dxgi_dll)
        FreeLibrary(d->dxgi_dll);
    free(d);
}

/* ---- Objects and their handles ------------------------------------------- */

/* A D3D11 texture with an NT (D3D11_TEXTURE) or a KMT handle to share.
 * *call names what failed. */
static HRESULT make_texture(vkw_d3d *d, bool nt, const vkw_d3d_desc *desc, IUnknown **com,
                            const char **call)
{
    /* SHARED or SHARED_KEYEDMUTEX, never both (the keyed mutex is the
     * sharing); NT handles add SHARED_NTHANDLE to either. */
    UINT misc =
        desc->keyed_mutex ? D3D11_RESOURCE_MISC_SHARED_KEYEDMUTEX : D3D11_RESOURCE_MISC_SHARED;
    if (nt)
        misc |= D3D11_RESOURCE_MISC_SHARED_NTHANDLE;
    D3D11_TEXTURE2D_DESC td = {.Width = desc->width,
                               .Height = desc->height,
                               .MipLevels = 1,
                               .ArraySize = 1,
                               .Format = DXGI_FORMAT_R32_UINT,
                               .SampleDesc = {.Count = 1, .Quality = 0},
                               .Usage = D3D11_USAGE_DEFAULT,
                               .BindFlags = D3D11_BIND_RENDER_TARGET | D3D11_BIND_SHADER_RESOURCE,
                               .CPUAccessFlags = 0,
                               .MiscFlags = misc};
    ID3D11Texture2D *tex = NULL;
    *call = "ID3D11Device::CreateTexture2D";
    HRESULT hr = ID3D11Device_CreateTexture2D(d->dev11, &td, NULL, &tex);
    *com = SUCCEEDED(hr) ? (IUnknown *)tex : NULL;
    return hr;
}

/* Sharing is guaranteed for a few formats (R8G8B8A8_UNORM, ...); R32_UINT
 * needs the driver's ExtendedResourceSharing (D3D11_FEATURE_D3D11_OPTIONS). */
static bool extended_sharing(vkw_d3d *d)
{
    D3D11_FEATURE_DATA_D3D11_OPTIONS opt;
    memset(&opt, 0, sizeof opt);
    return FAILED(ID3D11Device_CheckFeatureSupport(d->dev11, D3D11_FEATURE_D3D11_OPTIONS, &opt,
                                                   sizeof opt)) ||
           opt.ExtendedResourceSharing;
}

static D3D12_HEAP_PROPERTIES default_heap(void)
{
    D3D12_HEAP_PROPERTIES p = {.Type = D3D12_HEAP_TYPE_DEFAULT,
                               .CPUPageProperty = D3D12_CPU_PAGE_PROPERTY_UNKNOWN,
                               .MemoryPoolPreference = D3D12_MEMORY_POOL_UNKNOWN};
    return p;
}

static D3D12_RESOURCE_DESC buffer_desc(uint64_t size)
{
    D3D12_RESOURCE_DESC rd = {.Dimension = D3D12_RESOURCE_DIMENSION_BUFFER,
                              .Alignment = 0,
                              .Width = size,
                              .Height = 1,
                              .DepthOrArraySize = 1,
                              .MipLevels = 1,
                              .Format = DXGI_FORMAT_UNKNOWN,
                              .SampleDesc = {.Count = 1, .Quality = 0},
                              .Layout = D3D12_TEXTURE_LAYOUT_ROW_MAJOR,
                              .Flags = D3D12_RESOURCE_FLAG_NONE};
    return rd;
}

/* A D3D12 fence, committed buffer or heap, shared. */
static HRESULT make12(vkw_d3d *d, vkw_d3d_kind kind, const vkw_d3d_desc *desc, IUnknown **com,
                      const char **call)
{
    HRESULT hr;
    void *p = NULL;
    if (kind == KIND_FENCE) {
        *call = "ID3D12Device::CreateFence";
        hr = ID3D12Device_CreateFence(d->dev12, 0, D3D12_FENCE_FLAG_SHARED, &IID_ID3D12Fence, &p);
    } else if (kind == KIND_RESOURCE) {
        D3D12_HEAP_PROPERTIES heap = default_heap();
        D3D12_RESOURCE_DESC rd = buffer_desc(desc->size);
        *call = "ID3D12Device::CreateCommittedResource";
        hr = ID3D12Device_CreateCommittedResource(d->dev12, &heap, D3D12_HEAP_FLAG_SHARED, &rd,
                                                  D3D12_RESOURCE_STATE_COMMON, NULL,
                                                  &IID_ID3D12Resource, &p);
    } else {
        /* 64 KiB: D3D12_DEFAULT_RESOURCE_PLACEMENT_ALIGNMENT. Buffers only: a
         * device of resource heap tier 1 takes no heap open to every kind. */
        D3D12_HEAP_DESC hd = {.SizeInBytes = (desc->size + 0xFFFFu) & ~(UINT64)0xFFFFu,
                              .Properties = default_heap(),
                              .Alignment = 0,
                              .Flags = D3D12_HEAP_FLAG_SHARED | D3D12_HEAP_FLAG_ALLOW_ONLY_BUFFERS};
        *call = "ID3D12Device::CreateHeap";
        hr = ID3D12Device_CreateHeap(d->dev12, &hd, &IID_ID3D12Heap, &p);
    }
    *com = SUCCEEDED(hr) ? p : NULL;
    return hr;
}

/* Exports o's handle into *h. A KMT handle (GetSharedHandle) is a value,
 * not an object of this process: carried in a vkw_handle as the HANDLE's
 * bits, never closed. */
static vkw_status export_handle(vkw_d3d *d, vkw_d3d_kind kind, vkw_d3d_object *o, vkw_handle *h,
                                vkw_error *err)
{
    HANDLE out = NULL;
    HRESULT hr;
    if (kind == KIND_TEXTURE_KMT) {
        IDXGIResource *r = NULL;
        hr = IUnknown_QueryInterface(o->com, &IID_IDXGIResource, (void **)&r);
        if (FAILED(hr))
            return hr_fail(err, "QueryInterface(IDXGIResource)", hr);
        hr = IDXGIResource_GetSharedHandle(r, &out);
        IDXGIResource_Release(r);
        if (FAILED(hr))
            return hr_fail(err, "IDXGIResource::GetSharedHandle", hr);
    } else if (kind == KIND_TEXTURE_NT) {
        IDXGIResource1 *r1 = NULL;
        hr = IUnknown_QueryInterface(o->com, &IID_IDXGIResource1, (void **)&r1);
        if (FAILED(hr))
            return hr_fail(err, "QueryInterface(IDXGIResource1)", hr);
        hr = IDXGIResource1_CreateSharedHandle(
            r1, NULL, DXGI_SHARED_RESOURCE_READ | DXGI_SHARED_RESOURCE_WRITE, NULL, &out);
        IDXGIResource1_Release(r1);
        if (FAILED(hr))
            return hr_fail(err, "IDXGIResource1::CreateSharedHandle", hr);
    } else {
        hr = ID3D12Device_CreateSharedHandle(d->dev12, (ID3D12DeviceChild *)o->com, NULL,
                                             GENERIC_ALL, NULL, &out);
        if (FAILED(hr))
            return hr_fail(err, "ID3D12Device::CreateSharedHandle", hr);
    }
    /* A success without a handle would be taken for one by the caller. */
    if (!out || out == INVALID_HANDLE_VALUE)
        return vkw_fail(err, VKW_E_SHARING, "the %s export succeeded without a handle",
                        kind == KIND_TEXTURE_KMT ? "GetSharedHandle" : "CreateSharedHandle");
    *h = (vkw_handle)out;
    return VKW_OK;
}

/* o becomes d's, released by vkw_d3d_object_release or vkw_d3d_close
 * whatever follows: its kind, description and size (a texture's texels x 4,
 * a buffer's or heap's bytes, none for a fence), first of d's objects. */
static void adopt(vkw_d3d *d, vkw_d3d_object *o, vkw_d3d_kind kind, const vkw_d3d_desc *desc)
{
    o->owner = d;
    o->kind = kind;
    o->desc = *desc;
    o->size = kind == KIND_TEXTURE_NT || kind == KIND_TEXTURE_KMT
                  ? (uint64_t)desc->width * desc->height * 4u
              : kind == KIND_FENCE ? 0
                                   : desc->size;
    o->next = d->objects;
    if (d->objects)
        d->objects->prev = o;
    d->objects = o;
}

/* A heap's bytes are reached through a buffer placed at its start. */
static HRESULT place_buffer(vkw_d3d *d, vkw_d3d_object *o)
{
    D3D12_RESOURCE_DESC rd = buffer_desc(o->desc.size);
    HRESULT hr = ID3D12Device_CreatePlacedResource(d->dev12, (ID3D12Heap *)o->com, 0, &rd,
                                                   D3D12_RESOURCE_STATE_COMMON, NULL,
                                                   &IID_ID3D12Resource, (void **)&o->placed);
    if (FAILED(hr))
        o->placed = NULL;
    return hr;
}

vkw_status vkw_d3d_make(vkw_d3d *d, const vkw_handle_type *t, const vkw_d3d_desc *desc,
                        vkw_d3d_object **obj, vkw_error *err)
{
    *obj = NULL;
    if (!d || !t || !desc)
        return vkw_fail(err, VKW_E_INVALID_ARG, "no device, handle type or description to export");
    const char *api = vkw_d3d_api_words[d->api];
    if (!vkw_d3d_exports(d->api, t))
        return vkw_fail(err, VKW_E_INVALID_ARG, "%s exports no %s handle", api,
                        t->name ? t->name : "unnamed");
    vkw_d3d_kind kind = kind_of(d->api, t);
    bool texture = kind == KIND_TEXTURE_NT || kind == KIND_TEXTURE_KMT;
    if (texture && (desc->width == 0 || desc->height == 0 ||
                    desc->width > D3D11_REQ_TEXTURE2D_U_OR_V_DIMENSION ||
                    desc->height > D3D11_REQ_TEXTURE2D_U_OR_V_DIMENSION))
        return vkw_fail(err, VKW_E_INVALID_ARG, "a %s texture of %ux%u texels: each side 1..%u",
                        t->name, desc->width, desc->height, D3D11_REQ_TEXTURE2D_U_OR_V_DIMENSION);
    if ((kind == KIND_RESOURCE || kind == KIND_HEAP) &&
        (desc->size == 0 || desc->size > UINT64_MAX - 0xFFFFu))
        return vkw_fail(err, VKW_E_INVALID_ARG, "a %s of %llu bytes", t->name,
                        (unsigned long long)desc->size);

    vkw_d3d_object *o = calloc(1, sizeof *o);
    if (!o)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory making a %s object", t->name);
    const char *call = "";
    HRESULT hr = texture ? make_texture(d, kind == KIND_TEXTURE_NT, desc, &o->com, &call)
                         : make12(d, kind, desc, &o->com, &call);
    if (FAILED(hr)) {
        free(o);
        /* A refusal of the format for sharing is the driver's choice. */
        if (texture && hr == E_INVALIDARG && !extended_sharing(d))
            return vkw_fail(err, VKW_E_UNSUPPORTED,
                            "%s: E_INVALIDARG (a shared R32_UINT texture needs the driver's "
                            "ExtendedResourceSharing, which it lacks)",
                            call);
        return hr_fail(err, call, hr);
    }
    adopt(d, o, kind, desc);
    *obj = o;
    if (kind == KIND_HEAP && FAILED(hr = place_buffer(d, o)))
        return hr_fail(err, "ID3D12Device::CreatePlacedResource", hr);
    return VKW_OK;
}

vkw_status vkw_d3d_share(vkw_d3d_object *o, vkw_handle *h, vkw_error *err)
{
    *h = VKW_NO_HANDLE;
    if (!o)
        return vkw_fail(err, VKW_E_INVALID_ARG, "no Direct3D object to export");
    /* One NT handle per object (the seed pages' rule for NT handles, kept
     * for KMT too, so that both behave alike). */
    if (o->shared)
        return vkw_fail(err, VKW_E_INVALID_ARG, "the %s object's handle was already exported",
                        vkw_d3d_api_words[o->owner->api]);
    vkw_status s = export_handle(o->owner, o->kind, o, h, err);
    if (s == VKW_OK)
        o->shared = true;
    return s;
}

vkw_status vkw_d3d_export(vkw_d3d *d, const vkw_handle_type *t, const vkw_d3d_desc *desc,
                          vkw_d3d_object **obj, vkw_handle *h, vkw_error *err)
{
    *h = VKW_NO_HANDLE;
    vkw_status s = vkw_d3d_make(d, t, desc, obj, err);
    if (s == VKW_OK)
        s = vkw_d3d_share(*obj, h, err);
    return s;
}

void vkw_d3d_object_release(vkw_d3d_object *o)
{
    if (!o || o->owner->stuck) /* a copy may still use it: left to the process's end */
        return;
    if (o->prev)
        o->prev->next = o->next;
    else
        o->owner->objects = o->next;
    if (o->next)
        o->next->prev = o->prev;
    if (o->placed)
        ID3D12Resource_Release(o->placed);
    if (o->event)
        CloseHandle(o->event);
    IUnknown_Release(o->com);
    free(o);
}

/* A refusal to open what another API made: the driver's choice, a skip. */
static vkw_status open_refused(vkw_error *err, const char *call, HRESULT hr)
{
    char buf[32];
    return vkw_fail(err, VKW_E_UNSUPPORTED, "%s: %s", call, hr_name(hr, buf, sizeof buf));
}

static HRESULT open_shared12(vkw_d3d *d, HANDLE h, bool fence, vkw_d3d_object *o, const char **call)
{
    void *p = NULL;
    HRESULT hr;
    *call = "ID3D12Device::OpenSharedHandle";
    if (fence) {
        hr = ID3D12Device_OpenSharedHandle(d->dev12, h, &IID_ID3D12Fence, &p);
        o->kind = KIND_FENCE;
        o->com = SUCCEEDED(hr) ? p : NULL;
        return hr;
    }
    /* As a heap (its bytes through a buffer placed at its start); else as
     * a buffer itself. */
    hr = ID3D12Device_OpenSharedHandle(d->dev12, h, &IID_ID3D12Heap, &p);
    if (SUCCEEDED(hr)) {
        o->kind = KIND_HEAP;
        o->com = p;
        return hr;
    }
    *call = "ID3D12Device::OpenSharedHandle(ID3D12Resource)";
    hr = ID3D12Device_OpenSharedHandle(d->dev12, h, &IID_ID3D12Resource, &p);
    o->kind = KIND_RESOURCE;
    o->com = SUCCEEDED(hr) ? p : NULL;
    return hr;
}

static HRESULT open_shared11(vkw_d3d *d, HANDLE h, bool nt, vkw_d3d_object *o, const char **call)
{
    void *p = NULL;
    HRESULT hr;
    o->kind = nt ? KIND_TEXTURE_NT : KIND_TEXTURE_KMT;
    if (nt) {
        ID3D11Device1 *d1 = NULL;
        *call = "QueryInterface(ID3D11Device1)";
        hr = ID3D11Device_QueryInterface(d->dev11, &IID_ID3D11Device1, (void **)&d1);
        if (FAILED(hr))
            return hr;
        *call = "ID3D11Device1::OpenSharedResource1";
        hr = ID3D11Device1_OpenSharedResource1(d1, h, &IID_ID3D11Texture2D, &p);
        ID3D11Device1_Release(d1);
    } else {
        *call = "ID3D11Device::OpenSharedResource";
        hr = ID3D11Device_OpenSharedResource(d->dev11, h, &IID_ID3D11Texture2D, &p);
    }
    o->com = SUCCEEDED(hr) ? p : NULL;
    return hr;
}

vkw_status vkw_d3d_open_shared(vkw_d3d *d, vkw_handle h, bool nt, bool fence,
                               const vkw_d3d_desc *desc, vkw_d3d_object **obj, vkw_error *err)
{
    *obj = NULL;
    if (!d || !desc || h == VKW_NO_HANDLE)
        return vkw_fail(err, VKW_E_INVALID_ARG, "no device, handle or description to open");
    if (d->api == VKW_D3D_11 && (fence || desc->width == 0 || desc->height == 0))
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "d3d11 opens textures here (R32_UINT, as the bench's images), not %s",
                        fence ? "fences" : "buffers");
    if (d->api == VKW_D3D_12 && !fence && desc->size == 0)
        return vkw_fail(err, VKW_E_INVALID_ARG, "memory of 0 bytes to open");
    vkw_d3d_object *o = calloc(1, sizeof *o);
    if (!o)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory opening a shared handle");
    const char *call = "";
    HANDLE hh = (HANDLE)(intptr_t)h;
    HRESULT hr = d->api == VKW_D3D_12 ? open_shared12(d, hh, fence, o, &call)
                                      : open_shared11(d, hh, nt, o, &call);
    if (!o->com) {
        free(o);
        return open_refused(err, call, hr);
    }
    adopt(d, o, o->kind, desc);
    o->shared = true; /* another API's: never exported from here */
    *obj = o;
    if (o->kind == KIND_HEAP && FAILED(hr = place_buffer(d, o)))
        return open_refused(err, "ID3D12Device::CreatePlacedResource", hr);
    return VKW_OK;
}

uint64_t vkw_d3d_object_size(const vkw_d3d_object *o)
{
    return o ? o->size : 0;
}

/* ---- Bytes in and out ---------------------------------------------------- */

static uint64_t now_ns(void)
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER c;
    if (!freq.QuadPart)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&c);
    return (uint64_t)((double)c.QuadPart * 1e9 / (double)freq.QuadPart);
}

/* The byte at flip_at inverted where it falls in [offset, offset + len). */
static void flip_in(unsigned char *piece, size_t len, uint64_t offset, uint64_t flip_at)
{
    if (flip_at >= offset && flip_at - offset < len)
        piece[flip_at - offset] ^= 0xFFu;
}

/* D3D11: the device context's work so far, finished (an event query,
 * polled: GetData never blocks), within timeout_ms. */
static vkw_status finish11(vkw_d3d *d, uint32_t timeout_ms, vkw_error *err)
{
    D3D11_QUERY_DESC qd = {.Query = D3D11_QUERY_EVENT, .MiscFlags = 0};
    ID3D11Query *q = NULL;
    HRESULT hr = ID3D11Device_CreateQuery(d->dev11, &qd, &q);
    if (FAILED(hr))
        return hr_fail(err, "ID3D11Device::CreateQuery(EVENT)", hr);
    ID3D11DeviceContext_End(d->ctx11, (ID3D11Asynchronous *)q);
    ID3D11DeviceContext_Flush(d->ctx11);
    vkw_status s = VKW_OK;
    uint64_t until = now_ns() + (uint64_t)timeout_ms * 1000000u;
    for (;;) {
        BOOL done = FALSE;
        hr = ID3D11DeviceContext_GetData(d->ctx11, (ID3D11Asynchronous *)q, &done, sizeof done, 0);
        if (FAILED(hr)) {
            s = hr_fail(err, "ID3D11DeviceContext::GetData(EVENT)", hr);
            break;
        }
        if (hr == S_OK && done)
            break;
        if (now_ns() > until) {
            s = vkw_fail(err, VKW_E_TIMEOUT, "D3D11 did not finish its copies within %u ms",
                         timeout_ms);
            break;
        }
        Sleep(0);
    }
    ID3D11Query_Release(q);
    return s;
}

vkw_status vkw_d3d_keyed_mutex_keys(vkw_d3d_object *o, uint64_t acquire, uint64_t release,
                                    vkw_error *err)
{
    if (!o || !o->desc.keyed_mutex || (o->kind != KIND_TEXTURE_NT && o->kind != KIND_TEXTURE_KMT))
        return vkw_fail(err, VKW_E_INVALID_ARG, "the object has no keyed mutex");
    o->keys_set = true;
    o->key_acquire = acquire;
    o->key_release = release;
    return VKW_OK;
}

/* A keyed texture's mutex, acquired with the key its pass takes (the set
 * one, else the default of a write or a check), within timeout_ms. *km is
 * NULL for a texture without one. */
static vkw_status keyed_acquire(vkw_d3d_object *o, bool write, IDXGIKeyedMutex **km,
                                uint64_t *release, uint32_t timeout_ms, vkw_error *err)
{
    *km = NULL;
    if (!o->desc.keyed_mutex)
        return VKW_OK;
    uint64_t acquire = o->keys_set ? o->key_acquire : write ? VKW_KM_EXPORTER : VKW_KM_TO_EXPORTER;
    *release = o->keys_set ? o->key_release : write ? VKW_KM_TO_IMPORTER : VKW_KM_EXPORTER;
    o->keys_set = false;
    HRESULT hr = IUnknown_QueryInterface(o->com, &IID_IDXGIKeyedMutex, (void **)km);
    if (FAILED(hr)) {
        *km = NULL;
        return hr_fail(err, "QueryInterface(IDXGIKeyedMutex)", hr);
    }
    hr = IDXGIKeyedMutex_AcquireSync(*km, acquire, timeout_ms);
    /* WAIT_TIMEOUT and WAIT_ABANDONED are success codes here. */
    if (hr == (HRESULT)WAIT_TIMEOUT || hr == (HRESULT)WAIT_ABANDONED || FAILED(hr)) {
        vkw_status s =
            FAILED(hr) ? hr_fail(err, "IDXGIKeyedMutex::AcquireSync", hr)
            : hr == (HRESULT)WAIT_TIMEOUT
                ? vkw_fail(err, VKW_E_TIMEOUT,
                           "IDXGIKeyedMutex::AcquireSync(%llu) did not get the key within %u ms",
                           (unsigned long long)acquire, timeout_ms)
                : vkw_fail(err, VKW_E_SHARING,
                           "IDXGIKeyedMutex::AcquireSync(%llu): WAIT_ABANDONED (the other "
                           "side ended holding it)",
                           (unsigned long long)acquire);
        IDXGIKeyedMutex_Release(*km);
        *km = NULL;
        return s;
    }
    return VKW_OK;
}

static vkw_status keyed_release(IDXGIKeyedMutex *km, uint64_t release, vkw_status s, vkw_error *err)
{
    if (!km)
        return s;
    HRESULT hr = IDXGIKeyedMutex_ReleaseSync(km, release);
    IDXGIKeyedMutex_Release(km);
    if (s == VKW_OK && FAILED(hr))
        return hr_fail(err, "IDXGIKeyedMutex::ReleaseSync", hr);
    return s;
}

/* The rows of a texture one piece moves: at most VKW_D3D_CHUNK_BYTES, at
 * least one row, at most the texture. */
static uint32_t band_rows(const vkw_d3d_object *o)
{
    uint32_t band = (uint32_t)(VKW_D3D_CHUNK_BYTES / ((uint64_t)o->desc.width * 4u));
    if (band == 0)
        band = 1;
    return band < o->desc.height ? band : o->desc.height;
}

static vkw_status write11(vkw_d3d_object *o, unsigned char *piece, uint64_t seed, uint64_t flip_at,
                          vkw_d3d_times *t, uint32_t timeout_ms, vkw_error *err)
{
    vkw_d3d *d = o->owner;
    uint32_t w = o->desc.width, row = w * 4u, band = band_rows(o);
    IDXGIKeyedMutex *km = NULL;
    uint64_t release = 0;
    vkw_status s = keyed_acquire(o, true, &km, &release, timeout_ms, err);
    if (s != VKW_OK)
        return s;
    for (uint32_t y = 0; y < o->desc.height; y += band) {
        uint32_t rows = o->desc.height - y < band ? o->desc.height - y : band;
        uint64_t offset = (uint64_t)y * row;
        size_t len = (size_t)rows * row;
        vkw_pattern_fill_at(piece, len, seed, offset);
        flip_in(piece, len, offset, flip_at);
        D3D11_BOX box = {
            .left = 0, .top = y, .front = 0, .right = w, .bottom = y + rows, .back = 1};
        uint64_t t0 = now_ns();
        ID3D11DeviceContext_UpdateSubresource(d->ctx11, (ID3D11Resource *)o->com, 0, &box, piece,
                                              row, 0);
        t->copy_ns += now_ns() - t0;
    }
    /* The key handed on, then the writes waited for: the other side's
     * acquire orders its reads after them; the wait bounds them here. */
    s = keyed_release(km, release, VKW_OK, err);
    uint64_t t0 = now_ns();
    if (s == VKW_OK)
        s = finish11(d, timeout_ms, err);
    t->copy_ns += now_ns() - t0;
    return s;
}

static vkw_status check11(vkw_d3d_object *o, unsigned char *piece, uint64_t seed, bool *ok,
                          vkw_mismatch *mm, vkw_d3d_times *t, uint32_t timeout_ms, vkw_error *err)
{
    vkw_d3d *d = o->owner;
    uint32_t w = o->desc.width, row = w * 4u, band = band_rows(o);
    /* A staging texture of one band, which the CPU maps to read. */
    D3D11_TEXTURE2D_DESC sd = {.Width = w,
                               .Height = band,
                               .MipLevels = 1,
                               .ArraySize = 1,
                               .Format = DXGI_FORMAT_R32_UINT,
                               .SampleDesc = {.Count = 1, .Quality = 0},
                               .Usage = D3D11_USAGE_STAGING,
                               .BindFlags = 0,
                               .CPUAccessFlags = D3D11_CPU_ACCESS_READ,
                               .MiscFlags = 0};
    ID3D11Texture2D *staging = NULL;
    HRESULT hr = ID3D11Device_CreateTexture2D(d->dev11, &sd, NULL, &staging);
    if (FAILED(hr))
        return hr_fail(err, "ID3D11Device::CreateTexture2D(STAGING)", hr);
    IDXGIKeyedMutex *km = NULL;
    uint64_t release = 0;
    vkw_status s = keyed_acquire(o, false, &km, &release, timeout_ms, err);
    if (s != VKW_OK) {
        ID3D11Texture2D_Release(staging);
        return s;
    }
    *ok = true;
    for (uint32_t y = 0; *ok && y < o->desc.height; y += band) {
        uint32_t rows = o->desc.height - y < band ? o->desc.height - y : band;
        uint64_t offset = (uint64_t)y * row;
        vkw_pattern_fill_at(piece, (size_t)rows * row, seed, offset);
        D3D11_BOX box = {
            .left = 0, .top = y, .front = 0, .right = w, .bottom = y + rows, .back = 1};
        uint64_t t0 = now_ns();
        ID3D11DeviceContext_CopySubresourceRegion(d->ctx11, (ID3D11Resource *)staging, 0, 0, 0, 0,
                                                  (ID3D11Resource *)o->com, 0, &box);
        /* Sent to the GPU now: a map that does not wait does not flush. */
        ID3D11DeviceContext_Flush(d->ctx11);
        /* Mapped without blocking, so that the wait has the timeout. */
        D3D11_MAPPED_SUBRESOURCE m;
        uint64_t until = t0 + (uint64_t)timeout_ms * 1000000u;
        for (;;) {
            hr = ID3D11DeviceContext_Map(d->ctx11, (ID3D11Resource *)staging, 0, D3D11_MAP_READ,
                                         D3D11_MAP_FLAG_DO_NOT_WAIT, &m);
            if (hr != DXGI_ERROR_WAS_STILL_DRAWING)
                break;
            if (now_ns() > until) {
                s = vkw_fail(err, VKW_E_TIMEOUT,
                             "D3D11 did not finish copying the texture within %u ms", timeout_ms);
                goto cleanup;
            }
            Sleep(0);
        }
        t->copy_ns += now_ns() - t0;
        if (FAILED(hr)) {
            s = hr_fail(err, "ID3D11DeviceContext::Map(STAGING, READ)", hr);
            goto cleanup;
        }
        t0 = now_ns();
        for (uint32_t r = 0; *ok && r < rows; r++)
            *ok = vkw_host_compare((const unsigned char *)m.pData + (size_t)r * m.RowPitch,
                                   piece + (size_t)r * row, row, offset + (uint64_t)r * row, 1, mm);
        t->host_ns += now_ns() - t0;
        ID3D11DeviceContext_Unmap(d->ctx11, (ID3D11Resource *)staging, 0);
    }

cleanup:
    s = keyed_release(km, release, s, err);
    ID3D11Texture2D_Release(staging);
    return s;
}

/* D3D12: the queue, list, allocator and done-fence, made once. */
static void copier12_release(vkw_d3d *d)
{
    if (d->list)
        ID3D12GraphicsCommandList_Release(d->list);
    if (d->allocator)
        ID3D12CommandAllocator_Release(d->allocator);
    if (d->queue)
        ID3D12CommandQueue_Release(d->queue);
    if (d->done)
        ID3D12Fence_Release(d->done);
    if (d->done_event)
        CloseHandle(d->done_event);
    d->list = NULL;
    d->allocator = NULL;
    d->queue = NULL;
    d->done = NULL;
    d->done_event = NULL;
}

static vkw_status copier12_make(vkw_d3d *d, vkw_error *err);

/* D3D12's copies: made once (all of them, or none), refused once a copy
 * did not finish in time (its allocator cannot be reset while it runs). */
static vkw_status copier12(vkw_d3d *d, vkw_error *err)
{
    if (d->stuck)
        return vkw_fail(err, VKW_E_TIMEOUT,
                        "an earlier D3D12 copy never finished: no more copies on this device");
    if (d->list)
        return VKW_OK;
    vkw_status s = copier12_make(d, err);
    if (s != VKW_OK)
        copier12_release(d);
    return s;
}

static vkw_status copier12_make(vkw_d3d *d, vkw_error *err)
{
    D3D12_COMMAND_QUEUE_DESC qd = {.Type = D3D12_COMMAND_LIST_TYPE_DIRECT,
                                   .Priority = 0,
                                   .Flags = D3D12_COMMAND_QUEUE_FLAG_NONE,
                                   .NodeMask = 0};
    HRESULT hr =
        ID3D12Device_CreateCommandQueue(d->dev12, &qd, &IID_ID3D12CommandQueue, (void **)&d->queue);
    if (FAILED(hr)) {
        d->queue = NULL;
        return hr_fail(err, "ID3D12Device::CreateCommandQueue", hr);
    }
    hr = ID3D12Device_CreateCommandAllocator(d->dev12, D3D12_COMMAND_LIST_TYPE_DIRECT,
                                             &IID_ID3D12CommandAllocator, (void **)&d->allocator);
    if (FAILED(hr)) {
        d->allocator = NULL;
        return hr_fail(err, "ID3D12Device::CreateCommandAllocator", hr);
    }
    hr = ID3D12Device_CreateFence(d->dev12, 0, D3D12_FENCE_FLAG_NONE, &IID_ID3D12Fence,
                                  (void **)&d->done);
    if (FAILED(hr)) {
        d->done = NULL;
        return hr_fail(err, "ID3D12Device::CreateFence", hr);
    }
    d->done_event = CreateEventW(NULL, FALSE, FALSE, NULL);
    if (!d->done_event)
        return vkw_fail(err, VKW_E_OS, "CreateEventW failed (error %lu)", GetLastError());
    ID3D12GraphicsCommandList *list = NULL;
    hr = ID3D12Device_CreateCommandList(d->dev12, 0, D3D12_COMMAND_LIST_TYPE_DIRECT, d->allocator,
                                        NULL, &IID_ID3D12GraphicsCommandList, (void **)&list);
    if (FAILED(hr))
        return hr_fail(err, "ID3D12Device::CreateCommandList", hr);
    hr = ID3D12GraphicsCommandList_Close(list);
    if (FAILED(hr)) {
        ID3D12GraphicsCommandList_Release(list);
        return hr_fail(err, "ID3D12GraphicsCommandList::Close", hr);
    }
    d->list = list;
    return VKW_OK;
}

/* Waits until `fence` reaches value, through `event`, at most timeout_ms
 * in all: the event is auto-reset, so a wake-up is checked against the
 * fence (one left set by an earlier wait that timed out would end this one
 * early). A device removed reports UINT64_MAX as every fence's value: that
 * is the device's reason, never a value reached. */
static vkw_status wait_fence(ID3D12Device *dev, ID3D12Fence *fence, HANDLE event, uint64_t value,
                             uint32_t timeout_ms, const char *what, vkw_error *err)
{
    uint64_t until = now_ns() + (uint64_t)timeout_ms * 1000000u;
    for (;;) {
        uint64_t v = ID3D12Fence_GetCompletedValue(fence);
        if (v == UINT64_MAX) {
            HRESULT why = ID3D12Device_GetDeviceRemovedReason(dev);
            if (FAILED(why))
                return hr_fail(err, "the D3D12 device was removed (GetDeviceRemovedReason)", why);
        }
        if (v >= value)
            return VKW_OK;
        uint64_t now = now_ns();
        if (now >= until)
            return vkw_fail(err, VKW_E_TIMEOUT, "%s did not reach %llu within %u ms", what,
                            (unsigned long long)value, timeout_ms);
        HRESULT hr = ID3D12Fence_SetEventOnCompletion(fence, value, event);
        if (FAILED(hr))
            return hr_fail(err, "ID3D12Fence::SetEventOnCompletion", hr);
        DWORD left = (DWORD)((until - now + 999999u) / 1000000u);
        DWORD w = WaitForSingleObject(event, left);
        if (w != WAIT_OBJECT_0 && w != WAIT_TIMEOUT)
            return vkw_fail(err, VKW_E_OS, "WaitForSingleObject on %s failed (error %lu)", what,
                            GetLastError());
    }
}

/* One copy between `buffer` at offset and the host buffer `host`, run on
 * the queue and waited for. to_device: host -> buffer. */
static vkw_status copy12(vkw_d3d *d, ID3D12Resource *buffer, uint64_t offset, ID3D12Resource *host,
                         uint64_t len, bool to_device, uint32_t timeout_ms, vkw_error *err)
{
    HRESULT hr = ID3D12CommandAllocator_Reset(d->allocator);
    if (FAILED(hr))
        return hr_fail(err, "ID3D12CommandAllocator::Reset", hr);
    hr = ID3D12GraphicsCommandList_Reset(d->list, d->allocator, NULL);
    if (FAILED(hr))
        return hr_fail(err, "ID3D12GraphicsCommandList::Reset", hr);
    /* Buffers in COMMON are promoted to COPY_DEST or COPY_SOURCE by the copy
     * and decay back when the queue is done: no barrier. */
    if (to_device)
        ID3D12GraphicsCommandList_CopyBufferRegion(d->list, buffer, offset, host, 0, len);
    else
        ID3D12GraphicsCommandList_CopyBufferRegion(d->list, host, 0, buffer, offset, len);
    hr = ID3D12GraphicsCommandList_Close(d->list);
    if (FAILED(hr))
        return hr_fail(err, "ID3D12GraphicsCommandList::Close", hr);
    ID3D12CommandList *lists[] = {(ID3D12CommandList *)d->list};
    ID3D12CommandQueue_ExecuteCommandLists(d->queue, 1, lists);
    hr = ID3D12CommandQueue_Signal(d->queue, d->done, ++d->done_value);
    if (FAILED(hr))
        return hr_fail(err, "ID3D12CommandQueue::Signal", hr);
    vkw_status s = wait_fence(d->dev12, d->done, d->done_event, d->done_value, timeout_ms,
                              "the D3D12 copy queue", err);
    /* A copy that never finished may still use what it names: nothing it
     * uses is released or reused from here (see vkw_d3d_close). */
    if (s == VKW_E_TIMEOUT)
        d->stuck = true;
    return s;
}

/* An upload (to_device) or readback buffer of len bytes, mapped. */
static vkw_status host_buffer12(vkw_d3d *d, uint64_t len, bool to_device, ID3D12Resource **out,
                                void **map, vkw_error *err)
{
    D3D12_HEAP_PROPERTIES hp = {.Type =
                                    to_device ? D3D12_HEAP_TYPE_UPLOAD : D3D12_HEAP_TYPE_READBACK,
                                .CPUPageProperty = D3D12_CPU_PAGE_PROPERTY_UNKNOWN,
                                .MemoryPoolPreference = D3D12_MEMORY_POOL_UNKNOWN};
    D3D12_RESOURCE_DESC rd = buffer_desc(len);
    *out = NULL;
    *map = NULL;
    HRESULT hr = ID3D12Device_CreateCommittedResource(d->dev12, &hp, D3D12_HEAP_FLAG_NONE, &rd,
                                                      to_device ? D3D12_RESOURCE_STATE_GENERIC_READ
                                                                : D3D12_RESOURCE_STATE_COPY_DEST,
                                                      NULL, &IID_ID3D12Resource, (void **)out);
    if (FAILED(hr)) {
        *out = NULL;
        return hr_fail(err,
                       to_device ? "ID3D12Device::CreateCommittedResource(UPLOAD)"
                                 : "ID3D12Device::CreateCommittedResource(READBACK)",
                       hr);
    }
    /* An upload buffer stays mapped, only written (empty read range); a
     * readback one is mapped for each read (move12). */
    if (!to_device)
        return VKW_OK;
    D3D12_RANGE none = {.Begin = 0, .End = 0};
    hr = ID3D12Resource_Map(*out, 0, &none, map);
    if (FAILED(hr)) {
        ID3D12Resource_Release(*out);
        *out = NULL;
        *map = NULL;
        return hr_fail(err, "ID3D12Resource::Map", hr);
    }
    return VKW_OK;
}

/* The buffer that holds a D3D12 object's bytes: the resource, or a heap's
 * placed buffer. */
static ID3D12Resource *bytes12(vkw_d3d_object *o)
{
    return o->kind == KIND_HEAP ? o->placed : (ID3D12Resource *)o->com;
}

static vkw_status move12(vkw_d3d_object *o, unsigned char *piece, uint64_t seed, uint64_t flip_at,
                         bool write, bool *ok, vkw_mismatch *mm, vkw_d3d_times *t,
                         uint32_t timeout_ms, vkw_error *err)
{
    vkw_d3d *d = o->owner;
    vkw_status s = copier12(d, err);
    if (s != VKW_OK)
        return s;
    uint64_t chunk = o->size < VKW_D3D_CHUNK_BYTES ? o->size : VKW_D3D_CHUNK_BYTES;
    ID3D12Resource *host = NULL;
    void *map = NULL;
    s = host_buffer12(d, chunk, write, &host, &map, err);
    if (s != VKW_OK)
        return s;
    if (ok)
        *ok = true;
    D3D12_RANGE none = {.Begin = 0, .End = 0};
    for (uint64_t off = 0; off < o->size && (!ok || *ok); off += chunk) {
        size_t len = (size_t)(o->size - off < chunk ? o->size - off : chunk);
        vkw_pattern_fill_at(piece, len, seed, off);
        if (write) {
            flip_in(piece, len, off, flip_at);
            memcpy(map, piece, len);
        }
        uint64_t t0 = now_ns();
        s = copy12(d, bytes12(o), off, host, len, write, timeout_ms, err);
        t->copy_ns += now_ns() - t0;
        if (s != VKW_OK)
            break;
        if (!write) {
            /* Each chunk read through a mapping of its own: Map with the
             * range read is what makes the GPU's writes visible to the CPU. */
            D3D12_RANGE range = {.Begin = 0, .End = len};
            void *got = NULL;
            HRESULT hr = ID3D12Resource_Map(host, 0, &range, &got);
            if (FAILED(hr)) {
                s = hr_fail(err, "ID3D12Resource::Map(READBACK)", hr);
                break;
            }
            t0 = now_ns();
            *ok = vkw_host_compare(got, piece, len, off, 1, mm);
            t->host_ns += now_ns() - t0;
            ID3D12Resource_Unmap(host, 0, &none); /* nothing written */
        }
    }
    if (d->stuck)
        return s; /* a copy may still use the buffer: left to the process's end */
    if (write)
        ID3D12Resource_Unmap(host, 0, NULL);
    ID3D12Resource_Release(host);
    return s;
}

static vkw_status bytes_of(vkw_d3d_object *o, unsigned char **piece, vkw_error *err)
{
    *piece = NULL;
    if (!o || o->kind == KIND_FENCE)
        return vkw_fail(err, VKW_E_INVALID_ARG, "a Direct3D fence holds no bytes");
    size_t len = (size_t)(o->size < VKW_D3D_CHUNK_BYTES ? o->size : VKW_D3D_CHUNK_BYTES);
    if (o->kind == KIND_TEXTURE_NT || o->kind == KIND_TEXTURE_KMT) {
        size_t row = (size_t)o->desc.width * 4u;
        len = len < row ? row : len - len % row; /* whole rows */
    }
    *piece = malloc(len ? len : 1);
    if (!*piece)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory for %llu bytes of pattern",
                        (unsigned long long)len);
    return VKW_OK;
}

vkw_status vkw_d3d_write_pattern(vkw_d3d_object *o, uint64_t seed, uint64_t flip_at,
                                 vkw_d3d_times *t, uint32_t timeout_ms, vkw_error *err)
{
    unsigned char *piece;
    memset(t, 0, sizeof *t);
    vkw_status s = bytes_of(o, &piece, err);
    if (s != VKW_OK)
        return s;
    if (o->owner->api == VKW_D3D_11)
        s = write11(o, piece, seed, flip_at, t, timeout_ms, err);
    else
        s = move12(o, piece, seed, flip_at, true, NULL, NULL, t, timeout_ms, err);
    free(piece);
    return s;
}

vkw_status vkw_d3d_check_pattern(vkw_d3d_object *o, uint64_t seed, bool *ok, vkw_mismatch *mm,
                                 vkw_d3d_times *t, uint32_t timeout_ms, vkw_error *err)
{
    unsigned char *piece;
    memset(t, 0, sizeof *t);
    *ok = false;
    vkw_status s = bytes_of(o, &piece, err);
    if (s != VKW_OK)
        return s;
    if (o->owner->api == VKW_D3D_11)
        s = check11(o, piece, seed, ok, mm, t, timeout_ms, err);
    else
        s = move12(o, piece, seed, UINT64_MAX, false, ok, mm, t, timeout_ms, err);
    free(piece);
    if (s != VKW_OK)
        *ok = false;
    return s;
}

/* ---- Fences --------------------------------------------------------------- */

static vkw_status fence_of(vkw_d3d_object *o, ID3D12Fence **f, vkw_error *err)
{
    if (!o || o->kind != KIND_FENCE)
        return vkw_fail(err, VKW_E_INVALID_ARG, "not a Direct3D 12 fence");
    *f = (ID3D12Fence *)o->com;
    return VKW_OK;
}

vkw_status vkw_d3d_fence_value(vkw_d3d_object *o, uint64_t *value, vkw_error *err)
{
    ID3D12Fence *f = NULL;
    vkw_status s = fence_of(o, &f, err);
    if (s == VKW_OK)
        *value = ID3D12Fence_GetCompletedValue(f);
    return s;
}

vkw_status vkw_d3d_fence_signal(vkw_d3d_object *o, uint64_t value, vkw_error *err)
{
    ID3D12Fence *f = NULL;
    vkw_status s = fence_of(o, &f, err);
    if (s != VKW_OK)
        return s;
    HRESULT hr = ID3D12Fence_Signal(f, value);
    return FAILED(hr) ? hr_fail(err, "ID3D12Fence::Signal", hr) : VKW_OK;
}

vkw_status vkw_d3d_fence_wait(vkw_d3d_object *o, uint64_t value, uint32_t timeout_ms,
                              vkw_error *err)
{
    ID3D12Fence *f = NULL;
    vkw_status s = fence_of(o, &f, err);
    if (s != VKW_OK)
        return s;
    if (!o->event) {
        o->event = CreateEventW(NULL, FALSE, FALSE, NULL);
        if (!o->event)
            return vkw_fail(err, VKW_E_OS, "CreateEventW failed (error %lu)", GetLastError());
    }
    return wait_fence(o->owner->dev12, f, o->event, value, timeout_ms, "the D3D12 fence", err);
}
