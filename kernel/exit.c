/* exit.c: task exit and wait4. A thread that exits releases its mm, files
 * and fs at once. A non-leader thread then disappears; the thread-group
 * leader stays a zombie until the whole group has exited and its parent
 * reaps it with wait4, which also reports stopped and continued children
 * (WUNTRACED, WCONTINUED). Orphans are re-parented to pid 1.
 * Lock: tasklist_lock for the parent/child/thread links and exit states. */
#include <sched.h>
#include <signal.h>
#include <mm.h>
#include <fs.h>
#include <uaccess.h>
#include <printk.h>
#include <uapi/errno.h>
#include <resource.h>

#define WNOHANG 1
#define WUNTRACED 2
#define WCONTINUED 8
#define __WALL 0x40000000
#define __WCLONE 0x80000000
long futex_wake(u32 __user *uaddr, int nr);
struct task_struct *child_reaper;	/* pid 1 */

static void exit_mm(struct task_struct *t)
{
	struct mm_struct *mm = t->mm;
	if (!mm)
		return;
	if (t->clear_child_tid) {	/* CLONE_CHILD_CLEARTID: wake the joiner */
		if (put_user(0, t->clear_child_tid) == 0)
			futex_wake((u32 __user *)t->clear_child_tid, 1);
		t->clear_child_tid = NULL;
	}
	mm_release_vfork(t);
	spin_lock(&tasklist_lock);	/* the resident size at exit: maxrss */
	t->signal->maxrss = max(t->signal->maxrss, READ_ONCE(mm->rss) << (PAGE_SHIFT - 10));
	spin_unlock(&tasklist_lock);
	task_lock(t);	/* also: no switch between dropping mm and loading swapper */
	t->mm = NULL;
	switch_mm(mm, NULL);
	task_unlock(t);
	mmput(mm);
}

/* Hands t's children to pid 1. Their exit signal becomes SIGCHLD
 * whatever clone asked for (Linux's reparent_leader: "we don't want
 * people slaying init"), and a child that is a zombie already tells init
 * now. Called with tasklist_lock held. */
static void forget_original_parent(struct task_struct *t)
{
	struct task_struct *c, *n, *th;
	int zombies = 0;
	list_for_each_entry_safe(c, n, &t->children, sibling) {
		list_for_each_entry(th, &c->signal->thread_head, thread_node)
			th->real_parent = child_reaper;
		c->real_parent = child_reaper;
		list_move_tail(&c->sibling, &child_reaper->children);
		c->exit_signal = SIGCHLD;
		if (c->exit_state == EXIT_ZOMBIE && !c->signal->nr_threads) {
			zombies = 1;
			do_notify_parent(c, SIGCHLD);
		}
	}
	if (zombies)
		wake_up(&child_reaper->signal->wait_chldexit);
}

/* The group is dead: tell the leader's parent. tasklist_lock held. */
/* t's times and counts stay with its process. tasklist_lock held. */
static void account_exited_thread(struct signal_struct *sig, struct task_struct *t)
{
	sig->utime += t->utime;
	sig->stime += t->stime;
	sig->nvcsw += t->nvcsw;
	sig->nivcsw += t->nivcsw;
	sig->min_flt += t->min_flt;
	sig->maj_flt += t->maj_flt;
}

static void group_dead_notify(struct task_struct *leader, int code)
{
	struct signal_struct *sig = leader->signal;
	leader->exit_code = (sig->flags & SIGNAL_GROUP_EXIT) ? sig->group_exit_code : code;
	if (leader->exit_signal > 0)
		do_notify_parent(leader, leader->exit_signal);
	wake_up(&leader->real_parent->signal->wait_chldexit);
}

void do_exit(int code)
{
	struct task_struct *t = current;
	if (t == child_reaper && t->signal->nr_threads == 1)
		panic("Attempted to kill init! exit code 0x%x", code);
	exit_signals(t);
	exit_mm(t);
	struct files_struct *files = t->files;
	struct fs_struct *fs = t->fs;
	task_lock(t);
	t->files = NULL;
	t->fs = NULL;
	task_unlock(t);
	if (files)
		put_files_struct(files);
	if (fs)
		put_fs_struct(fs);
	spin_lock(&tasklist_lock);
	struct signal_struct *sig = t->signal;
	struct task_struct *leader = t->group_leader;
	int group_dead = --sig->nr_threads == 0;
	account_exited_thread(sig, t);
	t->exit_code = code;
	if (group_dead)
		forget_original_parent(leader);
	list_del_init(&t->thread_node);
	if (t == leader) {
		t->exit_state = EXIT_ZOMBIE;
		if (group_dead)
			group_dead_notify(t, code);
	} else {
		t->exit_state = EXIT_DEAD;	/* threads reap themselves */
		list_del_init(&t->tasks);
		if (group_dead && leader->exit_state == EXIT_ZOMBIE)
			group_dead_notify(leader, code);
	}
	spin_unlock(&tasklist_lock);
	if (group_dead && sig->session == t->tgid)	/* a session leader is gone */
		tty_session_exit(sig->session);
	put_sighand(t->sighand);
	t->sighand = NULL;
	if (t != leader)
		put_signal_struct(sig);
	/* Final switch: schedule_tail of the next task drops our reference. */
	spin_lock(&tasklist_lock);
	set_current_state(TASK_DEAD);
	spin_unlock(&tasklist_lock);
	schedule();
	panic("do_exit: dead task returned");
}

