/* The bench child's refusals, driven through the real channel: this program
 * is its own child ("test_child_protocol __child TOKEN" runs the library's
 * bench child), opens the real device there, and sends it requests that a
 * correct parent never sends. Each must come back as a protocol error, not
 * reach an import. Run under Wine: the Win32 KMT values and NT names. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "check.h"
#include "vk/device.h"
#include "vk/handle_types.h"
#include "vk/instance.h"
#include "platform/platform.h"
#include "bench/protocol.h"
#include "report/report.h"
#include "vk/sync.h"

#define REPLY_MS 60000u /* opening a device under Wine on a loaded machine is slow */

typedef struct parent {
    vkw_child *child;
    vkw_channel *ch;
    uint32_t seq;
} parent;

static const vkw_handle_type *type_named(const vkw_handle_type *table, size_t n, const char *name)
{
    const vkw_handle_type *t = vkw_handle_type_by_name(table, n, name);
    CHECK(t != NULL);
    return t;
}

/* The first device's identity, as the bench's parent sends it. */
static bool first_device(vkw_device_identity *id)
{
    vkw_error err;
    vkw_loader loader;
    vkw_instance inst;
    memset(&loader, 0, sizeof loader);
    memset(&inst, 0, sizeof inst);
    vkw_instance_options io = {0};
    bool ok = false;
    if (vkw_loader_open(NULL, &loader, &err) != VKW_OK) {
        fprintf(stderr, "loader: %s\n", err.message);
        return false;
    }
    if (vkw_instance_create(&loader, &io, &inst, &err) == VKW_OK) {
        uint32_t n = 1;
        VkPhysicalDevice pd = VK_NULL_HANDLE;
        VkResult r = inst.vkEnumeratePhysicalDevices(inst.handle, &n, &pd);
        if ((r == VK_SUCCESS || r == VK_INCOMPLETE) && n == 1) {
            vkw_device_info info;
            vkw_device_info_read(&inst, pd, &info);
            vkw_device_identity_of(&info, id);
            ok = true;
        }
        vkw_instance_destroy(&inst);
    } else {
        fprintf(stderr, "instance: %s\n", err.message);
    }
    vkw_loader_close(&loader);
    return ok;
}

/* One request, its one reply (of reply_size bytes); the reply's outcome,
 * which lies at outcome_at in it. */
static vkw_status ask(parent *p, vkw_msg_header *req, size_t size, vkw_msg_type type, void *reply,
                      size_t reply_size, size_t outcome_at, vkw_error *outcome)
{
    vkw_error err;
    uint32_t nh = 0;
    req->seq = ++p->seq;
    if (vkw_channel_send(p->ch, req, size, NULL, 0, &err) != VKW_OK ||
        vkw_msg_recv(p->ch, (vkw_msg_type)(type | VKW_MSG_REPLY), p->seq, reply, reply_size, NULL,
                     0, &nh, REPLY_MS, "a reply", &err) != VKW_OK) {
        fprintf(stderr, "request %u: %s\n", (unsigned)type, err.message);
        return VKW_E_CHILD;
    }
    const vkw_msg_outcome *o = (const vkw_msg_outcome *)((const char *)reply + outcome_at);
    return vkw_msg_outcome_get(o, outcome);
}

static bool start(parent *p)
{
    vkw_error err;
    memset(p, 0, sizeof *p);
    vkw_msg_hello hello;
    vkw_msg_init(&hello.h, VKW_MSG_HELLO, 0, sizeof hello); /* zeroes all of it */
    if (!first_device(&hello.device))
        return false;
    if (vkw_child_spawn(&p->child, &p->ch, &err) != VKW_OK) {
        fprintf(stderr, "spawn: %s\n", err.message);
        return false;
    }
    snprintf(hello.tool_version, sizeof hello.tool_version, "%s", VKW_TOOL_VERSION);
    hello.timeout_ms = 10000;
    vkw_msg_hello_reply rep;
    vkw_status s = ask(p, &hello.h, sizeof hello, VKW_MSG_HELLO, &rep, sizeof rep,
                       offsetof(vkw_msg_hello_reply, outcome), &err);
    if (s != VKW_OK)
        fprintf(stderr, "hello: %s\n", err.message);
    return s == VKW_OK;
}

/* Quits the child and checks that it ended well: a refusal is an answer,
 * not the child's end. */
static void stop(parent *p)
{
    vkw_error err;
    vkw_msg_header quit;
    vkw_msg_quit_reply rep;
    vkw_msg_init(&quit, VKW_MSG_QUIT, 0, sizeof quit);
    CHECK(ask(p, &quit, sizeof quit, VKW_MSG_QUIT, &rep, sizeof rep,
              offsetof(vkw_msg_quit_reply, outcome), &err) == VKW_OK);
    vkw_child_end end;
    vkw_child_wait(p->child, REPLY_MS, &end);
    CHECK(end.ended && !end.killed_by_parent && end.code == 0);
    vkw_channel_close(p->ch);
    vkw_child_free(p->child);
}

static vkw_status memory_request(parent *p, const char *type, uint64_t value, const char *name,
                                 vkw_error *outcome)
{
    const vkw_handle_type *t =
        type_named(vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT, type);
    vkw_msg_memory m;
    vkw_msg_init(&m.h, VKW_MSG_MEMORY, 0, sizeof m);
    m.desc.handle_type = t ? t->bit : 0;
    m.desc.size = 65536;
    m.desc.allocation_size = 65536;
    m.handle_value = value;
    snprintf(m.nt_name, sizeof m.nt_name, "%s", name);
    vkw_msg_memory_reply rep;
    /* A refused request is answered at once, with step VKW_MEMORY_DONE. */
    vkw_status s = ask(p, &m.h, sizeof m, VKW_MSG_MEMORY, &rep, sizeof rep,
                       offsetof(vkw_msg_memory_reply, outcome), outcome);
    CHECK(s == VKW_OK || rep.step == VKW_MEMORY_DONE);
    return s;
}

