/* bdev.c: block devices as files (/dev/vda, /dev/vda1, ...). Plain reads
 * and writes go through the device's page cache (bdev_cache.c); with
 * O_DIRECT they are direct: the user's pages are pinned and handed to the
 * device, so offsets, lengths and buffer addresses must be multiples of
 * the logical block size (EINVAL otherwise, as Linux's O_DIRECT). A call is cut into bios of at most
 * 1 MiB submitted under one plug and then waited for together.
 * Also the block ioctls and fsync (a device FLUSH). No locks held across
 * waits; f_pos is serialised by the VFS. */
#include <blkdev.h>
#include <backing-dev.h>
#include <fs.h>
#include <sched.h>
#include <uaccess.h>
#include <printk.h>

#define BLKRASET 0x1262
#define BLKRAGET 0x1263
#define BLKFLSBUF 0x1261
#define BLKGETSIZE 0x1260
#define BLKSSZGET 0x1268
#define BLKPBSZGET 0x127b
#define BLKGETSIZE64 0x80081272
#define DIO_MAX_BIO (1U << 20)

struct dio {
	atomic_t remaining;	/* bios in flight + 1 for the submitter */
	int error;
	struct completion done;
	int write;
	unsigned int wflags;	/* REQ_FUA for O_DSYNC/O_SYNC writes */
};

static void dio_bio_end_io(struct bio *b)
{
	struct dio *d = b->bi_private;
	if (b->bi_status)
		d->error = b->bi_status;
	for (int i = 0; i < b->bi_vcnt; i++) {
		struct bio_vec *bv = &b->bi_io_vec[i];
		unsigned long n = DIV_ROUND_UP(bv->bv_offset + bv->bv_len, PAGE_SIZE);
		for (unsigned long k = 0; k < n; k++)
			put_page(bv->bv_page + k);
	}
	bio_put(b);
	if (atomic_dec_and_test(&d->remaining))
		complete(&d->done);
}

static struct page *iter_page(struct iov_iter *it, unsigned long addr, int write)
{
	if (it->type == ITER_KVEC) {
		struct page *p = virt_to_page((void *)addr);
		get_page(p);
		return p;
	}
	return get_user_page(addr, write);
}

/* Submits bios for [addr, addr+len) at sector; pins each page. A bio
 * takes up to max_sectors of bytes and max_segments of segments:
 * bio_add_page merges physically contiguous pages into one segment (as
 * Linux's bio_iov_iter_get_pages), so a buffer of contiguous pages is one
 * request however large; when the vector is full, the rest goes into the
 * next bio. */
static int dio_segment(struct block_device *bd, struct dio *d, struct iov_iter *it,
		       unsigned long addr, size_t len, sector_t *sector)
{
	struct queue_limits *l = &bd->bd_disk->queue->limits;
	size_t lim = min((size_t)DIO_MAX_BIO, (size_t)l->max_sectors << SECTOR_SHIFT);

	while (len) {
		size_t chunk = min(len, lim), done = 0;
		unsigned int nvec = min(DIV_ROUND_UP((addr & ~PAGE_MASK) + chunk, PAGE_SIZE),
					(unsigned long)l->max_segments);
		struct bio *b = bio_alloc(bd, nvec, d->write ? REQ_OP_WRITE | d->wflags : REQ_OP_READ,
					  GFP_KERNEL);
		int full = 0;
		if (!b)
			return -ENOMEM;
		b->bi_sector = *sector;
		b->bi_private = d;
		b->bi_end_io = dio_bio_end_io;
		while (done < chunk && !full) {
			unsigned long a = addr + done;
			unsigned int off = a & ~PAGE_MASK, n = min(chunk - done, PAGE_SIZE - off);
			/* a device read writes memory, so the page must be writable */
			struct page *pg = iter_page(it, a, !d->write);
			if (!pg)
				break;
			if (bio_add_page(b, pg, n, off))
				done += n;
			else {		/* no segment left: pg starts the next bio */
				put_page(pg);
				full = 1;
			}
		}
		if (done < chunk && !full) {	/* bad buffer: finish what we pinned */
			b->bi_size = 0;
			b->bi_status = -EFAULT;
			atomic_inc(&d->remaining);
			dio_bio_end_io(b);
			return -EFAULT;
		}
		atomic_inc(&d->remaining);
		submit_bio(b);
		*sector += done >> SECTOR_SHIFT;
		addr += done;
		len -= done;
	}
	return 0;
}

