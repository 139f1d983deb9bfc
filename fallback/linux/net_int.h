/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * net_int.h - what the Linux netlink readers share and what their unit tests reach: the walk
 * over one received netlink datagram, which checks every header against the bytes actually
 * received (a short, unaligned or lying nlmsg_len ends the walk instead of reading past the
 * buffer).  Private to fallback/linux.
 */
#ifndef VIGIL_FB_NET_INT_H
#define VIGIL_FB_NET_INT_H

#include <linux/netlink.h>
#include <stddef.h>

typedef int (*fb__nl_cb)(struct nlmsghdr *h, void *ctx);

/*
 * Call @cb for each complete message of @buf (@len bytes received, 4-byte aligned start).
 * Returns 1 at NLMSG_DONE, 0 when the datagram is used up (more may follow), the kernel's
 * error for NLMSG_ERROR, -EBADMSG for a header that claims more than was received, or the
 * first non-zero value @cb returned.
 */
int fb__nl_walk(void *buf, size_t len, fb__nl_cb cb, void *ctx);

#endif /* VIGIL_FB_NET_INT_H */
