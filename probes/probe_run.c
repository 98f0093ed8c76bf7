/* Runs the probes over the loader, the instance and each physical device. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "base/text_buffer.h"
#include "probe_run.h"

static const vkw_probe *const probes[] = {
    &vkw_probe_extensions,   &vkw_probe_identity,      &vkw_probe_queues,
    &vkw_probe_memory_heaps, &vkw_probe_memory_buffer, &vkw_probe_memory_image,
    &vkw_probe_semaphore,    &vkw_probe_fence,
};
/* The first two identify the device, so the filter can be applied before the rest. */
#define IDENTIFYING_PROBES 2

static vkw_status describe_loader(const vkw_loader *loader, vkw_report *report, vkw_error *err)
{
    VkExtensionProperties *exts = NULL;
    VkLayerProperties *layers = NULL;
    uint32_t ext_count = 0, layer_count = 0;

    report->loader_loaded = true;
    snprintf(report->loader_path, sizeof report->loader_path, "%s", loader->path);
    report->loader_version = loader->version;

    vkw_status s = vkw_loader_list_extensions(loader, &exts, &ext_count, err);
    if (s != VKW_OK)
        return s;
    for (uint32_t i = 0; i < ext_count; i++)
        for (size_t k = 0; k < VKW_INSTANCE_CAP_EXTENSION_COUNT; k++)
            if (strcmp(exts[i].extensionName, vkw_instance_capability_extensions[k]) == 0)
                report->instance_cap_extension_version[k] =
                    exts[i].specVersion ? exts[i].specVersion : 1;
    free(exts);

    s = vkw_loader_list_layers(loader, &layers, &layer_count, err);
    if (s != VKW_OK)
        return s;
    report->layers = calloc(layer_count ? layer_count : 1, sizeof *report->layers);
    if (!report->layers) {
        free(layers);
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory listing layers");
    }
    for (uint32_t i = 0; i < layer_count; i++) {
        vkw_layer_info *l = &report->layers[i];
        snprintf(l->name, sizeof l->name, "%s", layers[i].layerName);
        snprintf(l->description, sizeof l->description, "%s", layers[i].description);
        l->spec_version = layers[i].specVersion;
        l->implementation_version = layers[i].implementationVersion;
    }
    report->layer_count = layer_count;
    free(layers);
    return VKW_OK;
}

static void describe_instance(const vkw_instance *inst, vkw_report *report)
{
    report->instance_created = true;
    report->instance_api_version = inst->api_version;
    report->enabled_extension_count = inst->enabled_extension_count;
    memcpy(report->enabled_extensions, inst->enabled_extensions, sizeof report->enabled_extensions);
    report->enabled_layer_count = inst->enabled_layer_count;
    memcpy(report->enabled_layers, inst->enabled_layers, sizeof report->enabled_layers);
}

static vkw_status list_physical_devices(const vkw_instance *inst, VkPhysicalDevice **out,
                                        uint32_t *count, vkw_error *err)
{
    VkResult r = inst->vkEnumeratePhysicalDevices(inst->handle, count, NULL);
    if (r == VK_ERROR_INITIALIZATION_FAILED || (r == VK_SUCCESS && *count == 0))
        return vkw_fail(err, VKW_E_NO_DRIVER,
                        "the Vulkan loader found no physical device (no "
                        "driver installed, or none that loads)");
    if (r != VK_SUCCESS)
        return vkw_fail_vk(err, r, "vkEnumeratePhysicalDevices", "counting physical devices");
    *out = calloc(*count, sizeof **out);
    if (!*out)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory listing physical devices");
    uint32_t room = *count;
    r = inst->vkEnumeratePhysicalDevices(inst->handle, count, *out);
    if (*count > room) /* more than it was given room for: not believed */
        *count = room;
    if (r != VK_SUCCESS && r != VK_INCOMPLETE) {
        free(*out);
        *out = NULL;
        return vkw_fail_vk(err, r, "vkEnumeratePhysicalDevices", "listing physical devices");
    }
    return VKW_OK;
}

static vkw_status run_probes(const vkw_probe_ctx *ctx, vkw_device_report *dev, size_t first,
                             size_t last, vkw_error *err)
{
    for (size_t i = first; i < last; i++) {
        vkw_status s = probes[i]->run(ctx, dev, err);
        if (s != VKW_OK)
            return s;
    }
    return VKW_OK;
}

static void no_match_message(const vkw_report *report, const VkPhysicalDevice *pds,
                             const vkw_instance *inst, vkw_error *err)
{
    char names[384] = "";
    size_t used = 0;
    for (uint32_t i = 0; i < report->physical_device_count && used < sizeof names; i++) {
        VkPhysicalDeviceProperties p;
        inst->vkGetPhysicalDeviceProperties(pds[i], &p);
        int n =
            snprintf(names + used, sizeof names - used, "%s%u: %s", i ? ", " : "", i, p.deviceName);
        if (n > 0)
            used += (size_t)n;
    }
    char shown[96], listed[sizeof names];
    vkw_fail(err, VKW_E_NO_DEVICE_MATCH, "no device matches '%s' (devices: %s)",
             vkw_text_escape(report->device_filter, shown, sizeof shown),
             vkw_text_escape(names, listed, sizeof listed));
}

