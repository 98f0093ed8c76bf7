/* Tests of src/interop/d3d.h: which handle types each Direct3D API exports
 * (every build); elsewhere than Windows, every call refused with the reason;
 * on Windows (the Windows build under Wine here) the real DXGI adapters, D3D11
 * and D3D12 devices on adapter 0, an object made for each export and its
 * handle: Wine 8 makes every object and refuses every handle (each refusal
 * stated below), a Windows with a driver gives them. */
#include <stdlib.h>

#include "check.h"
#include "interop/d3d.h"
#include "platform/platform.h"
#include "vk/handle_types.h"

#if defined(_WIN32)
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#endif

static const vkw_handle_type *memory_type(const char *name)
{
    return vkw_handle_type_by_name(vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT, name);
}

static const vkw_handle_type *semaphore_type(const char *name)
{
    return vkw_handle_type_by_name(vkw_semaphore_handle_types, VKW_SEMAPHORE_HANDLE_TYPE_COUNT,
                                   name);
}

/* The names of every handle type (memory, semaphore, fence) `api` exports,
 * each as "memory:NAME" or "semaphore:NAME", joined with spaces. */
static void exported_names(vkw_d3d_api api, char *buf, size_t len)
{
    static const struct {
        const char *kind;
        const vkw_handle_type *table;
        size_t count;
    } tables[] = {
        {"memory", vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT},
        {"semaphore", vkw_semaphore_handle_types, VKW_SEMAPHORE_HANDLE_TYPE_COUNT},
        {"fence", vkw_fence_handle_types, VKW_FENCE_HANDLE_TYPE_COUNT},
    };
    buf[0] = '\0';
    for (size_t k = 0; k < sizeof tables / sizeof tables[0]; k++)
        for (size_t i = 0; i < tables[k].count; i++)
            if (vkw_d3d_exports(api, &tables[k].table[i]))
                snprintf(buf + strlen(buf), len - strlen(buf), "%s%s:%s", buf[0] ? " " : "",
                         tables[k].kind, tables[k].table[i].name);
}

static void d3d_exports_table_names_each_api_its_own_types(void)
{
    char names[256];
    CHECK_STR(vkw_d3d_api_words[VKW_D3D_11], "d3d11");
    CHECK_STR(vkw_d3d_api_words[VKW_D3D_12], "d3d12");
    exported_names(VKW_D3D_11, names, sizeof names);
    CHECK_STR(names, "memory:D3D11_TEXTURE memory:D3D11_TEXTURE_KMT");
    exported_names(VKW_D3D_12, names, sizeof names);
    CHECK_STR(names, "memory:D3D12_HEAP memory:D3D12_RESOURCE semaphore:D3D12_FENCE");
    /* A type is its name and its bit: the semaphore's D3D12_FENCE bit is the
     * memory's D3D11_TEXTURE bit, yet neither API takes the other's. */
    vkw_handle_type forged = *memory_type("D3D11_TEXTURE");
    forged.bit = semaphore_type("D3D12_FENCE")->bit;
    CHECK(forged.bit == memory_type("D3D11_TEXTURE")->bit);
    CHECK(!vkw_d3d_exports(VKW_D3D_12, &forged));
    forged.name = "D3D12_FENCE";
    forged.bit = memory_type("D3D12_HEAP")->bit;
    CHECK(!vkw_d3d_exports(VKW_D3D_12, &forged));
    CHECK(!vkw_d3d_exports(VKW_D3D_11, memory_type("OPAQUE_WIN32")));
    CHECK(!vkw_d3d_exports(VKW_D3D_12, memory_type("OPAQUE_WIN32")));
    CHECK(!vkw_d3d_exports(VKW_D3D_11, NULL));
}

#if !defined(_WIN32)

