// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_iotop.c: `vigil iotop [-o] [-b] [-n N] [-d SEC] [-P] [-a]`: per-process disk read and
 * write rates from io_counters (/proc/PID/io read_bytes, write_bytes) over each delay, in
 * iotop's batch form: the Total DISK READ/WRITE line (the processes' sum) and the Current
 * one (the disks' own, from diskstats), then PID PRIO USER DISK READ DISK WRITE SWAPIN IO
 * COMMAND, busiest first. SWAPIN and IO are the share of the interval the process's threads
 * waited for swap-in and for block I/O, from taskstats delay accounting (taskstats/, as iotop
 * reads it): '?' (null) while the kernel does not account delays (kernel.task_delayacct=0),
 * '-' (null) without taskstats (CAP_NET_ADMIN), never a made-up 0. Rows are processes
 * (iotop -P): the kernel's per-process io file already sums the threads. When BPF is
 * available the block layer's own view is added, as biotop gets it (blkio's io_top map,
 * drained each interval): the bytes each process submitted to the disks and their mean
 * latency (issue to complete), columns BLK READ, BLK WRITE, BLK AWAIT. CSV and JSON give one
 * `iotop` record per row with a `source` per measure (procfs, taskstats or bpf).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/record.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/parse.h"
#include "cli/trace_opts.h"
#include "blkio/blkio_iotop.h"
#include "core/backend.h"
#include "core/log.h"
#include "core/notify.h"
#include "core/session.h"
#include "core/stop.h"
#include "core/wallclock.h"
#include "export/escape.h"
#include "export/json.h"
#include "export/output.h"
#include "fallback.h"
#include "taskstats/taskstats.h"

enum {
	OPT_ONLY = CLI_COMMON_MAX,
	OPT_BATCH,
	OPT_ITER,
	OPT_DELAY,
	OPT_PROCESSES,
	OPT_ACCUMULATED,
};

struct iotop_args {
	bool only, accumulated;
	uint64_t iter;	   /* 0: until a signal */
	uint64_t delay_ns; /* default 1 s */
};

/* -o is iotop's --only here, so the output file is --output alone. */
static const struct cli_opt iotop_opts[] = {
	CLI_OPT_FORMAT,
	{ "output", 0, "FILE", CLI_OUTPUT, "a file name; a name ending in .gz is gzip'd",
	  "write to FILE instead of stdout (FILE.gz: gzip)" },
	{ "only", 'o', NULL, OPT_ONLY, NULL, "only the processes doing I/O" },
	{ "batch", 'b', NULL, OPT_BATCH, NULL,
	  "batch mode (the only one: accepted for iotop's sake)" },
	{ "iter", 'n', "N", OPT_ITER, "a whole number from 1", "stop after N iterations" },
	{ "delay", 'd', "SEC", OPT_DELAY, "seconds (1.5) or a duration such as 500ms",
	  "the delay between iterations (default 1s)" },
	{ "processes", 'P', NULL, OPT_PROCESSES, NULL, "processes, not threads (always so here)" },
	{ "accumulated", 'a', NULL, OPT_ACCUMULATED, NULL,
	  "bytes since vigil started instead of rates" },
	CLI_OPT_END,
};

static int iotop_set(void *ctx, int id, const char *arg)
{
	struct iotop_args *a = ctx;

	switch (id) {
	case OPT_ONLY:
		a->only = true;
		return 0;
	case OPT_BATCH:
	case OPT_PROCESSES:
		return 0;
	case OPT_ITER:
		return parse_u64(arg, 1, UINT32_MAX, &a->iter);
	case OPT_DELAY:
		if (parse_duration(arg, NSEC_PER_SEC, &a->delay_ns) || !a->delay_ns)
			return -EINVAL;
		return 0;
	case OPT_ACCUMULATED:
		a->accumulated = true;
		return 0;
	}
	return -EINVAL;
}

