// SPDX-License-Identifier: BSD-2-Clause
/*
 * thread_place.c - where the scan helper thread starts (posix_int.h): on a CPU other than the
 * caller's, among those the process may use, then free to move as the scheduler likes. The
 * caller goes straight into a long system call (a BPF iterator's read) and this kernel does
 * not preempt it, so a helper queued behind it waited for the next tick's load balancing
 * (2.5-2.9 ms of a 7 ms socket listing, measured) instead of running beside it.
 */
#include "../posix/posix_int.h"

#include <sched.h>
#include <stdlib.h>

void *fb__par_away(pthread_attr_t *attr)
{
	cpu_set_t *allowed = malloc(sizeof(*allowed)), away;
	int cpu = sched_getcpu();

	if (!allowed || cpu < 0 || sched_getaffinity(0, sizeof(*allowed), allowed))
		goto none;
	away = *allowed;
	CPU_CLR((size_t)cpu, &away);
	if (CPU_COUNT(&away) && !pthread_attr_setaffinity_np(attr, sizeof(away), &away))
		return allowed;
none:
	free(allowed);
	return NULL;
}

void fb__par_home(void *state)
{
	if (!state)
		return;
	pthread_setaffinity_np(pthread_self(), sizeof(cpu_set_t), state);
	free(state);
}
