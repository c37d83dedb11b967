/* riscv.h: CSR access, status/interrupt bits, fences and interrupt
 * enable/disable for RISC-V in S-mode. No locks. */
#ifndef _RISCV_H
#define _RISCV_H
#include <types.h>

#define SR_SIE   (1UL << 1)
#define SR_SPIE  (1UL << 5)
#define SR_SPP   (1UL << 8)
#define SR_FS    (3UL << 13)
#define SR_FS_OFF     (0UL << 13)
#define SR_FS_INITIAL (1UL << 13)
#define SR_FS_CLEAN   (2UL << 13)
#define SR_FS_DIRTY   (3UL << 13)
#define SR_SUM   (1UL << 18)
#define SR_MXR   (1UL << 19)

#define IRQ_S_SOFT  1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT   9
#define SIE_SSIE (1UL << IRQ_S_SOFT)
#define SIE_STIE (1UL << IRQ_S_TIMER)
#define SIE_SEIE (1UL << IRQ_S_EXT)

#define CAUSE_IRQ_FLAG (1UL << 63)
#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS     1
#define EXC_INST_ILLEGAL    2
#define EXC_BREAKPOINT      3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS     5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS    7
#define EXC_SYSCALL         8
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

#define SATP_MODE_SV39 (8UL << 60)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK 0xffffUL

#define csr_read(csr) ({ unsigned long __v; \
	__asm__ __volatile__("csrr %0, " #csr : "=r"(__v) :: "memory"); __v; })
#define csr_write(csr, val) ({ unsigned long __v = (unsigned long)(val); \
	__asm__ __volatile__("csrw " #csr ", %0" :: "rK"(__v) : "memory"); })
#define csr_set(csr, val) ({ unsigned long __v = (unsigned long)(val); \
	__asm__ __volatile__("csrs " #csr ", %0" :: "rK"(__v) : "memory"); })
#define csr_clear(csr, val) ({ unsigned long __v = (unsigned long)(val); \
	__asm__ __volatile__("csrc " #csr ", %0" :: "rK"(__v) : "memory"); })
#define csr_read_clear(csr, val) ({ unsigned long __v = (unsigned long)(val); \
	__asm__ __volatile__("csrrc %0, " #csr ", %1" : "=r"(__v) : "rK"(__v) : "memory"); __v; })

static inline void local_irq_enable(void) { csr_set(sstatus, SR_SIE); }
static inline void local_irq_disable(void) { csr_clear(sstatus, SR_SIE); }
static inline unsigned long local_irq_save(void)
{
	return csr_read_clear(sstatus, SR_SIE) & SR_SIE;
}
static inline void local_irq_restore(unsigned long flags)
{
	csr_set(sstatus, flags & SR_SIE);
}
static inline bool irqs_disabled(void) { return !(csr_read(sstatus) & SR_SIE); }

static inline void local_flush_tlb_all(void) { __asm__ __volatile__("sfence.vma" ::: "memory"); }
static inline void local_flush_tlb_page(unsigned long va)
{
	__asm__ __volatile__("sfence.vma %0" :: "r"(va) : "memory");
}
static inline void local_flush_tlb_asid(unsigned long asid)
{
	__asm__ __volatile__("sfence.vma x0, %0" :: "r"(asid) : "memory");
}
static inline void local_flush_icache(void) { __asm__ __volatile__("fence.i" ::: "memory"); }
#define mb() __asm__ __volatile__("fence rw, rw" ::: "memory")
#define rmb() __asm__ __volatile__("fence r, r" ::: "memory")
#define wmb() __asm__ __volatile__("fence w, w" ::: "memory")
#define smp_mb() mb()
#define smp_rmb() rmb()
#define smp_wmb() wmb()
static inline void cpu_relax(void) { __asm__ __volatile__("nop" ::: "memory"); }
static inline void wait_for_interrupt(void) { __asm__ __volatile__("wfi" ::: "memory"); }

#endif
