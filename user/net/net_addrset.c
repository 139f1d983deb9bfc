// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * net_addrset.c: parsing and matching the address sets of --laddr/--raddr (net_addrset.h):
 * our own strict address text parser, prefixes with host-bit checks as IPy makes them, and
 * the longest-prefix decision the kernel's LPM tries make, here for the views that read
 * sockets from userspace (net connections, lsof -i, top, the tcp poller).
 */
#include "net/net_addrset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* A dotted quad of exactly len bytes: four decimal fields 0..255, no leading zeros. */
static int parse_v4(const char *s, size_t len, uint8_t out[4])
{
	size_t i = 0;

	for (int f = 0; f < 4; f++) {
		unsigned int v = 0, digits = 0;

		if (f) {
			if (i >= len || s[i] != '.')
				return -EINVAL;
			i++;
		}
		while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 4) {
			v = v * 10 + (unsigned int)(s[i] - '0');
			i++;
			digits++;
		}
		/* "010" would be octal to inet_aton() and decimal to IPy: refuse it */
		if (!digits || digits > 3 || v > 255 || (digits > 1 && s[i - digits] == '0'))
			return -EINVAL;
		out[f] = (uint8_t)v;
	}
	return i == len ? 0 : -EINVAL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * RFC 4291 text of exactly len bytes: up to eight groups of 1 to 4 hex digits, at most one
 * "::", the last 32 bits optionally as a dotted quad.
 */
static int parse_v6(const char *s, size_t len, uint8_t out[16])
{
	uint8_t words[16] = { 0 };
	int n = 0, gap = -1;
	size_t i = 0;

	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (len && s[0] == ':') {
		return -EINVAL;
	}
	while (i < len) {
		size_t start = i;
		unsigned int v = 0;
		int d;

		while (i < len && (d = hexval(s[i])) >= 0 && i - start < 5) {
			v = v << 4 | (unsigned int)d;
			i++;
		}
		if (i < len && s[i] == '.') {
			/* the embedded IPv4: the rest of the text */
			if (n > 6 || parse_v4(s + start, len - start, words + 2 * n))
				return -EINVAL;
			n += 2;
			i = len;
			break;
		}
		if (i == start || i - start > 4 || n >= 8)
			return -EINVAL;
		words[2 * n] = (uint8_t)(v >> 8);
		words[2 * n + 1] = (uint8_t)v;
		n++;
		if (i == len)
			break;
		if (s[i] != ':')
			return -EINVAL;
		i++;
		if (i < len && s[i] == ':') {
			if (gap >= 0)
				return -EINVAL;
			gap = n;
			i++;
		} else if (i == len) {
			return -EINVAL; /* a trailing single ':' */
		}
	}
	if (gap < 0 && n != 8)
		return -EINVAL;
	if (gap >= 0 && n > 7)
		return -EINVAL;
	memset(out, 0, 16);
	if (gap < 0) {
		memcpy(out, words, 16);
		return 0;
	}
	memcpy(out, words, (size_t)gap * 2);
	memcpy(out + 16 - (size_t)(n - gap) * 2, words + gap * 2, (size_t)(n - gap) * 2);
	return 0;
}

static int parse_addr_len(const char *s, size_t len, uint8_t out[16], bool *v4)
{
	if (!len || len > 45)
		return -EINVAL;
	*v4 = !memchr(s, ':', len);
	if (!*v4)
		return parse_v6(s, len, out);
	memcpy(out, v4mapped, sizeof(v4mapped));
	return parse_v4(s, len, out + 12);
}

int addr_parse(const char *s, uint8_t out[16], bool *v4)
{
	return parse_addr_len(s, strlen(s), out, v4);
}

void addr_to128(int version, const uint8_t *addr, uint8_t out[16])
{
	if (version == 6) {
		memcpy(out, addr, 16);
		return;
	}
	memcpy(out, v4mapped, sizeof(v4mapped));
	memcpy(out + 12, addr, 4);
}

/* A decimal prefix length of 1 to 3 digits, at most max. */
static int parse_plen(const char *s, unsigned int max, unsigned int *out)
{
	unsigned int v = 0;
	size_t n = strlen(s);

	if (!n || n > 3 || (n > 1 && s[0] == '0'))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned int)(s[i] - '0');
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* An IPv4 netmask "255.255.240.0": its length if the ones are contiguous. */
static int parse_netmask(const char *s, unsigned int *out)
{
	uint8_t m[4];
	uint32_t v;
	unsigned int ones = 0;

	if (parse_v4(s, strlen(s), m))
		return -EINVAL;
	v = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
	while (ones < 32 && (v & (0x80000000U >> ones)))
		ones++;
	if (ones < 32 && (v << ones))
		return -EINVAL;
	*out = ones;
	return 0;
}

