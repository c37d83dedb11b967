/* page-writeback.c: dirty pages, from the store that dirties a folio to
 * the write that cleans it (Linux's mm/page-writeback.c):
 *  - the tunables of /proc/sys/vm/dirty_* and the dirty limits they give;
 *  - balance_dirty_pages, the throttle that makes a writer sleep while
 *    dirty memory is over its limit, paced to the device's write rate;
 *  - dirty and writeback state of folios (folio flags and the xarray's
 *    DIRTY/WRITEBACK/TOWRITE marks, with nr_dirty/nr_writeback);
 *  - write_cache_pages and the fdatawrite/fdatawait family;
 *  - writeback errors (mapping_set_error; per open file through errseq,
 *    per mapping, per super block).
 * Locks: folio lock (sleeping bit) > i_mmap_rwsem > page_table_lock
 * (folio_mkclean, mm/rmap.c) and > mapping->i_pages_lock (spinlock);
 * wb->bw_lock (spinlock, leaf, trylocked) guards the bandwidth estimate;
 * file->f_lock guards f_wb_err while it advances. Callers of
 * write_cache_pages and the waits hold no folio locks;
 * folio_end_writeback runs from I/O completion (interrupt context);
 * balance_dirty_pages sleeps, so its callers hold no spinlock (they may
 * hold i_rwsem, as in Linux). */
#include <pagemap.h>
#include <rmap.h>
#include <backing-dev.h>
#include <fs.h>
#include <sched.h>
#include <proc.h>
#include <printk.h>
#include <string.h>
#include "internal.h"

/* ---- tunables: /proc/sys/vm/ with Linux's names and defaults ---- */

int dirty_background_ratio = 10;		/* % of dirtyable memory */
unsigned long dirty_background_bytes;		/* 0: use the ratio */
int vm_dirty_ratio = 20;
unsigned long vm_dirty_bytes;
unsigned int dirty_writeback_interval = 500;	/* centisecs */
unsigned int dirty_expire_interval = 30 * 100;	/* centisecs */

/* Parses one decimal integer with optional sign and surrounding white
 * space (what proc_dointvec accepts); -EINVAL otherwise. */
static int sysctl_parse(const char *s, long *val)
{
	long v = 0;
	int neg = 0, digits = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (v > (0x7fffffffffffffffL - 9) / 10)
			return -EINVAL;
		v = v * 10 + (*s - '0');
	}
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!digits || *s)
		return -EINVAL;
	*val = neg ? -v : v;
	return 0;
}

/* An int in [min, max] (proc_dointvec_minmax). */
static int sysctl_int(const char *buf, long min, long max, long *val)
{
	int err = sysctl_parse(buf, val);

	if (!err && (*val < min || *val > max))
		err = -EINVAL;
	return err;
}

#define INT_MAX_ 0x7fffffffL
#define INT_MIN_ (-0x7fffffffL - 1)

static int show_background_ratio(struct seq_buf *m) { seq_printf(m, "%d\n", dirty_background_ratio); return 0; }
static int show_background_bytes(struct seq_buf *m) { seq_printf(m, "%lu\n", dirty_background_bytes); return 0; }
static int show_dirty_ratio(struct seq_buf *m) { seq_printf(m, "%d\n", vm_dirty_ratio); return 0; }
static int show_dirty_bytes(struct seq_buf *m) { seq_printf(m, "%lu\n", vm_dirty_bytes); return 0; }
static int show_writeback_cs(struct seq_buf *m) { seq_printf(m, "%d\n", (int)dirty_writeback_interval); return 0; }
static int show_expire_cs(struct seq_buf *m) { seq_printf(m, "%d\n", (int)dirty_expire_interval); return 0; }

/* A ratio and its bytes twin exclude each other: setting one zeroes the
 * other, as Linux's handlers do. */
static int store_background_ratio(const char *buf, size_t len)
{
	long v;
	int err = sysctl_int(buf, 0, 100, &v);

	if (!err) {
		dirty_background_ratio = v;
		dirty_background_bytes = 0;
	}
	return err;
}

