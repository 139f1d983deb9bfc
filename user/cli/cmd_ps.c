// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_ps.c: `vigil ps`: every process with name, status, user, cpu times and memory, read by
 * the fallback library's one-pass scan (psutil's process_iter with attrs), as a table, CSV,
 * JSON or NDJSON; --pid and --comm keep some. `vigil pidof NAME` prints matching pids.
 * The scan walks the kernel's task list through the BPF task iterator where it loads
 * (--backend auto, the default, or bpf) and /proc otherwise; the `source` field says which.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "export/export.h"
#include "export/escape.h"
#include "fallback.h"
#include "export/fbjson.h"
#include "export/human.h"
#include "export/json.h"
#include "core/log.h"
#include "export/output.h"
#include "cli/parse.h"
#include "view/ps_table.h"
#include "iter/iter_task.h"

enum {
	OPT_PID = CLI_COMMON_MAX,
	OPT_COMM,
	OPT_INTERVAL,
	OPT_COLUMNS,
	OPT_SORT,
	OPT_FILTER,
	OPT_LIMIT,
	OPT_BACKEND
};

enum ps_backend { PS_AUTO, PS_BPF, PS_FALLBACK };

#define PS_MAX_COLS 32

struct ps_args {
	int64_t pid; /* -1: all */
	const char *comm;
	uint64_t interval_ns; /* 0: no cpu_percent */
	int cols[PS_MAX_COLS];
	int ncols; /* 0: the default set */
	int sort_col;
	bool sort_desc;
	struct ps_filter filters[PS_MAX_FILTERS];
	const char *filter_args[PS_MAX_FILTERS]; /* as given, for messages */
	int nfilters;
	uint64_t limit; /* 0: all */
	enum ps_backend backend;
};

/* First-scan CPU time per pid, for cpu_percent over --interval (psutil's Process.cpu_percent). */
struct cpu_mark {
	pid_t pid;
	double cpu, ctime;
	uint64_t rb, wb; /* io_counters read_bytes, write_bytes (io_ok) */
	bool io_ok;
};

static const struct cli_opt ps_opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	{ "pid", 'p', "PID", OPT_PID, "a process id", "only this process" },
	{ "comm", 'c', "NAME", OPT_COMM, "a process name", "only processes with this name" },
	{ "interval", 'i', "TIME", OPT_INTERVAL, "a duration such as 500ms or 1s",
	  "add cpu_percent measured over TIME (two scans, like top)" },
	{ "columns", 'C', "LIST", OPT_COLUMNS,
	  "a comma list of pid, ppid, user, status, threads, nice, cpu_user, cpu_system, time, "
	  "cpu_percent, rss, vms, shared, create_time, terminal, name, num_fds, memory_percent, "
	  "read_bytes, write_bytes, read_bps, write_bps (with --interval), exe, cgroup, container, "
	  "unit, cmdline, source",
	  "the columns to show, in order" },
	{ "sort", 0, "COL", OPT_SORT, "a column name, '-' first for descending (-rss)",
	  "sort by COL (default pid)" },
	{ "filter", 'F', "EXPR", OPT_FILTER,
	  "COL OP VALUE, OP one of = == != < <= > >=: a glob (= or !=) for name, user, status, "
	  "terminal; a number for the others (sizes with K/M/G: 'rss>100M', 'cpu>5')",
	  "keep processes whose COL compares so (repeatable: all must match)" },
	{ "limit", 'n', "N", OPT_LIMIT, "a whole number from 1", "show the first N processes" },
	{ "backend", 'b', "MODE", OPT_BACKEND, "auto, bpf or fallback",
	  "where the list comes from: the BPF task iterator (bpf), /proc (fallback), or the "
	  "iterator when it loads (auto)" },
	CLI_OPT_END,
};

static const int default_cols[] = { 0, 1, 2, 3, 4, 8, 10, 11, 15 }; /* see ps_cols[] */

