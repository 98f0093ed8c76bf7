/* The parent's session with its child process, shared by the memory half
 * (bench.c) and the round-trip half (bench_sync.c): starting the child and
 * stopping it, one request and its reply, and the child's failure. */
#include "session.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void vkw_bench_progress(bench_ctx *c, const char *step, const char *fmt, ...)
{
    if (!c->opts->progress)
        return;
    char detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    /* The step that runs is one of the total: never past it. */
    uint32_t total = c->steps_total > c->steps_done ? c->steps_total : c->steps_done + 1;
    c->opts->progress(c->opts->progress_user, c->steps_done, total, step, detail);
}

/* The child stopped answering or broke the protocol: find out how it ended
 * (killing it if it still runs) and say what it was doing. */
vkw_status vkw_bench_child_failed(bench_ctx *c, vkw_status why, vkw_error *err)
{
    vkw_bench_report *b = c->b;
    c->child_failed = true;
    if (why == VKW_E_INTERRUPTED) {
        /* Stopped, not failed: the child is killed and reaped, the stop
         * request's message stays the run's. */
        vkw_child_kill(c->child, &b->child_end);
        return why;
    }
    if (why == VKW_E_PEER_GONE) {
        vkw_child_wait(c->child, c->opts->timeout_ms, &b->child_end);
        return vkw_fail(err, VKW_E_CHILD, "the child process (pid %u) ended with %s while %s",
                        b->child_pid, b->child_end.text, b->child_activity);
    }
    char reason[512];
    snprintf(reason, sizeof reason, "%s", err->message);
    vkw_child_kill(c->child, &b->child_end);
    return vkw_fail(err, VKW_E_CHILD, "the child process (pid %u) %s: %s; the parent killed it",
                    b->child_pid,
                    why == VKW_E_TIMEOUT    ? "hung"
                    : why == VKW_E_PROTOCOL ? "broke the protocol"
                                            : "could not be reached",
                    reason);
}

/* One request, one reply (within reply_ms), with the child's failure handled:
 * any failure to send or receive leaves the channel out of step, so it ends
 * the child's part in the bench. */
vkw_status vkw_bench_request(bench_ctx *c, const void *msg, size_t len, const vkw_handle *handles,
                             uint32_t handle_count, vkw_msg_type reply_type, void *reply,
                             size_t reply_len, uint32_t reply_ms, vkw_error *err)
{
    const vkw_msg_header *h = msg;
    vkw_status s = vkw_channel_send(c->ch, msg, len, handles, handle_count, err);
    if (s == VKW_OK)
        s = vkw_msg_recv(c->ch, reply_type | VKW_MSG_REPLY, h->seq, reply, reply_len, NULL, 0,
                         &(uint32_t){0}, reply_ms, c->b->child_activity, err);
    if (s != VKW_OK)
        return vkw_bench_child_failed(c, s, err);
    return VKW_OK;
}

vkw_status vkw_bench_child_handle_count(bench_ctx *c, uint32_t *out, vkw_error *err)
{
    vkw_msg_header q;
    vkw_msg_count_reply rep;
    vkw_msg_init(&q, VKW_MSG_COUNT, ++c->seq, sizeof q);
    snprintf(c->b->child_activity, sizeof c->b->child_activity, "counting its open handles");
    vkw_status s = vkw_bench_request(c, &q, sizeof q, NULL, 0, VKW_MSG_COUNT, &rep, sizeof rep,
                                     c->opts->timeout_ms, err);
    if (s != VKW_OK)
        return s;
    s = vkw_msg_outcome_get(&rep.outcome, err);
    *out = rep.handle_count;
    return s;
}

