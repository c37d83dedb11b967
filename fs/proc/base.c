/* base.c: /proc/PID and /proc/PID/task/TID. pid_base_stuff lists the
 * files every process has, one line each; a lookup in a PID directory
 * makes an inode for the entry named (proc_pid_make_inode), marked
 * I_DONTCACHE: it is freed when its last user lets go, and the dcache
 * keeps no names under /proc, because processes come and go without
 * taking any directory lock. An inode remembers a pid, not the task:
 * every use finds the task again (get_proc_task) and fails once it has
 * been reaped. Inode numbers are a function of pid and entry
 * (proc_ino), so a path gives the same number each time it is walked
 * (getcwd's scan of a parent for a child's number relies on that).
 * Also /proc/self, /proc/thread-self and the files cmdline, environ,
 * comm, cwd, root and exe.
 * Locks: tasklist_lock to find tasks and list threads; task_lock (via
 * get_task_mm and get_task_fs) to borrow a task's mm or fs_struct; the
 * target's mmap_lock (read) while its memory is read. None is held
 * while copying to user space. */
#include <fs.h>
#include <mm.h>
#include <sched.h>
#include <signal.h>
#include <slab.h>
#include <string.h>
#include <printf.h>
#include <printk.h>
#include <timer.h>
#include "internal.h"

static const struct inode_operations proc_tgid_iops, proc_task_iops, proc_pid_file_iops;
static const struct file_operations proc_tgid_fops, proc_task_fops, proc_pid_file_fops;

/* ---- the files themselves ---- */

/* An fs_struct of t with a reference, or NULL once t has exited. */
static struct fs_struct *get_task_fs(struct task_struct *t)
{
	struct fs_struct *fs;

	task_lock(t);
	fs = t->fs;
	if (fs)
		get_fs_struct(fs);
	task_unlock(t);
	return fs;
}

/* The path of t's cwd or root as seen from the reader's root. */
static int fs_link(struct task_struct *t, char *buf, int size, int root)
{
	struct fs_struct *fs = get_task_fs(t);
	struct path dir, myroot;
	char *tmp, *p;
	int outside, len;

	if (!fs)
		return -ENOENT;
	if (root)
		get_fs_root_path(fs, &dir);
	else
		get_fs_pwd_path(fs, &dir);
	put_fs_struct(fs);
	get_fs_root_path(current->fs, &myroot);
	tmp = kmalloc(PATH_MAX, GFP_KERNEL);
	p = tmp ? dir_path(&dir, &myroot, tmp, PATH_MAX, &outside) : ERR_PTR(-ENOMEM);
	len = IS_ERR(p) ? PTR_ERR(p) : strlcpy(buf, p, size);
	len = len > size - 1 ? size - 1 : len;
	kfree(tmp);
	path_put(&myroot);
	path_put(&dir);
	return len;
}

static int proc_cwd_link(struct task_struct *t, char *buf, int size)
{
	return fs_link(t, buf, size, 0);
}

static int proc_root_link(struct task_struct *t, char *buf, int size)
{
	return fs_link(t, buf, size, 1);
}

/* The target of a link to an open file: its path, or "pipe:[ino]" for
 * a file that never had a name (Linux names anonymous files so too). */
int proc_file_link(struct file *f, char *buf, int size)
{
	char *tmp = kmalloc(PATH_MAX, GFP_KERNEL), *p;
	int len;

	if (!tmp)
		return -ENOMEM;
	p = d_path(f, tmp, PATH_MAX);
	if (IS_ERR(p) && S_ISFIFO(file_inode(f)->i_mode))
		len = snprintf(buf, size, "pipe:[%lu]", file_inode(f)->i_ino);
	else if (IS_ERR(p))
		len = snprintf(buf, size, "anon_inode:[%lu]", file_inode(f)->i_ino);
	else
		len = strlcpy(buf, p, size);
	kfree(tmp);
	return len > size - 1 ? size - 1 : len;
}

static int proc_exe_link(struct task_struct *t, char *buf, int size)
{
	struct mm_struct *mm = get_task_mm(t);
	struct file *exe = NULL;
	int len = -ENOENT;

	if (mm) {
		down_read(&mm->mmap_lock);
		if (mm->exe_file)
			exe = get_file(mm->exe_file);
		up_read(&mm->mmap_lock);
		mmput(mm);
	}
	if (exe) {
		len = proc_file_link(exe, buf, size);
		fput(exe);
	}
	return len;
}

