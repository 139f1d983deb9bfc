// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * web_config.c: reads the exporter-toolkit-shaped web configuration of `vigil serve` (see
 * web_config.h) with libyaml's document loader, then walks the two levels it knows, checking
 * each node's type before use, so a hostile file (aliases that loop, tags, binary junk, a
 * sequence where a mapping belongs, NULs in a scalar) is refused with a message and never
 * walked further than the known keys. The PEM files it names are read at load time, so a
 * missing certificate, or a key that is not the certificate's, stops the start (GnuTLS, the
 * library libmicrohttpd's TLS runs on, loads them once here) rather than the first handshake.
 * Passwords are
 * checked with libxcrypt's bcrypt and a constant-time comparison of the whole hash; the last
 * password that matched for each user is remembered as a keyed MAC, so a scraper that sends
 * it again costs no bcrypt.
 */
#include "prom/web_config.h"

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#define BCRYPT_HASH_LEN 60 /* $2b$NN$ + 22 salt + 31 hash characters */
#define MAC_LEN		32 /* HMAC-SHA256 */
/*
 * bcrypt's cost is a power of two: 10 is ~100 ms, 14 ~1.6 s, 31 days. Every request with a new
 * password holds one of the few checking threads that long, so a hash beyond 14 starves them.
 */
#define BCRYPT_MIN_COST 4
#define BCRYPT_MAX_COST 14

struct web_user {
	char *name;
	char *hash;
	bool ok_set;
	unsigned char ok_mac[MAC_LEN]; /* keyed MAC of the last password that matched */
};

struct web_config {
	bool tls;
	char *cert_pem;
	char *key_pem;
	char *client_ca_pem;
	enum web_client_auth client_auth;
	bool client_auth_set;
	struct web_user *users;
	size_t nusers;
	/*
	 * bcrypt costs ~100 ms at cost 10, on the thread that serves every connection, and a
	 * scraper sends the same password each time: the last one that matched is remembered, as
	 * an HMAC under a key made at start (never the password itself).
	 */
	pthread_mutex_t cache_lock;
	unsigned char mac_key[MAC_LEN];
};

struct wc_parse {
	yaml_document_t *doc;
	struct web_config *c;
	const char *dir;
	char *err;
	size_t errlen;
};

static const char *const client_auth_names[] = {
	[WEB_NO_CLIENT_CERT] = "NoClientCert",
	[WEB_REQUEST_CLIENT_CERT] = "RequestClientCert",
	[WEB_REQUIRE_ANY_CLIENT_CERT] = "RequireAnyClientCert",
	[WEB_VERIFY_CLIENT_CERT_IF_GIVEN] = "VerifyClientCertIfGiven",
	[WEB_REQUIRE_AND_VERIFY_CLIENT_CERT] = "RequireAndVerifyClientCert",
};

/* The exporter-toolkit's keys that vigil knows but does not implement. */
static const char *const toolkit_only[] = {
	"http_server_config",
	"rate_limit",
	"min_version",
	"max_version",
	"cipher_suites",
	"curve_preferences",
	"prefer_server_cipher_suites",
	"client_allowed_sans",
	NULL,
};

