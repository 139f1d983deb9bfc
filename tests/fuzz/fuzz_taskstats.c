// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_taskstats.c: libFuzzer target for the taskstats client's reply parsing
 * (user/taskstats/taskstats.c): the generic netlink family lookup and the TASKSTATS_CMD_GET
 * answer with its nested attributes and struct taskstats. The first byte picks which reply
 * ('F' family, anything else delays); the rest is one datagram as recv() returned it, copied
 * to a buffer of its exact size so that ASan sees any read past it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "taskstats/taskstats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct taskstats_delays d;
	uint16_t family;
	void *buf;

	if (size < 1)
		return 0;
	buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	if (data[0] == 'F')
		taskstats__parse_family(buf, size - 1, &family);
	else
		taskstats__parse_delays(buf, size - 1, &d);
	free(buf);
	return 0;
}
