/* entry.S: trap entry and exit, ret_from_fork and the context switch.
 * sscratch holds the current task while in user mode and 0 in the kernel,
 * so the first instruction can tell where the trap came from (as Linux).
 * A trap saves a struct pt_regs on the task's kernel stack and calls
 * do_trap(regs) with interrupts still disabled. */
#include <asm-offsets.h>

	.section .text
	.balign 4
	.globl handle_exception
handle_exception:
	csrrw tp, sscratch, tp
	bnez tp, .Lsave_context
	/* From the kernel: tp was 0 in sscratch; get it back. */
	csrr tp, sscratch
	sd sp, TASK_TI_KERNEL_SP(tp)
.Lsave_context:
	sd sp, TASK_TI_USER_SP(tp)
	ld sp, TASK_TI_KERNEL_SP(tp)
	addi sp, sp, -PT_SIZE
	sd x1, 8(sp)
	sd x3, 24(sp)
	sd x5, 40(sp)
	sd x6, 48(sp)
	sd x7, 56(sp)
	sd x8, 64(sp)
	sd x9, 72(sp)
	sd x10, 80(sp)
	sd x11, 88(sp)
	sd x12, 96(sp)
	sd x13, 104(sp)
	sd x14, 112(sp)
	sd x15, 120(sp)
	sd x16, 128(sp)
	sd x17, 136(sp)
	sd x18, 144(sp)
	sd x19, 152(sp)
	sd x20, 160(sp)
	sd x21, 168(sp)
	sd x22, 176(sp)
	sd x23, 184(sp)
	sd x24, 192(sp)
	sd x25, 200(sp)
	sd x26, 208(sp)
	sd x27, 216(sp)
	sd x28, 224(sp)
	sd x29, 232(sp)
	sd x30, 240(sp)
	sd x31, 248(sp)
	/* Disable user-memory access until uaccess code asks; keep FS. */
	li t0, (1 << 18)
	csrrc s1, sstatus, t0
	ld s0, TASK_TI_USER_SP(tp)
	csrr s2, sepc
	csrr s3, stval
	csrr s4, scause
	csrr s5, sscratch
	sd s0, 16(sp)
	sd s1, PT_STATUS(sp)
	sd s2, PT_EPC(sp)
	sd s3, PT_BADADDR(sp)
	sd s4, PT_CAUSE(sp)
	sd s5, 32(sp)		/* user tp (or kernel tp, same thing) */
	sd a0, PT_ORIG_A0(sp)
	csrw sscratch, zero
	mv a0, sp
	call do_trap

	.globl ret_from_exception
ret_from_exception:
	ld s0, PT_STATUS(sp)
	csrc sstatus, 2		/* SIE off while restoring */
	andi s0, s0, (1 << 8)	/* SPP */
	bnez s0, .Lrestore_all
	/* Returning to user mode: handle signals and rescheduling. */
	mv a0, sp
	call exit_to_user_mode
	csrc sstatus, 2
	addi s0, sp, PT_SIZE
	sd s0, TASK_TI_KERNEL_SP(tp)
	csrw sscratch, tp
.Lrestore_all:
	ld a0, PT_STATUS(sp)
	ld a2, PT_EPC(sp)
	csrw sstatus, a0
	csrw sepc, a2
	ld x1, 8(sp)
	ld x3, 24(sp)
	ld x4, 32(sp)
	ld x5, 40(sp)
	ld x6, 48(sp)
	ld x7, 56(sp)
	ld x8, 64(sp)
	ld x9, 72(sp)
	ld x10, 80(sp)
	ld x11, 88(sp)
	ld x12, 96(sp)
	ld x13, 104(sp)
	ld x14, 112(sp)
	ld x15, 120(sp)
	ld x16, 128(sp)
	ld x17, 136(sp)
	ld x18, 144(sp)
	ld x19, 152(sp)
	ld x20, 160(sp)
	ld x21, 168(sp)
	ld x22, 176(sp)
	ld x23, 184(sp)
	ld x24, 192(sp)
	ld x25, 200(sp)
	ld x26, 208(sp)
	ld x27, 216(sp)
	ld x28, 224(sp)
	ld x29, 232(sp)
	ld x30, 240(sp)
	ld x31, 248(sp)
	ld x2, 16(sp)
	sret

