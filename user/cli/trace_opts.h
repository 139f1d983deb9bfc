/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * trace_opts.h: the options every tracing command shares (the in-kernel filters and the ring
 * buffer's size), as cli_opt entries and the setter that validates them into a trace_cfg.
 */
#ifndef VIGIL_TRACE_OPTS_H
#define VIGIL_TRACE_OPTS_H

#include "cli/cli.h"
#include "core/trace_cfg.h"
#include "cli/addr_opts.h"

enum trace_opt_id {
	TO_PID = 200,
	TO_TID,
	TO_COMM,
	TO_CGROUP,
	TO_MIN_LATENCY,
	TO_RINGBUF_SIZE,
	TO_BACKEND,
	TO_POLL_INTERVAL,
	TO_PORT,
	TO_LADDR,
	TO_RADDR,
	TO_FAMILY,
	TO_MAX_CONNS,
	TO_DISK,
	TO_QUEUED,
	TO_LOOSE,
	TO_RESOLVE,
	TO_RESOLVE_TIMEOUT,
	TO_DNS_TIMEOUT,
};

/* Scope bits: the subsystems an option means something for (trace_opt_scope()). */
enum trace_scope {
	TS_SCHED = 1U << 0,
	TS_TCP = 1U << 1,
	TS_BLKIO = 1U << 2,
	TS_DNS = 1U << 3,
};

extern const char *const trace_scope_names[]; /* "sched", "tcp", "blkio", "dns", NULL */

/* The scope bit of subsystem name ("tcp"), or 0. */
uint32_t trace_scope_of(const char *subsystem);

/* The subsystems option id applies to (TS_* bits), or 0 for every one. */
uint32_t trace_opt_scope(int id);

/* The option tables below keep one option per initializer, as the tables read. */
/* clang-format off */
#define TRACE_OPT_PID                                                                         \
	{ "pid", 'p', "PID", TO_PID, "a process id (1 to 4194304)",                           \
	  "only tasks of this process" }
#define TRACE_OPT_TID                                                                         \
	{ "tid", 't', "TID", TO_TID, "a thread id (1 to 4194304)", "only this thread" }
#define TRACE_OPT_COMM                                                                        \
	{ "comm", 'c', "NAME", TO_COMM, "a task name of 1 to 15 characters",                  \
	  "only tasks with this exact name" }
#define TRACE_OPT_CGROUP                                                                      \
	{ "cgroup", 0, "PATH", TO_CGROUP, "a cgroup v2 directory such as /sys/fs/cgroup/x",   \
	  "only tasks in this cgroup (v2)" }
#define TRACE_OPT_MIN_LATENCY                                                                 \
	{ "min-latency", 'm', "TIME", TO_MIN_LATENCY,                                         \
	  "a duration such as 500us or 10ms (bare numbers are usecs)",                        \
	  "only events at least this slow (streamed and in histograms)" }
#define TRACE_OPTS_FILTERS                                                                    \
	TRACE_OPT_PID, TRACE_OPT_TID, TRACE_OPT_COMM, TRACE_OPT_CGROUP, TRACE_OPT_MIN_LATENCY

#define TRACE_OPTS_RINGBUF                                                                    \
	{ "ringbuf-size", 0, "SIZE", TO_RINGBUF_SIZE,                                         \
	  "a power of two from 64K to 1G, such as 8M",                                        \
	  "ring buffer size per subsystem (default 8M: a 100 ms stall at 1M events/s)" }

#define TRACE_OPT_BACKEND                                                                     \
	{ "backend", 'b', "WHICH", TO_BACKEND, "auto, bpf or fallback",                       \
	  "data source per subsystem (auto: BPF where it works, else the fallback)" }
#define TRACE_OPT_POLL_INTERVAL                                                               \
	{ "poll-interval", 0, "TIME", TO_POLL_INTERVAL,                                       \
	  "a duration from 10ms to 1h, such as 1s", "how often fallbacks poll (default 1s)" }
#define TRACE_OPTS_BACKEND TRACE_OPT_BACKEND, TRACE_OPT_POLL_INTERVAL

#define TRACE_OPTS_TCP                                                                        \
	{ "port", 0, "PORTS", TO_PORT, "a comma list of up to 8 ports from 1 to 65535",        \
	  "tcp: only connections with this local or remote port" },                  \
	TRACE_OPTS_ADDRS("tcp, dns: only connections or queries"),                            \
	{ "family", 0, "4|6", TO_FAMILY, "4 or 6", "tcp: only IPv4 or only IPv6 sockets" },    \
	{ "max-conns", 0, "N", TO_MAX_CONNS, "a whole number from 64 to 16777216",            \
	  "tcp: connections tracked at once (default 65536; beyond: counted as drops)" }
/* --laddr, --raddr and --loose, on every command that shows addresses (docs/addresses.md) */
#define ADDR_OPTS_ACCEPTS                                                                     \
	"a comma list of IPv4/IPv6 addresses or prefixes, '!' to exclude, e.g. "             \
	"10.0.0.0/8,!10.1.0.0/16,fd00::/8 (up to 64)"
#define TRACE_OPTS_ADDRS(what)                                                                \
	{ "laddr", 0, "CIDRS", TO_LADDR, ADDR_OPTS_ACCEPTS,                                   \
	  what " whose local address is in CIDRS (repeatable)" },                             \
	{ "raddr", 0, "CIDRS", TO_RADDR, ADDR_OPTS_ACCEPTS,                                   \
	  what " whose remote address is in CIDRS (repeatable)" },                            \
	{ "loose", 0, NULL, TO_LOOSE, NULL,                                                   \
	  "accept --laddr/--raddr prefixes with host bits set (10.0.0.1/8 as 10.0.0.0/8)" }
/* --resolve: peer names (net/net_resolve.h) */
#define ADDR_OPTS_RESOLVE                                                                     \
	{ "resolve", 0, NULL, TO_RESOLVE, NULL,                                               \
	  "add the remote address's reverse name (PTR), looked up asynchronously (rname)" },  \
	{ "resolve-timeout", 0, "TIME", TO_RESOLVE_TIMEOUT,                                   \
	  "a duration from 10ms to 30s, such as 2s",                                          \
	  "how long a reverse lookup may take (default 2s)" }
#define TRACE_OPTS_BLKIO                                                                      \
	{ "disk", 0, "NAME", TO_DISK, "a whole block device such as vda or loop0",             \
	  "blkio: only I/O to this disk" },                                        \
	{ "queued", 'Q', NULL, TO_QUEUED, NULL,                                               \
	  "blkio: latency includes the time queued (insert to complete)" }
#define TRACE_OPTS_DNS                                                                        \
	{ "dns-timeout", 0, "TIME", TO_DNS_TIMEOUT, "a duration from 10ms to 1h, such as 5s",  \
	  "dns: a query with no response within TIME is a timeout (default 5s)" }
/* clang-format on */

void trace_cfg__init(struct trace_cfg *cfg);

/* Apply a TO_* option; -ENOENT if id is not one, -EINVAL/-ERANGE for a bad value. */
int trace_cfg__set_opt(struct trace_cfg *cfg, int id, const char *arg);

/*
 * The targets named by --pid and --tid exist right now: 0, or -ESRCH after saying which one
 * does not (as "vigil: CMD: no such process: PID"; cmd may be ""). A filter on a task that is not
 * there
 * could only ever produce an empty result that looks like a quiet system.
 */
int trace_cfg__check_targets(const struct trace_cfg *cfg, const char *cmd);

/*
 * Refuse (exit 2) a transport option the chosen --backend never uses: --ringbuf-size with
 * fallback, --poll-interval with bpf. 0 or -EINVAL.
 */
int trace_opts__check_backend(const struct cli_cmd *cmd, const struct cli_common *c,
			      const struct trace_cfg *cfg);

/* addr_opts__check() (cli/addr_opts.h) for both sets of cfg. */
int trace_opts__check_addrs(const struct cli_cmd *cmd, const struct trace_cfg *cfg);

/* The filters set in cfg (enum trace_filter bits). */
uint32_t trace_cfg__filters(const struct trace_cfg *cfg);

/* "--cgroup": the flag of the lowest filter bit in mask, for messages. */
const char *trace_filter_flag(uint32_t mask);

#endif /* VIGIL_TRACE_OPTS_H */
