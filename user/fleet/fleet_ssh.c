// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fleet_ssh.c: one host's SSH session for `vigil fleet`, over libssh (loaded on first use by
 * ssh_dl.c): options from the host's words, the user's ssh config (aliases, User, Port,
 * IdentityFile) and the flags, in that order of precedence reversed (flags win); the host key
 * checked against known_hosts before any authentication is tried; publickey authentication
 * through the agent and the key files; a command run with its output streamed and a deadline
 * kept by polling the channel; and the SFTP copy and removal behind --install.
 */
#include "fleet/fleet_ssh.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include "core/stop.h"
#include "fleet/fleet_jump.h"

struct fleet_conn {
	ssh_session s;
	sftp_session sftp;
	struct fleet_jump *jump; /* -J: the tunnel this session runs through */
};

uint64_t fleet_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* "connection refused" from libssh's "Connection refused", and the errno it stands for. */
static int fleet_connect_error(const char *msg, char *reason, size_t len)
{
	static const struct {
		const char *text, *says;
		int err;
	} known[] = {
		{ "Connection refused", "connection refused", -ECONNREFUSED },
		{ "No route to host", "no route to host", -EHOSTUNREACH },
		{ "Network is unreachable", "network is unreachable", -ENETUNREACH },
		{ "Timeout connecting", "connect timeout", -ETIMEDOUT },
		{ "timed out", "connect timeout", -ETIMEDOUT },
		{ "Timeout", "connect timeout", -ETIMEDOUT },
		{ "resolve", "cannot resolve the host name", -EHOSTUNREACH },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strstr(msg, known[i].text)) {
			snprintf(reason, len, "%s (%s)", known[i].says, msg);
			if (known[i].err == -ECONNREFUSED)
				snprintf(reason, len, "%s", known[i].says);
			return known[i].err;
		}
	}
	snprintf(reason, len, "connect: %s", msg);
	return -EIO;
}

static int fleet_set_timeout(ssh_session s, uint64_t ns)
{
	long sec = (long)(ns / 1000000000ull), usec = (long)(ns % 1000000000ull / 1000);

	if (ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &sec) ||
	    ssh_options_set(s, SSH_OPTIONS_TIMEOUT_USEC, &usec))
		return -EINVAL;
	return 0;
}

/* The options of one session, from h, the ssh config and o (o wins). 0 or -EINVAL. */
static int fleet_session_setup(ssh_session s, const struct fleet_opts *o,
			       const struct fleet_host *h, char *reason, size_t len)
{
	const char *user = h->user[0] ? h->user : o->user;
	int port = h->port ? h->port : o->port, off = 0, on = 1;

	if (ssh_options_set(s, SSH_OPTIONS_HOST, h->name)) {
		snprintf(reason, len, "host %s: %s", h->name, ssh_get_error(s));
		return -EINVAL;
	}
	/* after the host, which picks the config's Host block; before the flags, which win */
	if (ssh_options_parse_config(s, o->ssh_config)) {
		snprintf(reason, len, "ssh config %s: %s", o->ssh_config ? o->ssh_config : "",
			 ssh_get_error(s));
		return -EINVAL;
	}
	ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &off);
	/* no Nagle: SFTP's write-then-wait-for-status would meet delayed ACKs (40 ms a chunk) */
	ssh_options_set(s, SSH_OPTIONS_NODELAY, &on);
	if ((user && ssh_options_set(s, SSH_OPTIONS_USER, user)) ||
	    (port && ssh_options_set(s, SSH_OPTIONS_PORT, &port)) ||
	    (o->identity && ssh_options_set(s, SSH_OPTIONS_ADD_IDENTITY, o->identity)) ||
	    (o->known_hosts &&
	     (ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, o->known_hosts) ||
	      ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, o->known_hosts))) ||
	    fleet_set_timeout(s, o->connect_timeout_ns)) {
		snprintf(reason, len, "options: %s", ssh_get_error(s));
		return -EINVAL;
	}
	return 0;
}

/* "ssh-ed25519 SHA256:..." of the server's key into buf; 0 or -EIO. */
static int fleet_server_key(ssh_session s, char *buf, size_t len)
{
	unsigned char *hash = NULL;
	ssh_key key = NULL;
	char *fp = NULL;
	size_t hlen = 0;
	int err = -EIO;

	if (ssh_get_server_publickey(s, &key) != SSH_OK)
		return -EIO;
	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) != SSH_OK)
		goto free_key;
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	if (!fp)
		goto free_hash;
	snprintf(buf, len, "%s %s", ssh_key_type_to_char(ssh_key_type(key)) ?: "unknown-type", fp);
	err = 0;
	ssh_string_free_char(fp);
free_hash:
	ssh_clean_pubkey_hash(&hash);
free_key:
	ssh_key_free(key);
	return err;
}

