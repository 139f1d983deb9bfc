// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc.c - the fb_proc handle and the methods that come from /proc/PID/stat, status and statm:
 * name, status, ppid, create_time, cpu_times, cpu_num, memory_info, num_threads, uids, gids,
 * num_ctx_switches, terminal, username and is_running.  Inside oneshot_begin/end each of the
 * three files is read once and shared.  Errors are classified as psutil's wrap_exceptions does
 * and recorded with the pid and the method name.
 */
#include "proc_int.h"

#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

/* Fields of stat (numbered as in proc(5)) that psutil needs; the others are skipped. */
static const uint64_t stat_wanted = (1ull << 4) | (1ull << 7) | (1ull << 9) | (1ull << 10) |
				    (1ull << 12) | (1ull << 14) | (1ull << 15) | (1ull << 16) |
				    (1ull << 17) | (1ull << 19) | (1ull << 20) | (1ull << 22) |
				    (1ull << 23) | (1ull << 24) | (1ull << 39) | (1ull << 42);

int fb__parse_stat(const char *buf, struct fb__pstat *st)
{
	const char *open = strchr(buf, '('), *close = strrchr(buf, ')'), *p = buf;
	int64_t f[43] = { 0 };
	size_t clen;
	int n;

	memset(st, 0, sizeof(*st));
	if (!open || !close || close < open)
		return -EINVAL;
	{
		int64_t pid;

		if (fb__parse_i64(&p, &pid) || pid < 0 || pid > INT32_MAX)
			return -EINVAL;
		st->pid = (pid_t)pid;
	}
	clen = (size_t)(close - open - 1);
	if (clen >= sizeof(st->comm))
		clen = sizeof(st->comm) - 1;
	memcpy(st->comm, open + 1, clen);
	st->comm[clen] = '\0';
	p = close + 1;
	while (*p == ' ')
		p++;
	if (!*p || *p == '\n')
		return -EINVAL;
	st->state = *p++;
	/*
	 * Fields 4..42, hand-rolled: this runs once per process per scan.  Unwanted fields are
	 * only skipped; the few signed ones (cutime, cstime, priority, nice, rss) may be negative.
	 */
	for (n = 4; n <= 42; n++) {
		bool neg = false;
		uint64_t v = 0;

		while (*p == ' ')
			p++;
		if (*p < '0' || *p > '9') {
			if (*p != '-' || p[1] < '0' || p[1] > '9')
				break;
			neg = true;
			p++;
		}
		if (neg)
			st->neg |= FB__STAT_BIT(n);
		if (!(stat_wanted >> n & 1)) {
			while (*p >= '0' && *p <= '9')
				p++;
			continue;
		}
		while (*p >= '0' && *p <= '9') {
			unsigned d = (unsigned)(*p++ - '0');

			if (v > (UINT64_MAX - d) / 10)
				return -EINVAL;
			v = v * 10 + d;
		}
		f[n] = neg ? -(int64_t)v : (int64_t)v;
	}
	st->nfields = n - 1;
	if (st->nfields < 22)
		return -EINVAL; /* truncated before starttime */
	st->ppid = (pid_t)f[4];
	st->tty_nr = (int)f[7];
	st->flags = (uint64_t)f[9];
	st->minflt = (uint64_t)f[10];
	st->majflt = (uint64_t)f[12];
	st->utime = (uint64_t)f[14];
	st->stime = (uint64_t)f[15];
	st->cutime = f[16];
	st->cstime = f[17];
	st->nice = f[19];
	st->num_threads = f[20];
	st->starttime = (uint64_t)f[22];
	st->vsize = (uint64_t)f[23];
	st->rss = f[24];
	st->processor = st->nfields >= 39 ? (int)f[39] : -1;
	st->blkio_ticks = st->nfields >= 42 ? (uint64_t)f[42] : 0;
	return 0;
}

int fb__parse_statm(const char *buf, uint64_t out[7])
{
	const char *p = buf;

	for (int i = 0; i < 7; i++)
		if (fb__parse_u64(&p, &out[i]))
			return -EINVAL;
	return 0;
}

int fb__read_pstat(pid_t pid, struct fb__pstat *out)
{
	char rel[32], buf[1024];
	ssize_t r;

	fb__fmt(rel, sizeof(rel), "%d/stat", (int)pid);
	r = fb__read(FB_DIR_PROC, rel, buf, sizeof(buf));
	if (r < 0)
		return (int)r;
	return fb__parse_stat(buf, out);
}

ssize_t fb__proc_read(struct fb_proc *p, const char *what, const char *file, char *buf, size_t len)
{
	char rel[64];
	ssize_t r;

	fb__fmt(rel, sizeof(rel), "%d/%s", (int)p->pid, file);
	r = fb__read(FB_DIR_PROC, rel, buf, len);
	if (r < 0)
		return fb__proc_fail(p, what, (int)r);
	return r;
}

