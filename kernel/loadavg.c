/* loadavg.c: the load average, as Linux computes it (kernel/sched/
 * loadavg.c): every LOAD_FREQ ticks hart 0's tick samples the number of
 * runnable and uninterruptibly sleeping tasks and folds it into three
 * exponentially decaying averages (1, 5 and 15 minutes) in fixed point
 * with FSHIFT fraction bits.
 * Locks: calc_global_load runs in hart 0's tick only; readers see each
 * average as one aligned word. Counting tasks takes tasklist_lock. */
#include <sched.h>

#define LOAD_FREQ (5 * HZ + 1)	/* 5 s, off the tick's beat */
#define EXP_1 1884		/* FIXED_1 / exp(5 s / 1 min) */
#define EXP_5 2014		/* FIXED_1 / exp(5 s / 5 min) */
#define EXP_15 2037		/* FIXED_1 / exp(5 s / 15 min) */

unsigned long avenrun[3];
static u64 calc_load_update = LOAD_FREQ;

/* load = load * exp + active * (1 - exp), rounded up while rising. */
static unsigned long calc_load(unsigned long load, unsigned long exp, unsigned long active)
{
	unsigned long newload = load * exp + active * (FIXED_1 - exp);

	if (active >= load)
		newload += FIXED_1 - 1;
	return newload / FIXED_1;
}

void calc_global_load(void)
{
	unsigned long active;

	if (jiffies < calc_load_update)
		return;
	calc_load_update = jiffies + LOAD_FREQ;
	active = (unsigned long)(nr_running_tasks() + nr_blocked_tasks()) * FIXED_1;
	WRITE_ONCE(avenrun[0], calc_load(avenrun[0], EXP_1, active));
	WRITE_ONCE(avenrun[1], calc_load(avenrun[1], EXP_5, active));
	WRITE_ONCE(avenrun[2], calc_load(avenrun[2], EXP_15, active));
}

/* The averages scaled for a caller: (avenrun + offset) << shift. */
void get_avenrun(unsigned long *loads, unsigned long offset, int shift)
{
	for (int i = 0; i < 3; i++)
		loads[i] = (READ_ONCE(avenrun[i]) + offset) << shift;
}
