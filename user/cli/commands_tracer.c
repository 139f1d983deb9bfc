// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * commands_tracer.c: the command table of the tracer module: the commands that load BPF
 * programs or serve over HTTP (libbpf, the skeletons, libmicrohttpd), and the main job that
 * `vigil` alone runs. A build without the module links commands_none.c instead.
 */
#include <stddef.h>

#include "cli/commands.h"

const struct command tracer_commands[] = {
	{ "doctor", cmd_doctor },
	{ "trace", cmd_trace },
	{ "hist", cmd_hist },
	{ "serve", cmd_serve },
	{ "top", cmd_top },
	{ "profile", cmd_profile },
	{ "biotop", cmd_biotop },
	{ NULL, NULL },
};

int cmd_default(int argc, char **argv)
{
	return cmd_run(argc, argv);
}
