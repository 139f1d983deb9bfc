// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * net_ip.c: the arithmetic of `vigil ip` (net_ip.h) over 128-bit integers. The address type
 * tables are the facts IPy's iptype() knows (its IPv4ranges and IPv6ranges, written here as
 * prefixes): the longest prefix holding the network address names it.
 */
#include "net/net_ip.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/net_addrset.h"
#include "tcp/tcp_addr.h"

struct ip_range {
	const char *prefix;
	const char *name;
};

static const struct ip_range ip4_ranges[] = {
	{ "0.0.0.0/1", "PUBLIC" },
	{ "128.0.0.0/1", "PUBLIC" },
	{ "224.0.0.0/3", "RESERVED" },
	{ "0.0.0.0/8", "PRIVATE" },
	{ "10.0.0.0/8", "PRIVATE" },
	{ "127.0.0.0/8", "LOOPBACK" },
	{ "100.64.0.0/10", "CARRIER_GRADE_NAT" },
	{ "172.16.0.0/12", "PRIVATE" },
	{ "169.254.0.0/16", "PRIVATE" },
	{ "192.168.0.0/16", "PRIVATE" },
};

static const struct ip_range ip6_ranges[] = {
	{ "2000::/3", "GLOBAL-UNICAST" },
	{ "4000::/3", "RESERVED" },
	{ "6000::/3", "RESERVED" },
	{ "8000::/3", "RESERVED" },
	{ "a000::/3", "RESERVED" },
	{ "c000::/3", "RESERVED" },
	{ "1000::/4", "RESERVED" },
	{ "3000::/4", "RESERVED" },
	{ "e000::/4", "RESERVED" },
	{ "800::/5", "RESERVED" },
	{ "f000::/5", "RESERVED" },
	{ "f800::/6", "RESERVED" },
	{ "200::/7", "RESERVED" },
	{ "400::/7", "RESERVED" },
	{ "600::/7", "RESERVED" },
	{ "2e00::/7", "RESERVED" },
	{ "fc00::/7", "ULA" },
	{ "::/8", "RESERVED" },
	{ "100::/8", "UNASSIGNED" },
	{ "2d00::/8", "RESERVED" },
	{ "ff00::/8", "MULTICAST" },
	{ "fe00::/9", "RESERVED" },
	{ "fe80::/10", "LINKLOCAL" },
	{ "fec0::/10", "RESERVED" },
	{ "2400::/12", "ALLOCATED APNIC" },
	{ "2600::/12", "ALLOCATED ARIN" },
	{ "2800::/12", "ALLOCATED LACNIC" },
	{ "2a00::/12", "ALLOCATED RIPE NCC" },
	{ "2c00::/12", "ALLOCATED AFRINIC" },
	{ "ff30::/12", "PREFIX-BASED MULTICAST" },
	{ "ff70::/12", "RP-EMBEDDED MULTICAST" },
	{ "2002::/16", "6TO4" },
	{ "ff01::/16", "NODE-LOCAL MULTICAST" },
	{ "ff02::/16", "LINK-LOCAL MULTICAST" },
	{ "ff04::/16", "ADMIN-LOCAL MULTICAST" },
	{ "ff05::/16", "SITE-LOCAL MULTICAST" },
	{ "ff08::/16", "ORG-LOCAL MULTICAST" },
	{ "ff0e::/16", "GLOBAL MULTICAST" },
	{ "ff0f::/16", "RESERVED MULTICAST" },
	{ "2003::/18", "ALLOCATED RIPE NCC" },
	{ "2001:8000::/19", "ALLOCATED APNIC" },
	{ "2001:2000::/20", "ALLOCATED RIPE NCC" },
	{ "2001:5000::/20", "ALLOCATED RIPE NCC" },
	{ "2001:a000::/20", "ALLOCATED APNIC" },
	{ "2001:b000::/20", "ALLOCATED APNIC" },
	{ "2001:3000::/21", "ALLOCATED RIPE NCC" },
	{ "2001:1c00::/22", "ALLOCATED RIPE NCC" },
	{ "2001:3800::/22", "ALLOCATED RIPE NCC" },
	{ "2001:3c00::/22", "RESERVED" },
	{ "2001::/23", "SPECIALPURPOSE" },
	{ "2001:200::/23", "ALLOCATED APNIC" },
	{ "2001:400::/23", "ALLOCATED ARIN" },
	{ "2001:600::/23", "ALLOCATED RIPE NCC" },
	{ "2001:800::/23", "ALLOCATED RIPE NCC" },
	{ "2001:a00::/23", "ALLOCATED RIPE NCC" },
	{ "2001:c00::/23", "ALLOCATED APNIC" },
	{ "2001:e00::/23", "ALLOCATED APNIC" },
	{ "2001:1200::/23", "ALLOCATED LACNIC" },
	{ "2001:1400::/23", "ALLOCATED RIPE NCC" },
	{ "2001:1600::/23", "ALLOCATED RIPE NCC" },
	{ "2001:1800::/23", "ALLOCATED ARIN" },
	{ "2001:1a00::/23", "ALLOCATED RIPE NCC" },
	{ "2001:4000::/23", "ALLOCATED RIPE NCC" },
	{ "2001:4200::/23", "ALLOCATED AFRINIC" },
	{ "2001:4400::/23", "ALLOCATED APNIC" },
	{ "2001:4600::/23", "ALLOCATED RIPE NCC" },
	{ "2001:4800::/23", "ALLOCATED ARIN" },
	{ "2001:4a00::/23", "ALLOCATED RIPE NCC" },
	{ "2001:4c00::/23", "ALLOCATED RIPE NCC" },
	{ "2610::/23", "ALLOCATED ARIN" },
	{ "2620::/23", "ALLOCATED ARIN" },
	{ "2001:10::/28", "ORCHID" },
	{ "2001::/32", "TEREDO" },
	{ "2001:db8::/32", "DOCUMENTATION" },
	{ "2001:2::/48", "BMWG" },
	{ "::/96", "RESERVED" },
	{ "::ffff:0:0/96", "IPV4MAP" },
	{ "64:ff9b::/96", "WKP46TRANS" },
	{ "::/128", "UNSPECIFIED" },
	{ "::1/128", "LOOPBACK" },
};

