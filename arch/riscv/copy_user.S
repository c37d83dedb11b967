/* copy_user.S: user-memory copy loops. Every instruction that touches user
 * memory has an __ex_table entry; a fault that the page-fault handler
 * cannot resolve resumes at the fixup, which returns what is left.
 * SUM (supervisor may access user pages) is set only inside these loops
 * and inside a user-access window (user_access_begin, uaccess.h): each
 * loop sets it and leaves it as it found it, so a window's copies do not
 * flip it (every change of SUM is a CSR write; QEMU flushes its TLB on
 * each). No locks; called with none that a fault could need. */

#define SR_SUM (1 << 18)

	.macro EX insn, fixup
99:	\insn
	.pushsection __ex_table, "a"
	.balign 8
	.quad 99b, \fixup
	.popsection
	.endm

/* SUM on; t5 keeps whether it was on already (a window). */
	.macro SUM_ON
	li t6, SR_SUM
	csrrs t5, sstatus, t6
	and t5, t5, t6
	.endm

/* SUM back as SUM_ON found it: cleared only outside a window. */
	.macro SUM_RESTORE
	bnez t5, 98f
	csrc sstatus, t6
98:
	.endm

	.text
/* unsigned long __asm_copy_user(void *dst, const void *src, unsigned long n):
 * returns the number of bytes not copied (a fault inside a 64-byte block
 * counts the whole block as not copied). Word copies when src and dst
 * agree modulo 8: bytes up to the alignment, 64-byte blocks, words, then
 * the tail bytes; bytes otherwise (misaligned words would trap). */
	.globl __asm_copy_user
__asm_copy_user:
	SUM_ON
	xor t0, a0, a1
	andi t0, t0, 7
	bnez t0, 4f		/* alignments differ: bytes only */
1:	andi t0, a0, 7		/* bytes until both are aligned */
	beqz t0, 2f
	beqz a2, 9f
	EX "lbu t1, 0(a1)", 9f
	EX "sb t1, 0(a0)", 9f
	addi a0, a0, 1
	addi a1, a1, 1
	addi a2, a2, -1
	j 1b
2:	li t0, 64
3:	bltu a2, t0, 5f		/* 64 bytes per round */
	EX "ld a3, 0(a1)", 9f
	EX "ld a4, 8(a1)", 9f
	EX "ld a5, 16(a1)", 9f
	EX "ld a6, 24(a1)", 9f
	EX "ld a7, 32(a1)", 9f
	EX "ld t1, 40(a1)", 9f
	EX "ld t2, 48(a1)", 9f
	EX "ld t3, 56(a1)", 9f
	EX "sd a3, 0(a0)", 9f
	EX "sd a4, 8(a0)", 9f
	EX "sd a5, 16(a0)", 9f
	EX "sd a6, 24(a0)", 9f
	EX "sd a7, 32(a0)", 9f
	EX "sd t1, 40(a0)", 9f
	EX "sd t2, 48(a0)", 9f
	EX "sd t3, 56(a0)", 9f
	addi a0, a0, 64
	addi a1, a1, 64
	addi a2, a2, -64
	j 3b
5:	li t0, 8
6:	bltu a2, t0, 4f		/* then words */
	EX "ld t1, 0(a1)", 9f
	EX "sd t1, 0(a0)", 9f
	addi a0, a0, 8
	addi a1, a1, 8
	addi a2, a2, -8
	j 6b
4:	beqz a2, 9f		/* then (or only) bytes */
	EX "lbu t1, 0(a1)", 9f
	EX "sb t1, 0(a0)", 9f
	addi a0, a0, 1
	addi a1, a1, 1
	addi a2, a2, -1
	j 4b
9:	SUM_RESTORE
	mv a0, a2
	ret

/* unsigned long __asm_clear_user(void *dst, unsigned long n): returns the
 * number of bytes not cleared. Words once dst is aligned. */
	.globl __asm_clear_user
__asm_clear_user:
	SUM_ON
1:	andi t0, a0, 7
	beqz t0, 2f
	beqz a1, 9f
	EX "sb zero, 0(a0)", 9f
	addi a0, a0, 1
	addi a1, a1, -1
	j 1b
2:	li t0, 8
3:	bltu a1, t0, 4f
	EX "sd zero, 0(a0)", 9f
	addi a0, a0, 8
	addi a1, a1, -8
	j 3b
4:	beqz a1, 9f
	EX "sb zero, 0(a0)", 9f
	addi a0, a0, 1
	addi a1, a1, -1
	j 4b
9:	SUM_RESTORE
	mv a0, a1
	ret

/* long __asm_strncpy_user(char *dst, const char *src, long n): copies up
 * to n bytes stopping after a NUL. Returns the string length, n if no
 * NUL was found, or -1 on a fault. */
	.globl __asm_strncpy_user
__asm_strncpy_user:
	SUM_ON
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
8:	SUM_RESTORE
	mv a0, t0
	ret
