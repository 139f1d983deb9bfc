// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc_iter.c - the fast whole-system process scan behind `vigil ps` (psutil's
 * process_iter(attrs, ad_value)).  One readdir of /proc, then per pid only the files the
 * requested attributes need: stat for name/status/cpu/ppid/create_time/threads/nice/cpu_num/
 * terminal, statm for memory_info, status for uids/username; each read once with openat()
 * relative to the proc directory into a stack buffer and parsed by hand.  A pid that vanishes
 * between readdir and open is skipped; an unreadable file leaves its attributes invalid.
 */
#include "proc_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PI_NEED_STAT                                                                              \
	(FB_PI_NAME | FB_PI_STATUS | FB_PI_CPU_TIMES | FB_PI_PPID | FB_PI_CREATE_TIME |          \
	 FB_PI_NUM_THREADS | FB_PI_NICE | FB_PI_CPU_NUM | FB_PI_TERMINAL)
#define PI_NEED_STATUS (FB_PI_UIDS | FB_PI_USERNAME)

struct fb_proc_iter {
	uint32_t attrs;
	pid_t *pids;
	size_t n, pos;
	int procfd;
	double boot, tck, page;
	struct fb_proc_info cur;
};

struct fb_proc_iter *fb_proc_iter__new(uint32_t attrs)
{
	struct fb_proc_iter *it = calloc(1, sizeof(*it));
	int err;

	if (!it) {
		errno = ENOMEM;
		return NULL;
	}
	it->attrs = attrs;
	it->procfd = fb__dirfd(FB_DIR_PROC);
	if (it->procfd < 0) {
		err = it->procfd;
		goto free_it;
	}
	err = fb__scan_pids(&it->pids, &it->n);
	if (err)
		goto free_it;
	it->boot = (attrs & FB_PI_CREATE_TIME) ? fb__boot_time_cached() : 0;
	it->tck = (double)fb__clk_tck();
	it->page = (double)fb__page_size();
	return it;

free_it:
	free(it);
	errno = -err;
	return NULL;
}

void fb_proc_iter__free(struct fb_proc_iter *it)
{
	if (!it)
		return;
	free(it->pids);
	free(it);
}

/* Read "<pid>/<file>": -ENOENT/-ESRCH mean the process is gone. */
static ssize_t read_pid_file(struct fb_proc_iter *it, pid_t pid, const char *file, char *buf,
			     size_t len)
{
	char rel[48];

	fb__fmt(rel, sizeof(rel), "%d/%s", (int)pid, file);
	return fb__read_at(it->procfd, rel, buf, len);
}

static void fill_from_stat(struct fb_proc_iter *it, const struct fb__pstat *st,
			   struct fb_proc_info *pi)
{
	uint32_t a = it->attrs;

	if (a & FB_PI_NAME) {
		fb__copy(pi->name, sizeof(pi->name), st->comm);
		pi->valid |= FB_PI_NAME;
	}
	if ((a & FB_PI_STATUS) && !fb_status_from_char(st->state, &pi->status))
		pi->valid |= FB_PI_STATUS;
	if (a & FB_PI_CPU_TIMES) {
		pi->cpu_times.user = (double)st->utime / it->tck;
		pi->cpu_times.system = (double)st->stime / it->tck;
		pi->cpu_times.children_user = (double)st->cutime / it->tck;
		pi->cpu_times.children_system = (double)st->cstime / it->tck;
		pi->cpu_times.iowait = (double)st->blkio_ticks / it->tck;
		pi->cpu_times.valid = st->nfields >= 42 ? FB_PCPU_IOWAIT : 0;
		pi->valid |= FB_PI_CPU_TIMES;
	}
	if (a & FB_PI_PPID) {
		pi->ppid = st->ppid;
		pi->valid |= FB_PI_PPID;
	}
	if (a & FB_PI_CREATE_TIME) {
		pi->create_time = (double)st->starttime / it->tck + it->boot;
		pi->valid |= FB_PI_CREATE_TIME;
	}
	if (a & FB_PI_NUM_THREADS) {
		pi->num_threads = (int)st->num_threads;
		pi->valid |= FB_PI_NUM_THREADS;
	}
	if (a & FB_PI_NICE) {
		pi->nice = (int)st->nice;
		pi->valid |= FB_PI_NICE;
	}
	if ((a & FB_PI_CPU_NUM) && st->processor >= 0) {
		pi->cpu_num = st->processor;
		pi->valid |= FB_PI_CPU_NUM;
	}
	if (a & FB_PI_TERMINAL) {
		fb__tty_name(st->tty_nr, pi->terminal, sizeof(pi->terminal));
		pi->valid |= FB_PI_TERMINAL;
	}
}

