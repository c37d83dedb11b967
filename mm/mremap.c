/* mremap.c: mremap(2). A mapping shrinks by unmapping its tail, grows in
 * place when the addresses after it are free, and otherwise (with
 * MREMAP_MAYMOVE) moves: a new VMA with the same file, offset and flags
 * is made at the new address, the PTEs move over (move_page_tables: the
 * pages themselves stay where they are, so nothing is copied) and the old
 * range is unmapped. MREMAP_FIXED names the new address (whatever was
 * there is unmapped first). Errors as Linux's: EINVAL for bad flags,
 * alignment or overlapping ranges, EFAULT when the old range is not
 * inside one VMA, ENOMEM when it cannot grow in place and may not move.
 * Lock: mmap_lock for writing; a file VMA's i_mmap_rwsem (write) while
 * its extent changes or its PTEs move, so rmap walkers see every PTE. */
#include <mm.h>
#include <rmap.h>
#include <fs.h>
#include <sched.h>
#include <uapi/errno.h>
#include "internal.h"

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4
#define MAP_SHARED 0x01
#define MAP_FIXED 0x10

/* The VMA holding [addr, addr+old_len), or ERR_PTR(-EFAULT/-EINVAL). */
static struct vm_area_struct *vma_to_resize(struct mm_struct *mm, unsigned long addr,
					    unsigned long old_len, unsigned long new_len)
{
	struct vm_area_struct *v = find_vma(mm, addr);
	if (!v || v->vm_start > addr || old_len > v->vm_end - addr)
		return ERR_PTR(-EFAULT);
	unsigned long pgoff = v->vm_pgoff + ((addr - v->vm_start) >> PAGE_SHIFT);
	if (pgoff + (new_len >> PAGE_SHIFT) < pgoff)
		return ERR_PTR(-EINVAL);
	return v;
}

/* Moves [old_addr, +old_len) of vma to [new_addr, +new_len) (free). */
static unsigned long move_vma(struct mm_struct *mm, struct vm_area_struct *vma,
			      unsigned long old_addr, unsigned long old_len,
			      unsigned long new_addr, unsigned long new_len)
{
	struct vm_area_struct *n = vm_area_alloc(mm);
	struct address_space *m = vma->vm_file ? vma_mapping(vma) : NULL;
	if (!n)
		return -ENOMEM;
	n->vm_start = new_addr;
	n->vm_end = new_addr + new_len;
	n->vm_flags = vma->vm_flags;
	n->vm_pgoff = vma->vm_pgoff + ((old_addr - vma->vm_start) >> PAGE_SHIFT);
	n->vm_ops = vma->vm_ops;
	if ((n->vm_file = vma->vm_file))
		get_file(n->vm_file);
	if (n->vm_ops && n->vm_ops->open)
		n->vm_ops->open(n);
	if (insert_vm_struct(mm, n)) {
		vm_area_free(n);
		return -ENOMEM;
	}
	if (m)
		i_mmap_lock_write(m);
	int err = move_page_tables(vma, old_addr, n, new_addr, old_len);
	if (m)
		i_mmap_unlock_write(m);
	if (err) {	/* put back what moved; the new VMA goes */
		move_page_tables(n, new_addr, vma, old_addr, old_len);
		remove_vma(mm, n);
		return err;
	}
	do_munmap(mm, old_addr, old_len);	/* no PTEs left there */
	vma_merge_neighbours(mm, n);
	return new_addr;
}

static unsigned long mremap_to(struct mm_struct *mm, unsigned long addr, unsigned long old_len,
			       unsigned long new_addr, unsigned long new_len)
{
	if (new_addr & ~PAGE_MASK)
		return -EINVAL;
	if (new_len > USER_TOP || new_addr > USER_TOP - new_len)
		return -EINVAL;
	if (addr + old_len > new_addr && new_addr + new_len > addr)
		return -EINVAL;		/* the ranges overlap */
	long where = get_unmapped_area(NULL, new_addr, new_len, 0, MAP_FIXED);
	if (IS_ERR_VALUE(where))
		return where;		/* below mmap_min_addr */
	int err = do_munmap(mm, new_addr, new_len);
	if (err)
		return err;
	if (old_len > new_len) {
		if ((err = do_munmap(mm, addr + new_len, old_len - new_len)))
			return err;
		old_len = new_len;
	}
	struct vm_area_struct *v = vma_to_resize(mm, addr, old_len, new_len);
	if (IS_ERR(v))
		return PTR_ERR(v);
	return move_vma(mm, v, addr, old_len, new_addr, new_len);
}

/* Grows vma (which ends at addr + old_len) in place if the room after
 * it is free; 1 if it did. */
