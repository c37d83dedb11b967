/* exit.c: task exit and wait4. A thread that exits releases its mm, files
 * and fs at once. A non-leader thread then disappears; the thread-group
 * leader stays a zombie until the whole group has exited and its parent
 * reaps it with wait4. Orphans are re-parented to pid 1.
 * Lock: tasklist_lock for the parent/child/thread links and exit states. */
#include <sched.h>
#include <signal.h>
#include <mm.h>
#include <fs.h>
#include <uaccess.h>
#include <printk.h>
#include <uapi/errno.h>

#define WNOHANG 1
#define WUNTRACED 2
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
	push_off();	/* no switch between dropping mm and loading swapper */
	t->mm = NULL;
	switch_mm(mm, NULL);
	pop_off();
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
	exit_mm(t);
	if (t->files) {
		put_files_struct(t->files);
		t->files = NULL;
	}
	if (t->fs) {
		put_fs_struct(t->fs);
		t->fs = NULL;
	}
	spin_lock(&tasklist_lock);
	struct signal_struct *sig = t->signal;
	struct task_struct *leader = t->group_leader;
	int group_dead = --sig->nr_threads == 0;
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

/* Looks for a reapable child. Returns its pid (and unlinks it into
 * *reaped), 0 if matching children exist but none is done, or -ECHILD. */
static pid_t find_zombie(pid_t pid, struct task_struct **reaped)
{
	struct task_struct *c, *me = current->group_leader;
	int found = 0;
	spin_lock(&tasklist_lock);
	list_for_each_entry(c, &me->children, sibling) {
		if (!child_matches(c, pid))
			continue;
		found = 1;
		if (c->exit_state == EXIT_ZOMBIE && c->signal->nr_threads == 0) {
			c->exit_state = EXIT_DEAD;
			list_del_init(&c->sibling);
			list_del_init(&c->tasks);
			spin_unlock(&tasklist_lock);
			*reaped = c;
			return c->pid;
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
	long ret;

	if (options & ~(WNOHANG | WUNTRACED | 8 /* WCONTINUED */ | __WALL | __WCLONE))
		return -EINVAL;
	for (;;) {
		prepare_to_wait(wq, &w, TASK_INTERRUPTIBLE);
		ret = find_zombie(pid, &c);
		if (ret != 0 || (options & WNOHANG))
			break;
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		schedule();
	}
	finish_wait(wq, &w);
	if (ret > 0) {
		int st = c->exit_code;
		put_signal_struct(c->signal);
		put_task_struct(c);
		if (status && put_user(st, status))
			return -EFAULT;
		if (rusage && clear_user(rusage, 144))
			return -EFAULT;
	}
	return ret;
}
