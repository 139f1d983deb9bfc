// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_route_out.c: the traceroute's text output. The table reads as traceroute's and
 * tcptraceroute's do: one line per hop, the address (and its name) that answered, each
 * probe's RTT or `*`, a new address before the RTT of a probe that another router answered,
 * `[open]` or `[closed]` at the target, traceroute's `!H`-style marks for an unreachable;
 * then one line saying how it ended. CSV, JSON and NDJSON give one row per probe, carrying
 * the fields every probe's records have (probe, target, success, duration_ns of the whole
 * trace) and the probe's own (ttl, probe_index, addr, name, rtt_ns, reply).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/wallclock.h"
#include "export/escape.h"
#include "export/export.h"
#include "export/json.h"
#include "probe/probe_route.h"
#include "tcp/tcp_addr.h"

const char *route_addr_str(int family, const uint8_t a[16], char *buf, size_t len)
{
	return tcp_addr_format(family, a, buf, len);
}

#define ADDR_LEN TCP_ADDR_STRLEN

/* traceroute's marks for an ICMP destination unreachable, by code */
static const char *unreach_mark(uint8_t code)
{
	static const char *const marks[] = { "!N", "!H", "!P", "!p", "!F", "!S" };

	if (code < sizeof(marks) / sizeof(marks[0]))
		return marks[code];
	return code == 9 || code == 10 || code == 13 ? "!X" : "!?";
}

void route_out__table_head(struct sink *s, const struct route_cfg *cfg, const char *addr)
{
	char src[ADDR_LEN], t[ESC_MAX_PER_BYTE * 256 + 1];

	bool v6 = cfg->flow.family == ROUTE_AF_INET6;

	sink__printf(s, "traceroute to %s (%s), port %u, %u hops max, %u probes, from %s%s%s:%u\n",
		     esc_buf(t, sizeof(t), cfg->target), addr, cfg->flow.dport, cfg->max_hops,
		     cfg->probes, v6 ? "[" : "",
		     route_addr_str(cfg->flow.family, cfg->flow.src, src, sizeof(src)),
		     v6 ? "]" : "", cfg->flow.sport);
	sink__flush(s);
}

static void table_addr(struct sink *s, const struct route_cfg *cfg, const struct route_hop *hop,
		       uint32_t i)
{
	char a[ADDR_LEN], n[ESC_MAX_PER_BYTE * ROUTE_NAME_LEN + 1];
	const struct route_probe *p = &hop->probes[i];

	route_addr_str(cfg->flow.family, p->from, a, sizeof(a));
	if (cfg->resolve && hop->names[i][0])
		sink__printf(s, "  %s (%s)", esc_buf(n, sizeof(n), hop->names[i]), a);
	else
		sink__printf(s, "  %s", a);
	if (p->reply == ROUTE_REPLY_SYN_ACK)
		sink__puts(s, " [open]");
	else if (p->reply == ROUTE_REPLY_RST)
		sink__puts(s, " [closed]");
}

void route_out__table_hop(struct sink *s, const struct route_cfg *cfg, const struct route_hop *hop)
{
	const uint8_t *shown = NULL;

	sink__printf(s, "%2u", hop->ttl);
	for (uint32_t i = 0; i < cfg->probes; i++) {
		const struct route_probe *p = &hop->probes[i];

		if (p->reply == ROUTE_REPLY_NONE) {
			sink__puts(s, "  *");
			continue;
		}
		if (!shown || memcmp(shown, p->from, 16)) {
			table_addr(s, cfg, hop, i);
			shown = p->from;
		}
		sink__printf(s, "  %.3f ms", (double)p->rtt_ns / 1e6);
		if (p->reply == ROUTE_REPLY_UNREACHABLE)
			sink__printf(s, " %s", unreach_mark(p->icmp_code));
	}
	sink__putc(s, '\n');
	sink__flush(s);
}

void route_out__table_end(struct sink *s, const struct route_cfg *cfg,
			  const struct route_result *res)
{
	char a[ADDR_LEN];

	sink__printf(s, "%s port %u: %s",
		     route_addr_str(cfg->flow.family, cfg->flow.dst, a, sizeof(a)), cfg->flow.dport,
		     route_state_name(res->state));
	if (res->state != ROUTE_UNREACHED)
		sink__printf(s, " (%s) at hop %u", res->state == ROUTE_OPEN ? "syn-ack" : "rst",
			     res->nhops);
	else
		sink__printf(s, " after %u hops", res->nhops);
	sink__printf(s, "; %u probes sent, %u lost, %.3f s\n", res->sent, res->sent - res->answered,
		     (double)res->duration_ns / 1e9);
}

