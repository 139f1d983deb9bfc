// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_tcp_diag.c: libFuzzer target for the TCP poller's inet_diag reply parser,
 * tcp_diag__parse(): arbitrary bytes are one netlink datagram, in a buffer of their exact
 * size. Any datagram must be taken or refused without reading past it, and every socket
 * taken must be of a family the parser accepts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tcp/tcp_diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcp_diag d = { 0 };
	void *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	tcp_diag__parse(&d, buf, size);
	/* a second datagram appends to the same table, as a dump does */
	tcp_diag__parse(&d, buf, size);
	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].family != AF_INET && d.v[i].family != AF_INET6)
			abort();
	tcp_diag__free(&d);
	free(buf);
	return 0;
}
