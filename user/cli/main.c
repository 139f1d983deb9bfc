// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * main.c: vigil's entry point: picks the command named by argv[1] from the command tables
 * (the fallback library's commands, which every platform builds, then the tracer module's)
 * and returns its exit status. `vigil` alone runs the main job.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "core/log.h"

static const struct command commands[] = {
	{ "snapshot", cmd_snapshot }, { "ps", cmd_ps },	  { "proc", cmd_proc },
	{ "pidof", cmd_pidof },	      { "net", cmd_net }, { "sys", cmd_sys },
	{ "kill", cmd_kill },
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
	for (const struct command *c = tracer_commands; argc > 1 && c->name; c++) {
		if (!strcmp(argv[1], c->name))
			return c->run(argc - 1, argv + 1);
	}
	return cmd_default(argc, argv);
}
