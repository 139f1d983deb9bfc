// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_traceroute.c: `vigil probe traceroute HOST [--port N]`: its flags, the target's
 * address, and the run: resolve HOST, open the raw sockets (without CAP_NET_RAW: say so,
 * exit 1), then the output (a bad -o fails before any packet), trace, and print the
 * table hop by hop as traceroute does, or at the end the csv/json/ndjson rows or the SVG
 * report; with --count, run after run, then the loss and min/avg/max RTT per hop. An SVG
 * goes to a file or a pipe, never raw to a terminal.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/parse.h"
#include "core/log.h"
#include "core/stop.h"
#include "core/wallclock.h"
#include "export/escape.h"
#include "probe/probe_route.h"
#include "probe/probe_addrs.h"
#include "probe/probe_traceroute.h"
#include "tcp/tcp_addr.h"

enum {
	OPT_TFORMAT = CLI_COMMON_MAX + 60,
	OPT_PORT,
	OPT_MAX_HOPS,
	OPT_PROBES,
	OPT_TIMEOUT,
	OPT_RATE,
	OPT_NO_RESOLVE,
	OPT_IPV4,
	OPT_IPV6,
	OPT_COUNT,
	OPT_INTERVAL,
};

/* --format: the record formats and the SVG report (enum out_format order, then svg) */
#define TR_FMT_SVG 4
static const char *const tr_format_names[] = { "table", "csv", "json", "ndjson", "svg", NULL };

#define TR_DEFAULT_RATE 1000 /* probes per second, at most */
#define TR_MAX_HOST	253

struct tr_args {
	struct route_cfg cfg;
	struct probe_addrs addrs; /* --laddr (the SYNs' source), --raddr (the target) */
	int format;
	uint64_t rate;
	int family;	      /* AF_UNSPEC: HOST's first address, whichever family */
	uint64_t count;	      /* runs */
	uint64_t interval_ns; /* between the starts of two runs */
};

static const struct cli_opt tr_opts[] = {
	{ "format", 'f', "FMT", OPT_TFORMAT, "table, csv, json, ndjson or svg",
	  "output format (default: table, as traceroute; svg: the route report, to -o FILE)" },
	CLI_OPT_OUTPUT,
	{ "port", 'p', "PORT", OPT_PORT, "a TCP port, 1 to 65535",
	  "the target's port (default 80)" },
	{ "max-hops", 'm', "N", OPT_MAX_HOPS, "a whole number from 1 to 255",
	  "the largest TTL tried (default 30)" },
	{ "probes", 'q', "N", OPT_PROBES, "a whole number from 1 to 10",
	  "SYNs per hop (default 3)" },
	{ "timeout", 'w', "TIME", OPT_TIMEOUT,
	  "a duration from 1ms to 60s such as 500ms (bare numbers are seconds)",
	  "how long each probe waits for its answer (default 2s)" },
	{ "rate", 0, "N", OPT_RATE, "a whole number of probes per second, 1 to 10000",
	  "send at most N SYNs per second (default 1000)" },
	{ "no-resolve", 'n', NULL, OPT_NO_RESOLVE, NULL,
	  "print hop addresses only (no reverse DNS names)" },
	{ "count", 'c', "N", OPT_COUNT, "a whole number of runs, 1 to 1000",
	  "trace N times, then print loss and min/avg/max RTT per hop (default 1)" },
	{ "interval", 'i', "TIME", OPT_INTERVAL,
	  "a duration from 10ms to 1h such as 5s (bare numbers are seconds)",
	  "with --count: from the start of one run to the next (default 1s)" },
	{ "ipv4", '4', NULL, OPT_IPV4, NULL, "trace to HOST's IPv4 address" },
	{ "ipv6", '6', NULL, OPT_IPV6, NULL, "trace to HOST's IPv6 address" },
	{ "laddr", 0, "ADDR", TO_LADDR, "one IPv4 or IPv6 address of this host",
	  "send the SYNs from this source address (scapy's IP(src=...))" },
	{ "raddr", 0, "CIDRS", TO_RADDR, ADDR_OPTS_ACCEPTS,
	  "trace only when HOST's address is in CIDRS (else nothing is sent; exit 1)" },
	{ "loose", 0, NULL, TO_LOOSE, NULL,
	  "accept --raddr prefixes with host bits set (10.0.0.1/8 as 10.0.0.0/8)" },
	{ "resolve", 0, NULL, TO_RESOLVE, NULL,
	  "name the hops by their reverse names (the default; --no-resolve turns it off)" },
	CLI_OPT_END,
};

