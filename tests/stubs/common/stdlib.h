/* stdlib.h stub for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_STDLIB_H
#define STUB_STDLIB_H
#include <stddef.h>
void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
unsigned long long strtoull(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
long strtol(const char *s, char **end, int base);
double strtod(const char *s, char **end);
char *getenv(const char *name);
#endif
