/* pagemap.h: the page cache. Every cached page of a file (or of a block
 * device) is a folio in its address_space's i_pages xarray, indexed by
 * file offset >> PAGE_SHIFT; a folio is one page here (order 0), but
 * callers go through folio_* helpers so larger folios can come later.
 * Locks, outermost first: inode->i_rwsem (writers, truncate), mmap_lock
 * (faults), mapping->invalidate_lock (truncation exclusive, readahead and
 * read misses shared), the folio lock (PG_locked: a sleeping bit lock,
 * waited for on a hashed wait table), mapping->i_mmap_rwsem (the VMAs
 * mapping it, see rmap.h), a page_table_lock, mapping->i_pages_lock (spinlock over the
 * xarray, its marks and nrpages). A folio in the cache holds one reference for the cache;
 * lookups take their own with folio_try_get and re-check the slot.
 * Writeback errors: completions call mapping_set_error; each open file
 * learns of each error once (file_check_and_advance_wb_err, from fsync),
 * callers without a file once per mapping (filemap_fdatawait_range). */
#ifndef _PAGEMAP_H
#define _PAGEMAP_H
#include <vmstat.h>
#include <mm.h>
#include <xarray.h>
#include <errseq.h>
#include <bio.h>
#include <riscv.h>
#include <writeback.h>

struct folio { struct page page; };	/* a head page */
#define page_folio(p) ((struct folio *)(p))
#define folio_page(f, n) (&(f)->page + (n))
static inline void *folio_address(struct folio *f) { return page_address(&f->page); }
static inline unsigned long folio_index(struct folio *f) { return f->page.index; }
static inline loff_t folio_pos(struct folio *f) { return (loff_t)f->page.index << PAGE_SHIFT; }
static inline size_t folio_size(struct folio *f) { (void)f; return PAGE_SIZE; }
static inline struct address_space *folio_mapping(struct folio *f) { return f->page.mapping; }
static inline void folio_get(struct folio *f) { get_page(&f->page); }
static inline void folio_put(struct folio *f) { put_page(&f->page); }
static inline int folio_try_get(struct folio *f) { return atomic_inc_not_zero(&f->page._refcount); }

/* page flags beyond mm.h's */
#define PG_writeback 6
#define PG_error 7
#define PG_referenced 8
#define PG_readahead 9
#define PG_private 10	/* page.private holds the filesystem's data */
#define PG_ra_unused 11	/* read ahead and not used yet (ours: the waste counter) */
#define FOLIO_FLAG(name, bit)							\
static inline int folio_test_##name(struct folio *f) { return test_bit(bit, &f->page.flags); } \
static inline void folio_set_##name(struct folio *f) { set_bit(bit, &f->page.flags); }	\
static inline void folio_clear_##name(struct folio *f) { clear_bit(bit, &f->page.flags); }
FOLIO_FLAG(locked, PG_locked)
FOLIO_FLAG(uptodate, PG_uptodate)
FOLIO_FLAG(dirty, PG_dirty)
FOLIO_FLAG(writeback, PG_writeback)
FOLIO_FLAG(error, PG_error)
FOLIO_FLAG(referenced, PG_referenced)
FOLIO_FLAG(readahead, PG_readahead)
FOLIO_FLAG(private, PG_private)
FOLIO_FLAG(ra_unused, PG_ra_unused)

/* A reader used f: reclaim gives it a second chance, and if readahead
 * brought it in, that read was not wasted. */
static inline void folio_mark_accessed(struct folio *f)
{
	if (!folio_test_referenced(f))
		folio_set_referenced(f);
	if (folio_test_ra_unused(f))
		folio_clear_ra_unused(f);
}

/* A filesystem's per-folio data (ext2: the folio's disk block). Set and
 * cleared with the folio locked. Unlike Linux, attaching takes no folio
 * reference: the page cache instead asks ->invalidate_folio (truncate)
 * and ->release_folio (reclaim, invalidate_mapping_pages) to detach it
 * before the folio leaves the cache. */
static inline void folio_attach_private(struct folio *f, unsigned long data)
{
	f->page.private = data;
	folio_set_private(f);
}
static inline unsigned long folio_detach_private(struct folio *f)
{
	unsigned long data = f->page.private;
	folio_clear_private(f);
	f->page.private = 0;
	return data;
}
static inline void folio_mark_uptodate(struct folio *f) { smp_wmb(); folio_set_uptodate(f); }