static const struct cli_cmd iotop_cmd = {
	.name = "iotop",
	.usage = "vigil iotop [-o] [-b] [-n N] [-d SEC] [-P] [-a] [--format FMT] [--output FILE]",
	.summary = "Disk I/O by process, as iotop -b -P prints it: every delay the Total (sum of\n"
		   "the processes) and Current (the disks) DISK READ/WRITE, then PID PRIO USER\n"
		   "DISK READ DISK WRITE SWAPIN IO COMMAND, busiest first, from io_counters.",
	.details =
		"SWAPIN and IO are the share of the interval spent waiting for swap-in and\n"
		"block I/O, from taskstats delay accounting (CAP_NET_ADMIN): '?' (null in\n"
		"JSON) while kernel.task_delayacct=0, '-' without taskstats. A process whose\n"
		"io file is unreadable (another\n"
		"user's, without privilege) shows '-' for its rates. -o is --only, as in iotop;\n"
		"the output file is --output.",
	.examples = "vigil iotop -o -b -n 3\n"
		    "vigil iotop -a -d 2 -f json",
	.opts = iotop_opts,
	.set = iotop_set,
};

/* One process between iterations. */
struct iotop_proc {
	pid_t pid;
	double ctime;	   /* create_time: a reused pid is a new process */
	uint64_t rb0, wb0; /* at first sight, for -a */
	uint64_t rb, wb;   /* at the last sample */
	uint64_t drb, dwb; /* this interval (or since first sight, with -a) */
	bool io_known, has_delta, seen;
	uint64_t blk_rb, blk_wb, blk_ios, blk_ns; /* BPF: this interval (or since start, -a) */
	/* taskstats: delays (ns) and the sample's time at first sight and at the last sample */
	struct taskstats_delays d0, d;
	uint64_t d0_ns, d_ns;
	double io_pct, swapin_pct; /* this interval (or since first sight, with -a) */
	bool dly_known, dly_has_pct;
	char prio[16], user[32], cmd[256];
};

struct iotop_run {
	const struct iotop_args *a;
	struct output *out;
	struct iotop_proc *v;
	size_t n, cap;
	struct fb_nowrap *nw;
	struct fb_disk_io disk_prev;
	struct wallclock clock;
	struct jw w;
	bool bpf; /* the block layer's per-process columns from io_top */
	struct taskstats_sock ts;
	int dly; /* 1: taskstats answers; 0: delay accounting is off; < 0: no taskstats */
	uint64_t sample_ns; /* monotonic time of the last sample (0 before the first) */
	struct io_top_reader reader;
	struct io_top_row *rows;
	uint64_t shown, last_ns;
	double last_wall; /* epoch seconds of the last sample: who was born after it */
	int err;
};

static struct iotop_proc *iotop_find(struct iotop_run *r, pid_t pid, double ctime)
{
	struct iotop_proc *p;

	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].pid == pid && r->v[i].ctime == ctime)
			return &r->v[i];
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		struct iotop_proc *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		r->v = v;
		r->cap = cap;
	}
	p = &r->v[r->n++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ctime = ctime;
	return p;
}

/* iotop's PRIO: be/4, rt/0, idle; a process with no class set is be/((nice + 20) / 5). */
static void prio_text(struct fb_proc *h, char *buf, size_t len)
{
	enum fb_ioprio_class cls;
	int value, nice;

	if (fb_proc__ionice(h, &cls, &value)) {
		snprintf(buf, len, "-");
		return;
	}
	if (cls == FB_IOPRIO_CLASS_NONE) {
		if (fb_proc__nice(h, &nice) || nice < -20 || nice > 19)
			nice = 0;
		snprintf(buf, len, "be/%d", (nice + 20) / 5);
	} else if (cls == FB_IOPRIO_CLASS_IDLE) {
		snprintf(buf, len, "idle");
	} else {
		snprintf(buf, len, "%s/%d", cls == FB_IOPRIO_CLASS_RT ? "rt" : "be", value);
	}
}

/* iotop's COMMAND: the command line, or [name] for a kernel thread. */
static void command_text(struct fb_proc *h, char *buf, size_t len)
{
	struct fb_strv argv = { 0 };
	char name[64] = "";
	size_t off = 0;

	if (!fb_proc__cmdline(h, &argv) && argv.n) {
		for (size_t i = 0; i < argv.n && off + 1 < len; i++)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "",
						argv.v[i]);
		fb_strv_free(&argv);
		return;
	}
	fb_strv_free(&argv);
	fb_proc__name(h, name, sizeof(name));
	snprintf(buf, len, "[%s]", name);
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* iotop's percentage of a delay over an interval, capped at 99.99 as iotop caps it. */
static double delay_pct(uint64_t ns, uint64_t itv_ns)
{
	double pct = itv_ns ? (double)ns * 100.0 / (double)itv_ns : 0;

	return pct > 99.99 ? 99.99 : pct;
}

