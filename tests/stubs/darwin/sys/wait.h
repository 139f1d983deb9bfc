/* sys/wait.h stub (darwin) for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_SYS_WAIT_H
#define STUB_SYS_WAIT_H
#include <sys/types.h>
#define WNOHANG 1
#define WIFEXITED(s) (((s) & 0177) == 0)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WIFSIGNALED(s) (((s) & 0177) != 0177 && ((s) & 0177) != 0)
#define WTERMSIG(s) ((s) & 0177)
pid_t waitpid(pid_t pid, int *status, int options);
#endif
