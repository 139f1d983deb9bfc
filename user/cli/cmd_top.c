// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_top.c: `vigil top`: a live per-process view: CPU, memory, run-queue latency, disk bytes
 * and TCP connections, merged from the scheduler's source (BPF per-pid histograms or the
 * schedstat poller) and the fallback library. This file collects a frame each interval; the
 * per-process readings (view/top_procs.c), the terminal (view/top_screen.c), the keys
 * (view/top_keys.c) and the drawing (view/top_render.c) live apart. --once prints one
 * frame without escapes, after one interval (rates need two readings); -f json prints one
 * JSON object per frame instead.
 * --laddr/--raddr keep the processes with an established TCP connection in those address
 * sets, and the TCP and RTT columns then count only such connections (docs/addresses.md).
 * --resolve adds PEER: the reverse name of the remote address most of the process's
 * established connections go to (its address until the name is known).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "iter/iter_sock.h"
#include "iter/iter_task.h"
#include "cli/addr_opts.h"
#include "net/net_resolve.h"
#include "tcp/tcp_addr.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "fallback.h"
#include "core/hist.h"
#include "core/log.h"
#include "cli/parse.h"
#include "core/session.h"
#include "core/stop.h"
#include "export/output.h"
#include "view/top.h"
#include "view/top_keys.h"
#include "view/top_procs.h"
#include "view/top_render.h"
#include "view/top_screen.h"
#include "cli/trace_opts.h"

enum { OPT_ONCE = CLI_COMMON_MAX, OPT_INTERVAL, OPT_SORT, OPT_FILTER, OPT_ROWS, OPT_COLUMNS };

struct top_args {
	struct trace_cfg cfg;
	bool once;
	uint64_t interval_ns;
	enum top_col sort;
	const char *filter;
	uint64_t rows;	/* 0: fit the terminal */
	uint32_t extra; /* --columns: TOP_X_* */
	/* --laddr/--raddr of the TCP connections counted (kept apart from cfg, whose tuple
	 * filters the sched and blkio sources refuse); --resolve: the PEER column */
	struct addr_sel addrs;
};

/* --resolve: established connections per (process, remote address), counted each frame. */
struct peer_tally {
	uint32_t pid;
	uint32_t n;
	uint8_t addr[16];
};

struct top_run {
	struct top_args *a;
	struct session *s;
	struct top_table table;
	struct hist_reader runq, oncpu, disk, dns;
	struct hist_entry *entries;
	uint32_t nentries;
	bool have_runq, have_disk, have_dns;
	struct top_procs procs; /* disk bytes, MEM%, RES, TIME+ */
	uint64_t last_ns;	/* of the last frame's data */
	uint64_t next_data; /* the live view ticks for keys: when the next frame's data is due */
	bool tty;
	bool live;		/* on the terminal's alternate screen, reading keys */
	bool first;		/* the first tick only takes the baselines */
	bool json;		/* -f json: one object per frame */
	struct wallclock clock; /* the frames' time, from their ts_ns */
	struct output out;
	struct top_screen scr;
	struct top_view view;
	struct top_table last; /* the last frame's rows, unfiltered: redrawn on keys */
	struct top_table shown;
	struct resolver *res;
	struct peer_tally *peers;
	size_t npeers, peers_cap;
};

static const struct cli_opt top_opts[] = {
	CLI_OPT_DURATION,
	{ "format", 'f', "FMT", CLI_FORMAT, "table or json (ndjson is the same)",
	  "table (default), or json: one object per frame and line, raw units" },
	{ "once", '1', NULL, OPT_ONCE, NULL, "print one frame (after one interval) and exit" },
	{ "interval", 'i', "TIME", OPT_INTERVAL, "a duration from 100ms, such as 1s or 2s",
	  "refresh every TIME (default 1s)" },
	{ "sort", 0, "COL", OPT_SORT,
	  "pid, cpu, runq-p50, runq, runq-avg, read, write, disk, tcp, rtt, comm, dns, dns-p99, "
	  "mem, res or time",
	  "sort by this column (default cpu; runq is p99)" },
	{ "filter", 'F', "TEXT", OPT_FILTER, "any text",
	  "only processes whose name contains TEXT" },
	{ "rows", 'n', "N", OPT_ROWS, "a whole number from 1", "show at most N processes" },
	{ "columns", 'C', "LIST", OPT_COLUMNS, "a comma list of cgroup, container, unit",
	  "add these columns after the others (the cgroup path, runtime:shortid, systemd unit)" },
	/* Per-process rows: a thread, a cgroup or a latency floor would not filter them all. */
	TRACE_OPT_PID,
	TRACE_OPT_COMM,
	TRACE_OPT_BACKEND,
	TRACE_OPTS_ADDRS("only processes with a TCP connection"),
	ADDR_OPTS_RESOLVE,
	CLI_OPT_END,
};

