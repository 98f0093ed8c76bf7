#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_report.h"
#include "stress_report.h"
#include "platform/platform.h"

const char *const vkw_instance_capability_extensions[VKW_INSTANCE_CAP_EXTENSION_COUNT] = {
    "VK_KHR_get_physical_device_properties2",
    "VK_KHR_external_memory_capabilities",
    "VK_KHR_external_semaphore_capabilities",
    "VK_KHR_external_fence_capabilities",
};

const char *const vkw_gl_interop_extensions[VKW_GL_INTEROP_EXTENSION_COUNT] = {
    "GL_EXT_memory_object",     "GL_EXT_memory_object_fd", "GL_EXT_memory_object_win32",
    "GL_EXT_semaphore",         "GL_EXT_semaphore_fd",     "GL_EXT_semaphore_win32",
    "GL_NV_timeline_semaphore",
};

const char *const vkw_d3d_report_api_names[2] = {"D3D11", "D3D12"};

void vkw_report_init(vkw_report *r, const char *command)
{
    memset(r, 0, sizeof *r);
    vkw_platform_utc_now(r->generated_at, sizeof r->generated_at);
    r->os = vkw_platform_os_name();
    snprintf(r->command, sizeof r->command, "%s", command);
}

void vkw_report_free(vkw_report *r)
{
    for (uint32_t i = 0; i < r->device_count; i++)
        free(r->devices[i].queue_families);
    free(r->devices);
    free(r->layers);
    if (r->stress) {
        vkw_stress_report_free(r->stress);
        free(r->stress);
        r->stress = NULL;
    }
    if (r->bench) {
        vkw_bench_report_free(r->bench);
        free(r->bench);
        r->bench = NULL;
    }
    free(r->d3d);
    r->d3d = NULL;
    if (r->source_free)
        r->source_free(r->source);
    r->source = NULL;
    r->source_free = NULL;
    r->devices = NULL;
    r->layers = NULL;
    r->device_count = 0;
    r->layer_count = 0;
}

vkw_os vkw_report_os(const vkw_report *r)
{
    if (!r->os)
        return vkw_platform_os();
    if (strcmp(r->os, "Windows") == 0)
        return VKW_OS_WINDOWS;
    return strcmp(r->os, "Linux") == 0 ? VKW_OS_LINUX : VKW_OS_OTHER_POSIX;
}

void vkw_report_set_error(vkw_report *r, const vkw_error *err)
{
    if (r->status != VKW_OK)
        return;
    r->status = err->status;
    snprintf(r->message, sizeof r->message, "%s", err->message);
}

void vkw_device_set_base(vkw_device_report *dev, const VkPhysicalDeviceProperties *p)
{
    memcpy(dev->name, p->deviceName, sizeof dev->name);
    dev->name[sizeof dev->name - 1] = '\0';
    dev->vendor_id = p->vendorID;
    dev->device_id = p->deviceID;
    dev->type = p->deviceType;
    dev->api_version = p->apiVersion;
    dev->driver_version = p->driverVersion;
}

void vkw_device_add_anomaly(vkw_device_report *dev, const char *fmt, ...)
{
    if (dev->anomaly_count >= sizeof dev->anomalies / sizeof dev->anomalies[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dev->anomalies[dev->anomaly_count++], sizeof dev->anomalies[0], fmt, ap);
    va_end(ap);
}
