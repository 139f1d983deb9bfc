/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * fleet_jump.h: -J, reaching a host through a jump host as OpenSSH's ProxyJump does: an SSH
 * session to the jump host opens a direct-tcpip channel to the target's port, and the
 * target's session runs over that channel (a socketpair pumped by a thread of its own).
 */
#ifndef VIGIL_FLEET_JUMP_H
#define VIGIL_FLEET_JUMP_H

#include <stddef.h>
#include <libssh/libssh.h>

#include "fleet/fleet.h"

struct fleet_jump;

/*
 * Connect to o->jump and open a channel from it to the host target is set up for (after its
 * ssh config was read); give target the local end as its socket. 0 or -errno with reason.
 */
int fleet_jump__open(struct fleet_jump **out, const struct fleet_opts *o, ssh_session target,
		     char *reason, size_t len);

void fleet_jump__free(struct fleet_jump *j);

#endif /* VIGIL_FLEET_JUMP_H */
