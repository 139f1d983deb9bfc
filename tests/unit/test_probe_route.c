// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_probe_route.c: the TCP traceroute's packets and pictures, without a network. The reply
 * parser on hand-built packets: a router's time exceeded quoting our SYN (by ports and
 * sequence number), a quote cut to RFC 792's 8 bytes, someone else's quote, the target's
 * SYN-ACK and RST, and hostile ones (truncated at every length, a header length beyond the
 * packet, a total length below the header, options that push the quote out); the same over
 * IPv6 (ICMPv6 messages and TCP segments as IPv6 raw sockets read them); the SYN we
 * build and its checksum; per-hop statistics; and the SVG report: its layout on one RTT scale,
 * one group per hop, balanced XML, and a hostile reverse name escaped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "probe/probe_route.h"
#include "probe/probe_route_svg.h"

static const uint8_t SRC[4] = { 10, 77, 1, 2 }, DST[4] = { 10, 77, 4, 2 },
		     ROUTER[4] = { 10, 77, 2, 2 };

static struct route_flow flow(void)
{
	struct route_flow f = { .family = ROUTE_AF_INET, .sport = 40000, .dport = 443 };

	memcpy(f.src, SRC, 4);
	memcpy(f.dst, DST, 4);
	return f;
}

static void wr16(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, v >> 16);
	wr16(p + 2, v & 0xffff);
}

/* An IPv4 header (20 bytes) at p. */
static void ip4(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t proto, size_t tot)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	wr16(p + 2, (unsigned int)tot);
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
}

/* A router's ICMP error quoting our SYN with seq; quote bytes of TCP. Returns the length. */
static size_t icmp_reply(uint8_t *buf, uint8_t type, const uint8_t *router, uint32_t seq,
			 size_t quote, uint16_t sport)
{
	size_t len = 20 + 8 + 20 + quote;

	ip4(buf, router, SRC, 1, len);
	memset(buf + 20, 0, 8);
	buf[20] = type;
	buf[21] = type == 3 ? 1 : 0;
	ip4(buf + 28, SRC, DST, 6, 44);
	buf[28 + 8] = 1; /* the TTL left when it expired */
	memset(buf + 48, 0, quote);
	wr16(buf + 48, sport);
	wr16(buf + 50, 443);
	if (quote >= 8)
		wr32(buf + 52, seq);
	return len;
}

static size_t tcp_reply(uint8_t *buf, uint8_t flags, uint32_t ack)
{
	ip4(buf, DST, SRC, 6, 40);
	memset(buf + 20, 0, 20);
	wr16(buf + 20, 443);
	wr16(buf + 22, 40000);
	wr32(buf + 28, ack);
	buf[32] = 0x50;
	buf[33] = flags;
	return 40;
}

static void test_time_exceeded_matches_by_ports_and_seq(void **state)
{
	struct route_flow f = flow();
	struct route_reply r;
	uint8_t buf[128];
	size_t n;

	(void)state;
	n = icmp_reply(buf, 11, ROUTER, 0xdeadbeef, 20, 40000);
	assert_int_equal(route_reply_parse4(&f, buf, n, &r), 0);
	assert_int_equal(r.kind, ROUTE_REPLY_TIME_EXCEEDED);
	assert_memory_equal(r.from, ROUTER, 4);
	assert_int_equal(r.seq, 0xdeadbeef);
	/* RFC 792's minimum quote: ports and sequence number only */
	n = icmp_reply(buf, 11, ROUTER, 7, 8, 40000);
	assert_int_equal(route_reply_parse4(&f, buf, n, &r), 0);
	assert_int_equal(r.seq, 7);
	/* destination unreachable, with its code */
	n = icmp_reply(buf, 3, ROUTER, 9, 8, 40000);
	assert_int_equal(route_reply_parse4(&f, buf, n, &r), 0);
	assert_int_equal(r.kind, ROUTE_REPLY_UNREACHABLE);
	assert_int_equal(r.icmp_code, 1);
}