/* A new task starts here after its first __switch_to (a0 = prev).
 * Kernel threads have s0 = fn, s1 = arg; user tasks have s0 = 0 and
 * return to user mode through the pt_regs at the top of their stack.
 * A kernel thread that returns has exec'd a user program (pid 1): it
 * leaves through the same path; threads that end call do_exit. */
	.globl ret_from_fork
ret_from_fork:
	call schedule_tail
	beqz s0, 1f
	csrs sstatus, 2		/* SIE: kernel threads run with interrupts on */
	mv a0, s1
	jalr s0
1:	j ret_from_exception

/* struct task_struct *__switch_to(prev, next): save callee-saved registers
 * in prev->thread, load next's, switch tp. Returns prev (in a0). */
	.globl __switch_to
__switch_to:
	li a4, TASK_THREAD_RA
	add a3, a0, a4
	add a4, a1, a4
	sd ra, 0(a3)
	sd sp, 8(a3)
	sd s0, 16(a3)
	sd s1, 24(a3)
	sd s2, 32(a3)
	sd s3, 40(a3)
	sd s4, 48(a3)
	sd s5, 56(a3)
	sd s6, 64(a3)
	sd s7, 72(a3)
	sd s8, 80(a3)
	sd s9, 88(a3)
	sd s10, 96(a3)
	sd s11, 104(a3)
	ld ra, 0(a4)
	ld sp, 8(a4)
	ld s0, 16(a4)
	ld s1, 24(a4)
	ld s2, 32(a4)
	ld s3, 40(a4)
	ld s4, 48(a4)
	ld s5, 56(a4)
	ld s6, 64(a4)
	ld s7, 72(a4)
	ld s8, 80(a4)
	ld s9, 88(a4)
	ld s10, 96(a4)
	ld s11, 104(a4)
	mv tp, a1
	ret

/* FP state save/restore: the kernel itself never uses FP registers. */
	.option push
	.option arch, +d
	.globl __fstate_save
__fstate_save:			/* a0 = u64[33] */
	li a2, (1 << 13)
	csrs sstatus, a2
	fsd f0, 0(a0)
	fsd f1, 8(a0)
	fsd f2, 16(a0)
	fsd f3, 24(a0)
	fsd f4, 32(a0)
	fsd f5, 40(a0)
	fsd f6, 48(a0)
	fsd f7, 56(a0)
	fsd f8, 64(a0)
	fsd f9, 72(a0)
	fsd f10, 80(a0)
	fsd f11, 88(a0)
	fsd f12, 96(a0)
	fsd f13, 104(a0)
	fsd f14, 112(a0)
	fsd f15, 120(a0)
	fsd f16, 128(a0)
	fsd f17, 136(a0)
	fsd f18, 144(a0)
	fsd f19, 152(a0)
	fsd f20, 160(a0)
	fsd f21, 168(a0)
	fsd f22, 176(a0)
	fsd f23, 184(a0)
	fsd f24, 192(a0)
	fsd f25, 200(a0)
	fsd f26, 208(a0)
	fsd f27, 216(a0)
	fsd f28, 224(a0)
	fsd f29, 232(a0)
	fsd f30, 240(a0)
	fsd f31, 248(a0)
	frcsr t0
	sd t0, 256(a0)
	ret
	.globl __fstate_restore
__fstate_restore:
	li a2, (1 << 13)
	csrs sstatus, a2
	fld f0, 0(a0)
	fld f1, 8(a0)
	fld f2, 16(a0)
	fld f3, 24(a0)
	fld f4, 32(a0)
	fld f5, 40(a0)
	fld f6, 48(a0)
	fld f7, 56(a0)
	fld f8, 64(a0)
	fld f9, 72(a0)
	fld f10, 80(a0)
	fld f11, 88(a0)
	fld f12, 96(a0)
	fld f13, 104(a0)
	fld f14, 112(a0)
	fld f15, 120(a0)
	fld f16, 128(a0)
	fld f17, 136(a0)
	fld f18, 144(a0)
	fld f19, 152(a0)
	fld f20, 160(a0)
	fld f21, 168(a0)
	fld f22, 176(a0)
	fld f23, 184(a0)
	fld f24, 192(a0)
	fld f25, 200(a0)
	fld f26, 208(a0)
	fld f27, 216(a0)
	fld f28, 224(a0)
	fld f29, 232(a0)
	fld f30, 240(a0)
	fld f31, 248(a0)
	ld t0, 256(a0)
	fscsr t0
	ret
	.option pop
