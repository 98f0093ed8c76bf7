/* Test support for the sanitizer build, preloaded into the tool (never linked
 * into it): keeps Vulkan drivers and layers resident when the loader closes
 * them.
 *
 * Why: lavapipe (through LLVM) keeps a heap block reachable only from its own
 * globals. Once the loader dlclose()s the driver those globals vanish and
 * LeakSanitizer reports the block from an "<unknown module>" that no
 * suppression can name. Kept resident, the block stays reachable and LSan
 * stays quiet about it, while every leak in vkwin32h's own code (and in the
 * loader) is still reported. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <string.h>

int dlclose(void *handle);

static int is_driver_or_layer(const char *path)
{
    const char *base = path ? strrchr(path, '/') : NULL;
    base = base ? base + 1 : path;
    return base && (strncmp(base, "libvulkan_", 10) == 0 || strncmp(base, "libVkLayer_", 11) == 0);
}

int dlclose(void *handle)
{
    static int (*real_dlclose)(void *);
    if (!real_dlclose) {
        void *sym = dlsym(RTLD_NEXT, "dlclose");
        memcpy(&real_dlclose, &sym, sizeof sym);
    }
    struct link_map *map = NULL;
    if (handle && dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map &&
        is_driver_or_layer(map->l_name))
        return 0;
    return real_dlclose(handle);
}
