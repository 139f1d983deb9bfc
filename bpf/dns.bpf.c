// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dns.bpf.c: the DNS tracer, without kprobes or fentry. cgroup_skb programs on the root
 * cgroup v2 see every packet of every socket on the host: a packet leaving for port 53 is a
 * query, one arriving from port 53 a response (UDP, or TCP with its 2-byte length prefix;
 * IPv4 and IPv6). Anything else leaves after a look at the IP and transport headers, by
 * direct packet access, before any helper call. A query's header and question are parsed
 * here (bounded loops) and kept in `pending`, keyed by the socket's cookie and the DNS id, so
 * queries with the same id from different sockets never meet; its response, matched on the
 * same key, makes one record with the latency and the response's first bytes, whose answers
 * userspace reads. The querying process comes from cgroup/connect4/6 and cgroup/sendmsg4/6,
 * which run in the process's own context when a socket connects or sends to port 53: they
 * map the socket's cookie to its pid and comm. Userspace sweeps `pending` for queries that
 * got no response within --dns-timeout. --laddr/--raddr select queries by their source and
 * server address in two LPM tries, before anything is kept.
 */
#include "addr_filter.bpf.h"
#include "common.bpf.h"
#include <bpf/bpf_endian.h>

#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define AF_INET		2
#define AF_INET6	10
#define DNS_PORT	53
#define DNS_HDR_LEN	12
#define DNS_MAX_LABELS	128
#define DNS_QR		0x8000
#define DNS_TC		0x0200
#define PENDING_DEFAULT 16384

/* The owner of a socket that talked to port 53, by socket cookie. */
struct owner {
	__u64 cgroup_id; /* with targ_rec_cgroup */
	__u32 pid;
	__u32 tid;
	char comm[VG_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct owner);
} owners SEC(".maps");

/* Queries waiting for their response; userspace sizes it before load. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PENDING_DEFAULT);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* RCU-freed: a deleted entry stays readable */
	__type(key, struct vg_dns_key);
	__type(value, struct vg_dns_pending);
} pending SEC(".maps");

/* A query under construction: too big for the 512-byte stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_dns_pending);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_DNS_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} dns_stats SEC(".maps");

/* Latency per qtype, server or pid (targ_hist_per), and the global one. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct vg_hist);
} dns_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_hist);
} dns_hist_total SEC(".maps");

const volatile __u32 targ_stream = 0;
const volatile __u32 targ_hist = 0;
const volatile __u32 targ_hist_per = VG_PER_GLOBAL;
const volatile __u32 targ_hist_unit_ns = 1000;
const volatile __u64 targ_min_ns = 0;

/* Where a DNS message sits in a packet, and who sent it to whom. */
struct pkt {
	__u8 saddr[VG_ADDR_LEN];
	__u8 daddr[VG_ADDR_LEN];
	__u16 sport;
	__u16 dport;
	__u16 family;
	__u8 transport;
	__u32 dns_off; /* the DNS header, from the network header */
	__u32 dns_len; /* bytes of the message in this packet */
};

static __always_inline void stat__count(__u32 idx)
{
	__u64 *cnt = bpf_map_lookup_elem(&dns_stats, &idx);

	if (cnt)
		*cnt += 1;
}

static __always_inline bool task_filter_is_set(void)
{
	return targ_tgid || targ_tid || targ_comm[0];
}

/* connect() or sendmsg() to port 53: remember who owns the socket. */
static __always_inline int owner__record(struct bpf_sock_addr *ctx)
{
	struct task_struct *leader;
	struct owner o = {};
	__u64 cookie, id;

	if (ctx->user_port != bpf_htons(DNS_PORT))
		return 1;
	id = bpf_get_current_pid_tgid();
	o.pid = id >> 32;
	o.tid = (__u32)id;
	o.cgroup_id = targ_rec_cgroup ? bpf_get_current_cgroup_id() : 0;
	/* the process's name (its leader's), not the sending thread's (dig sends from isc-net-*) */
	leader = BPF_CORE_READ((struct task_struct *)bpf_get_current_task_btf(), group_leader);
	if (!leader || bpf_probe_read_kernel(o.comm, sizeof(o.comm), &leader->comm))
		bpf_get_current_comm(o.comm, sizeof(o.comm));
	cookie = bpf_get_socket_cookie(ctx);
	bpf_map_update_elem(&owners, &cookie, &o, BPF_ANY);
	return 1;
}

SEC("cgroup/connect4")
int handle_dns_connect4(struct bpf_sock_addr *ctx)
{
	return owner__record(ctx);
}

