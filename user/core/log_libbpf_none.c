// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * log_libbpf_none.c: the libbpf log hook of a build without libbpf (the Windows build):
 * there are no libbpf messages to route, so it does nothing.
 */
#include "core/log.h"

void log_hook_libbpf(void)
{
}
