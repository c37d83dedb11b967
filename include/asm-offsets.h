/* asm-offsets.h: structure offsets used by assembly (checked by
 * BUILD_BUG_ON in arch/riscv/traps.c). */
#ifndef _ASM_OFFSETS_H
#define _ASM_OFFSETS_H
#define TASK_TI_KERNEL_SP 0
#define TASK_TI_USER_SP 8
#define TASK_THREAD_RA 32	/* offsetof(task_struct, thread.ra) */
#define PT_EPC 0
#define PT_STATUS 256
#define PT_BADADDR 264
#define PT_CAUSE 272
#define PT_ORIG_A0 280
#define PT_SIZE 288
#endif
