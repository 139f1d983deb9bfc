// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * commands_tracer.c: the command table of the tracer module: the commands that load BPF
 * programs or serve over HTTP (libbpf, the skeletons, libmicrohttpd), the main job that
 * `vigil` alone runs, and the Unix-tool lookalikes built on Linux interfaces (pidfd setters,
 * /proc fd and smaps walks, diskstats; iotop reads blkio's BPF map too), which have no
 * Windows port yet. A build without the module links commands_none.c instead.
 */
#include <stddef.h>

#include "cli/commands.h"

/* One command per line, so that adding one touches one line. */
/* clang-format off */
const struct command tracer_commands[] = {
	{ "doctor", cmd_doctor },
	{ "trace", cmd_trace },
	{ "hist", cmd_hist },
	{ "serve", cmd_serve },
	{ "top", cmd_top },
	{ "profile", cmd_profile },
	{ "biotop", cmd_biotop },
	{ "lsof", cmd_lsof },
	{ "pmap", cmd_pmap },
	{ "taskset", cmd_taskset },
	{ "renice", cmd_renice },
	{ "ionice", cmd_ionice },
	{ "prlimit", cmd_prlimit },
	{ "free", cmd_free },
	{ "df", cmd_df },
	{ "uptime", cmd_uptime },
	{ "who", cmd_who },
	{ "diff", cmd_diff },
	{ "baseline", cmd_baseline },
	{ "iostat", cmd_iostat },
	{ "iotop", cmd_iotop },
	{ "probe", cmd_probe },
	{ "rules", cmd_rules },
	{ "alerts", cmd_alerts },
	{ "fleet", cmd_fleet },
	{ "ip", cmd_ip },
	{ NULL, NULL },
};
/* clang-format on */

int cmd_default(int argc, char **argv)
{
	return cmd_run(argc, argv);
}
