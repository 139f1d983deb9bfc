// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_btf_names.c: libFuzzer target for probe_btf_has_name(), the tracepoint check's scan of
 * a raw BTF file's string section: any bytes (a header claiming sections past the end, no
 * terminating NUL, the name at either edge) give 1, 0 or -EINVAL, never a read outside them.
 * The name looked for is the input's first line, so names of any length meet any section.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t n = nl ? (size_t)(nl - data) : 0;
	char *name = malloc(n + 1);
	void *raw = malloc(size ? size : 1);
	int r;

	if (!name || !raw)
		abort();
	memcpy(name, data, n);
	name[n] = '\0';
	memcpy(raw, data, size); /* its own allocation: ASan sees a read past the end */
	r = probe_btf_has_name(raw, size, name);
	if (r < -22 || r > 1)
		abort();
	r = probe_btf_has_name(raw, size, "btf_trace_sched_switch");
	if (r < -22 || r > 1)
		abort();
	free(raw);
	free(name);
	return 0;
}
