// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_dns.c: the DNS tracer's userspace pieces without BPF: names as text (escapes, the
 * root, compression), hostile messages (pointer loops, forward pointers, lengths past the
 * end, reserved label types, names over 255 bytes), a message cut at the copy limit told
 * apart from a malformed one, A/AAAA answers, qtype and rcode names, the wire layout of
 * vg_dns, and decoding records (a response, a timeout, an unknown owner) from built bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/types.h>
#include <string.h>

#include "events.h"
#include "core/record.h"
#include "dns/dns_msg.h"
#include "dns/dns_pkt.h"
#include "dns/dns_record.h"

/* A message: header, then the bytes given. */
static size_t msg_build(uint8_t *buf, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
			const void *rest, size_t n)
{
	uint16_t h[6] = { id, flags, qd, an, 0, 0 };

	for (int i = 0; i < 6; i++) {
		buf[2 * i] = (uint8_t)(h[i] >> 8);
		buf[2 * i + 1] = (uint8_t)h[i];
	}
	memcpy(buf + 12, rest, n);
	return 12 + n;
}

#define Q_WWW "\x03www\x04test\x00\x00\x01\x00\x01" /* 15 bytes: www.test A IN */
#define RR_A  "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x00\x00\x01"
#define RR_6                                                                                       \
	"\xc0\x0c\x00\x1c\x00\x01\x00\x00\x00\x3c\x00\x10"                                         \
	"\xfd\x00"                                                                                 \
	"\0\0\0\0\0\0\0\0\0\0\0\0\0\x01"

static void test_name_text_plain_root_and_escapes(void **state)
{
	const uint8_t plain[] = "\x03www\x04test\x00";
	const uint8_t root[] = "\x00";
	const uint8_t esc[] = "\x03"
			      "a.b"
			      "\x02\\\xff\x00";
	char out[DNS_NAME_TEXTLEN];
	size_t end;

	(void)state;
	assert_int_equal(dns_name_text(plain, sizeof(plain) - 1, 0, out, sizeof(out), &end), 0);
	assert_string_equal(out, "www.test");
	assert_int_equal(end, 10);
	assert_int_equal(dns_name_text(root, 1, 0, out, sizeof(out), &end), 0);
	assert_string_equal(out, ".");
	assert_int_equal(dns_name_text(esc, sizeof(esc) - 1, 0, out, sizeof(out), NULL), 0);
	assert_string_equal(out, "a\\.b.\\\\\\255");
}

static void test_name_text_cut_and_malformed(void **state)
{
	const uint8_t cut[] = "\x05"
			      "ab";
	const uint8_t reserved[] = "\x41"
				   "abc\x00";
	uint8_t toolong[300];
	char out[DNS_NAME_TEXTLEN];

	(void)state;
	assert_int_equal(dns_name_text(cut, 3, 0, out, sizeof(out), NULL), -EMSGSIZE);
	assert_string_equal(out, "ab"); /* what there was */
	assert_int_equal(dns_name_text(reserved, 5, 0, out, sizeof(out), NULL), -EINVAL);
	for (int i = 0; i < 4; i++) {
		toolong[i * 64] = 63;
		memset(toolong + i * 64 + 1, 'x', 63);
	}
	toolong[256] = 0;
	assert_int_equal(dns_name_text(toolong, 257, 0, out, sizeof(out), NULL), -EINVAL);
	assert_int_equal(dns_name_text(cut, 0, 0, out, sizeof(out), NULL), -EMSGSIZE);
}

static void test_name_text_pointer_loops_are_refused(void **state)
{
	uint8_t self[16] = { 0 }, pair[40] = { 0 }, fwd[16] = { 0 };
	char out[DNS_NAME_TEXTLEN];

	(void)state;
	self[12] = 0xc0; /* points at itself */
	self[13] = 12;
	assert_int_equal(dns_name_text(self, 14, 12, out, sizeof(out), NULL), -EINVAL);
	/* 20: "a" -> 30; 30: "b" -> 20: each pointer goes back once, then forwards */
	memcpy(pair + 20,
	       "\x01"
	       "a\xc0\x1e",
	       4);
	memcpy(pair + 30,
	       "\x01"
	       "b\xc0\x14",
	       4);
	assert_int_equal(dns_name_text(pair, sizeof(pair), 30, out, sizeof(out), NULL), -EINVAL);
	fwd[0] = 0xc0;
	fwd[1] = 8;
	assert_int_equal(dns_name_text(fwd, sizeof(fwd), 0, out, sizeof(out), NULL), -EINVAL);
}

