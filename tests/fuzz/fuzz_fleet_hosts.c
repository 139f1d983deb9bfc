// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_fleet_hosts.c: libFuzzer target for `vigil fleet`'s host lists: the text of a -F hosts
 * file (fleet_hosts__add_text) and a -H list (fleet_hosts__add_list). Any bytes must be
 * accepted or refused cleanly, and an accepted host must be one a command line can carry: a
 * name of safe characters only that does not start with '-', and a port 0 (none) to 65535.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet_hosts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check(const struct fleet_hosts *hs)
{
	for (size_t i = 0; i < hs->n; i++) {
		const struct fleet_host *h = &hs->v[i];

		if (!h->name[0] || h->name[0] == '-' || h->port < 0 || h->port > 65535 ||
		    strlen(h->label) > FLEET_HOST_MAX ||
		    strspn(h->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				    ".-_:%") != strlen(h->name))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fleet_hosts hs = { 0 };
	char *s;
	int bad;

	fleet_hosts__add_text(&hs, (const char *)data, size, &bad);
	fuzz_check(&hs);
	fleet_hosts__free(&hs);
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	fleet_hosts__add_list(&hs, s);
	fuzz_check(&hs);
	fleet_hosts__free(&hs);
	free(s);
	return 0;
}
