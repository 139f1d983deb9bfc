// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_proc_dict.c - `vigil proc`'s reader on hostile fixture trees: a process that vanishes
 * after its handle was made is dropped whole (-ESRCH, psutil's NoSuchProcess), a zombie's
 * cmdline and an unreadable fd directory become "no value" with their reason (psutil's
 * ad_value: null in JSON, a note in the table), the attribute list parser names an unknown
 * key, and the table escapes control bytes of a comm.
 */
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "fb_test.h"
#include "capture.h"
#include "export/fbjson.h"
#include "view/proc_dict.h"

static int teardown(void **state)
{
	(void)state;
	fb_root_set(NULL);
	return 0;
}

static void test_attrs_parse_names_the_unknown_one(void **state)
{
	char ok[] = "name,cmdline,rlimits", bad[] = "name,nosuch,pid", empty[] = ",";
	const char *which;
	uint64_t mask;

	(void)state;
	assert_int_equal(pd_attrs_parse(ok, &mask, &which), 0);
	assert_true(mask == (PD_BIT(PD_NAME) | PD_BIT(PD_CMDLINE) | PD_BIT(PD_RLIMITS)));
	assert_int_equal(pd_attrs_parse(bad, &mask, &which), -EINVAL);
	assert_string_equal(which, "nosuch");
	assert_int_equal(pd_attrs_parse(empty, &mask, &which), -EINVAL);
	assert_int_equal(PD_AS_DICT_COUNT, 30); /* psutil 5.9.4's as_dict() keys on Linux */
}

static void test_vanished_mid_read_is_no_such_process(void **state)
{
	struct pd_opts o = { .attrs = PD_ALL };
	struct proc_dict d;
	struct fb_proc *p;

	(void)state;
	fb_test_root("hostile");
	p = fb_proc__new(4245);
	assert_non_null(p);
	fb_test_root("hostile-nomem"); /* where 4245 is gone */
	assert_int_equal(proc_dict__collect(&d, p, &o), -ESRCH);
	fb_proc__free(p);
	/* a pid directory without its files vanished between readdir and open */
	fb_test_root("hostile");
	assert_null(fb_proc__new(4244));
}

static void test_zombie_fields_are_null_with_a_note(void **state)
{
	struct pd_opts o = { .attrs = PD_BIT(PD_NAME) | PD_BIT(PD_CMDLINE) | PD_BIT(PD_STATUS) };
	struct proc_dict d;
	struct fb_proc *p;
	struct sink *s;
	struct jw w;
	char *text;
	int fd;

	(void)state;
	fb_test_root("hostile");
	p = fb_proc__new(4246);
	assert_non_null(p);
	assert_int_equal(proc_dict__collect(&d, p, &o), 0);
	assert_true(proc_dict__has(&d, PD_STATUS));
	assert_int_equal(d.status, FB_STATUS_ZOMBIE);
	assert_false(proc_dict__has(&d, PD_CMDLINE));
	assert_int_equal(d.why[PD_CMDLINE], FB_ERR_ZOMBIE);
	s = capture__open(&fd);
	jw__init(&w, s, false);
	fbjson_proc_dict(&w, &d);
	proc_dict__table(&d, s);
	text = capture__read(s, fd);
	assert_non_null(strstr(text, "\"cmdline\":null"));
	assert_non_null(strstr(text, "\"status\":\"zombie\""));
	assert_non_null(strstr(text, "(zombie: not available)"));
	free(text);
	sink__close(s);
	close(fd);
	proc_dict__free(&d);
	fb_proc__free(p);
}

/* A comm with a newline stays on its line in the table; JSON escapes it its own way. */
static void test_table_escapes_control_bytes(void **state)
{
	struct pd_opts o = { .attrs = PD_BIT(PD_NAME) };
	struct proc_dict d;
	struct fb_proc *p;
	struct sink *s;
	char *text;
	int fd;

	(void)state;
	fb_test_root("hostile");
	p = fb_proc__new(4242);
	assert_int_equal(proc_dict__collect(&d, p, &o), 0);
	s = capture__open(&fd);
	proc_dict__table(&d, s);
	text = capture__read(s, fd);
	assert_non_null(strstr(text, "a b) (c\\x0ad\n"));
	free(text);
	sink__close(s);
	close(fd);
	proc_dict__free(&d);
	fb_proc__free(p);
}

/*
 * An fd directory the reader may not open: num_fds and open_files are AccessDenied (null),
 * the rest is read. As root the check runs in a child that became uid 65534, since root
 * reads any directory.
 */
static void test_unreadable_fd_dir_is_access_denied(void **state)
{
	char root[] = "/tmp/vigil-pd-XXXXXX", cmd[PATH_MAX * 2 + 64], fddir[600];
	pid_t child;
	int st;

	(void)state;
	assert_non_null(mkdtemp(root));
	assert_int_equal(chmod(root, 0755), 0);
	snprintf(cmd, sizeof(cmd), "cp -a '%s/hostile/.' '%s/'", fb_test_fixtures(), root);
	assert_int_equal(system(cmd), 0);
	snprintf(fddir, sizeof(fddir), "%s/proc/4242/fd", root);
	assert_int_equal(chmod(fddir, 0), 0); /* not even its owner, when the test is not root */
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct pd_opts o = { .attrs = PD_BIT(PD_NAME) | PD_BIT(PD_NUM_FDS) |
					      PD_BIT(PD_OPEN_FILES) };
		struct proc_dict d;
		struct fb_proc *p;
		int bad = 0;

		if (geteuid() == 0 && (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
				       setresuid(65534, 65534, 65534)))
			_exit(10);
		if (fb_root_set(root))
			_exit(11);
		p = fb_proc__new(4242);
		if (!p)
			_exit(12);
		if (proc_dict__collect(&d, p, &o))
			_exit(13);
		bad |= !proc_dict__has(&d, PD_NAME);
		bad |= proc_dict__has(&d, PD_NUM_FDS) << 1;
		bad |= proc_dict__has(&d, PD_OPEN_FILES) << 2;
		bad |= (d.why[PD_NUM_FDS] != FB_ERR_ACCESS_DENIED) << 3;
		bad |= (d.why[PD_OPEN_FILES] != FB_ERR_ACCESS_DENIED) << 4;
		_exit(bad ? 20 + bad : 0);
	}
	assert_int_equal(waitpid(child, &st, 0), child);
	chmod(fddir, 0755);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attrs_parse_names_the_unknown_one),
		cmocka_unit_test_teardown(test_vanished_mid_read_is_no_such_process, teardown),
		cmocka_unit_test_teardown(test_zombie_fields_are_null_with_a_note, teardown),
		cmocka_unit_test_teardown(test_table_escapes_control_bytes, teardown),
		cmocka_unit_test_teardown(test_unreadable_fd_dir_is_access_denied, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