static int store_background_bytes(const char *buf, size_t len)
{
	long v;
	int err = sysctl_parse(buf, &v);

	if (!err && v < 1)
		err = -EINVAL;
	if (!err) {
		dirty_background_bytes = v;
		dirty_background_ratio = 0;
	}
	return err;
}

static int store_dirty_ratio(const char *buf, size_t len)
{
	long v;
	int err = sysctl_int(buf, 0, 100, &v);

	if (!err && v != vm_dirty_ratio) {
		vm_dirty_ratio = v;
		vm_dirty_bytes = 0;
	}
	return err;
}

static int store_dirty_bytes(const char *buf, size_t len)
{
	long v;
	int err = sysctl_parse(buf, &v);

	if (!err && v < (long)(2 * PAGE_SIZE))
		err = -EINVAL;
	if (!err && (unsigned long)v != vm_dirty_bytes) {
		vm_dirty_bytes = v;
		vm_dirty_ratio = 0;
	}
	return err;
}

static void wake_flusher(struct backing_dev_info *bdi, void *arg)
{
	(void)arg;
	wb_wakeup(&bdi->wb);
}

/* 0 disables the periodic pass; the flushers re-arm their sleep. Linux
 * stores any int here (a negative one reads back negative). */
static int store_writeback_cs(const char *buf, size_t len)
{
	long v;
	int err = sysctl_int(buf, INT_MIN_, INT_MAX_, &v);

	if (!err && (unsigned int)v != dirty_writeback_interval) {
		dirty_writeback_interval = v;
		bdi_for_each(wake_flusher, NULL);
	}
	return err;
}

static int store_expire_cs(const char *buf, size_t len)
{
	long v;
	int err = sysctl_int(buf, 0, INT_MAX_, &v);

	if (!err)
		dirty_expire_interval = v;
	return err;
}

void writeback_init(void)
{
	static const struct {
		const char *name;
		int (*show)(struct seq_buf *m);
		int (*store)(const char *buf, size_t len);
	} files[] = {
		{ "sys/vm/dirty_background_ratio", show_background_ratio, store_background_ratio },
		{ "sys/vm/dirty_background_bytes", show_background_bytes, store_background_bytes },
		{ "sys/vm/dirty_ratio", show_dirty_ratio, store_dirty_ratio },
		{ "sys/vm/dirty_bytes", show_dirty_bytes, store_dirty_bytes },
		{ "sys/vm/dirty_writeback_centisecs", show_writeback_cs, store_writeback_cs },
		{ "sys/vm/dirty_expire_centisecs", show_expire_cs, store_expire_cs },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(files); i++)
		if (proc_create_rw(files[i].name, files[i].show, files[i].store))
			printk("writeback: cannot create /proc/%s\n", files[i].name);
}

/* ---- dirty limits ---- */

/* Memory that may hold dirty data: free pages and the page cache that
 * reclaim can free once it is clean (not ramfs's: Linux counts its
 * file LRUs, where unevictable pages are not). Never 0. */
static unsigned long global_dirtyable_memory(void)
{
	long cache = global_node_page_state(NR_FILE_PAGES) - global_node_page_state(NR_UNEVICTABLE);

	return nr_free_pages() + (cache > 0 ? cache : 0) + 1;
}

void global_dirty_limits(unsigned long *pbackground, unsigned long *pdirty)
{
	unsigned long avail = global_dirtyable_memory(), thresh, bg;

	if (vm_dirty_bytes)
		thresh = DIV_ROUND_UP(vm_dirty_bytes, PAGE_SIZE);
	else
		thresh = (unsigned long)vm_dirty_ratio * avail / 100;
	if (dirty_background_bytes)
		bg = DIV_ROUND_UP(dirty_background_bytes, PAGE_SIZE);
	else
		bg = (unsigned long)dirty_background_ratio * avail / 100;
	if (bg >= thresh)
		bg = thresh / 2;
	*pbackground = bg;
	*pdirty = thresh;
}

