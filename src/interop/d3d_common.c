/* What every build knows of Direct3D (d3d.h): the API words (and the bench's
 * exporters', foreign.h) and which handle types each API exports. The calls
 * themselves are d3d_win32.c's, or d3d_none.c's where there is no Direct3D. */
#include "d3d.h"
#include "foreign.h"

#include <string.h>

const char *const vkw_d3d_api_words[VKW_D3D_API_COUNT] = {"d3d11", "d3d12"};

const char *const vkw_exporter_words[VKW_EXPORTER_COUNT] = {"vulkan", "d3d11", "d3d12"};

const char *vkw_exporter_name(vkw_exporter e)
{
    return (unsigned)e < VKW_EXPORTER_COUNT ? vkw_exporter_words[e] : "unknown";
}

/* A type is named by its spec name and its bit together: a bit alone is
 * ambiguous across the tables (memory D3D11_TEXTURE and semaphore
 * D3D12_FENCE are both 0x8). */
static const struct {
    vkw_d3d_api api;
    const char *name;
    uint32_t bit;
} exported[] = {
    {VKW_D3D_11, "D3D11_TEXTURE", VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D11_TEXTURE_BIT},
    {VKW_D3D_11, "D3D11_TEXTURE_KMT", VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D11_TEXTURE_KMT_BIT},
    {VKW_D3D_12, "D3D12_RESOURCE", VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D12_RESOURCE_BIT},
    {VKW_D3D_12, "D3D12_HEAP", VK_EXTERNAL_MEMORY_HANDLE_TYPE_D3D12_HEAP_BIT},
    {VKW_D3D_12, "D3D12_FENCE", VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_D3D12_FENCE_BIT},
};

bool vkw_d3d_exports(vkw_d3d_api api, const vkw_handle_type *t)
{
    if (!t || !t->name)
        return false;
    for (size_t i = 0; i < sizeof exported / sizeof exported[0]; i++)
        if (exported[i].api == api && exported[i].bit == t->bit &&
            strcmp(exported[i].name, t->name) == 0)
            return true;
    return false;
}
