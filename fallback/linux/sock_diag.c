// SPDX-License-Identifier: BSD-2-Clause
/*
 * sock_diag.c - the library's one netlink sock_diag client, as ss(8) reads the kernel's socket
 * tables: it sends one dump request, walks every reply datagram with each header checked
 * against the bytes received, and decodes inet_diag messages (the tuple, state, uid, inode,
 * cookie and, when asked, the tcp_info counters).  net_connections builds its rows on it, and
 * fb_tcp_sockets() here returns every TCP socket with its tcp_info for vigil's TCP poller and
 * top.  Netlink answers for the live kernel only: a fixture root does not change what it sees.
 */
#include "net_int.h"
#include "parse_int.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int fb__nl_walk(void *buf, size_t len, fb__nl_cb cb, void *ctx)
{
	size_t off = 0;
	int err;

	/* off only grows by aligned lengths already checked against len: never past it */
	while (len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr *h = (struct nlmsghdr *)((char *)buf + off);

		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len - off)
			return -EBADMSG;
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EBADMSG;
			return e->error < 0 ? e->error : -EIO;
		}
		err = cb(h, ctx);
		if (err)
			return err;
		if (NLMSG_ALIGN(h->nlmsg_len) >= len - off)
			break;
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	return 0;
}

int fb__sock_diag_dump(void *req, size_t reqlen, fb__nl_cb cb, void *ctx)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[65536] __attribute__((aligned(8)));
	struct iovec iov = { .iov_base = req, .iov_len = reqlen };
	struct msghdr msg = {
		.msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1
	};
	int fd, err = 0;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	if (sendmsg(fd, &msg, 0) < 0) {
		err = -errno;
		goto close_fd;
	}
	for (;;) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto close_fd;
		}
		if (r == 0)
			break;
		err = fb__nl_walk(buf, (size_t)r, cb, ctx);
		if (err) {
			if (err == 1)
				err = 0;
			goto close_fd;
		}
	}
close_fd:
	close(fd);
	return err > 0 ? 0 : err;
}

/*
 * TCP over IPv4 and IPv6 in one walk of the kernel's hash tables: the legacy TCPDIAG_GETSOCK
 * request dumps every family (the v2 request takes one family per walk, and the walk of a
 * large established table is what a dump costs).
 */
static int dump_tcp_both(unsigned ext, fb__nl_cb cb, void *ctx)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req r;
	} req = {
		.nlh = { .nlmsg_len = sizeof(req),
			 .nlmsg_type = TCPDIAG_GETSOCK,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.r = { .idiag_family = AF_INET, .idiag_ext = (uint8_t)ext, .idiag_states = ~0u },
	};

	return fb__sock_diag_dump(&req, sizeof(req), cb, ctx);
}

int fb__inet_diag_dump(int family, int proto, unsigned ext, fb__nl_cb cb, void *ctx)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req = {
		.nlh = { .nlmsg_len = sizeof(req),
			 .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.r = { .sdiag_family = (uint8_t)family,
		       .sdiag_protocol = (uint8_t)proto,
		       .idiag_ext = (uint8_t)ext,
		       .idiag_states = ~0u },
	};

	if (family == AF_UNSPEC)
		return proto == IPPROTO_TCP ? dump_tcp_both(ext, cb, ctx) : -EINVAL;
	return fb__sock_diag_dump(&req, sizeof(req), cb, ctx);
}

