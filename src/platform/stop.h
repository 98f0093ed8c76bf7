/* Stop requests: what ends a run early and cleanly: SIGINT or SIGTERM on
 * POSIX, CTRL_C, CTRL_BREAK or CTRL_CLOSE on Win32, or the run's own deadline.
 * Part of the platform layer (platform_posix.c and platform_win32.c implement
 * it; platform.h brings it along), and public: the command line watches for
 * them and maps them to exit codes. The handlers only record the first request
 * (a flag, and a byte written to a self-pipe / an event set: async-signal-
 * safe); every wait of this layer watches for it and returns
 * VKW_E_INTERRUPTED, and the waits above (Vulkan's) poll it at least every
 * VKW_STOP_POLL_MS. A second signal ends the process at once. */
#ifndef VKW_STOP_H
#define VKW_STOP_H

#include <stdint.h>

#include "base/status.h"

typedef enum vkw_stop {
    VKW_STOP_NONE,
    VKW_STOP_INTERRUPT, /* SIGINT, CTRL_C_EVENT */
    VKW_STOP_TERMINATE, /* SIGTERM, CTRL_BREAK_EVENT, CTRL_CLOSE_EVENT */
    VKW_STOP_DEADLINE,  /* the deadline given to vkw_stop_watch passed */
} vkw_stop;

#define VKW_STOP_POLL_MS 100u

/* Installs the handlers (once per process) and, when deadline_ms is not 0,
 * a deadline that many milliseconds from now. A second signal, once a stop
 * was requested, ends the process at once with exit_interrupt (SIGINT,
 * CTRL_C) or exit_terminate (the others). */
vkw_status vkw_stop_watch(uint32_t deadline_ms, int exit_interrupt, int exit_terminate,
                          vkw_error *err);
/* The first stop requested so far (VKW_STOP_NONE: none); one atomic read. */
vkw_stop vkw_stop_requested(void);
/* VKW_E_INTERRUPTED with "interrupted by SIGTERM" (or the deadline) once a
 * stop was requested, else VKW_OK. */
vkw_status vkw_stop_check(vkw_error *err);
/* In the bench's child: the parent decides when it stops (a terminal's ^C
 * or a CI's SIGTERM reaches the whole process group); ignores both. */
void vkw_stop_ignore(void);

#endif
