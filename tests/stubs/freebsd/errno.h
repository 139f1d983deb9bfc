/* errno.h stub (freebsd) for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_ERRNO_H
#define STUB_ERRNO_H
extern int *__stub_errno_location(void);
#define errno (*__stub_errno_location())
#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define E2BIG 7
#define EBADF 9
#define ECHILD 10
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENOTDIR 20
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define EAGAIN 35
#define ENOTSUP 45
#define EOPNOTSUPP 45
#define ETIMEDOUT 60
#define ENAMETOOLONG 63
#define ENOSYS 78
#define ENOATTR 87

#endif
