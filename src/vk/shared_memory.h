/* One side's view of a piece of memory shared between two processes: the
 * exporter allocates and exports it, the importer imports the handle; both
 * write and read it, by mapping (host-visible memory) or by a GPU copy through
 * a staging buffer (device-local memory). */
#ifndef VKW_SHARED_MEMORY_H
#define VKW_SHARED_MEMORY_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan_core.h>

#include "device.h"
#include "gpu_pattern.h"
#include "handle_types.h"
#include "host_pattern.h"
#include "base/pattern.h"
#include "platform/platform.h"
#include "base/status.h"

typedef enum vkw_resource { VKW_RESOURCE_BUFFER, VKW_RESOURCE_IMAGE } vkw_resource;
typedef enum vkw_access { VKW_ACCESS_MAP, VKW_ACCESS_COPY } vkw_access;

const char *vkw_resource_name(vkw_resource r);
const char *vkw_access_name(vkw_access a);

/* The images shared are 2D, this format, optimal tiling. */
#define VKW_SHARED_IMAGE_FORMAT VK_FORMAT_R32_UINT
#define VKW_SHARED_IMAGE_TEXEL 4u

/* What both sides must agree on to create the same resource and import the
 * same payload (VkImportMemoryFdInfoKHR: for OPAQUE_FD, allocationSize and
 * memoryTypeIndex must match the exporter's). Plain data: it travels. */
typedef struct vkw_memory_desc {
    uint32_t handle_type; /* VkExternalMemoryHandleTypeFlagBits */
    uint32_t resource;    /* vkw_resource */
    uint32_t access;      /* vkw_access */
    uint32_t memory_type_index;
    uint64_t size; /* bytes written and verified (image: width*height*4) */
    uint64_t allocation_size;
    uint32_t dedicated; /* a dedicated allocation (required, or preferred) */
    uint32_t dedicated_required;
    uint32_t image_width, image_height;
    uint32_t usage;       /* VkBufferUsageFlags or VkImageUsageFlags of the resource */
    uint32_t keyed_mutex; /* a D3D11 texture's keyed mutex orders the two sides (below) */
} vkw_memory_desc;

/* The keys of a keyed mutex (VK_KHR_win32_keyed_mutex, IDXGIKeyedMutex)
 * between an exporter that writes first and an importer: the exporter
 * acquires VKW_KM_EXPORTER (0, a new texture's), writes, releases
 * VKW_KM_TO_IMPORTER; the importer's first copy out acquires it, its last
 * copy in releases VKW_KM_TO_EXPORTER, which the exporter acquires to read. */
#define VKW_KM_EXPORTER 0u
#define VKW_KM_TO_IMPORTER 1u
#define VKW_KM_TO_EXPORTER 2u

typedef struct vkw_shared_memory {
    vkw_device *dev; /* not owned */
    const vkw_handle_type *type;
    vkw_memory_desc desc;
    VkMemoryPropertyFlags memory_flags;
    VkBuffer buffer;
    VkImage image;
    VkDeviceMemory memory;
    bool exported;            /* NT handles: at most one export per object and type */
    bool local;               /* this process's own, not exported: never moves to another */
    bool imported;            /* the other process's: its bytes are the other's to write first */
    bool touched;             /* every page was written once (prepare): no first touch is timed */
    bool host_sync_to_device; /* vkw_shared_memory_host_sync's direction, while it records */
    void *map;                /* access MAP: the mapping of `memory` */
    /* access COPY: a host-visible staging buffer */
    VkBuffer staging;
    VkDeviceMemory staging_memory;
    void *staging_map;
    bool staging_coherent;
    uint64_t chunk;         /* copy: the bytes of the resource one ring load holds */
    unsigned char *scratch; /* a piece of the pattern, generated before it is timed */
    size_t scratch_len;
    /* The device's pattern on an image: a device-local buffer of device_chunk
     * bytes the shaders fill and check, copied to and from the image. */
    VkBuffer device_staging;
    VkDeviceMemory device_staging_memory;
    uint64_t device_chunk;
    /* Where the payload is: owned by VK_QUEUE_FAMILY_EXTERNAL between the two
     * processes (released by one, acquired by the other); images travel in
     * VK_IMAGE_LAYOUT_GENERAL. */
    bool external_owned;
    VkImageLayout layout;
} vkw_shared_memory;

/* Exporter: creates the resource with external memory of handle type t
 * (named nt_name where not NULL: a Win32 NT handle type; a buffer fit for
 * the device's pattern, a storage buffer, where device_pattern),
 * allocates exportable memory (dedicated where the driver requires or
 * prefers it) of a type fit for `access`, and binds it. VKW_E_UNSUPPORTED with
 * the reason when the driver cannot (not exportable or importable for this
 * use, no fitting memory type, larger than the heap or the limits, out of
 * device memory). */
vkw_status vkw_shared_memory_create(vkw_device *dev, const vkw_handle_type *t, vkw_resource res,
                                    vkw_access access, uint64_t size, bool device_pattern,
                                    const char *nt_name, vkw_shared_memory *out, vkw_error *err);

/* The same resource as desc's, in memory of the same type, that this
 * process allocates for itself and never exports: what imported memory is
 * measured against (imported vs local). */
vkw_status vkw_shared_memory_create_local(vkw_device *dev, const vkw_handle_type *t,
                                          const vkw_memory_desc *desc, vkw_shared_memory *out,
                                          vkw_error *err);

/* The width and height of the images of `size` bytes that the bench
 * shares (R32_UINT texels, the largest power-of-two width not above the
 * height): D3D11 textures are made to the same. */
void vkw_shared_image_extent(uint64_t size, uint32_t *width, uint32_t *height);

