/* spinlock.c: spinlocks with interrupt disabling (xv6 style). push_off
 * and pop_off nest; interrupts come back on only when the outermost
 * lock is released and they were on before the first. */
#include <spinlock.h>
#include <sched.h>
#include <riscv.h>
#include <printk.h>

void spin_lock_init(spinlock_t *lk)
{
	lk->locked = 0;
	lk->name = "lock";
	lk->cpu = NULL;
}

void push_off(void)
{
	unsigned long old = local_irq_save();
	struct cpu *c = this_cpu();
	if (c->noff == 0)
		c->intena = old ? 1 : 0;
	c->noff++;
}

void pop_off(void)
{
	struct cpu *c = this_cpu();
	if (WARN_ON_ONCE(c->noff < 1))
		return;
	c->noff--;
	if (c->noff == 0 && c->intena)
		local_irq_enable();
}

int spin_is_locked_by_me(spinlock_t *lk)
{
	return READ_ONCE(lk->locked) && lk->cpu == this_cpu();
}

void spin_lock(spinlock_t *lk)
{
	push_off();
	if (unlikely(spin_is_locked_by_me(lk)))
		panic("spin_lock: recursive lock %s", lk->name);
	while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE)) {
		while (READ_ONCE(lk->locked))
			cpu_relax();
	}
	lk->cpu = this_cpu();
}

int spin_trylock(spinlock_t *lk)
{
	push_off();
	if (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE)) {
		pop_off();
		return 0;
	}
	lk->cpu = this_cpu();
	return 1;
}

void spin_unlock(spinlock_t *lk)
{
	lk->cpu = NULL;
	__atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
	pop_off();
}
