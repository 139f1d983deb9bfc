// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * net_lpm.c: filling a tracer's LPM trie from an address set (net/net_lpm.h). The set's
 * 128-bit form (IPv4 as ::ffff:a.b.c.d, /n as /96+n) is already the trie's key.
 */
#include "net/net_lpm.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/types.h>
#include <string.h>

#include "events.h"

int lpm_trie__fill(struct bpf_map *map, const struct addrset *set)
{
	for (uint32_t i = 0; i < set->n; i++) {
		struct vg_lpm_key key = { .prefixlen = set->v[i].prefixlen };
		__u8 v = set->v[i].exclude ? VG_LPM_EXCLUDE : VG_LPM_INCLUDE;

		memcpy(key.addr, set->v[i].addr, sizeof(key.addr));
		if (bpf_map__update_elem(map, &key, sizeof(key), &v, sizeof(v), BPF_ANY))
			return -errno;
	}
	return 0;
}
