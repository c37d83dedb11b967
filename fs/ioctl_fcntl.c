/* ioctl_fcntl.c: dup, dup3, fcntl and ioctl (the generic FIOCLEX,
 * FIONBIO, FIGETBSZ, FIBMAP here; the rest goes to the file's f_op).
 * Flag updates take file->f_lock (spinlock); fd-table changes go
 * through fs/file.c, which takes files->file_lock. Callers hold no
 * locks. */
#include <fs.h>
#include <sched.h>
#include <uaccess.h>
#include <uapi/termios.h>
#include <syscalls_fs.h>

static long dupfd(int oldfd, unsigned int start, unsigned int flags)
{
	struct file *f;
	int fd;

	if (start >= NR_OPEN_MAX)
		return -EINVAL;
	if (!(f = fget_raw(oldfd)))
		return -EBADF;
	fd = alloc_fd_from(start, flags);
	if (fd < 0)
		fput(f);
	else
		fd_install(fd, f);
	return fd;
}

long sys_dup(int oldfd)
{
	return dupfd(oldfd, 0, 0);
}

long sys_dup3(int oldfd, int newfd, int flags)
{
	struct file *f;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	if (newfd < 0 || newfd >= NR_OPEN_MAX)
		return -EBADF;
	if (!(f = fget_raw(oldfd)))
		return -EBADF;
	return replace_fd(newfd, f, flags);	/* consumes the reference */
}

#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME | FASYNC)

static long setfl(struct file *f, unsigned long arg)
{
	spin_lock(&f->f_lock);
	f->f_flags = (arg & SETFL_MASK) | (f->f_flags & ~SETFL_MASK);
	spin_unlock(&f->f_lock);
	return 0;
}

struct flock {
	short l_type, l_whence;
	long l_start, l_len;
	int l_pid;
};

long sys_fcntl(int fd, unsigned int cmd, unsigned long arg)
{
	struct file *f;
	long ret;

	switch (cmd) {
	case F_DUPFD:
		return dupfd(fd, arg, 0);
	case F_DUPFD_CLOEXEC:
		return dupfd(fd, arg, O_CLOEXEC);
	case F_GETFD:
		ret = get_close_on_exec(fd);
		return ret < 0 ? ret : (ret ? FD_CLOEXEC : 0);
	case F_SETFD:
		return set_close_on_exec(fd, arg & FD_CLOEXEC);
	}
	if (!(f = fget_raw(fd)))
		return -EBADF;
	if ((f->f_mode & FMODE_PATH) && cmd != F_GETFL) {	/* as Linux */
		fput(f);
		return -EBADF;
	}
	switch (cmd) {
	case F_GETFL:
		ret = READ_ONCE(f->f_flags);
		break;
	case F_SETFL:
		ret = setfl(f, arg);
		break;
	case F_GETLK: {		/* no locks are ever held by others */
		short t = F_UNLCK;
		ret = copy_to_user((void __user *)arg, &t, sizeof(t)) ? -EFAULT : 0;
		break;
	}
	case F_SETLK:
	case F_SETLKW:
		ret = 0;
		break;
	case F_GETPIPE_SZ:
		ret = S_ISFIFO(file_inode(f)->i_mode) ? 65536 : -EBADF;
		break;
	case F_SETPIPE_SZ:
		ret = S_ISFIFO(file_inode(f)->i_mode) ? 65536 : -EBADF;
		break;
	case F_GETOWN:
	case F_SETOWN:
		ret = 0;
		break;
	default:
		ret = -EINVAL;
	}
	fput(f);
	return ret;
}

#define FIBMAP 1
#define FIGETBSZ 2

/* FIBMAP: *p is a file block number in, its disk block out (0 for a
 * hole); the filesystem's ->bmap answers. Linux also requires
 * CAP_SYS_RAWIO; every task here is root. */
static long ioctl_fibmap(struct file *f, int __user *p)
{
	struct address_space *m = file_inode(f)->i_mapping;
	int ur_block;
	sector_t block;

	if (get_user(ur_block, p))
		return -EFAULT;
	if (ur_block < 0)
		return -EINVAL;
	if (!m || !m->a_ops || !m->a_ops->bmap)
		return -EINVAL;
	block = m->a_ops->bmap(m, ur_block);
	if (block > 0x7fffffff)
		return -ERANGE;
	return put_user((int)block, p);
}

static long do_file_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct inode *inode = file_inode(f);

	if (cmd == FIGETBSZ)	/* no super block (pipes, /proc): a page */
		return put_user(inode->i_sb ? (int)inode->i_sb->s_blocksize : (int)PAGE_SIZE,
				(int __user *)arg);
	if (cmd == FIBMAP && S_ISREG(inode->i_mode))
		return ioctl_fibmap(f, (int __user *)arg);
	return f->f_op && f->f_op->ioctl ? f->f_op->ioctl(f, cmd, arg) : -ENOTTY;
}

/* cmd arrives zero-extended (glibc passes unsigned long) but the RV64
 * ABI keeps 32-bit values sign-extended in registers: normalise it. */
long sys_ioctl(int fd, unsigned long ucmd, unsigned long arg)
{
	unsigned int cmd = (unsigned int)ucmd;
	struct file *f = fget(fd);
	long ret;
	int on;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		ret = set_close_on_exec(fd, cmd == FIOCLEX);
		break;
	case FIONBIO:
		ret = get_user(on, (int __user *)arg);
		if (!ret) {
			spin_lock(&f->f_lock);
			if (on)
				f->f_flags |= O_NONBLOCK;
			else
				f->f_flags &= ~O_NONBLOCK;
			spin_unlock(&f->f_lock);
		}
		break;
	default:
		ret = do_file_ioctl(f, cmd, arg);
	}
	fput(f);
	return ret;
}
