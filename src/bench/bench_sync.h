/* The round-trip half of a bench: semaphores, fences and OS primitives
 * between the parent and a peer (the child process or a thread), timed. */
#ifndef VKW_BENCH_SYNC_H
#define VKW_BENCH_SYNC_H

#include "base/status.h"
#include "session.h"

/* Runs every round-trip mode the options ask for into c->b->sync. */
vkw_status vkw_bench_sync_run(bench_ctx *c, vkw_error *err);

#endif
