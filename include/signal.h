/* signal.h: per-process signal state.
 * sighand_struct: the handler table (shared by CLONE_SIGHAND threads),
 *   its siglock protects handlers, every thread's pending/blocked sets and
 *   the shared pending set.
 * signal_struct: per thread group: shared pending signals, the group exit
 *   state, the process group/session, resource limits, and the wait
 *   queue parents sleep on in wait4. */
#ifndef _SIGNAL_H
#define _SIGNAL_H
#include <sched.h>
#include <uapi/signal.h>

#define RLIMIT_CPU 0
#define RLIMIT_STACK 3
#define RLIMIT_NOFILE 7
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0UL)
struct rlimit { unsigned long rlim_cur, rlim_max; };

struct k_sigaction {
	struct uapi_sigaction sa;
};

struct sighand_struct {
	atomic_t count;
	spinlock_t siglock;
	struct k_sigaction action[_NSIG];
};

struct sigqueue {
	struct list_head list;
	uapi_siginfo_t info;
};

#define SIGNAL_GROUP_EXIT 1
#define SIGNAL_UNKILLABLE 2	/* init: no default action but from its own faults */
#define SIGNAL_STOP_STOPPED 4	/* job control: every thread has stopped */
#define SIGNAL_STOP_CONTINUED 8	/* continued since, not yet told to wait4 */
#define SIGNAL_CLD_CONTINUED 16	/* continued: the parent gets a SIGCHLD */
struct tty_struct;

struct signal_struct {
	atomic_t count;			/* threads that reference it */
	int nr_threads;			/* live threads */
	struct list_head thread_head;	/* of task_struct.thread_node */
	struct sigpending shared_pending;
	int flags;			/* SIGNAL_GROUP_EXIT, SIGNAL_UNKILLABLE, SIGNAL_STOP_* */
	int group_exit_code;
	int group_stop_count;		/* threads yet to stop in a group stop */
	int group_stop_sig;		/* what stopped it; 0 once wait4 reported it */
	struct task_struct *group_exit_task;
	pid_t pgrp, session;
	/* The controlling terminal, or NULL (Linux's signal->tty): set by
	 * TIOCSCTTY or the open of a session leader, inherited by fork,
	 * cleared by setsid, TIOCNOTTY and the leader's exit. Written under
	 * tasklist_lock; read with READ_ONCE. */
	struct tty_struct *tty;
	struct rlimit rlim[RLIM_NLIMITS];
	wait_queue_head_t wait_chldexit;	/* parent sleeps here in wait4 */
	/* Under tasklist_lock: what the group's exited threads used, and
	 * what its reaped children (with theirs) used, for times(2),
	 * getrusage(2) and /proc/PID/stat. Times in ticks, maxrss in kB. */
	u64 utime, stime, cutime, cstime;
	unsigned long nvcsw, nivcsw, cnvcsw, cnivcsw;
	unsigned long min_flt, maj_flt, cmin_flt, cmaj_flt;
	unsigned long maxrss, cmaxrss;
};

#define sigmask(sig) (1UL << ((sig) - 1))
#define SIG_KERNEL_ONLY_MASK (sigmask(SIGKILL) | sigmask(SIGSTOP))
#define SIG_KERNEL_STOP_MASK (sigmask(SIGSTOP) | sigmask(SIGTSTP) | sigmask(SIGTTIN) | \
			      sigmask(SIGTTOU))

struct pt_regs;
void signal_init(void);
int do_sigaction(int sig, struct k_sigaction *act, struct k_sigaction *old);
void flush_signal_handlers(struct task_struct *t);	/* exec */
void recalc_sigpending(void);
int get_signal(uapi_siginfo_t *info, struct k_sigaction *ka);
void do_notify_parent(struct task_struct *t, int sig);
void exit_signals(struct task_struct *t);	/* do_exit: leave a group stop */
int signal_ignored_or_blocked(int sig);	/* by current (tty job control) */
int is_current_pgrp_orphaned(void);	/* kernel/exit.c */
void zap_other_threads(struct task_struct *t);
void flush_sigqueue(struct sigpending *p);
void set_current_blocked(sigset_t set);
int setup_rt_frame(int sig, uapi_siginfo_t *info, struct k_sigaction *ka, struct pt_regs *regs);
struct sighand_struct *sighand_alloc(void);
void put_sighand(struct sighand_struct *s);
struct signal_struct *signal_alloc(void);
void put_signal_struct(struct signal_struct *s);
#endif
