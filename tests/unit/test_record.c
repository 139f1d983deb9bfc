// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_record.c: decoding ring-buffer records from hand-built byte buffers: the wire layout
 * (sizes and offsets pinned against what the BPF side writes), every sched kind, and hostile
 * input (short buffers, unknown kinds, a size that does not match its kind).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/types.h>
#include <string.h>

#include "events.h"
#include "core/record.h"

static void put16(unsigned char *b, size_t off, uint16_t v)
{
	memcpy(b + off, &v, sizeof(v));
}

static void put32(unsigned char *b, size_t off, uint32_t v)
{
	memcpy(b + off, &v, sizeof(v));
}

static void put64(unsigned char *b, size_t off, uint64_t v)
{
	memcpy(b + off, &v, sizeof(v));
}

static void hdr(unsigned char *b, uint16_t kind, uint16_t size, uint32_t cpu, uint64_t ts)
{
	put16(b, 0, kind);
	put16(b, 2, size);
	put32(b, 4, cpu);
	put64(b, 8, ts);
}

static void test_layout_offsets_match_wire_contract(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct vg_hdr, kind), 0);
	assert_int_equal(offsetof(struct vg_hdr, size), 2);
	assert_int_equal(offsetof(struct vg_hdr, cpu), 4);
	assert_int_equal(offsetof(struct vg_hdr, ts_ns), 8);
	assert_int_equal(offsetof(struct vg_runq, latency_ns), 16);
	assert_int_equal(offsetof(struct vg_runq, pid), 24);
	assert_int_equal(offsetof(struct vg_runq, tid), 28);
	assert_int_equal(offsetof(struct vg_runq, prev_pid), 32);
	assert_int_equal(offsetof(struct vg_runq, prev_tid), 36);
	assert_int_equal(offsetof(struct vg_runq, comm), 40);
	assert_int_equal(offsetof(struct vg_runq, prev_comm), 56);
	assert_int_equal(sizeof(struct vg_runq), 80);
	assert_int_equal(offsetof(struct vg_oncpu, duration_ns), 16);
	assert_int_equal(offsetof(struct vg_oncpu, comm), 32);
	assert_int_equal(offsetof(struct vg_proc, exit_code), 28);
	assert_int_equal(offsetof(struct vg_proc, comm), 32);
	assert_int_equal(offsetof(struct vg_proc, filename), 48);
	assert_int_equal(sizeof(struct vg_proc), 312);
}

static void test_decode_runq_fills_every_field(void **state)
{
	unsigned char b[sizeof(struct vg_runq)] = { 0 };
	struct vrow row;

	(void)state;
	hdr(b, VG_KIND_RUNQ, sizeof(b), 1, 123456789);
	put64(b, 16, 4500);
	put32(b, 24, 100);
	put32(b, 28, 101);
	put32(b, 32, 200);
	put32(b, 36, 201);
	memcpy(b + 40, "sleeper", 8);
	memcpy(b + 56, "spinner", 8);
	assert_int_equal(vrow__decode(&row, b, sizeof(b)), 0);
	assert_int_equal(row.kind, VG_KIND_RUNQ);
	assert_string_equal(row.source, "bpf");
	assert_int_equal(row.ts_ns, 123456789);
	assert_int_equal(row.v[VF_CPU].u, 1);
	assert_int_equal(row.v[VF_LATENCY_NS].u, 4500);
	assert_int_equal(row.v[VF_PID].u, 100);
	assert_int_equal(row.v[VF_TID].u, 101);
	assert_int_equal(row.v[VF_PREV_PID].u, 200);
	assert_int_equal(row.v[VF_PREV_TID].u, 201);
	assert_string_equal(row.v[VF_COMM].str, "sleeper");
	assert_string_equal(row.v[VF_PREV_COMM].str, "spinner");
	assert_string_equal(vkind__desc(row.kind)->name, "runq");
}

static void test_decode_exit_reports_shell_style_code(void **state)
{
	unsigned char b[sizeof(struct vg_proc)] = { 0 };
	struct vrow row;

	(void)state;
	hdr(b, VG_KIND_EXIT, sizeof(b), 0, 1);
	put32(b, 16, 7);
	put32(b, 20, 8);
	put32(b, 24, 1);
	put32(b, 28, 3 << 8); /* exit(3), as wait(2) encodes it */
	memcpy(b + 32, "sh", 3);
	assert_int_equal(vrow__decode(&row, b, sizeof(b)), 0);
	assert_int_equal(row.v[VF_EXIT_CODE].s, 3);
	put32(b, 28, 9); /* killed by SIGKILL */
	assert_int_equal(vrow__decode(&row, b, sizeof(b)), 0);
	assert_int_equal(row.v[VF_EXIT_CODE].s, 128 + 9);
	assert_int_equal(row.v[VF_PPID].u, 1);
}

static void test_decode_exec_keeps_filename(void **state)
{
	unsigned char b[sizeof(struct vg_proc)] = { 0 };
	struct vrow row;

	(void)state;
	hdr(b, VG_KIND_EXEC, sizeof(b), 0, 1);
	memcpy(b + 48, "/usr/bin/true", 14);
	assert_int_equal(vrow__decode(&row, b, sizeof(b)), 0);
	assert_string_equal(row.v[VF_FILENAME].str, "/usr/bin/true");
	assert_string_equal(vkind__desc(row.kind)->name, "exec");
}

static void test_decode_rejects_hostile_input(void **state)
{
	unsigned char b[sizeof(struct vg_proc)] = { 0 };
	struct vrow row;

	(void)state;
	assert_int_equal(vrow__decode(&row, b, 8), -EINVAL); /* shorter than a header */
	hdr(b, 999, 16, 0, 0);
	assert_int_equal(vrow__decode(&row, b, 16), -EINVAL); /* unknown kind */
	hdr(b, VG_KIND_RUNQ, sizeof(struct vg_runq) - 8, 0, 0);
	assert_int_equal(vrow__decode(&row, b, sizeof(b)), -EINVAL); /* size != kind's */
	hdr(b, VG_KIND_RUNQ, sizeof(struct vg_runq), 0, 0);
	assert_int_equal(vrow__decode(&row, b, 40), -EINVAL); /* truncated record */
	hdr(b, VK_DROPS, 16, 0, 0);
	assert_int_equal(vrow__decode(&row, b, 16), -EINVAL); /* userspace-only kind */
}

static void test_kind_names_round_trip(void **state)
{
	static const char *const names[] = { "runq", "oncpu", "exec", "exit", "fork", "drops" };

	(void)state;
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int k = vkind__by_name(names[i]);

		assert_true(k > 0);
		assert_string_equal(vkind__desc((unsigned int)k)->name, names[i]);
	}
	assert_int_equal(vkind__by_name("nope"), -EINVAL);
	assert_null(vkind__desc(VK_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_offsets_match_wire_contract),
		cmocka_unit_test(test_decode_runq_fills_every_field),
		cmocka_unit_test(test_decode_exit_reports_shell_style_code),
		cmocka_unit_test(test_decode_exec_keeps_filename),
		cmocka_unit_test(test_decode_rejects_hostile_input),
		cmocka_unit_test(test_kind_names_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
