/* array.c: /proc/PID/stat, statm and status, a process's (or under
 * task/, a thread's) state in Linux's formats: stat's 52 fields on one
 * line, as ps and top parse them; statm's page counts; status's
 * "Name:\tvalue" lines.
 * Locks: snap_task copies what is needed of the task under tasklist_lock
 * (which keeps ->signal and ->sighand alive while the task has not been
 * reaped or finished exiting) and siglock inside it; the mm is borrowed
 * with get_task_mm and read under its mmap_lock (task_mem_sizes). */
#include <fs.h>
#include <mm.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include "internal.h"

#define PF_KTHREAD 0x00200000	/* Linux's flag for a kernel thread */

/* What the three files print, copied at once under tasklist_lock. */
struct task_snap {
	char comm[TASK_COMM_LEN];
	const char *state;	/* "R (running)", ... */
	pid_t pid, tgid, ppid, pgrp, session, tty_pgrp;
	dev_t tty;
	int nr_threads, exit_signal, exit_code, cpu, kthread;
	sigset_t pending, shared_pending, blocked, ignored, caught;
	u64 start_time;
	struct task_cputime times;	/* the thread's, or the whole process's */
	u64 cutime, cstime;
	unsigned long cmin_flt, cmaj_flt;
};

static const char *task_state(struct task_struct *t)
{
	long s = READ_ONCE(t->state);

	if (t->exit_state == EXIT_ZOMBIE)
		return "Z (zombie)";
	if (t->exit_state == EXIT_DEAD || s == TASK_DEAD)
		return "X (dead)";
	if (s & TASK_STOPPED)
		return "T (stopped)";
	if (s & TASK_UNINTERRUPTIBLE)	/* kernel threads waiting for work: not load */
		return t->mm ? "D (disk sleep)" : "I (idle)";
	if (s & TASK_INTERRUPTIBLE)
		return "S (sleeping)";
	return "R (running)";
}

/* -ESRCH once t has finished exiting (a thread) or been reaped. whole:
 * the times and counts of the whole process. */
static int snap_task(struct task_struct *t, int whole, struct task_snap *s)
{
	struct signal_struct *sig;
	struct task_struct *parent;
	struct tty_struct *ctty;

	memset(s, 0, sizeof(*s));
	spin_lock(&tasklist_lock);
	if (t->exit_state == EXIT_DEAD || !t->signal) {
		spin_unlock(&tasklist_lock);
		return -ESRCH;
	}
	sig = t->signal;
	memcpy(s->comm, t->comm, sizeof(s->comm));
	s->comm[TASK_COMM_LEN - 1] = 0;
	s->state = task_state(t);
	s->pid = t->pid;
	s->tgid = t->tgid;
	parent = t->group_leader->real_parent;
	s->ppid = parent && parent != t->group_leader ? parent->tgid : 0;
	s->pgrp = sig->pgrp;
	s->session = sig->session;
	s->nr_threads = sig->nr_threads;
	s->exit_signal = t->exit_signal;
	s->exit_code = t->exit_state ? t->exit_code : 0;
	s->cpu = READ_ONCE(t->thread_info.cpu);
	s->kthread = !t->mm && !t->exit_state;
	s->start_time = t->start_time;
	s->pending = t->pending.signal;
	if (whole) {
		__thread_group_cputime(sig, &s->times);
		s->cutime = sig->cutime;
		s->cstime = sig->cstime;
		s->cmin_flt = sig->cmin_flt;
		s->cmaj_flt = sig->cmaj_flt;
	} else {
		s->times = (struct task_cputime){ t->utime, t->stime, t->nvcsw, t->nivcsw,
						  t->min_flt, t->maj_flt };
	}
	if (t->sighand && !t->exit_state) {	/* freed right after exit */
		spin_lock(&t->sighand->siglock);
		s->shared_pending = sig->shared_pending.signal;
		s->blocked = t->blocked;
		for (int i = 1; i <= _NSIG; i++) {
			void *h = t->sighand->action[i - 1].sa.sa_handler;
			if (h == SIG_IGN)
				s->ignored |= sigmask(i);
			else if (h != SIG_DFL)
				s->caught |= sigmask(i);
		}
		spin_unlock(&t->sighand->siglock);
	}
	ctty = READ_ONCE(sig->tty);
	spin_unlock(&tasklist_lock);
	s->tty_pgrp = -1;
	if (ctty)
		tty_ctty_info(ctty, &s->tty, &s->tty_pgrp);
	return 0;
}

