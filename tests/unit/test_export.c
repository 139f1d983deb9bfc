// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_export.c: what the exporters write, byte for byte: CSV quoting (a comm holding a
 * comma, a quote and a newline survives), the CSV header as the union of the stream's
 * columns, NDJSON lines, the JSON array, null fields, and JSON escaping of control
 * characters and invalid UTF-8.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/types.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "events.h"
#include "export/export.h"
#include "export/json.h"
#include "export/escape.h"

/* 2026-11-21T00:00:00Z as realtime = 1000 ns monotonic + offset. */

#define EPOCH_2026_11_21 1795219200LL

static struct exporter *exporter_at_fixed_time(enum out_format fmt, struct sink *s, uint64_t kinds)
{
	struct exporter *ex = exporter__new(fmt, s, kinds);

	wallclock__init_offset(&ex->clock, EPOCH_2026_11_21 * 1000000000LL);
	return ex;
}

static struct vrow hostile_exec_row(void)
{
	struct vrow r = { .kind = VG_KIND_EXEC, .source = "bpf", .ts_ns = 5 };

	r.v[VF_PID].u = 42;
	r.v[VF_TID].u = 43;
	r.v[VF_PPID].u = 1;
	r.v[VF_COMM].str = "a,b\"c\nd";
	r.v[VF_FILENAME].str = "/bin/x";
	return r;
}

static char *render(enum out_format fmt, uint64_t kinds, const struct vrow *rows, int n)
{
	struct exporter *ex;
	struct sink *s;
	char *out;
	int fd;

	s = capture__open(&fd);
	ex = exporter_at_fixed_time(fmt, s, kinds);
	for (int i = 0; i < n; i++)
		exporter__write(ex, &rows[i]);
	exporter__free(ex);
	out = capture__read(s, fd);
	sink__close(s);
	close(fd);
	return out;
}

static void test_csv_quotes_hostile_comm(void **state)
{
	struct vrow r = hostile_exec_row();
	char *out = render(FMT_CSV, 1ULL << VG_KIND_EXEC, &r, 1);

	(void)state;
	assert_string_equal(
		out, "time,ts_ns,kind,source,schema,pid,tid,ppid,comm,filename,cgroup,container,"
		     "unit,subsystem,lost,reason\r\n"
		     "2026-11-21T00:00:00.000000005Z,5,exec,bpf," SCHEMA_S
		     ",42,43,1,\"a,b\"\"c\nd\",/bin/x,,,,,,\r\n");
	free(out);
}

static void test_csv_header_is_union_and_cells_align(void **state)
{
	struct vrow rows[2] = { hostile_exec_row(), { .kind = VG_KIND_ONCPU, .source = "bpf" } };
	char *out;

	(void)state;
	rows[0].v[VF_COMM].str = "sh";
	rows[1].ts_ns = 7;
	rows[1].v[VF_PID].u = 9;
	rows[1].v[VF_TID].u = 10;
	rows[1].v[VF_COMM].str = "w";
	rows[1].v[VF_CPU].u = 1;
	rows[1].v[VF_DURATION_NS].u = 1234;
	out = render(FMT_CSV, (1ULL << VG_KIND_ONCPU) | (1ULL << VG_KIND_EXEC), rows, 2);
	assert_string_equal(
		out, "time,ts_ns,kind,source,schema,pid,tid,comm,cpu,duration_ns,cgroup,container,"
		     "unit,ppid,filename,subsystem,lost,reason\r\n"
		     "2026-11-21T00:00:00.000000005Z,5,exec,bpf," SCHEMA_S
		     ",42,43,sh,,,,,,1,/bin/x,,,\r\n"
		     "2026-11-21T00:00:00.000000007Z,7,oncpu,bpf," SCHEMA_S
		     ",9,10,w,1,1234,,,,,,,,\r\n");
	free(out);
}

