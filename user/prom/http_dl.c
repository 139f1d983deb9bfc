// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * http_dl.c: serve's libraries (libmicrohttpd, gnutls, libyaml for --web-config, libcrypt
 * for its password hashes), loaded on first use instead of at exec. Only `vigil serve`
 * needs them, yet linked normally they cost every vigil command their load and gnutls'
 * constructor (about 9 ms of CPU per exec on the development VM, more than all of
 * `iostat -x` takes). Each function serve.c and web_config.c call is defined here under its
 * own name, with the library's own prototype from its header, and forwards to the symbol
 * dlsym() finds; so those files are unchanged. A library that cannot be loaded makes the
 * calls fail as the library reports failure (NULL, MHD_NO, a negative GNUTLS_E_* code, 0).
 */
#include <crypt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <microhttpd.h>
#include <yaml.h>

#include "dl/dl.h"

static struct dl_lib mhd_lib = DL_LIB_INIT("libmicrohttpd.so.12", "libmicrohttpd12");
static struct dl_lib gnutls_lib = DL_LIB_INIT("libgnutls.so.30", "libgnutls30");
static struct dl_lib yaml_lib = DL_LIB_INIT("libyaml-0.so.2", "libyaml-0-2");
static struct dl_lib crypt_lib = DL_LIB_INIT("libcrypt.so.1", "libcrypt1");

#define MHD(name)  DL_FN(&mhd_lib, name)
#define TLS(name)  DL_FN(&gnutls_lib, name)
#define YAML(name) DL_FN(&yaml_lib, name)

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
				    void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	__typeof__(&MHD_start_daemon_va) fn = MHD(MHD_start_daemon_va);
	struct MHD_Daemon *d;
	va_list ap;

	if (!fn)
		return NULL;
	va_start(ap, dh_cls);
	d = fn(flags, port, apc, apc_cls, dh, dh_cls, ap);
	va_end(ap);
	return d;
}

void MHD_stop_daemon(struct MHD_Daemon *daemon)
{
	__typeof__(&MHD_stop_daemon) fn = MHD(MHD_stop_daemon);

	if (fn)
		fn(daemon);
}

/* The info types vigil asks for take no extra argument: none is forwarded. */
const union MHD_DaemonInfo *MHD_get_daemon_info(struct MHD_Daemon *daemon,
						enum MHD_DaemonInfoType info_type, ...)
{
	__typeof__(&MHD_get_daemon_info) fn = MHD(MHD_get_daemon_info);

	return fn ? fn(daemon, info_type) : NULL;
}

const union MHD_ConnectionInfo *MHD_get_connection_info(struct MHD_Connection *connection,
							enum MHD_ConnectionInfoType info_type, ...)
{
	__typeof__(&MHD_get_connection_info) fn = MHD(MHD_get_connection_info);

	return fn ? fn(connection, info_type) : NULL;
}

struct MHD_Response *MHD_create_response_from_buffer(size_t size, void *buffer,
						     enum MHD_ResponseMemoryMode mode)
{
	__typeof__(&MHD_create_response_from_buffer) fn = MHD(MHD_create_response_from_buffer);

	return fn ? fn(size, buffer, mode) : NULL;
}

enum MHD_Result MHD_add_response_header(struct MHD_Response *response, const char *header,
					const char *content)
{
	__typeof__(&MHD_add_response_header) fn = MHD(MHD_add_response_header);

	return fn ? fn(response, header, content) : MHD_NO;
}

void MHD_destroy_response(struct MHD_Response *response)
{
	__typeof__(&MHD_destroy_response) fn = MHD(MHD_destroy_response);

	if (fn)
		fn(response);
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *connection, unsigned int status_code,
				   struct MHD_Response *response)
{
	__typeof__(&MHD_queue_response) fn = MHD(MHD_queue_response);

	return fn ? fn(connection, status_code, response) : MHD_NO;
}

enum MHD_Result MHD_queue_basic_auth_fail_response(struct MHD_Connection *connection,
						   const char *realm, struct MHD_Response *response)
{
	__typeof__(&MHD_queue_basic_auth_fail_response) fn =
		MHD(MHD_queue_basic_auth_fail_response);

	return fn ? fn(connection, realm, response) : MHD_NO;
}

char *MHD_basic_auth_get_username_password(struct MHD_Connection *connection, char **password)
{
	__typeof__(&MHD_basic_auth_get_username_password) fn =
		MHD(MHD_basic_auth_get_username_password);

	if (password)
		*password = NULL;
	return fn ? fn(connection, password) : NULL;
}

void MHD_free(void *ptr)
{
	__typeof__(&MHD_free) fn = MHD(MHD_free);

	if (fn)
		fn(ptr);
}

void MHD_suspend_connection(struct MHD_Connection *connection)
{
	__typeof__(&MHD_suspend_connection) fn = MHD(MHD_suspend_connection);

	if (fn)
		fn(connection);
}

void MHD_resume_connection(struct MHD_Connection *connection)
{
	__typeof__(&MHD_resume_connection) fn = MHD(MHD_resume_connection);

	if (fn)
		fn(connection);
}

