// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_task.c: the BPF task iterator as the fallback library's process feed. Opening it
 * loads iter.bpf.c, attaches `dump_task` as an iterator link and creates one iterator fd per
 * walk; the fd is read in 64 KiB chunks (a record cut by a chunk's end is carried to the
 * next), so memory stays bounded however many processes there are. Every record's version
 * and size are checked: a mismatch at open falls back to /proc with a warning, one later
 * fails the scan. Raw kernel values become /proc's units here: CPU times are summed and
 * scaled as the kernel's cputime_adjust() does (sum_exec_runtime split in the ticks' ratio,
 * never below what /proc last reported), then turned into clock ticks as nsec_to_clock_t();
 * the start time into ticks since boot; the mm counters into statm's pages; the terminal into
 * /proc's encoded tty_nr.
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
#include "iter/iter_task.h"
#include "iter.lskel.h"
#include "iter_rec.h"

#define ITER_CHUNK (64 * 1024)

struct iter_task {
	struct iter_lskel *skel;
	int fd; /* this walk's iterator, -1 once it ended */
	char *buf;
	size_t len, off; /* bytes in buf, bytes consumed */
	uint64_t ns_per_tick;
};

static char last_why[256];

const char *iter_task__why(void)
{
	return last_why;
}

/* Read more of the walk after the unconsumed bytes: >0 bytes added, 0 at the end, -errno. */
static ssize_t iter_fill(struct iter_task *t)
{
	ssize_t r;

	if (t->fd < 0)
		return 0;
	memmove(t->buf, t->buf + t->off, t->len - t->off);
	t->len -= t->off;
	t->off = 0;
	do {
		r = read(t->fd, t->buf + t->len, ITER_CHUNK - t->len);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (!r) {
		close(t->fd);
		t->fd = -1;
	}
	t->len += (size_t)r;
	return r;
}

static int iter_start(struct iter_task *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->len = t->off = 0;
	t->fd = bpf_iter_create(t->skel->links.dump_task_fd);
	return t->fd < 0 ? -errno : 0;
}

/* 1 with the next record in *rec, 0 at the end, -EPROTO for a foreign record, -errno. */
static int iter_record(struct iter_task *t, const struct iter_task_rec **rec)
{
	const struct iter_task_rec *r;
	ssize_t got;

	while (t->len - t->off < sizeof(*r)) {
		got = iter_fill(t);
		if (got < 0)
			return (int)got;
		if (!got) {
			if (t->len != t->off) {
				pr_warn("bpf_iter: the task walk ended inside a record (%zu bytes)",
					t->len - t->off);
				return -EPROTO;
			}
			return 0;
		}
	}
	r = (const void *)(t->buf + t->off);
	if (r->version != ITER_TASK_VERSION || r->size != sizeof(*r)) {
		pr_warn("bpf_iter: task record version %u size %u, expected version %u size %zu",
			r->version, r->size, ITER_TASK_VERSION, sizeof(*r));
		return -EPROTO;
	}
	t->off += sizeof(*r);
	*rec = r;
	return 1;
}

static void iter_close(void *state)
{
	struct iter_task *t = state;

	if (!t)
		return;
	if (t->fd >= 0)
		close(t->fd);
	iter_lskel__destroy(t->skel);
	free(t->buf);
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
	t->fd = -1;
	t->ns_per_tick = 1000000000ULL / (uint64_t)(tck > 0 ? tck : 100);
	t->buf = malloc(ITER_CHUNK);
	if (!t->buf)
		goto fail;
	step = "open";
	t->skel = iter_lskel__open();
	if (!t->skel)
		goto fail;
	step = "load";
	err = iter_lskel__load(t->skel);
	if (err)
		goto fail;
	step = "attach";
	err = iter_lskel__attach(t->skel);
	if (err)
		goto fail;
	step = "create";
	err = iter_start(t);
	if (err)
		goto fail;
	/* the first chunk: a foreign record format means /proc, now, with a warning */
	step = "read";
	if (t->len - t->off < sizeof(struct iter_task_rec)) {
		ssize_t got = iter_fill(t);

		if (got < 0) {
			err = (int)got;
			goto fail;
		}
	}
	if (t->len >= 4) {
		const struct iter_task_rec *r = (const void *)t->buf;

		if (r->version != ITER_TASK_VERSION || r->size != sizeof(*r)) {
			pr_warn("bpf_iter: task record version %u size %u, this vigil reads "
				"version %u size %zu: listing from /proc",
				r->version, r->size, ITER_TASK_VERSION, sizeof(*r));
			step = "check";
			err = -EPROTO;
			goto fail;
		}
	}
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
	int ret = iter_record(t, &r);

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
	out->cgroup_id = r->cgroup_id;
	return 1;
}

static int iter_rewind(void *state)
{
	return iter_start(state);
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
	snprintf(why, len, "iter/task loads and walks");
	return true;
}
