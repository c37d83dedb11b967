/* filemap_fault.c: file mappings of the page cache, the second half of
 * Linux's mm/filemap.c. generic_file_mmap gives a VMA these vm_ops;
 * filemap_fault finds the folio a fault maps (the cache's own folio, no
 * copy): a hit may start async readahead, a miss reads around the fault
 * (do_sync_mmap_readahead); waiting for I/O it drops mmap_lock and
 * returns VM_FAULT_RETRY (maybe_unlock_mmap_for_io,
 * lock_folio_maybe_drop_mmap). filemap_map_pages maps the ready folios
 * around a fault (fault-around) without sleeping; filemap_page_mkwrite
 * makes a shared page writable. memory.c calls all of them through
 * vm_ops; lookups and reads are filemap.c's.
 * Locks: mmap_lock (held for reading on entry; dropped before sleeping on
 * a folio when FAULT_FLAG_ALLOW_RETRY allows) > mapping->invalidate_lock
 * (shared, inserting a folio on a miss) > folio lock > page_table_lock
 * (fault-around) ; folio lock > i_pages_lock. */
#include <pagemap.h>
#include <fs.h>
#include <sched.h>
#include <printk.h>
#include "internal.h"

/* ---- file mappings: faults map the cache's own folios ---- */

/* ->mmap of page-cache files: faults go through filemap_fault. */
int generic_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct address_space *m = file_inode(file)->i_mapping;
	if (!m->a_ops || !m->a_ops->read_folio)
		return -ENOEXEC;
	vma->vm_ops = &generic_file_vm_ops;
	return 0;
}

/* ->page_mkwrite for caches without blocks to allocate (ramfs, block
 * devices, shared anonymous memory): dirty it, return it locked. */
vm_fault_t filemap_page_mkwrite(struct vm_fault *vmf)
{
	struct folio *f = page_folio(vmf->page);
	folio_lock(f);
	if (folio_mapping(f) != vma_mapping(vmf->vma)) {
		folio_unlock(f);
		return VM_FAULT_NOPAGE;
	}
	folio_mark_dirty(f);
	folio_wait_writeback(f);	/* stable while it is being written */
	return VM_FAULT_LOCKED;
}

/* If this fault may drop mmap_lock (the first attempt of a fault that
 * allows retry), pin the file and drop it, so the caller can sleep on
 * I/O without blocking mmap/munmap of other threads; the caller must then
 * return VM_FAULT_RETRY. Returns the pinned file (or the one already
 * pinned), NULL if the lock is kept. */
static struct file *maybe_unlock_mmap_for_io(struct vm_fault *vmf, struct file *fpin)
{
	/* LAB(retry) BEGIN: drop mmap_lock before sleeping on I/O, if allowed
	 * A fault that waits for the disk with mmap_lock held (for reading)
	 * blocks every mmap, munmap and mprotect of the process (they take it
	 * for writing) until the read completes. If this is the first try of
	 * a fault that may be retried (FAULT_FLAG_ALLOW_RETRY set,
	 * FAULT_FLAG_TRIED not) and the lock is not dropped already (fpin
	 * NULL), pin the VMA's file (get_file: the VMA may be unmapped and
	 * freed the moment the lock is gone, and the file with it) and drop
	 * the lock (up_read). Return the pinned file (fpin if it was already
	 * pinned), or NULL if the lock is kept. The caller must not touch
	 * vmf->vma afterwards, and must end with VM_FAULT_RETRY and fput.
	 * Provided until then: never drop it.
	 * STUB: return fpin;
	 */
	if (fpin)
		return fpin;
	if ((vmf->flags & (FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_TRIED)) == FAULT_FLAG_ALLOW_RETRY) {
		fpin = get_file(vmf->vma->vm_file);
		up_read(&vmf->vma->vm_mm->mmap_lock);
	}
	return fpin;
	/* LAB(retry) END */
}

