/* mmap.c: address spaces as sets of VMAs, kept in an rbtree keyed by
 * address and in a sorted list, each file VMA also on its file's i_mmap
 * (rmap.c); the mmap/munmap/brk system calls (mprotect, mremap, msync,
 * madvise and mincore have files of their own, as in Linux); and the
 * life of an mm: fork's dup_mm, exit_mmap, mmput (and the program it runs,
 * set_mm_exe_file). Nothing is populated
 * here (pages arrive on fault, memory.c) except with MAP_POPULATE.
 * VMAs split where a call covers part of one (split_vma) and merge back
 * with a neighbour that continues them exactly (vma_merge_neighbours).
 * Locks: mm->mmap_lock, held for writing by every change to the VMA
 * set; around a change to a file VMA's extent or its removal, also its
 * mapping's i_mmap_rwsem (write), so rmap walkers, which hold only that,
 * always see every PTE inside some VMA they visit. */
#include <mm.h>
#include <rmap.h>
#include <sched.h>
#include <fs.h>
#include <printk.h>
#include <string.h>
#include <uapi/errno.h>
#include "internal.h"

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x100
#define MAP_DENYWRITE 0x800
#define MAP_EXECUTABLE 0x1000
#define MAP_LOCKED 0x2000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_NONBLOCK 0x10000
#define MAP_STACK 0x20000
#define MAP_HUGETLB 0x40000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_UNINITIALIZED 0x4000000
/* What MAP_SHARED_VALIDATE accepts (Linux's LEGACY_MAP_MASK). */
#define LEGACY_MAP_MASK (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | \
			 MAP_EXECUTABLE | MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED | \
			 MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB)
#define MMAP_MIN_ADDR 65536UL	/* nothing is mapped below this (mmap_min_addr) */

static struct kmem_cache *vma_cache, *mm_cache;
pgd_t *pgd_alloc(void);
u16 asid_alloc(void);
void asid_free(u16 a);

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = kmem_cache_zalloc(mm_cache, GFP_KERNEL);
	if (!mm)
		return NULL;
	if (!(mm->pgd = pgd_alloc())) {
		kmem_cache_free(mm_cache, mm);
		return NULL;
	}
	mm->mm_rb = RB_ROOT;
	INIT_LIST_HEAD(&mm->mmap_list);
	atomic_set(&mm->mm_users, 1);
	init_rwsem(&mm->mmap_lock);
	spin_lock_init(&mm->page_table_lock);
	mm->asid = asid_alloc();
	mm->mmap_base = STACK_TOP - STACK_MAX - (1UL << 30);
	return mm;
}

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *v = kmem_cache_zalloc(vma_cache, GFP_KERNEL);
	if (v) {
		v->vm_mm = mm;
		INIT_LIST_HEAD(&v->vm_list);
		INIT_LIST_HEAD(&v->vm_shared);
		RB_CLEAR_NODE(&v->vm_rb);
	}
	return v;
}

/* A copy of v (file referenced, ->open called), on no list yet. */
static struct vm_area_struct *vm_area_dup(struct vm_area_struct *v, struct mm_struct *mm)
{
	struct vm_area_struct *n = vm_area_alloc(mm);
	if (!n)
		return NULL;
	*n = *v;
	n->vm_mm = mm;
	INIT_LIST_HEAD(&n->vm_list);
	INIT_LIST_HEAD(&n->vm_shared);
	RB_CLEAR_NODE(&n->vm_rb);
	if (n->vm_file)
		get_file(n->vm_file);
	if (n->vm_ops && n->vm_ops->open)
		n->vm_ops->open(n);
	return n;
}

void vm_area_free(struct vm_area_struct *v)
{
	if (v->vm_ops && v->vm_ops->close)
		v->vm_ops->close(v);
	if (v->vm_file)
		fput(v->vm_file);	/* may be the last reference: the file lives as long as its maps */
	kmem_cache_free(vma_cache, v);
}

struct address_space *vma_mapping(struct vm_area_struct *vma)
{
	return file_inode(vma->vm_file)->i_mapping;
}

