/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * probe_kview.h: the kernel's view of a probe's own TCP connection. While the probes run, a
 * small BPF program follows this process' TCP connections; after each run the connection's
 * summary, written when its socket closed, is found by its 4-tuple, and the record gains the
 * kernel's connect latency (SYN_SENT to ESTABLISHED), srtt min and max, retransmits (the
 * SYN's included) and bytes. So a slow phase can be told apart: network loss (retransmits)
 * or the peer's think time (srtt small, first byte late).
 */
#ifndef VIGIL_PROBE_KVIEW_H
#define VIGIL_PROBE_KVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct probe_kview;

struct probe_kview_conn {
	bool found;
	int64_t connect_latency_ns;		   /* -1: unknown */
	int64_t srtt_us, srtt_min_us, srtt_max_us; /* -1: unknown */
	int64_t retransmits, bytes_sent, bytes_received;
};

/*
 * Start following this process' connections. NULL (errno set) when BPF cannot be used here, with
 * why in why[len] (no privilege, no BTF, the object failed to load).
 */
struct probe_kview *probe_kview__start(char *why, size_t len);

/*
 * The summary of the connection local_ip:local_port -> remote_ip:remote_port, once its
 * socket has closed: waits up to wait_ns for it. c->found false when it did not come.
 */
void probe_kview__lookup(struct probe_kview *k, const char *local_ip, long local_port,
			 const char *remote_ip, long remote_port, uint64_t wait_ns,
			 struct probe_kview_conn *c);

/*
 * Connections the kernel view left out so far: no socket storage could be had, or its ring
 * buffer was full (0 without a kernel view). Other processes' connections take no room.
 */
uint64_t probe_kview__missed(struct probe_kview *k);

void probe_kview__free(struct probe_kview *k);

#endif /* VIGIL_PROBE_KVIEW_H */
