/* memory.c: user page tables and page faults, shaped as Linux's
 * mm/memory.c. A fault is a small state machine that returns vm_fault_t
 * bits: handle_mm_fault makes the page tables and reads the PTE, then
 * handle_pte_fault dispatches:
 *   PTE empty   -> do_pte_missing -> do_anonymous_page (zero page for a
 *                  read, a new zeroed page for a write) or, for a file,
 *                  do_read_fault (fault-around, then ->fault),
 *                  do_cow_fault (a private copy of the file's page) or
 *                  do_shared_fault (->fault, ->page_mkwrite, dirty);
 *   write to a read-only PTE -> do_wp_page (shared: ->page_mkwrite and
 *                  dirty; private: reuse the page when this PTE is its
 *                  only user, else wp_page_copy).
 * Every PTE is installed under page_table_lock after re-checking that it
 * is still what the handler started from (finish_fault and friends);
 * pages are allocated and files read with no spinlock held. ->fault may
 * drop mmap_lock for I/O and return VM_FAULT_RETRY, after which nothing
 * here touches the VMA again. Also the range operations: zap (munmap,
 * exit, truncate through rmap.c), fork's copy-on-write copy_page_range,
 * and the page-table walks other mm files use (mm/internal.h:
 * mprotect.c's change_protection, mremap.c's move_page_tables, gup.c). copy_page_range_eager is the cow course lab's
 * starting point (docs/labs/cow.md), unused here.
 * Every PTE that maps a page other than the zero page holds one page
 * reference and counts once in page->_mapcount and mm->rss.
 * Locks: mmap_lock (read for faults, write for range changes; rmap
 * walkers hold i_mmap_rwsem instead) > folio lock > page_table_lock, the
 * spinlock that guards every PTE and page-table page of the mm. */
#include <mm.h>
#include <rmap.h>
#include <pagemap.h>
#include <fs.h>
#include <vmstat.h>
#include <sched.h>
#include <printk.h>
#include <string.h>
#include <proc.h>
#include <riscv.h>
#include <uapi/errno.h>
#include "internal.h"

struct page *zero_page;
unsigned long fault_around_bytes = 65536;

/* ---- page tables ---- */

/* The level-0 PTE slot of va, or NULL with *skip (if given) set to the
 * span the missing table would cover. A missing table is made from
 * *spare if the caller has one (which then becomes NULL). ptl held. */
pte_t *walk(pgd_t *pgd, unsigned long va, void **spare, unsigned long *skip)
{
	pte_t *pt = pgd;
	for (int level = 2; level > 0; level--) {
		pte_t *e = &pt[PX(level, va)];
		if (!pte_present(*e)) {
			if (!spare || !*spare) {
				if (skip)
					*skip = 1UL << (12 + 9 * level);
				return NULL;
			}
			*e = pfn_pte(__pa(*spare) >> PAGE_SHIFT, _PAGE_V);
			*spare = NULL;
		}
		pt = __va(pte_pfn(*e) << PAGE_SHIFT);
	}
	return &pt[PX(0, va)];
}

pte_t *pte_offset_map_lock(struct mm_struct *mm, unsigned long addr)
{
	spin_lock(&mm->page_table_lock);
	pte_t *pte = walk(mm->pgd, addr, NULL, NULL);
	if (!pte)
		spin_unlock(&mm->page_table_lock);
	return pte;
}

/* Tables are allocated with the lock dropped (GFP_KERNEL may reclaim)
 * and installed only if the slot is still empty (Linux's __pte_alloc). */
pte_t *pte_alloc_map_lock(struct mm_struct *mm, unsigned long addr)
{
	void *spare = NULL;
	for (;;) {
		spin_lock(&mm->page_table_lock);
		pte_t *pte = walk(mm->pgd, addr, &spare, NULL);
		if (pte) {
			if (spare)
				free_page(spare);	/* somebody else made it */
			return pte;
		}
		spin_unlock(&mm->page_table_lock);
		if (!(spare = get_zeroed_page(GFP_KERNEL)))
			return NULL;
	}
}

