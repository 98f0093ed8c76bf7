#include "protocol.h"

#include <stdio.h>
#include <string.h>

void vkw_msg_init(vkw_msg_header *h, vkw_msg_type type, uint32_t seq, size_t size)
{
    memset(h, 0, size);
    h->magic = VKW_PROTOCOL_MAGIC;
    h->version = VKW_PROTOCOL_VERSION;
    h->type = (uint16_t)type;
    h->seq = seq;
    h->size = (uint32_t)size;
}

static const char *type_name(uint32_t type)
{
    switch (type & ~(uint32_t)VKW_MSG_REPLY) {
    case VKW_MSG_HELLO: return "hello";
    case VKW_MSG_COUNT: return "count";
    case VKW_MSG_MEMORY: return "memory";
    case VKW_MSG_QUIT: return "quit";
    case VKW_MSG_SYNC: return "sync";
    case VKW_MSG_SYNC_DONE: return "sync done";
    case VKW_MSG_STRESS_MEMORY: return "stress memory";
    case VKW_MSG_STRESS_RELEASE: return "stress release";
    }
    return "unknown";
}

vkw_status vkw_msg_recv(vkw_channel *ch, vkw_msg_type type, uint32_t seq, void *buf, size_t size,
                        vkw_handle *handles, uint32_t max_handles, uint32_t *handle_count,
                        uint32_t timeout_ms, const char *waiting_for, vkw_error *err)
{
    vkw_handle got[VKW_CHANNEL_MAX_HANDLES];
    uint32_t n = 0;
    size_t len = 0;
    *handle_count = 0;
    vkw_status s = vkw_channel_recv(ch, buf, size, &len, got, &n, timeout_ms, err);
    if (s == VKW_E_TIMEOUT)
        return vkw_fail(err, s, "no answer within %.1f s while %s", timeout_ms / 1000.0,
                        waiting_for);
    if (s == VKW_E_PEER_GONE)
        return vkw_fail(err, s, "the other process went away while %s", waiting_for);
    if (s != VKW_OK)
        return s;
    const vkw_msg_header *h = buf;
    if (len < sizeof *h || h->magic != VKW_PROTOCOL_MAGIC || h->version != VKW_PROTOCOL_VERSION) {
        s = vkw_fail(err, VKW_E_PROTOCOL,
                     "a message that is not vkwin32h protocol %u came while %s (%lu bytes)",
                     VKW_PROTOCOL_VERSION, waiting_for, (unsigned long)len);
    } else if (h->type != (uint16_t)type || h->size != size || len != size) {
        s = vkw_fail(err, VKW_E_PROTOCOL,
                     "expected a %s%s message of %lu bytes while %s, got %s%s of %lu bytes",
                     type_name(type), (type & VKW_MSG_REPLY) ? " reply" : "", (unsigned long)size,
                     waiting_for, type_name(h->type), (h->type & VKW_MSG_REPLY) ? " reply" : "",
                     (unsigned long)len);
    } else if (h->seq != seq) {
        s = vkw_fail(err, VKW_E_PROTOCOL, "the reply to request %u came while %s, %u expected",
                     h->seq, waiting_for, seq);
    } else if (n > max_handles) {
        s = vkw_fail(err, VKW_E_PROTOCOL,
                     "%u handle(s) came with a %s message, at most %u expected", n, type_name(type),
                     max_handles);
    }
    if (s != VKW_OK) {
        for (uint32_t i = 0; i < n; i++)
            vkw_handle_close(got[i]);
        return s;
    }
    for (uint32_t i = 0; i < n; i++)
        handles[i] = got[i];
    *handle_count = n;
    return VKW_OK;
}

void vkw_msg_outcome_set(vkw_msg_outcome *o, vkw_status s, const vkw_error *err)
{
    o->status = (int32_t)s;
    o->vk_result = err ? (int32_t)err->vk_result : 0;
    snprintf(o->message, sizeof o->message, "%s", s != VKW_OK && err ? err->message : "");
}

vkw_status vkw_msg_outcome_get(const vkw_msg_outcome *o, vkw_error *err)
{
    if (o->status == VKW_OK)
        return VKW_OK;
    vkw_status s =
        vkw_fail(err, (vkw_status)o->status, "%.*s", (int)sizeof o->message - 1, o->message);
    if (err)
        err->vk_result = (VkResult)o->vk_result;
    return s;
}
