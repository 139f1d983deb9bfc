// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_toolvals.c: libFuzzer target for the tool commands' values (taskset's CPU lists and
 * masks, prlimit's SOFT:HARD, df's block sizes): any input is accepted or refused cleanly,
 * and an accepted CPU set prints back to a list that parses to the same set.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/parse.h"
#include "cli/toolvals.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const int *cpus, size_t n)
{
	char buf[65536];
	int *again = NULL;
	size_t m = 0;

	toolval_format_cpu_list(cpus, n, buf, sizeof(buf));
	if (!n)
		return;
	if (toolval_parse_cpu_list(buf, &again, &m) || m != n ||
	    memcmp(again, cpus, n * sizeof(*cpus)))
		abort();
	free(again);
	toolval_format_cpu_mask(cpus, n, buf, sizeof(buf));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	int64_t soft, hard;
	int *cpus = NULL;
	size_t n = 0;
	uint64_t v;

	memcpy(s, data, size);
	s[size] = '\0';
	if (!toolval_parse_cpu_list(s, &cpus, &n)) {
		roundtrip(cpus, n);
		free(cpus);
	}
	cpus = NULL;
	if (!toolval_parse_cpu_mask(s, &cpus, &n)) {
		roundtrip(cpus, n);
		free(cpus);
	}
	toolval_parse_rlimit(s, &soft, &hard);
	parse_block_size(s, &v);
	free(s);
	return 0;
}
