// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * web_config_none.c: --web.config.file in a build without the HTTP endpoint (make
 * WITH_MHD=0, which also drops libyaml, gnutls and libcrypt): no file loads, and a
 * configuration that does not exist has neither TLS nor users.
 */
#include "prom/web_config.h"

#include <errno.h>
#include <stdio.h>

struct web_config *web_config__parse(const char *text, size_t len, const char *dir, char *err,
				     size_t errlen)
{
	(void)text;
	(void)len;
	(void)dir;
	snprintf(err, errlen, "TLS and basic auth need libmicrohttpd: not in this build");
	errno = ENOTSUP;
	return NULL;
}

struct web_config *web_config__load(const char *path, char *err, size_t errlen)
{
	return web_config__parse(NULL, 0, path, err, errlen);
}

void web_config__free(struct web_config *c)
{
	(void)c;
}

bool web_config__has_tls(const struct web_config *c, struct web_tls *tls)
{
	(void)c;
	(void)tls;
	return false;
}

bool web_config__has_users(const struct web_config *c)
{
	(void)c;
	return false;
}

int web_config__check_user(struct web_config *c, const char *user, const char *password,
			   bool may_block)
{
	(void)c;
	(void)user;
	(void)password;
	(void)may_block;
	return -ENOTSUP;
}
