// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_snapshot.c: `vigil snapshot`: the whole fallback library at once as one JSON document
 * whose keys are psutil's names: CPU, memory, disks, NICs, every connection, sensors, users,
 * boot time, the tracer's sysctl keys, Windows' services and every process as psutil's
 * as_dict() (--attrs picks the keys). It opens with "vigil_snapshot" (the format number
 * `vigil diff` checks) and the writer's pid, and carries what `vigil diff` compares beyond
 * psutil: every mount (mounts), every sysctl (sysctl_all), the loaded kernel modules and the
 * cgroup tree.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/snapshot.h"
#include "fallback.h"
#include "export/fbjson.h"
#include "export/json.h"
#include "core/log.h"
#include "core/wallclock.h"
#include "export/output.h"
#include "export/services_out.h"
#include "export/sysctl_out.h"
#include "view/proc_dict.h"

enum { OPT_ATTRS = CLI_COMMON_MAX };

struct snapshot_args {
	uint64_t attrs;
	const char *bad_attr;
	char attrs_buf[1024];
};

static const struct cli_opt snapshot_opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	{ "attrs", 'a', "LIST", OPT_ATTRS,
	  "a comma list of psutil's as_dict() keys, and parent, children, rlimits",
	  "each process' keys, as_dict(attrs=...) (default: all but memory_maps)" },
	CLI_OPT_END,
};

static int snapshot_set(void *ctx, int id, const char *arg)
{
	struct snapshot_args *a = ctx;

	if (id != OPT_ATTRS || strlen(arg) >= sizeof(a->attrs_buf))
		return -EINVAL;
	strcpy(a->attrs_buf, arg);
	/* an unknown name is reported after parsing, by its own name */
	pd_attrs_parse(a->attrs_buf, &a->attrs, &a->bad_attr);
	return 0;
}

static const struct cli_cmd snapshot_cmd = {
	.name = "snapshot",
	.usage = "vigil snapshot [--attrs LIST] [--output FILE[.gz]]",
	.summary = "Print every system and process metric of the fallback library as JSON.",
	.details = "Keys are psutil's names (cpu_times, virtual_memory, net_connections, ...);\n"
		   "a value this machine cannot provide is null.",
	.examples = "vigil snapshot\n"
		    "vigil snapshot -o snap.json.gz",
	.opts = snapshot_opts,
	.set = snapshot_set,
};

/*
 * Every as_dict() key but memory_maps: reading and summing every mapping of every process
 * costs more than all the rest together (README, "vigil snapshot").
 */
#define SNAPSHOT_ATTRS (PD_AS_DICT & ~PD_BIT(PD_MEMORY_MAPS))

uint64_t snapshot_default_attrs(void)
{
	return SNAPSHOT_ATTRS;
}

/* Every process as as_dict(attrs); one that vanishes meanwhile is left out, as process_iter. */
static void snapshot_procs(struct jw *w, uint64_t attrs, const struct fb_conn *c, size_t nc,
			   bool have_conns)
{
	struct pd_opts o = {
		.attrs = attrs, .all_conns = c, .nall_conns = nc, .have_all_conns = have_conns
	};
	pid_t *pids;
	size_t n;

	jw__arr_begin(w, "processes");
	if (!fb_pids(&pids, &n)) {
		for (size_t i = 0; i < n; i++) {
			struct fb_proc *p = fb_proc__new(pids[i]);
			struct proc_dict d;

			if (p && !proc_dict__collect(&d, p, &o)) {
				fbjson_proc_dict(w, &d);
				proc_dict__free(&d);
			}
			fb_proc__free(p);
		}
		free(pids);
	}
	jw__arr_end(w);
}

/* Every mount, pseudo file systems too (disk_partitions(all=True), without usage). */
static void snapshot_mounts(struct jw *w)
{
	struct fb_partitions parts = { 0 };

	if (fb_disk_partitions(true, &parts)) {
		jw__null(w, "mounts");
		return;
	}
	jw__arr_begin(w, "mounts");
	for (size_t i = 0; i < parts.n; i++) {
		jw__obj_begin(w, NULL);
		jw__str(w, "device", parts.v[i].device);
		jw__str(w, "mountpoint", parts.v[i].mountpoint);
		jw__str(w, "fstype", parts.v[i].fstype);
		jw__str(w, "opts", parts.v[i].opts);
		jw__obj_end(w);
	}
	jw__arr_end(w);
	fb_partitions_free(&parts);
}

static void snapshot_sysctl_all(struct jw *w)
{
	struct fb_sysctls all = { 0 };

	if (fb_sysctl_list(NULL, &all)) {
		jw__null(w, "sysctl_all");
		return;
	}
	jw__obj_begin(w, "sysctl_all");
	for (size_t i = 0; i < all.n; i++)
		jw__str(w, all.v[i].name, all.v[i].value);
	jw__obj_end(w);
	fb_sysctls_free(&all);
}

