/* fd.c: /proc/PID/fd, one symlink per open file descriptor, named by its
 * number and pointing at the file's path (proc_file_link: "pipe:[ino]"
 * for a pipe). The inodes are made by lookup like every /proc/PID inode
 * (base.c); a link finds its task, table and file again when read.
 * Locks: task_lock borrows the task's files_struct, whose file_lock is
 * held to read a slot; neither is held while copying out. */
#include <fs.h>
#include <sched.h>
#include <string.h>
#include <printf.h>
#include "internal.h"

static struct files_struct *get_task_files(struct task_struct *t)
{
	struct files_struct *files;

	task_lock(t);
	files = t->files;
	if (files)
		get_files_struct(files);
	task_unlock(t);
	return files;
}

/* Slots in t's fd table (status's FDSize), 0 if it has none. */
unsigned int proc_fd_size(struct task_struct *t)
{
	struct files_struct *files = get_task_files(t);
	unsigned int n = 0;

	if (files) {
		spin_lock(&files->file_lock);
		n = files->fdt.max_fds;
		spin_unlock(&files->file_lock);
		put_files_struct(files);
	}
	return n;
}

/* The lowest open fd >= from in t's table, or -1; with f, its file
 * (referenced) goes there. */
static int next_fd(struct task_struct *t, unsigned int from, struct file **f)
{
	struct files_struct *files = get_task_files(t);
	int fd = -1;

	if (!files)
		return -1;
	spin_lock(&files->file_lock);
	for (unsigned int i = from; i < files->fdt.max_fds; i++)
		if (files->fdt.fd[i]) {
			fd = i;
			if (f)
				*f = get_file(files->fdt.fd[i]);
			break;
		}
	spin_unlock(&files->file_lock);
	put_files_struct(files);
	return fd;
}

static unsigned int fd_slot(const struct proc_inode *pi, int fd)
{
	return PROC_SLOT_FD + (pi->thread ? 0x400 : 0) + fd;
}

static int proc_fd_readlink(struct inode *inode, char *buf, int size)
{
	struct task_struct *t = get_proc_task(inode);
	int fd = PROC_I(inode)->fd, len = -ENOENT;
	struct file *f = NULL;

	if (!t)
		return -ENOENT;
	if (next_fd(t, fd, &f) == fd) {
		len = proc_file_link(f, buf, size);
		fput(f);
	} else if (f) {
		fput(f);	/* a higher fd: ours was closed */
	}
	put_task_struct(t);
	return len;
}

static const struct inode_operations proc_fd_link_iops = {
	.readlink = proc_fd_readlink, .evict = proc_evict_inode,
};

static struct inode *proc_fd_lookup(struct inode *dir, const char *name, int len)
{
	struct proc_inode pi = *PROC_I(dir);
	struct task_struct *t;
	struct file *f = NULL;
	struct inode *inode = NULL;
	unsigned long fd;
	char buf[12];

	if (len == 2 && name[0] == '.' && name[1] == '.')
		return proc_pid_dir_inode(pi.pid, pi.tgid, pi.thread);
	if (len >= (int)sizeof(buf) || (name[0] == '0' && len > 1))
		return NULL;
	memcpy(buf, name, len);
	buf[len] = 0;
	if (kstrtoul(buf, 10, &fd) || fd >= NR_OPEN_MAX || !(t = get_proc_task(dir)))
		return NULL;
	if (next_fd(t, fd, &f) == (int)fd) {
		pi.fd = fd;
		pi.ent = NULL;
		inode = proc_pid_make_inode(&pi, S_IFLNK | 0500 |
					    (f->f_mode & FMODE_WRITE ? 0200 : 0), fd_slot(&pi, fd));
		if (inode)
			inode->i_op = &proc_fd_link_iops;
	}
	if (f)
		fput(f);
	put_task_struct(t);
	return inode;
}

/* Positions: 0 ".", 1 "..", then 2 + fd. */
static int proc_fd_iterate(struct file *file, struct dir_context *ctx)
{
	struct inode *inode = file_inode(file);
	struct proc_inode *pi = PROC_I(inode);
	struct task_struct *t = get_proc_task(inode);
	char name[12];
	int fd;

	if (!t)
		return 0;
	if (ctx->pos == 0 && !ctx->actor(ctx, ".", 1, 1, inode->i_ino, DT_DIR))
		goto out;
	if (ctx->pos == 0)
		ctx->pos = 1;
	if (ctx->pos == 1 && !ctx->actor(ctx, "..", 2, 2, (inode->i_ino & ~0xfffUL) | pi->thread,
					 DT_DIR))	/* the PID or TID directory */
		goto out;
	if (ctx->pos == 1)
		ctx->pos = 2;
	while ((fd = next_fd(t, ctx->pos - 2, NULL)) >= 0) {
		int len = snprintf(name, sizeof(name), "%d", fd);
		if (!ctx->actor(ctx, name, len, fd + 3, (inode->i_ino & ~0xfffUL) | fd_slot(pi, fd),
				DT_LNK))
			break;
		ctx->pos = fd + 3;
	}
out:
	put_task_struct(t);
	return 0;
}

static ssize_t proc_fd_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	return -EISDIR;
}

const struct inode_operations proc_fd_iops = {
	.lookup = proc_fd_lookup, .evict = proc_evict_inode,
};
const struct file_operations proc_fd_fops = {
	.read = proc_fd_read, .llseek = generic_file_llseek, .iterate = proc_fd_iterate,
};
