// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_alert.c: the alert rules (user/alert/): the condition language (units scaled to the
 * metric's, label matchers, refusals with the offset of the fault), the rules file (route
 * values, every fault as FILE:LINE:COLUMN), the templates, and the state machine and grouping
 * driven by a fake clock and a fake counter: pending until `for` holds, firing, repeated after
 * repeat_interval only, resolved once, and grouped by group_by.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "alert/alert_manager.h"

static void parse_ok(const char *text, double threshold, const char *unit)
{
	struct alert_expr e;
	char why[256];
	size_t off;

	if (alert_expr__parse(&e, text, &off, why, sizeof(why)))
		fail_msg("%s: refused at %zu: %s", text, off, why);
	assert_true(fabs(e.threshold - threshold) < 1e-12 * fmax(1, threshold));
	assert_string_equal(e.unit, unit);
	alert_expr__fini(&e);
}

static void parse_bad(const char *text, size_t want_off, const char *want)
{
	struct alert_expr e;
	char why[256];
	size_t off;

	assert_int_equal(alert_expr__parse(&e, text, &off, why, sizeof(why)), -EINVAL);
	if (!strstr(why, want))
		fail_msg("%s: '%s' does not say '%s'", text, why, want);
	assert_int_equal(off, want_off);
	alert_expr__fini(&e);
}

static void test_expr_units_scale_to_the_metric(void **state)
{
	(void)state;
	parse_ok("runq_p99 > 10ms", 0.01, "s");
	parse_ok("runq_max>=250us", 250e-6, "s");
	parse_ok("runq_p50 < 2", 2, "s");
	parse_ok("rate(tcp_retransmits) > 5/s", 5, "/s");
	parse_ok("disk_used_percent{mount=\"/\"} > 90", 90, "%");
	parse_ok("disk_used_percent{mount=\"/\"} > 90%", 90, "%");
	parse_ok("disk_free_bytes < 1.5GiB", 1.5 * 1024 * 1024 * 1024, "B");
	parse_ok("disk_free_bytes < 2MB", 2e6, "B");
	parse_ok("probe_success{module=\"m\", target=\"http://x\"} == 0", 0, "");
	parse_ok("  cpu_percent  !=  1e2 ", 100, "%");
}

static void test_expr_faults_say_where(void **state)
{
	(void)state;
	parse_bad("nosuch > 1", 0, "unknown metric 'nosuch'");
	parse_bad("runq_p99 > 10%", 13, "unit '%' does not fit runq_p99");
	parse_bad("disk_used_percent{foo=\"x\"} > 1", 18, "no label 'foo'");
	parse_bad("disk_used_percent{mount=\"/} > 1", 24, "unterminated string");
	parse_bad("disk_used_percent{mount=~\"(\"} > 1", 25, "bad regex");
	parse_bad("disk_used_percent{mount=~\"/**\"} > 1", 25, "a quantifier on a quantifier");
	parse_bad("disk_used_percent{mount=~\"(a*)*\"} > 1", 25, "a repeated group");
	parse_bad("disk_used_percent{mount=~\"((((((((((a))))))))))\"} > 1", 25, "nested too deep");
	parse_bad("cpu_percent > 1 junk", 16, "unexpected 'j'");
	parse_bad("cpu_percent 1", 12, "want a comparison");
	parse_bad("rate(cpu_percent) > 1", 0, "rate() wants a counter");
	parse_bad("tcp_retransmits > 1", 0, "is a counter");
	parse_bad("sum(cpu_percent) > 1", 0, "unknown function 'sum'");
	parse_bad("probe_success{target=\"x\"} == 0", 0, "needs module");
	parse_bad("cpu_percent > 0x10", 14, "bad number");
	parse_bad("runq_p99 > 10parsecs", 13, "unknown unit");
	parse_bad("", 0, "want a metric name");
}

static void test_expr_matchers_select_series(void **state)
{
	struct alert_series s = { .nlabels = 2 };
	struct alert_expr e;
	char why[256];
	size_t off;

	(void)state;
	strcpy(s.key[0], "mount");
	strcpy(s.val[0], "/var/log");
	strcpy(s.key[1], "fstype");
	strcpy(s.val[1], "ext4");
	assert_int_equal(alert_expr__parse(&e,
					   "disk_used_percent{mount=~\"/var.*\",fstype!=\"tmpfs\"}"
					   " >= 90",
					   &off, why, sizeof(why)),
			 0);
	assert_true(alert_expr__matches(&e, &s));
	assert_true(alert_expr__compare(&e, 90));
	assert_false(alert_expr__compare(&e, 89.9));
	strcpy(s.val[0], "/varx/log/a"); /* anchored: still matches .* */
	assert_true(alert_expr__matches(&e, &s));
	strcpy(s.val[0], "/srv/var");
	assert_false(alert_expr__matches(&e, &s)); /* anchored at the start */
	strcpy(s.val[0], "/var");
	strcpy(s.val[1], "tmpfs");
	assert_false(alert_expr__matches(&e, &s));
	alert_expr__fini(&e);
}

