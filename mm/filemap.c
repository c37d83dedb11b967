/* filemap.c: the page cache, after Linux's mm/filemap.c. Lookup
 * (filemap_get_entry, __filemap_get_folio), insertion
 * (filemap_add_folio), the read path (filemap_read: batches of cached
 * folios, readahead on a miss or at a readahead mark; the windows are
 * readahead.c's), the write path (generic_perform_write with
 * write_begin/write_end and the fault-in-then-copy-without-faults rule),
 * the folio lock and its hashed wait table. File mappings of the cache
 * (filemap_fault, filemap_map_pages) are in filemap_fault.c, dirty state
 * and writeback in page-writeback.c, truncation and invalidation in
 * truncate.c, the LRU and reclaim in vmscan.c; mm/internal.h is what
 * they share.
 * Locks: mapping->invalidate_lock (shared, around inserting a folio for
 * a read) > folio lock (sleeping bit) > mapping->i_pages_lock
 * (spinlock). The cache holds one reference on each folio it contains. */
#include <pagemap.h>
#include <fs.h>
#include <sched.h>
#include <uaccess.h>
#include <printk.h>
#include <string.h>
#include "internal.h"


/* ---- folio lock and writeback waits: a hashed table of wait queues ---- */
#define FOLIO_WAIT_TABLE_SIZE 256
static wait_queue_head_t folio_wait_table[FOLIO_WAIT_TABLE_SIZE];

wait_queue_head_t *folio_waitqueue(struct folio *f)
{
	unsigned long h = (unsigned long)f >> 6;
	return &folio_wait_table[(h ^ (h >> 8)) % FOLIO_WAIT_TABLE_SIZE];
}

void pagecache_init(void)
{
	for (int i = 0; i < FOLIO_WAIT_TABLE_SIZE; i++)
		init_waitqueue_head(&folio_wait_table[i]);
}

int folio_trylock(struct folio *f)
{
	return !test_and_set_bit(PG_locked, &f->page.flags);
}

void folio_lock(struct folio *f)
{
	wait_event(*folio_waitqueue(f), folio_trylock(f));
}

void folio_unlock(struct folio *f)
{
	clear_bit(PG_locked, &f->page.flags);
	smp_mb();
	wake_up(folio_waitqueue(f));
}

void folio_wait_locked(struct folio *f)
{
	wait_event(*folio_waitqueue(f), !folio_test_locked(f));
}

void folio_wait_writeback(struct folio *f)
{
	wait_event(*folio_waitqueue(f), !folio_test_writeback(f));
}

void address_space_init(struct address_space *m, struct inode *host,
			const struct address_space_operations *a_ops)
{
	m->host = host;
	xa_init(&m->i_pages);
	spin_lock_init(&m->i_pages_lock);
	m->nrpages = 0;
	m->a_ops = a_ops;
	init_rwsem(&m->invalidate_lock);
	m->wb_err = 0;		/* no error yet: every sample is 0 */
	m->flags = 0;
	INIT_LIST_HEAD(&m->i_mmap);
	init_rwsem(&m->i_mmap_rwsem);
	m->writeback_index = 0;
}

/* xarray nodes come from the slab (the lib code calls these hooks). */
void *xa_node_alloc(unsigned int gfp)
{
	return kmalloc(sizeof(struct xa_node), gfp | GFP_ATOMIC);
}

void xa_node_free(void *node)
{
	kfree(node);
}

/* ---- lookup and insertion ---- */

/* Returns the folio at index with a reference, or NULL. The slot is
 * re-checked after taking the reference, so a folio that was freed and
 * reused meanwhile is never returned (the lockless-lookup rule). */
struct folio *filemap_get_entry(struct address_space *m, unsigned long index)
{
	struct folio *f;
repeat:
	spin_lock(&m->i_pages_lock);
	f = xa_load(&m->i_pages, index);
	if (f && !folio_try_get(f)) {
		spin_unlock(&m->i_pages_lock);
		goto repeat;
	}
	if (f && xa_load(&m->i_pages, index) != f) {
		spin_unlock(&m->i_pages_lock);
		folio_put(f);
		goto repeat;
	}
	spin_unlock(&m->i_pages_lock);
	return f;
}

