// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_sock_none.c: the socket-owner walk in a build without BPF: no feed, so socket owners
 * come from the system's own tables (/proc/PID/fd on Linux).
 */
#include "iter/iter_sock.h"

const struct fb_sock_owner_feed *iter_sock__feed(void)
{
	return NULL;
}

const char *iter_sock__why(void)
{
	return "this vigil was built without BPF";
}