/* Dirty, counting what is being written: what the limits bound. */
static unsigned long global_dirty_pages(void)
{
	return global_node_page_state(NR_FILE_DIRTY) + global_node_page_state(NR_WRITEBACK);
}

int wb_over_bg_thresh(struct bdi_writeback *wb)
{
	unsigned long bg, thresh;

	(void)wb;	/* one global domain: no per-device share of the limit */
	global_dirty_limits(&bg, &thresh);
	return global_node_page_state(NR_FILE_DIRTY) > bg;
}

/* ---- the throttle ----
 * Between the background threshold and the limit, a writer dirties at a
 * paced rate: task_ratelimit = dirty_ratelimit * pos_ratio, where
 * pos_ratio falls linearly from 2 at the "freerun" level (halfway from
 * the background threshold to the limit; below it nobody waits) through
 * 1 at the setpoint (halfway from freerun to the limit) to 0 at the
 * limit. dirty_ratelimit is re-estimated every 200 ms as Linux does:
 * with N writers each dirtying at task_ratelimit, the device's write
 * bandwidth divided by the measured dirty rate gives write_bw / N, so
 * every writer gets an equal share and the total matches the device.
 * At or over the limit a writer sleeps MAX_PAUSE at a time until the
 * flusher has brought dirty memory back under it. A writer never writes
 * anything itself. */

#define MAX_PAUSE (HZ / 5)		/* 200 ms */
#define DIRTY_POLL_MIN 32		/* pages (128 KiB) between checks at first */
#define POS_ONE 1024			/* pos_ratio fixed point */

static unsigned long pos_ratio(unsigned long dirty, unsigned long freerun, unsigned long thresh)
{
	if (dirty >= thresh)
		return 0;
	if (dirty <= freerun || thresh <= freerun)
		return 2 * POS_ONE;
	return 2 * POS_ONE * (thresh - dirty) / (thresh - freerun);
}

/* Pages a task may dirty before the next check: about the square root
 * of the distance to the limit (Linux's dirty_poll_interval). */
static unsigned long dirty_poll_interval(unsigned long dirty, unsigned long thresh)
{
	unsigned long gap = thresh > dirty ? thresh - dirty : 1, r = 1;

	while (r * r < gap)
		r++;
	return max(r, (unsigned long)DIRTY_POLL_MIN);
}

/* From I/O completion: one more folio of this device written. */
void wb_writeout_inc(struct bdi_writeback *wb)
{
	atomic_long_add(1, &wb->written);
}

/* Measures the write bandwidth (written pages over time) and moves
 * dirty_ratelimit toward write_bw * task_ratelimit / dirty_rate. Only
 * while the device was busy: an idle stretch would read as a slow disk. */
void wb_update_bandwidth(struct bdi_writeback *wb)
{
	unsigned long now = jiffies, elapsed, written, dirtied, bw, rate, bg, thresh;

	if (!spin_trylock(&wb->bw_lock))
		return;
	elapsed = now - wb->bw_time_stamp;
	if (elapsed < HZ / 5)
		goto unlock;
	written = atomic_long_read(&wb->written);
	dirtied = atomic_long_read(&wb->dirtied);
	if (elapsed > 2 * HZ || written == wb->written_stamp)
		goto snapshot;
	bw = (written - wb->written_stamp) * HZ / elapsed;
	wb->write_bandwidth = (wb->write_bandwidth * 3 + bw) / 4;
	wb->avg_write_bandwidth = (wb->avg_write_bandwidth * 7 + wb->write_bandwidth) / 8;
	rate = (dirtied - wb->dirtied_stamp) * HZ / elapsed;
	global_dirty_limits(&bg, &thresh);
	if (rate && global_dirty_pages() > (bg + thresh) / 2) {
		unsigned long task_rate = wb->dirty_ratelimit *
			pos_ratio(global_dirty_pages(), (bg + thresh) / 2, thresh) / POS_ONE;
		unsigned long balanced = task_rate * wb->write_bandwidth / rate;

		wb->dirty_ratelimit = clamp((wb->dirty_ratelimit + balanced) / 2, 1UL,
					    max(wb->write_bandwidth, 1UL) * 4);
	}
snapshot:
	wb->written_stamp = written;
	wb->dirtied_stamp = dirtied;
	wb->bw_time_stamp = now;
unlock:
	spin_unlock(&wb->bw_lock);
}

