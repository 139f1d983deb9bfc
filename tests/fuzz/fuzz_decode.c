// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_decode.c: libFuzzer target for the ring-buffer read path: arbitrary bytes go through
 * the consumer (size and kind checks, decoding) and every exporter, as a hostile or corrupt
 * record would. Strings in records are fixed arrays that need not be NUL-terminated.
 */
#include <linux/types.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/consumer.h"
#include "export/export.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sink *devnull;
	void *copy = malloc(size ? size : 1); /* exact size: ASan sees any overread */

	if (!devnull)
		devnull = sink__open("/dev/null");
	memcpy(copy, data, size);
	for (int fmt = FMT_TABLE; fmt <= FMT_NDJSON; fmt++) {
		struct exporter *ex = exporter__new((enum out_format)fmt, devnull, ~0ULL);
		struct consumer c;

		consumer__init(&c, ex, NULL, NULL);
		consumer__handle(&c, copy, size);
		exporter__free(ex);
	}
	free(copy);
	return 0;
}
