// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_tcp_addr.c: libFuzzer target for the TCP tracer's address code: port-list parsing
 * must accept or reject any input cleanly (prefixes are fuzz_addrset's); any 16 bytes format
 * as IPv4 and as RFC 5952 IPv6 within the buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcp/tcp_addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), buf[TCP_ADDR_STRLEN];
	uint16_t ports[8];
	uint32_t n = 0;
	uint8_t a[16] = { 0 };

	memcpy(s, data, size);
	s[size] = '\0';
	tcp_ports_parse(s, ports, &n, 8);
	if (n > 8)
		abort();
	memcpy(a, data, size < 16 ? size : 16);
	tcp_addr_format(TCP_AF_INET, a, buf, sizeof(buf));
	tcp_addr_format(TCP_AF_INET6, a, buf, sizeof(buf));
	if (strlen(buf) >= sizeof(buf))
		abort();
	tcp_addr6_format(a, 1, buf, sizeof(buf));
	free(s);
	return 0;
}