unsigned long walk_page_range(struct mm_struct *mm, unsigned long start, unsigned long end,
			      pte_fn_t fn, void *arg)
{
	unsigned long a = start, skip;
	while (a < end) {
		spin_lock(&mm->page_table_lock);
		pte_t *pte = walk(mm->pgd, a, NULL, &skip);
		if (!pte) {
			spin_unlock(&mm->page_table_lock);
			a = ALIGN_DOWN(a, skip) + skip;
			continue;
		}
		unsigned long table_end = min(ALIGN_DOWN(a, PMD_SIZE) + PMD_SIZE, end);
		for (; a < table_end; a += PAGE_SIZE, pte++) {
			if (fn(pte, a, arg)) {
				spin_unlock(&mm->page_table_lock);
				return a;
			}
		}
		spin_unlock(&mm->page_table_lock);
	}
	return end;
}

/* Full access for vm_flags; PTEs that must fault on a store (the zero
 * page, shared file pages not yet dirtied, pages shared copy-on-write)
 * are installed with pte_wrprotect of this. A and D are set at install
 * time: the kernel never relies on the hart to update them. */
pte_t vm_get_page_prot(unsigned long vm_flags)
{
	pte_t p = _PAGE_V | _PAGE_U | _PAGE_A;
	if (!(vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return _PAGE_PROT_NONE;	/* keeps the page, denies access */
	if (vm_flags & (VM_READ | VM_WRITE))
		p |= _PAGE_R;
	if (vm_flags & VM_WRITE)
		p |= _PAGE_W | _PAGE_D;
	if (vm_flags & VM_EXEC)
		p |= _PAGE_X;
	return p;
}

struct page *vm_normal_page(pte_t pte)
{
	unsigned long pfn = pte_pfn(pte);
	if (!pte_has_page(pte) || !pfn_valid(pfn))
		return NULL;
	struct page *p = pfn_to_page(pfn);
	return p == zero_page ? NULL : p;
}

/* Installs page (its reference already taken for the PTE) at *pte. */
void do_set_pte(struct mm_struct *mm, pte_t *pte, struct page *page, pte_t prot)
{
	*pte = pfn_pte(page_to_pfn(page), prot);
	if (page != zero_page) {
		page_add_rmap(page);
		mm->rss++;
	}
}

void zap_pte_account(struct mm_struct *mm, struct page *page)
{
	page_remove_rmap(page);
	mm->rss--;
}

static struct page *alloc_anon_page(int zero)
{
	struct page *p = alloc_page(GFP_KERNEL | (zero ? __GFP_ZERO : 0));
	if (p)
		p->flags |= 1UL << PG_anon;
	return p;
}

/* ---- installing a faulted page ---- */

/* Maps the page the handler prepared (vmf->cow_page for a private write,
 * else vmf->page) if the PTE is still empty: that re-check under the
 * lock is what makes racing faults safe. Consumes the page reference on
 * success; VM_FAULT_NOPAGE if somebody else mapped the slot first. */
static vm_fault_t finish_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	int write = vmf->flags & FAULT_FLAG_WRITE;
	struct page *page = write && !(vma->vm_flags & VM_SHARED) ? vmf->cow_page : vmf->page;
	pte_t prot = vm_get_page_prot(vma->vm_flags);
	if (!write)	/* private: COW later; shared: page_mkwrite later */
		prot = pte_mkclean(pte_wrprotect(prot));
	pte_t *pte = pte_alloc_map_lock(mm, vmf->address);
	if (!pte)
		return VM_FAULT_OOM;
	if (!pte_none(*pte)) {
		pte_unmap_unlock(mm);
		return VM_FAULT_NOPAGE;
	}
	do_set_pte(mm, pte, page, prot);
	pte_unmap_unlock(mm);
	return 0;
}

static vm_fault_t do_anonymous_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct page *page = zero_page;
	pte_t prot = vm_get_page_prot(vma->vm_flags);
	if (!(vmf->flags & FAULT_FLAG_WRITE))	/* a write copies it; readable even if */
		prot = pte_mkclean(pte_wrprotect(prot));	/* PROT_WRITE only (W needs R) */
	else if (!(page = alloc_anon_page(1)))
		return VM_FAULT_OOM;
	pte_t *pte = pte_alloc_map_lock(mm, vmf->address);
	if (pte && pte_none(*pte)) {
		do_set_pte(mm, pte, page, prot);
		page = NULL;
	}
	if (pte)
		pte_unmap_unlock(mm);
	if (page && page != zero_page)
		put_page(page);		/* lost the race (or no memory) */
	return pte ? 0 : VM_FAULT_OOM;
}

