// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_fb_proc.c - process methods and the process scan on the hostile fixture: a comm with
 * spaces, parentheses and a newline; a truncated stat; a pid that vanished between readdir and
 * open; a zombie whose cmdline is empty; psutil's 15-char name completion; setproctitle
 * cmdlines; environ; memory_full_info from smaps_rollup; grouped and ungrouped memory_maps;
 * threads; io; children; and the error classification with pid and method name.
 */
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "fb_test.h"

static int mkdir_p(const char *path)
{
	char tmp[512];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	}
	return mkdir(tmp, 0755) && errno != EEXIST ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	fb_root_set(NULL);
	fb_proc_iter__set_feed(NULL);
	return 0;
}

static void test_comm_with_parens_spaces_newline(void **state)
{
	struct fb_proc *p;
	struct fb_proc_cpu_times ct;
	enum fb_proc_status st;
	char name[64];
	pid_t ppid;
	int cpu;
	double tck = fb_test_tck(), ctime;

	(void)state;
	fb_test_root("hostile");
	p = fb_proc__new(4242);
	assert_non_null(p);
	assert_int_equal(fb_proc__name(p, name, sizeof(name)), 0);
	assert_string_equal(name, "a b) (c\nd");
	assert_int_equal(fb_proc__status(p, &st), 0);
	assert_int_equal(st, FB_STATUS_SLEEPING);
	assert_int_equal(fb_proc__ppid(p, &ppid), 0);
	assert_int_equal(ppid, 1);
	assert_int_equal(fb_proc__cpu_times(p, &ct), 0);
	assert_true(ct.user == 250 / tck);
	assert_true(ct.system == 125 / tck);
	assert_true(ct.children_user == 10 / tck);
	assert_true(ct.children_system == 5 / tck);
	assert_true(ct.iowait == 7 / tck);
	assert_int_equal(fb_proc__cpu_num(p, &cpu), 0);
	assert_int_equal(cpu, 1);
	assert_int_equal(fb_proc__create_time(p, &ctime), 0);
	assert_true(ctime == 1700000000.0 + 12345 / tck);
	fb_proc__free(p);
}

static void test_status_file_fields(void **state)
{
	struct fb_proc *p;
	struct fb_ids ids;
	uint64_t vol, invol;
	int nt;

	(void)state;
	fb_test_root("hostile");
	p = fb_proc__new(4242);
	fb_proc__oneshot_begin(p);
	assert_int_equal(fb_proc__uids(p, &ids), 0);
	assert_int_equal(ids.real, 1000);
	assert_int_equal(ids.effective, 1001);
	assert_int_equal(ids.saved, 1002);
	assert_int_equal(fb_proc__gids(p, &ids), 0);
	assert_int_equal(ids.real, 100);
	assert_int_equal(ids.saved, 102);
	assert_int_equal(fb_proc__num_threads(p, &nt), 0);
	assert_int_equal(nt, 2);
	assert_int_equal(fb_proc__num_ctx_switches(p, &vol, &invol), 0);
	assert_int_equal(vol, 7);
	assert_int_equal(invol, 3);
	fb_proc__oneshot_end(p);
	fb_proc__free(p);
}

static void test_memory_info_and_full_info(void **state)
{
	struct fb_proc *p;
	struct fb_proc_mem m;
	struct fb_proc_mem_full f;
	uint64_t ps = (uint64_t)sysconf(_SC_PAGESIZE);

	(void)state;
	fb_test_root("hostile");
	p = fb_proc__new(4242);
	assert_int_equal(fb_proc__memory_info(p, &m), 0);
	assert_int_equal(m.vms, 256 * ps);
	assert_int_equal(m.rss, 200 * ps);
	assert_int_equal(m.shared, 50 * ps);
	assert_int_equal(m.text, 10 * ps);
	assert_int_equal(m.data, 100 * ps);
	assert_int_equal(fb_proc__memory_full_info(p, &f), 0);
	assert_int_equal(f.uss, KB(1 + 12 + 2)); /* every Private* line */
	assert_int_equal(f.pss, KB(14));	 /* Pss: only, not Pss_Anon */
	assert_int_equal(f.swap, KB(4));	 /* Swap: only, not SwapPss */
	assert_int_equal(f.base.rss, 200 * ps);
	fb_proc__free(p);
}

static void test_memory_info_ex_from_status(void **state)
{
	char root[] = "/tmp/fbmexXXXXXX", path[512];
	struct fb_proc_mem_ex m;
	struct fb_proc *p;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/proc/77", root);
	assert_int_equal(mkdir_p(path), 0);
	snprintf(path, sizeof(path), "%s/proc/77/stat", root);
	f = fopen(path, "w");
	fprintf(f, "77 (m) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 500 4096 1 0\n");
	fclose(f);
	snprintf(path, sizeof(path), "%s/proc/77/statm", root);
	f = fopen(path, "w");
	fprintf(f, "10 5 1 1 0 2 0\n");
	fclose(f);
	snprintf(path, sizeof(path), "%s/proc/77/status", root);
	f = fopen(path, "w");
	fprintf(f, "Name:\tm\nVmPeak:\t    2000 kB\nVmHWM:\t     300 kB\nRssAnon:\t     100 kB\n"
		   "RssFile:\t     150 kB\nRssShmem:\t       0 kB\nVmSwap:\t      12 kB\n");
	fclose(f);
	fb_root_set(root);
	p = fb_proc__new(77);
	assert_non_null(p);
	assert_int_equal(fb_proc__memory_info_ex(p, &m), 0);
	assert_int_equal(m.peak_vms, KB(2000));
	assert_int_equal(m.peak_rss, KB(300));
	assert_int_equal(m.rss_anon, KB(100));
	assert_int_equal(m.rss_file, KB(150));
	assert_int_equal(m.swap, KB(12));
	assert_false(m.valid & FB_PMEX_HUGETLB); /* not in this status: invalid, not 0 */
	assert_int_equal(m.base.rss, 5 * (uint64_t)sysconf(_SC_PAGESIZE));
	fb_proc__free(p);
	fb_root_set(NULL);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	assert_int_equal(system(path), 0);
}

