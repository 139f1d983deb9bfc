// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tcp_poll.c: TCP's fallback when BPF cannot be used: a sock_diag dump with tcp_info every
 * interval (fb_tcp_sockets() of the fallback library), diffed against the last one by socket
 * cookie. A connection seen
 * for the first time is emitted as tcp_accept when its local port listens (or several
 * connections share it), else as tcp_connect; one that is gone (closed, or now a TIME_WAIT
 * minisocket) as tcp_close with the counters of its last poll: srtt (last, min and max over
 * the polls), retransmits, bytes_sent (payload acked by the peer) and bytes_received, as the
 * BPF tracer reports them. What polling cannot know is null: connect latency, and the
 * duration of a connection that was already open at the first poll (those are marked
 * partial, as BPF marks connections older than the trace). Bytes moved after the last poll
 * are missed, and a connection that opens and closes between two polls is not seen at all:
 * poll faster for short ones. Filters: --port, --laddr, --raddr, --family, --pid, --comm.
 */
#include <errno.h>
#include <linux/types.h>
#include <stdlib.h>
#include <string.h>

#include "core/backend.h"
#include "events.h"
#include "fallback.h"
#include "tcp/tcp_addr.h"
#include "core/wallclock.h"

#define TCP_LISTEN    10
#define SCRATCH_DADDR 64

struct tcp_conn {
	struct fb_tcp_sock s; /* the last poll's view */
	uint64_t first_ns;
	uint32_t srtt_min, srtt_max;
	uint32_t pid; /* 0: unknown */
	char comm[VG_COMM_LEN];
	bool passive;
	bool partial; /* open before the first poll */
};

struct tcp_conns {
	struct tcp_conn *v;
	size_t n, cap;
};

struct tcp_poll {
	struct trace_cfg cfg;
	struct fb_tcp_sock *socks; /* the last dump */
	size_t nsocks;
	struct tcp_conns prev, cur;
	uint64_t listen_now[65536 / 64], listen_prev[65536 / 64]; /* port bitmaps */
	uint16_t *port_uses; /* tracked connections per local port, this poll */
};

static bool is_tracked_state(uint8_t state)
{
	/* ESTABLISHED, FIN_WAIT1/2, CLOSE_WAIT, LAST_ACK, CLOSING: a connection with tcp_info */
	return state == 1 || state == 4 || state == 5 || state == 8 || state == 9 || state == 11;
}

/* addr as the 128-bit form the CIDR lists use (IPv4 as ::ffff:a.b.c.d). */
static void addr128(const struct fb_tcp_sock *s, const uint8_t *addr, uint8_t out[16])
{
	if (s->family == TCP_AF_INET6) {
		memcpy(out, addr, 16);
		return;
	}
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, addr, 4);
}

static bool tcp_poll__wants(const struct tcp_poll *tp, const struct fb_tcp_sock *s)
{
	const struct trace_cfg *c = &tp->cfg;
	uint8_t a[16];
	bool port = !c->tcp_nports;

	if (c->tcp_family && (c->tcp_family == 4) != (s->family == TCP_AF_INET))
		return false;
	for (uint32_t i = 0; i < c->tcp_nports; i++)
		port |= c->tcp_ports[i] == s->sport || c->tcp_ports[i] == s->dport;
	if (!port)
		return false;
	addr128(s, s->saddr, a);
	if (!addrset__match(&c->tcp_laddr, a))
		return false;
	addr128(s, s->daddr, a);
	return addrset__match(&c->tcp_raddr, a);
}

static int cmp_cookie(const void *a, const void *b)
{
	const struct tcp_conn *x = a, *y = b;

	return x->s.cookie < y->s.cookie ? -1 : x->s.cookie > y->s.cookie;
}

static struct tcp_conn *conns__push(struct tcp_conns *c)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct tcp_conn *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		c->v = v;
		c->cap = cap;
	}
	return &c->v[c->n++];
}

/* The local ports something listens on: a connection on one of them was accepted. */
static bool port_bit(const uint64_t *set, uint16_t port)
{
	return set[port / 64] & (1ULL << (port % 64));
}

/*
 * The local ports something listens on, now and at the last poll: a connection on one was
 * accepted. The last poll's count too, because a dump of a busy table can skip a socket.
 */
static void tcp_poll__listeners(struct tcp_poll *tp)
{
	memcpy(tp->listen_prev, tp->listen_now, sizeof(tp->listen_now));
	memset(tp->listen_now, 0, sizeof(tp->listen_now));
	for (size_t i = 0; i < tp->nsocks; i++) {
		uint16_t port = tp->socks[i].sport;

		if (tp->socks[i].state == TCP_LISTEN)
			tp->listen_now[port / 64] |= 1ULL << (port % 64);
	}
}

/* Accepted: on a listening port, or on a local port several connections share. */
static bool tcp_poll__is_passive(const struct tcp_poll *tp, uint16_t sport)
{
	return port_bit(tp->listen_now, sport) || port_bit(tp->listen_prev, sport) ||
	       tp->port_uses[sport] > 1;
}

