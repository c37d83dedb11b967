/* fs-writeback.c: which inodes get written, when, and by whom (Linux's
 * fs/fs-writeback.c, in its per-device flusher-thread form). An inode
 * that becomes dirty (__mark_inode_dirty: a dirty folio, or a changed
 * inode) goes on its disk's b_dirty list, stamped with dirtied_when.
 * The disk's flusher thread (bdi_writeback_thread) writes:
 *  - works queued by sync(2)/syncfs(2)/unmount (sync_inodes_sb), which
 *    their callers wait for;
 *  - everything, when asked (wakeup_flusher_threads: sync, reclaim);
 *  - every dirty_writeback_centisecs, the inodes dirty for longer than
 *    dirty_expire_centisecs (the "kupdate" pass);
 *  - while dirty memory is over the background threshold, everything.
 * Each pass moves the inodes it will write from b_dirty to b_io
 * (queue_io) and writes them oldest first, a chunk of pages each; an
 * inode with pages left goes to b_more_io for the next round. Within a
 * round, what a pointer points to is written before the pointer: file
 * data, then the inodes (->write_inode, only once their data is all on
 * disk), then the metadata in the block devices' own caches (inode
 * tables, bitmaps, indirect blocks), then the directories naming those
 * inodes (see "the flusher's rounds" below).
 * Locks: wb->list_lock > inode->i_lock (lists, i_io_list, i_state);
 * wb->work_lock (leaf). I_SYNC, set under i_lock, marks an inode being
 * written: it keeps the inode alive (evict waits for it, the inode cache
 * does not prune it) without a reference, and a second writer waits
 * (WB_SYNC_ALL) or skips it. The flusher takes sb->s_umount for reading
 * (trylock) while it writes a file system's inodes; works that name a
 * super block rely on their caller to keep it mounted. Nothing here is
 * called from interrupt context. */
#include <backing-dev.h>
#include <blkdev.h>
#include <fs.h>
#include <pagemap.h>
#include <sched.h>
#include <printk.h>

#define MIN_WRITEBACK_PAGES (4096UL >> (PAGE_SHIFT - 10))	/* 4 MiB */
#define WB_ROUND_MAX 32		/* inodes of each kind one round holds */

static DECLARE_WAIT_QUEUE_HEAD(inode_sync_wait);	/* I_SYNC cleared */

static unsigned long cs_to_jiffies(unsigned int cs)
{
	return (unsigned long)cs * HZ / 100;
}

/* ---- the lists ---- */

/* Queue inode on b_dirty, newest first. Both locks held. */
static void redirty_tail_locked(struct inode *inode, struct bdi_writeback *wb)
{
	if (!list_empty(&wb->b_dirty)) {
		struct inode *newest = list_first_entry(&wb->b_dirty, struct inode, i_io_list);

		if ((long)(inode->dirtied_when - newest->dirtied_when) < 0)
			inode->dirtied_when = jiffies;	/* keep b_dirty in time order */
	}
	list_move(&inode->i_io_list, &wb->b_dirty);
	inode->i_state &= ~I_SYNC_QUEUED;
}

/* Its slice is used up: continue it in the next round. */
static void requeue_io(struct inode *inode, struct bdi_writeback *wb)
{
	list_move(&inode->i_io_list, &wb->b_more_io);
	inode->i_state |= I_SYNC_QUEUED;
}

static void inode_io_list_del_locked(struct inode *inode)
{
	list_del_init(&inode->i_io_list);
	inode->i_state &= ~I_SYNC_QUEUED;
}

void inode_io_list_del(struct inode *inode)
{
	struct bdi_writeback *wb = inode_to_wb(inode);

	if (!wb)
		return;
	spin_lock(&wb->list_lock);
	spin_lock(&inode->i_lock);
	inode_io_list_del_locked(inode);
	spin_unlock(&inode->i_lock);
	spin_unlock(&wb->list_lock);
}

