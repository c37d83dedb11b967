/* wait.c: wait queues and completions. prepare_to_wait queues the task
 * and sets its state under wq->lock; wake_up wakes every queued task
 * under the same lock, so a wakeup between the waiter's condition check
 * and its schedule() only makes schedule() return at once.
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
		wake_up_process(w->task);
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

void complete(struct completion *c)
{
	spin_lock(&c->wait.lock);
	c->done++;
	spin_unlock(&c->wait.lock);
	wake_up(&c->wait);
}

void complete_all(struct completion *c)
{
	spin_lock(&c->wait.lock);
	c->done = ~0U / 2;
	spin_unlock(&c->wait.lock);
	wake_up(&c->wait);
}

static int try_consume(struct completion *c)
{
	int ok = 0;
	spin_lock(&c->wait.lock);
	if (c->done) {
		c->done--;
		ok = 1;
	}
	spin_unlock(&c->wait.lock);
	return ok;
}

void wait_for_completion(struct completion *c)
{
	wait_event(c->wait, try_consume(c));
}
