/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * fleet.h: `vigil fleet`'s runner: one command on many hosts over SSH (libssh), at most
 * `parallel` hosts at a time, each with its own connect and command deadlines, so that a
 * dead, slow or failing host never holds up the others. Each host ends ok, failed (with the
 * reason) or timed out; its output goes to the caller's callback as it arrives.
 */
#ifndef VIGIL_FLEET_H
#define VIGIL_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fleet/fleet_hosts.h"

struct fleet_opts {
	const char *identity;	 /* -i: a private key file, tried after the agent */
	const char *known_hosts; /* NULL: ~/.ssh/known_hosts */
	const char *ssh_config;	 /* NULL: ~/.ssh/config (and /etc/ssh/ssh_config) */
	const char *user;	 /* -l: login name for hosts that do not say; NULL: config/local */
	const char *jump;	 /* -J [USER@]HOST[:PORT]: reach hosts through it; NULL: directly */
	int port;		 /* -p: 0: config/22 */
	uint64_t connect_timeout_ns;
	uint64_t timeout_ns; /* the command's, from its start; 0: none */
	int parallel;
	const char *install_exe; /* --install: copy this file over SFTP and run it; NULL: no */
};

enum fleet_state {
	FLEET_PENDING,
	FLEET_OK,
	FLEET_FAILED,
	FLEET_TIMEOUT,
};

#define FLEET_REASON_LEN 512

struct fleet_result {
	enum fleet_state state;
	int exit_status; /* the remote command's; -1: it did not end */
	char reason[FLEET_REASON_LEN];
	double seconds;
};

/*
 * Called, from the host's worker thread, with each piece of a host's stdout (is_stderr 0)
 * or stderr (1) as it arrives; calls for one host come in order, calls for different hosts
 * concurrently.
 */
typedef void (*fleet_data_fn)(void *ctx, size_t host, int is_stderr, const char *buf, size_t n);

/*
 * Run cmd (a shell command line; with o->install_exe, the words after the copied binary's
 * path) on every host. res[i] says how host i ended. 0, or -errno when nothing could start
 * (libssh missing, no memory); per-host failures are in res.
 */
int fleet__run(const struct fleet_opts *o, const struct fleet_hosts *hs, const char *cmd,
	       fleet_data_fn fn, void *ctx, struct fleet_result *res);

/* "ok", "failed", "timed out" */
const char *fleet_state_name(enum fleet_state s);

#endif /* VIGIL_FLEET_H */