/* ->fault, then the page locked (as Linux: handlers that do not lock it
 * get it locked here, so finish_fault always runs under the page lock). */
static vm_fault_t __do_fault(struct vm_fault *vmf)
{
	vm_fault_t ret = vmf->vma->vm_ops->fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	if (!(ret & VM_FAULT_LOCKED))
		folio_lock(page_folio(vmf->page));
	return ret | VM_FAULT_LOCKED;
}

/* Maps what the page cache holds ready around the fault, aligned to
 * fault_around_bytes and clipped to the VMA and to one page table. */
static vm_fault_t do_fault_around(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long nr = READ_ONCE(fault_around_bytes) >> PAGE_SHIFT;
	unsigned long addr = max(vmf->address & ~(nr * PAGE_SIZE - 1), vma->vm_start);
	unsigned long start_pgoff = vmf->pgoff - ((vmf->address - addr) >> PAGE_SHIFT);
	unsigned long end = min(min(ALIGN_DOWN(addr, PMD_SIZE) + PMD_SIZE, vma->vm_end),
				addr + nr * PAGE_SIZE);
	return vma->vm_ops->map_pages(vmf, start_pgoff,
				      start_pgoff + ((end - addr) >> PAGE_SHIFT) - 1);
}

static vm_fault_t do_read_fault(struct vm_fault *vmf)
{
	vm_fault_t ret;
	if (vmf->vma->vm_ops->map_pages && READ_ONCE(fault_around_bytes) >> PAGE_SHIFT > 1) {
		ret = do_fault_around(vmf);
		if (ret)
			return ret;
	}
	ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	ret |= finish_fault(vmf);
	folio_unlock(page_folio(vmf->page));
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))
		put_page(vmf->page);
	return ret;
}

/* A store to a private file mapping's missing page: copy the file's page
 * into a new anonymous page and map that; the file never sees the store. */
static vm_fault_t do_cow_fault(struct vm_fault *vmf)
{
	if (!(vmf->cow_page = alloc_anon_page(0)))
		return VM_FAULT_OOM;
	vm_fault_t ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)) {
		put_page(vmf->cow_page);
		return ret;
	}
	memcpy(page_address(vmf->cow_page), page_address(vmf->page), PAGE_SIZE);
	ret |= finish_fault(vmf);
	folio_unlock(page_folio(vmf->page));
	put_page(vmf->page);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))
		put_page(vmf->cow_page);
	else
		count_vm_event(PGCOW_COPY);
	return ret;
}

/* ->page_mkwrite on vmf->page (referenced, unlocked). Returns with the
 * page locked and VM_FAULT_LOCKED, or with it unlocked and 0 (it left
 * the file meanwhile: retry the fault), NOPAGE or an error. */
static vm_fault_t do_page_mkwrite(struct vm_fault *vmf)
{
	unsigned int old_flags = vmf->flags;
	struct folio *f = page_folio(vmf->page);
	vmf->flags = FAULT_FLAG_WRITE | FAULT_FLAG_MKWRITE;
	vm_fault_t ret = vmf->vma->vm_ops->page_mkwrite(vmf);
	vmf->flags = old_flags;
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))
		return ret;
	if (!(ret & VM_FAULT_LOCKED)) {
		folio_lock(f);
		if (!folio_mapping(f)) {
			folio_unlock(f);
			return 0;
		}
		ret |= VM_FAULT_LOCKED;
	}
	return ret;
}

