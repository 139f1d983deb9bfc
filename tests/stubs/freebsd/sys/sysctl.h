/* sys/sysctl.h stub (freebsd) for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_SYS_SYSCTL_H
#define STUB_SYS_SYSCTL_H
#include <sys/types.h>
#define CTL_MAXNAME 24
#define CTL_KERN 1
#define CTL_VM 2
#define CTL_HW 6
#define HW_NCPU 3
#define KERN_PROC 14
#define KERN_PROC_PID 1
#define KERN_PROC_PROC 8
#define KERN_PROC_ARGS 7
#define KERN_PROC_PATHNAME 12
int sysctl(const int *name, u_int namelen, void *oldp, size_t *oldlenp, const void *newp,
	   size_t newlen);
int sysctlbyname(const char *name, void *oldp, size_t *oldlenp, const void *newp,
		 size_t newlen);
int sysctlnametomib(const char *name, int *mibp, size_t *sizep);
#endif
