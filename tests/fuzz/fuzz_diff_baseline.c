// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_diff_baseline.c: libFuzzer target for the baseline file reader (user/diff/baseline_io.c:
 * jansson's parse, then every field checked and every path percent-decoded): whatever the
 * bytes, it either refuses them with a reason or gives entries that compare cleanly with
 * themselves (no change) and with an empty baseline (all removed).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff/baseline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(void *ctx, const struct baseline_diff *d)
{
	if (!d->old && !d->new)
		abort();
	(*(size_t *)ctx)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct baseline b, empty = { 0 };
	const char *why = NULL;
	size_t n = 0;
	char *p;

	p = baseline_path_decode((const char *)data, size);
	if (p && strlen(p) > size)
		abort();
	free(p);
	if (baseline__parse(&b, (const char *)data, size, &why)) {
		if (!why)
			abort();
		return 0;
	}
	baseline_compare(&b, &b, count, &n);
	if (n)
		abort(); /* a baseline never differs from itself */
	baseline_compare(&b, &empty, count, &n);
	if (n != b.n)
		abort();
	baseline__free(&b);
	return 0;
}