/* A shared page was just made writable: dirty it (locked), unlock it and
 * let the writer throttle. The throttle may write back and wait, so
 * mmap_lock is dropped for it when allowed (VM_FAULT_COMPLETED). */
static vm_fault_t fault_dirty_shared_page(struct vm_fault *vmf)
{
	struct folio *f = page_folio(vmf->page);
	struct address_space *m = folio_mapping(f);
	int dirtied = folio_mark_dirty(f);
	folio_unlock(f);
	if (!m || !(dirtied || vmf->vma->vm_ops->page_mkwrite))
		return 0;
	if ((vmf->flags & (FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_TRIED)) == FAULT_FLAG_ALLOW_RETRY) {
		struct file *fpin = get_file(vmf->vma->vm_file);
		up_read(&vmf->vma->vm_mm->mmap_lock);
		balance_dirty_pages_ratelimited(m);
		fput(fpin);
		return VM_FAULT_COMPLETED;
	}
	balance_dirty_pages_ratelimited(m);
	return 0;
}

/* What the mmap lab's student tree handles a store to a shared
 * mapping's missing page with until it has its own do_shared_fault
 * (docs/labs/mmap.md); the solution never calls it. ->fault, then dirty
 * the page and map it writable: no ->page_mkwrite (a file system learns
 * of the store only at writeback, too late to refuse it), no throttle. */
static __maybe_unused vm_fault_t do_shared_fault_simple(struct vm_fault *vmf)
{
	vm_fault_t ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	folio_mark_dirty(page_folio(vmf->page));
	ret |= finish_fault(vmf);
	folio_unlock(page_folio(vmf->page));
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))
		put_page(vmf->page);
	return ret;
}

/* A store to a shared file mapping's missing page. */
static vm_fault_t do_shared_fault(struct vm_fault *vmf)
{
	/* LAB(mmap) BEGIN: a store to a shared mapping's missing page
	 * Get the page (__do_fault: ->fault, returned locked and referenced);
	 * pass its errors, NOPAGE and RETRY on. The file system must hear of
	 * the store before it happens: if the VMA has ->page_mkwrite, unlock
	 * the page and call do_page_mkwrite (it returns the page locked with
	 * VM_FAULT_LOCKED; 0 means the page left the file: drop it and return
	 * 0 to fault again; an error is a SIGBUS or OOM for the writer). Map
	 * it writable (finish_fault: the PTE takes the reference); on
	 * failure, unlock and put it. Finally fault_dirty_shared_page: it
	 * marks the page dirty, unlocks it and lets the writer be throttled.
	 * Provided until then: do_shared_fault_simple.
	 * STUB: return do_shared_fault_simple(vmf);
	 */
	struct vm_area_struct *vma = vmf->vma;
	vm_fault_t ret = __do_fault(vmf), tmp;
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	if (vma->vm_ops->page_mkwrite) {
		folio_unlock(page_folio(vmf->page));
		tmp = do_page_mkwrite(vmf);
		if (!tmp || (tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))) {
			put_page(vmf->page);
			return tmp;
		}
	}
	ret |= finish_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)) {
		folio_unlock(page_folio(vmf->page));
		put_page(vmf->page);
		return ret;
	}
	return ret | fault_dirty_shared_page(vmf);
	/* LAB(mmap) END */
}

static vm_fault_t do_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	if (!vma->vm_ops->fault)
		return VM_FAULT_SIGBUS;
	if (!(vmf->flags & FAULT_FLAG_WRITE))
		return do_read_fault(vmf);
	if (!(vma->vm_flags & VM_SHARED))
		return do_cow_fault(vmf);
	return do_shared_fault(vmf);
}

static vm_fault_t do_pte_missing(struct vm_fault *vmf)
{
	return vma_is_anonymous(vmf->vma) ? do_anonymous_page(vmf) : do_fault(vmf);
}

/* ---- write faults on present read-only PTEs ---- */

/* Locks the PTE of vmf and returns it if it still holds orig_pte; else
 * NULL (nothing held): another fault or a zap got there first. */