/* The loaded kernel modules' names (the first word of each line of the module list). */
static void snapshot_modules(struct jw *w)
{
	FILE *f = fb_proc_fopen("modules");
	char line[512];

	if (!f) {
		jw__null(w, "kernel_modules");
		return;
	}
	jw__arr_begin(w, "kernel_modules");
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, " \n")] = '\0';
		if (line[0])
			jw__str(w, NULL, line);
	}
	jw__arr_end(w);
	fclose(f);
}

#define SNAPSHOT_MAX_CGROUPS 50000

/*
 * The cgroups below path[0..len) (a directory under the cgroup root, which is path[0..root)),
 * depth first; each is written by its name below the root ("/system.slice/x.service").
 */
static void snapshot_cgroup_dir(struct jw *w, char *path, size_t len, size_t root, int depth,
				size_t *n)
{
	struct dirent *de;
	DIR *d;

	if (depth > 64)
		return;
	path[len] = '\0';
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)) && *n < SNAPSHOT_MAX_CGROUPS) {
		size_t nl = strlen(de->d_name);

		struct stat st;

		if (de->d_name[0] == '.' || len + nl + 2 > PATH_MAX)
			continue;
		path[len] = '/';
		memcpy(path + len + 1, de->d_name, nl + 1);
		/* stat, not d_type: not every platform's dirent has it */
		if (stat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		jw__str(w, NULL, path + root);
		(*n)++;
		snapshot_cgroup_dir(w, path, len + 1 + nl, root, depth + 1, n);
	}
	closedir(d);
}

static void snapshot_cgroups(struct jw *w)
{
	char path[PATH_MAX];
	size_t n = 0;

	if (fb_sys_path("fs/cgroup", path, sizeof(path))) {
		jw__null(w, "cgroups");
		return;
	}
	jw__arr_begin(w, "cgroups");
	snapshot_cgroup_dir(w, path, strlen(path), strlen(path), 0, &n);
	jw__arr_end(w);
}

void snapshot_write(struct jw *w, uint64_t attrs)
{
	uint64_t now = mono_now_ns();
	struct fb_conn *c = NULL;
	char when[WALLCLOCK_LEN];
	struct wallclock wc;
	bool have_conns;
	size_t n = 0;

	/* the records' time format (docs/records.md): RFC 3339 UTC with ns, and the mono stamp */
	wallclock__init(&wc);
	wallclock__format(&wc, now, when);
	jw__obj_begin(w, NULL);
	jw__u64(w, "vigil_snapshot", SNAPSHOT_FORMAT);
	jw__str(w, "vigil", VIGIL_VERSION);
	jw__u64(w, "pid", (uint64_t)getpid());
	jw__str(w, "time", when);
	jw__u64(w, "ts_ns", now);
	jw__str(w, "source", fb_source_name());
	fbjson_cpu(w);
	fbjson_mem(w);
	fbjson_disk(w);
	fbjson_nics(w);
	jw__arr_begin(w, "net_connections");
	have_conns = !fb_net_connections(FB_KIND_ALL, &c, &n);
	for (size_t i = 0; have_conns && i < n; i++)
		fbjson_conn(w, &c[i], true);
	jw__arr_end(w);
	fbjson_sensors(w);
	fbjson_system(w);
	sysctl_json_tracer_keys(w);
	snapshot_sysctl_all(w);
	snapshot_mounts(w);
	snapshot_modules(w);
	snapshot_cgroups(w);
	services_json_iter(w);
	/* each process' connections come from the system-wide list read just above */
	snapshot_procs(w, attrs, c, n, have_conns);
	free(c);
	jw__obj_end(w);
}

int cmd_snapshot(int argc, char **argv)
{
	struct snapshot_args a = { .attrs = SNAPSHOT_ATTRS };
	struct cli_common common = { 0 };
	struct output out;
	struct jw w;
	bool help;
	int first;

	first = cli_parse(&snapshot_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (a.bad_attr) {
		if (*a.bad_attr)
			cli_error(&snapshot_cmd,
				  "--attrs: unknown attribute '%s' (see 'vigil snapshot --help')",
				  a.bad_attr);
		else
			cli_error(&snapshot_cmd,
				  "--attrs: names no attribute (see 'vigil snapshot --help')");
		return EXIT_USAGE;
	}
	if (first < argc) {
		cli_error(&snapshot_cmd, "unexpected argument '%s'", argv[first]);
		return EXIT_USAGE;
	}
	if (common.format_set && common.format != FMT_JSON) {
		cli_error(&snapshot_cmd, "--format: invalid value '%s' (accepts json)",
			  out_format_names[common.format]);
		return EXIT_USAGE;
	}
	common.format = FMT_JSON;
	common.format_set = true;
	log_set_level(common.verbose);
	if (output__open(&out, &snapshot_cmd, &common, FMT_JSON, 0))
		return 1;
	jw__init(&w, out.sink, false);
	snapshot_write(&w, a.attrs);
	sink__putc(out.sink, '\n');
	return output__close(&out) ? 1 : 0;
}
