// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_profile_out.c: what the profiler prints. Folded lines (hostile comms and frames,
 * buffer limits), merging of identical stacks across threads, microseconds off-CPU, JSON
 * frames split user/kernel, and the flame graph: tree widths and positions, name order,
 * pruning of sub-pixel frames, XML escaping and the embedded script.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "profile/flamegraph.h"
#include "profile/profile.h"
#include "profile/profile_fold.h"

/* The wire structs the kernel fills: a layout drift fails here, without BPF. */
static void test_profile_wire_layout(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct vg_prof_key, cgroup_id), 0);
	assert_int_equal(offsetof(struct vg_prof_key, pid), 8);
	assert_int_equal(offsetof(struct vg_prof_key, tid), 12);
	assert_int_equal(offsetof(struct vg_prof_key, kstack_id), 16);
	assert_int_equal(offsetof(struct vg_prof_key, ustack_id), 20);
	assert_int_equal(offsetof(struct vg_prof_key, comm), 24);
	assert_int_equal(sizeof(struct vg_prof_key), 40);
	assert_int_equal(offsetof(struct vg_prof_val, count), 8);
	assert_int_equal(offsetof(struct vg_prof_start, key), 8);
	assert_int_equal(sizeof(struct vg_prof_start), 48);
	assert_int_equal(offsetof(struct vg_prof_pid, pid), 16);
	assert_int_equal(sizeof(struct vg_prof_pid), 24);
	assert_int_equal(VG_SERR_PER_STACK * 2, VG_SERR_MAX);
}

static void test_folded_line_format(void **state)
{
	char *frames[] = { "main", "burn_a", "do_syscall_64_[k]" };
	char buf[256];

	(void)state;
	assert_int_equal(prof_folded_line(buf, sizeof(buf), "app", frames, 3, 42),
			 (int)strlen("app;main;burn_a;do_syscall_64_[k] 42"));
	assert_string_equal(buf, "app;main;burn_a;do_syscall_64_[k] 42");
	/* No frames at all: the comm alone. An empty comm is named. */
	assert_true(prof_folded_line(buf, sizeof(buf), "app", frames, 0, 1) > 0);
	assert_string_equal(buf, "app 1");
	assert_true(prof_folded_line(buf, sizeof(buf), "", frames, 1, 7) > 0);
	assert_string_equal(buf, "[unknown];main 7");
}

static void test_folded_line_sanitises_hostile_names(void **state)
{
	char *frames[] = { "ns::f(int; char)", "line\nbreak" };
	char buf[256];

	(void)state;
	/* A ';' would split a frame, a newline a line; spaces are fine (the value is last).
	 * Control bytes (and C1: ESC's 8-bit twin 0x9b) print as \xHH, as in every text view. */
	assert_true(prof_folded_line(buf, sizeof(buf), "a;b c\td\x9b", frames, 2, 3) > 0);
	assert_string_equal(buf, "a_b c\\x09d\\x9b;ns::f(int_ char);line\\x0abreak 3");
}

static void test_folded_line_too_long(void **state)
{
	char *frames[] = { "abcdefghij", "klmnopqrst" };
	char buf[16];

	(void)state;
	assert_int_equal(prof_folded_line(buf, sizeof(buf), "app", frames, 2, 1), -ENOSPC);
	assert_int_equal(prof_folded_line(buf, 0, "app", frames, 2, 1), -ENOSPC);
	/* Fits without the value, not with it. */
	assert_int_equal(prof_folded_line(buf, 16, "app", frames, 1, 123456), -ENOSPC);
}

static struct prof_stack stack_of(const char *comm, uint32_t tid, uint64_t value, int n, ...)
{
	struct prof_stack s = { .pid = 1, .tid = tid, .value = value, .count = 1, .nframes = n };
	va_list ap;

	strncpy(s.comm, comm, sizeof(s.comm) - 1);
	s.frames = calloc((size_t)n, sizeof(*s.frames));
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		s.frames[i] = strdup(va_arg(ap, const char *));
	va_end(ap);
	return s;
}

static void test_fold_merges_threads_and_sorts(void **state)
{
	struct prof_result r = { 0 };
	struct prof_fold *f;
	size_t n;

	(void)state;
	r.n = 3;
	r.stacks = calloc(3, sizeof(*r.stacks));
	r.stacks[0] = stack_of("app", 11, 5, 2, "main", "b");
	r.stacks[1] = stack_of("app", 12, 7, 2, "main", "a");
	r.stacks[2] = stack_of("app", 13, 2, 2, "main", "b");
	assert_int_equal(prof_fold(&r, &f, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].stack, "app;main;a");
	assert_int_equal(f[0].value, 7);
	assert_string_equal(f[1].stack, "app;main;b");
	assert_int_equal(f[1].value, 7);
	prof_fold__free(f, n);
	/* Off-CPU values are ns in the kernel and microseconds in folded output. */
	r.off_cpu = true;
	r.stacks[0].value = 2500000;
	assert_int_equal(prof_fold(&r, &f, &n), 0);
	assert_int_equal(f[1].value, 2500);
	prof_fold__free(f, n);
	prof_result__fini(&r);
	prof_result__fini(NULL);
}