void __mark_inode_dirty(struct inode *inode, int flags)
{
	struct bdi_writeback *wb = inode_to_wb(inode);
	int wakeup = 0;

	if (!wb)
		return;
	smp_mb();	/* the folio's DIRTY mark before the test (writeback_data) */
	if ((READ_ONCE(inode->i_state) & flags) == flags)
		return;
	spin_lock(&wb->list_lock);
	spin_lock(&inode->i_lock);
	if ((inode->i_state & flags) != flags) {
		int was_dirty = inode->i_state & I_DIRTY;

		inode->i_state |= flags;
		/* Being written or queued for it: the flusher requeues it
		 * afterwards by its state; being evicted: never again. */
		if (!was_dirty && !(inode->i_state & (I_SYNC | I_SYNC_QUEUED | I_FREEING))) {
			wakeup = !wb_has_dirty_io(wb);
			inode->dirtied_when = jiffies;
			list_move(&inode->i_io_list, &wb->b_dirty);
		}
	}
	spin_unlock(&inode->i_lock);
	spin_unlock(&wb->list_lock);
	if (wakeup)
		wb_wakeup_delayed(wb);
}

void mark_inode_dirty(struct inode *inode)
{
	__mark_inode_dirty(inode, I_DIRTY_INODE);
}

void mark_inode_dirty_sync(struct inode *inode)
{
	__mark_inode_dirty(inode, I_DIRTY_SYNC);
}

/* Move the inodes dirtied at or before dirtied_before from the old end
 * of b_dirty to b_io; with sb, only that file system's (the others stay
 * put). Returns how many moved. list_lock held. */
static int move_expired_inodes(struct bdi_writeback *wb, unsigned long dirtied_before,
			       struct super_block *sb)
{
	struct inode *inode, *prev;
	int moved = 0;

	list_for_each_entry_safe_reverse(inode, prev, &wb->b_dirty, i_io_list) {
		if ((long)(inode->dirtied_when - dirtied_before) > 0)
			break;
		if (sb && inode->i_sb != sb)
			continue;
		spin_lock(&inode->i_lock);
		list_move(&inode->i_io_list, &wb->b_io);	/* oldest ends up at the tail */
		inode->i_state |= I_SYNC_QUEUED;
		spin_unlock(&inode->i_lock);
		moved++;
	}
	return moved;
}

/* b_io gets last round's leftovers (to be finished) and the expired. */
static void queue_io(struct bdi_writeback *wb, struct wb_writeback_work *work,
		     unsigned long dirtied_before)
{
	list_splice_init(&wb->b_more_io, &wb->b_io);
	move_expired_inodes(wb, dirtied_before, work->sb);
}

/* Where an inode goes after its turn (Linux's requeue_inode). Both
 * locks held, I_SYNC still set. */
static void requeue_inode(struct inode *inode, struct bdi_writeback *wb,
			  struct writeback_control *wbc)
{
	if (inode->i_state & I_FREEING)
		return;
	/* a data-integrity pass must not come back to it: stamp it now */
	if ((inode->i_state & I_DIRTY) && (wbc->sync_mode == WB_SYNC_ALL || wbc->tagged_writepages))
		inode->dirtied_when = jiffies;
	if (wbc->pages_skipped) {	/* some folios busy: try again later */
		redirty_tail_locked(inode, wb);
	} else if (inode->i_state & I_DIRTY_PAGES) {
		if (wbc->nr_to_write <= 0)
			requeue_io(inode, wb);		/* slice used up */
		else
			redirty_tail_locked(inode, wb);	/* redirtied meanwhile */
	} else if (inode->i_state & I_DIRTY) {
		redirty_tail_locked(inode, wb);		/* the inode still */
	} else {
		inode_io_list_del_locked(inode);	/* clean */
	}
}

/* Clear I_SYNC and wake who waits for it. i_lock held. */
static void inode_sync_complete(struct inode *inode)
{
	inode->i_state &= ~I_SYNC;
	wake_up(&inode_sync_wait);
}

/* Sleep until I_SYNC is clear. i_lock held on entry and exit. */
static void __inode_wait_for_writeback(struct inode *inode)
{
	DEFINE_WAIT(w);

	while (inode->i_state & I_SYNC) {
		prepare_to_wait(&inode_sync_wait, &w, TASK_UNINTERRUPTIBLE);
		spin_unlock(&inode->i_lock);
		schedule();
		finish_wait(&inode_sync_wait, &w);
		spin_lock(&inode->i_lock);
	}
}

