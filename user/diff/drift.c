// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * drift.c: a `vigil snapshot` document read into drift items (drift.h), and two item sets
 * compared. The reader trusts nothing: a member of the wrong type is skipped, never
 * dereferenced, and a document that is not a snapshot of this format is refused with a
 * reason. What changes by itself is left out unless --include counters asks for it: the
 * snapshot writer itself (its "pid"), counters, connection counts, and the sysctls that
 * count (fs.file-nr, kernel.ns_last_pid, kernel.random.uuid, ...).
 */
#include "diff/drift.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cli/snapshot.h"

const char *const drift_change_names[3] = { "added", "removed", "changed" };

static const char *const sections[] = {
	"processes", "listening", "peers",  "users",	      "mounts",	 "disk_usage",
	"nic_addrs", "nic_state", "sysctl", "kernel_modules", "cgroups", "counters",
};
enum {
	S_PROC,
	S_LISTEN,
	S_PEERS,
	S_USERS,
	S_MOUNTS,
	S_DISK,
	S_ADDRS,
	S_NIC,
	S_SYSCTL,
	S_MODS,
	S_CGROUPS,
	S_COUNTERS
};

/* Sysctls that count rather than configure: compared only with --include counters. */
static const char *const volatile_sysctls[] = {
	"fs.dentry-state",
	"fs.file-nr",
	"fs.inode-nr",
	"fs.inode-state",
	"fs.aio-nr",
	"fs.quota.",
	"kernel.ns_last_pid",
	"kernel.pty.nr",
	"kernel.random.",
	"net.netfilter.nf_conntrack_count",
	NULL,
};

static bool sysctl_is_volatile(const char *name)
{
	for (int i = 0; volatile_sysctls[i]; i++) {
		size_t n = strlen(volatile_sysctls[i]);

		if (!strncmp(name, volatile_sysctls[i], n) &&
		    (volatile_sysctls[i][n - 1] == '.' || !name[n]))
			return true;
	}
	return false;
}

static int drift_add(struct drift_set *s, int sec, const char *key, const char *value, double start)
{
	struct drift_item *it;

	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 256;
		struct drift_item *nv = realloc(s->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		s->v = nv;
		s->cap = ncap;
	}
	it = &s->v[s->n];
	it->section = sections[sec];
	it->key = strdup(key);
	it->value = strdup(value ? value : "");
	it->start = start;
	if (!it->key || !it->value) {
		free(it->key);
		free(it->value);
		return -ENOMEM;
	}
	s->n++;
	return 0;
}

static const char *jstr(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

static double jnum(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* "a b c" from a list of strings, into buf. */
static void join_strings(json_t *arr, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; json_is_array(arr) && i < json_array_size(arr); i++) {
		const char *v = json_string_value(json_array_get(arr, i));
		int n;

		if (!v)
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? " " : "", v);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
}

static int load_procs(struct drift_set *s, json_t *procs, json_int_t self)
{
	char cmd[4096], key[8192], val[64];
	int err = 0;

	for (size_t i = 0; !err && i < json_array_size(procs); i++) {
		json_t *p = json_array_get(procs, i);
		json_t *pid = json_object_get(p, "pid");

		if (!json_is_object(p) || (json_is_integer(pid) && json_integer_value(pid) == self))
			continue;
		join_strings(json_object_get(p, "cmdline"), cmd, sizeof(cmd));
		if (!cmd[0])
			snprintf(cmd, sizeof(cmd), "[%s]", jstr(p, "name"));
		snprintf(key, sizeof(key), "%s %s%s%s%s",
			 *jstr(p, "username") ? jstr(p, "username") : "?", cmd,
			 *jstr(p, "exe") ? " (" : "", jstr(p, "exe"), *jstr(p, "exe") ? ")" : "");
		snprintf(val, sizeof(val), "pid %lld",
			 json_is_integer(pid) ? (long long)json_integer_value(pid) : -1LL);
		err = drift_add(s, S_PROC, key, val, jnum(p, "create_time"));
	}
	return err;
}

/* "ip:port" ("[ip6]:port") of an address [ip, port]; false if it is not one. */
static bool addr_text(json_t *a, char *buf, size_t len, const char **ip, json_int_t *port)
{
	json_t *h = json_array_get(a, 0), *p = json_array_get(a, 1);

	if (!json_is_array(a) || !json_is_string(h) || !json_is_integer(p))
		return false;
	*ip = json_string_value(h);
	*port = json_integer_value(p);
	snprintf(buf, len, strchr(*ip, ':') ? "[%s]:%lld" : "%s:%lld", *ip, (long long)*port);
	return true;
}

/* The remote network of ip: its /24 (IPv4) or /64 (IPv6). */
static void addr_net(const char *ip, char *buf, size_t len)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, ip, a) == 1) {
		a[3] = 0;
		inet_ntop(AF_INET, a, buf, (socklen_t)len);
		strncat(buf, "/24", len - strlen(buf) - 1);
	} else if (inet_pton(AF_INET6, ip, a) == 1) {
		memset(a + 8, 0, 8);
		inet_ntop(AF_INET6, a, buf, (socklen_t)len);
		strncat(buf, "/64", len - strlen(buf) - 1);
	} else {
		snprintf(buf, len, "%s", ip);
	}
}

