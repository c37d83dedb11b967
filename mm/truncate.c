/* truncate.c: taking folios out of the page cache. Truncation
 * (truncate_inode_pages_range) removes every folio of a range, dirty or
 * not, whoever holds it; invalidation (invalidate_mapping_pages) drops
 * only clean folios nobody else uses, so it is safe on a live mapping.
 * Both give the filesystem its say about folio private data first
 * (->invalidate_folio, ->release_folio). mapping_evict_folio is shared
 * with reclaim (vmscan.c).
 * Mapped folios are unmapped from every process first (rmap.c), and
 * truncate_pagecache also takes away private copies of pages past EOF.
 * Locks: folio lock > i_mmap_rwsem > mapping->i_pages_lock. Truncation
 * callers hold the inode's i_rwsem (write) so no new folios appear in
 * the range. */
#include <pagemap.h>
#include <rmap.h>
#include <fs.h>
#include <sched.h>
#include <printk.h>
#include <string.h>
#include "internal.h"

/* Asks the filesystem to drop f's private data before f leaves the
 * cache (f locked, clean). Returns 1 when f may go. */
int filemap_release_folio(struct folio *f, gfp_t gfp)
{
	struct address_space *m = folio_mapping(f);
	if (!folio_test_private(f))
		return 1;
	if (m && m->a_ops && m->a_ops->release_folio)
		return m->a_ops->release_folio(f, gfp);
	folio_detach_private(f);
	return 1;
}

/* Truncation of [offset, offset+len) of a locked folio with private data. */
void folio_invalidate(struct folio *f, size_t offset, size_t len)
{
	struct address_space *m = folio_mapping(f);
	if (m && m->a_ops && m->a_ops->invalidate_folio)
		m->a_ops->invalidate_folio(f, offset, len);
}

/* Takes a locked, clean folio out of m if nobody but the cache and the
 * caller (who holds `held` references) uses it. The count is frozen
 * from held+1 to 0 under i_pages_lock, so a concurrent lookup
 * (folio_try_get) either got its reference first or finds the slot
 * gone. On success (1) the count is 1: the caller unlocks and puts f,
 * which frees it. f's private data goes first (->release_folio). */
int mapping_evict_folio(struct address_space *m, struct folio *f, int held)
{
	int removed = 0;
	if (folio_test_dirty(f) || folio_test_writeback(f) || page_count(&f->page) != held + 1)
		return 0;
	if (!filemap_release_folio(f, GFP_ATOMIC))
		return 0;
	spin_lock(&m->i_pages_lock);
	if (atomic_cmpxchg(&f->page._refcount, held + 1, 0) == held + 1) {
		xa_erase(&m->i_pages, folio_index(f));
		m->nrpages--;
		f->page.mapping = NULL;
		removed = 1;
	}
	spin_unlock(&m->i_pages_lock);
	if (!removed)
		return 0;
	dec_node_page_state(NR_FILE_PAGES);
	if (test_bit(AS_NO_WRITEBACK, &m->flags))
		dec_node_page_state(NR_UNEVICTABLE);
	if (folio_test_ra_unused(f))
		count_vm_event(RA_WASTE);
	atomic_set(&f->page._refcount, 1);
	return 1;
}

/* Removes a locked folio from its mapping and drops the cache's ref.
 * A folio still mapped somewhere is unmapped first (Linux's
 * truncate_cleanup_folio): under the folio lock no fault can map it
 * again, and a fault that mapped it earlier did so under that lock. */
static void filemap_remove_folio(struct address_space *m, struct folio *f)
{
	if (folio_mapped(f))
		unmap_mapping_folio(f);
	folio_wait_writeback(f);
	if (folio_test_private(f))
		folio_invalidate(f, 0, PAGE_SIZE);
	if (WARN_ON(folio_test_private(f)))	/* ->invalidate_folio must detach */
		folio_detach_private(f);
	folio_clear_dirty_for_io(f);
	spin_lock(&m->i_pages_lock);
	xa_erase(&m->i_pages, folio_index(f));
	m->nrpages--;
	f->page.mapping = NULL;
	spin_unlock(&m->i_pages_lock);
	dec_node_page_state(NR_FILE_PAGES);
	if (test_bit(AS_NO_WRITEBACK, &m->flags))
		dec_node_page_state(NR_UNEVICTABLE);
	if (folio_test_ra_unused(f))
		count_vm_event(RA_WASTE);
	lru_del(f);
	folio_put(f);
}

/* Zeroes [off, end) of the folio at index, if cached: the partial head
 * or tail of a truncated range. The filesystem hears of it
 * (->invalidate_folio) as in Linux's truncate_inode_partial_folio. */
static void truncate_partial_folio(struct address_space *m, unsigned long index,
				   size_t off, size_t end)
{
	struct folio *f = filemap_get_entry(m, index);
	if (!f)
		return;
	folio_lock(f);
	folio_wait_writeback(f);
	if (folio_mapping(f) == m) {
		memset((char *)folio_address(f) + off, 0, end - off);
		if (folio_test_private(f))
			folio_invalidate(f, off, end - off);
	}
	folio_unlock(f);
	folio_put(f);
}

