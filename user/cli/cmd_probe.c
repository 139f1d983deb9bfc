// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_probe.c: `vigil probe KIND ...`: active checks of a target from the outside. The first
 * word picks the probe from the table below; each probe parses its own flags.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "probe/probe_traceroute.h"

/* One probe per line, so that adding one touches one line. */
/* clang-format off */
static const struct command probes[] = {
	{ "traceroute", probe_traceroute__cmd },
	{ NULL, NULL },
};
/* clang-format on */

static void probe_usage(FILE *f)
{
	fputs("usage: vigil probe KIND ARGS  (vigil probe KIND --help for its options)\n"
	      "kinds:\n"
	      "  traceroute HOST [--port N]   the path to a TCP port (TCP SYNs with rising TTL)\n",
	      f);
}

int cmd_probe(int argc, char **argv)
{
	if (argc < 2) {
		fputs("vigil probe: which probe? ", stderr);
		probe_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		probe_usage(stdout);
		return 0;
	}
	for (const struct command *p = probes; p->name; p++) {
		if (!strcmp(argv[1], p->name))
			return p->run(argc - 1, argv + 1);
	}
	fprintf(stderr, "vigil probe: unknown probe '%s' (see 'vigil probe --help')\n", argv[1]);
	return EXIT_USAGE;
}