/* Whether known_hosts vouches for the server's key; -EPERM naming the key if not. */
static int fleet_check_host_key(ssh_session s, const struct fleet_opts *o, char *reason, size_t len)
{
	const char *file = o->known_hosts ? o->known_hosts : "~/.ssh/known_hosts";
	char key[256] = "an unreadable key";
	enum ssh_known_hosts_e k = ssh_session_is_known_server(s);

	if (k == SSH_KNOWN_HOSTS_OK)
		return 0;
	fleet_server_key(s, key, sizeof(key));
	switch (k) {
	case SSH_KNOWN_HOSTS_CHANGED:
		snprintf(reason, len, "host key changed: the host sent %s, not the key %s holds",
			 key, file);
		break;
	case SSH_KNOWN_HOSTS_OTHER:
		snprintf(reason, len,
			 "host key changed: the host sent %s, %s holds a key of another type", key,
			 file);
		break;
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		snprintf(reason, len, "unknown host key %s (not in %s)", key, file);
		break;
	default:
		snprintf(reason, len, "cannot check the host key %s against %s: %s", key, file,
			 ssh_get_error(s));
	}
	return -EPERM;
}

int fleet_conn__open(struct fleet_conn **out, const struct fleet_opts *o,
		     const struct fleet_host *h, char *reason, size_t len)
{
	struct fleet_conn *c = calloc(1, sizeof(*c));
	int err;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	c->s = ssh_new();
	if (!c->s) {
		snprintf(reason, len, "libssh could not make a session (out of memory?)");
		err = -ENOMEM;
		goto free_conn;
	}
	err = fleet_session_setup(c->s, o, h, reason, len);
	if (err)
		goto free_conn;
	if (o->jump) {
		err = fleet_jump__open(&c->jump, o, c->s, reason, len);
		if (err)
			goto free_conn;
	}
	if (ssh_connect(c->s) != SSH_OK) {
		err = fleet_connect_error(ssh_get_error(c->s), reason, len);
		goto free_conn;
	}
	err = fleet_check_host_key(c->s, o, reason, len);
	if (err)
		goto free_conn;
	if (ssh_userauth_publickey_auto(c->s, NULL, NULL) != SSH_AUTH_SUCCESS) {
		snprintf(reason, len,
			 "authentication refused (publickey: the agent's keys%s and ~/.ssh's)%s%s",
			 o->identity ? ", -i" : "", *ssh_get_error(c->s) ? ": " : "",
			 ssh_get_error(c->s));
		err = -EPERM;
		goto free_conn;
	}
	*out = c;
	return 0;
free_conn:
	fleet_conn__free(c);
	return err;
}

static int fleet_read_some(ssh_channel ch, char *buf, uint32_t size, fleet_data_fn fn, void *ctx,
			   size_t host, bool *got)
{
	for (int e = 0; e < 2; e++) {
		int n = ssh_channel_read_nonblocking(ch, buf, size, e);

		if (n == SSH_EOF)
			continue;
		if (n < 0)
			return -EIO;
		if (n > 0) {
			fn(ctx, host, e, buf, (size_t)n);
			*got = true;
		}
	}
	return 0;
}

int fleet_conn__exec(struct fleet_conn *c, const char *cmd, uint64_t deadline_ns, fleet_data_fn fn,
		     void *ctx, size_t host, int *exit_status, char *reason, size_t len)
{
	ssh_channel ch = ssh_channel_new(c->s);
	char buf[16384];
	int err = -EIO;

	*exit_status = -1;
	if (!ch)
		goto say;
	if (ssh_channel_open_session(ch) != SSH_OK || ssh_channel_request_exec(ch, cmd) != SSH_OK)
		goto say;
	ssh_channel_send_eof(ch); /* no input: as ssh -n */
	for (;;) {
		bool got = false;
		uint64_t now;
		int wait_ms = 100;

		if (fleet_read_some(ch, buf, sizeof(buf), fn, ctx, host, &got))
			goto say;
		if (got)
			continue;
		if (ssh_channel_is_eof(ch)) {
			/* what came with the EOF after the other stream was read */
			do {
				got = false;
				if (fleet_read_some(ch, buf, sizeof(buf), fn, ctx, host, &got))
					goto say;
			} while (got);
			break;
		}
		now = fleet_now_ns();
		if ((deadline_ns && now >= deadline_ns) || stop_is_requested()) {
			ssh_channel_request_send_signal(ch, "KILL");
			err = stop_is_requested() ? -EINTR : -ETIMEDOUT;
			goto close_channel;
		}
		if (deadline_ns && deadline_ns - now < 100000000ull)
			wait_ms = (int)((deadline_ns - now) / 1000000ull) + 1;
		if (ssh_channel_poll_timeout(ch, wait_ms, 0) == SSH_ERROR)
			goto say;
	}
	*exit_status = ssh_channel_get_exit_status(ch);
	err = 0;
	goto close_channel;
say:
	snprintf(reason, len, "ssh: %s", ssh_get_error(c->s));
close_channel:
	if (ch) {
		ssh_channel_close(ch);
		ssh_channel_free(ch);
	}
	return err;
}

