// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_baseline.c: placeholder, filled in by the baseline slice.
 */
#include "cli/commands.h"

int cmd_baseline(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 2;
}