/*
 * The process's delays now, and their share of the interval. One born in the interval
 * (born) waited only in it: its delays count from the previous sample, from 0.
 */
static void iotop_delays(struct iotop_run *r, struct iotop_proc *p, uint64_t now, bool born)
{
	const struct taskstats_delays *base;
	struct taskstats_delays d;
	uint64_t since;
	int err;

	p->dly_has_pct = false;
	if (r->dly != 1)
		return;
	err = taskstats__delays(&r->ts, p->pid, &d);
	if (err == -EPERM || err == -EACCES) {
		pr_warn("iotop: taskstats refused (needs CAP_NET_ADMIN): SWAPIN and IO show '-'");
		taskstats__close(&r->ts);
		r->dly = err;
		return;
	}
	if (err) {
		p->dly_known = false; /* gone meanwhile: its row has no delays */
		return;
	}
	if (!p->dly_known && born && r->sample_ns) {
		memset(&p->d0, 0, sizeof(p->d0));
		p->d = p->d0;
		p->d0_ns = p->d_ns = r->sample_ns;
		p->dly_known = true;
	}
	if (!p->dly_known) {
		p->d0 = p->d = d;
		p->d0_ns = p->d_ns = now;
		p->dly_known = true;
		return;
	}
	base = r->a->accumulated ? &p->d0 : &p->d;
	since = r->a->accumulated ? p->d0_ns : p->d_ns;
	p->io_pct = delay_pct(d.blkio_ns >= base->blkio_ns ? d.blkio_ns - base->blkio_ns : 0,
			      now - since);
	p->swapin_pct = delay_pct(
		d.swapin_ns >= base->swapin_ns ? d.swapin_ns - base->swapin_ns : 0, now - since);
	p->dly_has_pct = true;
	p->d = d;
	p->d_ns = now;
}

/* Read every process' io_counters; mark which are still there. 0 or -errno. */
static int iotop_sample(struct iotop_run *r)
{
	pid_t *pids = NULL;
	size_t npids = 0;
	uint64_t now = mono_now_ns();
	int err;

	err = fb_pids(&pids, &npids);
	if (err)
		return err;
	for (size_t i = 0; i < r->n; i++)
		r->v[i].seen = false;
	for (size_t i = 0; i < npids; i++) {
		struct fb_proc *h = fb_proc__new(pids[i]);
		struct fb_proc_io io;
		struct iotop_proc *p;
		double ctime = 0;
		bool fresh;

		if (!h)
			continue; /* gone since the listing */
		fb_proc__oneshot_begin(h);
		fb_proc__create_time(h, &ctime);
		p = iotop_find(r, pids[i], ctime);
		if (!p) {
			err = -ENOMEM;
			fb_proc__oneshot_end(h);
			fb_proc__free(h);
			break;
		}
		fresh = !p->prio[0];
		p->seen = true;
		if (fresh) {
			prio_text(h, p->prio, sizeof(p->prio));
			if (fb_proc__username(h, p->user, sizeof(p->user)))
				snprintf(p->user, sizeof(p->user), "-");
			command_text(h, p->cmd, sizeof(p->cmd));
		}
		if (!fb_proc__io_counters(h, &io)) {
			if (!p->io_known && r->last_wall > 0 && ctime >= r->last_wall) {
				/* born in the interval: all it did, it did in the interval */
				p->rb0 = p->rb = p->wb0 = p->wb = 0;
				p->io_known = true;
			}
			if (!p->io_known) {
				p->rb0 = io.read_bytes;
				p->wb0 = io.write_bytes;
				p->has_delta = false;
			} else {
				const uint64_t base_r = r->a->accumulated ? p->rb0 : p->rb;
				const uint64_t base_w = r->a->accumulated ? p->wb0 : p->wb;

				p->drb = io.read_bytes >= base_r ? io.read_bytes - base_r : 0;
				p->dwb = io.write_bytes >= base_w ? io.write_bytes - base_w : 0;
				p->has_delta = true;
			}
			p->rb = io.read_bytes;
			p->wb = io.write_bytes;
			p->io_known = true;
		} else {
			p->io_known = false;
			p->has_delta = false;
		}
		iotop_delays(r, p, now, r->last_wall > 0 && ctime >= r->last_wall);
		fb_proc__oneshot_end(h);
		fb_proc__free(h);
	}
	free(pids);
	r->last_wall = wall_now();
	r->sample_ns = now;
	return err;
}