void inode_wait_for_writeback(struct inode *inode)
{
	spin_lock(&inode->i_lock);
	__inode_wait_for_writeback(inode);
	spin_unlock(&inode->i_lock);
}

/* Sleep until whoever writes inode (I_SYNC) is done, without touching
 * it afterwards: it may be freed once we drop i_lock. i_lock held on
 * entry, released. */
static void inode_sleep_on_writeback(struct inode *inode)
{
	DEFINE_WAIT(w);
	int sleep;

	prepare_to_wait(&inode_sync_wait, &w, TASK_UNINTERRUPTIBLE);
	sleep = inode->i_state & I_SYNC;
	spin_unlock(&inode->i_lock);
	if (sleep)
		schedule();
	finish_wait(&inode_sync_wait, &w);
}

/* ---- writing one inode ---- */

/* The inode's data, as wbc asks (WB_SYNC_ALL: and wait for it, but not
 * for sync(2), whose ->sync_fs waits for all of it at once before it
 * writes the metadata: Linux's rule); then I_DIRTY_PAGES says again
 * whether dirty folios remain. I_SYNC held. */
static int writeback_data(struct inode *inode, struct writeback_control *wbc)
{
	struct address_space *m = &inode->i_data;
	int err = do_writepages(m, wbc);

	if (wbc->sync_mode == WB_SYNC_ALL && !wbc->for_sync)
		filemap_fdatawait_range_keep_errors(m, 0, (loff_t)-1 >> 1);
	spin_lock(&inode->i_lock);
	inode->i_state &= ~I_DIRTY_PAGES;
	spin_unlock(&inode->i_lock);
	smp_mb();	/* pairs with __mark_inode_dirty's: a new dirty folio is seen */
	if (xa_marked(&m->i_pages, PAGECACHE_TAG_DIRTY)) {
		spin_lock(&inode->i_lock);
		inode->i_state |= I_DIRTY_PAGES;
		spin_unlock(&inode->i_lock);
	}
	return err;
}

/* The inode itself (->write_inode), if it is dirty. I_SYNC held. */
static int writeback_inode_meta(struct inode *inode, struct writeback_control *wbc)
{
	const struct super_operations *op = inode->i_sb ? inode->i_sb->s_op : NULL;
	int dirty;

	spin_lock(&inode->i_lock);
	dirty = inode->i_state & I_DIRTY_INODE;
	inode->i_state &= ~I_DIRTY_INODE;	/* a change from now on dirties it again */
	spin_unlock(&inode->i_lock);
	if (!dirty || !op || !op->write_inode)
		return 0;
	return op->write_inode(inode, wbc);
}

/* For callers outside the flusher (fsync: sync_inode_metadata): the data,
 * then the inode; off the lists if it ends up clean. */
int writeback_single_inode(struct inode *inode, struct writeback_control *wbc)
{
	struct bdi_writeback *wb = inode_to_wb(inode);
	int err, err2;

	if (!wb)
		return 0;
	spin_lock(&inode->i_lock);
	if (inode->i_state & I_SYNC) {
		if (wbc->sync_mode != WB_SYNC_ALL) {
			spin_unlock(&inode->i_lock);
			return 0;	/* being written already */
		}
		__inode_wait_for_writeback(inode);
	}
	if (!(inode->i_state & I_DIRTY) && (wbc->sync_mode != WB_SYNC_ALL ||
					     !xa_marked(&inode->i_data.i_pages, PAGECACHE_TAG_WRITEBACK))) {
		spin_unlock(&inode->i_lock);
		return 0;
	}
	inode->i_state |= I_SYNC;
	spin_unlock(&inode->i_lock);
	err = writeback_data(inode, wbc);
	err2 = writeback_inode_meta(inode, wbc);
	spin_lock(&wb->list_lock);
	spin_lock(&inode->i_lock);
	if (!(inode->i_state & (I_DIRTY | I_FREEING)))
		inode_io_list_del_locked(inode);
	inode_sync_complete(inode);
	spin_unlock(&inode->i_lock);
	spin_unlock(&wb->list_lock);
	return err ? err : err2;
}