/* --columns cgroup,container,unit: every item must be one of them. */
static int top_parse_extra(const char *arg, uint32_t *out)
{
	*out = 0;
	for (const char *p = arg;; p++) {
		size_t n = strcspn(p, ",");
		int i;

		for (i = 0; top_extra_names[i]; i++) {
			if (strlen(top_extra_names[i]) == n && !strncmp(p, top_extra_names[i], n))
				break;
		}
		if (!top_extra_names[i])
			return -EINVAL;
		*out |= 1u << i;
		p += n;
		if (!*p)
			return 0;
	}
}

static int top_set(void *ctx, int id, const char *arg)
{
	struct top_args *a = ctx;
	int v;

	switch (id) {
	case OPT_ONCE:
		a->once = true;
		return 0;
	case OPT_INTERVAL:
		if (parse_duration(arg, NSEC_PER_SEC, &a->interval_ns))
			return -EINVAL;
		return a->interval_ns < 100 * NSEC_PER_MSEC ? -ERANGE : 0;
	case OPT_SORT:
		v = parse_choice(arg, top_sort_names);
		if (v < 0)
			return v;
		a->sort = (enum top_col)v;
		return 0;
	case OPT_FILTER:
		a->filter = arg;
		return 0;
	case OPT_ROWS:
		return parse_u64(arg, 1, 100000, &a->rows);
	case OPT_COLUMNS:
		return top_parse_extra(arg, &a->extra);
	case TO_LADDR:
	case TO_RADDR:
	case TO_LOOSE:
	case TO_RESOLVE:
	case TO_RESOLVE_TIMEOUT:
		return addr_sel__set(&a->addrs, id, arg);
	}
	return trace_cfg__set_opt(&a->cfg, id, arg);
}

static const struct cli_cmd top_cmd = {
	.name = "top",
	.usage = "vigil top [--once] [--sort COL] [--filter TEXT] [-f json] [options]",
	.summary = "A live view per process: CPU, memory, run-queue latency, disk, TCP and DNS.",
	.details =
		"Run-queue p50/p99 come from BPF; the schedstat fallback gives the mean wait per\n"
		"time slice (RQ_AVG) instead, and '-' marks what a source cannot tell (an idle\n"
		"process shows 0.0). MEM% and RES are ps's and psutil's; TIME+ is CPU time.\n"
		"Keys (as in top and htop): P cpu, M mem, T time, N pid, F or < > choose the\n"
		"sort column, arrows and PgUp/PgDn move, / filter by name, k send a signal\n"
		"(asks pid, signal and y/n), ? or h help, q quit; and c r a d w i t l s p n\n"
		"sort by cpu, runq p99, runq avg, read, write, disk p99, tcp, rtt, dns/s, pid\n"
		"and name. DNS/s and DNS_P99 need the dns subsystem on BPF (vigil doctor).\n"
		"-f json prints one JSON object per frame (NDJSON), live or with --once.",
	.examples = "vigil top\n"
		    "vigil top --sort runq --filter nginx\n"
		    "vigil top --once -f json",
	.opts = top_opts,
	.set = top_set,
};

static void top_observe(void *ctx, const struct vrow *row)
{
	struct top_run *r = ctx;

	top_table__add_sample(&r->table, row);
}

