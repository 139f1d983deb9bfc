// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * proctool.c: PID arguments, process handles and their error messages for the commands that
 * get and set a process' scheduling and limits, and the strict parsers of their values.
 */
#include "cli/proctool.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/parse.h"

int proctool_parse_pid(const char *s, pid_t *out)
{
	uint64_t v;

	if (parse_u64(s, 1, INT32_MAX, &v))
		return -EINVAL;
	*out = (pid_t)v;
	return 0;
}

struct fb_proc *proctool_open(const struct cli_cmd *cmd, pid_t pid)
{
	struct fb_proc *p = fb_proc__new(pid);

	if (!p)
		cli_error(cmd, "pid %d: %s (%s)", (int)pid,
			  errno == ESRCH ? "NoSuchProcess" : "error",
			  errno == ESRCH ? "no process with this pid" : strerror(errno));
	return p;
}

void proctool_report(const struct cli_cmd *cmd, const struct fb_proc *p, const char *action,
		     int err)
{
	const struct fb_error *e = fb_proc__error(p);
	enum fb_err_kind kind = e ? e->kind : FB_ERR_NONE;
	const char *why;

	if (kind == FB_ERR_NONE)
		kind = err == -ESRCH			 ? FB_ERR_NO_SUCH_PROCESS
		       : err == -EPERM || err == -EACCES ? FB_ERR_ACCESS_DENIED
							 : FB_ERR_OS;
	if (kind == FB_ERR_NO_SUCH_PROCESS)
		why = "the process has ended or its pid now belongs to another process";
	else
		why = strerror(-err);
	cli_error(cmd, "pid %d: %s: cannot %s (%s)", (int)fb_proc__pid(p),
		  kind == FB_ERR_OS ? "error" : fb_err_kind_name(kind), action, why);
}
