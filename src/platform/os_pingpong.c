/* The OS ping-pong, the same on every OS: its two ends, the handles the
 * ponging end is given, and the count of signals each end has given and
 * seen, over each kind's signal and wait (platform_os.h, and the events and
 * sections of platform.h). */
#include "os_pingpong.h"

#include <stdlib.h>

#include "platform_os.h"

/* The futex kind's section: two words, a page. */
#define FUTEX_SECTION 4096u

struct vkw_pingpong {
    vkw_os_pingpong_kind kind;
    bool peer;               /* the ponging end */
    vkw_handle a, b;         /* event(fd): the two events; pipe: this end's A and B ends */
    vkw_handle section;      /* futex */
    void *map;               /* futex: the section's mapping */
    _Atomic uint32_t *words; /* in it: [0] A, [1] B, each the last round signalled */
    uint32_t sent, seen;     /* signals given, and the other end's seen */
};

/* How many handles the ponging end is given. */
static uint32_t peer_handles(vkw_os_pingpong_kind k)
{
    return k == VKW_PINGPONG_FUTEX ? 1 : 2;
}

static vkw_pingpong *pingpong_new(vkw_os_pingpong_kind k, bool peer)
{
    vkw_pingpong *pp = calloc(1, sizeof *pp);
    if (pp) {
        pp->kind = k;
        pp->peer = peer;
        pp->a = pp->b = pp->section = VKW_NO_HANDLE;
    }
    return pp;
}

void vkw_pingpong_free(vkw_pingpong *pp)
{
    if (!pp)
        return;
    vkw_section_unmap(pp->map, FUTEX_SECTION);
    vkw_handle_close(pp->a);
    vkw_handle_close(pp->b);
    vkw_handle_close(pp->section);
    free(pp);
}

static vkw_status map_futex_words(vkw_pingpong *pp, vkw_error *err)
{
    vkw_status s = vkw_section_map(pp->section, FUTEX_SECTION, &pp->map, err);
    pp->words = pp->map;
    return s;
}

/* The pinging end's objects, and duplicates of them for the other end. */
static vkw_status create_objects(vkw_pingpong *pp, vkw_handle *peer, uint32_t *peer_count,
                                 vkw_error *err)
{
    vkw_status s;
    switch (pp->kind) {
    case VKW_PINGPONG_FUTEX:
        s = vkw_section_create(FUTEX_SECTION, &pp->section, err);
        if (s == VKW_OK)
            s = map_futex_words(pp, err);
        if (s == VKW_OK && (s = vkw_handle_duplicate(pp->section, &peer[0], err)) == VKW_OK)
            *peer_count = 1;
        return s;
    case VKW_PINGPONG_PIPE:
        /* Ping writes A and reads B; pong reads A and writes B. */
        s = vkw_os_pipe_create(&peer[0], &pp->a, err);
        if (s == VKW_OK) {
            *peer_count = 1;
            if ((s = vkw_os_pipe_create(&pp->b, &peer[1], err)) == VKW_OK)
                *peer_count = 2;
        }
        return s;
    default: /* two events: eventfds, or Win32 auto-reset events */
        s = vkw_event_create(&pp->a, err);
        if (s == VKW_OK)
            s = vkw_event_create(&pp->b, err);
        if (s == VKW_OK && (s = vkw_handle_duplicate(pp->a, &peer[0], err)) == VKW_OK) {
            *peer_count = 1;
            if ((s = vkw_handle_duplicate(pp->b, &peer[1], err)) == VKW_OK)
                *peer_count = 2;
        }
        return s;
    }
}

vkw_status vkw_pingpong_create(vkw_os_pingpong_kind k, vkw_pingpong **out, vkw_handle *peer,
                               uint32_t *peer_count, vkw_error *err)
{
    *out = NULL;
    *peer_count = 0;
    if (!vkw_pingpong_kind_available(k))
        return vkw_fail(err, VKW_E_UNSUPPORTED, "no %s on %s", vkw_pingpong_kind_name(k),
                        vkw_platform_os_name());
    vkw_pingpong *pp = pingpong_new(k, false);
    if (!pp)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory");
    vkw_status s = create_objects(pp, peer, peer_count, err);
    if (s != VKW_OK) {
        for (uint32_t i = 0; i < *peer_count; i++)
            vkw_handle_close(peer[i]);
        *peer_count = 0;
        vkw_pingpong_free(pp);
        return s;
    }
    *out = pp;
    return VKW_OK;
}

