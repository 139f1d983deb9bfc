// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_net.c: `vigil net [connections] [--kind KIND]`: sockets as psutil.net_connections(KIND)
 * reports them (KIND one of inet, inet4, inet6, tcp, tcp4, tcp6, udp, udp4, udp6, unix,
 * all), read through sock_diag like ss, with owner pid and fd; `vigil net io [--pernic]`,
 * `addrs` and `stats` for the NICs. `net io --interval T [--count N]` prints what changed in
 * each interval (deltas and per-second rates), with one nowrap state kept for the whole run
 * as psutil's net_io_counters(nowrap=True) keeps it across calls. `--laddr`/`--raddr` keep
 * the connections whose addresses are in an address set (docs/addresses.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/record.h"
#include "iter/iter_sock.h"
#include "cli/addr_opts.h"
#include "cli/cli.h"
#include "cli/trace_opts.h"
#include "cli/commands.h"
#include "export/export.h"
#include "export/escape.h"
#include "fallback.h"
#include "export/fbjson.h"
#include "export/json.h"
#include "core/log.h"
#include "export/output.h"
#include "cli/parse.h"
#include "core/stop.h"
#include "core/wallclock.h"
#include "view/net_rate.h"
#include "net/net_resolve.h"
#include <time.h>
#include "port.h"

enum { OPT_PID = CLI_COMMON_MAX, OPT_KIND, OPT_PERNIC, OPT_INTERVAL, OPT_COUNT, OPT_BACKEND };

struct net_args {
	int64_t pid;
	enum fb_conn_kind kind;
	bool pernic;
	uint64_t interval_ns;  /* io: 0 = the counters once */
	uint64_t count;	       /* io with an interval: 0 = until a signal */
	struct addr_sel addrs; /* --laddr, --raddr, --resolve */
	int backend; /* connections' owners: 0 auto, 1 bpf (the fd-table walk), 2 fallback */
};

#define KINDS "inet, inet4, inet6, tcp, tcp4, tcp6, udp, udp4, udp6, unix or all"

static const struct cli_opt net_opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	{ "pid", 'p', "PID", OPT_PID, "a process id", "only the sockets of this process" },
	{ "kind", 'k', "KIND", OPT_KIND, KINDS, "connections: which sockets (default inet)" },
	{ "pernic", 0, NULL, OPT_PERNIC, NULL, "io: one row per NIC instead of the total" },
	{ "interval", 'i', "TIME", OPT_INTERVAL, "a duration such as 1s or 500ms",
	  "io: every TIME, what changed (deltas and rates), nowrap kept across intervals" },
	{ "count", 'n', "N", OPT_COUNT, "a whole number from 1",
	  "io: stop after N intervals (default: until Ctrl-C)" },
	{ "backend", 'b', "MODE", OPT_BACKEND, "auto, bpf or fallback",
	  "connections: find socket owners with the BPF fd-table walk (bpf), a readlink of "
	  "every process' fd links (fallback), or the walk when it loads (auto)" },
	TRACE_OPTS_ADDRS("connections: only sockets"),
	ADDR_OPTS_RESOLVE,
	CLI_OPT_END,
};

static int net_set(void *ctx, int id, const char *arg)
{
	struct net_args *a = ctx;
	uint64_t v;

	switch (id) {
	case OPT_PID:
		if (parse_u64(arg, 1, INT32_MAX, &v))
			return -EINVAL;
		a->pid = (int64_t)v;
		return 0;
	case OPT_KIND:
		return fb_conn_kind_parse(arg, &a->kind) ? -EINVAL : 0;
	case OPT_PERNIC:
		a->pernic = true;
		return 0;
	case OPT_INTERVAL:
		if (parse_duration(arg, NSEC_PER_SEC, &a->interval_ns) || !a->interval_ns)
			return -EINVAL;
		return 0;
	case OPT_COUNT:
		return parse_u64(arg, 1, UINT32_MAX, &a->count);
	case OPT_BACKEND:
		a->backend = !strcmp(arg, "auto")	? 0
			     : !strcmp(arg, "bpf")	? 1
			     : !strcmp(arg, "fallback") ? 2
							: -1;
		return a->backend < 0 ? -EINVAL : 0;
	case TO_LADDR:
	case TO_RADDR:
	case TO_LOOSE:
	case TO_RESOLVE:
	case TO_RESOLVE_TIMEOUT:
		return addr_sel__set(&a->addrs, id, arg);
	}
	return -EINVAL;
}