struct row_ctx {
	struct sink *s;
	int fmt;
	struct jw w;
	struct wallclock clock;
	const struct route_cfg *cfg;
	const struct route_result *res;
};

static void csv_row(struct row_ctx *c, const struct route_hop *h, uint32_t i, const char *when)
{
	const struct route_probe *p = &h->probes[i];
	struct sink *s = c->s;
	char a[ADDR_LEN];

	sink__printf(s, "%s,%llu,probe,raw_socket,traceroute,", when,
		     (unsigned long long)p->sent_ns);
	csv_write_string(s, c->cfg->target, 256);
	sink__printf(s, ",%u,%s,%llu,%s,%u,%u,", c->cfg->flow.dport,
		     c->res->state != ROUTE_UNREACHED ? "true" : "false",
		     (unsigned long long)c->res->duration_ns, route_state_name(c->res->state),
		     p->ttl, p->index);
	if (p->reply != ROUTE_REPLY_NONE) {
		sink__puts(s, route_addr_str(c->cfg->flow.family, p->from, a, sizeof(a)));
		sink__putc(s, ',');
		csv_write_string(s, h->names[i], ROUTE_NAME_LEN);
		sink__printf(s, ",%llu", (unsigned long long)p->rtt_ns);
	} else {
		sink__puts(s, ",,");
	}
	sink__printf(s, ",%s\r\n", route_reply_name(p->reply));
}

static void json_row(struct row_ctx *c, const struct route_hop *h, uint32_t i, const char *when)
{
	const struct route_probe *p = &h->probes[i];
	struct jw *w = &c->w;
	char a[ADDR_LEN];

	if (c->fmt == FMT_NDJSON)
		jw__init(w, c->s, false);
	jw__obj_begin(w, NULL);
	jw__str(w, "time", when);
	jw__u64(w, "ts_ns", p->sent_ns);
	jw__str(w, "kind", "probe");
	jw__str(w, "source", "raw_socket");
	jw__str(w, "probe", "traceroute");
	jw__str(w, "target", c->cfg->target);
	jw__u64(w, "port", c->cfg->flow.dport);
	jw__bool(w, "success", c->res->state != ROUTE_UNREACHED);
	jw__u64(w, "duration_ns", c->res->duration_ns);
	jw__str(w, "state", route_state_name(c->res->state));
	jw__u64(w, "ttl", p->ttl);
	jw__u64(w, "probe_index", p->index);
	if (p->reply != ROUTE_REPLY_NONE) {
		jw__str(w, "addr", route_addr_str(c->cfg->flow.family, p->from, a, sizeof(a)));
		if (h->names[i][0])
			jw__strn(w, "name", h->names[i], ROUTE_NAME_LEN);
		else
			jw__null(w, "name");
		jw__u64(w, "rtt_ns", p->rtt_ns);
	} else {
		jw__null(w, "addr");
		jw__null(w, "name");
		jw__null(w, "rtt_ns");
	}
	jw__str(w, "reply", route_reply_name(p->reply));
	jw__obj_end(w);
	if (c->fmt == FMT_NDJSON)
		sink__putc(c->s, '\n');
}

void route_out__rows(struct sink *s, int fmt, const struct route_cfg *cfg,
		     const struct route_result *res)
{
	struct row_ctx c = { .s = s, .fmt = fmt, .cfg = cfg, .res = res };
	char when[WALLCLOCK_LEN];

	wallclock__init(&c.clock);
	if (fmt == FMT_CSV)
		sink__puts(s, "time,ts_ns,kind,source,probe,target,port,success,duration_ns,state,"
			      "ttl,probe_index,addr,name,rtt_ns,reply\r\n");
	if (fmt == FMT_JSON) {
		jw__init(&c.w, s, false);
		jw__arr_begin(&c.w, NULL);
	}
	for (uint32_t h = 0; h < res->nhops; h++) {
		for (uint32_t i = 0; i < cfg->probes; i++) {
			wallclock__format(&c.clock, res->hops[h].probes[i].sent_ns, when);
			if (fmt == FMT_CSV)
				csv_row(&c, &res->hops[h], i, when);
			else
				json_row(&c, &res->hops[h], i, when);
			sink__end_record(s);
		}
	}
	if (fmt == FMT_JSON) {
		jw__arr_end(&c.w);
		sink__putc(s, '\n');
	}
}
