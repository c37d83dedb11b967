/* pipe.c: anonymous pipes: a 64 KiB byte ring in up to 16 lazily
 * allocated pages. pipe->mutex guards the ring and reader/writer counts
 * and is held across user copies (which may fault and sleep); it is
 * dropped before sleeping on rd_wait/wr_wait. Callers hold no locks. */
#include <fs.h>
#include <mm.h>
#include <sched.h>
#include <slab.h>
#include <uaccess.h>
#include <uapi/termios.h>
#include <syscalls_fs.h>
#include <poll.h>

#define PIPE_SIZE (16 * PAGE_SIZE)

struct pipe_inode_info {
	struct mutex mutex;
	wait_queue_head_t rd_wait, wr_wait;
	void *pages[PIPE_SIZE / PAGE_SIZE];
	unsigned int head, tail;	/* free-running byte counts */
	int readers, writers;
};

static int pipe_readable(struct pipe_inode_info *p)
{
	return READ_ONCE(p->head) != READ_ONCE(p->tail) || !READ_ONCE(p->writers);
}

static int pipe_writable(struct pipe_inode_info *p, size_t need)
{
	return !READ_ONCE(p->readers) ||
	       PIPE_SIZE - (READ_ONCE(p->head) - READ_ONCE(p->tail)) >= need;
}

/* Copy out up to what is buffered. mutex held. Returns bytes or -EFAULT. */
static ssize_t pipe_copy_out(struct pipe_inode_info *p, struct iov_iter *to)
{
	ssize_t done = 0;

	while (p->head != p->tail && iov_iter_count(to)) {
		unsigned int off = p->tail % PIPE_SIZE, poff = off % PAGE_SIZE;
		size_t n = min((size_t)(p->head - p->tail), (size_t)(PAGE_SIZE - poff));
		size_t c;

		n = min(n, iov_iter_count(to));
		c = copy_to_iter((char *)p->pages[off / PAGE_SIZE] + poff, n, to);
		p->tail += c;
		done += c;
		if (c < n)
			return done ? done : -EFAULT;
	}
	return done;
}

static ssize_t pipe_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct pipe_inode_info *p = file_inode(f)->i_private;
	ssize_t ret;

	mutex_lock(&p->mutex);
	for (;;) {
		if (p->head != p->tail) {
			ret = pipe_copy_out(p, to);
			break;
		}
		ret = 0;
		if (!p->writers)
			break;	/* EOF */
		ret = -EAGAIN;
		if (f->f_flags & O_NONBLOCK)
			break;
		mutex_unlock(&p->mutex);
		if (wait_event_interruptible(p->rd_wait, pipe_readable(p)))
			return -ERESTARTSYS;
		mutex_lock(&p->mutex);
	}
	mutex_unlock(&p->mutex);
	if (ret > 0)
		wake_up(&p->wr_wait);
	return ret;
}

/* Copy in up to the free space. mutex held. Returns bytes or -errno. */
static ssize_t pipe_copy_in(struct pipe_inode_info *p, struct iov_iter *from)
{
	ssize_t done = 0;

	while (PIPE_SIZE - (p->head - p->tail) && iov_iter_count(from)) {
		unsigned int off = p->head % PIPE_SIZE, poff = off % PAGE_SIZE;
		size_t n = min((size_t)(PIPE_SIZE - (p->head - p->tail)),
			       (size_t)(PAGE_SIZE - poff));
		void **pg = &p->pages[off / PAGE_SIZE];
		size_t c;

		n = min(n, iov_iter_count(from));
		if (!*pg && !(*pg = get_free_pages(GFP_KERNEL, 0)))
			return done ? done : -ENOMEM;
		c = copy_from_iter((char *)*pg + poff, n, from);
		p->head += c;
		done += c;
		if (c < n)
			return done ? done : -EFAULT;
	}
	return done;
}

static ssize_t pipe_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct pipe_inode_info *p = file_inode(f)->i_private;
	size_t total = iov_iter_count(from);
	ssize_t ret = 0, n;

	mutex_lock(&p->mutex);
	for (;;) {
		size_t left = iov_iter_count(from);
		size_t room = PIPE_SIZE - (p->head - p->tail);

		if (!p->readers) {
			send_sig(SIGPIPE, current, 0);
			if (!ret)
				ret = -EPIPE;
			break;
		}
		if (room >= left || (total > PIPE_BUF && room)) {
			n = pipe_copy_in(p, from);
			wake_up(&p->rd_wait);
			if (n < 0) {
				if (!ret)
					ret = n;
				break;
			}
			ret += n;
			if (!iov_iter_count(from) || n < (ssize_t)min(room, left))
				break;
			continue;
		}
		if (f->f_flags & O_NONBLOCK) {
			if (!ret)
				ret = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			if (!ret)
				ret = -ERESTARTSYS;
			break;
		}
		mutex_unlock(&p->mutex);
		wait_event_interruptible(p->wr_wait,
			pipe_writable(p, total <= PIPE_BUF ? left : 1));
		mutex_lock(&p->mutex);
	}
	mutex_unlock(&p->mutex);
	return ret;
}

