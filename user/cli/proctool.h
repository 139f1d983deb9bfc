/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * proctool.h: what the process-setting commands (taskset, renice, ionice, prlimit) share:
 * strict PID arguments, a fallback handle per PID (pid + creation time, so a pid reused since
 * it was opened is never touched), and one message per failure that names psutil's error
 * class, the pid and what was read or refused. Their values are parsed by toolvals.h.
 */
#ifndef VIGIL_PROCTOOL_H
#define VIGIL_PROCTOOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cli/cli.h"
#include "cli/toolvals.h"
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

#endif /* VIGIL_PROCTOOL_H */