static void d3d_every_call_refused_off_windows(void)
{
    vkw_error err = {0};
    vkw_d3d_adapter adapters[VKW_D3D_ADAPTER_MAX];
    uint32_t count = 7;
    CHECK(vkw_d3d_adapters(adapters, VKW_D3D_ADAPTER_MAX, &count, &err) == VKW_E_UNSUPPORTED);
    CHECK(count == 0);
    CHECK(err.status == VKW_E_UNSUPPORTED);
    CHECK_STR(err.message, "Direct3D exists on Windows only");

    for (int api = 0; api < VKW_D3D_API_COUNT; api++) {
        vkw_error e = {0};
        vkw_d3d *d = (vkw_d3d *)&count; /* anything but NULL: must be cleared */
        char level[8] = "x";
        CHECK(vkw_d3d_open((vkw_d3d_api)api, 0, &d, level, &e) == VKW_E_UNSUPPORTED);
        CHECK(d == NULL);
        CHECK_STR(level, "");
        CHECK_STR(e.message, "Direct3D exists on Windows only");
    }

    vkw_error e = {0};
    vkw_d3d_desc desc = {.width = 16, .height = 16, .size = 65536};
    vkw_d3d_object *obj = (vkw_d3d_object *)&count;
    vkw_handle h = 3;
    CHECK(vkw_d3d_export(NULL, memory_type("D3D12_RESOURCE"), &desc, &obj, &h, &e) ==
          VKW_E_UNSUPPORTED);
    CHECK(obj == NULL);
    CHECK(h == VKW_NO_HANDLE);
    CHECK_STR(e.message, "Direct3D exists on Windows only");
    vkw_d3d_object_release(NULL);
    vkw_d3d_close(NULL);
}

#else

/* Wine answers with ntdll's wine_get_version; Windows has none. */
static const char *wine_version(void)
{
    const char *(*get)(void) = NULL;
    FARPROC p = GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version");
    if (!p)
        return NULL;
    memcpy(&get, &p, sizeof get);
    return get();
}

static bool all_zero(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

static void d3d_adapters_listed_in_index_order(void)
{
    vkw_error err = {0};
    vkw_d3d_adapter a[VKW_D3D_ADAPTER_MAX];
    uint32_t n = 0;
    CHECK(vkw_d3d_adapters(a, VKW_D3D_ADAPTER_MAX, &n, &err) == VKW_OK);
    CHECK(n >= 1);
    for (uint32_t i = 0; i < n; i++) {
        fprintf(stderr, "adapter %u: %s (%04x:%04x)%s\n", a[i].index, a[i].description,
                a[i].vendor_id, a[i].device_id, a[i].software ? " software" : "");
        CHECK(a[i].index == i);
        CHECK(a[i].description[0] != '\0');
        CHECK(strlen(a[i].description) < sizeof a[i].description);
        CHECK(!all_zero(a[i].luid, sizeof a[i].luid));
    }
    /* Room for one: the first only, the same. */
    vkw_d3d_adapter first;
    uint32_t one = 0;
    CHECK(vkw_d3d_adapters(&first, 1, &one, &err) == VKW_OK);
    CHECK(one == 1);
    CHECK(first.index == 0);
    CHECK_STR(first.description, a[0].description);
    CHECK(memcmp(first.luid, a[0].luid, sizeof first.luid) == 0);
}

static bool level_is_one_of(const char *level, const char *const *levels, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(level, levels[i]) == 0)
            return true;
    return false;
}

static void d3d_devices_open_on_adapter_0_with_a_feature_level(void)
{
    static const char *const d3d11_levels[] = {"11_0", "11_1"};
    static const char *const d3d12_levels[] = {"11_0", "11_1", "12_0", "12_1", "12_2"};
    for (int api = 0; api < VKW_D3D_API_COUNT; api++) {
        vkw_error err = {0};
        vkw_d3d *d = NULL;
        char level[8] = "x";
        vkw_status s = vkw_d3d_open((vkw_d3d_api)api, 0, &d, level, &err);
        fprintf(stderr, "%s: %s %s\n", vkw_d3d_api_words[api], level, err.message);
        CHECK(s == VKW_OK);
        CHECK(d != NULL);
        if (api == VKW_D3D_11)
            CHECK(level_is_one_of(level, d3d11_levels, 2));
        else
            CHECK(level_is_one_of(level, d3d12_levels, 5));
        vkw_d3d_close(d);
    }
}

