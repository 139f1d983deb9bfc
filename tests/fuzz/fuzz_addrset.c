// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_addrset.c: libFuzzer target for the address sets of --laddr/--raddr and vigil ip
 * (net/net_addrset.h): any text is accepted or refused cleanly, strictly and loosely; an
 * accepted prefix has no host bits, a length within 128 (IPv4: 96 and up, mapped), a strict
 * parse never accepts what has host bits; and matching agrees with a second, slower
 * longest-prefix rule (mask the address at each length from 128 down, look for that network).
 * The same text through vigil ip's calculator: every output fits its buffer, reverseNames()
 * stays within IP_REVNAMES_MAX.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/net_addrset.h"
#include "net/net_ip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void mask(const uint8_t a[16], uint32_t len, uint8_t out[16])
{
	memcpy(out, a, 16);
	for (uint32_t bit = len; bit < 128; bit++)
		out[bit / 8] &= (uint8_t) ~(0x80 >> (bit % 8));
}

static void count_name(void *ctx, const char *name)
{
	if (strlen(name) >= IP_REVNAME_LEN)
		abort();
	(*(int *)ctx)++;
}

static void fuzz_ip(const char *s)
{
	char buf[IP_REVNAME_LEN];
	struct ip_net n, m;
	int count = 0;

	if (ip_net__parse(s, ADDRSET_F_LOOSE, &n))
		return;
	ip_net__format(&n, buf, sizeof(buf));
	ip_net__size(&n, buf, sizeof(buf));
	if (strlen(buf) >= IP_SIZE_STRLEN)
		abort();
	ip_net__type(&n);
	ip_net__reverse_name(&n, buf, sizeof(buf));
	if (ip_net__reverse_names(&n, count_name, &count) != count || count > IP_REVNAMES_MAX)
		abort();
	m = n;
	m.plen = n.plen ? n.plen - 1 : 0;
	if (!ip_net__contains(&m, &n) && m.version == n.version &&
	    (n.ip & ~ip_net__netmask(&m)) == 0)
		abort();
	if (ip_net__compare(&n, &n) || ip_net__overlaps(&n, &n) != 1)
		abort();
}

static bool slow_match(const struct addrset *s, const uint8_t a[16])
{
	for (int len = 128; len >= 0; len--) {
		uint8_t net[16];

		mask(a, (uint32_t)len, net);
		for (uint32_t i = 0; i < s->n; i++) {
			if (s->v[i].prefixlen == (uint32_t)len && !memcmp(s->v[i].addr, net, 16))
				return !s->v[i].exclude;
		}
	}
	return !s->npos;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addrset *strict = malloc(sizeof(*strict)), *loose = malloc(sizeof(*loose));
	char *s = malloc(size + 1);
	uint8_t a[16] = { 0 };
	int es, el;

	memcpy(s, data, size);
	s[size] = '\0';
	addrset__init(strict);
	addrset__init(loose);
	es = addrset__parse(strict, s, 0);
	el = addrset__parse(loose, s, ADDRSET_F_LOOSE);
	if (!es && (el || strict->hostbits[0]))
		abort(); /* strict accepted what loose refused, or what has host bits */
	for (uint32_t i = 0; i < loose->n; i++) {
		const struct addr_prefix *p = &loose->v[i];
		uint8_t net[16];

		if (p->prefixlen > 128 || (p->v4 && p->prefixlen < 96))
			abort();
		mask(p->addr, p->prefixlen, net);
		if (memcmp(net, p->addr, 16))
			abort();
	}
	memcpy(a, data, size < 16 ? size : 16);
	if (addrset__match(loose, a) != slow_match(loose, a))
		abort();
	for (uint32_t i = 0; i < loose->n; i++) {
		if (addrset__match(loose, loose->v[i].addr) != slow_match(loose, loose->v[i].addr))
			abort();
	}
	addrset__match_text(loose, s);
	fuzz_ip(s);
	free(s);
	free(strict);
	free(loose);
	return 0;
}