/* Kills the whole thread group with `code` as its wait status. */
void do_group_exit(int code)
{
	struct signal_struct *sig = current->signal;
	struct sighand_struct *sh = current->sighand;
	spin_lock(&sh->siglock);
	if (sig->flags & SIGNAL_GROUP_EXIT) {
		code = sig->group_exit_code;
	} else {
		sig->flags |= SIGNAL_GROUP_EXIT;
		sig->group_exit_code = code;
		zap_other_threads(current);
	}
	spin_unlock(&sh->siglock);
	do_exit(code);
}

long sys_exit(int code)
{
	do_exit((code & 0xff) << 8);
}

long sys_exit_group(int code)
{
	do_group_exit((code & 0xff) << 8);
}

/* A reaped child's usage, with its own reaped children's, becomes part
 * of what the parent's children used (RUSAGE_CHILDREN, cutime).
 * tasklist_lock held. */
static void add_child_usage(struct signal_struct *p, struct signal_struct *c)
{
	p->cutime += c->utime + c->cutime;
	p->cstime += c->stime + c->cstime;
	p->cnvcsw += c->nvcsw + c->cnvcsw;
	p->cnivcsw += c->nivcsw + c->cnivcsw;
	p->cmin_flt += c->min_flt + c->cmin_flt;
	p->cmaj_flt += c->maj_flt + c->cmaj_flt;
	p->cmaxrss = max(p->cmaxrss, max(c->maxrss, c->cmaxrss));
}

static int child_matches(struct task_struct *c, pid_t pid)
{
	if (pid > 0)
		return c->pid == pid;
	if (pid == -1)
		return 1;
	if (pid == 0)
		return c->signal->pgrp == current->signal->pgrp;
	return c->signal->pgrp == -pid;
}

/* A process group is orphaned when no member has a parent outside it
 * but in its session: nobody is left to continue it after a stop. */
int is_current_pgrp_orphaned(void)
{
	pid_t pgrp = current->signal->pgrp, sid = current->signal->session;
	struct task_struct *t;
	int orphaned = 1;

	spin_lock(&tasklist_lock);
	list_for_each_entry(t, &task_list, tasks) {
		struct task_struct *p = t->real_parent;

		if (t != t->group_leader || t->exit_state || t->signal->pgrp != pgrp)
			continue;
		if (p && p->signal && p->signal->pgrp != pgrp && p->signal->session == sid &&
		    !p->exit_state) {
			orphaned = 0;
			break;
		}
	}
	spin_unlock(&tasklist_lock);
	return orphaned;
}

/* Looks for a child to report. Returns its pid, 0 if matching children
 * exist but none has anything to report, or -ECHILD. A zombie is
 * unlinked into *reaped; a stop (WUNTRACED) or continue (WCONTINUED) is
 * reported once, in *status, and the child stays. */
static pid_t find_zombie(pid_t pid, int options, struct task_struct **reaped, int *status)
{
	struct task_struct *c, *me = current->group_leader;
	int found = 0;
	spin_lock(&tasklist_lock);
	list_for_each_entry(c, &me->children, sibling) {
		struct signal_struct *sig = c->signal;

		if (!child_matches(c, pid))
			continue;
		found = 1;
		if (c->exit_state == EXIT_ZOMBIE && sig->nr_threads == 0) {
			c->exit_state = EXIT_DEAD;
			list_del_init(&c->sibling);
			list_del_init(&c->tasks);
			add_child_usage(current->signal, sig);
			spin_unlock(&tasklist_lock);
			*reaped = c;
			return c->pid;
		}
		if (c->exit_state)
			continue;
		spin_lock(&c->sighand->siglock);	/* the stop state */
		if ((options & WUNTRACED) && (sig->flags & SIGNAL_STOP_STOPPED) &&
		    sig->group_stop_sig) {
			*status = (sig->group_stop_sig << 8) | 0x7f;
			sig->group_stop_sig = 0;	/* reported */
		} else if ((options & WCONTINUED) && (sig->flags & SIGNAL_STOP_CONTINUED)) {
			*status = 0xffff;
			sig->flags &= ~SIGNAL_STOP_CONTINUED;
		}
		spin_unlock(&c->sighand->siglock);
		if (*status >= 0) {
			pid_t r = c->pid;
			spin_unlock(&tasklist_lock);
			return r;
		}
	}
	spin_unlock(&tasklist_lock);
	return found ? 0 : -ECHILD;
}

long sys_wait4(pid_t pid, int __user *status, int options, void __user *rusage)
{
	struct task_struct *c = NULL;
	wait_queue_head_t *wq = &current->signal->wait_chldexit;
	DEFINE_WAIT(w);
	int stopped = -1;
	long ret;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE))
		return -EINVAL;
	for (;;) {
		prepare_to_wait(wq, &w, TASK_INTERRUPTIBLE);
		ret = find_zombie(pid, options, &c, &stopped);
		if (ret != 0 || (options & WNOHANG))
			break;
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		schedule();
	}
	finish_wait(wq, &w);
	if (ret > 0 && stopped >= 0) {	/* stopped or continued: no usage */
		struct rusage ru = { 0 };
		if (status && put_user(stopped, status))
			return -EFAULT;
		if (rusage && copy_to_user(rusage, &ru, sizeof(ru)))
			return -EFAULT;
	} else if (ret > 0) {
		int st = c->exit_code;
		struct rusage ru;
		rusage_of_reaped(c, &ru);
		put_signal_struct(c->signal);
		put_task_struct(c);
		if (status && put_user(st, status))
			return -EFAULT;
		if (rusage && copy_to_user(rusage, &ru, sizeof(ru)))
			return -EFAULT;
	}
	return ret;
}
