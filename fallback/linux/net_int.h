/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * net_int.h - the one netlink sock_diag client (sock_diag.c) that net_connections and
 * fb_tcp_sockets share, and what their unit tests reach: the dump of one request, the walk
 * over one received datagram, which checks every header against the bytes actually received
 * (a short, unaligned or lying nlmsg_len ends the walk instead of reading past the buffer),
 * the inet_diag request and the decoding of one inet_diag message.  Private to fallback/linux.
 */
#ifndef VIGIL_FB_NET_INT_H
#define VIGIL_FB_NET_INT_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>

#include "../fallback.h"

typedef int (*fb__nl_cb)(struct nlmsghdr *h, void *ctx);

/*
 * Call @cb for each complete message of @buf (@len bytes received, 4-byte aligned start).
 * Returns 1 at NLMSG_DONE, 0 when the datagram is used up (more may follow), the kernel's
 * error for NLMSG_ERROR, -EBADMSG for a header that claims more than was received, or the
 * first non-zero value @cb returned.
 */
int fb__nl_walk(void *buf, size_t len, fb__nl_cb cb, void *ctx);

/*
 * Send the sock_diag request @req (@reqlen bytes) and feed every reply message to @cb until
 * the dump ends.  0, the kernel's error, or the first error @cb returned.
 */
int fb__sock_diag_dump(void *req, size_t reqlen, fb__nl_cb cb, void *ctx);

/*
 * Dump the inet sockets of @proto (IPPROTO_TCP, IPPROTO_UDP) and @family into @cb, asking for
 * the extensions in the INET_DIAG_* bit mask @ext.  @family AF_UNSPEC (TCP only) walks both
 * families at once through the legacy TCPDIAG_GETSOCK request; -EINVAL for UDP.
 */
int fb__inet_diag_dump(int family, int proto, unsigned ext, fb__nl_cb cb, void *ctx);

/*
 * Decode the inet_diag message @h into *s (zeroed first); with @info, its INET_DIAG_INFO
 * attribute too (the tcp_info fields a shorter, older one lacks stay invalid).  0; 1 for a
 * family that is not AF_INET or AF_INET6 (skip it); -EBADMSG for a message shorter than an
 * inet_diag_msg or, with @info, an attribute that claims more than its message holds.
 */
int fb__inet_diag_msg(const struct nlmsghdr *h, bool info, struct fb_tcp_sock *s);

#endif /* VIGIL_FB_NET_INT_H */
