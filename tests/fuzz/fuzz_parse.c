// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_parse.c: libFuzzer target for the flag value parsers and JSON string escaping:
 * any input must be accepted or rejected cleanly, and an accepted duration must be exact.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "export/json.h"
#include "cli/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "table", "csv", "json", "ndjson", NULL };
	static struct sink *devnull;
	char *s = malloc(size + 1);
	uint64_t v;

	if (!devnull)
		devnull = sink__open("/dev/null");
	memcpy(s, data, size);
	s[size] = '\0';
	parse_duration(s, NSEC_PER_SEC, &v);
	parse_duration(s, NSEC_PER_USEC, &v);
	parse_size(s, &v);
	parse_u64(s, 0, UINT64_MAX, &v);
	parse_choice(s, names);
	json_write_string(devnull, s, size);
	free(s);
	return 0;
}
