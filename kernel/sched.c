/* sched.c: the scheduler. One global run queue (FIFO round robin) shared
 * by all harts, protected by rq_lock, which schedule() holds across the
 * context switch and the next task releases (finish_task_switch).
 * A task is on the queue (on_rq) only while runnable and not running;
 * on_cpu is set from the moment a hart picks it until it has switched
 * away, so a wakeup never queues a task whose stack is still in use.
 * The kernel is not preemptible: the timer tick sets TIF_NEED_RESCHED
 * and the switch happens on the way back to user mode (or when a task
 * blocks). Idle harts sleep in wfi (with their tick stopped, except cpu
 * 0) and are kicked by an IPI; a wakeup taken by an idle hart's own
 * interrupt kicks nobody (that hart runs the task next), and the IPI is
 * sent after rq_lock is dropped (it is an SBI call: other harts would
 * spin on rq_lock through it).
 * Affinity: a hart picks the first queued task whose cpus_mask has it
 * (sched_setaffinity); a task leaving a hart it may no longer use is
 * queued by that hart's schedule(), which kicks an idle hart it may use.
 * Lock order: wait-queue locks, tasklist_lock, then rq_lock. */
#include <sched.h>
#include <mm.h>
#include <riscv.h>
#include <printk.h>
#include <ptrace.h>
#include <setup.h>
#include <sbi.h>
#include <timer.h>
#include <uaccess.h>

struct cpu cpus[NCPU];
int nr_cpus = 1;
static DEFINE_SPINLOCK(rq_lock);
static LIST_HEAD(runqueue);
static int nr_running;
volatile unsigned long idle_mask;	/* cpus sitting in the idle loop */

void __fstate_save(u64 *f);
void __fstate_restore(u64 *f);
struct task_struct *__switch_to(struct task_struct *prev, struct task_struct *next);

static void enqueue(struct task_struct *t)
{
	list_add_tail(&t->run_list, &runqueue);
	t->on_rq = 1;
	nr_running++;
}

static void dequeue(struct task_struct *t)
{
	list_del_init(&t->run_list);
	t->on_rq = 0;
	nr_running--;
}

/* Which idle hart to kick for t, just queued (rq_lock held): none if
 * this hart is in its idle loop and t may run here (the wakeup is its
 * interrupt: it schedules when the handler returns; it leaves idle_mask,
 * so that a second wakeup in the same interrupt kicks another hart) or
 * if no hart t may use is idle; else the hart-id mask to pass to
 * kick_idle once rq_lock is dropped. */
static unsigned long idle_to_kick(struct task_struct *t)
{
	unsigned long m = READ_ONCE(idle_mask) & t->cpus_mask, me = 1UL << smp_processor_id();
	if (m & me) {
		__atomic_fetch_and(&idle_mask, ~me, __ATOMIC_SEQ_CST);
		return 0;
	}
	return m ? 1UL << machine.hartid[__builtin_ctzl(m)] : 0;
}

/* The first queued task that may run on cpu, or NULL (rq_lock held). */
static struct task_struct *pick_next_task(int cpu)
{
	struct task_struct *t;
	list_for_each_entry(t, &runqueue, run_list)
		if (t->cpus_mask & (1UL << cpu))
			return t;
	return NULL;
}

/* Is a queued task waiting for this hart? (its idle loop sleeps if not) */
static int rq_has_work(int cpu)
{
	int r;
	if (READ_ONCE(nr_running) == 0)
		return 0;
	spin_lock(&rq_lock);
	r = pick_next_task(cpu) != NULL;
	spin_unlock(&rq_lock);
	return r;
}

static void kick_idle(unsigned long hartmask)
{
	if (hartmask)
		sbi_send_ipi(hartmask);
}

/* Wakes t if its state is in `state`; returns 1 if it was woken. */
int wake_up_state(struct task_struct *t, long state)
{
	int woke = 0;
	unsigned long kick = 0;
	spin_lock(&rq_lock);
	if (t->state & state) {
		t->state = TASK_RUNNING;
		if (!t->on_rq && !t->on_cpu) {
			enqueue(t);
			kick = idle_to_kick(t);
		}
		woke = 1;
	}
	spin_unlock(&rq_lock);
	kick_idle(kick);
	return woke;
}

int wake_up_process(struct task_struct *t)
{
	return wake_up_state(t, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE);
}

/* If t is running on another hart, interrupt it so that it notices new
 * work (a signal) on its way back to user mode, as Linux's kick_process. */
void kick_process(struct task_struct *t)
{
	int cpu = READ_ONCE(t->thread_info.cpu);
	if (READ_ONCE(t->on_cpu) && cpu != smp_processor_id() && cpus[cpu].curr == t)
		sbi_send_ipi(1UL << machine.hartid[cpu]);
}

void wake_up_new_task(struct task_struct *t)
{
	spin_lock(&rq_lock);
	t->state = TASK_RUNNING;
	enqueue(t);
	unsigned long kick = idle_to_kick(t);
	spin_unlock(&rq_lock);
	kick_idle(kick);
}

void set_current_state(long state)
{
	WRITE_ONCE(current->state, state);
	smp_mb();
}