int sync_inode_metadata(struct inode *inode, int wait)
{
	struct writeback_control wbc = { .nr_to_write = 0,	/* no data */
					 .sync_mode = wait ? WB_SYNC_ALL : WB_SYNC_NONE };
	return writeback_single_inode(inode, &wbc);
}

/* ---- the flusher's rounds ----
 * A round writes what queue_io put on b_io in an order that makes each
 * pointer reach the disk after what it points to, so a power cut in the
 * middle leaves at worst leaked blocks or an unattached inode, never a
 * pointer to garbage:
 *  1. file data (regular files, symlinks), then wait for it;
 *  2. those inodes whose data is all on disk (->write_inode copies them
 *     into the inode tables in the block device's cache);
 *  3. the metadata: the disk's block-device cache inodes (inode tables,
 *     bitmaps, group descriptors, indirect blocks), then wait;
 *  4. directory data (entries naming the inodes of step 2), wait, the
 *     directory inodes, and the metadata once more.
 * An inode picked for the round keeps I_SYNC (and, for a file system's,
 * the s_umount read lock) until its step is done. */

struct wb_round_inode {
	struct inode *inode;
	long nr_to_write;	/* left of its slice */
	long pages_skipped;
	int umount_held;
};

struct wb_round {
	struct bdi_writeback *wb;
	struct wb_writeback_work *work;
	struct wb_round_inode files[WB_ROUND_MAX];	/* data written, inode not yet */
	struct wb_round_inode dirs[WB_ROUND_MAX];	/* picked, nothing written yet */
	int nr_files, nr_dirs;
	struct list_head meta;	/* block devices' inodes of b_io */
	long progress;		/* pages written and inodes cleaned */
};

static long writeback_chunk_size(struct bdi_writeback *wb, struct wb_writeback_work *work)
{
	long pages;

	if (work->sync_mode == WB_SYNC_ALL || work->tagged_writepages)
		return 0x7fffffffffffffffL;
	pages = max(READ_ONCE(wb->avg_write_bandwidth) / 2, MIN_WRITEBACK_PAGES);
	pages = min(pages, work->nr_pages);
	return (pages + MIN_WRITEBACK_PAGES - 1) / MIN_WRITEBACK_PAGES * MIN_WRITEBACK_PAGES;
}

static void wbc_for(struct writeback_control *wbc, struct wb_writeback_work *work, long chunk)
{
	*wbc = (struct writeback_control){
		.sync_mode = work->sync_mode, .tagged_writepages = work->tagged_writepages,
		.for_kupdate = work->for_kupdate, .for_background = work->for_background,
		.for_sync = work->for_sync, .range_cyclic = work->range_cyclic,
		.range_end = work->range_cyclic ? 0 : (loff_t)-1 >> 1, .nr_to_write = chunk,
	};
}

/* After the inode's turn: back on the right list, I_SYNC off. */
static void finish_inode(struct bdi_writeback *wb, struct inode *inode,
			 struct writeback_control *wbc, long *progress)
{
	spin_lock(&wb->list_lock);
	spin_lock(&inode->i_lock);
	if (!(inode->i_state & I_DIRTY))
		(*progress)++;
	requeue_inode(inode, wb, wbc);
	inode_sync_complete(inode);
	spin_unlock(&inode->i_lock);
	spin_unlock(&wb->list_lock);
}

/* A block device's cache inode (a file system's metadata, or a disk
 * written through /dev): written in step 3. */
static int is_meta_inode(struct inode *inode)
{
	return !inode->i_sb;
}

/* A slice of inode's data; the pages count against the work. */
static void round_write_data(struct wb_round *r, struct wb_round_inode *ri)
{
	struct writeback_control wbc;
	long chunk = writeback_chunk_size(r->wb, r->work);

	wbc_for(&wbc, r->work, chunk);
	writeback_data(ri->inode, &wbc);
	r->progress += chunk - wbc.nr_to_write;
	r->work->nr_pages -= chunk - wbc.nr_to_write;
	ri->nr_to_write = wbc.nr_to_write;
	ri->pages_skipped = wbc.pages_skipped;
}

/* Steps 1-2 (or 4) for v[0..n): wait for their data, write the inodes
 * whose data is all written, requeue them, let them go. */
