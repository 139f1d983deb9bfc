// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_cli.c: flag parsing. Good flags land in the right place; every bad or unknown flag or
 * value is rejected with one message that names the flag and what it accepts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/parse.h"
#include "cli/trace_opts.h"

static const struct cli_opt opts[] = {
	CLI_OPT_FORMAT,	    CLI_OPT_OUTPUT, CLI_OPT_DURATION, TRACE_OPTS_FILTERS,
	TRACE_OPTS_RINGBUF, TRACE_OPTS_TCP, TRACE_OPTS_BLKIO, CLI_OPT_END,
};

static int set(void *ctx, int id, const char *arg)
{
	return trace_cfg__set_opt(ctx, id, arg);
}

static const struct cli_cmd cmd = {
	.name = "test", .usage = "vigil test", .summary = "testing", .opts = opts, .set = set
};

struct parsed {
	int ret;
	bool help;
	struct cli_common common;
	struct trace_cfg cfg;
	char err[512];
};

/* Parse a NULL-terminated argument list, capturing stderr. */
static void parse(struct parsed *p, ...)
{
	char *argv[32] = { "test" };
	int argc = 1, saved, fd;
	va_list ap;
	FILE *tmp = tmpfile();

	memset(p, 0, sizeof(*p));
	trace_cfg__init(&p->cfg);
	va_start(ap, p);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = fileno(tmp);
	dup2(fd, STDERR_FILENO);
	p->ret = cli_parse(&cmd, argc, argv, &p->common, &p->cfg, &p->help);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	p->err[fread(p->err, 1, sizeof(p->err) - 1, tmp)] = '\0';
	fclose(tmp);
}

static void test_good_flags_land_in_place(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "--format", "csv", "-o", "x.csv.gz", "--duration", "1.5s", "--pid", "42",
	      "--comm", "sleeper", "--min-latency", "10ms", "--ringbuf-size", "16M", "-v", "-v",
	      "sched", NULL);
	assert_int_equal(p.ret, 17); /* the index of "sched" */
	assert_int_equal(p.common.format, FMT_CSV);
	assert_true(p.common.format_set);
	assert_string_equal(p.common.output, "x.csv.gz");
	assert_int_equal(p.common.duration_ns, 1500 * NSEC_PER_MSEC);
	assert_int_equal(p.common.verbose, 2);
	assert_int_equal(p.cfg.tgid, 42);
	assert_string_equal(p.cfg.comm, "sleeper");
	assert_int_equal(p.cfg.min_latency_ns, 10 * NSEC_PER_MSEC);
	assert_int_equal(p.cfg.ringbuf_bytes, 16 << 20);
	assert_string_equal(p.err, "");
}

static void test_min_latency_bare_number_is_usecs(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "-m", "500", NULL);
	assert_int_equal(p.ret, 3);
	assert_int_equal(p.cfg.min_latency_ns, 500 * NSEC_PER_USEC);
}

static void test_bad_values_name_flag_and_accepted_values(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "--format", "xml", NULL);
	assert_int_equal(p.ret, -EINVAL);
	assert_string_equal(p.err, "vigil test: --format: invalid value 'xml' "
				   "(accepts table, csv, json or ndjson)\n");
	parse(&p, "--pid", "0", NULL);
	assert_int_equal(p.ret, -EINVAL);
	assert_non_null(strstr(p.err, "--pid: invalid value '0' (accepts a process id"));
	parse(&p, "--duration", "soon", NULL);
	assert_non_null(strstr(p.err, "--duration: invalid value 'soon'"));
	parse(&p, "--duration", "0", NULL);
	assert_int_equal(p.ret, -EINVAL);
	parse(&p, "--ringbuf-size", "3M", NULL);
	assert_non_null(strstr(p.err, "power of two"));
	parse(&p, "--comm", "a-name-longer-than-15", NULL);
	assert_non_null(strstr(p.err, "--comm"));
	parse(&p, "--cgroup", "/tmp", NULL);
	assert_non_null(strstr(p.err, "--cgroup: invalid value '/tmp' (accepts a cgroup v2"));
}

static void test_unknown_and_missing(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "--bogus", NULL);
	assert_int_equal(p.ret, -EINVAL);
	assert_string_equal(p.err,
			    "vigil test: unknown option '--bogus' (see 'vigil test --help')\n");
	parse(&p, "-Z", NULL);
	assert_string_equal(p.err, "vigil test: unknown option '-Z' (see 'vigil test --help')\n");
	parse(&p, "--pid", NULL);
	assert_int_equal(p.ret, -EINVAL);
	assert_non_null(strstr(p.err, "--pid needs a value (a process id"));
	parse(&p, "-d", NULL);
	assert_non_null(strstr(p.err, "--duration needs a value"));
}

