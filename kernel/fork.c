/* fork.c: creating tasks. copy_process duplicates or shares each part of
 * the caller (mm, files, fs, signal handlers, thread group) according to
 * the clone flags, exactly as glibc's fork and pthread_create ask.
 * Also pids, the task cache, kernel threads and the idle tasks.
 * Lock: tasklist_lock protects the task list, parent/child links, thread
 * lists and pid allocation. */
#include <sched.h>
#include <signal.h>
#include <mm.h>
#include <fs.h>
#include <ptrace.h>
#include <uaccess.h>
#include <printk.h>
#include <string.h>
#include <printf.h>
#include <riscv.h>
#include <uapi/sched.h>
#include <uapi/errno.h>

DEFINE_SPINLOCK(tasklist_lock);
LIST_HEAD(task_list);
static char init_stack_mem[THREAD_SIZE] __aligned(16);
char *init_stack = init_stack_mem;
struct task_struct init_task = { .comm = "swapper/0", .state = TASK_RUNNING,
	.cpus_mask = ~0UL, .stack = init_stack_mem };
static struct kmem_cache *task_cache;
pid_t last_pid;	/* the last pid handed out (/proc/loadavg) */
extern char ret_from_fork[];
void __fstate_save(u64 *f);

struct task_struct *find_task_by_pid(pid_t pid)
{
	struct task_struct *t;
	list_for_each_entry(t, &task_list, tasks)
		if (t->pid == pid)
			return t;
	return NULL;
}

/* Called with tasklist_lock held. */
static pid_t alloc_pid(void)
{
	for (int tries = 0; tries < PID_MAX_LIMIT; tries++) {
		last_pid = last_pid >= PID_MAX_LIMIT - 1 ? 2 : last_pid + 1;
		if (!find_task_by_pid(last_pid))
			return last_pid;
	}
	return -EAGAIN;
}

static void init_task_lists(struct task_struct *t)
{
	INIT_LIST_HEAD(&t->run_list);
	INIT_LIST_HEAD(&t->children);
	INIT_LIST_HEAD(&t->sibling);
	INIT_LIST_HEAD(&t->thread_node);
	INIT_LIST_HEAD(&t->tasks);
	INIT_LIST_HEAD(&t->pending.list);
	spin_lock_init(&t->alloc_lock);
}

static struct task_struct *alloc_task(void)
{
	struct task_struct *t = kmem_cache_zalloc(task_cache, GFP_KERNEL);
	if (!t)
		return NULL;
	t->stack = get_free_pages(GFP_KERNEL, 2);
	if (!t->stack) {
		kmem_cache_free(task_cache, t);
		return NULL;
	}
	atomic_set(&t->usage, 1);	/* dropped after its final switch */
	init_task_lists(t);
	t->thread_info.kernel_sp = (unsigned long)t->stack + THREAD_SIZE;
	t->state = TASK_RUNNING;
	t->cpus_mask = ~0UL;
	return t;
}

/* t's mm with a user reference (mmput), or NULL: a kernel thread, or
 * t has exited. task_lock keeps ->mm from being dropped meanwhile. */
struct mm_struct *get_task_mm(struct task_struct *t)
{
	struct mm_struct *mm;

	task_lock(t);
	mm = t->mm;
	if (mm)
		atomic_inc(&mm->mm_users);
	task_unlock(t);
	return mm;
}

void get_task_struct(struct task_struct *t)
{
	atomic_inc(&t->usage);
}

void put_task_struct(struct task_struct *t)
{
	if (atomic_dec_and_test(&t->usage)) {
		free_pages(t->stack, 2);
		kmem_cache_free(task_cache, t);
	}
}

struct task_struct *alloc_idle_task(int cpu)
{
	struct task_struct *t = alloc_task();
	if (!t)
		panic("no memory for idle task");
	snprintf(t->comm, sizeof(t->comm), "swapper/%d", cpu);
	t->thread_info.cpu = cpu;
	t->on_cpu = 1;
	cpus[cpu].curr = cpus[cpu].idle = t;
	return t;
}

