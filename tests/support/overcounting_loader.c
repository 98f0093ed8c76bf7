/* Test support: a Vulkan "loader" that misbehaves the way a buggy loader or
 * layer can. It is a real shared library that the tool loads with --loader;
 * it forwards everything to the system's real loader (libvulkan.so.1, and
 * through it the real driver), except that every two-call enumeration
 * answers, on the fill call, one element more than the room it was given
 * (it writes only what fits, then claims one more). A tool that trusts that
 * count reads past its array (ASan: heap-buffer-overflow); one that takes the
 * minimum reports what the driver really has. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>
#include <vulkan/vulkan_core.h>

static void *real_lib;
static PFN_vkGetInstanceProcAddr real_gipa;
static PFN_vkEnumerateInstanceExtensionProperties real_instance_extensions;
static PFN_vkEnumerateInstanceLayerProperties real_instance_layers;
static PFN_vkEnumeratePhysicalDevices real_physical_devices;
static PFN_vkEnumerateDeviceExtensionProperties real_device_extensions;
static PFN_vkGetPhysicalDeviceQueueFamilyProperties real_queue_families;

static int open_real(void)
{
    if (real_gipa)
        return 1;
    real_lib = dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
    void *sym = real_lib ? dlsym(real_lib, "vkGetInstanceProcAddr") : NULL;
    memcpy(&real_gipa, &sym, sizeof sym);
    return real_gipa != NULL;
}

__attribute__((destructor)) static void close_real(void)
{
    if (real_lib)
        dlclose(real_lib);
}

/* The fill call's lie: what fits was written; one more is claimed. */
static VkResult overcount(VkResult r, uint32_t room, uint32_t *count)
{
    if (r == VK_SUCCESS || r == VK_INCOMPLETE)
        *count = room + 1;
    return r == VK_INCOMPLETE ? VK_SUCCESS : r;
}

static VKAPI_ATTR VkResult VKAPI_CALL instance_extensions(const char *layer, uint32_t *count,
                                                          VkExtensionProperties *props)
{
    uint32_t room = *count;
    VkResult r = real_instance_extensions(layer, count, props);
    return props ? overcount(r, room, count) : r;
}

static VKAPI_ATTR VkResult VKAPI_CALL instance_layers(uint32_t *count, VkLayerProperties *props)
{
    uint32_t room = *count;
    VkResult r = real_instance_layers(count, props);
    return props ? overcount(r, room, count) : r;
}

static VKAPI_ATTR VkResult VKAPI_CALL physical_devices(VkInstance instance, uint32_t *count,
                                                       VkPhysicalDevice *devices)
{
    uint32_t room = *count;
    VkResult r = real_physical_devices(instance, count, devices);
    return devices ? overcount(r, room, count) : r;
}

static VKAPI_ATTR VkResult VKAPI_CALL device_extensions(VkPhysicalDevice pd, const char *layer,
                                                        uint32_t *count,
                                                        VkExtensionProperties *props)
{
    uint32_t room = *count;
    VkResult r = real_device_extensions(pd, layer, count, props);
    return props ? overcount(r, room, count) : r;
}

static VKAPI_ATTR void VKAPI_CALL queue_families(VkPhysicalDevice pd, uint32_t *count,
                                                 VkQueueFamilyProperties *props)
{
    uint32_t room = *count;
    real_queue_families(pd, count, props);
    if (props)
        *count = room + 1;
}

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL vkGetInstanceProcAddr(VkInstance instance,
                                                               const char *name);

/* Our function for name, after resolving the real one it wraps into *real. */
static PFN_vkVoidFunction wrap(VkInstance instance, const char *name, void *real,
                               PFN_vkVoidFunction ours)
{
    PFN_vkVoidFunction r = real_gipa(instance, name);
    if (!r)
        return NULL;
    memcpy(real, &r, sizeof r);
    return ours;
}

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL vkGetInstanceProcAddr(VkInstance instance,
                                                               const char *name)
{
    if (!name || !open_real())
        return NULL;
    if (strcmp(name, "vkGetInstanceProcAddr") == 0)
        return (PFN_vkVoidFunction)vkGetInstanceProcAddr;
    if (strcmp(name, "vkEnumerateInstanceExtensionProperties") == 0)
        return wrap(instance, name, &real_instance_extensions,
                    (PFN_vkVoidFunction)instance_extensions);
    if (strcmp(name, "vkEnumerateInstanceLayerProperties") == 0)
        return wrap(instance, name, &real_instance_layers, (PFN_vkVoidFunction)instance_layers);
    if (strcmp(name, "vkEnumeratePhysicalDevices") == 0)
        return wrap(instance, name, &real_physical_devices, (PFN_vkVoidFunction)physical_devices);
    if (strcmp(name, "vkEnumerateDeviceExtensionProperties") == 0)
        return wrap(instance, name, &real_device_extensions, (PFN_vkVoidFunction)device_extensions);
    if (strcmp(name, "vkGetPhysicalDeviceQueueFamilyProperties") == 0)
        return wrap(instance, name, &real_queue_families, (PFN_vkVoidFunction)queue_families);
    return real_gipa(instance, name);
}