static void d3d_open_past_the_last_adapter_names_the_index(void)
{
    vkw_error err = {0};
    vkw_d3d_adapter a[VKW_D3D_ADAPTER_MAX];
    uint32_t n = 0;
    CHECK(vkw_d3d_adapters(a, VKW_D3D_ADAPTER_MAX, &n, &err) == VKW_OK);
    CHECK(n < VKW_D3D_ADAPTER_MAX); /* else the index below may name one */
    for (int api = 0; api < VKW_D3D_API_COUNT; api++) {
        vkw_d3d *d = (vkw_d3d *)&n;
        char level[8] = "x", want[64];
        CHECK(vkw_d3d_open((vkw_d3d_api)api, n, &d, level, &err) == VKW_E_UNSUPPORTED);
        snprintf(want, sizeof want, "no DXGI adapter at index %u", n);
        CHECK_STR(err.message, want);
        CHECK(d == NULL);
        CHECK_STR(level, "");
    }
}

/* One export of each kind, and what it gives: Wine 8 makes each object and
 * refuses its handle, each with this message; Windows gives the handle. */
static const struct export_case {
    vkw_d3d_api api;
    const char *type;
    bool keyed_mutex;
    const char *wine_refusal; /* the message under Wine 8 */
} export_cases[] = {
    {VKW_D3D_11, "D3D11_TEXTURE", false, "QueryInterface(IDXGIResource1): E_NOINTERFACE"},
    {VKW_D3D_11, "D3D11_TEXTURE", true, "QueryInterface(IDXGIResource1): E_NOINTERFACE"},
    {VKW_D3D_11, "D3D11_TEXTURE_KMT", false, "IDXGIResource::GetSharedHandle: E_NOTIMPL"},
    {VKW_D3D_11, "D3D11_TEXTURE_KMT", true, "IDXGIResource::GetSharedHandle: E_NOTIMPL"},
    {VKW_D3D_12, "D3D12_RESOURCE", false, "ID3D12Device::CreateSharedHandle: E_NOTIMPL"},
    {VKW_D3D_12, "D3D12_HEAP", false, "ID3D12Device::CreateSharedHandle: E_NOTIMPL"},
    {VKW_D3D_12, "D3D12_FENCE", false, "ID3D12Device::CreateSharedHandle: E_NOTIMPL"},
};

static const vkw_handle_type *case_type(const struct export_case *c)
{
    return strcmp(c->type, "D3D12_FENCE") == 0 ? semaphore_type(c->type) : memory_type(c->type);
}

static void d3d_each_export_makes_its_object_and_wine_refuses_the_handle(void)
{
    const char *wine = wine_version();
    fprintf(stderr, "Wine: %s\n", wine ? wine : "(none: Windows)");
    vkw_d3d_desc desc = {.width = 64, .height = 32, .size = 100000};
    for (size_t i = 0; i < sizeof export_cases / sizeof export_cases[0]; i++) {
        const struct export_case *c = &export_cases[i];
        vkw_error err = {0};
        vkw_d3d *d = NULL;
        char level[8];
        CHECK(vkw_d3d_open(c->api, 0, &d, level, &err) == VKW_OK);
        if (!d)
            continue;
        desc.keyed_mutex = c->keyed_mutex;
        vkw_d3d_object *obj = NULL;
        vkw_handle h = 12345;
        vkw_status s = vkw_d3d_export(d, case_type(c), &desc, &obj, &h, &err);
        fprintf(stderr, "%s%s: %s\n", c->type, c->keyed_mutex ? " (keyed mutex)" : "",
                s == VKW_OK ? "exported" : err.message);
        CHECK(obj != NULL);
        if (wine) {
            CHECK(s == VKW_E_UNSUPPORTED);
            CHECK_STR(err.message, c->wine_refusal);
            CHECK(h == VKW_NO_HANDLE);
        } else {
            CHECK(s == VKW_OK);
            CHECK(h != VKW_NO_HANDLE && h != 0);
            if (strcmp(c->type, "D3D11_TEXTURE_KMT") != 0) /* a KMT handle is a value */
                CHECK(CloseHandle((HANDLE)h));
        }
        vkw_d3d_object_release(obj);
        vkw_d3d_close(d);
    }
}

