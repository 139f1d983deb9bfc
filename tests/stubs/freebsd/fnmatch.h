/* fnmatch.h stub (freebsd) for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_FNMATCH_H
#define STUB_FNMATCH_H
int fnmatch(const char *pattern, const char *string, int flags);
#endif
