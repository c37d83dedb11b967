/* oom_kill.c: the OOM killer (Linux's mm/oom_kill.c, in small). A user
 * page fault that gets no page (VM_FAULT_OOM, do_page_fault) calls
 * out_of_memory, which picks the process holding the most memory
 * (oom_badness: its resident pages), never init nor a kernel thread,
 * kills it and every other process sharing its mm with SIGKILL, and
 * counts oom_kill in /proc/vmstat. The faulting task then takes its
 * fault again: it dies on the way if it was the victim; otherwise the
 * victim's exit gives the memory back.
 *
 * Until a victim's pages are freed (exit_oom_victim, from mmput) its
 * memory is on the way back, so no second process is chosen (Linux's
 * oom_evaluate_task aborts on a victim without MMF_OOM_SKIP): the
 * caller sleeps a tick and retries. A victim that has not let go after
 * OOM_WAIT (stuck in the kernel) no longer holds the others back, as
 * Linux's oom_reaper gives up on it. Nothing to kill
 * at all (only init is left, and init is out of memory) ends in panic,
 * as in Linux ("no killable processes").
 *
 * Locks: oom_lock (one killer at a time) > tasklist_lock > task_lock
 * (->mm) and sighand->siglock (send_sig). Callers hold nothing;
 * exit_oom_victim takes no lock. */
#include <mm.h>
#include <sched.h>
#include <signal.h>
#include <vmstat.h>
#include <printk.h>
#include <wait.h>
#include <string.h>

#define OOM_WAIT HZ		/* how long a victim may take to exit */

static DEFINE_SPINLOCK(oom_lock);
static struct mm_struct *oom_victim_mm;	/* compared, never dereferenced */
static u64 oom_victim_when;		/* jiffies it was killed */

/* t's mm, or NULL for a kernel thread or a task past exit_mm; and its
 * resident pages in *rss, read under task_lock: exit_mm clears t->mm
 * under it before mmput may free the mm, so only the pointer may be
 * used after (to compare). */
static struct mm_struct *task_mm(struct task_struct *t, unsigned long *rss)
{
	task_lock(t);
	struct mm_struct *mm = t->mm;
	*rss = mm ? READ_ONCE(mm->rss) : 0;
	task_unlock(t);
	return mm;
}

/* How much killing t would give back, or -1 if it may not be killed:
 * init (Linux's is_global_init) and kernel threads. Linux adds page
 * tables and swap, and oom_score_adj; there are neither here. */
static long oom_badness(struct task_struct *t, struct mm_struct *mm, unsigned long rss)
{
	if (!mm || t->tgid == 1 || (t->signal->flags & SIGNAL_UNKILLABLE))
		return -1;
	return rss;
}

/* True while the last victim's memory is not yet freed, for up to
 * OOM_WAIT: only exit_oom_victim, at the end of the mm's last mmput,
 * says it is. (No task owning the mm is not enough: exit_mm drops
 * t->mm before exit_mmap frees the pages, which takes a while for a
 * big process; a fault in that window chose a second victim.) Caller
 * holds oom_lock. */
static int victim_pending(void)
{
	if (READ_ONCE(oom_victim_mm) && jiffies - oom_victim_when < OOM_WAIT)
		return 1;
	WRITE_ONCE(oom_victim_mm, NULL);	/* freed, or stuck: choose anew */
	return 0;
}

/* mmput, after exit_mmap freed mm's pages: if it was the victim, the
 * killer may choose again. No lock: one compare-and-swap. */
void exit_oom_victim(struct mm_struct *mm)
{
	if (READ_ONCE(oom_victim_mm) == mm)
		__atomic_compare_exchange_n(&oom_victim_mm, &mm, NULL, 0, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST);
}

/* Does an unkillable task (init, which a vfork child shares its mm
 * with while it runs) use mm? Caller holds tasklist_lock. */
static int mm_used_by_unkillable(struct mm_struct *mm)
{
	struct task_struct *t;
	unsigned long rss;

	list_for_each_entry(t, &task_list, tasks)
		if (task_mm(t, &rss) == mm && oom_badness(t, mm, rss) < 0)
			return 1;
	return 0;
}

/* The task whose process has the most resident memory (the first such
 * in task order on a tie) among those whose death frees it, or NULL.
 * Caller holds tasklist_lock. */
static struct task_struct *select_bad_process(struct mm_struct **mmp, long *points)
{
	struct task_struct *t, *chosen = NULL;
	unsigned long rss;

	*points = -1;
	list_for_each_entry(t, &task_list, tasks) {
		struct mm_struct *mm = task_mm(t, &rss);
		long p = oom_badness(t, mm, rss);
		if (p > *points && !mm_used_by_unkillable(mm)) {
			*points = p;
			chosen = t;
			*mmp = mm;
		}
	}
	return chosen;
}

/* SIGKILL to every process using mm (a vfork child shares its parent's:
 * killing one alone frees nothing). Caller holds tasklist_lock. */
static void oom_kill_process(struct mm_struct *mm)
{
	struct task_struct *t;
	unsigned long rss;

	list_for_each_entry(t, &task_list, tasks)
		if (task_mm(t, &rss) == mm)
			send_sig(SIGKILL, t, 1);
	oom_victim_when = jiffies;
	WRITE_ONCE(oom_victim_mm, mm);
	count_vm_event(OOM_KILL);
}

/* Called by a user fault that found no memory, holding no locks. */
void out_of_memory(void)
{
	struct task_struct *victim = NULL;
	struct mm_struct *mm = NULL;
	char comm[TASK_COMM_LEN];
	pid_t pid = 0;
	long rss = 0;
	int wait = 1;

	if (fatal_signal_pending(current))
		return;		/* dying already: its memory comes back */
	spin_lock(&oom_lock);
	spin_lock(&tasklist_lock);
	if (!victim_pending()) {
		victim = select_bad_process(&mm, &rss);
		if (victim) {
			oom_kill_process(mm);
			pid = victim->tgid;
			memcpy(comm, victim->comm, sizeof(comm));
		} else {
			wait = 0;
		}
	}
	spin_unlock(&tasklist_lock);
	spin_unlock(&oom_lock);
	if (!wait)
		panic("Out of memory and no killable processes");
	if (pid)	/* what it held (Linux prints its rss too): was it the hog? */
		printk("Out of memory: killing %s (pid %d), rss %ld kB, %lu kB free\n", comm, pid,
		       rss << (PAGE_SHIFT - 10), nr_free_pages() << (PAGE_SHIFT - 10));
	if (!fatal_signal_pending(current)) {	/* give the victim a tick to exit */
		set_current_state(TASK_UNINTERRUPTIBLE);
		schedule_timeout(1);
		set_current_state(TASK_RUNNING);
	}
}
