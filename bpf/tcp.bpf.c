// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tcp.bpf.c: the TCP tracer, on tracepoints only (this kernel has no kprobes and refuses
 * fentry). inet_sock_set_state drives a per-connection entry keyed by the socket pointer:
 * created at SYN_SENT (in connect() context, so the pid is the connecting process) or
 * SYN_RECV (softirq: no pid), or mid-life for connections that predate vigil (marked
 * partial), and deleted when the socket reaches CLOSE, where the tcp_close summary is built
 * from the entry and from tcp_sock's own counters (bytes_acked, bytes_received less the SYN
 * and FIN they count, total_retrans, srtt_us), which are exact and cost nothing to keep. tcp_probe
 * supplies RTT
 * samples (min/max and the tcp-rtt histogram). The owner of a passive connection is only
 * learned in process context: at accept() (the sys_exit raw tracepoint, filtered on the
 * accept syscall numbers: it needs no tracefs), on the first send/recv
 * (sock_send_length/sock_recv_length), or at close()/shutdown(); until then its pid stays
 * unknown, never the softirq's current task. Filters are rodata and two LPM tries
 * whose values include or exclude (net_addrset.h: the longest prefix decides).
 */
#include "addr_filter.bpf.h"
#include "common.bpf.h"
#include <bpf/bpf_endian.h>
#include "tcp_bytes.bpf.h"

#define AF_INET	      2
#define AF_INET6      10
#define IPPROTO_TCP   6
#define TCP_MAX_PORTS 8
#define CONNS_DEFAULT 65536
#define S_IFMT	      0170000
#define S_IFSOCK      0140000

/* conn.filt: the cached verdict of the tuple filters */
#define FILT_UNKNOWN 0
#define FILT_PASS    1
#define FILT_FAIL    2

/* What vigil knows of one connection. */
struct conn {
	__u64 birth_ns;	   /* SYN_SENT or SYN_RECV; 0 when partial */
	__u64 state_ns;	   /* when it entered its current state; 0 if unknown */
	__u64 syn_ns;	   /* SYN_SENT time (active side) */
	__u64 connect_ns;  /* connect latency */
	__u64 cgroup_id;   /* the owner's, with targ_rec_cgroup */
	__u32 srtt_min_us; /* over tcp_probe samples */
	__u32 srtt_max_us;
	__u32 pid;
	__u8 direction; /* VG_TCP_DIR_* */
	__u8 flags;	/* VG_TCP_PID_KNOWN, _VALUE_KNOWN, _PARTIAL, _SRTT_KNOWN */
	__u8 filt;	/* FILT_* */
	__u8 owner_ok;	/* the owner passed the task filters */
	char comm[VG_COMM_LEN];
};

struct tuple {
	__u8 saddr[VG_ADDR_LEN];
	__u8 daddr[VG_ADDR_LEN];
	__u16 sport;
	__u16 dport;
	__u16 family;
};

/*
 * Userspace sizes it (--max-conns) before load. Preallocated: an update on the connection
 * path then costs no allocation (about 20% of the program's time with BPF_F_NO_PREALLOC).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CONNS_DEFAULT);
	__type(key, __u64);
	__type(value, struct conn);
} conns SEC(".maps");

/* Keyed by enum vg_hist_per's choice: 0, owner pid, remote port, or folded remote address. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct vg_hist);
} connect_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct vg_hist);
} rtt_hist SEC(".maps");

/* The global histograms: one-slot arrays never reset; userspace prints their growth. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_hist);
} connect_hist_total SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_hist);
} rtt_hist_total SEC(".maps");

/* Bytes sent and received per process through sendmsg/recvmsg on TCP sockets. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct vg_tcp_io);
} io_bytes SEC(".maps");

const volatile __u32 targ_stream_connect = 0;
const volatile __u32 targ_stream_accept = 0;
const volatile __u32 targ_stream_state = 0;
const volatile __u32 targ_stream_close = 0;
const volatile __u32 targ_stream_retransmit = 0;
const volatile __u32 targ_stream_reset = 0;
const volatile __u32 targ_hist_connect = 0;
const volatile __u32 targ_hist_rtt = 0;
const volatile __u32 targ_hist_per = VG_PER_GLOBAL;
const volatile __u32 targ_hist_unit_ns = 1000;
const volatile __u64 targ_min_ns = 0; /* only connects (and RTTs) at least this slow */
const volatile __u16 targ_family = 0; /* AF_INET or AF_INET6; 0: both */
const volatile __u16 targ_ports[TCP_MAX_PORTS] = {};
const volatile __u32 targ_nports = 0;
const volatile __u32 targ_io_bytes = 0; /* count send/recv bytes per process (io_bytes) */

