/* memlayout.h: the Sv39 virtual address layout.
 *   0 .. USER_TOP              user space (256 GiB, lower half)
 *   PAGE_OFFSET ..             direct map of all RAM and MMIO (PA + PAGE_OFFSET);
 *                              the kernel image runs inside it at 0x80200000+PAGE_OFFSET. */
#ifndef _MEMLAYOUT_H
#define _MEMLAYOUT_H

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_OFFSET 0xffffffc000000000UL
#define USER_TOP 0x4000000000UL
#define STACK_TOP 0x3fff000000UL
#define STACK_MAX (8UL << 20)
#define SIGPAGE_ADDR 0x3fff800000UL
#define MMAP_BASE 0x2000000000UL
#define THREAD_SIZE (16UL * 1024)

#ifndef __ASSEMBLER__
#define __va(pa) ((void *)((unsigned long)(pa) + PAGE_OFFSET))
#define __pa(va) ((unsigned long)(va) - PAGE_OFFSET)
#endif

#endif