SEC("cgroup/connect6")
int handle_dns_connect6(struct bpf_sock_addr *ctx)
{
	return owner__record(ctx);
}

SEC("cgroup/sendmsg4")
int handle_dns_sendmsg4(struct bpf_sock_addr *ctx)
{
	return owner__record(ctx);
}

SEC("cgroup/sendmsg6")
int handle_dns_sendmsg6(struct bpf_sock_addr *ctx)
{
	return owner__record(ctx);
}

/* The owner passes --pid/--tid/--comm (a socket with no known owner passes only without). */
static __always_inline bool owner__is_traced(const struct owner *o)
{
	if (!o)
		return !task_filter_is_set();
	if (targ_tgid && o->pid != targ_tgid)
		return false;
	if (targ_tid && o->tid != targ_tid)
		return false;
	if (targ_comm[0] && !comm__matches(o->comm))
		return false;
	return true;
}

/* Addresses (IPv4 in the first 4 bytes) and the DNS message's place. 0, or -1 to skip. */
static __always_inline int pkt__read(struct __sk_buff *skb, __u32 l4, __u8 proto, struct pkt *p)
{
	__u16 ports[2];
	__u8 doff;

	__builtin_memset(p, 0, sizeof(*p));
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		p->family = AF_INET;
		if (bpf_skb_load_bytes(skb, 12, p->saddr, 4) ||
		    bpf_skb_load_bytes(skb, 16, p->daddr, 4))
			return -1;
	} else {
		p->family = AF_INET6;
		if (bpf_skb_load_bytes(skb, 8, p->saddr, 16) ||
		    bpf_skb_load_bytes(skb, 24, p->daddr, 16))
			return -1;
	}
	if (bpf_skb_load_bytes(skb, l4, ports, sizeof(ports)))
		return -1;
	p->sport = bpf_ntohs(ports[0]);
	p->dport = bpf_ntohs(ports[1]);
	if (proto == IPPROTO_UDP) {
		p->transport = VG_DNS_UDP;
		p->dns_off = l4 + 8;
	} else {
		p->transport = VG_DNS_TCP;
		if (bpf_skb_load_bytes(skb, l4 + 12, &doff, 1))
			return -1;
		p->dns_off = l4 + (doff >> 4) * 4 + 2; /* past the 2-byte length */
		if (skb->len <= p->dns_off)
			return -1; /* no payload: a bare ACK, SYN or FIN */
	}
	if (skb->len < p->dns_off)
		return -1;
	p->dns_len = skb->len - p->dns_off;
	return 0;
}

/*
 * Walk the question's name in q->qname (the first avail bytes of the question): its length
 * with the terminating zero, or 0 when the packet ends inside it (truncated), or -1 when it
 * is malformed (a label over 63 bytes, a compression pointer, longer than 255 bytes).
 */
static __always_inline int qname__walk(const struct vg_dns_pending *q, __u32 avail)
{
	__u32 pos = 0;

	for (int i = 0; i < DNS_MAX_LABELS; i++) {
		__u8 len;

		if (pos >= avail)
			return 0;
		if (pos >= VG_DNS_NAME_LEN)
			return -1;
		len = q->qname[pos & (VG_DNS_NAME_LEN - 1)];
		if (!len)
			return (int)pos + 1;
		if (len > 63)
			return -1;
		pos += len + 1;
	}
	return -1;
}

