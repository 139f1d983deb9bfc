// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_files_none.c: the fd walk in a build without BPF: it always fails, so lsof reads every
 * process' fds from the system's own tables.
 */
#include <errno.h>
#include <stdio.h>

#include "iter/iter_files.h"

int iter_files__walk(struct iter_files *out)
{
	out->v = NULL;
	out->n = 0;
	return -ENOTSUP;
}

size_t iter_files__of(const struct iter_files *f, pid_t pid, size_t *first)
{
	(void)f;
	(void)pid;
	*first = 0;
	return 0;
}

void iter_files__free(struct iter_files *f)
{
	(void)f;
}

const char *iter_files__why(void)
{
	return "this vigil was built without BPF";
}

bool iter_files__probe(char *why, size_t len)
{
	snprintf(why, len, "%s", iter_files__why());
	return false;
}
