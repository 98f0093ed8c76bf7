/* src/interop/: other APIs on the importing side of a handle. The bench's
 * child imports what the parent exported into CUDA (the driver API, loaded
 * at run time through FFmpeg's nv-codec-headers) or OpenGL (EGL's device
 * platform and desktop GL through libepoxy) instead of Vulkan, checks the
 * parent's bytes, writes its own back, and answers semaphore round trips.
 * May include: src/base, src/platform, src/vk.
 *
 * One interface, one implementation per API (cuda_import.c, gl_import.c),
 * and a *_none.c of each for builds without the headers or library: there
 * every open fails with VKW_E_UNSUPPORTED and the reason. Neither library is
 * linked: a machine without them runs everything else.
 *
 * Ownership, per the seed pages and each API's documentation:
 *   - POSIX fds: a successful import takes the fd (CUDA, GL); a failed one
 *     leaves it with the caller, who closes it once.
 *   - Win32 NT handles: no import takes them; the caller closes them.
 *   - Win32 KMT handles are values: nothing to close.
 * So each import takes `vkw_handle *h` and sets *h = VKW_NO_HANDLE exactly
 * when the API took it; whatever is left in *h is the caller's to release.
 *
 * Errors: every CUDA result and GL error is the driver's answer, named with
 * the call ("cuImportExternalMemory: CUDA_ERROR_INVALID_VALUE",
 * "glBufferStorageMemEXT: GL_OUT_OF_MEMORY") and returned as VKW_E_SHARING
 * for an import or transfer the driver refused, VKW_E_UNSUPPORTED for what
 * the API or driver does not offer (a missing extension, no device with the
 * UUID, a handle type it cannot take); the tool's own failures (host memory,
 * a timeout) keep their own statuses. */
#ifndef VKW_IMPORTER_H
#define VKW_IMPORTER_H

#include "foreign.h"

/* An API's context on one device. */
typedef struct vkw_foreign vkw_foreign;
typedef struct vkw_foreign_memory vkw_foreign_memory;
typedef struct vkw_foreign_sync vkw_foreign_sync;

/* Opens `api` on the device whose UUIDs Vulkan reported: for CUDA the device
 * whose cuDeviceGetUuid is device_uuid; for GL the EGL device whose context
 * lists device_uuid among GL_DEVICE_UUID_EXT and has GL_DRIVER_UUID_EXT
 * equal to driver_uuid; for D3D11 and D3D12 the DXGI adapter whose LUID is
 * device_luid (NULL: the Vulkan device vouches for no LUID). VKW_E_UNSUPPORTED with the reason when
 * the library, the device or the needed extensions are missing. */
vkw_status vkw_foreign_open(vkw_importer api, const uint8_t device_uuid[VK_UUID_SIZE],
                            const uint8_t driver_uuid[VK_UUID_SIZE], const uint8_t *device_luid,
                            vkw_foreign **out, vkw_foreign_info *info, vkw_error *err);
void vkw_foreign_close(vkw_foreign *f); /* NULL is ignored */

/* Whether this API can take memory of this handle type and resource, before
 * any handle is spent: VKW_OK, or VKW_E_UNSUPPORTED with the reason
 * (CUDA: no images, since cuExternalMemoryGetMappedMipmappedArray would need
 * the Vulkan image's opaque layout; GL: no extension for the handle type). */
vkw_status vkw_foreign_memory_supported(vkw_foreign *f, const vkw_handle_type *t,
                                        const vkw_memory_desc *desc, vkw_error *err);

/* Imports the memory desc describes (allocation_size, dedicated, image
 * width and height for textures) as a buffer (CUDA: mapped buffer; GL:
 * glBufferStorageMemEXT) or a texture (GL: glTexStorageMem2DEXT, GL_R32UI,
 * optimal tiling). *h: see "Ownership" above. `name`: a named NT handle
 * (Windows), or NULL. */
vkw_status vkw_foreign_memory_import(vkw_foreign *f, const vkw_handle_type *t,
                                     const vkw_memory_desc *desc, vkw_handle *h, const char *name,
                                     vkw_foreign_memory **out, vkw_error *err);
/* Checks that the first desc->size bytes hold vkw_pattern's bytes for seed,
 * read back through the API in chunks; *ok false and *mm the first
 * difference otherwise. The host generates and compares each chunk over
 * `threads` threads (vk/host_pattern.h; 0 counts as 1). */
vkw_status vkw_foreign_memory_check(vkw_foreign_memory *m, uint64_t seed, uint32_t threads,
                                    bool *ok, vkw_mismatch *mm, vkw_foreign_times *t,
                                    uint32_t timeout_ms, vkw_error *err);
/* Writes the pattern for seed through the API, complete (synchronised) when
 * it returns, so that the other process sees it; the host generates each
 * chunk over `threads` threads. */
vkw_status vkw_foreign_memory_write(vkw_foreign_memory *m, uint64_t seed, uint32_t threads,
                                    vkw_foreign_times *t, uint32_t timeout_ms, vkw_error *err);
/* The API's own copy speed of the imported memory against memory it
 * allocated itself (CUDA: cuMemcpyDtoD to and from a cuMemAlloc'ed buffer
 * of the same size, against cuMemAlloc'ed to cuMemAlloc'ed), the best of
 * `repeats`: ns[direction][0 imported, 1 local], direction as
 * vkw_direction (0 write into the memory, 1 read from it).
 * VKW_E_UNSUPPORTED with the reason where the API has no such measure. */
vkw_status vkw_foreign_memory_compare(vkw_foreign_memory *m, uint32_t repeats, uint64_t ns[2][2],
                                      uint32_t timeout_ms, vkw_error *err);
void vkw_foreign_memory_release(vkw_foreign_memory *m); /* NULL is ignored */

/* Whether this API can be the other side of round trips of `mode` with
 * handle type t: VKW_OK or VKW_E_UNSUPPORTED with the reason. CUDA:
 * host-timeline and queue-timeline (a timeline semaphore waited on and
 * signalled on a stream) and queue-binary; GL: queue-binary
 * (GL_EXT_semaphore_fd). Fences and GPU chains: no. */
vkw_status vkw_foreign_sync_supported(vkw_foreign *f, vkw_sync_mode mode, const vkw_handle_type *t,
                                      vkw_error *err);
/* Imports A (the parent signals, this side waits) and B (this side
 * signals) of type t. handles[i]: see "Ownership" above, each on its own.
 * pp: for queue-binary, the OS pair that orders each wait after its signal's
 * submission (not owned); NULL otherwise. */
vkw_status vkw_foreign_sync_import(vkw_foreign *f, vkw_sync_mode mode, const vkw_handle_type *t,
                                   vkw_handle handles[2], const char *const *names,
                                   vkw_pingpong *pp, vkw_foreign_sync **out, vkw_error *err);
/* The ponger's half of round `round` (1, 2, ...): timeline modes: wait for A
 * to reach round, signal B to round, and return once the API has done both;
 * queue-binary: wait for the OS signal, queue wait A and signal B, OS signal
 * back (as vkw_sync_pong does). Every wait ends at timeout_ms. */
vkw_status vkw_foreign_sync_pong(vkw_foreign_sync *s, uint64_t round, uint32_t timeout_ms,
                                 vkw_error *err);
/* After the round trips: work the API queued must be finished before its
 * semaphores go (succeeded: wait for it, within timeout_ms; else a wait may
 * never be met and the objects are left to the process's end). */
void vkw_foreign_sync_release(vkw_foreign_sync *s, bool succeeded, uint32_t timeout_ms);

#endif
