/* The OS ping-pong: the baselines a Vulkan round trip is compared with.
 * One side pings (signals A, waits for B), the other pongs (waits for A,
 * signals B), between two processes or two threads. Written once for every
 * OS (os_pingpong.c) over each kind's signal and wait; the kinds and which
 * of them this OS has are in platform.h. */
#ifndef VKW_OS_PINGPONG_H
#define VKW_OS_PINGPONG_H

#include <stdint.h>

#include "platform.h"
#include "base/status.h"

typedef struct vkw_pingpong vkw_pingpong;
#define VKW_PINGPONG_MAX_HANDLES 2u

/* Creates the pinging end and the handles the ponging end needs (owned by
 * the caller: sent to a child, or given to vkw_pingpong_open_peer). */
vkw_status vkw_pingpong_create(vkw_os_pingpong_kind k, vkw_pingpong **out, vkw_handle *peer,
                               uint32_t *peer_count, vkw_error *err);
/* The ponging end, from those handles (it takes them, also on failure). */
vkw_status vkw_pingpong_open_peer(vkw_os_pingpong_kind k, const vkw_handle *peer,
                                  uint32_t peer_count, vkw_pingpong **out, vkw_error *err);
/* One signal of this end's (A for the pinging end, B for the other), or one
 * wait for the other end's next: the halves, for protocols that do work in
 * between. */
vkw_status vkw_pingpong_signal(vkw_pingpong *pp, vkw_error *err);
vkw_status vkw_pingpong_wait(vkw_pingpong *pp, uint32_t timeout_ms, vkw_error *err);
/* Signal A, then wait for B; VKW_E_TIMEOUT after timeout_ms. */
vkw_status vkw_pingpong_ping(vkw_pingpong *pp, uint32_t timeout_ms, vkw_error *err);
/* Wait for A, then signal B. */
vkw_status vkw_pingpong_pong(vkw_pingpong *pp, uint32_t timeout_ms, vkw_error *err);
void vkw_pingpong_free(vkw_pingpong *pp);

#endif
