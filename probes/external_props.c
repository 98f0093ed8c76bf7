/* Helpers shared by the external-capability probes. */
#include "probe.h"

#include <string.h>

void vkw_props_from_memory(const VkExternalMemoryProperties *p, vkw_external_props *out)
{
    memset(out, 0, sizeof *out);
    out->state = VKW_QUERY_OK;
    out->features = p->externalMemoryFeatures;
    out->exportable = p->externalMemoryFeatures & VK_EXTERNAL_MEMORY_FEATURE_EXPORTABLE_BIT;
    out->importable = p->externalMemoryFeatures & VK_EXTERNAL_MEMORY_FEATURE_IMPORTABLE_BIT;
    out->dedicated_only = p->externalMemoryFeatures & VK_EXTERNAL_MEMORY_FEATURE_DEDICATED_ONLY_BIT;
    out->compatible = p->compatibleHandleTypes;
    out->export_from_imported = p->exportFromImportedHandleTypes;
}

_Static_assert(VK_EXTERNAL_SEMAPHORE_FEATURE_EXPORTABLE_BIT ==
                       (int)VK_EXTERNAL_FENCE_FEATURE_EXPORTABLE_BIT &&
                   VK_EXTERNAL_SEMAPHORE_FEATURE_IMPORTABLE_BIT ==
                       (int)VK_EXTERNAL_FENCE_FEATURE_IMPORTABLE_BIT,
               "semaphore and fence feature bits differ");

void vkw_props_from_sync(uint32_t features, uint32_t compatible, uint32_t export_from_imported,
                         vkw_external_props *out)
{
    memset(out, 0, sizeof *out);
    out->state = VKW_QUERY_OK;
    out->features = features;
    out->exportable = features & VK_EXTERNAL_SEMAPHORE_FEATURE_EXPORTABLE_BIT;
    out->importable = features & VK_EXTERNAL_SEMAPHORE_FEATURE_IMPORTABLE_BIT;
    out->compatible = compatible;
    out->export_from_imported = export_from_imported;
}

void vkw_props_not_applicable(vkw_external_props *out)
{
    memset(out, 0, sizeof *out);
    out->state = VKW_QUERY_NOT_APPLICABLE_OS;
}

bool vkw_props_skip_undefined(const vkw_device_report *dev, const vkw_handle_type *ht,
                              vkw_external_props *out)
{
    if (ht->core_value || vkw_device_has_extension(dev, ht->extension))
        return false;
    vkw_props_skipped(out, "the handle type is defined by a device extension this device "
                           "does not offer");
    return true;
}

void vkw_props_skipped(vkw_external_props *out, const char *reason)
{
    memset(out, 0, sizeof *out);
    out->state = VKW_QUERY_SKIPPED;
    out->reason = reason;
}

void vkw_props_check(vkw_device_report *dev, const char *what, const char *type_name,
                     uint32_t type_bit, const vkw_external_props *p)
{
    if (p->state != VKW_QUERY_OK)
        return;
    /* VkExternalMemoryProperties: compatibleHandleTypes must include at least
     * handleType. Checked only where a feature is reported: drivers answer
     * unsupported types with all zeros, which says nothing wrong. */
    if ((p->exportable || p->importable) && !(p->compatible & type_bit))
        vkw_device_add_anomaly(dev, "%s %s: supported, but compatibleHandleTypes omits %s itself",
                               what, type_name, type_name);
}
