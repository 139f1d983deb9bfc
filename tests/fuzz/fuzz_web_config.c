// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_web_config.c: libFuzzer target for the `vigil serve --web.config.file` parser: any
 * bytes must be parsed or refused with a message, never crash, leak or read out of bounds.
 * File names in the input resolve under a folder that does not exist, so no file is read.
 * Passwords are checked without blocking: bcrypt is libxcrypt's, slow on purpose (cost 14 takes
 * seconds here), and exercised by the unit tests.
 */
#include <stdint.h>
#include <string.h>

#include "prom/web_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct web_config *c;
	char err[128];

	c = web_config__parse((const char *)data, size, "/nonexistent", err, sizeof(err));
	if (!c && (!err[0] || strlen(err) >= sizeof(err)))
		__builtin_trap(); /* a refusal always says why */
	if (c)
		web_config__check_user(c, "alice", "secret", false);
	web_config__free(c);
	return 0;
}
