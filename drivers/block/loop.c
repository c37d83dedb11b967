/* loop.c: loop devices (Linux's drivers/block/loop.c): /dev/loopN (block,
 * major 7, minor N) shows a file (or another block device) as a disk.
 * LOOP_SET_FD / LOOP_CONFIGURE bind a backing file, LOOP_CLR_FD unbinds
 * it, LOOP_SET_STATUS64 / LOOP_GET_STATUS64 set and read lo_offset,
 * lo_sizelimit, lo_file_name and lo_flags (LO_FLAGS_READ_ONLY,
 * LO_FLAGS_AUTOCLEAR: unbind when the last opener goes), LOOP_SET_CAPACITY
 * and LOOP_SET_BLOCK_SIZE follow a size or block-size change. An unbound
 * device has size 0 and answers the status ioctls with ENXIO.
 * /dev/loop-control (char 10:237) does LOOP_CTL_GET_FREE, LOOP_CTL_ADD
 * and LOOP_CTL_REMOVE. loop0..loop7 exist from boot (loop_init).
 *
 * I/O: ->queue_rq runs under q->lock and must not sleep, so it only puts
 * the request on lo_rq_list; the device's kernel thread (loop_thread,
 * "loopN") reads or writes the backing file through its page cache
 * (kernel_read/kernel_write at lo_offset + sector * 512; a read past the
 * file's end is zeros), turns a FLUSH into vfs_fsync of the backing file
 * and completes the request (a FLUSH of an unbound device has nothing
 * to do: success; reads and writes fail with EIO). The bound device
 * holds a reference on the backing file (its struct file) until it is
 * unbound.
 *
 * Locks, in order: loop_ctl_mutex (the table, add/remove), lo_mutex (a
 * device's state: bind, unbind, status), then q->lock before lo_lock (a
 * spinlock: lo_rq_list, lo_inflight, and the state as the thread reads
 * it). Unbinding sets Lo_rundown under lo_lock, so the thread fails new
 * requests (EIO) without touching the file, and waits until none is in
 * flight before it drops the file. */
#include <blkdev.h>
#include <fs.h>
#include <sched.h>
#include <slab.h>
#include <mutex.h>
#include <string.h>
#include <printf.h>
#include <printk.h>
#include <uaccess.h>
#include <pagemap.h>

#ifndef LLONG_MAX
#define LLONG_MAX ((long long)(~0ULL >> 1))
#endif
#define LOOP_MAJOR 7
#define MISC_MAJOR 10
#define LOOP_CTRL_MINOR 237
#define LOOP_MAX 16		/* minors 0..15 */
#define LOOP_BOOT_DEVICES 8

#define LOOP_SET_FD 0x4C00
#define LOOP_CLR_FD 0x4C01
#define LOOP_SET_STATUS64 0x4C04
#define LOOP_GET_STATUS64 0x4C05
#define LOOP_SET_CAPACITY 0x4C07
#define LOOP_SET_BLOCK_SIZE 0x4C09
#define LOOP_CONFIGURE 0x4C0A
#define LOOP_CTL_ADD 0x4C80
#define LOOP_CTL_REMOVE 0x4C81
#define LOOP_CTL_GET_FREE 0x4C82

#define LO_FLAGS_READ_ONLY 1
#define LO_FLAGS_AUTOCLEAR 4
#define LO_FLAGS_PARTSCAN 8
#define LO_FLAGS_DIRECT_IO 16
#define LOOP_SET_STATUS_SETTABLE_FLAGS (LO_FLAGS_AUTOCLEAR | LO_FLAGS_PARTSCAN)
#define LOOP_SET_STATUS_CLEARABLE_FLAGS LO_FLAGS_AUTOCLEAR
#define LOOP_CONFIGURE_SETTABLE_FLAGS (LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR | \
				       LO_FLAGS_PARTSCAN | LO_FLAGS_DIRECT_IO)
#define LO_NAME_SIZE 64
#define LO_KEY_SIZE 32

struct loop_info64 {		/* the user's, as Linux's uapi */
	u64 lo_device, lo_inode, lo_rdevice;	/* of the backing file (read) */
	u64 lo_offset, lo_sizelimit;		/* bytes; sizelimit 0: to the end */
	u32 lo_number, lo_encrypt_type, lo_encrypt_key_size, lo_flags;
	u8 lo_file_name[LO_NAME_SIZE];
	u8 lo_crypt_name[LO_NAME_SIZE];
	u8 lo_encrypt_key[LO_KEY_SIZE];
	u64 lo_init[2];
};