/* The tcp_info fields that a payload of @len bytes holds; the rest stay invalid. */
static void decode_tcp_info(struct fb_tcp_sock *s, const void *data, size_t len)
{
	struct tcp_info ti;

	memset(&ti, 0, sizeof(ti));
	memcpy(&ti, data, len < sizeof(ti) ? len : sizeof(ti));
	if (len >= offsetof(struct tcp_info, tcpi_rttvar) + sizeof(ti.tcpi_rttvar)) {
		s->srtt_us = ti.tcpi_rtt;
		s->rttvar_us = ti.tcpi_rttvar;
		s->valid |= FB_TCP_RTT;
	}
	if (len >= offsetof(struct tcp_info, tcpi_total_retrans) + sizeof(ti.tcpi_total_retrans)) {
		s->retransmits = ti.tcpi_total_retrans;
		s->valid |= FB_TCP_RETRANS;
	}
	/* bytes_acked and bytes_received: Linux 4.1 and 4.2 */
	if (len >=
	    offsetof(struct tcp_info, tcpi_bytes_received) + sizeof(ti.tcpi_bytes_received)) {
		s->bytes_acked = ti.tcpi_bytes_acked;
		s->bytes_received = ti.tcpi_bytes_received;
		s->valid |= FB_TCP_BYTES;
	}
}

int fb__inet_diag_msg(const struct nlmsghdr *h, bool info, struct fb_tcp_sock *s)
{
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	size_t len = h->nlmsg_len, off;
	size_t alen;

	memset(s, 0, sizeof(*s));
	if (len < NLMSG_LENGTH(sizeof(*m)))
		return -EBADMSG;
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return 1;
	alen = m->idiag_family == AF_INET ? 4 : 16;
	s->family = m->idiag_family;
	s->state = m->idiag_state;
	s->sport = ntohs(m->id.idiag_sport);
	s->dport = ntohs(m->id.idiag_dport);
	memcpy(s->saddr, m->id.idiag_src, alen);
	memcpy(s->daddr, m->id.idiag_dst, alen);
	s->uid = m->idiag_uid;
	s->inode = m->idiag_inode;
	s->cookie = (uint64_t)m->id.idiag_cookie[1] << 32 | m->id.idiag_cookie[0];
	if (!info)
		return 0;
	/* every attribute header and payload is checked against the message's own length */
	for (off = NLMSG_ALIGN(NLMSG_LENGTH(sizeof(*m))); off + sizeof(struct rtattr) <= len;) {
		const struct rtattr *a = (const void *)((const char *)h + off);

		if (a->rta_len < sizeof(*a) || a->rta_len > len - off)
			return -EBADMSG;
		if (a->rta_type == INET_DIAG_INFO)
			decode_tcp_info(s, RTA_DATA(a), a->rta_len - RTA_LENGTH(0));
		off += RTA_ALIGN(a->rta_len);
	}
	return 0;
}

struct tcp_list {
	struct fb_tcp_sock *v;
	size_t n, cap;
};

static int tcp_cb(struct nlmsghdr *h, void *arg)
{
	struct tcp_list *l = arg;
	struct fb_tcp_sock s;
	int err = fb__inet_diag_msg(h, true, &s);

	if (err)
		return err < 0 ? err : 0;
	err = fb__grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
	if (err)
		return err;
	l->v[l->n++] = s;
	return 0;
}

int fb_tcp_sockets(struct fb_tcp_sock **out, size_t *n)
{
	const unsigned ext = 1u << (INET_DIAG_INFO - 1);
	struct tcp_list l = { 0 };
	int err;

	*out = NULL;
	*n = 0;
	err = fb__inet_diag_dump(AF_UNSPEC, IPPROTO_TCP, ext, tcp_cb, &l);
	if (err) {
		/* no compat interface: one dump per family */
		l.n = 0;
		err = fb__inet_diag_dump(AF_INET, IPPROTO_TCP, ext, tcp_cb, &l);
		if (!err)
			err = fb__inet_diag_dump(AF_INET6, IPPROTO_TCP, ext, tcp_cb, &l);
	}
	if (err)
		goto free_list;
	*out = l.v;
	*n = l.n;
	return 0;
free_list:
	free(l.v);
	return err;
}

/* Exposed for the unit tests and fuzzers: one reply datagram through tcp_cb(). */
int fb__tcp_sockets_parse(void *buf, size_t len, struct fb_tcp_sock **out, size_t *n)
{
	struct tcp_list l = { .v = *out, .n = *n, .cap = *n };
	int err = fb__nl_walk(buf, len, tcp_cb, &l);

	*out = l.v;
	*n = l.n;
	return err;
}