static int wc_fail(struct wc_parse *p, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int wc_fail(struct wc_parse *p, const yaml_node_t *n, const char *fmt, ...)
{
	size_t off = 0;
	va_list ap;
	int len;

	if (n) {
		len = snprintf(p->err, p->errlen, "line %zu: ", (size_t)n->start_mark.line + 1);
		off = len > 0 && (size_t)len < p->errlen ? (size_t)len : 0;
	}
	va_start(ap, fmt);
	vsnprintf(p->err + off, p->errlen - off, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool is_toolkit_only(const char *key)
{
	for (int i = 0; toolkit_only[i]; i++)
		if (!strcmp(key, toolkit_only[i]))
			return true;
	return false;
}

/* The text of a scalar node, or NULL (with a message) for anything else. */
static const char *wc_scalar(struct wc_parse *p, const yaml_node_t *n, const char *what)
{
	if (!n || n->type != YAML_SCALAR_NODE) {
		wc_fail(p, n, "%s: want a single value", what);
		return NULL;
	}
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
		wc_fail(p, n, "%s: a NUL byte in the value", what);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

/* Whether n is an empty value (`key:` alone, `~`, `null`): the section is absent. */
static bool wc_is_null(const yaml_node_t *n)
{
	const char *v;

	if (!n || n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)n->data.scalar.value;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	       !strcmp(v, "NULL");
}

/* Read a whole (PEM or YAML) file of at most WEB_CONFIG_MAX_BYTES, NUL-terminated. */
static int read_small_file(const char *path, char **out, size_t *out_len)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap + 1), *bigger;
	ssize_t n;
	int fd, err = 0;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto err_free;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= WEB_CONFIG_MAX_BYTES) {
				err = -EFBIG;
				goto err_close;
			}
			cap *= 2;
			bigger = realloc(buf, cap + 1);
			if (!bigger) {
				err = -ENOMEM;
				goto err_close;
			}
			buf = bigger;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			goto err_close;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	if (out_len)
		*out_len = len;
	return 0;

err_close:
	close(fd);
err_free:
	free(buf);
	return err;
}

/* Read the PEM file a key names (relative to the config's folder) into *out. */
static int wc_read_pem(struct wc_parse *p, const yaml_node_t *n, const char *key, char **out)
{
	const char *name = wc_scalar(p, n, key);
	char path[PATH_MAX];
	int err, len;

	if (!name)
		return -EINVAL;
	if (!*name)
		return wc_fail(p, n, "%s: empty file name", key);
	if (name[0] == '/' || !p->dir)
		len = snprintf(path, sizeof(path), "%s", name);
	else
		len = snprintf(path, sizeof(path), "%s/%s", p->dir, name);
	if (len < 0 || (size_t)len >= sizeof(path))
		return wc_fail(p, n, "%s: file name too long", key);
	err = read_small_file(path, out, NULL);
	if (err)
		return wc_fail(p, n, "%s '%s': %s", key, path, strerror(-err));
	if (strlen(*out) == 0 || !strstr(*out, "-----BEGIN "))
		return wc_fail(p, n, "%s '%s': not a PEM file", key, path);
	return 0;
}

static int wc_inline_pem(struct wc_parse *p, const yaml_node_t *n, const char *key, char **out)
{
	const char *v = wc_scalar(p, n, key);

	if (!v)
		return -EINVAL;
	if (!strstr(v, "-----BEGIN "))
		return wc_fail(p, n, "%s: not PEM text", key);
	*out = strdup(v);
	return *out ? 0 : -ENOMEM;
}

enum { TLS_CERT_FILE, TLS_KEY_FILE, TLS_CERT, TLS_KEY, TLS_CLIENT_AUTH, TLS_CLIENT_CA, TLS__N };
static const char *const tls_keys[TLS__N] = {
	"cert_file", "key_file", "cert", "key", "client_auth_type", "client_ca_file",
};

static int tls_key(const char *key)
{
	for (int k = 0; k < TLS__N; k++)
		if (!strcmp(key, tls_keys[k]))
			return k;
	return -1;
}

static int wc_client_auth(struct wc_parse *p, const yaml_node_t *n)
{
	const char *v = wc_scalar(p, n, "client_auth_type");

	if (!v)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(client_auth_names) / sizeof(client_auth_names[0]); i++) {
		if (!strcmp(v, client_auth_names[i])) {
			p->c->client_auth = (enum web_client_auth)i;
			p->c->client_auth_set = true;
			return 0;
		}
	}
	return wc_fail(p, n,
		       "client_auth_type: '%.64s' is none of NoClientCert, RequestClientCert, "
		       "RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert",
		       v);
}

