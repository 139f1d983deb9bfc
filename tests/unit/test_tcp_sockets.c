// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_tcp_sockets.c: fb_tcp_sockets(), the fallback library's sock_diag client as vigil's TCP
 * poller reads it, on hand-built netlink datagrams: a socket with a full tcp_info, an older
 * kernel's short tcp_info (fields marked invalid), a socket without one, the dump's end, an
 * error reply, and lengths that lie; payload bytes without the SYN and FINs the kernel
 * counts (fb_tcp_sock_payload()), by table and on a live loopback connection.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fallback.h"
#include "linux/parse_int.h"

static unsigned char buf[8192] __attribute__((aligned(8)));

struct tcp_socks {
	struct fb_tcp_sock *v;
	size_t n;
};

/* One datagram appended to d, as a dump reads it. */
static int parse(struct tcp_socks *d, void *b, size_t len)
{
	return fb__tcp_sockets_parse(b, len, &d->v, &d->n);
}

/* Append one inet_diag message with an INET_DIAG_INFO of info_len bytes (0: none). */
static size_t put_sock(size_t off, uint16_t sport, uint32_t inode, size_t info_len)
{
	struct nlmsghdr *h = (void *)(buf + off);
	struct inet_diag_msg *m = NLMSG_DATA(h);
	struct tcp_info ti;
	size_t len = NLMSG_LENGTH(sizeof(*m));

	memset(h, 0, NLMSG_SPACE(sizeof(*m)) + RTA_SPACE(sizeof(ti)));
	h->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	m->idiag_family = AF_INET;
	m->idiag_state = 1;
	m->id.idiag_sport = htons(sport);
	m->id.idiag_dport = htons(80);
	m->id.idiag_src[0] = htonl(0x7f000001);
	m->id.idiag_dst[0] = htonl(0x0a000002);
	m->id.idiag_cookie[0] = sport;
	m->idiag_inode = inode;
	if (info_len) {
		struct rtattr *a = (void *)((char *)h + NLMSG_ALIGN(len));

		memset(&ti, 0, sizeof(ti));
		ti.tcpi_rtt = 250;
		ti.tcpi_rttvar = 125;
		ti.tcpi_total_retrans = 3;
		ti.tcpi_bytes_acked = 1000001;
		ti.tcpi_bytes_received = 2000001;
		a->rta_type = INET_DIAG_INFO;
		a->rta_len = (unsigned short)RTA_LENGTH(info_len);
		memcpy(RTA_DATA(a), &ti, info_len);
		len = NLMSG_ALIGN(len) + RTA_ALIGN(a->rta_len);
	}
	h->nlmsg_len = (uint32_t)len;
	return off + NLMSG_ALIGN(len);
}

static size_t put_done(size_t off)
{
	struct nlmsghdr *h = (void *)(buf + off);

	memset(h, 0, NLMSG_SPACE(sizeof(int)));
	h->nlmsg_type = NLMSG_DONE;
	h->nlmsg_len = NLMSG_LENGTH(sizeof(int));
	return off + NLMSG_ALIGN(h->nlmsg_len);
}

static void test_full_short_and_no_info(void **state)
{
	struct tcp_socks d = { 0 };
	size_t off = 0;

	(void)state;
	off = put_sock(off, 40000, 77, sizeof(struct tcp_info));
	off = put_sock(off, 40001, 78, offsetof(struct tcp_info, tcpi_bytes_acked)); /* old */
	off = put_sock(off, 40002, 0, 0); /* TIME_WAIT: no tcp_info */
	assert_int_equal(parse(&d, buf, off), 0);
	assert_int_equal(d.n, 3);
	assert_int_equal(d.v[0].sport, 40000);
	assert_int_equal(d.v[0].dport, 80);
	assert_int_equal(d.v[0].saddr[0], 127);
	assert_int_equal(d.v[0].daddr[0], 10);
	assert_int_equal(d.v[0].inode, 77);
	assert_int_equal(d.v[0].valid, FB_TCP_RTT | FB_TCP_RETRANS | FB_TCP_BYTES);
	assert_int_equal(d.v[0].srtt_us, 250);
	assert_int_equal(d.v[0].rttvar_us, 125);
	assert_int_equal(d.v[0].family, AF_INET);
	assert_int_equal(d.v[0].cookie, 40000);
	assert_int_equal(d.v[0].retransmits, 3);
	assert_true(d.v[0].bytes_acked == 1000001 && d.v[0].bytes_received == 2000001);
	assert_int_equal(d.v[1].valid, FB_TCP_RTT | FB_TCP_RETRANS);
	assert_int_equal(d.v[2].valid, 0);
	free(d.v);
}

