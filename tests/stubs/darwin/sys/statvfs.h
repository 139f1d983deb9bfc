/* sys/statvfs.h stub (darwin) for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_SYS_STATVFS_H
#define STUB_SYS_STATVFS_H
#include <sys/types.h>
typedef unsigned long long fsblkcnt_t;
typedef unsigned long long fsfilcnt_t;
struct statvfs {
	fsblkcnt_t f_bavail, f_bfree, f_blocks;
	fsfilcnt_t f_favail, f_ffree, f_files;
	unsigned long f_bsize, f_flag, f_frsize, f_fsid, f_namemax;
};
int statvfs(const char *path, struct statvfs *buf);
#endif