/* The first VMA with vm_end > addr, or NULL. */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct rb_node *n = mm->mm_rb.rb_node;
	struct vm_area_struct *best = NULL;
	while (n) {
		struct vm_area_struct *v = rb_entry(n, struct vm_area_struct, vm_rb);
		if (v->vm_end > addr) {
			best = v;
			if (v->vm_start <= addr)
				break;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end)
{
	struct vm_area_struct *v = find_vma(mm, start);
	return v && v->vm_start < end ? v : NULL;
}

static struct vm_area_struct *vma_next(struct mm_struct *mm, struct vm_area_struct *v)
{
	return list_is_last(&v->vm_list, &mm->mmap_list) ? NULL : list_next_entry(v, vm_list);
}

static struct vm_area_struct *vma_prev(struct mm_struct *mm, struct vm_area_struct *v)
{
	return v->vm_list.prev == &mm->mmap_list ? NULL : list_prev_entry(v, vm_list);
}

/* Links vma into the tree and list; -EEXIST if it overlaps one. */
static int vma_link_rb(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct rb_node **p = &mm->mm_rb.rb_node, *parent = NULL;
	struct vm_area_struct *next = NULL;
	while (*p) {
		struct vm_area_struct *v = rb_entry(*p, struct vm_area_struct, vm_rb);
		parent = *p;
		if (vma->vm_end <= v->vm_start) {
			next = v;
			p = &(*p)->rb_left;
		} else if (vma->vm_start >= v->vm_end) {
			p = &(*p)->rb_right;
		} else {
			return -EEXIST;
		}
	}
	rb_link_node(&vma->vm_rb, parent, p);
	rb_insert_color(&vma->vm_rb, &mm->mm_rb);
	list_add_tail(&vma->vm_list, next ? &next->vm_list : &mm->mmap_list);
	vma->vm_mm = mm;
	mm->map_count++;
	return 0;
}

/* Links vma in, and on its file's i_mmap; fails if it overlaps. */
int insert_vm_struct(struct mm_struct *mm, struct vm_area_struct *vma)
{
	int err = vma_link_rb(mm, vma);
	if (!err && vma->vm_file) {
		i_mmap_lock_write(vma_mapping(vma));
		vma_link_file(vma, NULL);
		i_mmap_unlock_write(vma_mapping(vma));
	}
	return err;
}

static void unlink_vma_rb(struct mm_struct *mm, struct vm_area_struct *vma)
{
	rb_erase(&vma->vm_rb, &mm->mm_rb);
	list_del_init(&vma->vm_list);
	mm->map_count--;
}

void remove_vma(struct mm_struct *mm, struct vm_area_struct *vma)
{
	unlink_vma_rb(mm, vma);
	if (vma->vm_file) {
		i_mmap_lock_write(vma_mapping(vma));
		vma_unlink_file(vma);
		i_mmap_unlock_write(vma_mapping(vma));
	}
	vm_area_free(vma);
}

/* Splits vma at addr; the new VMA [addr, end) goes after it. */
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr)
{
	struct vm_area_struct *n = vm_area_dup(vma, mm);
	if (!n)
		return -ENOMEM;
	n->vm_start = addr;
	n->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
	if (vma->vm_file)
		i_mmap_lock_write(vma_mapping(vma));
	vma->vm_end = addr;
	vma_link_rb(mm, n);	/* cannot overlap: it is vma's old tail */
	if (vma->vm_file) {
		vma_link_file(n, vma);
		i_mmap_unlock_write(vma_mapping(vma));
	}
	return 0;
}

/* a ends where b starts, and b continues a exactly. */
static int can_merge(struct vm_area_struct *a, struct vm_area_struct *b)
{
	return a->vm_end == b->vm_start && a->vm_flags == b->vm_flags && a->vm_file == b->vm_file &&
	       a->vm_ops == b->vm_ops && a->vm_pgoff + vma_pages(a) == b->vm_pgoff;
}

/* a absorbs its successor b. */
static void merge_into(struct mm_struct *mm, struct vm_area_struct *a, struct vm_area_struct *b)
{
	if (a->vm_file)
		i_mmap_lock_write(vma_mapping(a));
	unlink_vma_rb(mm, b);
	if (b->vm_file)
		vma_unlink_file(b);
	a->vm_end = b->vm_end;
	if (a->vm_file)
		i_mmap_unlock_write(vma_mapping(a));
	vm_area_free(b);
}

struct vm_area_struct *vma_merge_neighbours(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *prev = vma_prev(mm, vma), *next = vma_next(mm, vma);
	if (next && can_merge(vma, next))
		merge_into(mm, vma, next);
	if (prev && can_merge(prev, vma)) {
		merge_into(mm, prev, vma);
		vma = prev;
	}
	return vma;
}

