// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sched_poll.c: the scheduler's fallback when BPF cannot be used. Every interval it reads
 * each task's schedstat (time on CPU, run-queue wait, time slices) and context switch
 * counts, and emits a `sample` row per task whose counters moved: the deltas since the last
 * poll, or since the task was born for one that appeared in between. A task that exits
 * between two polls takes its last partial interval with it: that is the price of polling.
 * Filters: --pid, --tid and --comm (not --cgroup or --min-latency, which need events).
 */
#include <dirent.h>
#include <errno.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/backend.h"
#include "events.h"
#include "fallback.h"
#include "sched/schedstat.h"
#include "core/wallclock.h"

struct task_snap {
	uint32_t pid, tid;
	struct schedstat ss;
	uint64_t nvcsw, nivcsw;
	bool has_csw;
	char comm[VG_COMM_LEN];
};

struct snaps {
	struct task_snap *v;
	size_t n, cap;
};

struct sched_poll {
	uint32_t tgid, tid;
	char comm[VG_COMM_LEN];
	struct snaps prev, cur;
	uint64_t last_ns;
};

static struct task_snap *snaps__push(struct snaps *s)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct task_snap *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		s->v = v;
		s->cap = cap;
	}
	return &s->v[s->n++];
}

static void read_comm(uint32_t pid, uint32_t tid, char *comm)
{
	char rel[64], buf[64];
	ssize_t n;

	snprintf(rel, sizeof(rel), "proc/%u/task/%u/comm", pid, tid);
	n = schedstat_read_file(rel, buf, sizeof(buf));
	memset(comm, 0, VG_COMM_LEN);
	if (n <= 0)
		return;
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	memcpy(comm, buf, strnlen(buf, VG_COMM_LEN - 1));
}

/* One task into sp->cur, if the filters take it. */
static int scan_task(struct sched_poll *sp, uint32_t pid, uint32_t tid)
{
	struct task_snap t = { .pid = pid, .tid = tid }, *slot;
	char rel[64], buf[4096];

	if (schedstat_read_task(pid, tid, &t.ss))
		return 0; /* gone, or a kernel without schedstats */
	read_comm(pid, tid, t.comm);
	if (sp->comm[0] && strncmp(t.comm, sp->comm, VG_COMM_LEN))
		return 0;
	snprintf(rel, sizeof(rel), "proc/%u/task/%u/status", pid, tid);
	t.has_csw = schedstat_read_file(rel, buf, sizeof(buf)) > 0 &&
		    !status_parse_switches(buf, &t.nvcsw, &t.nivcsw);
	slot = snaps__push(&sp->cur);
	if (!slot)
		return -ENOMEM;
	*slot = t;
	return 0;
}

static int scan_process(struct sched_poll *sp, uint32_t pid)
{
	char rel[64], path[512];
	struct dirent *de;
	int err = 0;
	DIR *d;

	snprintf(rel, sizeof(rel), "proc/%u/task", pid);
	if (schedstat_path(rel, path, sizeof(path)))
		return 0;
	d = opendir(path);
	if (!d)
		return 0; /* the process is gone */
	while (!err && (de = readdir(d))) {
		char *end;
		unsigned long tid = strtoul(de->d_name, &end, 10);

		if (*end || !tid || (sp->tid && tid != sp->tid))
			continue;
		err = scan_task(sp, pid, (uint32_t)tid);
	}
	closedir(d);
	return err;
}

