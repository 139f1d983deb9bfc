// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ssh_dl.c: libssh, loaded on first use (dl/dl.h). Only `vigil fleet` speaks SSH; linked
 * normally, libssh and its OpenSSL would load on every vigil command's exec. Each libssh and
 * SFTP function the fleet calls is defined here under its own name with libssh's own
 * prototype and forwards to libssh.so.4, so `make static` can leave this file out and link
 * libssh itself. When libssh cannot be loaded every call fails as libssh reports failure
 * (NULL, SSH_ERROR, SSH_AUTH_ERROR...), after one message naming the library and its package.
 */
#include <stdarg.h>
#include <stdint.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include "dl/dl.h"

static struct dl_lib ssh_lib = DL_LIB_INIT("libssh.so.4", "libssh-4");

#define SSH_FN(name) DL_FN(&ssh_lib, name)

int ssh_options_set(ssh_session session, enum ssh_options_e type, const void *value)
{
	__typeof__(&ssh_options_set) fn = SSH_FN(ssh_options_set);

	return fn ? fn(session, type, value) : SSH_ERROR;
}

const char *ssh_get_error(void *error)
{
	__typeof__(&ssh_get_error) fn = SSH_FN(ssh_get_error);

	return fn ? fn(error) : "libssh could not be loaded (install libssh-4)";
}

int ssh_init(void)
{
	__typeof__(&ssh_init) fn = SSH_FN(ssh_init);

	return fn ? fn() : SSH_ERROR;
}

ssh_session ssh_new(void)
{
	__typeof__(&ssh_new) fn = SSH_FN(ssh_new);

	return fn ? fn() : NULL;
}

void ssh_free(ssh_session session)
{
	__typeof__(&ssh_free) fn = SSH_FN(ssh_free);

	if (fn)
		fn(session);
}

int ssh_options_parse_config(ssh_session session, const char *filename)
{
	__typeof__(&ssh_options_parse_config) fn = SSH_FN(ssh_options_parse_config);

	return fn ? fn(session, filename) : SSH_ERROR;
}

int ssh_connect(ssh_session session)
{
	__typeof__(&ssh_connect) fn = SSH_FN(ssh_connect);

	return fn ? fn(session) : SSH_ERROR;
}

void ssh_disconnect(ssh_session session)
{
	__typeof__(&ssh_disconnect) fn = SSH_FN(ssh_disconnect);

	if (fn)
		fn(session);
}

int ssh_get_error_code(void *error)
{
	__typeof__(&ssh_get_error_code) fn = SSH_FN(ssh_get_error_code);

	return fn ? fn(error) : SSH_FATAL;
}

socket_t ssh_get_fd(ssh_session session)
{
	__typeof__(&ssh_get_fd) fn = SSH_FN(ssh_get_fd);

	return fn ? fn(session) : SSH_INVALID_SOCKET;
}

enum ssh_known_hosts_e ssh_session_is_known_server(ssh_session session)
{
	__typeof__(&ssh_session_is_known_server) fn = SSH_FN(ssh_session_is_known_server);

	return fn ? fn(session) : SSH_KNOWN_HOSTS_ERROR;
}

int ssh_get_server_publickey(ssh_session session, ssh_key *key)
{
	__typeof__(&ssh_get_server_publickey) fn = SSH_FN(ssh_get_server_publickey);

	return fn ? fn(session, key) : SSH_ERROR;
}

int ssh_get_publickey_hash(const ssh_key key, enum ssh_publickey_hash_type type,
			   unsigned char **hash, size_t *hlen)
{
	__typeof__(&ssh_get_publickey_hash) fn = SSH_FN(ssh_get_publickey_hash);

	return fn ? fn(key, type, hash, hlen) : SSH_ERROR;
}

char *ssh_get_fingerprint_hash(enum ssh_publickey_hash_type type, unsigned char *hash, size_t len)
{
	__typeof__(&ssh_get_fingerprint_hash) fn = SSH_FN(ssh_get_fingerprint_hash);

	return fn ? fn(type, hash, len) : NULL;
}