/* Linux's new_encode_dev: tty_nr as stat prints it. */
static unsigned long encode_dev(dev_t dev)
{
	unsigned long ma = MAJOR(dev), mi = MINOR(dev);

	return (mi & 0xff) | (ma << 8) | ((mi & ~0xffUL) << 12);
}

static int do_task_stat(struct seq_buf *m, struct task_struct *t, int whole)
{
	struct mm_struct *mm = get_task_mm(t);
	struct mm_sizes sz = { 0 };
	struct task_snap s;
	int err = snap_task(t, whole, &s);

	if (err) {
		if (mm)
			mmput(mm);
		return err;
	}
	if (mm)
		task_mem_sizes(mm, &sz);
	seq_printf(m, "%d (%s) %c %d %d %d %lu %d %u %lu %lu %lu %lu %lu %lu %lu %lu"
		   " 20 0 %d 0 %lu %lu %lu %lu", s.pid, s.comm, s.state[0], s.ppid, s.pgrp,
		   s.session, s.tty ? encode_dev(s.tty) : 0, s.tty_pgrp,
		   s.kthread ? PF_KTHREAD : 0, s.times.min_flt, s.cmin_flt, s.times.maj_flt,
		   s.cmaj_flt, s.times.utime, s.times.stime, s.cutime, s.cstime, s.nr_threads,
		   s.start_time, sz.total << PAGE_SHIFT, mm ? READ_ONCE(mm->rss) : 0,
		   RLIM_INFINITY);
	seq_printf(m, " %lu %lu %lu 0 0 %lu %lu %lu %lu 0 0 0 %d %d 0 0 0 0 0",
		   mm ? mm->start_code : 0, mm ? mm->end_code : 0, mm ? mm->start_stack : 0,
		   s.pending & 0x7fffffffUL, s.blocked & 0x7fffffffUL,
		   s.ignored & 0x7fffffffUL, s.caught & 0x7fffffffUL, s.exit_signal, s.cpu);
	if (mm)
		seq_printf(m, " %lu %lu %lu %lu %lu %lu %lu", mm->start_data, mm->end_data,
			   mm->start_brk, mm->arg_start, mm->arg_end, mm->env_start, mm->env_end);
	else
		seq_puts(m, " 0 0 0 0 0 0 0");
	seq_printf(m, " %d\n", s.exit_code);
	if (mm)
		mmput(mm);
	return 0;
}

int proc_tgid_stat(struct seq_buf *m, struct task_struct *task)
{
	return do_task_stat(m, task, 1);
}

int proc_tid_stat(struct seq_buf *m, struct task_struct *task)
{
	return do_task_stat(m, task, 0);
}

/* size resident shared text lib data dt, in pages (shared: not known
 * apart from the rest, 0; dt: always 0 on Linux too). */
int proc_pid_statm(struct seq_buf *m, struct task_struct *t)
{
	struct mm_struct *mm = get_task_mm(t);
	struct mm_sizes sz;
	unsigned long text;

	if (!mm) {
		seq_puts(m, "0 0 0 0 0 0 0\n");
		return 0;
	}
	task_mem_sizes(mm, &sz);
	text = (ALIGN_UP(mm->end_code, PAGE_SIZE) - ALIGN_DOWN(mm->start_code, PAGE_SIZE)) >>
	       PAGE_SHIFT;
	seq_printf(m, "%lu %lu 0 %lu 0 %lu 0\n", sz.total, READ_ONCE(mm->rss), text,
		   sz.data + sz.stack);
	mmput(mm);
	return 0;
}