static void test_msg_answers_and_addresses(void **state)
{
	uint8_t buf[256];
	const char rest[] = Q_WWW RR_A RR_6;
	size_t n = msg_build(buf, 7, 0x8180, 1, 2, rest, sizeof(rest) - 1);
	struct dns_msg m;

	(void)state;
	assert_int_equal(dns_msg_parse(buf, n, n, &m), 0);
	assert_int_equal(m.id, 7);
	assert_int_equal(m.ancount, 2);
	assert_int_equal(m.qtype, 1);
	assert_string_equal(m.qname, "www.test");
	assert_int_equal(m.naddrs, 2);
	assert_int_equal(m.addrs[0].family, 4);
	assert_memory_equal(m.addrs[0].addr, "\x0a\x00\x00\x01", 4);
	assert_int_equal(m.addrs[1].family, 6);
	assert_int_equal(m.addrs[1].addr[15], 1);
	assert_false(m.cut);
	assert_false(m.malformed);
}

static void test_msg_cut_is_not_malformed(void **state)
{
	uint8_t buf[256];
	const char rest[] = Q_WWW RR_A RR_6;
	size_t n = msg_build(buf, 7, 0x8180, 1, 2, rest, sizeof(rest) - 1);
	struct dns_msg m;

	(void)state;
	/* the first n - 5 bytes of an n-byte message: cut, one address read */
	assert_int_equal(dns_msg_parse(buf, n - 5, n, &m), 0);
	assert_true(m.cut);
	assert_false(m.malformed);
	assert_int_equal(m.naddrs, 1);
	/* the same bytes as a whole message: it lies about its answers */
	assert_int_equal(dns_msg_parse(buf, n - 5, n - 5, &m), 0);
	assert_false(m.cut);
	assert_true(m.malformed);
	/* ANCOUNT claims more than the bytes hold */
	n = msg_build(buf, 7, 0x8180, 1, 60000, rest, sizeof(rest) - 1);
	assert_int_equal(dns_msg_parse(buf, n, n, &m), 0);
	assert_true(m.malformed);
	assert_int_equal(m.naddrs, 2);
}

static void test_msg_hostile_rdlength_and_short(void **state)
{
	uint8_t buf[256];
	const char past[] = Q_WWW "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x01\x90\x01\x02";
	const char badaddr[] = Q_WWW "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x03\x01\x02\x03";
	size_t n = msg_build(buf, 1, 0x8180, 1, 1, past, sizeof(past) - 1);
	struct dns_msg m;

	(void)state;
	assert_int_equal(dns_msg_parse(buf, n, n, &m), 0);
	assert_true(m.malformed);
	assert_int_equal(m.naddrs, 0);
	n = msg_build(buf, 1, 0x8180, 1, 1, badaddr, sizeof(badaddr) - 1);
	assert_int_equal(dns_msg_parse(buf, n, n, &m), 0);
	assert_true(m.malformed); /* an A record of 3 bytes */
	assert_int_equal(dns_msg_parse(buf, 5, 5, &m), -EINVAL);
	assert_true(m.malformed);
}

static void test_qtype_and_rcode_names(void **state)
{
	char b[16];

	(void)state;
	assert_string_equal(dns_qtype_name(28, b, sizeof(b)), "AAAA");
	assert_string_equal(dns_qtype_name(65, b, sizeof(b)), "HTTPS");
	assert_string_equal(dns_qtype_name(4242, b, sizeof(b)), "TYPE4242");
	assert_string_equal(dns_rcode_name(3, b, sizeof(b)), "NXDOMAIN");
	assert_string_equal(dns_rcode_name(2, b, sizeof(b)), "SERVFAIL");
	assert_string_equal(dns_rcode_name(23, b, sizeof(b)), "RCODE23");
	assert_int_equal(dns_qtype_by_name("aaaa"), 28);
	assert_int_equal(dns_qtype_by_name("TYPE99"), 99);
	assert_int_equal(dns_qtype_by_name("TYPE99999"), -EINVAL);
	assert_int_equal(dns_qtype_by_name("nope"), -EINVAL);
}

