// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_route_send.c: the traceroute's sockets and its loop, for IPv4 and IPv6 alike. A raw
 * TCP socket, bound to the
 * source address the kernel would use for the target and connected to the target (so it
 * only reads the target's segments), sends each SYN with the TTL of its hop and reads the
 * SYN-ACK or RST that ends the trace; a raw ICMP socket reads the routers' time exceeded and
 * unreachable errors. A bound TCP socket holds the source port for the whole run, so no
 * connection of this host can take it, and the kernel answers a SYN-ACK with a RST, as it
 * does for tcptraceroute. Each hop's probes leave at most one per gap (the rate bound),
 * each waits at most the timeout, and a reply finds its probe by the sequence number its
 * quote or acknowledgment carries. Nothing is sent to any address but the target.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/stop.h"
#include "core/wallclock.h"
#include "probe/probe_route.h"

#define RECV_BUF 2048

struct route_tracer {
	struct route_cfg *cfg;
	int tcp_fd;  /* raw TCP: sends the SYNs, reads the target's answer */
	int icmp_fd; /* raw ICMP: reads the routers' errors */
	int port_fd; /* holds the source port */
	uint32_t isn;
	uint64_t last_send_ns;
};

/* A socket address of the flow's family for addr and port; its length. */
static socklen_t sockaddr_of(int family, const uint8_t addr[16], uint16_t port,
			     struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, addr, 16);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	memcpy(&s4->sin_addr, addr, 4);
	return sizeof(*s4);
}

/* The address and port in ss, into the 16-byte form. */
static uint16_t sockaddr_get(const struct sockaddr_storage *ss, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		memcpy(addr, &s6->sin6_addr, 16);
		return ntohs(s6->sin6_port);
	}
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

	memcpy(addr, &s4->sin_addr, 4);
	return ntohs(s4->sin_port);
}

/* The source address the kernel picks for the target: a UDP socket's connect sends nothing */
static int source_addr(struct route_flow *f)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(f->family, f->dst, f->dport, &ss);
	int fd, err = 0;

	fd = socket(f->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ss, len))
		err = -errno;
	len = sizeof(ss);
	if (!err && getsockname(fd, (struct sockaddr *)&ss, &len))
		err = -errno;
	if (!err)
		sockaddr_get(&ss, f->src);
	close(fd);
	return err;
}

/* Bind a TCP socket to the source address and a free port, and keep it: the SYNs' port. */
static int reserve_port(struct route_tracer *t)
{
	struct route_flow *f = &t->cfg->flow;
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(f->family, f->src, f->sport, &ss);

	t->port_fd = socket(f->family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (t->port_fd < 0)
		return -errno;
	if (bind(t->port_fd, (struct sockaddr *)&ss, len))
		return -errno;
	len = sizeof(ss);
	if (getsockname(t->port_fd, (struct sockaddr *)&ss, &len))
		return -errno;
	f->sport = sockaddr_get(&ss, f->src);
	return 0;
}

static int raw_socket(int family, int proto)
{
	int fd = socket(family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, proto);

	if (fd < 0)
		return errno == EACCES ? -EPERM : -errno;
	return fd;
}

int route_tracer__new(struct route_cfg *cfg, struct route_tracer **out)
{
	struct route_flow *f = &cfg->flow;
	struct sockaddr_storage ss;
	struct route_tracer *t;
	socklen_t len;
	int err;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->cfg = cfg;
	t->port_fd = -1;
	t->icmp_fd = raw_socket(f->family, f->family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	t->tcp_fd = raw_socket(f->family, IPPROTO_TCP);
	err = t->icmp_fd < 0 ? t->icmp_fd : t->tcp_fd < 0 ? t->tcp_fd : 0;
	if (err)
		goto err_free;
	err = cfg->src_given ? 0 : source_addr(f);
	if (!err)
		err = reserve_port(t);
	if (err)
		goto err_free;
	len = sockaddr_of(f->family, f->src, 0, &ss);
	if (bind(t->tcp_fd, (struct sockaddr *)&ss, len)) {
		err = -errno;
		goto err_free;
	}
	len = sockaddr_of(f->family, f->dst, 0, &ss);
	if (connect(t->tcp_fd, (struct sockaddr *)&ss, len)) {
		err = -errno;
		goto err_free;
	}
	if (getrandom(&t->isn, sizeof(t->isn), 0) != sizeof(t->isn))
		t->isn = (uint32_t)mono_now_ns();
	*out = t;
	return 0;
err_free:
	route_tracer__free(t);
	return err;
}

void route_tracer__free(struct route_tracer *t)
{
	if (!t)
		return;
	if (t->tcp_fd >= 0)
		close(t->tcp_fd);
	if (t->icmp_fd >= 0)
		close(t->icmp_fd);
	if (t->port_fd >= 0)
		close(t->port_fd);
	free(t);
}

static uint32_t probe_seq(const struct route_tracer *t, uint32_t ttl, uint32_t index)
{
	return t->isn + (ttl - 1) * ROUTE_MAX_PROBES + index;
}

static int send_probe(struct route_tracer *t, struct route_probe *p)
{
	uint8_t seg[64];
	int ttl = p->ttl;
	size_t len;

	if (t->cfg->flow.family == AF_INET6
		    ? setsockopt(t->tcp_fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl))
		    : setsockopt(t->tcp_fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)))
		return -errno;
	len = route_syn_build(&t->cfg->flow, probe_seq(t, p->ttl, p->index), seg, sizeof(seg));
	p->sent_ns = mono_now_ns();
	if (send(t->tcp_fd, seg, len, 0) < 0)
		return -errno;
	t->last_send_ns = p->sent_ns;
	return 0;
}

