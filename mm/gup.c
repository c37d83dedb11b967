/* gup.c: the kernel's access to user pages by address (Linux's
 * mm/gup.c, reduced): fixup_user_fault faults a page in for the kernel,
 * get_user_page(_remote) pins the page behind a user address (direct
 * I/O, futexes), access_remote_vm reads another process's memory
 * (/proc/PID/cmdline and environ).
 * Locks: mmap_lock (read, taken here around each fault) >
 * page_table_lock (taken here to read a PTE). Callers hold neither. */
#include <mm.h>
#include <sched.h>
#include <string.h>
#include <uapi/errno.h>
#include "internal.h"

/* Makes sure a user page is mapped for the kernel (get_user_pages-lite).
 * Without FAULT_FLAG_ALLOW_RETRY: the fault keeps mmap_lock throughout. */
int fixup_user_fault(struct mm_struct *mm, unsigned long addr, int write)
{
	int ret = -EFAULT;
	down_read(&mm->mmap_lock);
	struct vm_area_struct *vma = find_vma(mm, addr);
	if (vma && vma->vm_start <= addr &&
	    (vma->vm_flags & (write ? VM_WRITE : VM_READ | VM_WRITE))) {
		vm_fault_t f = handle_mm_fault(vma, addr, write ? FAULT_FLAG_WRITE : 0);
		ret = (f & VM_FAULT_ERROR) ? -EFAULT : 0;
	}
	up_read(&mm->mmap_lock);
	return ret;
}

/* Pins the page at user address addr of mm (faulting it in for reading
 * or writing as needed). Returns it with a reference, or NULL on -EFAULT.
 * mm is current's, or one the caller holds a user reference on. */
struct page *get_user_page_remote(struct mm_struct *mm, unsigned long addr, int write)
{
	for (;;) {
		struct page *pg = NULL;
		pte_t *pte = pte_offset_map_lock(mm, addr);
		if (pte) {
			pte_t p = *pte;
			if (pte_present(p) && (p & _PAGE_U) && (!write || pte_write(p)))
				pg = pfn_to_page(pte_pfn(p));
			if (pg)
				get_page(pg);
			pte_unmap_unlock(mm);
		}
		if (pg)
			return pg;
		if (fixup_user_fault(mm, addr, write))
			return NULL;
	}
}

struct page *get_user_page(unsigned long addr, int write)
{
	return get_user_page_remote(current->mm, addr, write);
}

/* Copy len bytes at addr of another process's memory into buf (Linux's
 * access_remote_vm, reading only); returns the bytes copied, short at
 * the first address that cannot be read. */
int access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf, int len)
{
	int done = 0;

	while (done < len) {
		unsigned long off = addr & (PAGE_SIZE - 1);
		int n = min((unsigned long)(len - done), PAGE_SIZE - off);
		struct page *pg = get_user_page_remote(mm, addr, 0);

		if (!pg)
			break;
		memcpy((char *)buf + done, (char *)page_address(pg) + off, n);
		put_page(pg);
		done += n;
		addr += n;
	}
	return done;
}
