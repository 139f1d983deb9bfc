// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_biotop.c: `vigil biotop`: block I/O per process, per disk and direction, every
 * interval, as biotop shows it (PID COMM D MAJ MIN DISK I/O Kbytes AVGms), busiest first.
 * The kernel aggregates in the io_top map; each interval drains it with batched
 * lookup-and-delete and prints a table, or one `bio_top` record per row in CSV or JSON.
 */
#include <errno.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blkio/blkio_dev.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "core/backend.h"
#include "export/escape.h"
#include "events.h"
#include "blkio/blkio_iotop.h"
#include "core/log.h"
#include "export/output.h"
#include "cli/parse.h"
#include "core/session.h"
#include "core/stop.h"
#include "cli/trace_opts.h"

enum { OPT_INTERVAL = CLI_COMMON_MAX, OPT_COUNT, OPT_ROWS };

#define BIOTOP_DEFAULT_ROWS 20

struct biotop_args {
	struct trace_cfg cfg;
	uint64_t interval_ns;
	uint64_t count;
	uint64_t rows;
};

struct biotop_run {
	const struct biotop_args *a;
	struct output *out;
	struct wallclock clock;
	struct io_top_reader reader;
	struct io_top_row *rows;
	uint64_t printed;
	uint64_t last_ns;
};

static const struct cli_opt biotop_opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	CLI_OPT_DURATION,
	{ "interval", 'i', "TIME", OPT_INTERVAL, "a duration such as 1s or 500ms",
	  "print (and reset) the table every TIME (default 1s)" },
	{ "count", 'n', "N", OPT_COUNT, "a whole number from 1", "stop after N intervals" },
	{ "rows", 'r', "N", OPT_ROWS, "a whole number; 0 means all",
	  "show the N busiest rows of the table (default 20)" },
	TRACE_OPTS_FILTERS,
	TRACE_OPTS_BLKIO,
	CLI_OPT_END,
};

static int biotop_set(void *ctx, int id, const char *arg)
{
	struct biotop_args *a = ctx;

	switch (id) {
	case OPT_INTERVAL:
		if (parse_duration(arg, NSEC_PER_SEC, &a->interval_ns) || !a->interval_ns)
			return -EINVAL;
		return 0;
	case OPT_COUNT:
		return parse_u64(arg, 1, UINT32_MAX, &a->count);
	case OPT_ROWS:
		return parse_u64(arg, 0, UINT32_MAX, &a->rows);
	}
	return trace_cfg__set_opt(&a->cfg, id, arg);
}

static const struct cli_cmd biotop_cmd = {
	.name = "biotop",
	.usage = "vigil biotop [options]",
	.summary = "Block I/O by process, like biotop: for each process, disk and direction\n"
		   "(R read, W anything else), the I/O count, kilobytes and average latency\n"
		   "(issue to completion) of each interval, busiest (most bytes) first.",
	.details = "PID and COMM are those of the process that submitted the I/O, captured at\n"
		   "submission (an fsync's cache flush counts for the process that asked for it).\n"
		   "PID '-' is I/O with no known submitter. CSV and JSON give one bio_top record\n"
		   "per row (see the README).",
	.examples = "vigil biotop\n"
		    "vigil biotop -i 5s -d 1m\n"
		    "vigil biotop -f csv -o io.csv",
	.opts = biotop_opts,
	.set = biotop_set,
};

static void biotop_print_table(struct biotop_run *r, uint64_t now, int n)
{
	struct sink *s = r->out->sink;
	char when[WALLCLOCK_LEN];

	wallclock__format(&r->clock, now, when);
	sink__printf(s, "\n%.8s\n%-7s %-16s %1s %3s %3s %-8s %7s %9s %8s\n", when + 11, "PID",
		     "COMM", "D", "MAJ", "MIN", "DISK", "I/O", "Kbytes", "AVGms");
	for (int i = 0; i < n; i++) {
		const struct io_top_row *t = &r->rows[i];
		char comm[ESC_MAX_PER_BYTE * VG_COMM_LEN + 1], pidbuf[16];
		uint32_t pid = t->pid, dev = t->dev;

		snprintf(pidbuf, sizeof(pidbuf), pid ? "%u" : "-", pid);
		esc_str(comm, sizeof(comm), t->v.comm, VG_COMM_LEN);
		sink__printf(s, "%-7s %-16s %1s %3u %3u %-8s %7llu %9llu %8.2f\n", pidbuf,
			     pid ? comm : "-", t->write ? "W" : "R", blkio_dev_major(dev),
			     blkio_dev_minor(dev), blkio_disk_cached(dev),
			     (unsigned long long)t->v.ios, (unsigned long long)(t->v.bytes / 1024),
			     t->v.ios ? (double)t->v.sum_ns / (double)t->v.ios / 1e6 : 0.0);
	}
}