const char *MHD_lookup_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind,
					const char *key)
{
	__typeof__(&MHD_lookup_connection_value) fn = MHD(MHD_lookup_connection_value);

	return fn ? fn(connection, kind, key) : NULL;
}

int gnutls_certificate_allocate_credentials(gnutls_certificate_credentials_t *res)
{
	__typeof__(&gnutls_certificate_allocate_credentials) fn =
		TLS(gnutls_certificate_allocate_credentials);

	return fn ? fn(res) : GNUTLS_E_INTERNAL_ERROR;
}

void gnutls_certificate_free_credentials(gnutls_certificate_credentials_t sc)
{
	__typeof__(&gnutls_certificate_free_credentials) fn =
		TLS(gnutls_certificate_free_credentials);

	if (fn)
		fn(sc);
}

const gnutls_datum_t *gnutls_certificate_get_peers(gnutls_session_t session,
						   unsigned int *list_size)
{
	__typeof__(&gnutls_certificate_get_peers) fn = TLS(gnutls_certificate_get_peers);

	return fn ? fn(session, list_size) : NULL;
}

int gnutls_certificate_set_x509_key_mem(gnutls_certificate_credentials_t res,
					const gnutls_datum_t *cert, const gnutls_datum_t *key,
					gnutls_x509_crt_fmt_t type)
{
	__typeof__(&gnutls_certificate_set_x509_key_mem) fn =
		TLS(gnutls_certificate_set_x509_key_mem);

	return fn ? fn(res, cert, key, type) : GNUTLS_E_INTERNAL_ERROR;
}

int gnutls_certificate_set_x509_trust_mem(gnutls_certificate_credentials_t res,
					  const gnutls_datum_t *ca, gnutls_x509_crt_fmt_t type)
{
	__typeof__(&gnutls_certificate_set_x509_trust_mem) fn =
		TLS(gnutls_certificate_set_x509_trust_mem);

	return fn ? fn(res, ca, type) : GNUTLS_E_INTERNAL_ERROR;
}

int gnutls_certificate_verify_peers2(gnutls_session_t session, unsigned int *status)
{
	__typeof__(&gnutls_certificate_verify_peers2) fn = TLS(gnutls_certificate_verify_peers2);

	return fn ? fn(session, status) : GNUTLS_E_INTERNAL_ERROR;
}

int gnutls_hmac_fast(gnutls_mac_algorithm_t algorithm, const void *key, size_t keylen,
		     const void *text, size_t textlen, void *digest)
{
	__typeof__(&gnutls_hmac_fast) fn = TLS(gnutls_hmac_fast);

	return fn ? fn(algorithm, key, keylen, text, textlen, digest) : GNUTLS_E_INTERNAL_ERROR;
}

int gnutls_rnd(gnutls_rnd_level_t level, void *data, size_t len)
{
	__typeof__(&gnutls_rnd) fn = TLS(gnutls_rnd);

	return fn ? fn(level, data, len) : GNUTLS_E_INTERNAL_ERROR;
}

const char *gnutls_strerror(int error)
{
	__typeof__(&gnutls_strerror) fn = TLS(gnutls_strerror);

	return fn ? fn(error) : "gnutls could not be loaded";
}

int yaml_parser_initialize(yaml_parser_t *parser)
{
	__typeof__(&yaml_parser_initialize) fn = YAML(yaml_parser_initialize);

	return fn ? fn(parser) : 0;
}

void yaml_parser_delete(yaml_parser_t *parser)
{
	__typeof__(&yaml_parser_delete) fn = YAML(yaml_parser_delete);

	if (fn)
		fn(parser);
}

void yaml_parser_set_input_string(yaml_parser_t *parser, const unsigned char *input, size_t size)
{
	__typeof__(&yaml_parser_set_input_string) fn = YAML(yaml_parser_set_input_string);

	if (fn)
		fn(parser, input, size);
}

int yaml_parser_load(yaml_parser_t *parser, yaml_document_t *document)
{
	__typeof__(&yaml_parser_load) fn = YAML(yaml_parser_load);

	return fn ? fn(parser, document) : 0;
}

void yaml_document_delete(yaml_document_t *document)
{
	__typeof__(&yaml_document_delete) fn = YAML(yaml_document_delete);

	if (fn)
		fn(document);
}

yaml_node_t *yaml_document_get_node(yaml_document_t *document, int index)
{
	__typeof__(&yaml_document_get_node) fn = YAML(yaml_document_get_node);

	return fn ? fn(document, index) : NULL;
}

yaml_node_t *yaml_document_get_root_node(yaml_document_t *document)
{
	__typeof__(&yaml_document_get_root_node) fn = YAML(yaml_document_get_root_node);

	return fn ? fn(document) : NULL;
}

char *crypt_r(const char *phrase, const char *setting, struct crypt_data *data)
{
	__typeof__(&crypt_r) fn = DL_FN(&crypt_lib, crypt_r);

	return fn ? fn(phrase, setting, data) : NULL;
}