static __noinline int dns__query(struct __sk_buff *skb, struct pkt *p, __u16 id)
{
	struct vg_dns_key key = { .cookie = bpf_get_socket_cookie(skb), .id = id };
	struct owner *o = bpf_map_lookup_elem(&owners, &key.cookie);
	struct vg_dns_pending *q;
	__u32 zero = 0, avail, n;
	__u16 qtype;
	int len;

	if (bpf_map_lookup_elem(&pending, &key))
		return 0; /* a retransmission: the latency runs from the first */
	if (!owner__is_traced(o))
		return 0;
	if (targ_cgroup_id && bpf_skb_cgroup_id(skb) != targ_cgroup_id)
		return 0;
	if (!addr_filter__allows(p->saddr, p->daddr, p->family == AF_INET))
		return 0;
	q = bpf_map_lookup_elem(&scratch, &zero);
	if (!q)
		return 0;
	q->ts_ns = bpf_ktime_get_ns();
	__builtin_memcpy(q->saddr, p->saddr, VG_ADDR_LEN);
	__builtin_memcpy(q->daddr, p->daddr, VG_ADDR_LEN);
	q->sport = p->sport;
	q->dport = p->dport;
	q->family = p->family;
	q->id = id;
	q->transport = p->transport;
	q->flags = 0;
	q->qtype = 0;
	q->pid = 0;
	q->cgroup_id = 0;
	__builtin_memset(q->comm, 0, sizeof(q->comm));
	if (o) {
		q->pid = o->pid;
		q->cgroup_id = o->cgroup_id;
		__builtin_memcpy(q->comm, o->comm, sizeof(q->comm));
		q->flags |= VG_DNS_PID_KNOWN;
	}
	avail = p->dns_len - DNS_HDR_LEN;
	n = avail < VG_DNS_NAME_LEN ? avail : VG_DNS_NAME_LEN;
	barrier_var(n);
	n &= 2 * VG_DNS_NAME_LEN - 1; /* for the verifier: a bound it can see */
	__builtin_memset(q->qname, 0, sizeof(q->qname));
	if (n < 1 || n > VG_DNS_NAME_LEN ||
	    bpf_skb_load_bytes(skb, p->dns_off + DNS_HDR_LEN, q->qname, n)) {
		stat__count(VG_DNS_STAT_MALFORMED);
		return 0;
	}
	len = qname__walk(q, n);
	if (len < 0) {
		stat__count(VG_DNS_STAT_MALFORMED);
		return 0;
	}
	if (!len) { /* the packet ends inside the name: keep what there is */
		stat__count(VG_DNS_STAT_MALFORMED);
		q->flags |= VG_DNS_NAME_TRUNC;
		q->qname_len = (__u16)n;
	} else {
		q->qname_len = (__u16)len;
		if ((__u32)len + 2 <= avail &&
		    !bpf_skb_load_bytes(skb, p->dns_off + DNS_HDR_LEN + len, &qtype, 2)) {
			q->qtype = bpf_ntohs(qtype);
			q->flags |= VG_DNS_QTYPE_KNOWN;
		}
	}
	if (bpf_map_update_elem(&pending, &key, q, BPF_NOEXIST))
		drop__count(VG_DROP_MAP_FULL);
	return 0;
}

static __always_inline bool addr__equal(const __u8 *a, const __u8 *b)
{
	return *(const __u64 *)a == *(const __u64 *)b &&
	       *(const __u64 *)(a + 8) == *(const __u64 *)(b + 8);
}

static __always_inline __u64 server__fold(const struct vg_dns_pending *q, __u8 *out)
{
	__u64 hi = 0, lo;

	if (q->family == AF_INET) {
		__builtin_memset(out, 0, 16);
		out[10] = 0xff;
		out[11] = 0xff;
		__builtin_memcpy(&out[12], q->daddr, 4);
	} else {
		__builtin_memcpy(out, q->daddr, 16);
	}
	__builtin_memcpy(&hi, out, 8);
	__builtin_memcpy(&lo, out + 8, 8);
	return hi * 0x9e3779b97f4a7c15ULL ^ lo;
}

static __always_inline void hist__add(const struct vg_dns_pending *q, __u64 value_ns)
{
	__u64 v = value_ns / targ_hist_unit_ns, key = 0;
	struct vg_hist *h, zero = {};
	__u32 slot0 = 0;

	switch (targ_hist_per) {
	case VG_PER_GLOBAL:
		h = bpf_map_lookup_elem(&dns_hist_total, &slot0);
		goto add;
	case VG_PER_PID:
		if (q->flags & VG_DNS_PID_KNOWN) {
			key = q->pid;
			__builtin_memcpy(zero.comm, q->comm, VG_COMM_LEN);
		}
		break;
	case VG_PER_QTYPE:
		key = q->qtype;
		break;
	case VG_PER_SERVER:
		key = server__fold(q, (__u8 *)zero.comm);
		break;
	}
	h = bpf_map_lookup_elem(&dns_hist, &key);
	if (!h) {
		bpf_map_update_elem(&dns_hist, &key, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&dns_hist, &key);
		if (!h)
			drop__count(VG_DROP_MAP_FULL);
	}
add:
	if (!h)
		return;
	__sync_fetch_and_add(&h->slots[hist__slot(v)], 1);
	__sync_fetch_and_add(&h->sum, v);
}

