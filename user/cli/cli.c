// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cli.c: getopt_long over a command's option table, with messages that say exactly which
 * flag was wrong and what it accepts, and which flags do not apply to what was asked.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/parse.h"
#include "cli/trace_opts.h"
#include "export/sink_gz.h"

#define CLI_MAX_OPTS 64

/* An option whose value may be left out: its value name is written "[VALUE]". */
static bool cli_opt_is_optional(const struct cli_opt *o)
{
	return o->arg && o->arg[0] == '[';
}

static const struct cli_opt always_opts[] = {
	{ "verbose", 'v', NULL, CLI_VERBOSE, NULL, "more diagnostics (-vv: libbpf's too)" },
	{ "help", 'h', NULL, CLI_HELP, NULL, "show this help" },
	CLI_OPT_END,
};

/*
 * Every shared vigil flag: one that a command's table lacks is refused as not supported by
 * that command rather than as unknown, so the user learns it exists but does not apply.
 */
static const struct cli_opt shared_opts[] = {
	CLI_OPT_FORMAT,	    CLI_OPT_OUTPUT,	CLI_OPT_DURATION, TRACE_OPTS_FILTERS,
	TRACE_OPTS_RINGBUF, TRACE_OPTS_BACKEND, TRACE_OPTS_TCP,	  TRACE_OPTS_BLKIO,
	ADDR_OPTS_RESOLVE,  CLI_OPT_END,
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

/* Whether cmd's own table uses short option c (then it is not the always-there one's). */
static bool cmd_has_short(const struct cli_cmd *cmd, char c)
{
	for (const struct cli_opt *o = cmd->opts; o->name; o++) {
		if (o->short_name == c)
			return true;
	}
	return false;
}

static void usage_opts(const struct cli_cmd *cmd, const struct cli_opt *o)
{
	for (; o->name; o++) {
		char flag[8] = "    ", left[48];
		/* -v and -h are the command's own where it took them (free -h, prlimit -v) */
		bool taken = (o->id == CLI_VERBOSE || o->id == CLI_HELP) &&
			     cmd_has_short(cmd, o->short_name);

		if (o->short_name && !taken)
			snprintf(flag, sizeof(flag), "-%c, ", o->short_name);
		snprintf(left, sizeof(left), "%s--%s%s%s", flag, o->name,
			 !o->arg		  ? ""
			 : cli_opt_is_optional(o) ? "[="
						  : " ",
			 !o->arg ? "" : o->arg + cli_opt_is_optional(o));
		printf("  %-26s %s\n", left, o->help);
	}
}

void cli_usage(const struct cli_cmd *cmd)
{
	printf("usage: %s\n\n%s\n", cmd->usage, cmd->summary);
	if (cmd->details)
		printf("\n%s\n", cmd->details);
	printf("\noptions:\n");
	usage_opts(cmd, cmd->opts);
	usage_opts(cmd, always_opts);
	if (cmd->examples) { /* each line indented as the options are */
		printf("\nexamples:\n");
		for (const char *l = cmd->examples; *l;) {
			size_t n = strcspn(l, "\n");

			printf("  %.*s\n", (int)n, l);
			l += n + (l[n] == '\n');
		}
	}
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
			longs[n] = (struct option){ o->name,
						    !o->arg		     ? no_argument
						    : cli_opt_is_optional(o) ? optional_argument
									     : required_argument,
						    NULL, 1000 + n };
			ids[n++] = o->id;
			if (o->short_name) {
				shorts[ns++] = o->short_name;
				if (o->arg)
					shorts[ns++] = ':';
				if (o->arg && cli_opt_is_optional(o))
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

/* The shared option an unknown argv word names ("--port=80", "--port", "-m"), or NULL. */
static const struct cli_opt *shared_opt_of(const char *word, int short_name)
{
	for (const struct cli_opt *o = shared_opts; o->name; o++) {
		size_t len = strlen(o->name);

		if (short_name && o->short_name == short_name)
			return o;
		if (!short_name && word && !strncmp(word, "--", 2) &&
		    !strncmp(word + 2, o->name, len) &&
		    (word[2 + len] == '\0' || word[2 + len] == '='))
			return o;
	}
	return NULL;
}

static void unknown_opt(const struct cli_cmd *cmd, const char *word, int short_name)
{
	const struct cli_opt *o = shared_opt_of(word, short_name);
	const char *sp = cmd->name[0] ? " " : "";

	if (o && short_name)
		cli_error(cmd, "-%c (--%s) is not supported by 'vigil%s%s'", short_name, o->name,
			  sp, cmd->name);
	else if (o)
		cli_error(cmd, "--%s is not supported by 'vigil%s%s'", o->name, sp, cmd->name);
	else if (short_name)
		cli_error(cmd, "unknown option '-%c' (see 'vigil%s%s --help')", short_name, sp,
			  cmd->name);
	else
		cli_error(cmd, "unknown option '%s' (see 'vigil%s%s --help')", word, sp, cmd->name);
}

static void seen__add(struct cli_seen *s, int id)
{
	for (int i = 0; i < s->n; i++) {
		if (s->ids[i] == id)
			return;
	}
	if (s->n < CLI_MAX_SEEN)
		s->ids[s->n++] = id;
}

bool cli_is_set(const struct cli_common *c, int id)
{
	for (int i = 0; i < c->seen.n; i++) {
		if (c->seen.ids[i] == id)
			return true;
	}
	return false;
}

int cli_check_scope(const struct cli_cmd *cmd, const struct cli_common *c, uint32_t scope,
		    uint32_t (*scope_of)(int id), const char *const *names, const char *target)
{
	for (int i = 0; i < c->seen.n; i++) {
		const struct cli_opt *o = find_opt(cmd, c->seen.ids[i]);
		uint32_t need = scope_of(c->seen.ids[i]);
		char only[64] = "";

		if (!o || !need || (need & scope))
			continue;
		for (int b = 0; names[b]; b++) {
			if (need & (1U << b))
				snprintf(only + strlen(only), sizeof(only) - strlen(only), "%s%s",
					 only[0] ? ", " : "", names[b]);
		}
		cli_error(cmd, "--%s only applies to %s, not to %s", o->name, only, target);
		return -EINVAL;
	}
	return 0;
}

int cli_set_named(const struct cli_cmd *cmd, struct cli_common *common, void *ctx, const char *name,
		  const char *value, const char *where)
{
	const struct cli_opt *o = NULL;
	int err;

	for (const struct cli_opt *p = cmd->opts; p->name && !o; p++) {
		if (!strcmp(p->name, name))
			o = p;
	}
	if (!o) {
		cli_error(cmd, "%s: unknown option '%s' (see 'vigil %s --help')", where, name,
			  cmd->name);
		return -EINVAL;
	}
	if (cli_is_set(common, o->id))
		return 0; /* the command line wins */
	err = set_common(common, o->id, value);
	if (err == -ENOENT)
		err = cmd->set ? cmd->set(ctx, o->id, value) : -EINVAL;
	if (err) {
		cli_error(cmd, "%s: %s: invalid value '%s' (accepts %s)", where, name,
			  value ? value : "", o->accepts ? o->accepts : "no value");
		return -EINVAL;
	}
	return 0;
}

int cli_refuse_with(const struct cli_cmd *cmd, const struct cli_common *c, int id, const char *what)
{
	const struct cli_opt *o = find_opt(cmd, id);

	if (!o || !cli_is_set(c, id))
		return 0;
	cli_error(cmd, "--%s does nothing with %s: drop one of them", o->name, what);
	return -EINVAL;
}

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli_common *common,
	      void *ctx, bool *help_shown)
{
	struct option longs[CLI_MAX_OPTS];
	char shorts[3 * CLI_MAX_OPTS + 2];
	int ids[CLI_MAX_OPTS], n, c, longidx;
	char label[64];

	*help_shown = false;
	n = build_getopt(cmd, longs, shorts, ids);
	if (n < 0)
		return n;
	opterr = 0;
	/*
	 * 0, not 1: glibc then forgets the rest of a short-option cluster that an earlier parse
	 * stopped in ("-hx" returns at -h), which it would otherwise go on reading, from an
	 * argv that may be gone.
	 */
	optind = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, &longidx)) != -1) {
		const struct cli_opt *o;
		int id, err;

		if (c == '?') {
			if (optopt && optopt < 1000)
				unknown_opt(cmd, NULL, optopt);
			else
				unknown_opt(cmd, argv[optind - 1], 0);
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
		seen__add(&common->seen, id);
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
