/* select.c: ppoll(2) and pselect6(2) (riscv64 has no poll or select: libc
 * builds them on these). Each pass asks every file's ->poll for the
 * events ready now; on the first pass each file also registers the
 * caller on the wait queues whose wakeups may change that answer
 * (poll_wait: an entry in a poll_wqueues table, holding a reference on
 * the file so the queue outlives the wait). If nothing is ready the
 * caller sleeps until an entry fires (pollwake sets `triggered` and
 * wakes it), a signal arrives or the timeout passes, then scans again.
 * Setting `triggered` under the queue's lock before waking closes the
 * window between a scan that found nothing and the sleep.
 * Locks: each queue's lock while adding or removing an entry (pollwake
 * runs under it); no lock is held across ->poll or while sleeping. The
 * optional signal mask is installed for the wait and restored after a
 * signal's handler runs (restore_sigmask), as Linux does. */
#include <fs.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <slab.h>
#include <timer.h>
#include <uaccess.h>

#define POLL_TABLE_MAX 64	/* entries per page of the table */
#define NSEC_PER_SEC 1000000000UL

struct poll_table_entry {
	wait_queue_entry_t wait;
	wait_queue_head_t *wq;
	struct file *file;	/* referenced while queued */
	struct poll_wqueues *pwq;
};

struct poll_table_struct {
	int unused;
};

/* Everything one poll or select call has registered. */
struct poll_wqueues {
	poll_table pt;		/* given to ->poll on the first pass only */
	struct task_struct *task;
	int triggered;		/* an entry fired since the last scan */
	int error;		/* -ENOMEM: an entry could not be made */
	struct poll_table_page {
		struct poll_table_page *next;
		int n;
		struct poll_table_entry entries[POLL_TABLE_MAX];
	} *pages;
};

static void pollwake(wait_queue_entry_t *w)
{
	struct poll_table_entry *e = container_of(w, struct poll_table_entry, wait);

	WRITE_ONCE(e->pwq->triggered, 1);
	wake_up_process(e->pwq->task);
}

void poll_wait(struct file *f, wait_queue_head_t *wq, poll_table *pt)
{
	struct poll_wqueues *pwq;
	struct poll_table_page *pg;
	struct poll_table_entry *e;

	if (!pt || !wq)
		return;
	pwq = container_of(pt, struct poll_wqueues, pt);
	pg = pwq->pages;
	if (!pg || pg->n == POLL_TABLE_MAX) {
		if (!(pg = kzalloc(sizeof(*pg), GFP_KERNEL))) {
			pwq->error = -ENOMEM;
			return;
		}
		pg->next = pwq->pages;
		pwq->pages = pg;
	}
	e = &pg->entries[pg->n++];
	e->wq = wq;
	e->file = get_file(f);
	e->pwq = pwq;
	e->wait.task = current;
	e->wait.func = pollwake;
	INIT_LIST_HEAD(&e->wait.entry);
	add_wait_queue(wq, &e->wait);
}

static void poll_freewait(struct poll_wqueues *pwq)
{
	struct poll_table_page *pg, *next;

	for (pg = pwq->pages; pg; pg = next) {
		for (int i = 0; i < pg->n; i++) {
			remove_wait_queue(pg->entries[i].wq, &pg->entries[i].wait);
			fput(pg->entries[i].file);
		}
		next = pg->next;
		kfree(pg);
	}
}

__poll_t vfs_poll(struct file *f, poll_table *pt)
{
	if (!f->f_op || !f->f_op->poll)
		return DEFAULT_POLLMASK;
	return f->f_op->poll(f, pt);
}

/* Sleep until an entry fires, a signal comes or the deadline (ns; ~0:
 * none) passes; 0 once the deadline has passed. */
static int poll_schedule(struct poll_wqueues *pwq, u64 deadline)
{
	u64 now, tick = NSEC_PER_SEC / HZ;

	set_current_state(TASK_INTERRUPTIBLE);
	if (!READ_ONCE(pwq->triggered) && !signal_pending(current)) {
		if (deadline == ~0UL)
			schedule();
		else if ((now = ktime_get_ns()) < deadline)
			schedule_timeout((deadline - now + tick - 1) / tick);
	}
	set_current_state(TASK_RUNNING);
	WRITE_ONCE(pwq->triggered, 0);
	return deadline == ~0UL || ktime_get_ns() < deadline;
}

