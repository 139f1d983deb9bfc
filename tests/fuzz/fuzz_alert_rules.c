// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_alert_rules.c: libFuzzer target for the rules file loader (alert/alert_rules.h):
 * any bytes are loaded or refused with at least one FILE:LINE:COLUMN message, never crash,
 * leak or read out of bounds.
 */
#include <stdint.h>
#include <string.h>

#include "alert/alert_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alert_rules *r;
	char err[1024];

	r = alert_rules__parse("f.yml", (const char *)data, size, err, sizeof(err));
	if (!r && strncmp(err, "f.yml:", 6))
		__builtin_trap(); /* a refusal names the file, line and column */
	alert_rules__free(r);
	return 0;
}