static void test_json_splits_user_and_kernel_frames(void **state)
{
	struct prof_result r = { .freq = 49, .ncpus = 2 };
	struct sink *s;
	char *out;
	int fd;

	(void)state;
	r.n = 1;
	r.stacks = calloc(1, sizeof(*r.stacks));
	r.stacks[0] = stack_of("app", 11, 5, 3, "main", "read", "vfs_read_[k]");
	r.stacks[0].nkframes = 1;
	r.total_value = 5;
	s = capture__open(&fd);
	prof_write_json(s, &r);
	out = capture__read(s, fd);
	assert_non_null(strstr(out, "\"user_frames\":[\"main\",\"read\"]"));
	assert_non_null(strstr(out, "\"kernel_frames\":[\"vfs_read\"]"));
	assert_non_null(strstr(out, "\"mode\":\"on-cpu\""));
	assert_non_null(strstr(out, "\"total\":5"));
	free(out);
	sink__close(s);
	prof_result__fini(&r);
}

static void test_flamegraph_layout(void **state)
{
	const char *ab[] = { "app", "main", "b" }, *aa[] = { "app", "main", "a" };
	const char *am[] = { "app", "main" }, *other[] = { "zz" };
	struct flamegraph *fg = fg__new();
	struct fg_box box;

	(void)state;
	assert_int_equal(fg__add(fg, ab, 3, 30), 0);
	assert_int_equal(fg__add_folded(fg, "app;main;a", 10), 0);
	assert_int_equal(fg__add(fg, other, 1, 60), 0);
	fg__layout(fg, 1000);
	assert_int_equal(fg__max_depth(fg), 3);
	assert_int_equal(fg__box(fg, NULL, 0, &box), 0);
	assert_int_equal(box.value, 100);
	assert_true(box.x == 0 && box.w == 1000);
	assert_int_equal(fg__box(fg, am, 2, &box), 0);
	assert_int_equal(box.depth, 2);
	assert_true(box.x == 0 && box.w == 400);
	/* Children in name order: "a" left of "b", whatever the insertion order. */
	assert_int_equal(fg__box(fg, aa, 3, &box), 0);
	assert_true(box.x == 0 && box.w == 100);
	assert_int_equal(fg__box(fg, ab, 3, &box), 0);
	assert_true(box.x == 100 && box.w == 300);
	assert_int_equal(fg__box(fg, other, 1, &box), 0);
	assert_true(box.x == 400 && box.w == 600);
	assert_int_equal(fg__box(fg, (const char *[]){ "nope" }, 1, &box), -ENOENT);
	fg__free(fg);
	fg__free(NULL);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_flamegraph_svg_basics(void **state)
{
	struct fg_opts o = { .title = "T <&>", .unit = "samples", .width = 1200 };
	struct flamegraph *fg = fg__new();
	struct sink *s;
	char *out;
	int fd;

	(void)state;
	assert_int_equal(fg__add_folded(fg, "app;f<int>&g;\"q\"", 1000000), 0);
	assert_int_equal(fg__add_folded(fg, "app;tiny", 1), 0); /* < 0.1 px: not drawn */
	s = capture__open(&fd);
	assert_int_equal(fg__write_svg(fg, s, &o), 0);
	out = capture__read(s, fd);
	assert_true(!strncmp(out, "<?xml version=\"1.0\"", 19));
	assert_non_null(strstr(out, "xmlns=\"http://www.w3.org/2000/svg\""));
	assert_non_null(strstr(out, "<![CDATA["));
	assert_non_null(strstr(out, "function zoom("));
	assert_non_null(strstr(out, "function do_search("));
	assert_non_null(strstr(out, ">T &lt;&amp;&gt;</text>"));
	assert_non_null(strstr(out, "data-name=\"f&lt;int&gt;&amp;g\""));
	assert_non_null(strstr(out, "data-name=\"&quot;q&quot;\""));
	assert_null(strstr(out, "tiny"));
	/* all, app, f<int>&g, "q": four frames. */
	assert_int_equal(count(out, "<g data-name="), 4);
	/* Nothing external: no href, no URL other than the SVG namespace. */
	assert_null(strstr(out, "href"));
	assert_int_equal(count(out, "http"), 1);
	assert_true(strlen(out) > 100 && !strcmp(out + strlen(out) - 7, "</svg>\n"));
	free(out);
	sink__close(s);
	fg__free(fg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_wire_layout),
		cmocka_unit_test(test_folded_line_format),
		cmocka_unit_test(test_folded_line_sanitises_hostile_names),
		cmocka_unit_test(test_folded_line_too_long),
		cmocka_unit_test(test_fold_merges_threads_and_sorts),
		cmocka_unit_test(test_json_splits_user_and_kernel_frames),
		cmocka_unit_test(test_flamegraph_layout),
		cmocka_unit_test(test_flamegraph_svg_basics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