static void d3d_export_of_the_other_apis_type_makes_nothing(void)
{
    static const struct {
        vkw_d3d_api api;
        const char *type, *message;
    } cases[] = {
        {VKW_D3D_11, "D3D12_RESOURCE", "d3d11 exports no D3D12_RESOURCE handle"},
        {VKW_D3D_11, "D3D12_FENCE", "d3d11 exports no D3D12_FENCE handle"},
        {VKW_D3D_12, "D3D11_TEXTURE", "d3d12 exports no D3D11_TEXTURE handle"},
        {VKW_D3D_12, "OPAQUE_WIN32", "d3d12 exports no OPAQUE_WIN32 handle"},
    };
    vkw_d3d_desc desc = {.width = 16, .height = 16, .size = 65536};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vkw_error err = {0};
        vkw_d3d *d = NULL;
        char level[8];
        CHECK(vkw_d3d_open(cases[i].api, 0, &d, level, &err) == VKW_OK);
        if (!d)
            continue;
        const vkw_handle_type *t = strcmp(cases[i].type, "D3D12_FENCE") == 0
                                       ? semaphore_type(cases[i].type)
                                       : memory_type(cases[i].type);
        vkw_d3d_object *obj = (vkw_d3d_object *)&desc;
        vkw_handle h = 12345;
        CHECK(vkw_d3d_export(d, t, &desc, &obj, &h, &err) == VKW_E_INVALID_ARG);
        CHECK_STR(err.message, cases[i].message);
        CHECK(obj == NULL);
        CHECK(h == VKW_NO_HANDLE);
        vkw_d3d_close(d);
    }
}

/* The bytes of each memory object, through its API: written with one
 * pattern and read back (both executed under Wine: the objects exist, only
 * their handles are refused); a check of another seed, and a write with
 * one byte flipped, each found at the right offset. Sizes: a texture of
 * 1000x2100 texels is 8.4 MB, more than one band of rows; a 9 MB buffer is
 * more than one chunk. */
static void d3d_memory_objects_hold_the_pattern_written_through_their_api(void)
{
    static const struct {
        vkw_d3d_api api;
        const char *type;
    } cases[] = {
        {VKW_D3D_11, "D3D11_TEXTURE"},
        {VKW_D3D_11, "D3D11_TEXTURE_KMT"},
        {VKW_D3D_12, "D3D12_RESOURCE"},
        {VKW_D3D_12, "D3D12_HEAP"},
    };
    vkw_d3d_desc desc = {.width = 1000, .height = 2100, .size = 9u << 20};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vkw_error err = {0};
        vkw_d3d *d = NULL;
        char level[8];
        CHECK(vkw_d3d_open(cases[i].api, 0, &d, level, &err) == VKW_OK);
        if (!d)
            continue;
        vkw_d3d_object *obj = NULL;
        CHECK(vkw_d3d_make(d, memory_type(cases[i].type), &desc, &obj, &err) == VKW_OK);
        if (!obj) {
            fprintf(stderr, "%s: %s\n", cases[i].type, err.message);
            vkw_d3d_close(d);
            continue;
        }
        bool texture = cases[i].api == VKW_D3D_11;
        uint64_t size = vkw_d3d_object_size(obj);
        CHECK(size == (texture ? 1000ull * 2100 * 4 : 9ull << 20));
        vkw_d3d_times t;
        bool ok = false;
        vkw_mismatch mm = {0};
        CHECK(vkw_d3d_write_pattern(obj, 41, UINT64_MAX, &t, 30000, &err) == VKW_OK);
        CHECK(t.copy_ns > 0);
        CHECK(vkw_d3d_check_pattern(obj, 41, &ok, &mm, &t, 30000, &err) == VKW_OK);
        CHECK(ok);
        CHECK(t.copy_ns > 0 && t.host_ns > 0);
        /* The detector: another seed differs at once... */
        CHECK(vkw_d3d_check_pattern(obj, 42, &ok, &mm, &t, 30000, &err) == VKW_OK);
        CHECK(!ok);
        CHECK(mm.offset < 4);
        /* ... and one flipped byte in the last band or chunk is found where it is. */
        uint64_t flip = size - 4097;
        CHECK(vkw_d3d_write_pattern(obj, 43, flip, &t, 30000, &err) == VKW_OK);
        CHECK(vkw_d3d_check_pattern(obj, 43, &ok, &mm, &t, 30000, &err) == VKW_OK);
        CHECK(!ok);
        CHECK(mm.offset == flip);
        unsigned flipped = mm.expected ^ 0xFFu;
        CHECK(mm.got == flipped);
        fprintf(stderr, "%s: %llu bytes written, read back, a flipped byte found at %llu\n",
                cases[i].type, (unsigned long long)size, (unsigned long long)mm.offset);
        /* Once exported (or refused), never again: the NT rule. */
        vkw_handle h = VKW_NO_HANDLE;
        if (vkw_d3d_share(obj, &h, &err) == VKW_OK) {
            if (strcmp(cases[i].type, "D3D11_TEXTURE_KMT") != 0)
                CHECK(CloseHandle((HANDLE)h));
            CHECK(vkw_d3d_share(obj, &h, &err) == VKW_E_INVALID_ARG);
            CHECK(h == VKW_NO_HANDLE);
        }
        vkw_d3d_close(d);
    }
}

