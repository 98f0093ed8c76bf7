/* Inside the platform layer: the primitives platform_posix.c and
 * platform_win32.c give to the layer's OS-independent code
 * (platform_common.c, os_pingpong.c), so that what both OSes do alike is
 * written once. Nothing outside src/platform/ includes this header. */
#ifndef VKW_PLATFORM_OS_H
#define VKW_PLATFORM_OS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "platform.h"

/* ---- The child: the OS's half ---------------------------------------------- */

/* What the implementation has recorded of its child: reaped once it has
 * ended (the pid or the process is then no longer waited on). */
typedef struct vkw_child_record {
    bool reaped;
    vkw_child_end end;
} vkw_child_record;
vkw_child_record *vkw_os_child_record(vkw_child *child);

/* Reads "<name><number>" of the child's token at *p (base 10, or 16 in
 * lower case), the number at most max, and moves *p past it; false when the
 * text is not that. */
bool vkw_token_field(const char **p, const char *name, unsigned base, unsigned long long max,
                     unsigned long long *out);

/* Records how the child ended (with vkw_child_end_exited/_signaled/_unknown)
 * once it has, waiting up to wait_ms for that (0: not at all, UINT32_MAX: no
 * limit); killed says it was this process that killed it. True once recorded. */
bool vkw_os_child_reap(vkw_child *child, uint32_t wait_ms, bool killed);

/* Kills the child (SIGKILL, TerminateProcess) and returns what was done, for
 * the end of a child the kill does not end ("SIGKILL sent", "terminated");
 * stuck->signaled and stuck->code say what that end is. */
const char *vkw_os_child_kill(vkw_child *child, vkw_child_end *stuck);

/* How a reaped child ended, as the text reports give. An exit code from
 * 0xC0000000 on reads as an NTSTATUS (0xC0000005: an access violation). */
void vkw_child_end_exited(vkw_child_end *e, bool killed, uint32_t code);
/* name may be NULL: "signal 9" then, else "signal 9 (SIGKILL)". */
void vkw_child_end_signaled(vkw_child_end *e, bool killed, int sig, const char *name);
/* why may be NULL. */
void vkw_child_end_unknown(vkw_child_end *e, bool killed, const char *why);

/* ---- CPUs ------------------------------------------------------------------ */

/* Which of the first cap CPUs this process may run on (sched_getaffinity,
 * GetProcessAffinityMask): allowed[c] for c < *count, *count being as many
 * as the OS's mask holds (at most cap). */
vkw_status vkw_os_cpu_affinity(bool *allowed, uint32_t cap, uint32_t *count, vkw_error *err);

/* ---- A lock and condition variables: vkw_parallel's workers ---------------
 * (platform_common.c). A pthread mutex and condition variables on POSIX, an
 * SRWLOCK and CONDITION_VARIABLEs on Win32, defined by the OS file with their
 * static initialisers: ready before the first call, nothing to create or to
 * release. */
typedef struct vkw_os_lock vkw_os_lock;
typedef struct vkw_os_cond vkw_os_cond;

/* The pool's lock; its workers sleep on work, its callers on done. */
extern vkw_os_lock vkw_os_pool_lock;
extern vkw_os_cond vkw_os_pool_work, vkw_os_pool_done;

void vkw_os_lock_acquire(vkw_os_lock *l);
void vkw_os_lock_release(vkw_os_lock *l);
/* With l held: releases it, sleeps until woken (or spuriously: callers wait
 * in a loop on their condition), and holds it again. */
void vkw_os_cond_wait(vkw_os_cond *c, vkw_os_lock *l);
/* Wakes every thread asleep on c. */
void vkw_os_cond_wake_all(vkw_os_cond *c);

/* ---- The channel: the OS's half ------------------------------------------- */

/* vkw_channel_send and vkw_channel_recv once their arguments are checked
 * (platform_common.c): a message of 1..VKW_CHANNEL_MAX_MESSAGE bytes with at
 * most VKW_CHANNEL_MAX_HANDLES handles; *len and *handle_count start at 0. */
vkw_status vkw_os_channel_send(vkw_channel *ch, const void *msg, size_t len,
                               const vkw_handle *handles, uint32_t handle_count, vkw_error *err);
vkw_status vkw_os_channel_recv(vkw_channel *ch, void *buf, size_t cap, size_t *len,
                               vkw_handle *handles, uint32_t *handle_count, uint32_t timeout_ms,
                               vkw_error *err);

/* ---- OS ping-pong: each kind's signal and wait ---------------------------- */

/* A pipe: one byte written, one byte read (POSIX; VKW_E_UNSUPPORTED on
 * Win32, where vkw_pingpong_kind_available says no pipe). */
vkw_status vkw_os_pipe_create(vkw_handle *read_end, vkw_handle *write_end, vkw_error *err);
vkw_status vkw_os_pipe_signal(vkw_handle write_end, vkw_error *err);
vkw_status vkw_os_pipe_wait(vkw_handle read_end, uint32_t timeout_ms, vkw_error *err);

/* A futex word in a shared section, which only grows: the signal stores
 * round and wakes a waiter, the wait returns once the word has reached round
 * (Linux; VKW_E_UNSUPPORTED elsewhere). */
vkw_status vkw_os_futex_signal(_Atomic uint32_t *word, uint32_t round, vkw_error *err);
vkw_status vkw_os_futex_wait(_Atomic uint32_t *word, uint32_t round, uint32_t timeout_ms,
                             vkw_error *err);

#endif
