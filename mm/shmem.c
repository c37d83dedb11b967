/* shmem.c: shared anonymous memory, and reads of ramfs/tmpfs files. As in Linux, MAP_SHARED|MAP_ANONYMOUS
 * (and MAP_SHARED of /dev/zero) maps an unnamed in-memory file the size
 * of the mapping: its pages live in that file's page cache, so every
 * process that inherits the VMA across fork finds the same pages through
 * filemap_fault, and they go when the last mapping does (the VMA holds
 * the only reference to the file). Linux's shmem/tmpfs can also swap;
 * here the file is a ramfs inode, so its pages stay until then.
 * shmem_file_read reads a ramfs or tmpfs file without making pages for
 * its holes (Linux's shmem_file_read_iter).
 * Locks: none of its own; shmem_zero_setup is called by mmap_region with
 * mmap_lock held; shmem_file_read by read(2), holding nothing. */
#include <mm.h>
#include <fs.h>
#include <pagemap.h>
#include <uapi/errno.h>

/* read(2) of a file whose pages live only in the cache. A page there is
 * copied; a hole (or a page a writer has not filled yet) reads as
 * zeros without a page being made for it: these pages are never
 * reclaimed, so a read of a large sparse file must not fill memory with
 * zero pages that only truncation frees. i_size is read again after the
 * lookup, so a racing truncate is seen (its pages are gone or zeroed
 * past the new size by then). No i_rwsem: a read whose buffer maps this
 * same file must be able to fault it in. */
ssize_t shmem_file_read(struct file *file, struct iov_iter *to, loff_t *ppos)
{
	struct inode *inode = file_inode(file);
	ssize_t done = 0;

	while (iov_iter_count(to)) {
		struct folio *f = filemap_get_entry(inode->i_mapping, *ppos >> PAGE_SHIFT);
		smp_rmb();	/* the folio before i_size, as filemap_read */
		loff_t isize = READ_ONCE(inode->i_size);
		size_t off = *ppos & ~PAGE_MASK, n = min((size_t)(PAGE_SIZE - off), iov_iter_count(to)), c;
		if (*ppos >= isize) {
			if (f)
				folio_put(f);
			break;
		}
		if ((loff_t)n > isize - *ppos)
			n = isize - *ppos;
		if (f && folio_test_uptodate(f))
			c = copy_to_iter((char *)folio_address(f) + off, n, to);
		else
			c = iov_iter_zero(n, to);
		if (f)
			folio_put(f);
		done += c;
		*ppos += c;
		if (c < n)
			return done ? done : -EFAULT;
	}
	return done;
}

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