struct loop_config {
	u32 fd, block_size;
	struct loop_info64 info;
	u64 __reserved[8];
};

enum { Lo_unbound, Lo_bound, Lo_rundown };

struct loop_device {
	int lo_number;
	int lo_state;			/* lo_mutex; lo_lock too for the thread */
	int lo_flags;
	int removed;			/* LOOP_CTL_REMOVE: hidden until added again */
	loff_t lo_offset, lo_sizelimit;
	char lo_file_name[LO_NAME_SIZE];
	struct file *lo_backing_file;	/* referenced while bound */
	struct gendisk *lo_disk;
	struct request_queue *lo_queue;
	struct mutex lo_mutex;
	spinlock_t lo_lock;
	struct list_head lo_rq_list;	/* requests for the thread */
	int lo_inflight;		/* handed to us, not yet completed */
	wait_queue_head_t lo_wait;	/* the thread waits for requests */
	wait_queue_head_t lo_idle;	/* unbinding waits for lo_inflight 0 */
	struct task_struct *lo_thread;
};

static struct loop_device *loop_devs[LOOP_MAX];
static DEFINE_MUTEX(loop_ctl_mutex);

/* ---- the I/O thread ---- */

static int lo_rw(struct file *file, struct bio_vec *bv, loff_t pos, int write)
{
	char *buf = (char *)page_address(bv->bv_page) + bv->bv_offset;
	size_t done = 0, len = bv->bv_len;

	while (done < len) {
		loff_t p = pos + done;
		ssize_t n = write ? kernel_write(file, buf + done, len - done, &p)
				  : kernel_read(file, buf + done, len - done, &p);
		if (n < 0)
			return n;
		if (n == 0 && write)
			return -EIO;
		if (n == 0) {		/* past the end of the file: zeros */
			memset(buf + done, 0, len - done);
			break;
		}
		done += n;
	}
	return 0;
}

static int loop_handle_cmd(struct loop_device *lo, struct request *rq)
{
	unsigned int op = rq_op(rq);
	struct file *file;
	struct bio *bio;
	int err = 0;

	spin_lock(&lo->lo_lock);
	file = lo->lo_state == Lo_bound ? lo->lo_backing_file : NULL;
	spin_unlock(&lo->lo_lock);
	if (!file)	/* unbound or being unbound: nothing to flush, no data */
		return op == REQ_OP_FLUSH ? 0 : -EIO;
	if (op == REQ_OP_FLUSH)
		return vfs_fsync_range(file, 0, LLONG_MAX, 0) ? -EIO : 0;
	if (op != REQ_OP_READ && op != REQ_OP_WRITE)
		return -EOPNOTSUPP;
	for (bio = rq->bio; bio && !err; bio = bio->bi_next) {
		loff_t pos = ((loff_t)bio->bi_sector << SECTOR_SHIFT) + lo->lo_offset;
		for (int i = 0; i < bio->bi_vcnt && !err; i++) {
			err = lo_rw(file, &bio->bi_io_vec[i], pos, op == REQ_OP_WRITE);
			pos += bio->bi_io_vec[i].bv_len;
		}
	}
	return err == -ENOSPC ? err : err ? -EIO : 0;
}

static int loop_thread(void *data)
{
	struct loop_device *lo = data;

	for (;;) {
		struct request *rq;
		wait_event(lo->lo_wait, !list_empty(&lo->lo_rq_list));
		spin_lock(&lo->lo_lock);
		rq = list_first_entry(&lo->lo_rq_list, struct request, queuelist);
		list_del_init(&rq->queuelist);
		spin_unlock(&lo->lo_lock);
		blk_mq_end_request(rq, loop_handle_cmd(lo, rq));
		spin_lock(&lo->lo_lock);
		lo->lo_inflight--;
		spin_unlock(&lo->lo_lock);
		wake_up(&lo->lo_idle);
	}
	return 0;
}

/* q->lock held: must not sleep. */
static int loop_queue_rq(struct request *rq)
{
	struct loop_device *lo = rq->q->queuedata;

	spin_lock(&lo->lo_lock);
	list_add_tail(&rq->queuelist, &lo->lo_rq_list);
	lo->lo_inflight++;
	spin_unlock(&lo->lo_lock);
	return 0;
}

static void loop_commit_rqs(struct request_queue *q)
{
	wake_up(&((struct loop_device *)q->queuedata)->lo_wait);
}

