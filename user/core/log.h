/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * log.h: diagnostics on stderr, prefixed "vigil: ". -v raises the level to INFO, -vv to
 * DEBUG (which also lets libbpf's own messages through).
 */
#ifndef VIGIL_LOG_H
#define VIGIL_LOG_H

#include <stdbool.h>

#include "port.h"

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* -1: silent; 0: warnings and errors; 1: info; 2+: debug (and libbpf's messages) */
void log_set_level(int verbosity);
void vg_log(enum log_level level, const char *fmt, ...) PORT_PRINTF(2, 3);

/* Whether messages of this level are printed at the current verbosity. */
bool log_level_is_enabled(enum log_level level);

/* Route libbpf's messages to stderr at our verbosity (a no-op in a build without libbpf). */
void log_hook_libbpf(void);

#define pr_err(...)   vg_log(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)  vg_log(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  vg_log(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) vg_log(LOG_DEBUG, __VA_ARGS__)

#endif /* VIGIL_LOG_H */