static ssize_t blkdev_direct_io(struct file *f, struct iov_iter *it, loff_t *pos, int write)
{
	struct block_device *bd = f->private_data;
	unsigned int bs = bd->bd_disk->queue->limits.logical_block_size;
	loff_t size = (loff_t)bd->bd_nr_sectors << SECTOR_SHIFT;
	size_t count = iov_iter_count(it);
	if (*pos & (bs - 1))
		return -EINVAL;
	for (unsigned long i = 0; i < it->nr_segs; i++)
		if (((unsigned long)it->iov[i].iov_base | it->iov[i].iov_len) & (bs - 1))
			return -EINVAL;
	if (*pos >= size)
		return write && count ? -ENOSPC : 0;
	count = min((loff_t)count, size - *pos);
	struct dio d = { .error = 0, .write = write,
			 .wflags = (f->f_flags & O_DSYNC) ? REQ_FUA | REQ_SYNC : 0 };
	atomic_set(&d.remaining, 1);
	init_completion(&d.done);
	struct blk_plug plug;
	blk_start_plug(&plug);
	sector_t sector = *pos >> SECTOR_SHIFT;
	size_t left = count;
	int err = 0;
	for (unsigned long i = 0; i < it->nr_segs && left && !err; i++) {
		size_t n = min(left, it->iov[i].iov_len);
		err = dio_segment(bd, &d, it, (unsigned long)it->iov[i].iov_base, n, &sector);
		left -= n;
	}
	blk_finish_plug(&plug);
	if (!atomic_dec_and_test(&d.remaining))
		wait_for_completion(&d.done);
	if (err || d.error)
		return err ? err : d.error;
	*pos += count;
	return count;
}

/* Buffered I/O (no O_DIRECT) goes through the device's page cache; the
 * direct path first writes back and drops the cached range it touches so
 * the two never disagree. */
static ssize_t blkdev_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct block_device *bd = f->private_data;
	if (f->f_flags & O_DIRECT) {
		filemap_write_and_wait_range(bdev_mapping(bd), *pos, *pos + iov_iter_count(to) - 1);
		return blkdev_direct_io(f, to, pos, 0);
	}
	return filemap_read(f, to, pos);
}

/* Data of the range (errors reported once per open file), then a
 * device FLUSH; a device has no inode metadata, so datasync is moot. */
static int blkdev_fsync(struct file *f, loff_t start, loff_t end, int datasync)
{
	(void)datasync;
	int err = file_write_and_wait_range(f, start, end);
	int err2 = blkdev_issue_flush(f->private_data);
	return err ? err : err2;
}

static ssize_t blkdev_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct block_device *bd = f->private_data;
	loff_t size = (loff_t)bd->bd_nr_sectors << SECTOR_SHIFT;
	if (f->f_flags & O_DIRECT) {
		loff_t end = *pos + iov_iter_count(from) - 1;
		filemap_write_and_wait_range(bdev_mapping(bd), *pos, end);
		ssize_t r = blkdev_direct_io(f, from, pos, 1);
		if (r > 0 && invalidate_inode_pages2_range(bdev_mapping(bd), (*pos - r) >> PAGE_SHIFT,
							   (*pos - 1) >> PAGE_SHIFT) == -EBUSY)
			pr_warn_once("%s: direct write under a busy cached page (a mounted fs?): "
				     "the cache may be stale\n", bd->name);
		return r;
	}
	if (*pos >= size)
		return iov_iter_count(from) ? -ENOSPC : 0;
	if (iov_iter_count(from) > (size_t)(size - *pos))
		from->count = size - *pos;	/* shorten: stop at the end of the device */
	ssize_t r = generic_perform_write(f, from, pos);
	if (r > 0 && (f->f_flags & O_DSYNC)) {	/* an fsync: errors through the file */
		int err = blkdev_fsync(f, *pos - r, *pos - 1, 1);
		if (err)
			return err;
	}
	return r;
}

