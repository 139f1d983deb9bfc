// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_bsd_pcblist.c - FreeBSD's connection decoder on byte fixtures laid out as FreeBSD 13
 * amd64 returns net.inet.tcp.pcblist, net.inet.udp.pcblist (struct xinpgen, struct xtcpcb or
 * struct xinpcb records, closing xinpgen) and kern.file (struct xfile): addresses, ports,
 * families, TCP states as psutil names them, owners joined through the kernel socket address,
 * and refusals of truncated buffers, wrong record sizes and a changed generation count.  Also
 * the shared TCPS_* mapping and the kind filter of fallback/posix/decode_inet.c, and the
 * unix-domain lists (struct xunpgen, struct xunpcb): paths, types, owners.
 */
#include "fb_test.h"

#include "../../fallback/bsd/bsd_decode.h"
#include "../../fallback/posix/posix_int.h"

#include <sys/socket.h>

#define SO_A 0xfffff80012340000ull /* kernel socket addresses of the fixtures */
#define SO_B 0xfffff80056780000ull

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
	b[off] = (unsigned char)(port >> 8); /* network order */
	b[off + 1] = (unsigned char)port;
}

static void put_xinpgen(unsigned char *b, size_t off, uint32_t count, uint64_t gen)
{
	memset(b + off, 0, FB_BSD_XINPGEN_SIZE);
	put_u64(b, off, FB_BSD_XINPGEN_SIZE);
	put_u32(b, off + FB_BSD_XIG_COUNT, count);
	put_u64(b, off + FB_BSD_XIG_GEN, gen);
}

/* One xinpcb at @xi: IPv4 when @v6 is false (addresses in the last 4 of 16 bytes). */
static void put_xinpcb(unsigned char *b, size_t xi, bool v6, const unsigned char *la,
		       uint16_t lport, const unsigned char *fa, uint16_t fport, uint64_t so)
{
	size_t alen = v6 ? 16 : 4, skip = v6 ? 0 : FB_BSD_XI_V4_IN_16;

	memset(b + xi, 0, FB_BSD_XINPCB_SIZE);
	put_u64(b, xi, FB_BSD_XINPCB_SIZE);
	put_u64(b, xi + FB_BSD_XI_SO, so);
	put_port(b, xi + FB_BSD_XI_LPORT, lport);
	put_port(b, xi + FB_BSD_XI_FPORT, fport);
	memcpy(b + xi + FB_BSD_XI_LADDR + skip, la, alen);
	memcpy(b + xi + FB_BSD_XI_FADDR + skip, fa, alen);
	b[xi + FB_BSD_XI_VFLAG] = v6 ? FB_BSD_INP_IPV6 : FB_BSD_INP_IPV4;
}

static void put_xtcpcb(unsigned char *b, size_t off, bool v6, const unsigned char *la,
		       uint16_t lport, const unsigned char *fa, uint16_t fport, uint64_t so,
		       int32_t state)
{
	memset(b + off, 0, FB_BSD_XTCPCB_SIZE);
	put_u64(b, off, FB_BSD_XTCPCB_SIZE);
	put_xinpcb(b, off + FB_BSD_XT_INP, v6, la, lport, fa, fport, so);
	put_u32(b, off + FB_BSD_XT_STATE, (uint32_t)state);
}

static void put_xfile(unsigned char *b, size_t off, int32_t pid, int32_t fd, int16_t type,
		      uint64_t data)
{
	memset(b + off, 0, FB_BSD_XFILE_SIZE);
	put_u64(b, off, FB_BSD_XFILE_SIZE);
	put_u32(b, off + FB_BSD_XF_PID, (uint32_t)pid);
	put_u32(b, off + FB_BSD_XF_FD, (uint32_t)fd);
	memcpy(b + off + FB_BSD_XF_TYPE, &type, 2);
	put_u64(b, off + FB_BSD_XF_DATA, data);
}

static const unsigned char lo4[4] = { 127, 0, 0, 1 }, any4[4] = { 0 };
static const unsigned char lo6[16] = { [15] = 1 };

