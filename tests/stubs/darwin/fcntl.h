/* fcntl.h stub (darwin) for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_FCNTL_H
#define STUB_FCNTL_H
#include <sys/types.h>
#define O_RDONLY 0x0000
#define O_DIRECTORY 0x00100000
#define O_CLOEXEC 0x01000000
int open(const char *path, int flags, ...);
int openat(int fd, const char *path, int flags, ...);
#endif