static __always_inline bool task_filter_is_set(void)
{
	return targ_tgid || targ_tid || targ_comm[0] || targ_cgroup_id;
}

/*
 * The local port: skc_num while the port is bound (also right for timewait and request
 * socks), else inet_sock.inet_sport, as the tracepoint itself reads it: skc_num is already 0
 * at CLOSE once the port is released. Only full sockets have an inet_sport.
 */
static __always_inline __u16 sk__sport(const struct sock *sk)
{
	__u16 port = sk->__sk_common.skc_num;
	__u8 state;

	if (port)
		return port;
	state = sk->__sk_common.skc_state;
	if (state == TCP_TIME_WAIT || state == TCP_NEW_SYN_RECV)
		return 0;
	return bpf_ntohs(BPF_CORE_READ((const struct inet_sock *)sk, inet_sport));
}

/* Direct loads: sk is a trusted BTF pointer in tp_btf programs. */
static __always_inline void tuple__read(const struct sock *sk, struct tuple *t)
{
	t->family = sk->__sk_common.skc_family;
	t->sport = sk__sport(sk);
	t->dport = bpf_ntohs(sk->__sk_common.skc_dport);
	if (t->family == AF_INET6) {
		__builtin_memcpy(t->saddr, sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8, 16);
		__builtin_memcpy(t->daddr, sk->__sk_common.skc_v6_daddr.in6_u.u6_addr8, 16);
	} else {
		__builtin_memset(t->saddr, 0, 16);
		__builtin_memset(t->daddr, 0, 16);
		*(__u32 *)t->saddr = sk->__sk_common.skc_rcv_saddr;
		*(__u32 *)t->daddr = sk->__sk_common.skc_daddr;
	}
}

/* The same through probe reads, for pointers that are not trusted (syscall tracepoints). */
static __always_inline void tuple__read_core(const struct sock *sk, struct tuple *t)
{
	t->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	t->sport = bpf_ntohs(BPF_CORE_READ((const struct inet_sock *)sk, inet_sport));
	t->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	__builtin_memset(t->saddr, 0, 16);
	__builtin_memset(t->daddr, 0, 16);
	if (t->family == AF_INET6) {
		BPF_CORE_READ_INTO(&t->saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&t->daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	} else {
		BPF_CORE_READ_INTO((__u32 *)t->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)t->daddr, sk, __sk_common.skc_daddr);
	}
}

static __always_inline bool ports__has_either(__u16 sport, __u16 dport)
{
	if (!targ_nports)
		return true;
	for (int i = 0; i < TCP_MAX_PORTS; i++) {
		if (i >= targ_nports)
			break;
		if (targ_ports[i] == sport || targ_ports[i] == dport)
			return true;
	}
	return false;
}

static __always_inline bool tuple__is_traced(const struct tuple *t)
{
	if (targ_family && t->family != targ_family)
		return false;
	if (!ports__has_either(t->sport, t->dport))
		return false;
	if (!addr_filter__allows(t->saddr, t->daddr, t->family == AF_INET))
		return false;
	return true;
}

/* Whether records of this connection pass the filters; the tuple verdict is cached once the
 * tuple is complete (an active socket has no local port yet at SYN_SENT). */
static __always_inline bool conn__is_traced(struct conn *c, const struct tuple *t)
{
	bool ok;

	if (task_filter_is_set() && (!c || !(c->flags & VG_TCP_PID_KNOWN) || !c->owner_ok))
		return false;
	if (c && c->filt != FILT_UNKNOWN)
		return c->filt == FILT_PASS;
	ok = tuple__is_traced(t);
	if (c && t->sport && t->dport)
		c->filt = ok ? FILT_PASS : FILT_FAIL;
	return ok;
}

/* Record the current task as the owner; only call from process context. */
static __always_inline void conn__set_owner(struct conn *c)
{
	struct task_struct *task = bpf_get_current_task_btf();

	c->pid = bpf_get_current_pid_tgid() >> 32;
	c->cgroup_id = rec__cgroup_id(task);
	bpf_get_current_comm(&c->comm, sizeof(c->comm));
	c->owner_ok = task__is_traced(task);
	c->flags |= VG_TCP_PID_KNOWN;
}