#define PAGECACHE_TAG_DIRTY XA_MARK_0
#define PAGECACHE_TAG_WRITEBACK XA_MARK_1
#define PAGECACHE_TAG_TOWRITE XA_MARK_2

struct file;
struct inode;
struct writeback_control;
struct address_space;
struct iov_iter;
struct readahead_control;

struct address_space_operations {
	/* Folio locked and not uptodate: start reading it; unlock it when
	 * done (from I/O completion is fine), uptodate on success. */
	int (*read_folio)(struct file *file, struct folio *folio);
	/* Start reading every folio of rac, taking them in order with
	 * readahead_folio (each unlocked when done, uptodate on success);
	 * as few large bios as the layout allows. Folios it leaves are
	 * unlocked by the caller and read later with read_folio. */
	void (*readahead)(struct readahead_control *rac);
	/* Write back dirty folios as wbc asks (write_cache_pages helps). */
	int (*writepages)(struct address_space *mapping, struct writeback_control *wbc);
	/* Returns 1 if the folio became dirty. */
	int (*dirty_folio)(struct address_space *mapping, struct folio *folio);
	/* Prepare [pos, pos+len) in one folio for a copy: return it locked
	 * and referenced in *foliop (read first if partially overwritten). */
	int (*write_begin)(struct file *file, struct address_space *mapping, loff_t pos,
			   unsigned int len, struct folio **foliop, void **fsdata);
	/* After copying `copied` bytes (fewer than len if the source went
	 * away): mark dirty, extend i_size, unlock, put; returns the bytes
	 * accepted: copied, or 0 for a short copy into a folio that is not
	 * uptodate (its other bytes are not valid). */
	int (*write_end)(struct file *file, struct address_space *mapping, loff_t pos,
			 unsigned int len, unsigned int copied, struct folio *folio, void *fsdata);
	/* Folio locked, private set, bytes [offset, offset+len) are being
	 * truncated away: drop the private data if it no longer applies
	 * (always when the whole folio goes). */
	void (*invalidate_folio)(struct folio *folio, size_t offset, size_t len);
	/* Folio locked, clean, private set, about to be freed by reclaim
	 * or invalidate_mapping_pages: detach the private data and return
	 * 1, or return 0 to keep the folio. Must not sleep when gfp is
	 * GFP_ATOMIC (reclaim from the page allocator). */
	int (*release_folio)(struct folio *folio, gfp_t gfp);
	/* The disk block (in fs blocks) holding file block `block`, or 0
	 * for a hole (FIBMAP). */
	sector_t (*bmap)(struct address_space *mapping, sector_t block);
};

struct address_space {
	struct inode *host;
	struct xarray i_pages;
	spinlock_t i_pages_lock;
	unsigned long nrpages;
	const struct address_space_operations *a_ops;
	struct rw_semaphore invalidate_lock;	/* vs. truncate */
	errseq_t wb_err;		/* writeback errors, for open files (errseq.h) */
	void *private_data;		/* the block_device of a bdev mapping */
	unsigned long flags;		/* AS_* bits, atomic bitops */
	struct list_head i_mmap;	/* VMAs mapping it, by vm_shared (mm/rmap.c) */
	struct rw_semaphore i_mmap_rwsem;	/* guards i_mmap and those VMAs' extents */
	unsigned long writeback_index;	/* where range_cyclic writeback goes on */
};
/* mapping->flags bit numbers (Linux's). AS_EIO/AS_ENOSPC: a writeback
 * error that no filemap_check_errors has returned yet (the per-mapping
 * report for callers without a file; wb_err is the per-file one). */
#define AS_EIO 0
#define AS_ENOSPC 1
/* No backing store (ramfs): dirty pages are not counted in nr_dirty and
 * never written back or reclaimed. */
#define AS_NO_WRITEBACK 2

/* Truncation (exclusive) against readahead and read misses (shared):
 * no folio is inserted past a new EOF, or over blocks being freed.
 * Order: i_rwsem > invalidate_lock > folio lock. */
