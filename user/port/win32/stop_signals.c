// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * stop_signals.c (Windows): Ctrl-C (and Ctrl-Break, and the C runtime's SIGTERM) set the stop
 * flag (core/stop.c) through the C runtime's signal(); Windows has no SIGPIPE, a write to a
 * closed pipe already fails with EPIPE. The runtime resets a handler once it has run, so a
 * second Ctrl-C ends the program at once, as it would without vigil's handling.
 */
#include "core/stop.h"

#include <signal.h>

static void on_signal(int sig)
{
	(void)sig;
	stop_request();
}

void stop_install_handlers(void)
{
	signal(SIGINT, on_signal);
	signal(SIGBREAK, on_signal);
	signal(SIGTERM, on_signal);
}