static int ps_set(void *ctx, int id, const char *arg)
{
	struct ps_args *a = ctx;
	uint64_t v;
	int n;

	switch (id) {
	case OPT_PID:
		if (parse_u64(arg, 0, INT32_MAX, &v))
			return -EINVAL;
		a->pid = (int64_t)v;
		return 0;
	case OPT_COMM:
		a->comm = arg;
		return 0;
	case OPT_INTERVAL:
		if (parse_duration(arg, NSEC_PER_SEC, &a->interval_ns) || !a->interval_ns)
			return -EINVAL;
		return 0;
	case OPT_COLUMNS:
		n = ps_cols_parse(arg, a->cols, PS_MAX_COLS);
		if (n < 0)
			return n;
		a->ncols = n;
		return 0;
	case OPT_SORT:
		a->sort_desc = arg[0] == '-';
		a->sort_col = ps_col_by_name(arg + a->sort_desc);
		return a->sort_col < 0 ? -EINVAL : 0;
	case OPT_FILTER:
		if (a->nfilters == PS_MAX_FILTERS)
			return -E2BIG;
		a->filter_args[a->nfilters] = arg;
		return ps_filter_parse(arg, &a->filters[a->nfilters++]);
	case OPT_LIMIT:
		return parse_u64(arg, 1, UINT32_MAX, &a->limit);
	case OPT_BACKEND:
		if (!strcmp(arg, "auto"))
			a->backend = PS_AUTO;
		else if (!strcmp(arg, "bpf"))
			a->backend = PS_BPF;
		else if (!strcmp(arg, "fallback"))
			a->backend = PS_FALLBACK;
		else
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

static const struct cli_cmd ps_cmd = {
	.name = "ps",
	.usage = "vigil ps [--columns LIST] [--sort [-]COL] [--filter COL=PAT]... [--limit N] "
		 "[--interval TIME]",
	.summary = "List processes, like ps and top: pid, ppid, user, status, threads, cpu time,\n"
		   "memory and name by default.",
	.details = "Examples: vigil ps --sort -rss --limit 10\n"
		   "          vigil ps --filter user=root --filter 'name=kworker*' -C pid,name\n"
		   "          vigil ps --interval 1s --sort -cpu_percent -n 5",
	.examples = "vigil ps --sort -rss -n 10\n"
		    "vigil ps -F 'rss>100M' -C pid,name,rss\n"
		    "vigil ps -i 1s --sort -cpu_percent",
	.opts = ps_opts,
	.set = ps_set,
};

static uint32_t ps_attrs(const struct ps_args *a)
{
	uint32_t attrs = FB_PI_NAME; /* --comm and pidof-style matching */

	for (int i = 0; i < a->ncols; i++)
		attrs |= ps_cols[a->cols[i]].attr;
	for (int i = 0; i < a->nfilters; i++)
		attrs |= ps_cols[a->filters[i].col].attr;
	return attrs | ps_cols[a->sort_col].attr;
}

/* cgroup, container and unit: one read of /proc/PID/cgroup, names derived from the path. */
static void ps_cgroup(struct ps_row *r, uint32_t want)
{
	struct fb_cgroup_name n;
	char path[1024], c[32];

	if (fb_cgroup_path(r->pi.pid, path, sizeof(path)))
		return;
	if ((want & PS_X_CGROUP) && (r->x.cgroup = strdup(path)))
		r->x.valid |= PS_X_CGROUP;
	fb_cgroup_name_parse(path, &n);
	if ((want & PS_X_CONTAINER) && *fb_cgroup_name_container(&n, c, sizeof(c)) &&
	    (r->x.container = strdup(c)))
		r->x.valid |= PS_X_CONTAINER;
	if ((want & PS_X_UNIT) && n.unit[0] && (r->x.unit = strdup(n.unit)))
		r->x.valid |= PS_X_UNIT;
}

/* The columns the iterator does not read, for the rows that need them (PS_X_* in want). */
static void ps_extras(struct ps_row *r, uint32_t want, uint64_t mem_total)
{
	struct fb_proc *h = fb_proc__new(r->pi.pid);
	struct fb_strv argv = { 0 };

	r->x.valid = 0;
	if (!h)
		return;
	if ((want & PS_X_CMDLINE) && !fb_proc__cmdline(h, &argv)) {
		char line[1024];
		size_t off = 0;

		line[0] = '\0';
		for (size_t i = 0; i < argv.n && off + 1 < sizeof(line); i++)
			off += (size_t)snprintf(line + off, sizeof(line) - off, "%s%s",
						i ? " " : "", argv.v[i]);
		r->x.cmdline = strdup(line);
		if (r->x.cmdline)
			r->x.valid |= PS_X_CMDLINE;
	}
	fb_strv_free(&argv);
	if (want & PS_X_EXE) {
		char exe[256];

		if (!fb_proc__exe(h, exe, sizeof(exe)) && (r->x.exe = strdup(exe)))
			r->x.valid |= PS_X_EXE;
	}
	if ((want & PS_X_NUM_FDS) && !fb_proc__num_fds(h, &r->x.num_fds))
		r->x.valid |= PS_X_NUM_FDS;
	if ((want & PS_X_MEMORY_PERCENT) && mem_total && (r->pi.valid & FB_PI_MEMORY_INFO)) {
		/* psutil's memory_percent(): rss over virtual_memory().total */
		r->x.memory_percent = (double)r->pi.memory_info.rss * 100.0 / (double)mem_total;
		r->x.valid |= PS_X_MEMORY_PERCENT;
	}
	if (want & (PS_X_CGROUP | PS_X_CONTAINER | PS_X_UNIT))
		ps_cgroup(r, want);
	fb_proc__free(h);
}

/* read_bps, write_bps: the io_counters delta since the first scan, over dt seconds. */
static void ps_io_rates(struct ps_row *r, const struct cpu_mark *m, size_t n, double dt)
{
	size_t lo = 0, hi = n;
	uint64_t rb, wb;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m[mid].pid < r->pi.pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n || m[lo].pid != r->pi.pid || m[lo].ctime != r->pi.create_time || !m[lo].io_ok ||
	    dt <= 0 || !(r->pi.valid & FB_PI_IO_COUNTERS))
		return;
	rb = r->pi.io_counters.read_bytes;
	wb = r->pi.io_counters.write_bytes;
	r->x.read_bps = (double)(rb >= m[lo].rb ? rb - m[lo].rb : 0) / dt;
	r->x.write_bps = (double)(wb >= m[lo].wb ? wb - m[lo].wb : 0) / dt;
	r->x.valid |= PS_X_IO;
}

/* The extra columns asked for, in JSON with psutil's names (null when unreadable). */
static void ps_json_extras(struct jw *w, uint32_t want, const struct ps_extra *x)
{
	if (want & PS_X_CMDLINE)
		(x->valid & PS_X_CMDLINE) ? jw__str(w, "cmdline", x->cmdline)
					  : jw__null(w, "cmdline");
	if (want & PS_X_EXE)
		(x->valid & PS_X_EXE) ? jw__str(w, "exe", x->exe) : jw__null(w, "exe");
	if (want & PS_X_NUM_FDS)
		(x->valid & PS_X_NUM_FDS) ? jw__s64(w, "num_fds", x->num_fds)
					  : jw__null(w, "num_fds");
	if (want & PS_X_MEMORY_PERCENT)
		(x->valid & PS_X_MEMORY_PERCENT) ? jw__f64(w, "memory_percent", x->memory_percent)
						 : jw__null(w, "memory_percent");
	if (want & PS_X_IO) {
		(x->valid & PS_X_IO) ? jw__f64(w, "read_bps", x->read_bps)
				     : jw__null(w, "read_bps");
		(x->valid & PS_X_IO) ? jw__f64(w, "write_bps", x->write_bps)
				     : jw__null(w, "write_bps");
	}
	if (want & PS_X_CGROUP)
		(x->valid & PS_X_CGROUP) ? jw__str(w, "cgroup", x->cgroup) : jw__null(w, "cgroup");
	if (want & PS_X_CONTAINER)
		(x->valid & PS_X_CONTAINER) ? jw__str(w, "container", x->container)
					    : jw__null(w, "container");
	if (want & PS_X_UNIT)
		(x->valid & PS_X_UNIT) ? jw__str(w, "unit", x->unit) : jw__null(w, "unit");
}

static void ps_table_cell(struct sink *s, const struct ps_col *col, const struct ps_row *r,
			  bool known)
{
	int w = col->width < 0 ? -col->width : col->width;
	char buf[32], pad[64];

	if (!known) {
		sink__printf(s, "%*s ", col->width, "-");
		return;
	}
	switch (col->type) {
	case PS_INT:
		sink__printf(s, "%*.0f ", col->width, col->num(r));
		return;
	case PS_SECONDS:
		human_duration((uint64_t)(col->num(r) * 1e9), buf, sizeof(buf));
		human_pad(pad, sizeof(pad), buf, w, col->width < 0);
		sink__printf(s, "%s ", pad);
		return;
	case PS_EPOCH: {
		time_t t = (time_t)col->num(r);
		struct tm tm;

		if (!port_localtime(&t, &tm) || !strftime(buf, sizeof(buf), "%m-%d %H:%M:%S", &tm))
			snprintf(buf, sizeof(buf), "-");
		sink__printf(s, "%*s ", col->width, buf);
		return;
	}
	case PS_PERCENT:
		sink__printf(s, "%*.1f ", col->width, col->num(r));
		return;
	case PS_BYTES:
		fb_bytes2human((uint64_t)col->num(r), buf, sizeof(buf));
		sink__printf(s, "%*s ", col->width, buf);
		return;
	case PS_TEXT: {
		/* a name may hold a newline or ESC: control bytes escaped (escape.h), one line */
		int n = (int)esc_write(s, col->text(r), SIZE_MAX);

		sink__printf(s, "%*s ", w > n ? w - n : 0, "");
	}
	}
}

static void ps_csv_cell(struct sink *s, const struct ps_col *col, const struct ps_row *r)
{
	switch (col->type) {
	case PS_TEXT:
		csv_write_string(s, col->text(r), SIZE_MAX);
		return;
	case PS_INT:
	case PS_BYTES:
		sink__s64(s, (int64_t)col->num(r));
		return;
	default:
		sink__f64(s, col->num(r));
	}
}

static void ps_print_header(struct output *o, const struct ps_args *a)
{
	for (int i = 0; i < a->ncols; i++) {
		const struct ps_col *col = &ps_cols[a->cols[i]];

		if (o->fmt == FMT_CSV)
			sink__printf(o->sink, "%s%s", i ? "," : "", col->name);
		else
			sink__printf(o->sink, "%*s ", col->width, col->header);
	}
	if (o->fmt == FMT_CSV)
		sink__puts(o->sink, "\r\n");
	else
		sink__end_line(o->sink);
}

static void ps_print_row(struct output *o, struct jw *w, const struct ps_args *a,
			 const struct ps_row *r)
{
	struct sink *s = o->sink;

	if (o->fmt == FMT_JSON || o->fmt == FMT_NDJSON) {
		if (o->fmt == FMT_NDJSON)
			jw__init(w, s, false);
		jw__obj_begin(w, NULL);
		fbjson_proc_info_fields(w, &r->pi, ps_attrs(a) & r->pi.valid & ~(uint32_t)PS_X_ALL,
					r->cpu_percent);
		ps_json_extras(w, ps_attrs(a) & PS_X_ALL, &r->x);
		jw__str(w, "source", r->source);
		jw__obj_end(w);
		if (o->fmt == FMT_NDJSON)
			sink__putc(s, '\n');
		return;
	}
	for (int i = 0; i < a->ncols; i++) {
		bool known = ps_row__has(r, a->cols[i]);

		if (o->fmt == FMT_CSV) {
			if (i)
				sink__putc(s, ',');
			if (known)
				ps_csv_cell(s, &ps_cols[a->cols[i]], r);
		} else {
			ps_table_cell(s, &ps_cols[a->cols[i]], r, known);
		}
	}
	if (o->fmt == FMT_CSV)
		sink__puts(s, "\r\n");
	else
		sink__end_line(s);
}

static double ps_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void ps_sleep(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / NSEC_PER_SEC),
			       .tv_nsec = (long)(ns % NSEC_PER_SEC) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Remember every process' CPU time and identity (pid order, as the scan gives them). */
static int ps_first_scan(struct fb_proc_iter *it, bool io, struct cpu_mark **out, size_t *n,
			 double *t0)
{
	const struct fb_proc_info *pi;
	size_t cap = 256;
	struct cpu_mark *v = malloc(cap * sizeof(*v));

	*n = 0;
	if (!v)
		return -ENOMEM;
	while ((pi = fb_proc_iter__next(it))) {
		if (*n == cap) {
			struct cpu_mark *nv = realloc(v, cap * 2 * sizeof(*v));

			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
			cap *= 2;
		}
		v[*n].pid = pi->pid;
		v[*n].cpu = pi->cpu_times.user + pi->cpu_times.system;
		v[*n].ctime = pi->create_time;
		v[*n].io_ok = io && (pi->valid & FB_PI_IO_COUNTERS);
		v[*n].rb = pi->io_counters.read_bytes;
		v[*n].wb = pi->io_counters.write_bytes;
		(*n)++;
	}
	*t0 = ps_now();
	*out = v;
	return 0;
}

/*
 * psutil's Process.cpu_percent: CPU seconds over wall seconds, may exceed 100; -1 for a
 * process born during the interval (or a reused pid): nothing to compare with.
 */
static double ps_percent(const struct cpu_mark *m, size_t n, const struct fb_proc_info *pi,
			 double dt)
{
	size_t lo = 0, hi = n;
	double pct;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m[mid].pid < pi->pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n || m[lo].pid != pi->pid || m[lo].ctime != pi->create_time || dt <= 0)
		return -1;
	pct = (pi->cpu_times.user + pi->cpu_times.system - m[lo].cpu) / dt * 100.0;
	return pct < 0 ? 0 : (double)(long)(pct * 10.0 + 0.5) / 10.0;
}

