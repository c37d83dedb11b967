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
extern unsigned long spin_table[64];
u64 get_cycles(void);
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
	cpus[cpu].online_jiffies = jiffies;
	WRITE_ONCE(cpus[cpu].online, 1);
	cpu_idle();
}

void smp_init(void)
{
	for (int c = 1; c < machine.nr_harts; c++) {
		struct task_struct *idle = alloc_idle_task(c);
		unsigned long hart = machine.hartid[c];
		boot_rec[c].satp_pa = __pa(swapper_pg_dir);
		boot_rec[c].task = (unsigned long)idle;
		smp_mb();
		if (hart < 64)		/* for a hart the firmware parked in head.S */
			WRITE_ONCE(spin_table[hart], __pa(&boot_rec[c]));
		smp_mb();
		long err = sbi_hart_start(hart, __pa(secondary_entry), __pa(&boot_rec[c]));
		/* Wait up to a second: a parked hart comes online even when
		 * the HSM start fails (it is "already started"). */
		u64 until = get_cycles() + machine.timebase;
		while (!READ_ONCE(cpus[c].online) && get_cycles() < until)
			cpu_relax();
		if (!READ_ONCE(cpus[c].online)) {
			printk("smp: hart %lu failed to start (%ld)\n", hart, err);
			continue;
		}
		nr_cpus = c + 1;
	}
	printk("smp: %d harts online\n", nr_cpus);
}
