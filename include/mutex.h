/* mutex.h: sleeping locks. A mutex or rwsem may only be taken by a task
 * that can sleep (not in interrupt context, no spinlock held). */
#ifndef _MUTEX_H
#define _MUTEX_H
#include <wait.h>

/* owner: the holding task, or 0, with MUTEX_FLAG_WAITERS set by a task
 * about to sleep on the mutex (Linux's scheme): taking a free mutex and
 * releasing one that nobody waits for are one compare-and-swap each. */
struct mutex {
	unsigned long owner;
	wait_queue_head_t wait;
};
#define MUTEX_FLAG_WAITERS 1UL
#define DEFINE_MUTEX(n) struct mutex n = { 0, __WAIT_QUEUE_HEAD_INITIALIZER(n.wait) }
void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
int mutex_lock_interruptible(struct mutex *m);	/* 0 or -EINTR */
int mutex_trylock(struct mutex *m);		/* 1 if taken */
void mutex_unlock(struct mutex *m);
int mutex_is_locked(struct mutex *m);

/* Reader-writer semaphore; writers are preferred once waiting. */
struct rw_semaphore {
	spinlock_t lock;
	int count;		/* >0 readers, -1 writer, 0 free */
	int writers_waiting;
	wait_queue_head_t wait;
};
void init_rwsem(struct rw_semaphore *s);
void down_read(struct rw_semaphore *s);
int down_read_trylock(struct rw_semaphore *s);	/* 1 if taken */
void up_read(struct rw_semaphore *s);
void down_write(struct rw_semaphore *s);
void up_write(struct rw_semaphore *s);
void downgrade_write(struct rw_semaphore *s);

#endif