#define MMAP_LOTSAMISS 100
/* A fault missed the cache (Linux's do_sync_mmap_readahead): with
 * MADV_RANDOM read nothing more than the page; with MADV_SEQUENTIAL,
 * sequential readahead as read(2) gets; else read around the fault, a
 * window of ra_pages centred on it with the mark a quarter from its end,
 * unless this file's faults miss far more often than they hit
 * (mmap_miss: read-around is not paying off). Drops mmap_lock first if
 * allowed; returns the pinned file then. */
struct file *do_sync_mmap_readahead(struct vm_fault *vmf)
{
	struct file *file = vmf->vma->vm_file, *fpin = NULL;
	struct file_ra_state *ra = &file->f_ra;
	unsigned long vm_flags = vmf->vma->vm_flags;
	DEFINE_READAHEAD(rac, file, ra, vma_mapping(vmf->vma), vmf->pgoff);
	unsigned int mmap_miss;

	if ((vm_flags & VM_RAND_READ) || !ra->ra_pages)
		return NULL;
	if (vm_flags & VM_SEQ_READ) {
		fpin = maybe_unlock_mmap_for_io(vmf, fpin);	/* vmf->vma is off limits now */
		page_cache_sync_ra(&rac, ra->ra_pages);
		return fpin;
	}
	mmap_miss = READ_ONCE(ra->mmap_miss);
	if (mmap_miss < MMAP_LOTSAMISS * 10)
		WRITE_ONCE(ra->mmap_miss, ++mmap_miss);
	if (mmap_miss > MMAP_LOTSAMISS)
		return NULL;
	fpin = maybe_unlock_mmap_for_io(vmf, fpin);
	ra->start = vmf->pgoff > ra->ra_pages / 2 ? vmf->pgoff - ra->ra_pages / 2 : 0;
	ra->size = ra->ra_pages;
	ra->async_size = ra->ra_pages / 4;
	rac._index = ra->start;
	count_vm_event(RA_MMAP_AROUND);
	page_cache_ra_order(&rac, ra, 0);
	return fpin;
}

/* A fault found its folio cached (Linux's do_async_mmap_readahead): a
 * hit for mmap_miss, and if the folio carries the readahead mark, the
 * next window starts now, without waiting for it. Returns the pinned
 * file if mmap_lock was dropped. */
struct file *do_async_mmap_readahead(struct vm_fault *vmf, struct folio *folio)
{
	struct file *file = vmf->vma->vm_file, *fpin = NULL;
	struct file_ra_state *ra = &file->f_ra;
	DEFINE_READAHEAD(rac, file, ra, vma_mapping(vmf->vma), vmf->pgoff);
	unsigned int mmap_miss;

	if ((vmf->vma->vm_flags & VM_RAND_READ) || !ra->ra_pages)
		return NULL;
	mmap_miss = READ_ONCE(ra->mmap_miss);
	if (mmap_miss)
		WRITE_ONCE(ra->mmap_miss, --mmap_miss);
	if (folio_test_readahead(folio)) {
		fpin = maybe_unlock_mmap_for_io(vmf, fpin);
		page_cache_async_ra(&rac, folio, ra->ra_pages);
	}
	return fpin;
}

/* Lock the folio; if that means waiting (a read in flight), drop
 * mmap_lock first when allowed (*fpin set: the caller returns RETRY). */
static inline void lock_folio_maybe_drop_mmap(struct vm_fault *vmf, struct folio *f,
					      struct file **fpin)
{
	/* LAB(retry) BEGIN: lock the folio, without mmap_lock if it means waiting
	 * A folio that is locked is being read (or written): waiting for its
	 * lock is waiting for the disk. Try the lock first (folio_trylock);
	 * only if that fails, drop mmap_lock when allowed
	 * (maybe_unlock_mmap_for_io, which sets *fpin) and then sleep in
	 * folio_lock.
	 * Provided until then: sleep with mmap_lock held.
	 * STUB: folio_lock(f);
	 */
	if (folio_trylock(f))
		return;
	*fpin = maybe_unlock_mmap_for_io(vmf, *fpin);
	folio_lock(f);
	/* LAB(retry) END */
}

