// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_ip.c: `vigil ip CIDR...`: the address calculator of IPy's role. For each network: its
 * version, network, netmask, broadcast, prefix length, size, first and last address, the
 * address type as IPy's iptype() names it, and the reverse zones (reverseName() and
 * reverseNames()); with --contains/--overlaps/--compare B, how it relates to B by IPy's
 * rules; with --list, its addresses (networks of up to 2^16 only). A prefix with host bits
 * set is refused as IPy refuses it, unless --loose. Table, CSV, JSON or NDJSON.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "export/export.h"
#include "export/json.h"
#include "export/output.h"
#include "net/net_addrset.h"
#include "net/net_ip.h"

enum { OPT_CONTAINS = CLI_COMMON_MAX, OPT_OVERLAPS, OPT_COMPARE, OPT_LIST, OPT_LOOSE };

struct ip_args {
	const char *contains, *overlaps, *compare; /* B of each relation, as given */
	bool list;
	bool loose;
};

static const struct cli_opt ip_opts[] = {
	CLI_OPT_FORMAT_TOOL,
	CLI_OPT_OUTPUT,
	{ "contains", 0, "B", OPT_CONTAINS, "an IPv4 or IPv6 address or prefix",
	  "whether each network contains B (IPy: B in A)" },
	{ "overlaps", 0, "B", OPT_OVERLAPS, "an IPv4 or IPv6 address or prefix",
	  "IPy's A.overlaps(B): 1 if B starts inside A, -1 if A starts inside B, else 0" },
	{ "compare", 0, "B", OPT_COMPARE, "an IPv4 or IPv6 address or prefix",
	  "IPy's ordering of A and B: -1, 0 or 1 (version, first address, prefix length)" },
	{ "list", 'l', NULL, OPT_LIST, NULL, "print each address of the network (up to 65536)" },
	{ "loose", 0, NULL, OPT_LOOSE, NULL,
	  "accept host bits set (10.0.0.1/8 as 10.0.0.0/8, IPy's make_net)" },
	CLI_OPT_END,
};

static int ip_set(void *ctx, int id, const char *arg)
{
	struct ip_args *a = ctx;

	switch (id) {
	case OPT_CONTAINS:
		a->contains = arg;
		return 0;
	case OPT_OVERLAPS:
		a->overlaps = arg;
		return 0;
	case OPT_COMPARE:
		a->compare = arg;
		return 0;
	case OPT_LIST:
		a->list = true;
		return 0;
	case OPT_LOOSE:
		a->loose = true;
		return 0;
	}
	return -EINVAL;
}

static const struct cli_cmd ip_cmd = {
	.name = "ip",
	.usage = "vigil ip CIDR... [--contains B] [--overlaps B] [--compare B] [--list] [--loose]",
	.summary = "An address calculator, as IPy: version, network, netmask, broadcast, size,\n"
		   "first and last address, type, reverse zones; containment, overlap, order.",
	.details = "Examples: vigil ip 10.0.0.0/8 2001:db8::/32\n"
		   "          vigil ip 10.0.0.0/16 --compare 10.0.0.0/24   (-1: IPy's order)\n"
		   "          vigil ip 192.168.0.0/30 --list -f csv\n"
		   "A CIDR with host bits set (10.0.0.1/8) is refused unless --loose.",
	.examples = "vigil ip 10.0.0.0/8 --contains 10.1.2.3\n"
		    "vigil ip 192.168.0.0/24 --list",
	.opts = ip_opts,
	.set = ip_set,
};

/* Parse a network named by flag ("" for a CIDR argument); exit status 2 after a message. */
static int ip_parse(const char *s, const char *flag, bool loose, struct ip_net *n)
{
	int err = ip_net__parse(s, loose ? ADDRSET_F_LOOSE : 0, n);
	char net[IP_STRLEN];

	if (err == -EDOM) {
		ip_net__parse(s, ADDRSET_F_LOOSE, n);
		cli_error(&ip_cmd,
			  "%s%s'%s' has host bits set past its prefix length (IPy refuses it too): "
			  "the network is %s; add --loose to take it so",
			  flag, *flag ? ": " : "", s, ip_net__format(n, net, sizeof(net)));
		return EXIT_USAGE;
	}
	if (err) {
		cli_error(&ip_cmd, "%s%s'%s' is not an IPv4 or IPv6 address or prefix", flag,
			  *flag ? ": " : "", s);
		return EXIT_USAGE;
	}
	return 0;
}

struct names {
	struct output *o;
	struct jw *w;
	int n;
};

static void name_out(void *ctx, const char *name)
{
	struct names *x = ctx;

	if (x->o->fmt == FMT_JSON || x->o->fmt == FMT_NDJSON) {
		jw__str(x->w, NULL, name);
		return;
	}
	if (x->n++)
		sink__putc(x->o->sink, ' ');
	sink__puts(x->o->sink, name);
}

