/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * cli.h: table-driven option parsing shared by every command. A command lists its options
 * (the common ones come as ready-made entries); cli_parse() handles --help, -v and the
 * common output options itself and hands the rest to the command's setter. Any bad or
 * unknown flag or value produces one message naming the flag and what it accepts, and a
 * return that main() turns into exit status 2. The option tables are the one place that says
 * which flags a command takes: a vigil flag missing from a command's table is refused as "not
 * supported by" it, and a flag that only means something for some of what a command can do
 * (a subsystem, a view) has a scope, which cli_check_scope() enforces once the positional
 * arguments have said what the command will do.
 */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "export/export.h"
#include "port.h"

enum cli_common_id {
	CLI_FORMAT = 1,
	CLI_OUTPUT,
	CLI_DURATION,
	CLI_VERBOSE,
	CLI_HELP,
	CLI_COMMON_MAX = 100, /* commands number their own options from here */
};

struct cli_opt {
	const char *name; /* long name, without "--" */
	char short_name;  /* 0: none */
	/* NULL: a switch; else the value's name in help, e.g. "FMT"; "[FMT]": the value is
	 * optional (--name=FMT or -nFMT; the setter gets NULL without one) */
	const char *arg;
	int id;
	const char *accepts; /* what a valid value looks like, for errors and help */
	const char *help;
};

#define CLI_OPT_FORMAT                                                                             \
	{                                                                                          \
		"format", 'f', "FMT", CLI_FORMAT, "table, csv, json or ndjson",                    \
			"output format (default: table on a terminal, else ndjson)"                \
	}
/* --format for the Unix-tool lookalikes: their own layout unless asked, terminal or not */
#define CLI_OPT_FORMAT_TOOL                                                                        \
	{                                                                                          \
		"format", 'f', "FMT", CLI_FORMAT, "table, csv, json or ndjson",                    \
			"output format (default: table, the tool's own layout)"                    \
	}
#define CLI_OPT_OUTPUT                                                                             \
	{                                                                                          \
		"output", 'o', "FILE", CLI_OUTPUT, "a file name; a name ending in .gz is gzip'd",  \
			"write to FILE instead of stdout (FILE.gz: gzip)"                          \
	}
#define CLI_OPT_DURATION                                                                           \
	{                                                                                          \
		"duration", 'd', "TIME", CLI_DURATION, "a duration such as 10s, 500ms or 2m",      \
			"stop after TIME (default: run until Ctrl-C or SIGTERM)"                   \
	}
#define CLI_OPT_END                                                                                \
	{                                                                                          \
		NULL, 0, NULL, 0, NULL, NULL                                                       \
	}

struct cli_cmd {
	const char *name;
	const char *usage;
	const char *summary;
	const char *details; /* extra help text, may be NULL */
	const struct cli_opt *opts;
	/* Apply option id with its value; 0, or -EINVAL/-ERANGE for a bad value. */
	int (*set)(void *ctx, int id, const char *arg);
	/* two or three command lines, one per line, that end --help (and the man page) */
	const char *examples;
};

#define CLI_MAX_SEEN 64

struct cli_seen {
	int ids[CLI_MAX_SEEN]; /* the options given, by id, in order (repeats once) */
	int n;
};

struct cli_common {
	enum out_format format;
	bool format_set;
	const char *output;
	uint64_t duration_ns; /* 0: until a signal */
	int verbose;
	struct cli_seen seen;
};

/* Whether option id was given on the command line. */
bool cli_is_set(const struct cli_common *c, int id);

/*
 * Refuse (after a message; exit 2) each option given whose scope, scope_of(id) (0: always
 * applies), does not meet scope: what the positional arguments selected. names[b] names scope
 * bit b, e.g. "tcp"; target says what was selected, e.g. "'vigil trace sched'". 0 or -EINVAL.
 */
int cli_check_scope(const struct cli_cmd *cmd, const struct cli_common *c, uint32_t scope,
		    uint32_t (*scope_of)(int id), const char *const *names, const char *target);

/*
 * Apply cmd's option of long name name with value (NULL for a switch), as if given on the
 * command line, unless the command line gave it: for a config file. where prefixes the
 * message ("vigil.yaml:3"). value must live as long as the command. 0, or -EINVAL after a
 * message naming the option (unknown, or a bad value).
 */
int cli_set_named(const struct cli_cmd *cmd, struct cli_common *common, void *ctx, const char *name,
		  const char *value, const char *where);

/* Refuse option id, given, as not meaning anything with what (e.g. "--once"). 0 or -EINVAL. */
int cli_refuse_with(const struct cli_cmd *cmd, const struct cli_common *c, int id,
		    const char *what);

#define CLI_HELP_SHOWN 1 /* cli_parse(): --help was printed; exit 0 */

/*
 * Parse argv for cmd. Returns the index of the first positional argument (>= 2 only when
 * the command name was argv[1]... callers use it as argv[ret..argc)), CLI_HELP_SHOWN via
 * *help_shown, or -EINVAL after printing what was wrong.
 */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli_common *common,
	      void *ctx, bool *help_shown);

/* Print "vigil CMD: MESSAGE" to stderr; for errors found after parsing (exit 2). */
void cli_error(const struct cli_cmd *cmd, const char *fmt, ...) PORT_PRINTF(2, 3);

void cli_usage(const struct cli_cmd *cmd);

/* The format to use: the one asked for, else table on a terminal and stream_default if not. */
enum out_format cli_format(const struct cli_common *c, bool stdout_is_tty,
			   enum out_format stream_default);

#endif /* VIGIL_CLI_H */
