/* sched.h: tasks, the scheduler and per-hart state.
 * A task is a thread; a process is a thread group sharing ->signal and
 * usually ->mm/->files/->fs/->sighand. current is kept in tp.
 * Lock order: tasklist_lock > sighand->siglock > rq_lock. */
#ifndef _SCHED_H
#define _SCHED_H
#include <types.h>
#include <list.h>
#include <spinlock.h>
#include <wait.h>
#include <atomic.h>
#include <uapi/signal.h>

#define NCPU 8
#define HZ 100
#define TASK_COMM_LEN 16
#define PID_MAX_LIMIT 32768	/* pids are 1 .. PID_MAX_LIMIT - 1 (/proc/sys/kernel/pid_max) */

#define TASK_RUNNING 0
#define TASK_INTERRUPTIBLE 1
#define TASK_UNINTERRUPTIBLE 2
#define TASK_STOPPED 4		/* by SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU */
#define TASK_DEAD 64
#define EXIT_ZOMBIE 16
#define EXIT_DEAD 32

#define JOBCTL_STOP_PENDING 1	/* must take part in its group's stop */

/* thread_info flags (checked on the way back to user mode) */
#define TIF_SIGPENDING 0
#define TIF_NEED_RESCHED 1

struct thread_info {		/* must be first in task_struct: entry.S uses it */
	unsigned long kernel_sp;	/* top of the kernel stack */
	unsigned long user_sp;		/* scratch slot while entering */
	unsigned long flags;
	int cpu;
};

struct thread_struct {		/* callee-saved registers for __switch_to */
	unsigned long ra, sp, s[12];
	u64 fstate[33];		/* f0..f31, fcsr */
	int fp_used;
};

struct pt_regs;
struct mm_struct;
struct files_struct;
struct fs_struct;
struct sighand_struct;
struct signal_struct;

struct sigpending {
	struct list_head list;	/* of struct sigqueue */
	sigset_t signal;
};

struct task_struct {
	struct thread_info thread_info;
	struct thread_struct thread;	/* at TASK_THREAD_RA: entry.S */
	volatile long state;
	int on_rq;		/* queued on the run queue */
	int on_cpu;		/* running on a hart (or switching away) */
	unsigned long cpus_mask;	/* cpus it may run on (bit = cpu index): rq_lock */
	struct list_head run_list;
	void *stack;		/* THREAD_SIZE bytes */

	pid_t pid, tgid;
	struct task_struct *group_leader;
	struct task_struct *real_parent;	/* process (leader) that waits */
	struct list_head children;	/* leaders of child processes */
	struct list_head sibling;
	struct list_head thread_node;	/* in signal->thread_head */
	struct list_head tasks;		/* all tasks */
	int exit_state;
	int exit_code;		/* wait status */
	int exit_signal;	/* sent to parent on exit (SIGCHLD), -1 for threads */
	atomic_t usage;

	struct mm_struct *mm;
	struct files_struct *files;
	struct fs_struct *fs;
	struct sighand_struct *sighand;
	struct signal_struct *signal;
	sigset_t blocked, saved_sigmask;
	sigset_t real_blocked;	/* rt_sigtimedwait: blocked before it let its set in */
	int restore_sigmask;
	struct sigpending pending;
	unsigned int jobctl;	/* JOBCTL_STOP_PENDING: siglock */

	int __user *set_child_tid;
	int __user *clear_child_tid;
	u64 utime, stime;	/* ticks spent in user mode and in the kernel */
	u64 start_time;		/* jiffies at fork */
	unsigned long nvcsw, nivcsw;	/* voluntary and involuntary switches */
	unsigned long min_flt, maj_flt;	/* page faults without and with I/O */
	/* task_lock: ->mm, ->files and ->fs as other tasks read them
	 * (/proc/PID); taken inside tasklist_lock, nothing inside it. */
	spinlock_t alloc_lock;
	char comm[TASK_COMM_LEN];
	int pagefault_disabled;	/* uaccess faults fail instead of sleeping */
	struct completion *vfork_done;
	struct blk_plug *plug;		/* block requests being collected */	/* parent waits on it (CLONE_VFORK) */
	/* the dirty throttle (mm/page-writeback.c) */
	unsigned long nr_dirtied;	/* pages dirtied since the last check */
	unsigned long nr_dirtied_pause;	/* ... allowed before the next check */
	unsigned long dirty_paused_when;	/* jiffies of the last pause */
};

struct cpu {
	struct task_struct *curr;
	struct task_struct *idle;
	int noff;		/* push_off depth */
	int intena;		/* were interrupts on before push_off? */
	unsigned long hartid;
	int online;
	struct mm_struct *active_mm;	/* whose page table satp holds (NULL: swapper) */
	u64 online_jiffies;	/* when it came online: idle time = the rest */
	unsigned long nr_switches;	/* context switches on this hart */
	unsigned long nr_irqs;		/* interrupts taken on this hart */
};
extern struct cpu cpus[NCPU];
extern int nr_cpus;

