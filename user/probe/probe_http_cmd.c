// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_http_cmd.c: `vigil probe http URL...`: its flags, the repeat loop over the URLs, and
 * the output: a table (one line per run with the phases in milliseconds, then the redirect
 * target, the certificate and, with --headers, the response headers, indented), or one
 * record per run in csv, json or ndjson with the phases in ns, and the closing min/avg/max
 * and loss per URL. Exit 0 when every run succeeded, 1 when one failed (each failure is also
 * said on stderr), 2 for a bad flag or a malformed URL.
 */
#include <curl/curl.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/record.h"
#include "core/regex_guard.h"
#include "cli/commands.h"
#include "cli/parse.h"
#include "core/wallclock.h"
#include "export/rows.h"
#include "net/net_resolve.h"
#include "probe/probe.h"
#include "probe/probe_driver.h"
#include "probe/probe_http.h"

enum {
	OPT_METHOD = PROBE_OPT_NEXT,
	OPT_DATA,
	OPT_HEADER,
	OPT_INSECURE,
	OPT_FOLLOW,
	OPT_HEADERS,
	OPT_EXPECT_STATUS,
	OPT_EXPECT_BODY,
};

struct http_args {
	struct probe_addrs addrs; /* --laddr, --raddr, --resolve */
	struct probe_loop loop;
	struct probe_http_opts o;
	const char *body_re;
	bool bad_header_list; /* libcurl's slist could not be built */
};

static const struct cli_opt http_opts[] = {
	{ "method", 'X', "METHOD", OPT_METHOD, "an HTTP method such as GET, HEAD or POST",
	  "request method (default GET, or POST with --data)" },
	{ "data", 'd', "STR", OPT_DATA, "the request body", "send STR as the request body" },
	{ "header", 'H', "'NAME: VALUE'", OPT_HEADER, "'Name: value' without line breaks",
	  "add a request header (repeatable)" },
	{ "insecure", 'k', NULL, OPT_INSECURE, NULL,
	  "accept a certificate that does not verify (self-signed, wrong name)" },
	{ "follow", 'L', NULL, OPT_FOLLOW, NULL, "follow redirects (at most 10, http and https)" },
	{ "headers", 0, NULL, OPT_HEADERS, NULL, "show the response headers" },
	{ "expect-status", 0, "LIST", OPT_EXPECT_STATUS,
	  "codes, classes or ranges such as 200,301 or 2xx or 200-299",
	  "the statuses that count as success (default 200-399)" },
	{ "expect-body", 0, "REGEX", OPT_EXPECT_BODY,
	  "a POSIX extended regular expression, no quantifier on a quantifier (a**)",
	  "fail unless the body (first MiB) matches REGEX (^, $: line ends, as grep -E)" },
	PROBE_OPTS_LOOP,
	PROBE_OPT_KERNEL,
	PROBE_OPTS_ADDRS,
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	CLI_OPT_END,
};

static bool method_is_valid(const char *m)
{
	size_t len = strlen(m);

	if (!len || len > 16)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (m[i] < 'A' || m[i] > 'Z')
			return false;
	}
	return true;
}

static bool header_is_valid(const char *h)
{
	const char *colon = strchr(h, ':');

	return colon && colon != h && !strpbrk(h, "\r\n") && strlen(h) < 8192;
}

