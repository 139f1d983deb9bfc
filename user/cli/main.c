// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * main.c: vigil's entry point: picks the command named by argv[1] from the command table
 * and returns its exit status. `vigil` alone runs the main job.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "core/log.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "doctor", cmd_doctor },
	{ "trace", cmd_trace },
	{ "hist", cmd_hist },
	{ "serve", cmd_serve },
	{ "top", cmd_top },
	{ "profile", cmd_profile },
	{ "snapshot", cmd_snapshot },
	{ "ps", cmd_ps },
	{ "proc", cmd_proc },
	{ "pidof", cmd_pidof },
	{ "net", cmd_net },
	{ "sys", cmd_sys },
	{ "kill", cmd_kill },
	{ "biotop", cmd_biotop },
};

int main(int argc, char **argv)
{
	log_hook_libbpf();
	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("vigil %s\n", VIGIL_VERSION);
		return 0;
	}
	for (unsigned int i = 0; argc > 1 && i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	}
	return cmd_run(argc, argv);
}