/* ---- the timeout and the signal mask ---- */

struct timespec64 { long tv_sec, tv_nsec; };

/* A relative timeout as an absolute deadline (~0: none; 0: don't wait). */
static int get_deadline(const struct timespec64 __user *uts, u64 *deadline)
{
	struct timespec64 ts;

	*deadline = ~0UL;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	*deadline = ts.tv_sec > 1000000000L ? ~0UL - 1 :
		    ktime_get_ns() + ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	return 0;
}

/* Write back what is left of the timeout (Linux does; a bad address is
 * ignored there too). */
static void put_remaining(struct timespec64 __user *uts, u64 deadline)
{
	u64 now = ktime_get_ns(), left = deadline > now ? deadline - now : 0;
	struct timespec64 ts = { left / NSEC_PER_SEC, left % NSEC_PER_SEC };

	if (uts && deadline != ~0UL && deadline != ~0UL - 1)
		(void)copy_to_user(uts, &ts, sizeof(ts));
}

static int set_user_sigmask(const sigset_t __user *umask, size_t size)
{
	sigset_t m;

	if (!umask)
		return 0;
	if (size != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&m, umask, sizeof(m)))
		return -EFAULT;
	current->saved_sigmask = current->blocked;
	current->restore_sigmask = 1;
	set_current_blocked(m & ~SIG_KERNEL_ONLY_MASK);
	return 0;
}

/* Interrupted by a signal: keep the mask until its handler has run;
 * otherwise put the caller's mask back now. */
static long finish_sigmask(long ret)
{
	if (current->restore_sigmask && ret != -ERESTARTNOHAND) {
		current->restore_sigmask = 0;
		set_current_blocked(current->saved_sigmask);
	}
	return ret;
}

/* ---- ppoll ---- */

struct pollfd {
	int fd;
	short events, revents;
};

static __poll_t do_pollfd(struct pollfd *p, poll_table *pt)
{
	struct file *f;
	__poll_t mask;

	if (p->fd < 0)
		return p->revents = 0;
	if (!(f = fget(p->fd)))
		return p->revents = POLLNVAL;
	mask = vfs_poll(f, pt) & ((unsigned short)p->events | POLLERR | POLLHUP);
	fput(f);
	return p->revents = mask;
}

/* The end of one scan of poll or select that found count ready: 1 when
 * the call is over (something ready, the deadline passed, an error, or a
 * signal: *count becomes -ERESTARTNOHAND), else 0 after sleeping until a
 * wakeup or the deadline; then the caller scans once more without
 * registering on the wait queues again. */
static int poll_done_or_wait(struct poll_wqueues *pwq, long *count, int *timed_out,
			     u64 deadline)
{
	if (*count || *timed_out || pwq->error)
		return 1;
	if (signal_pending(current)) {
		*count = -ERESTARTNOHAND;
		return 1;
	}
	*timed_out = !poll_schedule(pwq, deadline);
	return 0;
}

static long do_poll(struct pollfd *fds, unsigned int nfds, u64 deadline)
{
	struct poll_wqueues pwq = { .task = current };
	poll_table *pt = deadline ? &pwq.pt : NULL;	/* zero timeout: no waiting */
	int timed_out = !deadline;
	long count;

	for (;;) {
		count = 0;
		for (unsigned int i = 0; i < nfds; i++)
			if (do_pollfd(&fds[i], pt))
				count++;
		pt = NULL;
		if (poll_done_or_wait(&pwq, &count, &timed_out, deadline))
			break;
	}
	poll_freewait(&pwq);
	return count ? count : pwq.error;
}

long sys_ppoll(struct pollfd __user *ufds, unsigned int nfds,
	       struct timespec64 __user *tsp, const sigset_t __user *sigmask, size_t sigsetsize)
{
	struct pollfd *fds;
	u64 deadline;
	long ret;

