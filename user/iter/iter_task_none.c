// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_task_none.c: the task iterator in a build without BPF: no feed, so every process
 * listing reads the system's own tables (/proc, sysctl, Win32), and says so.
 */
#include <stdio.h>

#include "iter/iter_task.h"

const struct fb_proc_feed *iter_task__feed(void)
{
	return NULL;
}

const char *iter_task__why(void)
{
	return "this vigil was built without BPF";
}

bool iter_task__probe(char *why, size_t len)
{
	snprintf(why, len, "%s", iter_task__why());
	return false;
}