static void test_someone_elses_replies_are_not_ours(void **state)
{
	struct route_flow f = flow();
	struct route_reply r;
	uint8_t buf[128];
	size_t n;

	(void)state;
	n = icmp_reply(buf, 11, ROUTER, 1, 20, 40001); /* another source port */
	assert_int_equal(route_reply_parse4(&f, buf, n, &r), -ENOENT);
	n = icmp_reply(buf, 0, ROUTER, 1, 20, 40000); /* an echo reply */
	assert_int_equal(route_reply_parse4(&f, buf, n, &r), -ENOENT);
	n = icmp_reply(buf, 11, ROUTER, 1, 20, 40000);
	buf[28 + 19] = 99; /* the quote went to another host */
	assert_int_equal(route_reply_parse4(&f, buf, n, &r), -ENOENT);
	n = icmp_reply(buf, 11, ROUTER, 1, 20, 40000);
	buf[28 + 9] = 17; /* a UDP quote */
	assert_int_equal(route_reply_parse4(&f, buf, n, &r), -ENOENT);
	n = icmp_reply(buf, 11, ROUTER, 1, 20, 40000);
	buf[19] = 7; /* to another of our addresses */
	assert_int_equal(route_reply_parse4(&f, buf, n, &r), -ENOENT);
	n = tcp_reply(buf, 0x12, 5);
	buf[15] = 1; /* a SYN-ACK from another host */
	assert_int_equal(route_reply_parse4(&f, buf, n, &r), -ENOENT);
	n = tcp_reply(buf, 0x10, 5); /* a bare ACK */
	assert_int_equal(route_reply_parse4(&f, buf, n, &r), -ENOENT);
	n = tcp_reply(buf, 0x04, 5); /* a RST without ACK answers no SYN */
	assert_int_equal(route_reply_parse4(&f, buf, n, &r), -ENOENT);
	ip4(buf, ROUTER, SRC, 17, 28); /* UDP */
	assert_int_equal(route_reply_parse4(&f, buf, 28, &r), -ENOENT);
}

static void test_syn_ack_and_rst_give_seq_from_ack(void **state)
{
	struct route_flow f = flow();
	struct route_reply r;
	uint8_t buf[64];
	size_t n;

	(void)state;
	n = tcp_reply(buf, 0x12, 1000);
	assert_int_equal(route_reply_parse4(&f, buf, n, &r), 0);
	assert_int_equal(r.kind, ROUTE_REPLY_SYN_ACK);
	assert_int_equal(r.seq, 999);
	assert_memory_equal(r.from, DST, 4);
	n = tcp_reply(buf, 0x14, 0);
	assert_int_equal(route_reply_parse4(&f, buf, n, &r), 0);
	assert_int_equal(r.kind, ROUTE_REPLY_RST);
	assert_int_equal(r.seq, 0xffffffff);
}

static void test_hostile_packets_are_refused(void **state)
{
	struct route_flow f = flow();
	struct route_reply r;
	uint8_t buf[128];
	size_t n, cut;

	(void)state;
	/* every truncation of a good reply: refused or, once whole enough, accepted */
	n = icmp_reply(buf, 11, ROUTER, 1, 20, 40000);
	for (cut = 0; cut < 56; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1); /* exact size: ASan sees any overread */

		memcpy(copy, buf, cut);
		assert_int_equal(route_reply_parse4(&f, copy, cut, &r), -EINVAL);
		free(copy);
	}
	assert_int_equal(route_reply_parse4(&f, buf, 56, &r), 0);
	n = tcp_reply(buf, 0x12, 1);
	for (cut = 0; cut < n; cut++)
		assert_int_equal(route_reply_parse4(&f, buf, cut, &r), -EINVAL);
	/* a header length beyond the packet, below the minimum, or a version that is not 4 */
	n = icmp_reply(buf, 11, ROUTER, 1, 20, 40000);
	buf[0] = 0x4f;
	assert_int_equal(route_reply_parse4(&f, buf, 40, &r), -EINVAL);
	buf[0] = 0x44;
	assert_int_equal(route_reply_parse4(&f, buf, n, &r), -EINVAL);
	buf[0] = 0x65;
	assert_int_equal(route_reply_parse4(&f, buf, n, &r), -EINVAL);
	/* a total length shorter than the header */
	n = icmp_reply(buf, 11, ROUTER, 1, 20, 40000);
	wr16(buf + 2, 12);
	assert_int_equal(route_reply_parse4(&f, buf, n, &r), -EINVAL);
	/* a total length that cuts the quote short is believed: less is read, never more */
	n = icmp_reply(buf, 11, ROUTER, 1, 20, 40000);
	wr16(buf + 2, 50);
	assert_int_equal(route_reply_parse4(&f, buf, n, &r), -EINVAL);
	/* quoted options that push the TCP ports past the end */
	n = icmp_reply(buf, 11, ROUTER, 1, 8, 40000);
	buf[28] = 0x4f;
	assert_int_equal(route_reply_parse4(&f, buf, n, &r), -EINVAL);
}