/* A texture with a keyed mutex: the write takes key 0 and gives key 1 (the
 * exporter's half), a check takes what it is told; a key nobody gives ends
 * the wait at its timeout, named. Wine 8's DXGI has no IDXGIKeyedMutex:
 * there each pass is refused by name, before it writes or reads. */
static void d3d11_keyed_mutex_orders_writes_and_reads(void)
{
    const char *wine = wine_version();
    vkw_error err = {0};
    vkw_d3d *d = NULL;
    char level[8];
    CHECK(vkw_d3d_open(VKW_D3D_11, 0, &d, level, &err) == VKW_OK);
    if (!d)
        return;
    vkw_d3d_desc desc = {.width = 256, .height = 64, .keyed_mutex = true};
    vkw_d3d_object *obj = NULL;
    CHECK(vkw_d3d_make(d, memory_type("D3D11_TEXTURE"), &desc, &obj, &err) == VKW_OK);
    vkw_d3d_times t;
    bool ok = false;
    vkw_mismatch mm = {0};
    vkw_status s = vkw_d3d_write_pattern(obj, 7, UINT64_MAX, &t, 5000, &err);
    fprintf(stderr, "keyed write: %s\n", s == VKW_OK ? "done" : err.message);
    CHECK(vkw_d3d_keyed_mutex_keys(obj, 1, 0, &err) == VKW_OK); /* what the write gave */
    vkw_status c = vkw_d3d_check_pattern(obj, 7, &ok, &mm, &t, 5000, &err);
    if (wine) {
        CHECK(s == VKW_E_UNSUPPORTED && c == VKW_E_UNSUPPORTED);
        CHECK_STR(err.message, "QueryInterface(IDXGIKeyedMutex): E_NOINTERFACE");
        CHECK(!ok);
    } else {
        CHECK(s == VKW_OK && c == VKW_OK);
        CHECK(ok);
        CHECK(vkw_d3d_keyed_mutex_keys(obj, 5, 0, &err) == VKW_OK); /* given by nobody */
        uint64_t t0 = vkw_clock_ns();
        CHECK(vkw_d3d_check_pattern(obj, 7, &ok, &mm, &t, 300, &err) == VKW_E_TIMEOUT);
        CHECK_STR(err.message, "IDXGIKeyedMutex::AcquireSync(5) did not get the key within 300 ms");
        CHECK(vkw_clock_ns() - t0 >= 250000000ull);
    }
    vkw_d3d_object *plain = NULL;
    desc.keyed_mutex = false;
    CHECK(vkw_d3d_make(d, memory_type("D3D11_TEXTURE"), &desc, &plain, &err) == VKW_OK);
    CHECK(vkw_d3d_keyed_mutex_keys(plain, 1, 0, &err) == VKW_E_INVALID_ARG);
    CHECK_STR(err.message, "the object has no keyed mutex");
    vkw_d3d_close(d);
}