static void test_ndjson_one_object_per_line(void **state)
{
	struct vrow r = hostile_exec_row();
	char *out = render(FMT_NDJSON, 1ULL << VG_KIND_EXEC, &r, 1);

	(void)state;
	assert_string_equal(
		out, "{\"time\":\"2026-11-21T00:00:00.000000005Z\",\"ts_ns\":5,\"kind\":\"exec\","
		     "\"source\":\"bpf\",\"schema\":" SCHEMA_S ",\"pid\":42,\"tid\":43,\"ppid\":1,"
		     "\"comm\":\"a,b\\\"c\\nd\","
		     "\"filename\":\"/bin/x\",\"cgroup\":null,\"container\":null,\"unit\":null}\n");
	free(out);
}

static void test_json_array_closes_even_when_empty(void **state)
{
	struct vrow rows[2] = { hostile_exec_row(), hostile_exec_row() };
	char *out = render(FMT_JSON, 1ULL << VG_KIND_EXEC, rows, 0);

	(void)state;
	assert_string_equal(out, "[\n]\n");
	free(out);
	out = render(FMT_JSON, 1ULL << VG_KIND_EXEC, rows, 2);
	assert_int_equal(out[0], '[');
	assert_non_null(strstr(out, "\"pid\":42"));
	assert_non_null(strstr(out, "},\n{"));
	assert_string_equal(out + strlen(out) - 3, "\n]\n");
	free(out);
}

static void test_null_field_is_json_null_and_empty_csv(void **state)
{
	struct vrow r = hostile_exec_row();
	char *out;

	(void)state;
	vrow__set_null(&r, VF_PPID);
	out = render(FMT_NDJSON, 1ULL << VG_KIND_EXEC, &r, 1);
	assert_non_null(strstr(out, "\"ppid\":null"));
	free(out);
	out = render(FMT_CSV, 1ULL << VG_KIND_EXEC, &r, 1);
	assert_non_null(strstr(out, ",42,43,,"));
	free(out);
}

static void test_json_escapes_control_and_invalid_utf8(void **state)
{
	struct sink *s;
	char *out;
	int fd;

	(void)state;
	s = capture__open(&fd);
	json_write_string(s, "t\x01\x1f\\\t\xc3\xa9\xff\xe2\x82", 64);
	out = capture__read(s, fd);
	/* é stays UTF-8; 0xff and a truncated sequence become U+FFFD */
	assert_string_equal(out, "\"t\\u0001\\u001f\\\\\\t\xc3\xa9\\ufffd\\ufffd\\ufffd\"");
	free(out);
	sink__close(s);
	close(fd);
}

/* ESC, DEL, a lone C1 byte and U+009B in UTF-8: JSON escapes each as \u00XX (0x9b alone is
 * not UTF-8, so U+FFFD), while U+00A0 and U+201B (0xe2 0x80 0x9b) stay. */
static void test_json_escapes_del_and_c1(void **state)
{
	struct sink *s;
	char *out;
	int fd;

	(void)state;
	s = capture__open(&fd);
	json_write_string(s, "\x1b[2J\x7f\x9b\xc2\x9b\xc2\xa0\xe2\x80\x9b", 64);
	out = capture__read(s, fd);
	assert_string_equal(out, "\"\\u001b[2J\\u007f\\ufffd\\u009b\xc2\xa0\xe2\x80\x9b\"");
	free(out);
	sink__close(s);
	close(fd);
}

static void test_escape_terminal_text(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(esc_str(buf, sizeof(buf), "ok \xc3\xa9", 64), 5);
	assert_string_equal(buf, "ok \xc3\xa9");
	esc_str(buf, sizeof(buf), "\x1b[2J\x7f\x9b\xc2\x9b\xe2\x80\x9b\xff\n", 64);
	assert_string_equal(buf, "\\x1b[2J\\x7f\\x9b\\xc2\\x9b\xe2\x80\x9b\\xff\\x0a");
	/* never cut an escape in half: "\x1b" does not fit after "ab" in 6 bytes */
	assert_int_equal(esc_str(buf, 6, "ab\x1b", 64), 2);
	assert_string_equal(buf, "ab");
	assert_false(esc_is_needed("plain \xc3\xa9", 64));
	assert_true(esc_is_needed("x\xc2\x85", 64));
}

