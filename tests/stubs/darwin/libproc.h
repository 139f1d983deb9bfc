/* libproc.h stub (macOS) for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_LIBPROC_H
#define STUB_LIBPROC_H
#include <sys/types.h>
#define PROC_PIDTASKINFO 4
#define PROC_PIDPATHINFO_MAXSIZE 4096
int proc_pidinfo(int pid, int flavor, uint64_t arg, void *buffer, int buffersize);
int proc_pidpath(int pid, void *buffer, uint32_t buffersize);
#endif