static pte_t *pte_lock_same(struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	pte_t *pte = pte_offset_map_lock(mm, vmf->address);
	if (pte && *pte != vmf->orig_pte) {
		pte_unmap_unlock(mm);
		pte = NULL;
	}
	return pte;
}

/* Make the PTE writable in place: the page stays (no flush needed when
 * adding rights; a stale read-only entry elsewhere just faults again). */
static void wp_page_reuse(pte_t *pte)
{
	*pte |= _PAGE_W | _PAGE_D | _PAGE_A;
}

/* Replace the PTE's page (old, referenced by the caller, or NULL for the
 * zero page) with a private copy. */
static vm_fault_t wp_page_copy(struct vm_fault *vmf, struct page *old)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	struct page *new = alloc_anon_page(!old);
	if (!new) {
		if (old)
			put_page(old);
		return VM_FAULT_OOM;
	}
	if (old)
		memcpy(page_address(new), page_address(old), PAGE_SIZE);
	pte_t *pte = pte_lock_same(vmf);
	if (!pte) {
		put_page(new);
		if (old)
			put_page(old);
		return 0;
	}
	if (old)
		zap_pte_account(mm, old);
	do_set_pte(mm, pte, new, vm_get_page_prot(vmf->vma->vm_flags));
	pte_unmap_unlock(mm);
	/* No hart may keep reading the old page through this address once
	 * the new one can be written: flush before the store is retried. */
	flush_tlb_range(mm, vmf->address, vmf->address + PAGE_SIZE);
	if (old) {
		count_vm_event(PGCOW_COPY);
		put_page(old);	/* the PTE's reference */
		put_page(old);	/* ours */
	}
	return 0;
}

/* A store to a shared mapping's clean page: ->page_mkwrite (which may
 * allocate blocks), then writable and dirty. page referenced. */
static vm_fault_t wp_page_shared(struct vm_fault *vmf, struct page *page)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	vmf->page = page;
	if (vmf->vma->vm_ops && vmf->vma->vm_ops->page_mkwrite) {
		vm_fault_t tmp = do_page_mkwrite(vmf);
		if (!tmp || (tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))) {
			put_page(page);
			return tmp;
		}
		pte_t *pte = pte_lock_same(vmf);
		if (!pte) {
			folio_unlock(page_folio(page));
			put_page(page);
			return 0;
		}
		wp_page_reuse(pte);
		pte_unmap_unlock(mm);
	} else {
		pte_t *pte = pte_lock_same(vmf);
		if (!pte) {
			put_page(page);
			return 0;
		}
		wp_page_reuse(pte);
		pte_unmap_unlock(mm);
		folio_lock(page_folio(page));
	}
	vm_fault_t ret = fault_dirty_shared_page(vmf);
	put_page(page);
	return ret;
}

static vm_fault_t do_wp_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	pte_t *pte = pte_lock_same(vmf);
	if (!pte)
		return 0;
	struct page *page = vm_normal_page(*pte);
	if ((vma->vm_flags & VM_SHARED) && page) {
		get_page(page);
		pte_unmap_unlock(mm);
		return wp_page_shared(vmf, page);
	}
	/* LAB(cow) BEGIN: reuse the page when nobody else has it
	 * A store to a private page through a read-only PTE. If the page is
	 * anonymous (PageAnon: this mapping's own, not the file's or the
	 * zero page) and this PTE holds its only reference (page_count), the
	 * other side of the fork has already copied it or is gone: make
	 * the PTE writable in place (wp_page_reuse, under the lock you hold),
	 * count PGCOW_REUSE and return 0; no copy, no TLB flush.
	 * Provided until then: every such store copies (below).
	 */
	if (page && PageAnon(page) && page_count(page) == 1) {
		wp_page_reuse(pte);
		pte_unmap_unlock(mm);
		count_vm_event(PGCOW_REUSE);
		return 0;
	}
	/* LAB(cow) END */
	if (page)
		get_page(page);
	pte_unmap_unlock(mm);
	return wp_page_copy(vmf, page);
}

