// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_tcp.c: the TCP tracer's userspace pieces without BPF: address formatting per RFC 5952,
 * CIDR and port parsing (with hostile input), the --port/--laddr/--raddr/--family options,
 * the wire layout of vg_tcp and vg_tcp_close, and decoding records from hand-built bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <linux/types.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "events.h"
#include "core/hist.h"
#include "export/hist_print.h"
#include "core/record.h"
#include "tcp/tcp_addr.h"
#include "export/sink.h"
#include "cli/trace_opts.h"
#include "core/wallclock.h"

static void check_v6(const char *in_hex, const char *want)
{
	uint8_t a[16];
	char buf[TCP_ADDR_STRLEN];

	for (int i = 0; i < 16; i++) {
		unsigned int b;

		sscanf(in_hex + 2 * i, "%2x", &b);
		a[i] = (uint8_t)b;
	}
	assert_string_equal(tcp_addr_format(TCP_AF_INET6, a, buf, sizeof(buf)), want);
}

static void test_addr_format_ipv4_dotted(void **state)
{
	uint8_t a[16] = { 10, 0, 255, 1 };
	char buf[TCP_ADDR_STRLEN];

	(void)state;
	assert_string_equal(tcp_addr_format(TCP_AF_INET, a, buf, sizeof(buf)), "10.0.255.1");
	memset(a, 0, sizeof(a));
	assert_string_equal(tcp_addr_format(TCP_AF_INET, a, buf, sizeof(buf)), "0.0.0.0");
	assert_string_equal(tcp_addr_format(99, a, buf, sizeof(buf)), "?");
}

static void test_addr_format_ipv6_rfc5952(void **state)
{
	(void)state;
	check_v6("00000000000000000000000000000000", "::");
	check_v6("00000000000000000000000000000001", "::1");
	check_v6("20010db8000000000000000000000001", "2001:db8::1");
	/* 4.2.2: a single zero group is not shortened */
	check_v6("20010db8000000010001000100010001", "2001:db8:0:1:1:1:1:1");
	/* 4.2.3: the longest run; the first of equal runs */
	check_v6("20010db8000000000001000000000001", "2001:db8::1:0:0:1");
	check_v6("20010000000000010000000000000001", "2001:0:0:1::1");
	/* 4.3: lowercase, no leading zeros */
	check_v6("20010DB800AB00CD00000000000000EF", "2001:db8:ab:cd::ef");
	check_v6("fd000000000000000000000000000000", "fd00::");
	check_v6("fe800000000000000000000000000001", "fe80::1");
	/* 5: IPv4-mapped in mixed notation */
	check_v6("00000000000000000000ffff7f000001", "::ffff:127.0.0.1");
	/* IPv4-compatible (deprecated) is not mixed: ::1:2, not ::0.1.0.2 */
	check_v6("00000000000000000000000000010002", "::1:2");
}

static void test_addr6_format_mapped_plain(void **state)
{
	uint8_t a[16] = { [10] = 0xff, [11] = 0xff, [12] = 192, [13] = 0, [14] = 2, [15] = 1 };
	char buf[TCP_ADDR_STRLEN];

	(void)state;
	assert_string_equal(tcp_addr6_format(a, 1, buf, sizeof(buf)), "192.0.2.1");
	assert_string_equal(tcp_addr6_format(a, 0, buf, sizeof(buf)), "::ffff:192.0.2.1");
}

static void test_ports_parse(void **state)
{
	uint16_t ports[8];
	uint32_t n = 0;

	(void)state;
	assert_int_equal(tcp_ports_parse("80", ports, &n, 8), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ports[0], 80);
	assert_int_equal(tcp_ports_parse("443,1,65535", ports, &n, 8), 0);
	assert_int_equal(n, 4);
	assert_int_equal(ports[3], 65535);
	n = 0;
	assert_int_not_equal(tcp_ports_parse("0", ports, &n, 8), 0);
	assert_int_not_equal(tcp_ports_parse("65536", ports, &n, 8), 0);
	assert_int_not_equal(tcp_ports_parse("", ports, &n, 8), 0);
	assert_int_not_equal(tcp_ports_parse("80,", ports, &n, 8), 0);
	assert_int_not_equal(tcp_ports_parse(",80", ports, &n, 8), 0);
	assert_int_not_equal(tcp_ports_parse("8o", ports, &n, 8), 0);
	assert_int_not_equal(tcp_ports_parse("-1", ports, &n, 8), 0);
	assert_int_not_equal(tcp_ports_parse("99999999999999999999999", ports, &n, 8), 0);
	n = 0;
	assert_int_equal(tcp_ports_parse("1,2,3,4,5,6,7,8,9", ports, &n, 8), -E2BIG);
}

