// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * net_rate.c: per-interval deltas of net_io_counters. The samples come through one nowrap
 * state, so they never go backwards except after a counter reset the state could not see
 * (a NIC removed and re-added between samples): that delta counts as 0, never as a huge one.
 */
#include "view/net_rate.h"

#include <string.h>

static uint64_t delta(uint64_t prev, uint64_t cur)
{
	return cur >= prev ? cur - prev : 0;
}

bool net_rate_has_delta(const struct fb_net_io *prev, size_t nprev, const struct fb_net_io *cur,
			struct fb_net_io *out)
{
	const struct fb_net_io *p = NULL;

	for (size_t i = 0; i < nprev && !p; i++) {
		if (!strcmp(prev[i].name, cur->name))
			p = &prev[i];
	}
	if (!p)
		return false;
	memcpy(out->name, cur->name, sizeof(out->name));
	out->bytes_sent = delta(p->bytes_sent, cur->bytes_sent);
	out->bytes_recv = delta(p->bytes_recv, cur->bytes_recv);
	out->packets_sent = delta(p->packets_sent, cur->packets_sent);
	out->packets_recv = delta(p->packets_recv, cur->packets_recv);
	out->errin = delta(p->errin, cur->errin);
	out->errout = delta(p->errout, cur->errout);
	out->dropin = delta(p->dropin, cur->dropin);
	out->dropout = delta(p->dropout, cur->dropout);
	return true;
}
