// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_sys.c: `vigil sys [SECTION]`: the fallback library's system metrics, one section per
 * psutil function family (cpu, memory, swap, disks, disk-io, net, sensors, users, boot, and
 * the process' cgroup limits), as a short table for people or as JSON with psutil's names.
 * cpu_percent is taken over --interval (default 0.1 s) like psutil's blocking call.
 * `vigil sys disks PATH` is psutil.disk_usage(PATH); no other section takes an argument.
 * `vigil sys sysctl` prints kernel tunables, `vigil sys services` Windows' services.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "export/escape.h"
#include "export/human.h"
#include "fallback.h"
#include "export/fbjson.h"
#include "export/json.h"
#include "core/log.h"
#include "export/output.h"
#include "cli/parse.h"
#include "export/services_out.h"
#include "export/sysctl_out.h"

enum { OPT_INTERVAL = CLI_COMMON_MAX, OPT_PERCPU };

struct sys_args {
	uint64_t interval_ns;
	bool percpu;
};

static const struct cli_opt sys_opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	{ "interval", 'i', "TIME", OPT_INTERVAL, "a duration such as 100ms or 1s",
	  "cpu_percent over TIME (default 100ms)" },
	{ "percpu", 0, NULL, OPT_PERCPU, NULL,
	  "cpu: per CPU cpu_percent, cpu_times_percent and cpu_freq (over 1s by default)" },
	CLI_OPT_END,
};

static int sys_set(void *ctx, int id, const char *arg)
{
	struct sys_args *a = ctx;

	if (id == OPT_PERCPU) {
		a->percpu = true;
		return 0;
	}
	if (id != OPT_INTERVAL || parse_duration(arg, NSEC_PER_SEC, &a->interval_ns))
		return -EINVAL;
	return 0;
}

static const struct cli_cmd sys_cmd = {
	.name = "sys",
	.usage = "vigil sys [cpu|memory|swap|disks|disk-io|net|sensors|users|boot|cgroup|all]\n"
		 "                 [--format table|json]\n"
		 "       vigil sys cpu --percpu [--interval TIME] [--format table|json]\n"
		 "       vigil sys disks PATH [--format table|json]\n"
		 "       vigil sys sysctl [PATTERN] [--format table|json]\n"
		 "       vigil sys services [NAME] [--format table|json]",
	.summary = "Show system metrics (psutil's cpu, memory, disk, network, sensors, users).",
	.examples = "vigil sys\n"
		    "vigil sys memory\n"
		    "vigil sys disks -f json",
	.opts = sys_opts,
	.set = sys_set,
};

static void human(uint64_t v, char *buf)
{
	fb_bytes2human(v, buf, 16);
}

static void cpu_table(struct sink *s, double interval)
{
	struct fb_cpu_sampler *sp = fb_cpu_sampler__new();
	double la[3] = { 0 }, pct = 0;

	fb_cpu_percent(sp, interval, &pct);
	fb_cpu_sampler__free(sp);
	fb_getloadavg(la);
	sink__printf(s, "cpu      %d logical, %d cores, %.1f%% busy, load %.2f %.2f %.2f\n",
		     fb_cpu_count(true), fb_cpu_count(false), pct, la[0], la[1], la[2]);
}

static void cpu_json(struct jw *w, double interval)
{
	struct fb_cpu_sampler *sp = fb_cpu_sampler__new();
	double pct;

	fbjson_cpu(w);
	if (sp && !fb_cpu_percent(sp, interval, &pct))
		jw__f64(w, "cpu_percent", pct);
	fb_cpu_sampler__free(sp);
}

static void memory_table(struct sink *s, double interval)
{
	char a[16], b[16], c[16];
	struct fb_vmem m;

	(void)interval;
	if (fb_virtual_memory(&m))
		return;
	human(m.total, a);
	human(m.used, b);
	human(m.available, c);
	sink__printf(s, "memory   total %s, used %s (%.1f%%), available %s\n", a, b, m.percent, c);
}

static void swap_table(struct sink *s, double interval)
{
	char a[16], b[16];
	struct fb_swap sw;

	(void)interval;
	if (fb_swap_memory(&sw))
		return;
	human(sw.total, a);
	human(sw.used, b);
	sink__printf(s, "swap     total %s, used %s (%.1f%%)\n", a, b, sw.percent);
}