/* Sets up the child's kernel stack so it starts in ret_from_fork. */
static void copy_thread(struct task_struct *p, unsigned long flags,
			unsigned long usp, unsigned long tls)
{
	struct pt_regs *child = task_pt_regs(p);
	p->thread.ra = (unsigned long)ret_from_fork;
	p->thread.sp = (unsigned long)child;
	if (!current->mm || !p->mm) {
		memset(child, 0, sizeof(*child));
		child->status = SR_SPP | SR_SPIE;	/* kernel thread */
		return;
	}
	struct pt_regs *regs = task_pt_regs(current);
	*child = *regs;
	child->a0 = 0;
	if (usp)
		child->sp = usp;
	if (flags & CLONE_SETTLS)
		child->tp = tls;
	if ((regs->status & SR_FS) == SR_FS_DIRTY)
		__fstate_save(current->thread.fstate);
	memcpy(p->thread.fstate, current->thread.fstate, sizeof(p->thread.fstate));
}

static int copy_mm(unsigned long flags, struct task_struct *p)
{
	if (!current->mm)
		return 0;
	if (flags & CLONE_VM) {
		atomic_inc(&current->mm->mm_users);
		p->mm = current->mm;
		return 0;
	}
	p->mm = dup_mm(current->mm);
	return p->mm ? 0 : -ENOMEM;
}

static int copy_files_fs(unsigned long flags, struct task_struct *p)
{
	if (current->files) {
		if (flags & CLONE_FILES) {
			get_files_struct(current->files);
			p->files = current->files;
		} else if (!(p->files = dup_fd(current->files)))
			return -ENOMEM;
	}
	if (current->fs) {
		if (flags & CLONE_FS) {
			get_fs_struct(current->fs);
			p->fs = current->fs;
		} else if (!(p->fs = copy_fs_struct(current->fs)))
			return -ENOMEM;
	}
	return 0;
}

static int copy_sighand_signal(unsigned long flags, struct task_struct *p)
{
	if (flags & CLONE_SIGHAND) {
		atomic_inc(&current->sighand->count);
		p->sighand = current->sighand;
	} else {
		if (!(p->sighand = sighand_alloc()))
			return -ENOMEM;
		spin_lock(&current->sighand->siglock);
		memcpy(p->sighand->action, current->sighand->action, sizeof(p->sighand->action));
		spin_unlock(&current->sighand->siglock);
	}
	if (flags & CLONE_THREAD) {
		atomic_inc(&current->signal->count);
		p->signal = current->signal;
		return 0;
	}
	if (!(p->signal = signal_alloc()))
		return -ENOMEM;
	p->signal->pgrp = current->signal->pgrp;
	p->signal->session = current->signal->session;
	p->signal->tty = READ_ONCE(current->signal->tty);
	memcpy(p->signal->rlim, current->signal->rlim, sizeof(p->signal->rlim));
	return 0;
}

/* Undo a partially built child. */
static void free_child(struct task_struct *p)
{
	if (p->mm)
		mmput(p->mm);
	if (p->files)
		put_files_struct(p->files);
	if (p->fs)
		put_fs_struct(p->fs);
	if (p->sighand)
		put_sighand(p->sighand);
	if (p->signal)
		put_signal_struct(p->signal);
	put_task_struct(p);
}

static int check_clone_flags(unsigned long flags)
{
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if (flags & (CLONE_NEWNS | CLONE_PIDFD))
		return -EINVAL;
	return 0;
}

/* Links p into the task list and its thread group / parent. */
static int attach_child(struct task_struct *p, unsigned long flags, int exit_signal)
{
	spin_lock(&tasklist_lock);
	if (current->signal->flags & SIGNAL_GROUP_EXIT) {
		spin_unlock(&tasklist_lock);
		return -EINTR;		/* the caller is being killed */
	}
	pid_t pid = alloc_pid();
	if (pid < 0) {
		spin_unlock(&tasklist_lock);
		return pid;
	}
	p->pid = pid;
	if (flags & CLONE_THREAD) {
		p->tgid = current->tgid;
		p->group_leader = current->group_leader;
		p->real_parent = current->real_parent;
		p->exit_signal = -1;
	} else {
		p->tgid = pid;
		p->group_leader = p;
		p->real_parent = (flags & CLONE_PARENT) ? current->real_parent
							: current->group_leader;
		p->exit_signal = exit_signal;
		list_add_tail(&p->sibling, &p->real_parent->children);
		get_task_struct(p);	/* for the parent's wait4 (release) */
	}
	list_add_tail(&p->thread_node, &p->signal->thread_head);
	p->signal->nr_threads++;
	list_add_tail(&p->tasks, &task_list);
	spin_unlock(&tasklist_lock);
	return pid;
}