/* Sleep for pause ticks (never woken early but by the timer; a fatal
 * signal is noticed by the caller's loop within MAX_PAUSE). */
static void dirty_pause(long pause)
{
	count_vm_event(DIRTY_THROTTLE);
	set_current_state(TASK_UNINTERRUPTIBLE);
	schedule_timeout(pause);
	set_current_state(TASK_RUNNING);
}

/* What the writeback lab's student tree throttles writers with until it
 * has its own balance_dirty_pages (docs/labs/writeback.md); the
 * solution never calls it. A writer that finds dirty memory at the
 * limit asks every flusher to write everything it has (as sync does:
 * wakeup_flusher_threads) and sleeps MAX_PAUSE at a time until dirty
 * memory is under the limit again. Nothing is written in the
 * background, and nobody is slowed down before the limit. */
static __maybe_unused void balance_dirty_pages_simple(struct bdi_writeback *wb)
{
	struct task_struct *t = current;
	unsigned long bg, thresh;

	(void)wb;
	for (;;) {
		global_dirty_limits(&bg, &thresh);
		if (global_dirty_pages() < thresh || fatal_signal_pending(t))
			break;
		wakeup_flusher_threads(WB_REASON_BACKGROUND);
		dirty_pause(MAX_PAUSE);
	}
	t->nr_dirtied = 0;
	t->nr_dirtied_pause = dirty_poll_interval(global_dirty_pages(), thresh);
}

static void balance_dirty_pages(struct bdi_writeback *wb, unsigned long pages_dirtied)
{
	/* LAB(writeback) BEGIN: the throttle: pace writers to the disk
	 * A writer calls this after dirtying pages_dirtied pages
	 * (balance_dirty_pages_ratelimited). The comment above the throttle
	 * says what it does, as Linux's does since 3.2; in steps, looping:
	 *  - get the limits (global_dirty_limits: bg, thresh) and the dirty
	 *    pages (global_dirty_pages); freerun is halfway between them;
	 *  - dirty memory over bg (NR_FILE_DIRTY): start the background
	 *    pass (wb_start_background_writeback);
	 *  - at or under freerun: reset the task's accounting
	 *    (dirty_paused_when = now, nr_dirtied = 0, nr_dirtied_pause =
	 *    dirty_poll_interval) and return: no waiting;
	 *  - measure the disk (wb_update_bandwidth);
	 *  - at or over thresh: sleep (dirty_pause(MAX_PAUSE)) and loop
	 *    (return on a fatal signal);
	 *  - between them: the task may dirty at rate = dirty_ratelimit *
	 *    pos_ratio / POS_ONE pages a second: sleep what its pages_dirtied
	 *    pages cost at that rate (pages_dirtied * HZ / rate), minus the
	 *    time since dirty_paused_when, at most MAX_PAUSE; a debt too small
	 *    to sleep is kept in dirty_paused_when; set nr_dirtied_pause (how
	 *    many pages before the next call) and return.
	 * Provided until then: balance_dirty_pages_simple.
	 * STUB: balance_dirty_pages_simple(wb);
	 */
	struct task_struct *t = current;

	for (;;) {
		unsigned long bg, thresh, freerun, dirty = global_dirty_pages(), now = jiffies;
		unsigned long rate, pos;
		long period, pause;

		global_dirty_limits(&bg, &thresh);
		freerun = (bg + thresh) / 2;
		if (global_node_page_state(NR_FILE_DIRTY) > bg)
			wb_start_background_writeback(wb);
		if (dirty <= freerun) {
			t->dirty_paused_when = now;
			t->nr_dirtied = 0;
			t->nr_dirtied_pause = dirty_poll_interval(dirty, thresh);
			return;
		}
		wb_update_bandwidth(wb);
		if (dirty >= thresh) {		/* over the limit: wait for the flusher */
			dirty_pause(MAX_PAUSE);
			t->dirty_paused_when = jiffies;
			t->nr_dirtied = 0;
			t->nr_dirtied_pause = DIRTY_POLL_MIN;
			if (fatal_signal_pending(t))
				return;
			continue;
		}
		pos = pos_ratio(dirty, freerun, thresh);
		rate = max(READ_ONCE(wb->dirty_ratelimit) * pos / POS_ONE, 1UL);
		period = pages_dirtied * HZ / rate;
		pause = period;
		if (now - t->dirty_paused_when < HZ)	/* time already spent dirtying them */
			pause -= now - t->dirty_paused_when;
		t->nr_dirtied = 0;
		t->nr_dirtied_pause = clamp(rate / HZ * 2, (unsigned long)DIRTY_POLL_MIN,
					    dirty_poll_interval(dirty, thresh));
		if (pause < 1) {	/* too short to sleep: settle the debt later */
			t->dirty_paused_when = pause < -HZ ? now : t->dirty_paused_when + period;
			return;
		}
		dirty_pause(min(pause, (long)MAX_PAUSE));
		t->dirty_paused_when = jiffies;
		return;
	}
	/* LAB(writeback) END */
}

