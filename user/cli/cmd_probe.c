// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_probe.c: `vigil probe KIND ...`: the active checks, picked by their first word from the
 * table below; each probe (user/probe/) parses its own flags and prints its own help.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "probe/probe.h"
#include "probe/probe_traceroute.h"

/* One probe per line, so that adding one touches one line. */
/* clang-format off */
static const struct command probe_kinds[] = {
	{ "http", probe_http__cmd },
	{ "tcp", probe_tcp__cmd },
	{ "dns", probe_dns__cmd },
	{ "traceroute", probe_traceroute__cmd },
	{ NULL, NULL },
};
/* clang-format on */

static void probe_usage(FILE *f)
{
	fputs("usage: vigil probe ", f);
	for (const struct command *k = probe_kinds; k->name; k++)
		fprintf(f, "%s%s", k->name, k[1].name ? "|" : "");
	fprintf(f, " [OPTIONS] TARGET...\n\n"
		   "Active checks, with the kernel's view of each probe.\n"
		   "'vigil probe KIND --help' shows a kind's flags.\n"
		   "\nexamples:\n"
		   "  vigil probe http https://example.com/\n"
		   "  vigil probe tcp 127.0.0.1:22\n"
		   "  vigil probe dns example.com\n");
}

int cmd_probe(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "vigil probe: no probe kind given\n");
		probe_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		probe_usage(stdout);
		return 0;
	}
	for (const struct command *k = probe_kinds; k->name; k++) {
		if (!strcmp(argv[1], k->name))
			return k->run(argc - 1, argv + 1);
	}
	fprintf(stderr, "vigil probe: unknown probe kind '%s'\n", argv[1]);
	probe_usage(stderr);
	return EXIT_USAGE;
}
