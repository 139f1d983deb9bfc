/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * probe_driver.h: what `vigil probe http|tcp|dns` share once their flags and targets are
 * checked: the output and its header, the runs (every target --count times, --interval
 * apart, until Ctrl-C), the kernel's view of each connection, a failure's line on stderr, the
 * ping-like closing summary per target and the exit status. A command supplies one attempt.
 */
#ifndef VIGIL_PROBE_DRIVER_H
#define VIGIL_PROBE_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "probe/probe.h"
#include "probe/probe_addrs.h"

struct cli_cmd;
struct cli_common;
struct probe_kview;
struct rows;
struct sink;
struct wallclock;

/* How one attempt went, for the summary and the failure line. */
struct probe_attempt {
	bool ok;
	uint64_t duration_ns;
	char error[256]; /* why it failed */
};

/* Where an attempt writes: its table line to table, or else its record to rows. */
struct probe_attempt_out {
	struct sink *table;
	struct rows *rows;
	struct wallclock *wc;
	struct probe_kview *k; /* the kernel view, or NULL */
};

struct probe_driver {
	const struct cli_cmd *cmd;
	const char *name;	 /* "tcp": "vigil probe tcp: TARGET: why" and the summary */
	const char *library;	 /* the library named when it cannot be loaded (-ENOSYS) */
	const char *const *keys; /* the record's keys, NULL-terminated */
	void (*table_header)(struct sink *s);
	/* Probe target once and write it to out; 0, or -errno, which ends every run. */
	int (*attempt)(void *ctx, const char *target, const struct probe_attempt_out *out,
		       struct probe_attempt *res);
	void *ctx;
	const struct probe_loop *loop;
	struct probe_addrs *addrs;
	bool kernel_view; /* look each connection up in the kernel (unless --no-kernel) */
};

/* Run the n targets; the command's exit status: 0 when every run succeeded, 1 if not. */
int probe_driver__run(const struct probe_driver *d, const struct cli_common *common, char **targets,
		      int n);

#endif /* VIGIL_PROBE_DRIVER_H */
