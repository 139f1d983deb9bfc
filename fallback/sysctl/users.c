// SPDX-License-Identifier: BSD-2-Clause
/*
 * users.c - psutil.users() for the BSD family from the utmpx database (getutxent(3), which
 * FreeBSD and macOS both keep): every USER_PROCESS entry with its user, line, remote host,
 * login time and session pid.
 */
#include "sysctl_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <utmpx.h>

int fb_users(struct fb_user **out, size_t *n)
{
	struct fb_user *v = NULL;
	size_t cap = 0, cnt = 0;
	struct utmpx *ut;
	int err = 0;

	*out = NULL;
	*n = 0;
	setutxent();
	while ((ut = getutxent())) {
		struct fb_user *u;

		if (ut->ut_type != USER_PROCESS)
			continue;
		err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
		if (err)
			break;
		u = &v[cnt++];
		memset(u, 0, sizeof(*u));
		memcpy(u->name, ut->ut_user,
		       sizeof(ut->ut_user) < sizeof(u->name) - 1 ? sizeof(ut->ut_user)
								 : sizeof(u->name) - 1);
		memcpy(u->terminal, ut->ut_line,
		       sizeof(ut->ut_line) < sizeof(u->terminal) - 1 ? sizeof(ut->ut_line)
								     : sizeof(u->terminal) - 1);
		memcpy(u->host, ut->ut_host,
		       sizeof(ut->ut_host) < sizeof(u->host) - 1 ? sizeof(ut->ut_host)
								 : sizeof(u->host) - 1);
		u->started = (double)ut->ut_tv.tv_sec + (double)ut->ut_tv.tv_usec / 1e6;
		u->pid = ut->ut_pid;
		u->valid = FB_USER_PID | (u->terminal[0] ? FB_USER_TERMINAL : 0) |
			   (u->host[0] ? FB_USER_HOST : 0);
	}
	endutxent();
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*n = cnt;
	return 0;
}