/* Whether GnuTLS takes the certificate, its key and the client CA, as the server will. */
static int wc_check_pems(struct wc_parse *p, const yaml_node_t *sec)
{
	struct web_config *c = p->c;
	gnutls_certificate_credentials_t cred;
	gnutls_datum_t cert = { (unsigned char *)c->cert_pem, (unsigned int)strlen(c->cert_pem) };
	gnutls_datum_t key = { (unsigned char *)c->key_pem, (unsigned int)strlen(c->key_pem) };
	int ret, err = 0;

	if (gnutls_certificate_allocate_credentials(&cred))
		return -ENOMEM;
	ret = gnutls_certificate_set_x509_key_mem(cred, &cert, &key, GNUTLS_X509_FMT_PEM);
	if (ret < 0) {
		err = wc_fail(p, sec, "tls_server_config: the certificate and key: %s",
			      gnutls_strerror(ret));
		goto out_cred;
	}
	if (c->client_ca_pem) {
		gnutls_datum_t ca = { (unsigned char *)c->client_ca_pem,
				      (unsigned int)strlen(c->client_ca_pem) };

		ret = gnutls_certificate_set_x509_trust_mem(cred, &ca, GNUTLS_X509_FMT_PEM);
		if (ret <= 0)
			err = wc_fail(p, sec, "tls_server_config: client_ca_file: %s",
				      ret < 0 ? gnutls_strerror(ret) : "no certificate in it");
	}
out_cred:
	gnutls_certificate_free_credentials(cred);
	return err;
}

static int wc_tls(struct wc_parse *p, const yaml_node_t *sec)
{
	struct web_config *c = p->c;
	unsigned int seen = 0;
	int err = 0;

	if (wc_is_null(sec))
		return 0;
	if (sec->type != YAML_MAPPING_NODE)
		return wc_fail(p, sec, "tls_server_config: want a mapping of keys");
	/* Keys first, so a misspelt one is named before any file is looked for. */
	for (yaml_node_pair_t *pair = sec->data.mapping.pairs.start;
	     pair < sec->data.mapping.pairs.top; pair++) {
		const yaml_node_t *kn = yaml_document_get_node(p->doc, pair->key);
		const char *key = wc_scalar(p, kn, "tls_server_config: a key");
		int k = key ? tls_key(key) : -1;

		if (!key)
			return -EINVAL;
		if (k < 0 && is_toolkit_only(key))
			return wc_fail(p, kn, "tls_server_config: '%s' is not supported by vigil",
				       key);
		if (k < 0)
			return wc_fail(p, kn, "tls_server_config: unknown key '%.64s'", key);
		if (seen & (1u << k))
			return wc_fail(p, kn, "tls_server_config: '%s' given twice", key);
		seen |= 1u << k;
		if (!yaml_document_get_node(p->doc, pair->value))
			return wc_fail(p, kn, "tls_server_config: '%s' has no value", key);
	}
	if (seen & (1u << TLS_CERT_FILE) && seen & (1u << TLS_CERT))
		return wc_fail(p, sec, "tls_server_config: cert and cert_file exclude each other");
	if (seen & (1u << TLS_KEY_FILE) && seen & (1u << TLS_KEY))
		return wc_fail(p, sec, "tls_server_config: key and key_file exclude each other");
	for (yaml_node_pair_t *pair = sec->data.mapping.pairs.start;
	     pair < sec->data.mapping.pairs.top; pair++) {
		const yaml_node_t *kn = yaml_document_get_node(p->doc, pair->key);
		const yaml_node_t *vn = yaml_document_get_node(p->doc, pair->value);
		const char *key = (const char *)kn->data.scalar.value;
		int k = tls_key(key);

		switch (k) {
		case TLS_CERT_FILE:
		case TLS_CERT:
			err = k == TLS_CERT ? wc_inline_pem(p, vn, key, &c->cert_pem)
					    : wc_read_pem(p, vn, key, &c->cert_pem);
			break;
		case TLS_KEY_FILE:
		case TLS_KEY:
			err = k == TLS_KEY ? wc_inline_pem(p, vn, key, &c->key_pem)
					   : wc_read_pem(p, vn, key, &c->key_pem);
			break;
		case TLS_CLIENT_AUTH:
			err = wc_client_auth(p, vn);
			break;
		case TLS_CLIENT_CA:
			err = wc_read_pem(p, vn, key, &c->client_ca_pem);
			break;
		}
		if (err)
			return err;
	}
	if (!seen)
		return 0;
	if (!c->cert_pem || !c->key_pem)
		return wc_fail(p, sec, "tls_server_config: needs %s",
			       c->cert_pem ? "key_file" : "cert_file");
	/* As the toolkit does: a CA alone means verified client certificates are required. */
	if (c->client_ca_pem && !c->client_auth_set)
		c->client_auth = WEB_REQUIRE_AND_VERIFY_CLIENT_CERT;
	/* libmicrohttpd asks a client for its certificate only when it has a CA to offer. */
	if (!c->client_ca_pem && c->client_auth != WEB_NO_CLIENT_CERT)
		return wc_fail(p, sec,
			       "tls_server_config: client_auth_type %s needs client_ca_file",
			       client_auth_names[c->client_auth]);
	if (c->client_ca_pem && c->client_auth == WEB_NO_CLIENT_CERT)
		return wc_fail(p, sec, "tls_server_config: client_ca_file with NoClientCert");
	err = wc_check_pems(p, sec);
	if (err)
		return err;
	c->tls = true;
	return 0;
}

