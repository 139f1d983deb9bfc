// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_unwind_table.c: libFuzzer target for the profiler's unwind table compiler,
 * unw_table__load_mem(): arbitrary bytes are an ELF image whose .eh_frame_hdr and .eh_frame
 * are parsed (the header by hand, the CFA programs by libdw). Compiling must succeed or fail
 * cleanly, and what it returns must be sorted rows that lookups can search.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profile/unwind_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t probes[] = { 0, 1, 0x1000, 0x401000, UINT64_MAX };
	struct unw_table t;
	void *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (!unw_table__load_mem(copy, size, &t)) {
		for (size_t i = 1; i < t.n; i++) {
			if (t.rows[i - 1].pc >= t.rows[i].pc)
				abort();
		}
		for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
			unw_table__find(&t, probes[i]);
		unw_table__fini(&t);
	}
	free(copy);
	return 0;
}
