// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_free.c: `vigil free [-b|-k|-m|-g|-h] [--si] [-t] [-w]`: memory and swap from the fallback
 * library (psutil's virtual_memory and swap_memory) in procps free's layout: total used free
 * shared buff/cache available (-w: buffers and cache apart), a Swap line and with -t a Total
 * line; used is total - available, as procps 4 computes it; -s DELAY / -c COUNT repeat, with a
 * blank line between reports. -f csv|json|ndjson gives one row per line, always in bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/parse.h"
#include "core/stop.h"
#include "core/log.h"
#include "export/output.h"
#include "export/rows.h"
#include "fallback.h"

enum {
	OPT_BYTES = CLI_COMMON_MAX,
	OPT_KIBI,
	OPT_MEBI,
	OPT_GIBI,
	OPT_HUMAN,
	OPT_SI,
	OPT_TOTAL,
	OPT_WIDE,
	OPT_SECONDS,
	OPT_COUNT
};

struct free_args {
	int shift; /* 0 bytes, 1 KiB, 2 MiB, 3 GiB: powers of the base */
	bool human, si, total, wide;
	uint64_t delay_ns, count; /* -s, -c: repeat; 0 = once */
};

static const struct cli_opt free_opts[] = {
	{ "bytes", 'b', NULL, OPT_BYTES, NULL, "show bytes" },
	{ "kibi", 'k', NULL, OPT_KIBI, NULL, "show kibibytes (the default)" },
	{ "mebi", 'm', NULL, OPT_MEBI, NULL, "show mebibytes" },
	{ "gibi", 'g', NULL, OPT_GIBI, NULL, "show gibibytes" },
	{ "human", 'h', NULL, OPT_HUMAN, NULL, "show human-readable sizes (Ki, Mi, Gi...)" },
	{ "si", 0, NULL, OPT_SI, NULL, "powers of 1000, not 1024" },
	{ "total", 't', NULL, OPT_TOTAL, NULL, "add a Total line (memory + swap)" },
	{ "wide", 'w', NULL, OPT_WIDE, NULL, "buffers and cache in columns of their own" },
	{ "seconds", 's', "DELAY", OPT_SECONDS, "a delay such as 1, 0.5 or 500ms (bare: seconds)",
	  "repeat every DELAY until Ctrl-C (or -c)" },
	{ "count", 'c', "N", OPT_COUNT, "a whole number from 1", "repeat N times, then exit" },
	CLI_OPT_FORMAT_TOOL,
	CLI_OPT_OUTPUT,
	CLI_OPT_END,
};

static int free_set(void *ctx, int id, const char *arg)
{
	struct free_args *a = ctx;

	(void)arg;
	switch (id) {
	case OPT_BYTES:
	case OPT_KIBI:
	case OPT_MEBI:
	case OPT_GIBI:
		a->shift = id - OPT_BYTES;
		a->human = false;
		return 0;
	case OPT_HUMAN:
		a->human = true;
		return 0;
	case OPT_SI:
		a->si = true;
		return 0;
	case OPT_TOTAL:
		a->total = true;
		return 0;
	case OPT_WIDE:
		a->wide = true;
		return 0;
	case OPT_SECONDS:
		if (parse_duration(arg, NSEC_PER_SEC, &a->delay_ns) || !a->delay_ns)
			return -EINVAL;
		return 0;
	case OPT_COUNT:
		return parse_u64(arg, 1, UINT32_MAX, &a->count);
	}
	return -EINVAL;
}

static const struct cli_cmd free_cmd = {
	.name = "free",
	.usage = "vigil free [-b|-k|-m|-g|-h] [--si] [-t] [-w] [-s DELAY] [-c COUNT]",
	.summary = "Show memory and swap use, as procps free.",
	.details = "Use --help for help (-h means human-readable sizes, as in free).",
	.examples = "vigil free -h\n"
		    "vigil free -m -s 2 -c 5\n"
		    "vigil free -f json",
	.opts = free_opts,
	.set = free_set,
};

/* One value as free prints it: scaled, or human-readable ("3.8Gi", "881Mi", "0B"). */
static void free_value(const struct free_args *a, uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	double base = a->si ? 1000.0 : 1024.0, v = (double)bytes;
	uint64_t div = 1;

	if (!a->human) {
		for (int i = 0; i < a->shift; i++)
			div *= a->si ? 1000 : 1024;
		snprintf(buf, len, "%llu", (unsigned long long)(bytes / div));
		return;
	}
	if (v < base) {
		snprintf(buf, len, "%lluB", (unsigned long long)bytes);
		return;
	}
	for (int i = 0; units[i]; i++) {
		v /= base;
		if (v < 10.0) {
			snprintf(buf, len, "%.1f%c%s", v, units[i], a->si ? "" : "i");
			return;
		}
		if (v < base || !units[i + 1]) {
			/* procps truncates from 10 up */
			snprintf(buf, len, "%llu%c%s", (unsigned long long)v, units[i],
				 a->si ? "" : "i");
			return;
		}
	}
}

static void free_line(struct sink *s, const struct free_args *a, const char *label,
		      const uint64_t *v, int n)
{
	char buf[32];

	sink__printf(s, "%-9s", label);
	for (int i = 0; i < n; i++) {
		free_value(a, v[i], buf, sizeof(buf));
		sink__printf(s, "%s%11s", i ? " " : "", buf);
	}
	sink__putc(s, '\n');
}

static void free_table(struct sink *s, const struct free_args *a, const struct fb_vmem *m,
		       const struct fb_swap *sw)
{
	uint64_t tot[3] = { m->total + sw->total, m->used + sw->used, m->free + sw->free };

	if (a->wide) {
		sink__printf(s, "%9s%11s %11s %11s %11s %11s %11s %11s\n", "", "total", "used",
			     "free", "shared", "buffers", "cache", "available");
		free_line(s, a, "Mem:",
			  (const uint64_t[]){ m->total, m->used, m->free, m->shared, m->buffers,
					      m->cached, m->available },
			  7);
	} else {
		sink__printf(s, "%9s%11s %11s %11s %11s %11s %11s\n", "", "total", "used", "free",
			     "shared", "buff/cache", "available");
		free_line(s, a, "Mem:",
			  (const uint64_t[]){ m->total, m->used, m->free, m->shared,
					      m->buffers + m->cached, m->available },
			  6);
	}
	free_line(s, a, "Swap:", (const uint64_t[]){ sw->total, sw->used, sw->free }, 3);
	if (a->total)
		free_line(s, a, "Total:", tot, 3);
}

static void free_rows(struct rows *r, const struct free_args *a, const struct fb_vmem *m,
		      const struct fb_swap *sw)
{
	rows__add(r, (const struct rowv[]){ ROWV_S("mem"), ROWV_I(m->total), ROWV_I(m->used),
					    ROWV_I(m->free), ROWV_I(m->shared), ROWV_I(m->buffers),
					    ROWV_I(m->cached), ROWV_I(m->available) });
	rows__add(r, (const struct rowv[]){ ROWV_S("swap"), ROWV_I(sw->total), ROWV_I(sw->used),
					    ROWV_I(sw->free), ROWV_NONE, ROWV_NONE, ROWV_NONE,
					    ROWV_NONE });
	if (a->total)
		rows__add(r, (const struct rowv[]){ ROWV_S("total"), ROWV_I(m->total + sw->total),
						    ROWV_I(m->used + sw->used),
						    ROWV_I(m->free + sw->free), ROWV_NONE,
						    ROWV_NONE, ROWV_NONE, ROWV_NONE });
}

/* Sleep ns, or less when Ctrl-C or SIGTERM asks to stop. */
static void free_wait(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / NSEC_PER_SEC),
			       .tv_nsec = (long)(ns % NSEC_PER_SEC) };

	while (!stop_is_requested() && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int cmd_free(int argc, char **argv)
{
	static const char *const keys[] = { "kind",    "total",	 "used",      "free", "shared",
					    "buffers", "cached", "available", NULL };
	struct free_args a = { .shift = 1 };
	struct cli_common common = { 0 };
	bool help, repeat;
	struct output out;
	struct fb_vmem m;
	struct fb_swap sw;
	struct rows rows;
	int first, err = 0;

	first = cli_parse(&free_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc) {
		cli_error(&free_cmd, "unexpected argument '%s' (free takes none)", argv[first]);
		return EXIT_USAGE;
	}
	repeat = a.delay_ns || a.count;
	if (a.count && !a.delay_ns)
		a.delay_ns = NSEC_PER_SEC; /* as procps: -c alone repeats every second */
	log_set_level(common.verbose);
	if (output__open(&out, &free_cmd, &common, FMT_TABLE, 0))
		return 1;
	if (repeat)
		stop_install_handlers();
	if (out.fmt != FMT_TABLE)
		rows__begin(&rows, &out, keys);
	for (uint64_t n = 1;; n++) {
		err = fb_virtual_memory(&m);
		if (!err)
			err = fb_swap_memory(&sw);
		if (err) {
			cli_error(&free_cmd, "cannot read memory figures: %s", strerror(-err));
			break;
		}
		if (out.fmt == FMT_TABLE)
			free_table(out.sink, &a, &m, &sw);
		else
			free_rows(&rows, &a, &m, &sw);
		if (!repeat || (a.count && n >= a.count))
			break;
		if (out.fmt == FMT_TABLE)
			sink__putc(out.sink, '\n'); /* procps: a blank line between reports */
		sink__flush(out.sink);
		free_wait(a.delay_ns);
		if (stop_is_requested())
			break;
	}
	if (out.fmt != FMT_TABLE)
		rows__end(&rows);
	if (output__close(&out))
		return 1;
	return err ? 1 : 0;
}
