// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_darwin_pcblist.c - macOS's connection decoder on byte fixtures laid out as macOS 11+
 * returns net.inet.tcp.pcblist_n and net.inet.udp.pcblist_n: an xinpgen, per PCB the tagged
 * xinpcb_n, xsocket_n, two xsockbuf_n, xsockstat_n (and xtcpcb_n) items padded to 8 bytes,
 * and a closing xinpgen.  Addresses, ports, TCP states, the pid from so_last_pid, and
 * refusals of truncated streams, short items and a changed generation count.
 */
#include "fb_test.h"

#include "../../fallback/darwin/darwin_decode.h"

#include <sys/socket.h>

/*
 * Item sizes of the fixture: xinpcb_n's 104 follows from its pack(4) layout; the others are
 * plausible lengths (the decoder reads only the prefixes it needs and steps by each length).
 */
#define XINPCB_N   104
#define XSOCKET_N  80
#define XSOCKBUF_N 32
#define XSTAT_N	   136
#define XTCPCB_N   204 /* not a multiple of 8: padded to 208 in the stream */
#define PCB_TCP	   (XINPCB_N + XSOCKET_N + 2 * XSOCKBUF_N + XSTAT_N + 208)
#define PCB_UDP	   (XINPCB_N + XSOCKET_N + 2 * XSOCKBUF_N + XSTAT_N)

static void put_u32(unsigned char *b, size_t off, uint32_t v)
{
	memcpy(b + off, &v, 4);
}

static void put_u64(unsigned char *b, size_t off, uint64_t v)
{
	memcpy(b + off, &v, 8);
}

static void put_port(unsigned char *b, size_t off, uint16_t port)
{
	b[off] = (unsigned char)(port >> 8);
	b[off + 1] = (unsigned char)port;
}

static size_t put_xinpgen(unsigned char *b, size_t off, uint64_t gen)
{
	memset(b + off, 0, FB_DARWIN_XINPGEN_SIZE);
	put_u32(b, off, FB_DARWIN_XINPGEN_SIZE);
	put_u64(b, off + FB_DARWIN_XIG_GEN, gen);
	return off + FB_DARWIN_XINPGEN_SIZE;
}

static size_t put_item(unsigned char *b, size_t off, uint32_t len, uint32_t kind)
{
	memset(b + off, 0, (len + 7) & ~7u);
	put_u32(b, off, len);
	put_u32(b, off + 4, kind);
	return off + ((len + 7) & ~7u);
}

/* One PCB's items at @off; returns the offset after them. */
static size_t put_pcb(unsigned char *b, size_t off, bool tcp, bool v6, const unsigned char *la,
		      uint16_t lport, const unsigned char *fa, uint16_t fport, int32_t pid,
		      int32_t state)
{
	size_t xi = off, skip = v6 ? 0 : FB_DARWIN_XI_V4_IN_16, alen = v6 ? 16 : 4, so;

	off = put_item(b, off, XINPCB_N, FB_DARWIN_XSO_INPCB);
	put_port(b, xi + FB_DARWIN_XI_LPORT, lport);
	put_port(b, xi + FB_DARWIN_XI_FPORT, fport);
	b[xi + FB_DARWIN_XI_VFLAG] = v6 ? FB_DARWIN_INP_IPV6 : FB_DARWIN_INP_IPV4;
	memcpy(b + xi + FB_DARWIN_XI_LADDR + skip, la, alen);
	memcpy(b + xi + FB_DARWIN_XI_FADDR + skip, fa, alen);
	so = off;
	off = put_item(b, off, XSOCKET_N, FB_DARWIN_XSO_SOCKET);
	put_u32(b, so + FB_DARWIN_XSO_LAST_PID, (uint32_t)pid);
	off = put_item(b, off, XSOCKBUF_N, FB_DARWIN_XSO_RCVBUF);
	off = put_item(b, off, XSOCKBUF_N, FB_DARWIN_XSO_SNDBUF);
	off = put_item(b, off, XSTAT_N, FB_DARWIN_XSO_STATS);
	if (tcp) {
		size_t tp = off;

		off = put_item(b, off, XTCPCB_N, FB_DARWIN_XSO_TCPCB);
		put_u32(b, tp + FB_DARWIN_XT_STATE, (uint32_t)state);
	}
	return off;
}