static void disks_table(struct sink *s, double interval)
{
	struct fb_partitions p;
	char a[16], b[16];

	(void)interval;
	if (fb_disk_partitions(false, &p))
		return;
	for (size_t i = 0; i < p.n; i++) {
		struct fb_disk_usage u;

		if (fb_disk_usage(p.v[i].mountpoint, &u))
			continue;
		human(u.total, a);
		human(u.used, b);
		sink__printf(s, "disk     %-20s %-8s %8s used of %8s (%.1f%%)\n", p.v[i].mountpoint,
			     p.v[i].fstype, b, a, u.percent);
	}
	fb_partitions_free(&p);
}

static void disk_io_table(struct sink *s, double interval)
{
	struct fb_disk_io *d;
	char a[16], b[16];
	size_t n;

	(void)interval;
	if (fb_disk_io_counters(true, NULL, &d, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		human(d[i].read_bytes, a);
		human(d[i].write_bytes, b);
		sink__printf(s, "disk-io  %-12s reads %10llu (%8s) writes %10llu (%8s)\n",
			     d[i].name, (unsigned long long)d[i].read_count, a,
			     (unsigned long long)d[i].write_count, b);
	}
	free(d);
}

static void net_table(struct sink *s, double interval)
{
	struct fb_net_io *io;
	char a[16], b[16], nic[ESC_MAX_PER_BYTE * 64 + 1];
	size_t n;

	(void)interval;
	if (fb_net_io_counters(true, NULL, &io, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		human(io[i].bytes_sent, a);
		human(io[i].bytes_recv, b);
		sink__printf(s, "net      %-12s sent %8s recv %8s\n",
			     esc_buf(nic, sizeof(nic), io[i].name), a, b);
	}
	free(io);
}

static void sensors_table(struct sink *s, double interval)
{
	struct fb_battery bat;
	struct fb_temp *t;
	size_t n;

	(void)interval;
	if (!fb_sensors_temperatures(&t, &n)) {
		for (size_t i = 0; i < n; i++) {
			char chip[256], label[256];

			sink__printf(s, "temp     %s %s %.1f C\n",
				     esc_buf(chip, sizeof(chip), t[i].chip),
				     esc_buf(label, sizeof(label), t[i].label), t[i].current);
		}
		if (!n)
			sink__puts(s, "temp     no sensors\n");
		free(t);
	}
	if (!fb_sensors_battery(&bat) && bat.present)
		sink__printf(s, "battery  %.0f%%%s\n", bat.percent,
			     bat.power_plugged == 1 ? ", plugged" : "");
}

static void users_table(struct sink *s, double interval)
{
	struct fb_user *u;
	size_t n;

	(void)interval;
	if (fb_users(&u, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		char name[256], tty[256], host[1024];

		/* utmp holds what a remote client chose (the host): never raw to a terminal */
		sink__printf(s, "user     %s %s %s\n", esc_buf(name, sizeof(name), u[i].name),
			     esc_buf(tty, sizeof(tty), u[i].terminal),
			     esc_buf(host, sizeof(host), u[i].host));
	}
	if (!n)
		sink__puts(s, "user     nobody logged in\n");
	free(u);
}

static void boot_table(struct sink *s, double interval)
{
	char when[32], up[HUMAN_DUR_LEN];
	time_t t;
	struct tm tm;
	double bt = 0;

	(void)interval;
	if (fb_boot_time(&bt))
		return;
	t = (time_t)bt;
	if (!port_localtime(&t, &tm) || !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(when, sizeof(when), "%.0f", bt);
	human_duration((uint64_t)((double)time(NULL) - bt) * 1000000000ULL, up, sizeof(up));
	sink__printf(s, "boot     %s (up %s)\n", when, up);
}

static void cgroup_table(struct sink *s, double interval)
{
	struct fb_cgroup_limits cg;
	char a[16];

	(void)interval;
	if (fb_cgroup_limits(0, &cg))
		return;
	human(cg.memory_limit, a);
	sink__printf(s, "cgroup   %s, memory limit %s, %d CPUs usable\n", cg.path,
		     (cg.valid & FB_CG_MEMORY_LIMIT) ? a : "none", fb_cpu_count_usable());
}

/* psutil's JSON for a section that needs no interval. */
#define JSON_SECTION(fn)                                                                           \
	static void fn##_section_json(struct jw *w, double interval)                               \
	{                                                                                          \
		(void)interval;                                                                    \
		fbjson_##fn(w);                                                                    \
	}
JSON_SECTION(virtual_memory)
JSON_SECTION(swap)
JSON_SECTION(disks)
JSON_SECTION(disk_io)
JSON_SECTION(nics)
JSON_SECTION(sensors)
JSON_SECTION(users)
JSON_SECTION(boot)
JSON_SECTION(cgroup)

struct sys_section {
	const char *name;
	void (*table)(struct sink *s, double interval);
	void (*json)(struct jw *w, double interval);
};

/* In the order `vigil sys` (all) shows them. */
static const struct sys_section sections[] = {
	{ "cpu", cpu_table, cpu_json },
	{ "memory", memory_table, virtual_memory_section_json },
	{ "swap", swap_table, swap_section_json },
	{ "disks", disks_table, disks_section_json },
	{ "disk-io", disk_io_table, disk_io_section_json },
	{ "net", net_table, nics_section_json },
	{ "sensors", sensors_table, sensors_section_json },
	{ "users", users_table, users_section_json },
	{ "boot", boot_table, boot_section_json },
	{ "cgroup", cgroup_table, cgroup_section_json },
};

#define NSECTIONS     ((int)(sizeof(sections) / sizeof(sections[0])))
#define SECTION_NAMES "all, cpu, memory, swap, disks, disk-io, net, sensors, users, boot or cgroup"

static int section_by_name(const char *name)
{
	if (!strcmp(name, "all"))
		return -1;
	for (int i = 0; i < NSECTIONS; i++) {
		if (!strcmp(sections[i].name, name))
			return i;
	}
	return -EINVAL;
}

/* Section sec (-1: all) as JSON with psutil's keys, or as a table. */
static void sys_print(struct sink *s, bool json, int sec, double interval)
{
	struct jw w;

	if (json) {
		jw__init(&w, s, false);
		jw__obj_begin(&w, NULL);
	}
	for (int i = 0; i < NSECTIONS; i++) {
		if (sec >= 0 && i != sec)
			continue;
		if (json)
			sections[i].json(&w, interval);
		else
			sections[i].table(s, interval);
	}
	if (json) {
		jw__obj_end(&w);
		sink__putc(s, '\n');
	}
}

/* psutil.disk_usage(path): 0, or 1 after saying why path has none. */
static int sys_disk_usage(struct sink *s, bool json, const char *path)
{
	struct fb_disk_usage u;
	char a[16], b[16], c[16];
	struct jw w;
	int err = fb_disk_usage(path, &u);

	if (err) {
		pr_err("sys disks: %s: %s", path, strerror(-err));
		return 1;
	}
	if (json) {
		jw__init(&w, s, false);
		jw__obj_begin(&w, NULL);
		jw__obj_begin(&w, "disk_usage");
		jw__str(&w, "path", path);
		jw__u64(&w, "total", u.total);
		jw__u64(&w, "used", u.used);
		jw__u64(&w, "free", u.free);
		jw__f64(&w, "percent", u.percent);
		jw__obj_end(&w);
		jw__obj_end(&w);
		sink__putc(s, '\n');
		return 0;
	}
	human(u.total, a);
	human(u.used, b);
	human(u.free, c);
	sink__printf(s, "disk     %-20s %8s used of %8s (%.1f%%), %s free\n", path, b, a, u.percent,
		     c);
	return 0;
}

/*
 * sys cpu --percpu: psutil's cpu_percent(percpu=True) and cpu_times_percent(percpu=True) over
 * the same interval (one sampler: both compare with the samples its __new took), and
 * cpu_freq(percpu=True). 0, or 1 after saying what failed.
 */
static int cpu_percpu_print(struct sink *s, bool json, uint64_t interval_ns)
{
	struct fb_cpu_sampler *sp = fb_cpu_sampler__new();
	struct timespec ts = { .tv_sec = (time_t)(interval_ns / NSEC_PER_SEC),
			       .tv_nsec = (long)(interval_ns % NSEC_PER_SEC) };
	struct fb_cpu_times *tp = NULL;
	struct fb_cpu_freq *fq = NULL;
	double *pct = NULL;
	size_t n = 0, nt = 0, nf = 0;
	struct jw w;
	int err;

	if (!sp) {
		err = -errno;
		goto out;
	}
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	err = fb_cpu_percent_percpu(sp, 0, &pct, &n);
	if (!err)
		err = fb_cpu_times_percent_percpu(sp, 0, &tp, &nt);
	if (err)
		goto out;
	if (fb_cpu_freq_percpu(&fq, &nf))
		nf = 0; /* psutil: [] when undeterminable */
	if (json) {
		jw__init(&w, s, false);
		jw__obj_begin(&w, NULL);
		jw__u64(&w, "interval_ns", interval_ns);
		jw__arr_begin(&w, "cpu_percent");
		for (size_t i = 0; i < n; i++)
			jw__f64(&w, NULL, pct[i]);
		jw__arr_end(&w);
		jw__arr_begin(&w, "cpu_times_percent");
		for (size_t i = 0; i < nt; i++)
			fbjson_cpu_times(&w, NULL, &tp[i]);
		jw__arr_end(&w);
		jw__arr_begin(&w, "cpu_freq");
		for (size_t i = 0; i < nf; i++) {
			jw__obj_begin(&w, NULL);
			if (fq[i].valid & FB_FREQ_CURRENT)
				jw__f64(&w, "current", fq[i].current);
			else
				jw__null(&w, "current");
			if (fq[i].valid & FB_FREQ_MIN)
				jw__f64(&w, "min", fq[i].min);
			else
				jw__null(&w, "min");
			if (fq[i].valid & FB_FREQ_MAX)
				jw__f64(&w, "max", fq[i].max);
			else
				jw__null(&w, "max");
			jw__obj_end(&w);
		}
		jw__arr_end(&w);
		jw__obj_end(&w);
		sink__putc(s, '\n');
		goto out;
	}
	sink__printf(s, "%-4s %6s %6s %6s %7s %6s %7s %6s %8s %6s %6s %11s %9s %9s %9s\n", "CPU",
		     "%CPU", "user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal",
		     "guest", "guest_nice", "MHz", "min", "max");
	for (size_t i = 0; i < n; i++) {
		const struct fb_cpu_times *t = i < nt ? &tp[i] : NULL;
		char f[3][16] = { "-", "-", "-" };

		if (i < nf && (fq[i].valid & FB_FREQ_CURRENT))
			snprintf(f[0], sizeof(f[0]), "%.0f", fq[i].current);
		if (i < nf && (fq[i].valid & FB_FREQ_MIN))
			snprintf(f[1], sizeof(f[1]), "%.0f", fq[i].min);
		if (i < nf && (fq[i].valid & FB_FREQ_MAX))
			snprintf(f[2], sizeof(f[2]), "%.0f", fq[i].max);
		sink__printf(s, "%-4zu %6.1f", i, pct[i]);
		if (t)
			sink__printf(
				s, " %6.1f %6.1f %7.1f %6.1f %7.1f %6.1f %8.1f %6.1f %6.1f %11.1f",
				t->user, t->nice, t->system, t->idle, t->iowait, t->irq, t->softirq,
				t->steal, t->guest, t->guest_nice);
		sink__printf(s, " %9s %9s %9s\n", f[0], f[1], f[2]);
	}
out:
	if (err)
		pr_err("sys cpu --percpu: %s", strerror(-err));
	free(pct);
	free(tp);
	free(fq);
	fb_cpu_sampler__free(sp);
	return err ? 1 : 0;
}

int cmd_sys(int argc, char **argv)
{
	struct sys_args a = { .interval_ns = 100 * NSEC_PER_MSEC };
	struct cli_common common = { 0 };
	struct output out;
	bool help;
	int first, sec = -1, rc;
	const char *sysctl_pat = NULL, *service = NULL, *usage_path = NULL;
	bool sysctl_mode = false, services_mode = false;

	first = cli_parse(&sys_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc && !strcmp(argv[first], "sysctl")) {
		/* kernel tunables, as sysctl -a / sysctl PATTERN (a glob, key or subtree) */
		sysctl_mode = true;
		sysctl_pat = first + 1 < argc ? argv[first + 1] : NULL;
		if (first + 2 < argc) {
			cli_error(&sys_cmd, "sysctl: one PATTERN at most, got '%s'",
				  argv[first + 2]);
			return EXIT_USAGE;
		}
	} else if (first < argc && !strcmp(argv[first], "services")) {
		/* psutil's win_service_iter, or win_service_get(NAME) */
		services_mode = true;
		service = first + 1 < argc ? argv[first + 1] : NULL;
		if (first + 2 < argc) {
			cli_error(&sys_cmd, "services: one NAME at most, got '%s'",
				  argv[first + 2]);
			return EXIT_USAGE;
		}
	} else if (first < argc) {
		sec = section_by_name(argv[first]);
		if (sec == -EINVAL) {
			cli_error(&sys_cmd,
				  "SECTION: invalid value '%s' (accepts " SECTION_NAMES
				  " sysctl or services)",
				  argv[first]);
			return EXIT_USAGE;
		}
		if (sec >= 0 && !strcmp(sections[sec].name, "disks") && first + 1 < argc)
			usage_path = argv[first + 1];
		if (first + (usage_path ? 2 : 1) < argc) {
			cli_error(&sys_cmd, "unexpected argument '%s' ('%s' takes %s)",
				  argv[first + (usage_path ? 2 : 1)], argv[first],
				  usage_path ? "one PATH" : "no argument; only disks takes a PATH");
			return EXIT_USAGE;
		}
	}
	/* --interval times cpu_percent: only the cpu section (and all) has one. */
	if ((sysctl_mode || usage_path || (sec >= 0 && strcmp(sections[sec].name, "cpu"))) &&
	    cli_refuse_with(&sys_cmd, &common, OPT_INTERVAL,
			    sysctl_mode	 ? "sysctl"
			    : usage_path ? "disks PATH"
					 : argv[first]))
		return EXIT_USAGE;
	/* --percpu is the cpu section's alone */
	if ((sysctl_mode || usage_path || sec < 0 || strcmp(sections[sec].name, "cpu")) &&
	    cli_refuse_with(&sys_cmd, &common, OPT_PERCPU,
			    sysctl_mode	 ? "sysctl"
			    : usage_path ? "disks PATH"
			    : sec < 0	 ? "every section (name cpu)"
					 : argv[first]))
		return EXIT_USAGE;
	if (common.format_set && common.format != FMT_TABLE && common.format != FMT_JSON) {
		cli_error(&sys_cmd, "--format: invalid value '%s' (accepts table or json)",
			  out_format_names[common.format]);
		return EXIT_USAGE;
	}
	log_set_level(common.verbose);
	if (output__open(&out, &sys_cmd, &common, FMT_JSON, 0))
		return 1;
	if (sysctl_mode) {
		/* text unless JSON is asked for: the output is meant to diff with sysctl -a */
		rc = sysctl_print(out.sink, common.format_set && common.format == FMT_JSON,
				  sysctl_pat);
		return output__close(&out) || rc ? 1 : 0;
	}
	if (services_mode) {
		rc = services_print(out.sink, out.fmt == FMT_JSON, service);
		return output__close(&out) || rc ? 1 : 0;
	}
	if (usage_path) {
		rc = sys_disk_usage(out.sink, out.fmt == FMT_JSON, usage_path);
		return output__close(&out) || rc ? 1 : 0;
	}
	if (a.percpu) {
		/*
		 * psutil's cpu_times_percent scales by 100 / max(1, total seconds): under one
		 * second per CPU its percents are too small. Default to a whole second.
		 */
		if (!cli_is_set(&common, OPT_INTERVAL))
			a.interval_ns = NSEC_PER_SEC;
		rc = cpu_percpu_print(out.sink, out.fmt == FMT_JSON, a.interval_ns);
		return output__close(&out) || rc ? 1 : 0;
	}
	sys_print(out.sink, out.fmt == FMT_JSON, sec, (double)a.interval_ns / 1e9);
	return output__close(&out) ? 1 : 0;
}