static inline void filemap_invalidate_lock(struct address_space *m) { down_write(&m->invalidate_lock); }
static inline void filemap_invalidate_unlock(struct address_space *m) { up_write(&m->invalidate_lock); }
static inline void filemap_invalidate_lock_shared(struct address_space *m) { down_read(&m->invalidate_lock); }
static inline void filemap_invalidate_unlock_shared(struct address_space *m) { up_read(&m->invalidate_lock); }

/* Record a writeback error (err = -errno; 0 is a no-op) in wb_err, in
 * AS_EIO/AS_ENOSPC and in the host's super block (syncfs). Any context,
 * no locks: bio completions call it in interrupt context. */
void mapping_set_error(struct address_space *mapping, int err);

/* What a newly opened file starts from (see errseq_sample). */
static inline errseq_t filemap_sample_wb_err(struct address_space *mapping)
{
	return errseq_sample(&mapping->wb_err);
}

/* Writes one locked dirty folio (already cleared for I/O and marked
 * writeback); must eventually call folio_end_writeback. */
typedef int (*writepage_t)(struct folio *folio, struct writeback_control *wbc, void *data);
int write_cache_pages(struct address_space *mapping, struct writeback_control *wbc,
		      writepage_t writepage, void *data);

/* fgp flags for __filemap_get_folio */
#define FGP_ACCESSED 0x01
#define FGP_LOCK 0x02
#define FGP_CREAT 0x04
#define FGP_WRITE 0x08
#define FGP_NOWAIT 0x20

void pagecache_init(void);
void address_space_init(struct address_space *mapping, struct inode *host,
			const struct address_space_operations *a_ops);
struct folio *filemap_get_entry(struct address_space *mapping, unsigned long index);
struct folio *__filemap_get_folio(struct address_space *mapping, unsigned long index,
				  unsigned int fgp, gfp_t gfp);
int filemap_add_folio(struct address_space *mapping, struct folio *folio,
		      unsigned long index, gfp_t gfp);
struct folio *read_cache_folio(struct address_space *mapping, unsigned long index,
			       struct file *file);
struct folio *read_mapping_folio(struct address_space *mapping, unsigned long index,
				 struct file *file);
/* Completion helper: every page of a read bio uptodate (or error), unlocked. */
void bio_end_read_folios(struct bio *bio);
/* The first index in [index, index + max_scan) with no folio, or one
 * past that range; the last such index going down from index, or one
 * below the range (page_cache_prev_miss). */
unsigned long page_cache_next_miss(struct address_space *mapping, unsigned long index,
				   unsigned long max_scan);
unsigned long page_cache_prev_miss(struct address_space *mapping, unsigned long index,
				   unsigned long max_scan);

/* ---- readahead (mm/readahead.c) ---- */
struct file_ra_state;

/* A run of new, locked folios at consecutive indices [_index, _index +
 * _nr_pages) in the cache, for ->readahead. readahead_folio hands them
 * out in order, dropping the allocation's reference (the cache keeps
 * its own, and the folio lock keeps truncation away until the read
 * completes). */
struct readahead_control {
	struct file *file;
	struct address_space *mapping;
	struct file_ra_state *ra;
	unsigned long _index;
	unsigned int _nr_pages;
	unsigned int _batch_count;	/* handed out, not yet stepped past */
};
#define DEFINE_READAHEAD(name, f, r, m, i)					\
	struct readahead_control name = { .file = f, .mapping = m, .ra = r, ._index = i }

/* The next folio of the run, or NULL at its end. */
static inline struct folio *readahead_folio(struct readahead_control *rac)
{
	struct folio *f;

	rac->_index += rac->_batch_count;
	rac->_nr_pages -= rac->_batch_count;
	rac->_batch_count = 0;
	if (!rac->_nr_pages)
		return NULL;
	f = filemap_get_entry(rac->mapping, rac->_index);	/* ours, locked: there */
	rac->_batch_count = 1;
	folio_put(f);		/* the lookup's reference */
	folio_put(f);		/* the allocation's; the cache keeps its own */
	return f;
}
static inline unsigned long readahead_index(struct readahead_control *rac) { return rac->_index; }
static inline unsigned int readahead_count(struct readahead_control *rac) { return rac->_nr_pages; }
static inline loff_t readahead_pos(struct readahead_control *rac) { return (loff_t)rac->_index << PAGE_SHIFT; }

void file_ra_state_init(struct file_ra_state *ra, struct address_space *mapping);
void page_cache_ra_unbounded(struct readahead_control *rac, unsigned long nr_to_read,
			     unsigned long lookahead_size);