/* Bytes [start, end) of t's memory, as they are now (cmdline, environ). */
static int show_user_range(struct seq_buf *m, struct task_struct *t, int env)
{
	struct mm_struct *mm = get_task_mm(t);
	unsigned long start, end;
	char *buf;
	int err = 0;

	if (!mm)
		return 0;	/* a kernel thread or a zombie: empty */
	start = env ? mm->env_start : mm->arg_start;
	end = env ? mm->env_end : mm->arg_end;
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		err = -ENOMEM;
	while (!err && start < end && !seq_buf_overflowed(m)) {
		int want = min(end - start, PAGE_SIZE);
		int got = access_remote_vm(mm, start, buf, want);

		if (m->len + got > m->size) {
			m->len = m->size;	/* overflowed: proc_snapshot retries bigger */
			break;
		}
		memcpy(m->buf + m->len, buf, got);
		m->len += got;
		if (got < want)
			break;
		start += got;
	}
	kfree(buf);
	mmput(mm);
	return err;
}

static int proc_pid_cmdline(struct seq_buf *m, struct task_struct *t)
{
	return show_user_range(m, t, 0);
}

static int proc_pid_environ(struct seq_buf *m, struct task_struct *t)
{
	return show_user_range(m, t, 1);
}

static int proc_pid_comm(struct seq_buf *m, struct task_struct *t)
{
	char comm[TASK_COMM_LEN];

	memcpy(comm, t->comm, sizeof(comm));
	comm[TASK_COMM_LEN - 1] = 0;
	seq_printf(m, "%s\n", comm);
	return 0;
}

static int proc_pid_mounts(struct seq_buf *m, struct task_struct *task)
{
	return mounts_show(m);	/* every task shares the reader's namespace */
}

static int proc_pid_mountinfo(struct seq_buf *m, struct task_struct *task)
{
	return mountinfo_show(m);
}

/* The files of /proc/PID (PID_IN_TGID) and /proc/PID/task/TID
 * (PID_IN_TID). To add one: a line here and its show function. */
static const struct pid_entry pid_base_stuff[] = {
	NOD("task", S_IFDIR | 0555, PID_IN_TGID, .iop = &proc_task_iops, .fop = &proc_task_fops),
	DIR("fd", 0500, &proc_fd_iops, &proc_fd_fops),
	LNK("cwd", proc_cwd_link),
	LNK("root", proc_root_link),
	LNK("exe", proc_exe_link),
	ONE("cmdline", proc_pid_cmdline),
	ONE("comm", proc_pid_comm),
	NOD("environ", S_IFREG | 0400, PID_IN_TGID | PID_IN_TID, .show = proc_pid_environ),
	ONE("maps", proc_pid_maps),
	NOD("pagemap", S_IFREG | 0400, PID_IN_TGID | PID_IN_TID, .fop = &proc_pagemap_operations),
	ONE("mounts", proc_pid_mounts),
	ONE("mountinfo", proc_pid_mountinfo),
	ONE("smaps", proc_pid_smaps),
	NOD("stat", S_IFREG | 0444, PID_IN_TGID, .show = proc_tgid_stat),
	NOD("stat", S_IFREG | 0444, PID_IN_TID, .show = proc_tid_stat),
	ONE("statm", proc_pid_statm),
	ONE("status", proc_pid_status),
};

/* ---- inodes ---- */

/* Slots (the low 12 bits of an inode number): 0 /proc/PID, 1 the TID
 * directory, 0x10 + i and 0x100 + i entry i in a PID or TID directory,
 * PROC_SLOT_FD + fd (+ 0x400 under task/) the fd links. */
#define SLOT_TGID 0
#define SLOT_TID 1
#define SLOT_ENTRY(i, thread) ((thread) ? 0x100 + (i) : 0x10 + (i))

static unsigned long proc_ino(pid_t pid, unsigned int slot)
{
	return (1UL << 40) | ((unsigned long)pid << 12) | slot;
}

struct task_struct *get_proc_task(struct inode *inode)
{
	struct proc_inode *pi = PROC_I(inode);
	struct task_struct *t;

	spin_lock(&tasklist_lock);
	t = find_task_by_pid(pi->pid);
	if (t && (t->tgid != pi->tgid || t->exit_state == EXIT_DEAD))
		t = NULL;
	if (t)
		get_task_struct(t);
	spin_unlock(&tasklist_lock);
	return t;
}

