/* signal.h stub (darwin) for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_SIGNAL_H
#define STUB_SIGNAL_H
#include <sys/types.h>
#define SIGINT 2
#define SIGKILL 9
#define SIGTERM 15
#define SIGSTOP 17
#define SIGCONT 19
int kill(pid_t pid, int sig);
#endif
