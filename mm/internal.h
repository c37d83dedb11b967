/* mm/internal.h: what the files of mm/ share and nobody else should
 * call (as Linux's mm/internal.h). filemap.c owns the folio wait table
 * and lookups (filemap_fault.c uses them), vmscan.c the LRU, truncate.c eviction, memory.c the
 * page-table walks that mprotect.c, mremap.c, mincore.c, rmap.c and
 * /proc's smaps use. */
#ifndef _MM_INTERNAL_H
#define _MM_INTERNAL_H
#include <pagemap.h>
#include <wait.h>

/* The hashed wait queue for f's lock and writeback bits (filemap.c). */
wait_queue_head_t *folio_waitqueue(struct folio *f);
/* The first folio in [*index, max] whose slot has mark (XA_PRESENT:
 * any), referenced, *index set to its index; NULL if none (filemap.c). */
struct folio *filemap_find_get(struct address_space *m, unsigned long *index,
			       unsigned long max, xa_mark_t mark);
/* Read a locked folio and wait; 0 or -errno, the folio unlocked either
 * way (filemap.c, for filemap_fault.c). */
int filemap_read_folio(struct file *file, struct address_space *m, struct folio *f);
/* Whether page index lies wholly past m's EOF (filemap.c). */
int beyond_eof(struct address_space *m, unsigned long index);
/* The reclaim LRU (vmscan.c); a folio is on it while in a mapping. */
void lru_add(struct folio *f);
void lru_del(struct folio *f);
/* Take a locked clean folio out of m if only the cache and the caller's
 * `held` references remain; 1 on success, count then 1 (truncate.c). */
int mapping_evict_folio(struct address_space *m, struct folio *f, int held);

/* ---- page tables (memory.c); every PTE is read and written under its
 * mm's page_table_lock ---- */
/* The level-0 PTE slot of va under pgd, or NULL with *skip (if given)
 * set to the span the missing table would cover; a missing table is
 * made from *spare if given (which then becomes NULL). ptl held. */
pte_t *walk(pgd_t *pgd, unsigned long va, void **spare, unsigned long *skip);
/* The level-0 PTE slot of addr with page_table_lock held, or NULL (no
 * page table there; nothing held). */
pte_t *pte_offset_map_lock(struct mm_struct *mm, unsigned long addr);
/* The same, making the page tables first; NULL only without memory. */
pte_t *pte_alloc_map_lock(struct mm_struct *mm, unsigned long addr);
static inline void pte_unmap_unlock(struct mm_struct *mm) { spin_unlock(&mm->page_table_lock); }
/* Which PTEs a zap takes: everything (NULL), or only pages of `mapping`
 * (private copies too if even_cows), or only those of single_folio. */
struct zap_details {
	struct address_space *mapping;
	struct folio *single_folio;
	int even_cows;
};
void zap_page_range_single(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			   struct zap_details *details);
/* A page enters an empty PTE with prot, its reference already taken for
 * the PTE: mapcount, rss (page_table_lock held). */
void do_set_pte(struct mm_struct *mm, pte_t *pte, struct page *page, pte_t prot);
/* A page leaves a PTE: drop mapcount, rss (page_table_lock held). */
void zap_pte_account(struct mm_struct *mm, struct page *page);
/* mremap: moves the PTEs of [old, old+len) to new_addr (mmap_lock held
 * for writing; the file VMAs' i_mmap_rwsem too). 0 or -ENOMEM. */
int move_page_tables(struct vm_area_struct *vma, unsigned long old_addr,
		     struct vm_area_struct *new_vma, unsigned long new_addr, unsigned long len);

/* ---- readahead for faults (filemap.c, readahead.c) ---- */
struct vm_fault;
/* Read the window ra describes from readahead_index(rac) (ra->start);
 * new_order is for large folios, which this kernel does not have. */
void page_cache_ra_order(struct readahead_control *rac, struct file_ra_state *ra,
			 unsigned int new_order);
struct file *do_sync_mmap_readahead(struct vm_fault *vmf);
struct file *do_async_mmap_readahead(struct vm_fault *vmf, struct folio *folio);

/* ---- VMAs (mmap.c) ---- */
/* Takes vma off the mm's tree and list and its file's i_mmap, and frees it. */
void remove_vma(struct mm_struct *mm, struct vm_area_struct *vma);
#endif