/* What each view is, as scope bits: connections, or the NICs' io, addrs and stats. */
enum { NET_CONNECTIONS = 1U << 0, NET_IO = 1U << 1, NET_ADDRS = 1U << 2, NET_STATS = 1U << 3 };

static const char *const net_scope_names[] = { "connections", "io", "addrs", "stats", NULL };

static uint32_t net_opt_scope(int id)
{
	switch (id) {
	case OPT_PID:
	case OPT_KIND:
	case OPT_BACKEND:
	case TO_LADDR:
	case TO_RADDR:
	case TO_LOOSE:
	case TO_RESOLVE:
	case TO_RESOLVE_TIMEOUT:
		return NET_CONNECTIONS;
	case OPT_PERNIC:
	case OPT_INTERVAL:
	case OPT_COUNT:
		return NET_IO;
	}
	return 0;
}

static const struct cli_cmd net_cmd = {
	.name = "net",
	.usage = "vigil net [connections|io|addrs|stats|KIND] [--kind KIND] [--pid PID] "
		 "[--laddr CIDRS] [--raddr CIDRS] [--pernic] [--interval T [--count N]]",
	.summary = "Sockets as psutil.net_connections(kind) gives them, with owner pid and fd\n"
		   "(the default: connections of kind inet), or the NICs: io (net_io_counters),\n"
		   "addrs (net_if_addrs), stats (net_if_stats).",
	.details = "KIND: " KINDS ". `vigil net tcp` is `vigil net connections --kind tcp`.",
	.examples = "vigil net connections --kind tcp\n"
		    "vigil net addrs\n"
		    "vigil net io -i 1s",
	.opts = net_opts,
	.set = net_set,
};

static const char *proto_name(const struct fb_conn *c)
{
	if (c->family == AF_UNIX)
		return c->type == SOCK_DGRAM	   ? "u_dgr"
		       : c->type == SOCK_SEQPACKET ? "u_seq"
						   : "u_str";
	if (c->type == SOCK_STREAM)
		return c->family == AF_INET6 ? "tcp6" : "tcp";
	return c->family == AF_INET6 ? "udp6" : "udp";
}

static void addr_text(const struct fb_conn *c, const struct fb_sockaddr *a, char *buf, size_t len)
{
	if (c->family == AF_UNIX)
		snprintf(buf, len, "%s", a->addr[0] ? a->addr : "*");
	else if (!a->valid)
		snprintf(buf, len, "*");
	else if (c->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a->addr, a->port);
	else
		snprintf(buf, len, "%s:%u", a->addr, a->port);
}

static bool net_conn_is_wanted(const struct net_args *a, const struct fb_conn *c);

/* rname: NULL without --resolve, "" for a name not known (null) */
/* Whether the owners, and the inet tables if @kind has any, came from the BPF walks. */
static bool net_sources_are_bpf(enum fb_conn_kind kind)
{
	return !strcmp(fb_net_owner_source(), "bpf_iter") &&
	       (kind == FB_KIND_UNIX || !strcmp(fb_net_table_source(AF_INET), "bpf_iter"));
}

/*
 * Where the sockets and their owners came from, and why not from BPF (-v); a warning when
 * one BPF walk ran (auto) and the other did not: the output's source fields say it too.
 */
