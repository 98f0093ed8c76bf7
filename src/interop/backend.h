/* The seam between the dispatch (importer.c) and each API's implementation:
 * cuda_import.c or cuda_import_none.c, gl_import.c or gl_import_none.c
 * (CMake picks one of each), d3d_import.c (over d3d.h, everywhere). Each function means what its
 * vkw_foreign_* counterpart in importer.h says; the objects are each API's own. */
#ifndef VKW_INTEROP_BACKEND_H
#define VKW_INTEROP_BACKEND_H

#include "d3d.h"
#include "foreign.h"

typedef struct vkw_cuda vkw_cuda;
typedef struct vkw_cuda_memory vkw_cuda_memory;
typedef struct vkw_cuda_sync vkw_cuda_sync;

vkw_status vkw_cuda_open(const uint8_t device_uuid[VK_UUID_SIZE], vkw_cuda **out,
                         vkw_foreign_info *info, vkw_error *err);
void vkw_cuda_close(vkw_cuda *c);
vkw_status vkw_cuda_memory_supported(vkw_cuda *c, const vkw_handle_type *t,
                                     const vkw_memory_desc *desc, vkw_error *err);
vkw_status vkw_cuda_memory_import(vkw_cuda *c, const vkw_handle_type *t,
                                  const vkw_memory_desc *desc, vkw_handle *h, const char *name,
                                  vkw_cuda_memory **out, vkw_error *err);
vkw_status vkw_cuda_memory_check(vkw_cuda_memory *m, uint64_t seed, uint32_t threads, bool *ok,
                                 vkw_mismatch *mm, vkw_foreign_times *t, uint32_t timeout_ms,
                                 vkw_error *err);
vkw_status vkw_cuda_memory_write(vkw_cuda_memory *m, uint64_t seed, uint32_t threads,
                                 vkw_foreign_times *t, uint32_t timeout_ms, vkw_error *err);
vkw_status vkw_cuda_memory_compare(vkw_cuda_memory *m, uint32_t repeats, uint64_t ns[2][2],
                                   uint32_t timeout_ms, vkw_error *err);
void vkw_cuda_memory_release(vkw_cuda_memory *m);
vkw_status vkw_cuda_sync_supported(vkw_cuda *c, vkw_sync_mode mode, const vkw_handle_type *t,
                                   vkw_error *err);
vkw_status vkw_cuda_sync_import(vkw_cuda *c, vkw_sync_mode mode, const vkw_handle_type *t,
                                vkw_handle handles[2], const char *const *names, vkw_pingpong *pp,
                                vkw_cuda_sync **out, vkw_error *err);
vkw_status vkw_cuda_sync_pong(vkw_cuda_sync *s, uint64_t round, uint32_t timeout_ms,
                              vkw_error *err);
void vkw_cuda_sync_release(vkw_cuda_sync *s, bool succeeded, uint32_t timeout_ms);

typedef struct vkw_gl vkw_gl;
typedef struct vkw_gl_memory vkw_gl_memory;
typedef struct vkw_gl_sync vkw_gl_sync;

vkw_status vkw_gl_open(const uint8_t device_uuid[VK_UUID_SIZE],
                       const uint8_t driver_uuid[VK_UUID_SIZE], vkw_gl **out,
                       vkw_foreign_info *info, vkw_error *err);
void vkw_gl_close(vkw_gl *g);
vkw_status vkw_gl_memory_supported(vkw_gl *g, const vkw_handle_type *t, const vkw_memory_desc *desc,
                                   vkw_error *err);
vkw_status vkw_gl_memory_import(vkw_gl *g, const vkw_handle_type *t, const vkw_memory_desc *desc,
                                vkw_handle *h, const char *name, vkw_gl_memory **out,
                                vkw_error *err);
vkw_status vkw_gl_memory_check(vkw_gl_memory *m, uint64_t seed, uint32_t threads, bool *ok,
                               vkw_mismatch *mm, vkw_foreign_times *t, uint32_t timeout_ms,
                               vkw_error *err);
vkw_status vkw_gl_memory_write(vkw_gl_memory *m, uint64_t seed, uint32_t threads,
                               vkw_foreign_times *t, uint32_t timeout_ms, vkw_error *err);
void vkw_gl_memory_release(vkw_gl_memory *m);
vkw_status vkw_gl_sync_supported(vkw_gl *g, vkw_sync_mode mode, const vkw_handle_type *t,
                                 vkw_error *err);
vkw_status vkw_gl_sync_import(vkw_gl *g, vkw_sync_mode mode, const vkw_handle_type *t,
                              vkw_handle handles[2], const char *const *names, vkw_pingpong *pp,
                              vkw_gl_sync **out, vkw_error *err);
vkw_status vkw_gl_sync_pong(vkw_gl_sync *s, uint64_t round, uint32_t timeout_ms, vkw_error *err);
void vkw_gl_sync_release(vkw_gl_sync *s, bool succeeded, uint32_t timeout_ms);

/* Direct3D 11 and 12 (d3d_import.c, over d3d.h): opened on the DXGI
 * adapter whose LUID is the Vulkan device's (device_luid NULL: the device
 * vouches for none); memory is a vkw_d3d_object of d3d.h. */
typedef struct vkw_d3d_importer vkw_d3d_importer;
typedef struct vkw_d3d_sync vkw_d3d_sync;

vkw_status vkw_d3d_import_open(vkw_d3d_api api, const uint8_t *device_luid, vkw_d3d_importer **out,
                               vkw_foreign_info *info, vkw_error *err);
void vkw_d3d_import_close(vkw_d3d_importer *im);
vkw_status vkw_d3d_import_memory_supported(vkw_d3d_importer *im, const vkw_handle_type *t,
                                           const vkw_memory_desc *desc, vkw_error *err);
vkw_status vkw_d3d_import_memory(vkw_d3d_importer *im, const vkw_handle_type *t,
                                 const vkw_memory_desc *desc, vkw_handle *h, const char *name,
                                 vkw_d3d_object **out, vkw_error *err);
vkw_status vkw_d3d_import_memory_check(vkw_d3d_object *m, uint64_t seed, bool *ok, vkw_mismatch *mm,
                                       vkw_foreign_times *t, uint32_t timeout_ms, vkw_error *err);
vkw_status vkw_d3d_import_memory_write(vkw_d3d_object *m, uint64_t seed, vkw_foreign_times *t,
                                       uint32_t timeout_ms, vkw_error *err);
vkw_status vkw_d3d_import_sync_supported(vkw_d3d_importer *im, vkw_sync_mode mode,
                                         const vkw_handle_type *t, vkw_error *err);
vkw_status vkw_d3d_import_sync(vkw_d3d_importer *im, vkw_sync_mode mode, const vkw_handle_type *t,
                               vkw_handle handles[2], const char *const *names, vkw_d3d_sync **out,
                               vkw_error *err);
vkw_status vkw_d3d_import_sync_pong(vkw_d3d_sync *y, uint64_t round, uint32_t timeout_ms,
                                    vkw_error *err);
void vkw_d3d_sync_release(vkw_d3d_sync *y);

#endif
