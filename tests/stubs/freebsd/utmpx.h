/* utmpx.h stub (freebsd) for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_UTMPX_H
#define STUB_UTMPX_H
#include <sys/time.h>
#define USER_PROCESS 7
struct utmpx {
	short ut_type;
	struct timeval ut_tv;
	char ut_id[8];
	pid_t ut_pid;
	char ut_user[33];
	char ut_line[32];
	char ut_host[128];
};
void setutxent(void);
struct utmpx *getutxent(void);
void endutxent(void);
#endif