static bool ps_keeps(const struct ps_args *a, const struct ps_row *r)
{
	if (a->pid >= 0 && r->pi.pid != a->pid)
		return false;
	if (a->comm && strcmp(r->pi.name, a->comm))
		return false;
	for (int i = 0; i < a->nfilters; i++) {
		if (!ps_filter__matches(&a->filters[i], r))
			return false;
	}
	return true;
}

/* The process scan from the source --backend asks for; NULL (errno set) when it cannot be had. */
static struct fb_proc_iter *ps_iter_new(enum ps_backend backend, uint32_t attrs)
{
	struct fb_proc_iter *it;

	fb_proc_iter__set_feed(backend == PS_FALLBACK ? NULL : iter_task__feed());
	it = fb_proc_iter__new(attrs);
	if (it && backend == PS_BPF && strcmp(fb_proc_iter__source(it), "bpf_iter")) {
		pr_err("ps: --backend bpf: %s", iter_task__why());
		fb_proc_iter__free(it);
		errno = ENOTSUP;
		return NULL;
	}
	if (it && backend == PS_AUTO && strcmp(fb_proc_iter__source(it), "bpf_iter"))
		pr_info("ps: listing from %s (%s)", fb_proc_iter__source(it), iter_task__why());
	return it;
}

/* Scan (twice with --interval), keep, sort. *rows is the caller's to free. */
static int ps_collect(const struct ps_args *a, struct ps_row **rows, size_t *n)
{
	struct fb_proc_iter *it = ps_iter_new(a->backend, ps_attrs(a) & ~(uint32_t)PS_X_ALL);
	uint32_t want = ps_attrs(a) & PS_X_ALL;
	const struct fb_proc_info *pi;
	struct cpu_mark *marks = NULL;
	size_t nmarks = 0, cap = 512;
	double t0 = 0, t1 = 0;
	uint64_t mem_total = 0;
	struct fb_vmem vm;
	int err = 0;

	if ((want & PS_X_MEMORY_PERCENT) && !fb_virtual_memory(&vm))
		mem_total = vm.total;

	*n = 0;
	*rows = malloc(cap * sizeof(**rows));
	if (!it || !*rows) {
		err = -errno;
		goto out;
	}
	if (a->interval_ns) {
		err = ps_first_scan(it, want & PS_X_IO, &marks, &nmarks, &t0);
		if (err)
			goto out;
		ps_sleep(a->interval_ns);
		fb_proc_iter__rewind(it);
		t1 = ps_now();
	}
	while ((pi = fb_proc_iter__next(it))) {
		struct ps_row *r = &(*rows)[*n];

		if (*n == cap) {
			struct ps_row *more = realloc(*rows, 2 * cap * sizeof(**rows));

			if (!more) {
				err = -ENOMEM;
				goto out;
			}
			*rows = more;
			cap *= 2;
			r = &(*rows)[*n];
		}
		r->pi = *pi;
		r->source = pi->source ? pi->source : fb_proc_iter__source(it);
		r->cpu_percent = a->interval_ns ? ps_percent(marks, nmarks, pi, t1 - t0) : -1;
		memset(&r->x, 0, sizeof(r->x));
		if (want)
			ps_extras(r, want, mem_total);
		if (want & PS_X_IO)
			ps_io_rates(r, marks, nmarks, t1 - t0);
		if (ps_keeps(a, r))
			(*n)++;
		else
			ps_row__clear(r);
	}
	ps_rows_sort(*rows, *n, a->sort_col, a->sort_desc);
out:
	fb_proc_iter__free(it);
	free(marks);
	return err;
}