static const unsigned char lo4[4] = { 127, 0, 0, 1 }, any4[4] = { 0 };
static const unsigned char ll6[16] = { 0xfe, 0x80, [15] = 0x2a };

#define TCP_LEN (2 * FB_DARWIN_XINPGEN_SIZE + 2 * PCB_TCP)
static void tcp_fixture(unsigned char *b, uint64_t gen_end)
{
	size_t off = put_xinpgen(b, 0, 9);

	off = put_pcb(b, off, true, false, any4, 22, any4, 0, 321, 1 /* LISTEN */);
	off = put_pcb(b, off, true, true, ll6, 52000, ll6, 443, 0, 10 /* TIME_WAIT */);
	put_xinpgen(b, off, gen_end);
}

static void test_layout_constants(void **state)
{
	(void)state;
	assert_int_equal(FB_DARWIN_XI_LADDR, FB_DARWIN_XI_FADDR + 16);
	assert_true(FB_DARWIN_XINPCB_N_MIN == FB_DARWIN_XI_LADDR + 16 &&
		    FB_DARWIN_XINPCB_N_MIN <= XINPCB_N);
	assert_true(FB_DARWIN_XSO_LAST_PID + 4 <= FB_DARWIN_XSOCKET_N_MIN);
	assert_true(FB_DARWIN_XT_STATE + 4 <= FB_DARWIN_XTCPCB_N_MIN);
	assert_int_equal(PCB_TCP % 8, 0);
}

static void test_tcp_stream(void **state)
{
	unsigned char b[TCP_LEN];
	struct fb_conn *v = NULL;
	size_t n = 0, cap = 0;

	(void)state;
	tcp_fixture(b, 9);
	assert_int_equal(fb__darwin_decode_pcblist_n(b, sizeof(b), true, &v, &n, &cap), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].family, AF_INET);
	assert_int_equal(v[0].type, SOCK_STREAM);
	assert_string_equal(fb_conn_status_name(v[0].status), "LISTEN");
	assert_string_equal(v[0].laddr.addr, "0.0.0.0");
	assert_int_equal(v[0].laddr.port, 22);
	assert_false(v[0].raddr.valid);
	assert_int_equal(v[0].pid, 321);
	assert_int_equal(v[0].fd, -1);

	assert_int_equal(v[1].family, AF_INET6);
	assert_string_equal(fb_conn_status_name(v[1].status), "TIME_WAIT");
	assert_string_equal(v[1].laddr.addr, "fe80::2a");
	assert_int_equal(v[1].laddr.port, 52000);
	assert_true(v[1].raddr.valid);
	assert_int_equal(v[1].raddr.port, 443);
	assert_int_equal(v[1].pid, -1); /* so_last_pid 0: unknown */
	free(v);
}

static void test_udp_stream(void **state)
{
	unsigned char b[2 * FB_DARWIN_XINPGEN_SIZE + PCB_UDP];
	struct fb_conn *v = NULL;
	size_t n = 0, cap = 0, off = put_xinpgen(b, 0, 3);

	(void)state;
	off = put_pcb(b, off, false, false, lo4, 5353, lo4, 9, 77, 0);
	put_xinpgen(b, off, 3);
	assert_int_equal(fb__darwin_decode_pcblist_n(b, sizeof(b), false, &v, &n, &cap), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].type, SOCK_DGRAM);
	assert_int_equal(v[0].status, FB_CONN_NONE);
	assert_string_equal(v[0].laddr.addr, "127.0.0.1");
	assert_string_equal(v[0].raddr.addr, "127.0.0.1");
	assert_int_equal(v[0].raddr.port, 9);
	assert_int_equal(v[0].pid, 77);
	free(v);
}

