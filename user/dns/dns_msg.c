// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dns_msg.c: the bounded DNS message reader of dns_msg.h. Names are walked label by label;
 * a compression pointer is followed only backwards (so a chain cannot loop) and only
 * DNS_MAX_HOPS times; every length is checked against the bytes there are before it is
 * used. Records are walked at most as many times as the bytes could hold (a record takes
 * 11 bytes at least), whatever ANCOUNT claims.
 */
#include "dns/dns_msg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define DNS_TYPE_A    1
#define DNS_TYPE_AAAA 28
#define DNS_CLASS_IN  1
#define DNS_RR_MIN    11 /* a root name, type, class, ttl, rdlength */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Append label bytes to out as dig writes them: \. \\ and \DDD for the unprintable. */
static void text_label(char *out, size_t outlen, size_t *o, const uint8_t *lab, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = lab[i];
		char tmp[5];
		size_t k;

		if (c == '.' || c == '\\')
			k = (size_t)snprintf(tmp, sizeof(tmp), "\\%c", c);
		else if (c > 0x20 && c < 0x7f)
			k = (size_t)snprintf(tmp, sizeof(tmp), "%c", c);
		else
			k = (size_t)snprintf(tmp, sizeof(tmp), "\\%03u", c);
		if (*o + k >= outlen)
			return;
		memcpy(out + *o, tmp, k);
		*o += k;
		out[*o] = '\0';
	}
}

int dns_name_text(const uint8_t *msg, size_t len, size_t off, char *out, size_t outlen, size_t *end)
{
	size_t pos = off, o = 0, wire = 0, limit = off; /* a pointer must point below limit */
	bool jumped = false;
	int hops = 0;

	if (!outlen)
		return -EINVAL;
	out[0] = '\0';
	for (;;) {
		uint8_t l;

		if (pos >= len)
			return -EMSGSIZE;
		l = msg[pos];
		if ((l & 0xc0) == 0xc0) {
			size_t target;

			if (pos + 1 >= len)
				return -EMSGSIZE;
			target = (size_t)(l & 0x3f) << 8 | msg[pos + 1];
			if (!jumped && end)
				*end = pos + 2;
			jumped = true;
			if (target >= limit || ++hops > DNS_MAX_HOPS)
				return -EINVAL; /* forwards, or to itself: a loop */
			limit = target;
			pos = target;
			continue;
		}
		if (l & 0xc0)
			return -EINVAL; /* 0x40 and 0x80: reserved label types */
		wire += (size_t)l + 1;
		if (wire > DNS_NAME_MAX)
			return -EINVAL;
		if (!l) {
			if (!jumped && end)
				*end = pos + 1;
			if (!o)
				snprintf(out, outlen, ".");
			return 0;
		}
		if (o && o + 1 < outlen) {
			out[o++] = '.';
			out[o] = '\0';
		}
		if (pos + 1 + l > len) {
			text_label(out, outlen, &o, msg + pos + 1, len - pos - 1);
			return -EMSGSIZE;
		}
		text_label(out, outlen, &o, msg + pos + 1, l);
		pos += (size_t)l + 1;
	}
}

/* The answer record at *off: keep an A/AAAA address; move past it. 0, -EMSGSIZE, -EINVAL. */
static int answer_read(const uint8_t *msg, size_t len, size_t *off, struct dns_msg *m)
{
	char name[DNS_NAME_TEXTLEN];
	uint16_t type, class, rdlen;
	size_t p;
	int err = dns_name_text(msg, len, *off, name, sizeof(name), &p);

	if (err)
		return err;
	if (p + 10 > len)
		return -EMSGSIZE;
	type = get16(msg + p);
	class = get16(msg + p + 2);
	rdlen = get16(msg + p + 8);
	p += 10;
	if (p + rdlen > len)
		return -EMSGSIZE;
	if (class == DNS_CLASS_IN &&
	    ((type == DNS_TYPE_A && rdlen == 4) || (type == DNS_TYPE_AAAA && rdlen == 16))) {
		if (m->naddrs < DNS_MAX_ADDRS) {
			struct dns_addr *a = &m->addrs[m->naddrs];

			memset(a, 0, sizeof(*a));
			a->family = type == DNS_TYPE_A ? 4 : 6;
			memcpy(a->addr, msg + p, rdlen);
		}
		m->naddrs++;
	} else if ((type == DNS_TYPE_A || type == DNS_TYPE_AAAA) && class == DNS_CLASS_IN) {
		return -EINVAL; /* an address of the wrong size */
	}
	*off = p + rdlen;
	return 0;
}