static int bcrypt_cost(const char *h)
{
	return (h[4] - '0') * 10 + (h[5] - '0');
}

static bool is_bcrypt_hash(const char *h)
{
	if (strlen(h) != BCRYPT_HASH_LEN || h[0] != '$' || h[1] != '2' || !strchr("aby", h[2]) ||
	    h[2] == '\0' || h[3] != '$' || h[4] < '0' || h[4] > '3' || h[5] < '0' || h[5] > '9' ||
	    h[6] != '$')
		return false;
	for (const char *q = h + 7; *q; q++)
		if (!strchr("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", *q))
			return false;
	return true;
}

static int wc_users(struct wc_parse *p, const yaml_node_t *sec)
{
	struct web_config *c = p->c;
	size_t n;

	if (wc_is_null(sec))
		return 0;
	if (sec->type != YAML_MAPPING_NODE)
		return wc_fail(p, sec, "basic_auth_users: want a mapping of user: bcrypt hash");
	n = (size_t)(sec->data.mapping.pairs.top - sec->data.mapping.pairs.start);
	c->users = calloc(n ? n : 1, sizeof(*c->users));
	if (!c->users)
		return -ENOMEM;
	for (yaml_node_pair_t *pair = sec->data.mapping.pairs.start;
	     pair < sec->data.mapping.pairs.top; pair++) {
		const yaml_node_t *kn = yaml_document_get_node(p->doc, pair->key);
		const yaml_node_t *vn = yaml_document_get_node(p->doc, pair->value);
		const char *user = wc_scalar(p, kn, "basic_auth_users: a user name");
		const char *hash;

		if (!user)
			return -EINVAL;
		if (!*user || strchr(user, ':'))
			return wc_fail(p, kn,
				       "basic_auth_users: '%.64s' is not a valid user name "
				       "(empty, or with a colon)",
				       user);
		for (size_t i = 0; i < c->nusers; i++)
			if (!strcmp(c->users[i].name, user))
				return wc_fail(p, kn, "basic_auth_users: '%.64s' given twice",
					       user);
		hash = wc_scalar(p, vn, "basic_auth_users: a password hash");
		if (!hash)
			return -EINVAL;
		if (!is_bcrypt_hash(hash))
			return wc_fail(p, vn,
				       "basic_auth_users: %.64s: not a bcrypt hash "
				       "($2a$, $2b$ or $2y$, 60 characters)",
				       user);
		if (bcrypt_cost(hash) < BCRYPT_MIN_COST || bcrypt_cost(hash) > BCRYPT_MAX_COST)
			return wc_fail(
				p, vn,
				"basic_auth_users: %.64s: bcrypt cost %d is outside %d..%d "
				"(each new password would cost up to 2^%d rounds per request)",
				user, bcrypt_cost(hash), BCRYPT_MIN_COST, BCRYPT_MAX_COST,
				bcrypt_cost(hash));
		c->users[c->nusers].name = strdup(user);
		c->users[c->nusers].hash = strdup(hash);
		if (!c->users[c->nusers].name || !c->users[c->nusers].hash) {
			free(c->users[c->nusers].name);
			free(c->users[c->nusers].hash);
			return -ENOMEM;
		}
		c->nusers++;
	}
	return 0;
}

