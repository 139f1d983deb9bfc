/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * kview_rec.h: the wire contract of the probes' kernel view (kview.bpf.c): one record per
 * connection the probing process opened, written to a ring buffer when its socket closes,
 * with what the kernel knew of it. Fixed-width types only; shared with user/.
 */
#ifndef VIGIL_KVIEW_REC_H
#define VIGIL_KVIEW_REC_H

/* kview_rec.flags */
#define KVIEW_CONNECTED 1 /* connect_ns is the SYN_SENT -> ESTABLISHED time */
#define KVIEW_SRTT	2 /* srtt_min_us, srtt_max_us hold samples */

struct kview_rec {
	__u8 saddr[16], daddr[16];  /* IPv4 in the first 4 bytes */
	__u16 family, sport, dport; /* host order */
	__u16 flags;
	__u32 srtt_us, srtt_min_us, srtt_max_us;
	__u32 retransmits; /* total_retrans: the SYN's included */
	__u64 connect_ns;
	__u64 bytes_sent, bytes_received; /* payload: the SYN and FIN taken out */
};

_Static_assert(sizeof(struct kview_rec) == 80, "kview_rec layout");

#endif /* VIGIL_KVIEW_REC_H */
