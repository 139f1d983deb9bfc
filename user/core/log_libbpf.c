// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * log_libbpf.c: libbpf's messages, shown at vigil's verbosity: its warnings from -v on (by
 * default they would only repeat what our own error says), everything else from -vv on.
 * The tracer module of the build; log_libbpf_none.c stands in where libbpf is not built in.
 */
#include "core/log.h"

#include <bpf/libbpf.h>
#include <stdarg.h>
#include <stdio.h>

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!log_level_is_enabled(LOG_DEBUG) && level != LIBBPF_WARN)
		return 0;
	if (!log_level_is_enabled(LOG_INFO))
		return 0; /* libbpf warnings repeat what our own error says */
	fputs("libbpf: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

void log_hook_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
