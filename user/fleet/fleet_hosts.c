// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fleet_hosts.c: parsing the host lists of `vigil fleet`: -H HOST[,HOST...] and the lines of
 * a -F hosts file, each [USER@]HOST[:PORT] [USER] as pssh's hosts files hold them. Bounded (a host
 * is at most FLEET_HOST_MAX bytes, a run at most FLEET_HOSTS_MAX hosts) and fuzzed
 * (tests/fuzz/fuzz_fleet_hosts.c): a hosts file is input vigil did not write.
 */
#include "fleet/fleet_hosts.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool fleet_host_char_is_ok(char c)
{
	/* names, addresses, aliases: no spaces, quotes or shell metacharacters */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_' || c == ':' || c == '%';
}

static int fleet_parse_port(const char *s, size_t len, int *port)
{
	int v = 0;

	if (!len || len > 5)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return -EINVAL;
	*port = v;
	return 0;
}

int fleet_host__parse(struct fleet_host *h, const char *s, size_t len)
{
	const char *at, *host, *end = s + len, *colon = NULL;
	size_t ulen = 0, hlen;

	memset(h, 0, sizeof(*h));
	if (!len || len > FLEET_HOST_MAX || memchr(s, '\0', len))
		return -EINVAL;
	memcpy(h->label, s, len);
	at = memchr(s, '@', len);
	host = s;
	if (at) {
		ulen = (size_t)(at - s);
		if (!ulen)
			return -EINVAL;
		for (size_t i = 0; i < ulen; i++) {
			if (!fleet_host_char_is_ok(s[i]) || s[i] == ':')
				return -EINVAL;
		}
		memcpy(h->user, s, ulen);
		host = at + 1;
	}
	if (host < end && *host == '[') { /* [v6]:port */
		const char *close = memchr(host, ']', (size_t)(end - host));

		if (!close || close == host + 1)
			return -EINVAL;
		if (close + 1 < end) {
			if (close[1] != ':' ||
			    fleet_parse_port(close + 2, (size_t)(end - close - 2), &h->port))
				return -EINVAL;
		}
		end = close;
		host++;
	} else {
		for (const char *p = host; p < end; p++) {
			if (*p == ':') {
				if (colon) { /* a bare IPv6 address: no port */
					colon = NULL;
					break;
				}
				colon = p;
			}
		}
		if (colon) {
			if (fleet_parse_port(colon + 1, (size_t)(end - colon - 1), &h->port))
				return -EINVAL;
			end = colon;
		}
	}
	hlen = (size_t)(end - host);
	if (!hlen || *host == '-') /* never an option to anything */
		return -EINVAL;
	for (size_t i = 0; i < hlen; i++) {
		if (!fleet_host_char_is_ok(host[i]))
			return -EINVAL;
	}
	memcpy(h->name, host, hlen);
	return 0;
}

static int fleet_hosts__push(struct fleet_hosts *hs, const char *s, size_t len)
{
	struct fleet_host h;

	if (fleet_host__parse(&h, s, len))
		return -EINVAL;
	if (hs->n == FLEET_HOSTS_MAX)
		return -E2BIG;
	if (hs->n == hs->cap) {
		size_t cap = hs->cap ? hs->cap * 2 : 16;
		struct fleet_host *v = realloc(hs->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		hs->v = v;
		hs->cap = cap;
	}
	hs->v[hs->n++] = h;
	return 0;
}

int fleet_hosts__add_list(struct fleet_hosts *hs, const char *list)
{
	const char *p = list;

	if (!*p)
		return -EINVAL;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int err = fleet_hosts__push(hs, p, len);

		if (err)
			return err;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

static bool fleet_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* pssh's "HOST[:PORT] [USER]": a second word is the login name of a host that has none. */
static int fleet_hosts__push_line(struct fleet_hosts *hs, const char *b, const char *e)
{
	const char *sp = b, *u;
	size_t ulen;
	int err;

	while (sp < e && !fleet_is_space(*sp))
		sp++;
	err = fleet_hosts__push(hs, b, (size_t)(sp - b));
	if (err || sp == e)
		return err;
	u = sp;
	while (u < e && fleet_is_space(*u))
		u++;
	ulen = (size_t)(e - u);
	if (hs->v[hs->n - 1].user[0] || ulen > FLEET_HOST_MAX)
		return -EINVAL;
	for (size_t i = 0; i < ulen; i++) {
		if (!fleet_host_char_is_ok(u[i]) || u[i] == ':')
			return -EINVAL;
	}
	memcpy(hs->v[hs->n - 1].user, u, ulen);
	return 0;
}

int fleet_hosts__add_text(struct fleet_hosts *hs, const char *buf, size_t len, int *bad_line)
{
	const char *p = buf, *end = buf + len;
	int line = 0;

	*bad_line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end, *hash, *b = p, *e;
		int err;

		line++;
		hash = memchr(p, '#', (size_t)(stop - p));
		e = hash ? hash : stop;
		while (b < e && fleet_is_space(*b))
			b++;
		while (e > b && fleet_is_space(e[-1]))
			e--;
		if (e > b) {
			err = fleet_hosts__push_line(hs, b, e);
			if (err) {
				*bad_line = line;
				return err;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

void fleet_hosts__free(struct fleet_hosts *hs)
{
	free(hs->v);
	hs->v = NULL;
	hs->n = hs->cap = 0;
}