/* pid -> "name (user)" from the processes list. */
static void proc_owner(json_t *procs, json_t *pid, char *buf, size_t len)
{
	snprintf(buf, len, "-");
	if (!json_is_integer(pid))
		return;
	for (size_t i = 0; i < json_array_size(procs); i++) {
		json_t *p = json_array_get(procs, i);
		json_t *pp = json_object_get(p, "pid");

		if (json_is_integer(pp) && json_integer_value(pp) == json_integer_value(pid)) {
			snprintf(buf, len, "%s (%s)", jstr(p, "name"), jstr(p, "username"));
			return;
		}
	}
}

static bool conn_is_listening(json_t *c)
{
	json_t *r = json_object_get(c, "raddr");
	json_t *type = json_object_get(c, "type");

	if (!strcmp(jstr(c, "status"), "LISTEN"))
		return true;
	return json_is_integer(type) && json_integer_value(type) == 2 && json_is_array(r) &&
	       !json_array_size(r);
}

static int load_conns(struct drift_set *s, json_t *conns, json_t *procs, const struct drift_opts *o)
{
	char a[128], key[320], val[320], net[64];
	struct drift_set peers = { 0 };
	int err = 0;

	/* listening sockets first: their ports tell inbound peers from outbound ones */
	for (size_t i = 0; !err && i < json_array_size(conns); i++) {
		json_t *c = json_array_get(conns, i);
		json_t *type = json_object_get(c, "type");
		const char *ip;
		json_int_t port;

		if (!json_is_object(c) || !conn_is_listening(c) ||
		    !addr_text(json_object_get(c, "laddr"), a, sizeof(a), &ip, &port))
			continue;
		snprintf(key, sizeof(key), "%s %s",
			 json_is_integer(type) && json_integer_value(type) == 2 ? "udp" : "tcp", a);
		proc_owner(procs, json_object_get(c, "pid"), val, sizeof(val));
		err = drift_add(s, S_LISTEN, key, val, NAN);
	}
	for (size_t i = 0; !err && i < json_array_size(conns); i++) {
		json_t *c = json_array_get(conns, i);
		const char *lip, *rip;
		json_int_t lport, rport;
		bool inbound = false;

		if (!json_is_object(c) || strcmp(jstr(c, "status"), "ESTABLISHED") ||
		    !addr_text(json_object_get(c, "laddr"), a, sizeof(a), &lip, &lport) ||
		    !addr_text(json_object_get(c, "raddr"), a, sizeof(a), &rip, &rport))
			continue;
		for (size_t k = 0; k < s->n; k++) {
			const char *colon = strrchr(s->v[k].key, ':');

			if (s->v[k].section == sections[S_LISTEN] && colon &&
			    atoll(colon + 1) == lport && !strncmp(s->v[k].key, "tcp", 3))
				inbound = true;
		}
		addr_net(rip, net, sizeof(net));
		if (inbound)
			snprintf(key, sizeof(key), "in from %s to port %lld", net,
				 (long long)lport);
		else
			snprintf(key, sizeof(key), "out to %s port %lld", net, (long long)rport);
		err = drift_add(&peers, S_PEERS, key, "", NAN);
	}
	/* one item per summary key; its count is a counter */
	for (size_t i = 0; !err && i < peers.n; i++) {
		size_t n = 1;

		if (!peers.v[i].key[0])
			continue;
		for (size_t k = i + 1; k < peers.n; k++) {
			if (!strcmp(peers.v[k].key, peers.v[i].key)) {
				peers.v[k].key[0] = '\0';
				n++;
			}
		}
		snprintf(val, sizeof(val), "%zu connections", n);
		err = drift_add(s, S_PEERS, peers.v[i].key, o->counters ? val : "", NAN);
	}
	drift_set__free(&peers);
	return err;
}