static void round_finish_inodes(struct wb_round *r, struct wb_round_inode *v, int n)
{
	struct writeback_control wbc;

	for (int i = 0; i < n; i++)
		filemap_fdatawait_range_keep_errors(&v[i].inode->i_data, 0, (loff_t)-1 >> 1);
	for (int i = 0; i < n; i++) {
		struct inode *inode = v[i].inode;

		wbc_for(&wbc, r->work, v[i].nr_to_write);
		wbc.pages_skipped = v[i].pages_skipped;
		if (!(READ_ONCE(inode->i_state) & I_DIRTY_PAGES))
			writeback_inode_meta(inode, &wbc);
		finish_inode(r->wb, inode, &wbc, &r->progress);
		if (v[i].umount_held)
			up_read(&inode->i_sb->s_umount);
	}
}

/* The disk's dirty metadata inodes join r->meta: the data and inodes
 * just written need them on disk too. list_lock held. */
static void collect_meta(struct wb_round *r)
{
	struct gendisk *disk = r->wb->bdi->disk;

	for (int i = 0; disk && i < disk->nr_parts; i++) {
		struct inode *inode = disk->part[i] ? disk->part[i]->bd_inode : NULL;

		if (!inode)
			continue;
		spin_lock(&inode->i_lock);
		if ((inode->i_state & I_DIRTY) && !(inode->i_state & (I_SYNC_QUEUED | I_SYNC))) {
			list_move(&inode->i_io_list, &r->meta);
			inode->i_state |= I_SYNC_QUEUED;
		}
		spin_unlock(&inode->i_lock);
	}
}

/* Step 3: write r->meta (after collecting the disk's other dirty
 * metadata inodes, if asked), then, if asked, wait for it. */
static void round_write_meta(struct wb_round *r, int collect, int wait)
{
	struct bdi_writeback *wb = r->wb;
	struct gendisk *disk = wb->bdi->disk;
	struct writeback_control wbc;

	spin_lock(&wb->list_lock);
	if (collect)
		collect_meta(r);
	while (!list_empty(&r->meta)) {
		struct inode *inode = list_first_entry(&r->meta, struct inode, i_io_list);

		spin_lock(&inode->i_lock);
		if (inode->i_state & I_SYNC) {		/* someone's fsync: later */
			requeue_io(inode, wb);
			spin_unlock(&inode->i_lock);
			continue;
		}
		inode->i_state |= I_SYNC;
		list_move(&inode->i_io_list, &wb->b_more_io);
		spin_unlock(&inode->i_lock);
		spin_unlock(&wb->list_lock);
		wbc_for(&wbc, r->work, 0x7fffffffffffffffL);
		writeback_data(inode, &wbc);
		r->progress += 0x7fffffffffffffffL - wbc.nr_to_write;
		r->work->nr_pages -= 0x7fffffffffffffffL - wbc.nr_to_write;
		finish_inode(wb, inode, &wbc, &r->progress);
		spin_lock(&wb->list_lock);
	}
	spin_unlock(&wb->list_lock);
	for (int i = 0; wait && disk && i < disk->nr_parts; i++)
		if (disk->part[i])
			filemap_fdatawait_range_keep_errors(&disk->part[i]->bd_inode->i_data, 0,
							    (loff_t)-1 >> 1);
}

/* The end of a round: steps 1-4 for what it picked. */
static void finish_round(struct wb_round *r)
{
	int files = r->nr_files, dirs = r->nr_dirs;

	round_finish_inodes(r, r->files, files);
	round_write_meta(r, files || dirs, dirs);
	for (int i = 0; i < dirs; i++)
		round_write_data(r, &r->dirs[i]);
	round_finish_inodes(r, r->dirs, dirs);
	if (dirs)
		round_write_meta(r, 1, 0);
	r->nr_files = r->nr_dirs = 0;
}

/* Inode picked (I_SYNC set, off b_io): WB_SYNC_ALL writes its data and
 * then the inode at once; otherwise it joins the round. */
