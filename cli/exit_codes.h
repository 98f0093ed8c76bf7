/* The documented exit codes of vkwin32h (README "Exit codes"). Only cli/
 * turns a status into one of these. */
#ifndef VKW_EXIT_CODES_H
#define VKW_EXIT_CODES_H

#include "check/check.h"
#include "platform/stop.h"
#include "base/status.h"

enum vkw_exit_code {
    VKW_EXIT_OK = 0,
    VKW_EXIT_INTERNAL = 1,        /* a bug or out of host memory */
    VKW_EXIT_USAGE = 2,           /* unknown option, bad value, no command */
    VKW_EXIT_NO_LOADER = 3,       /* the Vulkan loader cannot be loaded */
    VKW_EXIT_NO_DRIVER = 4,       /* the loader found no driver / no physical device */
    VKW_EXIT_NO_DEVICE_MATCH = 5, /* --device matched nothing */
    VKW_EXIT_REPORT_IO = 6,       /* the report cannot be written */
    VKW_EXIT_VULKAN = 7,          /* a Vulkan call failed unexpectedly */
    VKW_EXIT_VALIDATION = 8,      /* the validation layer reported errors */
    VKW_EXIT_NO_LAYER = 9,        /* --validate, but the layer is not installed */
    VKW_EXIT_SHARING = 10,        /* bench: shared bytes differ, a handle leaked, or an import
                                     the driver claims to support failed */
    VKW_EXIT_CHILD = 11,          /* bench: the child process crashed, hung or broke the protocol */
    VKW_EXIT_NOTHING_TO_SHARE =
        12,                   /* bench: the driver exports and imports no handle type asked for */
    VKW_EXIT_REGRESSION = 13, /* compare: the new report is worse */
    /* check (README "Exit codes of check"): 0 every expectation passed, 2 bad
     * usage or config, 1 an internal error or a crashed child, and: */
    VKW_EXIT_EXPECTATION_FAILED = 14, /* an expectation of the config was not met */
    VKW_EXIT_ENVIRONMENT = 15,        /* no loader, driver, layer or matching device; another OS */
    /* bench and check stopped early, with interrupted reports written: */
    VKW_EXIT_DEADLINE = 16, /* --deadline (deadline_s) passed */
    /* stress: */
    VKW_EXIT_STRESS = 17,   /* a leak, a mismatch, an undetected fault, a validation error or a
                               limit of the run broken */
    VKW_EXIT_SIGINT = 130,  /* SIGINT (Ctrl+C; CTRL_C_EVENT on Windows): 128 + 2 */
    VKW_EXIT_SIGTERM = 143, /* SIGTERM (CTRL_BREAK/CTRL_CLOSE_EVENT on Windows): 128 + 15 */
};

/* The exit code of a run that a stop request ended. */
static inline int vkw_exit_code_for_stop(vkw_stop why)
{
    switch (why) {
    case VKW_STOP_INTERRUPT: return VKW_EXIT_SIGINT;
    case VKW_STOP_TERMINATE: return VKW_EXIT_SIGTERM;
    case VKW_STOP_DEADLINE: return VKW_EXIT_DEADLINE;
    case VKW_STOP_NONE: break;
    }
    return VKW_EXIT_INTERNAL;
}

/* check's exit code: one per verdict. */
static inline int vkw_exit_code_for_check(vkw_check_verdict v)
{
    switch (v) {
    case VKW_CHECK_PASSED: return VKW_EXIT_OK;
    case VKW_CHECK_FAILED: return VKW_EXIT_EXPECTATION_FAILED;
    case VKW_CHECK_ENVIRONMENT: return VKW_EXIT_ENVIRONMENT;
    case VKW_CHECK_INTERRUPTED: return vkw_exit_code_for_stop(vkw_stop_requested());
    case VKW_CHECK_ERROR: break;
    }
    return VKW_EXIT_INTERNAL;
}

static inline int vkw_exit_code_for(vkw_status s)
{
    switch (s) {
    case VKW_OK: return VKW_EXIT_OK;
    case VKW_E_NO_LOADER: return VKW_EXIT_NO_LOADER;
    case VKW_E_NO_DRIVER: return VKW_EXIT_NO_DRIVER;
    case VKW_E_NO_DEVICE_MATCH: return VKW_EXIT_NO_DEVICE_MATCH;
    case VKW_E_IO: return VKW_EXIT_REPORT_IO;
    case VKW_E_VULKAN: return VKW_EXIT_VULKAN;
    case VKW_E_NO_LAYER: return VKW_EXIT_NO_LAYER;
    case VKW_E_INVALID_ARG: return VKW_EXIT_USAGE;
    case VKW_E_NO_MEMORY: return VKW_EXIT_INTERNAL;
    case VKW_E_VALIDATION: return VKW_EXIT_VALIDATION;
    case VKW_E_OS: return VKW_EXIT_INTERNAL;
    case VKW_E_SHARING: return VKW_EXIT_SHARING;
    case VKW_E_TIMEOUT:
    case VKW_E_PEER_GONE:
    case VKW_E_PROTOCOL:
    case VKW_E_CHILD: return VKW_EXIT_CHILD;
    case VKW_E_NOTHING_TO_SHARE:
    case VKW_E_UNSUPPORTED: return VKW_EXIT_NOTHING_TO_SHARE;
    case VKW_E_INTERRUPTED: return vkw_exit_code_for_stop(vkw_stop_requested());
    case VKW_E_STRESS: return VKW_EXIT_STRESS;
    }
    return VKW_EXIT_INTERNAL;
}

#endif