/* Memory that another API made and exported (Direct3D): the desc a Vulkan
 * importer on this device needs for it, from this device's answers for
 * handle type t (importable, the resource's requirements): the resource of
 * `size` bytes (an image: vkw_shared_image_extent's), copy access, a
 * dedicated allocation of the resource's size, except a D3D12 heap: its own
 * size (rounded up to 64 KiB, as D3D12 makes heaps) and not dedicated; a
 * memory type fit for copies, which the importer replaces with one the
 * handle's properties allow (vkGetMemoryWin32HandlePropertiesKHR).
 * VKW_E_UNSUPPORTED with the reason when this device cannot import it. */
vkw_status vkw_shared_memory_describe_foreign(vkw_device *dev, const vkw_handle_type *t,
                                              vkw_resource res, uint64_t size, bool device_pattern,
                                              vkw_memory_desc *desc, vkw_error *err);

/* Exports the memory once; the handle belongs to the caller. */
vkw_status vkw_shared_memory_export(vkw_shared_memory *sm, vkw_handle *out, vkw_error *err);

/* Importer: creates the same resource and imports *handle into it (or the
 * object named nt_name, a Win32 NT name, when not NULL). On success, where
 * import takes ownership (fds), *handle becomes VKW_NO_HANDLE; otherwise
 * (failure, or Win32 handles) the caller still owns and closes it. */
vkw_status vkw_shared_memory_import(vkw_device *dev, const vkw_handle_type *t,
                                    const vkw_memory_desc *desc, vkw_handle *handle,
                                    const char *nt_name, vkw_shared_memory *out, vkw_error *err);

/* The staging ring: copies between device-local memory and the host pass
 * through a host-visible buffer of at most this many bytes, chunk by chunk,
 * so a process holds the object and a bounded constant, whatever its size. */
#define VKW_STAGING_RING_BYTES ((uint64_t)64 << 20)
/* The pattern is generated (untimed) in pieces of at most this many bytes. */
#define VKW_PATTERN_CHUNK_BYTES ((size_t)8 << 20)

/* Where one pass over the memory spent its time. */
typedef struct vkw_memory_times {
    uint64_t host_ns;   /* write: the pattern copied into the mapping or the ring (and flushed);
                           check: the compare of what is read (the host read itself) */
    uint64_t copy_ns;   /* copy access: the GPU copies through the ring with their acquire,
                           release and invalidate; map access: check's invalidate */
    uint64_t device_ns; /* the device's fill or check where the memory is (an image: with
                           its copies to or from the device buffer), with their ownership */
} vkw_memory_times;

/* How a pass writes or checks the pattern. */
typedef struct vkw_memory_method {
    uint32_t threads;     /* host work is split over this many */
    vkw_gpu_pattern *gpu; /* not NULL: the device fills and checks, by compute shaders */
    bool host_check;      /* with gpu: the host checks too, and must find the same */
    bool keep;            /* a write: stays here (no release to the other process) */
} vkw_memory_method;

/* One-time setup, before any write or check: memory this process made is
 * written once by the device (zeros), so that no timed phase pays for the
 * first touch of its pages (lavapipe's memory is the host's: a fresh
 * allocation faults page by page); for the host's passes the
 * mapping (map access) or the staging ring (copy access: at most ring_bytes,
 * 0 for VKW_STAGING_RING_BYTES) and the pattern piece; for the device's on
 * an image, its device buffer. Write and check call it if it was not. */
vkw_status vkw_shared_memory_prepare(vkw_shared_memory *sm, uint64_t ring_bytes,
                                     const vkw_memory_method *how, uint64_t timeout_ns,
                                     vkw_error *err);

/* Writes the pattern of seed (desc.size bytes; byte flip_at inverted, a
 * fault, unless flip_at >= desc.size) and makes it visible to the other
 * process (flush, or release to VK_QUEUE_FAMILY_EXTERNAL): by the host (into
 * the mapping, or the ring and copies), or with how->gpu by the device. */
vkw_status vkw_shared_memory_write_pattern(vkw_shared_memory *sm, uint64_t seed, uint64_t flip_at,
                                           const vkw_memory_method *how, vkw_memory_times *times,
                                           uint64_t timeout_ns, vkw_error *err);

/* Mapped memory shared with another API (CUDA, GL): Vulkan makes host writes
 * available to the device domain only through a queue submission (the host
 * write ordering guarantee of vkQueueSubmit), and device writes visible to
 * the host only through a dependency on HOST_READ and a wait. For an
 * importer that reads and writes with its device, the host's side does
 * both: to_device after its host writes (a barrier from HOST_WRITE), else
 * before its host reads (a barrier to HOST_READ), each submitted and waited
 * for. */
vkw_status vkw_shared_memory_host_sync(vkw_shared_memory *sm, bool to_device, uint64_t timeout_ns,
                                       vkw_error *err);

/* Makes what the other process wrote readable here (acquire; invalidate, or
 * copies through the ring) and checks it holds the pattern of seed: by the
 * host, or with how->gpu by the device (and the host as well with
 * how->host_check: VKW_E_SHARING when the two disagree). *matches, else *mm
 * names the first difference. */
vkw_status vkw_shared_memory_check_pattern(vkw_shared_memory *sm, uint64_t seed,
                                           const vkw_memory_method *how, bool *matches,
                                           vkw_mismatch *mm, vkw_memory_times *times,
                                           uint64_t timeout_ns, vkw_error *err);

/* Frees everything; the device must be idle for this memory (it is, after
 * every call above returns). */
void vkw_shared_memory_destroy(vkw_shared_memory *sm);

#endif
