/* The child's side of a stress run: memory imported into slots and kept
 * there until the parent releases it, so that --concurrency objects are in
 * flight between the two processes at once; each import checked and written
 * where the parent asks (--verify-every). */
#include <stdio.h>
#include <string.h>

#include "bench_child.h"
#include "report/stress_report.h"
#include "vk/external.h"

static const vkw_handle_type *memory_type(uint32_t bit)
{
    for (size_t i = 0; i < VKW_MEMORY_HANDLE_TYPE_COUNT; i++)
        if (vkw_memory_handle_types[i].bit == bit)
            return &vkw_memory_handle_types[i];
    return NULL;
}

static uint32_t held(const vkw_child_state *c)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < VKW_STRESS_SLOTS; i++)
        n += c->slot_used[i];
    return n;
}

static void release_slot(vkw_child_state *c, uint32_t i)
{
    if (!c->slot_used[i])
        return;
    vkw_shared_memory_destroy(&c->slot[i]);
    memset(&c->slot[i], 0, sizeof c->slot[i]);
    c->slot_used[i] = false;
}

static void finish(vkw_child_state *c, vkw_msg_stress_reply *rep, vkw_status s, const vkw_error *e)
{
    vkw_msg_outcome_set(&rep->outcome, s, e);
    rep->validation_errors = c->log.validation_errors;
    rep->held = held(c);
}

bool vkw_child_stress_memory(vkw_child_state *c, const vkw_msg_stress_memory *req,
                             vkw_handle attached, vkw_msg_stress_reply *rep)
{
    vkw_error err;
    vkw_error_clear(&err);
    vkw_status s = VKW_OK;
    const vkw_handle_type *t = memory_type(req->desc.handle_type);
    uint64_t timeout_ns = (uint64_t)c->timeout_ms * 1000000u;
    /* Ours from here on: taken by a successful import, else closed once below. */
    vkw_handle handle = attached;
    if (t && vkw_handle_travels_by_value(t)) {
        vkw_handle_close(attached);
        handle = (vkw_handle)req->handle_value;
    }
    if (req->chaos == VKW_CHAOS_DROP + 1u) {
        /* The drop chaos: the request is lost here, and what came with it
         * released; the parent must notice the silence. */
        if (t)
            vkw_external_handle_release(t, handle);
        else
            vkw_handle_close(handle);
        return false;
    }
    if (!t) {
        vkw_handle_close(handle);
        finish(c, rep,
               vkw_fail(&err, VKW_E_PROTOCOL, "unknown memory handle type 0x%x",
                        req->desc.handle_type),
               &err);
        return true;
    }
    if (!c->dev.handle || req->slot >= VKW_STRESS_SLOTS || req->check > VKW_STRESS_CHECK_WRITE ||
        handle == VKW_NO_HANDLE) {
        vkw_external_handle_release(t, handle);
        finish(c, rep,
               vkw_fail(&err, VKW_E_PROTOCOL, "a stress memory request with slot %u, check %u%s%s",
                        req->slot, req->check,
                        c->dev.handle ? "" : ", before the device was opened",
                        handle == VKW_NO_HANDLE ? ", without a handle" : ""),
               &err);
        return true;
    }
    release_slot(c, req->slot);
    if (req->fault == VKW_STRESS_FAULT_LEAK && !vkw_handle_travels_by_value(t)) {
        /* The leak fault: a copy of every handle kept and forgotten, for the
         * trend to find. */
        vkw_handle forgotten;
        if ((s = vkw_handle_duplicate(handle, &forgotten, &err)) != VKW_OK) {
            vkw_external_handle_release(t, handle);
            finish(c, rep, s, &err);
            return true;
        }
    }
    if (req->fault == VKW_STRESS_FAULT_INVALID_USAGE &&
        (s = vkw_memory_break_valid_usage(&c->dev, handle, &err)) != VKW_OK) {
        vkw_external_handle_release(t, handle);
        finish(c, rep, s, &err);
        return true;
    }
    vkw_handle import_value = handle;
    bool stale = req->chaos == VKW_CHAOS_STALE + 1u && !vkw_handle_travels_by_value(t);
    if (stale) {
        /* Closed, then its value imported: a use after close on purpose. */
        import_value = vkw_handle_make_stale(handle);
        handle = VKW_NO_HANDLE;
    }
    vkw_handle_identity identity = {0};
    if (!stale && !vkw_handle_travels_by_value(t))
        vkw_handle_identity_of(handle, &identity);
    vkw_shared_memory *sm = &c->slot[req->slot];
    s = vkw_shared_memory_import(&c->dev, t, &req->desc, &import_value, NULL, sm, &err);
    if (stale) {
        if (s == VKW_OK) {
            vkw_shared_memory_destroy(sm);
            memset(sm, 0, sizeof *sm);
            s = vkw_fail(&err, VKW_E_SHARING,
                         "the driver imported a handle that had been closed (%s)", t->name);
        }
        finish(c, rep, s, &err);
        return true;
    }
    if (import_value == VKW_NO_HANDLE)
        handle = VKW_NO_HANDLE; /* taken */
    if (s != VKW_OK) {
        if (handle != VKW_NO_HANDLE && !vkw_handle_travels_by_value(t) &&
            !vkw_handle_is_still(handle, &identity)) {
            rep->driver_closed = 1; /* never ours to close again */
            handle = VKW_NO_HANDLE;
        }
        vkw_external_handle_release(t, handle);
        finish(c, rep, s, &err);
        return true;
    }
    vkw_external_handle_release(t, handle); /* a Win32 handle the import did not take */
    c->slot_used[req->slot] = true;
    vkw_memory_method how = {.threads = 1};
    if (req->check != VKW_STRESS_IMPORT_ONLY) {
        vkw_memory_times times;
        bool ok = false;
        s = vkw_shared_memory_check_pattern(sm, req->parent_seed, &how, &ok, &rep->mismatch, &times,
                                            timeout_ns, &err);
        rep->verified = s == VKW_OK && ok;
        if (s == VKW_OK && ok && req->check == VKW_STRESS_CHECK_WRITE)
            s = vkw_shared_memory_write_pattern(sm, req->child_seed, UINT64_MAX, &how, &times,
                                                timeout_ns, &err);
    }
    if (s != VKW_OK || req->release)
        release_slot(c, req->slot);
    finish(c, rep, s, &err);
    return true;
}

void vkw_child_stress_release(vkw_child_state *c, uint32_t slot, vkw_msg_stress_reply *rep)
{
    vkw_error err;
    vkw_status s = VKW_OK;
    if (slot == VKW_STRESS_ALL_SLOTS)
        vkw_child_stress_teardown(c);
    else if (slot < VKW_STRESS_SLOTS)
        release_slot(c, slot);
    else
        s = vkw_fail(&err, VKW_E_PROTOCOL, "a release of slot %u, past the last", slot);
    finish(c, rep, s, s == VKW_OK ? NULL : &err);
}

void vkw_child_stress_teardown(vkw_child_state *c)
{
    for (uint32_t i = 0; i < VKW_STRESS_SLOTS; i++)
        release_slot(c, i);
}
