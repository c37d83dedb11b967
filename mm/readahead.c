/* readahead.c: Linux's on-demand readahead (mm/readahead.c). Each open
 * file keeps a window (struct file_ra_state, include/fs.h):
 *
 *   |<------------------ size ------------------>|
 *   |=================#==========================|
 *   ^start            ^folio with the PG_readahead mark
 *                     |<------ async_size ------>|
 *
 * A read that misses the cache calls page_cache_sync_ra; a read that
 * finds the marked folio calls page_cache_async_ra, which starts the
 * next window while the reader still has async_size pages to go.
 * ondemand_readahead tells sequential from random access (prev_pos, the
 * window itself, the mark, and the cached history before the miss),
 * sizes the window (get_init_ra_size, ramped up by get_next_ra_size to
 * ra_pages) and do_page_cache_ra inserts it as new locked folios and
 * hands them to ->readahead under one plug (read_pages), which sends
 * one bio per contiguous run of blocks. Nobody waits here: a reader
 * waits only for the folio it wants (filemap_get_pages). Pages past EOF
 * are never read; allocation failures end a window early (__GFP_NORETRY:
 * readahead never pushes the machine into reclaim for pages nobody asked
 * for). Also force_page_cache_ra (fadvise WILLNEED, readahead(2),
 * FMODE_RANDOM reads) and readahead(2) itself.
 * Locks: do_page_cache_ra holds mapping->invalidate_lock shared while
 * it inserts and submits a window (truncation holds it exclusive, so no
 * folio lands past a new EOF); the new folios are locked until their
 * reads complete; filemap_add_folio takes i_pages_lock. Callers hold no
 * page-cache lock (not invalidate_lock: it is not recursive). The
 * file_ra_state is updated without a lock, as in Linux. */
#include <pagemap.h>
#include <fs.h>
#include <blkdev.h>
#include <backing-dev.h>
#include <sched.h>
#include <printk.h>
#include <uapi/fadvise.h>
#include "internal.h"

/* A new open file starts with its disk's window and no history. */
void file_ra_state_init(struct file_ra_state *ra, struct address_space *m)
{
	struct backing_dev_info *bdi = m && m->host ? inode_to_bdi(m->host) : NULL;

	ra->start = ra->size = ra->async_size = ra->mmap_miss = 0;
	ra->ra_pages = bdi ? READ_ONCE(bdi->ra_pages) : 0;
	ra->prev_pos = -1;
}

/* Readahead-only users of the page cache: __GFP_NORETRY (see top). */
#define readahead_gfp_mask(m) (GFP_KERNEL | __GFP_NORETRY)

/* Starts reading the run of folios collected in rac, under one plug so
 * that the file system's bios merge into as few requests as possible.
 * Folios ->readahead did not take are unlocked, still not uptodate: a
 * reader that wants one reads it with ->read_folio. */
static void read_pages(struct readahead_control *rac)
{
	const struct address_space_operations *a = rac->mapping->a_ops;
	struct blk_plug plug;
	struct folio *f;

	if (!readahead_count(rac))
		return;
	count_vm_events(PGCACHE_MISS, readahead_count(rac));
	count_vm_events(RA_PAGES, readahead_count(rac));
	blk_start_plug(&plug);
	if (a->readahead) {
		a->readahead(rac);
		while ((f = readahead_folio(rac)) != NULL)
			folio_unlock(f);
	} else {
		while ((f = readahead_folio(rac)) != NULL)
			a->read_folio(rac->file, f);
	}
	blk_finish_plug(&plug);
}

static int folio_present(struct address_space *m, unsigned long index)
{
	spin_lock(&m->i_pages_lock);
	void *e = xa_load(&m->i_pages, index);
	spin_unlock(&m->i_pages_lock);
	return e != NULL;
}

/* Inserts nr_to_read new locked folios from readahead_index(rac) on,
 * skipping (and ending the current run at) folios already cached, puts
 * the mark on the folio lookahead_size pages before the end, and starts
 * the reads. Stops early when memory is short. Does not look at i_size:
 * the caller (do_page_cache_ra) clamps under invalidate_lock, which
 * Linux's version takes itself. */
