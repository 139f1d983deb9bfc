// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_iostat.c: `vigil iostat [-c] [-d] [-x] [-k|-m] [-N] [-p [DEV]] [-t] [-y] [-z] [DEV...]
 * [INTERVAL [COUNT]]`: sysstat iostat's reports (its banner line, avg-cpu, then per device
 * tps/kB_read/s... or, with -x, r/s rkB/s ... aqu-sz %util) from disk_io_counters(perdisk,
 * nowrap) deltas. One nowrap state
 * lives for the whole run, so a counter that wraps between two reports still gives the right
 * delta. The first report is since boot, as iostat's is; -y leaves it out. CSV and JSON give
 * one `iostat` record per device and report (and, in JSON, one `iostat_cpu` per report).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <time.h>
#include <sys/utsname.h>

#include "core/record.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/parse.h"
#include "core/log.h"
#include "core/stop.h"
#include "core/wallclock.h"
#include "export/escape.h"
#include "export/json.h"
#include "export/output.h"
#include "fallback.h"
#include "view/iostat.h"

enum {
	OPT_EXT = CLI_COMMON_MAX,
	OPT_DEVONLY,
	OPT_KB,
	OPT_MB,
	OPT_PART,
	OPT_SKIP_FIRST,
	OPT_OMIT_IDLE,
	OPT_CPUONLY,
	OPT_TIMES,
	OPT_DMNAME,
};

#define IOSTAT_MAX_DEVS 32

struct iostat_args {
	bool ext, devonly, mb, part, skip_first, omit_idle, cpuonly, times, dmname;
	bool part_all;	      /* -p ALL: every device, used or not, as sysstat lists them */
	uint64_t interval_ns; /* 0: one report */
	uint64_t count;	      /* 0: until a signal (with an interval) */
	const char *devs[IOSTAT_MAX_DEVS];
	int ndevs;
};

static const struct cli_opt iostat_opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	{ "extended", 'x', NULL, OPT_EXT, NULL, "the extended statistics (iostat -x)" },
	{ "cpu", 'c', NULL, OPT_CPUONLY, NULL, "the CPU report only (with -d or -x: both)" },
	{ "devices", 'd', NULL, OPT_DEVONLY, NULL, "the device report only (no avg-cpu)" },
	{ "kilobytes", 'k', NULL, OPT_KB, NULL, "sizes in kilobytes (the default)" },
	{ "megabytes", 'm', NULL, OPT_MB, NULL, "sizes in megabytes" },
	{ "partitions", 'p', NULL, OPT_PART, NULL,
	  "partitions too: of every disk, or of the DEVs named (ALL: every one)" },
	{ "omit-first", 'y', NULL, OPT_SKIP_FIRST, NULL,
	  "leave out the first report (since boot)" },
	{ "omit-idle", 'z', NULL, OPT_OMIT_IDLE, NULL, "leave out devices idle in the interval" },
	{ "time", 't', NULL, OPT_TIMES, NULL,
	  "the time of each report above it (tables; records always carry it)" },
	{ "mapper-names", 'N', NULL, OPT_DMNAME, NULL,
	  "device-mapper devices by their names (dm-0 as vg-root)" },
	CLI_OPT_END,
};

static int iostat_set(void *ctx, int id, const char *arg)
{
	struct iostat_args *a = ctx;

	(void)arg;
	switch (id) {
	case OPT_EXT:
		a->ext = true;
		return 0;
	case OPT_DEVONLY:
		a->devonly = true;
		return 0;
	case OPT_KB:
		a->mb = false;
		return 0;
	case OPT_MB:
		a->mb = true;
		return 0;
	case OPT_PART:
		a->part = true;
		return 0;
	case OPT_SKIP_FIRST:
		a->skip_first = true;
		return 0;
	case OPT_OMIT_IDLE:
		a->omit_idle = true;
		return 0;
	case OPT_CPUONLY:
		a->cpuonly = true;
		return 0;
	case OPT_TIMES:
		a->times = true;
		return 0;
	case OPT_DMNAME:
		a->dmname = true;
		return 0;
	}
	return -EINVAL;
}

static const struct cli_cmd iostat_cmd = {
	.name = "iostat",
	.usage = "vigil iostat [-c] [-d] [-x] [-k|-m] [-N] [-p [DEV|ALL]] [-t] [-y] [-z] [DEV...] "
		 "[INTERVAL [COUNT]]",
	.summary =
		"Disk statistics as sysstat's iostat reports them, from /proc/diskstats through\n"
		"disk_io_counters(nowrap): avg-cpu, then per device tps, kB_read/s, kB_wrtn/s,\n"
		"kB_dscd/s and totals; with -x, r/s rkB/s rrqm/s %rrqm r_await rareq-sz, the\n"
		"same for w and d, f/s f_await aqu-sz %util. The table starts with iostat's\n"
		"banner: system, release, host, date, machine and (N CPU).",
	.details = "The first report is since boot; then one every INTERVAL (seconds, or 500ms),\n"
		   "COUNT times (default: until Ctrl-C). A column the kernel does not give (d/s\n"
		   "before 4.18, f/s before 5.5) is '-' in the table and null in JSON. CSV holds\n"
		   "the device rows only (so -c without -d needs JSON); JSON and NDJSON add an\n"
		   "iostat_cpu record per report. Dates follow LC_TIME, or S_TIME_FORMAT=ISO.",
	.examples = "vigil iostat -x\n"
		    "vigil iostat -x -y 2 5\n"
		    "vigil iostat -f json sda",
	.opts = iostat_opts,
	.set = iostat_set,
};

/* A column: its header (kB and MB spellings), width, and where its value comes from. */
struct iostat_col {
	const char *kb_name, *mb_name;
	int width;
	size_t off;    /* offsetof(struct iostat_ext, ...) of a double */
	uint32_t need; /* FB_DIO_* the value is computed from */
	bool scaled;   /* a kB value: /1024 with -m */
	bool integer;  /* printed without decimals (the basic report's totals) */
};

#define COL(n, m, w, f, need, sc)                                                                  \
	{                                                                                          \
		n, m, w, offsetof(struct iostat_ext, f), need, sc, false                           \
	}
#define RT FB_DIO_READ_TIME
#define WT FB_DIO_WRITE_TIME
#define MG FB_DIO_MERGED
#define DC FB_DIO_DISCARD

static const struct iostat_col ext_cols[] = {
	COL("r/s", NULL, 8, r_s, 0, false),
	COL("rkB/s", "rMB/s", 10, rkb_s, 0, true),
	COL("rrqm/s", NULL, 9, rrqm_s, MG, false),
	COL("%rrqm", NULL, 7, rrqm_pct, MG, false),
	COL("r_await", NULL, 8, r_await, RT, false),
	COL("rareq-sz", NULL, 9, rareq_sz, 0, false),
	COL("w/s", NULL, 8, w_s, 0, false),
	COL("wkB/s", "wMB/s", 10, wkb_s, 0, true),
	COL("wrqm/s", NULL, 9, wrqm_s, MG, false),
	COL("%wrqm", NULL, 7, wrqm_pct, MG, false),
	COL("w_await", NULL, 8, w_await, WT, false),
	COL("wareq-sz", NULL, 9, wareq_sz, 0, false),
	COL("d/s", NULL, 8, d_s, DC, false),
	COL("dkB/s", "dMB/s", 10, dkb_s, DC, true),
	COL("drqm/s", NULL, 9, drqm_s, DC, false),
	COL("%drqm", NULL, 7, drqm_pct, DC, false),
	COL("d_await", NULL, 8, d_await, DC, false),
	COL("dareq-sz", NULL, 9, dareq_sz, DC, false),
	COL("f/s", NULL, 8, f_s, FB_DIO_FLUSH, false),
	COL("f_await", NULL, 8, f_await, FB_DIO_FLUSH, false),
	COL("aqu-sz", NULL, 8, aqu_sz, FB_DIO_WEIGHTED_TIME, false),
	COL("%util", NULL, 7, util, FB_DIO_BUSY_TIME, false),
	{ NULL, NULL, 0, 0, 0, false, false },
};

static const struct iostat_col basic_cols[] = {
	COL("tps", NULL, 9, tps, 0, false),
	COL("kB_read/s", "MB_read/s", 13, rkb_s, 0, true),
	COL("kB_wrtn/s", "MB_wrtn/s", 13, wkb_s, 0, true),
	COL("kB_dscd/s", "MB_dscd/s", 13, dkb_s, DC, true),
	{ "kB_read", "MB_read", 11, offsetof(struct iostat_ext, kb_read), 0, true, true },
	{ "kB_wrtn", "MB_wrtn", 11, offsetof(struct iostat_ext, kb_wrtn), 0, true, true },
	{ "kB_dscd", "MB_dscd", 11, offsetof(struct iostat_ext, kb_dscd), DC, true, true },
	{ NULL, NULL, 0, 0, 0, false, false },
};

static const char *const cpu_cols[] = { "%user",  "%nice", "%system", "%iowait",
					"%steal", "%idle", NULL };

struct iostat_run {
	const struct iostat_args *a;
	struct output *out;
	const struct iostat_col *cols;
	struct fb_nowrap *nw;
	struct fb_disk_io *prev; /* the last sample, nowrap'd; NULL before the first */
	size_t nprev;
	struct fb_cpu_times cpu_prev;
	uint64_t boot_prev_ns;
	struct wallclock clock;
	struct jw w; /* JSON: the one array over the whole run */
	uint64_t shown;
};

static uint64_t boot_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static const char *col_name(const struct iostat_run *r, const struct iostat_col *c)
{
	return r->a->mb && c->mb_name ? c->mb_name : c->kb_name;
}

static double col_value(const struct iostat_run *r, const struct iostat_col *c,
			const struct iostat_ext *e)
{
	const char *base = (const char *)e;
	double v;

	if (c->integer) {
		uint64_t u;

		memcpy(&u, base + c->off, sizeof(u));
		return (double)(r->a->mb ? u / 1024 : u);
	}
	memcpy(&v, base + c->off, sizeof(v));
	return r->a->mb && c->scaled ? v / 1024.0 : v;
}

static bool col_is_valid(const struct iostat_col *c, const struct iostat_ext *e)
{
	return (e->valid & c->need) == c->need;
}

static bool cpu_is_shown(const struct iostat_args *a)
{
	return !a->devonly || a->cpuonly;
}

/* -x asks for the device report too, as in sysstat: -c -x prints both */
static bool devs_are_shown(const struct iostat_args *a)
{
	return !a->cpuonly || a->devonly || a->ext;
}

/* The name a device is shown under: with -N, a device-mapper device by its name. */
static const char *dev_name(const struct iostat_args *a, const char *name, char *buf, size_t len)
{
	return a->dmname && !iostat_dm_name(name, buf, len) ? buf : name;
}

static bool dev_is_shown(const struct iostat_args *a, const struct fb_disk_io *d, const char *shown)
{
	if (a->ndevs) {
		for (int i = 0; i < a->ndevs; i++) {
			if (!strcmp(d->name, a->devs[i]) || !strcmp(shown, a->devs[i]))
				return true;
			if (a->part && d->partition && iostat_part_is_of(d->name, a->devs[i]))
				return true;
		}
		return false;
	}
	if (a->part_all)
		return true;
	return iostat_dev_is_used(d) && (!d->partition || a->part);
}

static const struct fb_disk_io *find_prev(const struct iostat_run *r, const char *name)
{
	for (size_t i = 0; i < r->nprev; i++) {
		if (!strcmp(r->prev[i].name, name))
			return &r->prev[i];
	}
	return NULL;
}

static void table_cpu(struct iostat_run *r, const struct iostat_cpu *c)
{
	struct sink *s = r->out->sink;

	sink__printf(s, "avg-cpu:  %%user   %%nice %%system %%iowait  %%steal   %%idle\n");
	sink__printf(s, "        %7.2f %7.2f %7.2f %7.2f %7.2f %7.2f\n\n", c->user, c->nice,
		     c->system, c->iowait, c->steal, c->idle);
}

/*
 * iostat's first line: "Linux 6.18.0 (host) \t12/04/26 \t_x86_64_\t(2 CPU)", then a blank
 * line. The date is the locale's (%x), or ISO 8601 with S_TIME_FORMAT=ISO, as sysstat's.
 */
static void table_banner(struct iostat_run *r)
{
	const char *iso = getenv("S_TIME_FORMAT");
	struct utsname u;
	char date[64];
	time_t t = time(NULL);
	struct tm tm;
	int ncpu = fb_cpu_count(true);

	if (uname(&u))
		return;
	if (!localtime_r(&t, &tm) ||
	    !strftime(date, sizeof(date), iso && !strcmp(iso, "ISO") ? "%Y-%m-%d" : "%x", &tm))
		date[0] = '\0';
	sink__printf(r->out->sink, "%s %s (%s) \t%s \t_%s_\t(%d CPU)\n\n", u.sysname, u.release,
		     u.nodename, date, u.machine, ncpu > 0 ? ncpu : 1);
}

/* -t: the report's local time on a line of its own, as iostat -t prints it. */
static void table_time(struct iostat_run *r)
{
	const char *iso = getenv("S_TIME_FORMAT");
	char buf[96];
	time_t t = time(NULL);
	struct tm tm;

	if (!localtime_r(&t, &tm) ||
	    !strftime(buf, sizeof(buf), iso && !strcmp(iso, "ISO") ? "%FT%T%z" : "%x %X", &tm))
		return;
	sink__printf(r->out->sink, "%s\n", buf);
}

static void table_header(struct iostat_run *r)
{
	sink__printf(r->out->sink, "%-13s", "Device");
	for (const struct iostat_col *c = r->cols; c->kb_name; c++)
		sink__printf(r->out->sink, "%*s", c->width, col_name(r, c));
	sink__putc(r->out->sink, '\n');
}

static void table_row(struct iostat_run *r, const char *name, const struct iostat_ext *e)
{
	char dev[ESC_MAX_PER_BYTE * 64 + 1];
	struct sink *s = r->out->sink;

	sink__printf(s, "%-13s", esc_buf(dev, sizeof(dev), name));
	for (const struct iostat_col *c = r->cols; c->kb_name; c++) {
		if (!col_is_valid(c, e))
			sink__printf(s, "%*s", c->width, "-");
		else
			sink__printf(s, "%*.*f", c->width, c->integer ? 0 : 2, col_value(r, c, e));
	}
	sink__putc(s, '\n');
}

static void csv_header(struct iostat_run *r)
{
	sink__puts(r->out->sink, "time,ts_ns,kind,source,schema,device,interval_ns");
	for (const struct iostat_col *c = r->cols; c->kb_name; c++) {
		sink__putc(r->out->sink, ',');
		sink__puts(r->out->sink, col_name(r, c));
	}
	sink__puts(r->out->sink, "\r\n");
}

static void csv_row(struct iostat_run *r, const char *when, uint64_t now, uint64_t itv,
		    const char *name, const struct iostat_ext *e)
{
	struct sink *s = r->out->sink;

	sink__printf(s, "%s,%llu,iostat,diskstats,%d,", when, (unsigned long long)now, VREC_SCHEMA);
	csv_write_string(s, name, 64);
	sink__printf(s, ",%llu", (unsigned long long)itv);
	for (const struct iostat_col *c = r->cols; c->kb_name; c++) {
		sink__putc(s, ',');
		if (col_is_valid(c, e))
			sink__printf(s, "%.2f", col_value(r, c, e));
	}
	sink__puts(s, "\r\n");
}

/* Start one JSON object: top level in NDJSON, an array element in JSON. */
static struct jw *json_begin(struct iostat_run *r, const char *when, uint64_t now, uint64_t itv,
			     const char *kind, const char *source)
{
	if (r->out->fmt == FMT_NDJSON)
		jw__init(&r->w, r->out->sink, false);
	jw__obj_begin(&r->w, NULL);
	jw__str(&r->w, "time", when);
	jw__u64(&r->w, "ts_ns", now);
	jw__str(&r->w, "kind", kind);
	jw__str(&r->w, "source", source);
	jw__u64(&r->w, "schema", VREC_SCHEMA);
	jw__u64(&r->w, "interval_ns", itv);
	return &r->w;
}

static void json_end(struct iostat_run *r)
{
	jw__obj_end(&r->w);
	if (r->out->fmt == FMT_NDJSON)
		sink__putc(r->out->sink, '\n');
}

static void json_cpu(struct iostat_run *r, const char *when, uint64_t now, uint64_t itv,
		     const struct iostat_cpu *c)
{
	const double v[] = { c->user, c->nice, c->system, c->iowait, c->steal, c->idle };
	struct jw *w = json_begin(r, when, now, itv, "iostat_cpu", "procfs");

	for (int i = 0; cpu_cols[i]; i++)
		jw__f64(w, cpu_cols[i], v[i]);
	json_end(r);
}

static void json_row(struct iostat_run *r, const char *when, uint64_t now, uint64_t itv,
		     const char *name, const struct iostat_ext *e)
{
	struct jw *w = json_begin(r, when, now, itv, "iostat", "diskstats");

	jw__str(w, "device", name);
	for (const struct iostat_col *c = r->cols; c->kb_name; c++) {
		if (col_is_valid(c, e))
			jw__f64(w, col_name(r, c), col_value(r, c, e));
		else
			jw__null(w, col_name(r, c));
	}
	json_end(r);
}

/* Print one report over cur (against r->prev), unless it is the skipped first one. */
static void iostat_report(struct iostat_run *r, const struct fb_disk_io *cur, size_t n,
			  const struct fb_cpu_times *cpu, uint64_t boot_ns, uint64_t now)
{
	uint64_t itv = boot_ns - r->boot_prev_ns;
	enum out_format fmt = r->out->fmt;
	char when[WALLCLOCK_LEN];
	struct iostat_cpu c;

	if (!itv)
		itv = 1;
	wallclock__format(&r->clock, now, when);
	if (fmt == FMT_TABLE && r->a->times)
		table_time(r);
	if (cpu_is_shown(r->a)) {
		iostat_cpu_compute(r->prev ? &r->cpu_prev : NULL, cpu, &c);
		if (fmt == FMT_TABLE)
			table_cpu(r, &c);
		else if (fmt != FMT_CSV)
			json_cpu(r, when, now, itv, &c);
	}
	if (fmt == FMT_TABLE && devs_are_shown(r->a))
		table_header(r);
	for (size_t i = 0; i < n && devs_are_shown(r->a); i++) {
		char dm[128];
		const char *name = dev_name(r->a, cur[i].name, dm, sizeof(dm));
		struct iostat_ext e;

		if (!dev_is_shown(r->a, &cur[i], name) ||
		    iostat_compute(r->prev ? find_prev(r, cur[i].name) : NULL, &cur[i], itv, &e))
			continue;
		if (r->a->omit_idle && !e.r_s && !e.w_s && !e.d_s && !e.f_s)
			continue;
		if (fmt == FMT_TABLE)
			table_row(r, name, &e);
		else if (fmt == FMT_CSV)
			csv_row(r, when, now, itv, name, &e);
		else
			json_row(r, when, now, itv, name, &e);
	}
	/* sysstat ends every report with two blank lines (three after -c alone) */
	if (fmt == FMT_TABLE)
		sink__puts(r->out->sink, "\n\n");
	sink__flush(r->out->sink);
}

/* Take a sample, report it, keep it as the next report's base. 0 or -errno. */
static int iostat_tick(struct iostat_run *r, bool show)
{
	struct fb_disk_io *cur = NULL;
	struct fb_cpu_times cpu = { 0 };
	uint64_t boot_ns, now;
	size_t n = 0;
	int err;

	err = fb_disk_io_counters(true, r->nw, &cur, &n);
	if (err)
		return err;
	if (cpu_is_shown(r->a)) {
		err = fb_cpu_times(&cpu);
		if (err)
			goto free_cur;
	}
	boot_ns = boot_now_ns();
	now = mono_now_ns();
	if (show) {
		iostat_report(r, cur, n, &cpu, boot_ns, now);
		r->shown++;
	} else if (r->out->fmt == FMT_TABLE) {
		sink__putc(r->out->sink, '\n'); /* sysstat's line for the report -y leaves out */
	}
	free(r->prev);
	r->prev = cur;
	r->nprev = n;
	r->cpu_prev = cpu;
	r->boot_prev_ns = boot_ns;
	return 0;
free_cur:
	free(cur);
	return err;
}

/* Sleep until the monotonic deadline; false when a stop was asked for meanwhile. */
static bool iostat_wait(uint64_t deadline)
{
	struct timespec ts = { .tv_sec = (time_t)(deadline / NSEC_PER_SEC),
			       .tv_nsec = (long)(deadline % NSEC_PER_SEC) };

	while (!stop_is_requested()) {
		if (!clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
			return !stop_is_requested();
	}
	return false;
}

static bool word_is_number(const char *s)
{
	return *s >= '0' && *s <= '9';
}

/* DEV... [INTERVAL [COUNT]]; 0 or -EINVAL after saying what was wrong. */
static int iostat_positional(struct iostat_args *a, int argc, char **argv)
{
	int i = 0;

	for (; i < argc && !word_is_number(argv[i]); i++) {
		if (!strcmp(argv[i], "ALL") && a->part) {
			a->part_all = true;
			continue;
		}
		if (a->ndevs == IOSTAT_MAX_DEVS) {
			cli_error(&iostat_cmd, "at most %d devices", IOSTAT_MAX_DEVS);
			return -EINVAL;
		}
		a->devs[a->ndevs++] = argv[i];
	}
	if (i < argc &&
	    (parse_duration(argv[i], NSEC_PER_SEC, &a->interval_ns) || !a->interval_ns)) {
		cli_error(&iostat_cmd,
			  "INTERVAL: invalid value '%s' (accepts seconds > 0, or a "
			  "duration such as 500ms)",
			  argv[i]);
		return -EINVAL;
	}
	if (i < argc)
		i++;
	if (i < argc && parse_u64(argv[i], 1, UINT32_MAX, &a->count)) {
		cli_error(&iostat_cmd, "COUNT: invalid value '%s' (accepts a whole number from 1)",
			  argv[i]);
		return -EINVAL;
	}
	if (i < argc)
		i++;
	if (i < argc) {
		cli_error(&iostat_cmd, "unexpected argument '%s'", argv[i]);
		return -EINVAL;
	}
	return 0;
}

int cmd_iostat(int argc, char **argv)
{
	struct iostat_args a = { 0 };
	struct cli_common common = { 0 };
	struct iostat_run r = { .a = &a };
	uint64_t want, next;
	struct output out;
	int first, err = 0;
	bool help;

	first = cli_parse(&iostat_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (iostat_positional(&a, argc - first, argv + first))
		return EXIT_USAGE;
	log_set_level(common.verbose);
	/* Without an interval iostat prints the since-boot report: once, whatever COUNT says. */
	want = a.interval_ns ? a.count : 1;
	if (!a.interval_ns && a.skip_first) {
		cli_error(&iostat_cmd,
			  "--omit-first needs an INTERVAL: there is nothing else to show");
		return EXIT_USAGE;
	}
	r.cols = a.ext ? ext_cols : basic_cols;
	r.nw = fb_nowrap__new();
	if (!r.nw)
		return 1;
	if (output__open(&out, &iostat_cmd, &common, FMT_NDJSON, 0)) {
		fb_nowrap__free(r.nw);
		return 1;
	}
	if (!devs_are_shown(&a) && out.fmt == FMT_CSV) {
		cli_error(&iostat_cmd, "--cpu: CSV holds the device rows only; use -f json");
		output__close(&out);
		fb_nowrap__free(r.nw);
		return EXIT_USAGE;
	}
	r.out = &out;
	wallclock__init(&r.clock);
	if (out.fmt == FMT_TABLE) {
		setlocale(LC_TIME, ""); /* the banner's and -t's dates, as sysstat's */
		table_banner(&r);
	}
	stop_install_handlers();
	if (out.fmt == FMT_JSON) {
		jw__init(&r.w, out.sink, false);
		jw__arr_begin(&r.w, NULL);
	} else if (out.fmt == FMT_CSV) {
		csv_header(&r);
	}
	next = mono_now_ns();
	err = iostat_tick(&r, !a.skip_first);
	while (!err && (!want || r.shown < want) && a.interval_ns) {
		next += a.interval_ns;
		if (!iostat_wait(next))
			break;
		err = iostat_tick(&r, true);
	}
	if (err)
		pr_err("iostat: reading the disk statistics: %s", strerror(-err));
	if (out.fmt == FMT_JSON) {
		jw__arr_end(&r.w);
		sink__putc(out.sink, '\n');
	}
	free(r.prev);
	fb_nowrap__free(r.nw);
	return output__close(&out) || err ? 1 : 0;
}