static int cmp_busy(const void *a, const void *b)
{
	const struct iotop_proc *x = a, *y = b;
	uint64_t bx = x->has_delta ? x->drb + x->dwb : 0, by = y->has_delta ? y->drb + y->dwb : 0;

	if (x->has_delta != y->has_delta)
		return x->has_delta ? -1 : 1;
	if (bx != by)
		return bx > by ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Drop the processes that are gone, then sort busiest first. */
static void iotop_settle(struct iotop_run *r)
{
	size_t k = 0;

	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].seen)
			r->v[k++] = r->v[i];
	}
	r->n = k;
	qsort(r->v, r->n, sizeof(*r->v), cmp_busy);
}

/* iotop's "%7.2f %s/s" with B, K, M, G. */
static void rate_text(double bps, bool accumulated, char *buf, size_t len)
{
	static const char *const units[] = { "B", "K", "M", "G", "T" };
	int u = 0;

	while (bps >= 1024.0 && u < 4) {
		bps /= 1024.0;
		u++;
	}
	snprintf(buf, len, "%7.2f %s%s", bps, units[u], accumulated ? "" : "/s");
}

/* The disks' own bytes over the interval, from diskstats (iotop's Current line). */
static int disk_delta(struct iotop_run *r, uint64_t *rd, uint64_t *wr)
{
	struct fb_disk_io *d = NULL;
	size_t n = 0;
	int err = fb_disk_io_counters(false, r->nw, &d, &n);

	if (err)
		return err;
	*rd = *wr = 0;
	if (n) {
		*rd = d[0].read_bytes - r->disk_prev.read_bytes;
		*wr = d[0].write_bytes - r->disk_prev.write_bytes;
		r->disk_prev = d[0];
	}
	free(d);
	return 0;
}

static void iotop_json_row(struct iotop_run *r, const struct iotop_proc *p, const char *when,
			   uint64_t now, uint64_t itv)
{
	double sec = (double)itv / 1e9;
	struct jw *w = &r->w;

	if (r->out->fmt == FMT_NDJSON)
		jw__init(w, r->out->sink, false);
	jw__obj_begin(w, NULL);
	jw__str(w, "time", when);
	jw__u64(w, "ts_ns", now);
	jw__str(w, "kind", "iotop");
	jw__str(w, "source", "procfs");
	jw__u64(w, "schema", VREC_SCHEMA);
	jw__s64(w, "pid", p->pid);
	jw__str(w, "prio", p->prio);
	jw__str(w, "user", p->user);
	jw__u64(w, "interval_ns", itv);
	if (p->has_delta) {
		jw__u64(w, "read_bytes", p->drb);
		jw__u64(w, "write_bytes", p->dwb);
		jw__f64(w, "read_bps", (double)p->drb / sec);
		jw__f64(w, "write_bps", (double)p->dwb / sec);
	} else {
		jw__null(w, "read_bytes");
		jw__null(w, "write_bytes");
		jw__null(w, "read_bps");
		jw__null(w, "write_bps");
	}
	if (p->dly_has_pct) {
		jw__f64(w, "swapin_percent", p->swapin_pct);
		jw__f64(w, "io_percent", p->io_pct);
	} else {
		jw__null(w, "swapin_percent");
		jw__null(w, "io_percent");
	}
	if (r->bpf) {
		jw__u64(w, "blk_read_bytes", p->blk_rb);
		jw__u64(w, "blk_write_bytes", p->blk_wb);
		jw__u64(w, "blk_ios", p->blk_ios);
		if (p->blk_ios)
			jw__u64(w, "blk_avg_latency_ns", p->blk_ns / p->blk_ios);
		else
			jw__null(w, "blk_avg_latency_ns");
	} else {
		jw__null(w, "blk_read_bytes");
		jw__null(w, "blk_write_bytes");
		jw__null(w, "blk_ios");
		jw__null(w, "blk_avg_latency_ns");
	}
	jw__str(w, "command", p->cmd);
	jw__obj_begin(w, "sources");
	jw__str(w, "read_bytes", "procfs");
	jw__str(w, "write_bytes", "procfs");
	if (r->dly == 1) {
		jw__str(w, "swapin_percent", "taskstats");
		jw__str(w, "io_percent", "taskstats");
	} else {
		jw__null(w, "swapin_percent");
		jw__null(w, "io_percent");
	}
	if (r->bpf)
		jw__str(w, "blk", "bpf");
	else
		jw__null(w, "blk");
	jw__obj_end(w);
	jw__obj_end(w);
	if (r->out->fmt == FMT_NDJSON)
		sink__putc(r->out->sink, '\n');
}