void page_cache_ra_unbounded(struct readahead_control *rac, unsigned long nr_to_read,
			     unsigned long lookahead_size)
{
	struct address_space *m = rac->mapping;
	unsigned long index = readahead_index(rac);
	gfp_t gfp = readahead_gfp_mask(m);

	for (unsigned long i = 0; i < nr_to_read; i++) {
		if (folio_present(m, index + i)) {
			/* ends this run; the next one starts after it */
			read_pages(rac);
			rac->_index++;
			i = rac->_index + rac->_nr_pages - index - 1;
			continue;
		}
		struct page *p = alloc_page(gfp);
		if (!p)
			break;
		struct folio *f = page_folio(p);
		folio_set_locked(f);
		folio_set_ra_unused(f);
		if (i == nr_to_read - lookahead_size)
			folio_set_readahead(f);
		if (filemap_add_folio(m, f, index + i, gfp)) {	/* raced with an insertion */
			folio_put(f);
			read_pages(rac);
			rac->_index++;
			i = rac->_index + rac->_nr_pages - index - 1;
			continue;
		}
		rac->_nr_pages++;
	}
	read_pages(rac);
}

/* page_cache_ra_unbounded, but never past the page holding the last
 * byte of the file: i_size is read under invalidate_lock, so a
 * truncation either ran before (and the window stops at the new EOF) or
 * runs after (and removes what the window inserted). */
static void do_page_cache_ra(struct readahead_control *rac, unsigned long nr_to_read,
			     unsigned long lookahead_size)
{
	struct address_space *m = rac->mapping;
	unsigned long index = readahead_index(rac);

	filemap_invalidate_lock_shared(m);
	loff_t isize = READ_ONCE(m->host->i_size);
	if (isize > 0 && index <= (unsigned long)((isize - 1) >> PAGE_SHIFT)) {
		unsigned long end_index = (isize - 1) >> PAGE_SHIFT;
		if (nr_to_read > end_index - index)
			nr_to_read = end_index - index + 1;
		page_cache_ra_unbounded(rac, nr_to_read, lookahead_size);
	}
	filemap_invalidate_unlock_shared(m);
}

static unsigned long mapping_io_pages(struct address_space *m)
{
	struct backing_dev_info *bdi = inode_to_bdi(m->host);
	return bdi ? bdi->io_pages : 0;
}

/* Reads nr_to_read pages from readahead_index(rac) with no window logic
 * (hints, FMODE_RANDOM, readahead off), at most max(io_pages, ra_pages),
 * in 2 MiB chunks so as not to pin too much at once. */
#define RA_CHUNK_PAGES (2 * 1024 * 1024 / PAGE_SIZE)
void force_page_cache_ra(struct readahead_control *rac, unsigned long nr_to_read)
{
	struct address_space *m = rac->mapping;
	unsigned long index = readahead_index(rac);
	unsigned long max_pages = max(mapping_io_pages(m), (unsigned long)rac->ra->ra_pages);

	if (!m->a_ops || (!m->a_ops->read_folio && !m->a_ops->readahead))
		return;
	nr_to_read = min(nr_to_read, max_pages);
	while (nr_to_read) {
		unsigned long chunk = min(nr_to_read, RA_CHUNK_PAGES);
		rac->_index = index;
		do_page_cache_ra(rac, chunk, 0);
		index += chunk;
		nr_to_read -= chunk;
	}
}

void force_page_cache_readahead(struct address_space *m, struct file *file,
				unsigned long index, unsigned long nr_to_read)
{
	DEFINE_READAHEAD(rac, file, &file->f_ra, m, index);
	force_page_cache_ra(&rac, nr_to_read);
}

/* LAB(readahead) BEGIN: helpers for ondemand_readahead: window sizes, history
 */