static void test_trace_opts_tcp(void **state)
{
	struct trace_cfg cfg;

	(void)state;
	trace_cfg__init(&cfg);
	assert_int_equal(trace_cfg__set_opt(&cfg, TO_PORT, "80,443"), 0);
	assert_int_equal(cfg.tcp_nports, 2);
	assert_int_equal(trace_cfg__set_opt(&cfg, TO_LADDR, "10.0.0.0/8,fd00::/8"), 0);
	assert_int_equal(cfg.tcp_laddr.n, 2);
	assert_int_equal(trace_cfg__set_opt(&cfg, TO_RADDR, "192.168.0.0/16"), 0);
	assert_int_equal(cfg.tcp_raddr.n, 1);
	assert_int_equal(cfg.tcp_raddr.v[0].prefixlen, 112);
	/* host bits are taken loosely here and refused after parsing without --loose */
	assert_int_equal(trace_cfg__set_opt(&cfg, TO_RADDR, "!192.168.1.1/24"), 0);
	assert_string_equal(cfg.tcp_raddr.hostbits, "192.168.1.1/24");
	assert_true(cfg.tcp_raddr.v[1].exclude);
	assert_int_equal(trace_cfg__set_opt(&cfg, TO_FAMILY, "6"), 0);
	assert_int_equal(cfg.tcp_family, 6);
	assert_int_equal(trace_cfg__set_opt(&cfg, TO_MAX_CONNS, "1024"), 0);
	assert_int_equal(cfg.tcp_max_conns, 1024);
	assert_int_not_equal(trace_cfg__set_opt(&cfg, TO_PORT, "http"), 0);
	assert_int_not_equal(trace_cfg__set_opt(&cfg, TO_PORT, "1,2,3,4,5,6,7"), 0);
	assert_int_not_equal(trace_cfg__set_opt(&cfg, TO_RADDR, "10.0.0.0/33"), 0);
	assert_int_not_equal(trace_cfg__set_opt(&cfg, TO_LADDR, "10.0.0.0/8,junk"), 0);
	assert_int_not_equal(trace_cfg__set_opt(&cfg, TO_FAMILY, "5"), 0);
	assert_int_not_equal(trace_cfg__set_opt(&cfg, TO_FAMILY, "46"), 0);
	assert_int_not_equal(trace_cfg__set_opt(&cfg, TO_MAX_CONNS, "1"), 0);
}

static void test_wire_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct vg_tcp), 96);
	assert_int_equal(offsetof(struct vg_tcp, saddr), 16);
	assert_int_equal(offsetof(struct vg_tcp, daddr), 32);
	assert_int_equal(offsetof(struct vg_tcp, value_ns), 48);
	assert_int_equal(offsetof(struct vg_tcp, pid), 56);
	assert_int_equal(offsetof(struct vg_tcp, sport), 60);
	assert_int_equal(offsetof(struct vg_tcp, family), 64);
	assert_int_equal(offsetof(struct vg_tcp, flags), 68);
	assert_int_equal(offsetof(struct vg_tcp, comm), 72);
	assert_int_equal(offsetof(struct vg_tcp, cgroup_id), 88);
	assert_int_equal(sizeof(struct vg_tcp_close), 136);
	assert_int_equal(offsetof(struct vg_tcp_close, duration_ns), 48);
	assert_int_equal(offsetof(struct vg_tcp_close, bytes_sent), 64);
	assert_int_equal(offsetof(struct vg_tcp_close, srtt_us), 80);
	assert_int_equal(offsetof(struct vg_tcp_close, retransmits), 92);
	assert_int_equal(offsetof(struct vg_tcp_close, pid), 96);
	assert_int_equal(offsetof(struct vg_tcp_close, direction), 106);
	assert_int_equal(offsetof(struct vg_tcp_close, comm), 112);
	assert_int_equal(offsetof(struct vg_tcp_close, cgroup_id), 128);
	assert_int_equal(sizeof(struct vg_lpm_key), 20);
}

