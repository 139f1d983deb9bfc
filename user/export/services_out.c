// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * services_out.c: printing the system's services, psutil's win_service_iter() (name,
 * display_name, status, pid) and win_service_get() (those and binpath, username, start_type,
 * description), with psutil's key names. A value the service manager did not give is null
 * (JSON) or "-" (table). Only Windows has a service manager the fallback library reads.
 */
#include "export/services_out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fallback.h"

static void opt_str(struct jw *w, const char *k, const char *v, bool valid)
{
	if (valid)
		jw__str(w, k, v);
	else
		jw__null(w, k);
}

static void service_json(struct jw *w, const struct fb_win_service *v, bool full)
{
	bool cfg = v->valid & FB_SVC_CONFIG;

	jw__obj_begin(w, NULL);
	jw__str(w, "name", v->name);
	jw__str(w, "display_name", v->display_name);
	jw__str(w, "status", v->status);
	if (v->valid & FB_SVC_PID)
		jw__s64(w, "pid", v->pid);
	else
		jw__null(w, "pid");
	if (full) {
		opt_str(w, "binpath", v->binpath, cfg);
		opt_str(w, "username", v->username, cfg);
		opt_str(w, "start_type", v->start_type, cfg);
		opt_str(w, "description", v->description, v->valid & FB_SVC_DESCRIPTION);
	}
	jw__obj_end(w);
}

static void service_table(struct sink *s, const struct fb_win_service *v, bool full)
{
	char pid[16] = "-";

	if (v->valid & FB_SVC_PID)
		snprintf(pid, sizeof(pid), "%d", (int)v->pid);
	sink__printf(s, "%-24s %-16s %7s  %s\n", v->name, v->status, pid, v->display_name);
	if (full && (v->valid & FB_SVC_CONFIG))
		sink__printf(s, "  binpath: %s\n  username: %s\n  start_type: %s\n", v->binpath,
			     v->username, v->start_type);
	if (full && (v->valid & FB_SVC_DESCRIPTION))
		sink__printf(s, "  description: %s\n", v->description);
}

int services_print(struct sink *s, bool json, const char *name)
{
	struct fb_win_service one, *v = &one;
	size_t n = 1;
	struct jw w;
	int err;

	err = name ? fb_win_service_get(name, &one) : fb_win_service_iter(&v, &n);
	if (err) {
		fprintf(stderr, "vigil sys services: %s%s%s\n", name ? name : "", name ? ": " : "",
			err == -ENOTSUP	 ? "this platform has no service manager"
			: err == -ENOENT ? "no such service"
					 : strerror(-err));
		return 1;
	}
	if (json) {
		jw__init(&w, s, false);
		if (!name)
			jw__arr_begin(&w, NULL);
	} else {
		sink__printf(s, "%-24s %-16s %7s  %s\n", "NAME", "STATUS", "PID", "DISPLAY NAME");
	}
	for (size_t i = 0; i < n; i++) {
		if (json)
			service_json(&w, &v[i], name != NULL);
		else
			service_table(s, &v[i], name != NULL);
	}
	if (json) {
		if (!name)
			jw__arr_end(&w);
		sink__putc(s, '\n');
	}
	if (!name)
		free(v);
	return 0;
}

void services_json_iter(struct jw *w)
{
	struct fb_win_service *v;
	size_t n;

	if (fb_win_service_iter(&v, &n)) {
		jw__null(w, "win_service_iter");
		return;
	}
	jw__arr_begin(w, "win_service_iter");
	for (size_t i = 0; i < n; i++)
		service_json(w, &v[i], false);
	jw__arr_end(w);
	free(v);
}
