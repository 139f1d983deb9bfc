// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_diff_snapshot.c: libFuzzer target for the snapshot reader of `vigil diff` (user/diff/
 * drift.c: jansson's parse, then every member type-checked before use): whatever the bytes,
 * they are refused with a reason or give items that compare with themselves as unchanged.
 * The first byte picks --include counters.
 */
#include <stdint.h>
#include <stdlib.h>

#include "diff/drift.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(void *ctx, const struct drift_diff *d)
{
	if (!d->section || !d->key || (!d->old && !d->new))
		abort();
	(*(size_t *)ctx)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct drift_opts o = { .threshold = 5 };
	struct drift_set a, b;
	const char *why = NULL;
	size_t n = 0;

	if (!size)
		return 0;
	o.counters = data[0] & 1;
	if (drift_set__load(&a, (const char *)data + 1, size - 1, &o, &why)) {
		if (!why)
			abort();
		return 0;
	}
	if (drift_set__load(&b, (const char *)data + 1, size - 1, &o, &why))
		abort();
	drift_compare(&a, &b, &o, count, &n);
	drift_set__free(&a);
	drift_set__free(&b);
	return 0;
}
