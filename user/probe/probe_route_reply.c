// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_route_reply.c: the traceroute's packets on the wire: the SYN it sends, and the one
 * parser of what comes back. A reply is an ICMP error (time exceeded from a router, or
 * destination unreachable) quoting the IP header and the first 8 bytes of one of our SYNs
 * (ports and sequence number, which is how a reply finds its probe), or the target's own
 * SYN-ACK or RST, whose acknowledgment number is our sequence number plus one. IPv4 raw
 * sockets hand over the IP header, IPv6 ones only the payload (the sender's address comes
 * from recvfrom). Everything
 * in a received packet is untrusted: each header is checked against the bytes actually
 * read before a field of it is used, whatever its length fields claim.
 */
#include <errno.h>
#include <string.h>

#include "probe/probe_route.h"

#define IP4_HDR_MIN    20
#define ICMP_HDR_LEN   8
#define TCP_HDR_MIN    20
#define TCP_QUOTE_MIN  8 /* what RFC 792 guarantees of the quoted datagram: ports and seq */
#define PROTO_ICMP     1
#define PROTO_TCP      6
#define ICMP_UNREACH   3
#define ICMP_TIMXCEED  11
#define PROTO_ICMP6    58
#define IP6_HDR_LEN    40
#define ICMP6_UNREACH  1
#define ICMP6_TIMXCEED 3
#define TCP_FL_RST     0x04
#define TCP_FL_SYN     0x02
#define TCP_FL_ACK     0x10
#define SYN_MSS	       1460
#define SYN_WINDOW     64240

const char *route_reply_name(enum route_reply_kind k)
{
	switch (k) {
	case ROUTE_REPLY_TIME_EXCEEDED:
		return "time-exceeded";
	case ROUTE_REPLY_UNREACHABLE:
		return "unreachable";
	case ROUTE_REPLY_SYN_ACK:
		return "syn-ack";
	case ROUTE_REPLY_RST:
		return "rst";
	case ROUTE_REPLY_NONE:
		break;
	}
	return "none";
}

