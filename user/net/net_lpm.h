/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * net_lpm.h: an address set (net/net_addrset.h) loaded into a BPF LPM trie keyed by
 * struct vg_lpm_key, the form the tracers' --laddr/--raddr filters look addresses up in
 * (lpm__allows() in bpf/common.bpf.h). Shared by the tcp and dns tracers.
 */
#ifndef VIGIL_NET_LPM_H
#define VIGIL_NET_LPM_H

#include "net/net_addrset.h"

struct bpf_map;

/* Put every prefix of set into map (include or exclude). 0 or -errno. */
int lpm_trie__fill(struct bpf_map *map, const struct addrset *set);

#endif /* VIGIL_NET_LPM_H */