/* CSV: quoting as before (a newline survives), but ESC and C1 are written as \xHH. */
static void test_csv_escapes_esc_and_c1(void **state)
{
	struct vrow r = hostile_exec_row();
	char *out;

	(void)state;
	r.v[VF_COMM].str = "e\x1b[2J\x9b\xc2\x9b\x7f";
	r.v[VF_FILENAME].str = "/tmp/a,\n\x1b]0;t\x07";
	out = render(FMT_CSV, 1ULL << VG_KIND_EXEC, &r, 1);
	assert_non_null(strstr(out, ",e\\x1b[2J\\x9b\\xc2\\x9b\\x7f,\"/tmp/a,\n\\x1b]0;t\\x07\","));
	free(out);
}

static void test_table_escapes_comm_and_details(void **state)
{
	struct vrow r = hostile_exec_row();
	char *out;

	(void)state;
	r.v[VF_COMM].str = "e\x1b[2J\x9b";
	r.v[VF_FILENAME].str = "/x\n\xc2\x9b";
	out = render(FMT_TABLE, 1ULL << VG_KIND_EXEC, &r, 1);
	assert_non_null(strstr(out, " e\\x1b[2J\\x9b "));
	assert_non_null(strstr(out, "filename=/x\\x0a\\xc2\\x9b\n"));
	assert_null(strchr(out, '\x1b'));
	free(out);
}

/* rname is --resolve's: an unresolved one is left out of a table row, a resolved one shown. */
static void test_table_leaves_out_unresolved_rname(void **state)
{
	struct vrow r = { .kind = VG_KIND_TCP_CLOSE, .source = "bpf", .ts_ns = 5 };
	char *out;

	(void)state;
	r.v[VF_PID].u = 42;
	r.v[VF_COMM].str = "curl";
	r.v[VF_DADDR].str = "192.0.2.1";
	vrow__set_null(&r, VF_RNAME);
	out = render(FMT_TABLE, 1ULL << VG_KIND_TCP_CLOSE, &r, 1);
	assert_non_null(strstr(out, "daddr=192.0.2.1 "));
	assert_null(strstr(out, "rname"));
	free(out);
	r.v[VF_RNAME].str = "web.example";
	vrow__clear_null(&r, VF_RNAME);
	out = render(FMT_TABLE, 1ULL << VG_KIND_TCP_CLOSE, &r, 1);
	assert_non_null(strstr(out, "rname=web.example "));
	free(out);
}

static void test_json_writer_nesting(void **state)
{
	struct sink *s;
	struct jw w;
	char *out;
	int fd;

	(void)state;
	s = capture__open(&fd);
	jw__init(&w, s, false);
	jw__obj_begin(&w, NULL);
	jw__u64(&w, "a", 1);
	jw__arr_begin(&w, "b");
	jw__s64(&w, NULL, -2);
	jw__f64(&w, NULL, 0.1);
	jw__null(&w, NULL);
	jw__arr_end(&w);
	jw__obj_begin(&w, "c");
	jw__bool(&w, "d", true);
	jw__str(&w, "e", "x\"y");
	jw__obj_end(&w);
	jw__obj_end(&w);
	out = capture__read(s, fd);
	assert_string_equal(out,
			    "{\"a\":1,\"b\":[-2,0.1,null],\"c\":{\"d\":true,\"e\":\"x\\\"y\"}}");
	free(out);
	sink__close(s);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_quotes_hostile_comm),
		cmocka_unit_test(test_csv_header_is_union_and_cells_align),
		cmocka_unit_test(test_ndjson_one_object_per_line),
		cmocka_unit_test(test_json_array_closes_even_when_empty),
		cmocka_unit_test(test_null_field_is_json_null_and_empty_csv),
		cmocka_unit_test(test_json_escapes_control_and_invalid_utf8),
		cmocka_unit_test(test_json_escapes_del_and_c1),
		cmocka_unit_test(test_escape_terminal_text),
		cmocka_unit_test(test_csv_escapes_esc_and_c1),
		cmocka_unit_test(test_table_escapes_comm_and_details),
		cmocka_unit_test(test_table_leaves_out_unresolved_rname),
		cmocka_unit_test(test_json_writer_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