vkw_status vkw_bench_session_start(bench_ctx *c, vkw_error *err)
{
    vkw_bench_report *b = c->b;
    snprintf(b->child_activity, sizeof b->child_activity, "starting");
    vkw_status s = vkw_child_spawn(&c->child, &c->ch, err);
    if (s != VKW_OK)
        return s;
    b->child_started = true;
    b->child_pid = vkw_child_pid(c->child);

    vkw_msg_hello hello;
    vkw_msg_init(&hello.h, VKW_MSG_HELLO, ++c->seq, sizeof hello);
    snprintf(hello.tool_version, sizeof hello.tool_version, "%s", VKW_TOOL_VERSION);
    snprintf(hello.loader_path, sizeof hello.loader_path, "%s",
             c->opts->loader_path ? c->opts->loader_path : "");
    hello.validate = c->opts->validate;
    hello.timeout_ms = c->opts->timeout_ms;
    hello.importers = c->opts->importers & ~(1u << VKW_IMPORTER_VULKAN);
    vkw_device_identity_of(&c->dev.info, &hello.device);
    vkw_msg_hello_reply rep;
    snprintf(b->child_activity, sizeof b->child_activity, "opening the device");
    s = vkw_bench_request(c, &hello, sizeof hello, NULL, 0, VKW_MSG_HELLO, &rep, sizeof rep,
                          c->opts->timeout_ms, err);
    if (s != VKW_OK)
        return s;
    snprintf(b->child_device_name, sizeof b->child_device_name, "%s", rep.device_name);
    b->child_validation_enabled = rep.validation_enabled != 0;
    b->child_luid_matched = rep.luid_matched != 0;
    s = vkw_msg_outcome_get(&rep.outcome, err);
    if (s != VKW_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", err->message);
        return vkw_fail(err, s == VKW_E_NO_DEVICE_MATCH ? VKW_E_CHILD : s,
                        "the child could not open the device: %s", why);
    }
    /* The other APIs: each opened there, or why not (their scenarios and
     * round trips are skipped with it). */
    for (uint32_t i = 0; i < VKW_IMPORTER_COUNT; i++) {
        vkw_bench_importer *bi = &b->importers[i];
        if (i == VKW_IMPORTER_VULKAN || !(hello.importers & (1u << i)))
            continue;
        bi->asked = true;
        bi->status = (vkw_status)rep.importer[i].status;
        bi->available = bi->status == VKW_OK;
        snprintf(bi->reason, sizeof bi->reason, "%.*s", (int)sizeof rep.importer[i].reason - 1,
                 rep.importer[i].reason);
        bi->info = rep.importer[i].info;
        bi->info.device_name[sizeof bi->info.device_name - 1] = '\0';
        bi->info.version[sizeof bi->info.version - 1] = '\0';
    }
    return VKW_OK;
}

void vkw_bench_session_stop(bench_ctx *c)
{
    vkw_bench_report *b = c->b;
    if (!c->child)
        return;
    if (!c->child_failed && vkw_stop_requested() != VKW_STOP_NONE)
        c->child_failed = true; /* stopping: killed below, and reaped */
    if (!c->child_failed) {
        vkw_msg_header q;
        vkw_msg_quit_reply rep;
        vkw_error err;
        vkw_msg_init(&q, VKW_MSG_QUIT, ++c->seq, sizeof q);
        snprintf(b->child_activity, sizeof b->child_activity, "closing its device");
        vkw_error_clear(&err);
        if (vkw_bench_request(c, &q, sizeof q, NULL, 0, VKW_MSG_QUIT, &rep, sizeof rep,
                              c->opts->timeout_ms, &err) != VKW_OK) {
            snprintf(b->quit_error, sizeof b->quit_error, "%s", err.message);
        } else {
            b->child_validation_errors = rep.validation_errors;
            vkw_debug_log *log = &c->report->debug;
            log->validation_errors += rep.validation_errors;
            log->other_errors += rep.other_errors;
            log->warnings += rep.warnings;
            for (uint32_t i = 0; i < rep.message_count && log->stored < VKW_MAX_MESSAGES; i++) {
                vkw_debug_message *m = &log->messages[log->stored++];
                m->severity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
                m->type = VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT;
                snprintf(m->id, sizeof m->id, "child");
                snprintf(m->text, sizeof m->text, "%.*s", (int)sizeof m->text - 1, rep.messages[i]);
            }
        }
        if (!c->child_failed)
            vkw_child_wait(c->child, c->opts->timeout_ms, &b->child_end);
    }
    if (!b->child_end.ended)
        vkw_child_kill(c->child, &b->child_end);
    vkw_channel_close(c->ch);
    c->ch = NULL;
    vkw_child_free(c->child);
    c->child = NULL;
}

void vkw_bench_nt_name(bench_ctx *c, char *buf, size_t len)
{
    snprintf(buf, len, "Local\\vkwin32h-%u-%u", vkw_platform_process_id(), ++c->names);
}
