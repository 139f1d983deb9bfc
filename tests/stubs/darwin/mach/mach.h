/* mach/mach.h stub (macOS) for the BSD/macOS compile check (tests/stubs/README.md): the
 * host statistics interface (host_statistics64, host_processor_info) and its constants. */
#ifndef STUB_MACH_MACH_H
#define STUB_MACH_MACH_H
#include <stdint.h>
typedef unsigned int natural_t;
typedef int integer_t;
typedef int kern_return_t;
typedef natural_t mach_port_t;
typedef mach_port_t host_t;
typedef mach_port_t vm_map_t;
typedef integer_t host_flavor_t;
typedef integer_t processor_flavor_t;
typedef integer_t *host_info_t;
typedef integer_t *host_info64_t;
typedef integer_t *processor_info_array_t;
typedef natural_t mach_msg_type_number_t;
typedef uintptr_t vm_address_t;
typedef uintptr_t vm_size_t;
#define KERN_SUCCESS 0
#define HOST_CPU_LOAD_INFO 3
#define HOST_VM_INFO64 4
#define HOST_CPU_LOAD_INFO_COUNT 4
#define HOST_VM_INFO64_COUNT 38
#define PROCESSOR_CPU_LOAD_INFO 2
host_t mach_host_self(void);
vm_map_t mach_task_self(void);
kern_return_t host_statistics(host_t host, host_flavor_t flavor, host_info_t info,
			      mach_msg_type_number_t *count);
kern_return_t host_statistics64(host_t host, host_flavor_t flavor, host_info64_t info,
				mach_msg_type_number_t *count);
kern_return_t host_processor_info(host_t host, processor_flavor_t flavor, natural_t *ncpu,
				  processor_info_array_t *info, mach_msg_type_number_t *count);
kern_return_t vm_deallocate(vm_map_t task, vm_address_t addr, vm_size_t size);
kern_return_t mach_port_deallocate(vm_map_t task, mach_port_t name);
#endif