static int wc_root(struct wc_parse *p)
{
	const yaml_node_t *root = yaml_document_get_root_node(p->doc);
	const yaml_node_t *tls = NULL, *users = NULL;
	int err;

	if (!root || wc_is_null(root))
		return 0; /* an empty file: plain HTTP, no auth */
	if (root->type != YAML_MAPPING_NODE)
		return wc_fail(p, root, "want a mapping of tls_server_config and basic_auth_users");
	/* Every key is checked before any section is read (and any file looked for). */
	for (yaml_node_pair_t *pair = root->data.mapping.pairs.start;
	     pair < root->data.mapping.pairs.top; pair++) {
		const yaml_node_t *kn = yaml_document_get_node(p->doc, pair->key);
		const yaml_node_t *vn = yaml_document_get_node(p->doc, pair->value);
		const char *key = wc_scalar(p, kn, "a key");
		const yaml_node_t **slot;

		if (!key)
			return -EINVAL;
		if (!strcmp(key, "tls_server_config"))
			slot = &tls;
		else if (!strcmp(key, "basic_auth_users"))
			slot = &users;
		else if (is_toolkit_only(key))
			return wc_fail(p, kn, "'%s' is not supported by vigil", key);
		else
			return wc_fail(p, kn, "unknown key '%.64s'", key);
		if (*slot)
			return wc_fail(p, kn, "'%s' given twice", key);
		if (!vn)
			return wc_fail(p, kn, "'%s' has no value", key);
		*slot = vn;
	}
	err = users ? wc_users(p, users) : 0;
	if (!err && tls)
		err = wc_tls(p, tls);
	return err;
}

struct web_config *web_config__parse(const char *text, size_t len, const char *dir, char *err,
				     size_t errlen)
{
	struct wc_parse p = { .dir = dir, .err = err, .errlen = errlen };
	yaml_parser_t parser;
	yaml_document_t doc;
	int ret = -EINVAL;

	err[0] = '\0';
	p.c = calloc(1, sizeof(*p.c));
	if (!p.c)
		return NULL;
	pthread_mutex_init(&p.c->cache_lock, NULL);
	if (gnutls_rnd(GNUTLS_RND_KEY, p.c->mac_key, sizeof(p.c->mac_key))) {
		ret = -EIO;
		goto out_config;
	}
	if (!yaml_parser_initialize(&parser)) {
		ret = -ENOMEM;
		goto out_config;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "line %zu: %s%s%s", (size_t)parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "not YAML", parser.context ? " " : "",
			 parser.context ? parser.context : "");
		goto out_parser;
	}
	p.doc = &doc;
	ret = wc_root(&p);
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&parser);
out_config:
	if (!ret)
		return p.c;
	if (!err[0])
		snprintf(err, errlen, "%s", strerror(-ret));
	web_config__free(p.c);
	errno = -ret;
	return NULL;
}

