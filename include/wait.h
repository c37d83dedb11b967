/* wait.h: wait queues and completions, as in Linux. A waiter queues
 * itself under wq->lock, sets its state, re-checks the condition and
 * sleeps; wake_up takes wq->lock and wakes every queued task (no
 * exclusive waiters). Lock order: wq->lock before the run-queue lock. */
#ifndef _WAIT_H
#define _WAIT_H
#include <list.h>
#include <spinlock.h>

struct task_struct;
typedef struct wait_queue_entry {
	struct task_struct *task;
	struct list_head entry;
	/* If set, wake_up calls it (wq->lock held) instead of waking task:
	 * poll and select note which of many queues fired (fs/select.c). */
	void (*func)(struct wait_queue_entry *w);
} wait_queue_entry_t;

typedef struct wait_queue_head {
	spinlock_t lock;
	struct list_head head;
} wait_queue_head_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(n) { __SPIN_LOCK_UNLOCKED(n.lock), LIST_HEAD_INIT(n.head) }
#define DECLARE_WAIT_QUEUE_HEAD(n) wait_queue_head_t n = __WAIT_QUEUE_HEAD_INITIALIZER(n)

void init_waitqueue_head(wait_queue_head_t *wq);
void prepare_to_wait(wait_queue_head_t *wq, wait_queue_entry_t *w, long state);
void finish_wait(wait_queue_head_t *wq, wait_queue_entry_t *w);
void wake_up(wait_queue_head_t *wq);
#define wake_up_all(wq) wake_up(wq)
#define wake_up_interruptible(wq) wake_up(wq)
int signal_pending_current(void);
void schedule(void);
long schedule_timeout(long ticks);

#define DEFINE_WAIT(n) wait_queue_entry_t n = { .task = NULL, .entry = LIST_HEAD_INIT(n.entry), .func = NULL }
/* Queue w (whose task and func the caller set) on wq without sleeping. */
void add_wait_queue(wait_queue_head_t *wq, wait_queue_entry_t *w);
void remove_wait_queue(wait_queue_head_t *wq, wait_queue_entry_t *w);

/* Sleep until cond is true. Uninterruptible. */
#define wait_event(wq, cond) do {					\
	DEFINE_WAIT(__w);						\
	for (;;) {							\
		prepare_to_wait(&(wq), &__w, TASK_UNINTERRUPTIBLE);	\
		if (cond) break;					\
		schedule();						\
	}								\
	finish_wait(&(wq), &__w);					\
} while (0)

/* Sleep until cond is true or a signal is pending: 0 or -ERESTARTSYS. */
#define wait_event_interruptible(wq, cond) ({				\
	int __ret = 0;							\
	DEFINE_WAIT(__w);						\
	for (;;) {							\
		prepare_to_wait(&(wq), &__w, TASK_INTERRUPTIBLE);	\
		if (cond) break;					\
		if (signal_pending_current()) { __ret = -ERESTARTSYS; break; } \
		schedule();						\
	}								\
	finish_wait(&(wq), &__w);					\
	__ret; })

/* As above, but wq's condition is protected by spinlock lk, held on
 * entry and exit and dropped while sleeping. */
#define wait_event_interruptible_locked(wq, cond, lk) ({		\
	int __ret = 0;							\
	DEFINE_WAIT(__w);						\
	for (;;) {							\
		prepare_to_wait(&(wq), &__w, TASK_INTERRUPTIBLE);	\
		if (cond) break;					\
		if (signal_pending_current()) { __ret = -ERESTARTSYS; break; } \
		spin_unlock(lk);					\
		schedule();						\
		spin_lock(lk);						\
	}								\
	finish_wait(&(wq), &__w);					\
	__ret; })

struct completion {
	unsigned int done;
	wait_queue_head_t wait;
};
void init_completion(struct completion *c);
void complete(struct completion *c);
void complete_all(struct completion *c);
void wait_for_completion(struct completion *c);

#endif
