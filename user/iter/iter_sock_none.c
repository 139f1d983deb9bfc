// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_sock_none.c: the socket walks in a build without BPF: no feeds, so socket owners come
 * from the system's own tables (/proc/PID/fd on Linux) and the tables from sock_diag.
 */
#include <stdio.h>

#include "iter/iter_sock.h"

const struct fb_sock_owner_feed *iter_sock__feed(void)
{
	return NULL;
}

const char *iter_sock__why(void)
{
	return "this vigil was built without BPF";
}

const char *iter_sock__note(void)
{
	return "";
}

const struct fb_sock_table_feed *iter_sock__table_feed(void)
{
	return NULL;
}

const char *iter_sock__table_note(void)
{
	return "";
}

const char *iter_sock__table_why(void)
{
	return "this vigil was built without BPF";
}

bool iter_sock__probe(char *why, size_t len)
{
	snprintf(why, len, "this vigil was built without BPF");
	return false;
}