/* Two TCP records (an IPv4 listener, an IPv6 connection) between the two xinpgens. */
#define TCP_LEN (2 * FB_BSD_XINPGEN_SIZE + 2 * FB_BSD_XTCPCB_SIZE)
static void tcp_fixture(unsigned char *b, uint64_t gen_end)
{
	put_xinpgen(b, 0, 2, 77);
	put_xtcpcb(b, FB_BSD_XINPGEN_SIZE, false, lo4, 8080, any4, 0, SO_A, 1 /* LISTEN */);
	put_xtcpcb(b, FB_BSD_XINPGEN_SIZE + FB_BSD_XTCPCB_SIZE, true, lo6, 40000, lo6, 8080, SO_B,
		   4 /* ESTABLISHED */);
	put_xinpgen(b, FB_BSD_XINPGEN_SIZE + 2 * FB_BSD_XTCPCB_SIZE, 2, gen_end);
}

/* kern.file: a vnode, then the listener's socket in pid 4242 fd 5 (the other has no owner). */
static void files_fixture(unsigned char *f)
{
	put_xfile(f, 0, 4242, 3, 1 /* DTYPE_VNODE */, SO_A);
	put_xfile(f, FB_BSD_XFILE_SIZE, 4242, 5, FB_BSD_DTYPE_SOCKET, SO_A);
}

static void test_layout_constants(void **state)
{
	(void)state;
	/* the offsets sit inside their structs, in declaration order */
	assert_true(FB_BSD_XT_INP + FB_BSD_XINPCB_SIZE <= FB_BSD_XT_STATE);
	assert_true(FB_BSD_XT_STATE + 4 <= FB_BSD_XTCPCB_SIZE);
	assert_int_equal(FB_BSD_XI_FADDR, FB_BSD_XI_LPORT + 2);
	assert_int_equal(FB_BSD_XI_LADDR, FB_BSD_XI_FADDR + 16);
	assert_true(FB_BSD_XI_VFLAG < FB_BSD_XINPCB_SIZE);
	assert_true(FB_BSD_XF_DATA + 8 <= FB_BSD_XFILE_SIZE);
	assert_int_equal(FB_BSD_XTCPCB_SIZE % 8, 0);
	assert_int_equal(FB_BSD_XINPCB_SIZE % 8, 0);
}

static void test_tcp_records_and_owners(void **state)
{
	unsigned char b[TCP_LEN], f[2 * FB_BSD_XFILE_SIZE];
	struct fb_conn *v = NULL;
	size_t n = 0, cap = 0;

	(void)state;
	tcp_fixture(b, 77);
	files_fixture(f);
	assert_int_equal(fb__bsd_decode_pcblist(b, sizeof(b), true, f, sizeof(f), &v, &n, &cap), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].family, AF_INET);
	assert_int_equal(v[0].type, SOCK_STREAM);
	assert_int_equal(v[0].status, FB_CONN_LISTEN);
	assert_string_equal(fb_conn_status_name(v[0].status), "LISTEN");
	assert_true(v[0].laddr.valid);
	assert_string_equal(v[0].laddr.addr, "127.0.0.1");
	assert_int_equal(v[0].laddr.port, 8080);
	assert_false(v[0].raddr.valid);	  /* port 0: psutil's () */
	assert_int_equal(v[0].pid, 4242); /* the socket file, not the vnode at the same address */
	assert_int_equal(v[0].fd, 5);

	assert_int_equal(v[1].family, AF_INET6);
	assert_int_equal(v[1].status, FB_CONN_ESTABLISHED);
	assert_string_equal(v[1].laddr.addr, "::1");
	assert_int_equal(v[1].laddr.port, 40000);
	assert_true(v[1].raddr.valid);
	assert_string_equal(v[1].raddr.addr, "::1");
	assert_int_equal(v[1].raddr.port, 8080);
	assert_int_equal(v[1].pid, -1);
	assert_int_equal(v[1].fd, -1);
	free(v);

	/* without kern.file: no owners */
	v = NULL, n = 0, cap = 0;
	assert_int_equal(fb__bsd_decode_pcblist(b, sizeof(b), true, NULL, 0, &v, &n, &cap), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].pid, -1);
	free(v);
}

