// SPDX-License-Identifier: BSD-2-Clause
/*
 * net.c - NIC counters and state on macOS: one sysctl {CTL_NET, PF_ROUTE, 0, 0,
 * NET_RT_IFLIST2, 0} returns a routing message per interface and address; the RTM_IFINFO2 ones
 * carry struct if_data64 (64-bit counters, unlike the 32-bit if_data that getifaddrs gives),
 * decoded by fb__darwin_decode_ifmsg(); names come from if_indextoname.  if_data64 has no
 * output drop counter (dropout stays 0, as psutil reports) and duplex needs an ioctl: unknown.
 */
#include "darwin_decode.h"

#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/sysctl.h>

struct nic {
	struct fb_net_io io;
	uint32_t flags;
	int mtu, speed;
};

/* Every interface of the NET_RT_IFLIST2 table; *out is freed with free(). */
static int nics(struct nic **out, size_t *n)
{
	int mib[6] = { CTL_NET, PF_ROUTE, 0, 0, NET_RT_IFLIST2, 0 };
	size_t len = 0, cap = 0, cnt = 0, off = 0;
	struct nic *v = NULL;
	char *buf;
	int err = 0;

	*out = NULL;
	*n = 0;
	if (sysctl(mib, 6, NULL, &len, NULL, 0))
		return -errno;
	len += len / 8 + 1024; /* interfaces can appear between the two calls */
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	if (sysctl(mib, 6, buf, &len, NULL, 0)) {
		err = -errno;
		goto free_buf;
	}
	while (off < len) {
		struct nic e = { 0 };
		char name[IFNAMSIZ];
		unsigned index;
		size_t mlen;
		int r;

		r = fb__darwin_decode_ifmsg(buf + off, len - off, &mlen, &index, &e.flags, &e.io,
					    &e.mtu, &e.speed);
		if (r < 0) {
			err = r;
			break;
		}
		off += mlen;
		if (!r || !if_indextoname(index, name))
			continue;
		fb__copy(e.io.name, sizeof(e.io.name), name);
		err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
		if (err)
			break;
		v[cnt++] = e;
	}
	if (err) {
		free(v);
		goto free_buf;
	}
	*out = v;
	*n = cnt;
free_buf:
	free(buf);
	return err;
}

int fb_net_io_counters(bool pernic, struct fb_nowrap *nw, struct fb_net_io **out, size_t *n)
{
	struct fb_net_io *v, tot = { .name = "" };
	struct nic *raw;
	size_t cnt;
	int err = nics(&raw, &cnt);

	*out = NULL;
	*n = 0;
	if (err)
		return err;
	v = calloc(cnt ? cnt : 1, sizeof(*v));
	if (!v) {
		free(raw);
		return -ENOMEM;
	}
	for (size_t i = 0; i < cnt; i++) {
		struct fb_net_io *e = &v[i];

		*e = raw[i].io;
		if (nw) {
			uint64_t f[8] = { e->bytes_sent,   e->bytes_recv, e->packets_sent,
					  e->packets_recv, e->errin,	  e->errout,
					  e->dropin,	   e->dropout };

			fb_nowrap__apply(nw, e->name, f, 8);
			e->bytes_sent = f[0], e->bytes_recv = f[1], e->packets_sent = f[2];
			e->packets_recv = f[3], e->errin = f[4], e->errout = f[5];
			e->dropin = f[6], e->dropout = f[7];
		}
		tot.bytes_sent += e->bytes_sent;
		tot.bytes_recv += e->bytes_recv;
		tot.packets_sent += e->packets_sent;
		tot.packets_recv += e->packets_recv;
		tot.errin += e->errin;
		tot.errout += e->errout;
		tot.dropin += e->dropin;
		tot.dropout += e->dropout;
	}
	free(raw);
	if (!pernic) {
		v[0] = tot;
		cnt = 1;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int fb_net_if_stats(struct fb_if_stats **out, size_t *n)
{
	struct fb_if_stats *v;
	struct nic *raw;
	size_t cnt;
	int err = nics(&raw, &cnt);

	*out = NULL;
	*n = 0;
	if (err)
		return err;
	v = calloc(cnt ? cnt : 1, sizeof(*v));
	if (!v) {
		free(raw);
		return -ENOMEM;
	}
	for (size_t i = 0; i < cnt; i++) {
		struct fb_if_stats *s = &v[i];
		uint32_t f = raw[i].flags;

		fb__copy(s->name, sizeof(s->name), raw[i].io.name);
		s->isup = (f & IFF_UP) && (f & IFF_RUNNING);
		s->duplex = FB_NIC_DUPLEX_UNKNOWN;
		s->mtu = raw[i].mtu;
		s->speed = raw[i].speed;
		fb__fmt(s->flags, sizeof(s->flags), "%s%s%s%s", f & IFF_UP ? "up," : "",
			f & IFF_BROADCAST ? "broadcast," : "", f & IFF_LOOPBACK ? "loopback," : "",
			f & IFF_RUNNING ? "running," : "");
		if (s->flags[0])
			s->flags[strlen(s->flags) - 1] = '\0';
	}
	free(raw);
	*out = v;
	*n = cnt;
	return 0;
}
