// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_task.c: the BPF task iterator as the fallback library's process feed. The first listing
 * loads iter.bpf.c through its light skeleton (the kernel does the CO-RE relocations against the
 * BTF it holds, so no run parses the 5 MB vmlinux BTF) and attaches `dump_task` as an iterator
 * link for the process' lifetime: verifying it costs more than a walk, so a fresh listing must not
 * pay it again. Each listing reads one walk in bounded chunks (iter_read.h). Every record's
 * version and size are checked: a mismatch at open falls back to /proc with a warning, one later
 * fails the scan. Raw kernel values become /proc's units here: CPU times are summed and scaled as
 * the kernel's cputime_adjust() does (sum_exec_runtime split in the ticks' ratio, never below what
 * /proc last reported), then turned into clock ticks as nsec_to_clock_t(); the start time into
 * ticks since boot; the mm counters into statm's pages; the terminal into /proc's encoded tty_nr.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "iter/iter_lskel.h"
#include "iter/iter_read.h"
#include "iter/iter_task.h"
#include "iter.lskel.h"
#include "iter_rec.h"

struct iter_task {
	struct iter_reader rd;
	uint64_t ns_per_tick;
};

ITER_LSKEL_ONCE(iter_lskel)

static char last_why[256];

const char *iter_task__why(void)
{
	return last_why;
}

static void iter_close(void *state)
{
	struct iter_task *t = state;

	if (!t)
		return;
	iter_reader__fini(&t->rd);
	free(t);
}

static int iter_open(void **state)
{
	struct iter_task *t = calloc(1, sizeof(*t));
	const char *step = "allocate";
	long tck = sysconf(_SC_CLK_TCK);
	int err = -ENOMEM;

	if (!t)
		goto fail;
	t->rd.fd = -1;
	t->ns_per_tick = 1000000000ULL / (uint64_t)(tck > 0 ? tck : 100);
	err = iter_reader__check_pid_ns(&step);
	if (!err)
		err = iter_lskel_get(&step);
	if (err)
		goto fail;
	step = "walk";
	err = iter_reader__init(&t->rd, iter_lskel_once->links.dump_task_fd, "task");
	if (!err)
		err = iter_reader__start(&t->rd);
	if (err)
		goto fail;
	/* a foreign record format means /proc, now, with a warning */
	step = "check";
	err = iter_reader__check_first(&t->rd, ITER_TASK_VERSION, sizeof(struct iter_task_rec));
	if (err < 0)
		goto fail;
	last_why[0] = '\0';
	*state = t;
	return 0;

fail:
	snprintf(last_why, sizeof(last_why), "the BPF task iterator failed to %s: %s", step,
		 strerror(-err));
	pr_debug("%s", last_why);
	iter_close(t);
	return err;
}

/* The kernel's cputime_adjust() without its update of prev: what /proc would print now. */
static void iter_cputime(const struct iter_task_rec *r, uint64_t *ut, uint64_t *st)
{
	uint64_t rtime = r->runtime_ns, stime = r->stime_ns, utime = r->utime_ns;

	if (r->prev_stime_ns + r->prev_utime_ns >= rtime) {
		*ut = r->prev_utime_ns;
		*st = r->prev_stime_ns;
		return;
	}
	if (!stime) {
		utime = rtime;
	} else if (!utime) {
		stime = rtime;
	} else {
		stime = (uint64_t)((unsigned __int128)stime * rtime / (stime + utime));
		if (stime > rtime)
			stime = rtime;
	}
	if (stime < r->prev_stime_ns)
		stime = r->prev_stime_ns;
	utime = rtime - stime;
	if (utime < r->prev_utime_ns) {
		utime = r->prev_utime_ns;
		stime = rtime - utime;
	}
	*ut = utime;
	*st = stime;
}

static int iter_next(void *state, struct fb_proc_raw *out)
{
	struct iter_task *t = state;
	const struct iter_task_rec *r = NULL;
	uint64_t ut, st, tick = t->ns_per_tick;
	int ret = iter_reader__next(&t->rd, ITER_TASK_VERSION, sizeof(*r), (const void **)&r);

	if (ret <= 0)
		return ret;
	memset(out, 0, sizeof(*out));
	out->pid = (pid_t)r->pid;
	out->ppid = (pid_t)r->ppid;
	memcpy(out->comm, r->comm, sizeof(out->comm));
	out->comm[sizeof(out->comm) - 1] = '\0';
	out->state = (char)r->state;
	out->flags = r->flags;
	iter_cputime(r, &ut, &st);
	out->utime = ut / tick;
	out->stime = st / tick;
	out->cutime = r->cutime_ns / tick;
	out->cstime = r->cstime_ns / tick;
	out->blkio = r->blkio_delay_ns / tick;
	out->starttime = r->start_boottime_ns / tick;
	out->nice = r->nice;
	out->num_threads = (int)r->num_threads;
	out->cpu = r->cpu;
	out->tty_nr = (int)((r->tty_minor & 0xff) | (r->tty_major << 8) |
			    ((r->tty_minor & ~0xffu) << 12));
	memcpy(out->uids, r->uid, sizeof(out->uids));
	memcpy(out->gids, r->gid, sizeof(out->gids));
	out->vms = r->total_vm;
	out->shared = r->mm[ITER_MM_FILE] + r->mm[ITER_MM_SHMEM];
	out->rss = out->shared + r->mm[ITER_MM_ANON];
	out->text = r->text_pages;
	out->data = r->data_pages;
	out->io = (struct fb_proc_io){
		.read_count = r->io[ITER_IO_SYSCR],
		.write_count = r->io[ITER_IO_SYSCW],
		.read_bytes = r->io[ITER_IO_READ_BYTES],
		.write_bytes = r->io[ITER_IO_WRITE_BYTES],
		.read_chars = r->io[ITER_IO_RCHAR],
		.write_chars = r->io[ITER_IO_WCHAR],
	};
	return 1;
}

static int iter_rewind(void *state)
{
	struct iter_task *t = state;

	return iter_reader__start(&t->rd);
}

static const struct fb_proc_feed feed = {
	.source = "bpf_iter",
	.open = iter_open,
	.next = iter_next,
	.rewind = iter_rewind,
	.close = iter_close,
};

const struct fb_proc_feed *iter_task__feed(void)
{
	return &feed;
}

bool iter_task__probe(char *why, size_t len)
{
	void *state;

	if (iter_open(&state)) {
		snprintf(why, len, "%s", last_why);
		return false;
	}
	iter_close(state);
	snprintf(why, len, "iter/task loads and walks (ps, pidof, lsof owners)");
	return true;
}