/* Called after every chunk a writer dirties (generic_perform_write):
 * cheap until the task has dirtied nr_dirtied_pause pages. */
void balance_dirty_pages_ratelimited(struct address_space *m)
{
	struct bdi_writeback *wb = m->host ? inode_to_wb(m->host) : NULL;
	struct task_struct *t = current;

	if (!wb || test_bit(AS_NO_WRITEBACK, &m->flags) || !t->mm)
		return;		/* nothing to write back; kernel threads never wait */
	if (t->nr_dirtied < t->nr_dirtied_pause)
		return;
	balance_dirty_pages(wb, t->nr_dirtied);
}

/* ---- dirty and writeback state ---- */

/* Sets or clears an xarray mark of f's slot, if f is still in m. */
static void folio_xa_mark(struct address_space *m, struct folio *f, xa_mark_t mark, int set)
{
	if (!m)
		return;
	spin_lock(&m->i_pages_lock);
	if (folio_mapping(f) == m) {
		if (set)
			xa_set_mark(&m->i_pages, folio_index(f), mark);
		else
			xa_clear_mark(&m->i_pages, folio_index(f), mark);
	}
	spin_unlock(&m->i_pages_lock);
}

/* The folio became dirty: count it for the throttle (the task, the
 * device) and put its inode on the device's dirty list. */
int filemap_dirty_folio(struct address_space *m, struct folio *f)
{
	struct bdi_writeback *wb;

	if (test_and_set_bit(PG_dirty, &f->page.flags))
		return 0;
	folio_xa_mark(m, f, PAGECACHE_TAG_DIRTY, 1);
	inc_node_page_state(NR_FILE_DIRTY);
	inc_node_page_state(NR_DIRTIED);
	current->nr_dirtied++;
	if (m && m->host && (wb = inode_to_wb(m->host))) {
		atomic_long_add(1, &wb->dirtied);
		__mark_inode_dirty(m->host, I_DIRTY_PAGES);
	}
	return 1;
}

int folio_mark_dirty(struct folio *f)
{
	struct address_space *m = folio_mapping(f);
	if (!m)
		return !test_and_set_bit(PG_dirty, &f->page.flags);
	if (m->a_ops && m->a_ops->dirty_folio)
		return m->a_ops->dirty_folio(m, f);
	return filemap_dirty_folio(m, f);
}