int addr_prefix_parse(const char *s, unsigned int flags, struct addr_prefix *out)
{
	const char *slash = strchr(s, '/');
	size_t hlen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned int plen;
	bool v4, host = false;

	memset(out, 0, sizeof(*out));
	if (parse_addr_len(s, hlen, out->addr, &v4))
		return -EINVAL;
	out->v4 = v4;
	plen = v4 ? 32 : 128;
	if (slash && parse_plen(slash + 1, plen, &plen) && (!v4 || parse_netmask(slash + 1, &plen)))
		return -EINVAL;
	out->prefixlen = plen + (v4 ? 96 : 0);
	for (uint32_t bit = out->prefixlen; bit < 128; bit++) {
		uint8_t mask = (uint8_t)(0x80 >> (bit % 8));

		host |= out->addr[bit / 8] & mask;
		out->addr[bit / 8] &= (uint8_t)~mask;
	}
	return host && !(flags & ADDRSET_F_LOOSE) ? -EDOM : host ? 1 : 0;
}

bool addr_prefix_has(const struct addr_prefix *p, const uint8_t a[16])
{
	uint32_t bits = p->prefixlen, full = bits / 8;

	if (memcmp(p->addr, a, full))
		return false;
	return bits % 8 == 0 || !((p->addr[full] ^ a[full]) & (0xff00 >> (bits % 8)));
}

void addrset__init(struct addrset *set)
{
	memset(set, 0, sizeof(*set));
}

/* Add one item ("!" + prefix) to set; 0, or -errno with set unchanged. */
static int addrset__add(struct addrset *set, const char *tok, size_t len, unsigned int flags)
{
	char buf[ADDRSET_TOKEN_MAX];
	bool exclude = len && tok[0] == '!';
	struct addr_prefix p;
	int err;

	if (exclude) {
		tok++;
		len--;
	}
	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, tok, len);
	buf[len] = '\0';
	err = addr_prefix_parse(buf, flags, &p);
	if (err < 0)
		return err;
	if (err && !set->hostbits[0])
		memcpy(set->hostbits, buf, len + 1);
	p.exclude = exclude;
	for (uint32_t i = 0; i < set->n; i++) {
		const struct addr_prefix *q = &set->v[i];

		if (q->prefixlen != p.prefixlen || memcmp(q->addr, p.addr, 16))
			continue;
		return q->exclude == p.exclude ? 0 : -EINVAL;
	}
	if (set->n >= ADDRSET_MAX)
		return -E2BIG;
	set->v[set->n++] = p;
	set->npos += !exclude;
	return 0;
}

int addrset__parse(struct addrset *set, const char *list, unsigned int flags)
{
	size_t len = strlen(list);
	struct addrset *tmp;
	const char *p = list;
	int err = 0;

	if (!len || len > ADDRSET_LIST_MAX)
		return -EINVAL;
	/* work on a copy so that a bad item leaves set as it was */
	tmp = malloc(sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	*tmp = *set;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		err = addrset__add(tmp, p, n, flags);
		if (err || !comma)
			break;
		p = comma + 1;
	}
	if (!err)
		*set = *tmp;
	free(tmp);
	return err;
}

bool addrset__match(const struct addrset *set, const uint8_t a[16])
{
	const struct addr_prefix *best = NULL;

	for (uint32_t i = 0; i < set->n; i++) {
		const struct addr_prefix *p = &set->v[i];

		if ((!best || p->prefixlen > best->prefixlen) && addr_prefix_has(p, a))
			best = p;
	}
	if (best)
		return !best->exclude;
	return !set->npos;
}

bool addrset__match_text(const struct addrset *set, const char *addr)
{
	const char *pct = strchr(addr, '%');
	size_t len = pct ? (size_t)(pct - addr) : strlen(addr);
	uint8_t a[16];
	bool v4;

	if (!set->n)
		return true;
	if (parse_addr_len(addr, len, a, &v4))
		return false;
	return addrset__match(set, a);
}
