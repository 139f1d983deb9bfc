// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sysctl_out.c: printing kernel tunables.  The text form is procps sysctl's, byte for byte,
 * so `vigil sys sysctl` can be diffed against `sysctl -a`; the JSON form keeps a multi-line
 * value as one string.
 */
#include "export/sysctl_out.h"

#include <stdio.h>
#include <string.h>

#include "fallback.h"

int sysctl_print(struct sink *s, bool json, const char *pattern)
{
	struct fb_sysctls sc;
	struct jw w;
	size_t n;
	int err = fb_sysctl_list(pattern, &sc);

	if (err) {
		fprintf(stderr, "vigil sys sysctl: %s\n",
			err == -ENOTSUP ? "this platform has no sysctl namespace" : strerror(-err));
		return 1;
	}
	if (json) {
		jw__init(&w, s, false);
		jw__obj_begin(&w, NULL);
	}
	for (size_t i = 0; i < sc.n; i++) {
		const char *v = sc.v[i].value, *nl;

		if (json) {
			jw__str(&w, sc.v[i].name, v);
			continue;
		}
		do {
			nl = strchr(v, '\n');
			sink__printf(s, "%s = %.*s\n", sc.v[i].name,
				     nl ? (int)(nl - v) : (int)strlen(v), v);
			v = nl + 1;
		} while (nl);
	}
	if (json) {
		jw__obj_end(&w);
		sink__putc(s, '\n');
	}
	n = sc.n;
	fb_sysctls_free(&sc);
	if (!n && pattern && pattern[0]) {
		fprintf(stderr, "vigil sys sysctl: no key matches '%s'\n", pattern);
		return 1;
	}
	return 0;
}

void sysctl_json_tracer_keys(struct jw *w)
{
	struct fb_sysctls sc;

	if (!fb_sysctl_tracer_keys[0]) {
		jw__null(w, "sysctl");
		return;
	}
	jw__obj_begin(w, "sysctl");
	for (size_t k = 0; fb_sysctl_tracer_keys[k]; k++) {
		if (fb_sysctl_list(fb_sysctl_tracer_keys[k], &sc))
			continue;
		for (size_t i = 0; i < sc.n; i++)
			jw__str(w, sc.v[i].name, sc.v[i].value);
		fb_sysctls_free(&sc);
	}
	jw__obj_end(w);
}
