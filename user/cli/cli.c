// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cli.c: getopt_long over a command's option table, with messages that say exactly which
 * flag was wrong and what it accepts.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/parse.h"
#include "export/sink_gz.h"

#define CLI_MAX_OPTS 64

static const struct cli_opt always_opts[] = {
	{ "verbose", 'v', NULL, CLI_VERBOSE, NULL, "more diagnostics (-vv: libbpf's too)" },
	{ "help", 'h', NULL, CLI_HELP, NULL, "show this help" },
	CLI_OPT_END,
};

void cli_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vigil%s%s: ", cmd->name[0] ? " " : "", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage_opts(const struct cli_opt *o)
{
	for (; o->name; o++) {
		char flag[8] = "    ", left[48];

		if (o->short_name)
			snprintf(flag, sizeof(flag), "-%c, ", o->short_name);
		snprintf(left, sizeof(left), "%s--%s%s%s", flag, o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
		printf("  %-26s %s\n", left, o->help);
	}
}

void cli_usage(const struct cli_cmd *cmd)
{
	printf("usage: %s\n\n%s\n", cmd->usage, cmd->summary);
	if (cmd->details)
		printf("\n%s\n", cmd->details);
	printf("\noptions:\n");
	usage_opts(cmd->opts);
	usage_opts(always_opts);
}

static const struct cli_opt *find_opt(const struct cli_cmd *cmd, int id)
{
	for (const struct cli_opt *o = cmd->opts; o->name; o++) {
		if (o->id == id)
			return o;
	}
	for (const struct cli_opt *o = always_opts; o->name; o++) {
		if (o->id == id)
			return o;
	}
	return NULL;
}

static int set_common(struct cli_common *c, int id, const char *arg)
{
	int v;

	switch (id) {
	case CLI_FORMAT:
		v = parse_choice(arg, out_format_names);
		if (v < 0)
			return v;
		c->format = (enum out_format)v;
		c->format_set = true;
		return 0;
	case CLI_OUTPUT:
		if (!*arg)
			return -EINVAL;
		if (sink_gz_path_is_gzip(arg) && !sink_gz_is_available())
			return -ENOTSUP;
		c->output = arg;
		return 0;
	case CLI_DURATION:
		if (parse_duration(arg, NSEC_PER_SEC, &c->duration_ns) || !c->duration_ns)
			return -EINVAL;
		return 0;
	case CLI_VERBOSE:
		c->verbose++;
		return 0;
	}
	return -ENOENT;
}

/* Build getopt's tables; option index i maps back through ids[i]. */
static int build_getopt(const struct cli_cmd *cmd, struct option *longs, char *shorts, int *ids)
{
	const struct cli_opt *tables[] = { cmd->opts, always_opts };
	int n = 0, ns = 0;

	shorts[ns++] = ':'; /* report a missing value as ':' */
	for (unsigned int t = 0; t < 2; t++) {
		for (const struct cli_opt *o = tables[t]; o->name; o++) {
			if (n == CLI_MAX_OPTS - 1)
				return -E2BIG;
			longs[n] = (struct option){ o->name, o->arg ? required_argument : no_argument,
						    NULL, 1000 + n };
			ids[n++] = o->id;
			if (o->short_name) {
				shorts[ns++] = o->short_name;
				if (o->arg)
					shorts[ns++] = ':';
			}
		}
	}
	longs[n] = (struct option){ NULL, 0, NULL, 0 };
	shorts[ns] = '\0';
	return n;
}

static int id_of(const struct cli_cmd *cmd, const int *ids, int n, int c)
{
	const struct cli_opt *tables[] = { cmd->opts, always_opts };

	if (c >= 1000 && c < 1000 + n)
		return ids[c - 1000];
	for (unsigned int t = 0; t < 2; t++) {
		for (const struct cli_opt *o = tables[t]; o->name; o++) {
			if (o->short_name && o->short_name == c)
				return o->id;
		}
	}
	return -1;
}

static const char *opt_label(const struct cli_opt *o, char *buf, size_t len)
{
	snprintf(buf, len, "--%s", o->name);
	return buf;
}

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli_common *common,
	      void *ctx, bool *help_shown)
{
	struct option longs[CLI_MAX_OPTS];
	char shorts[2 * CLI_MAX_OPTS + 2];
	int ids[CLI_MAX_OPTS], n, c, longidx;
	char label[64];

	*help_shown = false;
	n = build_getopt(cmd, longs, shorts, ids);
	if (n < 0)
		return n;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shorts, longs, &longidx)) != -1) {
		const struct cli_opt *o;
		int id, err;

		if (c == '?') {
			if (optopt && optopt < 1000)
				cli_error(cmd, "unknown option '-%c' (see 'vigil%s%s --help')",
					  optopt, cmd->name[0] ? " " : "", cmd->name);
			else
				cli_error(cmd, "unknown option '%s' (see 'vigil%s%s --help')",
					  argv[optind - 1], cmd->name[0] ? " " : "", cmd->name);
			return -EINVAL;
		}
		if (c == ':') {
			o = find_opt(cmd, id_of(cmd, ids, n, optopt));
			cli_error(cmd, "%s needs a value (%s)",
				  o ? opt_label(o, label, sizeof(label)) : argv[optind - 1],
				  o && o->accepts ? o->accepts : "see --help");
			return -EINVAL;
		}
		id = id_of(cmd, ids, n, c);
		o = find_opt(cmd, id);
		if (id == CLI_HELP) {
			cli_usage(cmd);
			*help_shown = true;
			return 0;
		}
		err = set_common(common, id, optarg);
		if (err == -ENOENT)
			err = cmd->set ? cmd->set(ctx, id, optarg) : -EINVAL;
		if (err == -ENOTSUP && id == CLI_OUTPUT) {
			cli_error(cmd, "--output %s: gzip output needs zlib: not in this build",
				  optarg);
			return -EINVAL;
		}
		if (err) {
			cli_error(cmd, "%s: invalid value '%s' (accepts %s)",
				  opt_label(o, label, sizeof(label)), optarg ? optarg : "",
				  o->accepts ? o->accepts : "no value");
			return -EINVAL;
		}
	}
	return optind;
}

enum out_format cli_format(const struct cli_common *c, bool stdout_is_tty,
			   enum out_format stream_default)
{
	if (c->format_set)
		return c->format;
	return stdout_is_tty && !c->output ? FMT_TABLE : stream_default;
}