static struct alert_rules *rules(const char *text, char *err, size_t errlen)
{
	return alert_rules__parse("r.yml", text, strlen(text), err, errlen);
}

static void test_rules_file_loads_route_and_rules(void **state)
{
	char err[1024];
	struct alert_rules *r = rules("route:\n"
				      "  group_by: [alertname, mount]\n"
				      "  group_wait: 10s\n"
				      "  group_interval: 1m\n"
				      "  repeat_interval: 2h\n"
				      "  send_resolved: false\n"
				      "groups:\n"
				      "  - name: host\n"
				      "    rules:\n"
				      "      - alert: DiskFull\n"
				      "        expr: disk_used_percent > 90\n"
				      "        for: 5m\n"
				      "        labels: {severity: page}\n"
				      "        annotations:\n"
				      "          summary: '{{ $labels.mount }} full'\n",
				      err, sizeof(err));

	(void)state;
	if (!r)
		fail_msg("%s", err);
	assert_int_equal(r->n, 1);
	assert_string_equal(r->v[0].name, "DiskFull");
	assert_string_equal(r->v[0].group, "host");
	assert_true(r->v[0].for_s == 300);
	assert_string_equal(r->v[0].labels[0], "severity");
	assert_string_equal(r->route.group_by[1], "mount");
	assert_null(r->route.group_by[2]);
	assert_true(r->route.group_wait == 10 && r->route.group_interval == 60 &&
		    r->route.repeat_interval == 7200);
	assert_false(r->route.send_resolved);
	alert_rules__free(r);
}

static void test_rules_file_faults_have_line_and_column(void **state)
{
	char err[2048];
	struct alert_rules *r = rules("groups:\n"
				      "  - name: g\n"
				      "    rules:\n"
				      "      - alert: A\n"
				      "        expr: runq_p99 > 10 ms\n"
				      "      - alert: B\n"
				      "        expr: \"cpu_percent > 5s\"\n"
				      "        bogus: 1\n"
				      "      - expr: load1 > 4\n",
				      err, sizeof(err));

	(void)state;
	assert_null(r);
	assert_non_null(strstr(err, "r.yml:5:29: expr: unexpected 'm'"));
	assert_non_null(strstr(err, "r.yml:7:31: expr: unit 's' does not fit cpu_percent"));
	assert_non_null(strstr(err, "r.yml:8:9: unknown or repeated key 'bogus'"));
	assert_non_null(strstr(err, "r.yml:9:9: a rule without 'alert: NAME'"));
	assert_null(rules("groups: [\n", err, sizeof(err)));
	assert_non_null(strstr(err, "r.yml:2:1: "));
	assert_null(rules("", err, sizeof(err)));
	assert_non_null(strstr(err, "r.yml:1:1: empty file"));
	assert_null(rules("route: {group_by: x}\ngroups: []\n", err, sizeof(err)));
	assert_non_null(strstr(err, "group_by: want a list"));
}