void force_page_cache_ra(struct readahead_control *rac, unsigned long nr_to_read);
void page_cache_sync_ra(struct readahead_control *rac, unsigned long req_count);
void page_cache_async_ra(struct readahead_control *rac, struct folio *folio,
			 unsigned long req_count);

/* A read of req_count pages from index missed the cache. */
static inline void page_cache_sync_readahead(struct address_space *mapping, struct file_ra_state *ra,
					     struct file *file, unsigned long index,
					     unsigned long req_count)
{
	DEFINE_READAHEAD(rac, file, ra, mapping, index);
	page_cache_sync_ra(&rac, req_count);
}

/* A read found folio (at index) with the readahead mark. */
static inline void page_cache_async_readahead(struct address_space *mapping,
					      struct file_ra_state *ra, struct file *file,
					      struct folio *folio, unsigned long index,
					      unsigned long req_count)
{
	DEFINE_READAHEAD(rac, file, ra, mapping, index);
	page_cache_async_ra(&rac, folio, req_count);
}

/* Start reading nr pages from index (hints: fadvise WILLNEED, readahead(2)). */
void force_page_cache_readahead(struct address_space *mapping, struct file *file,
				unsigned long index, unsigned long nr_to_read);

void folio_lock(struct folio *f);
int folio_trylock(struct folio *f);
void folio_unlock(struct folio *f);
void folio_wait_locked(struct folio *f);
int folio_mark_dirty(struct folio *f);
int filemap_dirty_folio(struct address_space *mapping, struct folio *f);
int folio_clear_dirty_for_io(struct folio *f);
void folio_start_writeback(struct folio *f);
void folio_end_writeback(struct folio *f);
void folio_wait_writeback(struct folio *f);

ssize_t filemap_read(struct file *file, struct iov_iter *iter, loff_t *pos);
ssize_t generic_perform_write(struct file *file, struct iov_iter *iter, loff_t *pos);
int filemap_fdatawrite_range(struct address_space *mapping, loff_t start, loff_t end);
int filemap_fdatawait_range(struct address_space *mapping, loff_t start, loff_t end);
/* Start writeback of the range's dirty folios (WB_SYNC_NONE: no wait). */
int filemap_flush_range(struct address_space *mapping, loff_t start, loff_t end);
/* Wait for the range's writeback; errors stay for fsync to report. */
void filemap_fdatawait_range_keep_errors(struct address_space *mapping, loff_t start, loff_t end);
/* ... then report this open file's unseen error, once (errseq). */
int file_fdatawait_range(struct file *file, loff_t start, loff_t end);
int filemap_write_and_wait_range(struct address_space *mapping, loff_t start, loff_t end);
int filemap_check_errors(struct address_space *mapping);
int file_check_and_advance_wb_err(struct file *file);
int file_write_and_wait_range(struct file *file, loff_t start, loff_t end);
void truncate_inode_pages_range(struct address_space *mapping, loff_t lstart, loff_t lend);
void truncate_inode_pages(struct address_space *mapping, loff_t lstart);
/* Shrink to newsize: unmap past it in every process (private copies
 * too), drop the cache past it, zero the partial page. i_rwsem held. */
void truncate_pagecache(struct inode *inode, loff_t newsize);
unsigned long invalidate_mapping_pages(struct address_space *mapping, unsigned long start,
				       unsigned long end);
int invalidate_inode_pages2_range(struct address_space *mapping, unsigned long start,
				  unsigned long end);
int filemap_release_folio(struct folio *f, gfp_t gfp);
/* A writer's dirty throttle: call after dirtying a folio. */
void balance_dirty_pages_ratelimited(struct address_space *mapping);
void folio_invalidate(struct folio *f, size_t offset, size_t len);

/* Simple a_ops pieces for page-cache-only or whole-page filesystems. */
int simple_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
		       unsigned int len, struct folio **foliop, void **fsdata);
int simple_write_end(struct file *file, struct address_space *mapping, loff_t pos,
		     unsigned int len, unsigned int copied, struct folio *folio, void *fsdata);

/* Reclaim up to nr clean, unused page-cache folios (mm/vmscan.c). */
unsigned long shrink_page_cache(unsigned long nr);
#endif
