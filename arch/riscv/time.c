/* time.c: the per-hart tick (HZ) programmed with stimecmp when the hart
 * has Sstc, else through SBI; jiffies (advanced by cpu 0), the monotonic
 * clock from the time CSR, and jiffies-based kernel timers. Idle harts
 * other than cpu 0 stop their tick (tick_nohz_idle_enter): on them it
 * only does scheduler bookkeeping, and an idle hart is woken by an IPI
 * when there is work; cpu 0 keeps it for jiffies and the timers.
 * Lock: timer_lock protects the timer list (and run_timers' list of
 * expired timers); callbacks run without it, in interrupt context. */
#include <timer.h>
#include <sched.h>
#include <setup.h>
#include <riscv.h>
#include <sbi.h>
#include <printk.h>
#include <ptrace.h>

volatile u64 jiffies;
u64 boot_realtime_ns;
static u64 tick_cycles;
static DEFINE_SPINLOCK(timer_lock);
static LIST_HEAD(timer_list_head);

u64 get_cycles(void)
{
	return csr_read(time);
}

u64 ktime_get_ns(void)
{
	u64 c = get_cycles();
	return c / machine.timebase * 1000000000ULL +
	       c % machine.timebase * 1000000000ULL / machine.timebase;
}

static void set_next_event(void)
{
	u64 next = get_cycles() + tick_cycles;
	if (machine.sstc)
		csr_write(0x14d, next);		/* stimecmp */
	else
		sbi_set_timer(next);
}

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *))
{
	INIT_LIST_HEAD(&t->entry);
	t->function = fn;
	t->pending = 0;
}

void add_timer(struct timer_list *t)
{
	spin_lock(&timer_lock);
	if (t->pending)
		list_del(&t->entry);
	list_add_tail(&t->entry, &timer_list_head);
	t->pending = 1;
	spin_unlock(&timer_lock);
}

int del_timer(struct timer_list *t)
{
	int was;
	spin_lock(&timer_lock);
	was = t->pending;
	if (was) {
		list_del_init(&t->entry);
		t->pending = 0;
	}
	spin_unlock(&timer_lock);
	return was;
}

static struct timer_list *running_timer;	/* callback in progress */

/* Runs expired timers one at a time; running_timer lets del_timer_sync
 * wait for a callback that already started. A timer waiting on the
 * private `expired` list stays pending: the lock is dropped around each
 * callback, and a del_timer meanwhile (its sleeper woken by a signal,
 * about to return and free the timer's stack frame) must take it off
 * that list too, not leave it there to be run from freed memory. */
static void run_timers(void)
{
	struct timer_list *t, *n;
	LIST_HEAD(expired);
	spin_lock(&timer_lock);
	list_for_each_entry_safe(t, n, &timer_list_head, entry)
		if ((s64)(jiffies - t->expires) >= 0)
			list_move_tail(&t->entry, &expired);
	while (!list_empty(&expired)) {
		t = list_first_entry(&expired, struct timer_list, entry);
		list_del_init(&t->entry);
		t->pending = 0;
		running_timer = t;
		spin_unlock(&timer_lock);
		t->function(t);
		spin_lock(&timer_lock);
		running_timer = NULL;
	}
	spin_unlock(&timer_lock);
}

/* del_timer, then wait until its callback (if running) has returned:
 * needed before the timer's memory (often a stack frame) goes away. */
int del_timer_sync(struct timer_list *t)
{
	for (;;) {
		spin_lock(&timer_lock);
		if (READ_ONCE(running_timer) != t)
			break;
		spin_unlock(&timer_lock);
		cpu_relax();
	}
	int was = t->pending;
	if (was) {
		list_del_init(&t->entry);
		t->pending = 0;
	}
	spin_unlock(&timer_lock);
	return was;
}

void tick_nohz_idle_enter(void)
{
	if (smp_processor_id() == 0)
		return;
	if (machine.sstc)
		csr_write(0x14d, ~0UL);		/* stimecmp: never */
	else
		sbi_set_timer(~0ULL);
}

void tick_nohz_idle_exit(void)
{
	if (smp_processor_id() != 0)
		set_next_event();
}

/* regs: the interrupted context (user or kernel mode: whose time). */
void timer_interrupt(struct pt_regs *regs)
{
	set_next_event();
	if (smp_processor_id() == 0) {
		jiffies++;
		run_timers();
		calc_global_load();
	}
	account_process_tick(current, user_mode(regs));
	scheduler_tick();
}

struct sleeper {
	struct timer_list timer;
	struct task_struct *task;
};

static void wake_sleeper(struct timer_list *t)
{
	wake_up_process(container_of(t, struct sleeper, timer)->task);
}

/* Sleeps (in the state the caller set) for up to `ticks`; returns the
 * ticks left when woken early, 0 on timeout. */
long schedule_timeout(long ticks)
{
	struct sleeper s;
	if (ticks < 0) {
		schedule();
		return ticks;
	}
	u64 expire = jiffies + ticks;
	timer_setup(&s.timer, wake_sleeper);
	s.timer.expires = expire;
	s.task = current;
	add_timer(&s.timer);
	schedule();
	del_timer_sync(&s.timer);
	s64 left = expire - jiffies;
	return left > 0 ? left : 0;
}

void msleep(unsigned int ms)
{
	long t = (ms * HZ + 999) / 1000 + 1;
	while (t > 0) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		t = schedule_timeout(t);
	}
}

void timer_init_cpu(void)
{
	set_next_event();
	csr_set(sie, SIE_STIE | SIE_SSIE | SIE_SEIE);
}

void time_init(void)
{
	tick_cycles = machine.timebase / HZ;
	printk("timer: %lu Hz timebase, %s\n", machine.timebase,
	       machine.sstc ? "Sstc" : "SBI");
}
