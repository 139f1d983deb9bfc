// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_net_diag.c: libFuzzer target for the fallback library's netlink sock_diag reply
 * parsing (net_connections): the message walk of nl_dump() and its inet_diag and unix_diag
 * callbacks, through fb__diag_parse().  The first byte picks the family and socket type the
 * dump was asked for; the rest is one datagram as recv() returned it, copied to a buffer of
 * its exact size so that ASan sees any read past it.  Every row must come out well-formed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../../fallback/linux/parse_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_addr(const struct fb_sockaddr *a)
{
	if (!memchr(a->addr, '\0', sizeof(a->addr)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int modes[][2] = { { AF_UNSPEC, SOCK_STREAM },
					{ AF_INET, SOCK_DGRAM },
					{ AF_INET6, SOCK_STREAM },
					{ AF_UNIX, 0 } };
	struct fb_conn *v;
	size_t n;
	void *buf;
	int m;

	if (!size)
		return 0;
	m = data[0] % 4;
	buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	fb__diag_parse(buf, size - 1, modes[m][0], modes[m][1], &v, &n);
	for (size_t i = 0; i < n; i++) {
		check_addr(&v[i].laddr);
		check_addr(&v[i].raddr);
		if (modes[m][0] == AF_UNIX ? v[i].family != AF_UNIX
					   : v[i].family != AF_INET && v[i].family != AF_INET6)
			abort();
	}
	free(v);
	free(buf);
	return 0;
}