/* The folio at index for a fault that missed: looked up or created under
 * invalidate_lock (shared) after re-checking EOF, so a truncation (which
 * sets i_size and empties the cache under it, exclusive) either removes
 * the new folio or has already made this fault one past EOF, and no
 * folio is left in the cache past EOF (as Linux's filemap_fault).
 * -ERANGE: past EOF; -ENOMEM. */
static struct folio *fault_get_folio(struct address_space *m, unsigned long index)
{
	struct folio *f = ERR_PTR(-ERANGE);
	filemap_invalidate_lock_shared(m);
	if (!beyond_eof(m, index))
		f = __filemap_get_folio(m, index, FGP_CREAT, GFP_KERNEL);
	filemap_invalidate_unlock_shared(m);
	return f;
}

/* What the mmap lab's student tree faults file pages in with until it
 * has its own filemap_fault (docs/labs/mmap.md); the solution never
 * calls it. The plainest ->fault that is correct: the folio looked up or
 * created (fault_get_folio), read if it is not uptodate, with mmap_lock
 * held throughout; no read-around, no retry, no major-fault count.
 * SIGBUS past EOF, checked again under the folio lock. */
static __maybe_unused vm_fault_t filemap_fault_simple(struct vm_fault *vmf)
{
	struct address_space *m = vma_mapping(vmf->vma);
	struct folio *f;

	for (;;) {
		f = fault_get_folio(m, vmf->pgoff);
		if (IS_ERR(f))
			return PTR_ERR(f) == -ERANGE ? VM_FAULT_SIGBUS : VM_FAULT_OOM;
		folio_lock(f);
		if (folio_mapping(f) != m) {	/* truncated meanwhile: look again */
			folio_unlock(f);
			folio_put(f);
			continue;
		}
		if (folio_test_uptodate(f))
			break;
		int err = filemap_read_folio(vmf->vma->vm_file, m, f);	/* unlocks it */
		folio_put(f);
		if (err)
			return VM_FAULT_SIGBUS;
	}
	if (beyond_eof(m, vmf->pgoff)) {
		folio_unlock(f);
		folio_put(f);
		return VM_FAULT_SIGBUS;
	}
	vmf->page = &f->page;
	return VM_FAULT_LOCKED;
}

/* ->fault of file mappings (Linux's filemap_fault): the folio at
 * vmf->pgoff, locked and referenced (VM_FAULT_LOCKED), from the cache;
 * a miss is a major fault that reads around it. Whenever it has to sleep
 * on I/O it drops mmap_lock first if allowed and returns VM_FAULT_RETRY
 * (the arch handler retries, finding the now cached folio). Past EOF
 * (checked again under the folio lock, against truncate) or on a read
 * error: VM_FAULT_SIGBUS. A folio truncated meanwhile is looked up
 * again. Never returns RETRY together with an error bit. */
