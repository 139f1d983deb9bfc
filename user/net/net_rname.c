// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * net_rname.c: the --resolve decorator of record streams (net_rname.h): the kinds that
 * carry rname get the cached name of their daddr, or stay null and queue its lookup.
 */
#include "net/net_rname.h"

#include "net/net_addrset.h"

void net_rname__decorate(void *ctx, struct vrow *row)
{
	struct net_rname *n = ctx;
	uint8_t a[16];
	bool v4;

	if (!vkind__has_field(row->kind, VF_RNAME) || !row->v[VF_DADDR].str ||
	    addr_parse(row->v[VF_DADDR].str, a, &v4))
		return;
	if (resolver__name(n->r, a, n->name, sizeof(n->name)) == 1) {
		row->v[VF_RNAME].str = n->name;
		vrow__clear_null(row, VF_RNAME);
	}
}
