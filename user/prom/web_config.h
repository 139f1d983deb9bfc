/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * web_config.h: the `vigil serve --web.config.file` file, in the shape of the Prometheus
 * exporter-toolkit's web configuration: `tls_server_config` (cert_file or cert, key_file or
 * key, client_auth_type, client_ca_file) turns on TLS, and `basic_auth_users` (user: bcrypt
 * hash) asks every request for one of those users. A key this file does not know, or one of
 * the toolkit's that vigil does not implement, is refused with its name and line.
 */
#ifndef VIGIL_WEB_CONFIG_H
#define VIGIL_WEB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define WEB_CONFIG_MAX_BYTES (1u << 20) /* the file, and each PEM file it names */

/* client_auth_type, with the toolkit's names (crypto/tls's ClientAuthType). */
enum web_client_auth {
	WEB_NO_CLIENT_CERT,
	WEB_REQUEST_CLIENT_CERT,
	WEB_REQUIRE_ANY_CLIENT_CERT,
	WEB_VERIFY_CLIENT_CERT_IF_GIVEN,
	WEB_REQUIRE_AND_VERIFY_CLIENT_CERT,
};

struct web_config;

/* What TLS needs, as PEM text kept by the config; NULLs when TLS is off. */
struct web_tls {
	const char *cert_pem;
	const char *key_pem;
	const char *client_ca_pem; /* NULL: no client certificates asked for */
	enum web_client_auth client_auth;
};

/*
 * Parse len bytes of YAML text. Relative file names in it are taken from dir (NULL: the
 * current directory); the PEM files they name are read now. NULL and errno set (EINVAL for a
 * bad file), with a message naming the key and line in err.
 */
struct web_config *web_config__parse(const char *text, size_t len, const char *dir, char *err,
				     size_t errlen);

/* Read and parse the file at path (see web_config__parse). */
struct web_config *web_config__load(const char *path, char *err, size_t errlen);

void web_config__free(struct web_config *c);

/* Whether the config turns TLS on; *tls is filled when it does. */
bool web_config__has_tls(const struct web_config *c, struct web_tls *tls);

/* Whether requests must carry basic auth credentials. */
bool web_config__has_users(const struct web_config *c);

/*
 * Check user and password against basic_auth_users (bcrypt, constant-time compare): 0 when
 * they match, -EACCES when not. The last match per user is remembered (as a keyed MAC) and
 * answered at once; anything else costs one bcrypt (~100 ms at cost 10), or, when !may_block,
 * returns -EWOULDBLOCK so that the caller can run it elsewhere. Safe from several threads.
 */
int web_config__check_user(struct web_config *c, const char *user, const char *password,
			   bool may_block);

#endif /* VIGIL_WEB_CONFIG_H */