int fb__proc_stat(struct fb_proc *p, const char *what, struct fb__pstat *out)
{
	char buf[1024];
	ssize_t r;
	int err;

	if (fb__proc_oneshot_has(p, p->os->stat_gen)) {
		*out = p->os->stat;
		return 0;
	}
	r = fb__proc_read(p, what, "stat", buf, sizeof(buf));
	if (r < 0)
		return (int)r;
	err = fb__parse_stat(buf, out);
	if (err)
		return fb__proc_fail(p, what, err);
	p->os->stat = *out;
	p->os->stat_gen = fb__proc_oneshot_stamp(p);
	return 0;
}

int fb__proc_status(struct fb_proc *p, const char *what, const char **out)
{
	ssize_t r;

	if (fb__proc_oneshot_has(p, p->os->status_gen)) {
		*out = p->os->status;
		return 0;
	}
	r = fb__proc_read(p, what, "status", p->os->status, sizeof(p->os->status));
	if (r < 0)
		return (int)r;
	p->os->status_gen = fb__proc_oneshot_stamp(p);
	*out = p->os->status;
	return 0;
}

int fb__proc_statm(struct fb_proc *p, const char *what, uint64_t out[7])
{
	char buf[256];
	ssize_t r;
	int err;

	if (fb__proc_oneshot_has(p, p->os->statm_gen)) {
		memcpy(out, p->os->statm, sizeof(p->os->statm));
		return 0;
	}
	r = fb__proc_read(p, what, "statm", buf, sizeof(buf));
	if (r < 0)
		return (int)r;
	err = fb__parse_statm(buf, out);
	if (err)
		return fb__proc_fail(p, what, err);
	memcpy(p->os->statm, out, sizeof(p->os->statm));
	p->os->statm_gen = fb__proc_oneshot_stamp(p);
	return 0;
}

const size_t fb__proc_os_size = sizeof(struct fb__proc_os);

/*
 * The core's hook, before it reads the identity: a pidfd (Linux >= 5.3) names this process
 * and no later one, so signals and wait() through it cannot reach a reused pid.  -1 when the
 * kernel has no pidfd_open, the pid is a thread id or already gone: the pid is used then.
 */
void fb__proc_os_open(struct fb_proc *p)
{
	p->os->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
}

/*
 * The core's hook, before each identity check: whether the handle's pidfd says its own
 * process has been reaped. Then whatever holds the pid now is another process, even one
 * started in the same clock tick (same start time) or one whose stat hidepid hides. A zombie
 * is still there (psutil: running).
 */
bool fb__proc_os_is_reaped(const struct fb_proc *p)
{
	return p->os->pidfd >= 0 && syscall(SYS_pidfd_send_signal, p->os->pidfd, 0, NULL, 0) &&
	       errno == ESRCH;
}

/* The core's hook, from fb_proc__free(). */
void fb__proc_os_close(struct fb_proc *p)
{
	if (p->os->pidfd >= 0)
		close(p->os->pidfd);
	p->os->pidfd = -1;
}

/* The core's hook: /proc/PID/stat's starttime (clock ticks since boot) and state letter. */
int fb__proc_os_ident(pid_t pid, struct fb__proc_ident *id)
{
	struct fb__pstat st;
	int err = fb__read_pstat(pid, &st);

	if (err == -ENOENT)
		err = -ESRCH;
	if (err)
		return err;
	id->start = st.starttime;
	id->have_start = true;
	id->create_time = (double)st.starttime / (double)fb__clk_tck() + fb__boot_time_cached();
	id->zombie = st.state == 'Z';
	return 0;
}

int fb_proc__name(struct fb_proc *p, char *buf, size_t len)
{
	struct fb__pstat st;
	struct fb_strv cmd;
	int err;

	fb__proc_clear_err(p);
	err = fb__proc_stat(p, "name", &st);
	if (err)
		return err;
	fb__copy(buf, len, st.comm);
	/* the kernel truncates comm to 15 chars: psutil extends it from cmdline[0] */
	if (strlen(st.comm) >= 15 && !fb_proc__cmdline(p, &cmd)) {
		if (cmd.n) {
			const char *base = strrchr(cmd.v[0], '/');

			base = base ? base + 1 : cmd.v[0];
			if (strncmp(base, st.comm, strlen(st.comm)) == 0)
				fb__copy(buf, len, base);
		}
		fb_strv_free(&cmd);
	}
	fb__proc_clear_err(p);
	return 0;
}

int fb_proc__status(struct fb_proc *p, enum fb_proc_status *out)
{
	struct fb__pstat st;
	int err;

	fb__proc_clear_err(p);
	err = fb__proc_stat(p, "status", &st);
	if (err)
		return err;
	if (fb_status_from_char(st.state, out))
		return fb__proc_fail(p, "status", EINVAL);
	return 0;
}

