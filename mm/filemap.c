/* filemap.c: file-backed mappings, for now without a page cache: a fault
 * reads the page from the file into a new private page (the bytes past
 * vma->vm_filesz, e.g. an ELF segment's bss tail, are zero). The
 * page-cache issue replaces this with a real filemap_fault.
 * No locks of its own; called with mmap_lock held for reading. */
#include <mm.h>
#include <fs.h>
#include <string.h>

static vm_fault_t filemap_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long off_in_vma = vmf->address - vma->vm_start;
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return VM_FAULT_OOM;
	if (off_in_vma < vma->vm_filesz) {
		size_t n = min(PAGE_SIZE, vma->vm_filesz - off_in_vma);
		loff_t pos = (loff_t)vmf->pgoff << PAGE_SHIFT;
		ssize_t r = kernel_read(vma->vm_file, page_address(page), n, &pos);
		if (r < 0) {
			put_page(page);
			return VM_FAULT_SIGBUS;
		}
		if (r == 0 && vma->vm_filesz == ~0UL) {	/* mmap past EOF */
			put_page(page);
			return VM_FAULT_SIGBUS;
		}
	}
	vmf->page = page;
	return VM_FAULT_MAJOR;
}

const struct vm_operations_struct generic_file_vm_ops = {
	.fault = filemap_fault,
};