static void iotop_csv_row(struct iotop_run *r, const struct iotop_proc *p, const char *when,
			  uint64_t now, uint64_t itv)
{
	struct sink *s = r->out->sink;

	sink__printf(s, "%s,%llu,iotop,procfs,%d,%d,%s,", when, (unsigned long long)now,
		     VREC_SCHEMA, p->pid, p->prio);
	csv_write_string(s, p->user, sizeof(p->user));
	sink__printf(s, ",%llu,", (unsigned long long)itv);
	if (p->has_delta)
		sink__printf(s, "%llu,%llu,%.3f,%.3f", (unsigned long long)p->drb,
			     (unsigned long long)p->dwb, (double)p->drb / ((double)itv / 1e9),
			     (double)p->dwb / ((double)itv / 1e9));
	else
		sink__puts(s, ",,,");
	if (p->dly_has_pct)
		sink__printf(s, ",%.2f,%.2f,", p->swapin_pct, p->io_pct);
	else
		sink__puts(s, ",,,");
	if (r->bpf) {
		sink__printf(s, "%llu,%llu,%llu,", (unsigned long long)p->blk_rb,
			     (unsigned long long)p->blk_wb, (unsigned long long)p->blk_ios);
		if (p->blk_ios)
			sink__printf(s, "%llu", (unsigned long long)(p->blk_ns / p->blk_ios));
		sink__putc(s, ',');
	} else {
		sink__puts(s, ",,,,");
	}
	csv_write_string(s, p->cmd, sizeof(p->cmd));
	sink__puts(s, "\r\n");
}

static void iotop_report(struct iotop_run *r, uint64_t now, uint64_t itv)
{
	double sec = (double)itv / 1e9, tr = 0, tw = 0;
	char when[WALLCLOCK_LEN], a[32], b[32];
	struct sink *s = r->out->sink;
	uint64_t drd = 0, dwr = 0;
	bool have_disk;

	wallclock__format(&r->clock, now, when);
	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].has_delta) {
			tr += (double)r->v[i].drb;
			tw += (double)r->v[i].dwb;
		}
	}
	have_disk = !disk_delta(r, &drd, &dwr);
	if (r->out->fmt == FMT_TABLE) {
		rate_text(tr / (r->a->accumulated ? 1 : sec), r->a->accumulated, a, sizeof(a));
		rate_text(tw / (r->a->accumulated ? 1 : sec), r->a->accumulated, b, sizeof(b));
		sink__printf(s, "Total DISK READ: %14s | Total DISK WRITE: %14s\n", a, b);
		if (have_disk) {
			rate_text((double)drd / sec, false, a, sizeof(a));
			rate_text((double)dwr / sec, false, b, sizeof(b));
		}
		sink__printf(s, "Current DISK READ: %12s | Current DISK WRITE: %12s\n",
			     have_disk ? a : "-", have_disk ? b : "-");
		sink__printf(s, "%7s  %-5s %-8s %11s %11s %7s %7s  ", "PID", "PRIO", "USER",
			     "DISK READ", "DISK WRITE", "SWAPIN", "IO");
		if (r->bpf)
			sink__printf(s, "%11s %11s %9s  ", "BLK READ", "BLK WRITE", "BLK AWAIT");
		sink__puts(s, "COMMAND\n");
	}
	for (size_t i = 0; i < r->n; i++) {
		const struct iotop_proc *p = &r->v[i];
		char cmd[ESC_MAX_PER_BYTE * 256 + 1], user[ESC_MAX_PER_BYTE * 32 + 1];
		char sw[16], io[16];

		if (r->a->only && (!p->has_delta || !(p->drb + p->dwb)) && !p->blk_ios)
			continue;
		if (r->out->fmt == FMT_JSON || r->out->fmt == FMT_NDJSON) {
			iotop_json_row(r, p, when, now, itv);
			continue;
		}
		if (r->out->fmt == FMT_CSV) {
			iotop_csv_row(r, p, when, now, itv);
			continue;
		}
		if (p->has_delta) {
			double div = r->a->accumulated ? 1 : sec;

			rate_text((double)p->drb / div, r->a->accumulated, a, sizeof(a));
			rate_text((double)p->dwb / div, r->a->accumulated, b, sizeof(b));
		}
		/* '?': delay accounting is off; '-': no taskstats, or the process has gone */
		if (p->dly_has_pct) {
			snprintf(sw, sizeof(sw), "%.2f %%", p->swapin_pct);
			snprintf(io, sizeof(io), "%.2f %%", p->io_pct);
		} else {
			snprintf(sw, sizeof(sw), "%s", r->dly == 0 ? "?" : "-");
			snprintf(io, sizeof(io), "%s", sw);
		}
		sink__printf(s, "%7d  %-5s %-8.8s %11s %11s %7s %7s  ", p->pid, p->prio,
			     esc_buf(user, sizeof(user), p->user), p->has_delta ? a : "-",
			     p->has_delta ? b : "-", sw, io);
		if (r->bpf) {
			double div = r->a->accumulated ? 1 : sec;
			char aw[16] = "-";

			rate_text((double)p->blk_rb / div, r->a->accumulated, a, sizeof(a));
			rate_text((double)p->blk_wb / div, r->a->accumulated, b, sizeof(b));
			if (p->blk_ios)
				snprintf(aw, sizeof(aw), "%.2f ms",
					 (double)p->blk_ns / (double)p->blk_ios / 1e6);
			sink__printf(s, "%11s %11s %9s  ", a, b, aw);
		}
		sink__puts(s, esc_buf(cmd, sizeof(cmd), p->cmd));
		sink__end_line(s); /* a process without a command line */
	}
	sink__flush(s);
}

