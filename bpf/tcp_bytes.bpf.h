/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tcp_bytes.bpf.h: a closing TCP connection's payload bytes, exactly, from tcp_sock's own
 * counters: for the TCP tracer's close summaries (tcp.bpf.c) and the probes' kernel view
 * (kview.bpf.c). tcp_sock counts sequence numbers, and the SYN and FIN take one each.
 * bytes_acked holds our SYN on an active open (the SYN-ACK acks it; a passive child starts
 * after its SYN) and our FIN once acked: sent in FIN_WAIT1, FIN_WAIT2, CLOSING, LAST_ACK or
 * TIME_WAIT (the state the socket leaves for CLOSE), acked when snd_una reached write_seq.
 * bytes_received holds the peer's FIN once tcp_fin() took it, which sets SOCK_DONE. When the
 * direction is unknown (a connection older than the tracer), the bytes first sent (bytes_sent
 * less bytes_retrans, payload only) bound the SYN out: exact whenever all data was acked.
 * BPF-only; include after vmlinux.h, bpf_core_read.h and events.h (VG_TCP_DIR_*).
 */
#ifndef VIGIL_TCP_BYTES_BPF_H
#define VIGIL_TCP_BYTES_BPF_H

static __always_inline void tcp_payload_bytes(const struct sock *sk, int oldstate, __u8 dir,
					      __u64 *sent, __u64 *received)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;
	__u64 acked = BPF_CORE_READ(tp, bytes_acked);
	__u64 got = BPF_CORE_READ(tp, bytes_received);
	bool fin_sent = oldstate == TCP_FIN_WAIT1 || oldstate == TCP_FIN_WAIT2 ||
			oldstate == TCP_CLOSING || oldstate == TCP_LAST_ACK ||
			oldstate == TCP_TIME_WAIT;

	if (fin_sent && acked && BPF_CORE_READ(tp, snd_una) == BPF_CORE_READ(tp, write_seq))
		acked--;
	if (dir == VG_TCP_DIR_ACTIVE && acked) {
		acked--;
	} else if (dir == VG_TCP_DIR_UNKNOWN) {
		__u64 first = BPF_CORE_READ(tp, bytes_sent) - BPF_CORE_READ(tp, bytes_retrans);

		if (acked > first)
			acked = first;
	}
	if (got && (BPF_CORE_READ(sk, __sk_common.skc_flags) & (1UL << SOCK_DONE)))
		got--;
	*sent = acked;
	*received = got;
}

#endif /* VIGIL_TCP_BYTES_BPF_H */
