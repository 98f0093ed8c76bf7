/* Run-time Vulkan: the loader library, the instance and its dispatch table.
 * Vulkan is never linked: a diagnostic tool must start and explain itself on a
 * machine with no Vulkan at all. */
#ifndef VKW_INSTANCE_H
#define VKW_INSTANCE_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan_core.h>

#include "platform/platform.h"
#include "base/status.h"

/* Functions reached through vkGetInstanceProcAddr(NULL, ...). */
#define VKW_GLOBAL_FUNCTIONS(X)               \
    X(vkEnumerateInstanceExtensionProperties) \
    X(vkEnumerateInstanceLayerProperties)     \
    X(vkCreateInstance)

/* Vulkan 1.0 instance-level functions the tool calls; each must resolve. */
#define VKW_INSTANCE_FUNCTIONS(X)               \
    X(vkDestroyInstance)                        \
    X(vkEnumeratePhysicalDevices)               \
    X(vkGetPhysicalDeviceProperties)            \
    X(vkGetPhysicalDeviceQueueFamilyProperties) \
    X(vkGetPhysicalDeviceMemoryProperties)      \
    X(vkEnumerateDeviceExtensionProperties)     \
    X(vkCreateDevice)                           \
    X(vkGetDeviceProcAddr)

/* Physical-device queries that are core in Vulkan 1.1 and came from instance
 * extensions before (the KHR aliases). A device may only be called through
 * the core names if it supports 1.1; a 1.0 device needs the KHR ones. */
#define VKW_PD11_FUNCTIONS(X)                         \
    X(vkGetPhysicalDeviceProperties2)                 \
    X(vkGetPhysicalDeviceFeatures2)                   \
    X(vkGetPhysicalDeviceImageFormatProperties2)      \
    X(vkGetPhysicalDeviceExternalBufferProperties)    \
    X(vkGetPhysicalDeviceExternalSemaphoreProperties) \
    X(vkGetPhysicalDeviceExternalFenceProperties)

/* Instance-level functions that may be absent (extension not offered). */
#define VKW_INSTANCE_OPTIONAL_FUNCTIONS(X) \
    X(vkCreateDebugUtilsMessengerEXT)      \
    X(vkDestroyDebugUtilsMessengerEXT)

#define VKW_DECLARE_PFN(name) PFN_##name name;

/* The 1.1 queries one device may be called with; NULL where unavailable. */
typedef struct vkw_pd11_table {
    VKW_PD11_FUNCTIONS(VKW_DECLARE_PFN)
} vkw_pd11_table;

typedef struct vkw_loader {
    vkw_library *lib;
    char path[1024];  /* the file the OS loaded */
    uint32_t version; /* vkEnumerateInstanceVersion, 1.0.0 when absent */
    PFN_vkGetInstanceProcAddr gipa;
    VKW_GLOBAL_FUNCTIONS(VKW_DECLARE_PFN)
} vkw_loader;

/* Opens `path` (NULL: the OS default name) and resolves the global functions. */
vkw_status vkw_loader_open(const char *path, vkw_loader *out, vkw_error *err);
void vkw_loader_close(vkw_loader *loader);

/* The instance extensions and layers the loader offers (malloc'd arrays). */
vkw_status vkw_loader_list_extensions(const vkw_loader *loader, VkExtensionProperties **out,
                                      uint32_t *count, vkw_error *err);
vkw_status vkw_loader_list_layers(const vkw_loader *loader, VkLayerProperties **out,
                                  uint32_t *count, vkw_error *err);

#define VKW_NAME_LEN 256
#define VKW_MAX_MESSAGES 32

typedef struct vkw_debug_message {
    VkDebugUtilsMessageSeverityFlagBitsEXT severity;
    VkDebugUtilsMessageTypeFlagsEXT type;
    char id[128];
    char text[768];
} vkw_debug_message;

/* What VK_EXT_debug_utils told us: the validation layer's findings above all. */
typedef struct vkw_debug_log {
    uint32_t validation_errors; /* severity ERROR, type VALIDATION */
    uint32_t other_errors;      /* severity ERROR, other types (loader, driver) */
    uint32_t warnings;
    uint32_t stored; /* first VKW_MAX_MESSAGES messages kept in full */
    vkw_debug_message messages[VKW_MAX_MESSAGES];
} vkw_debug_log;

typedef struct vkw_instance_options {
    bool enable_validation;  /* enable VK_LAYER_KHRONOS_validation; fails if absent */
    bool require_validation; /* the environment enables it: fail too if it is absent */
    vkw_debug_log *log;      /* caller-owned, outlives the instance; NULL: no messenger */
} vkw_instance_options;

typedef struct vkw_instance {
    const vkw_loader *loader;
    VkInstance handle;
    uint32_t api_version; /* the apiVersion the instance was created with */
    VKW_INSTANCE_FUNCTIONS(VKW_DECLARE_PFN)
    VKW_INSTANCE_OPTIONAL_FUNCTIONS(VKW_DECLARE_PFN)
    vkw_pd11_table core; /* the 1.1 core entry points (instance 1.1+) */
    vkw_pd11_table khr;  /* the KHR aliases (instance extensions enabled) */
    VkDebugUtilsMessengerEXT messenger;
    uint32_t enabled_extension_count;
    char enabled_extensions[16][VKW_NAME_LEN];
    uint32_t enabled_layer_count;
    char enabled_layers[4][VKW_NAME_LEN];
    vkw_debug_log *log; /* the caller's (options.log); the callback writes into it */
} vkw_instance;

#define VKW_VALIDATION_LAYER "VK_LAYER_KHRONOS_validation"

/* Creates the instance with every external-capability extension the loader
 * offers, and a debug messenger that records messages into inst->log. */
vkw_status vkw_instance_create(const vkw_loader *loader, const vkw_instance_options *opts,
                               vkw_instance *out, vkw_error *err);
void vkw_instance_destroy(vkw_instance *inst);

/* The entry points a device with this (effective) API version may be called
 * through: core for 1.1+, the KHR aliases otherwise. */
void vkw_instance_pd11_table(const vkw_instance *inst, uint32_t api_version, vkw_pd11_table *out);
/* Whether this tool enabled the instance extension. */
bool vkw_instance_has_extension(const vkw_instance *inst, const char *name);

/* Whether the environment asks the loader to enable the validation layer
 * (VK_INSTANCE_LAYERS or VK_LOADER_LAYERS_ENABLE, not undone by
 * VK_LOADER_LAYERS_DISABLE). */
bool vkw_validation_requested_by_environment(void);

#endif
