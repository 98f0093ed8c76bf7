/* Tests of src/interop/d3d.h: which handle types each Direct3D API exports
 * (every build); elsewhere than Windows, every call refused with the reason. */
#include <stdlib.h>

#include "check.h"
#include "interop/d3d.h"
#include "vk/handle_types.h"

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

#endif

int main(int argc, char **argv)
{
    static const check_case cases[] = {
#define CASE(fn) {#fn, fn}
        CASE(d3d_exports_table_names_each_api_its_own_types),
#if !defined(_WIN32)
        CASE(d3d_every_call_refused_off_windows),
#endif
#undef CASE
    };
    return check_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