/* Drops cached data in [lstart, lend] (bytes, lend inclusive; -1 = EOF).
 * A partial first or last folio is zeroed instead of removed. */
void truncate_inode_pages_range(struct address_space *m, loff_t lstart, loff_t lend)
{
	unsigned long first = (lstart + PAGE_SIZE - 1) >> PAGE_SHIFT;
	unsigned long last = lend == -1 ? ~0UL : ((unsigned long)lend + 1) / PAGE_SIZE;
	if (lstart & ~PAGE_MASK) {	/* partial head */
		size_t off = lstart & ~PAGE_MASK;
		size_t end = (lend != -1 && (lend >> PAGE_SHIFT) == (lstart >> PAGE_SHIFT))
				     ? (lend & ~PAGE_MASK) + 1 : PAGE_SIZE;
		truncate_partial_folio(m, lstart >> PAGE_SHIFT, off, end);
	}
	unsigned long index = first;
	while (last && index < last) {
		struct folio *f = filemap_find_get(m, &index, last - 1, XA_PRESENT);
		if (!f)
			break;
		folio_lock(f);
		if (folio_mapping(f) == m)
			filemap_remove_folio(m, f);
		folio_unlock(f);
		folio_put(f);
		index++;
	}
	if (lend != -1 && ((lend + 1) & ~PAGE_MASK) && (lend >> PAGE_SHIFT) > (lstart >> PAGE_SHIFT))
		truncate_partial_folio(m, lend >> PAGE_SHIFT, 0, (lend & ~PAGE_MASK) + 1);
}

void truncate_inode_pages(struct address_space *m, loff_t lstart)
{
	truncate_inode_pages_range(m, lstart, -1);
}

/* Linux's truncate_pagecache. The new i_size is already set, so no
 * fault maps a page past it from now on (filemap_fault checks under the
 * folio lock); the first unmap takes away the private copies (even_cows)
 * and most of the rest, truncate_inode_pages_range unmaps each folio
 * it removes, and the second unmap catches a private copy made from a
 * page that was mapped in between. */
void truncate_pagecache(struct inode *inode, loff_t newsize)
{
	struct address_space *m = inode->i_mapping;
	loff_t holebegin = ALIGN_UP(newsize, PAGE_SIZE);
	unmap_mapping_range(m, holebegin, 0, 1);
	truncate_inode_pages(m, newsize);
	unmap_mapping_range(m, holebegin, 0, 1);
}

/* Evicts every clean, unused folio with index in [start, end]
 * (inclusive) and leaves the rest: dirty, under writeback, or referenced
 * by anyone else (a mounted file system's pinned metadata, a reader in
 * the middle of a copy; without wait, a mapped folio). With wait, it
 * sleeps for each folio's lock and writeback first and unmaps a mapped
 * folio from every process; without, a locked folio is skipped. Returns the
 * number evicted; *busy (if given) counts the folios left behind. */
static unsigned long invalidate_range(struct address_space *m, unsigned long start,
				      unsigned long end, int wait, unsigned long *busy)
{
	unsigned long index = start, count = 0, left = 0;
	while (index <= end) {
		struct folio *f = filemap_find_get(m, &index, end, XA_PRESENT);
		if (!f)
			break;
		if (wait) {
			folio_lock(f);
			folio_wait_writeback(f);
		}
		if (wait || folio_trylock(f)) {
			/* the data under a mapping is stale too: unmap it first
			 * (Linux's invalidate_inode_pages2_range does) */
			if (wait && folio_mapping(f) == m && folio_mapped(f))
				unmap_mapping_folio(f);
			if (folio_mapping(f) == m && mapping_evict_folio(m, f, 1)) {
				lru_del(f);
				count++;
			} else if (folio_mapping(f) == m) {
				left++;
			}
			folio_unlock(f);
		} else {
			left++;
		}
		folio_put(f);
		if (index++ == end)
			break;
	}
	if (busy)
		*busy = left;
	return count;
}

/* Safe on a live mapping, unlike truncation: for fadvise(DONTNEED) and
 * BLKFLSBUF. Never sleeps on a folio. Returns the number dropped. */
unsigned long invalidate_mapping_pages(struct address_space *m, unsigned long start,
				       unsigned long end)
{
	return invalidate_range(m, start, end, 0, NULL);
}

/* After a direct write to [start, end] (page indices, inclusive): the
 * cached copies are stale, so take them out; a folio somebody holds or
 * one dirtied since the caller's write and wait stays, and the result is
 * -EBUSY, as Linux's invalidate_inode_pages2_range. Sleeps. */
int invalidate_inode_pages2_range(struct address_space *m, unsigned long start,
				  unsigned long end)
{
	unsigned long busy;
	invalidate_range(m, start, end, 1, &busy);
	return busy ? -EBUSY : 0;
}