static __always_inline __u64 addr__fold(const struct tuple *t, __u8 *out)
{
	__u64 hi = 0, lo;

	if (t->family == AF_INET) {
		__builtin_memset(out, 0, 16);
		out[10] = 0xff;
		out[11] = 0xff;
		__builtin_memcpy(&out[12], t->daddr, 4);
	} else {
		__builtin_memcpy(out, t->daddr, 16);
	}
	__builtin_memcpy(&hi, out, 8);
	__builtin_memcpy(&lo, out + 8, 8);
	return hi * 0x9e3779b97f4a7c15ULL ^ lo;
}

static __always_inline void hist__add(void *keyed, void *total, struct conn *c,
				      const struct tuple *t, __u64 value_ns)
{
	__u64 v = value_ns / targ_hist_unit_ns, key = 0;
	struct vg_hist *h, zero = {};
	__u32 slot0 = 0;

	switch (targ_hist_per) {
	case VG_PER_GLOBAL:
		h = bpf_map_lookup_elem(total, &slot0);
		goto add;
	case VG_PER_PID:
		if (c && (c->flags & VG_TCP_PID_KNOWN)) {
			key = c->pid;
			__builtin_memcpy(zero.comm, c->comm, VG_COMM_LEN);
		}
		break;
	case VG_PER_RPORT:
		key = t->dport;
		break;
	case VG_PER_RADDR:
		key = addr__fold(t, (__u8 *)zero.comm);
		break;
	}
	h = bpf_map_lookup_elem(keyed, &key);
	if (!h) {
		/* EEXIST from a racing CPU is fine: the lookup below finds its entry. */
		bpf_map_update_elem(keyed, &key, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(keyed, &key);
		if (!h)
			drop__count(VG_DROP_MAP_FULL);
	}
add:
	if (!h)
		return;
	__sync_fetch_and_add(&h->slots[hist__slot(v)], 1);
	__sync_fetch_and_add(&h->sum, v);
}

static __always_inline void rec__fill(struct vg_tcp *e, const struct tuple *t, struct conn *c)
{
	__builtin_memcpy(e->saddr, t->saddr, 16);
	__builtin_memcpy(e->daddr, t->daddr, 16);
	e->sport = t->sport;
	e->dport = t->dport;
	e->family = t->family;
	e->value_ns = 0;
	e->old_state = 0;
	e->new_state = 0;
	e->dir = 0;
	e->pad[0] = 0;
	e->pad[1] = 0;
	if (c && (c->flags & VG_TCP_PID_KNOWN)) {
		e->flags = VG_TCP_PID_KNOWN;
		e->pid = c->pid;
		e->cgroup_id = c->cgroup_id;
		__builtin_memcpy(e->comm, c->comm, VG_COMM_LEN);
	} else {
		e->flags = 0;
		e->pid = 0;
		e->cgroup_id = 0;
		__builtin_memset(e->comm, 0, VG_COMM_LEN);
	}
}

static __always_inline struct vg_tcp *rec__reserve(__u16 kind, __u64 now, const struct tuple *t,
						   struct conn *c)
{
	struct vg_tcp *e = event__reserve(sizeof(*e), kind, now);

	if (e)
		rec__fill(e, t, c);
	return e;
}

static __always_inline void emit_state(struct conn *c, const struct tuple *t, __u64 now,
				       int oldstate, int newstate)
{
	struct vg_tcp *e = rec__reserve(VG_KIND_TCP_STATE, now, t, c);

	if (!e)
		return;
	e->old_state = oldstate;
	e->new_state = newstate;
	if (c && c->state_ns) {
		e->value_ns = now - c->state_ns;
		e->flags |= VG_TCP_VALUE_KNOWN;
	}
	event__submit(e);
}

static __always_inline void emit_connect(struct conn *c, const struct tuple *t, __u64 now)
{
	struct vg_tcp *e;

	if (c->connect_ns < targ_min_ns)
		return;
	e = rec__reserve(VG_KIND_TCP_CONNECT, now, t, c);
	if (!e)
		return;
	e->value_ns = c->connect_ns;
	e->flags |= VG_TCP_VALUE_KNOWN;
	event__submit(e);
}

static __always_inline void emit_close(const struct sock *sk, struct conn *c, const struct tuple *t,
				       int oldstate, __u64 now)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;
	struct vg_tcp_close *e = event__reserve(sizeof(*e), VG_KIND_TCP_CLOSE, now);

	if (!e)
		return;
	__builtin_memcpy(e->saddr, t->saddr, 16);
	__builtin_memcpy(e->daddr, t->daddr, 16);
	e->sport = t->sport;
	e->dport = t->dport;
	e->family = t->family;
	tcp_payload_bytes(sk, oldstate, c ? c->direction : VG_TCP_DIR_UNKNOWN, &e->bytes_sent,
			  &e->bytes_received);
	e->srtt_us = BPF_CORE_READ(tp, srtt_us) >> 3;
	e->retransmits = BPF_CORE_READ(tp, total_retrans);
	e->pad = 0;
	if (c) {
		e->flags = c->flags & (VG_TCP_PID_KNOWN | VG_TCP_VALUE_KNOWN | VG_TCP_PARTIAL |
				       VG_TCP_SRTT_KNOWN);
		e->direction = c->direction;
		e->pid = c->pid;
		e->cgroup_id = c->cgroup_id;
		__builtin_memcpy(e->comm, c->comm, VG_COMM_LEN);
		e->connect_latency_ns = c->connect_ns;
		e->duration_ns = c->birth_ns ? now - c->birth_ns : 0;
		if (c->birth_ns)
			e->flags |= VG_TCP_DURATION_KNOWN;
		e->srtt_min_us = c->srtt_min_us;
		e->srtt_max_us = c->srtt_max_us;
		/* The last ACKs update srtt after tcp_probe's last sample: count it too. */
		if (e->srtt_us && !(e->flags & VG_TCP_SRTT_KNOWN)) {
			e->srtt_min_us = e->srtt_us;
			e->srtt_max_us = e->srtt_us;
			e->flags |= VG_TCP_SRTT_KNOWN;
		} else if (e->srtt_us && e->srtt_us < e->srtt_min_us) {
			e->srtt_min_us = e->srtt_us;
		} else if (e->srtt_us > e->srtt_max_us) {
			e->srtt_max_us = e->srtt_us;
		}
	} else {
		e->flags = VG_TCP_PARTIAL;
		e->direction = VG_TCP_DIR_UNKNOWN;
		e->pid = 0;
		e->cgroup_id = 0;
		__builtin_memset(e->comm, 0, VG_COMM_LEN);
		e->connect_latency_ns = 0;
		e->duration_ns = 0;
		e->srtt_min_us = 0;
		e->srtt_max_us = 0;
	}
	event__submit(e);
}