static int http_set(void *ctx, int id, const char *arg)
{
	struct http_args *a = ctx;
	struct curl_slist *l;
	int err = probe_loop__set(&a->loop, id, arg);

	if (err == -ENOENT)
		err = probe_addrs__set(&a->addrs, id, arg);
	if (err != -ENOENT)
		return err;
	switch (id) {
	case OPT_METHOD:
		if (!method_is_valid(arg))
			return -EINVAL;
		a->o.method = arg;
		return 0;
	case OPT_DATA:
		a->o.data = arg;
		return 0;
	case OPT_HEADER:
		if (!header_is_valid(arg))
			return -EINVAL;
		l = curl_slist_append(a->o.headers, arg);
		if (!l) {
			a->bad_header_list = true;
			return 0;
		}
		a->o.headers = l;
		return 0;
	case OPT_INSECURE:
		a->o.insecure = true;
		return 0;
	case OPT_FOLLOW:
		a->o.follow = true;
		return 0;
	case OPT_HEADERS:
		a->o.want_headers = true;
		return 0;
	case OPT_EXPECT_STATUS:
		return probe_status_set__parse(&a->o.expect_status, arg);
	case OPT_EXPECT_BODY:
		if (a->o.has_body_re)
			regfree(&a->o.body_re);
		a->o.has_body_re =
			!regex_guard__refusal(NULL, arg) &&
			!regcomp(&a->o.body_re, arg, REG_EXTENDED | REG_NOSUB | REG_NEWLINE);
		a->body_re = arg;
		return a->o.has_body_re ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

static const struct cli_cmd http_cmd = {
	.name = "probe http",
	.usage = "vigil probe http [OPTIONS] URL...",
	.summary = "Time HTTP(S) requests as curl -w does: DNS, connect, TLS, first byte, total.",
	.details =
		"Each run uses a fresh connection. Phase times are cumulative from the start of\n"
		"the run, as curl's time_namelookup, time_connect, time_appconnect,\n"
		"time_pretransfer, time_starttransfer and time_total. Exit status: 0 when every\n"
		"run succeeded, 1 when one failed, 2 for a bad flag or a malformed URL.",
	.examples = "vigil probe http https://example.com/\n"
		    "vigil probe http -f json http://127.0.0.1:8080/health",
	.opts = http_opts,
	.set = http_set,
};

static const char *const http_keys[] = {
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
	"status",
	"http_version",
	"redirects",
	"url",
	"dns_ns",
	"connect_ns",
	"tls_ns",
	"pretransfer_ns",
	"first_byte_ns",
	"total_ns",
	"redirect_ns",
	"size_bytes",
	"content_length",
	"speed_bytes_per_sec",
	"remote_ip",
	"remote_name",
	"remote_port",
	"local_ip",
	"local_port",
	"ip_protocol",
	"cert_subject",
	"cert_issuer",
	"cert_expiry",
	"headers",
	PROBE_KERNEL_KEYS,
	NULL,
};

#define NS_OR_NULL(v)  ((v) >= 0 ? ROWV_I(v) : ROWV_NONE)
#define STR_OR_NULL(v) (str_is_set(v) ? ROWV_S(v) : ROWV_NONE)

static bool str_is_set(const char *s)
{
	return s && s[0];
}

static void http_row(struct rows *rows, struct wallclock *wc, const char *url,
		     const struct probe_http_result *r, const char *rname)
{
	char when[WALLCLOCK_LEN], expiry[32] = "";

	wallclock__format(wc, r->start_mono_ns, when);
	if (r->conn.cert_expiry)
		probe_fmt_unix(expiry, sizeof(expiry), r->conn.cert_expiry);
	struct rowv v[] = {
		ROWV_S(when),
		ROWV_I(r->start_mono_ns),
		ROWV_S("probe"),
		ROWV_S("libcurl"),
		ROWV_I(VREC_SCHEMA),
		ROWV_S("http"),
		ROWV_S(url),
		ROWV_B(r->fail == PROBE_OK),
		ROWV_I(r->duration_ns),
		STR_OR_NULL(probe_fail_name(r->fail)),
		STR_OR_NULL(r->error),
		r->status ? ROWV_I(r->status) : ROWV_NONE,
		STR_OR_NULL(probe_http_version_name(r->http_version_num)),
		ROWV_I(r->redirects),
		STR_OR_NULL(r->effective_url),
		NS_OR_NULL(r->conn.dns_ns),
		NS_OR_NULL(r->conn.connect_ns),
		NS_OR_NULL(r->conn.tls_ns),
		NS_OR_NULL(r->pretransfer_ns),
		NS_OR_NULL(r->first_byte_ns),
		NS_OR_NULL(r->total_ns),
		NS_OR_NULL(r->redirect_ns),
		r->status ? ROWV_I(r->size) : ROWV_NONE,
		NS_OR_NULL(r->content_length),
		r->status ? ROWV_F(r->speed) : ROWV_NONE,
		STR_OR_NULL(r->conn.remote_ip),
		STR_OR_NULL(rname),
		r->conn.remote_port ? ROWV_I(r->conn.remote_port) : ROWV_NONE,
		STR_OR_NULL(r->conn.local_ip),
		r->conn.local_port ? ROWV_I(r->conn.local_port) : ROWV_NONE,
		r->conn.ip_protocol ? ROWV_I(r->conn.ip_protocol) : ROWV_NONE,
		STR_OR_NULL(r->conn.cert_subject),
		STR_OR_NULL(r->conn.cert_issuer),
		STR_OR_NULL(expiry),
		r->headers ? ROWV_S(r->headers) : ROWV_NONE,
		PROBE_KERNEL_ROWV_SLOTS,
	};

	probe_conn_kernel_rowv(&r->conn, &v[sizeof(v) / sizeof(v[0]) - PROBE_KERNEL_NKEYS]);
	rows__add(rows, v);
}

static void table_header(struct sink *s)
{
	sink__printf(s, "%-32s %6s %4s %8s %10s %8s %8s %12s %9s %9s  %s\n", "URL", "STATUS", "VER",
		     "DNS_MS", "CONNECT_MS", "TLS_MS", "SENT_MS", "FIRSTBYTE_MS", "TOTAL_MS",
		     "SIZE", "RESULT");
}

static void table_row(struct sink *s, const char *url, const struct probe_http_result *r,
		      const char *rname)
{
	char dns[24], con[24], tls[24], sent[24], fb[24], tot[24], status[16] = "-";
	const char *ver = probe_http_version_name(r->http_version_num);

	probe_fmt_ms_cell(dns, sizeof(dns), r->conn.dns_ns);
	probe_fmt_ms_cell(con, sizeof(con), r->conn.connect_ns);
	probe_fmt_ms_cell(tls, sizeof(tls), r->conn.tls_ns);
	probe_fmt_ms_cell(sent, sizeof(sent), r->pretransfer_ns);
	probe_fmt_ms_cell(fb, sizeof(fb), r->first_byte_ns);
	probe_fmt_ms_cell(tot, sizeof(tot), r->total_ns);
	if (r->status)
		snprintf(status, sizeof(status), "%ld", r->status);
	sink__printf(s, "%-32s %6s %4s %8s %10s %8s %8s %12s %9s %9lld  %s\n", url, status,
		     ver ? ver : "-", dns, con, tls, sent, fb, tot, (long long)r->size,
		     r->fail ? r->error : "ok");
	if (rname[0])
		sink__printf(s, "  remote: %s (%s)\n", r->conn.remote_ip, rname);
	if (r->redirects)
		sink__printf(s, "  redirects: %ld, to %s\n", r->redirects,
			     r->effective_url ? r->effective_url : "?");
	if (r->conn.cert_subject) {
		char expiry[32] = "?";

		if (r->conn.cert_expiry)
			probe_fmt_unix(expiry, sizeof(expiry), r->conn.cert_expiry);
		sink__printf(s, "  certificate: subject %s; issuer %s; expires %s\n",
			     r->conn.cert_subject, r->conn.cert_issuer ? r->conn.cert_issuer : "?",
			     expiry);
	}
	probe_conn_kernel_line(&r->conn, s);
	if (r->headers) {
		for (const char *p = r->headers; *p;) {
			size_t len = strcspn(p, "\n");

			sink__printf(s, "  < %.*s\n", (int)len, p);
			p += len + (p[len] ? 1 : 0);
		}
	}
}

static int http_attempt(void *ctx, const char *url, const struct probe_attempt_out *out,
			struct probe_attempt *res)
{
	struct http_args *a = ctx;
	char rname[RESOLVE_NAME_MAX];
	struct probe_http_result r;
	int err = probe_http__run(&a->o, url, &r);

	if (err)
		return err;
	probe_conn_kernel_lookup(&r.conn, out->k, "probe http");
	probe_addrs__name(&a->addrs, r.conn.remote_ip, rname, sizeof(rname));
	if (out->table)
		table_row(out->table, url, &r, rname);
	else
		http_row(out->rows, out->wc, url, &r, rname);
	res->ok = r.fail == PROBE_OK;
	res->duration_ns = r.duration_ns;
	snprintf(res->error, sizeof(res->error), "%s", r.error);
	probe_http_result__free(&r);
	return 0;
}

int probe_http__cmd(int argc, char **argv)
{
	struct http_args a = { 0 };
	struct cli_common common = { 0 };
	int first, ret = EXIT_USAGE, err;
	char why[512];
	bool help;

	probe_loop__init(&a.loop);
	first = cli_parse(&http_cmd, argc, argv, &common, &a, &help);
	if (first < 0 || help) {
		ret = help ? 0 : EXIT_USAGE;
		goto out_free_opts;
	}
	if (first >= argc) {
		cli_error(&http_cmd, "no URL given (usage: %s)", http_cmd.usage);
		goto out_free_opts;
	}
	if (a.bad_header_list) {
		cli_error(&http_cmd, "--header: cannot build the header list (libcurl missing?)");
		ret = 1;
		goto out_free_opts;
	}
	for (int i = first; i < argc; i++) {
		err = probe_http__check_url(argv[i], why, sizeof(why));
		if (err) {
			cli_error(&http_cmd, "%s", why);
			ret = err == -EINVAL ? EXIT_USAGE : 1;
			goto out_free_opts;
		}
	}
	if (probe_addrs__check(&a.addrs, &http_cmd))
		goto out_free_opts;
	a.o.timeout_ns = a.loop.timeout_ns;
	a.o.addrs = &a.addrs;
	ret = probe_driver__run(&(struct probe_driver){ .cmd = &http_cmd,
							.name = "http",
							.library = "libcurl",
							.keys = http_keys,
							.table_header = table_header,
							.attempt = http_attempt,
							.ctx = &a,
							.loop = &a.loop,
							.addrs = &a.addrs,
							.kernel_view = true },
				&common, argv + first, argc - first);
out_free_opts:
	probe_addrs__free(&a.addrs);
	curl_slist_free_all(a.o.headers);
	if (a.o.has_body_re)
		regfree(&a.o.body_re);
	return ret;
}
