/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * parse.h: strict parsers for command-line values (durations, sizes, integers, enum names).
 * They accept the whole string or nothing, never overflow silently, and return 0 or
 * -EINVAL/-ERANGE so that the CLI can name the flag and what it accepts.
 */
#ifndef VIGIL_PARSE_H
#define VIGIL_PARSE_H

#include <stdint.h>

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC  1000000000ULL

/*
 * "500us", "10ms", "1.5s", "2m", "1h", "250ns"; a bare number is in default_unit_ns (e.g.
 * NSEC_PER_SEC for --duration). Negative values, garbage and overflow are rejected.
 */
int parse_duration(const char *s, uint64_t default_unit_ns, uint64_t *out_ns);

/* "8M", "64KiB", "1G", "4096"; binary multiples. */
int parse_size(const char *s, uint64_t *out_bytes);

/*
 * df's -B SIZE: "1", "4096", "K", "1K", "1KiB" (powers of 1024), "1KB" (powers of 1000), with
 * M, G, T, P, E alike; 0 and garbage are -EINVAL, overflow -ERANGE.
 */
int parse_block_size(const char *s, uint64_t *out);

/* A whole decimal number in [min, max]. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* The index of s in the NULL-terminated names[], or -EINVAL. */
int parse_choice(const char *s, const char *const *names);

#endif /* VIGIL_PARSE_H */