unsigned int ip_net__bits(const struct ip_net *n)
{
	return n->version == 4 ? 32 : 128;
}

/* The host part's mask: the low (bits - plen) bits. */
static ip_u128 host_mask(const struct ip_net *n)
{
	unsigned int host = ip_net__bits(n) - n->plen;

	return host >= 128 ? ~(ip_u128)0 : (((ip_u128)1 << host) - 1);
}

static ip_u128 all_mask(const struct ip_net *n)
{
	return n->version == 4 ? (ip_u128)0xffffffffU : ~(ip_u128)0;
}

ip_u128 ip_net__last(const struct ip_net *n)
{
	return n->ip | host_mask(n);
}

ip_u128 ip_net__netmask(const struct ip_net *n)
{
	return all_mask(n) & ~host_mask(n);
}

static ip_u128 u128_of(const uint8_t a[16], int from)
{
	ip_u128 v = 0;

	for (int i = from; i < 16; i++)
		v = v << 8 | a[i];
	return v;
}

int ip_net__parse(const char *s, unsigned int flags, struct ip_net *n)
{
	struct addr_prefix p;
	int err = addr_prefix_parse(s, flags, &p);

	memset(n, 0, sizeof(*n));
	if (err < 0)
		return err;
	n->version = p.v4 ? 4 : 6;
	n->plen = p.v4 ? p.prefixlen - 96 : p.prefixlen;
	n->ip = u128_of(p.addr, p.v4 ? 12 : 0);
	return 0;
}

