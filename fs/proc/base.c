/* base.c: the files every process has. tgid_base_stuff lists them, one
 * line each: a name and a show(m, task) that prints the file for a task.
 * They appear under /proc/self, which describes the task that opens the
 * file (proc_self_show runs the entry's show for current); so does
 * pagemap, which is read in place rather than from a snapshot
 * (task_mmu.c). */
#include <sched.h>
#include <printf.h>
#include <printk.h>
#include "internal.h"

static int proc_pid_mounts(struct seq_buf *m, struct task_struct *task)
{
	return mounts_show(m);	/* the reader's mounts, seen from its root */
}

static const struct pid_entry tgid_base_stuff[] = {
	ONE("maps", proc_pid_maps),
	ONE("mounts", proc_pid_mounts),
	ONE("smaps", proc_pid_smaps),
	ONE("status", proc_pid_status),
};

/* show() of a /proc/self file: m->private is its pid_entry. */
static int proc_self_show(struct seq_buf *m)
{
	const struct pid_entry *p = m->private;

	return p->show(m, current);
}

void proc_base_init(void)
{
	char name[32];
	int err;

	for (unsigned int i = 0; i < ARRAY_SIZE(tgid_base_stuff); i++) {
		const struct pid_entry *p = &tgid_base_stuff[i];

		snprintf(name, sizeof(name), "self/%s", p->name);
		if ((err = proc_create_data(name, proc_self_show, (void *)p)))
			pr_err("proc: %s: %d\n", name, err);
	}
	if ((err = proc_create_fops("self/pagemap", &proc_pagemap_operations)))
		pr_err("proc: self/pagemap: %d\n", err);
}
