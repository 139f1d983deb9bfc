// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_baseline.c: `vigil baseline save DIR [-o FILE]`: record every entry under DIR (links
 * not followed) with its type, mode, owner, size, mtime and SHA-256 (user/diff/baseline.h),
 * for `vigil diff --baseline FILE DIR` to say later what was added, removed or modified, as
 * AIDE does for /etc. An entry that cannot be read is recorded without its hash and named
 * on stderr (exit 1); the walk never stops for it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/log.h"
#include "diff/baseline.h"
#include "diff/diff_dl.h"
#include "export/escape.h"
#include "export/output.h"
#include "export/sink_gz.h"

static const struct cli_opt baseline_opts[] = {
	CLI_OPT_OUTPUT,
	CLI_OPT_END,
};

static int baseline_set(void *ctx, int id, const char *arg)
{
	(void)ctx;
	(void)id;
	(void)arg;
	return -EINVAL;
}

static const struct cli_cmd baseline_cmd = {
	.name = "baseline",
	.usage = "vigil baseline save DIR [-o FILE]",
	.summary = "Record a tree's hashes, modes, owners, sizes and mtimes.",
	.details = "Check it later with 'vigil diff --baseline FILE DIR'.",
	.examples = "vigil baseline save /var/lib/vigil/base\n"
		    "vigil baseline save /tmp/b -o base.json",
	.opts = baseline_opts,
	.set = baseline_set,
};

static void baseline_say_errors(const struct baseline *b)
{
	char safe[1024];
	size_t said = 0;

	for (size_t i = 0; i < b->n && said < 20; i++) {
		if (!b->v[i].err)
			continue;
		esc_buf(safe, sizeof(safe), b->v[i].path);
		cli_error(&baseline_cmd, "%s: %s (recorded without its content)", safe,
			  strerror(b->v[i].err));
		said++;
	}
	if (b->nerr > said)
		cli_error(&baseline_cmd, "%zu entries could not be read in all", b->nerr);
}

int cmd_baseline(int argc, char **argv)
{
	struct cli_common common = { 0 };
	struct baseline b = { 0 };
	struct output out;
	int first, err, rc = 0;
	bool help;

	first = cli_parse(&baseline_cmd, argc, argv, &common, NULL, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	log_set_level(common.verbose);
	if (first >= argc || strcmp(argv[first], "save")) {
		cli_error(&baseline_cmd,
			  first < argc ? "unknown action '%s' (accepts save)"
				       : "needs an action: save%s",
			  first < argc ? argv[first] : "");
		return EXIT_USAGE;
	}
	if (argc - first != 2) {
		cli_error(&baseline_cmd, "save: needs one directory (see 'vigil baseline --help')");
		return EXIT_USAGE;
	}
	if (common.output && sink_gz_path_is_gzip(common.output)) {
		cli_error(&baseline_cmd,
			  "--output: 'vigil diff --baseline' reads plain files: drop "
			  "the .gz");
		return EXIT_USAGE;
	}
	err = baseline__scan(&b, argv[first + 1]);
	if (err == -ENOSYS) {
		cli_error(&baseline_cmd, "needs %s for SHA-256, which could not be loaded",
			  diff_dl_missing() ? diff_dl_missing() : "libcrypto");
		rc = EXIT_USAGE;
		goto free_b;
	}
	if (err) {
		cli_error(&baseline_cmd, "%s: %s", argv[first + 1], strerror(-err));
		rc = EXIT_USAGE;
		goto free_b;
	}
	common.format = FMT_JSON;
	common.format_set = true;
	if (output__open(&out, &baseline_cmd, &common, FMT_JSON, 0)) {
		rc = EXIT_USAGE;
		goto free_b;
	}
	baseline__write(&b, out.sink, argv[first + 1]);
	if (output__close(&out))
		rc = 1;
	if (b.nerr) {
		baseline_say_errors(&b);
		rc = rc ? rc : 1;
	}
free_b:
	baseline__free(&b);
	return rc;
}
