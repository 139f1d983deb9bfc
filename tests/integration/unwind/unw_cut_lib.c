// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * unw_cut_lib.c: built as libc-vigilcut.so, a name the profiler takes for a C library, for
 * test_profile_unwind.py's cut-stack test. cut_call_on_edge(fn, edge) calls fn with its stack
 * just below edge, where the page above is PROT_NONE, and with rbp at edge: its CFI says the
 * caller's frame is at rbp + 16, so an unwinder finds the call and cannot read past it. A walk
 * that stops there stopped where the CFI knew of a caller: the stack is cut, not whole,
 * although it ends inside a "libc".
 */
void cut_call_on_edge(void (*fn)(void), void *edge);

__asm__(".text\n"
	".globl cut_call_on_edge\n"
	".type cut_call_on_edge, @function\n"
	"cut_call_on_edge:\n"
	".cfi_startproc\n"
	"push %rbp\n"
	".cfi_adjust_cfa_offset 8\n"
	".cfi_offset %rbp, -16\n"
	"mov %rsp, %rbp\n"
	".cfi_def_cfa_register %rbp\n"
	"mov %rsi, %rbp\n"
	"lea -16(%rsi), %rsp\n"
	"call *%rdi\n"
	"ud2\n"
	".cfi_endproc\n"
	".size cut_call_on_edge, .-cut_call_on_edge\n");