static void test_memory_maps_grouped_and_not(void **state)
{
	struct fb_proc *p;
	struct fb_mmap *v;
	size_t n;

	(void)state;
	fb_test_root("hostile");
	p = fb_proc__new(4242);
	assert_int_equal(fb_proc__memory_maps(p, true, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].path, "/usr/bin/foo");
	assert_int_equal(v[0].size, KB(12));
	assert_int_equal(v[0].rss, KB(12));
	assert_int_equal(v[0].pss, KB(10));
	assert_int_equal(v[0].shared_clean, KB(4));
	assert_int_equal(v[0].private_dirty, KB(8));
	assert_int_equal(v[0].swap, KB(4));
	assert_string_equal(v[1].path, "[anon]");
	assert_int_equal(v[1].anonymous, KB(4));
	free(v);
	assert_int_equal(fb_proc__memory_maps(p, false, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[1].addr, "00600000-00602000");
	assert_string_equal(v[1].perms, "rw-p");
	assert_int_equal(v[1].size, KB(8));
	free(v);
	fb_proc__free(p);
}

static void test_cmdline_setproctitle_and_environ(void **state)
{
	struct fb_proc *p;
	struct fb_strv sv;

	(void)state;
	fb_test_root("hostile");
	p = fb_proc__new(4242);
	assert_int_equal(fb_proc__cmdline(p, &sv), 0);
	assert_int_equal(sv.n, 3);
	assert_string_equal(sv.v[0], "setproctitle");
	assert_string_equal(sv.v[2], "args");
	assert_null(sv.v[3]);
	fb_strv_free(&sv);
	assert_int_equal(fb_proc__environ(p, &sv), 0);
	assert_int_equal(sv.n, 2); /* "junk" has no '=' */
	assert_string_equal(sv.v[0], "A=1");
	assert_string_equal(sv.v[1], "B=two=2");
	fb_strv_free(&sv);
	fb_strv_free(NULL);
	fb_proc__free(p);
}

static void test_long_name_completed_from_cmdline(void **state)
{
	struct fb_proc *p;
	struct fb_strv sv;
	char name[64];

	(void)state;
	fb_test_root("hostile");
	p = fb_proc__new(4245);
	assert_int_equal(fb_proc__name(p, name, sizeof(name)), 0);
	assert_string_equal(name, "abcdefghijklmnopqrstu");
	assert_int_equal(fb_proc__cmdline(p, &sv), 0);
	assert_int_equal(sv.n, 2);
	assert_string_equal(sv.v[1], "--flag");
	fb_strv_free(&sv);
	fb_proc__free(p);
}

static void test_zombie_and_truncated_and_vanished(void **state)
{
	const struct fb_error *e;
	struct fb_proc *p;
	struct fb_strv sv;
	enum fb_proc_status st;
	char name[64];

	(void)state;
	fb_test_root("hostile");
	/* a zombie: status works, cmdline is ZombieProcess */
	p = fb_proc__new(4246);
	assert_non_null(p);
	assert_int_equal(fb_proc__status(p, &st), 0);
	assert_int_equal(st, FB_STATUS_ZOMBIE);
	assert_int_equal(fb_proc__cmdline(p, &sv), -ESRCH);
	e = fb_proc__error(p);
	assert_int_equal(e->kind, FB_ERR_ZOMBIE);
	assert_int_equal(e->pid, 4246);
	assert_string_equal(e->what, "cmdline");
	/* io is missing for the zombie: ZombieProcess too */
	fb_proc__free(p);
	/* a truncated stat cannot make a handle's identity: NoSuchProcess at __new */
	assert_null(fb_proc__new(4243));
	assert_int_equal(errno, ESRCH);
	/* vanished: directory present, files gone */
	assert_null(fb_proc__new(4244));
	/* a handle whose process disappears later */
	p = fb_proc__new(4245);
	fb_test_root("hostile-nomem");
	assert_int_equal(fb_proc__name(p, name, sizeof(name)), -ESRCH);
	assert_int_equal(fb_proc__error(p)->kind, FB_ERR_NO_SUCH_PROCESS);
	assert_string_equal(fb_proc__error(p)->what, "name");
	fb_proc__free(p);
	fb_proc__free(NULL);
}

/*
 * fb_proc__new()'s one errno contract (common/proc.c, every platform): a negative pid is
 * EINVAL (psutil's ValueError), a pid that names no process is ESRCH (NoSuchProcess), whether
 * it was never there or vanished between readdir and open.
 */
static void test_new_negative_and_vanished_pid(void **state)
{
	struct fb_proc *p;

	(void)state;
	fb_test_root("hostile");
	errno = 0;
	assert_null(fb_proc__new(-1));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(fb_proc__new(-4242));
	assert_int_equal(errno, EINVAL);
	/* vanished: /proc/4244 is still listed, its files are gone */
	errno = 0;
	assert_null(fb_proc__new(4244));
	assert_int_equal(errno, ESRCH);
	/* never there */
	errno = 0;
	assert_null(fb_proc__new(999999));
	assert_int_equal(errno, ESRCH);
	/* a handle made before its process vanished: NoSuchProcess, and not running */
	p = fb_proc__new(4245);
	assert_non_null(p);
	assert_true(fb_proc__is_running(p));
	fb_test_root("hostile-nomem");
	assert_false(fb_proc__is_running(p));
	assert_int_equal(fb_proc__error(p)->kind, FB_ERR_NO_SUCH_PROCESS);
	assert_int_equal(fb_proc__error(p)->err, ESRCH);
	assert_int_equal(fb_proc__pid(p), 4245);
	fb_proc__free(p);
}

static void test_threads_io_children(void **state)
{
	struct fb_proc *p;
	struct fb_thread *th;
	struct fb_proc_io io;
	pid_t *kids;
	size_t n;

	(void)state;
	fb_test_root("hostile");
	p = fb_proc__new(4242);
	assert_int_equal(fb_proc__threads(p, &th, &n), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		if (th[i].id == 4250) {
			assert_true(th[i].user_time == 50 / fb_test_tck());
			assert_true(th[i].system_time == 25 / fb_test_tck());
		} else {
			assert_int_equal(th[i].id, 4242);
		}
	}
	free(th);
	assert_int_equal(fb_proc__io_counters(p, &io), 0);
	assert_int_equal(io.read_count, 3);
	assert_int_equal(io.write_count, 4);
	assert_int_equal(io.read_bytes, 4096);
	assert_int_equal(io.write_bytes, 8192);
	assert_int_equal(io.read_chars, 100);
	assert_int_equal(io.write_chars, 200);
	assert_int_equal(fb_proc__children(p, false, &kids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(kids[0], 4245);
	free(kids);
	assert_int_equal(fb_proc__children(p, true, &kids, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(kids[1], 4246);
	free(kids);
	fb_proc__free(p);
}

static void test_iter_skips_vanished_and_keeps_unreadable(void **state)
{
	struct fb_proc_iter *it;
	const struct fb_proc_info *pi;
	pid_t seen[8];
	int n = 0;

	(void)state;
	fb_test_root("hostile");
	it = fb_proc_iter__new(FB_PI_NAME | FB_PI_STATUS | FB_PI_CPU_TIMES | FB_PI_MEMORY_INFO);
	assert_non_null(it);
	while ((pi = fb_proc_iter__next(it))) {
		assert_true(n < 8);
		seen[n++] = pi->pid;
		if (pi->pid == 4242) {
			assert_string_equal(pi->name, "a b) (c\nd");
			assert_true(pi->valid & FB_PI_MEMORY_INFO);
			assert_int_equal(pi->status, FB_STATUS_SLEEPING);
		}
		if (pi->pid == 4245)
			assert_string_equal(pi->name, "abcdefghijklmnopqrstu");
		if (pi->pid == 4243) {
			/* truncated stat: listed, fields invalid (psutil's ad_value) */
			assert_false(pi->valid & FB_PI_NAME);
		}
	}
	assert_int_equal(errno, 0);
	/* 4244 vanished (no stat): skipped */
	assert_int_equal(n, 4);
	assert_int_equal(seen[0], 4242);
	assert_int_equal(seen[1], 4243);
	assert_int_equal(seen[2], 4245);
	assert_int_equal(seen[3], 4246);
	fb_proc_iter__free(it);
	fb_proc_iter__free(NULL);
}

/* The recorded process: a 15-char comm that cmdline[0] ("/bin/sh") does not complete. */
static void test_recorded_process(void **state)
{
	const struct fb_proc_info *pi;
	struct fb_proc_iter *it;
	struct fb_proc *p;
	struct fb_strv sv;
	char name[64];

	(void)state;
	fb_test_root("debian12-6.18");
	it = fb_proc_iter__new(FB_PI_NAME | FB_PI_PPID | FB_PI_STATUS | FB_PI_MEMORY_INFO);
	assert_non_null(it);
	pi = fb_proc_iter__next(it);
	assert_non_null(pi);
	assert_int_equal(pi->pid, 10825);
	assert_string_equal(pi->name, "record_fixture.");
	assert_int_equal(pi->ppid, 10821);
	assert_int_equal(pi->status, FB_STATUS_SLEEPING);
	assert_true(pi->valid & FB_PI_MEMORY_INFO);
	assert_null(fb_proc_iter__next(it));
	fb_proc_iter__free(it);
	p = fb_proc__new(10825);
	assert_int_equal(fb_proc__name(p, name, sizeof(name)), 0);
	assert_string_equal(name, "record_fixture.");
	assert_int_equal(fb_proc__cmdline(p, &sv), 0);
	assert_int_equal(sv.n, 3);
	assert_string_equal(sv.v[0], "/bin/sh");
	assert_string_equal(sv.v[2], "debian12-6.18");
	fb_strv_free(&sv);
	fb_proc__free(p);
}

static void test_memory_percent_rejects_bad_memtype(void **state)
{
	struct fb_proc *p;
	double v;

	(void)state;
	fb_test_root("hostile");
	p = fb_proc__new(4242);
	assert_int_equal(fb_proc__memory_percent(p, "bogus", &v), -EINVAL);
	assert_int_equal(fb_proc__memory_percent(p, "rss", &v), 0);
	assert_true(v == 200.0 * (double)sysconf(_SC_PAGESIZE) / (double)KB(1000000) * 100.0);
	assert_int_equal(fb_proc__memory_percent(p, "uss", &v), 0);
	assert_true(v == (double)KB(15) / (double)KB(1000000) * 100.0);
	fb_proc__free(p);
}

/* A generated tree with many pids: the two-thread batch path and rewind with cached files. */
static void test_iter_batch_and_rewind_many_pids(void **state)
{
	char root[] = "/tmp/fbiterXXXXXX", path[512];
	struct fb_proc_iter *it;
	const struct fb_proc_info *pi;
	int n = 0;
	pid_t last = 0;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(root));
	for (int pid = 1000; pid < 1300; pid++) {
		snprintf(path, sizeof(path), "%s/proc/%d", root, pid);
		assert_int_equal(mkdir_p(path), 0);
		if (pid % 50 == 7)
			continue; /* vanished: the directory without its files */
		snprintf(path, sizeof(path), "%s/proc/%d/stat", root, pid);
		f = fopen(path, "w");
		assert_non_null(f);
		fprintf(f, "%d (p %d) S 1 %d %d 0 -1 0 0 0 0 0 %d 7 0 0 20 0 1 0 %d 4096 1 0\n",
			pid, pid, pid, pid, pid, 100 + pid);
		fclose(f);
		snprintf(path, sizeof(path), "%s/proc/%d/statm", root, pid);
		f = fopen(path, "w");
		fprintf(f, "%d %d 0 0 0 0 0\n", pid, pid / 2);
		fclose(f);
	}
	assert_int_equal(fb_root_set(root), 0);
	it = fb_proc_iter__new(FB_PI_NAME | FB_PI_STATUS | FB_PI_CPU_TIMES | FB_PI_MEMORY_INFO);
	assert_non_null(it);
	for (int pass = 0; pass < 2; pass++) {
		n = 0;
		last = 0;
		while ((pi = fb_proc_iter__next(it))) {
			char want[32];

			assert_true(pi->pid > last); /* pid order */
			last = pi->pid;
			snprintf(want, sizeof(want), "p %d", pi->pid);
			assert_string_equal(pi->name, want);
			assert_true(pi->cpu_times.user == pi->pid / fb_test_tck());
			assert_int_equal(pi->memory_info.rss,
					 (uint64_t)(pi->pid / 2) * (uint64_t)sysconf(_SC_PAGESIZE));
			n++;
		}
		assert_int_equal(n, 300 - 6 - pass);
		if (pass == 0) {
			/* one more process goes away before the refresh */
			snprintf(path, sizeof(path), "%s/proc/1100/stat", root);
			unlink(path);
			snprintf(path, sizeof(path), "%s/proc/1100/statm", root);
			unlink(path);
			snprintf(path, sizeof(path), "%s/proc/1100", root);
			rmdir(path);
			assert_int_equal(fb_proc_iter__rewind(it), 0);
		}
	}
	/* and a third scan from the cached files agrees */
	assert_int_equal(fb_proc_iter__rewind(it), 0);
	n = 0;
	while ((pi = fb_proc_iter__next(it))) {
		assert_int_not_equal(pi->pid, 1100);
		n++;
	}
	assert_int_equal(n, 300 - 6 - 1);
	fb_proc_iter__free(it);
	fb_root_set(NULL);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	assert_int_equal(system(path), 0);
}

static void write_stat(const char *root, pid_t pid, unsigned long long start)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/%d", root, (int)pid);
	assert_int_equal(mkdir_p(path), 0);
	snprintf(path, sizeof(path), "%s/proc/%d/stat", root, (int)pid);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%d (victim) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 %llu 4096 1 0\n", (int)pid,
		start);
	fclose(f);
}

/*
 * A stale handle must never signal a new process: the live child below survives a SIGKILL
 * through a handle whose creation time no longer matches what /proc says about its pid.
 */
static void test_reused_pid_is_never_signalled(void **state)
{
	char root[] = "/tmp/fbreuseXXXXXX", cmd[600];
	struct fb_proc *p;
	pid_t child;
	int status;

	(void)state;
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	assert_non_null(mkdtemp(root));
	write_stat(root, child, 1000);
	fb_root_set(root);
	p = fb_proc__new(child);
	assert_non_null(p);
	assert_true(fb_proc__is_running(p));
	write_stat(root, child, 2000); /* the pid now belongs to a newer process */
	assert_false(fb_proc__is_running(p));
	assert_int_equal(fb_proc__kill(p), -ESRCH);
	assert_int_equal(fb_proc__error(p)->kind, FB_ERR_NO_SUCH_PROCESS);
	assert_string_equal(fb_proc__error(p)->what, "send_signal");
	assert_int_equal(fb_proc__set_nice(p, 5), -ESRCH);
	assert_int_equal(waitpid(child, &status, WNOHANG), 0); /* still alive */
	/* the same handle with a matching identity does signal */
	write_stat(root, child, 1000);
	assert_int_equal(fb_proc__kill(p), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	fb_proc__free(p);
	fb_root_set(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

/*
 * Every setter refuses a handle whose process was replaced: the pid's creation time in the
 * (fixture) /proc no longer matches the one recorded when the handle was opened. The live
 * child keeps its nice value, I/O class, limits and affinity; each failure is NoSuchProcess
 * and names the method. With the identity restored, the same calls go through.
 */
static void test_setters_refuse_a_replaced_process(void **state)
{
	char root[] = "/tmp/fbsetXXXXXX", cmd[600];
	enum fb_ioprio_class cls;
	struct rlimit rl;
	cpu_set_t set;
	struct fb_proc *p;
	int status, level;
	pid_t child;

	(void)state;
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* a failed assertion must not leave it behind */
		pause();
		_exit(0);
	}
	assert_non_null(mkdtemp(root));
	write_stat(root, child, 1000);
	/* the CPUs a process may be given come from the root too: the live machine's */
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s/sys/devices/system/cpu && "
		 "cp /sys/devices/system/cpu/online %s/sys/devices/system/cpu/",
		 root, root);
	assert_int_equal(system(cmd), 0);
	fb_root_set(root);
	p = fb_proc__new(child);
	assert_non_null(p);
	write_stat(root, child, 2000); /* the pid now belongs to a newer process */
	assert_int_equal(fb_proc__set_nice(p, 7), -ESRCH);
	assert_int_equal(fb_proc__error(p)->kind, FB_ERR_NO_SUCH_PROCESS);
	assert_string_equal(fb_proc__error(p)->what, "nice");
	assert_int_equal(fb_proc__set_ionice(p, FB_IOPRIO_CLASS_IDLE, 0), -ESRCH);
	assert_string_equal(fb_proc__error(p)->what, "ionice");
	assert_int_equal(fb_proc__set_rlimit(p, RLIMIT_NOFILE, 11, 12), -ESRCH);
	assert_string_equal(fb_proc__error(p)->what, "rlimit");
	assert_int_equal(fb_proc__set_cpu_affinity(p, (const int[]){ 0 }, 1), -ESRCH);
	assert_string_equal(fb_proc__error(p)->what, "cpu_affinity");
	assert_int_equal(fb_proc__error(p)->pid, child);
	/* nothing reached the live child */
	errno = 0;
	assert_int_equal(getpriority(PRIO_PROCESS, (id_t)child), 0);
	assert_int_equal(fb_proc__ionice(p, &cls, &level), 0);
	assert_int_not_equal(cls, FB_IOPRIO_CLASS_IDLE);
	assert_int_equal(prlimit(child, RLIMIT_NOFILE, NULL, &rl), 0);
	assert_true(rl.rlim_cur != 11);
	assert_int_equal(sched_getaffinity(child, sizeof(set), &set), 0);
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
		assert_true(CPU_COUNT(&set) > 1); /* not narrowed to CPU 0 */
	/* the same handle with its identity back does act */
	write_stat(root, child, 1000);
	assert_int_equal(fb_proc__set_nice(p, 7), 0);
	assert_int_equal(getpriority(PRIO_PROCESS, (id_t)child), 7);
	assert_int_equal(fb_proc__set_rlimit(p, RLIMIT_NOFILE, 11, 12), 0);
	assert_int_equal(prlimit(child, RLIMIT_NOFILE, NULL, &rl), 0);
	assert_true(rl.rlim_cur == 11 && rl.rlim_max == 12);
	kill(child, SIGKILL);
	assert_int_equal(waitpid(child, &status, 0), child);
	fb_proc__free(p);
	fb_root_set(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

/*
 * A pid reused within the same clock tick has the same start time: only the handle's pidfd
 * can tell. Here the fixture /proc keeps saying "start time 1000" for the pid after the
 * process the handle was opened on has been reaped; every setter must still refuse.
 */
static void test_setters_refuse_a_reaped_process_with_the_same_start_time(void **state)
{
	char root[] = "/tmp/fbtickXXXXXX", cmd[600];
	struct fb_proc *p;
	int status;
	pid_t child;

	(void)state;
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	assert_non_null(mkdtemp(root));
	write_stat(root, child, 1000);
	fb_root_set(root);
	p = fb_proc__new(child);
	assert_non_null(p);
	assert_true(fb_proc__is_running(p));
	kill(child, SIGKILL);
	assert_int_equal(waitpid(child, &status, 0), child); /* reaped; stat still matches */
	assert_false(fb_proc__is_running(p));
	assert_int_equal(fb_proc__set_nice(p, 3), -ESRCH);
	assert_int_equal(fb_proc__error(p)->kind, FB_ERR_NO_SUCH_PROCESS);
	assert_int_equal(fb_proc__set_ionice(p, FB_IOPRIO_CLASS_IDLE, 0), -ESRCH);
	assert_int_equal(fb_proc__set_rlimit(p, RLIMIT_NOFILE, 11, 12), -ESRCH);
	assert_int_equal(fb_proc__send_signal(p, 0), -ESRCH);
	fb_proc__free(p);
	fb_root_set(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

static void test_wait_reports_exit_code_and_signal(void **state)
{
	struct fb_proc *p;
	pid_t child;
	int code;

	(void)state;
	child = fork();
	if (child == 0)
		_exit(7);
	p = fb_proc__new(child);
	assert_non_null(p);
	assert_int_equal(fb_proc__wait(p, 5, &code), 0);
	assert_int_equal(code, 7);
	assert_int_equal(fb_proc__wait(p, 5, &code), 0); /* cached */
	assert_int_equal(code, 7);
	fb_proc__free(p);
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	p = fb_proc__new(child);
	assert_int_equal(fb_proc__wait(p, 0.05, &code), -ETIMEDOUT);
	assert_int_equal(fb_proc__error(p)->kind, FB_ERR_TIMEOUT);
	assert_int_equal(fb_proc__terminate(p), 0);
	assert_int_equal(fb_proc__wait(p, 5, &code), 0);
	assert_int_equal(code, -SIGTERM);
	fb_proc__free(p);
}

/* A process that is not our child: its exit is seen (pidfd), its status is unknown. */
static void test_wait_non_child(void **state)
{
	int pidp[2], gate[2], code, st;
	pid_t mid, grand;
	struct fb_proc *p;

	(void)state;
	assert_int_equal(pipe(pidp), 0);
	assert_int_equal(pipe(gate), 0);
	mid = fork();
	if (mid == 0) {
		pid_t g = fork();

		if (g == 0) {
			char c;

			close(gate[1]);
			(void)!read(gate[0], &c, 1); /* exit when the test closes the gate */
			_exit(3);
		}
		(void)!write(pidp[1], &g, sizeof(g));
		_exit(0);
	}
	close(gate[0]);
	assert_int_equal(read(pidp[0], &grand, sizeof(grand)), (ssize_t)sizeof(grand));
	assert_int_equal(waitpid(mid, &st, 0), mid);
	p = fb_proc__new(grand);
	assert_non_null(p);
	assert_int_equal(fb_proc__wait(p, 0.05, &code), -ETIMEDOUT);
	close(gate[1]);
	assert_int_equal(fb_proc__wait(p, 5, &code), 0);
	assert_int_equal(code, FB_EXIT_UNKNOWN);
	close(pidp[0]);
	close(pidp[1]);
	fb_proc__free(p);
}

static void count_gone(const struct fb_waited *w, void *ctx)
{
	int *calls = ctx;

	assert_true(w->gone);
	(*calls)++;
}

/*
 * wait_procs: a child that exits is gone with its returncode (reaped, callback run once); a
 * child that stays is alive after the timeout; a zombie that is not ours stays alive until
 * its parent reaps it, then it is gone with no returncode (psutil None).
 */
static void test_wait_procs_gone_alive_and_foreign_zombie(void **state)
{
	struct fb_waited w[3] = { 0 };
	pid_t quick, stays, mid, zombie;
	int pidp[2], calls = 0, st;
	size_t ngone;
	double t0;

	(void)state;
	quick = fork();
	if (quick == 0)
		_exit(9);
	stays = fork();
	if (stays == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* a failed assertion must not leave it behind */
		pause();
		_exit(0);
	}
	assert_int_equal(pipe(pidp), 0);
	mid = fork();
	if (mid == 0) {
		pid_t g;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		g = fork();
		if (g == 0)
			_exit(4);
		(void)!write(pidp[1], &g, sizeof(g));
		pause(); /* never reaps g: it stays a zombie that is not the test's child */
		_exit(0);
	}
	assert_int_equal(read(pidp[0], &zombie, sizeof(zombie)), (ssize_t)sizeof(zombie));
	for (int i = 0; i < 500; i++) { /* until it is a zombie */
		struct fb_proc *z = fb_proc__new(zombie);
		enum fb_proc_status zs = FB_STATUS_RUNNING;

		assert_non_null(z);
		fb_proc__status(z, &zs);
		fb_proc__free(z);
		if (zs == FB_STATUS_ZOMBIE)
			break;
		usleep(2000);
	}
	w[0].proc = fb_proc__new(stays);
	w[1].proc = fb_proc__new(zombie);
	w[2].proc = fb_proc__new(quick);
	assert_non_null(w[0].proc);
	assert_non_null(w[1].proc);
	assert_non_null(w[2].proc);
	t0 = (double)time(NULL);
	assert_int_equal(fb_wait_procs(w, 3, 0.3, count_gone, &calls, &ngone), 0);
	assert_true((double)time(NULL) - t0 < 3);
	assert_int_equal(ngone, 1);
	assert_int_equal(calls, 1);
	assert_int_equal(fb_proc__pid(w[0].proc), quick);
	assert_true(w[0].gone);
	assert_int_equal(w[0].returncode, 9);
	assert_int_equal(waitpid(quick, &st, WNOHANG), -1); /* reaped already */
	assert_int_equal(fb_proc__pid(w[1].proc), stays);   /* alive, in the order given */
	assert_false(w[1].gone);
	assert_int_equal(fb_proc__pid(w[2].proc), zombie);
	assert_false(w[2].gone);
	/* psutil's Process.wait() on it times out too: its pid is still there */
	assert_int_equal(fb_proc__wait(w[2].proc, 0.05, &st), -ETIMEDOUT);
	/* the zombie's parent ends: init reaps the zombie, which is then gone */
	kill(mid, SIGKILL);
	assert_int_equal(waitpid(mid, &st, 0), mid);
	assert_int_equal(fb_wait_procs(&w[2], 1, 5, NULL, NULL, &ngone), 0);
	assert_int_equal(ngone, 1);
	assert_int_equal(w[2].returncode, FB_EXIT_UNKNOWN);
	/* the stayer, killed: gone with -SIGKILL; a NULL handle is refused */
	kill(stays, SIGKILL);
	assert_int_equal(fb_wait_procs(&w[1], 1, -1, NULL, NULL, &ngone), 0);
	assert_int_equal(ngone, 1);
	assert_int_equal(w[1].returncode, -SIGKILL);
	for (int i = 0; i < 3; i++)
		fb_proc__free(w[i].proc);
	w[0].proc = NULL;
	assert_int_equal(fb_wait_procs(w, 1, 0, NULL, NULL, &ngone), -EINVAL);
	close(pidp[0]);
	close(pidp[1]);
}

static void test_page_faults_and_parent(void **state)
{
	struct fb_proc *p;
	uint64_t minor, major;
	pid_t parent;

	(void)state;
	fb_test_root("hostile");
	p = fb_proc__new(4246);
	assert_int_equal(fb_proc__page_faults(p, &minor, &major), 0);
	assert_int_equal(minor, 500);
	assert_int_equal(major, 3);
	assert_int_equal(fb_proc__parent(p, &parent), 0);
	assert_int_equal(parent, 4245);
	fb_proc__free(p);
	p = fb_proc__new(4242); /* its parent, pid 1, is not in the tree */
	assert_int_equal(fb_proc__parent(p, &parent), -ENOENT);
	fb_proc__free(p);
}

static void *scan_worker(void *arg)
{
	long *count = arg;

	for (int r = 0; r < 50; r++) {
		struct fb_proc_iter *it = fb_proc_iter__new(FB_PI_NAME | FB_PI_USERNAME |
							    FB_PI_TERMINAL | FB_PI_CREATE_TIME);
		const struct fb_proc_info *pi;

		while (it && (pi = fb_proc_iter__next(it)))
			(*count)++;
		fb_proc_iter__free(it);
	}
	return NULL;
}

/* Several threads scanning at once share the user-name, terminal and boot-time caches. */
static void test_concurrent_scans(void **state)
{
	pthread_t t[4];
	long counts[4] = { 0 }, alone = 0;

	(void)state;
	fb_test_root("hostile");
	scan_worker(&alone);
	assert_int_equal(alone, 50 * 4); /* 4242, 4243, 4245, 4246; 4244 vanished */
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, scan_worker, &counts[i]), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 4; i++)
		assert_int_equal(counts[i], alone);
}

/*
 * cpu_affinity can be narrowed and widened again, and [] restores every eligible CPU (psutil):
 * the eligible set must not be read from the process' own, already narrowed, mask.
 */
static void test_cpu_affinity_widens_and_resets(void **state)
{
	static const int one[] = { 1 }, both[] = { 0, 1 };
	cpu_set_t initial;
	struct fb_proc *p;
	int *cpus, status;
	size_t n;
	pid_t child;

	(void)state;
	if (sched_getaffinity(0, sizeof(initial), &initial) || !CPU_ISSET(0, &initial) ||
	    !CPU_ISSET(1, &initial))
		skip(); /* needs CPUs 0 and 1 */
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* a failed assert must not leave it */
		pause();
		_exit(0);
	}
	p = fb_proc__new(child);
	assert_non_null(p);
	assert_int_equal(fb_proc__set_cpu_affinity(p, one, 1), 0);
	assert_int_equal(fb_proc__cpu_affinity(p, &cpus, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(cpus[0], 1);
	free(cpus);
	assert_int_equal(fb_proc__set_cpu_affinity(p, both, 2), 0); /* widen */
	assert_int_equal(fb_proc__cpu_affinity(p, &cpus, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(cpus[0], 0);
	assert_int_equal(cpus[1], 1);
	free(cpus);
	assert_int_equal(fb_proc__set_cpu_affinity(p, one, 1), 0);
	assert_int_equal(fb_proc__set_cpu_affinity(p, NULL, 0), 0); /* [] = every CPU */
	assert_int_equal(fb_proc__cpu_affinity(p, &cpus, &n), 0);
	assert_int_equal(n, (size_t)CPU_COUNT(&initial));
	for (size_t i = 0; i < n; i++)
		assert_true(CPU_ISSET((size_t)cpus[i], &initial));
	free(cpus);
	/* a CPU that does not exist is still refused */
	assert_int_equal(fb_proc__set_cpu_affinity(p, (const int[]){ 8191 }, 1), -EINVAL);
	kill(child, SIGKILL);
	assert_int_equal(waitpid(child, &status, 0), child);
	fb_proc__free(p);
}

/*
 * Negative counts in stat (a corrupt or hostile file) read as unknown, never as a wrapped
 * unsigned value (ps showed TIME 368934881474191040.00): the method fails with ENODATA and
 * the scan leaves the field invalid, while the sane fields of the same line stay valid.
 */
static void test_negative_stat_fields_are_invalid(void **state)
{
	const struct fb_proc_info *pi;
	struct fb_proc_cpu_times ct;
	struct fb_proc_iter *it;
	struct fb_proc *p;
	uint64_t minor, major;
	struct fb_thread *th;
	size_t nth;
	double ctime;
	int seen = 0;

	(void)state;
	fb_test_root("hostile-neg");
	p = fb_proc__new(4300);
	assert_non_null(p);
	assert_int_equal(fb_proc__cpu_times(p, &ct), -ENODATA);
	assert_int_equal(fb_proc__create_time(p, &ctime), -ENODATA);
	assert_int_equal(fb_proc__page_faults(p, &minor, &major), -ENODATA);
	assert_int_equal(fb_proc__threads(p, &th, &nth), 0); /* unknown times are NAN */
	assert_int_equal(nth, 2);
	for (size_t i = 0; i < nth; i++) {
		if (th[i].id == 4300) {
			assert_true(isnan(th[i].user_time) && th[i].system_time == 1.25);
		} else {
			assert_int_equal(th[i].id, 4302);
			assert_true(th[i].user_time == 2.5 && isnan(th[i].system_time));
		}
	}
	free(th);
	fb_proc__free(p);
	p = fb_proc__new(4301);
	assert_non_null(p);
	assert_int_equal(fb_proc__cpu_times(p, &ct), 0);
	assert_true(ct.user == 2.5 && ct.children_user == 0.1);
	assert_false(ct.valid & FB_PCPU_IOWAIT);
	fb_proc__free(p);

	it = fb_proc_iter__new(FB_PI_NAME | FB_PI_CPU_TIMES | FB_PI_CREATE_TIME |
			       FB_PI_NUM_THREADS);
	assert_non_null(it);
	while ((pi = fb_proc_iter__next(it))) {
		assert_true(pi->valid & FB_PI_NAME);
		if (pi->pid == 4300) {
			assert_false(pi->valid & FB_PI_CPU_TIMES);
			assert_false(pi->valid & FB_PI_CREATE_TIME);
		} else {
			assert_int_equal(pi->pid, 4301);
			assert_true(pi->valid & FB_PI_CPU_TIMES);
			assert_false(pi->cpu_times.valid & FB_PCPU_IOWAIT);
			assert_true(pi->valid & FB_PI_CREATE_TIME);
			/* num_threads comes from stat in a scan: -2 is not a count */
			assert_false(pi->valid & FB_PI_NUM_THREADS);
		}
		seen++;
	}
	assert_int_equal(seen, 2);
	fb_proc_iter__free(it);
}

static void write_stat_ppid(const char *root, pid_t pid, pid_t ppid, unsigned long long start)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/%d", root, (int)pid);
	assert_int_equal(mkdir_p(path), 0);
	snprintf(path, sizeof(path), "%s/proc/%d/stat", root, (int)pid);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%d (victim) S %d 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 %llu 4096 1 0\n", (int)pid,
		(int)ppid, start);
	fclose(f);
}

static char reuse_root[64];
static pid_t reuse_pid;

/* Between kill_tree's scan and its signals, the child dies and an unrelated process (its
 * own session, parent 1, started later) takes its pid. */
static void reuse_after_scan(void)
{
	write_stat_ppid(reuse_root, reuse_pid, 1, 5000);
}

extern void (*fb__kill_tree_scanned_hook)(void);

static pid_t sleeper(void)
{
	pid_t c = fork();

	assert_true(c >= 0);
	if (c == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pause();
		_exit(0);
	}
	return c;
}

/*
 * kill --tree must not signal a process that took a descendant's pid after the scan: the
 * recorded tree (fixture root) says B is A's child; once the hook has made B's pid belong to
 * a new, unrelated process, B (a real process standing for it) must survive and count as gone.
 * Without the reuse the same tree is killed.
 */
static void test_kill_tree_skips_pid_reused_after_scan(void **state)
{
	struct fb_kill_tree_result r;
	char cmd[600], path[300];
	pid_t a, b;
	FILE *f;
	int st;

	(void)state;
	snprintf(reuse_root, sizeof(reuse_root), "/tmp/fbktXXXXXX");
	assert_non_null(mkdtemp(reuse_root));
	snprintf(path, sizeof(path), "%s/proc", reuse_root);
	assert_int_equal(mkdir_p(path), 0);
	snprintf(path, sizeof(path), "%s/proc/stat", reuse_root);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("cpu  1 0 1 100 0 0 0 0 0 0\nbtime 1700000000\n", f);
	fclose(f);
	a = sleeper();
	b = sleeper();
	write_stat_ppid(reuse_root, a, 1, 1000);
	write_stat_ppid(reuse_root, b, a, 1100);
	assert_int_equal(fb_root_set(reuse_root), 0);

	reuse_pid = b;
	fb__kill_tree_scanned_hook = reuse_after_scan;
	assert_int_equal(fb_kill_tree_ex(a, SIGKILL, false, 0.2, &r), 0);
	fb__kill_tree_scanned_hook = NULL;
	assert_int_equal(r.ngone, 1);
	assert_int_equal(r.gone[0], b);
	assert_int_equal(r.nalive + r.ndenied, 0);
	fb_kill_tree_result_free(&r);
	assert_int_equal(waitpid(b, &st, WNOHANG), 0); /* the "new" process was not touched */

	/* the same tree, no reuse: B and then A are killed */
	write_stat_ppid(reuse_root, b, a, 1100);
	assert_int_equal(fb_kill_tree_ex(a, SIGKILL, true, 5, &r), 0);
	assert_int_equal(r.ngone, 2);
	assert_int_equal(r.nalive + r.ndenied, 0);
	fb_kill_tree_result_free(&r);
	assert_int_equal(waitpid(b, &st, WNOHANG), 0 /* reaped by kill_tree's wait */ - 1);

	fb_root_set(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", reuse_root);
	assert_int_equal(system(cmd), 0);
}

/* A process that refuses the signal (EPERM) is AccessDenied, not "alive". */
static void test_kill_tree_reports_denied(void **state)
{
	pid_t target, helper;
	int st;

	(void)state;
	if (geteuid() != 0)
		skip(); /* needs a uid to drop to */
	target = sleeper();
	helper = fork();
	assert_true(helper >= 0);
	if (helper == 0) {
		struct fb_kill_tree_result r;

		if (setgid(65534) || setuid(65534))
			_exit(10);
		if (fb_kill_tree_ex(target, SIGTERM, true, 0.1, &r))
			_exit(11);
		_exit(r.ndenied == 1 && r.denied[0] == target && !r.nalive ? 0 : 12);
	}
	assert_int_equal(waitpid(helper, &st, 0), helper);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(waitpid(target, &st, WNOHANG), 0); /* untouched */
	kill(target, SIGKILL);
	waitpid(target, &st, 0);
}

static pthread_mutex_t name_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t name_cv = PTHREAD_COND_INITIALIZER;
static int name_stage;

static void *renamed_thread(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, "tokio-rt-worker");
	pthread_mutex_lock(&name_mu);
	name_stage = 1;
	pthread_cond_broadcast(&name_cv);
	while (name_stage != 2)
		pthread_cond_wait(&name_cv, &name_mu);
	pthread_mutex_unlock(&name_mu);
	return NULL;
}

/* A process is named by its leader, not by a thread that renamed itself (PR_SET_NAME). */
static void test_name_is_the_leaders_not_a_threads(void **state)
{
	const struct fb_proc_info *pi;
	struct fb_proc_iter *it;
	char leader[16] = "", name[64];
	struct fb_proc *p;
	pthread_t t;

	(void)state;
	prctl(PR_GET_NAME, leader);
	assert_int_equal(pthread_create(&t, NULL, renamed_thread, NULL), 0);
	pthread_mutex_lock(&name_mu);
	while (name_stage != 1)
		pthread_cond_wait(&name_cv, &name_mu);
	pthread_mutex_unlock(&name_mu);
	p = fb_proc__new(getpid());
	assert_non_null(p);
	assert_int_equal(fb_proc__name(p, name, sizeof(name)), 0);
	assert_string_equal(name, leader);
	fb_proc__free(p);
	it = fb_proc_iter__new(FB_PI_NAME);
	assert_non_null(it);
	while ((pi = fb_proc_iter__next(it)))
		if (pi->pid == getpid())
			break;
	assert_non_null(pi);
	assert_string_equal(pi->name, leader);
	fb_proc_iter__free(it);
	pthread_mutex_lock(&name_mu);
	name_stage = 2;
	pthread_cond_broadcast(&name_cv);
	pthread_mutex_unlock(&name_mu);
	pthread_join(t, NULL);
}

/* A walk as vigil's BPF task walk feeds it: pids 5 (2 threads) and 9 (4 threads). */
static const struct fb_proc_raw fake_walk[] = {
	{ .pid = 5, .ppid = 1, .comm = "walked5", .state = 'S', .num_threads = 2 },
	{ .pid = 9, .ppid = 1, .comm = "walked9", .state = 'R', .num_threads = 4 },
};
static size_t fake_pos;
static bool fake_breaks; /* the walk fails at its second process */

static int fake_open(void **st)
{
	fake_pos = 0;
	*st = &fake_pos;
	return 0;
}

static int fake_next(void *st, struct fb_proc_raw *out)
{
	size_t *pos = st;

	if (*pos == sizeof(fake_walk) / sizeof(fake_walk[0]))
		return 0;
	if (fake_breaks && *pos == 1)
		return -EIO;
	*out = fake_walk[(*pos)++];
	return 1;
}

static int fake_rewind(void *st)
{
	*(size_t *)st = 0;
	return 0;
}

static void fake_close(void *st)
{
	(void)st;
}

static const struct fb_proc_feed fake_feed = { "fake", fake_open, fake_next, fake_rewind,
					       fake_close };

/* The pids one scan hands out, in order, and their sources; twice, the second by rewind. */
static void scan_feed(const char *scenario, const pid_t *want, size_t nwant)
{
	struct fb_proc_iter *it;
	const struct fb_proc_info *pi;

	fb_test_root(scenario);
	fb_proc_iter__set_feed(&fake_feed);
	it = fb_proc_iter__new(FB_PI_NAME | FB_PI_STATUS);
	assert_non_null(it);
	for (int pass = 0; pass < 2; pass++) {
		size_t n = 0;

		if (pass)
			assert_int_equal(fb_proc_iter__rewind(it), 0);
		while ((pi = fb_proc_iter__next(it))) {
			assert_true(n < nwant);
			assert_int_equal(pi->pid, want[n]);
			assert_string_equal(pi->source,
					    pi->pid == 5 || pi->pid == 9 ? "fake" : "procfs");
			n++;
		}
		assert_int_equal(errno, 0);
		assert_int_equal(n, nwant);
	}
	fb_proc_iter__free(it);
}

/*
 * A walk is trusted whole when its threads, plus those of pid 1 (read from /proc when the walk
 * does not start with it), add up to loadavg's task count: then /proc is not listed, and pid 7,
 * which only /proc has, is not seen. When they fall short, /proc is listed and 7 is read from
 * it, in pid order among the walk's processes.
 */
static void test_feed_listed_only_when_the_counts_differ(void **state)
{
	static const pid_t whole[] = { 1, 5, 9 }, filled[] = { 1, 5, 7, 9 };

	(void)state;
	scan_feed("feed-whole", whole, 3);
	scan_feed("feed-short", filled, 4);
}

/* A walk that breaks off fails the scan with its error, once, and hands out nothing. */
static void test_feed_that_breaks_fails_the_scan(void **state)
{
	struct fb_proc_iter *it;

	(void)state;
	fb_test_root("feed-whole");
	fb_proc_iter__set_feed(&fake_feed);
	it = fb_proc_iter__new(FB_PI_NAME);
	assert_non_null(it);
	fake_breaks = true;
	assert_null(fb_proc_iter__next(it));
	assert_int_equal(errno, EIO);
	assert_null(fb_proc_iter__next(it));
	fake_breaks = false;
	assert_int_equal(fb_proc_iter__rewind(it), 0);
	assert_non_null(fb_proc_iter__next(it)); /* a new walk works again */
	fb_proc_iter__free(it);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_comm_with_parens_spaces_newline, teardown),
		cmocka_unit_test_teardown(test_feed_listed_only_when_the_counts_differ, teardown),
		cmocka_unit_test_teardown(test_feed_that_breaks_fails_the_scan, teardown),
		cmocka_unit_test_teardown(test_status_file_fields, teardown),
		cmocka_unit_test_teardown(test_memory_info_and_full_info, teardown),
		cmocka_unit_test_teardown(test_memory_maps_grouped_and_not, teardown),
		cmocka_unit_test_teardown(test_memory_info_ex_from_status, teardown),
		cmocka_unit_test_teardown(test_cmdline_setproctitle_and_environ, teardown),
		cmocka_unit_test_teardown(test_long_name_completed_from_cmdline, teardown),
		cmocka_unit_test_teardown(test_zombie_and_truncated_and_vanished, teardown),
		cmocka_unit_test_teardown(test_new_negative_and_vanished_pid, teardown),
		cmocka_unit_test_teardown(test_threads_io_children, teardown),
		cmocka_unit_test_teardown(test_iter_skips_vanished_and_keeps_unreadable, teardown),
		cmocka_unit_test_teardown(test_memory_percent_rejects_bad_memtype, teardown),
		cmocka_unit_test_teardown(test_recorded_process, teardown),
		cmocka_unit_test_teardown(test_iter_batch_and_rewind_many_pids, teardown),
		cmocka_unit_test_teardown(test_reused_pid_is_never_signalled, teardown),
		cmocka_unit_test_teardown(test_setters_refuse_a_replaced_process, teardown),
		cmocka_unit_test_teardown(
			test_setters_refuse_a_reaped_process_with_the_same_start_time, teardown),
		cmocka_unit_test_teardown(test_wait_reports_exit_code_and_signal, teardown),
		cmocka_unit_test_teardown(test_wait_non_child, teardown),
		cmocka_unit_test_teardown(test_wait_procs_gone_alive_and_foreign_zombie, teardown),
		cmocka_unit_test_teardown(test_page_faults_and_parent, teardown),
		cmocka_unit_test_teardown(test_concurrent_scans, teardown),
		cmocka_unit_test_teardown(test_cpu_affinity_widens_and_resets, teardown),
		cmocka_unit_test_teardown(test_negative_stat_fields_are_invalid, teardown),
		cmocka_unit_test_teardown(test_kill_tree_skips_pid_reused_after_scan, teardown),
		cmocka_unit_test_teardown(test_kill_tree_reports_denied, teardown),
		cmocka_unit_test_teardown(test_name_is_the_leaders_not_a_threads, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