static void net_sources_tell(int backend, enum fb_conn_kind kind)
{
	const char *own = fb_net_owner_source(), *tab = fb_net_table_source(AF_INET);
	const char *own_why = iter_sock__why(), *tab_why = iter_sock__table_why();
	bool own_bpf = !strcmp(own, "bpf_iter"), tab_bpf = !strcmp(tab, "bpf_iter");

	if (backend == 2)
		own_why = tab_why = "--backend fallback";
	if (kind != FB_KIND_UNIX)
		pr_info("net: TCP and UDP tables from %s%s%s", tab, tab_bpf ? "" : ": ",
			tab_bpf ? "" : tab_why);
	if (kind != FB_KIND_UNIX && tab_bpf && *iter_sock__table_note())
		pr_info("net: %s", iter_sock__table_note());
	if (kind == FB_KIND_UNIX || kind == FB_KIND_ALL)
		pr_info("net: unix sockets from %s", fb_net_table_source(AF_UNIX));
	pr_info("net: socket owners from %s%s%s", own, own_bpf ? "" : ": ", own_bpf ? "" : own_why);
	if (own_bpf && *iter_sock__note())
		pr_info("net: %s", iter_sock__note());
	if (kind == FB_KIND_UNIX)
		tab_bpf = true;
	if (backend == 0 && tab_bpf && !own_bpf)
		pr_warn("net: %s; socket owners from %s", own_why, own);
	else if (backend == 0 && own_bpf && !tab_bpf)
		pr_warn("net: %s; TCP and UDP tables from %s", tab_why, tab);
}

static void conn_row(struct output *o, struct jw *w, const struct fb_conn *c, const char *rname)
{
	struct sink *s = o->sink;
	char la[FB_ADDR_LEN + 16], ra[FB_ADDR_LEN + 16];

	if (o->fmt == FMT_JSON || o->fmt == FMT_NDJSON) {
		if (o->fmt == FMT_NDJSON)
			jw__init(w, s, false);
		jw__obj_begin(w, NULL);
		fbjson_conn_fields(w, c, true);
		jw__u64(w, "inode", c->inode);
		jw__str(w, "source", fb_net_table_source(c->family));
		jw__str(w, "owner_source", fb_net_owner_source());
		if (rname && *rname)
			jw__str(w, "rname", rname);
		else if (rname)
			jw__null(w, "rname");
		jw__obj_end(w);
		if (o->fmt == FMT_NDJSON)
			sink__putc(s, '\n');
		return;
	}
	addr_text(c, &c->laddr, la, sizeof(la));
	addr_text(c, &c->raddr, ra, sizeof(ra));
	if (o->fmt == FMT_CSV) {
		sink__s64(s, c->fd);
		sink__putc(s, ',');
		sink__s64(s, c->family);
		sink__putc(s, ',');
		sink__s64(s, c->type);
		sink__putc(s, ',');
		csv_write_string(s, la, sizeof(la));
		sink__putc(s, ',');
		csv_write_string(s, ra, sizeof(ra));
		sink__putc(s, ',');
		sink__puts(s, fb_conn_status_name(c->status));
		sink__putc(s, ',');
		if (c->pid >= 0)
			sink__s64(s, c->pid);
		if (rname) {
			sink__putc(s, ',');
			csv_write_string(s, rname, RESOLVE_NAME_MAX);
		}
		sink__puts(s, "\r\n");
		return;
	}
	sink__printf(s, "%-6s %-12s %-40s %-40s", proto_name(c), fb_conn_status_name(c->status), la,
		     ra);
	if (c->pid >= 0)
		sink__printf(s, " %7d %4d", (int)c->pid, c->fd);
	else
		sink__puts(s, "       -    -");
	if (rname) { /* a PTR name is the peer's text: escaped as every name vigil prints */
		char esc[ESC_MAX_PER_BYTE * RESOLVE_NAME_MAX + 1];

		sink__printf(s, " %s", *rname ? esc_buf(esc, sizeof(esc), rname) : "-");
	}
	sink__putc(s, '\n');
}

/* The 128-bit form of a remote address's text; false when it has none. */
static bool raddr128(const struct fb_conn *c, uint8_t a[16])
{
	bool v4;

	return c->family != AF_UNIX && c->raddr.valid && !addr_parse(c->raddr.addr, a, &v4);
}

/*
 * --resolve for a snapshot: queue every remote address, then wait for the answers until
 * --resolve-timeout at most; what is not known then is null. NULL when off.
 */
