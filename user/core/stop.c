// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * stop.c: the stop flag. The signal handlers that set it are the platform's
 * (user/port/<platform>/stop_signals.c: sigaction on POSIX, the C runtime's signal() on Windows).
 */
#include "core/stop.h"

#include <signal.h>

static volatile sig_atomic_t stop_flag;

bool stop_is_requested(void)
{
	return stop_flag;
}

void stop_request(void)
{
	stop_flag = 1;
}
