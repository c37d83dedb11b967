/* read_write.c: iov_iter copying, read/write/readv/writev/pread/pwrite/
 * lseek and kernel_read/kernel_write. f_pos of regular files and dirs is
 * serialised by file->f_pos_lock (taken before the fs's i_rwsem), which
 * the system calls take only for a shared file (fdget_pos); callers hold
 * no locks (user copies may fault and sleep). */
#include <fs.h>
#include <sched.h>
#include <slab.h>
#include <string.h>
#include <uaccess.h>
#include <syscalls_fs.h>

void iov_iter_init(struct iov_iter *i, int type, const struct iovec *iov,
		   unsigned long nr_segs, size_t count)
{
	i->type = type;
	i->iov = iov;
	i->nr_segs = nr_segs;
	i->iov_offset = 0;
	i->count = count;
}

void iov_iter_ubuf(struct iov_iter *i, void __user *buf, size_t len)
{
	i->single.iov_base = buf;
	i->single.iov_len = len;
	iov_iter_init(i, ITER_IOVEC, &i->single, 1, len);
}

void iov_iter_kbuf(struct iov_iter *i, void *buf, size_t len)
{
	i->single.iov_base = buf;
	i->single.iov_len = len;
	iov_iter_init(i, ITER_KVEC, &i->single, 1, len);
}

/* Move the cursor over n bytes (n <= i->count). */
void iov_iter_advance(struct iov_iter *i, size_t n)
{
	i->iov_offset += n;
	i->count -= n;
	while (i->nr_segs && i->iov_offset >= i->iov->iov_len) {
		i->iov_offset -= i->iov->iov_len;
		i->iov++;
		i->nr_segs--;
	}
}

/* op: 0 copy to the iter, 1 copy from it, 2 zero it. */
static size_t iter_copy(void *kbuf, size_t n, struct iov_iter *i, int op)
{
	size_t done = 0;

	n = min(n, i->count);
	while (done < n && i->nr_segs) {
		char *seg = (char *)i->iov->iov_base + i->iov_offset;
		size_t c = min(n - done, i->iov->iov_len - i->iov_offset);
		unsigned long left = 0;
		char *k = (char *)kbuf + done;

		if (i->type == ITER_KVEC) {
			if (op == 0)
				memcpy(seg, k, c);
			else if (op == 1)
				memcpy(k, seg, c);
			else
				memset(seg, 0, c);
		} else if (op == 0) {
			left = copy_to_user(seg, k, c);
		} else if (op == 1) {
			left = copy_from_user(k, seg, c);
		} else {
			left = clear_user(seg, c);
		}
		iov_iter_advance(i, c - left);
		done += c - left;
		if (left)
			break;
	}
	return done;
}

size_t copy_to_iter(const void *from, size_t n, struct iov_iter *i)
{
	return iter_copy((void *)from, n, i, 0);
}

size_t copy_from_iter(void *to, size_t n, struct iov_iter *i)
{
	return iter_copy(to, n, i, 1);
}

size_t iov_iter_zero(size_t n, struct iov_iter *i)
{
	return iter_copy(NULL, n, i, 2);
}

loff_t generic_file_llseek(struct file *f, loff_t off, int whence)
{
	struct inode *inode = file_inode(f);
	loff_t size = READ_ONCE(inode->i_size), pos;

	switch (whence) {
	case SEEK_SET: pos = off; break;
	case SEEK_CUR: pos = f->f_pos + off; break;
	case SEEK_END: pos = size + off; break;
	case SEEK_DATA:
		if (off < 0 || off >= size)
			return -ENXIO;
		pos = off;
		break;
	case SEEK_HOLE:
		if (off < 0 || off >= size)
			return -ENXIO;
		pos = size;
		break;
	default: return -EINVAL;
	}
	if (pos < 0)
		return -EINVAL;
	f->f_pos = pos;
	return pos;
}

loff_t noop_llseek(struct file *f, loff_t off, int whence)
{
	return f->f_pos;
}