const char *ip_addr__format(uint8_t version, ip_u128 ip, char *buf, size_t len)
{
	uint8_t a[16];

	for (int i = 15; i >= 0; i--, ip >>= 8)
		a[i] = (uint8_t)ip;
	if (version == 4)
		snprintf(buf, len, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
	else
		tcp_addr6_format(a, 0, buf, len);
	return buf;
}

const char *ip_net__format(const struct ip_net *n, char *buf, size_t len)
{
	char a[IP_STRLEN];

	ip_addr__format(n->version, n->ip, a, sizeof(a));
	if (n->plen == ip_net__bits(n))
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%u", a, n->plen);
	return buf;
}

/* 2^k in decimal, k <= 128: doubling a little-endian digit string. */
const char *ip_net__size(const struct ip_net *n, char *buf, size_t len)
{
	unsigned int k = ip_net__bits(n) - n->plen, nd = 1;
	uint8_t d[IP_SIZE_STRLEN] = { 1 };

	for (unsigned int i = 0; i < k; i++) {
		unsigned int carry = 0;

		for (unsigned int j = 0; j < nd; j++) {
			unsigned int v = d[j] * 2U + carry;

			d[j] = (uint8_t)(v % 10);
			carry = v / 10;
		}
		if (carry)
			d[nd++] = (uint8_t)carry;
	}
	if (len < nd + 1) {
		if (len)
			buf[0] = '\0';
		return buf;
	}
	for (unsigned int j = 0; j < nd; j++)
		buf[j] = (char)('0' + d[nd - 1 - j]);
	buf[nd] = '\0';
	return buf;
}

const char *ip_net__type(const struct ip_net *n)
{
	const struct ip_range *t = n->version == 4 ? ip4_ranges : ip6_ranges;
	size_t nt = n->version == 4 ? sizeof(ip4_ranges) / sizeof(ip4_ranges[0])
				    : sizeof(ip6_ranges) / sizeof(ip6_ranges[0]);
	const char *best = "unknown";
	uint32_t best_len = 0;
	uint8_t a[16];
	ip_u128 ip = n->ip;

	for (int i = 15; i >= 0; i--, ip >>= 8)
		a[i] = (uint8_t)ip;
	if (n->version == 4)
		addr_to128(4, a + 12, a);
	for (size_t i = 0; i < nt; i++) {
		struct addr_prefix p;

		if (addr_prefix_parse(t[i].prefix, 0, &p) || !addr_prefix_has(&p, a))
			continue;
		if (!strcmp(best, "unknown") || p.prefixlen > best_len) {
			best = t[i].name;
			best_len = p.prefixlen;
		}
	}
	return best;
}

/* An IPv4-mapped IPv6 network of /96 or longer: IPy names its reverse zones as IPv4's. */
static bool ip_net__v4_of_mapped(const struct ip_net *n, struct ip_net *v4)
{
	if (n->version != 6 || (n->ip >> 32) != 0xffff || n->plen < 96)
		return false;
	v4->version = 4;
	v4->plen = n->plen - 96;
	v4->ip = n->ip & 0xffffffffU;
	return true;
}

/* The first nibbles of ip (plen / 4 of them), reversed, as "n.n.n." then "ip6.arpa.". */
static void rev6(ip_u128 ip, unsigned int nibbles, char *buf, size_t len)
{
	size_t off = 0;

	for (unsigned int i = nibbles; i > 0 && off + 2 < len; i--) {
		unsigned int nib = (unsigned int)(ip >> (128 - 4 * i)) & 0xf;

		off += (size_t)snprintf(buf + off, len - off, "%x.", nib);
	}
	snprintf(buf + off, len - off, "ip6.arpa.");
}

/* An IPv4 network of /8 or longer: its octets reversed, RFC 2317's "first-last." below /24s. */
static void rev4(const struct ip_net *n, char *buf, size_t len)
{
	unsigned int whole = n->plen / 8, o[4]; /* octets wholly in the prefix */
	size_t off = 0;

	for (int i = 0; i < 4; i++)
		o[i] = (unsigned int)(n->ip >> (24 - 8 * i)) & 0xff;
	buf[0] = '\0';
	if (n->plen % 8)
		off += (size_t)snprintf(buf, len, "%u-%u.", o[whole],
					(unsigned int)ip_net__last(n) & 0xff);
	for (unsigned int i = whole; i > 0 && off < len; i--)
		off += (size_t)snprintf(buf + off, len - off, "%u.", o[i - 1]);
	if (off < len)
		snprintf(buf + off, len - off, "in-addr.arpa.");
}

int ip_net__reverse_name(const struct ip_net *n, char *buf, size_t len)
{
	struct ip_net v4;

	if (ip_net__v4_of_mapped(n, &v4))
		n = &v4;
	if (n->version == 6) {
		if (n->plen % 4)
			return -ERANGE;
		rev6(n->ip, n->plen / 4, buf, len);
		return 0;
	}
	if (n->plen < 8)
		return -ERANGE;
	rev4(n, buf, len);
	return 0;
}

int ip_net__reverse_names(const struct ip_net *n, void (*fn)(void *ctx, const char *name),
			  void *ctx)
{
	char name[IP_REVNAME_LEN];
	struct ip_net v4, sub;
	unsigned int step, count;

	if (ip_net__v4_of_mapped(n, &v4))
		n = &v4;
	sub = *n;
	if (n->version == 6) {
		/* the covering nibble-aligned zones: 1, 2, 4 or 8 of them */
		sub.plen = (n->plen + 3) / 4 * 4;
		count = 1U << (sub.plen - n->plen);
		for (unsigned int i = 0; i < count; i++) {
			ip_u128 ip = i ? n->ip + ((ip_u128)i << (128 - sub.plen)) : n->ip;

			rev6(ip, sub.plen / 4, name, sizeof(name));
			fn(ctx, name);
		}
		return (int)count;
	}
	/* as IPy: each address below 256, else each /24, /16 or /8 the network spans */
	step = 32 - n->plen < 8 ? 0 : 32 - n->plen < 16 ? 8 : 32 - n->plen < 24 ? 16 : 24;
	sub.plen = 32 - step;
	count = 1U << (32 - n->plen - step);
	for (unsigned int i = 0; i < count; i++) {
		sub.ip = n->ip + ((ip_u128)i << step);
		if (ip_net__reverse_name(&sub, name, sizeof(name)))
			return -ERANGE;
		fn(ctx, name);
	}
	return (int)count;
}

bool ip_net__contains(const struct ip_net *a, const struct ip_net *b)
{
	return a->version == b->version && b->ip >= a->ip && ip_net__last(b) <= ip_net__last(a);
}

int ip_net__overlaps(const struct ip_net *a, const struct ip_net *b)
{
	if (a->version != b->version)
		return 0;
	if (b->ip >= a->ip && b->ip <= ip_net__last(a))
		return 1;
	if (a->ip >= b->ip && a->ip <= ip_net__last(b))
		return -1;
	return 0;
}

int ip_net__compare(const struct ip_net *a, const struct ip_net *b)
{
	if (a->version != b->version)
		return a->version < b->version ? -1 : 1;
	if (a->ip != b->ip)
		return a->ip < b->ip ? -1 : 1;
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	return 0;
}
