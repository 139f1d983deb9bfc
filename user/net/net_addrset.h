/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * net_addrset.h: address sets, the values of --laddr and --raddr on every command that shows
 * addresses: a comma list of IPv4 and IPv6 prefixes, each optionally negated with '!'
 * ("10.0.0.0/8,!10.1.0.0/16,fd00::/8"). Addresses are held in one 128-bit form, IPv4 as the
 * IPv4-mapped ::ffff:a.b.c.d (a /n IPv4 prefix is /96+n), the form of the tcp tracer's LPM
 * tries, so that userspace and the kernel decide alike: the longest prefix that contains an
 * address decides (an exclusion decides "no"), and an address no prefix contains matches
 * only when the set has no positive prefix. A prefix with host bits set (10.0.0.1/8) is an
 * error, as IPy refuses it, unless the parse is loose (then the host bits are cleared). The
 * text parser is our own (strict dotted quads, RFC 4291 IPv6 text), so it behaves alike on
 * every platform and is bounded on hostile input.
 */
#ifndef VIGIL_NET_ADDRSET_H
#define VIGIL_NET_ADDRSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ADDRSET_MAX	  64   /* prefixes per set: the kernel's tries hold 64 */
#define ADDRSET_LIST_MAX  4096 /* longest accepted list text */
#define ADDRSET_TOKEN_MAX 64   /* longest prefix text, "!" included */

/* addrset__parse() flags */
#define ADDRSET_F_LOOSE 1U /* clear host bits instead of refusing the prefix */

struct addr_prefix {
	uint8_t addr[16];   /* the network, 128-bit form; bits past prefixlen are zero */
	uint32_t prefixlen; /* over the 128-bit form (IPv4 /n: 96 + n) */
	uint8_t v4;	    /* written as IPv4 */
	uint8_t exclude;    /* written with '!' */
};

struct addrset {
	struct addr_prefix v[ADDRSET_MAX];
	uint32_t n;
	uint32_t npos; /* positive prefixes among v */
	/* the first prefix given with host bits set (even when loose), "" if none */
	char hostbits[ADDRSET_TOKEN_MAX];
};

/*
 * Parse one address "10.0.0.1" or "fe80::1" (IPv6 may end in a dotted quad) into the 128-bit
 * form; *v4 says which it was. 0 or -EINVAL.
 */
int addr_parse(const char *s, uint8_t out[16], bool *v4);

/*
 * Parse one prefix: an address, "ADDR/LEN" (0..32 for IPv4, 0..128 for IPv6) or, for IPv4,
 * "ADDR/NETMASK" with a contiguous netmask. -EINVAL for bad text; -EDOM when host bits are set
 * and flags lacks ADDRSET_F_LOOSE (out then holds the cleared network all the same).
 */
int addr_prefix_parse(const char *s, unsigned int flags, struct addr_prefix *out);

/* Whether prefix p contains the 128-bit address a. */
bool addr_prefix_has(const struct addr_prefix *p, const uint8_t a[16]);

void addrset__init(struct addrset *set);

/*
 * Append the comma list to set (repeatable flags call it once per value). -EINVAL for a bad
 * or empty item or a prefix both included and excluded, -E2BIG past ADDRSET_MAX, -EDOM for
 * host bits (not loose). A repeated prefix is kept once. On error set is unchanged.
 */
int addrset__parse(struct addrset *set, const char *list, unsigned int flags);

static inline bool addrset__is_empty(const struct addrset *set)
{
	return !set->n;
}

/*
 * Whether the 128-bit address a is in set: the longest prefix containing it decides; none
 * contains it: true only when set has no positive prefix. An empty set matches everything.
 */
bool addrset__match(const struct addrset *set, const uint8_t a[16]);

/*
 * The same for an address as text (as the fallback library gives it; an IPv6 zone "%eth0" is
 * ignored). Text that is no address (a unix socket's path, "", "*") matches only an empty set.
 */
bool addrset__match_text(const struct addrset *set, const char *addr);

/* The 128-bit form of a 4- or 16-byte wire address of family 4 or 6 (IPv4 mapped). */
void addr_to128(int version, const uint8_t *addr, uint8_t out[16]);

#endif /* VIGIL_NET_ADDRSET_H */