	if (nfds > NR_OPEN_MAX)
		return -EINVAL;
	if ((ret = get_deadline(tsp, &deadline)))
		return ret;
	fds = kmalloc(nfds * sizeof(*fds) + 1, GFP_KERNEL);
	if (!fds)
		return -ENOMEM;
	if (copy_from_user(fds, ufds, nfds * sizeof(*fds))) {
		kfree(fds);
		return -EFAULT;
	}
	if ((ret = set_user_sigmask(sigmask, sigsetsize))) {
		kfree(fds);
		return ret;
	}
	ret = do_poll(fds, nfds, deadline);
	for (unsigned int i = 0; i < nfds && ret >= 0; i++)
		if (put_user(fds[i].revents, &ufds[i].revents))
			ret = -EFAULT;
	kfree(fds);
	put_remaining(tsp, deadline);
	return finish_sigmask(ret);
}

/* ---- pselect6 ---- */

#define POLLIN_SET (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET POLLPRI

/* The three sets in and out, one bit per fd, as unsigned longs. */
struct fd_sets {
	unsigned long *in, *out, *ex, *res_in, *res_out, *res_ex;
};

static int do_select(int n, struct fd_sets *s, u64 deadline)
{
	struct poll_wqueues pwq = { .task = current };
	poll_table *pt = deadline ? &pwq.pt : NULL;
	int timed_out = !deadline;
	long count;

	for (;;) {
		count = 0;
		for (int fd = 0; fd < n; fd++) {
			unsigned long bit = 1UL << (fd % 64);
			int w = fd / 64;
			struct file *f;
			__poll_t mask;

			if (!((s->in[w] | s->out[w] | s->ex[w]) & bit))
				continue;
			if (!(f = fget(fd))) {
				count = -EBADF;
				goto out;
			}
			mask = vfs_poll(f, pt);
			fput(f);
			if ((s->in[w] & bit) && (mask & POLLIN_SET) && !(s->res_in[w] & bit)) {
				s->res_in[w] |= bit;
				count++;
			}
			if ((s->out[w] & bit) && (mask & POLLOUT_SET) && !(s->res_out[w] & bit)) {
				s->res_out[w] |= bit;
				count++;
			}
			if ((s->ex[w] & bit) && (mask & POLLEX_SET) && !(s->res_ex[w] & bit)) {
				s->res_ex[w] |= bit;
				count++;
			}
		}
		pt = NULL;
		if (poll_done_or_wait(&pwq, &count, &timed_out, deadline))
			break;
	}
out:
	poll_freewait(&pwq);
	return count ? count : pwq.error;
}

/* pselect6's sixth argument: the mask and its size, by reference. */
struct sigset_argpack {
	const sigset_t __user *p;
	size_t size;
};

long sys_pselect6(int n, unsigned long __user *inp, unsigned long __user *outp,
		  unsigned long __user *exp, struct timespec64 __user *tsp, void __user *sig)
{
	unsigned long __user *user[3] = { inp, outp, exp };
	struct sigset_argpack pack = { NULL, 0 };
	struct fd_sets s;
	unsigned long *bits;
	size_t words, bytes;
	u64 deadline;
	long ret;

	if (n < 0)
		return -EINVAL;
	if (n > NR_OPEN_MAX)
		n = NR_OPEN_MAX;
	words = (n + 63) / 64;
	bytes = words * sizeof(long);
	if ((ret = get_deadline(tsp, &deadline)))
		return ret;
	if (sig && copy_from_user(&pack, sig, sizeof(pack)))
		return -EFAULT;
	if (!(bits = kzalloc(6 * bytes + 1, GFP_KERNEL)))
		return -ENOMEM;
	s = (struct fd_sets){ bits, bits + words, bits + 2 * words, bits + 3 * words,
			      bits + 4 * words, bits + 5 * words };
	for (int i = 0; i < 3; i++)
		if (user[i] && copy_from_user(bits + i * words, user[i], bytes)) {
			kfree(bits);
			return -EFAULT;
		}
	if ((ret = set_user_sigmask(pack.p, pack.size))) {
		kfree(bits);
		return ret;
	}
	ret = do_select(n, &s, deadline);
	for (int i = 0; i < 3 && ret >= 0; i++)
		if (user[i] && copy_to_user(user[i], bits + (3 + i) * words, bytes))
			ret = -EFAULT;
	kfree(bits);
	put_remaining(tsp, deadline);
	return finish_sigmask(ret);
}
