/* memory.c: user page tables and page faults. handle_mm_fault walks
 * (allocating) the three Sv39 levels and installs a PTE for the faulting
 * page: the shared zero page for reads of anonymous memory, a new zeroed
 * page for writes, a page from vma->vm_ops->fault for file mappings, a
 * private copy for writes to a read-only (zero) page. Also the range
 * operations fork, munmap, mprotect and exit use.
 * Lock: mm->page_table_lock protects every PTE of the mm; page allocation
 * and ->fault happen outside it and the PTE is re-checked afterwards.
 * Callers hold mm->mmap_lock (read for faults, write for range changes). */
#include <mm.h>
#include <vmstat.h>
#include <sched.h>
#include <printk.h>
#include <string.h>
#include <riscv.h>
#include <uapi/errno.h>

struct page *zero_page;

static void *pt_alloc(void)
{
	return get_zeroed_page(GFP_ATOMIC);
}

/* Returns the level-0 PTE slot for va, allocating tables if alloc;
 * NULL if absent (or out of memory). *skip gets the size of the hole. */
static pte_t *walk(pgd_t *pgd, unsigned long va, int alloc, unsigned long *skip)
{
	pte_t *pt = pgd;
	for (int level = 2; level > 0; level--) {
		pte_t *e = &pt[PX(level, va)];
		if (!pte_present(*e)) {
			void *n;
			if (!alloc || !(n = pt_alloc())) {
				if (skip)
					*skip = 1UL << (12 + 9 * level);
				return NULL;
			}
			*e = pfn_pte(__pa(n) >> PAGE_SHIFT, _PAGE_V);
		}
		pt = __va(pte_pfn(*e) << PAGE_SHIFT);
	}
	return &pt[PX(0, va)];
}

pte_t vm_get_page_prot(unsigned long vm_flags)
{
	pte_t p = _PAGE_V | _PAGE_U | _PAGE_A;
	if (vm_flags & (VM_READ | VM_WRITE))
		p |= _PAGE_R;
	if (vm_flags & VM_WRITE)
		p |= _PAGE_W | _PAGE_D;
	if (vm_flags & VM_EXEC)
		p |= _PAGE_X;
	return p;
}

static struct page *pte_page(pte_t p)
{
	unsigned long pfn = pte_pfn(p);
	return pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;
}

/* Installs page at vmf->address if the slot is still `expect`. Takes
 * over the caller's page reference on success. When a present PTE is
 * replaced (zero page -> private copy), other harts may still cache the
 * old read-only translation: they are flushed after the lock is dropped
 * but before the faulting access is retried, so nobody can observe the
 * new page's data through the old mapping. */
static vm_fault_t finish_fault(struct vm_fault *vmf, struct page *page, pte_t prot, pte_t expect)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	struct page *old = NULL;
	vm_fault_t ret = 0;
	spin_lock(&mm->page_table_lock);
	pte_t *pte = walk(mm->pgd, vmf->address, 1, NULL);
	if (!pte) {
		ret = VM_FAULT_OOM;
	} else if (*pte != expect) {
		ret = VM_FAULT_NOPAGE;	/* raced with another fault: fine */
	} else {
		*pte = pfn_pte(page_to_pfn(page), prot);
		if (page != zero_page) {
			atomic_inc(&page->_mapcount);
			if (!pte_present(expect))
				mm->rss++;
		}
		if (pte_present(expect))
			old = pte_page(expect) ? pte_page(expect) : zero_page;
		page = NULL;
	}
	spin_unlock(&mm->page_table_lock);
	if (old) {
		flush_tlb_range(mm, vmf->address, vmf->address + PAGE_SIZE);
		if (old != zero_page) {
			atomic_dec(&old->_mapcount);
			put_page(old);
		}
	}
	if (page && page != zero_page)
		put_page(page);
	return ret == VM_FAULT_NOPAGE ? 0 : ret;
}

static vm_fault_t do_anonymous_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	if (!(vmf->flags & FAULT_FLAG_WRITE)) {
		/* The zero page read-only, but readable even in a PROT_WRITE
		 * (or PROT_WRITE|PROT_EXEC) mapping: a writable page is
		 * readable on RISC-V (W without R is reserved), and a PTE
		 * without R would fault again forever. */
		pte_t prot = vm_get_page_prot(vma->vm_flags) & ~(_PAGE_W | _PAGE_D);
		get_page(zero_page);
		return finish_fault(vmf, zero_page, prot, 0);
	}
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return VM_FAULT_OOM;
	return finish_fault(vmf, page, vm_get_page_prot(vma->vm_flags), 0);
}

