/* blkdev.h: disks, partitions and request queues.
 * gendisk: one per device (vda, vdb, ...), with a request_queue the driver
 * feeds through ->queue_rq; block_device: the whole disk (partno 0) or a
 * partition, with its sector range and I/O statistics.
 * Locks: q->lock (spinlock; taken in interrupt context too) protects the
 * queue's dispatch list, requests and all statistics of its disk. */
#ifndef _BLKDEV_H
#define _BLKDEV_H
#include <bio.h>
#include <wait.h>

#define DISK_MAX_PARTS 16
#define BLOCK_EXT_MAJOR 254	/* virtio-blk disks: minor = disk * 16 + part */

struct disk_stats {
	unsigned long ios[2], merges[2], sectors[2], ticks[2];	/* [read, write] */
	unsigned long flush_ios, flush_ticks;
	unsigned long io_ticks, time_in_queue;
	unsigned int in_flight;	/* dispatched, not completed (io_ticks) */
	unsigned int in_driver;	/* of those, handed to the driver (field 12) */
	u64 stamp;		/* last io_ticks update, ms */
};

struct gendisk;
struct backing_dev_info;
struct block_device {
	dev_t bd_dev;
	struct gendisk *bd_disk;
	int bd_partno;
	sector_t bd_start_sect, bd_nr_sectors;
	struct disk_stats stats;
	char name[16];
	struct inode *bd_inode;		/* its page cache: bd_inode->i_data */
};

struct queue_limits {
	unsigned int logical_block_size;
	unsigned int max_segments;	/* per request */
	unsigned int max_segment_size;	/* bytes */
	unsigned int max_sectors;	/* per request */
};

struct request {
	struct list_head queuelist;
	struct request_queue *q;
	struct block_device *part;	/* for statistics */
	unsigned int cmd_flags;		/* op and flags of its bios */
	sector_t sector;		/* absolute disk sector */
	unsigned int nr_sectors, nr_segments;
	struct bio *bio, *biotail;
	u64 start_ms;
	int flush_state;		/* RQ_FLUSH_*: FUA/PREFLUSH emulation */
	void *driver_data;		/* the driver's per-request state */
};
/* A device without FUA gets a write with REQ_PREFLUSH/REQ_FUA as up to
 * three steps of the same request: FLUSH, the write, FLUSH. */
#define RQ_FLUSH_NONE 0
#define RQ_FLUSH_PRE 1		/* now a FLUSH, then the data */
#define RQ_FLUSH_DATA 2		/* now the data */
#define RQ_FLUSH_POST 3		/* now the FLUSH after the data */
static inline unsigned int rq_op(struct request *rq)
{
	if (rq->flush_state == RQ_FLUSH_PRE || rq->flush_state == RQ_FLUSH_POST)
		return 2;	/* REQ_OP_FLUSH */
	return rq->cmd_flags & 0xff;
}

struct blk_mq_ops {
	/* Hand rq to the device: 0, or -EBUSY if the device is full (the
	 * queue retries after the next completion). Called with q->lock. */
	int (*queue_rq)(struct request *rq);
	/* Start what queue_rq handed over (notify the device). Called
	 * without q->lock after one or more queue_rq; may be NULL. */
	void (*commit_rqs)(struct request_queue *q);
};

struct request_queue {
	spinlock_t lock;
	struct list_head dispatch;	/* requests waiting for device room */
	struct queue_limits limits;
	const struct blk_mq_ops *ops;
	void *queuedata;
	unsigned int in_driver;		/* requests the driver holds */
	int disk_flush;			/* the device has a volatile cache (FLUSH) */
};

/* What a driver does when its disk is opened, closed or sent an ioctl
 * the block layer does not know (Linux's block_device_operations). */
struct block_device_operations {
	int (*open)(struct block_device *bdev, unsigned int mode);	/* FMODE_* */
	/* The last opener (file or mount) of the disk went away. */
	void (*release)(struct gendisk *disk);
	int (*ioctl)(struct block_device *bdev, unsigned int mode, unsigned int cmd,
		     unsigned long arg);
};

struct gendisk {
	char disk_name[16];
	int major;			/* 0: BLOCK_EXT_MAJOR, minors from add_disk */
	int first_minor;
	const struct block_device_operations *fops;	/* may be NULL */
	atomic_t openers;		/* open files and mounts of it (blkdev_get) */
	int hidden;			/* removed: no opens, not in /proc */
	struct request_queue *queue;
	void *private_data;
	sector_t capacity;		/* in 512-byte sectors */
	int ro, flush;			/* read-only; supports FLUSH */
	int nr_parts;
	struct block_device *part[DISK_MAX_PARTS];	/* [0] = whole disk */
	struct backing_dev_info *bdi;	/* its writeback state and flusher */
};
/* The most pages one bio to bd may carry: the block layer does not
 * split bios, so a submitter stays within the queue's limits. */
static inline unsigned int bdev_max_bio_pages(struct block_device *bd)
{
	struct queue_limits *l = &bd->bd_disk->queue->limits;
	return min(l->max_segments, l->max_sectors >> (PAGE_SHIFT - SECTOR_SHIFT));
}

struct gendisk *alloc_disk(const char *name, struct request_queue *q);
int add_disk(struct gendisk *disk);
struct block_device *bdev_get(dev_t dev);
/* An opener of bdev's disk (open file, mount): ->open may refuse it. */
int blkdev_get(struct block_device *bdev, unsigned int mode);
void blkdev_put(struct block_device *bdev);	/* the last one: ->release */
void set_capacity(struct gendisk *disk, sector_t sectors);
struct block_device *bdev_by_name(const char *name);
struct request_queue *blk_alloc_queue(const struct blk_mq_ops *ops, void *data);
/* Driver completion (interrupt context): status 0 or -errno. */
void blk_mq_end_request(struct request *rq, int status);
void blk_run_queue(struct request_queue *q);
void blk_partitions_scan(struct gendisk *disk);
struct block_device *add_partition(struct gendisk *disk, int partno,
				   sector_t start, sector_t len);
static inline sector_t bdev_nr_sectors(struct block_device *b) { return b->bd_nr_sectors; }
u64 ktime_get_ms(void);
extern const struct file_operations def_blk_fops;
/* The block device's page cache: page N = bytes [N*4096, N*4096+4096). */
struct address_space *bdev_mapping(struct block_device *bdev);
int bdev_cache_init(struct block_device *bdev);
struct folio;
unsigned long bdev_sector_mask(unsigned int off, unsigned int len);
void bdev_folio_dirty_range(struct folio *f, unsigned int off, unsigned int len);
void bdev_folio_clean_range(struct folio *f, unsigned int off, unsigned int len);
int sync_blockdev(struct block_device *bdev);	/* write back + FLUSH */
void sync_all_blockdevs(void);
int blkdev_issue_flush(struct block_device *bd);
#endif