static vm_fault_t handle_pte_fault(struct vm_fault *vmf)
{
	pte_t pte = vmf->orig_pte;
	if (!pte_has_page(pte))
		return do_pte_missing(vmf);
	if (!pte_present(pte)) {	/* PROT_NONE, but the VMA allows it now */
		pte_t *p = pte_lock_same(vmf);
		if (p) {
			*p = pfn_pte(pte_pfn(pte),
				     pte_mkclean(pte_wrprotect(vm_get_page_prot(vmf->vma->vm_flags))));
			pte_unmap_unlock(vmf->vma->vm_mm);
		}
		return 0;
	}
	if ((vmf->flags & FAULT_FLAG_WRITE) && !pte_write(pte))
		return do_wp_page(vmf);
	/* A present PTE that still refuses this access would fault again
	 * forever (in the kernel too, under uaccess): refuse it instead. */
	if (!(pte & (vmf->flags & FAULT_FLAG_INSTRUCTION ? _PAGE_X : _PAGE_R)))
		return VM_FAULT_SIGSEGV;
	/* Already mapped: another thread won, or this hart held a stale
	 * (or cached invalid) translation. */
	local_flush_tlb_page(vmf->address);
	return 0;
}

/* The fault entry: vma covers addr and allows the access; mmap_lock is
 * held for reading. With FAULT_FLAG_ALLOW_RETRY a VM_FAULT_RETRY or
 * VM_FAULT_COMPLETED result means mmap_lock has been released. */
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_fault vmf = { .vma = vma, .address = address & PAGE_MASK, .flags = flags };
	count_vm_event(PGFAULT);
	vmf.pgoff = vma->vm_pgoff + ((vmf.address - vma->vm_start) >> PAGE_SHIFT);
	pte_t *pte = pte_alloc_map_lock(mm, vmf.address);
	if (!pte)
		return VM_FAULT_OOM;
	vmf.orig_pte = *pte;
	pte_unmap_unlock(mm);
	return handle_pte_fault(&vmf);
}

/* ---- zap: unmapping ranges ---- */

/* Pages wait in a batch until the TLB flush that must precede their
 * release; one flush per full batch. The batch is a page of pointers
 * (512 pages, 2 MiB) when one comes without waiting, as Linux's
 * mmu_gather grows its batch, else ZAP_BATCH on the stack: each flush
 * of a multithreaded mm is a remote fence to every hart running it,
 * which costs milliseconds when the host deschedules one of them. */
#define ZAP_BATCH 64
struct zap_state {
	struct mm_struct *mm;
	struct zap_details *details;
	struct page **batch;
	int max, n, cleared;
};

static int zap_one(pte_t *pte, unsigned long addr, void *arg)
{
	struct zap_state *z = arg;
	(void)addr;
	if (!pte_has_page(*pte))
		return 0;
	struct page *page = vm_normal_page(*pte);
	struct zap_details *d = z->details;
	if (d && d->single_folio && page != &d->single_folio->page)
		return 0;
	if (d && d->mapping && !d->even_cows && page && PageAnon(page))
		return 0;	/* a private copy: not the file's page */
	if (page && z->n == z->max)
		return 1;	/* flush and free these first */
	*pte = 0;
	z->cleared = 1;
	if (page) {
		zap_pte_account(z->mm, page);
		z->batch[z->n++] = page;
	}
	return 0;
}

/* Unmaps [start, end) of vma. Pages are released only after every hart's
 * TLB has been flushed, so no stale translation can reach a reused page;
 * the flush runs without page_table_lock (remote fences are slow). */
