// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_probe_modules.c: libFuzzer target for serve's probe module file (blackbox_exporter's
 * YAML shape, through libyaml): any input is accepted or refused with a message, and what is
 * accepted is within its bounds (named modules, each with a prober, a timeout, a DNS query
 * name for dns).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_modules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct probe_modules *m;
	char err[256];

	m = probe_modules__parse((const char *)data, size, err, sizeof(err));
	if (!m) {
		if (!err[0] || !memchr(err, '\0', sizeof(err)))
			abort();
		return 0;
	}
	if (m->n < 0 || m->n > PROBE_MODULES_MAX)
		abort();
	for (int i = 0; i < m->n; i++) {
		const struct probe_module *x = &m->m[i];

		if (!x->name[0] || !x->timeout_ns || x->prober > PROBER_DNS ||
		    (x->prober == PROBER_DNS && !x->query_name[0]) ||
		    probe_modules__find(m, x->name) != x)
			abort();
	}
	probe_modules__free(m);
	return 0;
}
