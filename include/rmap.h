/* rmap.h: the reverse map (mm/rmap.c): from a page-cache folio to the
 * PTEs that map it. Every address_space keeps the VMAs mapping it on
 * its i_mmap list; a folio at index i is mapped, if at all, at
 * vma_address(folio, vma) in each of them (private mappings may have
 * replaced it there with an anonymous copy). Anonymous pages have no
 * reverse map: nothing here needs to find their mappings.
 * Locks: mapping->i_mmap_rwsem, read to walk i_mmap, write to add or
 * remove a VMA or change the extent (vm_start, vm_end, vm_pgoff) of one
 * on it. It nests inside mmap_lock and the folio lock and outside every
 * page_table_lock, so a walker may zap or write-protect PTEs. */
#ifndef _RMAP_H
#define _RMAP_H
#include <mm.h>
#include <pagemap.h>

static inline void i_mmap_lock_read(struct address_space *m) { down_read(&m->i_mmap_rwsem); }
static inline void i_mmap_unlock_read(struct address_space *m) { up_read(&m->i_mmap_rwsem); }
static inline void i_mmap_lock_write(struct address_space *m) { down_write(&m->i_mmap_rwsem); }
static inline void i_mmap_unlock_write(struct address_space *m) { up_write(&m->i_mmap_rwsem); }

/* Put a file VMA on its mapping's i_mmap, right after `after` if given
 * (fork, split: a walker that already passed `after` has nothing left to
 * find in the copy), else at the tail. Caller holds i_mmap_rwsem (write). */
void vma_link_file(struct vm_area_struct *vma, struct vm_area_struct *after);
void vma_unlink_file(struct vm_area_struct *vma);	/* i_mmap_rwsem (write) */

/* Where folio is (or would be) mapped in vma, or -EFAULT if outside it. */
unsigned long vma_address(struct folio *folio, struct vm_area_struct *vma);

/* Calls rmap_one(folio, vma, address, arg) for each VMA on the folio's
 * mapping's i_mmap that covers its index, until it returns 0. folio is
 * locked (so it stays in its mapping); i_mmap_rwsem is held (read)
 * around the calls, which may take page_table_locks and flush TLBs but
 * not sleep on folio locks. Does nothing for a folio out of the cache. */
struct rmap_walk_control {
	void *arg;
	int (*rmap_one)(struct folio *folio, struct vm_area_struct *vma,
			unsigned long address, void *arg);
};
void rmap_walk(struct folio *folio, struct rmap_walk_control *rwc);

/* Write-protect and clean every shared mapping of a locked folio, as
 * writeback must before the folio counts as clean (a later store then
 * faults and dirties it again). Returns how many PTEs it changed. */
int folio_mkclean(struct folio *folio);

/* The PTE that maps page at address in vma, with vma->vm_mm's
 * page_table_lock held, or NULL (not mapped there; no lock held). */
pte_t *page_check_address(struct page *page, struct vm_area_struct *vma, unsigned long address);

/* Unmap every PTE of [holebegin, holebegin + holelen) of the file (bytes;
 * holelen 0: to the end) in every process: shared pages, and with
 * even_cows also private copies (truncate: a private copy of a page
 * past EOF must go too). Caller holds no mmap_lock; may sleep. */
void unmap_mapping_range(struct address_space *mapping, loff_t holebegin, loff_t holelen,
			 int even_cows);
/* Unmap one locked folio from every process (before truncation drops it). */
void unmap_mapping_folio(struct folio *folio);

/* A PTE now maps page / no longer does (page_table_lock held). */
static inline void page_add_rmap(struct page *page) { atomic_inc(&page->_mapcount); }
static inline void page_remove_rmap(struct page *page) { atomic_dec(&page->_mapcount); }
static inline int folio_mapped(struct folio *f) { return page_mapcount(&f->page) > 0; }
#endif
