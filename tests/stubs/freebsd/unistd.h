/* unistd.h stub (freebsd) for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_UNISTD_H
#define STUB_UNISTD_H
#include <sys/types.h>
#define _SC_CLK_TCK 3
#define _SC_NPROCESSORS_ONLN 58
#define _SC_PAGESIZE 47
long sysconf(int name);
pid_t getpid(void);
int close(int fd);
ssize_t read(int fd, void *buf, size_t n);
ssize_t readlinkat(int fd, const char *path, char *buf, size_t len);
#endif