void proc_evict_inode(struct inode *inode)
{
	kfree(inode->i_private);
}

struct inode *proc_pid_make_inode(const struct proc_inode *tmpl, umode_t mode, unsigned int slot)
{
	struct inode *inode = new_inode(mode);
	struct proc_inode *pi = kmalloc(sizeof(*pi), GFP_KERNEL);

	if (!inode || !pi) {
		kfree(inode);	/* nothing else attached yet */
		kfree(pi);
		return NULL;
	}
	proc_own_inode(inode);
	*pi = *tmpl;
	inode->i_ino = proc_ino(pi->pid, slot);
	inode->i_nlink = S_ISDIR(mode) ? 2 : 1;
	inode->i_state = I_DONTCACHE;
	inode->i_private = pi;
	return inode;
}

/* /proc/PID (thread 0) or /proc/TGID/task/PID (thread 1). */
struct inode *proc_pid_dir_inode(pid_t pid, pid_t tgid, int thread)
{
	struct proc_inode pi = { pid, tgid, thread, -1, NULL };
	struct inode *inode = proc_pid_make_inode(&pi, S_IFDIR | 0555,
						  thread ? SLOT_TID : SLOT_TGID);

	if (inode) {
		inode->i_op = &proc_tgid_iops;
		inode->i_fop = &proc_tgid_fops;
	}
	return inode;
}

/* The inode of entry i of a PID or TID directory described by dir. */
static struct inode *pid_entry_inode(const struct proc_inode *dir, int i)
{
	const struct pid_entry *p = &pid_base_stuff[i];
	struct proc_inode pi = *dir;
	struct inode *inode;

	pi.ent = p;
	inode = proc_pid_make_inode(&pi, p->mode, SLOT_ENTRY(i, dir->thread));
	if (!inode)
		return NULL;
	if (S_ISDIR(p->mode)) {
		inode->i_op = p->iop;
		inode->i_fop = p->fop;
	} else if (S_ISLNK(p->mode)) {
		inode->i_op = &proc_pid_link_iops;
	} else {
		inode->i_op = &proc_pid_file_iops;
		inode->i_fop = p->fop ? p->fop : &proc_pid_file_fops;	/* fop: not a snapshot */
	}
	return inode;
}

/* The directory above a /proc/PID subdirectory (task/, fd/) or a TID
 * directory (task/); ".." of a PID directory is /proc itself. */
static struct inode *pid_parent(const struct proc_inode *pi)
{
	if (!pi->ent && !pi->thread)
		return ihold(proc_root.inode);
	if (!pi->ent)	/* TID directory: the task/ of its process */
		for (int i = 0; i < (int)ARRAY_SIZE(pid_base_stuff); i++)
			if (pid_base_stuff[i].iop == &proc_task_iops) {
				struct proc_inode up = { pi->tgid, pi->tgid, 0, -1, NULL };
				return pid_entry_inode(&up, i);
			}
	return proc_pid_dir_inode(pi->pid, pi->tgid, pi->thread);
}

/* ---- /proc/PID and /proc/PID/task/TID directories ---- */

static int pid_entry_here(const struct pid_entry *p, int thread)
{
	return p->where & (thread ? PID_IN_TID : PID_IN_TGID);
}

/* dir->i_rwsem held (read). NULL: no such name, or the task is gone. */
static struct inode *proc_tgid_lookup(struct inode *dir, const char *name, int len)
{
	struct proc_inode *pi = PROC_I(dir);
	struct task_struct *t;

	if (len == 2 && name[0] == '.' && name[1] == '.')
		return pid_parent(pi);
	if (!(t = get_proc_task(dir)))
		return NULL;
	put_task_struct(t);
	for (int i = 0; i < (int)ARRAY_SIZE(pid_base_stuff); i++) {
		const struct pid_entry *p = &pid_base_stuff[i];

		if (pid_entry_here(p, pi->thread) && (int)strlen(p->name) == len &&
		    !memcmp(p->name, name, len))
			return pid_entry_inode(pi, i);
	}
	return NULL;
}