/* Give a reply to its probe, if it is one of this hop's and still waited for. */
static void take_reply(struct route_tracer *t, struct route_hop *hop, const struct route_reply *r,
		       uint64_t now, struct route_result *res)
{
	uint32_t d = r->seq - probe_seq(t, hop->ttl, 0);
	struct route_probe *p;

	if (d >= t->cfg->probes)
		return; /* an earlier hop's, after its timeout: it stays lost */
	p = &hop->probes[d];
	if (!p->sent_ns || p->reply != ROUTE_REPLY_NONE || now - p->sent_ns > t->cfg->timeout_ns)
		return;
	p->reply = r->kind;
	p->rtt_ns = now - p->sent_ns ? now - p->sent_ns : 1;
	p->icmp_code = r->icmp_code;
	memcpy(p->from, r->from, sizeof(p->from));
	res->answered++;
}

/* Read everything waiting on fd (a raw socket of proto). */
static void drain(struct route_tracer *t, int fd, int proto, struct route_hop *hop, uint64_t now,
		  struct route_result *res)
{
	const struct route_flow *f = &t->cfg->flow;
	uint8_t buf[RECV_BUF], from[16];
	struct sockaddr_storage ss;
	struct route_reply r;
	socklen_t len;
	ssize_t n;
	int err;

	for (;;) {
		len = sizeof(ss);
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&ss, &len);
		if (n < 0)
			return;
		if (f->family == AF_INET6) {
			sockaddr_get(&ss, from);
			err = route_reply_parse6(f, from, proto, buf, (size_t)n, &r);
		} else {
			err = route_reply_parse4(f, buf, (size_t)n, &r);
		}
		if (!err)
			take_reply(t, hop, &r, now, res);
	}
}

/* Whether every probe of the hop is answered or past its timeout; else its next deadline. */
static bool hop_is_done(const struct route_tracer *t, const struct route_hop *hop, uint32_t nsent,
			uint64_t now, uint64_t *deadline)
{
	bool done = nsent == t->cfg->probes;

	for (uint32_t i = 0; i < nsent; i++) {
		const struct route_probe *p = &hop->probes[i];
		uint64_t end = p->sent_ns + t->cfg->timeout_ns;

		if (p->reply != ROUTE_REPLY_NONE || now >= end)
			continue;
		done = false;
		if (end < *deadline)
			*deadline = end;
	}
	return done;
}

static int wait_for(struct route_tracer *t, uint64_t deadline, uint64_t now)
{
	struct pollfd fds[2] = { { .fd = t->tcp_fd, .events = POLLIN },
				 { .fd = t->icmp_fd, .events = POLLIN } };
	uint64_t left = deadline > now ? deadline - now : 0;
	struct timespec ts = { .tv_sec = (time_t)(left / 1000000000ULL),
			       .tv_nsec = (long)(left % 1000000000ULL) };

	if (ppoll(fds, 2, &ts, NULL) < 0 && errno != EINTR)
		return -errno;
	return 0;
}

static int trace_hop(struct route_tracer *t, struct route_hop *hop, struct route_result *res)
{
	uint32_t nsent = 0;
	int err;

	for (;;) {
		uint64_t now = mono_now_ns(), deadline = UINT64_MAX;

		if (stop_is_requested())
			return -EINTR;
		if (nsent < t->cfg->probes &&
		    (!t->last_send_ns || now >= t->last_send_ns + t->cfg->gap_ns)) {
			err = send_probe(t, &hop->probes[nsent]);
			if (err)
				return err;
			nsent++;
			res->sent++;
			now = mono_now_ns();
		}
		if (hop_is_done(t, hop, nsent, now, &deadline))
			return 0;
		if (nsent < t->cfg->probes && t->last_send_ns + t->cfg->gap_ns < deadline)
			deadline = t->last_send_ns + t->cfg->gap_ns;
		err = wait_for(t, deadline, now);
		if (err)
			return err;
		now = mono_now_ns();
		drain(t, t->tcp_fd, IPPROTO_TCP, hop, now, res);
		drain(t, t->icmp_fd,
		      t->cfg->flow.family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, hop, now,
		      res);
	}
}

