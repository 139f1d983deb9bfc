// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * kview.bpf.c: the probes' kernel view, the TCP connections of one process alone. A socket
 * gets socket-local storage when that process connects it (CLOSE -> SYN_SENT, in connect()'s
 * context), so other processes' connections cost a lookup that fails and take no room; the
 * connect latency is taken at ESTABLISHED, srtt's range from tcp_probe's samples, and at
 * CLOSE one record (kview_rec.h) goes to the ring buffer with tcp_sock's own counters: bytes
 * less the SYN and FIN they count, total_retrans and srtt (waking the reader only when it
 * sleeps, kview_waiting). A light skeleton: the kernel does
 * the CO-RE relocations, so a probe command does not parse the kernel's BTF itself.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "events.h"
#include "kview_rec.h"
#include "tcp_bytes.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AF_INET6    10
#define IPPROTO_TCP 6

const volatile __u32 targ_tgid;

struct kconn {
	__u64 syn_ns, connect_ns;
	__u32 srtt_min_us, srtt_max_us;
	__u16 flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct kconn);
} kconns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} kview_ring SEC(".maps");

__u64 kview_missed; /* connections left out: no socket storage, or no room in the ring */
/*
 * Set by the reader while it sleeps on the ring. A wakeup costs a self-interrupt, ~20 us on
 * this guest; a reader that is busy (closing the socket) reads the record without one.
 */
__u32 kview_waiting;

static void srtt_add(struct kconn *c, __u32 srtt)
{
	if (!srtt)
		return;
	if (!(c->flags & KVIEW_SRTT)) {
		c->srtt_min_us = c->srtt_max_us = srtt;
		c->flags |= KVIEW_SRTT;
	} else if (srtt < c->srtt_min_us) {
		c->srtt_min_us = srtt;
	} else if (srtt > c->srtt_max_us) {
		c->srtt_max_us = srtt;
	}
}

static void emit(const struct sock *sk, struct kconn *c, int oldstate)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;
	struct kview_rec *r = bpf_ringbuf_reserve(&kview_ring, sizeof(*r), 0);
	__u16 port = sk->__sk_common.skc_num;

	if (!r) {
		__sync_fetch_and_add(&kview_missed, 1);
		return;
	}
	r->family = sk->__sk_common.skc_family;
	r->sport = port ? port : bpf_ntohs(BPF_CORE_READ((const struct inet_sock *)sk, inet_sport));
	r->dport = bpf_ntohs(sk->__sk_common.skc_dport);
	__builtin_memset(r->saddr, 0, sizeof(r->saddr));
	__builtin_memset(r->daddr, 0, sizeof(r->daddr));
	if (r->family == AF_INET6) {
		BPF_CORE_READ_INTO(&r->saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&r->daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	} else {
		*(__u32 *)r->saddr = sk->__sk_common.skc_rcv_saddr;
		*(__u32 *)r->daddr = sk->__sk_common.skc_daddr;
	}
	tcp_payload_bytes(sk, oldstate, VG_TCP_DIR_ACTIVE, &r->bytes_sent, &r->bytes_received);
	r->srtt_us = BPF_CORE_READ(tp, srtt_us) >> 3;
	r->retransmits = BPF_CORE_READ(tp, total_retrans);
	srtt_add(c, r->srtt_us); /* the last ACKs update srtt after tcp_probe's last sample */
	r->connect_ns = c->connect_ns;
	r->flags = c->flags;
	r->srtt_min_us = c->srtt_min_us;
	r->srtt_max_us = c->srtt_max_us;
	bpf_ringbuf_submit(r, kview_waiting ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(kview_set_state, struct sock *sk, const int oldstate, const int newstate)
{
	struct kconn *c;
	__u64 now;

	if (sk->sk_protocol != IPPROTO_TCP || oldstate == newstate)
		return 0;
	if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT) {
		if (bpf_get_current_pid_tgid() >> 32 != targ_tgid)
			return 0;
		c = bpf_sk_storage_get(&kconns, sk, NULL, BPF_SK_STORAGE_GET_F_CREATE);
		if (!c) {
			__sync_fetch_and_add(&kview_missed, 1);
			return 0;
		}
		__builtin_memset(c, 0, sizeof(*c));
		c->syn_ns = bpf_ktime_get_ns();
		return 0;
	}
	c = bpf_sk_storage_get(&kconns, sk, NULL, 0);
	if (!c)
		return 0;
	now = bpf_ktime_get_ns();
	if (oldstate == TCP_SYN_SENT && newstate == TCP_ESTABLISHED) {
		c->connect_ns = now - c->syn_ns;
		c->flags |= KVIEW_CONNECTED;
	}
	if (newstate == TCP_CLOSE) {
		emit(sk, c, oldstate);
		bpf_sk_storage_delete(&kconns, sk);
	}
	return 0;
}

/* Every received segment of an established connection: a failed lookup for others'. */
SEC("tp_btf/tcp_probe")
int BPF_PROG(kview_probe, struct sock *sk, const struct sk_buff *skb)
{
	struct kconn *c = bpf_sk_storage_get(&kconns, sk, NULL, 0);

	if (c)
		srtt_add(c, BPF_CORE_READ((struct tcp_sock *)sk, srtt_us) >> 3);
	return 0;
}