static void biotop_write_records(struct biotop_run *r, uint64_t now, uint64_t interval, int n)
{
	for (int i = 0; i < n; i++) {
		const struct io_top_row *t = &r->rows[i];
		struct vrow row = { .kind = VK_BIO_TOP, .source = "bpf", .ts_ns = now };
		uint32_t pid = t->pid, dev = t->dev;
		row.v[VF_PID].u = pid;
		row.v[VF_COMM].str = t->v.comm;
		if (!pid) {
			vrow__set_null(&row, VF_PID);
			vrow__set_null(&row, VF_COMM);
		}
		snprintf(row.scratch, 16, "%u:%u", blkio_dev_major(dev), blkio_dev_minor(dev));
		row.v[VF_DEV].str = row.scratch;
		row.v[VF_DISK].str = blkio_disk_cached(dev);
		if (!row.v[VF_DISK].str[0])
			vrow__set_null(&row, VF_DISK);
		row.v[VF_OP].str = t->write ? "W" : "R";
		row.v[VF_IOS].u = t->v.ios;
		row.v[VF_BYTES].u = t->v.bytes;
		row.v[VF_AVG_LATENCY_NS].u = t->v.ios ? t->v.sum_ns / t->v.ios : 0;
		row.v[VF_INTERVAL_NS].u = interval;
		exporter__write(r->out->ex, &row);
	}
}

static int biotop_tick(void *ctx, uint64_t now)
{
	struct biotop_run *r = ctx;
	int n = io_top_reader__drain(&r->reader, r->rows);

	if (n < 0) {
		pr_err("biotop: reading map: %s", strerror(-n));
		return n;
	}
	if (r->a->rows && (uint64_t)n > r->a->rows)
		n = (int)r->a->rows;
	if (r->out->ex)
		biotop_write_records(r, now, now - r->last_ns, n);
	else
		biotop_print_table(r, now, n);
	r->last_ns = now;
	sink__flush(r->out->sink);
	r->printed++;
	return r->a->count && r->printed >= r->a->count ? 1 : 0;
}

static int biotop_run__start(struct biotop_run *r, struct session *s)
{
	const struct tracer *t = session__tracer(s, "blkio");
	int err, fd = t ? tracer__map_fd(t, "io_top") : -ENOTSUP;

	if (fd < 0)
		return fd;
	err = io_top_reader__init(&r->reader, fd);
	if (err)
		return err;
	r->rows = calloc(r->reader.max_entries, sizeof(*r->rows));
	return r->rows ? 0 : -ENOMEM;
}

static void biotop_run__fini(struct biotop_run *r)
{
	io_top_reader__fini(&r->reader);
	free(r->rows);
}

int cmd_biotop(int argc, char **argv)
{
	struct biotop_args a = { .interval_ns = NSEC_PER_SEC, .rows = BIOTOP_DEFAULT_ROWS };
	const struct tracer_ops *ops = tracer_ops__by_name("blkio");
	struct cli_common common = { 0 };
	struct biotop_run r = { .a = &a };
	struct backend_choice choice;
	struct output out;
	struct session s;
	bool help, table;
	int first, err;

	trace_cfg__init(&a.cfg);
	first = cli_parse(&biotop_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	log_set_level(common.verbose);
	if (first < argc) {
		cli_error(&biotop_cmd, "unexpected argument '%s'", argv[first]);
		return EXIT_USAGE;
	}
	a.cfg.blkio_top = 1;
	/*
	 * BPF or nothing: the fallback has per-disk totals, never the process behind them. Say so
	 * before the output is opened, so that a refused run leaves no CSV header or '['.
	 */
	a.cfg.backend = BACKEND_BPF;
	if (backend_choose(ops, BACKEND_BPF, false, &choice)) {
		pr_err("biotop: per-process block I/O needs BPF (%s); the fallback, %s, only "
		       "counts per disk: use 'vigil sys disk-io' or 'vigil trace blkio'",
		       choice.why.detail, ops->fallback);
		return 1;
	}
	wallclock__init(&r.clock);
	table = cli_format(&common, isatty(1), FMT_NDJSON) == FMT_TABLE;
	if (output__open(&out, &biotop_cmd, &common, FMT_NDJSON, table ? 0 : 1ULL << VK_BIO_TOP))
		return 1;
	r.out = &out;
	stop_install_handlers();
	err = session__start(&s, &ops, 1, &a.cfg, out.ex, NULL, NULL);
	if (err)
		goto out_close;
	err = biotop_run__start(&r, &s);
	if (err) {
		pr_err("biotop: %s", strerror(-err));
		goto out_stop;
	}
	if (table)
		fprintf(stderr, "Tracing block I/O... Output every %.1f s. Hit Ctrl-C to end.\n",
			(double)a.interval_ns / 1e9);
	r.last_ns = mono_now_ns();
	err = session__run(&s, common.duration_ns, a.interval_ns, biotop_tick, &r);
	/* The partial interval since the last tick, unless --count already ended the run. */
	if (!err && !(a.count && r.printed >= a.count))
		err = biotop_tick(&r, mono_now_ns()) < 0;
	output__report(&out, &s);
out_stop:
	session__stop(&s);
	biotop_run__fini(&r);
out_close:
	return output__close(&out) || err ? 1 : 0;
}
