/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tcp_diag.h: every TCP socket with its tcp_info, from one netlink sock_diag (inet_diag)
 * dump per address family: the tuple, the state, the socket inode (to find its owner) and
 * the kernel's own per-connection counters (smoothed RTT, retransmits, bytes acked and
 * received). An older kernel's shorter tcp_info leaves the fields it lacks marked absent;
 * a socket without tcp_info (TIME_WAIT, SYN_RECV minisockets) has none of them.
 */
#ifndef VIGIL_TCP_DIAG_H
#define VIGIL_TCP_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	TCP_DIAG_HAS_RTT = 1u << 0,
	TCP_DIAG_HAS_RETRANS = 1u << 1,
	TCP_DIAG_HAS_BYTES = 1u << 2, /* bytes_acked and bytes_received */
};

struct tcp_diag_sock {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t state;	/* the kernel's TCP_* state (1 ESTABLISHED ... 10 LISTEN) */
	uint16_t sport, dport;
	uint8_t saddr[16], daddr[16]; /* IPv4 in the first 4 bytes */
	uint32_t uid;
	uint64_t inode;
	uint64_t cookie; /* the kernel's socket cookie: unique while it lives */
	uint32_t has;	 /* TCP_DIAG_HAS_* */
	uint32_t srtt_us, retransmits;
	uint64_t bytes_acked, bytes_received;
};

struct tcp_diag {
	struct tcp_diag_sock *v;
	size_t n, cap;
};

/* Dump every TCP socket of both families into d (emptied first). 0 or -errno. */
int tcp_diag__dump(struct tcp_diag *d);

/*
 * Parse one netlink datagram of an inet_diag dump (buf, len) into d. Returns 1 at the
 * dump's end (NLMSG_DONE), 0 when more datagrams follow, -errno on an error message or
 * malformed bytes.
 */
int tcp_diag__parse(struct tcp_diag *d, const void *buf, size_t len);

void tcp_diag__free(struct tcp_diag *d);
/*
 * The payload bytes of a connection: the kernel's bytes_acked also counts the SYN of an
 * active open and our FIN once acked, and bytes_received the peer's FIN (a client that sends
 * 1000 bytes and reads 3000 shows 1002/3001).  @active: we sent the SYN.  -ENODATA when the
 * counters are absent or the state does not say whether a FIN was exchanged (TIME_WAIT,
 * CLOSE).
 */
int tcp_diag__payload(const struct tcp_diag_sock *s, bool active, uint64_t *sent,
		      uint64_t *received);

#endif /* VIGIL_TCP_DIAG_H */