/* ".", "..", then the entries. Position 2 + i is table entry i. */
static int proc_tgid_iterate(struct file *f, struct dir_context *ctx)
{
	struct inode *inode = file_inode(f);
	struct proc_inode *pi = PROC_I(inode);
	struct task_struct *t = get_proc_task(inode);

	if (!t)
		return 0;	/* gone: nothing but what was listed */
	put_task_struct(t);
	if (ctx->pos == 0 && !ctx->actor(ctx, ".", 1, 1, inode->i_ino, DT_DIR))
		return 0;
	if (ctx->pos == 0)
		ctx->pos = 1;
	if (ctx->pos == 1 && !ctx->actor(ctx, "..", 2, 2,
					 pi->thread ? proc_ino(pi->tgid, 0) : proc_root.inode->i_ino,
					 DT_DIR))
		return 0;
	if (ctx->pos == 1)
		ctx->pos = 2;
	for (; ctx->pos - 2 < (loff_t)ARRAY_SIZE(pid_base_stuff); ctx->pos++) {
		int i = ctx->pos - 2;
		const struct pid_entry *p = &pid_base_stuff[i];

		if (pid_entry_here(p, pi->thread) &&
		    !ctx->actor(ctx, p->name, strlen(p->name), ctx->pos + 1,
				proc_ino(pi->pid, SLOT_ENTRY(i, pi->thread)), (p->mode & S_IFMT) >> 12))
			break;
	}
	return 0;
}

static ssize_t proc_pid_dir_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	return -EISDIR;
}

/* A pid spelled in decimal, as Linux names it (no sign, no leading 0);
 * 0 if name is none. */
static pid_t name_to_pid(const char *name, int len)
{
	unsigned long v;
	char buf[12];

	if (len <= 0 || len >= (int)sizeof(buf) || name[0] == '0')
		return 0;
	memcpy(buf, name, len);
	buf[len] = 0;
	if (kstrtoul(buf, 10, &v) || v > PID_MAX_LIMIT)
		return 0;
	return v;
}

/* ---- task/: the threads of a process ---- */

/* The smallest thread id >= from in t's process, or 0. */
static pid_t next_tid(pid_t tgid, pid_t from)
{
	struct task_struct *t = NULL, *th;
	pid_t best = 0;

	spin_lock(&tasklist_lock);
	t = find_task_by_pid(tgid);
	if (t && t->tgid == tgid && t->signal)
		list_for_each_entry(th, &t->signal->thread_head, thread_node)
			if (th->pid >= from && (!best || th->pid < best))
				best = th->pid;
	if (t && !best && t->exit_state == EXIT_ZOMBIE && t->pid >= from)
		best = t->pid;	/* a zombie process: its leader is still listed */
	spin_unlock(&tasklist_lock);
	return best;
}

static struct inode *proc_task_lookup(struct inode *dir, const char *name, int len)
{
	struct proc_inode *pi = PROC_I(dir);
	pid_t tid;

	if (len == 2 && name[0] == '.' && name[1] == '.')
		return pid_parent(pi);
	tid = name_to_pid(name, len);
	if (!tid || next_tid(pi->tgid, tid) != tid)
		return NULL;
	return proc_pid_dir_inode(tid, pi->tgid, 1);
}

/* Positions: 0 ".", 1 "..", then 2 + TID. */
static int proc_task_iterate(struct file *f, struct dir_context *ctx)
{
	struct inode *inode = file_inode(f);
	struct proc_inode *pi = PROC_I(inode);
	char name[12];
	pid_t tid;

	if (ctx->pos == 0 && !ctx->actor(ctx, ".", 1, 1, inode->i_ino, DT_DIR))
		return 0;
	if (ctx->pos == 0)
		ctx->pos = 1;
	if (ctx->pos == 1 && !ctx->actor(ctx, "..", 2, 2, proc_ino(pi->tgid, SLOT_TGID), DT_DIR))
		return 0;
	if (ctx->pos == 1)
		ctx->pos = 2;
	while ((tid = next_tid(pi->tgid, ctx->pos - 2))) {
		int len = snprintf(name, sizeof(name), "%d", tid);

		if (!ctx->actor(ctx, name, len, tid + 3, proc_ino(tid, SLOT_TID), DT_DIR))
			break;
		ctx->pos = tid + 3;
	}
	return 0;
}

/* ---- /proc/N in /proc itself ---- */

/* The smallest process id >= from, or 0. */
static pid_t next_tgid(pid_t from)
{
	struct task_struct *t;
	pid_t best = 0;

	spin_lock(&tasklist_lock);
	list_for_each_entry(t, &task_list, tasks)
		if (t == t->group_leader && t->pid >= from && (!best || t->pid < best) &&
		    t->exit_state != EXIT_DEAD)
			best = t->pid;
	spin_unlock(&tasklist_lock);
	return best;
}