int cmd_ps(int argc, char **argv)
{
	struct ps_args a = { .pid = -1 };
	struct cli_common common = { 0 };
	struct ps_row *rows = NULL;
	struct output out;
	size_t n, shown;
	struct jw w;
	bool help;
	int first, err;

	first = cli_parse(&ps_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc) {
		cli_error(&ps_cmd, "unexpected argument '%s'", argv[first]);
		return EXIT_USAGE;
	}
	if (!a.ncols) {
		for (size_t i = 0; i < sizeof(default_cols) / sizeof(default_cols[0]); i++)
			a.cols[a.ncols++] = default_cols[i];
		if (a.interval_ns)
			a.cols[a.ncols++] = ps_col_by_name("cpu_percent");
	}
	for (int i = 0; i < a.ncols; i++) {
		if (!a.interval_ns && !strcmp(ps_cols[a.cols[i]].name, "cpu_percent")) {
			cli_error(&ps_cmd,
				  "cpu_percent needs --interval (it is measured over time)");
			return EXIT_USAGE;
		}
	}
	if (!a.interval_ns && !strcmp(ps_cols[a.sort_col].name, "cpu_percent")) {
		cli_error(&ps_cmd,
			  "--sort cpu_percent needs --interval (it is measured over time)");
		return EXIT_USAGE;
	}
	if (!a.interval_ns && (ps_attrs(&a) & PS_X_IO)) {
		cli_error(&ps_cmd, "read_bps and write_bps need --interval (they are measured over "
				   "time)");
		return EXIT_USAGE;
	}
	for (int i = 0; i < a.nfilters; i++) {
		if (!a.interval_ns && !strcmp(ps_cols[a.filters[i].col].name, "cpu_percent")) {
			cli_error(&ps_cmd,
				  "--filter '%s': cpu_percent needs --interval (it is "
				  "measured over time)",
				  a.filter_args[i]);
			return EXIT_USAGE;
		}
	}
	log_set_level(common.verbose);
	if (output__open(&out, &ps_cmd, &common, FMT_NDJSON, 0))
		return 1;
	err = ps_collect(&a, &rows, &n);
	if (err == -ENOTSUP && a.backend == PS_BPF) {
		ps_rows_free(rows, n);
		output__close(&out);
		return 1;
	}
	if (!err)
		pr_info("ps: %zu %s kept by the filters%s", n, n == 1 ? "process" : "processes",
			a.interval_ns ? " (cpu_percent from two scans)" : "");
	if (err) {
		pr_err("ps: cannot list processes: %s", strerror(-err));
		ps_rows_free(rows, n);
		output__close(&out);
		return 1;
	}
	if (!n && (a.pid >= 0 || a.comm)) {
		/* As ps -p and ps -C: naming what is not there is an error, not an empty list. */
		if (a.pid >= 0)
			pr_err("ps: no such process: %lld", (long long)a.pid);
		else
			pr_err("ps: no process named '%s'", a.comm);
		ps_rows_free(rows, n);
		output__close(&out);
		return 1;
	}
	shown = a.limit && a.limit < n ? a.limit : n;
	if (out.fmt == FMT_JSON) {
		jw__init(&w, out.sink, false);
		jw__arr_begin(&w, NULL);
	} else if (out.fmt == FMT_CSV || out.fmt == FMT_TABLE) {
		ps_print_header(&out, &a);
	}
	for (size_t i = 0; i < shown; i++)
		ps_print_row(&out, &w, &a, &rows[i]);
	if (out.fmt == FMT_JSON) {
		jw__arr_end(&w);
		sink__putc(out.sink, '\n');
	}
	ps_rows_free(rows, n);
	return output__close(&out) ? 1 : 0;
}