/* Owners of the new connections, by socket inode (one scan of every process's fds). */
static void tcp_poll__owners(struct tcp_poll *tp, size_t first_new)
{
	struct fb_conn *c = NULL;
	size_t n = 0;

	if (first_new == tp->cur.n || fb_net_connections(FB_KIND_TCP, &c, &n))
		return;
	for (size_t i = 0; i < tp->cur.n; i++) {
		struct tcp_conn *t = &tp->cur.v[i];

		if (t->pid || !t->s.inode)
			continue;
		for (size_t j = 0; j < n; j++) {
			struct fb_proc *p;

			if (c[j].inode != t->s.inode || c[j].pid <= 0)
				continue;
			t->pid = (uint32_t)c[j].pid;
			p = fb_proc__new(c[j].pid);
			if (p && fb_proc__name(p, t->comm, sizeof(t->comm)))
				t->comm[0] = '\0';
			fb_proc__free(p);
			break;
		}
	}
	free(c);
}

static void row_tuple(struct vrow *row, const struct tcp_conn *t, uint16_t kind, uint64_t now)
{
	memset(row, 0, sizeof(*row));
	row->kind = kind;
	row->source = "sock_diag";
	row->ts_ns = now;
	row->v[VF_FAMILY].u = t->s.family == TCP_AF_INET6 ? 6 : 4;
	row->v[VF_SADDR].str =
		tcp_addr_format(t->s.family, t->s.saddr, row->scratch, SCRATCH_DADDR);
	row->v[VF_DADDR].str =
		tcp_addr_format(t->s.family, t->s.daddr, row->scratch + SCRATCH_DADDR,
				VROW_SCRATCH - SCRATCH_DADDR);
	row->v[VF_SPORT].u = t->s.sport;
	row->v[VF_DPORT].u = t->s.dport;
	row->v[VF_PID].u = t->pid;
	row->v[VF_COMM].str = t->comm;
	vrow__set_null(row, VF_RNAME); /* --resolve fills it in (consumer's decorator) */
	vrow__cgroup_unknown(row);     /* --with-cgroup: from the pid (cgroup_rows.h) */
	if (!t->pid) {
		vrow__set_null(row, VF_PID);
		vrow__set_null(row, VF_COMM);
	}
}

static bool tcp_poll__owner_wanted(const struct tcp_poll *tp, const struct tcp_conn *t)
{
	if (tp->cfg.tgid && t->pid != tp->cfg.tgid)
		return false;
	return !tp->cfg.comm[0] || !strncmp(t->comm, tp->cfg.comm, VG_COMM_LEN);
}

static void emit_close(struct tcp_poll *tp, const struct tcp_conn *t, uint64_t now,
		       poller_emit_fn emit, void *ctx)
{
	struct vrow row;

	if (!tcp_poll__owner_wanted(tp, t))
		return;
	row_tuple(&row, t, VG_KIND_TCP_CLOSE, now);
	row.v[VF_DURATION_NS].u = now - t->first_ns;
	if (t->partial)
		vrow__set_null(&row, VF_DURATION_NS);
	vrow__set_null(&row, VF_CONNECT_LATENCY_NS);
	row.v[VF_SRTT_US].u = t->s.srtt_us;
	row.v[VF_SRTT_MIN_US].u = t->srtt_min;
	row.v[VF_SRTT_MAX_US].u = t->srtt_max;
	if (!(t->s.valid & FB_TCP_RTT)) {
		vrow__set_null(&row, VF_SRTT_US);
		vrow__set_null(&row, VF_SRTT_MIN_US);
		vrow__set_null(&row, VF_SRTT_MAX_US);
	}
	row.v[VF_RETRANSMITS].u = t->s.retransmits;
	if (!(t->s.valid & FB_TCP_RETRANS))
		vrow__set_null(&row, VF_RETRANSMITS);
	/* payload only: the kernel's counters include the SYN and FINs */
	if (fb_tcp_sock_payload(&t->s, !t->passive, &row.v[VF_BYTES_SENT].u,
				&row.v[VF_BYTES_RECEIVED].u)) {
		vrow__set_null(&row, VF_BYTES_SENT);
		vrow__set_null(&row, VF_BYTES_RECEIVED);
	}
	row.v[VF_DIRECTION].str = t->passive ? "passive" : "active";
	row.v[VF_PARTIAL].u = t->partial;
	emit(ctx, &row);
}

static void emit_open(struct tcp_poll *tp, const struct tcp_conn *t, uint64_t now,
		      poller_emit_fn emit, void *ctx)
{
	struct vrow row;

	if (!tcp_poll__owner_wanted(tp, t))
		return;
	row_tuple(&row, t, t->passive ? VG_KIND_TCP_ACCEPT : VG_KIND_TCP_CONNECT, now);
	if (!t->passive)
		vrow__set_null(&row, VF_LATENCY_NS); /* the handshake happened between polls */
	emit(ctx, &row);
}