static const char *const ip_cols[] = {
	"cidr", "version", "network", "prefixlen", "netmask",	   "broadcast",
	"size", "first",   "last",    "type",	   "reverse_name", "reverse_names",
};

/* The relations asked for, against their B networks (b[0..2]: contains, overlaps, compare). */
struct ip_rel {
	const char *text[3];
	struct ip_net b[3];
};

static const char *const rel_cols[] = { "contains", "overlaps", "compare" };

static void ip_relation(const struct ip_net *a, const struct ip_rel *rel, int i, char *buf,
			size_t len)
{
	if (i == 0)
		snprintf(buf, len, "%s", ip_net__contains(a, &rel->b[0]) ? "true" : "false");
	else if (i == 1)
		snprintf(buf, len, "%d", ip_net__overlaps(a, &rel->b[1]));
	else
		snprintf(buf, len, "%d", ip_net__compare(a, &rel->b[2]));
}

static void ip_row(struct output *o, struct jw *w, const struct ip_net *n, const struct ip_rel *rel)
{
	char v[12][IP_STRLEN], rev[IP_REVNAME_LEN], r[8];
	bool has_rev = !ip_net__reverse_name(n, rev, sizeof(rev));
	struct names names = { .o = o, .w = w };
	struct sink *s = o->sink;

	ip_net__format(n, v[0], sizeof(v[0]));
	snprintf(v[1], sizeof(v[1]), "%u", n->version);
	ip_addr__format(n->version, n->ip, v[2], sizeof(v[2]));
	snprintf(v[3], sizeof(v[3]), "%u", n->plen);
	ip_addr__format(n->version, ip_net__netmask(n), v[4], sizeof(v[4]));
	ip_addr__format(n->version, ip_net__last(n), v[5], sizeof(v[5]));
	ip_net__size(n, v[6], sizeof(v[6]));
	ip_addr__format(n->version, n->ip, v[7], sizeof(v[7]));
	ip_addr__format(n->version, ip_net__last(n), v[8], sizeof(v[8]));
	snprintf(v[9], sizeof(v[9]), "%s", ip_net__type(n));
	if (o->fmt == FMT_JSON || o->fmt == FMT_NDJSON) {
		if (o->fmt == FMT_NDJSON)
			jw__init(w, s, false);
		jw__obj_begin(w, NULL);
		for (int i = 0; i < 10; i++) {
			if (i == 1 || i == 3)
				jw__u64(w, ip_cols[i], strtoull(v[i], NULL, 10));
			else if (i == 6)
				jw__num(w, ip_cols[i], v[i]);
			else
				jw__str(w, ip_cols[i], v[i]);
		}
		if (has_rev)
			jw__str(w, "reverse_name", rev);
		else
			jw__null(w, "reverse_name");
		jw__arr_begin(w, "reverse_names");
		ip_net__reverse_names(n, name_out, &names);
		jw__arr_end(w);
		for (int i = 0; i < 3; i++) {
			if (!rel->text[i])
				continue;
			ip_relation(n, rel, i, r, sizeof(r));
			if (i == 0)
				jw__bool(w, rel_cols[i], ip_net__contains(n, &rel->b[0]));
			else
				jw__s64(w, rel_cols[i], strtoll(r, NULL, 10));
			jw__str(w,
				i == 0	 ? "contains_b"
				: i == 1 ? "overlaps_b"
					 : "compare_b",
				rel->text[i]);
		}
		jw__obj_end(w);
		if (o->fmt == FMT_NDJSON)
			sink__putc(s, '\n');
		return;
	}
	if (o->fmt == FMT_CSV) {
		for (int i = 0; i < 10; i++) {
			csv_write_string(s, v[i], sizeof(v[i]));
			sink__putc(s, ',');
		}
		if (has_rev)
			csv_write_string(s, rev, sizeof(rev));
		sink__putc(s, ',');
		/* names are dots, digits and letters: no quoting needed */
		ip_net__reverse_names(n, name_out, &names);
		for (int i = 0; i < 3; i++) {
			if (!rel->text[i])
				continue;
			ip_relation(n, rel, i, r, sizeof(r));
			sink__printf(s, ",%s", r);
		}
		sink__puts(s, "\r\n");
		return;
	}
	for (int i = 0; i < 10; i++)
		sink__printf(s, "%-14s %s\n", ip_cols[i], v[i]);
	sink__printf(s, "%-14s %s\n", "reverse_name", has_rev ? rev : "-");
	sink__printf(s, "%-14s ", "reverse_names");
	ip_net__reverse_names(n, name_out, &names);
	sink__putc(s, '\n');
	for (int i = 0; i < 3; i++) {
		if (!rel->text[i])
			continue;
		ip_relation(n, rel, i, r, sizeof(r));
		sink__printf(s, "%-14s %s (B = %s)\n", rel_cols[i], r, rel->text[i]);
	}
}

