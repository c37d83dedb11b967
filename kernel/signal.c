/* signal.c: sending, blocking, dequeuing and default actions of signals,
 * job control (stopping and continuing a process: prepare_signal,
 * do_signal_stop), and the rt_sig* / kill syscalls. The architecture part (the frame on
 * the user stack) is arch/riscv/signal.c.
 * Lock: sighand->siglock protects handlers and all pending/blocked sets
 * of the group; taken inside tasklist_lock when both are needed. */
#include <signal.h>
#include <sched.h>
#include <uaccess.h>
#include <printk.h>
#include <string.h>
#include <slab.h>
#include <ptrace.h>
#include <uapi/errno.h>

static struct kmem_cache *sigqueue_cache, *sighand_cache, *signal_cache;

/* Default actions: ignore these; stop for SIG_KERNEL_STOP_MASK (SIGCONT's
 * "continue" happens when it is sent: prepare_signal); terminate for
 * the rest. */
#define SIG_DEFAULT_IGNORE (sigmask(SIGCHLD) | sigmask(SIGURG) | sigmask(SIGWINCH) | \
	sigmask(SIGCONT))

struct sighand_struct *sighand_alloc(void)
{
	struct sighand_struct *s = kmem_cache_zalloc(sighand_cache, GFP_KERNEL);
	if (s) {
		atomic_set(&s->count, 1);
		spin_lock_init(&s->siglock);
	}
	return s;
}

void put_sighand(struct sighand_struct *s)
{
	if (atomic_dec_and_test(&s->count))
		kmem_cache_free(sighand_cache, s);
}