void zap_page_range_single(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			   struct zap_details *details)
{
	struct page *stack_batch[ZAP_BATCH];
	struct zap_state z = { .mm = vma->vm_mm, .details = details, .batch = stack_batch,
			       .max = ZAP_BATCH };
	/* A dying mm (exit_mmap) runs nowhere; mmput flushes its ASID. */
	int dying = atomic_read(&z.mm->mm_users) == 0;
	/* no reclaim, no reserve (Linux's GFP_NOWAIT): callers may hold locks */
	struct page **big = !dying && end - start > ZAP_BATCH * PAGE_SIZE ?
		get_free_pages(GFP_ATOMIC | __GFP_NORETRY, 0) : NULL;
	if (big) {
		z.batch = big;
		z.max = PAGE_SIZE / sizeof(struct page *);
	}
	unsigned long a = start;
	while (a < end) {
		unsigned long from = a;
		z.n = z.cleared = 0;
		a = walk_page_range(z.mm, a, end, zap_one, &z);
		if (z.cleared && !dying)
			flush_tlb_range(z.mm, from, a);
		for (int i = 0; i < z.n; i++)
			put_page(z.batch[i]);
	}
	if (big)
		free_page(big);
}

void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	zap_page_range_single(vma, start, end, NULL);
}

/* ---- fork: copy-on-write ---- */

/* What the cow lab's student tree forks with (docs/labs/cow.md) until
 * copy_page_range shares pages; the solution never calls it. Every
 * anonymous page of a private mapping is copied into a new page for the
 * child at once (allocated with no lock held, then installed if the
 * parent's PTE did not change meanwhile); the other pages (file pages,
 * the zero page, shared mappings) are mapped as they are. Correct, but
 * a fork of a big process copies all of it. */
static int __maybe_unused copy_page_range_eager(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma)
{
	struct mm_struct *dst = dst_vma->vm_mm, *src = src_vma->vm_mm;
	unsigned long addr = src_vma->vm_start, skip;
	while (addr < src_vma->vm_end) {
		struct page *page, *copy = NULL;
		spin_lock(&src->page_table_lock);
		pte_t *spte = walk(src->pgd, addr, NULL, &skip), pte = spte ? *spte : 0;
		int private = (page = vm_normal_page(pte)) && PageAnon(page) &&
			      is_cow_mapping(src_vma->vm_flags);
		if (private)
			get_page(page);
		spin_unlock(&src->page_table_lock);
		if (!spte || !pte_has_page(pte)) {
			addr = spte ? addr + PAGE_SIZE : ALIGN_DOWN(addr, skip) + skip;
			continue;
		}
		if (private) {
			if ((copy = alloc_anon_page(0)))
				memcpy(page_address(copy), page_address(page), PAGE_SIZE);
			put_page(page);
			if (!copy)
				return -ENOMEM;
		}
		pte_t *dpte = pte_alloc_map_lock(dst, addr);	/* dst's lock, then src's */
		if (!dpte) {
			if (copy)
				put_page(copy);
			return -ENOMEM;
		}
		spin_lock(&src->page_table_lock);
		int same = *walk(src->pgd, addr, NULL, NULL) == pte;
		if (same && copy) {
			do_set_pte(dst, dpte, copy, pte & ((1UL << _PAGE_PFN_SHIFT) - 1));
		} else if (same) {
			*dpte = pte;
			if ((page = vm_normal_page(pte))) {
				get_page(page);
				page_add_rmap(page);
				dst->rss++;
			}
		}
		spin_unlock(&src->page_table_lock);
		pte_unmap_unlock(dst);
		if (!same && copy)
			put_page(copy);
		if (same)		/* else the parent's PTE changed: again */
			addr += PAGE_SIZE;
	}
	return 0;
}

/* LAB(cow) BEGIN: a helper for copy_page_range, if you want one
 */
/* Copies one page table's worth of src PTEs ([addr, end), within one
 * page table) to dst, both page_table_locks held (dst's first: fork is
 * the only place that nests them, always in that order). A private
 * writable mapping's pages become read-only on both sides: the first
 * store on either side copies (or, last user, reuses). *wrprotected tells
 * the caller to flush the parent's TLB. */
