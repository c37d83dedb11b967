/* uaccess.S: user-memory copy loops. Every instruction that touches user
 * memory has an __ex_table entry; a fault that the page-fault handler
 * cannot resolve resumes at the fixup, which returns what is left.
 * SUM (supervisor may access user pages) is set only inside these loops. */

	.macro EX insn, fixup
99:	\insn
	.pushsection __ex_table, "a"
	.balign 8
	.quad 99b, \fixup
	.popsection
	.endm

	.text
/* unsigned long __asm_copy_user(void *dst, const void *src, unsigned long n):
 * returns the number of bytes not copied. */
	.globl __asm_copy_user
__asm_copy_user:
	li t6, 1 << 18
	csrs sstatus, t6
	or t0, a0, a1
	andi t0, t0, 7
	bnez t0, 3f
	li t1, 32
1:	bltu a2, t1, 2f		/* 32 bytes per round while aligned */
	EX "ld t2, 0(a1)", 9f
	EX "ld t3, 8(a1)", 9f
	EX "ld t4, 16(a1)", 9f
	EX "ld t5, 24(a1)", 9f
	EX "sd t2, 0(a0)", 9f
	EX "sd t3, 8(a0)", 9f
	EX "sd t4, 16(a0)", 9f
	EX "sd t5, 24(a0)", 9f
	addi a0, a0, 32
	addi a1, a1, 32
	addi a2, a2, -32
	j 1b
2:	li t1, 8
	bltu a2, t1, 3f
	EX "ld t2, 0(a1)", 9f
	EX "sd t2, 0(a0)", 9f
	addi a0, a0, 8
	addi a1, a1, 8
	addi a2, a2, -8
	j 2b
3:	beqz a2, 9f
	EX "lbu t2, 0(a1)", 9f
	EX "sb t2, 0(a0)", 9f
	addi a0, a0, 1
	addi a1, a1, 1
	addi a2, a2, -1
	j 3b
9:	csrc sstatus, t6
	mv a0, a2
	ret

/* unsigned long __asm_clear_user(void *dst, unsigned long n) */
	.globl __asm_clear_user
__asm_clear_user:
	li t6, 1 << 18
	csrs sstatus, t6
1:	beqz a1, 9f
	EX "sb zero, 0(a0)", 9f
	addi a0, a0, 1
	addi a1, a1, -1
	j 1b
9:	csrc sstatus, t6
	mv a0, a1
	ret

/* long __asm_strncpy_user(char *dst, const char *src, long n): copies up
 * to n bytes stopping after a NUL. Returns the string length, n if no
 * NUL was found, or -1 on a fault. */
	.globl __asm_strncpy_user
__asm_strncpy_user:
	li t6, 1 << 18
	csrs sstatus, t6
	li t0, 0
1:	beq t0, a2, 8f
	EX "lbu t2, 0(a1)", 7f
	sb t2, 0(a0)
	beqz t2, 8f
	addi a0, a0, 1
	addi a1, a1, 1
	addi t0, t0, 1
	j 1b
7:	li t0, -1
8:	csrc sstatus, t6
	mv a0, t0
	ret