const char *route_state_name(enum route_state s)
{
	return s == ROUTE_OPEN ? "open" : s == ROUTE_CLOSED ? "closed" : "unreached";
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

/*
 * An IPv4 header at buf (len bytes read): its header length, and in *plen the bytes of the
 * datagram that were read (the total length, cut to what is there). -EINVAL if malformed.
 */
static int ip4_header(const uint8_t *buf, size_t len, size_t *hlen, size_t *plen)
{
	size_t ihl, tot;

	if (len < IP4_HDR_MIN || buf[0] >> 4 != 4)
		return -EINVAL;
	ihl = (size_t)(buf[0] & 0x0f) * 4;
	tot = rd16(buf + 2);
	if (ihl < IP4_HDR_MIN || ihl > len)
		return -EINVAL;
	*hlen = ihl;
	/* A quoted datagram is cut short by design; an outer one shorter than its header is not */
	*plen = tot && tot < len ? tot : len;
	if (*plen < ihl)
		return -EINVAL;
	return 0;
}

/* An ICMP error at p (n bytes): is its quoted datagram one of our SYNs? */
static int parse_icmp4(const struct route_flow *f, const uint8_t *p, size_t n,
		       struct route_reply *out)
{
	const uint8_t *q, *tcp;
	size_t qhl, qlen;
	int err;

	if (n < ICMP_HDR_LEN)
		return -EINVAL;
	if (p[0] != ICMP_TIMXCEED && p[0] != ICMP_UNREACH)
		return -ENOENT;
	q = p + ICMP_HDR_LEN;
	n -= ICMP_HDR_LEN;
	err = ip4_header(q, n, &qhl, &qlen);
	if (err)
		return err;
	if (q[9] != PROTO_TCP || memcmp(q + 12, f->src, 4) || memcmp(q + 16, f->dst, 4))
		return -ENOENT;
	/* the router may quote less than the original's total length says: use what is here */
	if (n - qhl < TCP_QUOTE_MIN)
		return -EINVAL;
	tcp = q + qhl;
	if (rd16(tcp) != f->sport || rd16(tcp + 2) != f->dport)
		return -ENOENT;
	out->kind = p[0] == ICMP_TIMXCEED ? ROUTE_REPLY_TIME_EXCEEDED : ROUTE_REPLY_UNREACHABLE;
	out->icmp_type = p[0];
	out->icmp_code = p[1];
	out->seq = rd32(tcp + 4);
	return 0;
}

/* A TCP segment at p (n bytes) from the target: a SYN-ACK or a RST answering our SYN? */
static int parse_tcp(const struct route_flow *f, const uint8_t *p, size_t n,
		     struct route_reply *out)
{
	uint8_t flags;

	if (n < TCP_HDR_MIN)
		return -EINVAL;
	if (rd16(p) != f->dport || rd16(p + 2) != f->sport)
		return -ENOENT;
	flags = p[13];
	if (!(flags & TCP_FL_ACK))
		return -ENOENT; /* an answer to a SYN always acknowledges it */
	if (flags & TCP_FL_RST)
		out->kind = ROUTE_REPLY_RST;
	else if ((flags & (TCP_FL_SYN | TCP_FL_ACK)) == (TCP_FL_SYN | TCP_FL_ACK))
		out->kind = ROUTE_REPLY_SYN_ACK;
	else
		return -ENOENT;
	out->icmp_type = 0;
	out->icmp_code = 0;
	out->seq = rd32(p + 8) - 1;
	return 0;
}

int route_reply_parse4(const struct route_flow *flow, const uint8_t *buf, size_t len,
		       struct route_reply *out)
{
	size_t hl, plen;
	int err;

	memset(out, 0, sizeof(*out));
	err = ip4_header(buf, len, &hl, &plen);
	if (err)
		return err;
	memcpy(out->from, buf + 12, 4);
	if (buf[9] == PROTO_ICMP) {
		if (memcmp(buf + 16, flow->src, 4))
			return -ENOENT;
		return parse_icmp4(flow, buf + hl, plen - hl, out);
	}
	if (buf[9] == PROTO_TCP) {
		if (memcmp(buf + 12, flow->dst, 4) || memcmp(buf + 16, flow->src, 4))
			return -ENOENT;
		return parse_tcp(flow, buf + hl, plen - hl, out);
	}
	return -ENOENT;
}

int route_reply_parse6(const struct route_flow *flow, const uint8_t from[16], int proto,
		       const uint8_t *buf, size_t len, struct route_reply *out)
{
	const uint8_t *q;

	memset(out, 0, sizeof(*out));
	memcpy(out->from, from, 16);
	if (proto == PROTO_TCP) {
		if (memcmp(from, flow->dst, 16))
			return -ENOENT;
		return parse_tcp(flow, buf, len, out);
	}
	if (proto != PROTO_ICMP6)
		return -ENOENT;
	if (len < ICMP_HDR_LEN)
		return -EINVAL;
	if (buf[0] != ICMP6_TIMXCEED && buf[0] != ICMP6_UNREACH)
		return -ENOENT;
	/* the quote: the SYN's IPv6 header (no extension headers: we send none), then TCP */
	q = buf + ICMP_HDR_LEN;
	len -= ICMP_HDR_LEN;
	if (len < IP6_HDR_LEN || q[0] >> 4 != 6)
		return -EINVAL;
	if (q[6] != PROTO_TCP || memcmp(q + 8, flow->src, 16) || memcmp(q + 24, flow->dst, 16))
		return -ENOENT;
	if (len - IP6_HDR_LEN < TCP_QUOTE_MIN)
		return -EINVAL;
	q += IP6_HDR_LEN;
	if (rd16(q) != flow->sport || rd16(q + 2) != flow->dport)
		return -ENOENT;
	out->kind = buf[0] == ICMP6_TIMXCEED ? ROUTE_REPLY_TIME_EXCEEDED : ROUTE_REPLY_UNREACHABLE;
	out->icmp_type = buf[0];
	out->icmp_code = buf[1];
	out->seq = rd32(q + 4);
	return 0;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (; len > 1; p += 2, len -= 2)
		sum += rd16(p);
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t route_tcp_csum4(const uint8_t src[4], const uint8_t dst[4], const uint8_t *seg, size_t len)
{
	uint8_t pseudo[12];
	uint32_t sum;

	memcpy(pseudo, src, 4);
	memcpy(pseudo + 4, dst, 4);
	pseudo[8] = 0;
	pseudo[9] = PROTO_TCP;
	wr16(pseudo + 10, (uint16_t)len);
	sum = csum_add(csum_add(0, pseudo, sizeof(pseudo)), seg, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t route_tcp_csum6(const uint8_t src[16], const uint8_t dst[16], const uint8_t *seg,
			 size_t len)
{
	uint8_t pseudo[40];
	uint32_t sum;

	memcpy(pseudo, src, 16);
	memcpy(pseudo + 16, dst, 16);
	wr32(pseudo + 32, (uint32_t)len);
	memset(pseudo + 36, 0, 3);
	pseudo[39] = PROTO_TCP;
	sum = csum_add(csum_add(0, pseudo, sizeof(pseudo)), seg, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t route_syn_build(const struct route_flow *flow, uint32_t seq, uint8_t *seg, size_t size)
{
	const size_t len = TCP_HDR_MIN + 4;

	if (size < len)
		return 0;
	memset(seg, 0, len);
	wr16(seg, flow->sport);
	wr16(seg + 2, flow->dport);
	wr32(seg + 4, seq);
	seg[12] = (uint8_t)((len / 4) << 4);
	seg[13] = TCP_FL_SYN;
	wr16(seg + 14, SYN_WINDOW);
	seg[20] = 2; /* MSS: a SYN without one looks like a scanner to some middleboxes */
	seg[21] = 4;
	wr16(seg + 22, SYN_MSS);
	wr16(seg + 16, flow->family == ROUTE_AF_INET6
			       ? route_tcp_csum6(flow->src, flow->dst, seg, len)
			       : route_tcp_csum4(flow->src, flow->dst, seg, len));
	return len;
}
