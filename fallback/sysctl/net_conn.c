// SPDX-License-Identifier: BSD-2-Clause
/*
 * net_conn.c - psutil.net_connections() on FreeBSD and macOS, written once: each of the OS's
 * socket tables (PCB lists, fb__os_pcb_lists) is read with sysctl and decoded by its OS
 * decoder, again when it changed while it was copied (the decoder says -EAGAIN when the
 * closing generation differs from the opening one), a few times at most; the AF_UNIX tables
 * only for the "unix" and "all" kinds.  Owners come from the OS's file table when it has one
 * (FreeBSD kern.file; without it the pids are unknown, -1).  The kind filter is applied last.
 */
#include "sysctl_int.h"

#include <errno.h>
#include <stdlib.h>

static int read_list(const struct fb__pcb_list *l, const void *owners, size_t olen,
		     struct fb_conn **v, size_t *n, size_t *cap)
{
	int err = -EAGAIN;

	for (int tries = 0; tries < 5 && err == -EAGAIN; tries++) {
		size_t len;
		void *buf;

		err = fb__sysctl_alloc(l->name, &buf, &len);
		if (err)
			return err;
		err = l->decode(buf, len, l->arg, owners, olen, v, n, cap);
		free(buf);
	}
	return err;
}

int fb_net_connections(enum fb_conn_kind kind, struct fb_conn **out, size_t *n)
{
	bool want_unix = kind == FB_KIND_UNIX || kind == FB_KIND_ALL;
	size_t cnt = 0, cap = 0, keep = 0, olen = 0;
	struct fb_conn *v = NULL;
	void *owners = NULL;
	int err = 0;

	*out = NULL;
	*n = 0;
	if ((unsigned)kind >= FB_KIND__COUNT)
		return -EINVAL;
	if (fb__os_pcb_owners && fb__sysctl_alloc(fb__os_pcb_owners, &owners, &olen))
		owners = NULL, olen = 0;
	for (size_t i = 0; !err && i < fb__os_pcb_nlists; i++)
		if (!fb__os_pcb_lists[i].unix_socks || want_unix)
			err = read_list(&fb__os_pcb_lists[i], owners, olen, &v, &cnt, &cap);
	free(owners);
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