/* Reverse names for the hop's answering addresses (once per address). */
static void resolve_hop(struct route_hop *hop, int family, uint32_t probes)
{
	for (uint32_t i = 0; i < probes; i++) {
		const struct route_probe *p = &hop->probes[i];
		struct sockaddr_storage ss;
		socklen_t len;
		uint32_t j;

		if (p->reply == ROUTE_REPLY_NONE)
			continue;
		for (j = 0; j < i; j++) {
			if (hop->probes[j].reply != ROUTE_REPLY_NONE &&
			    !memcmp(hop->probes[j].from, p->from, 16))
				break;
		}
		if (j < i) {
			memcpy(hop->names[i], hop->names[j], sizeof(hop->names[i]));
			continue;
		}
		len = sockaddr_of(family, p->from, 0, &ss);
		if (getnameinfo((struct sockaddr *)&ss, len, hop->names[i], sizeof(hop->names[i]),
				NULL, 0, NI_NAMEREQD))
			hop->names[i][0] = '\0';
	}
}

/* What the hop says about the end: the target answered, or an unreachable ended it. */
static bool hop_ends(const struct route_hop *hop, uint32_t probes, enum route_state *state)
{
	bool end = false;

	for (uint32_t i = 0; i < probes; i++) {
		enum route_reply_kind k = hop->probes[i].reply;

		if (k == ROUTE_REPLY_SYN_ACK || k == ROUTE_REPLY_RST) {
			if (*state == ROUTE_UNREACHED)
				*state = k == ROUTE_REPLY_SYN_ACK ? ROUTE_OPEN : ROUTE_CLOSED;
			end = true;
		} else if (k == ROUTE_REPLY_UNREACHABLE) {
			end = true;
		}
	}
	return end;
}

int route_tracer__run(struct route_tracer *t, struct route_result *res, route_hop_cb cb, void *ctx)
{
	const struct route_cfg *cfg = t->cfg;
	int err = 0;

	res->state = ROUTE_UNREACHED;
	res->nhops = res->sent = res->answered = 0;
	res->start_ns = mono_now_ns();
	for (uint32_t ttl = 1; ttl <= cfg->max_hops; ttl++) {
		struct route_hop *hop = &res->hops[ttl - 1];

		memset(hop, 0, sizeof(*hop));
		hop->ttl = (uint8_t)ttl;
		for (uint32_t i = 0; i < cfg->probes; i++) {
			hop->probes[i].ttl = (uint8_t)ttl;
			hop->probes[i].index = (uint8_t)i;
		}
		err = trace_hop(t, hop, res);
		if (err && err != -EINTR)
			pr_err("probe traceroute: sending a SYN with TTL %u: %s", ttl,
			       strerror(-err));
		if (err)
			break;
		res->nhops = ttl;
		if (cfg->resolve)
			resolve_hop(hop, cfg->flow.family, cfg->probes);
		if (cb)
			cb(ctx, cfg, res, hop);
		if (hop_ends(hop, cfg->probes, &res->state))
			break;
	}
	res->duration_ns = mono_now_ns() - res->start_ns;
	/* the next run's sequence numbers: a late reply to this one can never match them */
	t->isn += ROUTE_MAX_HOPS * ROUTE_MAX_PROBES;
	return err;
}

void route_hop__stats(const struct route_hop *h, uint32_t probes, struct route_hop_stats *st)
{
	uint64_t rtts[ROUTE_MAX_PROBES];
	uint32_t n = 0;

	memset(st, 0, sizeof(*st));
	st->first = -1;
	st->sent = probes;
	for (uint32_t i = 0; i < probes; i++) {
		uint64_t v = h->probes[i].rtt_ns;
		uint32_t j = n;

		if (h->probes[i].reply == ROUTE_REPLY_NONE)
			continue;
		if (st->first < 0)
			st->first = (int)i;
		for (; j > 0 && rtts[j - 1] > v; j--) /* insertion sort: at most 10 */
			rtts[j] = rtts[j - 1];
		rtts[j] = v;
		n++;
	}
	st->answered = n;
	st->loss = probes ? (double)(probes - n) / probes : 0;
	if (!n)
		return;
	st->min_ns = rtts[0];
	st->max_ns = rtts[n - 1];
	st->median_ns = n % 2 ? rtts[n / 2] : (rtts[n / 2 - 1] + rtts[n / 2]) / 2;
}