static void show_kb(struct seq_buf *m, const char *name, unsigned long pages)
{
	seq_printf(m, "%s:\t%8lu kB\n", name, pages << (PAGE_SHIFT - 10));
}

static void task_mem_status(struct seq_buf *m, struct mm_struct *mm)
{
	struct mm_sizes sz;
	unsigned long text;

	task_mem_sizes(mm, &sz);
	text = (ALIGN_UP(mm->end_code, PAGE_SIZE) - ALIGN_DOWN(mm->start_code, PAGE_SIZE)) >>
	       PAGE_SHIFT;
	show_kb(m, "VmSize", sz.total);
	show_kb(m, "VmLck", 0);	/* no mlock */
	show_kb(m, "VmPin", 0);
	show_kb(m, "VmRSS", READ_ONCE(mm->rss));
	show_kb(m, "VmData", sz.data);
	show_kb(m, "VmStk", sz.stack);
	show_kb(m, "VmExe", text);
	show_kb(m, "VmLib", sz.exec > text ? sz.exec - text : 0);
	show_kb(m, "VmSwap", 0);	/* no swap */
}

/* "Cpus_allowed:\t3\nCpus_allowed_list:\t0-1\n" for the online cpus of
 * mask (sched_setaffinity), ranges as Linux's bitmap_print_to_pagebuf. */
static void cpus_allowed(struct seq_buf *m, unsigned long mask)
{
	const char *sep = "";

	mask &= nr_cpus >= 64 ? ~0UL : (1UL << nr_cpus) - 1;
	seq_printf(m, "Cpus_allowed:\t%lx\nCpus_allowed_list:\t", mask);
	for (int i = 0; i < nr_cpus; i++) {
		int j = i;
		if (!(mask & (1UL << i)))
			continue;
		while (j + 1 < nr_cpus && (mask & (1UL << (j + 1))))
			j++;
		seq_printf(m, j > i ? "%s%d-%d" : "%s%d", sep, i, j);
		sep = ",";
		i = j;
	}
	seq_puts(m, "\n");
}

int proc_pid_status(struct seq_buf *m, struct task_struct *t)
{
	struct mm_struct *mm = get_task_mm(t);
	struct task_snap s;
	int err = snap_task(t, 0, &s), umask = -1;

	if (err) {
		if (mm)
			mmput(mm);
		return err;
	}
	task_lock(t);
	if (t->fs)
		umask = t->fs->umask;
	task_unlock(t);
	seq_printf(m, "Name:\t%s\n", s.comm);
	if (umask >= 0)
		seq_printf(m, "Umask:\t%04o\n", umask);
	seq_printf(m, "State:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n"
		   "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%u\nGroups:\t\n"
		   "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", s.state, s.tgid, s.pid,
		   s.ppid, proc_fd_size(t), s.tgid, s.pid, s.pgrp, s.session);
	if (mm) {
		task_mem_status(m, mm);
		mmput(mm);
	}
	seq_printf(m, "Threads:\t%d\nSigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\n"
		   "SigIgn:\t%016lx\nSigCgt:\t%016lx\n", s.nr_threads, s.pending,
		   s.shared_pending, s.blocked, s.ignored, s.caught);
	/* everyone is root, and nothing is checked: every capability (the
	 * 41 of Linux 6.1), none inheritable or ambient */
	seq_puts(m, "CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
		 "CapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n");
	cpus_allowed(m, READ_ONCE(t->cpus_mask));
	seq_printf(m, "voluntary_ctxt_switches:\t%lu\nnonvoluntary_ctxt_switches:\t%lu\n",
		   s.times.nvcsw, s.times.nivcsw);
	return 0;
}
