// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * stop_signals.c (POSIX): Ctrl-C and SIGTERM set the stop flag (core/stop.c). The handlers are
 * installed without SA_RESTART so a blocking poll returns at once with EINTR; SIGPIPE is
 * ignored so that a reader that went away shows up as a write error on the sink.
 */
#include "core/stop.h"

#include <signal.h>
#include <string.h>

static void on_signal(int sig)
{
	(void)sig;
	stop_request();
}

void stop_install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}