int blkdev_issue_flush(struct block_device *bd)
{
	if (!bd->bd_disk->flush)
		return 0;
	struct bio *b = bio_alloc(bd, 0, REQ_OP_FLUSH | REQ_PREFLUSH, GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	int err = submit_bio_wait(b);
	bio_put(b);
	return err;
}

static loff_t blkdev_llseek(struct file *f, loff_t off, int whence)
{
	struct block_device *bd = f->private_data;
	loff_t size = (loff_t)bd->bd_nr_sectors << SECTOR_SHIFT;
	loff_t base = whence == 0 ? 0 : whence == 1 ? f->f_pos : whence == 2 ? size : -1;
	if (base < 0 || base + off < 0)
		return -EINVAL;
	f->f_pos = base + off;
	return f->f_pos;
}

static long blkdev_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct block_device *bd = f->private_data;
	void __user *p = (void __user *)arg;
	switch (cmd) {
	case BLKGETSIZE64:
		return put_user((u64)bd->bd_nr_sectors << SECTOR_SHIFT, (u64 __user *)p);
	case BLKGETSIZE:
		return put_user((unsigned long)bd->bd_nr_sectors, (unsigned long __user *)p);
	case BLKSSZGET:
	case BLKPBSZGET:
		return put_user((int)bd->bd_disk->queue->limits.logical_block_size, (int __user *)p);
	case BLKFLSBUF: {	/* write back, then drop the device's cache */
		int err = sync_blockdev(bd);
		/* not truncation: a mounted fs pins folios it points into */
		invalidate_mapping_pages(bdev_mapping(bd), 0, ~0UL);
		return err;
	}
	case BLKRAGET:		/* the disk's, as Linux: partitions share it */
		if (!bd->bd_disk->bdi)
			return -ENOTTY;
		return put_user((long)bd->bd_disk->bdi->ra_pages * (PAGE_SIZE / SECTOR_SIZE),
				(long __user *)p);
	case BLKRASET:		/* files opened from now on use it */
		if (!bd->bd_disk->bdi)
			return -ENOTTY;
		if (arg > (1UL << 20))
			return -EINVAL;
		WRITE_ONCE(bd->bd_disk->bdi->ra_pages, arg / (PAGE_SIZE / SECTOR_SIZE));
		return 0;
	}
	if (bd->bd_disk->fops && bd->bd_disk->fops->ioctl)	/* the driver's own */
		return bd->bd_disk->fops->ioctl(bd, f->f_mode, cmd, arg);
	return -ENOTTY;
}

static int blkdev_open(struct inode *inode, struct file *f)
{
	struct block_device *bd = bdev_get(inode->i_rdev);
	if (!bd)
		return -ENXIO;
	if ((f->f_mode & FMODE_WRITE) && bd->bd_disk->ro)
		return -EROFS;
	int err = blkdev_get(bd, f->f_mode);
	if (err)
		return err;
	f->private_data = bd;
	f->f_op = &def_blk_fops;
	f->f_inode->i_mapping = bdev_mapping(bd);	/* the device node shares the cache */
	f->f_wb_err = filemap_sample_wb_err(bdev_mapping(bd));	/* sampled the node's own */
	file_ra_state_init(&f->f_ra, bdev_mapping(bd));	/* the disk's window, not the node's fs */
	return 0;
}

static int blkdev_release(struct inode *inode, struct file *f)
{
	(void)inode;
	if (f->private_data)	/* not for an O_PATH file, never opened */
		blkdev_put(f->private_data);
	return 0;
}

const struct file_operations def_blk_fops = {
	.open = blkdev_open,
	.release = blkdev_release,
	.read = blkdev_read,
	.write = blkdev_write,
	.llseek = blkdev_llseek,
	.ioctl = blkdev_ioctl,
	.fsync = blkdev_fsync,
	.mmap = generic_file_mmap,	/* maps the device's page cache */
};