/* Read the sockets; fold them into cur by cookie, carrying what prev knew. */
static int tcp_poll__read(struct tcp_poll *tp, uint64_t now, bool first)
{
	size_t first_new;
	int err;

	free(tp->socks);
	tp->socks = NULL;
	tp->nsocks = 0;
	err = fb_tcp_sockets(&tp->socks, &tp->nsocks);
	if (err)
		return err;
	tcp_poll__listeners(tp);
	for (size_t i = 0; i < tp->prev.n; i++) /* the last read's counts */
		tp->port_uses[tp->prev.v[i].s.sport] = 0;
	tp->cur.n = 0;
	for (size_t i = 0; i < tp->nsocks; i++) {
		const struct fb_tcp_sock *s = &tp->socks[i];
		struct tcp_conn *t;

		if (!is_tracked_state(s->state) || !tcp_poll__wants(tp, s))
			continue;
		t = conns__push(&tp->cur);
		if (!t)
			return -ENOMEM;
		memset(t, 0, sizeof(*t));
		t->s = *s;
		if (tp->port_uses[s->sport] < UINT16_MAX)
			tp->port_uses[s->sport]++;
	}
	if (tp->cur.n)
		qsort(tp->cur.v, tp->cur.n, sizeof(*tp->cur.v), cmp_cookie);
	/* Carry the history of the connections the last poll knew. */
	first_new = tp->cur.n;
	for (size_t i = 0; i < tp->cur.n; i++) {
		struct tcp_conn *t = &tp->cur.v[i];
		const struct tcp_conn *old =
			(tp->prev.n ? bsearch(t, tp->prev.v, tp->prev.n, sizeof(*t), cmp_cookie)
				    : NULL);
		uint32_t rtt = t->s.srtt_us;

		if (old) {
			t->first_ns = old->first_ns;
			t->pid = old->pid;
			memcpy(t->comm, old->comm, sizeof(t->comm));
			t->passive = old->passive;
			t->partial = old->partial;
			t->srtt_min = old->srtt_min && old->srtt_min < rtt ? old->srtt_min : rtt;
			t->srtt_max = old->srtt_max > rtt ? old->srtt_max : rtt;
			continue;
		}
		t->first_ns = now;
		t->partial = first;
		t->passive = tcp_poll__is_passive(tp, t->s.sport);
		t->srtt_min = t->srtt_max = rtt;
		t->pid = 0;
		if (first_new == tp->cur.n)
			first_new = i;
	}
	tcp_poll__owners(tp, first_new);
	return 0;
}

static void tcp_poll__swap(struct tcp_poll *tp)
{
	struct tcp_conns t = tp->prev;

	tp->prev = tp->cur;
	tp->cur = t;
}

static void tcp_poll__close(void *state)
{
	struct tcp_poll *tp = state;

	if (!tp)
		return;
	free(tp->socks);
	free(tp->prev.v);
	free(tp->cur.v);
	free(tp->port_uses);
	free(tp);
}

static int tcp_poll__open(const struct trace_cfg *cfg, void **state)
{
	struct tcp_poll *tp = calloc(1, sizeof(*tp));
	int err;

	if (!tp)
		return -ENOMEM;
	tp->cfg = *cfg;
	tp->port_uses = calloc(65536, sizeof(*tp->port_uses));
	if (!tp->port_uses) {
		tcp_poll__close(tp);
		return -ENOMEM;
	}
	err = tcp_poll__read(tp, mono_now_ns(), true);
	if (err) {
		tcp_poll__close(tp);
		return err;
	}
	tcp_poll__swap(tp);
	*state = tp;
	return 0;
}

static int tcp_poll__poll(void *state, uint64_t now_ns, poller_emit_fn emit, void *ctx)
{
	struct tcp_poll *tp = state;
	int err = tcp_poll__read(tp, now_ns, false);

	if (err)
		return err;
	for (size_t i = 0; i < tp->cur.n; i++) {
		const struct tcp_conn *t = &tp->cur.v[i];

		if (!(tp->prev.n ? bsearch(t, tp->prev.v, tp->prev.n, sizeof(*t), cmp_cookie)
				 : NULL))
			emit_open(tp, t, now_ns, emit, ctx);
	}
	for (size_t i = 0; i < tp->prev.n; i++) {
		const struct tcp_conn *t = &tp->prev.v[i];

		if (!(tp->cur.n ? bsearch(t, tp->cur.v, tp->cur.n, sizeof(*t), cmp_cookie) : NULL))
			emit_close(tp, t, now_ns, emit, ctx);
	}
	tcp_poll__swap(tp);
	return 0;
}

const struct poller_ops tcp_poller_ops = {
	.subsystem = "tcp",
	.source = "sock_diag",
	.kinds = 1ULL << VG_KIND_TCP_CONNECT | 1ULL << VG_KIND_TCP_ACCEPT |
		 1ULL << VG_KIND_TCP_CLOSE,
	.filters = TF_PID | TF_COMM | TF_TCP_TUPLE,
	.open = tcp_poll__open,
	.poll = tcp_poll__poll,
	.close = tcp_poll__close,
};