/* Highest gap of len bytes below mm->mmap_base (top-down, as Linux). */
static unsigned long unmapped_area_topdown(struct mm_struct *mm, unsigned long len)
{
	struct vm_area_struct *v;
	unsigned long top = mm->mmap_base;
	list_for_each_entry_reverse(v, &mm->mmap_list, vm_list) {
		if (v->vm_start >= top)
			continue;
		if (v->vm_end <= top - len && top >= len)
			return top - len;
		top = v->vm_start;
	}
	return top >= len + MMAP_MIN_ADDR ? top - len : -ENOMEM;
}

/* Where a mapping of len bytes goes: addr itself with MAP_FIXED, the
 * hint if it is free, else the highest gap. Returns it or -errno. */
unsigned long get_unmapped_area(struct file *file, unsigned long addr, unsigned long len,
				unsigned long pgoff, unsigned long flags)
{
	struct mm_struct *mm = current->mm;
	(void)file;
	(void)pgoff;
	if (len > USER_TOP)
		return -ENOMEM;
	if (flags & MAP_FIXED) {
		if (addr > USER_TOP - len)
			return -ENOMEM;
		if (addr & ~PAGE_MASK)
			return -EINVAL;
		/* Linux's mmap_min_addr (as for a process without CAP_SYS_RAWIO):
		 * a NULL dereference must stay a fault */
		return addr < MMAP_MIN_ADDR ? -EPERM : addr;
	}
	if (addr) {
		addr = ALIGN_UP(addr, PAGE_SIZE);
		if (addr >= MMAP_MIN_ADDR && addr <= USER_TOP - len &&
		    !find_vma_intersection(mm, addr, addr + len))
			return addr;
	}
	return unmapped_area_topdown(mm, len);
}

int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	struct vm_area_struct *v, *n;
	if ((start & ~PAGE_MASK) || start > USER_TOP || len > USER_TOP - start)
		return -EINVAL;
	if (!(len = ALIGN_UP(len, PAGE_SIZE)))
		return -EINVAL;
	unsigned long end = start + len;
	if (!(v = find_vma_intersection(mm, start, end)))
		return 0;
	if (v->vm_start < start) {
		if (split_vma(mm, v, start))
			return -ENOMEM;
		v = vma_next(mm, v);
	}
	struct vm_area_struct *last = find_vma(mm, end - 1);
	if (last && last->vm_start < end && last->vm_end > end && split_vma(mm, last, end))
		return -ENOMEM;
	for (; v && v->vm_start < end; v = n) {
		n = vma_next(mm, v);
		zap_page_range(v, v->vm_start, v->vm_end);
		remove_vma(mm, v);
	}
	return 0;
}

struct vm_area_struct *mmap_region(struct mm_struct *mm, struct file *file, unsigned long addr,
				   unsigned long len, unsigned long vm_flags, unsigned long pgoff)
{
	struct vm_area_struct *v = vm_area_alloc(mm);
	int err = 0;
	if (!v)
		return ERR_PTR(-ENOMEM);
	v->vm_start = addr;
	v->vm_end = addr + len;
	v->vm_flags = vm_flags;
	v->vm_pgoff = pgoff;
	if (file) {
		v->vm_file = get_file(file);
		err = file->f_op->mmap(file, v);
	} else if (vm_flags & VM_SHARED) {
		err = shmem_zero_setup(v);
	} else {
		v->vm_pgoff = addr >> PAGE_SHIFT;	/* anonymous neighbours merge */
	}
	if (!err)
		err = insert_vm_struct(mm, v);
	if (err) {
		vm_area_free(v);
		return ERR_PTR(err);
	}
	return vma_merge_neighbours(mm, v);
}

static unsigned long calc_vm_flags(unsigned long prot, unsigned long flags)
{
	unsigned long f = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	if (prot & PROT_READ) f |= VM_READ;
	if (prot & PROT_WRITE) f |= VM_WRITE;
	if (prot & PROT_EXEC) f |= VM_EXEC;
	if (flags & MAP_GROWSDOWN) f |= VM_GROWSDOWN;
	if (flags & MAP_NORESERVE) f |= VM_NORESERVE;
	return f;
}

/* The checks of a file mapping, as Linux's do_mmap makes them; returns
 * the adjusted vm_flags or -errno. */
