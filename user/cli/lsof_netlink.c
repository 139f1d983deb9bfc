// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * lsof_netlink.c: the kernel's netlink socket table (net/netlink, one line per socket:
 * sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode), read into an array sorted by inode so
 * that `vigil lsof` can name each netlink fd as lsof does: TYPE netlink, NAME the protocol
 * (the Eth column) under lsof's names. Each line is read into a bounded buffer and parsed
 * with fixed conversions; a line that does not parse is skipped, not guessed at.
 */
#include "cli/lsof_netlink.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fallback.h"

#define LSOF_NETLINK_MAX (1u << 20) /* sockets: more is a broken table */

const char *lsof_netlink__proto_name(int protocol)
{
	static const char *const names[] = {
		[0] = "ROUTE",	     [1] = "UNUSED",
		[2] = "USERSOCK",    [3] = "FIREWALL",
		[4] = "INET_DIAG",   [5] = "NFLOG",
		[6] = "XFRM",	     [7] = "SELINUX",
		[8] = "ISCSI",	     [9] = "AUDIT",
		[10] = "FIB_LOOKUP", [11] = "CONNECTOR",
		[12] = "NETFILTER",  [13] = "IP6_FW",
		[14] = "DNRTMSG",    [15] = "KOBJECT_UEVENT",
		[16] = "GENERIC",    [18] = "SCSITRANSPORT",
		[19] = "ECRYPTFS",   [20] = "RDMA",
		[21] = "CRYPTO",     [22] = "SMC",
	};

	if (protocol < 0 || (size_t)protocol >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[protocol];
}

static int lsof_netlink__cmp(const void *a, const void *b)
{
	const struct lsof_netlink_sock *x = a, *y = b;

	return (x->inode > y->inode) - (x->inode < y->inode);
}

int lsof_netlink__parse(FILE *f, struct lsof_netlink *nl)
{
	char line[512];
	size_t cap = 0;

	nl->v = NULL;
	nl->n = 0;
	if (!fgets(line, sizeof(line), f) || strncmp(line, "sk", 2))
		return -EBADMSG;
	while (fgets(line, sizeof(line), f)) {
		struct lsof_netlink_sock s;
		unsigned long long ino;
		int proto;

		/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
		if (sscanf(line, "%*s %d %*s %*s %*s %*s %*s %*s %*s %llu", &proto, &ino) != 2)
			continue;
		if (nl->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct lsof_netlink_sock *v;

			if (ncap > LSOF_NETLINK_MAX) {
				lsof_netlink__free(nl);
				return -E2BIG;
			}
			v = realloc(nl->v, ncap * sizeof(*v));
			if (!v) {
				lsof_netlink__free(nl);
				return -ENOMEM;
			}
			nl->v = v;
			cap = ncap;
		}
		s.inode = ino;
		s.protocol = proto;
		nl->v[nl->n++] = s;
	}
	if (nl->n)
		qsort(nl->v, nl->n, sizeof(*nl->v), lsof_netlink__cmp);
	return 0;
}

int lsof_netlink__load(struct lsof_netlink *nl)
{
	FILE *f = fb_proc_fopen("net/netlink");
	int err;

	nl->v = NULL;
	nl->n = 0;
	if (!f)
		return -errno;
	err = lsof_netlink__parse(f, nl);
	fclose(f);
	return err;
}

void lsof_netlink__free(struct lsof_netlink *nl)
{
	free(nl->v);
	nl->v = NULL;
	nl->n = 0;
}

const struct lsof_netlink_sock *lsof_netlink__find(const struct lsof_netlink *nl, uint64_t inode)
{
	struct lsof_netlink_sock key = { .inode = inode };

	if (!nl->n)
		return NULL;
	return bsearch(&key, nl->v, nl->n, sizeof(*nl->v), lsof_netlink__cmp);
}
