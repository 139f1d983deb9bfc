// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_route_svg.c: the traceroute drawn as a self-contained SVG report, read at a glance:
 * the path runs top down from this host to the target, one row per hop with its node
 * coloured by loss (green none, amber some, red all), the address and reverse name that
 * answered, the RTT as a bar (median) with a whisker (min to max) on one scale for all hops,
 * and the loss as a number; below the last hop, the end state: open (SYN-ACK), closed (RST)
 * or unreached. Each hop is one <g class="hop"> whose <title> lists every probe. Names come
 * from DNS and are escaped as XML text (escape.h), so the file parses whatever they hold.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "export/escape.h"
#include "probe/probe_route_svg.h"
#include "tcp/tcp_addr.h"

#define C_OK	  "#2e9e44"
#define C_SOME	  "#e0a000"
#define C_ALL	  "#d0342c"
#define C_TEXT	  "#222"
#define C_MUTED	  "#666"
#define NODE_X	  40
#define TEXT_X	  64
#define MIN_SCALE 100000ULL /* 0.1 ms: a LAN path still gets visible bars */

/* The smallest 1, 2 or 5 times a power of ten that is >= v. */
static uint64_t nice_scale(uint64_t v)
{
	uint64_t p = 1;

	if (v < MIN_SCALE)
		v = MIN_SCALE;
	while (p <= UINT64_MAX / 10 && p * 10 < v)
		p *= 10;
	if (p >= v)
		return p;
	if (2 * p >= v)
		return 2 * p;
	if (5 * p >= v)
		return 5 * p;
	return 10 * p;
}

static int px(uint64_t ns, uint64_t scale)
{
	return (int)((double)ns / (double)scale * ROUTE_SVG_BAR_W + 0.5);
}

void route_svg__layout(const struct route_cfg *cfg, const struct route_result *res,
		       struct route_svg_layout *l)
{
	struct route_hop_stats st;
	uint64_t top = 0;

	memset(l, 0, sizeof(*l));
	for (uint32_t h = 0; h < res->nhops; h++) {
		route_hop__stats(&res->hops[h], cfg->probes, &st);
		if (st.max_ns > top)
			top = st.max_ns;
	}
	l->scale_ns = nice_scale(top);
	l->width = ROUTE_SVG_WIDTH;
	l->height = ROUTE_SVG_TOP + (int)res->nhops * ROUTE_SVG_ROW + ROUTE_SVG_FOOTER;
	for (uint32_t h = 0; h < res->nhops; h++) {
		struct route_svg_row *r = &l->rows[h];

		route_hop__stats(&res->hops[h], cfg->probes, &st);
		r->y = ROUTE_SVG_TOP + (int)h * ROUTE_SVG_ROW;
		if (!st.answered)
			continue;
		r->bar_w = px(st.median_ns, l->scale_ns);
		if (r->bar_w < 1)
			r->bar_w = 1;
		r->whisker_x0 = px(st.min_ns, l->scale_ns);
		r->whisker_x1 = px(st.max_ns, l->scale_ns);
	}
}

static const char *loss_color(const struct route_hop_stats *st)
{
	return !st->answered ? C_ALL : st->answered < st->sent ? C_SOME : C_OK;
}

static void fmt_ms(char *buf, size_t len, uint64_t ns)
{
	snprintf(buf, len, "%.3f ms", (double)ns / 1e6);
}

/* The hop's tooltip: one line per probe. */
static void hop_title(struct sink *s, const struct route_cfg *cfg, const struct route_hop *hop)
{
	char a[TCP_ADDR_STRLEN], ms[32];

	sink__printf(s, "<title>hop %u", hop->ttl);
	for (uint32_t i = 0; i < cfg->probes; i++) {
		const struct route_probe *p = &hop->probes[i];

		sink__printf(s, "\nprobe %u: %s", i + 1, route_reply_name(p->reply));
		if (p->reply == ROUTE_REPLY_NONE)
			continue;
		fmt_ms(ms, sizeof(ms), p->rtt_ns);
		sink__printf(s, " from %s in %s",
			     route_addr_str(cfg->flow.family, p->from, a, sizeof(a)), ms);
	}
	sink__puts(s, "</title>\n");
}

