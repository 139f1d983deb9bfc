// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc_tree.c - parents() and children(recursive) as psutil computes them: one pass over every
 * /proc/PID/stat builds the pid -> (ppid, create time) table, and a candidate is only accepted
 * as a child if it was created no earlier than its parent (otherwise the pid was reused).  The
 * recursive walk is breadth-first over the reverse map and guards against cycles.
 */
#include "proc_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct pmap_ent {
	pid_t pid, ppid;
	uint64_t start;
};

static int build_map(struct pmap_ent **out, size_t *n)
{
	struct fb_proc_iter *it;
	const struct fb_proc_info *pi;
	struct pmap_ent *v = NULL;
	size_t cnt = 0, cap = 0;
	double tck = (double)fb__clk_tck();
	int err = 0;

	it = fb_proc_iter__new(FB_PI_PPID | FB_PI_CREATE_TIME);
	if (!it)
		return -errno;
	while ((pi = fb_proc_iter__next(it))) {
		if (!(pi->valid & FB_PI_PPID))
			continue;
		err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
		if (err)
			goto free_it;
		v[cnt].pid = pi->pid;
		v[cnt].ppid = pi->ppid;
		/* back to ticks: compare like psutil, independent of boot time */
		v[cnt].start = (uint64_t)((pi->create_time - fb__boot_time_cached()) * tck + 0.5);
		cnt++;
	}
	*out = v;
	*n = cnt;
	v = NULL;
free_it:
	free(v);
	fb_proc_iter__free(it);
	return err;
}

int fb_proc__children(struct fb_proc *p, bool recursive, pid_t **out, size_t *n)
{
	struct pmap_ent *map = NULL;
	size_t nmap = 0, cnt = 0, cap = 0, head = 0;
	pid_t *v = NULL;
	uint64_t *starts = NULL;
	size_t scap = 0;
	struct fb__pstat self;
	int err;

	fb__proc_clear_err(p);
	err = fb__proc_stat(p, "children", &self);
	if (err)
		return err;
	err = build_map(&map, &nmap);
	if (err)
		return fb__proc_fail(p, "children", err);
	/* queue of (pid, start) parents still to expand; v doubles as the result list */
	err = fb__grow((void **)&starts, &scap, 1, sizeof(*starts));
	if (err)
		goto free_all;
	for (;;) {
		pid_t parent = head == 0 ? p->pid : v[head - 1];
		uint64_t pstart = head == 0 ? self.starttime : starts[head - 1];

		for (size_t i = 0; i < nmap; i++) {
			bool seen = false;

			if (map[i].ppid != parent || map[i].pid == parent || map[i].start < pstart)
				continue;
			for (size_t k = 0; k < cnt; k++)
				if (v[k] == map[i].pid)
					seen = true;
			if (seen || map[i].pid == p->pid)
				continue;
			err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
			if (!err)
				err = fb__grow((void **)&starts, &scap, cnt + 1, sizeof(*starts));
			if (err)
				goto free_all;
			v[cnt] = map[i].pid;
			starts[cnt] = map[i].start;
			cnt++;
		}
		if (!recursive || head >= cnt)
			break;
		head++;
	}
	free(map);
	free(starts);
	*out = v;
	*n = cnt;
	return 0;

free_all:
	free(map);
	free(starts);
	free(v);
	return fb__proc_fail(p, "children", err);
}

int fb_proc__parents(struct fb_proc *p, pid_t **out, size_t *n)
{
	struct fb__pstat st, pst;
	size_t cnt = 0, cap = 0;
	pid_t *v = NULL, cur;
	int err;

	fb__proc_clear_err(p);
	err = fb__proc_stat(p, "parents", &st);
	if (err)
		return err;
	cur = st.pid;
	/* walk up while the parent exists and is older than the child */
	while (st.ppid > 0 && st.ppid != cur && cnt < 4096) {
		if (fb__read_pstat(st.ppid, &pst) || pst.starttime > st.starttime)
			break;
		err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
		if (err) {
			free(v);
			return fb__proc_fail(p, "parents", err);
		}
		v[cnt++] = pst.pid;
		cur = pst.pid;
		st = pst;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int fb_proc__parent(struct fb_proc *p, pid_t *out)
{
	pid_t *v;
	size_t n;
	int err = fb_proc__parents(p, &v, &n);

	if (err)
		return err;
	if (!n) {
		free(v);
		return -ENOENT;
	}
	*out = v[0];
	free(v);
	return 0;
}
