/* spinlock.h: spinning locks. spin_lock disables interrupts on this hart
 * (xv6 push_off/pop_off nesting), so a lock may be taken in interrupt
 * context and by tasks alike. Holders must not sleep. */
#ifndef _SPINLOCK_H
#define _SPINLOCK_H
#include <types.h>
#include <compiler.h>

struct cpu;
typedef struct spinlock {
	u32 locked;
	const char *name;
	struct cpu *cpu;	/* holder, for debugging and holding() */
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(n) { .locked = 0, .name = #n, .cpu = NULL }
#define DEFINE_SPINLOCK(n) spinlock_t n = __SPIN_LOCK_UNLOCKED(n)

void spin_lock_init(spinlock_t *lk);
void spin_lock(spinlock_t *lk);
void spin_unlock(spinlock_t *lk);
int spin_trylock(spinlock_t *lk);
int spin_is_locked_by_me(spinlock_t *lk);
void push_off(void);
void pop_off(void);
/* Interrupts are always disabled while a spinlock is held; these exist
 * so code reads like Linux. */
#define spin_lock_irqsave(lk, flags) do { (flags) = 0; spin_lock(lk); } while (0)
#define spin_unlock_irqrestore(lk, flags) do { (void)(flags); spin_unlock(lk); } while (0)
#define spin_lock_irq(lk) spin_lock(lk)
#define spin_unlock_irq(lk) spin_unlock(lk)
#define assert_spin_locked(lk) BUG_ON(!spin_is_locked_by_me(lk))

#endif