int fb_proc__ppid(struct fb_proc *p, pid_t *out)
{
	struct fb__pstat st;
	int err;

	fb__proc_clear_err(p);
	err = fb__proc_stat(p, "ppid", &st);
	if (!err)
		*out = st.ppid;
	return err;
}

double fb__boot_time_cached(void)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static unsigned gen;
	static double bt;
	double v;

	pthread_mutex_lock(&lock);
	if (gen != fb__root_gen()) {
		if (fb_boot_time(&bt))
			bt = 0;
		gen = fb__root_gen();
	}
	v = bt;
	pthread_mutex_unlock(&lock);
	return v;
}

int fb_proc__create_time(struct fb_proc *p, double *out)
{
	struct fb__pstat st;
	int err;

	fb__proc_clear_err(p);
	err = fb__proc_stat(p, "create_time", &st);
	if (!err && (st.neg & FB__STAT_START))
		return fb__proc_fail(p, "create_time", ENODATA);
	if (!err)
		*out = (double)st.starttime / (double)fb__clk_tck() + fb__boot_time_cached();
	return err;
}

int fb_proc__cpu_times(struct fb_proc *p, struct fb_proc_cpu_times *out)
{
	struct fb__pstat st;
	double tck = (double)fb__clk_tck();
	int err;

	fb__proc_clear_err(p);
	err = fb__proc_stat(p, "cpu_times", &st);
	if (err)
		return err;
	if (st.neg & FB__STAT_CPU)
		return fb__proc_fail(p, "cpu_times", ENODATA);
	out->user = (double)st.utime / tck;
	out->system = (double)st.stime / tck;
	out->children_user = (double)st.cutime / tck;
	out->children_system = (double)st.cstime / tck;
	out->iowait = (double)st.blkio_ticks / tck;
	out->valid = st.nfields >= 42 && !(st.neg & FB__STAT_IOWAIT) ? FB_PCPU_IOWAIT : 0;
	if (!(out->valid & FB_PCPU_IOWAIT))
		out->iowait = 0; /* not reported: valid says so */
	return 0;
}

int fb_proc__cpu_num(struct fb_proc *p, int *out)
{
	struct fb__pstat st;
	int err;

	fb__proc_clear_err(p);
	err = fb__proc_stat(p, "cpu_num", &st);
	if (err)
		return err;
	if (st.processor < 0 || (st.neg & FB__STAT_CPU_NUM))
		return fb__proc_fail(p, "cpu_num", ENODATA);
	*out = st.processor;
	return 0;
}

int fb_proc__num_threads(struct fb_proc *p, int *out)
{
	const char *status;
	uint64_t v;
	int err;

	fb__proc_clear_err(p);
	err = fb__proc_status(p, "num_threads", &status);
	if (err)
		return err;
	if (fb__kv_u64(status, "Threads", &v))
		return fb__proc_fail(p, "num_threads", ENODATA);
	*out = (int)v;
	return 0;
}

int fb_proc__memory_info(struct fb_proc *p, struct fb_proc_mem *out)
{
	uint64_t m[7], ps = (uint64_t)fb__page_size();
	int err;

	fb__proc_clear_err(p);
	err = fb__proc_statm(p, "memory_info", m);
	if (err)
		return err;
	out->vms = m[0] * ps;
	out->rss = m[1] * ps;
	out->shared = m[2] * ps;
	out->text = m[3] * ps;
	out->data = m[5] * ps;
	return 0;
}

static int parse_ids(struct fb_proc *p, const char *what, const char *key, struct fb_ids *out)
{
	const char *status, *q;
	char line[128];
	uint64_t v[3];
	int err;

	fb__proc_clear_err(p);
	err = fb__proc_status(p, what, &status);
	if (err)
		return err;
	if (fb__kv_str(status, key, line, sizeof(line)))
		return fb__proc_fail(p, what, ENODATA);
	q = line;
	for (int i = 0; i < 3; i++)
		if (fb__parse_u64(&q, &v[i]))
			return fb__proc_fail(p, what, EINVAL);
	out->real = (uint32_t)v[0];
	out->effective = (uint32_t)v[1];
	out->saved = (uint32_t)v[2];
	return 0;
}

int fb_proc__uids(struct fb_proc *p, struct fb_ids *out)
{
	return parse_ids(p, "uids", "Uid", out);
}

int fb_proc__gids(struct fb_proc *p, struct fb_ids *out)
{
	return parse_ids(p, "gids", "Gid", out);
}

