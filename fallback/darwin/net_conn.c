// SPDX-License-Identifier: BSD-2-Clause
/*
 * net_conn.c - psutil.net_connections() on macOS: the tagged TCP and UDP PCB lists
 * (net.inet.tcp.pcblist_n, net.inet.udp.pcblist_n, IPv4 and IPv6 together) decoded by
 * fb__darwin_decode_pcblist_n().  A list that changed while it was copied is read again, a
 * few times at most.  The pid is the socket's last user (so_last_pid); the fd is unknown
 * (psutil finds both by walking every process' fds with proc_pidfdinfo, not done here).
 */
#include "darwin_decode.h"

#include "../sysctl/sysctl_int.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/sysctl.h>

static int read_list(const char *name, bool tcp, struct fb_conn **v, size_t *n, size_t *cap)
{
	int err = -EAGAIN;

	for (int tries = 0; tries < 5 && err == -EAGAIN; tries++) {
		size_t len;
		void *buf;

		err = fb__sysctl_alloc(name, &buf, &len);
		if (err)
			return err;
		err = fb__darwin_decode_pcblist_n(buf, len, tcp, v, n, cap);
		free(buf);
	}
	return err;
}

int fb_net_connections(enum fb_conn_kind kind, struct fb_conn **out, size_t *n)
{
	struct fb_conn *v = NULL;
	size_t cnt = 0, cap = 0, keep = 0;
	int err;

	*out = NULL;
	*n = 0;
	if ((unsigned)kind >= FB_KIND__COUNT)
		return -EINVAL;
	err = read_list("net.inet.tcp.pcblist_n", true, &v, &cnt, &cap);
	if (!err)
		err = read_list("net.inet.udp.pcblist_n", false, &v, &cnt, &cap);
	if (err) {
		free(v);
		return err;
	}
	for (size_t i = 0; i < cnt; i++)
		if (fb__conn_kind_has(kind, v[i].family, v[i].type))
			v[keep++] = v[i];
	*out = v;
	*n = keep;
	return 0;
}

int fb_net_connections_procfs(enum fb_conn_kind kind, struct fb_conn **out, size_t *n)
{
	return fb_net_connections(kind, out, n);
}
