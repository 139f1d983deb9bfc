// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_tcp_addr.c: libFuzzer target for the TCP tracer's address code: CIDR and port-list
 * parsing must accept or reject any input cleanly; an accepted CIDR has no host bits and a
 * prefix within 128; any 16 bytes format as IPv4 and as RFC 5952 IPv6 within the buffer.
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
	struct tcp_cidr c;
	uint8_t a[16] = { 0 };

	memcpy(s, data, size);
	s[size] = '\0';
	if (!tcp_cidr_parse(s, &c)) {
		if (c.prefixlen > 128)
			abort();
		for (uint32_t bit = c.prefixlen; bit < 128; bit++)
			if (c.addr[bit / 8] & (0x80 >> (bit % 8)))
				abort();
	}
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