int fb_proc__num_ctx_switches(struct fb_proc *p, uint64_t *voluntary, uint64_t *involuntary)
{
	const char *status;
	int err;

	fb__proc_clear_err(p);
	err = fb__proc_status(p, "num_ctx_switches", &status);
	if (err)
		return err;
	if (fb__kv_u64(status, "voluntary_ctxt_switches", voluntary) ||
	    fb__kv_u64(status, "nonvoluntary_ctxt_switches", involuntary))
		return fb__proc_fail(p, "num_ctx_switches", ENODATA); /* kernel < 2.6.23 */
	return 0;
}

struct uid_ent {
	uint32_t uid;
	char name[64];
};

static pthread_mutex_t uid_lock = PTHREAD_MUTEX_INITIALIZER;

void fb__uid_name(uint32_t uid, char *buf, size_t len)
{
	static struct uid_ent cache[64];
	static size_t ncache;
	struct passwd pw, *res = NULL;
	char tmp[1024];

	pthread_mutex_lock(&uid_lock);
	for (size_t i = 0; i < ncache; i++) {
		if (cache[i].uid == uid) {
			fb__copy(buf, len, cache[i].name);
			pthread_mutex_unlock(&uid_lock);
			return;
		}
	}
	if (!getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) && res)
		fb__copy(buf, len, res->pw_name);
	else
		fb__fmt(buf, len, "%u", uid);
	if (ncache < 64) {
		cache[ncache].uid = uid;
		fb__copy(cache[ncache].name, sizeof(cache[ncache].name), buf);
		ncache++;
	}
	pthread_mutex_unlock(&uid_lock);
}

int fb_proc__username(struct fb_proc *p, char *buf, size_t len)
{
	struct fb_ids ids;
	int err;

	err = parse_ids(p, "username", "Uid", &ids);
	if (!err)
		fb__uid_name(ids.real, buf, len);
	return err;
}

struct tty_ent {
	dev_t rdev;
	char name[40];
};

static struct tty_ent *tty_map;
static size_t tty_n;
static unsigned tty_gen;

static void tty_scan_dir(int dfd, const char *sub, const char *prefix, size_t *cap)
{
	struct dirent *de;
	struct stat sb;
	DIR *dir;
	int fd;

	fd = openat(dfd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || (prefix[0] && strncmp(de->d_name, "tty", 3)))
			continue;
		if (fstatat(dirfd(dir), de->d_name, &sb, 0) || !S_ISCHR(sb.st_mode))
			continue;
		if (fb__grow((void **)&tty_map, cap, tty_n + 1, sizeof(*tty_map)))
			break;
		tty_map[tty_n].rdev = sb.st_rdev;
		fb__fmt(tty_map[tty_n].name, sizeof(tty_map[tty_n].name), "%s%s%s",
			fb__dev_prefix(), prefix[0] ? "" : "pts/", de->d_name);
		tty_n++;
	}
	closedir(dir);
}

static pthread_mutex_t tty_lock = PTHREAD_MUTEX_INITIALIZER;

static void tty_lookup(int dev, int tty_nr, char *buf, size_t len)
{
	static size_t cap;

	for (int pass = 0; pass < 2; pass++) {
		if (tty_gen != fb__root_gen() || pass == 1) {
			/* rebuilt once on a miss: a new pts appears after the first scan */
			tty_n = 0;
			tty_scan_dir(dev, ".", "tty", &cap);
			tty_scan_dir(dev, "pts", "", &cap);
			tty_gen = fb__root_gen();
		}
		for (size_t i = 0; i < tty_n; i++) {
			if (tty_map[i].rdev == (dev_t)(unsigned)tty_nr) {
				fb__copy(buf, len, tty_map[i].name);
				return;
			}
		}
	}
}

void fb__tty_name(int tty_nr, char *buf, size_t len)
{
	int dev = fb__dirfd(FB_DIR_DEV);

	buf[0] = '\0';
	if (tty_nr == 0 || dev < 0)
		return;
	pthread_mutex_lock(&tty_lock);
	tty_lookup(dev, tty_nr, buf, len);
	pthread_mutex_unlock(&tty_lock);
}

int fb_proc__terminal(struct fb_proc *p, char *buf, size_t len)
{
	struct fb__pstat st;
	int err;

	fb__proc_clear_err(p);
	err = fb__proc_stat(p, "terminal", &st);
	if (!err)
		fb__tty_name(st.tty_nr, buf, len);
	return err;
}

int fb_proc__page_faults(struct fb_proc *p, uint64_t *minor, uint64_t *major)
{
	struct fb__pstat st;
	int err;

	fb__proc_clear_err(p);
	err = fb__proc_stat(p, "page_faults", &st);
	if (!err && (st.neg & FB__STAT_FAULTS))
		return fb__proc_fail(p, "page_faults", ENODATA);
	if (!err) {
		*minor = st.minflt;
		*major = st.majflt;
	}
	return err;
}