/* Inserts a new (locked, referenced) folio; the cache takes its own
 * reference. -EEXIST if the slot is taken. */
int filemap_add_folio(struct address_space *m, struct folio *f, unsigned long index, gfp_t gfp)
{
	f->page.mapping = m;
	f->page.index = index;
	folio_get(f);		/* the cache's reference */
	spin_lock(&m->i_pages_lock);
	int err = xa_insert(&m->i_pages, index, f, gfp);
	if (!err)
		m->nrpages++;
	spin_unlock(&m->i_pages_lock);
	if (err) {
		f->page.mapping = NULL;
		folio_put(f);
		return err == -EBUSY ? -EEXIST : err;
	}
	inc_node_page_state(NR_FILE_PAGES);
	if (test_bit(AS_NO_WRITEBACK, &m->flags)) {
		/* Nothing can free a ramfs/shmem page but truncation: like
		 * Linux's unevictable list, keep it off the LRU, or every
		 * reclaim under memory pressure would walk all of them. */
		inc_node_page_state(NR_UNEVICTABLE);
		INIT_LIST_HEAD(&f->page.lru);
	} else {
		lru_add(f);
	}
	return 0;
}

struct folio *__filemap_get_folio(struct address_space *m, unsigned long index,
				  unsigned int fgp, gfp_t gfp)
{
	struct folio *f;
repeat:
	f = filemap_get_entry(m, index);
	if (f) {
		if (fgp & FGP_LOCK) {
			folio_lock(f);
			if (folio_mapping(f) != m) {	/* truncated meanwhile */
				folio_unlock(f);
				folio_put(f);
				goto repeat;
			}
		}
		if (fgp & FGP_ACCESSED)
			folio_mark_accessed(f);
		else if ((fgp & FGP_WRITE) && folio_test_ra_unused(f))
			folio_clear_ra_unused(f);	/* a write uses it too */
		return f;
	}
	if (!(fgp & FGP_CREAT))
		return ERR_PTR(-ENOENT);
	struct page *p = alloc_page(gfp);
	if (!p)
		return ERR_PTR(-ENOMEM);
	f = page_folio(p);
	if (fgp & FGP_LOCK)
		folio_set_locked(f);
	int err = filemap_add_folio(m, f, index, gfp);
	if (err) {
		folio_put(f);
		if (err == -EEXIST)
			goto repeat;
		return ERR_PTR(err);
	}
	return f;
}

/* Reads a locked folio and waits for it; returns 0 or -errno (folio
 * unlocked either way). */
int filemap_read_folio(struct file *file, struct address_space *m, struct folio *f)
{
	folio_clear_error(f);
	int err = m->a_ops->read_folio(file, f);
	if (err)
		return err;
	folio_wait_locked(f);
	if (!folio_test_uptodate(f))
		return -EIO;
	return 0;
}

/* Gaps in the cache, for readahead's pattern detection (readahead.c). */
unsigned long page_cache_next_miss(struct address_space *m, unsigned long index,
				   unsigned long max_scan)
{
	spin_lock(&m->i_pages_lock);
	while (max_scan-- && xa_load(&m->i_pages, index))
		if (++index == 0)
			break;
	spin_unlock(&m->i_pages_lock);
	return index;
}

unsigned long page_cache_prev_miss(struct address_space *m, unsigned long index,
				   unsigned long max_scan)
{
	spin_lock(&m->i_pages_lock);
	while (max_scan-- && xa_load(&m->i_pages, index))
		if (index-- == 0)
			break;
	spin_unlock(&m->i_pages_lock);
	return index;
}

#define AOP_TRUNCATED_PAGE 0x80001
/* A folio is cached but not uptodate (a read failed or is in flight):
 * lock it (waiting for the read) and read it if still needed.
 * AOP_TRUNCATED_PAGE if it left the mapping meanwhile. */
