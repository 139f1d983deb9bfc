/* mach/mach_time.h stub (macOS) for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_MACH_MACH_TIME_H
#define STUB_MACH_MACH_TIME_H
#include <mach/mach.h>
struct mach_timebase_info {
	uint32_t numer;
	uint32_t denom;
};
typedef struct mach_timebase_info mach_timebase_info_data_t;
kern_return_t mach_timebase_info(mach_timebase_info_data_t *info);
#endif
