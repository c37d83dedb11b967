/* wait.c: wait queues and completions. prepare_to_wait queues the task
 * and sets its state under wq->lock; wake_up wakes every queued task
 * (or calls its entry's func: poll) under the same lock, so a wakeup
 * between the waiter's condition check and its schedule() only makes
 * schedule() return at once. A completion counts and wakes, and is
 * consumed, under its queue's lock.
 * Lock order: wq->lock, then rq_lock (inside wake_up_process). */
#include <wait.h>
#include <sched.h>

void init_waitqueue_head(wait_queue_head_t *wq)
{
	spin_lock_init(&wq->lock);
	INIT_LIST_HEAD(&wq->head);
}

void prepare_to_wait(wait_queue_head_t *wq, wait_queue_entry_t *w, long state)
{
	w->task = current;
	spin_lock(&wq->lock);
	if (list_empty(&w->entry))
		list_add_tail(&w->entry, &wq->head);
	set_current_state(state);
	spin_unlock(&wq->lock);
}

void finish_wait(wait_queue_head_t *wq, wait_queue_entry_t *w)
{
	set_current_state(TASK_RUNNING);
	spin_lock(&wq->lock);
	if (!list_empty(&w->entry))
		list_del_init(&w->entry);
	spin_unlock(&wq->lock);
}

void wake_up(wait_queue_head_t *wq)
{
	wait_queue_entry_t *w;
	spin_lock(&wq->lock);
	list_for_each_entry(w, &wq->head, entry)
		if (w->func)
			w->func(w);
		else
			wake_up_process(w->task);
	spin_unlock(&wq->lock);
}

void add_wait_queue(wait_queue_head_t *wq, wait_queue_entry_t *w)
{
	spin_lock(&wq->lock);
	list_add_tail(&w->entry, &wq->head);
	spin_unlock(&wq->lock);
}

void remove_wait_queue(wait_queue_head_t *wq, wait_queue_entry_t *w)
{
	spin_lock(&wq->lock);
	list_del_init(&w->entry);
	spin_unlock(&wq->lock);
}

int signal_pending_current(void)
{
	return signal_pending(current);
}

void init_completion(struct completion *c)
{
	c->done = 0;
	init_waitqueue_head(&c->wait);
}

/* Completions (Linux's kernel/sched/completion.c): the count changes and
 * the waiters are woken in one hold of wait.lock, and a waiter consumes
 * under the same lock. Besides taking the lock once, not twice, this is
 * what lets a completion live on the waiter's stack: the waiter cannot
 * see done, return and reuse the frame before complete() has let go of
 * the lock for the last time. */
#define COMPLETE_ALL (~0U / 2)

static void complete_locked(struct completion *c, int all)
{
	wait_queue_entry_t *w;
	spin_lock(&c->wait.lock);
	if (all)
		c->done = COMPLETE_ALL;
	else if (c->done != COMPLETE_ALL)
		c->done++;
	list_for_each_entry(w, &c->wait.head, entry)
		wake_up_process(w->task);
	spin_unlock(&c->wait.lock);
}

void complete(struct completion *c)
{
	complete_locked(c, 0);
}

void complete_all(struct completion *c)
{
	complete_locked(c, 1);
}

void wait_for_completion(struct completion *c)
{
	DEFINE_WAIT(w);
	spin_lock(&c->wait.lock);
	if (!c->done) {
		w.task = current;
		list_add_tail(&w.entry, &c->wait.head);
		do {	/* a complete() after the unlock makes schedule() return */
			set_current_state(TASK_UNINTERRUPTIBLE);
			spin_unlock(&c->wait.lock);
			schedule();
			spin_lock(&c->wait.lock);
		} while (!c->done);
		list_del(&w.entry);
	}
	if (c->done != COMPLETE_ALL)
		c->done--;
	spin_unlock(&c->wait.lock);
}