static vm_fault_t do_file_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	vmf->pgoff = vma->vm_pgoff + ((vmf->address - vma->vm_start) >> PAGE_SHIFT);
	vm_fault_t ret = vma->vm_ops->fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_RETRY))
		return ret;
	return finish_fault(vmf, vmf->page, vm_get_page_prot(vma->vm_flags), 0) | ret;
}

/* Write to a present read-only PTE of a writable VMA: copy the page
 * (the zero page, or later a copy-on-write page). */
static vm_fault_t do_wp_page(struct vm_fault *vmf, pte_t orig)
{
	struct page *old = pte_page(orig);
	struct page *page = alloc_page(GFP_KERNEL);
	if (!page)
		return VM_FAULT_OOM;
	if (old && old != zero_page)
		memcpy(page_address(page), page_address(old), PAGE_SIZE);
	else
		memset(page_address(page), 0, PAGE_SIZE);
	return finish_fault(vmf, page, vm_get_page_prot(vmf->vma->vm_flags), orig);
}

vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_fault vmf = { .vma = vma, .address = addr & PAGE_MASK, .flags = flags };
	count_vm_event(PGFAULT);

	spin_lock(&mm->page_table_lock);
	pte_t *ptep = walk(mm->pgd, vmf.address, 1, NULL);
	pte_t pte = ptep ? *ptep : 0;
	spin_unlock(&mm->page_table_lock);
	if (!ptep)
		return VM_FAULT_OOM;
	if (!pte_present(pte))
		return vma->vm_ops && vma->vm_ops->fault ? do_file_fault(&vmf)
							 : do_anonymous_page(&vmf);
	if ((flags & FAULT_FLAG_WRITE) && !pte_write(pte))
		return do_wp_page(&vmf, pte);
	/* A present PTE that still refuses this access would fault again
	 * forever (in the kernel too, under uaccess): refuse it instead. */
	if (!(pte & (flags & FAULT_FLAG_INSTRUCTION ? _PAGE_X : _PAGE_R)))
		return VM_FAULT_SIGSEGV;
	/* Already mapped (another thread won, or a stale TLB entry). */
	local_flush_tlb_page(vmf.address);
	return 0;
}

/* Makes sure a user page is mapped for the kernel (get_user_pages-lite). */
int fixup_user_fault(struct mm_struct *mm, unsigned long addr, int write)
{
	int ret = -EFAULT;
	down_read(&mm->mmap_lock);
	struct vm_area_struct *vma = find_vma(mm, addr);
	if (vma && vma->vm_start <= addr &&
	    (vma->vm_flags & (write ? VM_WRITE : VM_READ))) {
		vm_fault_t f = handle_mm_fault(vma, addr, write ? FAULT_FLAG_WRITE : 0);
		ret = (f & VM_FAULT_ERROR) ? -EFAULT : 0;
	}
	up_read(&mm->mmap_lock);
	return ret;
}

/* Pins the page at user address addr (faulting it in for reading or
 * writing as needed). Returns it with a reference, or NULL on -EFAULT. */
struct page *get_user_page(unsigned long addr, int write)
{
	struct mm_struct *mm = current->mm;
	for (;;) {
		spin_lock(&mm->page_table_lock);
		pte_t *pte = walk(mm->pgd, addr, 0, NULL);
		pte_t p = pte ? *pte : 0;
		struct page *pg = NULL;
		if (pte_present(p) && (p & _PAGE_U) && (!write || pte_write(p)))
			pg = pte_page(p);
		if (pg)
			get_page(pg);
		spin_unlock(&mm->page_table_lock);
		if (pg)
			return pg;
		if (fixup_user_fault(mm, addr, write))
			return NULL;
	}
}

/* Clears a PTE; returns the page to release once the TLBs are flushed. */
static struct page *zap_pte(struct mm_struct *mm, pte_t *pte)
{
	struct page *p = pte_page(*pte);
	*pte = 0;
	if (!p || p == zero_page)
		return NULL;
	atomic_dec(&p->_mapcount);
	mm->rss--;
	return p;
}

#define ZAP_BATCH 256
/* Unmaps [start, end). Pages are freed only after every hart's TLB has
 * been flushed, so no stale translation can reach a reused page. The
 * flush runs without page_table_lock (SBI remote fences are slow). */