static void ip_header(struct output *o, const struct ip_rel *rel, bool list)
{
	if (o->fmt != FMT_CSV)
		return;
	if (list) {
		sink__puts(o->sink, "cidr,address\r\n");
		return;
	}
	for (int i = 0; i < 12; i++)
		sink__printf(o->sink, "%s%s", i ? "," : "", ip_cols[i]);
	for (int i = 0; i < 3; i++) {
		if (rel->text[i])
			sink__printf(o->sink, ",%s", rel_cols[i]);
	}
	sink__puts(o->sink, "\r\n");
}

/* --list: every address of n, one record (or line) each. */
static void ip_list(struct output *o, struct jw *w, const struct ip_net *n)
{
	ip_u128 count = ip_net__last(n) - n->ip + 1;
	char net[IP_STRLEN], addr[IP_STRLEN];

	ip_net__format(n, net, sizeof(net));
	for (ip_u128 i = 0; i < count; i++) {
		ip_addr__format(n->version, n->ip + i, addr, sizeof(addr));
		if (o->fmt == FMT_TABLE) {
			sink__printf(o->sink, "%s\n", addr);
		} else if (o->fmt == FMT_CSV) {
			sink__printf(o->sink, "%s,%s\r\n", net, addr);
		} else {
			if (o->fmt == FMT_NDJSON)
				jw__init(w, o->sink, false);
			jw__obj_begin(w, NULL);
			jw__str(w, "cidr", net);
			jw__str(w, "address", addr);
			jw__obj_end(w);
			if (o->fmt == FMT_NDJSON)
				sink__putc(o->sink, '\n');
		}
	}
}

int cmd_ip(int argc, char **argv)
{
	struct ip_args a = { 0 };
	struct cli_common common = { 0 };
	struct ip_net *nets = NULL;
	struct ip_rel rel = { 0 };
	struct output out;
	int first, n, rc = EXIT_USAGE;
	struct jw w;
	bool help;

	first = cli_parse(&ip_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	n = argc - first;
	if (n < 1) {
		cli_error(&ip_cmd, "name at least one CIDR, e.g. 'vigil ip 10.0.0.0/8'");
		return EXIT_USAGE;
	}
	if (a.list && (a.contains || a.overlaps || a.compare) &&
	    cli_refuse_with(&ip_cmd, &common, OPT_LIST, "--contains/--overlaps/--compare"))
		return EXIT_USAGE;
	rel.text[0] = a.contains;
	rel.text[1] = a.overlaps;
	rel.text[2] = a.compare;
	for (int i = 0; i < 3; i++) {
		static const char *const flags[] = { "--contains", "--overlaps", "--compare" };

		if (rel.text[i] && ip_parse(rel.text[i], flags[i], a.loose, &rel.b[i]))
			return EXIT_USAGE;
	}
	nets = calloc((size_t)n, sizeof(*nets));
	if (!nets)
		return 1;
	for (int i = 0; i < n; i++) {
		if (ip_parse(argv[first + i], "", a.loose, &nets[i]))
			goto free_nets;
		if (a.list && ip_net__bits(&nets[i]) - nets[i].plen > IP_LIST_MAX_BITS) {
			char net[IP_STRLEN], size[IP_SIZE_STRLEN];

			cli_error(&ip_cmd,
				  "--list: %s has %s addresses; --list prints networks of up to "
				  "%u (a /%u or longer)",
				  ip_net__format(&nets[i], net, sizeof(net)),
				  ip_net__size(&nets[i], size, sizeof(size)),
				  1U << IP_LIST_MAX_BITS,
				  ip_net__bits(&nets[i]) - IP_LIST_MAX_BITS);
			goto free_nets;
		}
	}
	rc = 1;
	if (output__open(&out, &ip_cmd, &common, FMT_TABLE, 0))
		goto free_nets;
	ip_header(&out, &rel, a.list);
	if (out.fmt == FMT_JSON) {
		jw__init(&w, out.sink, false);
		jw__arr_begin(&w, NULL);
	}
	for (int i = 0; i < n; i++) {
		if (out.fmt == FMT_TABLE && i && !a.list)
			sink__putc(out.sink, '\n');
		if (a.list)
			ip_list(&out, &w, &nets[i]);
		else
			ip_row(&out, &w, &nets[i], &rel);
	}
	if (out.fmt == FMT_JSON) {
		jw__arr_end(&w);
		sink__putc(out.sink, '\n');
	}
	rc = output__close(&out) ? 1 : 0;
free_nets:
	free(nets);
	return rc;
}