/* A connection starts: connect() (CLOSE -> SYN_SENT) or a listener's new child. */
static __always_inline bool conn__is_birth(int oldstate, int newstate)
{
	return (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT) ||
	       (oldstate == TCP_LISTEN && newstate == TCP_SYN_RECV);
}

/*
 * A new entry; NULL when the map is full, counted as a drop on state changes only (a
 * per-segment count from tcp_probe would say more about traffic than about lost records).
 */
static __always_inline struct conn *conn__create(__u64 key, int oldstate, int newstate, __u64 now,
						 bool count_drop)
{
	struct conn z = {};
	__u64 flags = BPF_NOEXIST;
	int err;

	if (conn__is_birth(oldstate, newstate))
		flags = BPF_ANY; /* an entry left by a socket freed without CLOSE is stale */
	if (newstate == TCP_SYN_SENT) {
		z.direction = VG_TCP_DIR_ACTIVE;
		z.birth_ns = now;
		z.syn_ns = now;
		conn__set_owner(&z); /* connect(): process context */
	} else if (newstate == TCP_SYN_RECV) {
		z.direction = VG_TCP_DIR_PASSIVE;
		z.birth_ns = now;
	} else {
		/* Mid-life: the connection predates vigil. */
		z.flags = VG_TCP_PARTIAL;
		if (oldstate == TCP_SYN_SENT)
			z.direction = VG_TCP_DIR_ACTIVE;
		else if (oldstate == TCP_SYN_RECV)
			z.direction = VG_TCP_DIR_PASSIVE;
	}
	err = bpf_map_update_elem(&conns, &key, &z, flags);
	if (err && err != -17 /* EEXIST */) {
		if (count_drop)
			drop__count(VG_DROP_MAP_FULL);
		return NULL;
	}
	return bpf_map_lookup_elem(&conns, &key);
}