static void round_add(struct wb_round *r, struct inode *inode, int umount_held)
{
	struct wb_round_inode ri = { .inode = inode, .umount_held = umount_held };

	if (r->work->sync_mode == WB_SYNC_ALL) {
		struct writeback_control wbc;

		round_write_data(r, &ri);
		wbc_for(&wbc, r->work, ri.nr_to_write);
		writeback_inode_meta(inode, &wbc);
		finish_inode(r->wb, inode, &wbc, &r->progress);
		if (umount_held)
			up_read(&inode->i_sb->s_umount);
		return;
	}
	if (S_ISDIR(inode->i_mode)) {
		r->dirs[r->nr_dirs++] = ri;
		return;
	}
	round_write_data(r, &ri);
	r->files[r->nr_files++] = ri;
}

/* One round over b_io (Linux's writeback_sb_inodes and
 * __writeback_inodes_wb in one): the oldest inode first. Returns the
 * progress made (pages written, inodes cleaned). */
static long writeback_round(struct bdi_writeback *wb, struct wb_writeback_work *work)
{
	struct wb_round r = { .wb = wb, .work = work };
	struct blk_plug plug;

	INIT_LIST_HEAD(&r.meta);
	blk_start_plug(&plug);	/* neighbouring inodes' blocks merge into one request */
	spin_lock(&wb->list_lock);
	while (!list_empty(&wb->b_io)) {
		struct inode *inode = list_last_entry(&wb->b_io, struct inode, i_io_list);
		struct super_block *sb = inode->i_sb;
		int umount_held = 0;

		if (work->sb && sb != work->sb) {	/* not ours: back to b_dirty */
			spin_lock(&inode->i_lock);
			redirty_tail_locked(inode, wb);
			spin_unlock(&inode->i_lock);
			continue;
		}
		if (is_meta_inode(inode)) {
			list_move(&inode->i_io_list, &r.meta);
			continue;
		}
		spin_lock(&inode->i_lock);
		if (inode->i_state & I_FREEING) {
			inode_io_list_del_locked(inode);
			spin_unlock(&inode->i_lock);
			continue;
		}
		if (inode->i_state & I_SYNC) {		/* someone else is writing it */
			if (work->sync_mode == WB_SYNC_NONE) {
				requeue_io(inode, wb);
				spin_unlock(&inode->i_lock);
				continue;
			}
			spin_unlock(&wb->list_lock);
			inode_sleep_on_writeback(inode);
			spin_lock(&wb->list_lock);
			continue;
		}
		if (!work->sb) {	/* keep its file system mounted meanwhile */
			if (!down_read_trylock(&sb->s_umount)) {
				redirty_tail_locked(inode, wb);
				spin_unlock(&inode->i_lock);
				continue;
			}
			umount_held = 1;
		}
		inode->i_state |= I_SYNC;
		spin_unlock(&inode->i_lock);
		list_move(&inode->i_io_list, &wb->b_more_io);	/* off b_io while written */
		spin_unlock(&wb->list_lock);
		round_add(&r, inode, umount_held);
		if (r.nr_files == WB_ROUND_MAX || r.nr_dirs == WB_ROUND_MAX)
			finish_round(&r);
		spin_lock(&wb->list_lock);
		if (work->nr_pages <= 0 ||
		    (work->for_background && !wb_over_bg_thresh(wb)))
			break;
	}
	spin_unlock(&wb->list_lock);
	finish_round(&r);
	blk_finish_plug(&plug);
	return r.progress;
}

/* ---- passes ---- */

static int has_work(struct bdi_writeback *wb)
{
	int r;

	spin_lock(&wb->work_lock);
	r = !list_empty(&wb->work_list);
	spin_unlock(&wb->work_lock);
	return r;
}

/* Loop rounds until the work is done (Linux's wb_writeback). Periodic
 * and background passes give way to queued works (a sync waiting). */
static long wb_writeback(struct bdi_writeback *wb, struct wb_writeback_work *work)
{
	long nr_pages = work->nr_pages;
	unsigned long dirtied_before = jiffies;

	for (;;) {
		long progress;
		int empty, more;

		if (work->nr_pages <= 0)
			break;
		if ((work->for_background || work->for_kupdate) && has_work(wb))
			break;
		if (work->for_background && !wb_over_bg_thresh(wb))
			break;
		if (work->for_kupdate)
			dirtied_before = jiffies - cs_to_jiffies(dirty_expire_interval);
		else if (work->for_background)
			dirtied_before = jiffies;
		spin_lock(&wb->list_lock);
		if (list_empty(&wb->b_io))
			queue_io(wb, work, dirtied_before);
		empty = list_empty(&wb->b_io);
		spin_unlock(&wb->list_lock);
		if (empty)
			break;
		progress = writeback_round(wb, work);
		wb_update_bandwidth(wb);
		if (progress)
			continue;
		spin_lock(&wb->list_lock);
		more = !list_empty(&wb->b_more_io);
		spin_unlock(&wb->list_lock);
		if (!more)
			break;
		set_current_state(TASK_UNINTERRUPTIBLE);	/* busy inodes: let them finish */
		schedule_timeout(1);
	}
	return nr_pages - work->nr_pages;
}

