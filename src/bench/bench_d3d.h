/* The bench's Direct3D exporter (--exporter d3d11|d3d12, bench_d3d.c): its
 * plan, its device, and one cycle of a scenario. Inside libvkw only. */
#ifndef VKW_BENCH_D3D_H
#define VKW_BENCH_D3D_H

#include "session.h"

/* The handle types the API exports (of those --handle-types asks for), each
 * in its one scenario kind (textures image-copy, the rest buffer-copy) at
 * every size; a type asked for that the API does not export, or whose kind
 * --scenarios leaves out, is listed untested with the reason. */
vkw_status vkw_bench_d3d_plan(bench_ctx *c, vkw_error *err);

/* Opens the API on the adapter (--d3d-adapter, else the one whose LUID is
 * the device's valid deviceLUID) into c->d3d; c->b->exporter says on what,
 * or why not (then every scenario is skipped with that reason). */
void vkw_bench_d3d_open(bench_ctx *c, const vkw_device_report *dr);

/* One cycle: make the object, write the parent's pattern through the API,
 * export the handle, have the child import it into Vulkan, check it and
 * write its own, read that back through the API. samples: by vkw_phase.
 * VKW_E_UNSUPPORTED (a skip) where the API refuses the handle or Vulkan on
 * this device cannot import it, with the refusal. */
vkw_status vkw_bench_d3d_iteration(bench_ctx *c, vkw_memory_scenario *sc, uint32_t it,
                                   uint64_t parent_seed, uint64_t child_seed, bool warmup,
                                   const char *when, double *samples, vkw_error *err);

#endif
