/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * net_rname.h: --resolve on record streams: a consumer decorator that sets each TCP
 * record's rname from the resolver's cache (null until the name is known; later records of
 * the same peer carry it), so the event path never waits for DNS.
 */
#ifndef VIGIL_NET_RNAME_H
#define VIGIL_NET_RNAME_H

#include "core/record.h"
#include "net/net_resolve.h"

struct net_rname {
	struct resolver *r;
	char name[RESOLVE_NAME_MAX]; /* the current row's name: rows are exported one by one */
};

/* consumer_decorate_fn: ctx is a struct net_rname. */
void net_rname__decorate(void *ctx, struct vrow *row);

#endif /* VIGIL_NET_RNAME_H */
