/* The parent-child protocol of the bench: fixed-layout messages (both ends
 * are the same executable, which the hello checks), one request, one reply. */
#ifndef VKW_PROTOCOL_H
#define VKW_PROTOCOL_H

#include <stdint.h>
#include <vulkan/vulkan_core.h>

#include "vk/device.h"
#include "base/pattern.h"
#include "platform/platform.h"
#include "vk/shared_memory.h"
#include "interop/foreign.h"
#include "base/status.h"
#include "report/bench_report.h"

#define VKW_PROTOCOL_MAGIC 0x31574B56u /* "VKW1" */
#define VKW_PROTOCOL_VERSION 6u

typedef enum vkw_msg_type {
    VKW_MSG_HELLO = 1,      /* parent: who I am, which device; child: which device I opened */
    VKW_MSG_COUNT,          /* parent: how many handles do you hold? */
    VKW_MSG_MEMORY,         /* parent: import this memory (one handle), verify, write back */
    VKW_MSG_QUIT,           /* parent: tear down and tell me what the validation layer said */
    VKW_MSG_SYNC,           /* parent: be the other side of these round trips (handles) */
    VKW_MSG_SYNC_DONE,      /* child, after its reply to SYNC: the round trips are over */
    VKW_MSG_STRESS_MEMORY,  /* parent (stress): import this memory into a slot and keep it */
    VKW_MSG_STRESS_RELEASE, /* parent (stress): release a slot's memory, or every slot's */
    VKW_MSG_REPLY = 0x80,   /* or'ed into the request's type */
} vkw_msg_type;

typedef struct vkw_msg_header {
    uint32_t magic;
    uint16_t version;
    uint16_t type;
    uint32_t seq;  /* the reply echoes the request's */
    uint32_t size; /* of the whole message */
} vkw_msg_header;

typedef struct vkw_msg_hello {
    vkw_msg_header h;
    char tool_version[16];
    char loader_path[1024]; /* "" : the OS default */
    uint32_t validate;
    uint32_t timeout_ms;
    uint32_t importers;         /* bits of vkw_importer: open these other APIs too */
    vkw_device_identity device; /* the device the parent opened */
} vkw_msg_hello;

/* Every reply starts with the outcome of the request. */
typedef struct vkw_msg_outcome {
    int32_t status;    /* vkw_status */
    int32_t vk_result; /* VkResult */
    char message[512];
} vkw_msg_outcome;

typedef struct vkw_msg_hello_reply {
    vkw_msg_header h;
    vkw_msg_outcome outcome;
    char tool_version[16];
    char device_name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE];
    uint32_t validation_enabled; /* VK_LAYER_KHRONOS_validation is on in the child */
    uint32_t luid_matched;       /* its device matched the parent's deviceLUID too */
    /* Each other API asked for: opened on the same device (status VKW_OK),
     * or why not. */
    struct {
        int32_t status; /* vkw_status */
        char reason[256];
        vkw_foreign_info info;
    } importer[VKW_IMPORTER_COUNT];
} vkw_msg_hello_reply;

typedef struct vkw_msg_count_reply {
    vkw_msg_header h;
    vkw_msg_outcome outcome;
    uint32_t handle_count;
} vkw_msg_count_reply;

typedef struct vkw_msg_memory {
    vkw_msg_header h;
    vkw_memory_desc desc;
    uint64_t parent_seed;  /* what the parent wrote */
    uint64_t child_seed;   /* what the child must write back */
    uint64_t sent_ns;      /* the parent's monotonic clock just before sending */
    uint64_t handle_value; /* handles that travel by value (Win32 KMT); else unused */
    char nt_name[64];      /* a named NT handle: import by this name ("" : by handle) */
    uint32_t iteration;
    uint32_t fault;    /* vkw_fault */
    uint32_t threads;  /* host writes and CPU verification */
    uint32_t verify;   /* vkw_verify_method as run: cpu, gpu or both */
    uint32_t compare;  /* measure imported vs local (a timed iteration, the device's pattern) */
    uint32_t importer; /* vkw_importer: the API to import into */
} vkw_msg_memory;

/* A memory request is answered step by step, so that the parent waits at
 * most --timeout for each (every step of the child has at most one wait of
 * its own): the same reply, sent after each step with the next one named. */
typedef enum vkw_memory_step {
    VKW_MEMORY_DONE = 0, /* the answer */
    VKW_MEMORY_LOCAL,    /* local memory measured (or nothing to measure); importing next */
    VKW_MEMORY_IMPORTED, /* imported; reading and verifying the parent's bytes next */
    VKW_MEMORY_VERIFIED, /* verified; writing the child's bytes next */
} vkw_memory_step;

