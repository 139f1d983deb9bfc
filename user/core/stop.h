/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * stop.h: Ctrl-C and SIGTERM ask the running command to finish: it stops reading, flushes
 * and closes its output (ending gzip streams and JSON arrays), then exits 0. SIGPIPE is
 * ignored so that a closed reader shows up as a write error on the sink.
 */
#ifndef VIGIL_STOP_H
#define VIGIL_STOP_H

#include <stdbool.h>

/* Ctrl-C and SIGTERM (and SIGPIPE, where there is one): one file per platform. */
void stop_install_handlers(void);
bool stop_is_requested(void);
void stop_request(void);

#endif /* VIGIL_STOP_H */
