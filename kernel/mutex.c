/* mutex.c: sleeping mutexes and reader-writer semaphores.
 * A mutex is Linux's: an owner word changed by compare-and-swap, the
 * wait queue only when contended. A task that finds the mutex held
 * queues itself, sets MUTEX_FLAG_WAITERS and sleeps; an unlock that
 * finds the flag clears the word and wakes the queue, whose tasks retry
 * (no handoff). An rwsem is a count protected by a spinlock, with its
 * waiters on a wait queue, retrying after each wakeup. */
#include <mutex.h>
#include <sched.h>
#include <printk.h>
#include <uapi/errno.h>

void mutex_init(struct mutex *m)
{
	m->owner = 0;
	init_waitqueue_head(&m->wait);
}

static struct task_struct *mutex_owner(struct mutex *m)
{
	return (struct task_struct *)(READ_ONCE(m->owner) & ~MUTEX_FLAG_WAITERS);
}

static bool owner_cmpxchg(struct mutex *m, unsigned long *old, unsigned long new)
{
	return __atomic_compare_exchange_n(&m->owner, old, new, 0,
					   __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
}

int mutex_trylock(struct mutex *m)
{
	unsigned long old = READ_ONCE(m->owner);
	while (!(old & ~MUTEX_FLAG_WAITERS))	/* free (a flag stays for unlock) */
		if (owner_cmpxchg(m, &old, (unsigned long)current | old))
			return 1;
	return 0;
}

/* Contended: queue first, then flag, then sleep, so that the unlock
 * that sees the flag finds this task on the queue. */
static int mutex_lock_slow(struct mutex *m, long state)
{
	DEFINE_WAIT(w);
	int ret = 0;
	for (;;) {
		prepare_to_wait(&m->wait, &w, state);
		unsigned long old = READ_ONCE(m->owner);
		if (!(old & ~MUTEX_FLAG_WAITERS)) {
			if (owner_cmpxchg(m, &old, (unsigned long)current | old))
				break;
			continue;
		}
		if (!(old & MUTEX_FLAG_WAITERS) &&
		    !owner_cmpxchg(m, &old, old | MUTEX_FLAG_WAITERS))
			continue;	/* changed meanwhile: look again */
		if (state == TASK_INTERRUPTIBLE && signal_pending_current()) {
			ret = -EINTR;
			break;
		}
		schedule();
	}
	finish_wait(&m->wait, &w);
	return ret;
}

void mutex_lock(struct mutex *m)
{
	unsigned long free = 0;
	if (WARN_ON_ONCE(mutex_owner(m) == current))
		return;
	if (!owner_cmpxchg(m, &free, (unsigned long)current))
		mutex_lock_slow(m, TASK_UNINTERRUPTIBLE);
}

int mutex_lock_interruptible(struct mutex *m)
{
	unsigned long free = 0;
	if (owner_cmpxchg(m, &free, (unsigned long)current))
		return 0;
	return mutex_lock_slow(m, TASK_INTERRUPTIBLE);
}

void mutex_unlock(struct mutex *m)
{
	unsigned long mine = (unsigned long)current;
	WARN_ON_ONCE(mutex_owner(m) != current);
	if (owner_cmpxchg(m, &mine, 0))
		return;		/* nobody waits */
	__atomic_store_n(&m->owner, 0, __ATOMIC_SEQ_CST);
	wake_up(&m->wait);
}

int mutex_is_locked(struct mutex *m)
{
	return mutex_owner(m) != NULL;
}

void init_rwsem(struct rw_semaphore *s)
{
	spin_lock_init(&s->lock);
	s->count = 0;
	s->writers_waiting = 0;
	init_waitqueue_head(&s->wait);
}

static int try_read(struct rw_semaphore *s)
{
	int ok = 0;
	spin_lock(&s->lock);
	if (s->count >= 0 && !s->writers_waiting) {
		s->count++;
		ok = 1;
	}
	spin_unlock(&s->lock);
	return ok;
}

static int try_write(struct rw_semaphore *s)
{
	int ok = 0;
	spin_lock(&s->lock);
	if (s->count == 0) {
		s->count = -1;
		ok = 1;
	}
	spin_unlock(&s->lock);
	return ok;
}

void down_read(struct rw_semaphore *s)
{
	wait_event(s->wait, try_read(s));
}

int down_read_trylock(struct rw_semaphore *s)
{
	return try_read(s);
}

void up_read(struct rw_semaphore *s)
{
	spin_lock(&s->lock);
	int wake = --s->count == 0;
	spin_unlock(&s->lock);
	if (wake)
		wake_up(&s->wait);
}

void down_write(struct rw_semaphore *s)
{
	spin_lock(&s->lock);
	s->writers_waiting++;
	spin_unlock(&s->lock);
	wait_event(s->wait, try_write(s));
	spin_lock(&s->lock);
	s->writers_waiting--;
	spin_unlock(&s->lock);
}

void up_write(struct rw_semaphore *s)
{
	spin_lock(&s->lock);
	s->count = 0;
	spin_unlock(&s->lock);
	wake_up(&s->wait);
}

void downgrade_write(struct rw_semaphore *s)
{
	spin_lock(&s->lock);
	s->count = 1;
	spin_unlock(&s->lock);
	wake_up(&s->wait);
}