static void test_udp_records_append(void **state)
{
	unsigned char b[2 * FB_BSD_XINPGEN_SIZE + 2 * FB_BSD_XINPCB_SIZE];
	struct fb_conn *v = NULL;
	size_t n = 0, cap = 0, off = FB_BSD_XINPGEN_SIZE;

	(void)state;
	put_xinpgen(b, 0, 2, 5);
	put_xinpcb(b, off, false, any4, 53, any4, 0, 0);
	put_xinpcb(b, off + FB_BSD_XINPCB_SIZE, false, lo4, 9, lo4, 9, 0);
	b[off + FB_BSD_XINPCB_SIZE + FB_BSD_XI_VFLAG] = 0; /* neither family: skipped */
	put_xinpgen(b, off + 2 * FB_BSD_XINPCB_SIZE, 2, 5);
	assert_int_equal(fb__bsd_decode_pcblist(b, sizeof(b), false, NULL, 0, &v, &n, &cap), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].type, SOCK_DGRAM);
	assert_int_equal(v[0].status, FB_CONN_NONE);
	assert_string_equal(v[0].laddr.addr, "0.0.0.0");
	assert_int_equal(v[0].laddr.port, 53);
	assert_false(v[0].raddr.valid);
	/* a second list appends after the first */
	assert_int_equal(fb__bsd_decode_pcblist(b, sizeof(b), false, NULL, 0, &v, &n, &cap), 0);
	assert_int_equal(n, 2);
	free(v);
}

static void test_bad_buffers(void **state)
{
	unsigned char b[TCP_LEN], f[2 * FB_BSD_XFILE_SIZE];
	struct fb_conn *v = NULL;
	size_t n = 0, cap = 0;

	(void)state;
	tcp_fixture(b, 78); /* the table changed while it was copied */
	assert_int_equal(fb__bsd_decode_pcblist(b, sizeof(b), true, NULL, 0, &v, &n, &cap),
			 -EAGAIN);
	tcp_fixture(b, 77);
	/* cut inside the closing xinpgen, right before it, inside a record, inside the header */
	assert_int_equal(fb__bsd_decode_pcblist(b, TCP_LEN - 1, true, NULL, 0, &v, &n, &cap),
			 -EINVAL);
	assert_int_equal(fb__bsd_decode_pcblist(b, TCP_LEN - FB_BSD_XINPGEN_SIZE, true, NULL, 0, &v,
						&n, &cap),
			 -EINVAL);
	assert_int_equal(
		fb__bsd_decode_pcblist(b, FB_BSD_XINPGEN_SIZE + 100, true, NULL, 0, &v, &n, &cap),
		-EINVAL);
	assert_int_equal(fb__bsd_decode_pcblist(b, 40, true, NULL, 0, &v, &n, &cap), -EINVAL);
	/* TCP records read as UDP ones: wrong record length */
	assert_int_equal(fb__bsd_decode_pcblist(b, sizeof(b), false, NULL, 0, &v, &n, &cap),
			 -EINVAL);
	/* a header that is not an xinpgen */
	put_u64(b, 0, 72);
	assert_int_equal(fb__bsd_decode_pcblist(b, sizeof(b), true, NULL, 0, &v, &n, &cap),
			 -EINVAL);
	/* kern.file of a ragged size or with another struct size */
	tcp_fixture(b, 77);
	files_fixture(f);
	assert_int_equal(fb__bsd_decode_pcblist(b, sizeof(b), true, f, sizeof(f) - 8, &v, &n, &cap),
			 -EINVAL);
	put_u64(f, 0, 120);
	assert_int_equal(fb__bsd_decode_pcblist(b, sizeof(b), true, f, sizeof(f), &v, &n, &cap),
			 -EINVAL);
	assert_int_equal(n, 0); /* a failed walk leaves no entries behind */
	free(v);
}

/*
 * Every prefix of the TCP stream and kern.file, and the stream with one byte changed at a
 * time, each in a heap buffer of exactly its size (so ASan sees a read past the end): each
 * must decode or be refused, and a strict prefix is always refused.
 */
