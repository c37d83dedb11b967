/* head.S: kernel entry from OpenSBI (S-mode, MMU off, a0 = hart id,
 * a1 = FDT physical address) and secondary-hart entry from SBI HSM.
 * Starts with a Linux RISC-V Image header so U-Boot's booti accepts it.
 * Turns on Sv39 with an early page table mapping RAM at PAGE_OFFSET, then
 * jumps to the linked (virtual) addresses and calls into C. */
#include <memlayout.h>

	.section .head.text, "ax"
	.globl _head
_head:
	/* Image header (Documentation/arch/riscv/boot-image-header.rst) */
	j _start_boot		/* code0 (c.j is 2 bytes; pad) */
	.balign 8
	.quad 0x200000		/* text_offset from 2 MiB aligned RAM base */
	.quad _end - _head	/* image_size */
	.quad 0			/* flags: little endian */
	.word 2			/* version 0.2 */
	.word 0
	.quad 0
	.ascii "RISCV\0\0\0"	/* magic (deprecated) */
	.ascii "RSC\x05"	/* magic2 */
	.word 0			/* reserved (PE header offset) */

_start_boot:
	csrw sie, zero
	csrw sip, zero
	/* Only the first hart here runs the boot path. Firmware can send a
	 * late hart here too (racing our SBI HSM start): it parks until
	 * smp_init publishes its boot record, then joins as a secondary. */
	la t0, hart_lottery
	li t1, 1
	amoadd.w t1, t1, (t0)
	bnez t1, .Lpark
	mv s0, a0
	mv s1, a1
	/* Build boot_pg_dir: 1 GiB leaves mapping PA [0, 16 GiB) at PAGE_OFFSET. */
	la t0, boot_pg_dir
	li t1, 256 * 8
	add t0, t0, t1
	li t2, 0xcf		/* V R W X A D */
	li t3, 16
	li t4, 1 << 28		/* one GiB in PTE.ppn units (1 GiB >> 12 << 10) */
1:	sd t2, 0(t0)
	add t2, t2, t4
	addi t0, t0, 8
	addi t3, t3, -1
	bnez t3, 1b
	la a0, boot_pg_dir
	call enable_mmu
	/* Now running at the virtual address. */
	la t0, __bss_start
	la t1, __bss_end
2:	sd zero, 0(t0)
	addi t0, t0, 8
	bltu t0, t1, 2b
	la tp, init_task
	la sp, init_stack
	li t0, THREAD_SIZE
	add sp, sp, t0
	sd sp, 0(tp)		/* thread_info.kernel_sp */
	csrw sscratch, zero
	la t0, handle_exception
	csrw stvec, t0
	mv a0, s0
	mv a1, s1
	call start_kernel
3:	wfi
	j 3b

/* enable_mmu(a0 = page-directory PA): satp := Sv39 | pgd; continue at the
 * virtual alias of the return address. stvec is pointed at the virtual
 * continuation, so if the current PA is not mapped the fetch fault lands
 * exactly there. Clobbers t0-t2. */
	.balign 4
enable_mmu:
	li t0, PAGE_OFFSET
	add ra, ra, t0
	la t1, 1f
	add t1, t1, t0
	csrw stvec, t1
	srli a0, a0, 12
	li t2, 8 << 60
	or a0, a0, t2
	sfence.vma
	csrw satp, a0
	sfence.vma
	.balign 4
1:	ret

.Lpark:				/* MMU off: spin_table read at its PA */
	la t0, spin_table
	slli t1, a0, 3
	add t0, t0, t1
2:	fence r, r
	ld a1, 0(t0)
	beqz a1, 2b
	j secondary_entry

/* secondary_entry(a0 = hart id, a1 = opaque = PA of a secondary_boot
 * record {satp, task VA}). */
	.globl secondary_entry
	.balign 4
secondary_entry:
	csrw sie, zero
	csrw sip, zero
	mv s0, a0
	ld s1, 8(a1)		/* idle task (virtual) */
	ld a0, 0(a1)		/* pgd PA */
	call enable_mmu
	mv tp, s1
	ld sp, 0(tp)		/* thread_info.kernel_sp: top of its stack */
	csrw sscratch, zero
	la t0, handle_exception
	csrw stvec, t0
	mv a0, s0
	call secondary_start_kernel
4:	wfi
	j 4b

	.section .data
	.balign 8
hart_lottery:
	.word 0
	.balign 8
	.globl spin_table
spin_table:			/* hart id -> PA of its boot record, for parked harts */
	.zero 64 * 8
	.balign 4096
	.globl boot_pg_dir
boot_pg_dir:
	.zero 4096