typedef struct vkw_msg_memory_reply {
    vkw_msg_header h;
    uint32_t step; /* vkw_memory_step */
    vkw_msg_outcome outcome;
    uint64_t received_ns; /* the child's monotonic clock (the same clock) on receipt */
    uint64_t import_ns, staging_ns, read_ns, verify_ns, write_ns, copy_in_ns;
    uint64_t gpu_verify_ns, fill_ns; /* the device's check and fill (--verify gpu, both) */
    /* Imported vs local: the best of VKW_IVL_REPEATS runs of each, by
     * [vkw_direction][0: imported, 1: local]; ivl_measured 0: ivl_reason says
     * why not. */
    uint64_t ivl_ns[2][2];
    uint32_t ivl_measured;
    char ivl_reason[160];
    uint64_t peak_resident;     /* the child's peak resident memory so far (bytes); 0: unknown */
    uint32_t memory_type_index; /* the type the child imported as */
    uint32_t verified;          /* the parent's pattern was there */
    uint32_t driver_closed;     /* a failed import: the driver closed the handle it did not own */
    vkw_mismatch mismatch;      /* when it was not */
} vkw_msg_memory_reply;

typedef struct vkw_msg_sync {
    vkw_msg_header h;
    uint32_t mode;        /* vkw_sync_mode */
    int32_t os_kind;      /* OS mode: vkw_os_pingpong_kind */
    uint32_t handle_type; /* Vulkan modes: the semaphore or fence handle type bit */
    uint32_t rounds;      /* round trips the child answers (warm-up included); chain: batches */
    uint32_t timeout_ms;
    int32_t pin_cpu;      /* -1: not pinned */
    uint32_t answer;      /* round trips to answer (fewer than rounds: the lost-signal fault) */
    uint64_t values[2];   /* handles that travel by value (Win32 KMT) */
    char nt_names[2][64]; /* named NT semaphores: import by these names ("" : by handle) */
    uint32_t importer;    /* vkw_importer: the API of the child's side */
} vkw_msg_sync;

/* The reply to SYNC (ready: the child is in its loop) and SYNC_DONE. */
typedef struct vkw_msg_sync_reply {
    vkw_msg_header h;
    vkw_msg_outcome outcome;
    uint32_t validation_errors; /* the child's so far */
} vkw_msg_sync_reply;

/* A stress run's importer keeps what it imports in slots: one per object in
 * flight (--concurrency, at most VKW_STRESS_SLOTS - 1) and one for fan-out. */
#define VKW_STRESS_SLOTS 17u
#define VKW_STRESS_ALL_SLOTS 0xFFFFFFFFu

typedef enum vkw_stress_check {
    VKW_STRESS_IMPORT_ONLY = 0, /* imported and kept, not read */
    VKW_STRESS_CHECK,           /* the parent's bytes checked */
    VKW_STRESS_CHECK_WRITE,     /* checked, then the child's bytes written for the parent */
} vkw_stress_check;

typedef struct vkw_msg_stress_memory {
    vkw_msg_header h;
    vkw_memory_desc desc;
    uint64_t parent_seed, child_seed;
    uint64_t handle_value; /* handles that travel by value (Win32 KMT); else unused */
    uint32_t slot;    /* where it is kept: below VKW_STRESS_SLOTS (what was there goes first) */
    uint32_t check;   /* vkw_stress_check */
    uint32_t release; /* 1: released once checked (fan-out), not kept */
    uint32_t chaos;   /* vkw_chaos_kind + 1 that the child commits (stale, drop); 0: none */
    uint32_t fault;   /* vkw_stress_fault */
} vkw_msg_stress_memory;

typedef struct vkw_msg_stress_release {
    vkw_msg_header h;
    uint32_t slot; /* VKW_STRESS_ALL_SLOTS: every one */
} vkw_msg_stress_release;

/* The reply to STRESS_MEMORY and STRESS_RELEASE. */
typedef struct vkw_msg_stress_reply {
    vkw_msg_header h;
    vkw_msg_outcome outcome;
    uint32_t verified;          /* the parent's pattern was there (check asked) */
    vkw_mismatch mismatch;      /* when it was not */
    uint32_t driver_closed;     /* a failed import: the driver closed the handle it did not own */
    uint32_t validation_errors; /* the child's so far */
    uint32_t held;              /* slots holding memory after this request */
} vkw_msg_stress_reply;

#define VKW_CHILD_MESSAGES 4

typedef struct vkw_msg_quit_reply {
    vkw_msg_header h;
    vkw_msg_outcome outcome;
    uint32_t validation_errors, other_errors, warnings;
    uint32_t message_count;
    char messages[VKW_CHILD_MESSAGES][640];
} vkw_msg_quit_reply;

/* Fills a header for a message of this type and size. */
void vkw_msg_init(vkw_msg_header *h, vkw_msg_type type, uint32_t seq, size_t size);

/* Receives one message of exactly `type`, `seq` and `size` within timeout_ms
 * into buf; up to max_handles handles come with it (others are closed, and so
 * are all of them on failure). */
vkw_status vkw_msg_recv(vkw_channel *ch, vkw_msg_type type, uint32_t seq, void *buf, size_t size,
                        vkw_handle *handles, uint32_t max_handles, uint32_t *handle_count,
                        uint32_t timeout_ms, const char *waiting_for, vkw_error *err);

void vkw_msg_outcome_set(vkw_msg_outcome *o, vkw_status s, const vkw_error *err);
/* Turns a reply's outcome back into a status and error. */
vkw_status vkw_msg_outcome_get(const vkw_msg_outcome *o, vkw_error *err);

#endif