static int filemap_update_page(struct file *file, struct address_space *m, struct folio *f)
{
	folio_lock(f);
	if (!folio_mapping(f)) {
		folio_unlock(f);
		return AOP_TRUNCATED_PAGE;
	}
	if (folio_test_uptodate(f)) {
		folio_unlock(f);
		return 0;
	}
	return filemap_read_folio(file, m, f);
}

/* Pages of the file from index on, at most nr, clipped at EOF (0: none). */
static unsigned long pages_before_eof(struct address_space *m, unsigned long index,
				      unsigned long nr)
{
	loff_t isize = READ_ONCE(m->host->i_size);
	unsigned long end = (isize + PAGE_SIZE - 1) >> PAGE_SHIFT;
	return index >= end ? 0 : min(nr, end - index);
}

int beyond_eof(struct address_space *m, unsigned long index)
{
	return !pages_before_eof(m, index, 1);
}

/* Readahead could not insert the folio at index (memory short, readahead
 * off, or the file was truncated below index meanwhile): read just it.
 * Under invalidate_lock (shared) EOF is checked again and the folio
 * inserted, so a racing truncation either removes it or has already
 * moved EOF before it: no folio is left in the cache past EOF. Returns
 * the number of folios put in fbatch (0: index is past EOF now), -errno,
 * or AOP_TRUNCATED_PAGE (somebody else inserted it: look again). */