static void test_syn_is_built_with_a_valid_checksum(void **state)
{
	struct route_flow f = flow();
	uint8_t seg[64];
	size_t n;

	(void)state;
	assert_int_equal(route_syn_build(&f, 1, seg, 10), 0);
	n = route_syn_build(&f, 0x01020304, seg, sizeof(seg));
	assert_int_equal(n, 24);
	assert_int_equal(seg[0] << 8 | seg[1], 40000);
	assert_int_equal(seg[2] << 8 | seg[3], 443);
	assert_int_equal(seg[4], 1);
	assert_int_equal(seg[7], 4);
	assert_int_equal(seg[12] >> 4, 6);
	assert_int_equal(seg[13], 0x02);
	/* a segment with its checksum in place sums to zero */
	assert_int_equal(route_tcp_csum4(SRC, DST, seg, n), 0);
	/* an odd length pads its last byte with a zero */
	seg[0] = 0x01;
	assert_int_not_equal(route_tcp_csum4(SRC, DST, seg, 1), 0);
	assert_string_equal(route_reply_name(ROUTE_REPLY_SYN_ACK), "syn-ack");
	assert_string_equal(route_reply_name(ROUTE_REPLY_NONE), "none");
	assert_string_equal(route_state_name(ROUTE_CLOSED), "closed");
}

static const uint8_t SRC6[16] = { 0xfd, 0x77, 0, 1, [15] = 2 },
		     DST6[16] = { 0xfd, 0x77, 0, 4, [15] = 2 },
		     ROUTER6[16] = { 0xfd, 0x77, 0, 2, [15] = 2 };

static struct route_flow flow6(void)
{
	struct route_flow f = { .family = ROUTE_AF_INET6, .sport = 40000, .dport = 443 };

	memcpy(f.src, SRC6, 16);
	memcpy(f.dst, DST6, 16);
	return f;
}

/* An ICMPv6 error as an IPv6 raw socket reads it: no outer header; quote bytes of TCP. */
static size_t icmp6_reply(uint8_t *buf, uint8_t type, uint32_t seq, size_t quote)
{
	memset(buf, 0, 8 + 40 + quote);
	buf[0] = type;
	buf[1] = type == 1 ? 3 : 0;
	buf[8] = 0x60;
	wr16(buf + 8 + 4, 24);
	buf[8 + 6] = 6;
	buf[8 + 7] = 1;
	memcpy(buf + 8 + 8, SRC6, 16);
	memcpy(buf + 8 + 24, DST6, 16);
	wr16(buf + 48, 40000);
	wr16(buf + 50, 443);
	if (quote >= 8)
		wr32(buf + 52, seq);
	return 8 + 40 + quote;
}

static void test_ipv6_replies(void **state)
{
	struct route_flow f = flow6();
	struct route_reply r;
	uint8_t buf[128], seg[64];
	size_t n, cut;

	(void)state;
	n = icmp6_reply(buf, 3, 0xabcdef01, 20);
	assert_int_equal(route_reply_parse6(&f, ROUTER6, 58, buf, n, &r), 0);
	assert_int_equal(r.kind, ROUTE_REPLY_TIME_EXCEEDED);
	assert_memory_equal(r.from, ROUTER6, 16);
	assert_int_equal(r.seq, 0xabcdef01);
	n = icmp6_reply(buf, 1, 5, 8);
	assert_int_equal(route_reply_parse6(&f, ROUTER6, 58, buf, n, &r), 0);
	assert_int_equal(r.kind, ROUTE_REPLY_UNREACHABLE);
	assert_int_equal(r.icmp_code, 3);
	for (cut = 0; cut < 56; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);

		memcpy(copy, buf, cut);
		assert_int_equal(route_reply_parse6(&f, ROUTER6, 58, copy, cut, &r), -EINVAL);
		free(copy);
	}
	n = icmp6_reply(buf, 3, 1, 8);
	buf[8 + 6] = 17; /* a UDP quote */
	assert_int_equal(route_reply_parse6(&f, ROUTER6, 58, buf, n, &r), -ENOENT);
	n = icmp6_reply(buf, 3, 1, 8);
	buf[8 + 39] = 9; /* to another host */
	assert_int_equal(route_reply_parse6(&f, ROUTER6, 58, buf, n, &r), -ENOENT);
	n = icmp6_reply(buf, 129, 1, 8); /* an echo reply */
	assert_int_equal(route_reply_parse6(&f, ROUTER6, 58, buf, n, &r), -ENOENT);
	/* the target's RST, as the TCP raw socket reads it: the segment alone */
	n = tcp_reply(buf, 0x14, 77) - 20;
	assert_int_equal(route_reply_parse6(&f, DST6, 6, buf + 20, n, &r), 0);
	assert_int_equal(r.kind, ROUTE_REPLY_RST);
	assert_int_equal(r.seq, 76);
	assert_int_equal(route_reply_parse6(&f, ROUTER6, 6, buf + 20, n, &r), -ENOENT);
	assert_int_equal(route_reply_parse6(&f, DST6, 6, buf + 20, 19, &r), -EINVAL);
	assert_int_equal(route_reply_parse6(&f, DST6, 17, buf + 20, n, &r), -ENOENT);
	/* the SYN's checksum over the IPv6 pseudo-header */
	n = route_syn_build(&f, 9, seg, sizeof(seg));
	assert_int_equal(n, 24);
	assert_int_equal(route_tcp_csum6(SRC6, DST6, seg, n), 0);
	assert_int_not_equal(route_tcp_csum4(SRC6, DST6, seg, n), 0);
}

