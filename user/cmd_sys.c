// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_sys.c: `vigil sys [cpu|mem|disk|net|sensors|users|all]`: the fallback library's system
 * metrics, as a short table for people or as JSON with psutil's names. cpu_percent is taken
 * over --interval (default 0.1 s) like psutil's blocking call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "fallback.h"
#include "fbjson.h"
#include "json.h"
#include "log.h"
#include "output.h"
#include "parse.h"

enum { OPT_INTERVAL = CLI_COMMON_MAX };

struct sys_args {
	uint64_t interval_ns;
};

static const struct cli_opt sys_opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	{ "interval", 'i', "TIME", OPT_INTERVAL, "a duration such as 100ms or 1s",
	  "cpu_percent over TIME (default 100ms)" },
	CLI_OPT_END,
};

static int sys_set(void *ctx, int id, const char *arg)
{
	struct sys_args *a = ctx;

	if (id != OPT_INTERVAL || parse_duration(arg, NSEC_PER_SEC, &a->interval_ns))
		return -EINVAL;
	return 0;
}

static const struct cli_cmd sys_cmd = {
	.name = "sys",
	.usage = "vigil sys [cpu|mem|disk|net|sensors|users|all] [--format table|json]",
	.summary = "Show system metrics (psutil's cpu, memory, disk, network, sensors, users).",
	.opts = sys_opts,
	.set = sys_set,
};

static const char *const sections[] = { "all", "cpu", "mem", "disk", "net", "sensors", "users",
					NULL };

static void human(uint64_t v, char *buf)
{
	fb_bytes2human(v, buf, 16);
}

static void sys_table(struct sink *s, int sec, double interval)
{
	char a[16], b[16], c[16];

	if (sec == 0 || sec == 1) {
		struct fb_cpu_sampler *sp = fb_cpu_sampler__new();
		double la[3] = { 0 }, pct = 0;

		fb_cpu_percent(sp, interval, &pct);
		fb_cpu_sampler__free(sp);
		fb_getloadavg(la);
		sink__printf(s, "cpu      %d logical, %d cores, %.1f%% busy, load %.2f %.2f %.2f\n",
			     fb_cpu_count(true), fb_cpu_count(false), pct, la[0], la[1], la[2]);
	}
	if (sec == 0 || sec == 2) {
		struct fb_vmem m;
		struct fb_swap sw;

		if (!fb_virtual_memory(&m)) {
			human(m.total, a);
			human(m.used, b);
			human(m.available, c);
			sink__printf(s, "mem      total %s, used %s (%.1f%%), available %s\n", a, b,
				     m.percent, c);
		}
		if (!fb_swap_memory(&sw)) {
			human(sw.total, a);
			human(sw.used, b);
			sink__printf(s, "swap     total %s, used %s (%.1f%%)\n", a, b, sw.percent);
		}
	}
	if (sec == 0 || sec == 3) {
		struct fb_partitions p;

		if (!fb_disk_partitions(false, &p)) {
			for (size_t i = 0; i < p.n; i++) {
				struct fb_disk_usage u;

				if (fb_disk_usage(p.v[i].mountpoint, &u))
					continue;
				human(u.total, a);
				human(u.used, b);
				sink__printf(s, "disk     %-20s %-8s %8s used of %8s (%.1f%%)\n",
					     p.v[i].mountpoint, p.v[i].fstype, b, a, u.percent);
			}
			fb_partitions_free(&p);
		}
	}
	if (sec == 0 || sec == 4) {
		struct fb_net_io *io;
		size_t n;

		if (!fb_net_io_counters(true, NULL, &io, &n)) {
			for (size_t i = 0; i < n; i++) {
				human(io[i].bytes_sent, a);
				human(io[i].bytes_recv, b);
				sink__printf(s, "net      %-12s sent %8s recv %8s\n", io[i].name, a,
					     b);
			}
			free(io);
		}
	}
	if (sec == 0 || sec == 5) {
		struct fb_temp *t;
		struct fb_battery bat;
		size_t n;

		if (!fb_sensors_temperatures(&t, &n)) {
			for (size_t i = 0; i < n; i++)
				sink__printf(s, "temp     %s %s %.1f C\n", t[i].chip, t[i].label,
					     t[i].current);
			if (!n)
				sink__puts(s, "temp     no sensors\n");
			free(t);
		}
		if (!fb_sensors_battery(&bat) && bat.present)
			sink__printf(s, "battery  %.0f%%%s\n", bat.percent,
				     bat.power_plugged == 1 ? ", plugged" : "");
	}
	if (sec == 0 || sec == 6) {
		struct fb_user *u;
		double bt = 0;
		size_t n;

		fb_boot_time(&bt);
		sink__printf(s, "boot     %.0f (epoch seconds)\n", bt);
		if (!fb_users(&u, &n)) {
			for (size_t i = 0; i < n; i++)
				sink__printf(s, "user     %s %s %s\n", u[i].name, u[i].terminal,
					     u[i].host);
			free(u);
		}
	}
}

static void sys_json(struct sink *s, int sec, double interval)
{
	struct jw w;

	jw__init(&w, s, false);
	jw__obj_begin(&w, NULL);
	if (sec == 0 || sec == 1) {
		struct fb_cpu_sampler *sp = fb_cpu_sampler__new();
		double pct;

		fbjson_cpu(&w);
		if (sp && !fb_cpu_percent(sp, interval, &pct))
			jw__f64(&w, "cpu_percent", pct);
		fb_cpu_sampler__free(sp);
	}
	if (sec == 0 || sec == 2)
		fbjson_mem(&w);
	if (sec == 0 || sec == 3)
		fbjson_disk(&w);
	if (sec == 0 || sec == 4)
		fbjson_nics(&w);
	if (sec == 0 || sec == 5)
		fbjson_sensors(&w);
	if (sec == 0 || sec == 6)
		fbjson_system(&w);
	jw__obj_end(&w);
	sink__putc(s, '\n');
}

int cmd_sys(int argc, char **argv)
{
	struct sys_args a = { .interval_ns = 100 * NSEC_PER_MSEC };
	struct cli_common common = { 0 };
	struct output out;
	bool help;
	int first, sec = 0;

	first = cli_parse(&sys_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc) {
		sec = parse_choice(argv[first], sections);
		if (sec < 0 || first + 1 < argc) {
			cli_error(&sys_cmd, "SECTION: invalid value '%s' (accepts all, cpu, mem, "
					    "disk, net, sensors or users)", argv[first]);
			return EXIT_USAGE;
		}
	}
	if (common.format_set && common.format != FMT_TABLE && common.format != FMT_JSON) {
		cli_error(&sys_cmd, "--format: invalid value '%s' (accepts table or json)",
			  out_format_names[common.format]);
		return EXIT_USAGE;
	}
	log_set_level(common.verbose);
	if (output__open(&out, &sys_cmd, &common, FMT_JSON, 0))
		return 1;
	if (out.fmt == FMT_JSON)
		sys_json(out.sink, sec, (double)a.interval_ns / 1e9);
	else
		sys_table(out.sink, sec, (double)a.interval_ns / 1e9);
	return output__close(&out) ? 1 : 0;
}
