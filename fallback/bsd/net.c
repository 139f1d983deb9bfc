// SPDX-License-Identifier: BSD-2-Clause
/*
 * net.c - NIC counters and state on FreeBSD through getifaddrs(3): each interface's AF_LINK
 * entry carries its struct if_data (64-bit counters, MTU, baud rate) in ifa_data, decoded by
 * fb__bsd_decode_if_data(); up/running come from ifa_flags.  Duplex needs an ioctl per NIC
 * (SIOCGIFMEDIA), not made: unknown.
 */
#include "bsd_int.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Walk the AF_LINK entries; @fn gets each with its decoded counters. */
static int each_link(int (*fn)(void *ctx, const struct ifaddrs *ifa, const struct fb_net_io *d,
			       int mtu, int speed),
		     void *ctx)
{
	struct ifaddrs *all, *ifa;
	int err = 0;

	if (getifaddrs(&all))
		return -errno;
	for (ifa = all; ifa && !err; ifa = ifa->ifa_next) {
		struct fb_net_io d = { 0 };
		int mtu, speed;

		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_LINK || !ifa->ifa_data)
			continue;
		if (fb__bsd_decode_if_data(ifa->ifa_data, FB_BSD_IF_DATA_SIZE, &d, &mtu, &speed))
			continue;
		fb__copy(d.name, sizeof(d.name), ifa->ifa_name);
		err = fn(ctx, ifa, &d, mtu, speed);
	}
	freeifaddrs(all);
	return err;
}

struct io_ctx {
	struct fb_net_io *v;
	size_t n, cap;
	struct fb_nowrap *nw;
};

static int add_io(void *ctx, const struct ifaddrs *ifa, const struct fb_net_io *d, int mtu,
		  int speed)
{
	struct io_ctx *c = ctx;
	struct fb_net_io *e;
	int err;

	(void)ifa, (void)mtu, (void)speed;
	err = fb__grow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v));
	if (err)
		return err;
	e = &c->v[c->n++];
	*e = *d;
	if (c->nw) {
		uint64_t f[8] = { e->bytes_sent, e->bytes_recv, e->packets_sent, e->packets_recv,
				  e->errin,	 e->errout,	e->dropin,	 e->dropout };

		fb_nowrap__apply(c->nw, e->name, f, 8);
		e->bytes_sent = f[0], e->bytes_recv = f[1], e->packets_sent = f[2];
		e->packets_recv = f[3], e->errin = f[4], e->errout = f[5];
		e->dropin = f[6], e->dropout = f[7];
	}
	return 0;
}

int fb_net_io_counters(bool pernic, struct fb_nowrap *nw, struct fb_net_io **out, size_t *n)
{
	struct io_ctx c = { .nw = nw };
	struct fb_net_io tot = { .name = "" };
	int err;

	*out = NULL;
	*n = 0;
	err = each_link(add_io, &c);
	if (!err && !c.v)
		err = fb__grow((void **)&c.v, &c.cap, 1, sizeof(*c.v));
	if (err) {
		free(c.v);
		return err;
	}
	if (!pernic) {
		for (size_t i = 0; i < c.n; i++) {
			tot.bytes_sent += c.v[i].bytes_sent;
			tot.bytes_recv += c.v[i].bytes_recv;
			tot.packets_sent += c.v[i].packets_sent;
			tot.packets_recv += c.v[i].packets_recv;
			tot.errin += c.v[i].errin;
			tot.errout += c.v[i].errout;
			tot.dropin += c.v[i].dropin;
			tot.dropout += c.v[i].dropout;
		}
		c.v[0] = tot;
		c.n = 1;
	}
	*out = c.v;
	*n = c.n;
	return 0;
}

struct stats_ctx {
	struct fb_if_stats *v;
	size_t n, cap;
};

static int add_stats(void *ctx, const struct ifaddrs *ifa, const struct fb_net_io *d, int mtu,
		     int speed)
{
	struct stats_ctx *c = ctx;
	struct fb_if_stats *s;
	int err;

	err = fb__grow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v));
	if (err)
		return err;
	s = &c->v[c->n++];
	memset(s, 0, sizeof(*s));
	fb__copy(s->name, sizeof(s->name), d->name);
	s->isup = (ifa->ifa_flags & IFF_UP) && (ifa->ifa_flags & IFF_RUNNING);
	s->duplex = FB_NIC_DUPLEX_UNKNOWN;
	s->mtu = mtu;
	s->speed = speed;
	fb__fmt(s->flags, sizeof(s->flags), "%s%s%s%s", ifa->ifa_flags & IFF_UP ? "up," : "",
		ifa->ifa_flags & IFF_BROADCAST ? "broadcast," : "",
		ifa->ifa_flags & IFF_LOOPBACK ? "loopback," : "",
		ifa->ifa_flags & IFF_RUNNING ? "running," : "");
	if (s->flags[0])
		s->flags[strlen(s->flags) - 1] = '\0';
	return 0;
}

int fb_net_if_stats(struct fb_if_stats **out, size_t *n)
{
	struct stats_ctx c = { 0 };
	int err = each_link(add_stats, &c);

	if (err) {
		free(c.v);
		return err;
	}
	*out = c.v;
	*n = c.n;
	return 0;
}
