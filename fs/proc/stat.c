/* stat.c: /proc/stat in Linux's format: the time each hart spent in
 * user mode, system and idle (in USER_HZ ticks, kcpustat_cpu), the
 * interrupts and context switches since boot, the boot time, the number
 * of forks, and the tasks running and blocked now. nice, iowait, irq,
 * softirq, steal and guest are not told apart and stay 0.
 * Locks: none here (the counters are read as they are; the task counts
 * take tasklist_lock). */
#include <sched.h>
#include <timer.h>
#include <printf.h>
#include "internal.h"

static void show_cpu_line(struct seq_buf *m, const char *name, const u64 *st)
{
	seq_printf(m, "%s %lu %lu %lu %lu %lu %lu %lu %lu 0 0\n", name,
		   st[CPUTIME_USER], st[CPUTIME_NICE], st[CPUTIME_SYSTEM], st[CPUTIME_IDLE],
		   st[CPUTIME_IOWAIT], st[CPUTIME_IRQ], st[CPUTIME_SOFTIRQ], st[CPUTIME_STEAL]);
}

int stat_show(struct seq_buf *m)
{
	u64 sum[NR_STATS] = { 0 }, st[NCPU][NR_STATS];
	unsigned long irqs = 0;
	char name[8];

	for (int cpu = 0; cpu < nr_cpus; cpu++) {
		kcpustat_cpu(cpu, st[cpu]);
		for (int i = 0; i < NR_STATS; i++)
			sum[i] += st[cpu][i];
		irqs += READ_ONCE(cpus[cpu].nr_irqs);
	}
	show_cpu_line(m, "cpu ", sum);
	for (int cpu = 0; cpu < nr_cpus; cpu++) {
		snprintf(name, sizeof(name), "cpu%d", cpu);
		show_cpu_line(m, name, st[cpu]);
	}
	seq_printf(m, "intr %lu\nctxt %lu\nbtime %lu\nprocesses %ld\n"
		   "procs_running %d\nprocs_blocked %d\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
		   irqs, nr_context_switches(), (unsigned long)(boot_realtime_ns / 1000000000ULL),
		   atomic_long_read(&total_forks), nr_running_tasks(), nr_blocked_tasks());
	return 0;
}
