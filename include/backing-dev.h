/* backing-dev.h: a backing device (one per disk: partitions share their
 * disk's) and its writeback state (Linux's backing_dev_info and
 * bdi_writeback; one wb per bdi, no cgroup writeback). The wb keeps the
 * device's dirty inodes on three lists, each newest at the head:
 *   b_dirty    dirty inodes, in dirtied_when order;
 *   b_io       the inodes this pass of the flusher is writing;
 *   b_more_io  inodes it wrote part of, to be continued next pass;
 * and a flusher thread ("flush-MAJ:MIN", bdi_writeback_thread) that
 * writes them: queued works (sync), then everything on request (reclaim),
 * then inodes dirty longer than dirty_expire_centisecs (every
 * dirty_writeback_centisecs), then more while dirty memory is over the
 * background threshold.
 * Locks: wb->list_lock (spinlock) > inode->i_lock guards the lists,
 * i_io_list and i_state's queueing bits; wb->work_lock (leaf) the work
 * list and state; wb->bw_lock (leaf) the bandwidth estimate. */
#ifndef _BACKING_DEV_H
#define _BACKING_DEV_H
#include <types.h>
#include <list.h>
#include <spinlock.h>
#include <atomic.h>
#include <wait.h>
#include <writeback.h>

/* A request for the flusher (sync, syncfs, unmount). */
struct wb_writeback_work {
	long nr_pages;
	struct super_block *sb;		/* only this file system's inodes */
	enum writeback_sync_modes sync_mode;
	unsigned tagged_writepages:1;
	unsigned for_kupdate:1;
	unsigned range_cyclic:1;
	unsigned for_background:1;
	unsigned for_sync:1;
	enum wb_reason reason;
	struct list_head list;		/* on wb->work_list */
	struct completion *done;	/* completed when the work is done */
};

/* wb->state bits */
#define WB_start_all 0		/* write everything (wakeup_flusher_threads) */
#define WB_bg_pending 1		/* a writer asked for background writeback */

struct bdi_writeback {
	struct backing_dev_info *bdi;
	unsigned long state;		/* WB_* bits, atomic */
	unsigned long last_old_flush;	/* jiffies of the last periodic pass */
	spinlock_t list_lock;
	struct list_head b_dirty, b_io, b_more_io;
	spinlock_t work_lock;
	struct list_head work_list;
	struct task_struct *task;	/* the flusher thread */
	/* bandwidth estimate (mm/page-writeback.c), in pages and pages/s */
	atomic_long_t written, dirtied;	/* folios written back / dirtied, ever */
	spinlock_t bw_lock;
	unsigned long bw_time_stamp;	/* jiffies */
	unsigned long written_stamp, dirtied_stamp;
	unsigned long write_bandwidth, avg_write_bandwidth;
	unsigned long dirty_ratelimit;	/* the rate each throttled writer gets */
};

struct gendisk;
#define VM_READAHEAD_PAGES (128 * 1024 / PAGE_SIZE)	/* the default window: 128 KiB */

struct backing_dev_info {
	char name[16];			/* "254:0": the disk's numbers */
	struct gendisk *disk;		/* whose partitions' cache inodes hold metadata */
	/* Readahead (mm/readahead.c): the largest window of files on this
	 * disk and of its device nodes, in pages, sampled by each open
	 * (file_ra_state_init) and set with BLKRASET on any of the disk's
	 * nodes, 0: off; and the most a single large read may ask for at
	 * once, one request of the queue's largest size. */
	unsigned long ra_pages, io_pages;
	struct bdi_writeback wb;
	struct list_head bdi_list;	/* all of them (bdi_list_lock) */
};

/* mm/backing-dev.c */
struct backing_dev_info *bdi_alloc(void);
/* Name it and start its flusher (sleeps; no spinlock held). */
int bdi_register(struct backing_dev_info *bdi, const char *name);
/* Call fn for every registered bdi (they are never freed). */
void bdi_for_each(void (*fn)(struct backing_dev_info *bdi, void *arg), void *arg);
/* Wake the flusher now / make sure its periodic pass is due. */
void wb_wakeup(struct bdi_writeback *wb);
void wb_wakeup_delayed(struct bdi_writeback *wb);
static inline int wb_has_dirty_io(struct bdi_writeback *wb)
{
	return !list_empty(&wb->b_dirty) || !list_empty(&wb->b_io) ||
	       !list_empty(&wb->b_more_io);
}

/* The device an inode's data lives on: its file system's disk, or, for
 * a block device's own page-cache inode (no super block, the mapping's
 * private_data is the block_device), that disk. NULL: nothing to write
 * back (ramfs, /proc, pipes). */
struct backing_dev_info *inode_to_bdi(struct inode *inode);
static inline struct bdi_writeback *inode_to_wb(struct inode *inode)
{
	struct backing_dev_info *bdi = inode_to_bdi(inode);
	return bdi ? &bdi->wb : NULL;
}
#endif