static long pipe_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct pipe_inode_info *p = file_inode(f)->i_private;
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	mutex_lock(&p->mutex);
	n = p->head - p->tail;
	mutex_unlock(&p->mutex);
	return put_user(n, (int __user *)arg);
}

/* Readable with data or without writers (POLLHUP); writable with room
 * for an atomic write, or an error without readers. No lock: a stale
 * answer is corrected by the wakeup that follows the change. */
static __poll_t pipe_poll(struct file *f, poll_table *pt)
{
	struct pipe_inode_info *p = file_inode(f)->i_private;
	unsigned int used;
	__poll_t mask = 0;

	if (f->f_mode & FMODE_READ)
		poll_wait(f, &p->rd_wait, pt);
	if (f->f_mode & FMODE_WRITE)
		poll_wait(f, &p->wr_wait, pt);
	used = READ_ONCE(p->head) - READ_ONCE(p->tail);
	if (f->f_mode & FMODE_READ) {
		if (used)
			mask |= POLLIN | POLLRDNORM;
		if (!READ_ONCE(p->writers))
			mask |= POLLHUP;
	}
	if (f->f_mode & FMODE_WRITE) {
		if (PIPE_SIZE - used >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (!READ_ONCE(p->readers))
			mask |= POLLERR;
	}
	return mask;
}

static void free_pipe_info(struct pipe_inode_info *p)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(p->pages); i++)
		if (p->pages[i])
			free_page(p->pages[i]);
	kfree(p);
}

static int pipe_release(struct inode *inode, struct file *f)
{
	struct pipe_inode_info *p = inode->i_private;
	int last;

	mutex_lock(&p->mutex);
	if (f->f_mode & FMODE_READ)
		p->readers--;
	if (f->f_mode & FMODE_WRITE)
		p->writers--;
	last = !p->readers && !p->writers;
	mutex_unlock(&p->mutex);
	wake_up(&p->rd_wait);
	wake_up(&p->wr_wait);
	if (last) {
		inode->i_private = NULL;
		free_pipe_info(p);
	}
	return 0;
}

const struct file_operations pipefifo_fops = {
	.read = pipe_read, .write = pipe_write, .ioctl = pipe_ioctl,
	.poll = pipe_poll, .release = pipe_release,
};

/* Two files on a new pipe inode: res[0] reads, res[1] writes. */
static int create_pipe_files(struct file **res, int flags)
{
	struct pipe_inode_info *p = kzalloc(sizeof(*p), GFP_KERNEL);
	struct inode *inode = new_inode(S_IFIFO | 0600);

	if (!p || !inode) {
		kfree(p);
		iput(inode);
		return -ENFILE;
	}
	mutex_init(&p->mutex);
	init_waitqueue_head(&p->rd_wait);
	init_waitqueue_head(&p->wr_wait);
	p->readers = p->writers = 1;
	inode->i_private = p;
	inode->i_fop = &pipefifo_fops;
	res[0] = alloc_file(inode, O_RDONLY | (flags & O_NONBLOCK), &pipefifo_fops);
	res[1] = alloc_file(inode, O_WRONLY | (flags & O_NONBLOCK), &pipefifo_fops);
	iput(inode);
	if (IS_ERR(res[0]) || IS_ERR(res[1])) {
		/* release drops the count of each end that exists */
		if (IS_ERR(res[0]))
			p->readers = 0;
		else
			fput(res[0]);
		if (IS_ERR(res[1]))
			p->writers = 0;
		else
			fput(res[1]);
		if (IS_ERR(res[0]) && IS_ERR(res[1]))
			free_pipe_info(p);
		return -ENFILE;
	}
	return 0;
}

long sys_pipe2(int __user *ufds, int flags)
{
	struct file *files[2];
	int fds[2], err;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	if ((err = create_pipe_files(files, flags)))
		return err;
	fds[0] = get_unused_fd_flags(flags);
	fds[1] = fds[0] < 0 ? -1 : get_unused_fd_flags(flags);
	err = fds[0] < 0 ? fds[0] : fds[1];
	if (err >= 0 && copy_to_user(ufds, fds, sizeof(fds)))
		err = -EFAULT;
	if (err < 0) {
		if (fds[0] >= 0)
			put_unused_fd(fds[0]);
		if (fds[1] >= 0)
			put_unused_fd(fds[1]);
		fput(files[0]);
		fput(files[1]);
		return err;
	}
	fd_install(fds[0], files[0]);
	fd_install(fds[1], files[1]);
	return 0;
}
