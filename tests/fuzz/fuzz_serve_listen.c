// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_serve_listen.c: libFuzzer target for `vigil serve --listen HOST:PORT` parsing,
 * serve_parse_listen(). Any text must be accepted or rejected cleanly; an accepted one gives
 * an IPv4 or IPv6 address whose length matches its family.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prom/serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_storage a;
	socklen_t len = 0;
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (!serve_parse_listen(s, &a, &len)) {
		if (!(a.ss_family == AF_INET && len == sizeof(struct sockaddr_in)) &&
		    !(a.ss_family == AF_INET6 && len == sizeof(struct sockaddr_in6)))
			abort();
	}
	free(s);
	return 0;
}
