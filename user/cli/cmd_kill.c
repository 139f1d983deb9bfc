// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_kill.c: `vigil kill [--tree] [--signal SIG] [--timeout TIME] PID...`: signal processes
 * through fallback handles (a pid reused since it was looked up is never signalled); with
 * --tree, psutil's kill_proc_tree recipe: descendants first, then the process, then wait and
 * report which are gone and which are still alive; a process that refused the signal is
 * reported as AccessDenied (exit 1 if any is alive or denied).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "fallback.h"
#include "core/log.h"
#include "cli/parse.h"
#include "port.h"

enum { OPT_TREE = CLI_COMMON_MAX, OPT_SIGNAL, OPT_TIMEOUT };

struct kill_args {
	bool tree;
	int sig;
	uint64_t timeout_ns;
};

static const struct cli_opt kill_opts[] = {
	{ "tree", 0, NULL, OPT_TREE, NULL, "also every descendant, children first, then wait" },
	{ "signal", 's', "SIG", OPT_SIGNAL,
	  "a signal number or name (TERM, KILL, HUP, INT, "
	  "STOP, CONT, USR1, USR2)",
	  "the signal (default TERM)" },
	{ "timeout", 'T', "TIME", OPT_TIMEOUT, "a duration such as 3s",
	  "with --tree: how long to wait for the processes to end (default 3s)" },
	CLI_OPT_END,
};

static int signal_from(const char *s)
{
	static const struct {
		const char *name;
		int sig;
	} names[] = {
		{ "TERM", SIGTERM }, { "KILL", SIGKILL }, { "HUP", SIGHUP },
		{ "INT", SIGINT },   { "STOP", SIGSTOP }, { "CONT", SIGCONT },
		{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "QUIT", SIGQUIT },
	};
	uint64_t v;

	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name))
			return names[i].sig;
	if (!parse_u64(s, 0, 64, &v))
		return (int)v;
	return -EINVAL;
}

static int kill_set(void *ctx, int id, const char *arg)
{
	struct kill_args *a = ctx;

	switch (id) {
	case OPT_TREE:
		a->tree = true;
		return 0;
	case OPT_SIGNAL:
		a->sig = signal_from(arg);
		return a->sig < 0 ? -EINVAL : 0;
	case OPT_TIMEOUT:
		return parse_duration(arg, NSEC_PER_SEC, &a->timeout_ns);
	default:
		return -EINVAL;
	}
}

static const struct cli_cmd kill_cmd = {
	.name = "kill",
	.usage = "vigil kill [--tree] [--signal SIG] [--timeout TIME] PID...",
	.summary = "Signal processes; --tree: descendants first, then wait (psutil's recipe).",
	.examples = "vigil kill 4321\n"
		    "vigil kill --signal KILL 4321\n"
		    "vigil kill --tree --timeout 5s 4321",
	.opts = kill_opts,
	.set = kill_set,
};

static void print_pids(const char *label, const pid_t *v, size_t n)
{
	printf("%s:", label);
	for (size_t i = 0; i < n; i++)
		printf(" %d", (int)v[i]);
	putchar('\n');
}

int cmd_kill(int argc, char **argv)
{
	struct kill_args a = { .sig = SIGTERM, .timeout_ns = 3 * NSEC_PER_SEC };
	struct cli_common common = { 0 };
	bool help;
	int first, rc = 0;

	first = cli_parse(&kill_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first >= argc) {
		cli_error(&kill_cmd, "expects at least one PID");
		return EXIT_USAGE;
	}
	if (!a.tree && cli_is_set(&common, OPT_TIMEOUT)) {
		cli_error(&kill_cmd, "--timeout only applies with --tree (which waits for them)");
		return EXIT_USAGE;
	}
	log_set_level(common.verbose);
	for (int i = first; i < argc; i++) {
		uint64_t v;

		if (parse_u64(argv[i], 1, INT32_MAX, &v)) {
			cli_error(&kill_cmd, "PID: invalid value '%s' (accepts a process id)",
				  argv[i]);
			return EXIT_USAGE;
		}
	}
	for (int i = first; i < argc; i++) {
		pid_t pid = (pid_t)atoi(argv[i]);

		if (a.tree) {
			struct fb_kill_tree_result r;
			int err = fb_kill_tree_ex(pid, a.sig, true, (double)a.timeout_ns / 1e9, &r);

			if (err) {
				pr_err("kill: %d: %s", (int)pid, strerror(-err));
				rc = 1;
				continue;
			}
			print_pids("gone", r.gone, r.ngone);
			print_pids("alive", r.alive, r.nalive);
			/* refused (EPERM): not "alive", which reads as "did not end in time" */
			for (size_t k = 0; k < r.ndenied; k++)
				pr_err("kill: %d: AccessDenied", (int)r.denied[k]);
			rc |= r.nalive || r.ndenied ? 1 : 0;
			fb_kill_tree_result_free(&r);
		} else {
			struct fb_proc *p = fb_proc__new(pid);
			int err = p ? fb_proc__send_signal(p, a.sig) : -ESRCH;

			if (err) {
				pr_err("kill: %d: %s", (int)pid,
				       p ? fb_err_kind_name(fb_proc__error(p)->kind)
					 : "NoSuchProcess");
				rc = 1;
			}
			fb_proc__free(p);
		}
	}
	return rc;
}
