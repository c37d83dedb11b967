/* mincore.c: mincore(2): one byte per page of a mapped range, bit 0 set
 * when the page is resident: mapped by a PTE, or, for a file mapping,
 * uptodate in the page cache even if this process has not touched it
 * (anonymous memory never touched is not resident). The range must be
 * mapped throughout (ENOMEM otherwise); the answer goes out a page of
 * bytes at a time, copied with no lock held.
 * Locks: mmap_lock (read) around each batch; the PTEs are read under
 * page_table_lock and the cache looked up after it is dropped. */
#include <mm.h>
#include <pagemap.h>
#include <fs.h>
#include <sched.h>
#include <uaccess.h>
#include <string.h>
#include <uapi/errno.h>

#define UNKNOWN 2	/* no PTE: ask the page cache */

struct mincore_walk { unsigned char *vec; unsigned long start; };

static int mincore_pte(pte_t *pte, unsigned long addr, void *arg)
{
	struct mincore_walk *w = arg;
	if (pte_has_page(*pte))
		w->vec[(addr - w->start) >> PAGE_SHIFT] = 1;
	return 0;
}

/* Fills vec for up to pages pages from addr inside one VMA; returns the
 * count done or -ENOMEM if addr is not mapped. mmap_lock held. */
static long do_mincore(struct mm_struct *mm, unsigned long addr, unsigned long pages,
		       unsigned char *vec)
{
	struct vm_area_struct *v = find_vma(mm, addr);
	if (!v || v->vm_start > addr)
		return -ENOMEM;
	unsigned long end = min(v->vm_end, addr + (pages << PAGE_SHIFT));
	unsigned long n = (end - addr) >> PAGE_SHIFT;
	struct mincore_walk w = { vec, addr };
	memset(vec, UNKNOWN, n);
	walk_page_range(mm, addr, end, mincore_pte, &w);
	for (unsigned long i = 0; i < n; i++) {
		if (vec[i] != UNKNOWN)
			continue;
		vec[i] = 0;
		if (vma_is_anonymous(v))
			continue;
		unsigned long index = v->vm_pgoff + ((addr - v->vm_start) >> PAGE_SHIFT) + i;
		struct folio *f = filemap_get_entry(vma_mapping(v), index);
		if (f) {
			vec[i] = folio_test_uptodate(f);
			folio_put(f);
		}
	}
	return n;
}

long sys_mincore(unsigned long start, unsigned long len, unsigned char __user *vec)
{
	struct mm_struct *mm = current->mm;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (start > USER_TOP || len > USER_TOP - start)
		return -ENOMEM;
	unsigned long pages = (len + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if ((unsigned long)vec > USER_TOP || pages > USER_TOP - (unsigned long)vec)
		return -EFAULT;
	unsigned char *tmp = get_free_pages(GFP_KERNEL, 0);
	if (!tmp)
		return -EAGAIN;
	long ret = 0;
	while (pages) {
		down_read(&mm->mmap_lock);
		ret = do_mincore(mm, start, min(pages, PAGE_SIZE), tmp);
		up_read(&mm->mmap_lock);
		if (ret <= 0)
			break;
		if (copy_to_user(vec, tmp, ret)) {
			ret = -EFAULT;
			break;
		}
		pages -= ret;
		vec += ret;
		start += ret << PAGE_SHIFT;
		ret = 0;
	}
	free_page(tmp);
	return ret;
}
