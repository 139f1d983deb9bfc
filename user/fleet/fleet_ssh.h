/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * fleet_ssh.h: one host's SSH connection for `vigil fleet`: connect within the connect
 * timeout, check the host key against known_hosts (an unknown or changed key refuses the
 * host, naming the key), authenticate (ssh-agent, then the -i key and the default keys),
 * run a command within its deadline, and copy a file over SFTP for --install.
 */
#ifndef VIGIL_FLEET_SSH_H
#define VIGIL_FLEET_SSH_H

#include <stddef.h>
#include <stdint.h>
#include <libssh/libssh.h>

#include "fleet/fleet.h"

struct fleet_conn;

/*
 * Open a connection to h. 0; -ETIMEDOUT (the connect timeout passed), -EPERM (host key or
 * authentication refused), -ECONNREFUSED, -EHOSTUNREACH or -EIO otherwise: reason says which,
 * in the words the summary prints ("connection refused", "unknown host key ssh-ed25519
 * SHA256:...").
 */
int fleet_conn__open(struct fleet_conn **out, const struct fleet_opts *o,
		     const struct fleet_host *h, char *reason, size_t len);

/*
 * Run cmd; its output goes to fn(ctx, host, ...) as it comes. deadline_ns: CLOCK_MONOTONIC
 * time to give up at (0: none); a command still running then is sent SIGKILL and closed.
 * Ctrl-C or SIGTERM (core/stop.h) does the same. 0 with *exit_status set, -ETIMEDOUT,
 * -EINTR (stopped), or -EIO with reason set.
 */
int fleet_conn__exec(struct fleet_conn *c, const char *cmd, uint64_t deadline_ns, fleet_data_fn fn,
		     void *ctx, size_t host, int *exit_status, char *reason, size_t len);

/*
 * Copy the local file exe over SFTP into a new directory of its own under /tmp on the host
 * (mode 0700, a random name made with an exclusive mkdir, as mkdtemp does), as an executable
 * only its owner can run; its path into path. 0 or -EIO with reason set.
 */
int fleet_conn__install(struct fleet_conn *c, const char *exe, char *path, size_t path_len,
			char *reason, size_t len);

/* Remove what fleet_conn__install() made (the file, then its directory). 0 or -EIO. */
int fleet_conn__uninstall(struct fleet_conn *c, const char *path, char *reason, size_t len);

/* The libssh session under c (for -J's channel). */
ssh_session fleet_conn__session(struct fleet_conn *c);

void fleet_conn__free(struct fleet_conn *c);

/* CLOCK_MONOTONIC now, in ns. */
uint64_t fleet_now_ns(void);

#endif /* VIGIL_FLEET_SSH_H */
