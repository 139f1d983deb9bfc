// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc.c - psutil.Process for the BSD-family backends, written once: the handle is the OS-free
 * core's (common/proc.c: pid plus creation time, so a reused pid is noticed), each reading
 * method asks the OS hook for a fresh listing entry (kinfo_proc and, on macOS,
 * proc_pidinfo), wait() is waitpid(2) for a child and polling for any other process (nice
 * and the signals are posix/proc_ctl.c's, over the kill(2) hook here; cpu_percent is the
 * core's); a process' sockets are the system connection table filtered by owner.  What the
 * entries do not carry is -ENOTSUP here, recorded as the method's error.
 */
#include "sysctl_int.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const size_t fb__proc_os_size = 0; /* the core's fields are all a handle needs here */

/* The core's hook: creation time and zombie state from this pid's kinfo_proc. */
int fb__proc_os_ident(pid_t pid, struct fb__proc_ident *id)
{
	struct fb_proc_info pi;
	int err = fb__os_proc_info(pid, &pi);

	if (!err)
		fb__ident_of_info(&pi, id);
	return err;
}

/*
 * The core's hooks around a handle's life: FreeBSD and macOS have no descriptor that names an
 * arbitrary existing process (FreeBSD's process descriptors come only from pdfork()), so a
 * handle holds nothing and acts by pid after its identity check.
 */
void fb__proc_os_open(struct fb_proc *p)
{
	(void)p;
}

void fb__proc_os_close(struct fb_proc *p)
{
	(void)p;
}

/* Without a process descriptor a reaped process can only be told by its identity. */
bool fb__proc_os_is_reaped(const struct fb_proc *p)
{
	(void)p;
	return false;
}

/* posix/proc_ctl.c's hook, after the identity check: kill(2). */
int fb__proc_os_signal(struct fb_proc *p, int sig)
{
	return kill(p->pid, sig) ? -errno : 0;
}

/* This very process's entry: -ESRCH once it ended or its pid names another process. */
static int entry(struct fb_proc *p, const char *what, uint32_t need, struct fb_proc_info *pi)
{
	int err = fb__os_proc_info(p->pid, pi);

	if (!err && (pi->valid & FB_PI_CREATE_TIME) &&
	    (pi->create_time - p->ident.create_time > 0.01 ||
	     p->ident.create_time - pi->create_time > 0.01))
		err = -ESRCH;
	if (!err && (pi->valid & need) != need)
		err = -ENOTSUP;
	return err ? fb__proc_fail(p, what, err) : 0;
}

int fb_proc__name(struct fb_proc *p, char *buf, size_t len)
{
	struct fb_proc_info pi;
	int err = entry(p, "name", FB_PI_NAME, &pi);

	if (!err)
		fb__copy(buf, len, pi.name);
	return err;
}

int fb_proc__exe(struct fb_proc *p, char *buf, size_t len)
{
	int err = fb__os_proc_exe(p->pid, buf, len);

	return err ? fb__proc_fail(p, "exe", err) : 0;
}

int fb_proc__cmdline(struct fb_proc *p, struct fb_strv *out)
{
	int err = fb__os_proc_cmdline(p->pid, out);

	return err ? fb__proc_fail(p, "cmdline", err) : 0;
}

int fb_proc__status(struct fb_proc *p, enum fb_proc_status *out)
{
	struct fb_proc_info pi;
	int err = entry(p, "status", FB_PI_STATUS, &pi);

	if (!err)
		*out = pi.status;
	return err;
}

int fb_proc__create_time(struct fb_proc *p, double *out)
{
	*out = p->ident.create_time;
	return 0;
}

int fb_proc__ppid(struct fb_proc *p, pid_t *out)
{
	struct fb_proc_info pi;
	int err = entry(p, "ppid", FB_PI_PPID, &pi);

	if (!err)
		*out = pi.ppid;
	return err;
}

int fb_proc__parent(struct fb_proc *p, pid_t *out)
{
	struct fb_proc_info pi, par;
	int err = entry(p, "parent", FB_PI_PPID, &pi);

	if (err)
		return err;
	if (pi.ppid == pi.pid || fb__os_proc_info(pi.ppid, &par) ||
	    par.create_time > pi.create_time)
		return fb__proc_fail(p, "parent", -ENOENT);
	*out = pi.ppid;
	return 0;
}

int fb_proc__parents(struct fb_proc *p, pid_t **out, size_t *n)
{
	struct fb_proc_info pi;
	size_t cap = 0, k = 0;
	pid_t *v = NULL;
	int err = entry(p, "parents", FB_PI_PPID, &pi);

	*out = NULL;
	*n = 0;
	while (!err && pi.ppid != pi.pid && k < 4096) {
		struct fb_proc_info par;

		if (fb__os_proc_info(pi.ppid, &par) || par.create_time > pi.create_time)
			break;
		err = fb__grow((void **)&v, &cap, k + 1, sizeof(*v));
		if (!err)
			v[k++] = par.pid;
		if (par.pid == 0)
			break;
		pi = par;
	}
	if (err) {
		free(v);
		return fb__proc_fail(p, "parents", err);
	}
	*out = v;
	*n = k;
	return 0;
}

int fb_proc__children(struct fb_proc *p, bool recursive, pid_t **out, size_t *n)
{
	const struct fb_proc_info *pi;
	struct fb_proc_info *all = NULL;
	struct fb_proc_iter *it;
	size_t cnt = 0, cap = 0, k = 0, head = 0, rcap = 0;
	pid_t *res = NULL;
	int err = 0;

	*out = NULL;
	*n = 0;
	it = fb_proc_iter__new(FB_PI_PPID | FB_PI_CREATE_TIME);
	if (!it)
		return fb__proc_fail(p, "children", -errno);
	while (!err && (pi = fb_proc_iter__next(it))) {
		err = fb__grow((void **)&all, &cap, cnt + 1, sizeof(*all));
		if (!err)
			all[cnt++] = *pi;
	}
	fb_proc_iter__free(it);
	/* breadth first; a child is younger than its parent, else the ppid was reused */
	for (pid_t parent = p->pid; !err;) {
		double pct = 0;

		for (size_t i = 0; i < cnt; i++)
			if (all[i].pid == parent)
				pct = all[i].create_time;
		for (size_t i = 0; i < cnt && !err; i++) {
			if (all[i].ppid != parent || all[i].pid == parent ||
			    all[i].create_time < pct)
				continue;
			err = fb__grow((void **)&res, &rcap, k + 1, sizeof(*res));
			if (!err)
				res[k++] = all[i].pid;
		}
		if (!recursive || head >= k)
			break;
		parent = res[head++];
	}
	free(all);
	if (err) {
		free(res);
		return fb__proc_fail(p, "children", err);
	}
	*out = res;
	*n = k;
	return 0;
}

int fb_proc__uids(struct fb_proc *p, struct fb_ids *out)
{
	struct fb_proc_info pi;
	int err = entry(p, "uids", FB_PI_UIDS, &pi);

	if (!err)
		*out = pi.uids;
	return err;
}

int fb_proc__cpu_num(struct fb_proc *p, int *out)
{
	struct fb_proc_info pi;
	int err = entry(p, "cpu_num", FB_PI_CPU_NUM, &pi);

	if (!err)
		*out = pi.cpu_num;
	return err;
}

int fb_proc__cpu_times(struct fb_proc *p, struct fb_proc_cpu_times *out)
{
	struct fb_proc_info pi;
	int err = entry(p, "cpu_times", FB_PI_CPU_TIMES, &pi);

	if (!err)
		*out = pi.cpu_times;
	return err;
}

int fb_proc__memory_info(struct fb_proc *p, struct fb_proc_mem *out)
{
	struct fb_proc_info pi;
	int err = entry(p, "memory_info", FB_PI_MEMORY_INFO, &pi);

	if (!err)
		*out = pi.memory_info;
	return err;
}

int fb_proc__memory_percent(struct fb_proc *p, const char *memtype, double *out)
{
	struct fb_proc_mem m;
	struct fb_vmem vm;
	int err;

	if (!memtype || (strcmp(memtype, "rss") && strcmp(memtype, "vms")))
		return -EINVAL;
	err = fb_proc__memory_info(p, &m);
	if (!err)
		err = fb_virtual_memory(&vm);
	if (err)
		return err;
	*out = vm.total ? (double)(memtype[0] == 'r' ? m.rss : m.vms) * 100.0 / (double)vm.total
			: 0.0;
	return 0;
}

int fb_proc__num_threads(struct fb_proc *p, int *out)
{
	struct fb_proc_info pi;
	int err = entry(p, "num_threads", FB_PI_NUM_THREADS, &pi);

	if (!err)
		*out = pi.num_threads;
	return err;
}

int fb_proc__wait(struct fb_proc *p, double timeout, int *exitcode)
{
	double deadline = fb__mono() + timeout, delay = 0.0001;
	bool child = true;

	if (p->have_exitcode) {
		*exitcode = p->exitcode;
		return 0;
	}
	for (;;) {
		if (child) {
			int st;
			pid_t r = waitpid(p->pid, &st, WNOHANG);

			if (r == p->pid && (WIFEXITED(st) || WIFSIGNALED(st))) {
				p->exitcode = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
				p->have_exitcode = true;
				*exitcode = p->exitcode;
				return 0;
			}
			if (r < 0 && errno == ECHILD)
				child = false;
		}
		if (!child && !fb_proc__is_running(p)) {
			*exitcode =
				FB_EXIT_UNKNOWN; /* not our child: its status is not ours to see */
			return 0;
		}
		if (timeout >= 0 && fb__mono() >= deadline)
			return fb__proc_fail(p, "wait", -ETIMEDOUT);
		fb__sleep(delay);
		delay = delay * 2 < 0.04 ? delay * 2 : 0.04;
	}
}

/*
 * The system table filtered by owner: FreeBSD's owners come from kern.file, macOS's from
 * each socket's last user (so_last_pid), so there a socket inherited across fork() counts
 * for whichever process used it last.
 */
int fb_proc__net_connections(struct fb_proc *p, enum fb_conn_kind kind, struct fb_conn **out,
			     size_t *n)
{
	size_t keep = 0;
	int err = fb_net_connections(kind, out, n);

	if (err)
		return fb__proc_fail(p, "net_connections", err);
	for (size_t i = 0; i < *n; i++)
		if ((*out)[i].pid == p->pid)
			(*out)[keep++] = (*out)[i];
	*n = keep;
	return 0;
}

/* ------------------------------------------------ not in the entries: -ENOTSUP */

#define UNSUP(p, what) fb__proc_fail((p), (what), -ENOTSUP)

int fb_proc__environ(struct fb_proc *p, struct fb_strv *out)
{
	out->n = 0;
	out->v = NULL;
	return UNSUP(p, "environ");
}

int fb_proc__cwd(struct fb_proc *p, char *buf, size_t len)
{
	(void)buf, (void)len;
	return UNSUP(p, "cwd");
}

int fb_proc__username(struct fb_proc *p, char *buf, size_t len)
{
	(void)buf, (void)len;
	return UNSUP(p, "username");
}

int fb_proc__gids(struct fb_proc *p, struct fb_ids *out)
{
	(void)out;
	return UNSUP(p, "gids");
}

int fb_proc__terminal(struct fb_proc *p, char *buf, size_t len)
{
	(void)buf, (void)len;
	return UNSUP(p, "terminal");
}

int fb_proc__ionice(struct fb_proc *p, enum fb_ioprio_class *ioclass, int *value)
{
	(void)ioclass, (void)value;
	return UNSUP(p, "ionice");
}

int fb_proc__set_ionice(struct fb_proc *p, enum fb_ioprio_class ioclass, int value)
{
	(void)ioclass, (void)value;
	return UNSUP(p, "ionice");
}

int fb_proc__rlimit(struct fb_proc *p, int resource, int64_t *soft, int64_t *hard)
{
	(void)resource, (void)soft, (void)hard;
	return UNSUP(p, "rlimit");
}

int fb_proc__set_rlimit(struct fb_proc *p, int resource, int64_t soft, int64_t hard)
{
	(void)resource, (void)soft, (void)hard;
	return UNSUP(p, "rlimit");
}

int fb_proc__cpu_affinity(struct fb_proc *p, int **cpus, size_t *n)
{
	*cpus = NULL;
	*n = 0;
	return UNSUP(p, "cpu_affinity");
}

int fb_proc__set_cpu_affinity(struct fb_proc *p, const int *cpus, size_t n)
{
	(void)cpus, (void)n;
	return UNSUP(p, "cpu_affinity");
}

int fb_proc__io_counters(struct fb_proc *p, struct fb_proc_io *out)
{
	(void)out;
	return UNSUP(p, "io_counters");
}

int fb_proc__num_ctx_switches(struct fb_proc *p, uint64_t *voluntary, uint64_t *involuntary)
{
	(void)voluntary, (void)involuntary;
	return UNSUP(p, "num_ctx_switches");
}

int fb_proc__page_faults(struct fb_proc *p, uint64_t *minor, uint64_t *major)
{
	(void)minor, (void)major;
	return UNSUP(p, "page_faults");
}

int fb_proc__num_fds(struct fb_proc *p, int *out)
{
	(void)out;
	return UNSUP(p, "num_fds");
}

int fb_proc__threads(struct fb_proc *p, struct fb_thread **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return UNSUP(p, "threads");
}

int fb_proc__open_files(struct fb_proc *p, struct fb_open_file **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return UNSUP(p, "open_files");
}

int fb_proc__memory_full_info(struct fb_proc *p, struct fb_proc_mem_full *out)
{
	(void)out;
	return UNSUP(p, "memory_full_info");
}

int fb_proc__memory_info_ex(struct fb_proc *p, struct fb_proc_mem_ex *out)
{
	(void)out;
	return UNSUP(p, "memory_info_ex");
}

int fb_proc__memory_maps(struct fb_proc *p, bool grouped, struct fb_mmap **out, size_t *n)
{
	(void)grouped;
	*out = NULL;
	*n = 0;
	return UNSUP(p, "memory_maps");
}
