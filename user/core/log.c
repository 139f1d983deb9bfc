// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * log.c: the one place vigil writes diagnostics (libbpf's are routed here by log_libbpf.c).
 */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>

#include "cli/status.h"

static int max_level = LOG_WARN;

void log_set_level(int verbosity)
{
	if (verbosity < 0)
		max_level = LOG_ERROR - 1; /* quiet: the caller reports failures itself */
	else
		max_level = verbosity >= 2 ? LOG_DEBUG : verbosity == 1 ? LOG_INFO : LOG_WARN;
}

void vg_log(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if ((int)level > max_level)
		return;
	status_line__interrupt(); /* a message goes on its own line, not over the status */
	fputs(level == LOG_WARN ? "vigil: warning: " : "vigil: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool log_level_is_enabled(enum log_level level)
{
	return (int)level <= max_level;
}
