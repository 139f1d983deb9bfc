// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_tcp_cmd.c: `vigil probe tcp HOST:PORT...`: connect time, an optional string sent
 * (--send, with C escapes) and an answer that must match (--expect REGEX), optionally over TLS
 * (--tls, --insecure). One table line or record per run, the closing min/avg/max and loss;
 * exit 0 when every run succeeded, 1 when one failed, 2 for a bad flag or target.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "core/record.h"
#include "core/regex_guard.h"
#include "cli/commands.h"
#include "core/wallclock.h"
#include "export/rows.h"
#include "net/net_resolve.h"
#include "probe/probe.h"
#include "probe/probe_driver.h"
#include "probe/probe_expect.h"
#include "probe/probe_tcp.h"

enum {
	OPT_SEND = PROBE_OPT_NEXT,
	OPT_EXPECT,
	OPT_TLS,
	OPT_INSECURE,
};

static const struct cli_opt tcp_opts[] = {
	{ "send", 's', "STR", OPT_SEND,
	  "text with C escapes \\r \\n \\t \\0 \\\\ \\xHH, up to 4096 bytes",
	  "send STR once connected" },
	{ "expect", 'e', "REGEX", OPT_EXPECT,
	  "a POSIX extended regular expression, no quantifier on a quantifier (a**)",
	  "read until the answer matches REGEX (^, $: line ends); fail if it does not" },
	{ "tls", 0, NULL, OPT_TLS, NULL, "do a TLS handshake after connecting (verified)" },
	{ "insecure", 'k', NULL, OPT_INSECURE, NULL,
	  "with --tls: accept a certificate that does not verify" },
	PROBE_OPTS_LOOP,
	PROBE_OPT_KERNEL,
	PROBE_OPTS_ADDRS,
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	CLI_OPT_END,
};

struct tcp_args {
	struct probe_addrs addrs; /* --laddr, --raddr, --resolve */
	struct probe_loop loop;
	struct probe_tcp_opts o;
};

static int tcp_set(void *ctx, int id, const char *arg)
{
	struct tcp_args *a = ctx;
	int err = probe_loop__set(&a->loop, id, arg);

	if (err == -ENOENT)
		err = probe_addrs__set(&a->addrs, id, arg);
	if (err != -ENOENT)
		return err;
	switch (id) {
	case OPT_SEND:
		return probe_unescape(arg, a->o.send, sizeof(a->o.send), &a->o.send_len);
	case OPT_EXPECT:
		if (a->o.has_expect)
			regfree(&a->o.expect);
		a->o.has_expect =
			!regex_guard__refusal(NULL, arg) &&
			!regcomp(&a->o.expect, arg, REG_EXTENDED | REG_NOSUB | REG_NEWLINE);
		return a->o.has_expect ? 0 : -EINVAL;
	case OPT_TLS:
		a->o.tls = true;
		return 0;
	case OPT_INSECURE:
		a->o.insecure = true;
		return 0;
	default:
		return -EINVAL;
	}
}

static const struct cli_cmd tcp_cmd = {
	.name = "probe tcp",
	.usage = "vigil probe tcp [OPTIONS] HOST:PORT...",
	.summary = "Time a TCP connect (and TLS handshake), send a string, expect an answer.",
	.details = "Phase times are cumulative from the start of the run. IPv6 addresses go in\n"
		   "brackets: [::1]:443. Exit status: 0 when every run succeeded, 1 when one\n"
		   "failed, 2 for a bad flag or target.",
	.examples = "vigil probe tcp 127.0.0.1:22\n"
		    "vigil probe tcp -f json db1:5432 db2:5432",
	.opts = tcp_opts,
	.set = tcp_set,
};

static const char *const tcp_keys[] = {
	"time",
	"ts_ns",
	"kind",
	"source",
	"schema",
	"probe",
	"target",
	"success",
	"duration_ns",
	"failure",
	"error",
	"dns_ns",
	"connect_ns",
	"tls_ns",
	"expect_ns",
	"sent_bytes",
	"received_bytes",
	"answer",
	"remote_ip",
	"remote_name",
	"remote_port",
	"local_ip",
	"local_port",
	"ip_protocol",
	"cert_subject",
	"cert_issuer",
	"cert_expiry",
	PROBE_KERNEL_KEYS,
	NULL,
};

#define NS_OR_NULL(v) ((v) >= 0 ? ROWV_I(v) : ROWV_NONE)

static struct rowv str_or_null(const char *s)
{
	return s && s[0] ? ROWV_S(s) : ROWV_NONE;
}

