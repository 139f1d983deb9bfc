// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * main.c (Windows): the entry point of vigil.exe, which carries only the commands built on the
 * fallback library (no BPF exists there): snapshot, ps, net, sys, kill, and a polling trace.  The
 * Makefile's `win` target compiles this file instead of user/main.c.
 */
#include <stdio.h>
#include <string.h>

#include "fbcmd.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "snapshot", cmd_snapshot, "the whole fallback library as one JSON document" },
	{ "ps", cmd_ps, "every process (psutil's process_iter)" },
	{ "net", cmd_net, "[KIND] | io | addrs | stats" },
	{ "sys", cmd_sys, "sysctl [PATTERN] | services [NAME] | boot | users" },
	{ "kill", cmd_kill, "[--tree] [--timeout S] PID" },
	{ "trace", cmd_fbtrace, "sample records polled from the fallback collectors" },
};

static int usage(FILE *f)
{
	fprintf(f, "usage: vigil COMMAND [ARGS]\n\ncommands (fallback collectors only):\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	return f == stdout ? 0 : FBCMD_USAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "--version")) {
		printf("vigil %s (fallback only)\n", VIGIL_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(stdout);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "vigil: unknown command '%s' (see --help)\n", argv[1]);
	return FBCMD_USAGE;
}
