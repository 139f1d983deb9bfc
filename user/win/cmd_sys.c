// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_sys.c (Windows): `vigil sys sysctl [PATTERN]` (kernel tunables printed as `sysctl -a` prints
 * them, "name = value", one line per line of a multi-line value; PATTERN is a glob such as
 * 'net.ipv4.tcp_*' or a key or subtree name), `vigil sys services [NAME]` (psutil's
 * win_service_iter / win_service_get), `vigil sys boot` and `vigil sys users`.
 */
#include "fbcmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fallback.h"
#include "wjson.h"

static int sysctl_cmd(const struct fbcmd_opts *o, const char *pattern)
{
	struct fb_sysctls sc;
	struct fj j;
	size_t n;
	int err = fb_sysctl_list(pattern, &sc);

	if (err)
		return fbcmd_fail("sys sysctl", "sysctl", err);
	if (o->json) {
		fj__init(&j, stdout);
		fj__obj(&j, NULL);
	}
	for (size_t i = 0; i < sc.n; i++) {
		const char *v = sc.v[i].value, *nl;

		if (o->json) {
			fj__str(&j, sc.v[i].name, v);
			continue;
		}
		do {
			nl = strchr(v, '\n');
			printf("%s = %.*s\n", sc.v[i].name, nl ? (int)(nl - v) : (int)strlen(v), v);
			v = nl + 1;
		} while (nl);
	}
	if (o->json)
		fj__end(&j);
	n = sc.n;
	fb_sysctls_free(&sc);
	if (!n && pattern && pattern[0]) {
		fprintf(stderr, "vigil sys sysctl: no key matches '%s'\n", pattern);
		return 1;
	}
	return 0;
}

static void service_json(struct fj *j, const struct fb_win_service *s, bool full)
{
	fj__obj(j, NULL);
	fj__str(j, "name", s->name);
	fj__str(j, "display_name", s->display_name);
	fj__str(j, "status", s->status);
	fj__u64_if(j, "pid", s->valid & FB_SVC_PID, (uint64_t)s->pid);
	if (full) {
		bool cfg = s->valid & FB_SVC_CONFIG;

		if (cfg) {
			fj__str(j, "binpath", s->binpath);
			fj__str(j, "username", s->username);
			fj__str(j, "start_type", s->start_type);
		} else {
			fj__null(j, "binpath");
			fj__null(j, "username");
			fj__null(j, "start_type");
		}
		if (s->valid & FB_SVC_DESCRIPTION)
			fj__str(j, "description", s->description);
		else
			fj__null(j, "description");
	}
	fj__end(j);
}

static int services_cmd(const struct fbcmd_opts *o, const char *name)
{
	struct fb_win_service one, *v = &one;
	size_t n = 1;
	struct fj j;
	int err;

	err = name ? fb_win_service_get(name, &one) : fb_win_service_iter(&v, &n);
	if (err)
		return fbcmd_fail("sys services", name ? name : "win_service_iter", err);
	if (o->json) {
		fj__init(&j, stdout);
		if (!name)
			fj__arr(&j, NULL);
	} else {
		printf("%-24s %-16s %7s  %s\n", "NAME", "STATUS", "PID", "DISPLAY NAME");
	}
	for (size_t i = 0; i < n; i++) {
		char pid[16] = "-";

		if (o->json) {
			service_json(&j, &v[i], name != NULL);
			continue;
		}
		if (v[i].valid & FB_SVC_PID)
			snprintf(pid, sizeof(pid), "%d", (int)v[i].pid);
		printf("%-24s %-16s %7s  %s\n", v[i].name, v[i].status, pid, v[i].display_name);
		if (name && (v[i].valid & FB_SVC_CONFIG))
			printf("  binpath: %s\n  username: %s\n  start_type: %s\n", v[i].binpath,
			       v[i].username, v[i].start_type);
		if (name && (v[i].valid & FB_SVC_DESCRIPTION))
			printf("  description: %s\n", v[i].description);
	}
	if (o->json && !name)
		fj__end(&j);
	if (!name)
		free(v);
	return 0;
}

static int users_cmd(const struct fbcmd_opts *o)
{
	struct fb_user *u;
	struct fj j;
	size_t n;
	int err = fb_users(&u, &n);

	if (err)
		return fbcmd_fail("sys users", "users", err);
	if (o->json) {
		fj__init(&j, stdout);
		fj__arr(&j, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		if (o->json) {
			fj__obj(&j, NULL);
			fj__str(&j, "name", u[i].name);
			fj__str(&j, "terminal", u[i].terminal);
			fj__str(&j, "host", u[i].host);
			fj__f64(&j, "started", u[i].started);
			fj__u64_if(&j, "pid", u[i].valid & FB_USER_PID, (uint64_t)u[i].pid);
			fj__end(&j);
		} else {
			printf("%-16s %-12s %-20s %.0f\n", u[i].name, u[i].terminal, u[i].host,
			       u[i].started);
		}
	}
	if (o->json)
		fj__end(&j);
	free(u);
	return 0;
}

int cmd_sys(int argc, char **argv)
{
	struct fbcmd_opts o;
	char *pos[2];
	double bt;
	int npos, err;

	err = fbcmd_parse("sys",
			  "sysctl [PATTERN] | services [NAME] | boot | users  "
			  "[--format table|json]",
			  "", argc, argv, &o, pos, &npos, 2);
	if (err)
		return err == 1 ? 0 : err;
	if (npos && !strcmp(pos[0], "sysctl"))
		return sysctl_cmd(&o, npos > 1 ? pos[1] : NULL);
	if (npos && !strcmp(pos[0], "services"))
		return services_cmd(&o, npos > 1 ? pos[1] : NULL);
	if (npos == 1 && !strcmp(pos[0], "users"))
		return users_cmd(&o);
	if (npos == 1 && !strcmp(pos[0], "boot")) {
		err = fb_boot_time(&bt);
		if (err)
			return fbcmd_fail("sys boot", "boot_time", err);
		printf(o.json ? "{\"boot_time\":%.0f}\n" : "%.0f\n", bt);
		return 0;
	}
	fprintf(stderr,
		"vigil sys: %s%s%s: expected sysctl [PATTERN], services [NAME], boot or "
		"users\n",
		npos ? "'" : "", npos ? pos[0] : "missing subcommand", npos ? "'" : "");
	return FBCMD_USAGE;
}
