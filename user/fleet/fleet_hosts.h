/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * fleet_hosts.h: the hosts `vigil fleet` runs on, from -H lists and -F hosts files (one
 * [USER@]HOST[:PORT] [USER] a line, '#' comments, pssh's format). A HOST may be an alias of the
 * user's ~/.ssh/config, which libssh resolves when the session is set up.
 */
#ifndef VIGIL_FLEET_HOSTS_H
#define VIGIL_FLEET_HOSTS_H

#include <stddef.h>

#define FLEET_HOST_MAX	    255	 /* bytes of one [USER@]HOST[:PORT] */
#define FLEET_HOSTS_MAX	    4096 /* hosts in one run */
#define FLEET_HOSTSFILE_MAX (1 << 20)

struct fleet_host {
	char label[FLEET_HOST_MAX + 1]; /* as given: names the host in every output */
	char user[FLEET_HOST_MAX + 1];	/* "" : the ssh config's or the local user */
	char name[FLEET_HOST_MAX + 1];	/* host name, address or ~/.ssh/config alias */
	int port;			/* 0: the ssh config's or 22 */
};

struct fleet_hosts {
	struct fleet_host *v;
	size_t n, cap;
};

/* Split one [USER@]HOST[:PORT] ("[v6addr]:PORT" for IPv6 with a port). 0 or -EINVAL. */
int fleet_host__parse(struct fleet_host *h, const char *s, size_t len);

/* Add the hosts of a comma-separated list (-H). 0, -EINVAL naming none, -E2BIG, -ENOMEM. */
int fleet_hosts__add_list(struct fleet_hosts *hs, const char *list);

/*
 * Add the hosts of a hosts file's text: one host a line, [USER@]HOST[:PORT] [USER] (pssh's
 * format, where a second word is the login name), blanks and text after '#' ignored.
 * 0, or -EINVAL with *bad_line set to the first line that is not a host (1-based).
 */
int fleet_hosts__add_text(struct fleet_hosts *hs, const char *buf, size_t len, int *bad_line);

void fleet_hosts__free(struct fleet_hosts *hs);

#endif /* VIGIL_FLEET_HOSTS_H */
