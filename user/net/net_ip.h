/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * net_ip.h: the address calculator behind `vigil ip` (IPy's role): an IPv4 or IPv6 network
 * parsed as IPy parses IP('...') (host bits set are refused unless loose), and what IPy tells
 * of it: network, netmask, broadcast (the last address), size, first and last address, the
 * address type as IPy's iptype() names it, the reverse zone names of reverseNames() and
 * reverseName(), containment, overlap, and IPy's ordering (version, then first address, then
 * prefix length). Values are 128-bit integers; an IPv4 network uses the low 32 bits.
 */
#ifndef VIGIL_NET_IP_H
#define VIGIL_NET_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IP_STRLEN	 48  /* an address with "/128" */
#define IP_SIZE_STRLEN	 40  /* 2^128 in decimal: 39 digits */
#define IP_REVNAME_LEN	 80  /* a reverse name: 32 nibbles, dots, "ip6.arpa." */
#define IP_REVNAMES_MAX	 256 /* reverse names of one network, at most (an IPv4 /0) */
#define IP_LIST_MAX_BITS 16  /* --list: networks of at most 2^16 addresses */

typedef unsigned __int128 ip_u128;

struct ip_net {
	ip_u128 ip;	 /* the network address (host bits clear) */
	uint32_t plen;	 /* prefix length: 0..32 or 0..128 */
	uint8_t version; /* 4 or 6 */
};

/* IP('s'): 0, -EINVAL for bad text, -EDOM for host bits set (unless ADDRSET_F_LOOSE). */
int ip_net__parse(const char *s, unsigned int flags, struct ip_net *n);

/* 32 or 128 */
unsigned int ip_net__bits(const struct ip_net *n);

/* The last address (IPy's broadcast()), and the netmask, as integers. */
ip_u128 ip_net__last(const struct ip_net *n);
ip_u128 ip_net__netmask(const struct ip_net *n);

/* An address of version as text: dotted IPv4, RFC 5952 IPv6 (as IPy's strCompressed). */
const char *ip_addr__format(uint8_t version, ip_u128 ip, char *buf, size_t len);

/* str(IP(...)): the network with "/plen", without it for a single address. */
const char *ip_net__format(const struct ip_net *n, char *buf, size_t len);

/* len(): the number of addresses, in decimal (up to 2^128). */
const char *ip_net__size(const struct ip_net *n, char *buf, size_t len);

/* iptype(): "PRIVATE", "LOOPBACK", "RESERVED", "PUBLIC", "LINKLOCAL", "MULTICAST", ... */
const char *ip_net__type(const struct ip_net *n);

/*
 * reverseName(): one name, RFC 2317 style ("0-15.1.185.195.in-addr.arpa.") below an octet
 * boundary. -ERANGE where IPy has no sensible answer: IPv4 shorter than /8, IPv6 not on a
 * nibble boundary (IPy raises or returns a garbled name there).
 */
int ip_net__reverse_name(const struct ip_net *n, char *buf, size_t len);

/*
 * reverseNames(): the zones that cover the network, one per /8, /16, /24 or address for
 * IPv4, the nibble-aligned ones for IPv6 (IPy refuses IPv6 off a nibble boundary; here it
 * gives the 2, 4 or 8 covering zones). Calls fn for each; returns how many, or -errno.
 */
int ip_net__reverse_names(const struct ip_net *n, void (*fn)(void *ctx, const char *name),
			  void *ctx);

/* `b in a`: b of the same version lies inside a. */
bool ip_net__contains(const struct ip_net *a, const struct ip_net *b);

/* a.overlaps(b): 1 when b starts inside a, -1 when a starts inside b, else 0. */
int ip_net__overlaps(const struct ip_net *a, const struct ip_net *b);

/* IPy's __cmp__: -1, 0, 1 by version, then first address, then prefix length. */
int ip_net__compare(const struct ip_net *a, const struct ip_net *b);

#endif /* VIGIL_NET_IP_H */
