#include "device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "platform/platform.h"

void vkw_device_info_read(const vkw_instance *inst, VkPhysicalDevice pd, vkw_device_info *out)
{
    memset(out, 0, sizeof *out);
    VkPhysicalDeviceProperties base;
    inst->vkGetPhysicalDeviceProperties(pd, &base);
    out->api_version = base.apiVersion < inst->api_version ? base.apiVersion : inst->api_version;
    out->limits = base.limits;
    snprintf(out->name, sizeof out->name, "%s", base.deviceName);
    inst->vkGetPhysicalDeviceMemoryProperties(pd, &out->memory);

    vkw_pd11_table fn;
    vkw_instance_pd11_table(inst, out->api_version, &fn);
    if (!fn.vkGetPhysicalDeviceProperties2)
        return;
    VkPhysicalDeviceMaintenance3Properties m3 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES,
    };
    VkPhysicalDeviceIDProperties id = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES,
        .pNext = out->api_version >= VK_API_VERSION_1_1 ? &m3 : NULL,
    };
    VkPhysicalDeviceProperties2 p2 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
        .pNext = &id,
    };
    fn.vkGetPhysicalDeviceProperties2(pd, &p2);
    memcpy(out->device_uuid, id.deviceUUID, VK_UUID_SIZE);
    memcpy(out->driver_uuid, id.driverUUID, VK_UUID_SIZE);
    memcpy(out->device_luid, id.deviceLUID, VK_LUID_SIZE);
    out->device_luid_valid = id.deviceLUIDValid;
    out->max_allocation_size = m3.maxMemoryAllocationSize;
}

static bool offered(const VkExtensionProperties *exts, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(exts[i].extensionName, name) == 0)
            return true;
    return false;
}

/* The first family that can copy (graphics and compute imply transfer);
 * *count: how many queues it has. */
static bool pick_queue_family(const vkw_instance *inst, VkPhysicalDevice pd, uint32_t *out,
                              uint32_t *count)
{
    uint32_t n = 0;
    inst->vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, NULL);
    VkQueueFamilyProperties qf[64];
    if (n > 64)
        n = 64;
    uint32_t room = n;
    inst->vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, qf);
    if (n > room) /* more than it was given room for: not believed */
        n = room;
    const VkQueueFlags copy = VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT;
    for (uint32_t i = 0; i < n; i++)
        if ((qf[i].queueFlags & copy) && qf[i].queueCount > 0) {
            *out = i;
            *count = qf[i].queueCount;
            return true;
        }
    return false;
}

