/* msync.c: msync(2). Stores through a shared file mapping already sit in
 * dirty page-cache folios (page_mkwrite dirtied them), so MS_ASYNC has
 * nothing to start (as in Linux) and MS_SYNC writes the mapped range's
 * dirty data and waits, through the file's ->fsync (vfs_fsync_range,
 * datasync as Linux; it reports write errors once per open file and
 * ends with a device FLUSH); MS_INVALIDATE asks for
 * nothing more here, since mappings already map the cache itself. A
 * range with unmapped parts still syncs the mapped ones and reports
 * ENOMEM. Lock: mmap_lock for reading, dropped around each ->fsync
 * (it sleeps on I/O; the file is pinned meanwhile). */
#include <mm.h>
#include <fs.h>
#include <sched.h>
#include <uapi/errno.h>

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

long sys_msync(unsigned long start, unsigned long len, int flags)
{
	struct mm_struct *mm = current->mm;
	int err = 0, unmapped = 0;
	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if ((start & ~PAGE_MASK) || ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	unsigned long end = start + len;
	if (end < start)
		return -ENOMEM;
	if (end == start)
		return 0;
	down_read(&mm->mmap_lock);
	struct vm_area_struct *v = find_vma(mm, start);
	while (v && start < end) {
		if (start < v->vm_start) {	/* a hole */
			unmapped = -ENOMEM;
			start = v->vm_start;
			if (start >= end)
				break;
		}
		struct file *file = v->vm_file;
		loff_t fstart = ((loff_t)v->vm_pgoff << PAGE_SHIFT) + (start - v->vm_start);
		loff_t fend = fstart + (min(end, v->vm_end) - start) - 1;
		start = v->vm_end;
		if ((flags & MS_SYNC) && file && (v->vm_flags & VM_SHARED) && file->f_op->fsync) {
			get_file(file);
			up_read(&mm->mmap_lock);
			err = vfs_fsync_range(file, fstart, fend, 1);	/* as Linux: datasync */
			fput(file);
			if (err || start >= end)
				return err ? err : unmapped;
			down_read(&mm->mmap_lock);
		}
		v = find_vma(mm, start);
	}
	if (start < end)
		unmapped = -ENOMEM;	/* nothing mapped at the end */
	up_read(&mm->mmap_lock);
	return err ? err : unmapped;
}