vkw_status vkw_probe_run(const vkw_probe_options *opts, vkw_report *report, vkw_error *err)
{
    uint64_t t0 = vkw_clock_ns();
    vkw_loader loader = {0};
    vkw_instance inst = {0};
    VkPhysicalDevice *pds = NULL;
    vkw_device_filter all = {0};
    const vkw_device_filter *filter = opts->filter ? opts->filter : &all;
    vkw_status s;

    snprintf(report->loader_requested, sizeof report->loader_requested, "%s",
             opts->loader_path ? opts->loader_path : vkw_platform_default_loader_name());
    snprintf(report->device_filter, sizeof report->device_filter, "%s", filter->text);
    report->validation_by_environment = vkw_validation_requested_by_environment();
    report->validation_enabled = opts->validate || report->validation_by_environment;

    s = vkw_loader_open(opts->loader_path, &loader, err);
    if (s != VKW_OK)
        goto cleanup;
    s = describe_loader(&loader, report, err);
    if (s != VKW_OK)
        goto cleanup;

    vkw_instance_options io = {
        .enable_validation = opts->validate,
        .require_validation = report->validation_by_environment,
        .log = &report->debug,
    };
    s = vkw_instance_create(&loader, &io, &inst, err);
    if (s != VKW_OK)
        goto cleanup;
    describe_instance(&inst, report);

    s = list_physical_devices(&inst, &pds, &report->physical_device_count, err);
    if (s != VKW_OK)
        goto cleanup;
    report->devices = calloc(report->physical_device_count, sizeof *report->devices);
    if (!report->devices) {
        s = vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory for the device reports");
        goto cleanup;
    }

    for (uint32_t i = 0; i < report->physical_device_count; i++) {
        uint64_t d0 = vkw_clock_ns();
        vkw_device_report *dev = &report->devices[report->device_count];
        memset(dev, 0, sizeof *dev);
        dev->index = i;
        VkPhysicalDeviceProperties base;
        inst.vkGetPhysicalDeviceProperties(pds[i], &base);
        vkw_device_set_base(dev, &base);
        vkw_probe_ctx ctx = {
            .inst = &inst,
            .pd = pds[i],
            .api_version = base.apiVersion < inst.api_version ? base.apiVersion : inst.api_version,
        };
        vkw_instance_pd11_table(&inst, ctx.api_version, &ctx.fn);
        /* Counted before any probe runs, so what a failing probe allocated is freed. */
        report->device_count++;
        s = run_probes(&ctx, dev, 0, IDENTIFYING_PROBES, err);
        if (s != VKW_OK)
            goto cleanup;
        if (!vkw_device_filter_match(filter, i, dev->name,
                                     dev->has_id_properties ? dev->device_uuid : NULL)) {
            report->device_count--;
            continue;
        }
        s = run_probes(&ctx, dev, IDENTIFYING_PROBES, sizeof probes / sizeof probes[0], err);
        if (s == VKW_OK && opts->interop)
            s = vkw_probe_interop.run(&ctx, dev, err);
        if (s != VKW_OK)
            goto cleanup;
        vkw_verdict_compute(dev);
        dev->complete = true;
        dev->probe_ms = (double)(vkw_clock_ns() - d0) / 1e6;
    }
    if (report->device_count == 0) {
        no_match_message(report, pds, &inst, err);
        s = VKW_E_NO_DEVICE_MATCH;
        goto cleanup;
    }
    if (filter->kind == VKW_FILTER_UUID && filter->uuid_prefix_nibbles &&
        report->device_count > 1) {
        char shown[96];
        s = vkw_fail(err, VKW_E_INVALID_ARG,
                     "device selector '%s' begins the deviceUUID of %u devices: give more of it",
                     vkw_text_escape(filter->text, shown, sizeof shown), report->device_count);
        goto cleanup;
    }
    s = opts->d3d ? vkw_probe_d3d(report, err) : VKW_OK;

cleanup:
    free(pds);
    if (inst.handle)
        vkw_instance_destroy(&inst);
    if (loader.lib)
        vkw_loader_close(&loader);
    /* Counted after vkDestroyInstance, which the layer checks too. */
    if (s == VKW_OK && report->validation_enabled && report->debug.validation_errors)
        s = vkw_fail(err, VKW_E_VALIDATION,
                     "the validation layer reported %u error(s); the report lists them",
                     report->debug.validation_errors);
    if (s != VKW_OK)
        vkw_report_set_error(report, err);
    report->total_ms = (double)(vkw_clock_ns() - t0) / 1e6;
    return s;
}