static void test_prefixes_and_flips(void **state)
{
	unsigned char b[TCP_LEN], f[2 * FB_BSD_XFILE_SIZE];

	(void)state;
	tcp_fixture(b, 77);
	files_fixture(f);
	for (size_t len = 0; len <= TCP_LEN; len++) {
		unsigned char *c = malloc(len ? len : 1);
		struct fb_conn *v = NULL;
		size_t n = 0, cap = 0;
		int err;

		memcpy(c, b, len);
		err = fb__bsd_decode_pcblist(c, len, true, f, sizeof(f), &v, &n, &cap);
		assert_int_equal(err, len == TCP_LEN ? 0 : -EINVAL);
		free(v);
		free(c);
	}
	for (size_t flen = 0; flen <= sizeof(f); flen += 8) {
		unsigned char *c = malloc(flen ? flen : 1);
		struct fb_conn *v = NULL;
		size_t n = 0, cap = 0;
		int err;

		memcpy(c, f, flen);
		err = fb__bsd_decode_pcblist(b, sizeof(b), true, c, flen, &v, &n, &cap);
		assert_true(err == 0 || err == -EINVAL);
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
		err = fb__bsd_decode_pcblist(c, TCP_LEN, true, f, sizeof(f), &v, &n, &cap);
		assert_true(err == 0 || err == -EINVAL || err == -EAGAIN);
		assert_true(err || n <= 2); /* a changed inp_vflag may drop one */
		free(v);
		free(c);
	}
}

/* One xunpcb at @off: our bound path, the peer's, the kernel socket address. */
static void put_xunpcb(unsigned char *b, size_t off, const char *path, const char *peer,
		       uint64_t so)
{
	memset(b + off, 0, FB_BSD_XUNPCB_SIZE);
	put_u64(b, off, FB_BSD_XUNPCB_SIZE);
	b[off + FB_BSD_XU_ADDR + 1] = 1; /* sun_family AF_UNIX */
	memcpy(b + off + FB_BSD_XU_ADDR + FB_BSD_SUN_PATH, path, strlen(path));
	memcpy(b + off + FB_BSD_XU_CADDR + FB_BSD_SUN_PATH, peer, strlen(peer));
	put_u64(b, off + FB_BSD_XU_SO, so);
}

static void put_xunpgen(unsigned char *b, size_t off, uint64_t gen)
{
	memset(b + off, 0, FB_BSD_XUNPGEN_SIZE);
	put_u64(b, off, FB_BSD_XUNPGEN_SIZE);
	put_u64(b, off + FB_BSD_XUG_GEN, gen);
}

#define UNP_LEN (2 * FB_BSD_XUNPGEN_SIZE + 2 * FB_BSD_XUNPCB_SIZE)