static vkw_status sync_request(parent *p, vkw_sync_mode mode, const vkw_handle_type *t, uint64_t a,
                               uint64_t b, const char *name_a, const char *name_b,
                               vkw_error *outcome)
{
    vkw_msg_sync m;
    vkw_msg_init(&m.h, VKW_MSG_SYNC, 0, sizeof m);
    m.mode = mode;
    m.handle_type = t ? t->bit : 0;
    m.rounds = 1;
    m.answer = 1;
    m.timeout_ms = 1000;
    m.pin_cpu = -1;
    m.values[0] = a;
    m.values[1] = b;
    snprintf(m.nt_names[0], sizeof m.nt_names[0], "%s", name_a);
    snprintf(m.nt_names[1], sizeof m.nt_names[1], "%s", name_b);
    vkw_msg_sync_reply rep;
    return ask(p, &m.h, sizeof m, VKW_MSG_SYNC, &rep, sizeof rep,
               offsetof(vkw_msg_sync_reply, outcome), outcome);
}

/* A KMT handle travels as a value; 0 is no handle, for memory and semaphores. */
static void child_refuses_kmt_value_zero(void)
{
    parent p;
    if (!start(&p)) {
        CHECK(!"child started and opened the device");
        return;
    }
    vkw_error o;
    CHECK(memory_request(&p, "OPAQUE_WIN32_KMT", 0, "", &o) == VKW_E_PROTOCOL);
    CHECK(strstr(o.message, "handle value 0") != NULL);
    CHECK(memory_request(&p, "D3D11_TEXTURE_KMT", 0, "", &o) == VKW_E_PROTOCOL);
    CHECK(strstr(o.message, "handle value 0") != NULL);
    const vkw_handle_type *sem =
        type_named(vkw_semaphore_handle_types, VKW_SEMAPHORE_HANDLE_TYPE_COUNT, "OPAQUE_WIN32_KMT");
    CHECK(sync_request(&p, VKW_SYNC_HOST_TIMELINE, sem, 0, 0, "", "", &o) == VKW_E_PROTOCOL);
    CHECK(strstr(o.message, "handle value of 0") != NULL);
    CHECK(sync_request(&p, VKW_SYNC_HOST_TIMELINE, sem, 0x40, 0, "", "", &o) == VKW_E_PROTOCOL);
    const vkw_handle_type *fence =
        type_named(vkw_fence_handle_types, VKW_FENCE_HANDLE_TYPE_COUNT, "OPAQUE_WIN32_KMT");
    CHECK(sync_request(&p, VKW_SYNC_FENCE, fence, 0, 0, "", "", &o) == VKW_E_PROTOCOL);
    stop(&p);
}

/* Names where the type has none (KMT, the D3D memory types) or one name of
 * two: an import would ignore them and take a handle that never came. */
static void child_refuses_names_a_type_cannot_take(void)
{
    parent p;
    if (!start(&p)) {
        CHECK(!"child started and opened the device");
        return;
    }
    vkw_error o;
    CHECK(memory_request(&p, "OPAQUE_WIN32_KMT", 0x40, "Local\\vkwin32h-test-1", &o) ==
          VKW_E_PROTOCOL);
    CHECK(strstr(o.message, "cannot have") != NULL);
    CHECK(memory_request(&p, "D3D12_RESOURCE", 0, "Local\\vkwin32h-test-2", &o) == VKW_E_PROTOCOL);
    CHECK(strstr(o.message, "cannot have") != NULL);
    const vkw_handle_type *sem =
        type_named(vkw_semaphore_handle_types, VKW_SEMAPHORE_HANDLE_TYPE_COUNT, "OPAQUE_WIN32_KMT");
    CHECK(sync_request(&p, VKW_SYNC_HOST_TIMELINE, sem, 0x40, 0x44, "Local\\vkwin32h-test-3",
                       "Local\\vkwin32h-test-4", &o) == VKW_E_PROTOCOL);
    CHECK(strstr(o.message, "cannot take") != NULL);
    const vkw_handle_type *fence_kmt =
        type_named(vkw_fence_handle_types, VKW_FENCE_HANDLE_TYPE_COUNT, "OPAQUE_WIN32_KMT");
    CHECK(sync_request(&p, VKW_SYNC_FENCE, fence_kmt, 0x40, 0x44, "Local\\vkwin32h-test-5",
                       "Local\\vkwin32h-test-6", &o) == VKW_E_PROTOCOL);
    CHECK(strstr(o.message, "cannot take") != NULL);
    /* One name of two, for a type that has names. */
    const vkw_handle_type *fence =
        type_named(vkw_fence_handle_types, VKW_FENCE_HANDLE_TYPE_COUNT, "OPAQUE_WIN32");
    CHECK(sync_request(&p, VKW_SYNC_FENCE, fence, 0, 0, "Local\\vkwin32h-test-7", "", &o) ==
          VKW_E_PROTOCOL);
    stop(&p);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], VKW_CHILD_COMMAND) == 0) {
        vkw_error err;
        if (vkw_bench_child_main(argv[2], &err) != VKW_OK) {
            fprintf(stderr, "child: %s\n", err.message);
            return 70;
        }
        return 0;
    }
    static const check_case cases[] = {
#define CASE(fn) {#fn, fn}
        CASE(child_refuses_kmt_value_zero),
        CASE(child_refuses_names_a_type_cannot_take),
#undef CASE
    };
    return check_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
