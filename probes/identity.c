/* Probe: who the device is. deviceUUID and driverUUID decide whether opaque
 * handles can cross between two processes; deviceLUID is how DXGI and D3D12
 * name the same adapter on Windows. */
#include "probe.h"

#include <string.h>

static vkw_status run(const vkw_probe_ctx *ctx, vkw_device_report *dev, vkw_error *err)
{
    (void)err;
    const vkw_instance *inst = ctx->inst;
    uint32_t api = ctx->api_version;

    VkPhysicalDevicePCIBusInfoPropertiesEXT pci = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PCI_BUS_INFO_PROPERTIES_EXT,
    };
    VkPhysicalDeviceDriverProperties driver = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES,
    };
    VkPhysicalDeviceIDProperties id = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES,
    };
    VkPhysicalDeviceProperties2 props = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
    };

    /* Without vkGetPhysicalDeviceProperties2 only the 1.0 properties, which
     * the run already recorded, can be had. */
    if (!ctx->fn.vkGetPhysicalDeviceProperties2)
        return VKW_OK;

    /* Chain only what the device may be asked for (valid usage of pNext).
     * VkPhysicalDeviceIDProperties: core 1.1, or any external capabilities
     * instance extension. */
    void **tail = &props.pNext;
    dev->has_id_properties =
        api >= VK_API_VERSION_1_1 ||
        vkw_instance_has_extension(inst, "VK_KHR_external_memory_capabilities") ||
        vkw_instance_has_extension(inst, "VK_KHR_external_semaphore_capabilities") ||
        vkw_instance_has_extension(inst, "VK_KHR_external_fence_capabilities");
    if (dev->has_id_properties) {
        *tail = &id;
        tail = &id.pNext;
    }
    dev->has_driver_properties =
        api >= VK_API_VERSION_1_2 || vkw_device_has_extension(dev, "VK_KHR_driver_properties");
    if (dev->has_driver_properties) {
        *tail = &driver;
        tail = &driver.pNext;
    }
    dev->has_pci = vkw_device_has_extension(dev, "VK_EXT_pci_bus_info");
    if (dev->has_pci) {
        *tail = &pci;
        tail = &pci.pNext;
    }
    ctx->fn.vkGetPhysicalDeviceProperties2(ctx->pd, &props);

    /* props.properties repeats what the run recorded from the 1.0 query. */
    if (dev->has_id_properties) {
        memcpy(dev->device_uuid, id.deviceUUID, VK_UUID_SIZE);
        memcpy(dev->driver_uuid, id.driverUUID, VK_UUID_SIZE);
        memcpy(dev->device_luid, id.deviceLUID, VK_LUID_SIZE);
        dev->device_luid_valid = id.deviceLUIDValid;
        dev->device_node_mask = id.deviceNodeMask;
        /* The spec ties the node mask to a valid LUID: exactly one bit then. */
        if (id.deviceLUIDValid &&
            (id.deviceNodeMask == 0 || (id.deviceNodeMask & (id.deviceNodeMask - 1)) != 0))
            vkw_device_add_anomaly(dev,
                                   "deviceLUIDValid is true but deviceNodeMask 0x%x is not "
                                   "exactly one bit",
                                   id.deviceNodeMask);
    }
    if (dev->has_driver_properties) {
        dev->driver_id = driver.driverID;
        memcpy(dev->driver_name, driver.driverName, sizeof dev->driver_name);
        dev->driver_name[sizeof dev->driver_name - 1] = '\0';
        memcpy(dev->driver_info, driver.driverInfo, sizeof dev->driver_info);
        dev->driver_info[sizeof dev->driver_info - 1] = '\0';
        dev->conformance = driver.conformanceVersion;
    }
    if (dev->has_pci)
        dev->pci = pci;
    dev->pci.pNext = NULL;
    return VKW_OK;
}

const vkw_probe vkw_probe_identity = {"identity", run};