static int fleet_sftp_open(struct fleet_conn *c, char *reason, size_t len)
{
	if (c->sftp)
		return 0;
	c->sftp = sftp_new(c->s);
	if (!c->sftp || sftp_init(c->sftp) < 0) {
		snprintf(reason, len, "sftp: %s (does the host's sshd run an sftp subsystem?)",
			 ssh_get_error(c->s));
		if (c->sftp)
			sftp_free(c->sftp);
		c->sftp = NULL;
		return -EIO;
	}
	return 0;
}

/* A new directory /tmp/vigil-fleet.XXXXXXXXXXXX of mode 0700, as mkdtemp(3) makes one. */
static int fleet_sftp_mkdtemp(struct fleet_conn *c, char *dir, size_t dlen, char *reason,
			      size_t len)
{
	for (int tries = 0; tries < 16; tries++) {
		unsigned char rnd[6];

		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return -EIO;
		snprintf(dir, dlen, "/tmp/vigil-fleet.%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1],
			 rnd[2], rnd[3], rnd[4], rnd[5]);
		if (!sftp_mkdir(c->sftp, dir, 0700))
			return 0;
		if (sftp_get_error(c->sftp) != SSH_FX_FILE_ALREADY_EXISTS)
			break;
	}
	snprintf(reason, len, "sftp: cannot make a directory under /tmp: %s", ssh_get_error(c->s));
	return -EIO;
}

static int fleet_sftp_copy(struct fleet_conn *c, int fd, const char *path, char *reason, size_t len)
{
	sftp_file f = sftp_open(c->sftp, path, O_WRONLY | O_CREAT | O_EXCL, 0700);
	char buf[32768];
	ssize_t n;
	int err = 0;

	if (!f) {
		snprintf(reason, len, "sftp: cannot create %s: %s", path, ssh_get_error(c->s));
		return -EIO;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (sftp_write(f, buf, (size_t)n) != n) {
			snprintf(reason, len, "sftp: writing %s: %s", path, ssh_get_error(c->s));
			err = -EIO;
			break;
		}
	}
	if (n < 0) {
		snprintf(reason, len, "reading this vigil's binary: %s", strerror(errno));
		err = -EIO;
	}
	if (sftp_close(f) && !err) {
		snprintf(reason, len, "sftp: closing %s: %s", path, ssh_get_error(c->s));
		err = -EIO;
	}
	return err;
}

int fleet_conn__install(struct fleet_conn *c, const char *exe, char *path, size_t path_len,
			char *reason, size_t len)
{
	char dir[64];
	int fd, err;

	path[0] = '\0';
	fd = open(exe, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(reason, len, "cannot read this vigil's binary %s: %s", exe,
			 strerror(errno));
		return -EIO;
	}
	err = fleet_sftp_open(c, reason, len);
	if (err)
		goto close_fd;
	err = fleet_sftp_mkdtemp(c, dir, sizeof(dir), reason, len);
	if (err)
		goto close_fd;
	snprintf(path, path_len, "%s/vigil", dir);
	err = fleet_sftp_copy(c, fd, path, reason, len);
	if (err) {
		char ignore[FLEET_REASON_LEN];

		fleet_conn__uninstall(c, path, ignore, sizeof(ignore));
		path[0] = '\0';
	}
close_fd:
	close(fd);
	return err;
}

int fleet_conn__uninstall(struct fleet_conn *c, const char *path, char *reason, size_t len)
{
	char dir[256];
	char *slash;
	int err = 0;

	if (!path[0])
		return 0;
	if (fleet_sftp_open(c, reason, len))
		return -EIO;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (sftp_unlink(c->sftp, path) && sftp_get_error(c->sftp) != SSH_FX_NO_SUCH_FILE) {
		snprintf(reason, len, "sftp: cannot remove %s: %s", path, ssh_get_error(c->s));
		err = -EIO;
	}
	if (sftp_rmdir(c->sftp, dir) && !err) {
		snprintf(reason, len, "sftp: cannot remove %s: %s", dir, ssh_get_error(c->s));
		err = -EIO;
	}
	return err;
}

ssh_session fleet_conn__session(struct fleet_conn *c)
{
	return c->s;
}

void fleet_conn__free(struct fleet_conn *c)
{
	if (!c)
		return;
	if (c->sftp)
		sftp_free(c->sftp);
	if (c->s) {
		ssh_disconnect(c->s);
		ssh_free(c->s);
	}
	fleet_jump__free(c->jump);
	free(c);
}
