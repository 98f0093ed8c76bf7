#include "args.h"

#include <stdio.h>
#include <string.h>

static vkw_command command_named(const char *s)
{
    if (strcmp(s, "probe") == 0)
        return VKW_CMD_PROBE;
    if (strcmp(s, "help") == 0)
        return VKW_CMD_HELP;
    if (strcmp(s, "version") == 0)
        return VKW_CMD_VERSION;
    return VKW_CMD_NONE;
}

/* "--opt VALUE" or "--opt=VALUE"; advances *i past a separate value. */
static bool take_value(int argc, char **argv, int *i, const char *opt, const char **value,
                       char *msg, size_t len)
{
    const char *a = argv[*i];
    size_t n = strlen(opt);
    if (a[n] == '=') {
        *value = a + n + 1;
    } else if (*i + 1 < argc) {
        *value = argv[++*i];
    } else {
        snprintf(msg, len, "option '%s' needs a value", opt);
        return false;
    }
    if (!**value) {
        snprintf(msg, len, "option '%s' needs a non-empty value", opt);
        return false;
    }
    /* "--json --quiet" is a forgotten value, not a file named "--quiet". */
    if ((*value)[0] == '-' && (*value)[1] != '\0' && a[n] != '=') {
        snprintf(msg, len, "option '%s' needs a value, got the option '%s'", opt, *value);
        return false;
    }
    return true;
}

static bool is_opt(const char *arg, const char *opt)
{
    size_t n = strlen(opt);
    return strncmp(arg, opt, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

bool vkw_args_parse(int argc, char **argv, vkw_args *out, char *msg, size_t len)
{
    memset(out, 0, sizeof *out);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            out->help_topic = out->command;
            out->command = VKW_CMD_HELP;
            return true;
        } else if (strcmp(a, "--version") == 0) {
            out->command = VKW_CMD_VERSION;
            return true;
        } else if (is_opt(a, "--json")) {
            if (!take_value(argc, argv, &i, "--json", &out->json_path, msg, len))
                return false;
        } else if (is_opt(a, "--loader")) {
            if (!take_value(argc, argv, &i, "--loader", &out->loader_path, msg, len))
                return false;
        } else if (is_opt(a, "--device")) {
            if (!take_value(argc, argv, &i, "--device", &value, msg, len))
                return false;
            vkw_error err;
            if (vkw_device_filter_parse(value, &out->filter, &err) != VKW_OK) {
                snprintf(msg, len, "%s", err.message);
                return false;
            }
            out->has_device_filter = true;
        } else if (strcmp(a, "--validate") == 0) {
            out->validate = true;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            out->quiet = true;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            out->verbose = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            snprintf(msg, len, "unknown option '%s' (see 'vkwin32h --help')", a);
            return false;
        } else if (out->command == VKW_CMD_NONE) {
            out->command = command_named(a);
            if (out->command == VKW_CMD_NONE) {
                snprintf(msg, len, "unknown command '%s' (commands: probe, help, version)", a);
                return false;
            }
        } else if (out->command == VKW_CMD_HELP && out->help_topic == VKW_CMD_NONE) {
            out->help_topic = command_named(a);
            if (out->help_topic == VKW_CMD_NONE) {
                snprintf(msg, len, "no help for unknown command '%s'", a);
                return false;
            }
        } else {
            snprintf(msg, len, "unexpected argument '%s'", a);
            return false;
        }
    }
    if (out->command == VKW_CMD_NONE) {
        snprintf(msg, len, "no command given (try 'vkwin32h probe' or 'vkwin32h --help')");
        return false;
    }
    return true;
}

void vkw_print_usage(FILE *f, vkw_command topic)
{
    if (topic == VKW_CMD_PROBE) {
        fputs("usage: vkwin32h probe [--json FILE|-] [--device INDEX|UUID|NAME] [--loader PATH]\n"
              "                      [--validate] [--quiet] [--verbose]\n"
              "\n"
              "Reports every physical device: identity (deviceUUID, driverUUID, deviceLUID,\n"
              "node mask, driver, PCI), queues, memory, and the external memory, semaphore\n"
              "and fence capabilities of every handle type, with a verdict per handle type.\n"
              "\n"
              "  --json FILE   also write the JSON report to FILE ('-': stdout, no text)\n"
              "  --device SEL  only the device with this index, this deviceUUID, or whose\n"
              "                name contains SEL (case-insensitive)\n"
              "  --loader PATH load this Vulkan loader library instead of the system's\n"
              "  --validate    enable VK_LAYER_KHRONOS_validation; its errors fail the run\n"
              "  -q, --quiet   no text output\n"
              "  -v, --verbose full per-case capability tables\n",
              f);
        return;
    }
    fputs("usage: vkwin32h <command> [options]\n"
          "\n"
          "A diagnostic for Vulkan external handles: what this machine's drivers can\n"
          "share between processes.\n"
          "\n"
          "commands:\n"
          "  probe     report devices and their external-handle capabilities\n"
          "  help CMD  help for one command\n"
          "  version   print the version\n"
          "\n"
          "exit codes: 0 ok, 1 internal error, 2 usage, 3 no Vulkan loader, 4 no driver,\n"
          "            5 no device matches --device, 6 report not writable,\n"
          "            7 Vulkan error, 8 validation errors, 9 validation layer missing\n",
          f);
}