vkw_status vkw_device_create(const vkw_instance *inst, VkPhysicalDevice pd,
                             const char *const *required, const char *const *wanted,
                             vkw_device *out, vkw_error *err)
{
    vkw_status s = VKW_OK;
    VkExtensionProperties *exts = NULL;
    uint32_t ext_count = 0;
    VkResult r;

    memset(out, 0, sizeof *out);
    out->inst = inst;
    out->pd = pd;
    vkw_device_info_read(inst, pd, &out->info);
    if (out->info.api_version < VK_API_VERSION_1_1)
        return vkw_fail(err, VKW_E_VULKAN,
                        "'%s' offers Vulkan %u.%u; sharing needs Vulkan 1.1 (external memory, "
                        "dedicated allocations)",
                        out->info.name, VK_API_VERSION_MAJOR(out->info.api_version),
                        VK_API_VERSION_MINOR(out->info.api_version));
    uint32_t family_queues = 0;
    if (!pick_queue_family(inst, pd, &out->queue_family, &family_queues))
        return vkw_fail(err, VKW_E_VULKAN, "'%s' has no queue family that can copy",
                        out->info.name);

    r = inst->vkEnumerateDeviceExtensionProperties(pd, NULL, &ext_count, NULL);
    if (r == VK_SUCCESS) {
        exts = calloc(ext_count ? ext_count : 1, sizeof *exts);
        if (!exts)
            return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory listing device extensions");
        uint32_t room = ext_count;
        r = inst->vkEnumerateDeviceExtensionProperties(pd, NULL, &ext_count, exts);
        if (ext_count > room)
            ext_count = room;
        if (r == VK_INCOMPLETE) /* the list grew since counted: what fits is enough */
            r = VK_SUCCESS;
    }
    if (r != VK_SUCCESS) {
        s = vkw_fail_vk(err, r, "vkEnumerateDeviceExtensionProperties", "'%s'", out->info.name);
        goto cleanup;
    }

    enum { MAX_ENABLED = sizeof out->enabled_extensions / sizeof out->enabled_extensions[0] };
    const char *names[MAX_ENABLED];
    for (int pass = 0; pass < 2; pass++) {
        const char *const *list = pass == 0 ? required : wanted;
        for (size_t i = 0; list && list[i]; i++) {
            if (!offered(exts, ext_count, list[i])) {
                if (pass == 0) {
                    s = vkw_fail(err, VKW_E_VULKAN, "'%s' does not offer %s", out->info.name,
                                 list[i]);
                    goto cleanup;
                }
                continue;
            }
            if (vkw_device_has_enabled(out, list[i]) || out->enabled_extension_count >= MAX_ENABLED)
                continue;
            snprintf(out->enabled_extensions[out->enabled_extension_count], VKW_NAME_LEN, "%s",
                     list[i]);
            names[out->enabled_extension_count] =
                out->enabled_extensions[out->enabled_extension_count];
            out->enabled_extension_count++;
        }
    }

    /* Two queues where the family has them: two threads of one process can
     * then each own one (the GPU-only chain needs that). */
    float priorities[2] = {1.0f, 1.0f};
    VkDeviceQueueCreateInfo qci = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
        .queueFamilyIndex = out->queue_family,
        .queueCount = family_queues > 1 ? 2 : 1,
        .pQueuePriorities = priorities,
    };
    /* Timeline semaphores: core in 1.2, else VK_KHR_timeline_semaphore. */
    VkPhysicalDeviceTimelineSemaphoreFeatures tl = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES,
    };
    vkw_pd11_table fn;
    vkw_instance_pd11_table(inst, out->info.api_version, &fn);
    if (fn.vkGetPhysicalDeviceFeatures2 &&
        (out->info.api_version >= VK_API_VERSION_1_2 ||
         vkw_device_has_enabled(out, "VK_KHR_timeline_semaphore"))) {
        VkPhysicalDeviceFeatures2 f2 = {
            .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
            .pNext = &tl,
        };
        fn.vkGetPhysicalDeviceFeatures2(pd, &f2);
    }
    out->timeline = tl.timelineSemaphore == VK_TRUE;
    VkDeviceCreateInfo dci = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
        .pNext = out->timeline ? &tl : NULL,
        .queueCreateInfoCount = 1,
        .pQueueCreateInfos = &qci,
        .enabledExtensionCount = out->enabled_extension_count,
        .ppEnabledExtensionNames = names,
    };
    r = inst->vkCreateDevice(pd, &dci, NULL, &out->handle);
    if (r != VK_SUCCESS) {
        out->handle = VK_NULL_HANDLE;
        s = vkw_fail_vk(err, r, "vkCreateDevice", "'%s'", out->info.name);
        goto cleanup;
    }

