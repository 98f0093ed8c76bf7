/* The validation layer is the oracle of the e2e tests ("no validation error"),
 * so its capture must itself be shown to work: a deliberately invalid call is
 * caught and counted, and a valid one is not. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>

#include "check.h"
#include "vkw.h"

static vkw_loader loader;
static vkw_instance inst;
static vkw_debug_log log_;
static VkPhysicalDevice pd;

static int setup(void)
{
    vkw_error err;
    vkw_instance_options opts = {.enable_validation = true, .log = &log_};
    if (vkw_loader_open(NULL, &loader, &err) != VKW_OK ||
        vkw_instance_create(&loader, &opts, &inst, &err) != VKW_OK) {
        fprintf(stderr, "setup: %s\n", err.message);
        return -1;
    }
    uint32_t n = 1;
    VkResult r = inst.vkEnumeratePhysicalDevices(inst.handle, &n, &pd);
    if ((r != VK_SUCCESS && r != VK_INCOMPLETE) || n == 0) {
        fprintf(stderr, "setup: no physical device\n");
        return -1;
    }
    return 0;
}

static void teardown(void)
{
    if (inst.handle)
        vkw_instance_destroy(&inst);
    if (loader.lib)
        vkw_loader_close(&loader);
}

static void query_buffer(uint32_t handle_type)
{
    VkPhysicalDeviceExternalBufferInfo info = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_BUFFER_INFO,
        .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
        .handleType = (VkExternalMemoryHandleTypeFlagBits)handle_type,
    };
    VkExternalBufferProperties props = {.sType = VK_STRUCTURE_TYPE_EXTERNAL_BUFFER_PROPERTIES};
    inst.core.vkGetPhysicalDeviceExternalBufferProperties(pd, &info, &props);
}

static void validation_capture_counts_a_deliberate_error(void)
{
    CHECK(setup() == 0);
    if (check_failures) {
        teardown();
        return;
    }
    query_buffer(VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT);
    CHECK(log_.validation_errors == 0);
    /* handleType 0 is no valid VkExternalMemoryHandleTypeFlagBits value. */
    query_buffer(0);
    CHECK(log_.validation_errors >= 1);
    int named = 0;
    for (uint32_t i = 0; i < log_.stored; i++)
        named |= strstr(log_.messages[i].id, "handleType") != NULL;
    CHECK(named);
    teardown();
}

static void validation_missing_layer_is_reported(void)
{
    /* With no layer search path the layer cannot be found: the request must
     * fail with VKW_E_NO_LAYER, not silently run unvalidated. */
    setenv("VK_LAYER_PATH", "/nonexistent-vkw-layers", 1);
    setenv("XDG_DATA_DIRS", "/nonexistent-vkw-data", 1);
    setenv("XDG_CONFIG_DIRS", "/nonexistent-vkw-config", 1);
    setenv("HOME", "/nonexistent-vkw-home", 1);
    vkw_error err;
    vkw_debug_log log = {0};
    vkw_instance_options opts = {.enable_validation = true, .log = &log};
    vkw_instance i2;
    CHECK(vkw_loader_open(NULL, &loader, &err) == VKW_OK);
    vkw_status s = vkw_instance_create(&loader, &opts, &i2, &err);
    CHECK(s == VKW_E_NO_LAYER);
    CHECK(strstr(err.message, VKW_VALIDATION_LAYER) != NULL);
    if (s == VKW_OK)
        vkw_instance_destroy(&i2);
    vkw_loader_close(&loader);
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
#define CASE(fn) {#fn, fn}
        CASE(validation_capture_counts_a_deliberate_error),
        CASE(validation_missing_layer_is_reported),
#undef CASE
    };
    return check_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