static int cmp_inode(const void *a, const void *b)
{
	const struct fb_tcp_sock *x = a, *y = b;

	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

/* The smoothed RTT of the socket with inode, if sock_diag gave one. */
static bool rtt_of(const struct fb_tcp_sock *v, size_t n, uint64_t inode, uint32_t *rtt)
{
	struct fb_tcp_sock key = { .inode = inode };
	const struct fb_tcp_sock *s = n ? bsearch(&key, v, n, sizeof(key), cmp_inode) : NULL;

	if (!s || !(s->valid & FB_TCP_RTT))
		return false;
	*rtt = s->srtt_us;
	return true;
}

/* --resolve: one more connection of pid to addr. */
static void peer_count(struct top_run *r, uint32_t pid, const char *addr)
{
	char name[RESOLVE_NAME_MAX];
	uint8_t a[16];
	bool v4;

	if (addr_parse(addr, a, &v4))
		return;
	for (size_t i = 0; i < r->npeers; i++) {
		if (r->peers[i].pid == pid && !memcmp(r->peers[i].addr, a, 16)) {
			r->peers[i].n++;
			return;
		}
	}
	if (r->npeers == r->peers_cap) {
		size_t cap = r->peers_cap ? r->peers_cap * 2 : 256;
		struct peer_tally *v = realloc(r->peers, cap * sizeof(*v));

		if (!v)
			return;
		r->peers = v;
		r->peers_cap = cap;
	}
	r->peers[r->npeers].pid = pid;
	r->peers[r->npeers].n = 1;
	memcpy(r->peers[r->npeers].addr, a, 16);
	r->npeers++;
	resolver__name(r->res, a, name, sizeof(name)); /* queue it now, shown later */
}

/* PEER of pid: the name (else the address) of its busiest remote; "-" without any. */
static const char *peer_of(struct top_run *r, uint32_t pid, char *buf, size_t len)
{
	const struct peer_tally *best = NULL;

	for (size_t i = 0; i < r->npeers; i++) {
		const struct peer_tally *p = &r->peers[i];

		if (p->pid == pid && (!best || p->n > best->n))
			best = p;
	}
	if (!best)
		return "-";
	if (resolver__name(r->res, best->addr, buf, len) == 1)
		return buf;
	if (!memcmp(best->addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12))
		snprintf(buf, len, "%u.%u.%u.%u", best->addr[12], best->addr[13], best->addr[14],
			 best->addr[15]);
	else
		tcp_addr6_format(best->addr, 0, buf, len);
	return buf;
}

/* c's smoothed RTT: from its table's walk, else from sock_diag's tcp_info. */
static bool conn_rtt(const struct fb_conn *c, const struct fb_tcp_sock *socks, size_t nsocks,
		     uint32_t *rtt)
{
	if (c->has_rtt) {
		*rtt = c->srtt_us;
		return true;
	}
	return rtt_of(socks, nsocks, c->inode, rtt);
}

/*
 * Established TCP connections per process and their mean smoothed RTT: the RTTs come with
 * the table from the BPF tcp walk, or from a sock_diag dump of every socket's tcp_info.
 */
static void collect_tcp(struct top_run *r)
{
	struct fb_tcp_sock *socks = NULL;
	struct fb_conn *c = NULL;
	size_t n = 0, nsocks = 0;
	bool dump = false;

	r->npeers = 0;
	if (fb_net_connections(FB_KIND_TCP, &c, &n))
		return;
	for (size_t i = 0; i < n && !dump; i++)
		dump = c[i].pid > 0 && c[i].status == FB_CONN_ESTABLISHED && !c[i].has_rtt;
	if (dump && !fb_tcp_sockets(&socks, &nsocks) && nsocks)
		qsort(socks, nsocks, sizeof(*socks), cmp_inode);
	/* Owners are found through every process's fds: only root sees them all. */
	for (size_t i = 0; !geteuid() && i < r->table.n; i++)
		r->table.rows[i].known |= 1U << TOP_TCP_CONNS; /* 0 is now a real count */
	for (size_t i = 0; i < n; i++) {
		struct top_row *row;
		uint32_t rtt;

		if (c[i].pid <= 0 || c[i].status != FB_CONN_ESTABLISHED)
			continue;
		if (!addr_sel__match_text(&r->a->addrs, c[i].laddr.addr,
					  c[i].raddr.valid ? c[i].raddr.addr : NULL))
			continue;
		row = top_table__row(&r->table, (uint32_t)c[i].pid);
		if (!row)
			continue;
		row->tcp_conns++;
		row->known |= 1U << TOP_TCP_CONNS;
		if (r->res && c[i].raddr.valid)
			peer_count(r, (uint32_t)c[i].pid, c[i].raddr.addr);
		if (conn_rtt(&c[i], socks, nsocks, &rtt)) {
			row->tcp_rtt_sum_us += rtt;
			row->tcp_rtt_n++;
		}
	}
	for (size_t i = 0; i < r->table.n; i++) {
		struct top_row *row = &r->table.rows[i];

		if (row->tcp_rtt_n) {
			row->tcp_rtt_us = row->tcp_rtt_sum_us / row->tcp_rtt_n;
			row->known |= 1U << TOP_TCP_RTT;
		}
	}
	free(socks);
	free(c);
}

/* The leader's comm (stat's, as ps shows it), for top_table__leader_names(). */
static int leader_name(uint32_t pid, char *buf, size_t len)
{
	struct fb_proc *p = fb_proc__new((pid_t)pid);
	int err;

	if (!p)
		return -errno;
	err = fb_proc__name(p, buf, len);
	fb_proc__free(p);
	return err;
}

static void collect_hists(struct top_run *r, uint64_t interval_ns)
{
	int n;

	if (r->have_runq) {
		n = hist_reader__drain(&r->runq, r->entries);
		for (int i = 0; i < n; i++)
			top_table__add_runq(&r->table, (uint32_t)r->entries[i].key,
					    &r->entries[i].h);
		n = hist_reader__drain(&r->oncpu, r->entries);
		for (int i = 0; i < n; i++)
			top_table__add_oncpu(&r->table, (uint32_t)r->entries[i].key,
					     &r->entries[i].h, interval_ns);
	}
	if (r->have_disk) {
		n = hist_reader__drain(&r->disk, r->entries);
		for (int i = 0; i < n; i++)
			top_table__add_disk(&r->table, (uint32_t)r->entries[i].key,
					    &r->entries[i].h);
	}
	if (r->have_dns) {
		n = hist_reader__drain(&r->dns, r->entries);
		for (int i = 0; i < n; i++)
			if (r->entries[i].key) /* 0: queries whose process is not known */
				top_table__add_dns(&r->table, (uint32_t)r->entries[i].key,
						   &r->entries[i].h, interval_ns);
	}
}

static bool top_has_addrs(const struct top_args *a)
{
	return addr_sel__active(&a->addrs);
}

/* --laddr/--raddr: only the processes that have a connection in the sets. */
static void keep_tcp_rows(struct top_table *t)
{
	size_t kept = 0;

	for (size_t i = 0; i < t->n; i++) {
		if (t->rows[i].tcp_conns)
			t->rows[kept++] = t->rows[i];
	}
	t->n = kept;
}

static uint32_t pid_at(void *ctx, size_t i)
{
	const struct top_run *r = ctx;

	return i < r->shown.n ? r->shown.rows[i].pid : 0;
}

static const char *peer_cb(void *ctx, uint32_t pid, char *buf, size_t len)
{
	return peer_of(ctx, pid, buf, len);
}

/* Draw the last frame as the view now asks (sort, filter, selection). 0 or -errno. */
static int draw(struct top_run *r)
{
	struct top_frame f = {
		.t = &r->shown,
		.interval_s = (double)r->a->interval_ns / 1e9,
		.sched = session__source(r->s, "sched"),
		.procs = top_procs__source(&r->procs),
		.bpf_disk = r->have_disk,
		.bpf_tcp = !strcmp(fb_net_table_source(AF_INET), "bpf_iter") &&
			   !strcmp(fb_net_owner_source(), "bpf_iter"),
		.max_rows = r->a->rows,
		.peer = r->res ? peer_cb : NULL,
		.peer_ctx = r,
		.extra = r->a->extra,
	};

	clock_gettime(CLOCK_REALTIME, &f.when);
	f.ts_ns = mono_now_ns();
	wallclock__format(&r->clock, f.ts_ns, f.time);
	if (top_table__copy(&r->shown, &r->last))
		return -ENOMEM;
	top_table__select(&r->shown, r->view.filter, r->view.sort);
	if (r->json) {
		top_render__json(r->out.sink, &r->view, &f);
		/* the reader left (top -f json | head -1): done, as any filter; told at close */
		return sink__error(r->out.sink) == -EPIPE ? 1 : sink__error(r->out.sink);
	}
	if (!f.max_rows && r->a->once)
		f.max_rows = r->tty ? (size_t)(r->scr.rows > 6 ? r->scr.rows - 5 : 1) : 20;
	top_render__screen(stdout, &r->view, &f, r->scr.cols, r->scr.rows, r->live);
	if (fflush(stdout) || ferror(stdout)) {
		int err = errno ? -errno : -EIO;

		pr_err("top: writing the frame: %s", strerror(-err));
		return err;
	}
	return 0;
}

/* Collect a frame's data over interval ns into r->last (nothing on the baseline tick). */
static void collect(struct top_run *r, uint64_t interval)
{
	collect_hists(r, interval);
	top_procs__collect(&r->procs, &r->table, interval, r->first);
	if (r->first) { /* baselines only: rates need a second reading */
		r->first = false;
		if (r->res) /* start the peers' lookups: the first frame can show names */
			collect_tcp(r);
		top_table__reset(&r->table);
		return;
	}
	collect_tcp(r);
	if (top_has_addrs(r->a))
		keep_tcp_rows(&r->table);
	top_table__leader_names(&r->table, leader_name);
	top_table__finish_samples(&r->table, interval);
	top_table__idle_zero(&r->table, session__source(r->s, "sched") != NULL);
	top_table__keep_task(&r->table, r->a->cfg.tgid, r->a->cfg.comm);
	if (top_table__copy(&r->last, &r->table))
		r->last.n = 0;
	top_table__reset(&r->table);
}

/*
 * The session's tick: each interval a new frame; the live view ticks every SESSION_POLL_MS
 * too, for the keys and resizes, and redraws the last frame when they change it.
 */
static int top_tick(void *ctx, uint64_t now)
{
	struct top_run *r = ctx;
	unsigned char keys[64];
	bool redraw = false;
	size_t n;
	int err;

	if (r->live) {
		while ((n = top_screen__keys(&r->scr, keys, sizeof(keys))))
			redraw |= top_keys__feed(&r->view, keys, n);
		if (r->view.quit)
			return 1;
		redraw |= top_screen__resized(&r->scr);
		if (!r->next_data) /* the first tick: the poller's first sample is due by now */
			r->next_data = now - SESSION_POLL_MS * NSEC_PER_MSEC + r->a->interval_ns;
		if (now < r->next_data)
			return redraw && !r->first ? draw(r) : 0;
		r->next_data += r->a->interval_ns;
		if (r->next_data < now)
			r->next_data = now + r->a->interval_ns;
	}
	collect(r, now - r->last_ns);
	r->last_ns = now;
	if (r->first)
		return 0;
	err = draw(r);
	if (err)
		return err;
	return r->a->once ? 1 : 0; /* > 0: the session ends without an error */
}

/* A reader on the per-pid map of histogram name, if its subsystem runs on BPF here. */
static int open_reader(struct top_run *r, struct hist_reader *rd, const char *name)
{
	int id = hist_by_name(name), fd = -ENOENT, err;

	for (int i = 0; id >= 0 && i < r->s->ntracers; i++) {
		if (!strcmp(r->s->tracers[i]->ops->name, hist_descs[id].subsystem))
			fd = tracer__map_fd(r->s->tracers[i], hist_descs[id].map);
	}
	if (fd < 0)
		return fd;
	err = hist_reader__init(rd, fd);
	if (err)
		return err;
	if (rd->max_entries > r->nentries)
		r->nentries = rd->max_entries;
	return 0;
}

static void top_open_hists(struct top_run *r)
{
	r->have_runq = !open_reader(r, &r->runq, "runq") && !open_reader(r, &r->oncpu, "oncpu");
	r->have_disk = !open_reader(r, &r->disk, "blkio");
	r->have_dns = !open_reader(r, &r->dns, "dns");
	if (!r->nentries)
		return;
	r->entries = calloc(r->nentries, sizeof(*r->entries));
	if (!r->entries) {
		r->have_runq = r->have_disk = r->have_dns = false;
		pr_warn("top: out of memory for the histograms; their columns stay empty");
	}
}

/*
 * sched, and blkio when this build has it: the subsystems with per-process histograms; dns
 * when BPF can serve it (it has no fallback: without BPF its columns show "-").
 */
static int top_pick(const struct tracer_ops **ops, const struct trace_cfg *cfg)
{
	struct backend_choice c;
	int n = 0;

	ops[n] = tracer_ops__by_name("sched");
	n += ops[n] != NULL;
	ops[n] = tracer_ops__by_name("blkio");
	n += ops[n] != NULL;
	ops[n] = tracer_ops__by_name("dns");
	if (ops[n] && !backend_choose(ops[n], (enum backend_mode)cfg->backend, false, &c) && c.bpf)
		n++;
	return n;
}

int cmd_top(int argc, char **argv)
{
	struct top_args a = { .interval_ns = NSEC_PER_SEC, .sort = TOP_CPU };
	const struct tracer_ops *ops[3];
	struct cli_common common = { 0 };
	struct top_run r = { .a = &a, .first = true };
	struct session s;
	enum out_format fmt;
	int first, err;
	bool help;

	trace_cfg__init(&a.cfg);
	first = cli_parse(&top_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc) {
		cli_error(&top_cmd, "unexpected argument '%s'", argv[first]);
		return EXIT_USAGE;
	}
	if (a.once && cli_refuse_with(&top_cmd, &common, CLI_DURATION, "--once (one frame)"))
		return EXIT_USAGE;
	if (addr_sel__check(&a.addrs, &top_cmd))
		return EXIT_USAGE;
	fmt = cli_format(&common, false, FMT_TABLE);
	if (fmt == FMT_CSV) {
		cli_error(&top_cmd,
			  "--format csv: top writes table or json (one object per frame)");
		return EXIT_USAGE;
	}
	log_set_level(common.verbose);
	if (trace_cfg__check_targets(&a.cfg, "top"))
		return 1;
	a.cfg.skip_unfiltered = 1;	      /* top's own process listing filters by pid */
	for (int i = 0; i < HIST__COUNT; i++) /* the per-pid ones this build has */
		if (!strcmp(hist_descs[i].name, "runq") || !strcmp(hist_descs[i].name, "oncpu") ||
		    !strcmp(hist_descs[i].name, "blkio") || !strcmp(hist_descs[i].name, "dns"))
			a.cfg.hists |= 1U << i;
	a.cfg.hist_per = VG_PER_PID;
	/*
	 * Processes from the BPF task walk, and TCP per process from the tables and owners of the
	 * socket walks, each loaded once for the run: one walk per refresh instead of /proc's
	 * files per process and a readlink of every process' fds (/proc and sock_diag when they
	 * do not load, or with --backend fallback)
	 */
	fb_proc_iter__set_feed(a.cfg.backend == BACKEND_FALLBACK ? NULL : iter_task__feed());
	fb_net_set_owner_feed(a.cfg.backend == BACKEND_FALLBACK ? NULL : iter_sock__feed());
	fb_net_set_table_feed(a.cfg.backend == BACKEND_FALLBACK ? NULL : iter_sock__table_feed());
	a.cfg.ringbuf_bytes = 64 << 10; /* nothing streams */
	a.cfg.poll_interval_ns = a.interval_ns;
	r.tty = isatty(STDOUT_FILENO);
	r.json = fmt != FMT_TABLE;
	wallclock__init(&r.clock);
	top_view__init(&r.view, a.sort, a.filter);
	r.view.pid_at = pid_at;
	r.view.pid_ctx = &r;
	top_screen__measure(&r.scr);
	if (r.tty) /* one write per frame, not per line: no half-drawn frames */
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (r.json && output__open(&r.out, &top_cmd, &common, FMT_NDJSON, 0))
		return 1;
	stop_install_handlers();
	err = session__start(&s, ops, top_pick(ops, &a.cfg), &a.cfg, NULL, top_observe, &r);
	if (err) {
		if (r.json)
			output__close(&r.out);
		return 1;
	}
	r.s = &s;
	top_open_hists(&r);
	if (a.addrs.resolve) {
		r.res = resolver__new(a.addrs.resolve_timeout_ns, 0);
		if (!r.res)
			pr_warn("top: --resolve: %s: no PEER column", strerror(errno));
	}
	r.last_ns = mono_now_ns();
	collect(&r, 0); /* baselines */
	r.live = !a.once && !r.json && !top_screen__enter(&r.scr);
	err = session__run(&s, a.once ? 0 : common.duration_ns,
			   r.live ? SESSION_POLL_MS * NSEC_PER_MSEC : a.interval_ns, top_tick, &r);
	if (r.live)
		top_screen__leave(&r.scr);
	session__stop(&s);
	if (r.json && output__close(&r.out))
		err = err ? err : -EIO;
	hist_reader__fini(&r.runq);
	hist_reader__fini(&r.oncpu);
	hist_reader__fini(&r.disk);
	hist_reader__fini(&r.dns);
	free(r.entries);
	top_procs__free(&r.procs);
	resolver__free(r.res);
	free(r.peers);
	top_table__free(&r.table);
	top_table__free(&r.last);
	top_table__free(&r.shown);
	return err ? 1 : 0;
}
