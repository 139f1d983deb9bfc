/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * iter_tcp_hash.h: the TCP table from the direct walk of the kernel's TCP hash tables
 * (bpf/tcp_hash_walk.bpf.h), read a slice at a time with its ring drained in between. The
 * socket-table feed (iter_sock.c) reads it before iter/tcp, and iter/tcp when it fails.
 */
#ifndef VIGIL_ITER_TCP_HASH_H
#define VIGIL_ITER_TCP_HASH_H

#include <stddef.h>

#include "iter_rec.h"

struct iter_tcp_hash {
	struct iter_sk_rec *v; /* the sockets, in the walk's order */
	size_t n, cap;
	char why[128]; /* after a failure: what went wrong */
};

/* The loaded object's parts the walk uses. */
struct iter_tcp_hash_prog {
	int link_fd;		    /* dump_tcp_hash's link */
	int ring_fd;		    /* its tcp_socks ring */
	volatile __u32 *next_slice; /* its next_slice, in the mapped .bss */
};

/* Walk the tables into @h: 0, or -errno with h->why set and no sockets kept. */
int iter_tcp_hash__walk(struct iter_tcp_hash *h, const struct iter_tcp_hash_prog *p);
void iter_tcp_hash__fini(struct iter_tcp_hash *h);

#endif /* VIGIL_ITER_TCP_HASH_H */
