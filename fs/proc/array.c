/* array.c: /proc/PID/status, a process's state as "Name:\tvalue" lines.
 * Locks: takes tasklist_lock to read the parent. */
#include <mm.h>
#include <sched.h>
#include <signal.h>
#include "internal.h"

int proc_pid_status(struct seq_buf *m, struct task_struct *t)
{
	pid_t ppid;

	spin_lock(&tasklist_lock);
	ppid = t->group_leader->real_parent && t->group_leader->real_parent != t->group_leader
	       ? t->group_leader->real_parent->tgid : 0;
	spin_unlock(&tasklist_lock);
	seq_printf(m, "Name:\t%s\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n",
		   t->comm, t->tgid, t->tgid, ppid);
	if (t->mm)
		seq_printf(m, "VmRSS:\t%8lu kB\n",
			   READ_ONCE(t->mm->rss) << (PAGE_SHIFT - 10));
	seq_printf(m, "Threads:\t%d\n", t->signal ? READ_ONCE(t->signal->nr_threads) : 1);
	return 0;
}