static void test_unix_lists(void **state)
{
	unsigned char b[UNP_LEN], f[2 * FB_BSD_XFILE_SIZE];
	char longpath[FB_BSD_SUN_PATHLEN + 1];
	struct fb_conn *v = NULL;
	size_t n = 0, cap = 0;

	(void)state;
	/* the layout: the peer's union follows ours, xu_socket follows that */
	assert_int_equal(FB_BSD_XU_CADDR, FB_BSD_XU_ADDR + 256);
	assert_int_equal(FB_BSD_XU_SO, FB_BSD_XU_CADDR + 256 + 8);
	assert_true(FB_BSD_XU_SO + 8 <= FB_BSD_XUNPCB_SIZE);
	memset(longpath, 'p', FB_BSD_SUN_PATHLEN); /* fills sun_path without a NUL */
	longpath[FB_BSD_SUN_PATHLEN] = '\0';
	put_xunpgen(b, 0, 4);
	put_xunpcb(b, FB_BSD_XUNPGEN_SIZE, "/var/run/log", "", SO_A);
	put_xunpcb(b, FB_BSD_XUNPGEN_SIZE + FB_BSD_XUNPCB_SIZE, longpath, "/tmp/srv", 0);
	put_xunpgen(b, FB_BSD_XUNPGEN_SIZE + 2 * FB_BSD_XUNPCB_SIZE, 4);
	files_fixture(f);
	assert_int_equal(
		fb__bsd_decode_unp_pcblist(b, sizeof(b), SOCK_DGRAM, f, sizeof(f), &v, &n, &cap),
		0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].family, AF_UNIX);
	assert_int_equal(v[0].type, SOCK_DGRAM);
	assert_int_equal(v[0].status, FB_CONN_NONE);
	assert_true(v[0].laddr.valid && v[0].raddr.valid);
	assert_string_equal(v[0].laddr.addr, "/var/run/log");
	assert_string_equal(v[0].raddr.addr, "");
	assert_int_equal(v[0].pid, 4242);
	assert_int_equal(v[0].fd, 5);
	assert_string_equal(v[1].laddr.addr, longpath);
	assert_string_equal(v[1].raddr.addr, "/tmp/srv");
	assert_int_equal(v[1].pid, -1);
	free(v);

	/* every prefix (exact-size heap copies) refused; a changed generation read again */
	for (size_t len = 0; len < UNP_LEN; len++) {
		unsigned char *c = malloc(len ? len : 1);

		v = NULL, n = 0, cap = 0;
		memcpy(c, b, len);
		assert_int_equal(
			fb__bsd_decode_unp_pcblist(c, len, SOCK_STREAM, NULL, 0, &v, &n, &cap),
			-EINVAL);
		assert_int_equal(n, 0);
		free(v);
		free(c);
	}
	v = NULL, n = 0, cap = 0;
	put_xunpgen(b, FB_BSD_XUNPGEN_SIZE + 2 * FB_BSD_XUNPCB_SIZE, 5);
	assert_int_equal(
		fb__bsd_decode_unp_pcblist(b, sizeof(b), SOCK_STREAM, NULL, 0, &v, &n, &cap),
		-EAGAIN);
	assert_int_equal(n, 0);
	free(v);
}

static void test_tcps_and_kinds(void **state)
{
	static const char *const want[] = { "CLOSE",	   "LISTEN",	 "SYN_SENT",  "SYN_RECV",
					    "ESTABLISHED", "CLOSE_WAIT", "FIN_WAIT1", "CLOSING",
					    "LAST_ACK",	   "FIN_WAIT2",	 "TIME_WAIT" };

	(void)state;
	for (int i = 0; i <= 10; i++)
		assert_string_equal(fb_conn_status_name(fb__tcps_status(i)), want[i]);
	assert_int_equal(fb__tcps_status(11), FB_CONN_NONE);
	assert_int_equal(fb__tcps_status(-1), FB_CONN_NONE);

	assert_true(fb__conn_kind_has(FB_KIND_INET, AF_INET6, SOCK_DGRAM));
	assert_true(fb__conn_kind_has(FB_KIND_TCP4, AF_INET, SOCK_STREAM));
	assert_false(fb__conn_kind_has(FB_KIND_TCP4, AF_INET6, SOCK_STREAM));
	assert_false(fb__conn_kind_has(FB_KIND_TCP6, AF_INET6, SOCK_DGRAM));
	assert_true(fb__conn_kind_has(FB_KIND_UDP6, AF_INET6, SOCK_DGRAM));
	assert_false(fb__conn_kind_has(FB_KIND_UNIX, AF_INET, SOCK_STREAM));
	assert_true(fb__conn_kind_has(FB_KIND_ALL, AF_INET, SOCK_STREAM));
	assert_true(fb__conn_kind_has(FB_KIND_UNIX, AF_UNIX, SOCK_SEQPACKET));
	assert_true(fb__conn_kind_has(FB_KIND_ALL, AF_UNIX, SOCK_DGRAM));
	assert_false(fb__conn_kind_has(FB_KIND_INET, AF_UNIX, SOCK_STREAM));
	assert_false(fb__conn_kind_has(FB_KIND_TCP, AF_UNIX, SOCK_STREAM));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_constants),
		cmocka_unit_test(test_tcp_records_and_owners),
		cmocka_unit_test(test_udp_records_append),
		cmocka_unit_test(test_bad_buffers),
		cmocka_unit_test(test_prefixes_and_flips),
		cmocka_unit_test(test_unix_lists),
		cmocka_unit_test(test_tcps_and_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