void unmap_page_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct page *batch[ZAP_BATCH];
	unsigned long skip, a = start;
	/* A dying mm (exit_mmap) runs nowhere; mmput flushes its ASID. */
	int dying = atomic_read(&mm->mm_users) == 0;
	while (a < end) {
		int n = 0, cleared = 0;
		unsigned long from = a;
		spin_lock(&mm->page_table_lock);
		while (a < end && n < ZAP_BATCH) {
			pte_t *pte = walk(mm->pgd, a, 0, &skip);
			if (!pte) {
				a = ALIGN_DOWN(a, skip) + skip;
				continue;
			}
			if (pte_has_page(*pte)) {
				struct page *p = zap_pte(mm, pte);
				if (p)
					batch[n++] = p;
				cleared = 1;
			}
			a += PAGE_SIZE;
		}
		spin_unlock(&mm->page_table_lock);
		if (cleared && !dying)
			flush_tlb_range(mm, from, min(a, end));
		for (int i = 0; i < n; i++)
			put_page(batch[i]);
	}
}

void change_protection(struct mm_struct *mm, unsigned long start, unsigned long end,
		       unsigned long vm_flags)
{
	unsigned long skip, a = start;
	pte_t prot = vm_get_page_prot(vm_flags);
	spin_lock(&mm->page_table_lock);
	while (a < end) {
		pte_t *pte = walk(mm->pgd, a, 0, &skip);
		if (!pte) {
			a = ALIGN_DOWN(a, skip) + skip;
			continue;
		}
		if (pte_has_page(*pte)) {
			struct page *p = pte_page(*pte);
			pte_t np = prot;
			if (p == zero_page)
				np &= ~(_PAGE_W | _PAGE_D);
			if (!(vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
				np = _PAGE_PROT_NONE;	/* keep the page, deny access */
			*pte = pfn_pte(pte_pfn(*pte), np);
		}
		a += PAGE_SIZE;
	}
	spin_unlock(&mm->page_table_lock);
	flush_tlb_range(mm, start, end);
}

/* fork: copy every present page of vma (shared mappings share pages). */
int copy_page_range(struct mm_struct *dst, struct mm_struct *src, struct vm_area_struct *vma)
{
	unsigned long skip, a = vma->vm_start;
	while (a < vma->vm_end) {
		spin_lock(&src->page_table_lock);
		pte_t *spte = walk(src->pgd, a, 0, &skip);
		pte_t pte = spte ? *spte : 0;
		struct page *sp = pte_has_page(pte) ? pte_page(pte) : NULL;
		if (sp)
			get_page(sp);
		spin_unlock(&src->page_table_lock);
		if (!spte) {
			a = ALIGN_DOWN(a, skip) + skip;
			continue;
		}
		if (sp) {
			struct page *np = sp;
			if (sp != zero_page && !(vma->vm_flags & VM_SHARED)) {
				np = alloc_page(GFP_KERNEL);
				if (!np) {
					put_page(sp);
					return -ENOMEM;
				}
				memcpy(page_address(np), page_address(sp), PAGE_SIZE);
				put_page(sp);
			}
			spin_lock(&dst->page_table_lock);
			pte_t *dpte = walk(dst->pgd, a, 1, NULL);
			if (dpte) {
				*dpte = pfn_pte(page_to_pfn(np), pte & 0x3ff);
				if (np != zero_page) {
					atomic_inc(&np->_mapcount);
					dst->rss++;
				}
			}
			spin_unlock(&dst->page_table_lock);
			if (!dpte) {
				put_page(np);
				return -ENOMEM;
			}
		}
		a += PAGE_SIZE;
	}
	return 0;
}

/* Frees the user half's page-table pages (all PTEs already zapped). */
void free_pgtables(struct mm_struct *mm)
{
	pgd_t *pgd = mm->pgd;
	for (int i = 0; i < 256; i++) {
		if (!pte_present(pgd[i]))
			continue;
		pte_t *pmd = __va(pte_pfn(pgd[i]) << PAGE_SHIFT);
		for (int j = 0; j < PTRS_PER_PT; j++)
			if (pte_present(pmd[j]))
				free_page(__va(pte_pfn(pmd[j]) << PAGE_SHIFT));
		free_page(pmd);
		pgd[i] = 0;
	}
}

void memory_init(void)
{
	zero_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	zero_page->flags |= 1UL << PG_reserved;
}