/* Little-endian helpers for hand-built records. */
static void put16(uint8_t *b, size_t off, uint16_t v)
{
	b[off] = (uint8_t)(v & 0xff);
	b[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *b, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[off + (size_t)i] = (uint8_t)((v >> (8 * i)) & 0xff);
}

static void put64(uint8_t *b, size_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[off + (size_t)i] = (uint8_t)((v >> (8 * i)) & 0xff);
}

static void put_hdr(uint8_t *b, uint16_t kind, uint16_t size)
{
	put16(b, 0, kind);
	put16(b, 2, size);
	put32(b, 4, 1);
	put64(b, 8, 123456789);
}

static void test_decode_connect_ipv4(void **state)
{
	uint8_t b[96] = { 0 };
	struct vrow row;

	(void)state;
	put_hdr(b, VG_KIND_TCP_CONNECT, 96);
	b[16] = 10, b[17] = 0, b[18] = 0, b[19] = 1;	  /* saddr */
	b[32] = 192, b[33] = 168, b[34] = 1, b[35] = 200; /* daddr */
	put64(b, 48, 1500000);
	put32(b, 56, 4242);
	put16(b, 60, 40000);
	put16(b, 62, 443);
	put16(b, 64, 2);
	b[68] = VG_TCP_PID_KNOWN | VG_TCP_VALUE_KNOWN;
	memcpy(b + 72, "curl", 5);
	put64(b, 88, 0x77); /* the connecting task's cgroup id */
	assert_int_equal(vrow__decode(&row, b, sizeof(b)), 0);
	assert_int_equal(row.cgroup_id, 0x77);
	assert_true(vrow__is_null(&row, VF_CGROUP));
	assert_string_equal(vkind__desc(row.kind)->name, "tcp_connect");
	assert_int_equal(row.ts_ns, 123456789);
	assert_int_equal(row.v[VF_PID].u, 4242);
	assert_false(vrow__is_null(&row, VF_PID));
	assert_string_equal(row.v[VF_COMM].str, "curl");
	assert_int_equal(row.v[VF_FAMILY].u, 4);
	assert_string_equal(row.v[VF_SADDR].str, "10.0.0.1");
	assert_string_equal(row.v[VF_DADDR].str, "192.168.1.200");
	assert_int_equal(row.v[VF_SPORT].u, 40000);
	assert_int_equal(row.v[VF_DPORT].u, 443);
	assert_int_equal(row.v[VF_LATENCY_NS].u, 1500000);
	/* a wrong size is refused */
	put16(b, 2, 95);
	assert_int_equal(vrow__decode(&row, b, sizeof(b)), -EINVAL);
	put16(b, 2, 96);
	assert_int_equal(vrow__decode(&row, b, 88), -EINVAL);
}

static void test_decode_state_unknown_pid_is_null(void **state)
{
	uint8_t b[96] = { 0 };
	struct vrow row;

	(void)state;
	put_hdr(b, VG_KIND_TCP_STATE, 96);
	b[16] = 0xfd, b[31] = 1;
	b[32] = 0xfd, b[47] = 2;
	put16(b, 64, 10);
	b[66] = 3; /* SYN_RECV */
	b[67] = 1; /* ESTABLISHED */
	b[68] = 0; /* softirq: pid unknown, no time in state */
	assert_int_equal(vrow__decode(&row, b, sizeof(b)), 0);
	assert_true(vrow__is_null(&row, VF_PID));
	assert_true(vrow__is_null(&row, VF_COMM));
	assert_true(vrow__is_null(&row, VF_IN_STATE_NS));
	assert_int_equal(row.v[VF_FAMILY].u, 6);
	assert_string_equal(row.v[VF_SADDR].str, "fd00::1");
	assert_string_equal(row.v[VF_DADDR].str, "fd00::2");
	assert_string_equal(row.v[VF_OLD_STATE].str, "SYN_RECV");
	assert_string_equal(row.v[VF_NEW_STATE].str, "ESTABLISHED");
}

static void test_decode_reset_directions(void **state)
{
	uint8_t b[96] = { 0 };
	struct vrow row;

	(void)state;
	put_hdr(b, VG_KIND_TCP_RESET, 96);
	put16(b, 64, 2);
	b[69] = VG_TCP_DIR_RECEIVED;
	b[67] = 2; /* SYN_SENT */
	assert_int_equal(vrow__decode(&row, b, sizeof(b)), 0);
	assert_string_equal(row.v[VF_DIRECTION].str, "received");
	assert_string_equal(row.v[VF_STATE].str, "SYN_SENT");
	b[69] = VG_TCP_DIR_SENT;
	b[67] = 0; /* no socket */
	assert_int_equal(vrow__decode(&row, b, sizeof(b)), 0);
	assert_string_equal(row.v[VF_DIRECTION].str, "sent");
	assert_true(vrow__is_null(&row, VF_STATE));
}

static void test_decode_close_full_and_partial(void **state)
{
	uint8_t b[136] = { 0 };
	struct vrow row;

	(void)state;
	put_hdr(b, VG_KIND_TCP_CLOSE, 136);
	b[16] = 127, b[19] = 1;
	b[32] = 127, b[35] = 1;
	put64(b, 48, 2000000000ULL); /* duration */
	put64(b, 56, 1000000);	     /* connect latency */
	put64(b, 64, 10001);	     /* sent */
	put64(b, 72, 20001);	     /* received */
	put32(b, 80, 50);
	put32(b, 84, 20);
	put32(b, 88, 90);
	put32(b, 92, 3);
	put32(b, 96, 777);
	put16(b, 100, 51000);
	put16(b, 102, 8080);
	put16(b, 104, 2);
	b[106] = VG_TCP_DIR_ACTIVE;
	b[107] = VG_TCP_PID_KNOWN | VG_TCP_VALUE_KNOWN | VG_TCP_DURATION_KNOWN | VG_TCP_SRTT_KNOWN;
	memcpy(b + 112, "a,b\"c", 6);
	put64(b, 128, 0x99);
	assert_int_equal(vrow__decode(&row, b, sizeof(b)), 0);
	assert_int_equal(row.cgroup_id, 0x99);
	assert_string_equal(vkind__desc(row.kind)->name, "tcp_close");
	assert_int_equal(row.v[VF_DURATION_NS].u, 2000000000ULL);
	assert_int_equal(row.v[VF_CONNECT_LATENCY_NS].u, 1000000);
	assert_int_equal(row.v[VF_BYTES_SENT].u, 10001);
	assert_int_equal(row.v[VF_BYTES_RECEIVED].u, 20001);
	assert_int_equal(row.v[VF_SRTT_US].u, 50);
	assert_int_equal(row.v[VF_SRTT_MIN_US].u, 20);
	assert_int_equal(row.v[VF_SRTT_MAX_US].u, 90);
	assert_int_equal(row.v[VF_RETRANSMITS].u, 3);
	assert_int_equal(row.v[VF_PID].u, 777);
	assert_string_equal(row.v[VF_COMM].str, "a,b\"c");
	assert_int_equal(row.v[VF_SPORT].u, 51000);
	assert_int_equal(row.v[VF_DPORT].u, 8080);
	assert_string_equal(row.v[VF_DIRECTION].str, "active");
	assert_int_equal(row.v[VF_PARTIAL].u, 0);
	assert_false(vrow__is_null(&row, VF_DURATION_NS));

	/* partial: started before vigil, owner never seen */
	b[106] = VG_TCP_DIR_UNKNOWN;
	b[107] = VG_TCP_PARTIAL;
	assert_int_equal(vrow__decode(&row, b, sizeof(b)), 0);
	assert_int_equal(row.v[VF_PARTIAL].u, 1);
	assert_true(vrow__is_null(&row, VF_PID));
	assert_true(vrow__is_null(&row, VF_COMM));
	assert_true(vrow__is_null(&row, VF_DURATION_NS));
	assert_true(vrow__is_null(&row, VF_CONNECT_LATENCY_NS));
	assert_true(vrow__is_null(&row, VF_SRTT_MIN_US));
	assert_true(vrow__is_null(&row, VF_DIRECTION));
	assert_false(vrow__is_null(&row, VF_BYTES_SENT));
}

static void test_kind_names_and_hist_per(void **state)
{
	static const char *const names[] = { "tcp_connect", "tcp_accept",     "tcp_state",
					     "tcp_close",   "tcp_retransmit", "tcp_reset" };
	char buf[64];

	(void)state;
	for (unsigned int i = 0; i < 6; i++)
		assert_int_equal(vkind__by_name(names[i]), VG_KIND_TCP_CONNECT + (int)i);
	assert_int_equal(hist_by_name("tcp-connect"), HIST_TCP_CONNECT);
	assert_int_equal(hist_by_name("tcp-rtt"), HIST_TCP_RTT);
	assert_true(hist_per_is_allowed(HIST_TCP_RTT, VG_PER_RADDR));
	assert_true(hist_per_is_allowed(HIST_TCP_CONNECT, VG_PER_RPORT));
	assert_true(hist_per_is_allowed(HIST_TCP_CONNECT, VG_PER_PID));
	assert_false(hist_per_is_allowed(HIST_TCP_CONNECT, VG_PER_CGROUP));
	assert_false(hist_per_is_allowed(HIST_RUNQ, VG_PER_RADDR));
	assert_string_equal(hist_per_accepts(HIST_TCP_RTT, buf, sizeof(buf)), "pid, raddr, rport");
	assert_string_equal(tcp_state_name(1), "ESTABLISHED");
	assert_string_equal(tcp_state_name(12), "NEW_SYN_RECV");
	assert_string_equal(tcp_state_name(200), "UNKNOWN");
}

static char *print_to_string(enum out_format fmt, uint32_t per, const struct hist_entry *e)
{
	static char out[4096];
	char path[] = "/tmp/vigil_test_tcp_XXXXXX";
	int fd = mkstemp(path);
	struct hist_print p = {
		.desc = &hist_descs[HIST_TCP_RTT],
		.unit = "usecs",
		.per = per,
		.ts_ns = 1,
	};
	struct wallclock clock;
	struct sink *s;
	FILE *f;
	size_t n;

	assert_true(fd >= 0);
	close(fd);
	wallclock__init(&clock);
	p.clock = &clock;
	s = sink__open(path);
	assert_non_null(s);
	hist_print(s, fmt, &p, e);
	assert_int_equal(sink__close(s), 0);
	f = fopen(path, "r");
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	unlink(path);
	return out;
}

static void test_hist_keys_raddr_and_rport(void **state)
{
	struct hist_entry e = { .key = 12345 };
	const char *text;

	(void)state;
	e.h.slots[3] = 7;
	e.h.sum = 70;
	/* raddr keys carry the address in the comm bytes, IPv4 as ::ffff:a.b.c.d */
	e.h.comm[10] = (char)0xff;
	e.h.comm[11] = (char)0xff;
	e.h.comm[12] = 10, e.h.comm[13] = 1, e.h.comm[14] = 2, e.h.comm[15] = 3;
	text = print_to_string(FMT_TABLE, VG_PER_RADDR, &e);
	assert_non_null(strstr(text, "raddr = 10.1.2.3"));
	text = print_to_string(FMT_NDJSON, VG_PER_RADDR, &e);
	assert_non_null(strstr(text, "\"key\":\"10.1.2.3\""));
	assert_null(strstr(text, "\"comm\""));
	memset(e.h.comm, 0, sizeof(e.h.comm));
	e.h.comm[0] = (char)0xfd;
	e.h.comm[15] = 1;
	text = print_to_string(FMT_NDJSON, VG_PER_RADDR, &e);
	assert_non_null(strstr(text, "\"key\":\"fd00::1\""));
	e.key = 443;
	text = print_to_string(FMT_TABLE, VG_PER_RPORT, &e);
	assert_non_null(strstr(text, "rport = 443"));
	text = print_to_string(FMT_NDJSON, VG_PER_RPORT, &e);
	assert_non_null(strstr(text, "\"key\":443"));
	text = print_to_string(FMT_CSV, VG_PER_RADDR, &e);
	assert_non_null(strstr(text, ",tcp-rtt,usecs,raddr,fd00::1,,8,15,7"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_format_ipv4_dotted),
		cmocka_unit_test(test_addr_format_ipv6_rfc5952),
		cmocka_unit_test(test_addr6_format_mapped_plain),
		cmocka_unit_test(test_ports_parse),
		cmocka_unit_test(test_trace_opts_tcp),
		cmocka_unit_test(test_wire_layout),
		cmocka_unit_test(test_decode_connect_ipv4),
		cmocka_unit_test(test_decode_state_unknown_pid_is_null),
		cmocka_unit_test(test_decode_reset_directions),
		cmocka_unit_test(test_decode_close_full_and_partial),
		cmocka_unit_test(test_kind_names_and_hist_per),
		cmocka_unit_test(test_hist_keys_raddr_and_rport),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
