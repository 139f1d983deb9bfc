// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_lsof_netlink.c: libFuzzer target for `vigil lsof`'s reader of the kernel's netlink
 * socket table (user/cli/lsof_netlink.c): any bytes as the table, then every socket found
 * again by its inode and named.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/lsof_netlink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lsof_netlink nl;
	FILE *f;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	if (!lsof_netlink__parse(f, &nl)) {
		for (size_t i = 0; i < nl.n; i++) {
			if (!lsof_netlink__find(&nl, nl.v[i].inode))
				abort();
			lsof_netlink__proto_name(nl.v[i].protocol);
		}
		lsof_netlink__free(&nl);
	}
	fclose(f);
	return 0;
}