static struct resolver *net_resolve(const struct net_args *a, const struct fb_conn *c, size_t n)
{
	uint64_t timeout =
		a->addrs.resolve_timeout_ns ? a->addrs.resolve_timeout_ns : RESOLVE_TIMEOUT_DEFAULT;
	struct resolver *r;
	char name[RESOLVE_NAME_MAX];
	uint8_t addr[16];

	if (!a->addrs.resolve)
		return NULL;
	r = resolver__new(timeout, 0);
	if (!r) {
		pr_warn("net: --resolve: %s: names are null", strerror(errno));
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (net_conn_is_wanted(a, &c[i]) && raddr128(&c[i], addr))
			resolver__name(r, addr, name, sizeof(name));
	}
	resolver__settle(r, mono_now_ns() + timeout);
	return r;
}

/* Whether c passes --laddr/--raddr; a socket without a remote address has none to match. */
static bool net_conn_is_wanted(const struct net_args *a, const struct fb_conn *c)
{
	return addr_sel__match_text(&a->addrs, c->laddr.valid ? c->laddr.addr : NULL,
				    c->raddr.valid ? c->raddr.addr : NULL);
}

static int net_nics(struct output *o, const char *what, bool pernic)
{
	struct jw w;

	/* One JSON object on one line: as valid NDJSON as it is JSON. */
	if (o->fmt == FMT_CSV) {
		cli_error(&net_cmd, "--format: 'net %s' takes table, json or ndjson", what);
		return EXIT_USAGE;
	}
	if (o->fmt == FMT_TABLE) {
		struct fb_net_io *io;
		struct fb_if_addr *a;
		struct fb_if_stats *st;
		char nic[ESC_MAX_PER_BYTE * 64 + 1];
		size_t n;

		if (!strcmp(what, "io") && !fb_net_io_counters(pernic, NULL, &io, &n)) {
			sink__printf(o->sink, "%-12s %14s %14s %10s %10s %6s %6s %6s %6s\n", "NIC",
				     "BYTES_SENT", "BYTES_RECV", "PKTS_SENT", "PKTS_RECV", "ERRIN",
				     "ERROUT", "DROPIN", "DROPOUT");
			for (size_t i = 0; i < n; i++)
				sink__printf(o->sink,
					     "%-12s %14llu %14llu %10llu %10llu %6llu %6llu %6llu "
					     "%6llu\n",
					     io[i].name[0] ? esc_buf(nic, sizeof(nic), io[i].name)
							   : "total",
					     (unsigned long long)io[i].bytes_sent,
					     (unsigned long long)io[i].bytes_recv,
					     (unsigned long long)io[i].packets_sent,
					     (unsigned long long)io[i].packets_recv,
					     (unsigned long long)io[i].errin,
					     (unsigned long long)io[i].errout,
					     (unsigned long long)io[i].dropin,
					     (unsigned long long)io[i].dropout);
			free(io);
		} else if (!strcmp(what, "addrs") && !fb_net_if_addrs(&a, &n)) {
			sink__printf(o->sink, "%-12s %-7s %-40s %s\n", "NIC", "FAMILY", "ADDRESS",
				     "NETMASK");
			for (size_t i = 0; i < n; i++) {
				sink__printf(o->sink, "%-12s %-7s %-40s %s",
					     esc_buf(nic, sizeof(nic), a[i].name),
					     a[i].family == AF_INET    ? "inet"
					     : a[i].family == AF_INET6 ? "inet6"
								       : "link",
					     a[i].address,
					     (a[i].valid & FB_IFA_NETMASK) ? a[i].netmask : "");
				sink__end_line(o->sink);
			}
			free(a);
		} else if (!strcmp(what, "stats") && !fb_net_if_stats(&st, &n)) {
			char speed[24];

			sink__printf(o->sink, "%-12s %-5s %-18s %10s %6s %s\n", "NIC", "STATE",
				     "DUPLEX", "SPEED", "MTU", "FLAGS");
			for (size_t i = 0; i < n; i++) {
				snprintf(speed, sizeof(speed), "%d Mb/s", st[i].speed);
				sink__printf(o->sink, "%-12s %-5s %-18s %10s %6d %s",
					     esc_buf(nic, sizeof(nic), st[i].name),
					     st[i].isup ? "up" : "down",
					     fb_nic_duplex_name(st[i].duplex), speed, st[i].mtu,
					     st[i].flags);
				sink__end_line(o->sink);
			}
			free(st);
		}
		return 0;
	}
	jw__init(&w, o->sink, false);
	jw__obj_begin(&w, NULL);
	if (!strcmp(what, "io"))
		fbjson_net_io(&w, pernic);
	else if (!strcmp(what, "addrs"))
		fbjson_if_addrs(&w);
	else
		fbjson_if_stats(&w);
	jw__obj_end(&w);
	sink__putc(o->sink, '\n');
	return 0;
}