static int vma_expand_in_place(struct mm_struct *mm, struct vm_area_struct *v, unsigned long delta)
{
	unsigned long end = v->vm_end;
	if (end + delta < end || end + delta > USER_TOP || find_vma_intersection(mm, end, end + delta))
		return 0;
	if (v->vm_file)
		i_mmap_lock_write(vma_mapping(v));
	v->vm_end = end + delta;
	if (v->vm_file)
		i_mmap_unlock_write(vma_mapping(v));
	vma_merge_neighbours(mm, v);
	return 1;
}

long sys_mremap(unsigned long addr, unsigned long old_len, unsigned long new_len,
		unsigned long flags, unsigned long new_addr)
{
	struct mm_struct *mm = current->mm;
	unsigned long ret;
	if (flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (flags & MREMAP_DONTUNMAP)
		return -EINVAL;		/* not supported here */
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	if (!new_len || !old_len)
		return -EINVAL;		/* old_len 0 (a second view of a shared mapping): not supported */
	down_write(&mm->mmap_lock);
	/* addr must be mapped whatever happens next (Linux's vma_lookup):
	 * a shrink of an unmapped kernel address unmapped addr + new_len,
	 * wrapped around to the program's text */
	ret = -EFAULT;
	if (!find_vma_intersection(mm, addr, addr + 1))
		goto out;
	if (flags & MREMAP_FIXED) {
		ret = mremap_to(mm, addr, old_len, new_addr, new_len);
		goto out;
	}
	if (old_len >= new_len) {
		ret = -EINVAL;
		if (addr + old_len < addr)
			goto out;
		ret = do_munmap(mm, addr + new_len, old_len - new_len);
		if (!ret || old_len == new_len)
			ret = addr;
		goto out;
	}
	struct vm_area_struct *v = vma_to_resize(mm, addr, old_len, new_len);
	if (IS_ERR(v)) {
		ret = PTR_ERR(v);
		goto out;
	}
	if (old_len == v->vm_end - addr && vma_expand_in_place(mm, v, new_len - old_len)) {
		ret = addr;
		goto out;
	}
	ret = -ENOMEM;
	if (flags & MREMAP_MAYMOVE) {
		unsigned long pgoff = v->vm_pgoff + ((addr - v->vm_start) >> PAGE_SHIFT);
		new_addr = get_unmapped_area(v->vm_file, 0, new_len, pgoff,
					     v->vm_flags & VM_MAYSHARE ? MAP_SHARED : 0);
		ret = IS_ERR_VALUE(new_addr) ? new_addr
					    : move_vma(mm, v, addr, old_len, new_addr, new_len);
	}
out:
	up_write(&mm->mmap_lock);
	return ret;
}

/* ---- the PTEs: move_page_tables ---- */

/* Moves the PTEs of [old_addr, old_addr + len) of vma to new_addr in
 * new_vma (mmap_lock for writing, i_mmap_rwsem for a file VMA). 0, or
 * -ENOMEM when a page table could not be made. */
int move_page_tables(struct vm_area_struct *vma, unsigned long old_addr,
		     struct vm_area_struct *new_vma, unsigned long new_addr, unsigned long len)
{
	/* LAB(pgtbl) BEGIN: move the PTEs of a range (mremap)
	 * mremap moves a mapping by moving its PTEs, not its pages: for each
	 * page of [old_addr, old_addr + len), the PTE at old_addr + off goes
	 * to new_addr + off, and the old slot becomes empty (0). The pages,
	 * their counts, mapcounts and the mm's rss stay as they are: the same
	 * PTE, somewhere else. Skip the parts of the old range that have no
	 * page table (walk() with a skip, under page_table_lock); make the
	 * new range's tables with pte_alloc_map_lock (it may allocate, so do
	 * not hold page_table_lock when you call it; it returns with the
	 * lock held, so find the old slot again under it). When all is moved,
	 * no hart may keep a translation of the old addresses:
	 * flush_tlb_range over the old range. Return 0, or -ENOMEM if a table
	 * could not be made (move_vma then moves back what moved).
	 * Provided until then: nothing can be moved: mremap with
	 * MREMAP_MAYMOVE fails with ENOMEM when it would have to move (glibc's
	 * realloc then copies).
	 * STUB: return -ENOMEM;
	 */
	struct mm_struct *mm = vma->vm_mm;
	unsigned long skip;
	(void)new_vma;
	for (unsigned long off = 0; off < len;) {
		spin_lock(&mm->page_table_lock);
		pte_t *old = walk(mm->pgd, old_addr + off, NULL, &skip);
		spin_unlock(&mm->page_table_lock);
		if (!old) {
			off = ALIGN_DOWN(old_addr + off, skip) + skip - old_addr;
			continue;
		}
		pte_t *new = pte_alloc_map_lock(mm, new_addr + off);
		if (!new)
			return -ENOMEM;
		old = walk(mm->pgd, old_addr + off, NULL, NULL);
		*new = *old;
		*old = 0;
		pte_unmap_unlock(mm);
		off += PAGE_SIZE;
	}
	flush_tlb_range(mm, old_addr, old_addr + len);
	return 0;
	/* LAB(pgtbl) END */
}