static long file_mmap_flags(struct file *file, unsigned long flags, unsigned long prot,
			    unsigned long vm_flags, unsigned long pgoff, unsigned long len)
{
	/* offset + len must fit in a loff_t (MAX_LFS_FILESIZE) */
	if (len > 0x7fffffffffffffffUL || pgoff > (0x7fffffffffffffffUL - len) >> PAGE_SHIFT)
		return -EOVERFLOW;
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
		flags &= LEGACY_MAP_MASK;	/* unknown flags: ignored */
		/* fallthrough */
	case MAP_SHARED_VALIDATE:
		if (flags & ~LEGACY_MAP_MASK)
			return -EOPNOTSUPP;
		if ((prot & PROT_WRITE) && !(file->f_mode & FMODE_WRITE))
			return -EACCES;
		vm_flags |= VM_SHARED | VM_MAYSHARE;
		if (!(file->f_mode & FMODE_WRITE))	/* can never be written: private */
			vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
		/* fallthrough */
	case MAP_PRIVATE:
		if (!(file->f_mode & FMODE_READ))
			return -EACCES;
		if (mnt_flag(file->f_mnt, MNT_NOEXEC)) {	/* nor by mprotect later */
			if (vm_flags & VM_EXEC)
				return -EPERM;
			vm_flags &= ~VM_MAYEXEC;
		}
		if (!file->f_op->mmap)
			return -ENODEV;
		if (vm_flags & VM_GROWSDOWN)
			return -EINVAL;
		return vm_flags;
	default:
		return -EINVAL;
	}
}

/* Caller holds mmap_lock for writing. Returns the address or -errno;
 * *populate gets the length to fault in afterwards (MAP_POPULATE). */
unsigned long do_mmap(struct file *file, unsigned long addr, unsigned long len,
		      unsigned long prot, unsigned long flags, unsigned long pgoff,
		      unsigned long *populate)
{
	struct mm_struct *mm = current->mm;
	*populate = 0;
	if (!len)
		return -EINVAL;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if (!(len = ALIGN_UP(len, PAGE_SIZE)))
		return -ENOMEM;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	addr = get_unmapped_area(file, addr, len, pgoff, flags);
	if (IS_ERR_VALUE(addr))
		return addr;
	if ((flags & MAP_FIXED_NOREPLACE) && find_vma_intersection(mm, addr, addr + len))
		return -EEXIST;
	long vm_flags = calc_vm_flags(prot, flags);
	if (file) {
		vm_flags = file_mmap_flags(file, flags, prot, vm_flags, pgoff, len);
		if (vm_flags < 0)
			return vm_flags;
	} else if ((flags & MAP_TYPE) == MAP_SHARED) {
		if (vm_flags & VM_GROWSDOWN)
			return -EINVAL;
		pgoff = 0;
		vm_flags |= VM_SHARED | VM_MAYSHARE;
	} else if ((flags & MAP_TYPE) != MAP_PRIVATE) {
		return -EINVAL;
	}
	if (find_vma_intersection(mm, addr, addr + len) && do_munmap(mm, addr, len))
		return -ENOMEM;
	struct vm_area_struct *v = mmap_region(mm, file, addr, len, vm_flags, pgoff);
	if (IS_ERR(v))
		return PTR_ERR(v);
	if ((flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE)
		*populate = len;
	return addr;
}

/* MAP_POPULATE: fault every page in now, as the first touch would
 * (a private writable page for a store, so COW is broken up front). */
void mm_populate(unsigned long start, unsigned long len)
{
	struct mm_struct *mm = current->mm;
	down_read(&mm->mmap_lock);
	for (unsigned long a = start; a < start + len; a += PAGE_SIZE) {
		struct vm_area_struct *v = find_vma(mm, a);
		if (!v || v->vm_start >= start + len)
			break;
		if (v->vm_start > a)
			a = v->vm_start;
		if (!(v->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
			continue;
		int write = (v->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE;
		pte_t *pte = pte_offset_map_lock(mm, a);
		int done = pte && pte_present(*pte) && (!write || pte_write(*pte));
		if (pte)
			pte_unmap_unlock(mm);
		if (!done && (handle_mm_fault(v, a, write ? FAULT_FLAG_WRITE : 0) & VM_FAULT_ERROR))
			break;
	}
	up_read(&mm->mmap_lock);
}

long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot,
	      unsigned long flags, int fd, unsigned long off)
{
	struct file *file = NULL;
	unsigned long populate;
	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS) && !(file = fget(fd)))
		return -EBADF;
	struct mm_struct *mm = current->mm;
	down_write(&mm->mmap_lock);
	unsigned long r = do_mmap(file, addr, len, prot, flags, off >> PAGE_SHIFT, &populate);
	up_write(&mm->mmap_lock);
	if (file)
		fput(file);
	if (populate)
		mm_populate(r, populate);
	return r;
}

long sys_munmap(unsigned long addr, unsigned long len)
{
	struct mm_struct *mm = current->mm;
	down_write(&mm->mmap_lock);
	int r = do_munmap(mm, addr, len);
	up_write(&mm->mmap_lock);
	return r;
}

long sys_brk(unsigned long brk)
{
	struct mm_struct *mm = current->mm;
	down_write(&mm->mmap_lock);
	unsigned long old = ALIGN_UP(mm->brk, PAGE_SIZE), new = ALIGN_UP(brk, PAGE_SIZE);
	if (brk < mm->start_brk || brk > mm->mmap_base)
		goto out;
	if (new < old) {
		if (do_munmap(mm, new, old - new))
			goto out;
	} else if (new > old) {
		if (find_vma_intersection(mm, old, new))
			goto out;
		if (IS_ERR(mmap_region(mm, NULL, old, new - old, VM_READ | VM_WRITE | VM_MAYREAD |
				       VM_MAYWRITE | VM_MAYEXEC, 0)))
			goto out;	/* merges with the heap VMA below it */
	}
	mm->brk = brk;
out:
	brk = mm->brk;
	up_write(&mm->mmap_lock);
	return brk;
}

void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *v, *n;
	list_for_each_entry_safe(v, n, &mm->mmap_list, vm_list) {
		zap_page_range(v, v->vm_start, v->vm_end);
		remove_vma(mm, v);
	}
	free_pgtables(mm);
}

