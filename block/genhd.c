/* genhd.c: registering disks and partitions (struct gendisk, struct
 * block_device), their /dev nodes, device-number lookup, the disk's
 * openers (blkdev_get/blkdev_put: the driver's ->open and, for the
 * last one, ->release), set_capacity, and /proc/partitions and
 * /proc/diskstats in Linux's format. Each disk gets a backing_dev_info
 * and its flusher thread (mm/backing-dev.c).
 * Lock: bdev_lock (spinlock) protects the device table; statistics are
 * read under each disk's q->lock. */
#include <blkdev.h>
#include <backing-dev.h>
#include <fs.h>
#include <proc.h>
#include <slab.h>
#include <printk.h>
#include <printf.h>
#include <string.h>

#define MAX_BDEVS 64
static struct block_device *bdevs[MAX_BDEVS];
static int nr_bdevs, nr_disks;
static DEFINE_SPINLOCK(bdev_lock);

struct gendisk *alloc_disk(const char *name, struct request_queue *q)
{
	struct gendisk *d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return NULL;
	strlcpy(d->disk_name, name, sizeof(d->disk_name));
	d->queue = q;
	return d;
}

struct block_device *add_partition(struct gendisk *disk, int partno,
				   sector_t start, sector_t len)
{
	struct block_device *b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b || partno >= DISK_MAX_PARTS)
		return NULL;
	b->bd_disk = disk;
	b->bd_partno = partno;
	b->bd_start_sect = start;
	b->bd_nr_sectors = len;
	b->bd_dev = MKDEV(disk->major ? disk->major : BLOCK_EXT_MAJOR, disk->first_minor + partno);
	if (partno)
		snprintf(b->name, sizeof(b->name), "%s%d", disk->disk_name, partno);
	else
		strlcpy(b->name, disk->disk_name, sizeof(b->name));
	if (bdev_cache_init(b)) {
		kfree(b);
		return NULL;
	}
	disk->part[partno] = b;
	if (partno >= disk->nr_parts)
		disk->nr_parts = partno + 1;
	spin_lock(&bdev_lock);
	if (nr_bdevs < MAX_BDEVS)
		bdevs[nr_bdevs++] = b;
	spin_unlock(&bdev_lock);
	char path[32];
	snprintf(path, sizeof(path), "/dev/%s", b->name);
	int err = do_mknodat(AT_FDCWD, path, S_IFBLK | 0660, b->bd_dev);
	if (err)
		printk("%s: mknod %s: %d\n", disk->disk_name, path, err);
	return b;
}

int add_disk(struct gendisk *disk)
{
	char name[16];

	if (!disk->major) {	/* a driver with its own major numbers them itself */
		spin_lock(&bdev_lock);
		disk->first_minor = nr_disks++ * DISK_MAX_PARTS;
		spin_unlock(&bdev_lock);
	}
	disk->bdi = bdi_alloc();	/* the flusher starts before anything is dirty */
	if (!disk->bdi)
		return -ENOMEM;
	disk->bdi->disk = disk;
	disk->bdi->io_pages = disk->queue->limits.max_sectors >> (PAGE_SHIFT - SECTOR_SHIFT);
	snprintf(name, sizeof(name), "%d:%d", disk->major ? disk->major : BLOCK_EXT_MAJOR,
		 disk->first_minor);
	if (bdi_register(disk->bdi, name)) {
		kfree(disk->bdi);
		disk->bdi = NULL;
		return -ENOMEM;
	}
	if (!add_partition(disk, 0, 0, disk->capacity))
		return -ENOMEM;
	if (disk->capacity)
		printk("%s: %lu sectors (%lu MiB)%s\n", disk->disk_name, disk->capacity,
		       disk->capacity >> 11, disk->ro ? ", read-only" : "");
	blk_partitions_scan(disk);
	return 0;
}

struct block_device *bdev_by_name(const char *name)
{
	struct block_device *r = NULL;
	spin_lock(&bdev_lock);
	for (int i = 0; i < nr_bdevs; i++)
		if (!strcmp(bdevs[i]->name, name))
			r = bdevs[i];
	spin_unlock(&bdev_lock);
	return r;
}

/* NULL for a number no device has, or a removed (hidden) disk's. */
struct block_device *bdev_get(dev_t dev)
{
	struct block_device *r = NULL;
	spin_lock(&bdev_lock);
	for (int i = 0; i < nr_bdevs; i++)
		if (bdevs[i]->bd_dev == dev && !READ_ONCE(bdevs[i]->bd_disk->hidden))
			r = bdevs[i];
	spin_unlock(&bdev_lock);
	return r;
}

int blkdev_get(struct block_device *bdev, unsigned int mode)
{
	struct gendisk *disk = bdev->bd_disk;
	int err = disk->fops && disk->fops->open ? disk->fops->open(bdev, mode) : 0;
	if (!err)
		atomic_inc(&disk->openers);
	return err;
}

void blkdev_put(struct block_device *bdev)
{
	struct gendisk *disk = bdev->bd_disk;
	if (atomic_dec_and_test(&disk->openers) && disk->fops && disk->fops->release)
		disk->fops->release(disk);
}

/* A disk whose size changes (a loop device bound or cleared): the whole
 * disk's block device follows; partitions are not rescanned. */
void set_capacity(struct gendisk *disk, sector_t sectors)
{
	struct request_queue *q = disk->queue;
	spin_lock(&q->lock);
	disk->capacity = sectors;
	if (disk->part[0])
		disk->part[0]->bd_nr_sectors = sectors;
	spin_unlock(&q->lock);
	if (disk->part[0] && disk->part[0]->bd_inode)	/* the cache's EOF */
		WRITE_ONCE(disk->part[0]->bd_inode->i_size, (loff_t)sectors << SECTOR_SHIFT);
}

/* sync(2) and poweroff: every cached block device to stable storage. */
void sync_all_blockdevs(void)
{
	for (int i = 0; i < nr_bdevs; i++)
		sync_blockdev(bdevs[i]);
}

/* /proc/partitions: every disk and partition with its size in 1 KiB
 * blocks, in Linux's format; as Linux, not those of size 0 (an unbound
 * loop device) or removed. */
int partitions_show(struct seq_buf *m)
{
	seq_puts(m, "major minor  #blocks  name\n\n");
	for (int i = 0; i < nr_bdevs; i++) {
		struct block_device *b = bdevs[i];
		if (!b->bd_disk->capacity || b->bd_disk->hidden)
			continue;
		seq_printf(m, "%4u  %7u %10lu %s\n", MAJOR(b->bd_dev), MINOR(b->bd_dev),
			   (unsigned long)(b->bd_nr_sectors >> 1), b->name);
	}
	return 0;
}

int diskstats_show(struct seq_buf *m)
{
	for (int i = 0; i < nr_bdevs; i++) {
		struct block_device *b = bdevs[i];
		struct request_queue *q = b->bd_disk->queue;
		if (b->bd_disk->hidden)
			continue;
		spin_lock(&q->lock);
		struct disk_stats s = b->stats;
		spin_unlock(&q->lock);
		seq_printf(m, "%4u %7u %s %lu %lu %lu %lu %lu %lu %lu %lu %u %lu %lu"
			   " 0 0 0 0 %lu %lu\n", MAJOR(b->bd_dev), MINOR(b->bd_dev), b->name,
			   s.ios[0], s.merges[0], s.sectors[0], s.ticks[0],
			   s.ios[1], s.merges[1], s.sectors[1], s.ticks[1],
			   s.in_driver, s.io_ticks, s.time_in_queue,
			   s.flush_ios, s.flush_ticks);
	}
	return 0;
}