static long nr_dirty_work(void)
{
	return global_node_page_state(NR_FILE_DIRTY) + 1024;	/* + room for dirty inodes */
}

static long wb_check_start_all(struct bdi_writeback *wb)
{
	struct wb_writeback_work work = { .sync_mode = WB_SYNC_NONE, .range_cyclic = 1,
					  .reason = WB_REASON_SYNC };

	if (!test_and_clear_bit(WB_start_all, &wb->state))
		return 0;
	work.nr_pages = nr_dirty_work();
	return wb_writeback(wb, &work);
}

static long wb_check_old_data_flush(struct bdi_writeback *wb)
{
	/* LAB(writeback) BEGIN: the periodic pass: write what has been dirty too long
	 * The flusher calls this every time it wakes. Every
	 * dirty_writeback_interval centisecs (0: never; cs_to_jiffies), and
	 * not before that much time has passed since wb->last_old_flush
	 * (then set it to now), write back the inodes dirtied more than
	 * dirty_expire_interval ago: a work with .for_kupdate = 1 (from which
	 * wb_writeback computes that age), WB_SYNC_NONE, .range_cyclic = 1,
	 * reason WB_REASON_PERIODIC, and .nr_pages = nr_dirty_work() (as much
	 * as there is), run by wb_writeback. Count the pages it wrote
	 * (FLUSHER_KUPDATE) and return them.
	 * Provided until then: no periodic pass (the flusher still wakes on
	 * time, and writes nothing: last_old_flush moves on).
	 * STUB: wb->last_old_flush = jiffies;
	 * STUB: return 0;
	 */
	struct wb_writeback_work work = { .sync_mode = WB_SYNC_NONE, .for_kupdate = 1,
					  .range_cyclic = 1, .reason = WB_REASON_PERIODIC };
	long wrote;

	if (!dirty_writeback_interval)
		return 0;
	if ((long)(jiffies - wb->last_old_flush - cs_to_jiffies(dirty_writeback_interval)) < 0)
		return 0;
	wb->last_old_flush = jiffies;
	work.nr_pages = nr_dirty_work();
	wrote = wb_writeback(wb, &work);
	count_vm_events(FLUSHER_KUPDATE, wrote);
	return wrote;
	/* LAB(writeback) END */
}

static long wb_check_background_flush(struct bdi_writeback *wb)
{
	/* LAB(writeback) BEGIN: the background pass: write while over the background threshold
	 * balance_dirty_pages asks for this (wb_start_background_writeback
	 * sets WB_bg_pending and wakes the flusher) when dirty memory passes
	 * the background threshold. Clear WB_bg_pending first (a request
	 * made while this pass runs then starts another). If dirty memory is
	 * over the threshold (wb_over_bg_thresh), write with a work of
	 * .for_background = 1 (wb_writeback then stops as soon as dirty
	 * memory is back under it, and writes every dirty inode whatever its
	 * age), WB_SYNC_NONE, .range_cyclic = 1, WB_REASON_BACKGROUND and no
	 * page limit (.nr_pages = LONG_MAX). Count the pages written
	 * (FLUSHER_BACKGROUND) and return them.
	 * Provided until then: no background pass.
	 * STUB: clear_bit(WB_bg_pending, &wb->state);
	 * STUB: return 0;
	 */
	struct wb_writeback_work work = { .nr_pages = 0x7fffffffffffffffL,
					  .sync_mode = WB_SYNC_NONE, .for_background = 1,
					  .range_cyclic = 1, .reason = WB_REASON_BACKGROUND };
	long wrote;

	clear_bit(WB_bg_pending, &wb->state);
	if (!wb_over_bg_thresh(wb))
		return 0;
	wrote = wb_writeback(wb, &work);
	count_vm_events(FLUSHER_BACKGROUND, wrote);
	return wrote;
	/* LAB(writeback) END */
}

