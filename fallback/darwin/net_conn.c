// SPDX-License-Identifier: BSD-2-Clause
/*
 * net_conn.c - psutil.net_connections() on macOS: not provided yet (-ENOTSUP).
 */
#include "../posix/posix_int.h"

#include <errno.h>

int fb_net_connections(enum fb_conn_kind kind, struct fb_conn **out, size_t *n)
{
	(void)kind;
	*out = NULL;
	*n = 0;
	return -ENOTSUP;
}

int fb_net_connections_procfs(enum fb_conn_kind kind, struct fb_conn **out, size_t *n)
{
	return fb_net_connections(kind, out, n);
}
