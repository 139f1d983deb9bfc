// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_schedstat.c: libFuzzer target for the scheduler-statistics text parsers: a task's
 * schedstat, /proc/schedstat's cpuN lines and a status file's context-switch counters. Any
 * text must be accepted or rejected cleanly, and the CPU count returned must fit the table.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sched/schedstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct schedstat t, cpus[8];
	uint64_t vol, invol;
	char *s = malloc(size + 1);
	int n;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	schedstat_parse_task(s, &t);
	n = schedstat_parse_cpus(s, cpus, 8);
	if (n != -EINVAL && (n < 1 || n > 8))
		abort();
	status_parse_switches(s, &vol, &invol);
	free(s);
	return 0;
}