/* BPF: the io_top map's rows since the last drain, summed per process over disks. */
static int iotop_drain(struct iotop_run *r)
{
	int n;

	if (!r->a->accumulated) {
		for (size_t i = 0; i < r->n; i++) {
			r->v[i].blk_rb = r->v[i].blk_wb = 0;
			r->v[i].blk_ios = r->v[i].blk_ns = 0;
		}
	}
	n = io_top_reader__drain(&r->reader, r->rows);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		const struct io_top_row *t = &r->rows[i];

		for (size_t k = 0; t->pid && k < r->n; k++) {
			struct iotop_proc *p = &r->v[k];

			if (p->pid != (pid_t)t->pid)
				continue;
			if (t->write)
				p->blk_wb += t->v.bytes;
			else
				p->blk_rb += t->v.bytes;
			p->blk_ios += t->v.ios;
			p->blk_ns += t->v.sum_ns;
			break;
		}
	}
	return 0;
}

/* One iteration: sample, settle, report; 1 once -n iterations are shown. */
static int iotop_tick(void *ctx, uint64_t now)
{
	struct iotop_run *r = ctx;
	int err = iotop_sample(r);

	if (!err && r->bpf)
		err = iotop_drain(r);
	if (err) {
		r->err = err;
		return err;
	}
	iotop_settle(r);
	iotop_report(r, now, now - r->last_ns);
	r->last_ns = now;
	r->shown++;
	return r->a->iter && r->shown >= r->a->iter ? 1 : 0;
}