/* mm runs f (/proc/PID/exe): a reference, and one more denial of write
 * access for as long as mm lives. The caller holds a denial already
 * (execve's open_exec, or the parent's mm for fork), so it cannot fail. */
void set_mm_exe_file(struct mm_struct *mm, struct file *f)
{
	if (f && WARN_ON_ONCE(deny_write_access(f)))
		f = NULL;	/* keep the count balanced: no exe then */
	mm->exe_file = f ? get_file(f) : NULL;
}

void mmput(struct mm_struct *mm)
{
	if (!atomic_dec_and_test(&mm->mm_users))
		return;
	exit_mmap(mm);
	exit_oom_victim(mm);	/* its pages are back: the OOM killer may choose again */
	if (mm->exe_file) {	/* the program may be written again */
		allow_write_access(mm->exe_file);
		fput(mm->exe_file);
	}
	if (mm->asid) {
		flush_tlb_mm(mm);	/* no hart may keep entries for a reused ASID */
		asid_free(mm->asid);
	}
	free_page(mm->pgd);
	kmem_cache_free(mm_cache, mm);
}

/* fork: a copy of every VMA, sharing every page copy-on-write. The
 * parent's mmap_lock is held for writing so no thread of it faults
 * meanwhile; its TLB is flushed before returning because its private
 * writable PTEs have become read-only. */
struct mm_struct *dup_mm(struct mm_struct *old)
{
	struct mm_struct *mm = mm_alloc();
	struct vm_area_struct *v;
	int err = 0, wrprotected = 0;
	if (!mm)
		return NULL;
	down_write(&old->mmap_lock);
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->start_stack = old->start_stack;
	mm->mmap_base = old->mmap_base;
	mm->start_code = old->start_code;
	mm->end_code = old->end_code;
	mm->start_data = old->start_data;
	mm->end_data = old->end_data;
	mm->arg_start = old->arg_start;
	mm->arg_end = old->arg_end;
	mm->env_start = old->env_start;
	mm->env_end = old->env_end;
	set_mm_exe_file(mm, old->exe_file);
	list_for_each_entry(v, &old->mmap_list, vm_list) {
		struct vm_area_struct *n = vm_area_dup(v, mm);
		if (!n) {
			err = -ENOMEM;
			break;
		}
		vma_link_rb(mm, n);
		if (n->vm_file) {	/* after the parent's: see vma_link_file */
			i_mmap_lock_write(vma_mapping(n));
			vma_link_file(n, v);
			i_mmap_unlock_write(vma_mapping(n));
		}
		int r = copy_page_range(n, v);
		if (r < 0) {
			err = r;
			break;
		}
		wrprotected |= r;
	}
	if (wrprotected)
		flush_tlb_mm(old);
	up_write(&old->mmap_lock);
	if (err) {
		mmput(mm);
		return NULL;
	}
	return mm;
}

void mmap_init(void)
{
	vma_cache = kmem_cache_create("vm_area_struct", sizeof(struct vm_area_struct), 8, 0, NULL);
	mm_cache = kmem_cache_create("mm_struct", sizeof(struct mm_struct), 8, 0, NULL);
}