static void hop_row(struct sink *s, const struct route_cfg *cfg, const struct route_result *res,
		    const struct route_svg_layout *l, uint32_t h)
{
	const struct route_hop *hop = &res->hops[h];
	const struct route_svg_row *r = &l->rows[h];
	char a[TCP_ADDR_STRLEN], lo[32], med[32], hi[32];
	struct route_hop_stats st;
	int cy = r->y + ROUTE_SVG_ROW / 2;

	route_hop__stats(hop, cfg->probes, &st);
	sink__printf(s, "<g class=\"hop\" id=\"hop-%u\">\n", hop->ttl);
	hop_title(s, cfg, hop);
	sink__printf(s, "<text x=\"8\" y=\"%d\" fill=\"%s\">%u</text>\n", cy + 5, C_MUTED,
		     hop->ttl);
	sink__printf(s, "<circle cx=\"%d\" cy=\"%d\" r=\"9\" fill=\"%s\"/>\n", NODE_X, cy,
		     loss_color(&st));
	if (st.first < 0) {
		sink__printf(s, "<text x=\"%d\" y=\"%d\" fill=\"%s\">* no reply</text>\n", TEXT_X,
			     cy - 2, C_ALL);
	} else {
		const struct route_probe *p = &hop->probes[st.first];

		sink__printf(s, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s", TEXT_X, cy - 2,
			     route_addr_str(cfg->flow.family, p->from, a, sizeof(a)));
		if (hop->names[st.first][0]) {
			sink__puts(s, "<tspan font-weight=\"normal\" fill=\"" C_MUTED "\"> ");
			esc_xml_write(s, hop->names[st.first]);
			sink__puts(s, "</tspan>");
		}
		sink__puts(s, "</text>\n");
		fmt_ms(lo, sizeof(lo), st.min_ns);
		fmt_ms(med, sizeof(med), st.median_ns);
		fmt_ms(hi, sizeof(hi), st.max_ns);
		sink__printf(s,
			     "<rect class=\"rtt\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"12\" "
			     "fill=\"#4a7ab5\"/>\n"
			     "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>\n",
			     ROUTE_SVG_BAR_X, cy - 12, r->bar_w, ROUTE_SVG_BAR_X + r->whisker_x0,
			     cy - 6, ROUTE_SVG_BAR_X + r->whisker_x1, cy - 6, C_TEXT);
		sink__printf(s,
			     "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"%s\">rtt %s "
			     "(min %s, max %s)</text>\n",
			     ROUTE_SVG_BAR_X, cy + 12, C_MUTED, med, lo, hi);
	}
	sink__printf(s, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"%s\">loss %.0f%% (%u/%u)",
		     TEXT_X, cy + 13, st.answered < st.sent ? loss_color(&st) : C_MUTED,
		     st.loss * 100, st.sent - st.answered, st.sent);
	if (st.first >= 0 && hop->probes[st.first].reply == ROUTE_REPLY_SYN_ACK)
		sink__puts(s, ", the target: SYN-ACK");
	else if (st.first >= 0 && hop->probes[st.first].reply == ROUTE_REPLY_RST)
		sink__puts(s, ", the target: RST");
	sink__puts(s, "</text>\n</g>\n");
}

static void end_state(struct sink *s, const struct route_cfg *cfg, const struct route_result *res,
		      const struct route_svg_layout *l)
{
	static const char *const color[] = { C_ALL, C_OK, C_SOME };
	int y = ROUTE_SVG_TOP + (int)res->nhops * ROUTE_SVG_ROW + 14;

	sink__printf(s,
		     "<g class=\"end\" id=\"end-%s\">\n<rect x=\"%d\" y=\"%d\" width=\"%d\" "
		     "height=\"36\" rx=\"6\" fill=\"%s\"/>\n",
		     route_state_name(res->state), NODE_X - 20, y, l->width - 2 * (NODE_X - 20),
		     color[res->state]);
	sink__printf(s, "<text x=\"%d\" y=\"%d\" fill=\"#fff\" font-weight=\"bold\">port %u %s",
		     NODE_X, y + 23, cfg->flow.dport, route_state_name(res->state));
	if (res->state == ROUTE_OPEN)
		sink__printf(s, ": SYN-ACK at hop %u", res->nhops);
	else if (res->state == ROUTE_CLOSED)
		sink__printf(s, ": RST at hop %u", res->nhops);
	else
		sink__printf(s, ": no answer from the target in %u hop%s", res->nhops,
			     res->nhops == 1 ? "" : "s");
	sink__printf(s, "; %u probes, %u lost, %.3f s</text>\n</g>\n", res->sent,
		     res->sent - res->answered, (double)res->duration_ns / 1e9);
}

int route_svg__write(struct sink *s, const struct route_cfg *cfg, const struct route_result *res)
{
	struct route_svg_layout l;
	char dst[TCP_ADDR_STRLEN], src[TCP_ADDR_STRLEN], scale[32];

	route_svg__layout(cfg, res, &l);
	fmt_ms(scale, sizeof(scale), l.scale_ns);
	sink__puts(s, "<?xml version=\"1.0\" standalone=\"no\"?>\n");
	sink__printf(s,
		     "<svg version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		     "xmlns=\"http://www.w3.org/2000/svg\" font-family=\"Verdana, sans-serif\" "
		     "font-size=\"13\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
		     l.width, l.height, l.width, l.height);
	sink__puts(s, "<text x=\"8\" y=\"24\" font-size=\"17\" font-weight=\"bold\">TCP traceroute "
		      "to ");
	esc_xml_write(s, cfg->target);
	sink__printf(s, " (%s) port %u</text>\n",
		     route_addr_str(cfg->flow.family, cfg->flow.dst, dst, sizeof(dst)),
		     cfg->flow.dport);
	sink__printf(s,
		     "<text x=\"8\" y=\"46\" fill=\"%s\">from %s, %u probes per hop, timeout "
		     "%.3f s</text>\n",
		     C_MUTED, route_addr_str(cfg->flow.family, cfg->flow.src, src, sizeof(src)),
		     cfg->probes, (double)cfg->timeout_ns / 1e9);
	sink__printf(
		s,
		"<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"%s\">0</text>\n<text x=\"%d\" "
		"y=\"%d\" font-size=\"11\" fill=\"%s\" text-anchor=\"end\">%s</text>\n",
		ROUTE_SVG_BAR_X, ROUTE_SVG_TOP - 6, C_MUTED, ROUTE_SVG_BAR_X + ROUTE_SVG_BAR_W,
		ROUTE_SVG_TOP - 6, C_MUTED, scale);
	if (res->nhops)
		sink__printf(s,
			     "<line class=\"path\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			     "stroke=\"#999\" stroke-width=\"3\"/>\n",
			     NODE_X, ROUTE_SVG_TOP + ROUTE_SVG_ROW / 2, NODE_X,
			     ROUTE_SVG_TOP + (int)(res->nhops - 1) * ROUTE_SVG_ROW +
				     ROUTE_SVG_ROW / 2);
	for (uint32_t h = 0; h < res->nhops; h++)
		hop_row(s, cfg, res, &l, h);
	end_state(s, cfg, res, &l);
	sink__puts(s, "</svg>\n");
	return sink__error(s);
}