#define LOAD_DEVICE(fn)                                                                   \
    out->fn = (PFN_##fn)inst->vkGetDeviceProcAddr(out->handle, #fn);                      \
    if (!out->fn) {                                                                       \
        s = vkw_fail(err, VKW_E_VULKAN, "'%s' does not provide %s", out->info.name, #fn); \
        goto cleanup;                                                                     \
    }
    VKW_DEVICE_FUNCTIONS(LOAD_DEVICE)
#undef LOAD_DEVICE
#define LOAD_OPTIONAL(fn) out->fn = (PFN_##fn)inst->vkGetDeviceProcAddr(out->handle, #fn);
    VKW_DEVICE_OPTIONAL_FUNCTIONS(LOAD_OPTIONAL)
#undef LOAD_OPTIONAL

    out->vkGetDeviceQueue(out->handle, out->queue_family, 0, &out->queue);
    if (qci.queueCount > 1)
        out->vkGetDeviceQueue(out->handle, out->queue_family, 1, &out->queue2);
    if (out->timeline) {
        const char *suffix = out->info.api_version >= VK_API_VERSION_1_2 ? "" : "KHR";
        char name[64];
        snprintf(name, sizeof name, "vkSignalSemaphore%s", suffix);
        out->signal_semaphore = (PFN_vkSignalSemaphore)inst->vkGetDeviceProcAddr(out->handle, name);
        snprintf(name, sizeof name, "vkWaitSemaphores%s", suffix);
        out->wait_semaphores = (PFN_vkWaitSemaphores)inst->vkGetDeviceProcAddr(out->handle, name);
        out->timeline = out->signal_semaphore && out->wait_semaphores;
    }
    VkCommandPoolCreateInfo pci = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
        .flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT,
        .queueFamilyIndex = out->queue_family,
    };
    r = out->vkCreateCommandPool(out->handle, &pci, NULL, &out->pool);
    if (r != VK_SUCCESS) {
        out->pool = VK_NULL_HANDLE;
        s = vkw_fail_vk(err, r, "vkCreateCommandPool", "'%s'", out->info.name);
        goto cleanup;
    }
    VkCommandBufferAllocateInfo cai = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
        .commandPool = out->pool,
        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
        .commandBufferCount = 1,
    };
    r = out->vkAllocateCommandBuffers(out->handle, &cai, &out->cmd);
    if (r != VK_SUCCESS) {
        s = vkw_fail_vk(err, r, "vkAllocateCommandBuffers", "'%s'", out->info.name);
        goto cleanup;
    }
    VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    r = out->vkCreateFence(out->handle, &fci, NULL, &out->fence);
    if (r != VK_SUCCESS) {
        out->fence = VK_NULL_HANDLE;
        s = vkw_fail_vk(err, r, "vkCreateFence", "'%s'", out->info.name);
        goto cleanup;
    }
    free(exts);
    return VKW_OK;

cleanup:
    free(exts);
    vkw_device_destroy(out);
    return s;
}

void vkw_device_destroy(vkw_device *dev)
{
    if (dev->handle && !dev->wedged) {
        if (dev->vkDeviceWaitIdle)
            dev->vkDeviceWaitIdle(dev->handle);
        if (dev->fence)
            dev->vkDestroyFence(dev->handle, dev->fence, NULL);
        /* Destroying the pool frees its command buffer. */
        if (dev->pool)
            dev->vkDestroyCommandPool(dev->handle, dev->pool, NULL);
        if (dev->vkDestroyDevice)
            dev->vkDestroyDevice(dev->handle, NULL);
    }
    memset(dev, 0, sizeof *dev);
}

bool vkw_device_has_enabled(const vkw_device *dev, const char *extension)
{
    for (uint32_t i = 0; i < dev->enabled_extension_count; i++)
        if (strcmp(dev->enabled_extensions[i], extension) == 0)
            return true;
    return false;
}

VkResult vkw_wait_in_slices(vkw_wait_fn wait, void *user, uint64_t timeout_ns, bool *stopped)
{
    const uint64_t slice = (uint64_t)VKW_STOP_POLL_MS * 1000000u;
    *stopped = false;
    VkResult r = wait(user, timeout_ns < slice ? timeout_ns : slice);
    if (r != VK_TIMEOUT || timeout_ns <= slice)
        return r;
    uint64_t deadline = vkw_clock_ns() - slice + timeout_ns;
    for (;;) {
        if (vkw_stop_requested() != VKW_STOP_NONE) {
            *stopped = true;
            return VK_TIMEOUT;
        }
        uint64_t now = vkw_clock_ns();
        if (now >= deadline)
            return VK_TIMEOUT;
        uint64_t left = deadline - now;
        r = wait(user, left < slice ? left : slice);
        if (r != VK_TIMEOUT)
            return r;
    }
}

