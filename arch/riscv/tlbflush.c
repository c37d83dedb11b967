/* tlbflush.c: TLB shootdown. Each mm records in mm->cpumask the harts
 * that have run it; a flush covers this hart with sfence.vma and the
 * others through the SBI remote-fence call, which returns once they have
 * fenced. Callable with spinlocks held (SBI does not need our IRQs). */
#include <mm.h>
#include <setup.h>
#include <riscv.h>
#include <sbi.h>

static unsigned long harts_of(unsigned long cpumask, int skip_cpu)
{
	unsigned long harts = 0;
	for (int c = 0; c < machine.nr_harts; c++)
		if ((cpumask >> c) & 1 && c != skip_cpu)
			harts |= 1UL << machine.hartid[c];
	return harts;
}

void flush_tlb_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	unsigned long size = end - start;
	int cpu = smp_processor_id();
	unsigned long mask = READ_ONCE(mm->cpumask);

	if (mask & (1UL << cpu)) {
		if (!mm->asid || size > 64 * PAGE_SIZE)
			mm->asid ? local_flush_tlb_asid(mm->asid) : local_flush_tlb_all();
		else
			for (unsigned long a = start; a < end; a += PAGE_SIZE)
				__asm__ __volatile__("sfence.vma %0, %1" :: "r"(a), "r"((unsigned long)mm->asid) : "memory");
	}
	unsigned long harts = harts_of(mask, cpu);
	if (harts) {
		if (!mm->asid)
			sbi_remote_sfence_vma_asid(harts, 0, ~0UL, 0);	/* all */
		else
			sbi_remote_sfence_vma_asid(harts, start, size, mm->asid);
	}
}

void flush_tlb_mm(struct mm_struct *mm)
{
	flush_tlb_range(mm, 0, ~0UL);
}

void flush_tlb_kernel_all(void)
{
	local_flush_tlb_all();
	unsigned long harts = harts_of(~0UL, smp_processor_id());
	if (harts)
		sbi_remote_sfence_vma_asid(harts, 0, ~0UL, 0);
}