void ssh_clean_pubkey_hash(unsigned char **hash)
{
	__typeof__(&ssh_clean_pubkey_hash) fn = SSH_FN(ssh_clean_pubkey_hash);

	if (fn)
		fn(hash);
}

void ssh_string_free_char(char *s)
{
	__typeof__(&ssh_string_free_char) fn = SSH_FN(ssh_string_free_char);

	if (fn)
		fn(s);
}

void ssh_key_free(ssh_key key)
{
	__typeof__(&ssh_key_free) fn = SSH_FN(ssh_key_free);

	if (fn)
		fn(key);
}

enum ssh_keytypes_e ssh_key_type(const ssh_key key)
{
	__typeof__(&ssh_key_type) fn = SSH_FN(ssh_key_type);

	return fn ? fn(key) : SSH_KEYTYPE_UNKNOWN;
}

const char *ssh_key_type_to_char(enum ssh_keytypes_e type)
{
	__typeof__(&ssh_key_type_to_char) fn = SSH_FN(ssh_key_type_to_char);

	return fn ? fn(type) : NULL;
}

int ssh_userauth_publickey_auto(ssh_session session, const char *username, const char *passphrase)
{
	__typeof__(&ssh_userauth_publickey_auto) fn = SSH_FN(ssh_userauth_publickey_auto);

	return fn ? fn(session, username, passphrase) : SSH_AUTH_ERROR;
}

ssh_channel ssh_channel_new(ssh_session session)
{
	__typeof__(&ssh_channel_new) fn = SSH_FN(ssh_channel_new);

	return fn ? fn(session) : NULL;
}

int ssh_channel_open_session(ssh_channel channel)
{
	__typeof__(&ssh_channel_open_session) fn = SSH_FN(ssh_channel_open_session);

	return fn ? fn(channel) : SSH_ERROR;
}

int ssh_channel_open_forward(ssh_channel channel, const char *remotehost, int remoteport,
			     const char *sourcehost, int localport)
{
	__typeof__(&ssh_channel_open_forward) fn = SSH_FN(ssh_channel_open_forward);

	return fn ? fn(channel, remotehost, remoteport, sourcehost, localport) : SSH_ERROR;
}

int ssh_channel_request_exec(ssh_channel channel, const char *cmd)
{
	__typeof__(&ssh_channel_request_exec) fn = SSH_FN(ssh_channel_request_exec);

	return fn ? fn(channel, cmd) : SSH_ERROR;
}

int ssh_channel_read_nonblocking(ssh_channel channel, void *dest, uint32_t count, int is_stderr)
{
	__typeof__(&ssh_channel_read_nonblocking) fn = SSH_FN(ssh_channel_read_nonblocking);

	return fn ? fn(channel, dest, count, is_stderr) : SSH_ERROR;
}

int ssh_channel_read_timeout(ssh_channel channel, void *dest, uint32_t count, int is_stderr,
			     int timeout_ms)
{
	__typeof__(&ssh_channel_read_timeout) fn = SSH_FN(ssh_channel_read_timeout);

	return fn ? fn(channel, dest, count, is_stderr, timeout_ms) : SSH_ERROR;
}

int ssh_channel_poll_timeout(ssh_channel channel, int timeout, int is_stderr)
{
	__typeof__(&ssh_channel_poll_timeout) fn = SSH_FN(ssh_channel_poll_timeout);

	return fn ? fn(channel, timeout, is_stderr) : SSH_ERROR;
}

int ssh_channel_write(ssh_channel channel, const void *data, uint32_t len)
{
	__typeof__(&ssh_channel_write) fn = SSH_FN(ssh_channel_write);

	return fn ? fn(channel, data, len) : SSH_ERROR;
}

int ssh_channel_is_eof(ssh_channel channel)
{
	__typeof__(&ssh_channel_is_eof) fn = SSH_FN(ssh_channel_is_eof);

	return fn ? fn(channel) : 1;
}