/* Listening (and bound but inactive) sockets are not connections: no entry, no summary. */
static __always_inline bool transition_is_listener(int oldstate, int newstate)
{
	if (newstate == TCP_LISTEN || newstate == TCP_BOUND_INACTIVE)
		return true;
	return newstate == TCP_CLOSE && (oldstate == TCP_LISTEN || oldstate == TCP_BOUND_INACTIVE);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(handle_tcp_set_state, const struct sock *sk, const int oldstate, const int newstate)
{
	__u64 now, key = (__u64)sk;
	struct tuple t;
	struct conn *c;

	if (sk->sk_protocol != IPPROTO_TCP || oldstate == newstate)
		return 0;
	now = bpf_ktime_get_ns();
	tuple__read(sk, &t);
	if (transition_is_listener(oldstate, newstate)) {
		/* Not a connection: no entry, no summary. listen() and close() run in the owner. */
		if (targ_stream_state) {
			struct conn owner = {};

			conn__set_owner(&owner);
			if (conn__is_traced(&owner, &t))
				emit_state(&owner, &t, now, oldstate, newstate);
		}
		return 0;
	}
	/*
	 * Whatever the table holds for a socket that is just starting a connection is stale (a
	 * request race can free a child without CLOSE): start afresh.
	 */
	c = conn__is_birth(oldstate, newstate) ? NULL : bpf_map_lookup_elem(&conns, &key);
	if (!c && newstate != TCP_CLOSE)
		c = conn__create(key, oldstate, newstate, now, true);
	if (c && !(c->flags & VG_TCP_PID_KNOWN) &&
	    (newstate == TCP_FIN_WAIT1 || newstate == TCP_LAST_ACK))
		conn__set_owner(c); /* close() or shutdown(): process context */
	if (targ_stream_state && conn__is_traced(c, &t))
		emit_state(c, &t, now, oldstate, newstate);
	if (c && oldstate == TCP_SYN_SENT && newstate == TCP_ESTABLISHED && c->syn_ns) {
		c->connect_ns = now - c->syn_ns;
		c->flags |= VG_TCP_VALUE_KNOWN;
		if (conn__is_traced(c, &t)) {
			if (targ_stream_connect)
				emit_connect(c, &t, now);
			if (targ_hist_connect && c->connect_ns >= targ_min_ns)
				hist__add(&connect_hist, &connect_hist_total, c, &t, c->connect_ns);
		}
	}
	if (c)
		c->state_ns = now;
	if (newstate != TCP_CLOSE)
		return 0;
	if (targ_stream_close && oldstate != TCP_CLOSE && conn__is_traced(c, &t))
		emit_close(sk, c, &t, oldstate, now);
	if (c)
		bpf_map_delete_elem(&conns, &key);
	return 0;
}

/* Called for every received segment of an established connection: keep it lean. */
SEC("tp_btf/tcp_probe")
int BPF_PROG(handle_tcp_probe, struct sock *sk, const struct sk_buff *skb)
{
	__u64 key = (__u64)sk;
	struct conn *c = bpf_map_lookup_elem(&conns, &key);
	__u32 srtt;

	if (!c) {
		c = conn__create(key, TCP_ESTABLISHED, TCP_ESTABLISHED, 0, false);
		if (!c)
			return 0;
	}
	srtt = BPF_CORE_READ((struct tcp_sock *)sk, srtt_us) >> 3;
	if (!srtt)
		return 0;
	if (!(c->flags & VG_TCP_SRTT_KNOWN)) {
		c->srtt_min_us = srtt;
		c->srtt_max_us = srtt;
		c->flags |= VG_TCP_SRTT_KNOWN;
	} else if (srtt < c->srtt_min_us) {
		c->srtt_min_us = srtt;
	} else if (srtt > c->srtt_max_us) {
		c->srtt_max_us = srtt;
	}
	if (targ_hist_rtt && (__u64)srtt * 1000 >= targ_min_ns) {
		struct tuple t;

		tuple__read(sk, &t);
		if (conn__is_traced(c, &t))
			hist__add(&rtt_hist, &rtt_hist_total, c, &t, (__u64)srtt * 1000);
	}
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(handle_tcp_retransmit, const struct sock *sk, const struct sk_buff *skb, int err)
{
	__u64 key = (__u64)sk;
	struct conn *c = bpf_map_lookup_elem(&conns, &key);
	struct vg_tcp *e;
	struct tuple t;

	tuple__read(sk, &t);
	if (!conn__is_traced(c, &t))
		return 0;
	e = rec__reserve(VG_KIND_TCP_RETRANSMIT, bpf_ktime_get_ns(), &t, c);
	if (!e)
		return 0;
	e->new_state = sk->__sk_common.skc_state;
	event__submit(e);
	return 0;
}

static __always_inline void emit_reset(const struct sock *sk, const struct tuple *t, __u8 dir)
{
	__u64 key = (__u64)sk;
	struct conn *c = sk ? bpf_map_lookup_elem(&conns, &key) : NULL;
	struct vg_tcp *e;

	if (!conn__is_traced(c, t))
		return;
	e = rec__reserve(VG_KIND_TCP_RESET, bpf_ktime_get_ns(), t, c);
	if (!e)
		return;
	e->dir = dir;
	if (sk)
		e->new_state = sk->__sk_common.skc_state;
	event__submit(e);
}

/* A reset for no socket: the tuple of the segment it answers, reversed. */
static __always_inline void tuple__from_skb(const struct sk_buff *skb, struct tuple *t)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	struct tcphdr *th = (struct tcphdr *)BPF_CORE_READ(skb, data);
	__u8 ver = 0;

	__builtin_memset(t, 0, sizeof(*t));
	t->sport = bpf_ntohs(BPF_CORE_READ(th, dest));
	t->dport = bpf_ntohs(BPF_CORE_READ(th, source));
	bpf_probe_read_kernel(&ver, 1, head + nh);
	if ((ver >> 4) == 6) {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)(head + nh);

		t->family = AF_INET6;
		bpf_probe_read_kernel(t->saddr, 16, &ip6->daddr);
		bpf_probe_read_kernel(t->daddr, 16, &ip6->saddr);
	} else {
		struct iphdr *ip = (struct iphdr *)(head + nh);

		t->family = AF_INET;
		bpf_probe_read_kernel(t->saddr, 4, &ip->daddr);
		bpf_probe_read_kernel(t->daddr, 4, &ip->saddr);
	}
}