/* psutil's name(): a 15-char comm is completed from cmdline[0] when it is a prefix of it. */
static void extend_name(struct fb_proc_iter *it, pid_t pid, struct fb_proc_info *pi)
{
	char buf[4096];
	const char *base, *end;
	size_t clen = strlen(pi->name), blen;
	ssize_t r;

	if (clen < 15)
		return;
	r = read_pid_file(it, pid, "cmdline", buf, sizeof(buf));
	if (r <= 0)
		return;
	end = memchr(buf, '\0', (size_t)r);
	if (!end || end == buf)
		end = memchr(buf, ' ', (size_t)r);
	if (!end)
		end = buf + r;
	blen = (size_t)(end - buf);
	base = buf;
	for (const char *c = buf; c < end; c++)
		if (*c == '/')
			base = c + 1;
	blen = (size_t)(end - base);
	if (blen > clen && blen < sizeof(pi->name) && strncmp(base, pi->name, clen) == 0) {
		memcpy(pi->name, base, blen);
		pi->name[blen] = '\0';
	}
}

const struct fb_proc_info *fb_proc_iter__next(struct fb_proc_iter *it)
{
	struct fb_proc_info *pi;

	if (!it) {
		errno = EINVAL;
		return NULL;
	}
	pi = &it->cur;
	while (it->pos < it->n) {
		pid_t pid = it->pids[it->pos++];
		char buf[4096];
		ssize_t r;

		memset(pi, 0, sizeof(*pi));
		pi->pid = pid;
		if (it->attrs & PI_NEED_STAT) {
			struct fb__pstat st;

			r = read_pid_file(it, pid, "stat", buf, sizeof(buf));
			if (r == -ENOENT || r == -ESRCH)
				continue; /* vanished mid-scan */
			if (r >= 0 && !fb__parse_stat(buf, &st)) {
				fill_from_stat(it, &st, pi);
				if (pi->valid & FB_PI_NAME)
					extend_name(it, pid, pi);
			}
		}
		if (it->attrs & FB_PI_MEMORY_INFO) {
			uint64_t m[7];

			r = read_pid_file(it, pid, "statm", buf, sizeof(buf));
			if (r == -ENOENT || r == -ESRCH)
				continue;
			if (r >= 0 && !fb__parse_statm(buf, m)) {
				pi->memory_info.vms = (uint64_t)((double)m[0] * it->page);
				pi->memory_info.rss = (uint64_t)((double)m[1] * it->page);
				pi->memory_info.shared = (uint64_t)((double)m[2] * it->page);
				pi->memory_info.text = (uint64_t)((double)m[3] * it->page);
				pi->memory_info.data = (uint64_t)((double)m[5] * it->page);
				pi->valid |= FB_PI_MEMORY_INFO;
			}
		}
		if (it->attrs & PI_NEED_STATUS) {
			char line[128];
			const char *q = line;
			uint64_t v[3];

			r = read_pid_file(it, pid, "status", buf, sizeof(buf));
			if (r == -ENOENT || r == -ESRCH)
				continue;
			if (r >= 0 && !fb__kv_str(buf, "Uid", line, sizeof(line)) &&
			    !fb__parse_u64(&q, &v[0]) && !fb__parse_u64(&q, &v[1]) &&
			    !fb__parse_u64(&q, &v[2])) {
				pi->uids.real = (uint32_t)v[0];
				pi->uids.effective = (uint32_t)v[1];
				pi->uids.saved = (uint32_t)v[2];
				if (it->attrs & FB_PI_UIDS)
					pi->valid |= FB_PI_UIDS;
				if (it->attrs & FB_PI_USERNAME) {
					fb__uid_name(pi->uids.real, pi->username,
						     sizeof(pi->username));
					pi->valid |= FB_PI_USERNAME;
				}
			}
		}
		errno = 0;
		return pi;
	}
	errno = 0;
	return NULL;
}
