// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dns_pkt.c: the IP, UDP and TCP headers in front of a DNS message, for the packet-socket
 * fallback. Every offset is checked against the length before it is read.
 */
#include "dns/dns_pkt.h"

#include <errno.h>
#include <string.h>

#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int dns_pkt_parse(const uint8_t *pkt, size_t len, struct dns_pkt *out)
{
	size_t l4, off;
	uint8_t proto;

	memset(out, 0, sizeof(*out));
	if (len < 20)
		return -EINVAL;
	if (pkt[0] >> 4 == 4) {
		l4 = (size_t)(pkt[0] & 0xf) * 4;
		if (l4 < 20 || (get16(pkt + 6) & 0x1fff))
			return -EINVAL; /* a bad header, or a fragment other than the first */
		proto = pkt[9];
		out->family = 2;
		memcpy(out->saddr, pkt + 12, 4);
		memcpy(out->daddr, pkt + 16, 4);
	} else if (pkt[0] >> 4 == 6) {
		if (len < 40)
			return -EINVAL;
		l4 = 40;
		proto = pkt[6];
		out->family = 10;
		memcpy(out->saddr, pkt + 8, 16);
		memcpy(out->daddr, pkt + 24, 16);
	} else {
		return -EINVAL;
	}
	if ((proto != IPPROTO_UDP_ && proto != IPPROTO_TCP_) || l4 + 4 > len)
		return -EINVAL;
	out->transport = proto;
	out->sport = get16(pkt + l4);
	out->dport = get16(pkt + l4 + 2);
	if (proto == IPPROTO_UDP_) {
		off = l4 + 8;
		if (off > len)
			return -EINVAL;
		out->dns = pkt + off;
		out->dns_len = len - off;
		out->dns_full = out->dns_len;
		return 0;
	}
	if (l4 + 13 > len)
		return -EINVAL;
	off = l4 + (size_t)(pkt[l4 + 12] >> 4) * 4;
	if (off < l4 + 20 || off + 2 >= len)
		return -EINVAL; /* no payload: a bare ACK, SYN or FIN */
	out->dns_full = get16(pkt + off);
	off += 2;
	out->dns = pkt + off;
	out->dns_len = len - off < out->dns_full ? len - off : out->dns_full;
	return 0;
}