static const struct blk_mq_ops loop_mq_ops = {
	.queue_rq = loop_queue_rq,
	.commit_rqs = loop_commit_rqs,
};

/* ---- binding and unbinding ---- */

/* The disk's size in sectors: the backing file's (a block device's own
 * size if it is one) past lo_offset, at most lo_sizelimit. */
static sector_t get_loop_size(struct loop_device *lo, struct file *file)
{
	struct inode *inode = file_inode(file);
	loff_t size = S_ISBLK(inode->i_mode) ?
		(loff_t)bdev_nr_sectors(file->private_data) << SECTOR_SHIFT : inode->i_size;

	size -= lo->lo_offset;
	if (size < 0)
		return 0;
	if (lo->lo_sizelimit > 0 && lo->lo_sizelimit < size)
		size = lo->lo_sizelimit;
	return size >> SECTOR_SHIFT;
}

/* A regular file or a block device, and not this device through a
 * chain of loop devices (Linux's loop_validate_file). */
static int loop_validate_file(struct loop_device *lo, struct file *file)
{
	for (;;) {
		struct inode *inode = file_inode(file);
		if (S_ISREG(inode->i_mode))
			return 0;
		if (!S_ISBLK(inode->i_mode) || !file->private_data)
			return -EINVAL;
		struct gendisk *d = ((struct block_device *)file->private_data)->bd_disk;
		if (d == lo->lo_disk)
			return -EINVAL;
		if (d->fops != lo->lo_disk->fops)
			return 0;	/* some other disk */
		struct loop_device *l = d->private_data;
		if (l->lo_state != Lo_bound || !l->lo_backing_file)
			return 0;
		file = l->lo_backing_file;
	}
}

/* Offset, size limit, name (and, from LOOP_CONFIGURE, flags) from info:
 * Linux's loop_set_status_from_info. */
static int loop_set_status_from_info(struct loop_device *lo, const struct loop_info64 *info)
{
	if (info->lo_encrypt_key_size > LO_KEY_SIZE || info->lo_encrypt_type)
		return -EINVAL;
	if (info->lo_offset > (u64)LLONG_MAX || info->lo_sizelimit > (u64)LLONG_MAX)
		return -EOVERFLOW;
	lo->lo_offset = info->lo_offset;
	lo->lo_sizelimit = info->lo_sizelimit;
	memcpy(lo->lo_file_name, info->lo_file_name, LO_NAME_SIZE);
	lo->lo_file_name[LO_NAME_SIZE - 1] = 0;
	lo->lo_flags = info->lo_flags;
	return 0;
}

static int valid_block_size(unsigned long bsize)
{
	return bsize >= 512 && bsize <= PAGE_SIZE && !(bsize & (bsize - 1));
}

/* LOOP_SET_FD and LOOP_CONFIGURE: bind the file behind fd. mode is how
 * the loop device itself was opened. */
static int loop_configure(struct loop_device *lo, unsigned int mode, struct loop_config *cfg)
{
	struct file *file = fget(cfg->fd);
	struct block_device *bdev = lo->lo_disk->part[0];
	int err;

	if (!file)
		return -EBADF;
	mutex_lock(&lo->lo_mutex);
	err = -EBUSY;
	if (lo->lo_state != Lo_unbound)
		goto out;
	if ((err = loop_validate_file(lo, file)))
		goto out;
	err = -EINVAL;
	if (cfg->info.lo_flags & ~LOOP_CONFIGURE_SETTABLE_FLAGS)
		goto out;
	if (cfg->block_size && !valid_block_size(cfg->block_size))
		goto out;
	if ((err = loop_set_status_from_info(lo, &cfg->info)))
		goto out;
	lo->lo_flags &= ~(LO_FLAGS_PARTSCAN | LO_FLAGS_DIRECT_IO);	/* not done here */
	if (!(file->f_mode & FMODE_WRITE) || !(mode & FMODE_WRITE) || !file->f_op ||
	    !file->f_op->write)
		lo->lo_flags |= LO_FLAGS_READ_ONLY;
	lo->lo_queue->limits.logical_block_size = cfg->block_size ? cfg->block_size : 512;
	lo->lo_disk->ro = !!(lo->lo_flags & LO_FLAGS_READ_ONLY);
	truncate_inode_pages(bdev_mapping(bdev), 0);	/* nothing of an earlier file */
	spin_lock(&lo->lo_lock);
	lo->lo_backing_file = file;	/* our reference from fget */
	lo->lo_state = Lo_bound;
	spin_unlock(&lo->lo_lock);
	set_capacity(lo->lo_disk, get_loop_size(lo, file));
	mutex_unlock(&lo->lo_mutex);
	return 0;
out:
	mutex_unlock(&lo->lo_mutex);
	fput(file);
	return err;
}