typedef struct fence_wait {
    vkw_device *dev;
    VkFence fence;
} fence_wait;

static VkResult wait_fence(void *user, uint64_t ns)
{
    fence_wait *w = user;
    return w->dev->vkWaitForFences(w->dev->handle, 1, &w->fence, VK_TRUE, ns);
}

VkResult vkw_device_wait_fence(vkw_device *dev, VkFence fence, uint64_t timeout_ns, bool *stopped)
{
    return vkw_wait_in_slices(wait_fence, &(fence_wait){dev, fence}, timeout_ns, stopped);
}

vkw_status vkw_device_submit_wait(vkw_device *dev, vkw_record_fn record, void *user,
                                  uint64_t timeout_ns, const char *what, vkw_error *err)
{
    return vkw_device_submit_wait_chained(dev, record, user, NULL, timeout_ns, what, err);
}

vkw_status vkw_device_submit_wait_chained(vkw_device *dev, vkw_record_fn record, void *user,
                                          const void *next, uint64_t timeout_ns, const char *what,
                                          vkw_error *err)
{
    if (dev->wedged)
        return vkw_fail(err, VKW_E_TIMEOUT,
                        "%s not submitted: an earlier submission never "
                        "finished",
                        what);
    VkResult r = dev->vkResetCommandPool(dev->handle, dev->pool, 0);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkResetCommandPool", "%s", what);
    VkCommandBufferBeginInfo bi = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
    };
    r = dev->vkBeginCommandBuffer(dev->cmd, &bi);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkBeginCommandBuffer", "%s", what);
    record(dev, dev->cmd, user);
    r = dev->vkEndCommandBuffer(dev->cmd);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkEndCommandBuffer", "%s", what);
    r = dev->vkResetFences(dev->handle, 1, &dev->fence);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkResetFences", "%s", what);
    VkSubmitInfo si = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
        .pNext = next,
        .commandBufferCount = 1,
        .pCommandBuffers = &dev->cmd,
    };
    r = dev->vkQueueSubmit(dev->queue, 1, &si, dev->fence);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkQueueSubmit", "%s", what);
    bool stopped = false;
    r = vkw_device_wait_fence(dev, dev->fence, timeout_ns, &stopped);
    if (stopped) {
        dev->wedged = true; /* the copy may still run: nothing it uses is freed */
        return vkw_stop_check(err);
    }
    if (r == VK_TIMEOUT) {
        /* vkDeviceWaitIdle has no timeout: waiting the GPU out could hang the
         * tool with it. What the queue holds stays allocated instead. */
        dev->wedged = true;
        return vkw_fail(err, VKW_E_TIMEOUT,
                        "%s did not finish within %.1f s (the GPU is hung "
                        "or far too slow; its resources are left to the process's exit)",
                        what, (double)timeout_ns / 1e9);
    }
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkWaitForFences", "%s", what);
    return VKW_OK;
}

void vkw_device_identity_of(const vkw_device_info *info, vkw_device_identity *out)
{
    memset(out, 0, sizeof *out);
    memcpy(out->device_uuid, info->device_uuid, VK_UUID_SIZE);
    memcpy(out->driver_uuid, info->driver_uuid, VK_UUID_SIZE);
    memcpy(out->device_luid, info->device_luid, VK_LUID_SIZE);
    out->luid_valid = info->device_luid_valid;
}

