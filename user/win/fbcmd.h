/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * fbcmd.h: vigil.exe's commands, over the fallback library alone: snapshot, ps, net, sys, kill and
 * a polling trace.  The Linux commands of the same names sit on the tracer's output stack (cli,
 * sink with zlib, log with libbpf), which the Windows build does not carry, so these small ones use
 * only fallback.h and stdio, with the Linux commands' syntax where both have a feature.  Each
 * returns 0, 1 on a runtime failure, 2 on bad usage.
 */
#ifndef VIGIL_FBCMD_H
#define VIGIL_FBCMD_H

#include <stdbool.h>

#define FBCMD_USAGE 2

struct fbcmd_opts {
	bool json;	 /* --format json (default: table; snapshot is always JSON) */
	bool tree;	 /* kill --tree */
	double timeout;	 /* kill --timeout SECONDS (default 3) */
	double interval; /* trace --interval SECONDS (default 1) */
	long count;	 /* trace --count N (default: until --duration or forever) */
	double duration; /* trace --duration SECONDS */
};

/*
 * Parse argv[1..] for @cmd: the shared --format/-f and --help/-h, plus the extra flags named
 * in @extra ("tree", "timeout", "interval", "count", "duration" as a comma list).  Positionals
 * go to pos[0..*npos).  Returns 0, 1 when help was printed, or FBCMD_USAGE after a message
 * naming the bad flag or value.
 */
int fbcmd_parse(const char *cmd, const char *usage, const char *extra, int argc, char **argv,
		struct fbcmd_opts *o, char **pos, int *npos, int maxpos);

/* "vigil CMD: what failed: strerror" on stderr; returns 1. */
int fbcmd_fail(const char *cmd, const char *what, int err);

int cmd_snapshot(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_net(int argc, char **argv);
int cmd_sys(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_fbtrace(int argc, char **argv);

#endif /* VIGIL_FBCMD_H */
