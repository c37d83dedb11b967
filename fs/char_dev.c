/* char_dev.c: character device numbers -> file_operations, and the memory
 * devices /dev/null (1,3), /dev/zero (1,5), /dev/full (1,7), /dev/random
 * (1,8) and /dev/urandom (1,9). chrdev_open swaps f_op.
 * chrdevs_lock (spinlock) guards the table; callers hold nothing. */
#include <fs.h>
#include <mm.h>
#include <spinlock.h>
#include <sched.h>

#define MAX_CHRDEVS 16
static struct { dev_t dev; const struct file_operations *fops; } chrdevs[MAX_CHRDEVS];
static int nr_chrdevs;
static DEFINE_SPINLOCK(chrdevs_lock);

int register_chrdev_region(unsigned int major, unsigned int minor,
			   const struct file_operations *fops)
{
	int ret = -EBUSY;

	spin_lock(&chrdevs_lock);
	if (nr_chrdevs < MAX_CHRDEVS) {
		chrdevs[nr_chrdevs].dev = MKDEV(major, minor);
		chrdevs[nr_chrdevs].fops = fops;
		nr_chrdevs++;
		ret = 0;
	}
	spin_unlock(&chrdevs_lock);
	return ret;
}

static const struct file_operations *chrdev_find(dev_t dev)
{
	const struct file_operations *fops = NULL;

	spin_lock(&chrdevs_lock);
	for (int i = 0; i < nr_chrdevs; i++)
		if (chrdevs[i].dev == dev)
			fops = chrdevs[i].fops;
	spin_unlock(&chrdevs_lock);
	return fops;
}

static int chrdev_open(struct inode *inode, struct file *f)
{
	const struct file_operations *fops = chrdev_find(inode->i_rdev);

	if (!fops)
		return -ENXIO;
	f->f_op = fops;
	return fops->open ? fops->open(inode, f) : 0;
}

const struct file_operations def_chr_fops = {
	.open = chrdev_open,
};

static ssize_t null_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	return 0;
}

static ssize_t null_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	size_t n = iov_iter_count(from);

	from->count = 0;
	return n;
}

static ssize_t zero_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	size_t want = iov_iter_count(to);
	size_t n = iov_iter_zero(want, to);

	return n ? (ssize_t)n : (want ? -EFAULT : 0);
}

/* /dev/full: reads as /dev/zero, every write fails as on a full disk. */
static ssize_t full_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	return -ENOSPC;
}

void get_random_bytes(void *buf, size_t n);	/* kernel/sys.c */

/* /dev/random and /dev/urandom: the kernel's generator (not
 * cryptographic: see get_random_bytes); writes are accepted and dropped. */
static ssize_t random_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	char buf[256];
	ssize_t done = 0;

	while (iov_iter_count(to)) {
		size_t n = min(iov_iter_count(to), sizeof(buf)), c;

		get_random_bytes(buf, n);
		c = copy_to_iter(buf, n, to);
		done += c;
		if (c < n)
			return done ? done : -EFAULT;
		if (signal_pending(current))
			break;
	}
	return done;
}

static const struct file_operations null_fops = {
	.read = null_read, .write = null_write, .llseek = noop_llseek,
};
/* A private mapping of /dev/zero is anonymous memory; a shared one is
 * shared anonymous memory (an unnamed file, as MAP_SHARED|MAP_ANONYMOUS). */
static int zero_mmap(struct file *f, struct vm_area_struct *vma)
{
	(void)f;
	if (vma->vm_flags & VM_SHARED)
		return shmem_zero_setup(vma);
	vma->vm_ops = NULL;
	return 0;
}

static const struct file_operations zero_fops = {
	.read = zero_read, .write = null_write, .llseek = noop_llseek, .mmap = zero_mmap,
};
static const struct file_operations full_fops = {
	.read = zero_read, .write = full_write, .llseek = noop_llseek,
};
static const struct file_operations random_fops = {
	.read = random_read, .write = null_write, .llseek = noop_llseek,
};

void chr_mem_init(void)
{
	register_chrdev_region(MEM_MAJOR, 3, &null_fops);
	register_chrdev_region(MEM_MAJOR, 5, &zero_fops);
	register_chrdev_region(MEM_MAJOR, 7, &full_fops);
	register_chrdev_region(MEM_MAJOR, 8, &random_fops);
	register_chrdev_region(MEM_MAJOR, 9, &random_fops);
}