static const struct cli_opt pidof_opts[] = { CLI_OPT_END };

static const struct cli_cmd pidof_cmd = {
	.name = "pidof",
	.usage = "vigil pidof NAME",
	.summary = "Print the pids of the processes called NAME (exit 1 if none).",
	.examples = "vigil pidof sshd\n"
		    "vigil pidof nginx",
	.opts = pidof_opts,
};

int cmd_pidof(int argc, char **argv)
{
	struct cli_common common = { 0 };
	const struct fb_proc_info *pi;
	struct fb_proc_iter *it;
	bool help, any = false;
	int first;

	first = cli_parse(&pidof_cmd, argc, argv, &common, NULL, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first + 1 != argc) {
		cli_error(&pidof_cmd, "expects exactly one NAME");
		return EXIT_USAGE;
	}
	it = ps_iter_new(PS_AUTO, FB_PI_NAME);
	if (!it)
		return 1;
	while ((pi = fb_proc_iter__next(it))) {
		if (!(pi->valid & FB_PI_NAME) || strcmp(pi->name, argv[first]))
			continue;
		printf("%s%d", any ? " " : "", (int)pi->pid);
		any = true;
	}
	fb_proc_iter__free(it);
	if (any)
		putchar('\n');
	return any ? 0 : 1;
}
