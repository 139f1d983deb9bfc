/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * toolvals.h: the values of the util-linux lookalikes, parsed strictly and printed as the
 * tools print them: taskset's CPU lists and hex masks, prlimit's SOFT:HARD. Free of the
 * fallback library, so the unit tests and the fuzzer can feed them anything.
 */
#ifndef VIGIL_TOOLVALS_H
#define VIGIL_TOOLVALS_H

#include <stddef.h>
#include <stdint.h>

/*
 * taskset's CPU list: "0,2,4-7", ranges with a stride ("0-8:2"). Sorted, without repeats.
 * *cpus is malloc'd (may be NULL when *n is 0). 0, -EINVAL or -ENOMEM.
 */
int toolval_parse_cpu_list(const char *s, int **cpus, size_t *n);
/* taskset's mask: hex digits, optional 0x; bit i = CPU i. Same result as the list form. */
int toolval_parse_cpu_mask(const char *s, int **cpus, size_t *n);
/* The list form of cpus, e.g. "0-3,6" as taskset -c prints it ("0,1" for two). */
void toolval_format_cpu_list(const int *cpus, size_t n, char *buf, size_t len);
/* The hex mask form of cpus, e.g. "3" for CPUs 0 and 1. */
void toolval_format_cpu_mask(const int *cpus, size_t n, char *buf, size_t len);

#define TOOLVAL_RLIM_KEEP INT64_MIN /* "SOFT:" or ":HARD": this side stays as it is */
/*
 * prlimit's value: "SOFT:HARD", "SOFT:", ":HARD" or "BOTH"; a side is a number or
 * "unlimited"/"infinity" (-1). A side not given is TOOLVAL_RLIM_KEEP. 0 or -EINVAL.
 */
int toolval_parse_rlimit(const char *s, int64_t *soft, int64_t *hard);

#endif /* VIGIL_TOOLVALS_H */
