/* smp.c: starting the secondary harts with SBI HSM, inter-processor
 * interrupts (used to kick idle harts and to stop all harts on panic). */
#include <sched.h>
#include <setup.h>
#include <mm.h>
#include <riscv.h>
#include <sbi.h>
#include <printk.h>
#include <string.h>

extern char secondary_entry[];
extern pgd_t *swapper_pg_dir;
struct task_struct *alloc_idle_task(int cpu);
void timer_init_cpu(void);
void plic_init_cpu(void);
static volatile int stopping;
static struct { unsigned long satp_pa, task; } boot_rec[NCPU];

void ipi_interrupt(void)
{
	csr_clear(sip, 1UL << IRQ_S_SOFT);
	if (stopping)
		for (;;) {
			local_irq_disable();
			wait_for_interrupt();
		}
}

void smp_send_stop(void)
{
	stopping = 1;
	unsigned long harts = 0;
	for (int c = 0; c < nr_cpus; c++)
		if (c != smp_processor_id())
			harts |= 1UL << machine.hartid[c];
	if (harts)
		sbi_send_ipi(harts);
}

void secondary_start_kernel(unsigned long hartid)
{
	int cpu = smp_processor_id();
	(void)hartid;
	local_flush_tlb_all();
	timer_init_cpu();
	plic_init_cpu();
	WRITE_ONCE(cpus[cpu].online, 1);
	cpu_idle();
}

void smp_init(void)
{
	for (int c = 1; c < machine.nr_harts; c++) {
		struct task_struct *idle = alloc_idle_task(c);
		boot_rec[c].satp_pa = __pa(swapper_pg_dir);
		boot_rec[c].task = (unsigned long)idle;
		smp_mb();
		long err = sbi_hart_start(machine.hartid[c], __pa(secondary_entry),
					  __pa(&boot_rec[c]));
		if (err) {
			printk("smp: hart %lu failed to start (%ld)\n", machine.hartid[c], err);
			continue;
		}
		while (!READ_ONCE(cpus[c].online))
			cpu_relax();
		nr_cpus = c + 1;
	}
	printk("smp: %d harts online\n", nr_cpus);
}
