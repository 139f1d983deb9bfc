// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_snapshot.c: `vigil snapshot`: the whole fallback library at once as one JSON document
 * whose keys are psutil's names: CPU, memory, disks, NICs, every connection, sensors, users,
 * boot time, the tracer's sysctl keys, Windows' services and every process (name, status,
 * cpu_times, memory_info, ppid, username, ...).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "fallback.h"
#include "export/fbjson.h"
#include "export/json.h"
#include "core/log.h"
#include "export/output.h"
#include "export/services_out.h"
#include "export/sysctl_out.h"

static const struct cli_opt snapshot_opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	CLI_OPT_END,
};

static const struct cli_cmd snapshot_cmd = {
	.name = "snapshot",
	.usage = "vigil snapshot [--output FILE[.gz]]",
	.summary = "Print every system and process metric of the fallback library as JSON.",
	.details = "Keys are psutil's names (cpu_times, virtual_memory, net_connections, ...);\n"
		   "a value this machine cannot provide is null.",
	.opts = snapshot_opts,
};

#define SNAPSHOT_ATTRS                                                                     \
	(FB_PI_NAME | FB_PI_STATUS | FB_PI_CPU_TIMES | FB_PI_MEMORY_INFO | FB_PI_PPID |    \
	 FB_PI_USERNAME | FB_PI_CREATE_TIME | FB_PI_NUM_THREADS | FB_PI_NICE | FB_PI_TERMINAL)

static void snapshot_write(struct jw *w)
{
	const struct fb_proc_info *pi;
	struct fb_proc_iter *it;
	struct fb_conn *c;
	struct timespec ts;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	jw__obj_begin(w, NULL);
	jw__f64(w, "time", (double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
	jw__str(w, "source", fb_source_name());
	fbjson_cpu(w);
	fbjson_mem(w);
	fbjson_disk(w);
	fbjson_nics(w);
	jw__arr_begin(w, "net_connections");
	if (!fb_net_connections(FB_KIND_ALL, &c, &n)) {
		for (size_t i = 0; i < n; i++)
			fbjson_conn(w, &c[i], true);
		free(c);
	}
	jw__arr_end(w);
	fbjson_sensors(w);
	fbjson_system(w);
	sysctl_json_tracer_keys(w);
	services_json_iter(w);
	jw__arr_begin(w, "processes");
	it = fb_proc_iter__new(SNAPSHOT_ATTRS);
	while (it && (pi = fb_proc_iter__next(it)))
		fbjson_proc_info(w, pi, SNAPSHOT_ATTRS, -1);
	fb_proc_iter__free(it);
	jw__arr_end(w);
	jw__obj_end(w);
}

int cmd_snapshot(int argc, char **argv)
{
	struct cli_common common = { 0 };
	struct output out;
	struct jw w;
	bool help;
	int first;

	first = cli_parse(&snapshot_cmd, argc, argv, &common, NULL, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
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
	snapshot_write(&w);
	sink__putc(out.sink, '\n');
	return output__close(&out) ? 1 : 0;
}