/* lo_mutex held, bound. Writes back what the device's cache holds, fails
 * new requests, waits for those in flight, then forgets the file. */
static void __loop_clr_fd(struct loop_device *lo)
{
	struct block_device *bdev = lo->lo_disk->part[0];
	struct file *file;

	sync_blockdev(bdev);
	spin_lock(&lo->lo_lock);
	lo->lo_state = Lo_rundown;
	spin_unlock(&lo->lo_lock);
	wait_event(lo->lo_idle, READ_ONCE(lo->lo_inflight) == 0);
	set_capacity(lo->lo_disk, 0);
	truncate_inode_pages(bdev_mapping(bdev), 0);
	spin_lock(&lo->lo_lock);
	file = lo->lo_backing_file;
	lo->lo_backing_file = NULL;
	lo->lo_state = Lo_unbound;
	spin_unlock(&lo->lo_lock);
	lo->lo_offset = lo->lo_sizelimit = 0;
	lo->lo_flags = 0;
	memset(lo->lo_file_name, 0, sizeof(lo->lo_file_name));
	lo->lo_disk->ro = 0;
	lo->lo_queue->limits.logical_block_size = 512;
	fput(file);
}

/* LOOP_CLR_FD. In use by anyone but the caller (a mount, another open
 * file): as Linux 6.1, it only sets LO_FLAGS_AUTOCLEAR and the device
 * unbinds when the last of them goes. */
static int loop_clr_fd(struct loop_device *lo)
{
	int err = 0;

	mutex_lock(&lo->lo_mutex);
	if (lo->lo_state != Lo_bound)
		err = -ENXIO;
	else if (atomic_read(&lo->lo_disk->openers) > 1)
		lo->lo_flags |= LO_FLAGS_AUTOCLEAR;
	else
		__loop_clr_fd(lo);
	mutex_unlock(&lo->lo_mutex);
	return err;
}

/* The last opener went away (blkdev_put): autoclear. */
static void lo_release(struct gendisk *disk)
{
	struct loop_device *lo = disk->private_data;

	mutex_lock(&lo->lo_mutex);
	if (lo->lo_state == Lo_bound && (lo->lo_flags & LO_FLAGS_AUTOCLEAR) &&
	    atomic_read(&disk->openers) == 0)
		__loop_clr_fd(lo);
	mutex_unlock(&lo->lo_mutex);
}

static int lo_open(struct block_device *bdev, unsigned int mode)
{
	struct loop_device *lo = bdev->bd_disk->private_data;
	(void)mode;
	return READ_ONCE(lo->removed) ? -ENXIO : 0;
}

static int loop_set_status64(struct loop_device *lo, const struct loop_info64 __user *arg)
{
	struct block_device *bdev = lo->lo_disk->part[0];
	struct loop_info64 info;
	int err = 0, prev;

	if (copy_from_user(&info, arg, sizeof(info)))
		return -EFAULT;
	mutex_lock(&lo->lo_mutex);
	if (lo->lo_state != Lo_bound) {
		err = -ENXIO;
		goto out;
	}
	if (info.lo_offset != (u64)lo->lo_offset || info.lo_sizelimit != (u64)lo->lo_sizelimit) {
		sync_blockdev(bdev);	/* the cache holds the old layout */
		invalidate_mapping_pages(bdev_mapping(bdev), 0, ~0UL);
	}
	prev = lo->lo_flags;
	if ((err = loop_set_status_from_info(lo, &info))) {
		lo->lo_flags = prev;
		goto out;
	}
	/* only AUTOCLEAR and PARTSCAN can be set, only AUTOCLEAR cleared */
	lo->lo_flags &= LOOP_SET_STATUS_SETTABLE_FLAGS;
	lo->lo_flags |= prev & ~LOOP_SET_STATUS_SETTABLE_FLAGS;
	lo->lo_flags |= prev & ~LOOP_SET_STATUS_CLEARABLE_FLAGS;
	lo->lo_flags &= ~LO_FLAGS_PARTSCAN;	/* partitions are not scanned here */
	set_capacity(lo->lo_disk, get_loop_size(lo, lo->lo_backing_file));
out:
	mutex_unlock(&lo->lo_mutex);
	return err;
}