/* FP registers belong to whichever user task last ran on this hart. */
static void switch_fpu(struct task_struct *prev, struct task_struct *next)
{
	if (prev->mm) {
		struct pt_regs *r = task_pt_regs(prev);
		if ((r->status & SR_FS) == SR_FS_DIRTY) {
			__fstate_save(prev->thread.fstate);
			r->status = (r->status & ~SR_FS) | SR_FS_CLEAN;
		}
	}
	if (next->mm && (task_pt_regs(next)->status & SR_FS) != SR_FS_OFF)
		__fstate_restore(next->thread.fstate);
}

/* The first thing a task does after being switched to (also the first
 * code a new task runs, from ret_from_fork). */
void schedule_tail(struct task_struct *prev)
{
	WRITE_ONCE(prev->on_cpu, 0);
	struct task_struct *dead = prev->state == TASK_DEAD ? prev : NULL;
	spin_unlock(&rq_lock);
	if (dead)
		put_task_struct(dead);	/* the reference for running */
	if (current->set_child_tid) {	/* CLONE_CHILD_SETTID, in the child's mm */
		put_user(current->pid, current->set_child_tid);
		current->set_child_tid = NULL;
	}
}

void blk_flush_plug(struct task_struct *t);

void schedule(void)
{
	struct task_struct *prev = current, *next;
	int cpu, intena;
	unsigned long kick = 0;
	struct cpu *c;

	if (prev->plug && prev->state != TASK_RUNNING)
		blk_flush_plug(prev);	/* do not sleep on our own unsent I/O */
	cpu = smp_processor_id();
	c = &cpus[cpu];

	spin_lock(&rq_lock);
	if (c->noff != 1)
		panic("schedule: called with %d locks held", c->noff - 1);
	clear_tsk_thread_flag(prev, TIF_NEED_RESCHED);
	if (prev->state == TASK_RUNNING && prev != c->idle && !prev->on_rq) {
		enqueue(prev);
		if (!(prev->cpus_mask & (1UL << cpu)))
			kick = idle_to_kick(prev);	/* it moves away: rare */
	}
	next = pick_next_task(cpu);
	if (next)
		dequeue(next);
	else
		next = c->idle;
	if (next == prev) {
		spin_unlock(&rq_lock);
		return;
	}
	kick_idle(kick);	/* under rq_lock, but only when a task moves */
	next->on_cpu = 1;
	next->thread_info.cpu = cpu;
	c->nr_switches++;
	if (prev->state == TASK_RUNNING)
		prev->nivcsw++;		/* preempted */
	else
		prev->nvcsw++;		/* went to sleep */
	c->curr = next;
	/* Kernel threads and idle run on swapper_pg_dir: prev's mm may be
	 * freed (by its last user on another hart) while we run. */
	if (next->mm != prev->mm)
		switch_mm(prev->mm, next->mm);
	switch_fpu(prev, next);
	intena = c->intena;
	prev = __switch_to(prev, next);
	/* Now running as `next` (maybe on another hart than it last ran). */
	cpus[smp_processor_id()].intena = intena;
	schedule_tail(prev);
}

void yield(void)
{
	schedule();
}

/* Timer tick on each hart: round robin when others are waiting. */
void scheduler_tick(void)
{
	struct task_struct *t = current;
	if (t == this_cpu()->idle)
		return;
	if (READ_ONCE(nr_running) > 0)
		set_tsk_thread_flag(t, TIF_NEED_RESCHED);
}

int need_resched(void)
{
	return test_tsk_thread_flag(current, TIF_NEED_RESCHED);
}

/* The idle task of each hart. Its bit in idle_mask stays set while it
 * takes the interrupt that woke it, so that the first wakeup in that
 * interrupt sends no IPI (see idle_to_kick); a kick from elsewhere in
 * that window only costs a spurious IPI. */
void cpu_idle(void)
{
	int cpu = smp_processor_id();
	for (;;) {
		local_irq_disable();
		__atomic_fetch_or(&idle_mask, 1UL << cpu, __ATOMIC_SEQ_CST);
		if (!rq_has_work(cpu)) {
			tick_nohz_idle_enter();
			wait_for_interrupt();	/* wakes on a pending irq even with SIE off */
			tick_nohz_idle_exit();
		}
		local_irq_enable();	/* take the interrupt that woke us */
		__atomic_fetch_and(&idle_mask, ~(1UL << cpu), __ATOMIC_SEQ_CST);
		if (READ_ONCE(nr_running) > 0)
			schedule();
	}
}

void sched_init(void)
{
	cpus[0].curr = &init_task;
	cpus[0].idle = &init_task;
	init_task.on_cpu = 1;
}

/* sched_setaffinity: t may run only on the cpus of mask (non-empty, only
 * online cpus). A queued t gets an idle hart it may use kicked; a t
 * running on a hart it may no longer use is asked to reschedule there,
 * and its schedule() moves it. */
void set_cpus_allowed(struct task_struct *t, unsigned long mask)
{
	unsigned long kick = 0;
	int cpu = -1;

	spin_lock(&rq_lock);
	t->cpus_mask = mask;
	if (t->on_rq) {
		kick = idle_to_kick(t);
	} else if (t->on_cpu && !(mask & (1UL << READ_ONCE(t->thread_info.cpu)))) {
		set_tsk_thread_flag(t, TIF_NEED_RESCHED);
		cpu = t->thread_info.cpu;
	}
	spin_unlock(&rq_lock);
	kick_idle(kick);
	if (cpu >= 0)
		kick_process(t);
}