int dns_msg_parse(const uint8_t *msg, size_t len, size_t full_len, struct dns_msg *m)
{
	size_t off = DNS_HDR_LEN;
	int err;

	memset(m, 0, sizeof(*m));
	if (full_len < len)
		full_len = len;
	if (len < DNS_HDR_LEN) {
		m->malformed = full_len < DNS_HDR_LEN;
		return -EINVAL;
	}
	m->id = get16(msg);
	m->flags = get16(msg + 2);
	m->qdcount = get16(msg + 4);
	m->ancount = get16(msg + 6);
	if (m->qdcount) {
		err = dns_name_text(msg, len, off, m->qname, sizeof(m->qname), &off);
		if (!err && off + 4 <= len)
			m->qtype = get16(msg + off);
		if (!err)
			off += 4;
		if (err == -EMSGSIZE)
			m->qname_cut = true;
		if (err || off > len)
			goto stop;
		/* other questions (nobody asks more than one): skip them */
		for (uint32_t i = 1; i < m->qdcount; i++) {
			char skip[DNS_NAME_TEXTLEN];

			err = dns_name_text(msg, len, off, skip, sizeof(skip), &off);
			if (!err)
				off += 4;
			if (err || off > len)
				goto stop;
		}
	}
	for (uint32_t i = 0; i < m->ancount; i++) {
		if (off + DNS_RR_MIN > len) {
			err = -EMSGSIZE;
			goto stop;
		}
		err = answer_read(msg, len, &off, m);
		if (err)
			goto stop;
	}
	return 0;

stop:
	if (!err)
		err = -EMSGSIZE;
	/* Bytes that ran out before the message did are a cut, not a fault. */
	if (err == -EMSGSIZE && len < full_len)
		m->cut = true;
	else
		m->malformed = true;
	return 0;
}

static const struct {
	uint16_t v;
	const char *name;
} qtypes[] = {
	{ 1, "A" },	 { 2, "NS" },	   { 5, "CNAME" },  { 6, "SOA" },    { 12, "PTR" },
	{ 13, "HINFO" }, { 15, "MX" },	   { 16, "TXT" },   { 28, "AAAA" },  { 33, "SRV" },
	{ 35, "NAPTR" }, { 39, "DNAME" },  { 41, "OPT" },   { 43, "DS" },    { 46, "RRSIG" },
	{ 47, "NSEC" },	 { 48, "DNSKEY" }, { 50, "NSEC3" }, { 52, "TLSA" },  { 64, "SVCB" },
	{ 65, "HTTPS" }, { 99, "SPF" },	   { 251, "IXFR" }, { 252, "AXFR" }, { 255, "ANY" },
	{ 257, "CAA" },
};

static const char *const rcodes[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
				      "NOTIMP",	 "REFUSED", "YXDOMAIN", "YXRRSET",
				      "NXRRSET", "NOTAUTH", "NOTZONE" };

const char *dns_qtype_name(uint16_t qtype, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(qtypes) / sizeof(qtypes[0]); i++) {
		if (qtypes[i].v == qtype) {
			snprintf(buf, len, "%s", qtypes[i].name);
			return buf;
		}
	}
	snprintf(buf, len, "TYPE%u", qtype);
	return buf;
}

const char *dns_rcode_name(uint8_t rcode, char *buf, size_t len)
{
	if (rcode < sizeof(rcodes) / sizeof(rcodes[0]))
		snprintf(buf, len, "%s", rcodes[rcode]);
	else
		snprintf(buf, len, "RCODE%u", rcode);
	return buf;
}

int dns_qtype_by_name(const char *name)
{
	unsigned int v;
	char end;

	for (size_t i = 0; i < sizeof(qtypes) / sizeof(qtypes[0]); i++) {
		if (!strcasecmp(qtypes[i].name, name))
			return qtypes[i].v;
	}
	if (sscanf(name, "%*1[Tt]%*1[Yy]%*1[Pp]%*1[Ee]%u%c", &v, &end) == 1 && v <= 65535)
		return (int)v;
	return -EINVAL;
}
