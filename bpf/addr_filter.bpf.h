/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * addr_filter.bpf.h: --laddr and --raddr in the kernel, for the programs that see both ends of
 * a connection or query (tcp.bpf.c, dns.bpf.c): two LPM tries of address sets that userspace
 * fills (cli/addr_opts.c), whether each is in use, what an address no prefix contains gets,
 * and addr_filter__allows(), which applies both to a source and destination address.
 */
#ifndef VIGIL_ADDR_FILTER_BPF_H
#define VIGIL_ADDR_FILTER_BPF_H

#include "common.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vg_lpm_key);
	__type(value, __u8);
} laddr_lpm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vg_lpm_key);
	__type(value, __u8);
} raddr_lpm SEC(".maps");

const volatile __u32 targ_has_laddr = 0; /* laddr_lpm is in use */
const volatile __u32 targ_has_raddr = 0;
/* An address no prefix contains: passes only when the set has no positive prefix. */
const volatile __u32 targ_laddr_miss = 1;
const volatile __u32 targ_raddr_miss = 1;

/* Whether local address saddr and remote address daddr (4 bytes when v4) pass both sets. */
static __always_inline bool addr_filter__allows(const __u8 *saddr, const __u8 *daddr, bool v4)
{
	if (targ_has_laddr && !lpm__allows(&laddr_lpm, saddr, v4, targ_laddr_miss))
		return false;
	if (targ_has_raddr && !lpm__allows(&raddr_lpm, daddr, v4, targ_raddr_miss))
		return false;
	return true;
}

#endif /* VIGIL_ADDR_FILTER_BPF_H */
