/* kthread.c: kernel threads. As in Linux, every kernel thread is made by
 * kthreadd (pid 2), so it starts with no user memory, no files, no fs
 * context and every signal ignored, whoever asked for it (a disk probed
 * by pid 1, a mount(2) by any process). kthread_create queues a request,
 * wakes kthreadd and waits until the new thread has named itself; the
 * thread then runs its function at once (no separate wake-up step).
 * A kernel thread's function never returns here (the flushers loop for
 * ever); if one did, the thread would exit and stay a zombie of kthreadd.
 * Locks: kthread_create_lock (spinlock, leaf) guards the request list.
 * Callers of kthread_create may sleep and hold no spinlock. */
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <printk.h>
#include <uapi/signal.h>
#include <uapi/errno.h>

struct kthread_create_info {
	int (*threadfn)(void *data);
	void *data;
	char comm[TASK_COMM_LEN];
	struct task_struct *result;	/* or NULL if the fork failed */
	struct completion done;
	struct list_head list;
};

static LIST_HEAD(kthread_create_list);
static DEFINE_SPINLOCK(kthread_create_lock);
static struct task_struct *kthreadd_task;
static DECLARE_WAIT_QUEUE_HEAD(kthreadd_wait);

/* The first code of every kernel thread: take the name, tell the
 * creator who we are (after which `create` may be gone), run. */
static int kthread(void *_create)
{
	struct kthread_create_info *create = _create;
	int (*threadfn)(void *) = create->threadfn;
	void *data = create->data;

	strlcpy(current->comm, create->comm, sizeof(current->comm));
	create->result = current;
	complete(&create->done);
	do_exit(threadfn(data));
}

/* A new kernel thread running fn(data), named name; the task or
 * ERR_PTR(-ENOMEM). Sleeps until the thread exists. */
struct task_struct *kthread_create(int (*fn)(void *), void *data, const char *name)
{
	struct kthread_create_info create = { .threadfn = fn, .data = data };

	strlcpy(create.comm, name, sizeof(create.comm));
	init_completion(&create.done);
	INIT_LIST_HEAD(&create.list);
	spin_lock(&kthread_create_lock);
	list_add_tail(&create.list, &kthread_create_list);
	spin_unlock(&kthread_create_lock);
	wake_up(&kthreadd_wait);
	wait_for_completion(&create.done);
	return create.result ? create.result : ERR_PTR(-ENOMEM);
}

static struct kthread_create_info *next_request(void)
{
	struct kthread_create_info *c = NULL;

	spin_lock(&kthread_create_lock);
	if (!list_empty(&kthread_create_list)) {
		c = list_first_entry(&kthread_create_list, struct kthread_create_info, list);
		list_del_init(&c->list);
	}
	spin_unlock(&kthread_create_lock);
	return c;
}

static int has_requests(void)
{
	int r;

	spin_lock(&kthread_create_lock);
	r = !list_empty(&kthread_create_list);
	spin_unlock(&kthread_create_lock);
	return r;
}

/* Linux's ignore_signals: SIG_IGN for every signal, SIGKILL included, so
 * kill(-1, SIGKILL) passes kernel threads by (sig_ignored). */
static void ignore_signals(struct task_struct *t)
{
	spin_lock(&t->sighand->siglock);
	for (int i = 0; i < _NSIG; i++)
		t->sighand->action[i].sa.sa_handler = SIG_IGN;
	spin_unlock(&t->sighand->siglock);
}

/* pid 2: forks the requested threads (children inherit its empty
 * context and its ignored signals). */
int kthreadd(void *done)
{
	struct kthread_create_info *c;

	strlcpy(current->comm, "kthreadd", sizeof(current->comm));
	ignore_signals(current);
	kthreadd_task = current;
	complete(done);
	for (;;) {
		wait_event(kthreadd_wait, has_requests());
		while ((c = next_request())) {
			if (kernel_thread(kthread, c, 0) < 0) {
				c->result = NULL;
				complete(&c->done);
			}
		}
	}
}