static void test_templates_expand_labels_and_value(void **state)
{
	static const char *const labels[] = { "mount", "/data", "alertname", "DiskFull", NULL };
	char *s = alert_template__expand("{{ $labels.mount }} is {{$value}}% full ({{ "
					 "$labels.nope }}) {{ x",
					 labels, 93.5);
	char why[64];
	size_t off;

	(void)state;
	assert_string_equal(s, "/data is 93.5% full () {{ x");
	free(s);
	assert_int_equal(alert_template__check("ok {{ $labels. }}", &off, why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(off, 3);
}

/* ---------------------------------------------------------------- states and grouping */

static double fake_retrans;

static int fake_counter(void *ctx, const char *name, double *v)
{
	(void)ctx;
	if (strcmp(name, "tcp_retransmits"))
		return -ENOENT;
	*v = fake_retrans;
	return 0;
}

struct sent {
	int n;
	char status[16], group[128];
	size_t nalerts;
	char first_status[16];
	size_t nseries;
	double starts_at, ends_at;
	char csv[4096];
};

static int fake_send(void *ctx, const struct notification *n)
{
	struct sent *s = ctx;

	s->n++;
	snprintf(s->status, sizeof(s->status), "%s", n->status);
	snprintf(s->group, sizeof(s->group), "%s", n->group_key);
	s->nalerts = n->nalerts;
	snprintf(s->first_status, sizeof(s->first_status), "%s", n->alerts[0].status);
	s->nseries = n->alerts[0].nseries;
	s->starts_at = n->alerts[0].starts_at;
	s->ends_at = n->alerts[0].ends_at;
	snprintf(s->csv, sizeof(s->csv), "%s",
		 n->alerts[0].records_csv ? n->alerts[0].records_csv : "");
	return 0;
}

static const struct notifier_ops fake_ops = { .kind = "fake", .send = fake_send };

static struct alert_manager *manager(const char *text, struct sent *sent)
{
	char err[1024];
	struct alert_rules *r = rules(text, err, sizeof(err));
	struct alert_manager *m;
	struct notifier *n = calloc(1, sizeof(*n));

	if (!r)
		fail_msg("%s", err);
	m = alert_manager__new(r, &(struct alert_env){ .counter = fake_counter });
	assert_non_null(m);
	n->ops = &fake_ops;
	n->ctx = sent;
	assert_int_equal(alert_manager__add_notifier(m, n), 0);
	return m;
}

/* One eval then one dispatch at t. */
static void step(struct alert_manager *m, double t)
{
	alert_manager__eval(m, t);
	alert_manager__dispatch(m, t);
}

static bool json_has(struct alert_manager *m, const char *what)
{
	char *j = alert_manager__json(m, 0);
	bool has = j && strstr(j, what);

	free(j);
	return has;
}

static void test_states_follow_for_and_resolve(void **state)
{
	struct sent sent = { 0 };
	struct alert_manager *m = manager("route:\n"
					  "  group_wait: 5s\n"
					  "  group_interval: 10s\n"
					  "  repeat_interval: 60s\n"
					  "groups:\n"
					  "  - name: g\n"
					  "    rules:\n"
					  "      - alert: Retrans\n"
					  "        expr: rate(tcp_retransmits) > 5/s\n"
					  "        for: 30s\n",
					  &sent);

	(void)state;
	fake_retrans = 0;
	step(m, 1000); /* the first reading: no rate yet */
	assert_false(json_has(m, "Retrans"));
	fake_retrans += 100;
	step(m, 1010); /* 10/s: pending */
	assert_true(json_has(m, "\"pending\""));
	fake_retrans += 100;
	step(m, 1020);
	fake_retrans += 100;
	step(m, 1030);
	assert_true(json_has(m, "\"pending\"")); /* 20s of 30 */
	assert_int_equal(sent.n, 0);
	fake_retrans += 100;
	step(m, 1040); /* for has held: firing, group_wait starts */
	assert_true(json_has(m, "\"firing\""));
	assert_int_equal(sent.n, 0);
	alert_manager__dispatch(m, 1044.9);
	assert_int_equal(sent.n, 0);
	alert_manager__dispatch(m, 1045);
	assert_int_equal(sent.n, 1);
	assert_string_equal(sent.status, "firing");
	assert_string_equal(sent.group, "{alertname=\"Retrans\"}");
	assert_true(sent.starts_at == 1010 && sent.ends_at == 0);
	assert_int_equal(sent.nseries, 4); /* the window: 1010..1040 */
	/* unchanged: nothing until repeat_interval, then once */
	for (double t = 1050; t < 1105; t += 5) {
		fake_retrans += 100;
		step(m, t);
	}
	assert_int_equal(sent.n, 1);
	fake_retrans += 100;
	step(m, 1105);
	assert_int_equal(sent.n, 2);
	/* the workload stops: resolved at the next eval, sent at the group's next flush */
	step(m, 1110);
	assert_true(json_has(m, "\"resolved\""));
	alert_manager__dispatch(m, 1114);
	assert_int_equal(sent.n, 2);
	alert_manager__dispatch(m, 1115);
	assert_int_equal(sent.n, 3);
	assert_string_equal(sent.status, "resolved");
	assert_string_equal(sent.first_status, "resolved");
	assert_true(sent.ends_at == 1110);
	for (double t = 1120; t < 1300; t += 10)
		step(m, t);
	assert_int_equal(sent.n, 3); /* resolved is said once */
	alert_manager__free(m);
}

static void test_pending_that_clears_never_notifies(void **state)
{
	struct sent sent = { 0 };
	struct alert_manager *m = manager("route: {group_wait: 0s, group_interval: 1s, "
					  "repeat_interval: 1h}\n"
					  "groups:\n"
					  "  - name: g\n"
					  "    rules:\n"
					  "      - alert: R\n"
					  "        expr: rate(tcp_retransmits) > 5/s\n"
					  "        for: 1m\n",
					  &sent);

	(void)state;
	fake_retrans = 0;
	step(m, 0);
	fake_retrans = 1000;
	step(m, 10);
	assert_true(json_has(m, "\"pending\""));
	step(m, 20); /* rate 0: back to inactive, forgotten */
	assert_false(json_has(m, "\"R\""));
	for (double t = 30; t < 200; t += 10)
		step(m, t);
	assert_int_equal(sent.n, 0);
	alert_manager__free(m);
}

static void test_absent_fires_for_a_missing_process(void **state)
{
	struct sent sent = { 0 };
	struct alert_manager *m =
		manager("route: {group_wait: 0s, group_interval: 1s, repeat_interval: 1h}\n"
			"groups:\n"
			"  - name: g\n"
			"    rules:\n"
			"      - alert: Gone\n"
			"        expr: absent(process{name=\"no-such-process-xyz\"})\n"
			"        labels: {team: ops}\n"
			"        annotations: {summary: '{{ $labels.name }} is not running'}\n"
			"      - alert: Gone2\n"
			"        expr: absent(process{name=\"no-such-process-abc\"})\n",
			&sent);

	(void)state;
	step(m, 100);
	assert_true(json_has(m, "\"no-such-process-xyz is not running\""));
	assert_true(json_has(m, "\"team\": \"ops\""));
	alert_manager__dispatch(m, 100.5);
	assert_int_equal(sent.n, 2); /* group_by alertname: one notification per rule */
	assert_string_equal(sent.status, "firing");
	alert_manager__free(m);
}

static void test_group_by_nothing_sends_one_notification(void **state)
{
	struct sent sent = { 0 };
	struct alert_manager *m =
		manager("route: {group_by: [], group_wait: 0s, group_interval: 1s, "
			"repeat_interval: 1h}\n"
			"groups:\n"
			"  - name: g\n"
			"    rules:\n"
			"      - alert: Gone\n"
			"        expr: absent(process{name=\"no-such-process-xyz\"})\n"
			"      - alert: Gone2\n"
			"        expr: absent(process{name=\"no-such-process-abc\"})\n",
			&sent);

	(void)state;
	step(m, 100);
	assert_int_equal(sent.n, 1);
	assert_int_equal(sent.nalerts, 2);
	assert_string_equal(sent.group, "{}");
	alert_manager__free(m);
}

static void test_cpu_alerts_carry_the_busiest_processes(void **state)
{
	struct sent sent = { 0 };
	struct alert_manager *m =
		manager("route: {group_wait: 0s, group_interval: 1s, repeat_interval: 1h}\n"
			"groups:\n"
			"  - name: g\n"
			"    rules:\n"
			"      - alert: Busy\n"
			"        expr: cpu_percent >= 0\n",
			&sent);
	struct timespec t0, t1;
	volatile double x = 0;
	char me[64];

	(void)state;
	alert_manager__eval(m, 0); /* the first look at every process */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do { /* this process is the busy one */
		for (int i = 0; i < 100000; i++)
			x += i;
		clock_gettime(CLOCK_MONOTONIC, &t1);
	} while ((t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec) < 300000000L);
	step(m, 1);
	assert_int_equal(sent.n, 1);
	snprintf(me, sizeof(me), "\n%d,\"", (int)getpid());
	assert_true(!strncmp(sent.csv, "pid,name,cpu_percent\n", 21));
	if (!strstr(sent.csv, me))
		fail_msg("this busy process is not in:\n%s", sent.csv);
	alert_manager__free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expr_units_scale_to_the_metric),
		cmocka_unit_test(test_expr_faults_say_where),
		cmocka_unit_test(test_expr_matchers_select_series),
		cmocka_unit_test(test_rules_file_loads_route_and_rules),
		cmocka_unit_test(test_rules_file_faults_have_line_and_column),
		cmocka_unit_test(test_templates_expand_labels_and_value),
		cmocka_unit_test(test_states_follow_for_and_resolve),
		cmocka_unit_test(test_pending_that_clears_never_notifies),
		cmocka_unit_test(test_absent_fires_for_a_missing_process),
		cmocka_unit_test(test_group_by_nothing_sends_one_notification),
		cmocka_unit_test(test_cpu_alerts_carry_the_busiest_processes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
