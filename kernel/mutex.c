/* mutex.c: sleeping mutexes and reader-writer semaphores built on wait
 * queues. The state word is protected by a spinlock; waiters sleep on
 * the wait queue and retry after each wakeup (no handoff). */
#include <mutex.h>
#include <sched.h>
#include <printk.h>
#include <uapi/errno.h>

void mutex_init(struct mutex *m)
{
	spin_lock_init(&m->wait_lock);
	m->owner = NULL;
	init_waitqueue_head(&m->wait);
}

int mutex_trylock(struct mutex *m)
{
	int ok = 0;
	spin_lock(&m->wait_lock);
	if (!m->owner) {
		m->owner = current;
		ok = 1;
	}
	spin_unlock(&m->wait_lock);
	return ok;
}

void mutex_lock(struct mutex *m)
{
	if (WARN_ON_ONCE(m->owner == current))
		return;
	wait_event(m->wait, mutex_trylock(m));
}

int mutex_lock_interruptible(struct mutex *m)
{
	return wait_event_interruptible(m->wait, mutex_trylock(m)) ? -EINTR : 0;
}

void mutex_unlock(struct mutex *m)
{
	spin_lock(&m->wait_lock);
	WARN_ON_ONCE(m->owner != current);
	m->owner = NULL;
	spin_unlock(&m->wait_lock);
	wake_up(&m->wait);
}

int mutex_is_locked(struct mutex *m)
{
	return READ_ONCE(m->owner) != NULL;
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