static void test_wire_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct vg_dns), 888);
	assert_int_equal(offsetof(struct vg_dns, q), 24);
	assert_int_equal(offsetof(struct vg_dns_pending, qname_len), 54);
	assert_int_equal(offsetof(struct vg_dns_pending, qname), 80);
	assert_int_equal(offsetof(struct vg_dns, resp_len), 368);
	assert_int_equal(offsetof(struct vg_dns, msg), 376);
}

static void rec_fill(struct vg_dns *e)
{
	uint8_t buf[128];
	const char rest[] = Q_WWW RR_A;
	size_t n = msg_build(buf, 9, 0x8183, 1, 1, rest, sizeof(rest) - 1);

	memset(e, 0, sizeof(*e));
	e->hdr.kind = VG_KIND_DNS;
	e->hdr.size = sizeof(*e);
	e->latency_ns = 1234567;
	e->q.family = 2;
	memcpy(e->q.saddr, "\x0a\x00\x00\x01", 4);
	memcpy(e->q.daddr, "\x0a\x00\x00\x02", 4);
	e->q.sport = 40000;
	e->q.dport = 53;
	e->q.id = 9;
	e->q.qtype = 1;
	e->q.transport = VG_DNS_UDP;
	e->q.pid = 77;
	memcpy(e->q.comm, "dig", 4);
	e->q.flags = VG_DNS_PID_KNOWN | VG_DNS_QTYPE_KNOWN;
	memcpy(e->q.qname, "\x03www\x04test\x00", 10);
	e->q.qname_len = 10;
	e->rcode = 3;
	e->ancount = 1;
	memcpy(e->msg, buf, n);
	e->msg_len = (uint16_t)n;
	e->resp_len = (uint16_t)n;
}

static void test_decode_response(void **state)
{
	static struct vg_dns e;
	struct vrow row = { 0 };

	(void)state;
	rec_fill(&e);
	assert_int_equal(vrow__decode(&row, &e, sizeof(e)), 0);
	assert_int_equal(row.kind, VG_KIND_DNS);
	assert_int_equal(row.v[VF_PID].u, 77);
	assert_string_equal(row.v[VF_COMM].str, "dig");
	assert_string_equal(row.v[VF_SADDR].str, "10.0.0.1");
	assert_string_equal(row.v[VF_SERVER].str, "10.0.0.2");
	assert_string_equal(row.v[VF_QNAME].str, "www.test");
	assert_string_equal(row.v[VF_QTYPE].str, "A");
	assert_string_equal(row.v[VF_RCODE].str, "NXDOMAIN");
	assert_string_equal(row.v[VF_TRANSPORT].str, "udp");
	assert_string_equal(row.v[VF_ADDRS].str, "10.0.0.1");
	assert_int_equal(row.v[VF_ANSWERS].u, 1);
	assert_int_equal(row.v[VF_LATENCY_NS].u, 1234567);
	assert_int_equal(row.v[VF_TIMEOUT].u, 0);
	assert_int_equal(row.v[VF_MALFORMED].u, 0);
	assert_false(vrow__is_null(&row, VF_RCODE));
}