static void tcp_row(struct rows *rows, struct wallclock *wc, const char *target,
		    const struct probe_tcp_opts *o, const struct probe_tcp_result *r,
		    const char *rname)
{
	const struct probe_conn *c = &r->conn;
	char when[WALLCLOCK_LEN], expiry[32] = "";

	wallclock__format(wc, r->start_mono_ns, when);
	if (c->cert_expiry)
		probe_fmt_unix(expiry, sizeof(expiry), c->cert_expiry);
	struct rowv v[] = {
		ROWV_S(when),
		ROWV_I(r->start_mono_ns),
		ROWV_S("probe"),
		ROWV_S("libcurl"),
		ROWV_I(VREC_SCHEMA),
		ROWV_S("tcp"),
		ROWV_S(target),
		ROWV_B(r->fail == PROBE_OK),
		ROWV_I(r->duration_ns),
		str_or_null(probe_fail_name(r->fail)),
		str_or_null(r->error),
		NS_OR_NULL(c->dns_ns),
		NS_OR_NULL(c->connect_ns),
		NS_OR_NULL(c->tls_ns),
		NS_OR_NULL(r->expect_ns),
		c->connect_ns >= 0 ? ROWV_I(r->sent_bytes) : ROWV_NONE,
		c->connect_ns >= 0 ? ROWV_I(r->received_bytes) : ROWV_NONE,
		o->has_expect ? ROWV_S(r->banner) : ROWV_NONE,
		str_or_null(c->remote_ip),
		str_or_null(rname),
		c->remote_port ? ROWV_I(c->remote_port) : ROWV_NONE,
		str_or_null(c->local_ip),
		c->local_port ? ROWV_I(c->local_port) : ROWV_NONE,
		c->ip_protocol ? ROWV_I(c->ip_protocol) : ROWV_NONE,
		str_or_null(c->cert_subject),
		str_or_null(c->cert_issuer),
		str_or_null(expiry),
		PROBE_KERNEL_ROWV_SLOTS,
	};

	probe_conn_kernel_rowv(&r->conn, &v[sizeof(v) / sizeof(v[0]) - PROBE_KERNEL_NKEYS]);
	rows__add(rows, v);
}

static void table_row(struct sink *s, const char *target, const struct probe_tcp_result *r,
		      const char *rname)
{
	const struct probe_conn *c = &r->conn;
	char dns[24], con[24], tls[24], exp[24];

	probe_fmt_ms_cell(dns, sizeof(dns), c->dns_ns);
	probe_fmt_ms_cell(con, sizeof(con), c->connect_ns);
	probe_fmt_ms_cell(tls, sizeof(tls), c->tls_ns);
	probe_fmt_ms_cell(exp, sizeof(exp), r->expect_ns);
	sink__printf(s, "%-28s %-40s %8s %10s %8s %9s %6lld %6lld  %s\n", target,
		     c->remote_ip[0] ? c->remote_ip : "-", dns, con, tls, exp,
		     (long long)r->sent_bytes, (long long)r->received_bytes,
		     r->fail ? r->error : "ok");
	if (rname[0])
		sink__printf(s, "  remote: %s (%s)\n", c->remote_ip, rname);
	if (c->cert_subject) {
		char expiry[32] = "?";

		if (c->cert_expiry)
			probe_fmt_unix(expiry, sizeof(expiry), c->cert_expiry);
		sink__printf(s, "  certificate: subject %s; issuer %s; expires %s\n",
			     c->cert_subject, c->cert_issuer ? c->cert_issuer : "?", expiry);
	}
	probe_conn_kernel_line(c, s);
}

static void table_header(struct sink *s)
{
	sink__printf(s, "%-28s %-40s %8s %10s %8s %9s %6s %6s  %s\n", "TARGET", "ADDRESS", "DNS_MS",
		     "CONNECT_MS", "TLS_MS", "EXPECT_MS", "SENT", "RCVD", "RESULT");
}

static int tcp_attempt(void *ctx, const char *target, const struct probe_attempt_out *out,
		       struct probe_attempt *res)
{
	struct tcp_args *a = ctx;
	char rname[RESOLVE_NAME_MAX];
	struct probe_tcp_result r;
	int err = probe_tcp__run(&a->o, target, &r);

	if (err)
		return err;
	probe_conn_kernel_lookup(&r.conn, out->k, "probe tcp");
	probe_addrs__name(&a->addrs, r.conn.remote_ip, rname, sizeof(rname));
	if (out->table)
		table_row(out->table, target, &r, rname);
	else
		tcp_row(out->rows, out->wc, target, &a->o, &r, rname);
	res->ok = r.fail == PROBE_OK;
	res->duration_ns = r.duration_ns;
	snprintf(res->error, sizeof(res->error), "%s", r.error);
	probe_tcp_result__free(&r);
	return 0;
}

int probe_tcp__cmd(int argc, char **argv)
{
	struct tcp_args a = { 0 };
	struct cli_common common = { 0 };
	char url[320], why[512];
	int first, ret = EXIT_USAGE, err;
	bool help;

	probe_loop__init(&a.loop);
	first = cli_parse(&tcp_cmd, argc, argv, &common, &a, &help);
	if (first < 0 || help) {
		ret = help ? 0 : EXIT_USAGE;
		goto out_free_opts;
	}
	if (first >= argc) {
		cli_error(&tcp_cmd, "no HOST:PORT given (usage: %s)", tcp_cmd.usage);
		goto out_free_opts;
	}
	if (a.o.insecure && !a.o.tls) {
		cli_error(&tcp_cmd, "--insecure only means something with --tls");
		goto out_free_opts;
	}
	for (int i = first; i < argc; i++) {
		err = probe_tcp__target_url(argv[i], a.o.tls, url, sizeof(url), why, sizeof(why));
		if (err) {
			cli_error(&tcp_cmd, "%s", why);
			goto out_free_opts;
		}
	}
	if (probe_addrs__check(&a.addrs, &tcp_cmd))
		goto out_free_opts;
	a.o.timeout_ns = a.loop.timeout_ns;
	a.o.addrs = &a.addrs;
	ret = probe_driver__run(&(struct probe_driver){ .cmd = &tcp_cmd,
							.name = "tcp",
							.library = "libcurl",
							.keys = tcp_keys,
							.table_header = table_header,
							.attempt = tcp_attempt,
							.ctx = &a,
							.loop = &a.loop,
							.addrs = &a.addrs,
							.kernel_view = true },
				&common, argv + first, argc - first);
out_free_opts:
	probe_addrs__free(&a.addrs);
	if (a.o.has_expect)
		regfree(&a.o.expect);
	return ret;
}