static int filemap_create_folio(struct file *file, struct address_space *m,
				unsigned long index, struct folio **fbatch)
{
	struct page *p = alloc_page(GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	struct folio *f = page_folio(p);
	folio_set_locked(f);
	filemap_invalidate_lock_shared(m);
	int past_eof = beyond_eof(m, index);
	int err = past_eof ? 0 : filemap_add_folio(m, f, index, GFP_KERNEL);
	if (err == -EEXIST)
		err = AOP_TRUNCATED_PAGE;	/* somebody else made it: look again */
	if (!err && !past_eof) {
		count_vm_event(PGCACHE_MISS);
		err = filemap_read_folio(file, m, f);
	}
	filemap_invalidate_unlock_shared(m);
	if (err || past_eof) {
		folio_put(f);
		return err;
	}
	fbatch[0] = f;
	return 1;
}

/* LAB(pagecache) BEGIN: filemap_get_read_batch and filemap_get_pages
 * filemap_read needs the next folios of the file, uptodate and
 * referenced (Linux's filemap_get_pages, whose comment below says what
 * it does):
 *  - filemap_get_read_batch: the run of folios the cache holds from
 *    index on (at most nr, not past max), each with a reference: one
 *    walk of the xarray under i_pages_lock (XA_STATE, xas_load, then
 *    xas_next while the slots are filled) rather than a lookup per
 *    index; take each reference with folio_try_get, as filemap_get_entry
 *    does. Stop after a folio that is not uptodate or carries the
 *    readahead mark (folio_test_readahead): the caller deals with it.
 *  - filemap_get_pages: the batch; every folio found is a hit
 *    (PGCACHE_HIT). If the first is missing, ask readahead for the pages
 *    of this read (page_cache_sync_readahead: it inserts them locked and
 *    starts their reads) and look again; if readahead could not insert
 *    it, filemap_create_folio reads just that one (it counts the miss).
 *    A folio with the mark starts the next window
 *    (page_cache_async_readahead). One that is not uptodate is waited
 *    for (filemap_update_page: it locks it, which waits for the read in
 *    flight, and reads it again if that read failed); if it was
 *    truncated meanwhile (AOP_TRUNCATED_PAGE), look again. Return how
 *    many folios are in fbatch, or -errno (-EINTR on a fatal signal).
 */
/* Up to nr consecutive cached folios in [index, max], referenced, from
 * one walk of the xarray under one hold of i_pages_lock (Linux's walks
 * it with xas_next under RCU). The batch ends after a folio that is not
 * uptodate or carries the readahead mark: the caller deals with that one
 * before going on. Under the lock a cached folio always has the cache's
 * reference, so folio_try_get cannot fail here; the check stays, as in
 * filemap_get_entry, for the day the walk becomes lockless. */
static int filemap_get_read_batch(struct address_space *m, unsigned long index,
				  unsigned long max, struct folio **fbatch, int nr)
{
	XA_STATE(xas, &m->i_pages, index);
	struct folio *f;
	int n = 0;

	spin_lock(&m->i_pages_lock);
	for (f = xas_load(&xas); f && n < nr && xas.xa_index <= max; f = xas_next(&xas)) {
		if (!folio_try_get(f))
			break;
		fbatch[n++] = f;
		if (!folio_test_uptodate(f) || folio_test_readahead(f))
			break;
	}
	spin_unlock(&m->i_pages_lock);
	return n;
}

/* Fills fbatch with up to nr uptodate, referenced folios for a read of
 * count bytes at pos (Linux's filemap_get_pages): batch lookup; on a
 * miss, synchronous readahead, then the batch again; a folio with the
 * readahead mark starts the next window (asynchronous readahead); a
 * folio not uptodate is waited for, and read again if its read failed.
 * Only the pages of this read are ever waited for. Returns the count
 * or -errno. */
static int filemap_get_pages(struct file *file, loff_t pos, size_t count,
			     struct folio **fbatch, int nr)
{
	struct address_space *m = file->f_inode->i_mapping;
	struct file_ra_state *ra = &file->f_ra;
	unsigned long index = pos >> PAGE_SHIFT;
	unsigned long last_index = DIV_ROUND_UP(pos + count, PAGE_SIZE);	/* past the read */
	int n, err;
retry:
	if (fatal_signal_pending(current))
		return -EINTR;
	n = filemap_get_read_batch(m, index, last_index - 1, fbatch, nr);
	count_vm_events(PGCACHE_HIT, n);
	if (!n) {
		page_cache_sync_readahead(m, ra, file, index, last_index - index);
		n = filemap_get_read_batch(m, index, last_index - 1, fbatch, nr);
	}
	if (!n) {
		err = filemap_create_folio(file, m, index, fbatch);
		if (err == AOP_TRUNCATED_PAGE)
			goto retry;
		return err;
	}
	struct folio *f = fbatch[n - 1];
	if (folio_test_readahead(f))
		page_cache_async_readahead(m, ra, file, f, folio_index(f),
					   last_index - folio_index(f));
	if (!folio_test_uptodate(f)) {
		err = filemap_update_page(file, m, f);
		if (err) {
			folio_put(f);
			if (--n)
				return n;	/* the error (or retry) comes next time */
			if (err == AOP_TRUNCATED_PAGE)
				goto retry;
			return err;
		}
	}
	return n;
}
/* LAB(pagecache) END */

/* What the pagecache lab's student tree reads files with until it has
 * its own filemap_get_pages and filemap_read (docs/labs/pagecache.md);
 * the solution never calls it. One page per step and nothing kept: a
 * page the cache already holds (written, mapped, or being read by
 * somebody else) is copied from there; any other is read into a new
 * folio (filemap_create_folio), copied and, unless somebody else took
 * it meanwhile, dropped again at once (mapping_evict_folio). No
 * readahead, and every read of a page that is not cached reads it from
 * the device again. */
static __maybe_unused ssize_t filemap_read_uncached(struct file *file, struct iov_iter *iter,
						     loff_t *pos)
{
	struct address_space *m = file->f_inode->i_mapping;
	ssize_t done = 0;
	int err = 0;
	while (iov_iter_count(iter) && *pos < READ_ONCE(m->host->i_size)) {
		unsigned long index = *pos >> PAGE_SHIFT;
		struct folio *f = filemap_get_entry(m, index);
		int created = !f;
		err = f ? (folio_test_uptodate(f) ? 0 : filemap_update_page(file, m, f))
			: filemap_create_folio(file, m, index, &f);
		if (err && !created)
			folio_put(f);
		if (err == AOP_TRUNCATED_PAGE)
			continue;
		if (created ? err <= 0 : err)	/* an error, or index is past EOF now */
			break;
		err = 0;
		smp_rmb();	/* uptodate before i_size: a racing truncate is seen */
		loff_t isize = READ_ONCE(m->host->i_size);
		size_t off = *pos & ~PAGE_MASK;
		size_t n = min((size_t)(PAGE_SIZE - off), iov_iter_count(iter));
		if (*pos + (loff_t)n > isize)
			n = *pos < isize ? isize - *pos : 0;
		size_t c = copy_to_iter((char *)folio_address(f) + off, n, iter);
		done += c;
		*pos += c;
		if (created && folio_trylock(f)) {	/* drop it again */
			if (folio_mapping(f) == m && mapping_evict_folio(m, f, 1))
				lru_del(f);
			folio_unlock(f);
		}
		folio_put(f);
		if (c < n)
			err = -EFAULT;
		if (c < n || !n)
			break;
	}
	return done ? done : err;
}

/* The folio at index, uptodate and referenced, read synchronously if
 * needed (no readahead: metadata and directory blocks), or
 * ERR_PTR(-EIO/-ENOMEM). */
struct folio *read_cache_folio(struct address_space *m, unsigned long index, struct file *file)
{
	struct folio *f;
repeat:
	f = __filemap_get_folio(m, index, FGP_ACCESSED, 0);
	if (IS_ERR(f)) {
		f = __filemap_get_folio(m, index, FGP_LOCK | FGP_CREAT | FGP_ACCESSED, GFP_KERNEL);
		if (IS_ERR(f))
			return f;
		if (folio_test_uptodate(f)) {	/* found, not created */
			folio_unlock(f);
			return f;
		}
		count_vm_event(PGCACHE_MISS);
		int err = filemap_read_folio(file, m, f);
		if (err) {
			folio_put(f);
			return ERR_PTR(err);
		}
		return f;
	}
	count_vm_event(PGCACHE_HIT);
	if (!folio_test_uptodate(f)) {
		int err = filemap_update_page(file, m, f);
		if (err) {
			folio_put(f);
			if (err == AOP_TRUNCATED_PAGE)
				goto repeat;
			return ERR_PTR(err);
		}
	}
	return f;
}

struct folio *read_mapping_folio(struct address_space *m, unsigned long index, struct file *file)
{
	return read_cache_folio(m, index, file);
}

/* Folios per batch of filemap_read: each batch is one user-access window,
 * and on QEMU opening and closing one costs two TLB flushes (uaccess.h),
 * so batches are longer than Linux's 15 (PAGEVEC_SIZE): 512 bytes of
 * stack for 256 KiB of a large read. */
#define FILEMAP_READ_BATCH 64

/* read(2) through the cache (Linux's filemap_read): batches of
 * uptodate folios from filemap_get_pages, i_size re-checked once they
 * are uptodate (a truncate may have raced), then copied out. prev_pos
 * tells the next read's readahead where this one ended. */
ssize_t filemap_read(struct file *file, struct iov_iter *iter, loff_t *pos)
{
	/* LAB(pagecache) BEGIN: copy the file out of the cache
	 * Loop while iter wants bytes and *pos is before EOF (i_size): get the
	 * next folios (filemap_get_pages, at most 16 at a time), then read
	 * i_size again only now that they are uptodate (smp_rmb first: a
	 * truncation that raced with the read must be seen) and copy from
	 * each folio the bytes of the read that are before EOF
	 * (copy_to_iter from folio_address + offset), stopping at a folio
	 * that is not the one *pos is in. Mark each folio used
	 * (folio_mark_accessed, except for FMODE_NOREUSE files) and put it.
	 * Advance *pos, and keep file->f_ra.prev_pos = *pos: readahead looks
	 * at where the last read ended. A short copy is -EFAULT. Return the
	 * bytes copied if any, else the error (0 at EOF).
	 * Provided until then: filemap_read_uncached.
	 * STUB: return filemap_read_uncached(file, iter, pos);
	 */
	struct inode *inode = file->f_inode->i_mapping->host;
	struct file_ra_state *ra = &file->f_ra;
	struct folio *fbatch[FILEMAP_READ_BATCH];
	ssize_t done = 0;
	int err = 0;
	while (iov_iter_count(iter) && !err) {
		if (*pos >= READ_ONCE(inode->i_size))
			break;
		int nr = filemap_get_pages(file, *pos, iov_iter_count(iter), fbatch, FILEMAP_READ_BATCH);
		if (nr < 0) {
			err = nr;
			break;
		}
		smp_rmb();	/* uptodate before i_size: a racing truncate is seen */
		loff_t isize = READ_ONCE(inode->i_size);
		int i;
		/* One user-access window for the batch, not two SUM flips per
		 * page (uaccess.h); nothing in the loop sleeps but a fault. */
		user_access_begin();
		for (i = 0; i < nr && !err; i++) {
			struct folio *f = fbatch[i];
			size_t off = *pos & ~PAGE_MASK;
			size_t n = min((size_t)(PAGE_SIZE - off), iov_iter_count(iter));
			if (*pos >= isize || folio_index(f) != (unsigned long)(*pos >> PAGE_SHIFT))
				break;
			if (*pos + (loff_t)n > isize)
				n = isize - *pos;
			size_t c = copy_to_iter((char *)folio_address(f) + off, n, iter);
			/* a read-once file (FADV_NOREUSE) does not age its folios,
			 * but using one is still not readahead's waste */
			if (!(file->f_mode & FMODE_NOREUSE))
				folio_mark_accessed(f);
			else if (folio_test_ra_unused(f))
				folio_clear_ra_unused(f);
			done += c;
			*pos += c;
			ra->prev_pos = *pos;
			if (c < n)
				err = -EFAULT;
		}
		user_access_end();
		for (i = 0; i < nr; i++)
			folio_put(fbatch[i]);
		if (!iov_iter_count(iter) || *pos >= isize)
			break;
	}
	return done ? done : err;
	/* LAB(pagecache) END */
}

/* ---- the write path ---- */

/* Touches every user page of the next `bytes` of iter (for reading), so
 * that the copy under the folio lock can run with faults disabled.
 * Returns the number of bytes that could NOT be faulted in (as Linux):
 * everything from the first unreadable page of any segment on. One
 * user-access window for all the pages (uaccess.h); a get_user that
 * faults sleeps as usual. */
static size_t fault_in_iov_iter_readable(const struct iov_iter *it, size_t bytes)
{
	size_t done = 0, skip = it->iov_offset, left = 0;

	if (it->type != ITER_IOVEC)
		return 0;
	user_access_begin();
	for (unsigned long s = 0; s < it->nr_segs && done < bytes; s++, skip = 0) {
		unsigned long a = (unsigned long)it->iov[s].iov_base + skip;
		size_t n = min(bytes - done, it->iov[s].iov_len - skip);

		for (unsigned long p = a; p < a + n && !left; p = (p & PAGE_MASK) + PAGE_SIZE) {
			char c __maybe_unused;
			if (get_user(c, (const char __user *)p))
				left = bytes - done - (p - a);
		}
		if (left)
			break;
		done += n;
	}
	user_access_end();
	return left;
}

/* How much of the source generic_perform_write faults in at a time: a
 * window per 64 pages instead of two SUM flips per page (on QEMU each
 * flip is a TLB flush, uaccess.h); the copy of each page still opens
 * its own. */
#define WRITE_FAULT_IN (64 * PAGE_SIZE)


/* write(2) through the cache, one folio at a time. The user buffer may
 * be a mapping of the very folio being written, so it is faulted in
 * first and copied with page faults disabled under the folio lock. Only
 * the part that could be faulted in is copied (a buffer that runs into
 * an unreadable page writes up to it, then fails with EFAULT). A copy
 * can still come up short (the page went away again: munmap, mprotect
 * or reclaim by another thread): ->write_end decides how much of it
 * counts (all of it in an uptodate folio; none in one that is not, as
 * the rest of the folio is not valid, Linux's block_write_end), and the
 * rest is faulted in again and retried. */
ssize_t generic_perform_write(struct file *file, struct iov_iter *it, loff_t *pos)
{
	struct address_space *m = file->f_inode->i_mapping;
	const struct address_space_operations *a = m->a_ops;
	ssize_t written = 0;
	size_t faulted = 0;	/* bytes of it from here on faulted in */
	int err = 0;
	while (iov_iter_count(it)) {
		size_t off = *pos & ~PAGE_MASK;
		size_t bytes = min((size_t)(PAGE_SIZE - off), iov_iter_count(it));
		struct folio *f;
		void *fsdata = NULL;
		if (faulted < bytes) {
			size_t n = min(iov_iter_count(it), (size_t)WRITE_FAULT_IN);
			faulted = n - fault_in_iov_iter_readable(it, n);
		}
		bytes = min(bytes, faulted);
		if (!bytes) {
			err = -EFAULT;
			break;
		}
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		err = a->write_begin(file, m, *pos, bytes, &f, &fsdata);
		if (err)
			break;
		struct iov_iter tmp = *it;	/* advanced by what write_end takes */
		pagefault_disable();
		size_t copied = copy_from_iter((char *)folio_address(f) + off, bytes, &tmp);
		pagefault_enable();
		int r = a->write_end(file, m, *pos, bytes, copied, f, fsdata);
		if (r < 0) {
			err = r;
			break;
		}
		if ((size_t)r == copied)
			*it = tmp;
		else
			iov_iter_advance(it, r);
		faulted = (size_t)r < bytes ? 0 : faulted - r;	/* short: fault in again */
		*pos += r;
		written += r;
		balance_dirty_pages_ratelimited(m);
	}
	return written ? written : err;
}

/* write_begin for whole-page caches: find or create the folio locked;
 * a partial write into a folio that is not uptodate reads it first. */
int simple_write_begin(struct file *file, struct address_space *m, loff_t pos,
		       unsigned int len, struct folio **foliop, void **fsdata)
{
	(void)fsdata;
	struct folio *f = __filemap_get_folio(m, pos >> PAGE_SHIFT, FGP_LOCK | FGP_CREAT | FGP_WRITE,
					      GFP_KERNEL);
	if (IS_ERR(f))
		return PTR_ERR(f);
	if (!folio_test_uptodate(f) && len != PAGE_SIZE) {
		int err = filemap_read_folio(file, m, f);
		if (err) {
			folio_put(f);
			return err;
		}
		folio_lock(f);
	}
	*foliop = f;
	return 0;
}

int simple_write_end(struct file *file, struct address_space *m, loff_t pos,
		     unsigned int len, unsigned int copied, struct folio *f, void *fsdata)
{
	struct inode *inode = m->host;
	(void)file; (void)fsdata;
	/* not uptodate: a whole-page write (the begin read the folio for
	 * any other), which counts only if whole (Linux's block_write_end) */
	if (!folio_test_uptodate(f)) {
		if (copied < len)
			copied = 0;
		else
			folio_mark_uptodate(f);
	}
	if (copied) {
		folio_mark_dirty(f);
		spin_lock(&inode->i_lock);
		if (pos + copied > inode->i_size)
			inode->i_size = pos + copied;
		spin_unlock(&inode->i_lock);
	}
	folio_unlock(f);
	folio_put(f);
	return copied;
}

/* The first folio at or after *index (up to max, inclusive) whose slot
 * carries mark (XA_PRESENT: any), with a reference; *index is set to
 * its index. NULL when there is none. */
struct folio *filemap_find_get(struct address_space *m, unsigned long *index,
				      unsigned long max, xa_mark_t mark)
{
	spin_lock(&m->i_pages_lock);
	struct folio *f = xa_find(&m->i_pages, index, max, mark);
	if (f)
		folio_get(f);	/* the slot holds a reference: count > 0 */
	spin_unlock(&m->i_pages_lock);
	return f;
}
