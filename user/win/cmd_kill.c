// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_kill.c (Windows): `vigil kill [--tree] [--timeout S] PID`: psutil's terminate() on one
 * process, or its kill_proc_tree recipe with --tree (descendants deepest first, then the process),
 * then a wait of up to --timeout seconds; prints which pids ended and which are still alive.
 * SIGTERM is used because it is the one signal every platform maps (TerminateProcess on Windows).
 * Exit 1 when a process survived or could not be signalled.
 */
#include "fbcmd.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "fallback.h"

int cmd_kill(int argc, char **argv)
{
	pid_t *gone = NULL, *alive = NULL, pid;
	size_t ngone = 0, nalive = 0;
	struct fbcmd_opts o;
	struct fb_proc *p;
	char *pos[1], *end;
	int npos, err, code;
	long v;

	err = fbcmd_parse("kill", "[--tree] [--timeout SECONDS] PID", "tree,timeout", argc, argv,
			  &o, pos, &npos, 1);
	if (err)
		return err == 1 ? 0 : err;
	if (npos != 1) {
		fprintf(stderr, "vigil kill: PID: expected one process id\n");
		return FBCMD_USAGE;
	}
	errno = 0;
	v = strtol(pos[0], &end, 10);
	if (errno || end == pos[0] || *end || v <= 0 || v > 0x7fffffff) {
		fprintf(stderr, "vigil kill: PID: expected a positive process id, got '%s'\n",
			pos[0]);
		return FBCMD_USAGE;
	}
	pid = (pid_t)v;
	if (o.tree) {
		err = fb_kill_tree(pid, SIGTERM, true, o.timeout, &gone, &ngone, &alive, &nalive);
		if (err)
			return fbcmd_fail("kill", pos[0], err);
	} else {
		p = fb_proc__new(pid);
		if (!p)
			return fbcmd_fail("kill", pos[0], -errno);
		err = fb_proc__terminate(p);
		if (err) {
			fb_proc__free(p);
			return fbcmd_fail("kill", pos[0], err);
		}
		err = fb_proc__wait(p, o.timeout, &code);
		fb_proc__free(p);
		if (err && err != -ETIMEDOUT && err != -ECHILD)
			return fbcmd_fail("kill", pos[0], err);
		if (err == -ETIMEDOUT)
			alive = &pid, nalive = 1;
		else
			gone = &pid, ngone = 1;
	}
	for (size_t i = 0; i < ngone; i++)
		printf("gone %d\n", (int)gone[i]);
	for (size_t i = 0; i < nalive; i++)
		printf("alive %d\n", (int)alive[i]);
	if (o.tree) {
		free(gone);
		free(alive);
	}
	return nalive ? 1 : 0;
}