static void test_done_and_error(void **state)
{
	struct tcp_socks d = { 0 };
	struct nlmsghdr *h = (void *)buf;
	struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off;

	(void)state;
	off = put_done(put_sock(0, 1, 1, 0));
	assert_int_equal(parse(&d, buf, off), 1);
	assert_int_equal(d.n, 1);
	memset(buf, 0, 64);
	h->nlmsg_type = NLMSG_ERROR;
	h->nlmsg_len = NLMSG_LENGTH(sizeof(*e));
	e->error = -EPERM;
	assert_int_equal(parse(&d, buf, h->nlmsg_len), -EPERM);
	free(d.v);
}

static void test_lying_lengths_are_rejected(void **state)
{
	struct tcp_socks d = { 0 };
	struct nlmsghdr *h = (void *)buf;
	struct rtattr *a;
	size_t off;

	(void)state;
	off = put_sock(0, 5, 5, sizeof(struct tcp_info));
	h->nlmsg_len = (uint32_t)off + 100; /* longer than the datagram */
	assert_int_equal(parse(&d, buf, off), -EBADMSG);
	off = put_sock(0, 5, 5, sizeof(struct tcp_info));
	a = (void *)(buf + NLMSG_ALIGN(NLMSG_LENGTH(sizeof(struct inet_diag_msg))));
	a->rta_len = 2000; /* beyond its message */
	assert_int_equal(parse(&d, buf, off), -EBADMSG);
	h->nlmsg_len = NLMSG_LENGTH(4); /* too short for an inet_diag_msg */
	assert_int_equal(parse(&d, buf, NLMSG_ALIGN(h->nlmsg_len)), -EBADMSG);
	h->nlmsg_len = 3; /* shorter than a header */
	assert_int_equal(parse(&d, buf, 16), -EBADMSG);
	free(d.v);
}

/* bytes_acked / bytes_received less the SYN and FINs the kernel counts, state by state. */
static void test_payload_without_syn_and_fin(void **state)
{
	struct fb_tcp_sock s = { .valid = FB_TCP_BYTES };
	uint64_t sent, rcvd;

	(void)state;
	s.state = 1; /* active, established: the SYN was acked */
	s.bytes_acked = 1001;
	s.bytes_received = 3000;
	assert_int_equal(fb_tcp_sock_payload(&s, true, &sent, &rcvd), 0);
	assert_int_equal(sent, 1000);
	assert_int_equal(rcvd, 3000);
	assert_int_equal(fb_tcp_sock_payload(&s, false, &sent, &rcvd), 0); /* passive: no SYN */
	assert_int_equal(sent, 1001);
	s.state = 5; /* FIN_WAIT2: our FIN acked too (the 1002) */
	s.bytes_acked = 1002;
	assert_int_equal(fb_tcp_sock_payload(&s, true, &sent, &rcvd), 0);
	assert_int_equal(sent, 1000);
	assert_int_equal(rcvd, 3000);
	s.state = 8; /* CLOSE_WAIT: the peer's FIN received (the 3001) */
	s.bytes_acked = 3000;
	s.bytes_received = 1001;
	assert_int_equal(fb_tcp_sock_payload(&s, false, &sent, &rcvd), 0);
	assert_int_equal(sent, 3000);
	assert_int_equal(rcvd, 1000);
	s.state = 9; /* LAST_ACK: our FIN not acked yet */
	assert_int_equal(fb_tcp_sock_payload(&s, false, &sent, &rcvd), 0);
	assert_int_equal(sent, 3000);
	assert_int_equal(rcvd, 1000);
	s.state = 1; /* a hostile count below what the handshake adds saturates at 0 */
	s.bytes_acked = 0;
	s.bytes_received = 0;
	assert_int_equal(fb_tcp_sock_payload(&s, true, &sent, &rcvd), 0);
	assert_int_equal(sent, 0);
	s.state = 7; /* CLOSE: unknown, not guessed */
	assert_int_equal(fb_tcp_sock_payload(&s, true, &sent, &rcvd), -ENODATA);
	s.state = 1;
	s.valid = 0; /* an old kernel without the counters */
	assert_int_equal(fb_tcp_sock_payload(&s, true, &sent, &rcvd), -ENODATA);
}