/* A fence's value, signalled from the host and waited for; a wait for a
 * value never signalled ends at its timeout. */
static void d3d12_fence_signalled_and_waited_for_with_a_timeout(void)
{
    vkw_error err = {0};
    vkw_d3d *d = NULL;
    char level[8];
    CHECK(vkw_d3d_open(VKW_D3D_12, 0, &d, level, &err) == VKW_OK);
    if (!d)
        return;
    vkw_d3d_desc desc = {0};
    vkw_d3d_object *fence = NULL, *heap = NULL;
    CHECK(vkw_d3d_make(d, semaphore_type("D3D12_FENCE"), &desc, &fence, &err) == VKW_OK);
    uint64_t v = 99;
    CHECK(vkw_d3d_fence_value(fence, &v, &err) == VKW_OK);
    CHECK(v == 0);
    CHECK(vkw_d3d_fence_signal(fence, 5, &err) == VKW_OK);
    CHECK(vkw_d3d_fence_wait(fence, 5, 1000, &err) == VKW_OK);
    CHECK(vkw_d3d_fence_value(fence, &v, &err) == VKW_OK);
    CHECK(v == 5);
    CHECK(vkw_d3d_fence_wait(fence, 6, 200, &err) == VKW_E_TIMEOUT);
    CHECK_STR(err.message, "the D3D12 fence did not reach 6 within 200 ms");
    desc.size = 65536;
    CHECK(vkw_d3d_make(d, memory_type("D3D12_HEAP"), &desc, &heap, &err) == VKW_OK);
    CHECK(vkw_d3d_fence_signal(heap, 1, &err) == VKW_E_INVALID_ARG);
    CHECK_STR(err.message, "not a Direct3D 12 fence");
    vkw_d3d_times t;
    CHECK(vkw_d3d_write_pattern(fence, 1, UINT64_MAX, &t, 1000, &err) == VKW_E_INVALID_ARG);
    CHECK_STR(err.message, "a Direct3D fence holds no bytes");
    vkw_d3d_close(d);
}

/* The other direction, opening what another API exported: Wine has no
 * such handle to give (its Vulkan exports none), so an event's NT handle
 * stands for one; each API refuses it by name with its call, a skip, and
 * leaves nothing made; the handle stays the caller's (closed here once). */
