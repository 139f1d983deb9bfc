// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * serve_listen.c: the address `vigil serve --listen` takes (HOST:PORT, [IPv6]:PORT, PORT),
 * parsed whether or not the build has the HTTP endpoint (serve.c or serve_none.c), and
 * whether it is a loopback one (serve refuses to expose an unguarded endpoint elsewhere).
 */
#include "prom/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (!*s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

int serve_parse_listen(const char *arg, struct sockaddr_storage *addr, socklen_t *len)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)addr;
	char host[64];
	const char *colon, *port;
	uint16_t p;

	memset(addr, 0, sizeof(*addr));
	if (arg[0] == '[') {
		const char *close = strchr(arg, ']');

		if (!close || close[1] != ':' || (size_t)(close - arg - 1) >= sizeof(host))
			return -EINVAL;
		memcpy(host, arg + 1, (size_t)(close - arg - 1));
		host[close - arg - 1] = '\0';
		if (parse_port(close + 2, &p) || inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
			return -EINVAL;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(p);
		*len = sizeof(*in6);
		return 0;
	}
	colon = strrchr(arg, ':');
	port = colon ? colon + 1 : arg;
	if (parse_port(port, &p))
		return -EINVAL;
	if (!colon || colon == arg) {
		strcpy(host, "127.0.0.1");
	} else {
		if ((size_t)(colon - arg) >= sizeof(host))
			return -EINVAL;
		memcpy(host, arg, (size_t)(colon - arg));
		host[colon - arg] = '\0';
	}
	if (inet_pton(AF_INET, host, &in4->sin_addr) != 1)
		return -EINVAL;
	in4->sin_family = AF_INET;
	in4->sin_port = htons(p);
	*len = sizeof(*in4);
	return 0;
}

bool serve_addr_is_loopback(const struct sockaddr_storage *addr)
{
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)addr;

	if (addr->ss_family == AF_INET)
		return (ntohl(in4->sin_addr.s_addr) >> 24) == 127;
	if (addr->ss_family != AF_INET6)
		return false;
	if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
		return true;
	return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127;
}
