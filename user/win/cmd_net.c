// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_net.c (Windows): `vigil net [KIND]` (psutil.net_connections: inet by default, or tcp, tcp4,
 * udp6, all ...), `vigil net io` (net_io_counters per NIC) and `vigil net addrs|stats`
 * (net_if_addrs with net_if_stats), as tables or JSON, the same syntax as the Linux command. An
 * unknown owner pid prints as "-".
 */
#include "fbcmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fallback.h"
#include "wjson.h"

static const char *type_name(int type)
{
	return type == 1 ? "tcp" : type == 2 ? "udp" : type == 5 ? "seqpacket" : "?";
}

static void ep_text(const struct fb_sockaddr *a, char *buf, size_t len)
{
	if (!a->valid)
		snprintf(buf, len, "-");
	else if (a->port || strchr(a->addr, '.') || strchr(a->addr, ':'))
		snprintf(buf, len, strchr(a->addr, ':') ? "[%s]:%u" : "%s:%u", a->addr, a->port);
	else
		snprintf(buf, len, "%s", a->addr[0] ? a->addr : "-");
}

static int conns(const struct fbcmd_opts *o, const char *kind_s)
{
	enum fb_conn_kind kind = FB_KIND_INET;
	struct fb_conn *c;
	struct fj j;
	size_t n;
	int err;

	if (kind_s && fb_conn_kind_parse(kind_s, &kind)) {
		fprintf(stderr, "vigil net: KIND: expected inet, inet4, inet6, tcp, tcp4, "
				"tcp6, udp, udp4, udp6, unix or all\n");
		return FBCMD_USAGE;
	}
	err = fb_net_connections(kind, &c, &n);
	if (err)
		return fbcmd_fail("net", "net_connections", err);
	if (o->json) {
		fj__init(&j, stdout);
		fj__arr(&j, NULL);
	} else {
		printf("%-5s %-46s %-46s %-12s %s\n", "PROTO", "LADDR", "RADDR", "STATUS", "PID");
	}
	for (size_t i = 0; i < n; i++) {
		const char *st = fb_conn_status_name(c[i].status);

		if (o->json) {
			fj__obj(&j, NULL);
			fj__s64(&j, "fd", c[i].fd);
			fj__s64(&j, "family", c[i].family);
			fj__s64(&j, "type", c[i].type);
			fj__str(&j, "laddr", c[i].laddr.valid ? c[i].laddr.addr : "");
			fj__u64_if(&j, "lport", c[i].laddr.valid, c[i].laddr.port);
			fj__str(&j, "raddr", c[i].raddr.valid ? c[i].raddr.addr : "");
			fj__u64_if(&j, "rport", c[i].raddr.valid, c[i].raddr.port);
			fj__str(&j, "status", st);
			fj__u64_if(&j, "pid", c[i].pid >= 0, (uint64_t)c[i].pid);
			fj__end(&j);
		} else {
			char l[FB_ADDR_LEN + 8], r[FB_ADDR_LEN + 8], pid[16] = "-";

			ep_text(&c[i].laddr, l, sizeof(l));
			ep_text(&c[i].raddr, r, sizeof(r));
			if (c[i].pid >= 0)
				snprintf(pid, sizeof(pid), "%d", (int)c[i].pid);
			printf("%-5s %-46s %-46s %-12s %s\n", type_name(c[i].type), l, r, st, pid);
		}
	}
	if (o->json)
		fj__end(&j);
	free(c);
	return 0;
}

