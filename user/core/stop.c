// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * stop.c: the stop flag and the signal handlers that set it. Handlers are installed
 * without SA_RESTART so a blocking poll returns at once with EINTR.
 */
#include "core/stop.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
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

bool stop_is_requested(void)
{
	return stop_flag;
}

void stop_request(void)
{
	stop_flag = 1;
}
