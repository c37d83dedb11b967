/* fs/proc/internal.h: what the files of fs/proc share. The entry tree
 * (generic.c) holds the fixed files and directories; inode.c turns an
 * entry's show() into an open file's snapshot; base.c lists the files
 * every process has, printed by array.c, task_mmu.c and others. */
#ifndef _FS_PROC_INTERNAL_H
#define _FS_PROC_INTERNAL_H
#include <fs.h>
#include <proc.h>

struct task_struct;

#define PROC_MAX_SNAPSHOT (1UL << 20)	/* bytes, header included */

/* A fixed file or directory of /proc, linked under its parent for ever
 * (proc_lock guards the children lists). */
struct proc_entry {
	struct list_head list;		/* in parent->children */
	struct list_head children;	/* directories only */
	struct proc_entry *parent;	/* NULL for proc_root */
	struct inode *inode;		/* referenced for ever */
	int (*show)(struct seq_buf *m);
	int (*store)(const char *buf, size_t len);
	void *data;			/* given to show() as m->private */
	int len;
	char name[];
};

extern struct proc_entry proc_root;

/* generic.c */
int proc_create_data(const char *name, int (*show)(struct seq_buf *m), void *data);
/* A read-only (0400) file with its own file_operations: one that is not
 * a snapshot (/proc/self/pagemap). */
int proc_create_fops(const char *name, const struct file_operations *fops);
extern const struct inode_operations proc_dir_iops;
extern const struct file_operations proc_dir_fops;

/* inode.c: the open file of an entry (a snapshot of its show()). */
struct seq_buf *proc_snapshot(int (*show)(struct seq_buf *m), void *data);
ssize_t proc_snapshot_read(struct file *f, struct iov_iter *to, loff_t *pos);
loff_t proc_snapshot_llseek(struct file *f, loff_t off, int whence);
extern const struct inode_operations proc_file_iops;
extern const struct file_operations proc_file_fops;

/* A file every process has: its name and how to print it for task (no
 * locks held; task is referenced by the caller). Listed in base.c. */
struct pid_entry {
	const char *name;
	int (*show)(struct seq_buf *m, struct task_struct *task);
};
#define ONE(NAME, SHOW) { .name = NAME, .show = SHOW }

/* base.c */
void proc_base_init(void);

/* array.c */
int proc_pid_status(struct seq_buf *m, struct task_struct *task);

/* task_mmu.c */
int proc_pid_maps(struct seq_buf *m, struct task_struct *task);
int proc_pid_smaps(struct seq_buf *m, struct task_struct *task);
extern const struct file_operations proc_pagemap_operations;

/* meminfo.c */
int meminfo_show(struct seq_buf *m);

#endif
