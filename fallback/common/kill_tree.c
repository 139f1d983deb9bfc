// SPDX-License-Identifier: BSD-2-Clause
/*
 * kill_tree.c - psutil's kill_proc_tree recipe over the portable fb_proc API: collect the
 * descendants once (children(recursive)), signal them deepest first so that no parent can
 * respawn a child we already signalled, then the root itself, then wait_procs-style polling
 * until each is gone or the timeout expires.  A descendant left as a zombie is dead and counts
 * as gone.
 */
#include "fb_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool proc_is_gone(struct fb_proc *p)
{
	enum fb_proc_status st;
	int code;

	if (fb_proc__wait(p, 0, &code) == 0)
		return true;
	if (!fb_proc__is_running(p))
		return true;
	return fb_proc__status(p, &st) == 0 && st == FB_STATUS_ZOMBIE;
}

int fb_kill_tree(pid_t pid, int sig, bool include_parent, double timeout, pid_t **gone,
		 size_t *ngone, pid_t **alive, size_t *nalive)
{
	struct fb_proc *root, **procs = NULL;
	pid_t *kids = NULL, *g = NULL, *a = NULL;
	size_t nkids = 0, nprocs = 0, ng = 0, na = 0;
	double deadline;
	int err;

	*gone = *alive = NULL;
	*ngone = *nalive = 0;
	if (pid == getpid())
		return -EINVAL; /* won't kill myself */
	root = fb_proc__new(pid);
	if (!root)
		return -errno;
	err = fb_proc__children(root, true, &kids, &nkids);
	if (err)
		goto free_root;
	procs = calloc(nkids + 1, sizeof(*procs));
	g = calloc(nkids + 1, sizeof(*g));
	a = calloc(nkids + 1, sizeof(*a));
	if (!procs || !g || !a) {
		err = -ENOMEM;
		goto free_lists;
	}
	/* handles first, so each signal is checked against the pid's creation time */
	for (size_t i = nkids; i-- > 0;) {
		procs[nprocs] = fb_proc__new(kids[i]);
		if (procs[nprocs])
			nprocs++;
		else
			g[ng++] = kids[i];
	}
	if (include_parent)
		procs[nprocs++] = root;
	for (size_t i = 0; i < nprocs; i++)
		fb_proc__send_signal(procs[i], sig); /* NoSuchProcess: already gone, fine */
	deadline = fb__mono() + (timeout > 0 ? timeout : 0);
	for (;;) {
		bool all = true;

		for (size_t i = 0; i < nprocs; i++) {
			if (!procs[i])
				continue;
			if (proc_is_gone(procs[i])) {
				g[ng++] = fb_proc__pid(procs[i]);
				if (procs[i] != root)
					fb_proc__free(procs[i]);
				procs[i] = NULL;
			} else {
				all = false;
			}
		}
		if (all || fb__mono() >= deadline)
			break;
		fb__sleep(0.01);
	}
	for (size_t i = 0; i < nprocs; i++) {
		if (!procs[i])
			continue;
		a[na++] = fb_proc__pid(procs[i]);
		if (procs[i] != root)
			fb_proc__free(procs[i]);
	}
	*gone = g;
	*ngone = ng;
	*alive = a;
	*nalive = na;
	g = a = NULL;
	err = 0;
free_lists:
	free(procs);
	free(g);
	free(a);
	free(kids);
free_root:
	fb_proc__free(root);
	return err;
}