static int tr_set(void *ctx, int id, const char *arg)
{
	struct tr_args *a = ctx;
	uint64_t v;
	int err;

	switch (id) {
	case OPT_TFORMAT:
		err = parse_choice(arg, tr_format_names);
		if (err >= 0)
			a->format = err;
		return err < 0 ? err : 0;
	case OPT_PORT:
		err = parse_u64(arg, 1, 65535, &v);
		a->cfg.flow.dport = (uint16_t)v;
		return err;
	case OPT_MAX_HOPS:
		err = parse_u64(arg, 1, ROUTE_MAX_HOPS, &v);
		a->cfg.max_hops = (uint32_t)v;
		return err;
	case OPT_PROBES:
		err = parse_u64(arg, 1, ROUTE_MAX_PROBES, &v);
		a->cfg.probes = (uint32_t)v;
		return err;
	case OPT_TIMEOUT:
		err = parse_duration(arg, NSEC_PER_SEC, &a->cfg.timeout_ns);
		if (!err &&
		    (a->cfg.timeout_ns < NSEC_PER_MSEC || a->cfg.timeout_ns > 60 * NSEC_PER_SEC))
			err = -ERANGE;
		return err;
	case OPT_RATE:
		return parse_u64(arg, 1, 10000, &a->rate);
	case OPT_NO_RESOLVE:
		a->cfg.resolve = false;
		return 0;
	case TO_RESOLVE:
		return 0; /* the default; --no-resolve is refused beside it (tr_validate) */
	case TO_LADDR:
	case TO_RADDR:
	case TO_LOOSE:
		return probe_addrs__set(&a->addrs, id, arg);
	case OPT_COUNT:
		return parse_u64(arg, 1, 1000, &a->count);
	case OPT_INTERVAL:
		err = parse_duration(arg, NSEC_PER_SEC, &a->interval_ns);
		if (!err &&
		    (a->interval_ns < 10 * NSEC_PER_MSEC || a->interval_ns > 3600 * NSEC_PER_SEC))
			err = -ERANGE;
		return err;
	case OPT_IPV4:
	case OPT_IPV6:
		a->family = id == OPT_IPV4 ? AF_INET : AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static const struct cli_cmd tr_cmd = {
	.name = "probe traceroute",
	.usage = "vigil probe traceroute HOST [-p PORT] [-m MAX_HOPS] [-q PROBES] [-w TIMEOUT] "
		 "[-n] [-4|-6] [-c COUNT [-i INTERVAL]] [-f table|csv|json|ndjson|svg] [-o FILE]",
	.summary =
		"The path to a TCP port, as scapy's TCP traceroute and tcptraceroute find it:\n"
		"SYNs from a raw socket with TTL 1, 2, ... (--probes per hop); each router's\n"
		"ICMP time exceeded gives a hop and its RTT, and the target's SYN-ACK (open) or\n"
		"RST (closed) ends the trace. Needs CAP_NET_RAW (root).",
	.details =
		"Only the target gets packets: at most --max-hops x --probes SYNs, at most\n"
		"--rate per second. The table prints hop by hop; csv/json/ndjson give one row\n"
		"per probe (probe, target, port, success, duration_ns, state, ttl,\n"
		"probe_index, addr, name, rtt_ns, reply); -f svg draws the route (RTT and loss\n"
		"per hop, the end state) into -o FILE. Exit 0 when the target answered (open or\n"
		"closed), 1 when it was not reached or the trace failed. IPv4 and IPv6.",
	.examples = "vigil probe traceroute example.com\n"
		    "vigil probe traceroute -p 443 -m 20 10.0.0.1",
	.opts = tr_opts,
	.set = tr_set,
};

/* Whether HOST is a plausible name or address; else it is malformed (exit 2). */
static bool host_is_wellformed(const char *h)
{
	struct in6_addr a6;
	size_t n = strlen(h);

	if (inet_pton(AF_INET6, h, &a6) == 1)
		return true;
	if (!n || n > TR_MAX_HOST || h[0] == '-' || h[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_'))
			return false;
	}
	return true;
}

/* --raddr: the target's address is in the set; --laddr: the SYNs' source. 0 or 1. */
static int target_addrs(struct tr_args *a)
{
	const struct route_flow *f = &a->cfg.flow;
	char ip[PROBE_ADDR_LEN];

	inet_ntop(f->family, f->dst, ip, sizeof(ip));
	if (!probe_addrs__allows(&a->addrs, ip)) {
		pr_err("probe traceroute: %s (%s) is outside --raddr: not probed", a->cfg.target,
		       ip);
		return 1;
	}
	if (a->addrs.src[0]) {
		memcpy(a->cfg.flow.src, a->addrs.src_v4 ? a->addrs.src128 + 12 : a->addrs.src128,
		       a->addrs.src_v4 ? 4 : 16);
		a->cfg.src_given = true;
	}
	return 0;
}

/* HOST to its first address (of the family asked for); 0, or 1 after saying why not. */
static int resolve_target(struct tr_args *a)
{
	struct addrinfo hints = { .ai_family = a->family, .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai = NULL;
	int err;

	err = getaddrinfo(a->cfg.target, NULL, &hints, &ai);
	if (err || !ai) {
		char h[ESC_MAX_PER_BYTE * TR_MAX_HOST + 1];

		pr_err("probe traceroute: cannot resolve '%s'%s: %s",
		       esc_buf(h, sizeof(h), a->cfg.target),
		       a->family == AF_INET    ? " to an IPv4 address"
		       : a->family == AF_INET6 ? " to an IPv6 address"
					       : "",
		       err == EAI_SYSTEM ? strerror(errno) : gai_strerror(err));
		if (ai)
			freeaddrinfo(ai);
		return 1;
	}
	a->cfg.flow.family = ai->ai_family;
	if (ai->ai_family == AF_INET6)
		memcpy(a->cfg.flow.dst, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
	else
		memcpy(a->cfg.flow.dst, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
	freeaddrinfo(ai);
	return target_addrs(a);
}

/* The positional HOST and the checks that need every flag; 0 or EXIT_USAGE after a message */
static int tr_validate(struct tr_args *a, const struct cli_common *c, int argc, char **argv,
		       int first)
{
	if (first >= argc) {
		cli_error(&tr_cmd, "HOST is missing (see 'vigil probe traceroute --help')");
		return EXIT_USAGE;
	}
	if (first + 1 < argc) {
		cli_error(&tr_cmd, "unexpected argument '%s' (the port is --port)",
			  argv[first + 1]);
		return EXIT_USAGE;
	}
	a->cfg.target = argv[first];
	if (!host_is_wellformed(a->cfg.target)) {
		char h[ESC_MAX_PER_BYTE * 64 + 1];

		cli_error(&tr_cmd,
			  "HOST: malformed '%s' (accepts a host name, an IPv4 or IPv6 address)",
			  esc_buf(h, sizeof(h), a->cfg.target));
		return EXIT_USAGE;
	}
	if (cli_is_set(c, TO_RESOLVE) && !a->cfg.resolve) {
		cli_error(&tr_cmd, "--resolve and --no-resolve: say one");
		return EXIT_USAGE;
	}
	if (probe_addrs__check(&a->addrs, &tr_cmd))
		return EXIT_USAGE;
	if (a->addrs.src[0]) { /* the source decides the family */
		int fam = a->addrs.src_v4 ? AF_INET : AF_INET6;

		if (a->family && a->family != fam) {
			cli_error(&tr_cmd, "--laddr %s: not of the family -4/-6 asks for",
				  a->addrs.src);
			return EXIT_USAGE;
		}
		a->family = fam;
	}
	if (cli_is_set(c, OPT_INTERVAL) && a->count < 2) {
		cli_error(&tr_cmd, "--interval: only means something with --count 2 or more");
		return EXIT_USAGE;
	}
	if (a->format == TR_FMT_SVG && a->count > 1) {
		cli_error(&tr_cmd, "--count: the SVG report draws one trace: drop --count or use "
				   "another --format");
		return EXIT_USAGE;
	}
	if (a->format == TR_FMT_SVG && (!c->output || !strcmp(c->output, "-")) &&
	    isatty(STDOUT_FILENO)) {
		cli_error(&tr_cmd, "--format svg: an SVG report is not for a terminal: write it "
				   "to a file with -o route.svg (or redirect stdout)");
		return EXIT_USAGE;
	}
	return 0;
}

static void table_hop(void *ctx, const struct route_cfg *cfg, const struct route_result *res,
		      const struct route_hop *hop)
{
	(void)res;
	route_out__table_hop(ctx, cfg, hop);
}

/* Sleep until the monotonic deadline; false when a stop was asked for meanwhile. */
static bool tr_wait(uint64_t deadline)
{
	struct timespec ts = { .tv_sec = (time_t)(deadline / NSEC_PER_SEC),
			       .tv_nsec = (long)(deadline % NSEC_PER_SEC) };

	while (!stop_is_requested()) {
		if (!clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
			return !stop_is_requested();
	}
	return false;
}

/* Every run, printed as it ends (the table: hop by hop); 0 or -errno. */
static int tr_runs(struct tr_args *a, struct route_tracer *t, struct sink *out,
		   struct route_result *res, struct route_sum *sum)
{
	uint64_t start = mono_now_ns();
	struct route_rows rr;
	char dst[TCP_ADDR_STRLEN];
	int err = 0;

	route_addr_str(a->cfg.flow.family, a->cfg.flow.dst, dst, sizeof(dst));
	if (a->format == FMT_TABLE)
		route_out__table_head(out, &a->cfg, dst);
	else if (a->format != TR_FMT_SVG)
		route_rows__begin(&rr, out, a->format);
	for (uint32_t run = 1; run <= a->count; run++) {
		if (run > 1 && !tr_wait(start + (run - 1) * a->interval_ns))
			break;
		if (run > 1 && a->format == FMT_TABLE)
			sink__putc(out, '\n');
		err = route_tracer__run(t, res, a->format == FMT_TABLE ? table_hop : NULL, out);
		if (err == -EINTR)
			pr_err("probe traceroute: stopped at hop %u", res->nhops + 1);
		if (a->format == FMT_TABLE)
			route_out__table_end(out, &a->cfg, res);
		else if (a->format == TR_FMT_SVG)
			route_svg__write(out, &a->cfg, res);
		else
			route_rows__run(&rr, &a->cfg, res, run);
		route_sum__add(sum, &a->cfg, res);
		if (!err && res->state == ROUTE_UNREACHED)
			pr_err("probe traceroute: %s port %u: not reached in %u hop%s", dst,
			       a->cfg.flow.dport, res->nhops, res->nhops == 1 ? "" : "s");
		sink__flush(out);
		if (err)
			break;
	}
	if (a->count > 1 && a->format == FMT_TABLE) {
		sink__putc(out, '\n');
		route_out__summary_table(out, &a->cfg, sum);
	} else if (a->count > 1 && a->format != TR_FMT_SVG) {
		route_rows__summary(&rr, &a->cfg, sum);
	}
	if (a->format != FMT_TABLE && a->format != TR_FMT_SVG)
		route_rows__end(&rr);
	return err;
}

/* Open the sockets, then the output, and trace; the exit status. */
static int tr_run(struct tr_args *a, const char *path)
{
	struct route_result *res = NULL;
	struct route_sum *sum = NULL;
	struct route_tracer *t = NULL;
	char dst[TCP_ADDR_STRLEN];
	struct sink *out;
	int err, rc = 1;

	err = route_tracer__new(&a->cfg, &t);
	if (err == -EPERM) {
		pr_err("probe traceroute: sending SYNs with chosen TTLs needs a raw socket, which "
		       "needs CAP_NET_RAW: run it as root (or give vigil cap_net_raw)");
		return 1;
	}
	if (err) {
		pr_err("probe traceroute: %s: %s",
		       route_addr_str(a->cfg.flow.family, a->cfg.flow.dst, dst, sizeof(dst)),
		       strerror(-err));
		return 1;
	}
	out = sink__open(path);
	if (!out) {
		cli_error(&tr_cmd, "--output: cannot open '%s': %s", path, strerror(errno));
		goto free_tracer;
	}
	res = calloc(1, sizeof(*res));
	sum = calloc(1, sizeof(*sum));
	if (!res || !sum)
		goto close_out;
	stop_install_handlers();
	err = tr_runs(a, t, out, res, sum);
	if (a->count > 1 && sum->reached < sum->runs && !err)
		pr_err("probe traceroute: the target answered in %u of %u runs", sum->reached,
		       sum->runs);
	rc = err || sum->reached < a->count ? 1 : 0;
close_out:
	free(res);
	free(sum);
	err = sink__close(out);
	/* a reader that left (| head) is not a failure, as for any filter */
	if (err && !rc && !(err == -EPIPE && (!path || !strcmp(path, "-")))) {
		pr_err("probe traceroute: writing %s: %s", path ? path : "stdout", strerror(-err));
		rc = 1;
	}
free_tracer:
	route_tracer__free(t);
	return rc;
}

int probe_traceroute__cmd(int argc, char **argv)
{
	struct tr_args a = { .format = FMT_TABLE,
			     .rate = TR_DEFAULT_RATE,
			     .count = 1,
			     .interval_ns = NSEC_PER_SEC };
	struct cli_common common = { 0 };
	int first, rc;
	bool help;

	a.cfg.flow.dport = 80;
	a.cfg.max_hops = 30;
	a.cfg.probes = 3;
	a.cfg.timeout_ns = 2 * NSEC_PER_SEC;
	a.cfg.resolve = true;
	first = cli_parse(&tr_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	rc = tr_validate(&a, &common, argc, argv, first);
	if (rc)
		return rc;
	log_set_level(common.verbose);
	a.cfg.gap_ns = NSEC_PER_SEC / a.rate;
	rc = resolve_target(&a);
	return rc ? rc : tr_run(&a, common.output);
}
