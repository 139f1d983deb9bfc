// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_route_out.c: the traceroute's text output. The table reads as traceroute's and
 * tcptraceroute's do: one line per hop, the address (and its name) that answered, each
 * probe's RTT or `*`, a new address before the RTT of a probe that another router answered,
 * `[open]` or `[closed]` at the target, traceroute's `!H`-style marks for an unreachable;
 * then one line saying how it ended; after repeated runs (--count), one line per hop with
 * its loss and min/avg/max RTT over every run, as mtr's report. probe_route_rows.c has the
 * csv/json/ndjson rows.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "export/escape.h"
#include "export/export.h"
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
		sink__printf(s, " after %u hop%s", res->nhops, res->nhops == 1 ? "" : "s");
	sink__printf(s, "; %u probes sent, %u lost, %.3f s\n", res->sent, res->sent - res->answered,
		     (double)res->duration_ns / 1e9);
}

void route_sum__add(struct route_sum *sum, const struct route_cfg *cfg,
		    const struct route_result *res)
{
	sum->runs++;
	if (res->state != ROUTE_UNREACHED)
		sum->reached++;
	if (res->nhops > sum->nhops)
		sum->nhops = res->nhops;
	for (uint32_t h = 0; h < res->nhops; h++) {
		struct route_hop_sum *hs = &sum->hops[h];

		for (uint32_t i = 0; i < cfg->probes; i++) {
			const struct route_probe *p = &res->hops[h].probes[i];

			if (!p->sent_ns)
				continue;
			hs->sent++;
			if (p->reply == ROUTE_REPLY_NONE)
				continue;
			if (!hs->answered++ || p->rtt_ns < hs->min_ns)
				hs->min_ns = p->rtt_ns;
			if (p->rtt_ns > hs->max_ns)
				hs->max_ns = p->rtt_ns;
			hs->sum_ns += p->rtt_ns;
			if (!hs->has_addr) {
				memcpy(hs->addr, p->from, sizeof(hs->addr));
				hs->has_addr = true;
			}
		}
	}
}

void route_out__summary_table(struct sink *s, const struct route_cfg *cfg,
			      const struct route_sum *sum)
{
	char a[ADDR_LEN];

	sink__printf(s, "--- %s port %u: %u runs, the target answered in %u ---\n",
		     route_addr_str(cfg->flow.family, cfg->flow.dst, a, sizeof(a)), cfg->flow.dport,
		     sum->runs, sum->reached);
	sink__printf(s, "%3s  %-39s %5s %6s %9s %9s %9s\n", "hop", "address", "sent", "loss",
		     "min ms", "avg ms", "max ms");
	for (uint32_t h = 0; h < sum->nhops; h++) {
		const struct route_hop_sum *hs = &sum->hops[h];

		sink__printf(s, "%3u  %-39s %5u %5.1f%%", h + 1,
			     hs->has_addr ? route_addr_str(cfg->flow.family, hs->addr, a, sizeof(a))
					  : "*",
			     hs->sent, hs->sent ? 100.0 * (hs->sent - hs->answered) / hs->sent : 0);
		if (hs->answered)
			sink__printf(s, " %9.3f %9.3f %9.3f", (double)hs->min_ns / 1e6,
				     (double)hs->sum_ns / hs->answered / 1e6,
				     (double)hs->max_ns / 1e6);
		sink__putc(s, '\n');
	}
}