static struct wb_writeback_work *get_next_work_item(struct bdi_writeback *wb)
{
	struct wb_writeback_work *work = NULL;

	spin_lock(&wb->work_lock);
	if (!list_empty(&wb->work_list)) {
		work = list_first_entry(&wb->work_list, struct wb_writeback_work, list);
		list_del_init(&work->list);
	}
	spin_unlock(&wb->work_lock);
	return work;
}

static void wb_do_writeback(struct bdi_writeback *wb)
{
	struct wb_writeback_work *work;

	while ((work = get_next_work_item(wb))) {
		wb_writeback(wb, work);
		complete(work->done);	/* work lives on the waiter's stack */
	}
	wb_check_start_all(wb);
	wb_check_old_data_flush(wb);
	wb_check_background_flush(wb);
}

static int wb_should_run(struct bdi_writeback *wb)
{
	return has_work(wb) || test_bit(WB_start_all, &wb->state) ||
	       test_bit(WB_bg_pending, &wb->state);
}

/* The flusher of one disk ("flush-MAJ:MIN"): passes, then sleep until
 * the next periodic pass is due (for ever if nothing is dirty or the
 * interval is 0) or someone wakes it. */
int bdi_writeback_thread(void *data)
{
	struct bdi_writeback *wb = data;

	for (;;) {
		long timeout = -1;

		wb_do_writeback(wb);
		set_current_state(TASK_INTERRUPTIBLE);
		if (wb_should_run(wb)) {
			set_current_state(TASK_RUNNING);
			continue;
		}
		if (wb_has_dirty_io(wb) && dirty_writeback_interval) {
			timeout = (long)(wb->last_old_flush + cs_to_jiffies(dirty_writeback_interval) -
					 jiffies);
			if (timeout <= 0) {
				set_current_state(TASK_RUNNING);
				continue;
			}
		}
		schedule_timeout(timeout);	/* < 0: until woken */
		set_current_state(TASK_RUNNING);
		count_vm_event(FLUSHER_WAKEUP);
	}
	return 0;
}

/* ---- asking the flusher ---- */

static void wb_queue_work(struct bdi_writeback *wb, struct wb_writeback_work *work)
{
	spin_lock(&wb->work_lock);
	list_add_tail(&work->list, &wb->work_list);
	spin_unlock(&wb->work_lock);
	wb_wakeup(wb);
}

static void wb_run_and_wait(struct super_block *sb, struct wb_writeback_work *work)
{
	struct bdi_writeback *wb = sb->s_bdev ? &sb->s_bdev->bd_disk->bdi->wb : NULL;
	struct completion done;

	if (!wb)
		return;
	init_completion(&done);
	work->sb = sb;
	work->done = &done;
	INIT_LIST_HEAD(&work->list);
	wb_queue_work(wb, work);
	wait_for_completion(&done);
}

/* Every inode of sb dirtied before now: data, wait, inode (in that
 * order, per inode). Inodes dirtied during the pass are left for the
 * next, so it ends however fast writers dirty. */
void sync_inodes_sb(struct super_block *sb)
{
	struct wb_writeback_work work = { .nr_pages = 0x7fffffffffffffffL,
					  .sync_mode = WB_SYNC_ALL, .for_sync = 1,
					  .reason = WB_REASON_SYNC };
	wb_run_and_wait(sb, &work);
}

void wb_start_background_writeback(struct bdi_writeback *wb)
{
	if (!test_and_set_bit(WB_bg_pending, &wb->state))
		wb_wakeup(wb);
}

static void start_all(struct backing_dev_info *bdi, void *arg)
{
	(void)arg;
	if (!wb_has_dirty_io(&bdi->wb))
		return;
	if (!test_and_set_bit(WB_start_all, &bdi->wb.state))
		wb_wakeup(&bdi->wb);
}

void wakeup_flusher_threads(enum wb_reason reason)
{
	(void)reason;
	bdi_for_each(start_all, NULL);
}
