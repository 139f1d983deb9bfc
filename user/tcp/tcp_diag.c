// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tcp_diag.c: the sock_diag dump behind tcp_diag.h. Messages are checked against the
 * lengths they claim before anything is read from them.
 */
#include "tcp/tcp_diag.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TCP_DIAG_BUF 32768

static struct tcp_diag_sock *tcp_diag__push(struct tcp_diag *d)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 256;
		struct tcp_diag_sock *v = realloc(d->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		d->v = v;
		d->cap = cap;
	}
	return &d->v[d->n++];
}

/* The tcp_info fields a payload of len bytes holds. */
static void parse_info(struct tcp_diag_sock *s, const void *data, size_t len)
{
	struct tcp_info ti;

	memset(&ti, 0, sizeof(ti));
	memcpy(&ti, data, len < sizeof(ti) ? len : sizeof(ti));
	if (len >= offsetof(struct tcp_info, tcpi_rtt) + sizeof(ti.tcpi_rtt)) {
		s->srtt_us = ti.tcpi_rtt;
		s->has |= TCP_DIAG_HAS_RTT;
	}
	if (len >= offsetof(struct tcp_info, tcpi_total_retrans) + sizeof(ti.tcpi_total_retrans)) {
		s->retransmits = ti.tcpi_total_retrans;
		s->has |= TCP_DIAG_HAS_RETRANS;
	}
	if (len >=
	    offsetof(struct tcp_info, tcpi_bytes_received) + sizeof(ti.tcpi_bytes_received)) {
		s->bytes_acked = ti.tcpi_bytes_acked;
		s->bytes_received = ti.tcpi_bytes_received;
		s->has |= TCP_DIAG_HAS_BYTES;
	}
}

int tcp_diag__payload(const struct tcp_diag_sock *s, bool active, uint64_t *sent,
		      uint64_t *received)
{
	uint64_t syn, our_fin, peer_fin;

	if (!(s->has & TCP_DIAG_HAS_BYTES))
		return -ENODATA;
	switch (s->state) {
	case 1: /* ESTABLISHED */
	case 4: /* FIN_WAIT1: our FIN is not acked yet */
		our_fin = peer_fin = 0;
		break;
	case 5: /* FIN_WAIT2: our FIN acked */
		our_fin = 1;
		peer_fin = 0;
		break;
	case 8: /* CLOSE_WAIT */
	case 9: /* LAST_ACK */
	case 11: /* CLOSING */
		our_fin = 0;
		peer_fin = 1;
		break;
	case 2: /* SYN_SENT: nothing acked, nothing received */
	case 3: /* SYN_RECV */
	case 10: /* LISTEN */
		*sent = *received = 0;
		return 0;
	default: /* TIME_WAIT, CLOSE: which FINs were counted is not known */
		return -ENODATA;
	}
	syn = active ? 1 : 0; /* a passive socket starts counting after its SYN-ACK */
	*sent = s->bytes_acked > syn + our_fin ? s->bytes_acked - syn - our_fin : 0;
	*received = s->bytes_received > peer_fin ? s->bytes_received - peer_fin : 0;
	return 0;
}

static int parse_msg(struct tcp_diag *d, const struct nlmsghdr *h)
{
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	size_t len = h->nlmsg_len, off;
	struct tcp_diag_sock *s;

	if (len < NLMSG_LENGTH(sizeof(*m)))
		return -EINVAL;
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return 0;
	s = tcp_diag__push(d);
	if (!s)
		return -ENOMEM;
	memset(s, 0, sizeof(*s));
	s->family = m->idiag_family;
	s->state = m->idiag_state;
	s->sport = ntohs(m->id.idiag_sport);
	s->dport = ntohs(m->id.idiag_dport);
	memcpy(s->saddr, m->id.idiag_src, m->idiag_family == AF_INET ? 4 : 16);
	memcpy(s->daddr, m->id.idiag_dst, m->idiag_family == AF_INET ? 4 : 16);
	s->uid = m->idiag_uid;
	s->inode = m->idiag_inode;
	s->cookie = (uint64_t)m->id.idiag_cookie[1] << 32 | m->id.idiag_cookie[0];
	for (off = NLMSG_LENGTH(sizeof(*m)); off + sizeof(struct rtattr) <= len;) {
		const struct rtattr *a = (const void *)((const char *)h + NLMSG_ALIGN(off));

		if (NLMSG_ALIGN(off) + sizeof(*a) > len || a->rta_len < sizeof(*a) ||
		    NLMSG_ALIGN(off) + a->rta_len > len)
			return -EINVAL;
		if (a->rta_type == INET_DIAG_INFO)
			parse_info(s, RTA_DATA(a), a->rta_len - RTA_LENGTH(0));
		off = NLMSG_ALIGN(off) + RTA_ALIGN(a->rta_len);
	}
	return 0;
}

int tcp_diag__parse(struct tcp_diag *d, const void *buf, size_t len)
{
	const struct nlmsghdr *h = buf;
	size_t left = len;

	for (; left >= sizeof(*h);) {
		int err;

		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > left)
			return -EINVAL;
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EINVAL;
			return e->error ? e->error : -EIO;
		}
		if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY) {
			err = parse_msg(d, h);
			if (err)
				return err;
		}
		if (NLMSG_ALIGN(h->nlmsg_len) >= left)
			break;
		left -= NLMSG_ALIGN(h->nlmsg_len);
		h = (const void *)((const char *)h + NLMSG_ALIGN(h->nlmsg_len));
	}
	return 0;
}

static int dump_family(int fd, struct tcp_diag *d, uint8_t family, char *buf)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int err = 0;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.sdiag_family = family;
	req.r.sdiag_protocol = IPPROTO_TCP;
	req.r.idiag_states = ~0U;
	req.r.idiag_ext = 1 << (INET_DIAG_INFO - 1);
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	while (!err) {
		ssize_t n = recv(fd, buf, TCP_DIAG_BUF, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!n)
			return -EIO;
		err = tcp_diag__parse(d, buf, (size_t)n);
	}
	return err < 0 ? err : 0;
}

int tcp_diag__dump(struct tcp_diag *d)
{
	char *buf = malloc(TCP_DIAG_BUF);
	int fd, err;

	d->n = 0;
	if (!buf)
		return -ENOMEM;
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		err = -errno;
		goto out_free;
	}
	err = dump_family(fd, d, AF_INET, buf);
	if (!err)
		err = dump_family(fd, d, AF_INET6, buf);
	close(fd);
out_free:
	free(buf);
	return err;
}

void tcp_diag__free(struct tcp_diag *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}