static void test_decode_timeout_unknown_owner_and_lying_lengths(void **state)
{
	static struct vg_dns e;
	struct vrow row = { 0 };
	uint64_t before = dns_record_malformed();

	(void)state;
	rec_fill(&e);
	e.q.flags = VG_DNS_TIMEOUT | VG_DNS_NAME_TRUNC; /* no owner, no qtype */
	e.q.qname_len = 3;
	assert_int_equal(vrow__decode(&row, &e, sizeof(e)), 0);
	assert_true(vrow__is_null(&row, VF_PID));
	assert_true(vrow__is_null(&row, VF_COMM));
	assert_true(vrow__is_null(&row, VF_QTYPE));
	assert_true(vrow__is_null(&row, VF_RCODE));
	assert_true(vrow__is_null(&row, VF_LATENCY_NS));
	assert_true(vrow__is_null(&row, VF_ANSWERS));
	assert_int_equal(row.v[VF_TIMEOUT].u, 1);
	assert_int_equal(row.v[VF_QNAME_TRUNCATED].u, 1);
	assert_string_equal(row.v[VF_QNAME].str, "ww");
	/* lengths beyond the arrays are clamped; a response that lies is malformed */
	rec_fill(&e);
	e.q.qname_len = 999;
	e.msg_len = 900;
	e.ancount = 3;
	e.msg[7] = 200; /* ANCOUNT 200 in the copied header: more than 512 bytes can hold */
	memset(&row, 0, sizeof(row));
	assert_int_equal(vrow__decode(&row, &e, sizeof(e)), 0);
	assert_int_equal(row.v[VF_MALFORMED].u, 1);
	assert_int_equal(dns_record_malformed(), before + 1);
	assert_int_equal(vrow__decode(&row, &e, sizeof(e) - 1), -EINVAL);
}

static void test_pkt_udp4_tcp6_and_hostile(void **state)
{
	uint8_t p4[] = { 0x45, 0,    0, 40, 0, 0,  0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
			 0x9c, 0x40, 0, 53, 0, 20, 0, 0, 0,  7,	 1, 0, 0,  1, 0, 0, 0,	0, 0, 0 };
	uint8_t p6[40 + 20 + 2 + 12] = { 0x60 };
	struct dns_pkt k;

	(void)state;
	assert_int_equal(dns_pkt_parse(p4, sizeof(p4), &k), 0);
	assert_int_equal(k.family, 2);
	assert_int_equal(k.sport, 40000);
	assert_int_equal(k.dport, 53);
	assert_int_equal(k.transport, 17);
	assert_int_equal(k.dns_len, 12);
	assert_int_equal(k.dns - p4, 28);
	p4[6] = 0x20; /* a fragment at offset 8 * 0x2000 ... not the first */
	p4[7] = 1;
	assert_int_equal(dns_pkt_parse(p4, sizeof(p4), &k), -EINVAL);
	p4[6] = p4[7] = 0;
	p4[0] = 0x4f; /* IHL 60: past the end */
	assert_int_equal(dns_pkt_parse(p4, sizeof(p4), &k), -EINVAL);
	p6[6] = 6;
	p6[40 + 12] = 0x50; /* TCP, 20-byte header */
	p6[60] = 0;
	p6[61] = 200; /* the length prefix says 200: only 12 bytes here */
	assert_int_equal(dns_pkt_parse(p6, sizeof(p6), &k), 0);
	assert_int_equal(k.family, 10);
	assert_int_equal(k.transport, 6);
	assert_int_equal(k.dns_len, 12);
	assert_int_equal(k.dns_full, 200);
	assert_int_equal(dns_pkt_parse(p6, 61, &k), -EINVAL); /* no payload */
	p6[40 + 12] = 0xf0;				      /* a data offset past the end */
	assert_int_equal(dns_pkt_parse(p6, sizeof(p6), &k), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_text_plain_root_and_escapes),
		cmocka_unit_test(test_name_text_cut_and_malformed),
		cmocka_unit_test(test_name_text_pointer_loops_are_refused),
		cmocka_unit_test(test_msg_answers_and_addresses),
		cmocka_unit_test(test_msg_cut_is_not_malformed),
		cmocka_unit_test(test_msg_hostile_rdlength_and_short),
		cmocka_unit_test(test_qtype_and_rcode_names),
		cmocka_unit_test(test_wire_layout),
		cmocka_unit_test(test_decode_response),
		cmocka_unit_test(test_decode_timeout_unknown_owner_and_lying_lengths),
		cmocka_unit_test(test_pkt_udp4_tcp6_and_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
