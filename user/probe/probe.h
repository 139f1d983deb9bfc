/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * probe.h: what the active probes (`vigil probe http|tcp|dns`) share: the repeat options
 * (--count, --interval, --timeout) and their loop, the per-probe summary (min/avg/max of the
 * successful runs' durations and the loss), and the entry points cmd_probe.c dispatches to.
 * Each probe runs one target at a time, sequentially: never two runs at once, at most
 * PROBE_COUNT_MAX runs, so a probe's traffic to its one target stays bounded.
 */
#ifndef VIGIL_PROBE_H
#define VIGIL_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/cli.h"
#include "export/rows.h"

#define PROBE_COUNT_MAX	   100000
#define PROBE_TIMEOUT_DEF  (10ULL * 1000000000ULL)
#define PROBE_INTERVAL_DEF (1000000000ULL)
#define PROBE_ERR_LEN	   256

/* The shared option ids; each probe numbers its own from PROBE_OPT_NEXT. */
enum probe_opt_id {
	PROBE_OPT_COUNT = CLI_COMMON_MAX,
	PROBE_OPT_INTERVAL,
	PROBE_OPT_TIMEOUT,
	PROBE_OPT_NO_KERNEL,
	PROBE_OPT_NEXT,
};

#define PROBE_OPTS_LOOP                                                                            \
	{ "count",                                                                                 \
	  'c',                                                                                     \
	  "N",                                                                                     \
	  PROBE_OPT_COUNT,                                                                         \
	  "a whole number from 1 to 100000",                                                       \
	  "probe N times (default 1), one run after the other" },                                  \
		{ "interval",                                                                      \
		  'i',                                                                             \
		  "TIME",                                                                          \
		  PROBE_OPT_INTERVAL,                                                              \
		  "a duration such as 1s or 200ms (0: back to back)",                              \
		  "between the starts of two runs (default 1s)" },                                 \
	{                                                                                          \
		"timeout", 0, "TIME", PROBE_OPT_TIMEOUT, "a duration such as 5s, above 0",         \
			"give up on one run after TIME (default 10s)"                              \
	}

enum probe_fail {
	PROBE_OK = 0,
	PROBE_FAIL_URL,	    /* malformed URL */
	PROBE_FAIL_RESOLVE, /* the name does not resolve */
	PROBE_FAIL_REFUSED, /* connection refused */
	PROBE_FAIL_CONNECT, /* other connect failure (unreachable...) */
	PROBE_FAIL_TIMEOUT,
	PROBE_FAIL_TLS,	   /* handshake or certificate verification */
	PROBE_FAIL_HTTP,   /* the transfer failed after connecting */
	PROBE_FAIL_STATUS, /* --expect-status */
	PROBE_FAIL_BODY,   /* --expect-body */
	PROBE_FAIL_EXPECT, /* --expect (a banner, an answer set) */
	PROBE_FAIL_DNS,	   /* a DNS answer's rcode (NXDOMAIN, SERVFAIL...) */
	PROBE_FAIL_OTHER,
};

/* "resolve", "refused", ...: the error class in records and metrics. */
const char *probe_fail_name(enum probe_fail f);

#define PROBE_OPT_KERNEL                                                                           \
	{                                                                                          \
		"no-kernel", 0, NULL, PROBE_OPT_NO_KERNEL, NULL,                                   \
			"do not look the connection up in the kernel's TCP tracer"                 \
	}

struct probe_loop {
	uint64_t count;	      /* runs */
	uint64_t interval_ns; /* between the starts of two runs */
	uint64_t timeout_ns;  /* one run's limit */
	bool no_kernel;	      /* --no-kernel */
};

/* The defaults: one run, 1 s apart, 10 s each. */
void probe_loop__init(struct probe_loop *l);

/* Apply a shared option; -ENOENT if id is not one, -EINVAL/-ERANGE for a bad value. */
int probe_loop__set(struct probe_loop *l, int id, const char *arg);

/*
 * Wait until the next run may start (started_ns + interval, CLOCK_MONOTONIC); false when a
 * stop was asked for (Ctrl-C, SIGTERM), which ends the loop.
 */
bool probe_loop__wait(const struct probe_loop *l, uint64_t started_ns);

struct probe_stats {
	uint64_t runs, ok;
	uint64_t min_ns, max_ns, sum_ns; /* over the successful runs */
};

void probe_stats__add(struct probe_stats *s, bool ok, uint64_t duration_ns);

/*
 * The closing line, as ping's: "--- TARGET: 10 runs, 9 ok, 10.0% loss; duration
 * min/avg/max = 1.203/1.544/2.012 ms". On the output for a table, on stderr otherwise
 * (so the record stream stays one kind of row).
 */
void probe_stats__print(const struct probe_stats *s, const char *probe, const char *target,
			struct sink *table_sink);

/* A duration in ns as milliseconds for tables: "12.345" (3 decimals). */
void probe_fmt_ms(char *buf, size_t len, int64_t ns);
/* The same for a table cell: "-" for a phase not reached (ns < 0). */
void probe_fmt_ms_cell(char *buf, size_t len, int64_t ns);
/* Unix seconds as RFC 3339 UTC, "2027-03-10T12:00:00Z". */
void probe_fmt_unix(char *buf, size_t len, int64_t t);

/* The commands, `vigil probe http ...` with argv[0] = "http". */
int probe_http__cmd(int argc, char **argv);
int probe_tcp__cmd(int argc, char **argv);
int probe_dns__cmd(int argc, char **argv);

#endif /* VIGIL_PROBE_H */