vm_fault_t filemap_fault(struct vm_fault *vmf)
{
	/* LAB(mmap) BEGIN: the folio a fault maps, from the page cache
	 * A mapping maps the cache's own folio at vmf->pgoff: return it locked
	 * and referenced in vmf->page with VM_FAULT_LOCKED. Past EOF
	 * (beyond_eof) is VM_FAULT_SIGBUS, checked first and again once the
	 * folio is locked (a truncation may have raced). A cached folio is a
	 * hit (PGCACHE_HIT; do_async_mmap_readahead, unless the fault is a
	 * retry: FAULT_FLAG_TRIED). A miss is a major fault (PGMAJFAULT,
	 * VM_FAULT_MAJOR in the result): read around it first
	 * (do_sync_mmap_readahead), then get the folio with fault_get_folio
	 * (created under invalidate_lock, never past EOF). Lock it
	 * (lock_folio_maybe_drop_mmap); if it left the mapping meanwhile,
	 * look again; if it is not uptodate, read it (filemap_read_folio) and
	 * look again, SIGBUS if the read failed. Whenever a helper dropped
	 * mmap_lock (it returns the pinned file, fpin), the VMA may be gone:
	 * put what you hold, fput(fpin) and return VM_FAULT_RETRY (with
	 * VM_FAULT_MAJOR if it was one) instead of going on (the retry lab).
	 * Provided until then: filemap_fault_simple.
	 * STUB: return filemap_fault_simple(vmf);
	 */
	struct file *file = vmf->vma->vm_file, *fpin = NULL;
	struct address_space *m = vma_mapping(vmf->vma);
	unsigned long index = vmf->pgoff;
	struct folio *f;
	vm_fault_t ret = 0;
	int err;

	if (beyond_eof(m, index))
		return VM_FAULT_SIGBUS;
	f = filemap_get_entry(m, index);
	if (f) {
		count_vm_event(PGCACHE_HIT);
		if (!(vmf->flags & FAULT_FLAG_TRIED))
			fpin = do_async_mmap_readahead(vmf, f);
	} else {
		count_vm_event(PGMAJFAULT);
		ret = VM_FAULT_MAJOR;
		fpin = do_sync_mmap_readahead(vmf);
retry_find:
		f = fault_get_folio(m, index);
		if (IS_ERR(f)) {
			err = PTR_ERR(f);
			f = NULL;
			if (fpin)
				goto out_retry;
			return err == -ERANGE ? VM_FAULT_SIGBUS : VM_FAULT_OOM;
		}
	}
	lock_folio_maybe_drop_mmap(vmf, f, &fpin);
	if (folio_mapping(f) != m) {	/* truncated while we slept */
		folio_unlock(f);
		folio_put(f);
		goto retry_find;
	}
	if (!folio_test_uptodate(f))
		goto page_not_uptodate;
	if (fpin) {			/* the VMA may be gone: start over */
		folio_unlock(f);
		goto out_retry;
	}
	if (beyond_eof(m, index)) {	/* truncated before we locked it */
		folio_unlock(f);
		folio_put(f);
		return VM_FAULT_SIGBUS;
	}
	folio_clear_ra_unused(f);	/* mapped: readahead was not wasted */
	vmf->page = &f->page;
	return ret | VM_FAULT_LOCKED;

page_not_uptodate:
	/* A read failed earlier, or this folio is new: read it (once) and
	 * see; the lock is dropped for the wait when allowed. */
	fpin = maybe_unlock_mmap_for_io(vmf, fpin);
	err = filemap_read_folio(file, m, f);
	if (fpin)
		goto out_retry;
	folio_put(f);
	if (!err)
		goto retry_find;
	return VM_FAULT_SIGBUS;

out_retry:
	if (f)
		folio_put(f);
	if (fpin)
		fput(fpin);
	return ret | VM_FAULT_RETRY;
	/* LAB(mmap) END */
}

/* LAB(mmap) BEGIN: helpers for filemap_map_pages, if you want them
 */
/* Trylocks the folio at or after *index (up to end) if it can be mapped
 * without waiting: cached, uptodate, unlocked, inside EOF, and not
 * carrying the readahead mark (its fault must start the next window).
 * Returns it locked and referenced, *index set; NULL if none is left. */
static struct folio *next_uptodate_folio(struct address_space *m, unsigned long *index,
					 unsigned long end)
{
	struct folio *f;
	while (*index <= end && (f = filemap_find_get(m, index, end, XA_PRESENT))) {
		if (folio_test_uptodate(f) && !folio_test_readahead(f) && folio_trylock(f)) {
			if (folio_mapping(f) == m && folio_test_uptodate(f) &&
			    !beyond_eof(m, folio_index(f)))
				return f;
			folio_unlock(f);
		}
		folio_put(f);
		(*index)++;
	}
	return NULL;
}

#define MAP_PAGES_BATCH 16
/* LAB(mmap) END */

/* ->map_pages (fault-around): maps, read-only, the folios of [start_pgoff,
 * end_pgoff] (one page table's worth at most) that are ready, never
 * sleeping on a folio lock; a slot already mapped is left alone. Returns
 * VM_FAULT_NOPAGE if the faulting address itself got mapped. */
