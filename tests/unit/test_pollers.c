// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_pollers.c: the fallback pollers on a /proc tree the test writes and then changes:
 * the sched poller's first reading is a baseline, later polls emit per-task deltas (a task
 * born in between reports everything since birth, one that vanished nothing, one whose
 * counters did not move no row), honour --pid and --comm, and mark unreadable context
 * switches null; the blkio poller emits iostat's deltas per disk that did anything.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/backend.h"
#include "fallback.h"
#include "cli/trace_opts.h"

#define MAX_ROWS 16

struct got {
	struct vrow rows[MAX_ROWS];
	char comms[MAX_ROWS][16], disks[MAX_ROWS][32];
	int n;
};

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[256], dir[256], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = strchr(dir + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(dir, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void task(unsigned int pid, unsigned int tid, const char *comm, unsigned long long run,
		 unsigned long long wait, unsigned long long slices, int nvcsw)
{
	char rel[96], text[256];

	snprintf(rel, sizeof(rel), "proc/%u/task/%u/schedstat", pid, tid);
	snprintf(text, sizeof(text), "%llu %llu %llu\n", run, wait, slices);
	put(rel, text);
	snprintf(rel, sizeof(rel), "proc/%u/task/%u/comm", pid, tid);
	snprintf(text, sizeof(text), "%s\n", comm);
	put(rel, text);
	snprintf(rel, sizeof(rel), "proc/%u/task/%u/status", pid, tid);
	if (nvcsw >= 0)
		snprintf(text, sizeof(text),
			 "Name:\t%s\nState:\tS\nvoluntary_ctxt_switches:\t%d\n"
			 "nonvoluntary_ctxt_switches:\t%d\n",
			 comm, nvcsw, nvcsw / 2);
	else
		snprintf(text, sizeof(text), "Name:\t%s\n", comm);
	put(rel, text);
}

static void collect(void *ctx, const struct vrow *row)
{
	struct got *g = ctx;

	assert_true(g->n < MAX_ROWS);
	g->rows[g->n] = *row;
	if (row->v[VF_COMM].str && row->kind == VK_SAMPLE)
		snprintf(g->comms[g->n], 16, "%s", row->v[VF_COMM].str);
	if (row->kind == VK_SAMPLE_BLKIO)
		snprintf(g->disks[g->n], 32, "%s", row->v[VF_DISK].str);
	g->n++;
}

static const struct vrow *row_of(const struct got *g, uint64_t tid)
{
	for (int i = 0; i < g->n; i++) {
		if (g->rows[i].v[VF_TID].u == tid)
			return &g->rows[i];
	}
	return NULL;
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/vigil-pollers-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	put("proc/version", "Linux\n");
	return fb_root_set(root);
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	fb_root_set(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd);
}

static void test_sched_poll_deltas_births_and_deaths(void **state)
{
	const struct poller_ops *ops = poller_ops__by_subsystem("sched");
	struct trace_cfg cfg;
	struct got g = { 0 };
	const struct vrow *r;
	void *st = NULL;
	char rm[128];

	(void)state;
	task(100, 100, "db", 1000, 500, 10, 8);
	task(100, 101, "db-worker", 2000, 700, 20, -1);
	task(200, 200, "idle", 5, 5, 1, 0);
	task(300, 300, "gone", 5, 5, 1, 0);
	trace_cfg__init(&cfg);
	assert_int_equal(ops->open(&cfg, &st), 0);
	assert_string_equal(ops->source, "procfs");

	task(100, 100, "db", 1600, 900, 15, 12);	/* moved */
	task(100, 101, "db-worker", 2000, 700, 20, -1); /* did not move */
	task(100, 102, "db-new", 300, 40, 3, 2);	/* born since the baseline */
	snprintf(rm, sizeof(rm), "rm -rf %s/proc/300", root);
	assert_int_equal(system(rm), 0); /* died */
	assert_int_equal(ops->poll(st, 5000000000ULL, collect, &g), 0);
	assert_int_equal(g.n, 2);
	r = row_of(&g, 100);
	assert_non_null(r);
	assert_string_equal(r->source, "procfs");
	assert_int_equal(r->kind, VK_SAMPLE);
	assert_int_equal(r->v[VF_PID].u, 100);
	assert_int_equal(r->v[VF_ONCPU_NS].u, 600);
	assert_int_equal(r->v[VF_RUN_DELAY_NS].u, 400);
	assert_int_equal(r->v[VF_TIMESLICES].u, 5);
	assert_int_equal(r->v[VF_VOLUNTARY_SWITCHES].u, 4);
	assert_int_equal(r->v[VF_INVOLUNTARY_SWITCHES].u, 2);
	r = row_of(&g, 102);
	assert_non_null(r);
	assert_int_equal(r->v[VF_RUN_DELAY_NS].u, 40); /* everything since birth */
	assert_int_equal(r->v[VF_TIMESLICES].u, 3);
	assert_null(row_of(&g, 101));
	ops->close(st);

	/* --pid and --comm; a status without the switch counters gives nulls */
	trace_cfg__init(&cfg);
	cfg.tgid = 100;
	memcpy(cfg.comm, "db-worker", 10);
	assert_int_equal(ops->open(&cfg, &st), 0);
	task(100, 101, "db-worker", 2500, 800, 22, -1);
	task(100, 100, "db", 9999, 9999, 99, 12);
	task(200, 200, "db-worker", 9999, 9999, 99, 0); /* same name, other process */
	memset(&g, 0, sizeof(g));
	assert_int_equal(ops->poll(st, 6000000000ULL, collect, &g), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.rows[0].v[VF_TID].u, 101);
	assert_int_equal(g.rows[0].v[VF_RUN_DELAY_NS].u, 100);
	assert_true(vrow__is_null(&g.rows[0], VF_VOLUNTARY_SWITCHES));
	ops->close(st);
}

static const char *diskstats(unsigned long long reads, unsigned long long rms,
			     unsigned long long writes, unsigned long long wms,
			     unsigned long long busy)
{
	static char text[512];

	snprintf(text, sizeof(text),
		 " 254       0 vda %llu 0 %llu %llu %llu 0 %llu %llu 0 %llu %llu 0 0 0 0\n"
		 "   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
		 reads, reads * 8, rms, writes, writes * 16, wms, busy, rms + wms);
	return text;
}

static void test_blkio_poll_iostat_deltas(void **state)
{
	const struct poller_ops *ops = poller_ops__by_subsystem("blkio");
	struct trace_cfg cfg;
	struct got g = { 0 };
	void *st = NULL;

	(void)state;
	put("proc/diskstats", diskstats(100, 50, 10, 20, 30));
	trace_cfg__init(&cfg);
	assert_int_equal(ops->open(&cfg, &st), 0);
	put("proc/diskstats", diskstats(140, 90, 10, 20, 70)); /* 40 reads in 40 ms, no writes */
	assert_int_equal(ops->poll(st, 7000000000ULL, collect, &g), 0);
	assert_int_equal(g.n, 1); /* loop0 did nothing */
	assert_string_equal(g.disks[0], "vda");
	assert_string_equal(g.rows[0].source, "diskstats");
	assert_int_equal(g.rows[0].v[VF_READS].u, 40);
	assert_int_equal(g.rows[0].v[VF_WRITES].u, 0);
	assert_int_equal(g.rows[0].v[VF_READ_BYTES].u, 40 * 8 * 512);
	assert_int_equal(g.rows[0].v[VF_R_AWAIT_NS].u, 1000000); /* 40 ms / 40 */
	assert_true(vrow__is_null(&g.rows[0], VF_W_AWAIT_NS));	 /* no write to average */
	assert_int_equal(g.rows[0].v[VF_BUSY_NS].u, 40 * 1000000ULL);
	ops->close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sched_poll_deltas_births_and_deaths),
		cmocka_unit_test(test_blkio_poll_iostat_deltas),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
