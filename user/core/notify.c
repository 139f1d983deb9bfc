// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * notify.c: the sd_notify readiness datagram (see notify.h). A failure to notify is logged
 * at info level and otherwise ignored: readiness is advice to a supervisor, and tracing
 * goes on whether or not anyone listens.
 */
#include "core/notify.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/log.h"

void notify__ready(void)
{
	static bool sent;
	static const char msg[] = "READY=1\n";
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len;
	int fd;

	if (sent || !name || !*name)
		return;
	sent = true;
	len = strlen(name);
	if (len >= sizeof(sa.sun_path) || (name[0] != '/' && name[0] != '@')) {
		pr_info("NOTIFY_SOCKET %s: not a socket path or abstract name", name);
		return;
	}
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		pr_info("NOTIFY_SOCKET: socket: %s", strerror(errno));
		return;
	}
	if (sendto(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0)
		pr_info("NOTIFY_SOCKET %s: %s", name, strerror(errno));
	close(fd);
}