static inline struct task_struct *get_current(void)
{
	struct task_struct *t;
	__asm__ ("mv %0, tp" : "=r"(t));
	return t;
}
#define current get_current()
static inline int smp_processor_id(void) { return current->thread_info.cpu; }
static inline struct cpu *this_cpu(void) { return &cpus[smp_processor_id()]; }

static inline void set_tsk_thread_flag(struct task_struct *t, int f)
{
	__atomic_fetch_or(&t->thread_info.flags, 1UL << f, __ATOMIC_SEQ_CST);
}
static inline void clear_tsk_thread_flag(struct task_struct *t, int f)
{
	__atomic_fetch_and(&t->thread_info.flags, ~(1UL << f), __ATOMIC_SEQ_CST);
}
static inline int test_tsk_thread_flag(struct task_struct *t, int f)
{
	return (READ_ONCE(t->thread_info.flags) >> f) & 1;
}
static inline int signal_pending(struct task_struct *t)
{
	return test_tsk_thread_flag(t, TIF_SIGPENDING);
}
int fatal_signal_pending(struct task_struct *t);

extern spinlock_t tasklist_lock;
extern struct list_head task_list;
extern struct task_struct init_task;
extern pid_t last_pid;
extern volatile u64 jiffies;

void sched_init(void);
void schedule(void);
void schedule_tail(struct task_struct *prev);
int wake_up_process(struct task_struct *t);
int wake_up_state(struct task_struct *t, long state);
void wake_up_new_task(struct task_struct *t);
void kick_process(struct task_struct *t);
void set_cpus_allowed(struct task_struct *t, unsigned long mask);
void set_current_state(long state);
void scheduler_tick(void);
void cpu_idle(void) __noreturn;
long schedule_timeout(long ticks);
void msleep(unsigned int ms);
void yield(void);

struct task_struct *find_task_by_pid(pid_t pid);
static inline void task_lock(struct task_struct *t) { spin_lock(&t->alloc_lock); }
static inline void task_unlock(struct task_struct *t) { spin_unlock(&t->alloc_lock); }
struct mm_struct *get_task_mm(struct task_struct *t);	/* mmput when done; NULL: none */

/* kernel/cputime.c: per-task and per-hart times, sampled by the tick. */
enum cpu_usage_stat { CPUTIME_USER, CPUTIME_NICE, CPUTIME_SYSTEM, CPUTIME_IDLE,
	CPUTIME_IOWAIT, CPUTIME_IRQ, CPUTIME_SOFTIRQ, CPUTIME_STEAL, NR_STATS };
void account_process_tick(struct task_struct *p, int user_tick);
void kcpustat_cpu(int cpu, u64 stat[NR_STATS]);	/* ticks since it came online */
struct task_cputime { u64 utime, stime; unsigned long nvcsw, nivcsw, min_flt, maj_flt; };
void thread_group_cputime(struct task_struct *t, struct task_cputime *times);	/* t: current */
struct signal_struct;
void __thread_group_cputime(struct signal_struct *sig, struct task_cputime *times);	/* tasklist_lock held */
extern atomic_long_t total_forks;	/* processes and threads created since boot */
unsigned long nr_context_switches(void);
int nr_running_tasks(void);	/* runnable: queued or on a hart (not idle) */
int nr_blocked_tasks(void);	/* in an uninterruptible sleep */

/* kernel/loadavg.c: the load average (fixed point, FSHIFT bits). */
#define FSHIFT 11
#define FIXED_1 (1UL << FSHIFT)
#define LOAD_INT(x) ((x) >> FSHIFT)
#define LOAD_FRAC(x) LOAD_INT(((x) & (FIXED_1 - 1)) * 100)
extern unsigned long avenrun[3];
void calc_global_load(void);	/* every tick on hart 0 */
void get_avenrun(unsigned long *loads, unsigned long offset, int shift);
void get_task_struct(struct task_struct *t);
void put_task_struct(struct task_struct *t);
struct task_struct *kthread_create(int (*fn)(void *), void *arg, const char *name);
pid_t kernel_thread(int (*fn)(void *), void *arg, unsigned long flags);

__noreturn void do_exit(int code);
void mm_release_vfork(struct task_struct *t);
__noreturn void do_group_exit(int code);

/* signals (kernel/signal.c) */
int send_sig(int sig, struct task_struct *t, int priv);
int send_sig_info(int sig, uapi_siginfo_t *info, struct task_struct *t);
int force_sig_fault(int sig, int code, unsigned long addr);
void force_sigsegv(int sig);
int kill_pgrp(pid_t pgrp, int sig);
pid_t task_pgrp_nr(struct task_struct *t);
pid_t task_session_nr(struct task_struct *t);

static inline void pagefault_disable(void) { current->pagefault_disabled++; barrier(); }
static inline void pagefault_enable(void) { barrier(); current->pagefault_disabled--; }
#endif