static void d3d_open_shared_refuses_what_is_no_shared_object(void)
{
    HANDLE ev = CreateEventW(NULL, FALSE, FALSE, NULL);
    CHECK(ev != NULL);
    static const struct {
        vkw_d3d_api api;
        bool nt, fence;
        const char *call; /* the message starts with it */
    } cases[] = {
        {VKW_D3D_12, true, false, "ID3D12Device::OpenSharedHandle(ID3D12Resource): "},
        {VKW_D3D_12, true, true, "ID3D12Device::OpenSharedHandle: "},
        {VKW_D3D_11, true, false, "ID3D11Device1::OpenSharedResource1: "},
        {VKW_D3D_11, false, false, "ID3D11Device::OpenSharedResource: "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vkw_error err = {0};
        vkw_d3d *d = NULL;
        char level[8];
        CHECK(vkw_d3d_open(cases[i].api, 0, &d, level, &err) == VKW_OK);
        if (!d)
            continue;
        vkw_d3d_desc desc = {.width = 64, .height = 64, .size = 65536};
        vkw_d3d_object *obj = (vkw_d3d_object *)&desc;
        vkw_status s = vkw_d3d_open_shared(d, (vkw_handle)(intptr_t)ev, cases[i].nt, cases[i].fence,
                                           &desc, &obj, &err);
        fprintf(stderr, "%s %s%s: %s\n", vkw_d3d_api_words[cases[i].api],
                cases[i].nt ? "NT" : "KMT", cases[i].fence ? " fence" : "", err.message);
        CHECK(s == VKW_E_UNSUPPORTED);
        CHECK(obj == NULL);
        CHECK(strncmp(err.message, cases[i].call, strlen(cases[i].call)) == 0);
        CHECK(strstr(err.message, ": ") != NULL); /* "<call>: <HRESULT>" */
        vkw_d3d_close(d);
    }
    vkw_d3d *d = NULL;
    char level[8];
    vkw_error err = {0};
    CHECK(vkw_d3d_open(VKW_D3D_11, 0, &d, level, &err) == VKW_OK);
    vkw_d3d_desc buffer = {.size = 65536};
    vkw_d3d_object *obj = NULL;
    CHECK(vkw_d3d_open_shared(d, (vkw_handle)(intptr_t)ev, true, false, &buffer, &obj, &err) ==
          VKW_E_UNSUPPORTED);
    CHECK_STR(err.message, "d3d11 opens textures here (R32_UINT, as the bench's images), not "
                           "buffers");
    vkw_d3d_close(d);
    /* Still the caller's, still open: closed once, here. */
    CHECK(CloseHandle(ev));
}

/* One round: both devices, every export, the objects left to close. */
static void round_left_to_close(void)
{
    vkw_d3d_desc desc = {.width = 64, .height = 64, .size = 1u << 20};
    for (int api = 0; api < VKW_D3D_API_COUNT; api++) {
        vkw_error err = {0};
        vkw_d3d *d = NULL;
        char level[8];
        CHECK(vkw_d3d_open((vkw_d3d_api)api, 0, &d, level, &err) == VKW_OK);
        if (!d)
            return;
        for (size_t i = 0; i < sizeof export_cases / sizeof export_cases[0]; i++) {
            if (export_cases[i].api != (vkw_d3d_api)api)
                continue;
            vkw_d3d_object *obj = NULL;
            vkw_handle h = VKW_NO_HANDLE;
            desc.keyed_mutex = export_cases[i].keyed_mutex;
            vkw_d3d_export(d, case_type(&export_cases[i]), &desc, &obj, &h, &err);
            CHECK(obj != NULL);
            if (strcmp(export_cases[i].type, "D3D11_TEXTURE_KMT") != 0)
                vkw_handle_close(h); /* Windows: the NT handle is ours */
        }
        vkw_d3d_close(d); /* releases every object made above */
    }
}

static void d3d_close_releases_the_objects_left_without_a_leak(void)
{
    enum { ROUNDS = 20, SLACK = 8 }; /* a device pair takes about a second under Wine */
    vkw_error err = {0};
    uint32_t before = 0, after = 0;
    round_left_to_close(); /* the DLLs' and drivers' own first handles */
    round_left_to_close();
    CHECK(vkw_handle_count(&before, &err) == VKW_OK);
    for (int i = 0; i < ROUNDS; i++)
        round_left_to_close();
    CHECK(vkw_handle_count(&after, &err) == VKW_OK);
    fprintf(stderr, "handles: %u before, %u after %d rounds\n", before, after, ROUNDS);
    /* A handle kept per round would be ROUNDS more. */
    CHECK(after <= before + SLACK);
}

#endif

int main(int argc, char **argv)
{
    static const check_case cases[] = {
#define CASE(fn) {#fn, fn}
        CASE(d3d_exports_table_names_each_api_its_own_types),
#if !defined(_WIN32)
        CASE(d3d_every_call_refused_off_windows),
#else
        CASE(d3d_adapters_listed_in_index_order),
        CASE(d3d_devices_open_on_adapter_0_with_a_feature_level),
        CASE(d3d_open_past_the_last_adapter_names_the_index),
        CASE(d3d_each_export_makes_its_object_and_wine_refuses_the_handle),
        CASE(d3d_export_of_the_other_apis_type_makes_nothing),
        CASE(d3d_memory_objects_hold_the_pattern_written_through_their_api),
        CASE(d3d12_fence_signalled_and_waited_for_with_a_timeout),
        CASE(d3d11_keyed_mutex_orders_writes_and_reads),
        CASE(d3d_open_shared_refuses_what_is_no_shared_object),
        CASE(d3d_close_releases_the_objects_left_without_a_leak),
#endif
#undef CASE
    };
    return check_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
