// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_traceroute_reply.c: libFuzzer target for the TCP traceroute's reply parser. Any bytes
 * (a copy of exactly their size, so ASan sees a read past the end) must be accepted as a
 * reply to us, or refused as someone else's or malformed, without a crash. The parser runs
 * twice: against the flow of the seeds (10.77.1.2:40000 -> 10.77.4.2:443), and against a
 * flow taken from the input's own addresses and ports, so that mutated packets still get past
 * the "is it ours" checks into the quote and TCP parsing; then as IPv6 (an ICMPv6 message,
 * or a TCP segment), against the addresses of its quote. An accepted reply has a kind.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct route_flow *f, const uint8_t *p, size_t n)
{
	struct route_reply r;
	int err = f->family == ROUTE_AF_INET6
			  ? route_reply_parse6(f, f->dst, n && p[0] == 3 ? 58 : 6, p, n, &r)
			  : route_reply_parse4(f, p, n, &r);

	if (err && err != -ENOENT && err != -EINVAL)
		abort();
	if (!err && r.kind == ROUTE_REPLY_NONE)
		abort();
}

/* The flow the packet itself would answer: ICMP from its quote, TCP from its ports. */
static void flow_of(const uint8_t *p, size_t n, struct route_flow *f)
{
	size_t hl = n ? (size_t)(p[0] & 0x0f) * 4 : 0;

	if (n >= 20)
		memcpy(f->src, p + 16, 4);
	if (n >= 20 && p[9] == 6 && n >= hl + 4) {
		memcpy(f->dst, p + 12, 4);
		f->dport = (uint16_t)(p[hl] << 8 | p[hl + 1]);
		f->sport = (uint16_t)(p[hl + 2] << 8 | p[hl + 3]);
	} else if (n >= hl + 8 + 20) {
		const uint8_t *q = p + hl + 8;
		size_t qhl = (size_t)(q[0] & 0x0f) * 4;

		memcpy(f->dst, q + 16, 4);
		if (n >= hl + 8 + qhl + 4) {
			f->sport = (uint16_t)(q[qhl] << 8 | q[qhl + 1]);
			f->dport = (uint16_t)(q[qhl + 2] << 8 | q[qhl + 3]);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct route_flow seeds = { .family = 2,
				    .src = { 10, 77, 1, 2 },
				    .dst = { 10, 77, 4, 2 },
				    .sport = 40000,
				    .dport = 443 };
	struct route_flow own = { .family = 2 };
	/* IPv6: an ICMPv6 message (a first byte of 3, time exceeded) or else a TCP segment */
	struct route_flow six = { .family = ROUTE_AF_INET6, .sport = 40000, .dport = 443 };
	uint8_t *p = malloc(size ? size : 1);

	if (!p)
		return 0;
	memcpy(p, data, size);
	check(&seeds, p, size);
	flow_of(p, size, &own);
	check(&own, p, size);
	if (size >= 8 + 40) {
		memcpy(six.src, p + 8 + 8, 16);
		memcpy(six.dst, p + 8 + 24, 16);
	}
	check(&six, p, size);
	free(p);
	return 0;
}
