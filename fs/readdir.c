/* readdir.c: getdents64. ->iterate runs under the directory's i_rwsem
 * (read) and calls filldir64 per entry, which copies to user space (may
 * fault and sleep: fine under a rwsem). f_pos_lock serialises f_pos. */
#include <fs.h>
#include <sched.h>
#include <string.h>
#include <uaccess.h>
#include <syscalls_fs.h>

struct getdents_ctx {
	struct dir_context ctx;
	char __user *buf;
	unsigned int left;
	long used;
	int error;
};

static bool filldir64(struct dir_context *ctx, const char *name, int len,
		      loff_t next, u64 ino, unsigned int type)
{
	struct getdents_ctx *g = container_of(ctx, struct getdents_ctx, ctx);
	unsigned int reclen = ALIGN_UP(offsetof(struct linux_dirent64, d_name) + len + 1, 8);
	struct linux_dirent64 hdr;
	char __user *p = g->buf + g->used;

	if (reclen > g->left) {
		if (!g->used)
			g->error = -EINVAL;
		return false;
	}
	hdr.d_ino = ino;
	hdr.d_off = next;
	hdr.d_reclen = reclen;
	hdr.d_type = type;
	if (copy_to_user(p, &hdr, offsetof(struct linux_dirent64, d_name)) ||
	    copy_to_user(p + offsetof(struct linux_dirent64, d_name), name, len) ||
	    clear_user(p + offsetof(struct linux_dirent64, d_name) + len,
		       reclen - offsetof(struct linux_dirent64, d_name) - len)) {
		g->error = -EFAULT;
		return false;
	}
	g->used += reclen;
	g->left -= reclen;
	return true;
}

long sys_getdents64(int fd, void __user *dirent, unsigned int count)
{
	struct getdents_ctx g = { .ctx = { .actor = filldir64 }, .buf = dirent,
				  .left = count };
	struct file *f = fget(fd);
	long ret;

	if (!f)
		return -EBADF;
	if (!access_ok(dirent, count)) {
		fput(f);
		return -EFAULT;
	}
	if (!f->f_op->iterate || !S_ISDIR(file_inode(f)->i_mode)) {
		fput(f);
		return -ENOTDIR;
	}
	mutex_lock(&f->f_pos_lock);
	g.ctx.pos = f->f_pos;
	ret = f->f_op->iterate(f, &g.ctx);
	f->f_pos = g.ctx.pos;
	mutex_unlock(&f->f_pos_lock);
	fput(f);
	if (ret)
		return ret;
	return g.used ? g.used : g.error;
}
