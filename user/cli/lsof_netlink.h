/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * lsof_netlink.h: the netlink sockets of the system by inode, for `vigil lsof`'s TYPE
 * `netlink` rows, whose NAME is the protocol as lsof names it (ROUTE, INET_DIAG, AUDIT,
 * KOBJECT_UEVENT, GENERIC...). sock_diag's tables that name the other sockets leave them out;
 * the kernel lists them in its net/netlink table.
 */
#ifndef VIGIL_CLI_LSOF_NETLINK_H
#define VIGIL_CLI_LSOF_NETLINK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct lsof_netlink_sock {
	uint64_t inode;
	int protocol;
};

struct lsof_netlink {
	struct lsof_netlink_sock *v;
	size_t n;
};

/* Parse the kernel's net/netlink table from f, sorted by inode: 0 or -errno (-EBADMSG for a
 * table whose header is not the kernel's). Lines that do not parse are skipped. */
int lsof_netlink__parse(FILE *f, struct lsof_netlink *nl);
/* The same from the live system's table. */
int lsof_netlink__load(struct lsof_netlink *nl);
void lsof_netlink__free(struct lsof_netlink *nl);
/* The socket with that inode, or NULL. */
const struct lsof_netlink_sock *lsof_netlink__find(const struct lsof_netlink *nl, uint64_t inode);
/* lsof's name of a netlink protocol ("ROUTE"), or NULL for one it has no name for. */
const char *lsof_netlink__proto_name(int protocol);

#endif