/* Folio locked: clears dirty before I/O starts. Its shared mappings are
 * write-protected first (folio_mkclean: i_mmap_rwsem, page_table_locks),
 * so a store made from now on faults and dirties it again. */
int folio_clear_dirty_for_io(struct folio *f)
{
	struct address_space *m = folio_mapping(f);
	/* Stores through a shared mapping must fault again to dirty it */
	if (m && !test_bit(AS_NO_WRITEBACK, &m->flags) && folio_test_dirty(f))
		folio_mkclean(f);
	if (!test_and_clear_bit(PG_dirty, &f->page.flags))
		return 0;
	if (m && test_bit(AS_NO_WRITEBACK, &m->flags))
		return 1;	/* never counted (ramfs) */
	folio_xa_mark(m, f, PAGECACHE_TAG_DIRTY, 0);
	dec_node_page_state(NR_FILE_DIRTY);
	return 1;
}

/* Folio locked and just cleaned for I/O. The TOWRITE mark goes with the
 * DIRTY one (Linux's rule: only whoever starts the write may clear it,
 * so a concurrent WB_SYNC_ALL pass cannot miss a folio). */
void folio_start_writeback(struct folio *f)
{
	struct address_space *m = folio_mapping(f);
	set_bit(PG_writeback, &f->page.flags);
	if (m) {
		spin_lock(&m->i_pages_lock);
		if (folio_mapping(f) == m) {
			xa_set_mark(&m->i_pages, folio_index(f), PAGECACHE_TAG_WRITEBACK);
			xa_clear_mark(&m->i_pages, folio_index(f), PAGECACHE_TAG_TOWRITE);
		}
		spin_unlock(&m->i_pages_lock);
	}
	inc_node_page_state(NR_WRITEBACK);
}

/* From I/O completion (interrupt context is fine). A failed write has
 * already called mapping_set_error; the folio stays clean either way. */
void folio_end_writeback(struct folio *f)
{
	struct address_space *m = folio_mapping(f);
	struct bdi_writeback *wb = m && m->host ? inode_to_wb(m->host) : NULL;

	folio_xa_mark(m, f, PAGECACHE_TAG_WRITEBACK, 0);
	clear_bit(PG_writeback, &f->page.flags);
	dec_node_page_state(NR_WRITEBACK);
	inc_node_page_state(NR_WRITTEN);
	if (wb)
		wb_writeout_inc(wb);
	smp_mb();
	wake_up(folio_waitqueue(f));
	folio_put(f);		/* the reference held for the I/O */
}

/* ---- writing a mapping ---- */

/* TOWRITE-tag every DIRTY folio in [index, end]: the set a data-integrity
 * pass must write, fixed now, so writers dirtying more pages meanwhile
 * cannot keep it going for ever. */
static void tag_pages_for_writeback(struct address_space *m, unsigned long index,
				    unsigned long end)
{
	struct folio *f;

	spin_lock(&m->i_pages_lock);
	for (f = xa_find(&m->i_pages, &index, end, PAGECACHE_TAG_DIRTY); f;
	     f = xa_find_after(&m->i_pages, &index, end, PAGECACHE_TAG_DIRTY))
		xa_set_mark(&m->i_pages, index, PAGECACHE_TAG_TOWRITE);
	spin_unlock(&m->i_pages_lock);
}

/* Calls writepage for the dirty folios of the range, in index order.
 * WB_SYNC_ALL (and tagged_writepages) first tags the range TOWRITE and
 * writes just those; WB_SYNC_NONE stops after nr_to_write folios and
 * skips folios already under writeback, WB_SYNC_ALL waits for them.
 * range_cyclic starts where the last call stopped and remembers where
 * this one stops. writepage gets the folio locked, cleaned and marked
 * writeback, and must unlock it and end its writeback eventually. */
