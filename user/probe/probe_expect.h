/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * probe_expect.h: the parsers of the probes' --expect flags, kept apart from the probes so the
 * fuzzer drives them alone: --expect-status's list of codes and ranges ("200", "2xx",
 * "200-299,301"), and the answer sets --expect compares DNS answers with.
 */
#ifndef VIGIL_PROBE_EXPECT_H
#define VIGIL_PROBE_EXPECT_H

#include <stdbool.h>
#include <stddef.h>

#define PROBE_STATUS_RANGES 16

struct probe_status_set {
	int n;
	struct {
		int lo, hi;
	} r[PROBE_STATUS_RANGES];
};

/*
 * Parse a comma-separated list of HTTP status codes (100..599), each a code ("200"), a class
 * ("2xx") or a range ("200-299"), at most PROBE_STATUS_RANGES items; items add to what s
 * holds already (the flag may repeat). 0, or -EINVAL (s unchanged).
 */
int probe_status_set__parse(struct probe_status_set *s, const char *str);

/* Whether status is in s; an empty set holds 200..399 (blackbox_exporter's default). */
bool probe_status_set__has(const struct probe_status_set *s, long status);

#define PROBE_EXPECT_MAX     64
#define PROBE_EXPECT_VAL_LEN 256

/* The answer set --expect names (DNS): values compared without case or a final dot. */
struct probe_value_set {
	int n;
	char v[PROBE_EXPECT_MAX][PROBE_EXPECT_VAL_LEN];
};

/*
 * Add the comma-separated values in str (each 1..255 printable bytes, no spaces around
 * commas kept) to s; 0, or -EINVAL for an empty item or bad byte, -ERANGE past
 * PROBE_EXPECT_MAX values (s unchanged).
 */
int probe_value_set__parse(struct probe_value_set *s, const char *str);

/* Normalise one value in place for comparison: lower case, no final dot. */
void probe_value_norm(char *v);

/* Whether the n values in got[] (normalised) are, as a set, exactly s's. */
bool probe_value_set__equals(const struct probe_value_set *s, char (*got)[PROBE_EXPECT_VAL_LEN],
			     int n);

/*
 * --send's text with C escapes (\r \n \t \0 \\ \xHH) turned into bytes; at most len bytes
 * out, *n says how many. 0, -EINVAL for a bad or unfinished escape, -ERANGE past len.
 */
int probe_unescape(const char *in, char *out, size_t len, size_t *n);

#endif /* VIGIL_PROBE_EXPECT_H */