static void test_bad_streams(void **state)
{
	unsigned char b[TCP_LEN];
	struct fb_conn *v = NULL;
	size_t n = 0, cap = 0;
	size_t first = FB_DARWIN_XINPGEN_SIZE;

	(void)state;
	tcp_fixture(b, 10);
	assert_int_equal(fb__darwin_decode_pcblist_n(b, sizeof(b), true, &v, &n, &cap), -EAGAIN);
	tcp_fixture(b, 9);
	assert_int_equal(fb__darwin_decode_pcblist_n(b, TCP_LEN - 1, true, &v, &n, &cap), -EINVAL);
	assert_int_equal(fb__darwin_decode_pcblist_n(b, TCP_LEN - FB_DARWIN_XINPGEN_SIZE, true, &v,
						     &n, &cap),
			 -EINVAL);
	assert_int_equal(fb__darwin_decode_pcblist_n(b, first + 50, true, &v, &n, &cap), -EINVAL);
	assert_int_equal(fb__darwin_decode_pcblist_n(b, 20, true, &v, &n, &cap), -EINVAL);
	/* a PCB whose items stop after its xinpcb_n: refused at the closing xinpgen */
	put_xinpgen(b, put_item(b, first, XINPCB_N, FB_DARWIN_XSO_INPCB), 9);
	assert_int_equal(fb__darwin_decode_pcblist_n(b, first + 112 + FB_DARWIN_XINPGEN_SIZE, true,
						     &v, &n, &cap),
			 -EINVAL);
	assert_int_equal(n, 0);
	tcp_fixture(b, 9);
	/* an xinpcb_n too short to hold the addresses */
	put_u32(b, first, FB_DARWIN_XINPCB_N_MIN - 8);
	assert_int_equal(fb__darwin_decode_pcblist_n(b, sizeof(b), true, &v, &n, &cap), -EINVAL);
	/* an item longer than what is left */
	tcp_fixture(b, 9);
	put_u32(b, first, TCP_LEN);
	assert_int_equal(fb__darwin_decode_pcblist_n(b, sizeof(b), true, &v, &n, &cap), -EINVAL);
	/* a header that is not an xinpgen */
	tcp_fixture(b, 9);
	put_u32(b, 0, 32);
	assert_int_equal(fb__darwin_decode_pcblist_n(b, sizeof(b), true, &v, &n, &cap), -EINVAL);
	free(v);
}

/*
 * Every prefix of the TCP stream, and the stream with one byte changed at a time, each in a
 * heap buffer of exactly its size (so ASan sees a read past the end): each must decode or be
 * refused, and a strict prefix is always refused.
 */
static void test_prefixes_and_flips(void **state)
{
	unsigned char b[TCP_LEN];

	(void)state;
	tcp_fixture(b, 9);
	for (size_t len = 0; len <= TCP_LEN; len++) {
		unsigned char *c = malloc(len ? len : 1);
		struct fb_conn *v = NULL;
		size_t n = 0, cap = 0;
		int err;

		memcpy(c, b, len);
		err = fb__darwin_decode_pcblist_n(c, len, true, &v, &n, &cap);
		assert_int_equal(err, len == TCP_LEN ? 0 : -EINVAL);
		free(v);
		free(c);
	}
	for (size_t at = 0; at < TCP_LEN; at++) {
		unsigned char *c = malloc(TCP_LEN);
		struct fb_conn *v = NULL;
		size_t n = 0, cap = 0;
		int err;

		memcpy(c, b, TCP_LEN);
		c[at] ^= 0xa5;
		err = fb__darwin_decode_pcblist_n(c, TCP_LEN, true, &v, &n, &cap);
		assert_true(err == 0 || err == -EINVAL || err == -EAGAIN);
		free(v);
		free(c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_constants),   cmocka_unit_test(test_tcp_stream),
		cmocka_unit_test(test_udp_stream),	   cmocka_unit_test(test_bad_streams),
		cmocka_unit_test(test_prefixes_and_flips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