/* A result of 4 hops: hop 2 lost entirely, hop 3 one probe of 3, then the target (open). */
static struct route_result *make_result(struct route_cfg *cfg)
{
	static const uint64_t rtt[4][3] = { { 100000, 120000, 110000 },
					    { 0, 0, 0 },
					    { 300000, 0, 500000 },
					    { 900000, 1000000, 1100000 } };
	struct route_result *res = calloc(1, sizeof(*res));

	memset(cfg, 0, sizeof(*cfg));
	cfg->target = "target<&>\"'.test";
	cfg->flow = flow();
	cfg->probes = 3;
	cfg->max_hops = 30;
	cfg->timeout_ns = 2000000000ULL;
	res->nhops = 4;
	res->state = ROUTE_OPEN;
	res->sent = 12;
	res->answered = 8;
	for (int h = 0; h < 4; h++) {
		res->hops[h].ttl = (uint8_t)(h + 1);
		for (int i = 0; i < 3; i++) {
			struct route_probe *p = &res->hops[h].probes[i];

			p->ttl = (uint8_t)(h + 1);
			p->index = (uint8_t)i;
			p->rtt_ns = rtt[h][i];
			p->sent_ns = 1000000 + (uint64_t)(h * 3 + i) * 1000;
			p->reply = !rtt[h][i] ? ROUTE_REPLY_NONE
				   : h == 3   ? ROUTE_REPLY_SYN_ACK
					      : ROUTE_REPLY_TIME_EXCEEDED;
			p->from[0] = 10;
			p->from[3] = (uint8_t)(h + 1);
		}
	}
	strcpy(res->hops[0].names[0], "r1 <evil & \"name\">\x1b[2J");
	return res;
}

static void test_hop_stats(void **state)
{
	struct route_cfg cfg;
	struct route_result *res = make_result(&cfg);
	struct route_hop_stats st;

	(void)state;
	route_hop__stats(&res->hops[0], 3, &st);
	assert_int_equal(st.answered, 3);
	assert_int_equal(st.min_ns, 100000);
	assert_int_equal(st.median_ns, 110000);
	assert_int_equal(st.max_ns, 120000);
	assert_int_equal(st.first, 0);
	route_hop__stats(&res->hops[1], 3, &st);
	assert_int_equal(st.answered, 0);
	assert_int_equal(st.first, -1);
	assert_true(st.loss == 1.0);
	route_hop__stats(&res->hops[2], 3, &st);
	assert_int_equal(st.median_ns, 400000); /* an even count: the mean of the middle two */
	assert_int_equal(st.first, 0);
	free(res);
}

