// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc_iter.c - the fast whole-system process scan behind `vigil ps` (psutil's
 * process_iter(attrs, ad_value)).  One readdir of /proc, then per pid only the files the
 * requested attributes need: stat for name/status/cpu/ppid/create_time/threads/nice/cpu_num/
 * terminal, statm for memory_info (not opened for a kernel thread: its statm is all zeros),
 * status for uids/username, io for io_counters; each read once into a stack buffer and parsed
 * by hand.  The opened files are kept (within an fd budget) and re-read with pread() after
 * fb_proc_iter__rewind(), which halves the kernel's cost of a refresh; a file whose process
 * died fails with ESRCH and is reopened, which also catches a reused pid.  Big tables are read
 * up front by two threads (the kernel's formatting dominates).  A pid that vanishes between
 * readdir and open is skipped; an unreadable file leaves its attributes invalid.  A feed
 * (fb_proc_iter__set_feed(): vigil's BPF task iterator) replaces the whole /proc walk when it
 * opens: the walk is read whole (one raw record per process), its values go through the same
 * conversions as stat, statm, status and io, and /proc is listed only when the walk may have
 * missed a process (feed_start()).
 */
#include "proc_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define PI_NEED_STAT                                                                               \
	(FB_PI_NAME | FB_PI_STATUS | FB_PI_CPU_TIMES | FB_PI_PPID | FB_PI_CREATE_TIME |            \
	 FB_PI_NUM_THREADS | FB_PI_NICE | FB_PI_CPU_NUM | FB_PI_TERMINAL)
#define PI_NEED_STATUS (FB_PI_UIDS | FB_PI_USERNAME)

enum { F_STAT, F_STATM, F_STATUS, F_IO, F__COUNT };

static const char *const file_names[F__COUNT] = { "stat", "statm", "status", "io" };

struct pid_ent {
	pid_t pid;
	int fd[F__COUNT]; /* cached open files, -1 when not open */
	char *long_name;  /* the name completed from cmdline, kept while stat's fd is */
};

struct fb_proc_iter {
	uint32_t attrs;
	struct pid_ent *ents;
	size_t n, pos;
	int procfd;
	long fd_budget, fds_open;
	bool keep_fds; /* from the first rewind on: a one-shot scan keeps nothing open */
	double boot, tck, page;
	struct fb_proc_info cur;
	/* batch mode: every entry read up front by two threads, then handed out */
	struct fb_proc_info *batch;
	bool *gone;
	bool batched;
	size_t next; /* atomic: the next entry a reader thread takes */
	/* feed mode: the walker that replaces /proc, and its state */
	const struct fb_proc_feed *feed;
	void *feed_state;
	struct fb_proc_raw *raws; /* the whole walk, in pid order */
	size_t nraws, raws_cap, rpos;
	bool walked;	   /* raws hold this scan's walk */
	size_t nfrom_proc; /* ents[0..nfrom_proc) are merged in from /proc */
	bool pid1_ready;   /* pid1 holds pid 1, read from /proc */
	struct fb_proc_info pid1;
};

static const struct fb_proc_feed *proc_feed;

void fb_proc_iter__set_feed(const struct fb_proc_feed *feed)
{
	proc_feed = feed;
}

const char *fb_proc_iter__source(const struct fb_proc_iter *it)
{
	return it && it->feed ? it->feed->source : "procfs";
}

static void batch_prepare(struct fb_proc_iter *it);
static void reserve_fd_table(struct fb_proc_iter *it);

static void close_ent(struct fb_proc_iter *it, struct pid_ent *e)
{
	free(e->long_name);
	e->long_name = NULL;
	for (int f = 0; f < F__COUNT; f++) {
		if (e->fd[f] >= 0) {
			close(e->fd[f]);
			e->fd[f] = -1;
			__atomic_fetch_sub(&it->fds_open, 1, __ATOMIC_RELAXED);
		}
	}
}

/* List the pids and carry over the open files of the ones that are still there. */
static int list_pids(struct fb_proc_iter *it)
{
	struct pid_ent *ents;
	pid_t *pids;
	size_t n, j = 0;
	int err;

	err = fb__scan_pids(&pids, &n);
	if (err)
		return err;
	ents = calloc(n ? n : 1, sizeof(*ents));
	if (!ents) {
		free(pids);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		ents[i].pid = pids[i];
		for (int f = 0; f < F__COUNT; f++)
			ents[i].fd[f] = -1;
		/* both lists are sorted: merge */
		while (j < it->n && it->ents[j].pid < pids[i])
			close_ent(it, &it->ents[j++]);
		if (j < it->n && it->ents[j].pid == pids[i]) {
			memcpy(ents[i].fd, it->ents[j].fd, sizeof(ents[i].fd));
			ents[i].long_name = it->ents[j].long_name;
			j++;
		}
	}
	while (j < it->n)
		close_ent(it, &it->ents[j++]);
	free(pids);
	free(it->ents);
	it->ents = ents;
	it->n = n;
	it->pos = 0;
	return 0;
}

struct fb_proc_iter *fb_proc_iter__new(uint32_t attrs)
{
	struct fb_proc_iter *it = calloc(1, sizeof(*it));
	struct rlimit rl;
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
	/* keep a quarter of the descriptors for the caller, and at least 256 */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY)
		it->fd_budget = (long)rl.rlim_cur - 256 - (long)rl.rlim_cur / 4;
	else
		it->fd_budget = 16384;
	if (it->fd_budget < 0)
		it->fd_budget = 0;
	it->boot = (attrs & FB_PI_CREATE_TIME) ? fb__boot_time_cached() : 0;
	it->tck = (double)fb__clk_tck();
	it->page = (double)fb__page_size();
	if (proc_feed && !proc_feed->open(&it->feed_state)) {
		it->feed = proc_feed;
		return it;
	}
	err = list_pids(it);
	if (err)
		goto free_it;
	batch_prepare(it);
	return it;

free_it:
	free(it);
	errno = -err;
	return NULL;
}

int fb_proc_iter__rewind(struct fb_proc_iter *it)
{
	int err;

	if (!it)
		return -EINVAL;
	if (it->attrs & FB_PI_CREATE_TIME)
		it->boot = fb__boot_time_cached();
	if (it->feed) {
		it->walked = false;
		it->keep_fds = true;
		return it->feed->rewind(it->feed_state);
	}
	err = list_pids(it);
	if (err)
		return err;
	it->keep_fds = true; /* a second scan: the caller refreshes, files are worth keeping */
	reserve_fd_table(it);
	batch_prepare(it);
	return 0;
}

void fb_proc_iter__free(struct fb_proc_iter *it)
{
	if (!it)
		return;
	if (it->feed)
		it->feed->close(it->feed_state);
	for (size_t i = 0; i < it->n; i++)
		close_ent(it, &it->ents[i]);
	free(it->ents);
	free(it->batch);
	free(it->gone);
	free(it->raws);
	free(it);
}

/* Read one file of a pid: pread() of the cached fd, else open (and cache within budget). */
static ssize_t read_pid_file(struct fb_proc_iter *it, struct pid_ent *e, int f, char *buf,
			     size_t len)
{
	char rel[48];
	ssize_t r;
	int fd = e->fd[f];

	if (fd >= 0) {
		r = pread(fd, buf, len - 1, 0);
		if (r >= 0) {
			buf[r] = '\0';
			return r;
		}
		/* the process behind the file is gone (perhaps its pid reused): reopen */
		close(fd);
		e->fd[f] = -1;
		__atomic_fetch_sub(&it->fds_open, 1, __ATOMIC_RELAXED);
		if (f == F_STAT) {
			free(e->long_name);
			e->long_name = NULL;
		}
	}
	fb__fmt(rel, sizeof(rel), "%d/%s", (int)e->pid, file_names[f]);
	fd = openat(it->procfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = pread(fd, buf, len - 1, 0);
	if (r < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	buf[r] = '\0';
	if (it->keep_fds &&
	    __atomic_add_fetch(&it->fds_open, 1, __ATOMIC_RELAXED) <= it->fd_budget) {
		e->fd[f] = fd;
	} else {
		if (it->keep_fds)
			__atomic_fetch_sub(&it->fds_open, 1, __ATOMIC_RELAXED);
		close(fd);
	}
	return r;
}

/*
 * Grow this process' file table to its final size now, while the caller is (typically) the
 * only thread: growing it later, with the scan's helper thread alive, waits for an RCU grace
 * period in the kernel each time it doubles (milliseconds apiece).
 */
static void reserve_fd_table(struct fb_proc_iter *it)
{
	long want = (long)it->n * F__COUNT;
	int fd;

	if (want > it->fd_budget)
		want = it->fd_budget;
	if (want < 64)
		return;
	fd = fcntl(it->procfd, F_DUPFD_CLOEXEC, (int)want + 64);
	if (fd >= 0)
		close(fd);
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
	if ((a & FB_PI_CPU_TIMES) && !(st->neg & FB__STAT_CPU)) {
		pi->cpu_times.user = (double)st->utime / it->tck;
		pi->cpu_times.system = (double)st->stime / it->tck;
		pi->cpu_times.children_user = (double)st->cutime / it->tck;
		pi->cpu_times.children_system = (double)st->cstime / it->tck;
		pi->cpu_times.iowait = (double)st->blkio_ticks / it->tck;
		pi->cpu_times.valid =
			st->nfields >= 42 && !(st->neg & FB__STAT_IOWAIT) ? FB_PCPU_IOWAIT : 0;
		pi->valid |= FB_PI_CPU_TIMES;
	}
	if (a & FB_PI_PPID) {
		pi->ppid = st->ppid;
		pi->valid |= FB_PI_PPID;
	}
	if ((a & FB_PI_CREATE_TIME) && !(st->neg & FB__STAT_START)) {
		pi->create_time = (double)st->starttime / it->tck + it->boot;
		pi->valid |= FB_PI_CREATE_TIME;
	}
	if ((a & FB_PI_NUM_THREADS) && !(st->neg & FB__STAT_THREADS)) {
		pi->num_threads = (int)st->num_threads;
		pi->valid |= FB_PI_NUM_THREADS;
	}
	if (a & FB_PI_NICE) {
		pi->nice = (int)st->nice;
		pi->valid |= FB_PI_NICE;
	}
	if ((a & FB_PI_CPU_NUM) && st->processor >= 0 && !(st->neg & FB__STAT_CPU_NUM)) {
		pi->cpu_num = st->processor;
		pi->valid |= FB_PI_CPU_NUM;
	}
	if (a & FB_PI_TERMINAL) {
		fb__tty_name(st->tty_nr, pi->terminal, sizeof(pi->terminal));
		pi->valid |= FB_PI_TERMINAL;
	}
}

#define PF_KTHREAD   0x00200000
#define PF_WQ_WORKER 0x00000020

/*
 * psutil's name(): a 15-char comm is completed from cmdline[0] when it is a prefix of it.
 * Kernel threads have no cmdline; a completed name is remembered while the stat file stays
 * open (the same process).
 */
static void complete_name(int procfd, pid_t pid, char *name, size_t len)
{
	char buf[4096], rel[48];
	const char *base, *end;
	size_t clen = strlen(name), blen;
	ssize_t r;

	fb__fmt(rel, sizeof(rel), "%d/cmdline", (int)pid);
	r = fb__read_at(procfd, rel, buf, sizeof(buf));
	if (r <= 0)
		return;
	end = memchr(buf, '\0', (size_t)r);
	if (!end || end == buf)
		end = memchr(buf, ' ', (size_t)r);
	if (!end)
		end = buf + r;
	base = buf;
	for (const char *c = buf; c < end; c++)
		if (*c == '/')
			base = c + 1;
	blen = (size_t)(end - base);
	if (blen > clen && blen < len && strncmp(base, name, clen) == 0) {
		memcpy(name, base, blen);
		name[blen] = '\0';
	}
}

/* A kernel thread's name as /proc prints it: its full name, or a workqueue worker's task. */
static void kthread_name(int procfd, pid_t pid, char *name, size_t len)
{
	char buf[128], rel[48];
	ssize_t r;

	fb__fmt(rel, sizeof(rel), "%d/comm", (int)pid);
	r = fb__read_at(procfd, rel, buf, sizeof(buf));
	if (r <= 1 || buf[r - 1] != '\n')
		return;
	buf[r - 1] = '\0';
	fb__copy(name, len, buf);
}

static void extend_name(struct fb_proc_iter *it, struct pid_ent *e, const struct fb__pstat *st,
			struct fb_proc_info *pi)
{
	if (strlen(pi->name) < 15 || (st->flags & PF_KTHREAD))
		return;
	if (e->long_name && e->fd[F_STAT] >= 0) {
		fb__copy(pi->name, sizeof(pi->name), e->long_name);
		return;
	}
	complete_name(it->procfd, e->pid, pi->name, sizeof(pi->name));
	free(e->long_name);
	e->long_name = strdup(pi->name);
}

static bool is_gone(ssize_t r)
{
	return r == -ENOENT || r == -ESRCH;
}

/* Read one process into @pi; false when it vanished (skipped, as psutil). */
static bool read_one(struct fb_proc_iter *it, struct pid_ent *e, struct fb_proc_info *pi)
{
	char buf[4096];
	bool kthread = false;
	ssize_t r;

	memset(pi, 0, sizeof(*pi));
	pi->pid = e->pid;
	pi->source = "procfs";
	if (it->attrs & PI_NEED_STAT) {
		struct fb__pstat st;

		r = read_pid_file(it, e, F_STAT, buf, sizeof(buf));
		if (is_gone(r))
			return false; /* vanished mid-scan */
		if (r >= 0 && !fb__parse_stat(buf, &st)) {
			fill_from_stat(it, &st, pi);
			if (pi->valid & FB_PI_NAME)
				extend_name(it, e, &st, pi);
			kthread = st.flags & PF_KTHREAD;
		}
	}
	if ((it->attrs & FB_PI_MEMORY_INFO) && kthread) {
		/*
		 * A kernel thread has no mm: its statm is all zeros.  Not opening it saves a third
		 * of a fresh scan's opens on a typical machine.
		 */
		pi->valid |= FB_PI_MEMORY_INFO;
	} else if (it->attrs & FB_PI_MEMORY_INFO) {
		uint64_t m[7];

		r = read_pid_file(it, e, F_STATM, buf, sizeof(buf));
		if (is_gone(r))
			return false;
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

		r = read_pid_file(it, e, F_STATUS, buf, sizeof(buf));
		if (is_gone(r))
			return false;
		if (r >= 0 && !fb__kv_str(buf, "Uid", line, sizeof(line)) &&
		    !fb__parse_u64(&q, &v[0]) && !fb__parse_u64(&q, &v[1]) &&
		    !fb__parse_u64(&q, &v[2])) {
			pi->uids.real = (uint32_t)v[0];
			pi->uids.effective = (uint32_t)v[1];
			pi->uids.saved = (uint32_t)v[2];
			if (it->attrs & FB_PI_UIDS)
				pi->valid |= FB_PI_UIDS;
			if (it->attrs & FB_PI_USERNAME) {
				fb__uid_name(pi->uids.real, pi->username, sizeof(pi->username));
				pi->valid |= FB_PI_USERNAME;
			}
		}
	}
	if (it->attrs & FB_PI_IO_COUNTERS) {
		/* another user's process refuses it (EACCES): left invalid, as psutil's ad_value */
		r = read_pid_file(it, e, F_IO, buf, sizeof(buf));
		if (is_gone(r))
			return false;
		if (r >= 0 && !fb__parse_proc_io(buf, &pi->io_counters))
			pi->valid |= FB_PI_IO_COUNTERS;
	}
	return true;
}

#define BATCH_MIN   128
#define BATCH_CHUNK 16

static void batch_run(void *arg)
{
	struct fb_proc_iter *it = arg;

	for (;;) {
		size_t i = __atomic_fetch_add(&it->next, BATCH_CHUNK, __ATOMIC_RELAXED);

		if (i >= it->n)
			break;
		for (size_t k = i; k < i + BATCH_CHUNK && k < it->n; k++)
			it->gone[k] = !read_one(it, &it->ents[k], &it->batch[k]);
	}
}

/*
 * With many processes and a second CPU, read the whole table up front on two threads: the
 * cost is the kernel formatting stat and statm, which parallelises.  The user name and
 * terminal caches they share are locked.
 */
static void batch_prepare(struct fb_proc_iter *it)
{
	struct fb__par *helper;

	it->batched = false;
	if (it->n < BATCH_MIN)
		return;
	free(it->batch);
	free(it->gone);
	it->batch = malloc(it->n * sizeof(*it->batch));
	it->gone = malloc(it->n * sizeof(*it->gone));
	if (!it->batch || !it->gone)
		return; /* the streaming path still works */
	it->next = 0;
	helper = fb__par_start(batch_run, it);
	batch_run(it);
	fb__par_finish(helper);
	it->batched = true;
}

/* A feed's process, converted as read_one() converts /proc's files. */
static void from_raw(struct fb_proc_iter *it, const struct fb_proc_raw *raw,
		     struct fb_proc_info *pi)
{
	struct fb__pstat st = {
		.ppid = raw->ppid,
		.state = raw->state,
		.flags = raw->flags,
		.utime = raw->utime,
		.stime = raw->stime,
		.cutime = (int64_t)raw->cutime,
		.cstime = (int64_t)raw->cstime,
		.blkio_ticks = raw->blkio,
		.starttime = raw->starttime,
		.num_threads = raw->num_threads,
		.nice = raw->nice,
		.processor = raw->cpu,
		.tty_nr = raw->tty_nr,
		.nfields = 52,
	};
	uint32_t a = it->attrs;

	memset(pi, 0, sizeof(*pi));
	pi->pid = raw->pid;
	fb__copy(st.comm, sizeof(st.comm), raw->comm);
	fill_from_stat(it, &st, pi);
	pi->source = it->feed->source;
	if ((pi->valid & FB_PI_NAME) && (raw->flags & PF_KTHREAD) &&
	    ((raw->flags & PF_WQ_WORKER) || strlen(pi->name) >= 15))
		kthread_name(it->procfd, raw->pid, pi->name, sizeof(pi->name));
	else if ((pi->valid & FB_PI_NAME) && strlen(pi->name) >= 15)
		complete_name(it->procfd, raw->pid, pi->name, sizeof(pi->name));
	if (a & FB_PI_MEMORY_INFO) {
		pi->memory_info.vms = (uint64_t)((double)raw->vms * it->page);
		pi->memory_info.rss = (uint64_t)((double)raw->rss * it->page);
		pi->memory_info.shared = (uint64_t)((double)raw->shared * it->page);
		pi->memory_info.text = (uint64_t)((double)raw->text * it->page);
		pi->memory_info.data = (uint64_t)((double)raw->data * it->page);
		pi->valid |= FB_PI_MEMORY_INFO;
	}
	if (a & FB_PI_IO_COUNTERS) {
		pi->io_counters = raw->io;
		pi->valid |= FB_PI_IO_COUNTERS;
	}
	if (a & PI_NEED_STATUS) {
		pi->uids.real = raw->uids[0];
		pi->uids.effective = raw->uids[1];
		pi->uids.saved = raw->uids[2];
		pi->valid |= a & FB_PI_UIDS;
		if (a & FB_PI_USERNAME) {
			fb__uid_name(pi->uids.real, pi->username, sizeof(pi->username));
			pi->valid |= FB_PI_USERNAME;
		}
	}
}

/* The whole walk into it->raws; *threads: theirs. 0 or -errno. */
static int feed_walk(struct fb_proc_iter *it, uint64_t *threads)
{
	int r;

	it->nraws = it->rpos = 0;
	for (;;) {
		if (it->nraws == it->raws_cap) {
			size_t cap = it->raws_cap ? 2 * it->raws_cap : 512;
			struct fb_proc_raw *v = realloc(it->raws, cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			it->raws = v;
			it->raws_cap = cap;
		}
		r = it->feed->next(it->feed_state, &it->raws[it->nraws]);
		if (r <= 0)
			return r;
		*threads += (uint64_t)it->raws[it->nraws++].num_threads;
	}
}

/* pid 1 from /proc into it->pid1 (ents becomes its list when it is not one already). */
static void feed_pid1(struct fb_proc_iter *it, uint64_t *threads)
{
	struct fb__pstat st;
	char buf[1024];

	if (!it->n || it->ents[0].pid != 1) {
		for (size_t i = 0; i < it->n; i++)
			close_ent(it, &it->ents[i]);
		free(it->ents);
		it->ents = calloc(1, sizeof(*it->ents));
		it->n = it->ents ? 1 : 0;
		if (!it->n)
			return;
		it->ents[0] = (struct pid_ent){ .pid = 1, .fd = { -1, -1, -1, -1 } };
	}
	it->pid1_ready = read_one(it, &it->ents[0], &it->pid1);
	if (!it->pid1_ready)
		return;
	if (it->pid1.valid & FB_PI_NUM_THREADS)
		*threads += (uint64_t)it->pid1.num_threads;
	else if (read_pid_file(it, &it->ents[0], F_STAT, buf, sizeof(buf)) >= 0 &&
		 !fb__parse_stat(buf, &st))
		*threads += (uint64_t)st.num_threads;
}

/*
 * A scan's walk, and what /proc must add to it. Some kernels hide tasks from the walk (this
 * kind of VM hides pid 1), and a process can start behind the walk's position, so the walk is
 * checked against the kernel's count of tasks: pid 1 is read from /proc when the walk does not
 * start with it, and only when the threads of the walk's processes and pid 1's do not add up
 * to /proc/loadavg's count is /proc listed, so that the pids the walk missed are read from it.
 */
static int feed_start(struct fb_proc_iter *it)
{
	uint64_t threads = 0;
	int err;

	it->walked = true; /* a walk that fails is not retried by the next call */
	it->pid1_ready = false;
	it->pos = it->nfrom_proc = 0;
	err = feed_walk(it, &threads);
	if (err) {
		it->nraws = 0;
		return err;
	}
	if (!it->nraws || it->raws[0].pid != 1)
		feed_pid1(it, &threads);
	it->nfrom_proc = it->pid1_ready ? 1 : 0;
	if (threads == fb__kernel_tasks(it->procfd))
		return 0;
	err = list_pids(it); /* keeps ents[0] (pid 1) and its files */
	it->nfrom_proc = it->n;
	return err;
}

/* Feed mode: the walk's processes and /proc's additions, merged in pid order. */
static const struct fb_proc_info *feed_next(struct fb_proc_iter *it)
{
	int err;

	if (!it->walked && (err = feed_start(it))) {
		errno = -err;
		return NULL;
	}
	for (;;) {
		const struct fb_proc_raw *raw = it->rpos < it->nraws ? &it->raws[it->rpos] : NULL;
		struct pid_ent *e = it->pos < it->nfrom_proc ? &it->ents[it->pos] : NULL;

		if (!raw && !e)
			return NULL;
		if (e && (!raw || e->pid < raw->pid)) {
			it->pos++;
			if (e->pid == 1 && it->pid1_ready)
				return &it->pid1;
			if (read_one(it, e, &it->cur))
				return &it->cur;
			continue;
		}
		if (e && e->pid == raw->pid)
			it->pos++;
		it->rpos++;
		from_raw(it, raw, &it->cur);
		return &it->cur;
	}
}

const struct fb_proc_info *fb_proc_iter__next(struct fb_proc_iter *it)
{
	if (!it) {
		errno = EINVAL;
		return NULL;
	}
	errno = 0;
	if (it->feed)
		return feed_next(it);
	while (it->pos < it->n) {
		size_t i = it->pos++;

		if (it->batched) {
			if (!it->gone[i])
				return &it->batch[i];
		} else if (read_one(it, &it->ents[i], &it->cur)) {
			return &it->cur;
		}
	}
	return NULL;
}