static int cmp_tid(const void *a, const void *b)
{
	const struct task_snap *x = a, *y = b;

	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static int sched_poll__scan(struct sched_poll *sp)
{
	pid_t *pids = NULL;
	size_t n = 0;
	int err;

	sp->cur.n = 0;
	if (sp->tgid) {
		err = scan_process(sp, sp->tgid);
	} else {
		err = fb_pids(&pids, &n);
		for (size_t i = 0; !err && i < n; i++)
			err = scan_process(sp, (uint32_t)pids[i]);
		free(pids);
	}
	if (!err && sp->cur.n) /* bsearch by tid against the next reading */
		qsort(sp->cur.v, sp->cur.n, sizeof(*sp->cur.v), cmp_tid);
	return err;
}

static void sched_poll__close(void *state)
{
	struct sched_poll *sp = state;

	if (!sp)
		return;
	free(sp->prev.v);
	free(sp->cur.v);
	free(sp);
}

static int sched_poll__open(const struct trace_cfg *cfg, void **state)
{
	struct sched_poll *sp = calloc(1, sizeof(*sp));
	struct snaps tmp;
	int err;

	if (!sp)
		return -ENOMEM;
	sp->tgid = cfg->tgid;
	sp->tid = cfg->tid;
	_Static_assert(VG_COMM_LEN == TRACE_COMM_LEN, "one comm length");
	memcpy(sp->comm, cfg->comm, VG_COMM_LEN);
	err = sched_poll__scan(sp);
	if (err) {
		sched_poll__close(sp);
		return err;
	}
	tmp = sp->prev; /* the first reading is the baseline */
	sp->prev = sp->cur;
	sp->cur = tmp;
	sp->last_ns = mono_now_ns();
	*state = sp;
	return 0;
}

static uint64_t delta(uint64_t now, uint64_t then)
{
	return now >= then ? now - then : now; /* went backwards: a reused tid, a new task */
}

static int sched_poll__poll(void *state, uint64_t now_ns, poller_emit_fn emit, void *ctx)
{
	struct sched_poll *sp = state;
	struct snaps tmp;
	struct vrow row;
	int err = sched_poll__scan(sp);

	if (err)
		return err;
	for (size_t i = 0; i < sp->cur.n; i++) {
		const struct task_snap *t = &sp->cur.v[i];
		struct task_snap zero = { 0 };
		const struct task_snap *p =
			(sp->prev.n ? bsearch(t, sp->prev.v, sp->prev.n, sizeof(*t), cmp_tid)
				    : NULL);

		if (!p || p->pid != t->pid)
			p = &zero; /* born since the last poll: all of its counters are new */
		memset(&row, 0, sizeof(row));
		row.v[VF_RUN_DELAY_NS].u = delta(t->ss.wait_ns, p->ss.wait_ns);
		row.v[VF_ONCPU_NS].u = delta(t->ss.run_ns, p->ss.run_ns);
		row.v[VF_TIMESLICES].u = delta(t->ss.slices, p->ss.slices);
		if (!row.v[VF_RUN_DELAY_NS].u && !row.v[VF_ONCPU_NS].u && !row.v[VF_TIMESLICES].u)
			continue; /* nothing happened to it */
		row.kind = VK_SAMPLE;
		row.source = "procfs";
		row.ts_ns = now_ns;
		row.v[VF_SUBSYSTEM].str = "sched";
		row.v[VF_PID].u = t->pid;
		row.v[VF_TID].u = t->tid;
		row.v[VF_COMM].str = t->comm;
		if (t->has_csw && (p == &zero || p->has_csw)) {
			row.v[VF_VOLUNTARY_SWITCHES].u = delta(t->nvcsw, p->nvcsw);
			row.v[VF_INVOLUNTARY_SWITCHES].u = delta(t->nivcsw, p->nivcsw);
		} else {
			vrow__set_null(&row, VF_VOLUNTARY_SWITCHES);
			vrow__set_null(&row, VF_INVOLUNTARY_SWITCHES);
		}
		row.v[VF_INTERVAL_NS].u = now_ns - sp->last_ns;
		emit(ctx, &row);
	}
	tmp = sp->prev;
	sp->prev = sp->cur;
	sp->cur = tmp;
	sp->last_ns = now_ns;
	return 0;
}

const struct poller_ops sched_poller_ops = {
	.subsystem = "sched",
	.source = "procfs",
	.kinds = 1ULL << VK_SAMPLE,
	.filters = TF_PID | TF_TID | TF_COMM,
	.open = sched_poll__open,
	.poll = sched_poll__poll,
	.close = sched_poll__close,
};