static int io(const struct fbcmd_opts *o)
{
	struct fb_net_io *v;
	struct fj j;
	size_t n;
	int err = fb_net_io_counters(true, NULL, &v, &n);

	if (err)
		return fbcmd_fail("net", "net_io_counters", err);
	if (o->json) {
		fj__init(&j, stdout);
		fj__obj(&j, NULL);
	} else {
		printf("%-16s %14s %14s %12s %12s %8s %8s %8s %8s\n", "NIC", "BYTES_SENT",
		       "BYTES_RECV", "PKTS_SENT", "PKTS_RECV", "ERRIN", "ERROUT", "DROPIN",
		       "DROPOUT");
	}
	for (size_t i = 0; i < n; i++) {
		if (o->json) {
			fj__obj(&j, v[i].name);
			fj__u64(&j, "bytes_sent", v[i].bytes_sent);
			fj__u64(&j, "bytes_recv", v[i].bytes_recv);
			fj__u64(&j, "packets_sent", v[i].packets_sent);
			fj__u64(&j, "packets_recv", v[i].packets_recv);
			fj__u64(&j, "errin", v[i].errin);
			fj__u64(&j, "errout", v[i].errout);
			fj__u64(&j, "dropin", v[i].dropin);
			fj__u64(&j, "dropout", v[i].dropout);
			fj__end(&j);
		} else {
			printf("%-16s %14llu %14llu %12llu %12llu %8llu %8llu %8llu %8llu\n",
			       v[i].name, (unsigned long long)v[i].bytes_sent,
			       (unsigned long long)v[i].bytes_recv,
			       (unsigned long long)v[i].packets_sent,
			       (unsigned long long)v[i].packets_recv,
			       (unsigned long long)v[i].errin, (unsigned long long)v[i].errout,
			       (unsigned long long)v[i].dropin, (unsigned long long)v[i].dropout);
		}
	}
	if (o->json)
		fj__end(&j);
	free(v);
	return 0;
}

static int ifs(const struct fbcmd_opts *o)
{
	struct fb_if_addr *a;
	struct fb_if_stats *s;
	size_t na, ns;
	struct fj j;
	int err = fb_net_if_addrs(&a, &na);

	if (err)
		return fbcmd_fail("net", "net_if_addrs", err);
	err = fb_net_if_stats(&s, &ns);
	if (err) {
		free(a);
		return fbcmd_fail("net", "net_if_stats", err);
	}
	if (o->json) {
		fj__init(&j, stdout);
		fj__obj(&j, NULL);
	}
	for (size_t i = 0; i < ns; i++) {
		if (o->json) {
			fj__obj(&j, s[i].name);
			fj__bool(&j, "isup", s[i].isup);
			fj__s64(&j, "speed", s[i].speed);
			fj__s64(&j, "mtu", s[i].mtu);
			fj__arr(&j, "addrs");
		} else {
			printf("%s: %s mtu %d speed %d %s\n", s[i].name, s[i].isup ? "up" : "down",
			       s[i].mtu, s[i].speed, s[i].flags);
		}
		for (size_t k = 0; k < na; k++) {
			if (strcmp(a[k].name, s[i].name))
				continue;
			if (o->json) {
				fj__obj(&j, NULL);
				fj__s64(&j, "family", a[k].family);
				fj__str(&j, "address", a[k].address);
				if (a[k].valid & FB_IFA_NETMASK)
					fj__str(&j, "netmask", a[k].netmask);
				else
					fj__null(&j, "netmask");
				fj__end(&j);
			} else {
				printf("    %s%s%s\n", a[k].address,
				       a[k].valid & FB_IFA_NETMASK ? " netmask " : "",
				       a[k].valid & FB_IFA_NETMASK ? a[k].netmask : "");
			}
		}
		if (o->json) {
			fj__end(&j);
			fj__end(&j);
		}
	}
	if (o->json)
		fj__end(&j);
	free(a);
	free(s);
	return 0;
}

int cmd_net(int argc, char **argv)
{
	struct fbcmd_opts o;
	char *pos[2];
	int npos, err;

	err = fbcmd_parse("net", "[KIND] | io | addrs | stats  [--format table|json]", "", argc,
			  argv, &o, pos, &npos, 1);
	if (err)
		return err == 1 ? 0 : err;
	if (npos && !strcmp(pos[0], "io"))
		return io(&o);
	if (npos && (!strcmp(pos[0], "addrs") || !strcmp(pos[0], "stats")))
		return ifs(&o);
	return conns(&o, npos ? pos[0] : NULL);
}
