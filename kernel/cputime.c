/* cputime.c: where the time goes. Every tick (timer_interrupt) charges
 * one tick to the interrupted task, as user or system time by the mode
 * it was interrupted in, and to its hart's counters (Linux's
 * account_process_tick). A hart's idle time is what is left of the time
 * since it came online, so an idle hart needs no ticks. When a thread
 * exits its times move into its process (do_exit); a reaped child's,
 * with its own children's, into its parent's cutime/cstime (wait4).
 * Also the counts behind /proc/stat: context switches, forks, running
 * and blocked tasks.
 * Locks: the per-hart counters are written only by their hart, with
 * interrupts off; readers elsewhere may see a tick late. A task's own
 * counters are written by the hart running it. The sums over a thread
 * group and the task counts take tasklist_lock. */
#include <sched.h>
#include <signal.h>

static u64 cpustat[NCPU][NR_STATS];
atomic_long_t total_forks;

/* Interrupts off (the tick). */
void account_process_tick(struct task_struct *p, int user_tick)
{
	int cpu = smp_processor_id();

	if (p == cpus[cpu].idle)
		return;		/* idle time is what the others leave */
	if (user_tick) {
		p->utime++;
		cpustat[cpu][CPUTIME_USER]++;
	} else {
		p->stime++;
		cpustat[cpu][CPUTIME_SYSTEM]++;
	}
}

void kcpustat_cpu(int cpu, u64 stat[NR_STATS])
{
	u64 busy = 0, up = jiffies - READ_ONCE(cpus[cpu].online_jiffies);

	for (int i = 0; i < NR_STATS; i++) {
		stat[i] = READ_ONCE(cpustat[cpu][i]);
		busy += stat[i];
	}
	stat[CPUTIME_IDLE] = up > busy ? up - busy : 0;
}

/* The times of t's whole process: its exited threads' and every live
 * one's (Linux's thread_group_cputime). */
void __thread_group_cputime(struct signal_struct *sig, struct task_cputime *c)
{
	struct task_struct *th;

	*c = (struct task_cputime){ sig->utime, sig->stime, sig->nvcsw, sig->nivcsw,
				    sig->min_flt, sig->maj_flt };
	list_for_each_entry(th, &sig->thread_head, thread_node) {
		c->utime += READ_ONCE(th->utime);
		c->stime += READ_ONCE(th->stime);
		c->nvcsw += READ_ONCE(th->nvcsw);
		c->nivcsw += READ_ONCE(th->nivcsw);
		c->min_flt += READ_ONCE(th->min_flt);
		c->maj_flt += READ_ONCE(th->maj_flt);
	}
}

void thread_group_cputime(struct task_struct *t, struct task_cputime *c)
{
	spin_lock(&tasklist_lock);
	__thread_group_cputime(t->signal, c);
	spin_unlock(&tasklist_lock);
}

unsigned long nr_context_switches(void)
{
	unsigned long n = 0;

	for (int i = 0; i < nr_cpus; i++)
		n += READ_ONCE(cpus[i].nr_switches);
	return n;
}

/* Tasks in state `state`; user tasks only when user_only (kernel
 * threads that wait uninterruptibly for work are not load: Linux puts
 * them in TASK_IDLE). */
static int count_tasks(long state, int user_only)
{
	struct task_struct *t;
	int n = 0;

	spin_lock(&tasklist_lock);
	list_for_each_entry(t, &task_list, tasks)
		if (READ_ONCE(t->state) == state && !t->exit_state && (!user_only || t->mm))
			n++;
	spin_unlock(&tasklist_lock);
	return n;
}

int nr_running_tasks(void)
{
	return count_tasks(TASK_RUNNING, 0);
}

int nr_blocked_tasks(void)
{
	return count_tasks(TASK_UNINTERRUPTIBLE, 1);
}