static int load_simple(struct drift_set *s, json_t *root, const struct drift_opts *o)
{
	char key[4352], val[4352];
	json_t *v, *sys;
	int err = 0;

	v = json_object_get(root, "users");
	for (size_t i = 0; !err && i < json_array_size(v); i++) {
		json_t *u = json_array_get(v, i);

		snprintf(key, sizeof(key), "%s %s %s", jstr(u, "name"), jstr(u, "terminal"),
			 jstr(u, "host"));
		snprintf(val, sizeof(val), "since %.0f", jnum(u, "started"));
		err = drift_add(s, S_USERS, key, val, NAN);
	}
	v = json_object_get(root, "mounts");
	for (size_t i = 0; !err && i < json_array_size(v); i++) {
		json_t *m = json_array_get(v, i);

		snprintf(val, sizeof(val), "%s %s %s", jstr(m, "fstype"), jstr(m, "device"),
			 jstr(m, "opts"));
		err = drift_add(s, S_MOUNTS, jstr(m, "mountpoint"), val, NAN);
	}
	v = json_object_get(root, "disk_partitions");
	for (size_t i = 0; !err && i < json_array_size(v); i++) {
		json_t *m = json_array_get(v, i);
		double pct = jnum(json_object_get(m, "disk_usage"), "percent");

		if (isnan(pct))
			continue;
		snprintf(val, sizeof(val), "%.1f%%", pct);
		err = drift_add(s, S_DISK, jstr(m, "mountpoint"), val, pct);
	}
	v = json_object_get(root, "net_if_addrs");
	for (void *it = json_object_iter(v); !err && it; it = json_object_iter_next(v, it)) {
		json_t *list = json_object_iter_value(it);

		for (size_t i = 0; !err && i < json_array_size(list); i++) {
			json_t *a = json_array_get(list, i);

			snprintf(key, sizeof(key), "%s %s", json_object_iter_key(it),
				 jstr(a, "address"));
			snprintf(val, sizeof(val), "netmask %s",
				 *jstr(a, "netmask") ? jstr(a, "netmask") : "-");
			err = drift_add(s, S_ADDRS, key, val, NAN);
		}
	}
	v = json_object_get(root, "net_if_stats");
	for (void *it = json_object_iter(v); !err && it; it = json_object_iter_next(v, it)) {
		json_t *st = json_object_iter_value(it);

		snprintf(val, sizeof(val), "%s mtu %.0f %s",
			 json_is_true(json_object_get(st, "isup")) ? "up" : "down", jnum(st, "mtu"),
			 jstr(st, "flags"));
		err = drift_add(s, S_NIC, json_object_iter_key(it), val, NAN);
	}
	sys = json_object_get(root, "sysctl_all");
	if (!json_is_object(sys))
		sys = json_object_get(root, "sysctl");
	for (void *it = json_object_iter(sys); !err && it; it = json_object_iter_next(sys, it)) {
		const char *name = json_object_iter_key(it);
		const char *value = json_string_value(json_object_iter_value(it));

		if (!value || (!o->counters && sysctl_is_volatile(name)))
			continue;
		err = drift_add(s, S_SYSCTL, name, value, NAN);
	}
	v = json_object_get(root, "kernel_modules");
	for (size_t i = 0; !err && i < json_array_size(v); i++) {
		if (json_is_string(json_array_get(v, i)))
			err = drift_add(s, S_MODS, json_string_value(json_array_get(v, i)), "",
					NAN);
	}
	v = json_object_get(root, "cgroups");
	for (size_t i = 0; !err && i < json_array_size(v); i++) {
		if (json_is_string(json_array_get(v, i)))
			err = drift_add(s, S_CGROUPS, json_string_value(json_array_get(v, i)), "",
					NAN);
	}
	return err;
}

