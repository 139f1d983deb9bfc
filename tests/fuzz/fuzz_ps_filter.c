// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_ps_filter.c: libFuzzer target for `vigil ps` argument parsing: --filter COL=PATTERN
 * (then matched against a row), --columns and --sort lists. Any text must be accepted or
 * rejected cleanly; an accepted filter names a real column and points into its argument.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "view/ps_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_row r = { .cpu_percent = 1.5 };
	struct ps_filter f;
	int cols[8];
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	r.pi.pid = 42;
	r.pi.valid = ~0u;
	strcpy(r.pi.name, "vigil");
	strcpy(r.pi.username, "root");
	if (!ps_filter_parse(s, &f)) {
		if (f.col < 0 || (size_t)f.col >= ps_ncols || f.pattern <= s ||
		    f.pattern > s + size)
			abort();
		ps_filter__matches(&f, &r);
		r.pi.valid = 0;
		ps_filter__matches(&f, &r);
	}
	if (ps_cols_parse(s, cols, 8) > 8)
		abort();
	free(s);
	return 0;
}