static ssize_t rw_iter(struct file *f, struct iov_iter *it, loff_t *pos, int write)
{
	if (!(f->f_mode & (write ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	if (S_ISDIR(file_inode(f)->i_mode))
		return -EISDIR;		/* whatever the file system (generic_read_dir) */
	if (write ? !f->f_op->write : !f->f_op->read)
		return -EINVAL;
	if (!iov_iter_count(it))
		return 0;
	return write ? f->f_op->write(f, it, pos) : f->f_op->read(f, it, pos);
}

/* A read or write at f_pos (the caller serialises f_pos: f_pos_lock, or
 * a file nobody shares), which advances it. */
static ssize_t rw_iter_fpos(struct file *f, struct iov_iter *it, int write)
{
	loff_t p = f->f_pos;
	ssize_t ret = rw_iter(f, it, &p, write);

	if (ret >= 0)
		f->f_pos = p;
	return ret;
}

/* Uses and updates f_pos if pos is NULL. */
static ssize_t vfs_iter(struct file *f, struct iov_iter *it, loff_t *pos, int write)
{
	ssize_t ret;

	if (pos) {
		if (*pos < 0)
			return -EINVAL;
		return rw_iter(f, it, pos, write);
	}
	if (f->f_mode & FMODE_ATOMIC_POS)
		mutex_lock(&f->f_pos_lock);
	ret = rw_iter_fpos(f, it, write);
	if (f->f_mode & FMODE_ATOMIC_POS)
		mutex_unlock(&f->f_pos_lock);
	return ret;
}

ssize_t kernel_read(struct file *f, void *kbuf, size_t n, loff_t *pos)
{
	struct iov_iter it;

	iov_iter_kbuf(&it, kbuf, min(n, (size_t)MAX_RW_COUNT));
	return vfs_iter(f, &it, pos, 0);
}

ssize_t kernel_write(struct file *f, const void *kbuf, size_t n, loff_t *pos)
{
	struct iov_iter it;

	iov_iter_kbuf(&it, (void *)kbuf, min(n, (size_t)MAX_RW_COUNT));
	return vfs_iter(f, &it, pos, 1);
}

/* A user buffer read or written at *pos, or at f_pos if pos is NULL
 * (serialised by the caller's fdget_pos). */
static long rw_user(struct file *f, void __user *buf, size_t count, loff_t *pos, int write)
{
	struct iov_iter it;

	count = min(count, (size_t)MAX_RW_COUNT);
	if (!access_ok(buf, count))
		return -EFAULT;
	iov_iter_ubuf(&it, buf, count);
	return pos ? vfs_iter(f, &it, pos, write) : rw_iter_fpos(f, &it, write);
}

/* read(2)/write(2): the fd held with fdget_pos (f_pos_lock if shared). */
static long do_rw(int fd, void __user *buf, size_t count, int write)
{
	struct fd f = fdget_pos(fd);
	long ret;

	if (!f.file)
		return -EBADF;
	ret = rw_user(f.file, buf, count, NULL, write);
	fdput_pos(f);
	return ret;
}

long sys_read(int fd, void __user *buf, size_t count)
{
	return do_rw(fd, buf, count, 0);
}

long sys_write(int fd, const void __user *buf, size_t count)
{
	return do_rw(fd, (void __user *)buf, count, 1);
}

static long do_prw(int fd, void __user *buf, size_t count, loff_t pos, int write)
{
	struct fd f = fdget(fd);
	long ret = -ESPIPE;

	if (!f.file)
		return -EBADF;
	if (pos < 0)
		ret = -EINVAL;
	else if (f.file->f_op->llseek && f.file->f_op->llseek != noop_llseek)
		ret = rw_user(f.file, buf, count, &pos, write);
	fdput(f);
	return ret;
}

long sys_pread64(int fd, void __user *buf, size_t count, loff_t pos)
{
	return do_prw(fd, buf, count, pos, 0);
}

long sys_pwrite64(int fd, const void __user *buf, size_t count, loff_t pos)
{
	return do_prw(fd, (void __user *)buf, count, pos, 1);
}

#define UIO_FASTIOV 8

/* Copy and check a user iovec array; *out is fast or kmalloc'd. */
static long import_iovec(const struct iovec __user *uvec, int cnt,
			 struct iovec *fast, struct iovec **out, size_t *total)
{
	struct iovec *iov = fast;
	size_t sum = 0;

	if (cnt < 0 || cnt > UIO_MAXIOV)
		return -EINVAL;
	if (cnt > UIO_FASTIOV && !(iov = kmalloc(cnt * sizeof(*iov), GFP_KERNEL)))
		return -ENOMEM;
	*out = iov;
	if (copy_from_user(iov, uvec, cnt * sizeof(*iov)))
		return -EFAULT;
	for (int i = 0; i < cnt; i++) {
		if ((ssize_t)iov[i].iov_len < 0)
			return -EINVAL;
		if (!access_ok(iov[i].iov_base, iov[i].iov_len))
			return -EFAULT;
		if (iov[i].iov_len > (size_t)MAX_RW_COUNT - sum)
			iov[i].iov_len = MAX_RW_COUNT - sum;
		sum += iov[i].iov_len;
	}
	*total = sum;
	return 0;
}

static long do_rwv(int fd, const struct iovec __user *uvec, int cnt,
		   loff_t *pos, int write)
{
	struct iovec fast[UIO_FASTIOV], *iov = fast;
	struct iov_iter it;
	struct fd f;
	size_t total;
	long ret;

	ret = import_iovec(uvec, cnt, fast, &iov, &total);
	if (ret)
		goto out;
	ret = -EBADF;
	f = pos ? fdget(fd) : fdget_pos(fd);
	if (!f.file)
		goto out;
	iov_iter_init(&it, ITER_IOVEC, iov, cnt, total);
	if (!pos)
		ret = rw_iter_fpos(f.file, &it, write);
	else if (f.file->f_op->llseek && f.file->f_op->llseek != noop_llseek)
		ret = vfs_iter(f.file, &it, pos, write);
	else
		ret = -ESPIPE;
	fdput_pos(f);		/* fdput when fdget_pos took no lock */
out:
	if (iov != fast)
		kfree(iov);
	return ret;
}

long sys_readv(int fd, const struct iovec __user *vec, int vlen)
{
	return do_rwv(fd, vec, vlen, NULL, 0);
}

long sys_writev(int fd, const struct iovec __user *vec, int vlen)
{
	return do_rwv(fd, vec, vlen, NULL, 1);
}

long sys_preadv(int fd, const struct iovec __user *vec, int vlen, loff_t pos)
{
	if (pos < 0)
		return -EINVAL;
	return do_rwv(fd, vec, vlen, &pos, 0);
}

long sys_pwritev(int fd, const struct iovec __user *vec, int vlen, loff_t pos)
{
	if (pos < 0)
		return -EINVAL;
	return do_rwv(fd, vec, vlen, &pos, 1);
}

long sys_lseek(int fd, off_t offset, unsigned int whence)
{
	struct fd f = fdget_pos(fd);
	long ret;

	if (!f.file)
		return -EBADF;
	if (!f.file->f_op->llseek)
		ret = -ESPIPE;
	else if (whence > SEEK_HOLE)
		ret = -EINVAL;
	else
		ret = f.file->f_op->llseek(f.file, offset, whence);
	fdput_pos(f);
	return ret;
}

/* sendfile: copy from in_fd (at *offset, or at and advancing its file
 * position) to out_fd through a kernel buffer, as Linux's do_sendfile
 * does without splice. Stops at the end of the input, a short write or
 * a signal; returns the bytes moved or -errno if none were. */
long sys_sendfile64(int out_fd, int in_fd, loff_t __user *offset, size_t count)
{
	struct file *in = fget(in_fd), *out = fget(out_fd);
	size_t chunk = 4 * PAGE_SIZE;
	char *buf = NULL;
	loff_t pos = 0;
	ssize_t done = 0, ret = 0;

	if (!in || !out || !(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE))
		ret = -EBADF;
	else if (out->f_flags & O_APPEND)
		ret = -EINVAL;
	else if (offset && (!in->f_op->llseek || in->f_op->llseek == noop_llseek))
		ret = -ESPIPE;
	else if (offset && copy_from_user(&pos, offset, sizeof(pos)))
		ret = -EFAULT;
	else if (pos < 0)
		ret = -EINVAL;
	else if (!(buf = kmalloc(chunk, GFP_KERNEL)))
		ret = -ENOMEM;
	if (!ret && !offset)
		pos = in->f_pos;
	count = min(count, (size_t)MAX_RW_COUNT);
	while (!ret && (size_t)done < count) {
		ssize_t n = kernel_read(in, buf, min(chunk, count - done), &pos), w;

		if (n <= 0) {
			ret = n;
			break;
		}
		w = kernel_write(out, buf, n, NULL);
		if (w < n) {
			pos -= n - (w > 0 ? w : 0);	/* not sent: not consumed */
			ret = w < 0 ? w : 0;
			done += w > 0 ? w : 0;
			break;
		}
		done += w;
		if (signal_pending(current))
			break;
	}
	if (buf && !offset)
		in->f_pos = pos;
	else if (buf && put_user(pos, offset))
		ret = -EFAULT;
	kfree(buf);
	if (in)
		fput(in);
	if (out)
		fput(out);
	return done ? done : ret;
}
