/* madvise.c: madvise(2). MADV_NORMAL, RANDOM and SEQUENTIAL set the VMA
 * flags the fault path's readahead reads (VM_RAND_READ: no read-around;
 * VM_SEQ_READ: read forward), splitting VMAs as needed; WILLNEED starts
 * reading a file range into the cache without waiting; DONTNEED (and
 * FREE, for private anonymous memory) zaps the range: anonymous memory
 * reads back as zeros, a private file mapping as the file, a shared one
 * keeps its data in the file. Advice that only tunes what this kernel
 * does not have (huge pages, KSM, core dumps) is accepted and ignored.
 * Unmapped parts of the range: the rest is done, then ENOMEM.
 * Lock: mmap_lock, write for the flag changes, read otherwise (dropped
 * around WILLNEED's reads, the file pinned). */
#include <mm.h>
#include <pagemap.h>
#include <fs.h>
#include <sched.h>
#include <uapi/errno.h>
#include <uapi/fadvise.h>
#include "internal.h"

#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8

/* Advice Linux accepts that changes nothing here. */
static int madvise_hint_only(int advice)
{
	switch (advice) {
	case 12: case 13:	/* MADV_MERGEABLE, MADV_UNMERGEABLE (KSM) */
	case 14: case 15:	/* MADV_HUGEPAGE, MADV_NOHUGEPAGE */
	case 16: case 17:	/* MADV_DONTDUMP, MADV_DODUMP */
	case 20: case 21:	/* MADV_COLD, MADV_PAGEOUT */
		return 1;
	}
	return 0;
}

static int madvise_behavior(struct mm_struct *mm, struct vm_area_struct *v, unsigned long start,
			    unsigned long end, int advice)
{
	unsigned long f = v->vm_flags & ~(VM_RAND_READ | VM_SEQ_READ);
	int err;
	if (advice == MADV_RANDOM)
		f |= VM_RAND_READ;
	else if (advice == MADV_SEQUENTIAL)
		f |= VM_SEQ_READ;
	if (f == v->vm_flags)
		return 0;
	if (start > v->vm_start) {
		if ((err = split_vma(mm, v, start)))
			return err;
		v = find_vma(mm, start);
	}
	if (end < v->vm_end && (err = split_vma(mm, v, end)))
		return err;
	v->vm_flags = f;
	vma_merge_neighbours(mm, v);
	return 0;
}

/* Start reads of the file pages behind [start, end) of v; drops and
 * retakes mmap_lock (read), so v is stale afterwards. */
static void madvise_willneed(struct mm_struct *mm, struct vm_area_struct *v, unsigned long start,
			     unsigned long end)
{
	struct file *file = v->vm_file;
	loff_t off = ((loff_t)v->vm_pgoff << PAGE_SHIFT) + (start - v->vm_start);
	if (!file || vma_is_anonymous(v))
		return;
	get_file(file);
	up_read(&mm->mmap_lock);
	vfs_fadvise(file, off, end - start, POSIX_FADV_WILLNEED);	/* as Linux */
	fput(file);
	down_read(&mm->mmap_lock);
}

static int madvise_dontneed(struct vm_area_struct *v, unsigned long start, unsigned long end,
			    int advice)
{
	if (advice == MADV_FREE && (!vma_is_anonymous(v) || (v->vm_flags & VM_SHARED)))
		return -EINVAL;
	zap_page_range(v, start, end);
	return 0;
}

long sys_madvise(unsigned long start, unsigned long len, int advice)
{
	struct mm_struct *mm = current->mm;
	int write, err = 0, unmapped = 0;
	if (advice < 0 || (advice > MADV_DONTNEED && advice != MADV_FREE && !madvise_hint_only(advice)))
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	unsigned long alen = ALIGN_UP(len, PAGE_SIZE);
	if (len && !alen)
		return -EINVAL;
	unsigned long end = start + alen;
	if (end < start)
		return -EINVAL;
	if (end == start || madvise_hint_only(advice))
		return 0;
	write = advice <= MADV_SEQUENTIAL;
	if (write)
		down_write(&mm->mmap_lock);
	else
		down_read(&mm->mmap_lock);
	for (unsigned long a = start; a < end && !err;) {
		struct vm_area_struct *v = find_vma(mm, a);
		if (!v || v->vm_start >= end) {
			unmapped = -ENOMEM;
			break;
		}
		if (v->vm_start > a) {
			unmapped = -ENOMEM;
			a = v->vm_start;
		}
		unsigned long to = min(end, v->vm_end);
		if (write)
			err = madvise_behavior(mm, v, a, to, advice);
		else if (advice == MADV_WILLNEED)
			madvise_willneed(mm, v, a, to);
		else
			err = madvise_dontneed(v, a, to, advice);
		a = to;
	}
	if (write)
		up_write(&mm->mmap_lock);
	else
		up_read(&mm->mmap_lock);
	return err ? err : unmapped;
}