struct signal_struct *signal_alloc(void)
{
	struct signal_struct *s = kmem_cache_zalloc(signal_cache, GFP_KERNEL);
	if (!s)
		return NULL;
	atomic_set(&s->count, 1);
	INIT_LIST_HEAD(&s->thread_head);
	INIT_LIST_HEAD(&s->shared_pending.list);
	init_waitqueue_head(&s->wait_chldexit);
	for (int i = 0; i < RLIM_NLIMITS; i++)
		s->rlim[i] = (struct rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	s->rlim[RLIMIT_STACK].rlim_cur = 8UL << 20;
	s->rlim[RLIMIT_NOFILE] = (struct rlimit){ 1024, 4096 };
	return s;
}

void put_signal_struct(struct signal_struct *s)
{
	if (atomic_dec_and_test(&s->count)) {
		flush_sigqueue(&s->shared_pending);
		kmem_cache_free(signal_cache, s);
	}
}

void flush_sigqueue(struct sigpending *p)
{
	struct sigqueue *q, *n;
	list_for_each_entry_safe(q, n, &p->list, list) {
		list_del(&q->list);
		kmem_cache_free(sigqueue_cache, q);
	}
	p->signal = 0;
}

static void *handler_of(struct task_struct *t, int sig)
{
	return t->sighand->action[sig - 1].sa.sa_handler;
}

/* Is sig dropped at once? A blocked one is kept: its handler may change
 * before it is unblocked (and rt_sigtimedwait, which unblocks its set for
 * the wait, remembers the mask in real_blocked). Init (SIGNAL_UNKILLABLE)
 * gets no signal whose action is the default one, SIGKILL included, as
 * Linux's sig_task_ignored; force_sig_fault clears the flag for a fault
 * of init's own, which must not loop. */
static int sig_ignored(struct task_struct *t, int sig)
{
	void *h = handler_of(t, sig);
	if ((t->blocked | t->real_blocked) & sigmask(sig))
		return 0;
	if (h == SIG_DFL && (t->signal->flags & SIGNAL_UNKILLABLE))
		return 1;
	return h == SIG_IGN || (h == SIG_DFL && (sigmask(sig) & SIG_DEFAULT_IGNORE));
}

/* Does t need to look at its signals? siglock held. */
static int wants_signal(struct task_struct *t)
{
	sigset_t p = (t->pending.signal | t->signal->shared_pending.signal) & ~t->blocked;
	return p || (t->signal->flags & SIGNAL_GROUP_EXIT) || (t->jobctl & JOBCTL_STOP_PENDING);
}

/* fatal (SIGKILL) also wakes a stopped task. Uninterruptible waits
 * finish first: there are no killable sleeps yet. */
static void signal_wake_up(struct task_struct *t, int fatal)
{
	set_tsk_thread_flag(t, TIF_SIGPENDING);
	if (!wake_up_state(t, TASK_INTERRUPTIBLE | (fatal ? TASK_STOPPED : 0)))
		kick_process(t);	/* running elsewhere: make it look now */
}

void recalc_sigpending(void)
{
	struct task_struct *t = current;
	spin_lock(&t->sighand->siglock);
	if (wants_signal(t))
		set_tsk_thread_flag(t, TIF_SIGPENDING);
	else
		clear_tsk_thread_flag(t, TIF_SIGPENDING);
	spin_unlock(&t->sighand->siglock);
}

int fatal_signal_pending(struct task_struct *t)
{
	return signal_pending(t) && ((t->pending.signal & sigmask(SIGKILL)) ||
				     (t->signal->flags & SIGNAL_GROUP_EXIT));
}

/* Kill every other thread of t's group. siglock held. */
void zap_other_threads(struct task_struct *t)
{
	struct task_struct *o;
	list_for_each_entry(o, &t->signal->thread_head, thread_node) {
		if (o == t)
			continue;
		o->pending.signal |= sigmask(SIGKILL);
		signal_wake_up(o, 1);
	}
}

/* Drop the signals in mask from p. siglock held. */
static void flush_sigmask(struct sigpending *p, sigset_t mask)
{
	struct sigqueue *q, *n;

	if (!(p->signal & mask))
		return;
	list_for_each_entry_safe(q, n, &p->list, list)
		if (sigmask(q->info.si_signo) & mask) {
			list_del(&q->list);
			kmem_cache_free(sigqueue_cache, q);
		}
	p->signal &= ~mask;
}

/* Job control happens when a signal is sent, before it is queued (or
 * ignored): a stop signal cancels a pending SIGCONT, and SIGCONT cancels
 * pending stop signals and resumes a stopped or stopping group, whose
 * parent hears of it from the first thread to run (get_signal). siglock
 * held. */
static void prepare_signal(int sig, struct task_struct *p)
{
	struct signal_struct *s = p->signal;
	struct task_struct *t;
	sigset_t drop = sig == SIGCONT ? SIG_KERNEL_STOP_MASK : sigmask(SIGCONT);

	if (sig != SIGCONT && !(sigmask(sig) & SIG_KERNEL_STOP_MASK))
		return;
	flush_sigmask(&s->shared_pending, drop);
	list_for_each_entry(t, &s->thread_head, thread_node)
		flush_sigmask(&t->pending, drop);
	if (sig != SIGCONT)
		return;
	if (s->flags & SIGNAL_STOP_STOPPED)
		s->flags |= SIGNAL_STOP_CONTINUED | SIGNAL_CLD_CONTINUED;
	s->flags &= ~SIGNAL_STOP_STOPPED;
	s->group_stop_count = 0;
	s->group_stop_sig = 0;
	list_for_each_entry(t, &s->thread_head, thread_node) {
		t->jobctl &= ~JOBCTL_STOP_PENDING;
		wake_up_state(t, TASK_STOPPED);
	}
}

/* Queues sig for t (group = to the whole process). siglock held. */
static int __send_signal(int sig, uapi_siginfo_t *info, struct task_struct *t, int group)
{
	struct sigpending *p = group ? &t->signal->shared_pending : &t->pending;
	if (t->signal->flags & SIGNAL_GROUP_EXIT)
		return 0;
	prepare_signal(sig, t);
	if (sig_ignored(t, sig))
		return 0;
	if (sig == SIGKILL) {	/* never init's: sig_ignored dropped it */
		t->signal->flags |= SIGNAL_GROUP_EXIT;
		t->signal->group_exit_code = SIGKILL;
		t->pending.signal |= sigmask(SIGKILL);
		signal_wake_up(t, 1);
		zap_other_threads(t);
		return 0;
	}
	if (!(p->signal & sigmask(sig)) || sig >= SIGRTMIN) {
		struct sigqueue *q = kmem_cache_alloc(sigqueue_cache, GFP_ATOMIC);
		if (q) {
			q->info = *info;
			list_add_tail(&q->list, &p->list);
		}
	}
	p->signal |= sigmask(sig);
	/* Wake a thread that does not block it, t first. */
	struct task_struct *w = t;
	if (group && (t->blocked & sigmask(sig))) {
		struct task_struct *o;
		list_for_each_entry(o, &t->signal->thread_head, thread_node)
			if (!(o->blocked & sigmask(sig))) {
				w = o;
				break;
			}
	}
	if (!(w->blocked & sigmask(sig)))
		signal_wake_up(w, 0);
	return 0;
}

static int send_signal(int sig, uapi_siginfo_t *info, struct task_struct *t, int group)
{
	if (sig < 1 || sig > _NSIG)
		return -EINVAL;
	if (!t->sighand)	/* exiting */
		return 0;
	spin_lock(&t->sighand->siglock);
	int r = __send_signal(sig, info, t, group);
	spin_unlock(&t->sighand->siglock);
	return r;
}

int send_sig_info(int sig, uapi_siginfo_t *info, struct task_struct *t)
{
	return send_signal(sig, info, t, 1);
}

int send_sig(int sig, struct task_struct *t, int priv)
{
	uapi_siginfo_t info = { .si_signo = sig, .si_code = priv ? SI_KERNEL : SI_USER };
	info.kill.pid = priv ? 0 : current->tgid;
	return send_signal(sig, &info, t, 1);
}

/* A synchronous fault: cannot be blocked or ignored (as Linux's force_sig). */
int force_sig_fault(int sig, int code, unsigned long addr)
{
	struct task_struct *t = current;
	uapi_siginfo_t info = { .si_signo = sig, .si_code = code };
	info.fault.addr = (void *)addr;
	spin_lock(&t->sighand->siglock);
	struct k_sigaction *ka = &t->sighand->action[sig - 1];
	if (ka->sa.sa_handler == SIG_IGN || (t->blocked & sigmask(sig))) {
		ka->sa.sa_handler = SIG_DFL;
		t->blocked &= ~sigmask(sig);
	}
	if (ka->sa.sa_handler == SIG_DFL)	/* even init dies of its faults */
		t->signal->flags &= ~SIGNAL_UNKILLABLE;
	__send_signal(sig, &info, t, 0);
	spin_unlock(&t->sighand->siglock);
	return 0;
}

/* The frame for a handler of sig could not be written: SIGSEGV, with
 * its default action if sig was SIGSEGV itself (as Linux), so that a
 * process whose SIGSEGV handler cannot run dies instead of taking the
 * same signal forever. */
void force_sigsegv(int sig)
{
	struct task_struct *t = current;
	if (sig == SIGSEGV) {
		spin_lock(&t->sighand->siglock);
		t->sighand->action[SIGSEGV - 1].sa.sa_handler = SIG_DFL;
		spin_unlock(&t->sighand->siglock);
	}
	force_sig_fault(SIGSEGV, SI_KERNEL, 0);
}

/* Picks the first deliverable signal from p. siglock held. */
static int dequeue_from(struct sigpending *p, sigset_t blocked, uapi_siginfo_t *info)
{
	sigset_t ready = p->signal & ~blocked;
	if (!ready)
		return 0;
	int sig = __builtin_ctzl(ready) + 1;
	struct sigqueue *q, *found = NULL;
	int more = 0;
	list_for_each_entry(q, &p->list, list) {
		if (q->info.si_signo != sig)
			continue;
		if (found) {
			more = 1;
			break;
		}
		found = q;
	}
	if (found) {
		*info = found->info;
		list_del(&found->list);
		kmem_cache_free(sigqueue_cache, found);
	} else {
		*info = (uapi_siginfo_t){ .si_signo = sig, .si_code = SI_KERNEL };
	}
	if (!more)
		p->signal &= ~sigmask(sig);
	return sig;
}

/* Tell t's parent that its process stopped or continued (why: CLD_*):
 * SIGCHLD unless the parent asked for none (SA_NOCLDSTOP), and a wakeup
 * of its wait4. Takes tasklist_lock, then the parent's siglock. */
static void do_notify_parent_cldstop(struct task_struct *t, int why, int status)
{
	struct task_struct *leader, *parent;
	uapi_siginfo_t info = { .si_signo = SIGCHLD, .si_code = why };

	spin_lock(&tasklist_lock);
	leader = t->group_leader;
	parent = leader->real_parent;
	info.chld.pid = leader->pid;
	info.chld.status = status;
	if (parent && parent->sighand) {
		spin_lock(&parent->sighand->siglock);
		if (!(parent->sighand->action[SIGCHLD - 1].sa.sa_flags & SA_NOCLDSTOP))
			__send_signal(SIGCHLD, &info, parent, 1);
		spin_unlock(&parent->sighand->siglock);
		wake_up(&parent->signal->wait_chldexit);
	}
	spin_unlock(&tasklist_lock);
}

/* siglock held: current takes part in its group's stop; 1 if it was the
 * last thread to stop (the group is stopped: tell the parent). */
static int participate_in_stop(struct signal_struct *s)
{
	current->jobctl &= ~JOBCTL_STOP_PENDING;
	if (--s->group_stop_count > 0)
		return 0;
	s->flags = (s->flags & ~SIGNAL_STOP_CONTINUED) | SIGNAL_STOP_STOPPED;
	return 1;
}

/* A stop signal's default action (signr), or a group stop another
 * thread began (signr 0): stop every thread of the process until
 * SIGCONT or SIGKILL. siglock held on entry, dropped on return. */
static void do_signal_stop(int signr)
{
	struct task_struct *t = current, *o;
	struct signal_struct *s = t->signal;
	int last, code;

	if (!(t->jobctl & JOBCTL_STOP_PENDING)) {	/* begin a group stop */
		s->group_stop_sig = signr;
		s->group_stop_count = 0;
		list_for_each_entry(o, &s->thread_head, thread_node) {
			o->jobctl |= JOBCTL_STOP_PENDING;
			s->group_stop_count++;
			if (o != t)
				signal_wake_up(o, 0);
		}
	}
	last = participate_in_stop(s);
	code = s->group_stop_sig;
	set_current_state(TASK_STOPPED);
	spin_unlock(&t->sighand->siglock);
	if (last)
		do_notify_parent_cldstop(t, CLD_STOPPED, code);
	schedule();	/* until SIGCONT or SIGKILL */
}

/* An exiting thread no longer holds up a group stop. */
void exit_signals(struct task_struct *t)
{
	int last = 0, code = 0;

	spin_lock(&t->sighand->siglock);
	if (t->jobctl & JOBCTL_STOP_PENDING) {
		last = participate_in_stop(t->signal);
		code = t->signal->group_stop_sig;
	}
	spin_unlock(&t->sighand->siglock);
	if (last && !(t->signal->flags & SIGNAL_GROUP_EXIT))
		do_notify_parent_cldstop(t, CLD_STOPPED, code);
}

int signal_ignored_or_blocked(int sig)
{
	struct task_struct *t = current;
	void *h;
	int r;

	spin_lock(&t->sighand->siglock);
	h = handler_of(t, sig);
	r = h == SIG_IGN || (t->blocked & sigmask(sig));
	spin_unlock(&t->sighand->siglock);
	return r;
}

/* Returns the next signal with a handler (filling *ka), performing
 * default actions for the others; 0 if none. May not return (exit). */
int get_signal(uapi_siginfo_t *info, struct k_sigaction *ka)
{
	struct task_struct *t = current;
	struct sighand_struct *sh = t->sighand;
	for (;;) {
		spin_lock(&sh->siglock);
		if (t->signal->flags & SIGNAL_GROUP_EXIT) {
			int code = t->signal->group_exit_code;
			spin_unlock(&sh->siglock);
			do_exit(code);
		}
		if (t->signal->flags & SIGNAL_CLD_CONTINUED) {
			t->signal->flags &= ~SIGNAL_CLD_CONTINUED;
			spin_unlock(&sh->siglock);
			do_notify_parent_cldstop(t, CLD_CONTINUED, SIGCONT);
			continue;
		}
		if (t->jobctl & JOBCTL_STOP_PENDING) {
			do_signal_stop(0);	/* another thread began a group stop */
			continue;
		}
		if (t->signal->group_exit_task && t->signal->group_exit_task != t &&
		    (t->pending.signal & sigmask(SIGKILL))) {
			spin_unlock(&sh->siglock);
			do_exit(SIGKILL);	/* killed by another thread's execve */
		}
		int sig = dequeue_from(&t->pending, t->blocked, info);
		if (!sig)
			sig = dequeue_from(&t->signal->shared_pending, t->blocked, info);
		if (!sig) {
			clear_tsk_thread_flag(t, TIF_SIGPENDING);
			spin_unlock(&sh->siglock);
			return 0;
		}
		*ka = sh->action[sig - 1];
		void *h = ka->sa.sa_handler;
		if (h != SIG_DFL && h != SIG_IGN) {
			if (ka->sa.sa_flags & SA_RESETHAND)
				sh->action[sig - 1].sa.sa_handler = SIG_DFL;
			spin_unlock(&sh->siglock);
			return sig;
		}
		spin_unlock(&sh->siglock);
		if (h == SIG_IGN || (sigmask(sig) & SIG_DEFAULT_IGNORE))
			continue;
		/* init: a default action queued while blocked is dropped */
		if ((t->signal->flags & SIGNAL_UNKILLABLE) && sig != SIGKILL && sig != SIGSTOP)
			continue;
		if (sigmask(sig) & SIG_KERNEL_STOP_MASK) {
			/* the terminal's stops do not stop an orphaned group:
			 * nobody would ever continue it */
			if (sig != SIGSTOP && is_current_pgrp_orphaned())
				continue;
			spin_lock(&sh->siglock);
			do_signal_stop(sig);
			continue;
		}
		do_group_exit(sig);
	}
}

void do_notify_parent(struct task_struct *t, int sig)
{
	struct task_struct *p = t->real_parent;
	uapi_siginfo_t info = { .si_signo = sig, .si_code = CLD_EXITED };
	info.chld.pid = t->pid;
	info.chld.status = t->exit_code;
	if (t->exit_code & 0x7f) {
		info.si_code = CLD_KILLED;
		info.chld.status = t->exit_code & 0x7f;
	} else {
		info.chld.status = (t->exit_code >> 8) & 0xff;
	}
	if (p->sighand)
		send_signal(sig, &info, p, 1);
}

void set_current_blocked(sigset_t set)
{
	struct task_struct *t = current;
	spin_lock(&t->sighand->siglock);
	t->blocked = set & ~SIG_KERNEL_ONLY_MASK;
	if (wants_signal(t))
		set_tsk_thread_flag(t, TIF_SIGPENDING);
	else
		clear_tsk_thread_flag(t, TIF_SIGPENDING);
	spin_unlock(&t->sighand->siglock);
}

void flush_signal_handlers(struct task_struct *t)
{
	spin_lock(&t->sighand->siglock);
	for (int i = 0; i < _NSIG; i++) {
		struct uapi_sigaction *a = &t->sighand->action[i].sa;
		if (a->sa_handler != SIG_IGN)
			a->sa_handler = SIG_DFL;
		a->sa_flags = 0;
		a->sa_mask = 0;
	}
	spin_unlock(&t->sighand->siglock);
}

long sys_rt_sigaction(int sig, const struct uapi_sigaction __user *act,
		      struct uapi_sigaction __user *oact, size_t setsize)
{
	struct uapi_sigaction new, old;
	struct sighand_struct *sh = current->sighand;
	if (setsize != sizeof(sigset_t) || sig < 1 || sig > _NSIG)
		return -EINVAL;
	if (act && copy_from_user(&new, act, sizeof(new)))
		return -EFAULT;
	if (act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	spin_lock(&sh->siglock);
	old = sh->action[sig - 1].sa;
	if (act) {
		new.sa_mask &= ~SIG_KERNEL_ONLY_MASK;
		sh->action[sig - 1].sa = new;
		/* Setting SIG_IGN (or a default-ignore SIG_DFL) discards pending. */
		if (new.sa_handler == SIG_IGN ||
		    (new.sa_handler == SIG_DFL && (sigmask(sig) & SIG_DEFAULT_IGNORE))) {
			struct task_struct *o;
			current->signal->shared_pending.signal &= ~sigmask(sig);
			list_for_each_entry(o, &current->signal->thread_head, thread_node)
				o->pending.signal &= ~sigmask(sig);
		}
	}
	spin_unlock(&sh->siglock);
	if (oact && copy_to_user(oact, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigprocmask(int how, const sigset_t __user *set, sigset_t __user *oset,
			size_t setsize)
{
	sigset_t old = current->blocked, new;
	if (setsize != sizeof(sigset_t))
		return -EINVAL;
	if (set) {
		if (copy_from_user(&new, set, sizeof(new)))
			return -EFAULT;
		if (how == SIG_BLOCK)
			new = old | new;
		else if (how == SIG_UNBLOCK)
			new = old & ~new;
		else if (how != SIG_SETMASK)
			return -EINVAL;
		set_current_blocked(new);
	}
	if (oset && copy_to_user(oset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigpending(sigset_t __user *set, size_t setsize)
{
	if (setsize != sizeof(sigset_t))
		return -EINVAL;
	sigset_t p = (current->pending.signal | current->signal->shared_pending.signal) &
		     current->blocked;
	return copy_to_user(set, &p, sizeof(p)) ? -EFAULT : 0;
}

long sys_rt_sigsuspend(const sigset_t __user *mask, size_t setsize)
{
	sigset_t m;
	if (setsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&m, mask, sizeof(m)))
		return -EFAULT;
	current->saved_sigmask = current->blocked;
	current->restore_sigmask = 1;
	set_current_blocked(m);
	while (!signal_pending(current)) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!signal_pending(current))
			schedule();
		set_current_state(TASK_RUNNING);
	}
	return -ERESTARTNOHAND;
}

struct timespec64 { long tv_sec, tv_nsec; };

/* Wait for one of the (normally blocked) signals in uthese and take it
 * off the pending set without running a handler: its number, or -EAGAIN
 * once the timeout passes, or -EINTR for another signal. While waiting
 * those signals are unblocked, so their arrival wakes the caller. */
long sys_rt_sigtimedwait(const sigset_t __user *uthese, uapi_siginfo_t __user *uinfo,
			 const struct timespec64 __user *uts, size_t sigsetsize)
{
	struct task_struct *t = current;
	struct sighand_struct *sh = t->sighand;
	long ticks = -1;	/* no timeout */
	struct timespec64 ts;
	uapi_siginfo_t info;
	sigset_t these, saved;
	int sig;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&these, uthese, sizeof(these)))
		return -EFAULT;
	these &= ~SIG_KERNEL_ONLY_MASK;
	if (uts) {
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
			return -EINVAL;
		ticks = ts.tv_sec * HZ + (ts.tv_nsec + 1000000000L / HZ - 1) / (1000000000L / HZ);
	}
	spin_lock(&sh->siglock);
	sig = dequeue_from(&t->pending, ~these, &info);
	if (!sig)
		sig = dequeue_from(&t->signal->shared_pending, ~these, &info);
	if (!sig && ticks) {
		saved = t->real_blocked = t->blocked;
		t->blocked &= ~these;
		set_current_state(TASK_INTERRUPTIBLE);
		spin_unlock(&sh->siglock);
		if (!signal_pending(t))
			schedule_timeout(ticks);
		set_current_state(TASK_RUNNING);
		spin_lock(&sh->siglock);
		t->blocked = saved;
		t->real_blocked = 0;
		sig = dequeue_from(&t->pending, ~these, &info);
		if (!sig)
			sig = dequeue_from(&t->signal->shared_pending, ~these, &info);
	}
	if (wants_signal(t))
		set_tsk_thread_flag(t, TIF_SIGPENDING);
	else
		clear_tsk_thread_flag(t, TIF_SIGPENDING);
	spin_unlock(&sh->siglock);
	if (!sig)
		return ticks && signal_pending(t) ? -EINTR : -EAGAIN;
	if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	return sig;
}

static int kill_one(struct task_struct *t, int sig, int code)
{
	if (sig == 0)
		return 0;
	uapi_siginfo_t info = { .si_signo = sig, .si_code = code };
	info.kill.pid = current->tgid;
	return send_signal(sig, &info, t, code == SI_USER);
}

/* Sends to every process in pgrp; -ESRCH if there is none. */
static int kill_pgrp_info(pid_t pgrp, int sig)
{
	struct task_struct *t;
	int found = 0;
	spin_lock(&tasklist_lock);
	list_for_each_entry(t, &task_list, tasks) {
		if (t == t->group_leader && t->pid > 1 && t->signal->pgrp == pgrp &&
		    !t->exit_state) {
			kill_one(t, sig, SI_USER);
			found = 1;
		}
	}
	spin_unlock(&tasklist_lock);
	return found ? 0 : -ESRCH;
}

int kill_pgrp(pid_t pgrp, int sig)
{
	return pgrp > 0 ? kill_pgrp_info(pgrp, sig) : -ESRCH;
}

long sys_kill(pid_t pid, int sig)
{
	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	if (pid > 0) {
		spin_lock(&tasklist_lock);
		struct task_struct *t = find_task_by_pid(pid);
		int r = -ESRCH;
		if (t && t->exit_state != EXIT_DEAD)
			r = t->exit_state ? 0 : kill_one(t->group_leader, sig, SI_USER);
		spin_unlock(&tasklist_lock);
		return r;
	}
	if (pid == 0)
		return kill_pgrp_info(current->signal->pgrp, sig);
	if (pid < -1)
		return kill_pgrp_info(-pid, sig);
	/* pid == -1: everyone but init and ourselves */
	struct task_struct *t;
	spin_lock(&tasklist_lock);
	list_for_each_entry(t, &task_list, tasks)
		if (t == t->group_leader && t->pid > 1 && t->tgid != current->tgid && !t->exit_state)
			kill_one(t, sig, SI_USER);
	spin_unlock(&tasklist_lock);
	return 0;
}

long sys_tgkill(pid_t tgid, pid_t tid, int sig)
{
	if (sig < 0 || sig > _NSIG || tid <= 0 || (tgid <= 0 && tgid != -1))
		return -EINVAL;
	spin_lock(&tasklist_lock);
	struct task_struct *t = find_task_by_pid(tid);
	int r = -ESRCH;
	if (t && (tgid == -1 || t->tgid == tgid) && !t->exit_state)
		r = kill_one(t, sig, SI_TKILL);
	spin_unlock(&tasklist_lock);
	return r;
}

long sys_tkill(pid_t tid, int sig)
{
	return sys_tgkill(-1, tid, sig);
}

long sys_sigaltstack(const void __user *ss, void __user *old)
{
	uapi_stack_t o = { .ss_flags = 2 /* SS_DISABLE */ };
	(void)ss;	/* alternate stacks are not supported yet */
	if (old && copy_to_user(old, &o, sizeof(o)))
		return -EFAULT;
	return 0;
}

void signal_init(void)
{
	sigqueue_cache = kmem_cache_create("sigqueue", sizeof(struct sigqueue), 8, 0, NULL);
	sighand_cache = kmem_cache_create("sighand", sizeof(struct sighand_struct), 8, 0, NULL);
	signal_cache = kmem_cache_create("signal", sizeof(struct signal_struct), 8, 0, NULL);
}
