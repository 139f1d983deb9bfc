/* math.h stub for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_MATH_H
#define STUB_MATH_H
double rint(double x);
long long llround(double x);
double ldexp(double x, int e);
double floor(double x);
double ceil(double x);
double fabs(double x);
double pow(double x, double y);
double log(double x);
#define isfinite(x) __builtin_isfinite(x)
#define isnan(x) __builtin_isnan(x)
#define HUGE_VAL __builtin_huge_val()
#endif
