/* mprotect.c: mprotect(2). Each VMA in the range gets the new
 * VM_READ/WRITE/EXEC bits (split off where the range covers only part
 * of it, merged back with a neighbour that now matches), within what its
 * VM_MAY* bits allow (a shared mapping of a file opened read-only can
 * never become writable: EACCES), and change_protection rewrites its
 * present PTEs (change_protection, below, one walk of the page tables). As in Linux, VMAs before a hole keep their new
 * protection and the call fails with ENOMEM at the hole.
 * Lock: mmap_lock for writing. */
#include <mm.h>
#include <sched.h>
#include <uapi/errno.h>
#include "internal.h"

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP 0x02000000

/* [start, end) of vma gets newflags. Returns the VMA now covering it. */
static int mprotect_fixup(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
			  unsigned long end, unsigned long newflags)
{
	int err;
	if (newflags == vma->vm_flags)
		return 0;
	if (start > vma->vm_start && (err = split_vma(mm, vma, start)))
		return err;
	if (start > vma->vm_start)
		vma = find_vma(mm, start);
	if (end < vma->vm_end && (err = split_vma(mm, vma, end)))
		return err;
	vma->vm_flags = newflags;
	change_protection(vma, start, end, newflags);
	vma_merge_neighbours(mm, vma);
	return 0;
}

long sys_mprotect(unsigned long start, unsigned long len, unsigned long prot)
{
	struct mm_struct *mm = current->mm;
	unsigned long end, want = 0;
	int err = 0;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (!len)
		return 0;
	len = ALIGN_UP(len, PAGE_SIZE);
	end = start + len;
	if (end <= start || end > USER_TOP)
		return -ENOMEM;
	if (prot & PROT_READ) want |= VM_READ;
	if (prot & PROT_WRITE) want |= VM_WRITE;
	if (prot & PROT_EXEC) want |= VM_EXEC;
	down_write(&mm->mmap_lock);
	for (unsigned long a = start; a < end && !err;) {
		struct vm_area_struct *v = find_vma(mm, a);
		if (!v || v->vm_start > a) {
			err = -ENOMEM;
			break;
		}
		unsigned long newflags = (v->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | want;
		/* each VM_x needs its VM_MAYx (four bits up) */
		if ((newflags & ~(newflags >> 4)) & (VM_READ | VM_WRITE | VM_EXEC)) {
			err = -EACCES;
			break;
		}
		unsigned long to = min(end, v->vm_end);
		err = mprotect_fixup(mm, v, a, to, newflags);
		a = to;
	}
	up_write(&mm->mmap_lock);
	return err;
}

/* ---- the PTEs: change_protection ---- */

struct prot_state { unsigned long vm_flags; pte_t prot; };

static int change_one(pte_t *pte, unsigned long addr, void *arg)
{
	struct prot_state *s = arg;
	pte_t old = *pte, np = s->prot & ~(pte_t)(_PAGE_W | _PAGE_D);
	(void)addr;
	if (!pte_has_page(old))
		return 0;
	/* Never grant a store here: only pages that already allowed one
	 * keep it (a shared page already dirtied, an anonymous page we
	 * own); the others get it from their next write fault. The dirty
	 * bit stays what it was (smaps reads it), the zero page clean. */
	if (vm_normal_page(old)) {
		np |= old & _PAGE_D;
		if ((old & _PAGE_W) && (s->prot & _PAGE_W))
			np |= _PAGE_W;
	}
	*pte = pfn_pte(pte_pfn(old), np);
	return 0;
}

/* Rewrites the present PTEs of [start, end) of vma for new vm_flags
 * (mmap_lock held for writing); PROT_NONE keeps the pages. */
void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end,
		       unsigned long vm_flags)
{
	struct prot_state s = { vm_flags, vm_get_page_prot(vm_flags) };
	walk_page_range(vma->vm_mm, start, end, change_one, &s);
	flush_tlb_range(vma->vm_mm, start, end);
}
