// SPDX-License-Identifier: BSD-2-Clause
/*
 * tcp_payload.c - fb_tcp_sock_payload(): the payload a TCP connection moved, from the byte
 * counters its kernel keeps (tcp_info's bytes_acked and bytes_received), less the sequence
 * numbers the SYN and the FINs use up.  Which FINs were counted follows from the state; where
 * it does not (TIME_WAIT, CLOSE) the answer is "no data", never a guess.  OS-free: the
 * states are the kernel's numbers, whoever filled the struct.
 */
#include "fb_int.h"

int fb_tcp_sock_payload(const struct fb_tcp_sock *s, bool active, uint64_t *sent,
			uint64_t *received)
{
	uint64_t syn, our_fin, peer_fin;

	if (!(s->valid & FB_TCP_BYTES))
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
	case 8:	 /* CLOSE_WAIT */
	case 9:	 /* LAST_ACK */
	case 11: /* CLOSING */
		our_fin = 0;
		peer_fin = 1;
		break;
	case 2:	 /* SYN_SENT: nothing acked, nothing received */
	case 3:	 /* SYN_RECV */
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