int write_cache_pages(struct address_space *m, struct writeback_control *wbc,
		      writepage_t writepage, void *data)
{
	unsigned long index, end, done_index;
	xa_mark_t tag = PAGECACHE_TAG_DIRTY;
	int err = 0, done = 0;

	if (wbc->range_cyclic) {
		index = m->writeback_index;
		end = -1UL;
	} else {
		index = wbc->range_start >> PAGE_SHIFT;
		end = wbc->range_end >> PAGE_SHIFT;
	}
	if (wbc->sync_mode == WB_SYNC_ALL || wbc->tagged_writepages) {
		tag_pages_for_writeback(m, index, end);
		tag = PAGECACHE_TAG_TOWRITE;
	}
	done_index = index;
	while (!done && index <= end) {
		struct folio *f = filemap_find_get(m, &index, end, tag);
		int r;

		if (!f)
			break;
		done_index = index;
		folio_lock(f);
		if (folio_mapping(f) != m || !folio_test_dirty(f))
			goto skip;	/* truncated, or someone wrote it for us */
		if (folio_test_writeback(f)) {
			if (wbc->sync_mode == WB_SYNC_NONE) {
				wbc->pages_skipped++;
				goto skip;
			}
			folio_wait_writeback(f);
		}
		if (!folio_clear_dirty_for_io(f))
			goto skip;
		folio_start_writeback(f);	/* keeps our reference until the end */
		r = writepage(f, wbc, data);
		index++;
		if (r && !err)
			err = r;
		if ((r || --wbc->nr_to_write <= 0) && wbc->sync_mode == WB_SYNC_NONE) {
			done = 1;	/* the rest next time (after an error: past this folio) */
			done_index = index;
		}
		continue;
skip:
		folio_unlock(f);
		folio_put(f);
		index++;
	}
	if (wbc->range_cyclic)	/* reached the end: start over next time */
		m->writeback_index = done ? done_index : 0;
	return err;
}

int do_writepages(struct address_space *m, struct writeback_control *wbc)
{
	if (wbc->nr_to_write <= 0)
		return 0;	/* metadata only (sync_inode_metadata) */
	if (!m->a_ops || !m->a_ops->writepages)
		return 0;
	return m->a_ops->writepages(m, wbc);
}

static int __filemap_fdatawrite_range(struct address_space *m, loff_t start, loff_t end,
				      enum writeback_sync_modes mode)
{
	struct writeback_control wbc = { .nr_to_write = 0x7fffffffffffffffL, .range_start = start,
					 .range_end = end, .sync_mode = mode };
	return do_writepages(m, &wbc);
}

/* Data integrity: every folio dirty in the range now gets written. */
int filemap_fdatawrite_range(struct address_space *m, loff_t start, loff_t end)
{
	return __filemap_fdatawrite_range(m, start, end, WB_SYNC_ALL);
}

/* Start writing the range, skipping folios already being written. */
int filemap_flush_range(struct address_space *m, loff_t start, loff_t end)
{
	return __filemap_fdatawrite_range(m, start, end, WB_SYNC_NONE);
}

/* Waits for every folio under writeback in the range; reports nothing
 * (the errors stay for whoever checks the mapping or the files). */
void filemap_fdatawait_range_keep_errors(struct address_space *m, loff_t start, loff_t end)
{
	unsigned long index = start >> PAGE_SHIFT, last = end >> PAGE_SHIFT;
	for (;;) {
		struct folio *f = filemap_find_get(m, &index, last, PAGECACHE_TAG_WRITEBACK);
		if (!f)
			break;
		folio_wait_writeback(f);
		folio_put(f);
		if (index++ == last)
			break;
	}
}

/* ---- writeback errors ----
 * mapping_set_error records a failed write in the errseq m->wb_err,
 * which every open file compares with the sample f_wb_err it took at
 * open (so each file's fsync reports it once); as an AS_EIO or AS_ENOSPC
 * bit, which the first caller without a file (sync_blockdev, sync,
 * unmount: filemap_check_errors) takes; and in the super block's
 * s_wb_err for syncfs. A file's report also clears the bits, as Linux's
 * does, so a later sync_blockdev does not report it again. None of this
 * touches the folios: a failed page stays clean (its data is lost), and
 * a later fsync does not retry it. */