struct web_config *web_config__load(const char *path, char *err, size_t errlen)
{
	struct web_config *c = NULL;
	char *text = NULL, *dir;
	const char *slash;
	size_t len;
	int ret;

	ret = read_small_file(path, &text, &len);
	if (ret) {
		snprintf(err, errlen, "%s", strerror(-ret));
		errno = -ret;
		return NULL;
	}
	slash = strrchr(path, '/');
	dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : NULL;
	if (slash && !dir) {
		errno = ENOMEM;
		goto out_text;
	}
	c = web_config__parse(text, len, dir, err, errlen);
	free(dir);
out_text:
	free(text);
	return c;
}

void web_config__free(struct web_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nusers; i++) {
		free(c->users[i].name);
		free(c->users[i].hash);
	}
	free(c->users);
	free(c->cert_pem);
	if (c->key_pem)
		explicit_bzero(c->key_pem, strlen(c->key_pem));
	free(c->key_pem);
	free(c->client_ca_pem);
	explicit_bzero(c->mac_key, sizeof(c->mac_key));
	pthread_mutex_destroy(&c->cache_lock);
	free(c);
}

bool web_config__has_tls(const struct web_config *c, struct web_tls *tls)
{
	if (!c || !c->tls)
		return false;
	tls->cert_pem = c->cert_pem;
	tls->key_pem = c->key_pem;
	tls->client_ca_pem = c->client_ca_pem;
	tls->client_auth = c->client_auth;
	return true;
}

bool web_config__has_users(const struct web_config *c)
{
	return c && c->nusers;
}

/* Compare two NUL-terminated strings in time that depends on their lengths only. */
static bool equal_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = la != lb;

	for (size_t i = 0; i < la && i < lb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return !diff;
}

static bool mac_equal_ct(const unsigned char *a, const unsigned char *b)
{
	unsigned char diff = 0;

	for (size_t i = 0; i < MAC_LEN; i++)
		diff |= a[i] ^ b[i];
	return !diff;
}

int web_config__check_user(struct web_config *c, const char *user, const char *password,
			   bool may_block)
{
	unsigned char mac[MAC_LEN];
	struct web_user *u = NULL;
	struct crypt_data *cd;
	bool ok = false, have_mac;
	const char *got;
	int ret = -EACCES;

	if (!web_config__has_users(c) || !user || !password)
		return -EACCES;
	for (size_t i = 0; i < c->nusers; i++)
		if (!strcmp(c->users[i].name, user))
			u = &c->users[i];
	have_mac = !gnutls_hmac_fast(GNUTLS_MAC_SHA256, c->mac_key, sizeof(c->mac_key), password,
				     strlen(password), mac);
	if (u && have_mac) {
		pthread_mutex_lock(&c->cache_lock);
		ok = u->ok_set && mac_equal_ct(mac, u->ok_mac);
		pthread_mutex_unlock(&c->cache_lock);
		if (ok) {
			ret = 0;
			goto out;
		}
	}
	if (!may_block) {
		ret = -EWOULDBLOCK;
		goto out;
	}
	cd = calloc(1, sizeof(*cd));
	if (!cd) {
		ret = -ENOMEM;
		goto out;
	}
	/* An unknown user costs one bcrypt too, so timing does not tell which users exist. */
	got = crypt_r(password, u ? u->hash : c->users[0].hash, cd);
	ok = u && got && equal_ct(got, u->hash);
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	if (ok && have_mac) {
		pthread_mutex_lock(&c->cache_lock);
		memcpy(u->ok_mac, mac, MAC_LEN);
		u->ok_set = true;
		pthread_mutex_unlock(&c->cache_lock);
	}
	ret = ok ? 0 : -EACCES;
out:
	explicit_bzero(mac, sizeof(mac));
	return ret;
}
