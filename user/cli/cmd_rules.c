// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_rules.c: `vigil rules check FILE...`: validate alerting-rules files as serve --rules
 * would load them, as `promtool check rules` does: every fault as FILE:LINE:COLUMN: what, on
 * stderr, and the number of rules of each good file on stdout. Exit 0 when every file is
 * good, 1 when one is not, 2 for a bad command line.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alert/alert_rules.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "core/log.h"

static const struct cli_opt rules_opts[] = {
	CLI_OPT_END,
};

static int rules_set(void *ctx, int id, const char *arg)
{
	(void)ctx;
	(void)id;
	(void)arg;
	return -ENOENT;
}

static const struct cli_cmd rules_cmd = {
	.name = "rules",
	.usage = "vigil rules check FILE...",
	.summary = "Check alerting-rules files (serve --rules) as promtool check rules does.",
	.details = "Faults are printed as FILE:LINE:COLUMN: what; exit 1 if any file has one.\n"
		   "The rules language is in docs/alerts.md.",
	.opts = rules_opts,
	.set = rules_set,
	.examples = "vigil rules check /etc/vigil/rules.yaml\n"
		    "vigil rules check rules.yaml more-rules.yaml",
};

int cmd_rules(int argc, char **argv)
{
	struct cli_common common = { 0 };
	int first, bad = 0;
	char err[8192];
	bool help;

	first = cli_parse(&rules_cmd, argc, argv, &common, NULL, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	log_set_level(common.verbose);
	if (first >= argc || strcmp(argv[first], "check")) {
		if (first >= argc)
			cli_error(&rules_cmd, "want a subcommand: check");
		else
			cli_error(&rules_cmd, "unknown subcommand '%s' (check)", argv[first]);
		return EXIT_USAGE;
	}
	if (first + 1 >= argc) {
		cli_error(&rules_cmd, "check: want one or more FILEs");
		return EXIT_USAGE;
	}
	for (int i = first + 1; i < argc; i++) {
		struct alert_rules *r = alert_rules__load(argv[i], err, sizeof(err));

		if (!r) {
			fprintf(stderr, "%s\n", err[0] ? err : strerror(errno));
			printf("%s: FAILED\n", argv[i]);
			bad = 1;
			continue;
		}
		printf("%s: SUCCESS: %zu rules found\n", argv[i], r->n);
		alert_rules__free(r);
	}
	return bad;
}
