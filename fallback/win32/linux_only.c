// SPDX-License-Identifier: BSD-2-Clause
/*
 * linux_only.c - the fallback.h functions that answer from Linux kernel interfaces with no
 * Win32 counterpart in this backend, as honest -ENOTSUP answers rather than missing symbols:
 * the TCP socket dump with the kernel's tcp_info (netlink sock_diag; Windows keeps its
 * per-connection statistics behind fb_net_conn_rtt()).
 */
#include "fb_win.h"

#include <errno.h>

int fb_tcp_sockets(struct fb_tcp_sock **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return -ENOTSUP;
}