static __noinline int dns__response(struct __sk_buff *skb, struct pkt *p, __u16 id, __u16 flags,
				    __u16 ancount)
{
	struct vg_dns_key key = { .cookie = bpf_get_socket_cookie(skb), .id = id };
	struct vg_dns_pending *q = bpf_map_lookup_elem(&pending, &key);
	struct vg_dns *e;
	__u64 now = bpf_ktime_get_ns(), latency;
	__u32 n;

	if (!q) {
		unmatched__count(VG_UNMATCHED_BEFORE_TRACE);
		return 0;
	}
	/* The answer must come from where the query went. */
	if (q->dport != p->sport || q->sport != p->dport || !addr__equal(q->daddr, p->saddr))
		return 0;
	/*
	 * Whoever deletes the entry reports it (a duplicate response on another CPU does not).
	 * The map is not preallocated, so q stays readable until this program ends.
	 */
	if (bpf_map_delete_elem(&pending, &key))
		return 0;
	latency = now - q->ts_ns;
	if (latency < targ_min_ns)
		return 0;
	if (targ_hist)
		hist__add(q, latency);
	if (!targ_stream)
		return 0;
	e = event__reserve(sizeof(*e), VG_KIND_DNS, now);
	if (!e)
		return 0;
	__builtin_memcpy(&e->q, q, sizeof(e->q));
	e->latency_ns = latency;
	e->rcode = flags & 0xf;
	e->ancount = ancount;
	e->resp_len = (__u16)(p->dns_len > 0xffff ? 0xffff : p->dns_len);
	if (flags & DNS_TC)
		e->q.flags |= VG_DNS_TC;
	n = p->dns_len < VG_DNS_MSG_LEN ? p->dns_len : VG_DNS_MSG_LEN;
	barrier_var(n);
	n &= 2 * VG_DNS_MSG_LEN - 1;
	e->msg_len = 0;
	if (n >= 1 && n <= VG_DNS_MSG_LEN && !bpf_skb_load_bytes(skb, p->dns_off, e->msg, n))
		e->msg_len = (__u16)n;
	event__submit(e);
	return 0;
}

static __noinline int dns__packet(struct __sk_buff *skb, __u32 egress, __u32 l4, __u32 proto)
{
	struct pkt p;
	__u16 hdr[6], flags;

	if (pkt__read(skb, l4, (__u8)proto, &p))
		return 0;
	if (p.dns_len < DNS_HDR_LEN || bpf_skb_load_bytes(skb, p.dns_off, hdr, sizeof(hdr))) {
		stat__count(VG_DNS_STAT_MALFORMED);
		return 0;
	}
	flags = bpf_ntohs(hdr[1]);
	if (egress) {
		if (flags & DNS_QR)
			return 0;	      /* a response leaving: this host serves DNS */
		if (bpf_ntohs(hdr[2]) != 1) { /* QDCOUNT: one question, as every resolver asks */
			stat__count(VG_DNS_STAT_MALFORMED);
			return 0;
		}
		return dns__query(skb, &p, bpf_ntohs(hdr[0]));
	}
	if (!(flags & DNS_QR))
		return 0; /* a query arriving from port 53: not ours to pair */
	return dns__response(skb, &p, bpf_ntohs(hdr[0]), flags, bpf_ntohs(hdr[3]));
}

/*
 * The fast path every packet of the host takes: the IP version, the protocol and the port
 * by direct packet access. Egress wants destination port 53, ingress source port 53.
 */
static __always_inline int dns__skb(struct __sk_buff *skb, __u32 egress)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	__u16 port;
	__u32 l4;
	__u8 proto;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		__u8 *ip = data;

		if ((void *)(ip + 20) > end)
			return 1;
		proto = ip[9];
		if (proto != IPPROTO_UDP && proto != IPPROTO_TCP)
			return 1;
		if ((ip[6] & 0x1f) || ip[7]) /* a fragment other than the first */
			return 1;
		l4 = (ip[0] & 0xf) * 4;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		__u8 *ip6 = data;

		if ((void *)(ip6 + 40) > end)
			return 1;
		proto = ip6[6];
		if (proto != IPPROTO_UDP && proto != IPPROTO_TCP)
			return 1;
		l4 = 40;
	} else {
		return 1;
	}
	if (l4 < 20 || l4 > 60 || data + l4 + 4 > end)
		return 1;
	port = *(__u16 *)(data + l4 + (egress ? 2 : 0));
	if (port != bpf_htons(DNS_PORT))
		return 1;
	dns__packet(skb, egress, l4, proto);
	return 1;
}

SEC("cgroup_skb/egress")
int handle_dns_egress(struct __sk_buff *skb)
{
	return dns__skb(skb, 1);
}

SEC("cgroup_skb/ingress")
int handle_dns_ingress(struct __sk_buff *skb)
{
	return dns__skb(skb, 0);
}
