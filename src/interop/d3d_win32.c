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
};

struct vkw_d3d {
    vkw_d3d_api api;
    HMODULE dxgi_dll, d3d_dll;
    ID3D11Device *dev11;
    ID3D11DeviceContext *ctx11;
    ID3D12Device *dev12;
    vkw_d3d_object *objects;
};

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
    while (d->objects)
        vkw_d3d_object_release(d->objects);
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
                               .BindFlags = D3D11_BIND_SHADER_RESOURCE,
                               .CPUAccessFlags = 0,
                               .MiscFlags = misc};
    ID3D11Texture2D *tex = NULL;
    *call = "ID3D11Device::CreateTexture2D";
    HRESULT hr = ID3D11Device_CreateTexture2D(d->dev11, &td, NULL, &tex);
    *com = SUCCEEDED(hr) ? (IUnknown *)tex : NULL;
    return hr;
}

static D3D12_HEAP_PROPERTIES default_heap(void)
{
    D3D12_HEAP_PROPERTIES p = {.Type = D3D12_HEAP_TYPE_DEFAULT,
                               .CPUPageProperty = D3D12_CPU_PAGE_PROPERTY_UNKNOWN,
                               .MemoryPoolPreference = D3D12_MEMORY_POOL_UNKNOWN};
    return p;
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
        D3D12_RESOURCE_DESC rd = {.Dimension = D3D12_RESOURCE_DIMENSION_BUFFER,
                                  .Alignment = 0,
                                  .Width = desc->size,
                                  .Height = 1,
                                  .DepthOrArraySize = 1,
                                  .MipLevels = 1,
                                  .Format = DXGI_FORMAT_UNKNOWN,
                                  .SampleDesc = {.Count = 1, .Quality = 0},
                                  .Layout = D3D12_TEXTURE_LAYOUT_ROW_MAJOR,
                                  .Flags = D3D12_RESOURCE_FLAG_NONE};
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

vkw_status vkw_d3d_export(vkw_d3d *d, const vkw_handle_type *t, const vkw_d3d_desc *desc,
                          vkw_d3d_object **obj, vkw_handle *h, vkw_error *err)
{
    *obj = NULL;
    *h = VKW_NO_HANDLE;
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
        return hr_fail(err, call, hr);
    }
    /* From here the object is d's, released by vkw_d3d_object_release or
     * vkw_d3d_close, whatever its export does. */
    o->owner = d;
    o->next = d->objects;
    if (d->objects)
        d->objects->prev = o;
    d->objects = o;
    *obj = o;
    return export_handle(d, kind, o, h, err);
}

void vkw_d3d_object_release(vkw_d3d_object *o)
{
    if (!o)
        return;
    if (o->prev)
        o->prev->next = o->next;
    else
        o->owner->objects = o->next;
    if (o->next)
        o->next->prev = o->prev;
    IUnknown_Release(o->com);
    free(o);
}
