// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * commands_none.c: the command table of a build without the tracer module (no libbpf, no
 * BPF: the Windows build). `trace` polls the fallback library instead (cmd_trace_poll.c);
 * the tracer's other commands keep their names and say they are not available on this
 * platform (exit 2); `vigil` alone, or an unknown command, prints the commands this build has.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

static int cmd_unavailable(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr,
		"vigil %s: not available on this platform: it needs the BPF tracer (a Linux build "
		"with libbpf); see 'vigil --help'\n",
		argv[0]);
	return EXIT_USAGE;
}

const struct command tracer_commands[] = {
	{ "doctor", cmd_unavailable }, { "trace", cmd_trace_poll },
	{ "hist", cmd_unavailable },   { "serve", cmd_unavailable },
	{ "top", cmd_unavailable },    { "profile", cmd_unavailable },
	{ "biotop", cmd_unavailable }, { NULL, NULL },
};

static void usage(FILE *f)
{
	fputs("usage: vigil COMMAND [ARGS]  (vigil COMMAND --help for its options)\n\n"
	      "commands in this build (the fallback library's; no BPF tracer):\n"
	      "  snapshot  the whole fallback library as one JSON document\n"
	      "  ps        processes, like ps and top\n"
	      "  pidof     the pids of the processes called NAME\n"
	      "  net       sockets (psutil.net_connections), NIC counters, addresses, stats\n"
	      "  sys       system metrics, sysctl, services, users, boot time\n"
	      "  kill      signal processes; --tree: descendants first, then wait\n"
	      "  trace     sample records (cpu, mem, net) polled from the fallback library\n",
	      f);
}

int cmd_default(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc > 1)
		fprintf(stderr, "vigil: unknown command '%s' (see 'vigil --help')\n", argv[1]);
	else
		usage(stderr);
	return EXIT_USAGE;
}