static const struct fb_tcp_sock *find_sock(const struct tcp_socks *d, uint16_t sport,
					   uint16_t dport)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].sport == sport && d->v[i].dport == dport)
			return &d->v[i];
	return NULL;
}

/*
 * On loopback: a client sends 1000 bytes, reads 3000, then shuts its side down.  Both ends,
 * read through sock_diag, report exactly the payload.
 */
static void test_payload_live_loopback(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	static char data[3000];
	struct tcp_socks d = { 0 };
	const struct fb_tcp_sock *cs, *ss;
	uint16_t lport, cport;
	uint64_t sent, rcvd;
	int l, c, sv;
	size_t got;

	(void)state;
	l = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(l >= 0);
	assert_int_equal(bind(l, (void *)&a, sizeof(a)), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (void *)&a, &alen), 0);
	lport = ntohs(a.sin_port);
	c = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(c, (void *)&a, sizeof(a)), 0);
	sv = accept(l, NULL, NULL);
	assert_true(sv >= 0);
	assert_int_equal(getsockname(c, (void *)&a, &alen), 0);
	cport = ntohs(a.sin_port);
	assert_int_equal(send(c, data, 1000, 0), 1000);
	for (got = 0; got < 1000;)
		got += (size_t)recv(sv, data, sizeof(data), 0);
	assert_int_equal(send(sv, data, 3000, 0), 3000);
	for (got = 0; got < 3000;)
		got += (size_t)recv(c, data, sizeof(data), 0);
	assert_int_equal(shutdown(c, SHUT_WR), 0);
	assert_int_equal(recv(sv, data, sizeof(data), 0), 0); /* the FIN arrived */
	usleep(50000);					      /* and its ACK reached the client */
	assert_int_equal(fb_tcp_sockets(&d.v, &d.n), 0);
	cs = find_sock(&d, cport, lport);
	ss = find_sock(&d, lport, cport);
	assert_non_null(cs);
	assert_non_null(ss);
	assert_int_equal(cs->state, 5); /* FIN_WAIT2 */
	assert_int_equal(ss->state, 8); /* CLOSE_WAIT */
	assert_int_equal(fb_tcp_sock_payload(cs, true, &sent, &rcvd), 0);
	assert_int_equal(sent, 1000);
	assert_int_equal(rcvd, 3000);
	assert_int_equal(fb_tcp_sock_payload(ss, false, &sent, &rcvd), 0);
	assert_int_equal(sent, 3000);
	assert_int_equal(rcvd, 1000);
	free(d.v);
	close(c);
	close(sv);
	close(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_short_and_no_info),
		cmocka_unit_test(test_done_and_error),
		cmocka_unit_test(test_lying_lengths_are_rejected),
		cmocka_unit_test(test_payload_without_syn_and_fin),
		cmocka_unit_test(test_payload_live_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
