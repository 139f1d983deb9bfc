// SPDX-License-Identifier: BSD-2-Clause
/*
 * linux_only.c - the fallback.h functions that answer from Linux kernel interfaces with no
 * FreeBSD or macOS counterpart in this backend yet, as honest -ENOTSUP answers rather than
 * missing symbols: the TCP socket dump with the kernel's tcp_info (netlink sock_diag; the BSDs
 * have net.inet.tcp.pcblist without per-socket counters).
 */
#include "posix_int.h"

#include <errno.h>

int fb_tcp_sockets(struct fb_tcp_sock **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return -ENOTSUP;
}
