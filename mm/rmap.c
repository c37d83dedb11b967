/* rmap.c: the reverse map of page-cache folios (include/rmap.h). Each
 * address_space lists the VMAs that map it on i_mmap (Linux keeps an
 * interval tree keyed by file offset; a list walked in full is the same
 * idea at teaching scale). From a folio, rmap_walk visits every VMA that
 * covers its index, at vma_address; unmap_mapping_range and
 * unmap_mapping_folio (which Linux keeps in mm/memory.c) use the same
 * walk to take a file's pages out of every process before truncation,
 * and writeback uses it to write-protect a folio's mappings before
 * cleaning it (folio_mkclean), so the next store faults and dirties the
 * folio again.
 * Locks: i_mmap_rwsem (read to walk, write to change i_mmap or a listed
 * VMA's extent) > page_table_lock. Walkers hold no mmap_lock: the
 * i_mmap_rwsem keeps each listed VMA, its mm and its page tables alive
 * (a VMA leaves i_mmap before it is freed, and page tables go only after
 * every VMA of the mm has). */
#include <rmap.h>
#include <fs.h>
#include <uapi/errno.h>
#include "internal.h"

void vma_link_file(struct vm_area_struct *vma, struct vm_area_struct *after)
{
	struct address_space *m = vma_mapping(vma);
	if (after)
		list_add(&vma->vm_shared, &after->vm_shared);
	else
		list_add_tail(&vma->vm_shared, &m->i_mmap);
}

void vma_unlink_file(struct vm_area_struct *vma)
{
	list_del_init(&vma->vm_shared);
}

unsigned long vma_address(struct folio *folio, struct vm_area_struct *vma)
{
	unsigned long index = folio_index(folio);
	if (index < vma->vm_pgoff || index - vma->vm_pgoff >= vma_pages(vma))
		return -EFAULT;
	return vma->vm_start + ((index - vma->vm_pgoff) << PAGE_SHIFT);
}

void rmap_walk(struct folio *folio, struct rmap_walk_control *rwc)
{
	struct address_space *m = folio_mapping(folio);
	struct vm_area_struct *vma;
	if (!m)
		return;
	i_mmap_lock_read(m);
	list_for_each_entry(vma, &m->i_mmap, vm_shared) {
		unsigned long address = vma_address(folio, vma);
		if (IS_ERR_VALUE(address))
			continue;
		if (!rwc->rmap_one(folio, vma, address, rwc->arg))
			break;
	}
	i_mmap_unlock_read(m);
}

pte_t *page_check_address(struct page *page, struct vm_area_struct *vma, unsigned long address)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t *pte = pte_offset_map_lock(mm, address);
	if (pte && (!pte_has_page(*pte) || vm_normal_page(*pte) != page)) {
		pte_unmap_unlock(mm);
		pte = NULL;
	}
	return pte;
}

/* One shared mapping of the folio: make its PTE read-only and clean. */
static int page_mkclean_one(struct folio *folio, struct vm_area_struct *vma,
			    unsigned long address, void *arg)
{
	int *cleaned = arg;
	if (!(vma->vm_flags & VM_SHARED))
		return 1;	/* private mappings never map it writable */
	pte_t *pte = page_check_address(&folio->page, vma, address);
	if (!pte)
		return 1;
	if (pte_write(*pte) || pte_dirty(*pte)) {
		*pte = pte_mkclean(pte_wrprotect(*pte));
		/* before anyone can store through the old entry again */
		flush_tlb_range(vma->vm_mm, address, address + PAGE_SIZE);
		(*cleaned)++;
	}
	pte_unmap_unlock(vma->vm_mm);
	return 1;
}

int folio_mkclean(struct folio *folio)
{
	int cleaned = 0;
	struct rmap_walk_control rwc = { .arg = &cleaned, .rmap_one = page_mkclean_one };
	if (folio_mapped(folio))
		rmap_walk(folio, &rwc);
	return cleaned;
}

/* Zaps, in every VMA of m, the PTEs of file pages [first, last]. */
static void unmap_mapping_pages(struct address_space *m, unsigned long first,
				unsigned long last, struct zap_details *details)
{
	struct vm_area_struct *vma;
	i_mmap_lock_read(m);
	list_for_each_entry(vma, &m->i_mmap, vm_shared) {
		unsigned long vfirst = vma->vm_pgoff, vlast = vma->vm_pgoff + vma_pages(vma) - 1;
		if (last < vfirst || first > vlast)
			continue;
		unsigned long from = max(first, vfirst), to = min(last, vlast);
		zap_page_range_single(vma, vma->vm_start + ((from - vfirst) << PAGE_SHIFT),
				      vma->vm_start + ((to - vfirst + 1) << PAGE_SHIFT), details);
	}
	i_mmap_unlock_read(m);
}

void unmap_mapping_range(struct address_space *m, loff_t holebegin, loff_t holelen,
			 int even_cows)
{
	struct zap_details d = { .mapping = m, .even_cows = even_cows };
	unsigned long first = holebegin >> PAGE_SHIFT, last = ~0UL;
	if (holelen) {
		unsigned long nr = (holelen + PAGE_SIZE - 1) >> PAGE_SHIFT;
		if (first + nr > first)
			last = first + nr - 1;
	}
	unmap_mapping_pages(m, first, last, &d);
}

void unmap_mapping_folio(struct folio *folio)
{
	struct zap_details d = { .mapping = folio_mapping(folio), .single_folio = folio };
	if (d.mapping)
		unmap_mapping_pages(d.mapping, folio_index(folio), folio_index(folio), &d);
}
