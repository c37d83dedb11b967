/* fs/proc/internal.h: what the files of fs/proc share. The entry tree
 * (generic.c) holds the fixed files, links and directories; inode.c
 * turns a show() into an open file's snapshot; base.c makes the
 * per-process directories (/proc/PID, /proc/PID/task/TID) from the one
 * table of the files every process has, printed by array.c, task_mmu.c
 * and base.c itself; fd.c serves /proc/PID/fd. */
#ifndef _FS_PROC_INTERNAL_H
#define _FS_PROC_INTERNAL_H
#include <fs.h>
#include <proc.h>

struct task_struct;
struct mm_struct;

#define PROC_MAX_SNAPSHOT (1UL << 20)	/* bytes, header included */

/* A fixed file, symlink or directory of /proc, linked under its parent
 * for ever (proc_lock guards the children lists). */
struct proc_entry {
	struct list_head list;		/* in parent->children */
	struct list_head children;	/* directories only */
	struct proc_entry *parent;	/* NULL for proc_root */
	struct inode *inode;		/* referenced for ever */
	int (*show)(struct seq_buf *m);
	int (*store)(const char *buf, size_t len);
	int (*get_link)(char *buf, int size);	/* symlinks: the target's length */
	void *data;			/* given to show() as m->private */
	int len;
	char name[];
};

extern struct proc_entry proc_root;

/* root.c: the proc instance every proc inode belongs to. */
extern struct super_block proc_sb;
void proc_own_inode(struct inode *inode);

/* generic.c */
int proc_create_data(const char *name, int (*show)(struct seq_buf *m), void *data);
int proc_create_link(const char *name, int (*get_link)(char *buf, int size));
extern const struct inode_operations proc_dir_iops;
extern const struct file_operations proc_dir_fops;

/* inode.c: open files holding a snapshot of a show(). */
struct seq_buf *proc_snapshot(int (*show)(struct seq_buf *m), void *data);
ssize_t proc_snapshot_read(struct file *f, struct iov_iter *to, loff_t *pos);
loff_t proc_snapshot_llseek(struct file *f, loff_t off, int whence);
int proc_snapshot_release(struct inode *inode, struct file *f);
extern const struct inode_operations proc_file_iops, proc_link_iops;
extern const struct file_operations proc_file_fops;

/* A file every process has: its name, mode and how to print it for a
 * task (show: a regular file; get_link: a symlink's target, its length
 * or -errno; iop/fop: a directory; fop alone: a regular file that is
 * not a snapshot, pagemap). Called with no locks held and task
 * referenced; task may be a zombie (no mm, files or fs). Listed in
 * pid_base_stuff (base.c), one line each. */
struct pid_entry {
	const char *name;
	umode_t mode;
	unsigned char where;	/* PID_IN_TGID, PID_IN_TID or both */
	const struct inode_operations *iop;
	const struct file_operations *fop;
	int (*show)(struct seq_buf *m, struct task_struct *task);
	int (*get_link)(struct task_struct *task, char *buf, int size);
};
#define PID_IN_TGID 1	/* in /proc/PID */
#define PID_IN_TID 2	/* in /proc/PID/task/TID */
#define NOD(NAME, MODE, WHERE, ...) \
	{ .name = NAME, .mode = MODE, .where = WHERE, __VA_ARGS__ }
#define ONE(NAME, SHOW) NOD(NAME, S_IFREG | 0444, PID_IN_TGID | PID_IN_TID, .show = SHOW)
#define LNK(NAME, LINK) NOD(NAME, S_IFLNK | 0777, PID_IN_TGID | PID_IN_TID, .get_link = LINK)
#define DIR(NAME, MODE, IOP, FOP) \
	NOD(NAME, S_IFDIR | (MODE), PID_IN_TGID | PID_IN_TID, .iop = IOP, .fop = FOP)

/* What a /proc/PID inode describes (its i_private). The task is found
 * again by pid at every use: it may have exited meanwhile. */
struct proc_inode {
	pid_t pid;		/* the task: a process, or a thread under task/ */
	pid_t tgid;		/* its process */
	int thread;		/* under /proc/PID/task/TID */
	int fd;			/* an fd/N link: N; else -1 */
	const struct pid_entry *ent;	/* NULL: the PID or TID directory */
};
static inline struct proc_inode *PROC_I(struct inode *inode) { return inode->i_private; }

/* base.c */
struct task_struct *get_proc_task(struct inode *inode);	/* referenced, or NULL */
struct inode *proc_pid_make_inode(const struct proc_inode *pi, umode_t mode,
				  unsigned int slot);
struct inode *proc_pid_dir_inode(pid_t pid, pid_t tgid, int thread);
struct inode *proc_pid_lookup(const char *name, int len);	/* /proc/N */
int proc_pid_readdir(struct dir_context *ctx);		/* the /proc/N entries */
#define PROC_PID_POS 0x100000	/* readdir position of /proc/N: this + N */
void proc_base_init(void);
int proc_file_link(struct file *f, char *buf, int size);	/* an fd link's target */
void proc_evict_inode(struct inode *inode);	/* frees the proc_inode */
extern const struct inode_operations proc_pid_link_iops;

/* fd.c */
extern const struct inode_operations proc_fd_iops;
extern const struct file_operations proc_fd_fops;
#define PROC_SLOT_FD 0x800	/* inode slot of fd/N: this + N */

/* array.c */
int proc_tgid_stat(struct seq_buf *m, struct task_struct *task);
int proc_tid_stat(struct seq_buf *m, struct task_struct *task);
int proc_pid_statm(struct seq_buf *m, struct task_struct *task);
int proc_pid_status(struct seq_buf *m, struct task_struct *task);

/* task_mmu.c */
int proc_pid_maps(struct seq_buf *m, struct task_struct *task);
int proc_pid_smaps(struct seq_buf *m, struct task_struct *task);
extern const struct file_operations proc_pagemap_operations;
/* Sizes of an address space in pages, from its VMAs (mmap_lock taken). */
unsigned int proc_fd_size(struct task_struct *t);	/* fd.c */
struct mm_sizes { unsigned long total, data, stack, exec; };
void task_mem_sizes(struct mm_struct *mm, struct mm_sizes *s);

/* meminfo.c, stat.c, misc.c: the files at the top of /proc */
int meminfo_show(struct seq_buf *m);
int stat_show(struct seq_buf *m);
void proc_misc_init(void);

#endif
