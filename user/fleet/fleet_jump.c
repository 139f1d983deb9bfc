// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fleet_jump.c: -J for `vigil fleet`. libssh 0.10 reads ProxyJump only by running `ssh -W`,
 * and vigil does not shell out to ssh; so the jump is made here with libssh's own calls: a
 * session to the jump host (checked and authenticated like any host), a direct-tcpip
 * channel from it to the target's address and port, and a socketpair whose one end the
 * target's session uses as its socket while a thread copies bytes between the other end and
 * the channel. The jump session is used by that thread alone once the channel is open.
 */
#include "fleet/fleet_jump.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "fleet/fleet_ssh.h"

struct fleet_jump {
	struct fleet_conn *conn;
	ssh_channel ch;
	int fd; /* our end of the socketpair */
	pthread_t pump;
	bool pumping;
	atomic_bool stop;
};

/* Copy both ways until either side ends or stop is set. */
static void *fleet_jump_pump(void *arg)
{
	struct fleet_jump *j = arg;
	char buf[16384];

	while (!atomic_load(&j->stop)) {
		struct pollfd p[2] = {
			{ .fd = j->fd, .events = POLLIN },
			{ .fd = ssh_get_fd(fleet_conn__session(j->conn)), .events = POLLIN },
		};
		int n = ssh_channel_read_nonblocking(j->ch, buf, sizeof(buf), 0);

		if (n == SSH_ERROR || n == SSH_EOF || (n == 0 && ssh_channel_is_eof(j->ch)))
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(j->fd, buf + off, (size_t)(n - off));

			if (w < 0 && errno != EINTR)
				goto out;
			off += w > 0 ? w : 0;
		}
		/* wait for either side unless libssh may hold more of the channel's bytes */
		if (poll(p, 2, n > 0 ? 0 : 100) > 0 && (p[0].revents & (POLLIN | POLLHUP))) {
			ssize_t r = read(j->fd, buf, sizeof(buf));

			if (r <= 0)
				break;
			if (ssh_channel_write(j->ch, buf, (uint32_t)r) != r)
				break;
		}
	}
out:
	shutdown(j->fd, SHUT_RDWR); /* the target's session sees the end */
	return NULL;
}

int fleet_jump__open(struct fleet_jump **out, const struct fleet_opts *o, ssh_session target,
		     char *reason, size_t len)
{
	struct fleet_opts jo = *o;
	struct fleet_host jh;
	struct fleet_jump *j;
	unsigned int port = 22;
	char *host = NULL, why[FLEET_REASON_LEN];
	int sv[2], err;

	*out = NULL;
	if (fleet_host__parse(&jh, o->jump, strlen(o->jump))) {
		snprintf(reason, len, "-J %s: not [USER@]HOST[:PORT]", o->jump);
		return -EINVAL;
	}
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->fd = -1;
	jo.jump = NULL;
	err = fleet_conn__open(&j->conn, &jo, &jh, why, sizeof(why));
	if (err) {
		snprintf(reason, len, "jump host %s: %s", jh.label, why);
		goto free_jump;
	}
	if (ssh_options_get(target, SSH_OPTIONS_HOST, &host) ||
	    ssh_options_get_port(target, &port)) {
		snprintf(reason, len, "jump: the target's address: %s", ssh_get_error(target));
		err = -EINVAL;
		goto free_jump;
	}
	j->ch = ssh_channel_new(fleet_conn__session(j->conn));
	if (!j->ch || ssh_channel_open_forward(j->ch, host, (int)port, "127.0.0.1", 0) != SSH_OK) {
		const char *msg = ssh_get_error(fleet_conn__session(j->conn));

		snprintf(reason, len, "%s (through jump host %s: %s)",
			 strstr(msg, "refused") ? "connection refused" : "cannot reach the host",
			 jh.label, msg);
		err = strstr(msg, "refused") ? -ECONNREFUSED : -EIO;
		goto free_host;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		err = -errno;
		snprintf(reason, len, "jump: socketpair: %s", strerror(errno));
		goto free_host;
	}
	j->fd = sv[1];
	if (ssh_options_set(target, SSH_OPTIONS_FD, &sv[0])) { /* the session closes sv[0] */
		close(sv[0]);
		snprintf(reason, len, "jump: %s", ssh_get_error(target));
		err = -EINVAL;
		goto free_host;
	}
	err = -pthread_create(&j->pump, NULL, fleet_jump_pump, j);
	if (err) {
		snprintf(reason, len, "jump: cannot start a thread: %s", strerror(-err));
		goto free_host;
	}
	j->pumping = true;
	ssh_string_free_char(host);
	*out = j;
	return 0;
free_host:
	ssh_string_free_char(host);
free_jump:
	fleet_jump__free(j);
	return err;
}

void fleet_jump__free(struct fleet_jump *j)
{
	if (!j)
		return;
	atomic_store(&j->stop, true);
	if (j->pumping)
		pthread_join(j->pump, NULL);
	if (j->fd >= 0)
		close(j->fd);
	if (j->ch) {
		ssh_channel_close(j->ch);
		ssh_channel_free(j->ch);
	}
	fleet_conn__free(j->conn);
	free(j);
}
