// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_perf_map.c: libFuzzer target for the JIT symbol map parser, perf_map__parse():
 * arbitrary bytes are a /tmp/perf-PID.map. Parsing must succeed or fail cleanly, the table
 * must come out sorted with non-empty ranges, and an entry's own start must find a name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profile/perf_map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perf_map pm;

	if (perf_map__parse(&pm, (const char *)data, size))
		return 0;
	for (size_t i = 0; i < pm.n; i++) {
		if (pm.e[i].end <= pm.e[i].start || !pm.e[i].name[0])
			abort();
		if (i && pm.e[i - 1].start > pm.e[i].start)
			abort();
		/* Entries starting there are the last looked at, and all hold it. */
		if (!perf_map__find(&pm, pm.e[i].start))
			abort();
		perf_map__find(&pm, pm.e[i].end - 1);
	}
	perf_map__find(&pm, 0);
	perf_map__find(&pm, UINT64_MAX);
	perf_map__fini(&pm);
	return 0;
}
