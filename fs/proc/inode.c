/* inode.c: the open file of a /proc entry. Opening runs the entry's
 * show() into a kmalloc'd seq_buf kept in private_data, so reads, pread
 * and lseek see one snapshot; release frees it. A write hands its bytes
 * to the entry's store() in one call.
 * Locks: none taken here; show() and store() run with none held, in the
 * opening (writing) task's context, and may sleep. read and llseek rely
 * on the caller's f_pos_lock (a regular file). */
#include <fs.h>
#include <mm.h>
#include <slab.h>
#include "internal.h"

/* Run show into a buffer big enough (doubling up to 1 MiB, then the
 * output is truncated); m->private is data. Returns the seq_buf (one
 * allocation) or ERR_PTR. */
struct seq_buf *proc_snapshot(int (*show)(struct seq_buf *m), void *data)
{
	for (size_t total = PAGE_SIZE; ; total *= 2) {
		struct seq_buf *m = kmalloc(total, GFP_KERNEL);
		int err;

		if (!m)
			return ERR_PTR(-ENOMEM);
		m->buf = (char *)(m + 1);
		m->size = total - sizeof(*m);
		m->len = 0;
		m->private = data;
		err = show ? show(m) : 0;
		if (err) {
			kfree(m);
			return ERR_PTR(err);
		}
		if (!seq_buf_overflowed(m))
			return m;
		if (total * 2 > PROC_MAX_SNAPSHOT) {
			m->len = m->size - 1;	/* vsnprintf kept a NUL */
			return m;
		}
		kfree(m);
	}
}

static int proc_file_open(struct inode *inode, struct file *f)
{
	struct proc_entry *de = inode->i_private;
	struct seq_buf *m;

	if ((f->f_mode & FMODE_WRITE) && !de->store)
		return -EACCES;
	if (!(f->f_mode & FMODE_READ))
		return 0;	/* write-only: no snapshot */
	m = proc_snapshot(de->show, de->data);
	if (IS_ERR(m))
		return PTR_ERR(m);
	f->private_data = m;
	return 0;
}

int proc_snapshot_release(struct inode *inode, struct file *f)
{
	kfree(f->private_data);
	return 0;
}

/* f_pos_lock held by the caller (regular file): *pos is ours. */
ssize_t proc_snapshot_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct seq_buf *m = f->private_data;
	size_t n, c;

	if (!m || *pos >= (loff_t)m->len)
		return 0;
	n = min(m->len - (size_t)*pos, iov_iter_count(to));
	c = copy_to_iter(m->buf + *pos, n, to);
	*pos += c;
	return c ? (ssize_t)c : -EFAULT;
}

/* One write = one store() call with the bytes as a kernel string. */
static ssize_t proc_file_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct proc_entry *de = file_inode(f)->i_private;
	size_t n = iov_iter_count(from);
	char *kbuf;
	int err;

	if (!de->store)
		return -EACCES;
	if (n >= PAGE_SIZE)
		return -EINVAL;
	if (!(kbuf = kmalloc(n + 1, GFP_KERNEL)))
		return -ENOMEM;
	err = copy_from_iter(kbuf, n, from) == n ? 0 : -EFAULT;
	kbuf[n] = 0;
	if (!err)
		err = de->store(kbuf, n);
	kfree(kbuf);
	if (err)
		return err;
	*pos += n;
	return n;
}

/* sys_lseek holds f_pos_lock. SEEK_END is relative to the snapshot. */
loff_t proc_snapshot_llseek(struct file *f, loff_t off, int whence)
{
	struct seq_buf *m = f->private_data;
	loff_t base;

	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = f->f_pos; break;
	case SEEK_END: base = m ? (loff_t)m->len : 0; break;
	default: return -EINVAL;
	}
	if (off < -base || off > (loff_t)(~0UL >> 1) - base)
		return -EINVAL;
	f->f_pos = base + off;
	return f->f_pos;
}

/* O_TRUNC: fine on tunables, refused on read-only files. */
static int proc_setsize(struct inode *inode, loff_t size)
{
	return ((struct proc_entry *)inode->i_private)->store ? 0 : -EACCES;
}

/* A fixed symlink: its target is made when it is read. */
static int proc_readlink(struct inode *inode, char *buf, int size)
{
	struct proc_entry *de = inode->i_private;

	return de->get_link(buf, size);
}

const struct inode_operations proc_file_iops = { .setsize = proc_setsize };
const struct inode_operations proc_link_iops = { .readlink = proc_readlink };
const struct file_operations proc_file_fops = {
	.open = proc_file_open, .release = proc_snapshot_release, .read = proc_snapshot_read,
	.write = proc_file_write, .llseek = proc_snapshot_llseek,
};
