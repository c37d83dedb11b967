/* shmem.c: shared anonymous memory. As in Linux, MAP_SHARED|MAP_ANONYMOUS
 * (and MAP_SHARED of /dev/zero) maps an unnamed in-memory file the size
 * of the mapping: its pages live in that file's page cache, so every
 * process that inherits the VMA across fork finds the same pages through
 * filemap_fault, and they go when the last mapping does (the VMA holds
 * the only reference to the file). Linux's shmem/tmpfs can also swap;
 * here the file is a ramfs inode, so its pages stay until then.
 * Locks: none of its own; called by mmap_region with mmap_lock held. */
#include <mm.h>
#include <fs.h>
#include <uapi/errno.h>

/* The file never gets a descriptor: only ->mmap is needed. */
static const struct file_operations shmem_file_operations = {
	.mmap = generic_file_mmap,
};

int vma_is_shmem(struct vm_area_struct *vma)
{
	return vma->vm_file && vma->vm_file->f_op == &shmem_file_operations;
}

/* Gives the new shared anonymous vma its file. */
int shmem_zero_setup(struct vm_area_struct *vma)
{
	struct inode *inode = ramfs_new_file_inode();
	struct file *f;
	if (!inode)
		return -ENOMEM;
	inode->i_size = vma->vm_end - vma->vm_start;
	f = alloc_file(inode, O_RDWR, &shmem_file_operations);
	iput(inode);		/* the file holds it now */
	if (IS_ERR(f))
		return PTR_ERR(f);
	if (vma->vm_file)
		fput(vma->vm_file);	/* /dev/zero */
	vma->vm_file = f;
	vma->vm_pgoff = 0;
	return generic_file_mmap(f, vma);
}
