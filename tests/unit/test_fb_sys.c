// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_fb_sys.c - users() on a utmp file written by the test under a temporary root (USER
 * entries only; psutil's "localhost" for an empty or ":0" host; a missing terminal is
 * invalid), an empty result without utmp, boot_time/pids on a tree without them, and the
 * cgroup v2 and v1 limits (container awareness psutil lacks), and the kernel files vigil's
 * tracers reach through the root (a process's threads, task checks, opened and named files).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <utmpx.h>

#include "fb_test.h"

static void put_entry(short type, const char *user, const char *line, const char *host, pid_t pid,
		      long sec)
{
	struct utmpx u;

	memset(&u, 0, sizeof(u));
	u.ut_type = type;
	u.ut_pid = pid;
	strncpy(u.ut_user, user, sizeof(u.ut_user));
	strncpy(u.ut_line, line, sizeof(u.ut_line));
	strncpy(u.ut_id, line[0] ? line + strlen(line) - 1 : "x", sizeof(u.ut_id));
	strncpy(u.ut_host, host, sizeof(u.ut_host));
	u.ut_tv.tv_sec = (int32_t)sec;
	assert_non_null(pututxline(&u));
}

static void test_users_from_utmp(void **state)
{
	char root[] = "/tmp/fbutmpXXXXXX", path[256];
	struct fb_user *u;
	size_t n;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/run", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/run/utmp", root);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(utmpxname(path), 0);
	setutxent();
	put_entry(BOOT_TIME, "reboot", "~", "", 0, 1700000000);
	put_entry(USER_PROCESS, "alice", "pts/0", "10.0.0.1", 4242, 1700000100);
	put_entry(USER_PROCESS, "bob", "tty1", "", 4243, 1700000200);
	put_entry(USER_PROCESS, "carol", "pts/1", ":0", 4244, 1700000300);
	put_entry(DEAD_PROCESS, "dave", "pts/2", "x", 4245, 1700000400);
	/* hostile: a name filling ut_user with no NUL, a host with terminal escapes */
	put_entry(USER_PROCESS, "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeEXTRA", "pts/3", "h\x1b]0;x\x07",
		  4246, 1700000500);
	endutxent();
	assert_int_equal(fb_root_set(root), 0);
	assert_int_equal(fb_users(&u, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(u[0].name, "alice");
	assert_string_equal(u[0].terminal, "pts/0");
	assert_string_equal(u[0].host, "10.0.0.1");
	assert_int_equal(u[0].pid, 4242);
	assert_true(u[0].started == 1700000100.0);
	assert_string_equal(u[1].host, "localhost"); /* empty host */
	assert_string_equal(u[2].host, "localhost"); /* ":0" */
	/* who must not print psutil's stand-in as if the record named a host */
	assert_false(u[0].valid & FB_USER_HOST_IMPLIED);
	assert_true(u[1].valid & FB_USER_HOST_IMPLIED);
	assert_true(u[2].valid & FB_USER_HOST_IMPLIED);
	assert_int_equal(strlen(u[3].name), 32);	 /* cut at the field, terminated */
	assert_string_equal(u[3].host, "h\x1b]0;x\x07"); /* raw: escaping is the printer's */
	assert_false(u[3].valid & FB_USER_HOST_IMPLIED);
	free(u);
	fb_root_set(NULL);
	unlink(path);
	snprintf(path, sizeof(path), "%s/run", root);
	rmdir(path);
	rmdir(root);
}

static void test_no_utmp_no_users_and_empty_tree(void **state)
{
	char root[] = "/tmp/fbemptyXXXXXX";
	struct fb_user *u;
	double bt;
	pid_t *p;
	size_t n = 9;

	(void)state;
	assert_non_null(mkdtemp(root));
	fb_root_set(root);
	assert_int_equal(fb_users(&u, &n), 0);
	assert_int_equal(n, 0);
	free(u);
	assert_true(fb_boot_time(&bt) < 0);
	assert_true(fb_pids(&p, &n) < 0);
	assert_false(fb_pid_exists(1));
	fb_root_set(NULL);
	rmdir(root);
}

static void test_cgroup_v2_limits(void **state)
{
	struct fb_cgroup_limits cg;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_cgroup_limits(0, &cg), 0);
	assert_string_equal(cg.path, "/app.slice/web.service");
	assert_int_equal(cg.memory_limit, 536870912);
	assert_int_equal(cg.memory_current, 1048576);
	assert_true(cg.cpu_quota == 1.5);
	assert_int_equal(cg.valid, FB_CG_MEMORY_LIMIT | FB_CG_MEMORY_CURRENT | FB_CG_CPU_QUOTA);
	/* the root cgroup: "max" everywhere is no limit, not a number */
	assert_int_equal(fb_cgroup_limits(4242, &cg), 0);
	assert_int_equal(cg.valid, FB_CG_MEMORY_CURRENT);
	assert_int_equal(cg.memory_current, 2048);
	fb_root_set(NULL);
}

static void test_cgroup_v1_limits(void **state)
{
	struct fb_cgroup_limits cg;

	(void)state;
	fb_test_root("hostile-nomem");
	assert_int_equal(fb_cgroup_limits(0, &cg), 0);
	assert_string_equal(cg.path, "/docker/abc");
	assert_int_equal(cg.memory_limit, 268435456);
	assert_int_equal(cg.memory_current, 1000);
	assert_true(cg.cpu_quota == 0.5);
	/* no cgroup file for this pid */
	assert_int_equal(fb_cgroup_limits(4242, &cg), -ENOENT);
	fb_root_set(NULL);
	assert_true(fb_cpu_count_usable() >= 1);
}

/* The hostile tree: pid 4242 has threads 4242 and 4250, only the leader is listed in proc/. */
static void test_kernel_files_follow_the_root(void **state)
{
	char path[PATH_MAX], line[64];
	pid_t *tids;
	size_t n;
	FILE *f;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_proc_tids(4242, &tids, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(tids[0], 4242);
	assert_int_equal(tids[1], 4250);
	free(tids);
	assert_int_equal(fb_proc_tids(99999, &tids, &n), -ENOENT);
	assert_int_equal(n, 0);
	assert_int_equal(fb_proc_tids(0, &tids, &n), -ESRCH);
	assert_true(fb_tid_exists(4242));
	assert_false(fb_tid_exists(99999));
	assert_false(fb_tid_exists(-1));
	assert_int_equal(fb_proc_path("/4242/maps", path, sizeof(path)), 0);
	assert_non_null(strstr(path, "hostile/proc/4242/maps"));
	assert_int_equal(fb_sys_path("kernel/btf/vmlinux", path, sizeof(path)), 0);
	assert_non_null(strstr(path, "hostile/sys/kernel/btf/vmlinux"));
	assert_int_equal(fb_proc_path("x", path, 8), -ENAMETOOLONG);
	f = fb_proc_fopen("loadavg");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_null(fb_sys_fopen("no/such/file"));
	assert_int_equal(errno, ENOENT);
	fb_root_set(NULL);
	assert_int_equal(fb_proc_path("kallsyms", path, sizeof(path)), 0);
	assert_string_equal(path, "/proc/kallsyms");
	assert_true(fb_tid_exists(getpid()));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_users_from_utmp),
		cmocka_unit_test(test_no_utmp_no_users_and_empty_tree),
		cmocka_unit_test(test_cgroup_v2_limits),
		cmocka_unit_test(test_cgroup_v1_limits),
		cmocka_unit_test(test_kernel_files_follow_the_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