pid_t copy_process(unsigned long flags, unsigned long usp, unsigned long tls,
		   int __user *parent_tid, int __user *child_tid, int exit_signal,
		   int (*fn)(void *), void *arg)
{
	int err = check_clone_flags(flags);
	if (err)
		return err;
	struct task_struct *p = alloc_task();
	if (!p)
		return -ENOMEM;
	memcpy(p->comm, current->comm, sizeof(p->comm));
	p->blocked = current->blocked;
	p->cpus_mask = READ_ONCE(current->cpus_mask);	/* inherited, as Linux */
	if ((err = copy_mm(flags, p)) || (err = copy_files_fs(flags, p)) ||
	    (err = copy_sighand_signal(flags, p))) {
		free_child(p);
		return err;
	}
	copy_thread(p, flags, usp, tls);
	p->thread.s[0] = (unsigned long)fn;
	p->thread.s[1] = (unsigned long)arg;
	if (flags & CLONE_CHILD_SETTID)
		p->set_child_tid = child_tid;
	if (flags & CLONE_CHILD_CLEARTID)
		p->clear_child_tid = child_tid;
	p->start_time = jiffies;
	pid_t pid = attach_child(p, flags, exit_signal);
	if (pid < 0) {
		free_child(p);
		return pid;
	}
	atomic_long_add(1, &total_forks);
	if ((flags & CLONE_PARENT_SETTID) && parent_tid)
		put_user(pid, parent_tid);
	struct completion vfork;
	if (flags & CLONE_VFORK) {
		init_completion(&vfork);
		p->vfork_done = &vfork;
	}
	wake_up_new_task(p);
	if (flags & CLONE_VFORK)
		wait_for_completion(&vfork);	/* until the child execs or exits */
	return pid;
}

/* The child of a vfork no longer uses the parent's memory. */
void mm_release_vfork(struct task_struct *t)
{
	struct completion *c = t->vfork_done;
	if (c) {
		t->vfork_done = NULL;
		complete(c);
	}
}

/* Argument order as glibc's riscv clone.S passes it: tls in a3, ctid in a4. */
long sys_clone(unsigned long flags, unsigned long newsp, int __user *parent_tid,
	       unsigned long tls, int __user *child_tid)
{
	return copy_process(flags & ~CSIGNAL, newsp, tls, parent_tid, child_tid,
			    flags & CSIGNAL, NULL, NULL);
}

long sys_clone3(struct clone_args __user *uargs, size_t size)
{
	struct clone_args a = {0};
	if (size < 64 || size > PAGE_SIZE)
		return -EINVAL;
	if (copy_from_user(&a, uargs, min(size, sizeof(a))))
		return -EFAULT;
	if (a.exit_signal >= _NSIG || (a.flags & CSIGNAL) || a.set_tid_size)
		return -EINVAL;
	unsigned long sp = a.stack ? a.stack + a.stack_size : 0;
	return copy_process(a.flags, sp, a.tls, (int __user *)a.parent_tid,
			    (int __user *)a.child_tid, a.exit_signal, NULL, NULL);
}

pid_t kernel_thread(int (*fn)(void *), void *arg, unsigned long flags)
{
	return copy_process(flags | CLONE_VM | CLONE_FS | CLONE_FILES, 0, 0, NULL, NULL,
			    0, fn, arg);
}

void fork_init(void)
{
	task_cache = kmem_cache_create("task_struct", sizeof(struct task_struct), 16, 0, NULL);
	init_task_lists(&init_task);
	init_task.tgid = init_task.pid = 0;
	init_task.group_leader = &init_task;
	init_task.real_parent = &init_task;
	init_task.sighand = sighand_alloc();
	init_task.signal = signal_alloc();
	atomic_set(&init_task.usage, 2);
	list_add(&init_task.thread_node, &init_task.signal->thread_head);
	init_task.signal->nr_threads = 1;
}