static bool iotop_wait(uint64_t deadline)
{
	struct timespec ts = { .tv_sec = (time_t)(deadline / NSEC_PER_SEC),
			       .tv_nsec = (long)(deadline % NSEC_PER_SEC) };

	while (!stop_is_requested()) {
		if (!clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
			return !stop_is_requested();
	}
	return false;
}

/* taskstats for SWAPIN and IO, or why they are not there (said once). */
static void iotop_delays_start(struct iotop_run *r)
{
	int on = taskstats__delayacct_on(), err;

	r->ts.fd = -1;
	if (on == 0) {
		pr_warn("iotop: delay accounting is off (kernel.task_delayacct=0): SWAPIN and IO "
			"show '?' (null); `sysctl kernel.task_delayacct=1` turns it on");
		r->dly = 0;
		return;
	}
	err = taskstats__open(&r->ts);
	if (err) {
		pr_warn("iotop: taskstats: %s: SWAPIN and IO show '-' (null)",
			err == -ENOENT ? "not in this kernel" : strerror(-err));
		r->dly = err;
		return;
	}
	r->dly = 1;
}

/* BPF when it can serve blkio: a session with only the io_top aggregation. 0 or -errno. */
static int iotop_bpf_start(struct iotop_run *r, struct session *s, struct trace_cfg *cfg)
{
	const struct tracer_ops *ops = tracer_ops__by_name("blkio");
	struct backend_choice choice;
	const struct tracer *t;
	int err, fd;

	if (!ops || backend_choose(ops, BACKEND_BPF, false, &choice))
		return -ENOTSUP;
	trace_cfg__init(cfg);
	cfg->blkio_top = 1;
	cfg->backend = BACKEND_BPF;
	err = session__start(s, &ops, 1, cfg, NULL, NULL, NULL);
	if (err)
		return err;
	t = session__tracer(s, "blkio");
	fd = t ? tracer__map_fd(t, "io_top") : -ENOTSUP;
	err = fd < 0 ? fd : io_top_reader__init(&r->reader, fd);
	if (!err) {
		r->rows = calloc(r->reader.max_entries, sizeof(*r->rows));
		err = r->rows ? 0 : -ENOMEM;
	}
	if (err)
		session__stop(s);
	return err;
}

int cmd_iotop(int argc, char **argv)
{
	struct iotop_args a = { .delay_ns = NSEC_PER_SEC };
	struct cli_common common = { 0 };
	struct iotop_run r = { .a = &a };
	struct trace_cfg cfg;
	struct session s;
	uint64_t next;
	struct output out;
	int first, err = 0;
	bool help;

	first = cli_parse(&iotop_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc) {
		cli_error(&iotop_cmd, "unexpected argument '%s'", argv[first]);
		return EXIT_USAGE;
	}
	log_set_level(common.verbose);
	r.nw = fb_nowrap__new();
	if (!r.nw)
		return 1;
	if (output__open(&out, &iotop_cmd, &common, FMT_NDJSON, 0)) {
		fb_nowrap__free(r.nw);
		return 1;
	}
	r.out = &out;
	wallclock__init(&r.clock);
	stop_install_handlers();
	iotop_delays_start(&r);
	r.bpf = !iotop_bpf_start(&r, &s, &cfg);
	if (!r.bpf)
		pr_info("iotop: no BPF: the block layer's columns are left out");
	if (out.fmt == FMT_JSON) {
		jw__init(&r.w, out.sink, false);
		jw__arr_begin(&r.w, NULL);
	} else if (out.fmt == FMT_CSV) {
		sink__puts(out.sink,
			   "time,ts_ns,kind,source,schema,pid,prio,user,interval_ns,read_bytes,"
			   "write_bytes,read_bps,write_bps,swapin_percent,io_percent,"
			   "blk_read_bytes,blk_write_bytes,blk_ios,blk_avg_latency_ns,"
			   "command\r\n");
	}
	err = iotop_sample(&r);
	if (!err) {
		uint64_t d0, d1;

		err = disk_delta(&r, &d0, &d1);
	}
	if (!err && r.bpf)
		err = iotop_drain(
			&r); /* what came before the first sample is not this interval's */
	if (!err)
		notify__ready(); /* the first sample is taken: what happens now is counted */
	r.last_ns = next = mono_now_ns();
	if (!err && r.bpf) {
		err = session__run(&s, 0, a.delay_ns, iotop_tick, &r);
		err = r.err ? r.err : err;
	}
	while (!err && !r.bpf && (!a.iter || r.shown < a.iter)) {
		next += a.delay_ns;
		if (!iotop_wait(next))
			break;
		if (iotop_tick(&r, mono_now_ns()) < 0)
			err = r.err;
	}
	if (err)
		pr_err("iotop: %s", strerror(-err));
	if (out.fmt == FMT_JSON) {
		jw__arr_end(&r.w);
		sink__putc(out.sink, '\n');
	}
	if (r.bpf) {
		session__stop(&s);
		io_top_reader__fini(&r.reader);
		free(r.rows);
	}
	if (r.dly == 1)
		taskstats__close(&r.ts);
	free(r.v);
	fb_nowrap__free(r.nw);
	return output__close(&out) || err ? 1 : 0;
}
