/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * dns_pkt.h: where the DNS message sits in an IP packet read from a packet socket (the
 * fallback's source): IPv4 (first fragments only) or IPv6 (no extension headers), UDP or TCP
 * (past its 2-byte length prefix), with the addresses and ports. Bounded by the bytes given.
 */
#ifndef VIGIL_DNS_PKT_H
#define VIGIL_DNS_PKT_H

#include <stddef.h>
#include <stdint.h>

struct dns_pkt {
	int family;	   /* 2 (AF_INET) or 10 (AF_INET6) */
	uint8_t saddr[16]; /* IPv4 in the first 4 bytes */
	uint8_t daddr[16];
	uint16_t sport;
	uint16_t dport;
	uint8_t transport;  /* 17 UDP, 6 TCP */
	const uint8_t *dns; /* the DNS message's first byte */
	size_t dns_len;	    /* bytes of it here */
	size_t dns_full;    /* its whole length (TCP: the prefix; UDP: dns_len) */
};

/* Read pkt[0..len), an IP packet. 0, or -EINVAL when it holds no DNS message we can read. */
int dns_pkt_parse(const uint8_t *pkt, size_t len, struct dns_pkt *out);

#endif /* VIGIL_DNS_PKT_H */