static unsigned long roundup_pow_of_two(unsigned long n)
{
	unsigned long p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

/* The first window of a stream: the request rounded up to a power of
 * two, x4 when small, x2 when medium, else the maximum (for 32 pages:
 * 1-2 pages -> 16 KiB, 3-4 -> 32 KiB, 5-8 -> 64 KiB, more -> 128 KiB). */
static unsigned long get_init_ra_size(unsigned long size, unsigned long max)
{
	unsigned long newsize = roundup_pow_of_two(size);

	if (newsize <= max / 32)
		return newsize * 4;
	if (newsize <= max / 4)
		return newsize * 2;
	return max;
}

/* The next window of a stream: x4 while small, x2 towards max, then max. */
static unsigned long get_next_ra_size(struct file_ra_state *ra, unsigned long max)
{
	unsigned long cur = ra->size;

	if (cur < max / 16)
		return 4 * cur;
	if (cur <= max / 2)
		return 2 * cur;
	return max;
}

/* Contiguously cached pages just before index (at most max): the length
 * of the stream that brought us here, if this is one. */
static unsigned long count_history_pages(struct address_space *m, unsigned long index,
					 unsigned long max)
{
	unsigned long head = page_cache_prev_miss(m, index - 1, max);
	return index - 1 - head;
}

/* A miss with no usable state (another reader moved it, or a seek):
 * if the cache shows a sequential stream ending at index, continue it
 * with a window as long as that history (x2 if it goes back to the
 * start of the file). 0 when it looks random. */
static int try_context_readahead(struct address_space *m, struct file_ra_state *ra,
				 unsigned long index, unsigned long req_size, unsigned long max)
{
	unsigned long size = count_history_pages(m, index, max);

	if (size <= req_size)
		return 0;
	if (size >= index)
		size *= 2;
	ra->start = index;
	ra->size = min(size + req_size, max);
	ra->async_size = 1;
	return 1;
}
/* LAB(readahead) END */

void page_cache_ra_order(struct readahead_control *rac, struct file_ra_state *ra,
			 unsigned int new_order)
{
	(void)new_order;	/* single-page folios only */
	do_page_cache_ra(rac, ra->size, ra->async_size);
}

/* The heart of it (Linux's ondemand_readahead): a read of req_size
 * pages at readahead_index(rac) missed (folio NULL) or reached the mark
 * on folio. Decide the next window, or none (a random read gets just
 * what it asked for), then read it. */
static void ondemand_readahead(struct readahead_control *rac, struct folio *folio,
			       unsigned long req_size)
{
	/* LAB(readahead) BEGIN: decide the window and read it
	 * rac->ra is this open file's state: the last window [start, start +
	 * size) with the PG_readahead mark on the folio async_size pages
	 * before its end, and prev_pos (where the last read(2) ended).
	 * ra->ra_pages is the largest window (32 pages by default); a read of
	 * more than that may go up to the device's largest request
	 * (mapping_io_pages). The read wants req_size pages at
	 * readahead_index(rac); folio is NULL for a miss (called from
	 * page_cache_sync_ra) or the marked folio just reached (from
	 * page_cache_async_ra). As Linux's ondemand_readahead:
	 *  - at the start of the file, or a miss right after the previous
	 *    read (prev_pos), or a read bigger than the window: a new stream,
	 *    whose first window is the request rounded up to a power of two,
	 *    x4 when small, x2 when medium (get_init_ra_size), with the mark
	 *    on the first page after the request;
	 *  - at the mark or just past the window (index == start + size -
	 *    async_size, or start + size): the stream goes on; the next
	 *    window follows the last and is x4 while small, x2 towards the
	 *    maximum (get_next_ra_size), with the mark on its first page;
	 *  - at a mark this state did not set (another reader of the same
	 *    file moved ra): continue after the cached run that follows
	 *    (page_cache_next_miss);
	 *  - a miss with cached pages just before it (page_cache_prev_miss):
	 *    a stream this state lost track of, continue it (context
	 *    readahead);
	 *  - anything else is a random read: read just req_size pages
	 *    (do_page_cache_ra(rac, req_size, 0)) and leave ra alone.
	 * If the new window starts at index and would be marked on its first
	 * page, fold the next window into it. Count RA_SYNC or RA_ASYNC, set
	 * rac->_index = ra->start and read it: page_cache_ra_order(rac, ra, 0).
	 * Provided until then: no window, just the pages asked for.
	 * STUB: force_page_cache_ra(rac, req_size);
	 */
	struct file_ra_state *ra = rac->ra;
	unsigned long max_pages = ra->ra_pages, io_pages = mapping_io_pages(rac->mapping);
	unsigned long index = readahead_index(rac);
	unsigned long expected, prev_index, add_pages;

	/* a request larger than the window may be read in one go, up to
	 * the device's largest request */
	if (req_size > max_pages && io_pages > max_pages)
		max_pages = min(req_size, io_pages);

	if (!index)		/* start of file: assume a whole-file read */
		goto initial_readahead;

	/* at the mark or just past the window: the stream goes on */
	expected = ra->start + ra->size - ra->async_size;
	if (index == expected || index == ra->start + ra->size) {
		ra->start += ra->size;
		ra->size = max((unsigned long)ra->size, get_next_ra_size(ra, max_pages));
		ra->async_size = ra->size;
		goto readit;
	}

	/* a mark this state did not set (interleaved readers of one file,
	 * or a seek into a window): the cached run after it says how far
	 * the last window went; continue from its end */
	if (folio) {
		unsigned long start = page_cache_next_miss(rac->mapping, index + 1, max_pages);

		if (!start || start - index > max_pages)
			return;
		ra->start = start;
		ra->size = start - index;	/* the old async_size */
		ra->size += req_size;
		ra->size = get_next_ra_size(ra, max_pages);
		ra->async_size = ra->size;
		goto readit;
	}

	if (req_size > max_pages)	/* oversized read */
		goto initial_readahead;

	/* a miss right after (or in the same page as) the previous read */
	prev_index = (unsigned long long)ra->prev_pos >> PAGE_SHIFT;
	if (index - prev_index <= 1UL)
		goto initial_readahead;

	if (try_context_readahead(rac->mapping, ra, index, req_size, max_pages))
		goto readit;

	/* a small random read: read what was asked, leave the state alone */
	do_page_cache_ra(rac, req_size, 0);
	return;

initial_readahead:
	ra->start = index;
	ra->size = get_init_ra_size(req_size, max_pages);
	ra->async_size = ra->size > req_size ? ra->size - req_size : ra->size;

readit:
	/* Would this read reach the mark of its own window at once? Then
	 * fold the next window into this one. */
	if (index == ra->start && ra->size == ra->async_size) {
		add_pages = get_next_ra_size(ra, max_pages);
		if (ra->size + add_pages <= max_pages) {
			ra->async_size = add_pages;
			ra->size += add_pages;
		} else {
			ra->size = max_pages;
			ra->async_size = max_pages >> 1;
		}
	}
	count_vm_event(folio ? RA_ASYNC : RA_SYNC);
	rac->_index = ra->start;
	page_cache_ra_order(rac, ra, 0);

	/* LAB(readahead) END */
}

/* A read of req_count pages from readahead_index(rac) found nothing
 * cached there. With readahead off (ra_pages 0) or FMODE_RANDOM the
 * read is still done as readahead, of just what was asked. */
void page_cache_sync_ra(struct readahead_control *rac, unsigned long req_count)
{
	int forced = rac->file && (rac->file->f_mode & FMODE_RANDOM);

	if (!rac->ra->ra_pages) {
		if (!rac->file)
			return;
		req_count = 1;
		forced = 1;
	}
	if (forced) {
		force_page_cache_ra(rac, req_count);
		return;
	}
	ondemand_readahead(rac, NULL, req_count);
}

/* A read reached folio, which carries the readahead mark: start the
 * next window now. The mark goes first, so of several readers reaching
 * it only one starts a window. */
void page_cache_async_ra(struct readahead_control *rac, struct folio *folio,
			 unsigned long req_count)
{
	if (!rac->ra->ra_pages)
		return;
	if (!test_and_clear_bit(PG_readahead, &folio->page.flags))
		return;
	ondemand_readahead(rac, folio, req_count);
}

/* readahead(2): POSIX_FADV_WILLNEED on a regular file or block device. */
long sys_readahead(int fd, loff_t offset, size_t count)
{
	struct file *f = fget(fd);
	long ret = -EBADF;

	if (!f)
		return -EBADF;
	if (f->f_mode & FMODE_READ) {
		umode_t mode = file_inode(f)->i_mode;
		ret = -EINVAL;
		if (f->f_inode->i_mapping->a_ops && (S_ISREG(mode) || S_ISBLK(mode)))
			ret = vfs_fadvise(f, offset, count, POSIX_FADV_WILLNEED);
	}
	fput(f);
	return ret;
}
