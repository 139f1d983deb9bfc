// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_dns_cmd.c: `vigil probe dns NAME... [--type T] [--server IP] [--tcp] [--expect
 * VALUE...]`: one query per name and run, printed as a table (the run's line, then one line
 * per answer record, as dig's answer section) or one record per run with the answers as
 * text lines. Exit 0 when every run got NOERROR (and the --expect set), 1 when one did not
 * (NXDOMAIN, SERVFAIL, REFUSED, a timeout, another answer set), 2 for a bad flag or name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/record.h"
#include "cli/commands.h"
#include "core/wallclock.h"
#include "export/rows.h"
#include "net/net_resolve.h"
#include "probe/probe.h"
#include "probe/probe_driver.h"
#include "probe/probe_dns.h"
#include "probe/probe_expect.h"

enum {
	OPT_TYPE = PROBE_OPT_NEXT,
	OPT_SERVER,
	OPT_TCP,
	OPT_EXPECT,
};

static const struct cli_opt dns_opts[] = {
	{ "type", 'T', "TYPE", OPT_TYPE, "A, AAAA, MX, NS, CNAME, PTR, SOA or TXT",
	  "the record type to ask for (default A; PTR of an address asks its reverse name)" },
	{ "server", 's', "IP", OPT_SERVER, "an IPv4 or IPv6 address",
	  "ask this server (default: the first of /etc/resolv.conf)" },
	{ "tcp", 0, NULL, OPT_TCP, NULL, "ask over TCP (default UDP, TCP when truncated)" },
	{ "expect", 'e', "VALUE[,VALUE...]", OPT_EXPECT,
	  "record data as dig prints it (10.0.0.1, '10 mail.example.org.'), comma-separated",
	  "fail unless the answer's records of TYPE are exactly these (repeatable)" },
	PROBE_OPTS_LOOP,
	PROBE_OPTS_ADDRS,
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	CLI_OPT_END,
};

struct dns_args {
	struct probe_addrs addrs; /* --laddr, --raddr, --resolve (the server's name) */
	struct probe_loop loop;
	struct probe_dns_opts o;
};

static int dns_set(void *ctx, int id, const char *arg)
{
	struct dns_args *a = ctx;
	int err = probe_loop__set(&a->loop, id, arg);

	if (err == -ENOENT)
		err = probe_addrs__set(&a->addrs, id, arg);
	if (err != -ENOENT)
		return err;
	switch (id) {
	case OPT_TYPE:
		err = probe_dns_type_parse(arg);
		if (err < 0)
			return err;
		a->o.type = err;
		return 0;
	case OPT_SERVER:
		if (!probe_dns_server_is_valid(arg))
			return -EINVAL;
		a->o.server = arg;
		return 0;
	case OPT_TCP:
		a->o.tcp = true;
		return 0;
	case OPT_EXPECT:
		a->o.has_expect = true;
		return probe_value_set__parse(&a->o.expect, arg);
	default:
		return -EINVAL;
	}
}

static const struct cli_cmd dns_cmd = {
	.name = "probe dns",
	.usage = "vigil probe dns [OPTIONS] NAME...",
	.summary = "Ask a DNS server, as dig and dnspython do: answers with TTLs, rcode, time.",
	.details = "NXDOMAIN, SERVFAIL and REFUSED are results: the run fails (exit 1) and its\n"
		   "record says which. Exit status: 0 when every run got NOERROR (and the\n"
		   "--expect set), 1 when one did not, 2 for a bad flag or name.",
	.examples = "vigil probe dns example.com\n"
		    "vigil probe dns --server 127.0.0.1 --type AAAA example.com",
	.opts = dns_opts,
	.set = dns_set,
};

static const char *const dns_keys[] = {
	"time",	      "ts_ns",	 "kind",	"source",    "schema", "probe",
	"target",     "success", "duration_ns", "failure",   "error",  "type",
	"qname",      "server",	 "server_name", "transport", "rcode",  "query_ns",
	"answer_rrs", "answers", "truncated",	NULL,
};

/* The answer section as lines "OWNER TTL TYPE DATA", as dig prints it (without the class). */
static char *answers_text(const struct probe_dns_result *r)
{
	size_t len = 1, o = 0;
	char *s;

	for (int i = 0; i < r->n_rr; i++)
		len += strlen(r->rr[i].owner) + strlen(r->rr[i].type) + strlen(r->rr[i].data) + 16;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (int i = 0; i < r->n_rr; i++)
		o += (size_t)snprintf(s + o, len - o, "%s%s %u %s %s", i ? "\n" : "",
				      r->rr[i].owner, r->rr[i].ttl, r->rr[i].type, r->rr[i].data);
	return s;
}

static struct rowv str_or_null(const char *s)
{
	return s && s[0] ? ROWV_S(s) : ROWV_NONE;
}

static void dns_row(struct rows *rows, struct wallclock *wc, const char *name,
		    const struct dns_args *a, const struct probe_dns_result *r, const char *rname)
{
	char when[WALLCLOCK_LEN], rc[16];
	char *ans = r->rcode >= 0 ? answers_text(r) : NULL;

	wallclock__format(wc, r->start_mono_ns, when);
	rows__add(rows,
		  (const struct rowv[]){
			  ROWV_S(when),
			  ROWV_I(r->start_mono_ns),
			  ROWV_S("probe"),
			  ROWV_S("libldns"),
			  ROWV_I(VREC_SCHEMA),
			  ROWV_S("dns"),
			  ROWV_S(name),
			  ROWV_B(r->fail == PROBE_OK),
			  ROWV_I(r->duration_ns),
			  str_or_null(probe_fail_name(r->fail)),
			  str_or_null(r->error),
			  ROWV_S(probe_dns_type_name(a->o.type)),
			  str_or_null(r->qname),
			  str_or_null(r->server),
			  str_or_null(rname),
			  ROWV_S(a->o.tcp ? "tcp" : "udp"),
			  r->rcode >= 0 ? ROWV_S(probe_dns_rcode_name(r->rcode, rc, sizeof(rc)))
					: ROWV_NONE,
			  r->query_ns >= 0 ? ROWV_I(r->query_ns) : ROWV_NONE,
			  r->rcode >= 0 ? ROWV_I(r->n_rr_total) : ROWV_NONE,
			  ans ? ROWV_S(ans) : ROWV_NONE,
			  r->rcode >= 0 ? ROWV_B(r->truncated) : ROWV_NONE,
		  });
	free(ans);
}

static void table_row(struct sink *s, const char *name, const struct dns_args *a,
		      const struct probe_dns_result *r, const char *rname)
{
	char q[24], rc[16];

	probe_fmt_ms_cell(q, sizeof(q), r->query_ns);
	sink__printf(s, "%-32s %-5s %-28s %-9s %9s %7d  %s\n", name, probe_dns_type_name(a->o.type),
		     r->server[0] ? r->server : "-",
		     r->rcode >= 0 ? probe_dns_rcode_name(r->rcode, rc, sizeof(rc)) : "-", q,
		     r->rcode >= 0 ? r->n_rr_total : 0, r->fail ? r->error : "ok");
	if (rname[0])
		sink__printf(s, "  server: %s (%s)\n", r->server, rname);
	for (int i = 0; i < r->n_rr; i++)
		sink__printf(s, "  %s\t%u\t%s\t%s\n", r->rr[i].owner, r->rr[i].ttl, r->rr[i].type,
			     r->rr[i].data);
}

static void table_header(struct sink *s)
{
	sink__printf(s, "%-32s %-5s %-28s %-9s %9s %7s  %s\n", "NAME", "TYPE", "SERVER", "RCODE",
		     "QUERY_MS", "ANSWERS", "RESULT");
}

static int dns_attempt(void *ctx, const char *name, const struct probe_attempt_out *out,
		       struct probe_attempt *res)
{
	struct dns_args *a = ctx;
	struct probe_dns_result *r = calloc(1, sizeof(*r));
	char rname[RESOLVE_NAME_MAX];
	int err = r ? probe_dns__run(&a->o, name, r) : -ENOMEM;

	if (err) {
		free(r);
		return err;
	}
	probe_addrs__name(&a->addrs, r->server, rname, sizeof(rname));
	if (out->table)
		table_row(out->table, name, a, r, rname);
	else
		dns_row(out->rows, out->wc, name, a, r, rname);
	res->ok = r->fail == PROBE_OK;
	res->duration_ns = r->duration_ns;
	snprintf(res->error, sizeof(res->error), "%s", r->error);
	free(r);
	return 0;
}

int probe_dns__cmd(int argc, char **argv)
{
	struct dns_args a = { 0 };
	struct cli_common common = { 0 };
	char qname[PROBE_DNS_NAME_LEN];
	int first, ret;
	bool help;

	probe_loop__init(&a.loop);
	a.o.type = probe_dns_type_parse("A");
	first = cli_parse(&dns_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first >= argc) {
		cli_error(&dns_cmd, "no NAME given (usage: %s)", dns_cmd.usage);
		return EXIT_USAGE;
	}
	for (int i = first; i < argc; i++) {
		if (probe_dns_qname(argv[i], a.o.type, qname, sizeof(qname))) {
			cli_error(&dns_cmd, "'%s' is not a domain name", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (probe_addrs__check(&a.addrs, &dns_cmd))
		return EXIT_USAGE;
	a.o.timeout_ns = a.loop.timeout_ns;
	a.o.addrs = &a.addrs;
	ret = probe_driver__run(&(struct probe_driver){ .cmd = &dns_cmd,
							.name = "dns",
							.library = "libldns",
							.keys = dns_keys,
							.table_header = table_header,
							.attempt = dns_attempt,
							.ctx = &a,
							.loop = &a.loop,
							.addrs = &a.addrs },
				&common, argv + first, argc - first);
	probe_addrs__free(&a.addrs);
	return ret;
}