static void test_svg_layout(void **state)
{
	struct route_cfg cfg;
	struct route_result *res = make_result(&cfg);
	struct route_svg_layout l;

	(void)state;
	route_svg__layout(&cfg, res, &l);
	assert_int_equal(l.scale_ns, 2000000); /* 1.1 ms rounds up to 2 ms */
	assert_int_equal(l.height, ROUTE_SVG_TOP + 4 * ROUTE_SVG_ROW + ROUTE_SVG_FOOTER);
	for (int h = 0; h < 4; h++) {
		assert_int_equal(l.rows[h].y, ROUTE_SVG_TOP + h * ROUTE_SVG_ROW);
		assert_true(l.rows[h].bar_w <= ROUTE_SVG_BAR_W);
		assert_true(l.rows[h].whisker_x0 <= l.rows[h].bar_w);
		assert_true(l.rows[h].bar_w <= l.rows[h].whisker_x1);
		assert_true(ROUTE_SVG_BAR_X + l.rows[h].whisker_x1 <= l.width);
	}
	assert_int_equal(l.rows[1].bar_w, 0);			/* no answer, no bar */
	assert_int_equal(l.rows[3].bar_w, ROUTE_SVG_BAR_W / 2); /* 1 ms of 2 */
	assert_int_equal(l.rows[0].bar_w, 15);			/* 0.11 ms of 2 */
	free(res);
}

/* Whether every element opened in xml is closed in order (no parser: a stack of names). */
static bool xml_is_balanced(const char *xml, int *groups)
{
	char stack[64][32];
	int depth = 0;

	*groups = 0;
	for (const char *p = strchr(xml, '<'); p; p = strchr(p + 1, '<')) {
		const char *end = strchr(p, '>');
		size_t len = strcspn(p + 1, " >/");

		if (!end || len >= 32)
			return false;
		if (p[1] == '?' || p[1] == '!')
			continue;
		if (p[1] == '/') {
			len = strcspn(p + 2, " >");
			if (!depth || strncmp(stack[depth - 1], p + 2, len) ||
			    stack[depth - 1][len])
				return false;
			depth--;
		} else if (end[-1] != '/') {
			if (depth == 64)
				return false;
			memcpy(stack[depth], p + 1, len);
			stack[depth++][len] = '\0';
			if (!strncmp(p, "<g class=\"hop\"", 14))
				(*groups)++;
		}
	}
	return depth == 0;
}

static void test_svg_report(void **state)
{
	struct route_cfg cfg;
	struct route_result *res = make_result(&cfg);
	struct sink *s;
	char *svg;
	int fd, groups;

	(void)state;
	s = capture__open(&fd);
	assert_int_equal(route_svg__write(s, &cfg, res), 0);
	svg = capture__read(s, fd);
	assert_true(xml_is_balanced(svg, &groups));
	assert_int_equal(groups, 4);
	assert_non_null(strstr(svg, "<g class=\"hop\" id=\"hop-4\">"));
	assert_non_null(strstr(svg, "<g class=\"end\" id=\"end-open\">"));
	assert_non_null(strstr(svg, "SYN-ACK at hop 4"));
	assert_non_null(strstr(svg, "loss 100% (3/3)"));
	assert_non_null(strstr(svg, "loss 33% (1/3)"));
	assert_non_null(strstr(svg, "r1 &lt;evil &amp; &quot;name&quot;&gt;\\x1b[2J"));
	assert_non_null(strstr(svg, "target&lt;&amp;&gt;&quot;&apos;.test"));
	assert_null(strchr(svg, '\x1b'));
	assert_null(strstr(svg, "<evil"));
	free(svg);
	sink__close(s);
	close(fd);
	free(res);
}

static void test_rows_and_table(void **state)
{
	struct route_rows rr;
	struct route_cfg cfg;
	struct route_result *res = make_result(&cfg);
	struct sink *s;
	char *out;
	int fd;

	(void)state;
	cfg.resolve = true;
	s = capture__open(&fd);
	route_out__table_hop(s, &cfg, &res->hops[1]);
	route_out__table_hop(s, &cfg, &res->hops[3]);
	route_out__table_end(s, &cfg, res);
	out = capture__read(s, fd);
	assert_string_equal(out, " 2  *  *  *\n"
				 " 4  10.0.0.4 [open]  0.900 ms  1.000 ms  1.100 ms\n"
				 "10.77.4.2 port 443: open (syn-ack) at hop 4; 12 probes sent, 4 "
				 "lost, 0.000 s\n");
	free(out);
	sink__close(s);
	close(fd);
	s = capture__open(&fd);
	route_out__table_hop(s, &cfg, &res->hops[0]);
	out = capture__read(s, fd);
	/* the hostile name reaches the terminal escaped */
	assert_non_null(strstr(out, " 1  r1 <evil & \"name\">\\x1b[2J (10.0.0.1)  0.100 ms"));
	free(out);
	sink__close(s);
	close(fd);
	s = capture__open(&fd);
	route_rows__begin(&rr, s, 1 /* FMT_CSV */);
	route_rows__run(&rr, &cfg, res, 2);
	route_rows__end(&rr);
	out = capture__read(s, fd);
	assert_non_null(strstr(out,
			       "time,ts_ns,kind,source,schema,probe,target,port,success,"
			       "duration_ns,state,run,ttl,probe_index,addr,name,rtt_ns,reply\r\n"));
	assert_non_null(strstr(out, ",probe,raw_socket," SCHEMA_S
				    ",traceroute,\"target<&>\"\"'.test\",443,"
				    "true,0,open,2,2,1,,,,none\r\n"));
	assert_non_null(strstr(out, ",open,2,4,2,10.0.0.4,,1100000,syn-ack\r\n"));
	free(out);
	sink__close(s);
	close(fd);
	free(res);
}