static void rate_row(struct output *o, struct jw *w, const struct fb_net_io *d, uint64_t itv,
		     const char *when, uint64_t now)
{
	const uint64_t v[] = { d->bytes_sent, d->bytes_recv, d->packets_sent, d->packets_recv,
			       d->errin,      d->errout,     d->dropin,	      d->dropout };
	static const char *const keys[] = { "bytes_sent",   "bytes_recv", "packets_sent",
					    "packets_recv", "errin",	  "errout",
					    "dropin",	    "dropout" };
	double sec = (double)itv / 1e9;
	char nic[ESC_MAX_PER_BYTE * 32 + 1];
	struct sink *s = o->sink;

	if (o->fmt == FMT_TABLE) {
		sink__printf(s, "%-12s %14.0f %14.0f %10.0f %10.0f %6llu %6llu %6llu %6llu\n",
			     d->name[0] ? esc_buf(nic, sizeof(nic), d->name) : "total",
			     (double)d->bytes_sent / sec, (double)d->bytes_recv / sec,
			     (double)d->packets_sent / sec, (double)d->packets_recv / sec,
			     (unsigned long long)d->errin, (unsigned long long)d->errout,
			     (unsigned long long)d->dropin, (unsigned long long)d->dropout);
		return;
	}
	if (o->fmt == FMT_CSV) {
		sink__printf(s, "%s,%llu,net_io,procfs,%d,", when, (unsigned long long)now,
			     VREC_SCHEMA);
		csv_write_string(s, d->name, sizeof(d->name));
		sink__printf(s, ",%llu", (unsigned long long)itv);
		for (int i = 0; i < 8; i++)
			sink__printf(s, ",%llu,%.3f", (unsigned long long)v[i], (double)v[i] / sec);
		sink__puts(s, "\r\n");
		return;
	}
	if (o->fmt == FMT_NDJSON)
		jw__init(w, s, false);
	jw__obj_begin(w, NULL);
	jw__str(w, "time", when);
	jw__u64(w, "ts_ns", now);
	jw__str(w, "kind", "net_io");
	jw__str(w, "source", "procfs");
	jw__u64(w, "schema", VREC_SCHEMA);
	if (d->name[0])
		jw__str(w, "nic", d->name);
	else
		jw__null(w, "nic");
	jw__u64(w, "interval_ns", itv);
	for (int i = 0; i < 8; i++) {
		char key[32];

		jw__u64(w, keys[i], v[i]);
		snprintf(key, sizeof(key), "%s_per_sec", keys[i]);
		jw__f64(w, key, (double)v[i] / sec);
	}
	jw__obj_end(w);
	if (o->fmt == FMT_NDJSON)
		sink__putc(s, '\n');
}

