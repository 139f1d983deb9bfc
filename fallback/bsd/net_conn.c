// SPDX-License-Identifier: BSD-2-Clause
/*
 * net_conn.c - psutil.net_connections() on FreeBSD: the TCP and UDP PCB lists
 * (net.inet.tcp.pcblist, net.inet.udp.pcblist, IPv4 and IPv6 together) decoded by
 * fb__bsd_decode_pcblist(), owners from kern.file.  A list that changed while it was copied
 * (closing generation != opening one) is read again, a few times at most.  Unix sockets come
 * from net.local.{stream,dgram,seqpacket}.pcblist for the "unix" and "all" kinds.  Without
 * kern.file the pids are unknown (-1).
 */
#include "bsd_int.h"

#include "../sysctl/sysctl_int.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

static int read_list(const char *name, bool tcp, const void *files, size_t flen, struct fb_conn **v,
		     size_t *n, size_t *cap)
{
	int err = -EAGAIN;

	for (int tries = 0; tries < 5 && err == -EAGAIN; tries++) {
		size_t len;
		void *buf;

		err = fb__sysctl_alloc(name, &buf, &len);
		if (err)
			return err;
		err = fb__bsd_decode_pcblist(buf, len, tcp, files, flen, v, n, cap);
		free(buf);
	}
	return err;
}

static const struct {
	const char *name;
	int type;
} unix_lists[] = {
	{ "net.local.stream.pcblist", SOCK_STREAM },
	{ "net.local.dgram.pcblist", SOCK_DGRAM },
	{ "net.local.seqpacket.pcblist", SOCK_SEQPACKET },
};

static int read_unix(const char *name, int type, const void *files, size_t flen, struct fb_conn **v,
		     size_t *n, size_t *cap)
{
	int err = -EAGAIN;

	for (int tries = 0; tries < 5 && err == -EAGAIN; tries++) {
		size_t len;
		void *buf;

		err = fb__sysctl_alloc(name, &buf, &len);
		if (err)
			return err;
		err = fb__bsd_decode_unp_pcblist(buf, len, type, files, flen, v, n, cap);
		free(buf);
	}
	return err;
}

int fb_net_connections(enum fb_conn_kind kind, struct fb_conn **out, size_t *n)
{
	struct fb_conn *v = NULL;
	size_t cnt = 0, cap = 0, keep = 0, flen = 0;
	void *files = NULL;
	int err;

	*out = NULL;
	*n = 0;
	if ((unsigned)kind >= FB_KIND__COUNT)
		return -EINVAL;
	if (fb__sysctl_alloc("kern.file", &files, &flen))
		files = NULL, flen = 0;
	err = read_list("net.inet.tcp.pcblist", true, files, flen, &v, &cnt, &cap);
	if (!err)
		err = read_list("net.inet.udp.pcblist", false, files, flen, &v, &cnt, &cap);
	for (size_t i = 0; !err && i < sizeof(unix_lists) / sizeof(unix_lists[0]); i++)
		if (kind == FB_KIND_UNIX || kind == FB_KIND_ALL)
			err = read_unix(unix_lists[i].name, unix_lists[i].type, files, flen, &v,
					&cnt, &cap);
	free(files);
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