static void test_help(void **state)
{
	struct parsed p;

	(void)state;
	fflush(stdout);
	{
		int saved = dup(STDOUT_FILENO), null = open("/dev/null", 1);

		dup2(null, STDOUT_FILENO);
		parse(&p, "--help", NULL);
		fflush(stdout);
		dup2(saved, STDOUT_FILENO);
		close(saved);
		close(null);
	}
	assert_true(p.help);
	assert_int_equal(p.ret, 0);
}

static void test_format_defaults(void **state)
{
	struct cli_common c = { 0 };

	(void)state;
	assert_int_equal(cli_format(&c, true, FMT_NDJSON), FMT_TABLE);
	assert_int_equal(cli_format(&c, false, FMT_NDJSON), FMT_NDJSON);
	c.output = "x.csv";
	assert_int_equal(cli_format(&c, true, FMT_NDJSON), FMT_NDJSON);
	c.format = FMT_CSV;
	c.format_set = true;
	assert_int_equal(cli_format(&c, true, FMT_NDJSON), FMT_CSV);
}

/* Run fn(arg) with stderr captured into err; returns fn's result. */
static int with_stderr(int (*fn)(struct parsed *p), struct parsed *p)
{
	int saved, ret;
	FILE *tmp = tmpfile();

	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	ret = fn(p);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	p->err[fread(p->err, 1, sizeof(p->err) - 1, tmp)] = '\0';
	fclose(tmp);
	return ret;
}

static void test_shared_flag_a_command_lacks_is_named_unsupported(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "--backend", "fallback", NULL);
	assert_int_equal(p.ret, -EINVAL);
	assert_non_null(strstr(p.err, "--backend is not supported by 'vigil test'"));
	parse(&p, "--poll-interval=1s", NULL);
	assert_non_null(strstr(p.err, "--poll-interval is not supported by 'vigil test'"));
	parse(&p, "-b", "bpf", NULL);
	assert_non_null(strstr(p.err, "-b (--backend) is not supported by 'vigil test'"));
	parse(&p, "--nope", NULL); /* not a vigil flag at all */
	assert_non_null(strstr(p.err, "unknown option '--nope'"));
}

static void test_given_flags_are_remembered(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "--port", "80", "-p", "7", "--port", "81", NULL);
	assert_true(p.ret > 0);
	assert_true(cli_is_set(&p.common, TO_PORT));
	assert_true(cli_is_set(&p.common, TO_PID));
	assert_false(cli_is_set(&p.common, TO_DISK));
	assert_int_equal(p.common.seen.n, 2); /* a repeat is one entry */
}

static int check_sched_only(struct parsed *p)
{
	return cli_check_scope(&cmd, &p->common, TS_SCHED, trace_opt_scope, trace_scope_names,
			       "'vigil test sched'");
}

static int check_tcp(struct parsed *p)
{
	return cli_check_scope(&cmd, &p->common, TS_SCHED | TS_TCP, trace_opt_scope,
			       trace_scope_names, "'vigil test sched tcp'");
}

static int refuse_pid_with_once(struct parsed *p)
{
	return cli_refuse_with(&cmd, &p->common, TO_PID, "--once");
}

static void test_scope_refuses_flags_of_subsystems_not_asked_for(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "--pid", "7", "--port", "80", NULL);
	assert_int_equal(with_stderr(check_sched_only, &p), -EINVAL);
	assert_non_null(strstr(p.err, "--port only applies to tcp, not to 'vigil test sched'"));
	parse(&p, "--pid", "7", "--port", "80", NULL);
	assert_int_equal(with_stderr(check_tcp, &p), 0);
	assert_string_equal(p.err, "");
	parse(&p, "--queued", NULL);
	assert_int_equal(with_stderr(check_tcp, &p), -EINVAL);
	assert_non_null(strstr(p.err, "--queued only applies to blkio"));
	parse(&p, "--pid", "7", NULL);
	assert_int_equal(with_stderr(refuse_pid_with_once, &p), -EINVAL);
	assert_non_null(strstr(p.err, "--pid does nothing with --once"));
	parse(&p, "--comm", "x", NULL);
	assert_int_equal(with_stderr(refuse_pid_with_once, &p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_flags_land_in_place),
		cmocka_unit_test(test_min_latency_bare_number_is_usecs),
		cmocka_unit_test(test_bad_values_name_flag_and_accepted_values),
		cmocka_unit_test(test_unknown_and_missing),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_format_defaults),
		cmocka_unit_test(test_shared_flag_a_command_lacks_is_named_unsupported),
		cmocka_unit_test(test_given_flags_are_remembered),
		cmocka_unit_test(test_scope_refuses_flags_of_subsystems_not_asked_for),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
