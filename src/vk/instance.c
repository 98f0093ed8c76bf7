#include "instance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

vkw_status vkw_loader_open(const char *path, vkw_loader *out, vkw_error *err)
{
    memset(out, 0, sizeof *out);
    const char *name = path ? path : vkw_platform_default_loader_name();
    vkw_status s = vkw_library_open(name, &out->lib, err);
    if (s != VKW_OK)
        return s;

    void *sym = vkw_library_symbol(out->lib, "vkGetInstanceProcAddr");
    if (!sym) {
        s = vkw_fail(err, VKW_E_NO_LOADER,
                     "'%s' is not a Vulkan loader: it exports no vkGetInstanceProcAddr", name);
        goto cleanup;
    }
    memcpy(&out->gipa, &sym, sizeof sym);
    vkw_library_path(out->lib, sym, out->path, sizeof out->path);
    if (!out->path[0])
        snprintf(out->path, sizeof out->path, "%s", name);

#define LOAD_GLOBAL(fn)                                                                          \
    out->fn = (PFN_##fn)out->gipa(VK_NULL_HANDLE, #fn);                                          \
    if (!out->fn) {                                                                              \
        s = vkw_fail(err, VKW_E_NO_LOADER, "Vulkan loader '%s' does not provide %s", name, #fn); \
        goto cleanup;                                                                            \
    }
    VKW_GLOBAL_FUNCTIONS(LOAD_GLOBAL)
#undef LOAD_GLOBAL

    /* Absent in 1.0 loaders, which is itself worth reporting. */
    PFN_vkEnumerateInstanceVersion eiv =
        (PFN_vkEnumerateInstanceVersion)out->gipa(VK_NULL_HANDLE, "vkEnumerateInstanceVersion");
    out->version = VK_API_VERSION_1_0;
    if (eiv && eiv(&out->version) != VK_SUCCESS)
        out->version = VK_API_VERSION_1_0;
    return VKW_OK;

cleanup:
    vkw_loader_close(out);
    return s;
}

void vkw_loader_close(vkw_loader *loader)
{
    if (loader->lib)
        vkw_library_close(loader->lib);
    memset(loader, 0, sizeof *loader);
}

/* The two-call enumeration idiom, retried while the list grows (VK_INCOMPLETE).
 * The fill call may write at most the n it was given: a count it answers
 * above that is not believed (a misbehaving loader or layer). */
#define ENUMERATE(call_count, call_fill, type, what)                                          \
    do {                                                                                      \
        for (int attempt = 0; attempt < 4; attempt++) {                                       \
            uint32_t n = 0;                                                                   \
            VkResult r = call_count;                                                          \
            if (r != VK_SUCCESS)                                                              \
                return vkw_fail_vk(err, r, #call_count, "listing %s", what);                  \
            type *items = calloc(n ? n : 1, sizeof *items);                                   \
            if (!items)                                                                       \
                return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory listing %s", what); \
            uint32_t room = n;                                                                \
            r = call_fill;                                                                    \
            if (n > room)                                                                     \
                n = room;                                                                     \
            if (r == VK_SUCCESS) {                                                            \
                *out = items;                                                                 \
                *count = n;                                                                   \
                return VKW_OK;                                                                \
            }                                                                                 \
            free(items);                                                                      \
            if (r != VK_INCOMPLETE)                                                           \
                return vkw_fail_vk(err, r, #call_fill, "listing %s", what);                   \
        }                                                                                     \
        return vkw_fail(err, VKW_E_VULKAN, "the list of %s kept changing while read", what);  \
    } while (0)

vkw_status vkw_loader_list_extensions(const vkw_loader *loader, VkExtensionProperties **out,
                                      uint32_t *count, vkw_error *err)
{
    ENUMERATE(loader->vkEnumerateInstanceExtensionProperties(NULL, &n, NULL),
              loader->vkEnumerateInstanceExtensionProperties(NULL, &n, items),
              VkExtensionProperties, "instance extensions");
}

vkw_status vkw_loader_list_layers(const vkw_loader *loader, VkLayerProperties **out,
                                  uint32_t *count, vkw_error *err)
{
    ENUMERATE(loader->vkEnumerateInstanceLayerProperties(&n, NULL),
              loader->vkEnumerateInstanceLayerProperties(&n, items), VkLayerProperties,
              "instance layers");
}

bool vkw_validation_requested_by_environment(void)
{
    const char *off = getenv("VK_LOADER_LAYERS_DISABLE");
    if (off && (strstr(off, "validation") || strstr(off, "~all~") || strstr(off, "~explicit~")))
        return false;
    const char *vars[] = {"VK_INSTANCE_LAYERS", "VK_LOADER_LAYERS_ENABLE"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && (strstr(v, VKW_VALIDATION_LAYER) || strstr(v, "validation")))
            return true;
    }
    return false;
}

static VKAPI_ATTR VkBool32 VKAPI_CALL debug_callback(
    VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT type,
    const VkDebugUtilsMessengerCallbackDataEXT *data, void *user)
{
    vkw_debug_log *log = user;
    if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) {
        if (type & VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT)
            log->validation_errors++;
        else
            log->other_errors++;
    } else if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT) {
        log->warnings++;
    }
    if (log->stored < VKW_MAX_MESSAGES) {
        vkw_debug_message *m = &log->messages[log->stored++];
        m->severity = severity;
        m->type = type;
        snprintf(m->id, sizeof m->id, "%s", data->pMessageIdName ? data->pMessageIdName : "");
        snprintf(m->text, sizeof m->text, "%s", data->pMessage ? data->pMessage : "");
    }
    return VK_FALSE; /* never abort the call: we observe, the driver decides */
}

static bool has_name(const char *name, const void *props, uint32_t count, size_t stride,
                     size_t offset)
{
    for (uint32_t i = 0; i < count; i++) {
        const char *n = (const char *)props + (size_t)i * stride + offset;
        if (strcmp(n, name) == 0)
            return true;
    }
    return false;
}

/* Instance extensions enabled whenever offered. */
static const char *const wanted_extensions[] = {
    "VK_KHR_get_physical_device_properties2",
    "VK_KHR_external_memory_capabilities",
    "VK_KHR_external_semaphore_capabilities",
    "VK_KHR_external_fence_capabilities",
    "VK_EXT_debug_utils",
    "VK_KHR_portability_enumeration",
};

vkw_status vkw_instance_create(const vkw_loader *loader, const vkw_instance_options *opts,
                               vkw_instance *out, vkw_error *err)
{
    vkw_status s = VKW_OK;
    VkExtensionProperties *exts = NULL;
    VkLayerProperties *layers = NULL;
    uint32_t ext_count = 0, layer_count = 0;
    VkResult r;

    memset(out, 0, sizeof *out);
    out->loader = loader;
    out->log = opts->log;

    s = vkw_loader_list_extensions(loader, &exts, &ext_count, err);
    if (s != VKW_OK)
        goto cleanup;
    s = vkw_loader_list_layers(loader, &layers, &layer_count, err);
    if (s != VKW_OK)
        goto cleanup;

    const char *ext_ptrs[16];
    const char *layer_ptrs[4];
    bool debug_utils = false, portability = false;
    for (size_t i = 0; i < sizeof wanted_extensions / sizeof wanted_extensions[0]; i++) {
        const char *e = wanted_extensions[i];
        bool offered = has_name(e, exts, ext_count, sizeof *exts,
                                offsetof(VkExtensionProperties, extensionName));
        /* With validation on, the layer itself offers VK_EXT_debug_utils. */
        if (!offered && opts->enable_validation && strcmp(e, "VK_EXT_debug_utils") == 0)
            offered = true;
        if (!offered || (!opts->log && strcmp(e, "VK_EXT_debug_utils") == 0))
            continue;
        snprintf(out->enabled_extensions[out->enabled_extension_count], VKW_NAME_LEN, "%s", e);
        ext_ptrs[out->enabled_extension_count] =
            out->enabled_extensions[out->enabled_extension_count];
        out->enabled_extension_count++;
        debug_utils |= strcmp(e, "VK_EXT_debug_utils") == 0;
        portability |= strcmp(e, "VK_KHR_portability_enumeration") == 0;
    }
    if ((opts->enable_validation || opts->require_validation) &&
        !has_name(VKW_VALIDATION_LAYER, layers, layer_count, sizeof *layers,
                  offsetof(VkLayerProperties, layerName))) {
        s = vkw_fail(
            err, VKW_E_NO_LAYER,
            "validation requested%s but %s is not installed (Debian: vulkan-validationlayers)",
            opts->enable_validation ? "" : " by the environment", VKW_VALIDATION_LAYER);
        goto cleanup;
    }
    if (opts->enable_validation) {
        snprintf(out->enabled_layers[0], VKW_NAME_LEN, "%s", VKW_VALIDATION_LAYER);
        layer_ptrs[0] = out->enabled_layers[0];
        out->enabled_layer_count = 1;
    }

    /* Cap at 1.3: what this tool's headers and queries are written against. A 1.0
     * loader must be given 1.0 or it fails with VK_ERROR_INCOMPATIBLE_DRIVER. */
    out->api_version = VK_API_VERSION_1_3;
    if (VK_API_VERSION_MINOR(loader->version) == 0 && VK_API_VERSION_MAJOR(loader->version) == 1)
        out->api_version = VK_API_VERSION_1_0;

    VkApplicationInfo app = {
        .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
        .pApplicationName = "vkwin32h",
        .applicationVersion = VK_MAKE_API_VERSION(0, 0, 1, 0),
        .pEngineName = "vkwin32h",
        .apiVersion = out->api_version,
    };
    /* Chained so instance creation and destruction are observed too. */
    VkDebugUtilsMessengerCreateInfoEXT dbg = {
        .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
        .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                           VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
        .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
        .pfnUserCallback = debug_callback,
        .pUserData = out->log,
    };
    VkInstanceCreateInfo ci = {
        .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
        .pNext = debug_utils ? &dbg : NULL,
        .flags = portability ? VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR : 0,
        .pApplicationInfo = &app,
        .enabledLayerCount = out->enabled_layer_count,
        .ppEnabledLayerNames = layer_ptrs,
        .enabledExtensionCount = out->enabled_extension_count,
        .ppEnabledExtensionNames = ext_ptrs,
    };
    r = loader->vkCreateInstance(&ci, NULL, &out->handle);
    if (r != VK_SUCCESS) {
        out->handle = VK_NULL_HANDLE;
        if (r == VK_ERROR_INCOMPATIBLE_DRIVER)
            s = vkw_fail(err, VKW_E_NO_DRIVER,
                         "the Vulkan loader found no driver (vkCreateInstance: "
                         "VK_ERROR_INCOMPATIBLE_DRIVER)");
        else
            s = vkw_fail_vk(err, r, "vkCreateInstance", "Vulkan %u.%u instance",
                            VK_API_VERSION_MAJOR(out->api_version),
                            VK_API_VERSION_MINOR(out->api_version));
        goto cleanup;
    }

#define LOAD_INSTANCE(fn)                                                                   \
    out->fn = (PFN_##fn)loader->gipa(out->handle, #fn);                                     \
    if (!out->fn) {                                                                         \
        s = vkw_fail(err, VKW_E_NO_LOADER, "the Vulkan instance does not provide %s", #fn); \
        goto cleanup;                                                                       \
    }
    VKW_INSTANCE_FUNCTIONS(LOAD_INSTANCE)
#undef LOAD_INSTANCE
#define LOAD_OPTIONAL(fn) out->fn = (PFN_##fn)loader->gipa(out->handle, #fn);
    VKW_INSTANCE_OPTIONAL_FUNCTIONS(LOAD_OPTIONAL)
#undef LOAD_OPTIONAL
    /* The loader returns the KHR names only where their extension is enabled. */
#define LOAD_PD11(fn)                                            \
    if (out->api_version >= VK_API_VERSION_1_1)                  \
        out->core.fn = (PFN_##fn)loader->gipa(out->handle, #fn); \
    out->khr.fn = (PFN_##fn)loader->gipa(out->handle, #fn "KHR");
    VKW_PD11_FUNCTIONS(LOAD_PD11)
#undef LOAD_PD11

    if (debug_utils && out->vkCreateDebugUtilsMessengerEXT) {
        r = out->vkCreateDebugUtilsMessengerEXT(out->handle, &dbg, NULL, &out->messenger);
        if (r != VK_SUCCESS) {
            out->messenger = VK_NULL_HANDLE;
            s = vkw_fail_vk(err, r, "vkCreateDebugUtilsMessengerEXT", "capturing layer messages");
            goto cleanup;
        }
    }
    free(exts);
    free(layers);
    return VKW_OK;

cleanup:
    free(exts);
    free(layers);
    vkw_instance_destroy(out);
    return s;
}

void vkw_instance_pd11_table(const vkw_instance *inst, uint32_t api_version, vkw_pd11_table *out)
{
    *out = api_version >= VK_API_VERSION_1_1 ? inst->core : inst->khr;
}

bool vkw_instance_has_extension(const vkw_instance *inst, const char *name)
{
    for (uint32_t i = 0; i < inst->enabled_extension_count; i++)
        if (strcmp(inst->enabled_extensions[i], name) == 0)
            return true;
    return false;
}

void vkw_instance_destroy(vkw_instance *inst)
{
    if (inst->handle) {
        if (inst->messenger && inst->vkDestroyDebugUtilsMessengerEXT)
            inst->vkDestroyDebugUtilsMessengerEXT(inst->handle, inst->messenger, NULL);
        if (inst->vkDestroyInstance)
            inst->vkDestroyInstance(inst->handle, NULL);
    }
    const vkw_loader *loader = inst->loader;
    memset(inst, 0, sizeof *inst);
    inst->loader = loader;
}