vkw_status vkw_pingpong_open_peer(vkw_os_pingpong_kind k, const vkw_handle *peer,
                                  uint32_t peer_count, vkw_pingpong **out, vkw_error *err)
{
    *out = NULL;
    uint32_t want = peer_handles(k);
    vkw_pingpong *pp = vkw_pingpong_kind_available(k) ? pingpong_new(k, true) : NULL;
    if (!pp || peer_count != want) {
        for (uint32_t i = 0; i < peer_count; i++)
            vkw_handle_close(peer[i]);
        vkw_pingpong_free(pp);
        return pp ? vkw_fail(err, VKW_E_PROTOCOL, "%s ping-pong: %u handle(s), %u expected",
                             vkw_pingpong_kind_name(k), peer_count, want)
                  : vkw_fail(err, VKW_E_UNSUPPORTED, "no %s on %s", vkw_pingpong_kind_name(k),
                             vkw_platform_os_name());
    }
    if (k == VKW_PINGPONG_FUTEX) {
        pp->section = peer[0];
        vkw_status s = map_futex_words(pp, err);
        if (s != VKW_OK) {
            vkw_pingpong_free(pp);
            return s;
        }
    } else {
        /* Events: A and B; pipe: A's read end and B's write end. */
        pp->a = peer[0];
        pp->b = peer[1];
    }
    *out = pp;
    return VKW_OK;
}

/* One signal of ours, or one wait for theirs. Each end counts what it sent
 * and what it saw, so signals and waits can also be used one at a time. The
 * pinging end signals A and waits on B; the ponging end the reverse. */
static vkw_status half_step(vkw_pingpong *pp, bool signal, uint32_t timeout_ms, vkw_error *err)
{
    vkw_status s;
    uint32_t round = (signal ? pp->sent : pp->seen) + 1;
    switch (pp->kind) {
    case VKW_PINGPONG_FUTEX: {
        _Atomic uint32_t *mine = &pp->words[pp->peer ? 1 : 0];
        _Atomic uint32_t *theirs = &pp->words[pp->peer ? 0 : 1];
        s = signal ? vkw_os_futex_signal(mine, round, err)
                   : vkw_os_futex_wait(theirs, round, timeout_ms, err);
        break;
    }
    case VKW_PINGPONG_PIPE: /* a writes, b reads on the pinging end; the reverse on the other */
        s = signal ? vkw_os_pipe_signal(pp->peer ? pp->b : pp->a, err)
                   : vkw_os_pipe_wait(pp->peer ? pp->a : pp->b, timeout_ms, err);
        break;
    default: {
        vkw_handle mine = pp->peer ? pp->b : pp->a, theirs = pp->peer ? pp->a : pp->b;
        s = signal ? vkw_event_signal(mine, err) : vkw_event_wait(theirs, timeout_ms, err);
        break;
    }
    }
    if (s == VKW_OK)
        *(signal ? &pp->sent : &pp->seen) = round;
    return s;
}

vkw_status vkw_pingpong_signal(vkw_pingpong *pp, vkw_error *err)
{
    return half_step(pp, true, 0, err);
}

vkw_status vkw_pingpong_wait(vkw_pingpong *pp, uint32_t timeout_ms, vkw_error *err)
{
    return half_step(pp, false, timeout_ms, err);
}

vkw_status vkw_pingpong_ping(vkw_pingpong *pp, uint32_t timeout_ms, vkw_error *err)
{
    vkw_status s = vkw_pingpong_signal(pp, err);
    return s == VKW_OK ? vkw_pingpong_wait(pp, timeout_ms, err) : s;
}

vkw_status vkw_pingpong_pong(vkw_pingpong *pp, uint32_t timeout_ms, vkw_error *err)
{
    vkw_status s = vkw_pingpong_wait(pp, timeout_ms, err);
    return s == VKW_OK ? vkw_pingpong_signal(pp, err) : s;
}