SEC("tp_btf/tcp_send_reset")
int BPF_PROG(handle_tcp_send_reset, const struct sock *sk, const struct sk_buff *skb)
{
	struct tuple t;

	if (sk)
		tuple__read(sk, &t);
	else if (skb)
		tuple__from_skb(skb, &t);
	else
		return 0;
	emit_reset(sk, &t, VG_TCP_DIR_SENT);
	return 0;
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(handle_tcp_receive_reset, struct sock *sk)
{
	struct tuple t;

	tuple__read(sk, &t);
	emit_reset(sk, &t, VG_TCP_DIR_RECEIVED);
	return 0;
}

/*
 * Process context (sendmsg/recvmsg return): the first send or receive names the owner of a
 * passive connection; with targ_io_bytes, the bytes moved also count for the caller's
 * process, as tcptop counts them (the main job's top list).
 */
static __always_inline void on_sock_io(const struct sock *sk, int ret, bool send)
{
	__u64 key = (__u64)sk;
	struct vg_tcp_io *v;
	struct conn *c;
	__u32 pid;

	if (sk->sk_protocol != IPPROTO_TCP)
		return;
	c = bpf_map_lookup_elem(&conns, &key);
	if (c && !(c->flags & VG_TCP_PID_KNOWN))
		conn__set_owner(c);
	if (!targ_io_bytes || ret <= 0)
		return;
	if (task_filter_is_set() && !task__is_traced(bpf_get_current_task_btf()))
		return;
	if (targ_family || targ_nports || targ_has_laddr || targ_has_raddr) {
		struct tuple t;

		tuple__read(sk, &t);
		if (!tuple__is_traced(&t))
			return;
	}
	pid = bpf_get_current_pid_tgid() >> 32;
	v = bpf_map_lookup_elem(&io_bytes, &pid);
	if (!v) {
		struct vg_tcp_io zero = {};

		bpf_get_current_comm(&zero.comm, sizeof(zero.comm));
		bpf_map_update_elem(&io_bytes, &pid, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&io_bytes, &pid);
		if (!v) {
			drop__count(VG_DROP_MAP_FULL);
			return;
		}
	}
	__sync_fetch_and_add(send ? &v->sent : &v->received, (__u64)ret);
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(handle_tcp_send_length, struct sock *sk, int ret)
{
	on_sock_io(sk, ret, true);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(handle_tcp_recv_length, struct sock *sk, int ret)
{
	on_sock_io(sk, ret, false);
	return 0;
}

/* accept()/accept4() returned fd: its socket's owner is the caller. */
static __always_inline void on_accept(long fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct file **fds;
	struct file *f = NULL;
	struct socket *so;
	struct sock *sk;
	struct conn *c;
	struct tuple t;
	__u64 key;

	if (fd < 0)
		return;
	if ((__u64)fd >= BPF_CORE_READ(task, files, fdt, max_fds))
		return;
	fds = BPF_CORE_READ(task, files, fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	if (!f || (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return;
	so = BPF_CORE_READ(f, private_data);
	sk = BPF_CORE_READ(so, sk);
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return;
	key = (__u64)sk;
	c = bpf_map_lookup_elem(&conns, &key);
	if (c && !(c->flags & VG_TCP_PID_KNOWN))
		conn__set_owner(c);
	if (!targ_stream_accept)
		return;
	tuple__read_core(sk, &t);
	if (t.family != AF_INET && t.family != AF_INET6)
		return;
	if (c) {
		if (!conn__is_traced(c, &t))
			return;
	} else {
		/* Established before vigil: still the caller's, but nothing else is known. */
		if ((task_filter_is_set() && !task__is_traced(task)) || !tuple__is_traced(&t))
			return;
	}
	{
		struct vg_tcp *e = rec__reserve(VG_KIND_TCP_ACCEPT, bpf_ktime_get_ns(), &t, c);

		if (!e)
			return;
		if (!c) {
			e->flags = VG_TCP_PID_KNOWN | VG_TCP_PARTIAL;
			e->pid = bpf_get_current_pid_tgid() >> 32;
			e->cgroup_id = rec__cgroup_id(task);
			bpf_get_current_comm(&e->comm, sizeof(e->comm));
		}
		event__submit(e);
	}
}

/*
 * x86's pt_regs keeps the syscall number in orig_ax, arm64's in syscallno; the flavour that
 * this kernel lacks is dead code after CO-RE relocation. Direct loads: regs is a trusted BTF
 * pointer here.
 */
struct pt_regs___x86 {
	unsigned long orig_ax;
} __attribute__((preserve_access_index));

struct pt_regs___arm64 {
	__s32 syscallno;
} __attribute__((preserve_access_index));

struct thread_info___x86 {
	__u32 status;
} __attribute__((preserve_access_index));

#define TS_COMPAT 0x0002 /* x86: a 32-bit syscall, whose numbers differ */

static __always_inline long regs__syscall_nr(const struct pt_regs *regs)
{
	if (bpf_core_field_exists(struct pt_regs___x86, orig_ax))
		return ((const struct pt_regs___x86 *)regs)->orig_ax;
	if (bpf_core_field_exists(struct pt_regs___arm64, syscallno))
		return ((const struct pt_regs___arm64 *)regs)->syscallno;
	return -1;
}

/* Syscall numbers of accept() and accept4() on this architecture, from userspace. */
const volatile __s32 targ_nr_accept = -1;
const volatile __s32 targ_nr_accept4 = -1;

/*
 * Every syscall's exit, attached only when tcp_accept records are wanted: the raw tracepoint
 * needs no tracefs, unlike syscalls:sys_exit_accept{,4}, which libbpf resolves through it.
 * It runs for every syscall of every process, so the syscall number is checked first.
 */
SEC("tp_btf/sys_exit")
int BPF_PROG(handle_tcp_sys_exit, struct pt_regs *regs, long ret)
{
	long nr = regs__syscall_nr(regs);

	if (nr != targ_nr_accept && nr != targ_nr_accept4)
		return 0;
	if (bpf_core_field_exists(struct thread_info___x86, status)) {
		struct task_struct *task = bpf_get_current_task_btf();
		struct thread_info___x86 *ti = (void *)&task->thread_info;

		if (BPF_CORE_READ(ti, status) & TS_COMPAT)
			return 0;
	}
	on_accept(ret);
	return 0;
}