static int loop_get_status64(struct loop_device *lo, struct loop_info64 __user *arg)
{
	struct loop_info64 info;
	int err = 0;

	if (!arg)
		return -EINVAL;
	memset(&info, 0, sizeof(info));
	mutex_lock(&lo->lo_mutex);
	if (lo->lo_state != Lo_bound) {
		err = -ENXIO;
	} else {
		struct inode *inode = file_inode(lo->lo_backing_file);
		info.lo_number = lo->lo_number;
		info.lo_offset = lo->lo_offset;
		info.lo_sizelimit = lo->lo_sizelimit;
		info.lo_flags = lo->lo_flags;
		memcpy(info.lo_file_name, lo->lo_file_name, LO_NAME_SIZE);
		info.lo_inode = inode->i_ino;
		if (inode->i_sb && inode->i_sb->s_bdev)
			info.lo_device = info.lo_rdevice = inode->i_sb->s_bdev->bd_dev;
	}
	mutex_unlock(&lo->lo_mutex);
	if (!err && copy_to_user(arg, &info, sizeof(info)))
		err = -EFAULT;
	return err;
}

static int loop_set_block_size(struct loop_device *lo, unsigned long arg)
{
	struct block_device *bdev = lo->lo_disk->part[0];
	int err = 0;

	mutex_lock(&lo->lo_mutex);
	if (lo->lo_state != Lo_bound)
		err = -ENXIO;
	else if (!valid_block_size(arg))
		err = -EINVAL;
	else if (lo->lo_queue->limits.logical_block_size != arg) {
		sync_blockdev(bdev);
		invalidate_mapping_pages(bdev_mapping(bdev), 0, ~0UL);
		lo->lo_queue->limits.logical_block_size = arg;
	}
	mutex_unlock(&lo->lo_mutex);
	return err;
}

static int lo_ioctl(struct block_device *bdev, unsigned int mode, unsigned int cmd,
		    unsigned long arg)
{
	struct loop_device *lo = bdev->bd_disk->private_data;
	struct loop_config cfg;
	int err;

	switch (cmd) {
	case LOOP_SET_FD:
		memset(&cfg, 0, sizeof(cfg));
		cfg.fd = arg;
		return loop_configure(lo, mode, &cfg);
	case LOOP_CONFIGURE:
		if (copy_from_user(&cfg, (void __user *)arg, sizeof(cfg)))
			return -EFAULT;
		return loop_configure(lo, mode, &cfg);
	case LOOP_CLR_FD:
		return loop_clr_fd(lo);
	case LOOP_SET_STATUS64:
		return loop_set_status64(lo, (void __user *)arg);
	case LOOP_GET_STATUS64:
		return loop_get_status64(lo, (void __user *)arg);
	case LOOP_SET_CAPACITY:
		mutex_lock(&lo->lo_mutex);
		err = lo->lo_state == Lo_bound ? 0 : -ENXIO;
		if (!err)
			set_capacity(lo->lo_disk, get_loop_size(lo, lo->lo_backing_file));
		mutex_unlock(&lo->lo_mutex);
		return err;
	case LOOP_SET_BLOCK_SIZE:
		return loop_set_block_size(lo, arg);
	}
	return -ENOTTY;
}

static const struct block_device_operations lo_fops = {
	.open = lo_open,
	.release = lo_release,
	.ioctl = lo_ioctl,
};

/* ---- the devices and /dev/loop-control ---- */

static void loop_node(int i, int create)
{
	char path[32];
	snprintf(path, sizeof(path), "/dev/loop%d", i);
	if (create)
		do_mknodat(AT_FDCWD, path, S_IFBLK | 0660, MKDEV(LOOP_MAJOR, i));
	else
		do_unlinkat(AT_FDCWD, path, 0);
}

/* loop_ctl_mutex held. Device i (a free number if i < 0): made once,
 * shown again if it was removed. Returns its number. */
