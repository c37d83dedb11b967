/* tlbflush.c: TLB shootdown. Each mm records in mm->cpumask the harts
 * that have run it; a flush covers this hart with sfence.vma, the harts
 * running the mm right now through the SBI remote-fence call (which
 * returns once they have fenced), and the rest lazily through
 * mm->flush_pending, checked by switch_mm. Callable with spinlocks held
 * (SBI does not need our IRQs). */
#include <mm.h>
#include <setup.h>
#include <riscv.h>
#include <sbi.h>

/* One remote fence at a time: two harts fencing each other at once can
 * deadlock inside the firmware (seen with Debian 12's OpenSBI 1.2 under
 * QEMU). A hart waiting here spins with interrupts off, but M-mode still
 * serves the fence it is asked for, so the holder always finishes. */
static DEFINE_SPINLOCK(fence_lock);

static void remote_fence(unsigned long harts, unsigned long start, unsigned long size,
			 unsigned long asid)
{
	spin_lock(&fence_lock);
	sbi_remote_sfence_vma_asid(harts, start, size, asid);
	spin_unlock(&fence_lock);
}

static unsigned long harts_of(unsigned long cpumask, int skip_cpu)
{
	unsigned long harts = 0;
	for (int c = 0; c < machine.nr_harts; c++)
		if ((cpumask >> c) & 1 && c != skip_cpu)
			harts |= 1UL << machine.hartid[c];
	return harts;
}

static void local_flush_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	if (!mm->asid)
		local_flush_tlb_all();
	else if (end - start > 64 * PAGE_SIZE)
		local_flush_tlb_asid(mm->asid);
	else
		for (unsigned long a = start; a < end; a += PAGE_SIZE)
			__asm__ __volatile__("sfence.vma %0, %1" :: "r"(a), "r"((unsigned long)mm->asid) : "memory");
}

/* Harts that ran mm but are not running it now are only marked in
 * mm->flush_pending (they flush the ASID in switch_mm); the ones running
 * it are fenced at once, since a remote fence is expensive. */
void flush_tlb_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	int cpu = smp_processor_id();
	unsigned long mask = READ_ONCE(mm->cpumask);
	if (mask & (1UL << cpu))
		local_flush_range(mm, start, end);
	unsigned long others = mask & ~(1UL << cpu);
	if (!others)
		return;
	__atomic_fetch_or(&mm->flush_pending, others, __ATOMIC_SEQ_CST);
	smp_mb();
	unsigned long running = 0;
	for (int c = 0; c < machine.nr_harts; c++)
		if ((others >> c) & 1 && READ_ONCE(cpus[c].active_mm) == mm)
			running |= 1UL << c;
	unsigned long harts = harts_of(running, -1);
	if (!harts)
		return;
	if (!mm->asid)
		remote_fence(harts, 0, ~0UL, 0);	/* all */
	else
		remote_fence(harts, start, end - start, mm->asid);
}

/* Every hart that ever ran mm, now: the ASID is about to be reused. */
void flush_tlb_mm(struct mm_struct *mm)
{
	int cpu = smp_processor_id();
	unsigned long mask = READ_ONCE(mm->cpumask);
	if (mask & (1UL << cpu))
		local_flush_range(mm, 0, ~0UL);
	unsigned long harts = harts_of(mask, cpu);
	if (harts)
		remote_fence(harts, 0, ~0UL, mm->asid);
}

void flush_tlb_kernel_all(void)
{
	local_flush_tlb_all();
	unsigned long harts = harts_of(~0UL, smp_processor_id());
	if (harts)
		remote_fence(harts, 0, ~0UL, 0);
}