static void test_repeated_runs_summary(void **state)
{
	struct route_sum *sum = calloc(1, sizeof(*sum));
	struct route_cfg cfg;
	struct route_result *res = make_result(&cfg);
	struct route_rows rr;
	struct sink *s;
	char *out;
	int fd;

	(void)state;
	route_sum__add(sum, &cfg, res);
	res->hops[3].probes[0].rtt_ns = 100000; /* the second run: a faster target */
	res->state = ROUTE_UNREACHED;
	route_sum__add(sum, &cfg, res);
	assert_int_equal(sum->runs, 2);
	assert_int_equal(sum->reached, 1);
	assert_int_equal(sum->nhops, 4);
	assert_int_equal(sum->hops[1].sent, 6);
	assert_int_equal(sum->hops[1].answered, 0);
	assert_false(sum->hops[1].has_addr);
	assert_int_equal(sum->hops[2].answered, 4);
	assert_int_equal(sum->hops[2].min_ns, 300000);
	assert_int_equal(sum->hops[2].max_ns, 500000);
	assert_int_equal(sum->hops[2].sum_ns, 1600000);
	assert_int_equal(sum->hops[3].min_ns, 100000);
	s = capture__open(&fd);
	route_out__summary_table(s, &cfg, sum);
	out = capture__read(s, fd);
	assert_non_null(
		strstr(out, "--- 10.77.4.2 port 443: 2 runs, the target answered in 1 ---\n"));
	assert_non_null(
		strstr(out, "\n  2  *                                           6 100.0%\n"));
	assert_non_null(strstr(out,
			       "\n  3  10.0.0.3                                    6  33.3%     "
			       "0.300     0.400     0.500\n"));
	free(out);
	sink__close(s);
	close(fd);
	s = capture__open(&fd);
	route_rows__begin(&rr, s, 3 /* FMT_NDJSON */);
	route_rows__summary(&rr, &cfg, sum);
	route_rows__end(&rr);
	out = capture__read(s, fd);
	assert_non_null(strstr(out, "\"kind\":\"probe_summary\""));
	assert_non_null(strstr(out, "\"ttl\":2,\"addr\":null,\"sent\":6,\"lost\":6,\"loss\":1,"
				    "\"rtt_min_ns\":null"));
	assert_non_null(strstr(out, "\"ttl\":3,\"addr\":\"10.0.0.3\",\"sent\":6,\"lost\":2,"));
	assert_non_null(strstr(out, "\"rtt_min_ns\":300000,\"rtt_avg_ns\":400000,"
				    "\"rtt_max_ns\":500000}"));
	free(out);
	sink__close(s);
	close(fd);
	free(res);
	free(sum);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_exceeded_matches_by_ports_and_seq),
		cmocka_unit_test(test_someone_elses_replies_are_not_ours),
		cmocka_unit_test(test_syn_ack_and_rst_give_seq_from_ack),
		cmocka_unit_test(test_hostile_packets_are_refused),
		cmocka_unit_test(test_syn_is_built_with_a_valid_checksum),
		cmocka_unit_test(test_ipv6_replies),
		cmocka_unit_test(test_hop_stats),
		cmocka_unit_test(test_svg_layout),
		cmocka_unit_test(test_svg_report),
		cmocka_unit_test(test_rows_and_table),
		cmocka_unit_test(test_repeated_runs_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