vkw_status vkw_device_find(const vkw_instance *inst, const vkw_device_identity *id,
                           VkPhysicalDevice *out, bool *luid_matched, vkw_error *err)
{
    VkPhysicalDevice pds[16];
    uint32_t n = 16;
    *luid_matched = false;
    VkResult r = inst->vkEnumeratePhysicalDevices(inst->handle, &n, pds);
    if (r != VK_SUCCESS && r != VK_INCOMPLETE)
        return vkw_fail_vk(err, r, "vkEnumeratePhysicalDevices", "finding the parent's device");
    if (n > 16)
        n = 16;
    char seen[320] = "";
    size_t used = 0;
    for (uint32_t i = 0; i < n; i++) {
        vkw_device_info info;
        vkw_device_info_read(inst, pds[i], &info);
        bool luid = id->luid_valid && info.device_luid_valid;
        if (memcmp(info.device_uuid, id->device_uuid, VK_UUID_SIZE) == 0 &&
            memcmp(info.driver_uuid, id->driver_uuid, VK_UUID_SIZE) == 0 &&
            (!luid || memcmp(info.device_luid, id->device_luid, VK_LUID_SIZE) == 0)) {
            *out = pds[i];
            *luid_matched = luid;
            return VKW_OK;
        }
        char du[40];
        vkw_uuid_string(info.device_uuid, VK_UUID_SIZE, du, sizeof du);
        int k = snprintf(seen + used, sizeof seen - used, "%s%s %s", i ? ", " : "", info.name, du);
        if (k > 0 && (size_t)k < sizeof seen - used)
            used += (size_t)k;
    }
    char want[40], luid[24] = "";
    vkw_uuid_string(id->device_uuid, VK_UUID_SIZE, want, sizeof want);
    if (id->luid_valid)
        vkw_uuid_string(id->device_luid, VK_LUID_SIZE, luid, sizeof luid);
    return vkw_fail(err, VKW_E_NO_DEVICE_MATCH,
                    "no device here has deviceUUID %s with the same driverUUID%s%s (devices: %s)",
                    want, id->luid_valid ? " and deviceLUID " : "", luid, n ? seen : "none");
}

vkw_status vkw_device_memory_in_use(const vkw_instance *inst, VkPhysicalDevice pd, uint64_t *out,
                                    vkw_error *err)
{
    *out = 0;
    uint32_t n = 0;
    VkResult r = inst->vkEnumerateDeviceExtensionProperties(pd, NULL, &n, NULL);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkEnumerateDeviceExtensionProperties", "memory budget");
    VkExtensionProperties *exts = calloc(n ? n : 1, sizeof *exts);
    if (!exts)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory listing device extensions");
    r = inst->vkEnumerateDeviceExtensionProperties(pd, NULL, &n, exts);
    bool offered = false;
    for (uint32_t i = 0; r == VK_SUCCESS && i < n; i++)
        offered |= strcmp(exts[i].extensionName, VK_EXT_MEMORY_BUDGET_EXTENSION_NAME) == 0;
    free(exts);
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkEnumerateDeviceExtensionProperties", "memory budget");
    if (!offered)
        return vkw_fail(err, VKW_E_UNSUPPORTED, "the device does not offer %s",
                        VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
    PFN_vkGetPhysicalDeviceMemoryProperties2 props2 = NULL;
    if (inst->api_version >= VK_API_VERSION_1_1)
        props2 = (PFN_vkGetPhysicalDeviceMemoryProperties2)inst->loader->gipa(
            inst->handle, "vkGetPhysicalDeviceMemoryProperties2");
    if (!props2 && vkw_instance_has_extension(inst, "VK_KHR_get_physical_device_properties2"))
        props2 = (PFN_vkGetPhysicalDeviceMemoryProperties2)inst->loader->gipa(
            inst->handle, "vkGetPhysicalDeviceMemoryProperties2KHR");
    if (!props2)
        return vkw_fail(err, VKW_E_UNSUPPORTED,
                        "the instance has no vkGetPhysicalDeviceMemoryProperties2");
    VkPhysicalDeviceMemoryBudgetPropertiesEXT budget = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT,
    };
    VkPhysicalDeviceMemoryProperties2 mp = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2,
        .pNext = &budget,
    };
    props2(pd, &mp);
    for (uint32_t i = 0; i < mp.memoryProperties.memoryHeapCount && i < VK_MAX_MEMORY_HEAPS; i++)
        if (mp.memoryProperties.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)
            *out += budget.heapUsage[i];
    return VKW_OK;
}