/* Sleep until the monotonic deadline; false when a stop was asked for meanwhile. */
static bool net_wait(uint64_t deadline)
{
	struct timespec ts = { .tv_sec = (time_t)(deadline / NSEC_PER_SEC),
			       .tv_nsec = (long)(deadline % NSEC_PER_SEC) };

	while (!stop_is_requested()) {
		if (!clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
			return !stop_is_requested();
	}
	return false;
}

/* net io --interval: one sample, then per interval the deltas against the last one. */
static int net_io_intervals(struct output *o, const struct net_args *a)
{
	struct fb_net_io *prev = NULL, *cur = NULL;
	struct fb_nowrap *nw = fb_nowrap__new();
	uint64_t shown = 0, last, next;
	size_t nprev = 0, n = 0;
	struct wallclock clock;
	struct jw w;
	int err;

	if (!nw)
		return -ENOMEM;
	wallclock__init(&clock);
	stop_install_handlers();
	err = fb_net_io_counters(a->pernic, nw, &prev, &nprev);
	if (err)
		goto free_nw;
	if (o->fmt == FMT_JSON) {
		jw__init(&w, o->sink, false);
		jw__arr_begin(&w, NULL);
	} else if (o->fmt == FMT_CSV) {
		sink__puts(o->sink, "time,ts_ns,kind,source,schema,nic,interval_ns");
		for (const char *const *k =
			     (const char *const[]){ "bytes_sent", "bytes_recv", "packets_sent",
						    "packets_recv", "errin", "errout", "dropin",
						    "dropout", NULL };
		     *k; k++)
			sink__printf(o->sink, ",%s,%s_per_sec", *k, *k);
		sink__puts(o->sink, "\r\n");
	}
	last = next = mono_now_ns();
	while (!a->count || shown < a->count) {
		char when[WALLCLOCK_LEN];
		uint64_t now;

		next += a->interval_ns;
		if (!net_wait(next))
			break;
		err = fb_net_io_counters(a->pernic, nw, &cur, &n);
		if (err)
			break;
		now = mono_now_ns();
		wallclock__format(&clock, now, when);
		if (o->fmt == FMT_TABLE)
			sink__printf(o->sink, "\n%.8s\n%-12s %14s %14s %10s %10s %6s %6s %6s %6s\n",
				     when + 11, "NIC", "BYTES_SENT/s", "BYTES_RECV/s",
				     "PKTS_SENT/s", "PKTS_RECV/s", "ERRIN", "ERROUT", "DROPIN",
				     "DROPOUT");
		for (size_t i = 0; i < n; i++) {
			struct fb_net_io d;

			if (net_rate_has_delta(prev, nprev, &cur[i], &d))
				rate_row(o, &w, &d, now - last, when, now);
		}
		sink__flush(o->sink);
		free(prev);
		prev = cur;
		nprev = n;
		cur = NULL;
		last = now;
		shown++;
	}
	if (o->fmt == FMT_JSON) {
		jw__arr_end(&w);
		sink__putc(o->sink, '\n');
	}
	free(prev);
free_nw:
	fb_nowrap__free(nw);
	return err;
}

int cmd_net(int argc, char **argv)
{
	struct net_args a = { .pid = -1, .kind = FB_KIND_INET };
	struct cli_common common = { 0 };
	const char *what = NULL;
	struct fb_conn *c = NULL;
	struct resolver *res;
	struct output out;
	size_t n = 0;
	struct jw w;
	bool help, nics;
	int first, err, rc;

	first = cli_parse(&net_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc) {
		what = argv[first];
		if (first + 1 < argc) {
			cli_error(&net_cmd, "unexpected argument '%s'", argv[first + 1]);
			return EXIT_USAGE;
		}
		if (strcmp(what, "io") && strcmp(what, "addrs") && strcmp(what, "stats") &&
		    strcmp(what, "connections") && fb_conn_kind_parse(what, &a.kind)) {
			cli_error(&net_cmd,
				  "'%s' is not connections, io, addrs, stats or a KIND (%s)", what,
				  KINDS);
			return EXIT_USAGE;
		}
	}
	nics = what && (!strcmp(what, "io") || !strcmp(what, "addrs") || !strcmp(what, "stats"));
	if (nics) {
		char target[32];
		uint32_t scope = !strcmp(what, "io")	  ? NET_IO
				 : !strcmp(what, "addrs") ? NET_ADDRS
							  : NET_STATS;

		snprintf(target, sizeof(target), "'vigil net %s'", what);
		if (cli_check_scope(&net_cmd, &common, scope, net_opt_scope, net_scope_names,
				    target))
			return EXIT_USAGE;
	} else if (cli_check_scope(&net_cmd, &common, NET_CONNECTIONS, net_opt_scope,
				   net_scope_names, "'vigil net connections'")) {
		return EXIT_USAGE;
	} else if (a.pid > 0 && a.backend == 1) {
		/* one process' sockets come from its own fd table: there is no walk to force */
		cli_error(&net_cmd, "--backend bpf: not with --pid (one process' owners are read "
				    "from its own fd table)");
		return EXIT_USAGE;
	}
	if (what && strcmp(what, "connections") && !nics &&
	    cli_refuse_with(&net_cmd, &common, OPT_KIND, "a KIND argument"))
		return EXIT_USAGE;
	if (addr_sel__check(&a.addrs, &net_cmd))
		return EXIT_USAGE;
	log_set_level(common.verbose);
	/* A NIC view is one JSON object, so that is its default when stdout is not a terminal. */
	if (!a.interval_ns && cli_refuse_with(&net_cmd, &common, OPT_COUNT, "no --interval"))
		return EXIT_USAGE;
	if (output__open(&out, &net_cmd, &common, nics && !a.interval_ns ? FMT_JSON : FMT_NDJSON,
			 0))
		return 1;
	if (nics && a.interval_ns) {
		err = net_io_intervals(&out, &a);
		if (err)
			pr_err("net io: %s", strerror(-err));
		return output__close(&out) || err ? 1 : 0;
	}
	if (nics) {
		rc = net_nics(&out, what, a.pernic);
		output__close(&out);
		return rc;
	}
	if (a.pid > 0) {
		struct fb_proc *p = fb_proc__new((pid_t)a.pid);

		err = p ? fb_proc__net_connections(p, a.kind, &c, &n) : -errno;
		if (!err)
			for (size_t i = 0; i < n; i++)
				c[i].pid = (pid_t)a.pid;
		fb_proc__free(p);
	} else {
		fb_net_set_owner_feed(a.backend == 2 ? NULL : iter_sock__feed());
		fb_net_set_table_feed(a.backend == 2 ? NULL : iter_sock__table_feed());
		err = fb_net_connections(a.kind, &c, &n);
		if (!err && a.backend == 1 && !net_sources_are_bpf(a.kind)) {
			pr_err("net: --backend bpf: %s", strcmp(fb_net_owner_source(), "bpf_iter")
								 ? iter_sock__why()
								 : iter_sock__table_why());
			free(c);
			output__close(&out);
			return 1;
		}
		if (!err)
			net_sources_tell(a.backend, a.kind);
	}
	if (err) {
		pr_err("net: %s", strerror(-err));
		output__close(&out);
		return 1;
	}
	res = net_resolve(&a, c, n);
	if (out.fmt == FMT_JSON) {
		jw__init(&w, out.sink, false);
		jw__arr_begin(&w, NULL);
	} else if (out.fmt == FMT_CSV) {
		sink__printf(out.sink, "fd,family,type,laddr,raddr,status,pid%s\r\n",
			     a.addrs.resolve ? ",rname" : "");
	} else if (out.fmt == FMT_TABLE) {
		sink__printf(out.sink, "%-6s %-12s %-40s %-40s %7s %4s%s\n", "PROTO", "STATUS",
			     "LOCAL", "REMOTE", "PID", "FD", a.addrs.resolve ? " REMOTE_NAME" : "");
	}
	for (size_t i = 0; i < n; i++) {
		char name[RESOLVE_NAME_MAX] = "";
		uint8_t addr[16];

		if (!net_conn_is_wanted(&a, &c[i]))
			continue;
		if (res && raddr128(&c[i], addr))
			resolver__name(res, addr, name, sizeof(name));
		conn_row(&out, &w, &c[i], a.addrs.resolve ? name : NULL);
	}
	resolver__free(res);
	if (out.fmt == FMT_JSON) {
		jw__arr_end(&w);
		sink__putc(out.sink, '\n');
	}
	free(c);
	return output__close(&out) ? 1 : 0;
}
