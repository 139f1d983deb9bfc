/* sys/mount.h stub (darwin) for the BSD/macOS compile check (tests/stubs/README.md).  The
 * backend decodes getfsstat's struct statfs from bytes, so the type stays incomplete here. */
#ifndef STUB_SYS_MOUNT_H
#define STUB_SYS_MOUNT_H
#include <sys/types.h>
struct statfs;
#define MNT_WAIT 1
#define MNT_NOWAIT 2
int getfsstat(struct statfs *buf, int bufsize, int mode);
#endif