static void copy_pte_range(struct mm_struct *dst, pte_t *dpte, pte_t *spte, unsigned long addr,
			   unsigned long end, unsigned long vm_flags, int *wrprotected)
{
	for (; addr < end; addr += PAGE_SIZE, dpte++, spte++) {
		pte_t pte = *spte;
		if (!pte_has_page(pte))
			continue;
		struct page *page = vm_normal_page(pte);
		if (is_cow_mapping(vm_flags) && pte_write(pte)) {
			pte = pte_wrprotect(pte);
			*spte = pte;
			*wrprotected = 1;
		}
		*dpte = pte;
		if (page) {
			get_page(page);
			page_add_rmap(page);
			dst->rss++;
		}
	}
}
/* LAB(cow) END */

/* fork: the child's VMA (already on its file's i_mmap, after the
 * parent's) gets every present PTE of the parent's; nothing is copied.
 * Caller holds both mmap_locks for writing and flushes the parent's TLB
 * afterwards (returned 1 if a PTE was write-protected). */
int copy_page_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma)
{
	/* LAB(cow) BEGIN: share the parent's pages with the child
	 * Walk the parent's page tables over the VMA (walk() with a skip
	 * for the tables that do not exist; pte_alloc_map_lock makes the
	 * child's, taking its page_table_lock, then take the parent's: that
	 * order, always). Every present PTE (pte_has_page) of the parent
	 * goes into the child's table as it is, and its page (vm_normal_page:
	 * NULL for the zero page, which is not counted) gets what a PTE
	 * holds: a reference (get_page), a mapcount (page_add_rmap) and one
	 * more page in the child's rss. In a private mapping that may be
	 * written (is_cow_mapping), a writable PTE becomes read-only on BOTH
	 * sides (pte_wrprotect): the first store of either side then faults
	 * into do_wp_page, which copies the page, or reuses it once nobody
	 * else maps it. The parent's TLB still holds writable entries: return
	 * 1 if you write-protected any (dup_mm flushes it), else 0, or
	 * -ENOMEM.
	 * Provided until then: copy_page_range_eager copies every private
	 * anonymous page at once.
	 * STUB: return copy_page_range_eager(dst_vma, src_vma);
	 */
	struct mm_struct *dst = dst_vma->vm_mm, *src = src_vma->vm_mm;
	unsigned long addr = src_vma->vm_start, skip;
	int wrprotected = 0;
	while (addr < src_vma->vm_end) {
		spin_lock(&src->page_table_lock);
		pte_t *spte = walk(src->pgd, addr, NULL, &skip);
		spin_unlock(&src->page_table_lock);
		if (!spte) {
			addr = ALIGN_DOWN(addr, skip) + skip;
			continue;
		}
		unsigned long end = min(ALIGN_DOWN(addr, PMD_SIZE) + PMD_SIZE, src_vma->vm_end);
		pte_t *dpte = pte_alloc_map_lock(dst, addr);	/* takes dst's lock */
		if (!dpte)
			return -ENOMEM;
		spin_lock(&src->page_table_lock);
		copy_pte_range(dst, dpte, walk(src->pgd, addr, NULL, NULL), addr, end,
			       src_vma->vm_flags, &wrprotected);
		spin_unlock(&src->page_table_lock);
		pte_unmap_unlock(dst);
		addr = end;
	}
	return wrprotected;
	/* LAB(cow) END */
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

/* /proc/sys/vm/fault_around_bytes, as Linux's debugfs knob: at most one
 * page table's worth, rounded down to a power of two; one page or less
 * turns fault-around off. */
static int fault_around_bytes_show(struct seq_buf *m)
{
	seq_printf(m, "%lu\n", READ_ONCE(fault_around_bytes));
	return 0;
}

static int fault_around_bytes_store(const char *buf, size_t len)
{
	unsigned long val, p = PAGE_SIZE;
	(void)len;
	if (kstrtoul(buf, 0, &val))
		return -EINVAL;
	if (val / PAGE_SIZE > PTRS_PER_PT)
		return -EINVAL;
	while (p * 2 <= val)
		p *= 2;
	WRITE_ONCE(fault_around_bytes, p);
	return 0;
}

void memory_init(void)
{
	zero_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	zero_page->flags |= 1UL << PG_reserved;
	proc_create_rw("sys/vm/fault_around_bytes", fault_around_bytes_show,
		       fault_around_bytes_store);
}
