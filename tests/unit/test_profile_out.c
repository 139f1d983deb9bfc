// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_profile_out.c: what the profiler prints. Folded lines (hostile comms and frames,
 * buffer limits), merging of identical stacks across threads, microseconds off-CPU, JSON
 * frames split user/kernel, and the flame graph: tree widths and positions, name order,
 * pruning of sub-pixel frames, XML escaping and the embedded script, colours by kind and
 * human durations; the pprof message, decoded again by protobuf-c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "profile/flamegraph.h"
#include "profile/pprof_out.h"
#include "profile/profile.h"
#include "profile/profile_fold.h"
#include "pprof.pb-c.h"

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

/* The hue of "rgb(r,g,b)" in degrees. */
static double hue_of(const char *rgb)
{
	unsigned int r, g, b;
	double mx, mn, h;

	assert_int_equal(sscanf(rgb, "rgb(%u,%u,%u)", &r, &g, &b), 3);
	mx = r > g ? (r > b ? r : b) : (g > b ? g : b);
	mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
	assert_true(mx > mn);
	if (mx == r)
		h = 60.0 * ((double)g - b) / (mx - mn);
	else if (mx == g)
		h = 60.0 * (2.0 + ((double)b - r) / (mx - mn));
	else
		h = 60.0 * (4.0 + ((double)r - g) / (mx - mn));
	return h < 0 ? h + 360 : h;
}

static void test_flamegraph_colours_by_kind(void **state)
{
	char buf[32], name[32], kbuf[64];

	(void)state;
	/* Enough names that every hash-chosen shade is met. */
	for (int i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "fn%d", i);
		snprintf(kbuf, sizeof(kbuf), "%s_[k]", name);
		fg_frame_colour(name, 3, false, buf, sizeof(buf));
		assert_true(hue_of(buf) <= 22); /* red */
		fg_frame_colour(kbuf, 3, false, buf, sizeof(buf));
		assert_true(hue_of(buf) >= 36 && hue_of(buf) <= 56); /* amber */
		fg_frame_colour(name, 3, true, buf, sizeof(buf));
		assert_true(hue_of(buf) >= 205 && hue_of(buf) <= 235); /* blue */
		fg_frame_colour(kbuf, 3, true, buf, sizeof(buf));
		assert_true(hue_of(buf) >= 165 && hue_of(buf) <= 195); /* aqua */
	}
}

static void test_human_durations(void **state)
{
	char buf[32];

	(void)state;
	fg_human_duration(buf, sizeof(buf), 1991041000ULL);
	assert_string_equal(buf, "1.99 s");
	fg_human_duration(buf, sizeof(buf), 12500000ULL);
	assert_string_equal(buf, "12.5 ms");
	fg_human_duration(buf, sizeof(buf), 340000ULL);
	assert_string_equal(buf, "340 us");
	fg_human_duration(buf, sizeof(buf), 80);
	assert_string_equal(buf, "80 ns");
	fg_human_duration(buf, sizeof(buf), 250ULL * 1000000000ULL);
	assert_string_equal(buf, "250 s");
}

static void test_pprof_message_decodes(void **state)
{
	struct prof_result r = { .freq = 100, .duration_ns = 2000000000ULL };
	Perftools__Profiles__Profile *p;
	uint8_t *buf;
	size_t len;
	const char *fn0;

	(void)state;
	r.n = 2;
	r.stacks = calloc(2, sizeof(*r.stacks));
	r.stacks[0] = stack_of("app", 11, 5, 3, "main", "work", "read_[k]");
	r.stacks[1] = stack_of("app", 12, 2, 2, "main", "work");
	r.stacks[0].count = 5;
	r.stacks[1].count = 2;
	r.nmaps = 2;
	r.maps = calloc(2, sizeof(*r.maps));
	r.maps[0].path = strdup("/usr/lib/libc.so.6");
	r.maps[1].path = strdup("/usr/bin/app");
	strcpy(r.maps[1].build_id, "abcdef");
	r.stacks[1].frame_maps = calloc(2, sizeof(uint32_t));
	r.stacks[1].frame_maps[0] = 1;
	r.stacks[1].frame_maps[1] = 2;
	assert_int_equal(pprof_encode(&r, &buf, &len), 0);
	p = perftools__profiles__profile__unpack(NULL, len, buf);
	assert_non_null(p);
	assert_string_equal(p->string_table[0], "");
	assert_int_equal(p->n_sample_type, 2);
	assert_string_equal(p->string_table[p->sample_type[0]->type], "samples");
	assert_string_equal(p->string_table[p->sample_type[1]->type], "cpu");
	assert_string_equal(p->string_table[p->sample_type[1]->unit], "nanoseconds");
	assert_int_equal(p->period, 10000000);
	assert_int_equal(p->n_sample, 2);
	assert_int_equal(p->sample[0]->value[0], 5);
	assert_int_equal(p->sample[0]->value[1], 5 * 10000000LL);
	/* Leaf first, "_[k]" dropped. */
	assert_int_equal(p->sample[0]->n_location_id, 3);
	fn0 = p->string_table[p->function[p->sample[0]->location_id[0] - 1]->name];
	assert_string_equal(fn0, "read");
	/* The executable is the first mapping, whatever order frames met them in. */
	assert_int_equal(p->n_mapping, 2);
	assert_int_equal(p->mapping[0]->id, 1);
	assert_string_equal(p->string_table[p->mapping[0]->filename], "/usr/bin/app");
	assert_string_equal(p->string_table[p->mapping[0]->build_id], "abcdef");
	assert_string_equal(p->string_table[p->mapping[1]->filename], "/usr/lib/libc.so.6");
	assert_int_equal(p->location[p->sample[1]->location_id[0] - 1]->mapping_id, 1);
	/* "main" without a mapping and "main" in /usr/bin/app are two locations. */
	assert_int_equal(p->n_location, 5);
	assert_int_equal(p->n_function, 5);
	perftools__profiles__profile__free_unpacked(p, NULL);
	free(buf);
	prof_result__fini(&r);
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
		cmocka_unit_test(test_flamegraph_colours_by_kind),
		cmocka_unit_test(test_human_durations),
		cmocka_unit_test(test_pprof_message_decodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
