/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * prom.h: a writer for Prometheus' text exposition format 0.0.4 into one bounded buffer.
 * A metric family is opened with its HELP and TYPE lines, then samples follow; label values
 * are escaped as the format requires (backslash, double quote, newline). Log2 histograms
 * from the kernel become cumulative `_bucket` series whose `le` is the exact largest value a
 * slot can hold, plus `_sum` and `_count`. The buffer never grows past its limit: a scrape
 * that would exceed it is cut at a line boundary and marked truncated, so a machine with
 * thousands of disks cannot make the server's memory grow without bound.
 */
#ifndef VIGIL_PROM_H
#define VIGIL_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROM_LABELS_LEN 512

struct prom {
	char *buf;
	size_t len;
	size_t cap;
	size_t limit; /* the most bytes buf may hold */
	bool truncated;
};

/* An empty writer that will hold at most limit bytes. */
void prom__init(struct prom *p, size_t limit);
void prom__fini(struct prom *p);

/* Hand the text over to the caller (free() it); the writer is empty afterwards. */
char *prom__take(struct prom *p, size_t *len);

/* "# HELP name help" and "# TYPE name type" (counter, gauge, histogram, untyped). */
void prom__family(struct prom *p, const char *name, const char *type, const char *help);

/* One sample line; labels is "" or the text from prom_labels() (with braces). */
void prom__u64(struct prom *p, const char *name, const char *labels, uint64_t v);
void prom__f64(struct prom *p, const char *name, const char *labels, double v);
/* A value of ns nanoseconds written as exact decimal seconds. */
void prom__ns(struct prom *p, const char *name, const char *labels, uint64_t ns);

/*
 * Format {k1="v1",k2="v2"} from NULL-terminated key/value pairs into buf (PROM_LABELS_LEN),
 * escaping the values. No pairs gives "". Returns buf.
 */
char *prom_labels(char *buf, ...) __attribute__((sentinel));

/*
 * A log2 histogram in seconds: slot i of slots[0..nslots) counts integer values v (in
 * unit_ns) with floor(log2(v)) == i, slot 0 also counts 0, the last slot everything above.
 * Since v = floor(ns / unit_ns), slot i holds durations up to (2^(i+1) * unit_ns - 1) ns,
 * and that is its `le`; the last slot only has +Inf. sum is in units.
 */
void prom__log2_hist(struct prom *p, const char *name, const char *labels, const uint64_t *slots,
		     int nslots, uint64_t sum, uint64_t unit_ns);

/* The largest duration slot i can hold, in ns (its `le`); UINT64_MAX for the last slot. */
uint64_t prom_log2_slot_le_ns(int slot, int nslots, uint64_t unit_ns);

/* v in the fewest digits (15 to 17) that read back exactly. */
const char *prom_fmt_double(double v, char buf[32]);

/* ns as decimal seconds without rounding ("0.000001999", "3", "12.5"); buf has 32 bytes. */
const char *prom_fmt_seconds(uint64_t ns, char buf[32]);

#endif /* VIGIL_PROM_H */