static int loop_add(int i)
{
	struct loop_device *lo;

	if (i < 0)
		for (i = 0; i < LOOP_MAX && loop_devs[i] && !loop_devs[i]->removed; i++)
			;
	if (i >= LOOP_MAX)
		return -ENOSPC;
	lo = loop_devs[i];
	if (lo && !lo->removed)
		return -EEXIST;
	if (lo) {		/* removed earlier: unbound, nobody has it open */
		WRITE_ONCE(lo->removed, 0);
		WRITE_ONCE(lo->lo_disk->hidden, 0);
		loop_node(i, 1);
		return i;
	}
	lo = kzalloc(sizeof(*lo), GFP_KERNEL);
	if (!lo)
		return -ENOMEM;
	lo->lo_number = i;
	mutex_init(&lo->lo_mutex);
	spin_lock_init(&lo->lo_lock);
	INIT_LIST_HEAD(&lo->lo_rq_list);
	init_waitqueue_head(&lo->lo_wait);
	init_waitqueue_head(&lo->lo_idle);
	lo->lo_queue = blk_alloc_queue(&loop_mq_ops, lo);
	char name[16];
	snprintf(name, sizeof(name), "loop%d", i);
	lo->lo_disk = lo->lo_queue ? alloc_disk(name, lo->lo_queue) : NULL;
	/* The thread serves every request, a FLUSH of an unbound device
	 * (sync(2) flushes every disk) included. */
	lo->lo_thread = lo->lo_disk ? kthread_create(loop_thread, lo, name) : NULL;
	if (!lo->lo_disk || IS_ERR(lo->lo_thread)) {
		kfree(lo->lo_disk);	/* a thread that failed: nothing to stop */
		kfree(lo->lo_queue);
		kfree(lo);
		return -ENOMEM;
	}
	lo->lo_queue->disk_flush = 1;	/* FLUSH reaches us: fsync of the file */
	lo->lo_disk->flush = 1;
	lo->lo_disk->major = LOOP_MAJOR;
	lo->lo_disk->first_minor = i;
	lo->lo_disk->fops = &lo_fops;
	lo->lo_disk->private_data = lo;
	int err = add_disk(lo->lo_disk);	/* creates /dev/loopN */
	if (err)
		return err;	/* the disk may be half-registered: keep it */
	loop_devs[i] = lo;
	return i;
}

/* loop_ctl_mutex held. Hidden (not freed: the block layer keeps its
 * disks) and its node removed; LOOP_CTL_ADD brings it back. */
static int loop_remove(int i)
{
	struct loop_device *lo;
	int err = 0;

	if (i < 0)
		return -EINVAL;
	lo = i < LOOP_MAX ? loop_devs[i] : NULL;
	if (!lo || lo->removed)
		return -ENODEV;
	mutex_lock(&lo->lo_mutex);
	if (lo->lo_state != Lo_unbound || atomic_read(&lo->lo_disk->openers) > 0)
		err = -EBUSY;
	else {
		WRITE_ONCE(lo->removed, 1);
		WRITE_ONCE(lo->lo_disk->hidden, 1);
	}
	mutex_unlock(&lo->lo_mutex);
	if (!err)
		loop_node(i, 0);
	return err;
}

static long loop_control_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	long ret = -ENOSYS;
	(void)f;
	mutex_lock(&loop_ctl_mutex);
	switch (cmd) {
	case LOOP_CTL_ADD:	/* a negative number: any free one */
		ret = (long)arg >= LOOP_MAX ? -EINVAL : loop_add((long)arg < 0 ? -1 : (int)arg);
		break;
	case LOOP_CTL_REMOVE:
		ret = loop_remove((long)arg < 0 ? -1 : (long)arg >= LOOP_MAX ? LOOP_MAX : (int)arg);
		break;
	case LOOP_CTL_GET_FREE:
		for (int i = 0; i < LOOP_MAX; i++) {
			struct loop_device *lo = loop_devs[i];
			if (lo && !lo->removed && READ_ONCE(lo->lo_state) == Lo_unbound) {
				ret = i;
				goto out;
			}
		}
		ret = loop_add(-1);
		break;
	}
out:
	mutex_unlock(&loop_ctl_mutex);
	return ret;
}

static const struct file_operations loop_ctl_fops = {
	.ioctl = loop_control_ioctl,
};

/* At boot, after the disks: /dev/loop-control and loop0..loop7. */
void loop_init(void)
{
	register_chrdev_region(MISC_MAJOR, LOOP_CTRL_MINOR, &loop_ctl_fops);
	do_mknodat(AT_FDCWD, "/dev/loop-control", S_IFCHR | 0660,
		   MKDEV(MISC_MAJOR, LOOP_CTRL_MINOR));
	mutex_lock(&loop_ctl_mutex);
	for (int i = 0; i < LOOP_BOOT_DEVICES; i++)
		loop_add(i);
	mutex_unlock(&loop_ctl_mutex);
	printk("loop: %d devices, /dev/loop-control\n", LOOP_BOOT_DEVICES);
}
