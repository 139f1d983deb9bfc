// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_vmas_none.c: the mapping walk in a build without BPF: it always fails, so lsof and
 * pmap read every process' maps from the system's own tables.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "iter/iter_vmas.h"

int iter_vmas__walk(struct iter_vmas *out, pid_t pid)
{
	(void)pid;
	memset(out, 0, sizeof(*out));
	return -ENOTSUP;
}

size_t iter_vmas__of(const struct iter_vmas *w, pid_t pid, size_t *first)
{
	(void)w;
	(void)pid;
	*first = 0;
	return 0;
}

bool iter_vmas__unsure(const struct iter_vmas *w, pid_t pid)
{
	(void)w;
	(void)pid;
	return false;
}

void iter_vmas__free(struct iter_vmas *w)
{
	(void)w;
}

const char *iter_vmas__why(void)
{
	return "this vigil was built without BPF";
}

bool iter_vmas__probe(char *why, size_t len)
{
	snprintf(why, len, "%s", iter_vmas__why());
	return false;
}
