// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tcp_addr.c: address formatting (RFC 5952), port parsing and TCP state names for
 * the TCP tracer. Formatting is our own rather than inet_ntop(), whose output for some
 * IPv4-compatible forms (::0.1.0.2) is not what RFC 5952 asks for.
 */
#include "tcp/tcp_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/parse.h"

static bool addr_is_v4mapped(const uint8_t a[16])
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return !memcmp(a, prefix, sizeof(prefix));
}

static void format_v4(const uint8_t *a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

const char *tcp_addr6_format(const uint8_t addr[16], int v4_plain, char *buf, size_t len)
{
	int best = -1, best_len = 0, run = -1, nwords;
	unsigned int w[8];
	size_t off = 0;

	if (addr_is_v4mapped(addr)) {
		if (v4_plain) {
			format_v4(addr + 12, buf, len);
		} else {
			snprintf(buf, len, "::ffff:");
			format_v4(addr + 12, buf + 7, len > 7 ? len - 7 : 0);
		}
		return buf;
	}
	nwords = 8;
	for (int i = 0; i < 8; i++)
		w[i] = (unsigned int)addr[2 * i] << 8 | addr[2 * i + 1];
	/* The first longest run of at least two zero groups. */
	for (int i = 0; i <= nwords; i++) {
		if (i < nwords && !w[i]) {
			if (run < 0)
				run = i;
			continue;
		}
		if (run >= 0 && i - run > best_len && i - run >= 2) {
			best = run;
			best_len = i - run;
		}
		run = -1;
	}
	buf[0] = '\0';
	for (int i = 0; i < nwords && off < len; i++) {
		int n;

		if (i == best) {
			n = snprintf(buf + off, len - off, "::");
			off += (size_t)n;
			i += best_len - 1;
			continue;
		}
		n = snprintf(buf + off, len - off, "%s%x", off && buf[off - 1] != ':' ? ":" : "",
			     w[i]);
		off += (size_t)n;
	}
	return buf;
}

const char *tcp_addr_format(int family, const uint8_t addr[16], char *buf, size_t len)
{
	if (family == TCP_AF_INET)
		format_v4(addr, buf, len);
	else if (family == TCP_AF_INET6)
		tcp_addr6_format(addr, 0, buf, len);
	else
		snprintf(buf, len, "?");
	return buf;
}

int tcp_ports_parse(const char *s, uint16_t *ports, uint32_t *n, uint32_t max)
{
	const char *p = s;

	if (!*s)
		return -EINVAL;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char tok[8];
		uint64_t v;

		if (!len || len >= sizeof(tok))
			return -EINVAL;
		memcpy(tok, p, len);
		tok[len] = '\0';
		if (parse_u64(tok, 1, 65535, &v))
			return -EINVAL;
		if (*n >= max)
			return -E2BIG;
		ports[(*n)++] = (uint16_t)v;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

const char *tcp_state_name(unsigned int state)
{
	static const char *const names[] = {
		[1] = "ESTABLISHED",	 [2] = "SYN_SENT",  [3] = "SYN_RECV", [4] = "FIN_WAIT1",
		[5] = "FIN_WAIT2",	 [6] = "TIME_WAIT", [7] = "CLOSE",    [8] = "CLOSE_WAIT",
		[9] = "LAST_ACK",	 [10] = "LISTEN",   [11] = "CLOSING", [12] = "NEW_SYN_RECV",
		[13] = "BOUND_INACTIVE",
	};

	if (state < sizeof(names) / sizeof(names[0]) && names[state])
		return names[state];
	return "UNKNOWN";
}