int ssh_channel_is_open(ssh_channel channel)
{
	__typeof__(&ssh_channel_is_open) fn = SSH_FN(ssh_channel_is_open);

	return fn ? fn(channel) : 0;
}

int ssh_channel_get_exit_status(ssh_channel channel)
{
	__typeof__(&ssh_channel_get_exit_status) fn = SSH_FN(ssh_channel_get_exit_status);

	return fn ? fn(channel) : -1;
}

int ssh_channel_request_send_signal(ssh_channel channel, const char *signum)
{
	__typeof__(&ssh_channel_request_send_signal) fn = SSH_FN(ssh_channel_request_send_signal);

	return fn ? fn(channel, signum) : SSH_ERROR;
}

int ssh_channel_send_eof(ssh_channel channel)
{
	__typeof__(&ssh_channel_send_eof) fn = SSH_FN(ssh_channel_send_eof);

	return fn ? fn(channel) : SSH_ERROR;
}

int ssh_channel_close(ssh_channel channel)
{
	__typeof__(&ssh_channel_close) fn = SSH_FN(ssh_channel_close);

	return fn ? fn(channel) : SSH_ERROR;
}

void ssh_channel_free(ssh_channel channel)
{
	__typeof__(&ssh_channel_free) fn = SSH_FN(ssh_channel_free);

	if (fn)
		fn(channel);
}

sftp_session sftp_new(ssh_session session)
{
	__typeof__(&sftp_new) fn = SSH_FN(sftp_new);

	return fn ? fn(session) : NULL;
}

int sftp_init(sftp_session sftp)
{
	__typeof__(&sftp_init) fn = SSH_FN(sftp_init);

	return fn ? fn(sftp) : -1;
}

void sftp_free(sftp_session sftp)
{
	__typeof__(&sftp_free) fn = SSH_FN(sftp_free);

	if (fn)
		fn(sftp);
}

int sftp_get_error(sftp_session sftp)
{
	__typeof__(&sftp_get_error) fn = SSH_FN(sftp_get_error);

	return fn ? fn(sftp) : SSH_FX_FAILURE;
}

int sftp_mkdir(sftp_session sftp, const char *directory, mode_t mode)
{
	__typeof__(&sftp_mkdir) fn = SSH_FN(sftp_mkdir);

	return fn ? fn(sftp, directory, mode) : -1;
}

int sftp_rmdir(sftp_session sftp, const char *directory)
{
	__typeof__(&sftp_rmdir) fn = SSH_FN(sftp_rmdir);

	return fn ? fn(sftp, directory) : -1;
}

int sftp_unlink(sftp_session sftp, const char *file)
{
	__typeof__(&sftp_unlink) fn = SSH_FN(sftp_unlink);

	return fn ? fn(sftp, file) : -1;
}

sftp_file sftp_open(sftp_session session, const char *file, int accesstype, mode_t mode)
{
	__typeof__(&sftp_open) fn = SSH_FN(sftp_open);

	return fn ? fn(session, file, accesstype, mode) : NULL;
}

ssize_t sftp_write(sftp_file file, const void *buf, size_t count)
{
	__typeof__(&sftp_write) fn = SSH_FN(sftp_write);

	return fn ? fn(file, buf, count) : -1;
}

int sftp_close(sftp_file file)
{
	__typeof__(&sftp_close) fn = SSH_FN(sftp_close);

	return fn ? fn(file) : -1;
}

int ssh_options_get(ssh_session session, enum ssh_options_e type, char **value)
{
	__typeof__(&ssh_options_get) fn = SSH_FN(ssh_options_get);

	return fn ? fn(session, type, value) : SSH_ERROR;
}

int ssh_options_get_port(ssh_session session, unsigned int *port_target)
{
	__typeof__(&ssh_options_get_port) fn = SSH_FN(ssh_options_get_port);

	return fn ? fn(session, port_target) : SSH_ERROR;
}