vm_fault_t filemap_map_pages(struct vm_fault *vmf, unsigned long start_pgoff,
			     unsigned long end_pgoff)
{
	/* LAB(mmap) BEGIN: fault-around: map what is ready around the fault
	 * do_read_fault calls this before ->fault, for the file pages
	 * [start_pgoff, end_pgoff] around the faulting one (64 KiB, within
	 * one page table and the VMA). Map, read-only and clean
	 * (pte_mkclean(pte_wrprotect(vm_get_page_prot(vm_flags)))), every
	 * folio of that range that can be mapped without waiting: cached,
	 * uptodate, not carrying the readahead mark (its fault must start
	 * the next window), inside EOF, and whose lock you get with
	 * folio_trylock (never sleep here). Find them with filemap_find_get
	 * (the next cached folio from an index on). Install each with
	 * do_set_pte under the page table's lock (pte_alloc_map_lock of the
	 * range's first address: one table holds the whole range), only into
	 * an empty PTE; the PTE takes your folio reference, a folio you did
	 * not map gets it back (folio_put). Unlock every folio after. Count
	 * the pages mapped besides the faulting one (PGFAULT_AROUND), and
	 * lower the file's ra.mmap_miss by as many (they were hits). Return
	 * VM_FAULT_NOPAGE if the faulting address itself got mapped (then
	 * ->fault is not called), else 0.
	 * Provided until then: map nothing around; every page faults.
	 * STUB: return 0;
	 */
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct address_space *m = vma_mapping(vma);
	pte_t prot = pte_mkclean(pte_wrprotect(vm_get_page_prot(vma->vm_flags)));
	unsigned long index = start_pgoff, mapped = 0;
	vm_fault_t ret = 0;
	for (;;) {
		struct folio *batch[MAP_PAGES_BATCH];
		int n = 0;
		while (n < MAP_PAGES_BATCH && (batch[n] = next_uptodate_folio(m, &index, end_pgoff))) {
			n++;
			index++;
		}
		if (!n)
			break;
		/* One page table holds the whole window (do_fault_around). */
		unsigned long base = vma->vm_start + ((start_pgoff - vma->vm_pgoff) << PAGE_SHIFT);
		pte_t *pte = pte_alloc_map_lock(mm, base);
		int installed[MAP_PAGES_BATCH] = { 0 };
		for (int i = 0; pte && i < n; i++) {
			unsigned long addr = base + ((folio_index(batch[i]) - start_pgoff) << PAGE_SHIFT);
			pte_t *p = pte + ((addr - base) >> PAGE_SHIFT);
			if (!pte_none(*p))
				continue;
			folio_clear_ra_unused(batch[i]);
			do_set_pte(mm, p, &batch[i]->page, prot);	/* takes our reference */
			installed[i] = 1;
			if (addr == vmf->address)
				ret = VM_FAULT_NOPAGE;
			else
				mapped++;
		}
		if (pte)
			pte_unmap_unlock(mm);
		for (int i = 0; i < n; i++) {
			folio_unlock(batch[i]);
			if (!installed[i])
				folio_put(batch[i]);
		}
		if (n < MAP_PAGES_BATCH)
			break;
	}
	count_vm_events(PGFAULT_AROUND, mapped);
	if (vma->vm_file) {	/* mapped without a miss: hits for read-around */
		struct file_ra_state *ra = &vma->vm_file->f_ra;
		unsigned int mmap_miss = READ_ONCE(ra->mmap_miss);
		WRITE_ONCE(ra->mmap_miss, mmap_miss > mapped ? mmap_miss - mapped : 0);
	}
	return ret;
	/* LAB(mmap) END */
}

const struct vm_operations_struct generic_file_vm_ops = {
	.fault = filemap_fault,
	.map_pages = filemap_map_pages,
	.page_mkwrite = filemap_page_mkwrite,
};