/* --include counters: every number of the system counters, flattened ("a.b.c"). */
static int load_counters(struct drift_set *s, const char *prefix, json_t *v, int depth)
{
	char key[512], val[64];
	int err = 0;

	if (json_is_number(v)) {
		if (json_is_integer(v))
			snprintf(val, sizeof(val), "%lld", (long long)json_integer_value(v));
		else
			snprintf(val, sizeof(val), "%.2f", json_number_value(v));
		return drift_add(s, S_COUNTERS, prefix, val, NAN);
	}
	if (!json_is_object(v) || depth > 3)
		return 0;
	for (void *it = json_object_iter(v); !err && it; it = json_object_iter_next(v, it)) {
		snprintf(key, sizeof(key), "%s.%s", prefix, json_object_iter_key(it));
		err = load_counters(s, key, json_object_iter_value(it), depth + 1);
	}
	return err;
}

int drift_section_index(const char *section)
{
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		if (sections[i] == section || !strcmp(sections[i], section))
			return (int)i;
	}
	return -1;
}

static int item_cmp(const void *a, const void *b)
{
	const struct drift_item *x = a, *y = b;
	int c;

	if (strcmp(x->section, y->section))
		return drift_section_index(x->section) - drift_section_index(y->section);
	c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->start < y->start ? -1 : x->start > y->start;
}

int drift_set__load(struct drift_set *s, const char *buf, size_t len, const struct drift_opts *o,
		    const char **why)
{
	static const char *const counters[] = { "cpu_times",
						"virtual_memory",
						"swap_memory",
						"disk_io_counters",
						"net_io_counters",
						"disk_io_counters_perdisk",
						"net_io_counters_pernic",
						NULL };
	json_t *root, *fmt, *procs, *self;
	json_error_t jerr;
	int err = -EINVAL;

	memset(s, 0, sizeof(*s));
	root = json_loadb(buf, len, 0, &jerr);
	if (!root) {
		*why = jerr.line < 0 ? "libjansson.so.4 could not be loaded"
				     : "not valid JSON (truncated?)";
		return jerr.line < 0 ? -ENOSYS : -EINVAL;
	}
	fmt = json_object_get(root, "vigil_snapshot");
	procs = json_object_get(root, "processes");
	if (!json_is_object(root) || (!fmt && !json_object_get(root, "source"))) {
		*why = "not a vigil snapshot";
		goto put_root;
	}
	if (!json_is_integer(fmt) || json_integer_value(fmt) < SNAPSHOT_FORMAT_MIN ||
	    json_integer_value(fmt) > SNAPSHOT_FORMAT) {
		*why = "a snapshot from another vigil version (this vigil reads snapshot formats 1 "
		       "and 2)";
		goto put_root;
	}
	self = json_object_get(root, "pid");
	err = load_procs(s, procs, json_is_integer(self) ? json_integer_value(self) : -1);
	if (!err)
		err = load_conns(s, json_object_get(root, "net_connections"), procs, o);
	if (!err)
		err = load_simple(s, root, o);
	for (int i = 0; !err && o->counters && counters[i]; i++)
		err = load_counters(s, counters[i], json_object_get(root, counters[i]), 0);
	if (err) {
		*why = "out of memory";
		drift_set__free(s);
		goto put_root;
	}
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), item_cmp);
put_root:
	json_decref(root);
	return err;
}

void drift_set__free(struct drift_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].key);
		free(s->v[i].value);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}
