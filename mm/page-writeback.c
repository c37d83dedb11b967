/* page-writeback.c: dirty and writeback state of page cache folios
 * (kept both in folio flags and in the xarray's DIRTY/WRITEBACK/TOWRITE
 * marks), write_cache_pages, the fdatawrite/fdatawait family, the
 * reporting of writeback errors (mapping_set_error: per mapping, per
 * open file through errseq, per super block) and the dirty throttle.
 * Locks: folio lock (sleeping bit) > i_mmap_rwsem > page_table_lock
 * (folio_mkclean) and > mapping->i_pages_lock (spinlock);
 * file->f_lock (spinlock) guards f_wb_err while it advances. Callers of
 * write_cache_pages and the waits hold no folio locks; folio_end_writeback
 * runs from I/O completion (interrupt context). */
#include <pagemap.h>
#include <rmap.h>
#include <fs.h>
#include <sched.h>
#include <printk.h>
#include <string.h>
#include "internal.h"

/* Writers throttle themselves (balance_dirty_pages, much simplified):
 * past dirty_ratio (20%) of memory dirty, the writer writes its own
 * mapping back and waits, so dirty data cannot fill memory that reclaim
 * cannot free. The background flusher is a later issue. */
int vm_dirty_ratio = 20;
void balance_dirty_pages_ratelimited(struct address_space *m)
{
	long limit = totalram_pages() * vm_dirty_ratio / 100;
	if (global_node_page_state(NR_FILE_DIRTY) + global_node_page_state(NR_WRITEBACK) <= limit)
		return;
	if (m->a_ops && m->a_ops->writepages)
		filemap_write_and_wait_range(m, 0, -1);
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

int filemap_dirty_folio(struct address_space *m, struct folio *f)
{
	if (test_and_set_bit(PG_dirty, &f->page.flags))
		return 0;
	folio_xa_mark(m, f, PAGECACHE_TAG_DIRTY, 1);
	inc_node_page_state(NR_FILE_DIRTY);
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

void folio_start_writeback(struct folio *f)
{
	struct address_space *m = folio_mapping(f);
	set_bit(PG_writeback, &f->page.flags);
	folio_xa_mark(m, f, PAGECACHE_TAG_WRITEBACK, 1);
	inc_node_page_state(NR_WRITEBACK);
}

/* From I/O completion (interrupt context is fine). A failed write has
 * already called mapping_set_error; the folio stays clean either way. */
void folio_end_writeback(struct folio *f)
{
	struct address_space *m = folio_mapping(f);
	folio_xa_mark(m, f, PAGECACHE_TAG_WRITEBACK, 0);
	clear_bit(PG_writeback, &f->page.flags);
	dec_node_page_state(NR_WRITEBACK);
	smp_mb();
	wake_up(folio_waitqueue(f));
	folio_put(f);		/* the reference held for the I/O */
}

/* Calls writepage for every dirty folio in the range, in index order.
 * WB_SYNC_ALL first tags the range TOWRITE so pages dirtied meanwhile
 * cannot keep it going forever. */
int write_cache_pages(struct address_space *m, struct writeback_control *wbc,
		      writepage_t writepage, void *data)
{
	unsigned long index = wbc->range_start >> PAGE_SHIFT;
	unsigned long end = wbc->range_end >> PAGE_SHIFT;
	xa_mark_t tag = PAGECACHE_TAG_DIRTY;
	int err = 0;
	if (wbc->sync_mode == WB_SYNC_ALL) {
		struct folio *f;
		unsigned long i = index;
		spin_lock(&m->i_pages_lock);
		for (f = xa_find(&m->i_pages, &i, end, PAGECACHE_TAG_DIRTY); f;
		     f = xa_find_after(&m->i_pages, &i, end, PAGECACHE_TAG_DIRTY))
			xa_set_mark(&m->i_pages, i, PAGECACHE_TAG_TOWRITE);
		spin_unlock(&m->i_pages_lock);
		tag = PAGECACHE_TAG_TOWRITE;
	}
	while (index <= end && wbc->nr_to_write > 0) {
		spin_lock(&m->i_pages_lock);
		struct folio *f = xa_find(&m->i_pages, &index, end, tag);
		if (f && tag == PAGECACHE_TAG_TOWRITE)
			xa_clear_mark(&m->i_pages, index, PAGECACHE_TAG_TOWRITE);
		if (f)
			folio_get(f);
		spin_unlock(&m->i_pages_lock);
		if (!f)
			break;
		folio_lock(f);
		if (folio_mapping(f) != m || !folio_test_dirty(f)) {
			folio_unlock(f);
			folio_put(f);
			index++;
			continue;
		}
		if (folio_test_writeback(f)) {
			if (wbc->sync_mode == WB_SYNC_NONE) {
				folio_unlock(f);
				folio_put(f);
				index++;
				continue;
			}
			folio_wait_writeback(f);
		}
		folio_clear_dirty_for_io(f);
		folio_start_writeback(f);	/* keeps our reference until the end */
		int r = writepage(f, wbc, data);
		if (r && !err)
			err = r;
		wbc->nr_to_write--;
		index++;
	}
	return err;
}

int filemap_fdatawrite_range(struct address_space *m, loff_t start, loff_t end)
{
	struct writeback_control wbc = { .nr_to_write = 0x7fffffffffffffffL, .range_start = start,
					 .range_end = end, .sync_mode = WB_SYNC_ALL };
	if (!m->a_ops || !m->a_ops->writepages)
		return 0;
	return m->a_ops->writepages(m, &wbc);
}

/* Waits for every folio under writeback in the range; reports nothing. */
static void __filemap_fdatawait_range(struct address_space *m, loff_t start, loff_t end)
{
	unsigned long index = start >> PAGE_SHIFT, last = end >> PAGE_SHIFT;
	for (;;) {
		struct folio *f = filemap_find_get(m, &index, last, PAGECACHE_TAG_WRITEBACK);
		if (!f)
			break;
		folio_wait_writeback(f);
		folio_put(f);
		index++;
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
	__filemap_fdatawait_range(m, start, end);
	return filemap_check_errors(m);
}

int filemap_write_and_wait_range(struct address_space *m, loff_t start, loff_t end)
{
	int err = filemap_fdatawrite_range(m, start, end);
	int err2 = filemap_fdatawait_range(m, start, end);
	return err ? err : err2;
}

/* fsync's data part: write and wait, then report through the file. */
int file_write_and_wait_range(struct file *file, loff_t start, loff_t end)
{
	struct address_space *m = file_inode(file)->i_mapping;
	int err = filemap_fdatawrite_range(m, start, end);
	__filemap_fdatawait_range(m, start, end);
	int err2 = file_check_and_advance_wb_err(file);
	return err ? err : err2;
}
