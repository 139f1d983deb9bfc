/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * probe_kview.h: the kernel's view of a probe's own TCP connection. While the probes run,
 * vigil's TCP tracer runs in the same process, filtered to its pid; after each run the
 * connection's tcp_close summary is found by its 4-tuple, and the probe's record gains the
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
 * Start the TCP tracer for this process. NULL (errno set) when BPF cannot be used here, with
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
 * The tracer's table of connections: every socket of the system that changes state while the
 * probes run takes an entry (the filter to this pid applies once a connection's owner is
 * known), so it is sized for other processes' storms too; 16k entries cost no measurable
 * start-up, 64k cost 3 ms. A probe whose connection found it full gets null kernel_* fields.
 */
#define PROBE_KVIEW_CONNS 16384

/* How many times the table was full so far (0 without a kernel view). */
uint64_t probe_kview__table_full(struct probe_kview *k);

void probe_kview__free(struct probe_kview *k);

#endif /* VIGIL_PROBE_KVIEW_H */
