/* writeback.h: how dirty pages reach the disk (Linux's
 * include/linux/writeback.h). A writeback_control tells ->writepages
 * what to write; the flusher threads (fs/fs-writeback.c) and the dirty
 * throttle (mm/page-writeback.c) decide when; the tunables are those of
 * /proc/sys/vm/ with Linux's names and defaults.
 * Inode dirty state (inode->i_state, under inode->i_lock) is in fs.h. */
#ifndef _WRITEBACK_H
#define _WRITEBACK_H
#include <types.h>

struct inode;
struct super_block;
struct address_space;
struct bdi_writeback;
struct backing_dev_info;

enum writeback_sync_modes {
	WB_SYNC_NONE,	/* start I/O, skip folios already under writeback */
	WB_SYNC_ALL,	/* data integrity: wait for folios under writeback, write all */
};

struct writeback_control {
	long nr_to_write;		/* pages left to write; decremented per folio */
	long pages_skipped;		/* folios not written (busy, or an error) */
	loff_t range_start, range_end;	/* bytes, inclusive (not with range_cyclic) */
	enum writeback_sync_modes sync_mode;
	unsigned for_kupdate:1;		/* the periodic pass: inodes dirty too long */
	unsigned for_background:1;	/* dirty memory over the background threshold */
	unsigned tagged_writepages:1;	/* tag TOWRITE first, so the pass ends */
	unsigned for_reclaim:1;		/* asked for by memory reclaim */
	unsigned range_cyclic:1;	/* start at mapping->writeback_index, to EOF */
	unsigned for_sync:1;		/* sync(2)'s WB_SYNC_ALL pass */
};

/* Why the flusher was asked to write (Linux's enum wb_reason). */
enum wb_reason {
	WB_REASON_BACKGROUND,
	WB_REASON_VMSCAN,
	WB_REASON_SYNC,
	WB_REASON_PERIODIC,
	WB_REASON_FS_FREE_SPACE,
	WB_REASON_MAX,
};

/* ---- tunables: /proc/sys/vm/ (mm/page-writeback.c) ---- */
extern int dirty_background_ratio;		/* 10 (% of dirtyable memory) */
extern unsigned long dirty_background_bytes;	/* 0: use the ratio */
extern int vm_dirty_ratio;			/* 20 */
extern unsigned long vm_dirty_bytes;		/* 0: use the ratio */
extern unsigned int dirty_writeback_interval;	/* 500 centisecs; 0: no periodic pass */
extern unsigned int dirty_expire_interval;	/* 3000 centisecs */

/* The background and the hard limit, in pages, from the tunables and
 * the memory that can hold dirty data (free + page cache). */
void global_dirty_limits(unsigned long *pbackground, unsigned long *pdirty);
/* Is dirty memory above the background threshold? */
int wb_over_bg_thresh(struct bdi_writeback *wb);
/* A writer's throttle: call after dirtying folios of mapping. */
void balance_dirty_pages_ratelimited(struct address_space *mapping);
/* ->writepages with the wbc; also the fallback for mappings without it. */
int do_writepages(struct address_space *mapping, struct writeback_control *wbc);
/* Writeback of a folio finished (interrupt context): bandwidth stats. */
void wb_writeout_inc(struct bdi_writeback *wb);
/* Re-estimate the device's write bandwidth (at most every 200 ms). */
void wb_update_bandwidth(struct bdi_writeback *wb);
void writeback_init(void);	/* registers the /proc/sys/vm files */

/* ---- fs/fs-writeback.c ---- */
void __mark_inode_dirty(struct inode *inode, int flags);
void mark_inode_dirty(struct inode *inode);		/* I_DIRTY */
void mark_inode_dirty_sync(struct inode *inode);	/* I_DIRTY_SYNC */
/* Off the writeback lists for good (eviction, inode cache pruning). */
void inode_io_list_del(struct inode *inode);
/* Sleep while someone else's writeback_single_inode runs (I_SYNC). */
void inode_wait_for_writeback(struct inode *inode);
/* Write inode's data and then the inode (WB_SYNC_ALL: and wait). */
int writeback_single_inode(struct inode *inode, struct writeback_control *wbc);
/* fsync's metadata part: the inode itself, if it is dirty. */
int sync_inode_metadata(struct inode *inode, int wait);
/* Write and wait for every inode of sb dirtied before the call. */
void sync_inodes_sb(struct super_block *sb);
/* Ask every flusher to write everything it has (no waiting). */
void wakeup_flusher_threads(enum wb_reason reason);
void wb_start_background_writeback(struct bdi_writeback *wb);
int bdi_writeback_thread(void *wb);	/* the flusher: one per disk */
#endif
