// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_cli.c: libFuzzer target for the option parser every command shares, cli_parse(): the
 * input split on NUL bytes is argv (after a program name), parsed against a command that has
 * the common options plus switches and valued options of its own, long and short. Any argv
 * must be parsed or refused cleanly, and parsing it again must give the same answer: nothing
 * may carry over from one call to the next. Its messages and help text go to /dev/null
 * (stdio only: sanitizer reports and libFuzzer's own output still reach the terminal).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_ARGS 32

enum { OPT_ALL = CLI_COMMON_MAX, OPT_PID, OPT_SIZE, OPT_NAME };

static int set(void *ctx, int id, const char *arg)
{
	uint64_t v;

	(void)ctx;
	switch (id) {
	case OPT_ALL:
		return 0;
	case OPT_PID:
		return parse_u64(arg, 1, 4194304, &v);
	case OPT_SIZE:
		return parse_size(arg, &v);
	case OPT_NAME:
		return *arg ? 0 : -EINVAL;
	}
	return -EINVAL;
}

static const struct cli_opt opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	CLI_OPT_DURATION,
	{ "all", 'a', NULL, OPT_ALL, NULL, "every one" },
	{ "pid", 'p', "PID", OPT_PID, "a process id", "only this process" },
	{ "size", 0, "SIZE", OPT_SIZE, "a size such as 4k", "a size" },
	{ "name", 'n', "NAME", OPT_NAME, "a name", "a name" },
	CLI_OPT_END,
};

static const struct cli_cmd cmd = {
	.name = "fuzz",
	.usage = "[OPTIONS]",
	.summary = "fuzz",
	.opts = opts,
	.set = set,
};

static int parse(int argc, char **argv)
{
	char *copy[FUZZ_MAX_ARGS + 2];
	struct cli_common c = { 0 };
	bool help;

	/* getopt may permute argv: each parse gets its own copy of the pointers */
	memcpy(copy, argv, sizeof(copy));
	return cli_parse(&cmd, argc, copy, &c, NULL, &help);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[FUZZ_MAX_ARGS + 2] = { "vigil" }, *s, *p;
	static FILE *devnull;
	int argc = 1;

	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		if (devnull)
			stdout = stderr = devnull;
	}
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (p = s; p < s + size && argc <= FUZZ_MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	if (parse(argc, argv) != parse(argc, argv))
		abort();
	free(s);
	return 0;
}