/* /proc/N for a process, or for a thread as Linux allows (not listed). */
struct inode *proc_pid_lookup(const char *name, int len)
{
	pid_t pid = name_to_pid(name, len), tgid = 0;
	struct task_struct *t;

	if (!pid)
		return NULL;
	spin_lock(&tasklist_lock);
	t = find_task_by_pid(pid);
	if (t && t->exit_state != EXIT_DEAD)
		tgid = t->tgid;
	spin_unlock(&tasklist_lock);
	return tgid ? proc_pid_dir_inode(pid, tgid, 0) : NULL;
}

int proc_pid_readdir(struct dir_context *ctx)
{
	char name[12];
	pid_t pid;

	if (ctx->pos < PROC_PID_POS)
		ctx->pos = PROC_PID_POS;
	while ((pid = next_tgid(ctx->pos - PROC_PID_POS))) {
		int len = snprintf(name, sizeof(name), "%d", pid);

		if (!ctx->actor(ctx, name, len, PROC_PID_POS + pid + 1, proc_ino(pid, SLOT_TGID),
				DT_DIR))
			break;
		ctx->pos = PROC_PID_POS + pid + 1;
	}
	return 0;
}

/* ---- files and links in a PID directory ---- */

struct pid_show { const struct pid_entry *ent; struct task_struct *task; };

static int pid_show_one(struct seq_buf *m)
{
	struct pid_show *ps = m->private;

	return ps->ent->show(m, ps->task);
}

/* A snapshot of the entry's show() for the task, taken at open. */
static int proc_pid_file_open(struct inode *inode, struct file *f)
{
	struct pid_show ps = { PROC_I(inode)->ent, get_proc_task(inode) };
	struct seq_buf *m;

	if (!ps.task)
		return -ESRCH;
	m = (f->f_mode & FMODE_WRITE) ? ERR_PTR(-EACCES) : proc_snapshot(pid_show_one, &ps);
	put_task_struct(ps.task);
	if (IS_ERR(m))
		return PTR_ERR(m);
	f->private_data = m;
	return 0;
}

static int proc_pid_setsize(struct inode *inode, loff_t size)
{
	return -EACCES;
}

static int proc_pid_readlink(struct inode *inode, char *buf, int size)
{
	struct task_struct *t = get_proc_task(inode);
	int len;

	if (!t)
		return -ENOENT;
	len = PROC_I(inode)->ent->get_link(t, buf, size);
	put_task_struct(t);
	return len;
}

static const struct inode_operations proc_tgid_iops = {
	.lookup = proc_tgid_lookup, .evict = proc_evict_inode,
};
static const struct file_operations proc_tgid_fops = {
	.read = proc_pid_dir_read, .llseek = generic_file_llseek, .iterate = proc_tgid_iterate,
};
static const struct inode_operations proc_task_iops = {
	.lookup = proc_task_lookup, .evict = proc_evict_inode,
};
static const struct file_operations proc_task_fops = {
	.read = proc_pid_dir_read, .llseek = generic_file_llseek, .iterate = proc_task_iterate,
};
static const struct inode_operations proc_pid_file_iops = {
	.setsize = proc_pid_setsize, .evict = proc_evict_inode,
};
static const struct file_operations proc_pid_file_fops = {
	.open = proc_pid_file_open, .release = proc_snapshot_release,
	.read = proc_snapshot_read, .llseek = proc_snapshot_llseek,
};
const struct inode_operations proc_pid_link_iops = {
	.readlink = proc_pid_readlink, .evict = proc_evict_inode,
};

/* ---- /proc/self and /proc/thread-self ---- */

static int proc_self_get_link(char *buf, int size)
{
	return snprintf(buf, size, "%d", current->tgid);
}

static int proc_thread_self_get_link(char *buf, int size)
{
	return snprintf(buf, size, "%d/task/%d", current->tgid, current->pid);
}

void proc_base_init(void)
{
	int err;

	if ((err = proc_create_link("self", proc_self_get_link)) ||
	    (err = proc_create_link("thread-self", proc_thread_self_get_link)))
		pr_err("proc: self: %d\n", err);
	proc_root.inode->i_state |= I_DONTCACHE;	/* /proc/N come and go */
}
