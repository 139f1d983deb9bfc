/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * proctool.h: what the process-setting commands (taskset, renice, ionice, prlimit) share:
 * strict PID arguments, a fallback handle per PID (pid + creation time, so a pid reused since
 * it was opened is never touched), and one message per failure that names psutil's error
 * class, the pid and what was read or refused. Also the value parsers those commands need
 * (CPU lists, hex masks, rlimit SOFT:HARD), kept here so unit tests can feed them garbage.
 */
#ifndef VIGIL_PROCTOOL_H
#define VIGIL_PROCTOOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cli/cli.h"
#include "fallback.h"

/* A process id in 1..INT32_MAX; 0 or -EINVAL. */
int proctool_parse_pid(const char *s, pid_t *out);

/*
 * Open a handle on pid; NULL after reporting NoSuchProcess ("vigil CMD: pid N: NoSuchProcess
 * (no process with this pid)").
 */
struct fb_proc *proctool_open(const struct cli_cmd *cmd, pid_t pid);

/*
 * Report err, the failure of action (e.g. "set nice to -5") on p: "vigil CMD: pid N:
 * AccessDenied: cannot set nice to -5 (Operation not permitted)".
 */
void proctool_report(const struct cli_cmd *cmd, const struct fb_proc *p, const char *action,
		     int err);

/*
 * taskset's CPU list: "0,2,4-7", ranges with a stride ("0-8:2"). Sorted, without repeats.
 * *cpus is malloc'd (may be NULL when *n is 0). 0, -EINVAL or -ENOMEM.
 */
int proctool_parse_cpu_list(const char *s, int **cpus, size_t *n);
/* taskset's mask: hex digits, optional 0x; bit i = CPU i. Same result as the list form. */
int proctool_parse_cpu_mask(const char *s, int **cpus, size_t *n);
/* The list form of cpus, e.g. "0-3,6" as taskset -c prints it ("0,1" for two). */
void proctool_format_cpu_list(const int *cpus, size_t n, char *buf, size_t len);
/* The hex mask form of cpus, e.g. "3" for CPUs 0 and 1. */
void proctool_format_cpu_mask(const int *cpus, size_t n, char *buf, size_t len);

#define PROCTOOL_RLIM_KEEP INT64_MIN /* "SOFT:" or ":HARD": this side stays as it is */
/*
 * prlimit's value: "SOFT:HARD", "SOFT:", ":HARD" or "BOTH"; a side is a number or
 * "unlimited"/"infinity" (-1). A side not given is PROCTOOL_RLIM_KEEP. 0 or -EINVAL.
 */
int proctool_parse_rlimit(const char *s, int64_t *soft, int64_t *hard);

#endif /* VIGIL_PROCTOOL_H */
