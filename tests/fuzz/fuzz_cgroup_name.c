// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_cgroup_name.c: libFuzzer target for the cgroup path parser (systemd unit, container
 * runtime and id, pod uid) and the runtime:shortid formatter. Any bytes must parse without a
 * crash, and every field must come out NUL-terminated within its array; an id, when found, is
 * 64 lowercase hex digits that occur in the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fallback.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fb_cgroup_name n;
	char *s = malloc(size + 1), c[32];

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	fb_cgroup_name_parse(s, &n);
	if (strnlen(n.unit, sizeof(n.unit)) == sizeof(n.unit) ||
	    strnlen(n.runtime, sizeof(n.runtime)) == sizeof(n.runtime) ||
	    strnlen(n.pod, sizeof(n.pod)) == sizeof(n.pod) || (n.id[0] && strlen(n.id) != 64) ||
	    (n.id[0] && !strstr(s, n.id)))
		abort();
	fb_cgroup_name_container(&n, c, sizeof(c));
	fb_cgroup_name_container(&n, c, (size_t)(size % sizeof(c)));
	free(s);
	return 0;
}
