/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bits.h: the log2 bucketing of vigil's histograms, in plain C that both the BPF programs and
 * the unit tests compile, so the tests check the very function the kernel runs. The includer
 * provides __u32/__u64. Slot i holds values in [2^i, 2^(i+1)); slot 0 also holds 0.
 */
#ifndef VIGIL_BITS_H
#define VIGIL_BITS_H

/* floor(log2(v)) for v > 0, and 0 for v == 0; branch-light, as the verifier likes it. */
static inline __u32 vg_log2(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xFFFFFFFFULL) << 5;
	v >>= shift;
	r |= shift;
	shift = (v > 0xFFFF) << 4;
	v >>= shift;
	r |= shift;
	shift = (v > 0xFF) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xF) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (__u32)(v >> 1);
	return r;
}

/* The histogram slot for v, clamped to the last one. */
static inline __u32 vg_hist_slot(__u64 v, __u32 nslots)
{
	__u32 slot = vg_log2(v);

	return slot < nslots ? slot : nslots - 1;
}

#endif /* VIGIL_BITS_H */
