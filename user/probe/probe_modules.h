/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * probe_modules.h: the probe modules `vigil serve --probe.config FILE` offers at
 * /probe?module=M&target=T, read from YAML in blackbox_exporter's shape (modules: NAME:
 * prober: http|tcp|dns, timeout, and an http:, tcp: or dns: section). A key vigil does not
 * implement is refused with its line, never ignored. The parser (libyaml, loaded with serve's
 * other libraries) is bounded and fuzzed; probe_modules_none.c stands in without
 * libmicrohttpd.
 */
#ifndef VIGIL_PROBE_MODULES_H
#define VIGIL_PROBE_MODULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/probe_expect.h"

#define PROBE_MODULES_MAX      64
#define PROBE_MODULE_NAME      64
#define PROBE_MODULES_FILE_MAX (1 << 20)

enum probe_prober { PROBER_HTTP, PROBER_TCP, PROBER_DNS };

struct probe_module {
	char name[PROBE_MODULE_NAME];
	enum probe_prober prober;
	uint64_t timeout_ns; /* default 5s, as blackbox_exporter's scrape default */
	bool insecure;	     /* tls_config: insecure_skip_verify */
	int ip_version;	     /* preferred_ip_protocol: 0, 4 or 6 */
	/* http */
	char method[17];
	struct probe_status_set valid_status; /* empty: 2xx, as blackbox_exporter */
	bool no_follow_redirects;
	char body_regex[256]; /* fail_if_body_not_matches_regexp (one) */
	/* tcp */
	bool tls;
	/* dns */
	char query_name[256];
	int query_type; /* LDNS type number; default A */
	bool dns_tcp;	/* transport_protocol: tcp */
};

struct probe_modules {
	int n;
	struct probe_module m[PROBE_MODULES_MAX];
};

/* Parse text; the modules, or NULL with errno and why in err (with the line). */
struct probe_modules *probe_modules__parse(const char *text, size_t len, char *err, size_t errlen);
/* The same from a file (at most PROBE_MODULES_FILE_MAX bytes). */
struct probe_modules *probe_modules__load(const char *path, char *err, size_t errlen);
const struct probe_module *probe_modules__find(const struct probe_modules *m, const char *name);
void probe_modules__free(struct probe_modules *m);

#endif /* VIGIL_PROBE_MODULES_H */