void mapping_set_error(struct address_space *m, int err)
{
	if (!err)
		return;
	errseq_set(&m->wb_err, err);
	if (m->host && m->host->i_sb)
		errseq_set(&m->host->i_sb->s_wb_err, err);	/* for syncfs */
	set_bit(err == -ENOSPC ? AS_ENOSPC : AS_EIO, &m->flags);
}

/* Takes the per-mapping error, if any: -ENOSPC or -EIO, once. */
int filemap_check_errors(struct address_space *m)
{
	int err = 0;
	if (test_bit(AS_ENOSPC, &m->flags) && test_and_clear_bit(AS_ENOSPC, &m->flags))
		err = -ENOSPC;
	if (test_bit(AS_EIO, &m->flags) && test_and_clear_bit(AS_EIO, &m->flags))
		err = -EIO;
	return err;
}

/* The error this open file has not been told about yet, once. */
int file_check_and_advance_wb_err(struct file *file)
{
	struct address_space *m = file_inode(file)->i_mapping;
	errseq_t old = READ_ONCE(file->f_wb_err);
	int err = 0;
	if (errseq_check(&m->wb_err, old)) {	/* lockless common case: nothing new */
		spin_lock(&file->f_lock);
		err = errseq_check_and_advance(&m->wb_err, &file->f_wb_err);
		spin_unlock(&file->f_lock);
	}
	clear_bit(AS_EIO, &m->flags);
	clear_bit(AS_ENOSPC, &m->flags);
	return err;
}

int filemap_fdatawait_range(struct address_space *m, loff_t start, loff_t end)
{
	filemap_fdatawait_range_keep_errors(m, start, end);
	return filemap_check_errors(m);
}

/* The byte just past the last folio in [start, end] that is dirty or
 * under writeback now; start if none. A data-integrity wait goes no
 * further: past it, folios that writeback starts later (the flusher
 * following a writer) were clean when the caller asked, and waiting for
 * them could chase the writer for as long as it writes. */
static loff_t filemap_busy_end(struct address_space *m, loff_t start, loff_t end)
{
	static const xa_mark_t marks[] = { PAGECACHE_TAG_DIRTY, PAGECACHE_TAG_WRITEBACK };
	unsigned long first = start >> PAGE_SHIFT, last = end >> PAGE_SHIFT, i, busy = 0;
	int any = 0;

	spin_lock(&m->i_pages_lock);
	for (int k = 0; k < 2; k++) {
		i = first;
		for (void *f = xa_find(&m->i_pages, &i, last, marks[k]); f;
		     f = xa_find_after(&m->i_pages, &i, last, marks[k])) {
			busy = max(busy, i);
			any = 1;
		}
	}
	spin_unlock(&m->i_pages_lock);
	return any ? min(end, (loff_t)((busy + 1) << PAGE_SHIFT) - 1) : start;
}

int filemap_write_and_wait_range(struct address_space *m, loff_t start, loff_t end)
{
	loff_t busy = filemap_busy_end(m, start, end);
	int err = filemap_fdatawrite_range(m, start, end);
	int err2 = filemap_fdatawait_range(m, start, busy);
	return err ? err : err2;
}

/* Waits for the range, then reports through the file (sync_file_range). */
int file_fdatawait_range(struct file *file, loff_t start, loff_t end)
{
	filemap_fdatawait_range_keep_errors(file_inode(file)->i_mapping, start, end);
	return file_check_and_advance_wb_err(file);
}

/* fsync's data part: write and wait, then report through the file. */
int file_write_and_wait_range(struct file *file, loff_t start, loff_t end)
{
	struct address_space *m = file_inode(file)->i_mapping;
	loff_t busy = filemap_busy_end(m, start, end);
	int err = filemap_fdatawrite_range(m, start, end);
	filemap_fdatawait_range_keep_errors(m, start, busy);
	int err2 = file_check_and_advance_wb_err(file);
	return err ? err : err2;
}
