/* mmap.c: address spaces as sets of VMAs, kept in an rbtree keyed by
 * address and in a sorted list, and the mmap/munmap/mprotect/brk system
 * calls. Nothing is populated here: pages arrive on fault (memory.c),
 * except MAP_SHARED anonymous memory, which is populated at once so fork
 * can share its pages.
 * Lock: mm->mmap_lock, held for writing by every change to the VMA set. */
#include <mm.h>
#include <sched.h>
#include <fs.h>
#include <printk.h>
#include <string.h>
#include <uapi/errno.h>

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_STACK 0x20000
#define MAP_FIXED_NOREPLACE 0x100000

static struct kmem_cache *vma_cache, *mm_cache;
pgd_t *pgd_alloc(void);
u16 asid_alloc(void);
void asid_free(u16 a);
extern const struct vm_operations_struct generic_file_vm_ops;

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
		RB_CLEAR_NODE(&v->vm_rb);
	}
	return v;
}

void vm_area_free(struct vm_area_struct *v)
{
	if (v->vm_ops && v->vm_ops->close)
		v->vm_ops->close(v);
	if (v->vm_file)
		fput(v->vm_file);
	kmem_cache_free(vma_cache, v);
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

/* Links vma in; fails if it overlaps an existing one. */
int insert_vm_struct(struct mm_struct *mm, struct vm_area_struct *vma)
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

static void unlink_vma(struct mm_struct *mm, struct vm_area_struct *vma)
{
	rb_erase(&vma->vm_rb, &mm->mm_rb);
	list_del_init(&vma->vm_list);
	mm->map_count--;
}

/* Splits vma at addr; the new VMA [addr, end) is inserted after it. */
static int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr)
{
	struct vm_area_struct *n = vm_area_alloc(mm);
	if (!n)
		return -ENOMEM;
	*n = *vma;
	INIT_LIST_HEAD(&n->vm_list);
	RB_CLEAR_NODE(&n->vm_rb);
	n->vm_start = addr;
	n->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
	unsigned long head = addr - vma->vm_start;
	n->vm_filesz = vma->vm_filesz > head ? vma->vm_filesz - head : 0;
	vma->vm_filesz = min(vma->vm_filesz, head);
	if (n->vm_file)
		get_file(n->vm_file);
	if (n->vm_ops && n->vm_ops->open)
		n->vm_ops->open(n);
	vma->vm_end = addr;
	return insert_vm_struct(mm, n);
}

/* Highest gap of len bytes below mm->mmap_base (top-down, as Linux). */
unsigned long get_unmapped_area(unsigned long len)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *v;
	unsigned long top = mm->mmap_base;
	list_for_each_entry_reverse(v, &mm->mmap_list, vm_list) {
		if (v->vm_start >= top)
			continue;
		if (v->vm_end <= top - len && top >= len)
			return top - len;
		top = v->vm_start;
	}
	return top >= len + PAGE_SIZE * 16 ? top - len : -ENOMEM;
}

int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	unsigned long end = start + len;
	struct vm_area_struct *v, *n;
	if (!IS_ALIGNED(start, PAGE_SIZE) || start >= USER_TOP || len > USER_TOP - start)
		return -EINVAL;
	v = find_vma(mm, start);
	if (!v || v->vm_start >= end)
		return 0;
	if (v->vm_start < start) {
		if (split_vma(mm, v, start))
			return -ENOMEM;
		v = list_next_entry(v, vm_list);
	}
	struct vm_area_struct *last = find_vma(mm, end - 1);
	if (last && last->vm_start < end && last->vm_end > end && split_vma(mm, last, end))
		return -ENOMEM;
	unmap_page_range(mm, start, end);
	list_for_each_entry_safe_from(v, n, &mm->mmap_list, vm_list) {
		if (v->vm_start >= end)
			break;
		unlink_vma(mm, v);
		vm_area_free(v);
	}
	return 0;
}

static unsigned long calc_vm_flags(unsigned long prot, unsigned long flags)
{
	unsigned long f = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	if (prot & PROT_READ) f |= VM_READ;
	if (prot & PROT_WRITE) f |= VM_WRITE;
	if (prot & PROT_EXEC) f |= VM_EXEC;
	if ((flags & MAP_TYPE) == MAP_SHARED) f |= VM_SHARED;
	return f;
}

static void populate(struct mm_struct *mm, struct vm_area_struct *v)
{
	for (unsigned long a = v->vm_start; a < v->vm_end; a += PAGE_SIZE)
		if (handle_mm_fault(v, a, (v->vm_flags & VM_WRITE) ? FAULT_FLAG_WRITE : 0) &
		    VM_FAULT_ERROR)
			break;
	(void)mm;
}

/* Caller holds mmap_lock for writing. Returns the address or -errno. */
unsigned long do_mmap(struct file *file, unsigned long addr, unsigned long len,
		      unsigned long prot, unsigned long flags, unsigned long pgoff)
{
	struct mm_struct *mm = current->mm;
	unsigned long type = flags & MAP_TYPE;
	if (!len || (type != MAP_SHARED && type != MAP_PRIVATE))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!len || len > USER_TOP)
		return -ENOMEM;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (!IS_ALIGNED(addr, PAGE_SIZE))
			return -EINVAL;
		if (addr < PAGE_SIZE || addr > USER_TOP - len)
			return -ENOMEM;
		struct vm_area_struct *o = find_vma(mm, addr);
		if (o && o->vm_start < addr + len) {
			if (flags & MAP_FIXED_NOREPLACE)
				return -EEXIST;
			if (do_munmap(mm, addr, len))
				return -ENOMEM;
		}
	} else {
		struct vm_area_struct *o = addr ? find_vma(mm, ALIGN_DOWN(addr, PAGE_SIZE)) : NULL;
		addr = ALIGN_DOWN(addr, PAGE_SIZE);
		if (!addr || addr > USER_TOP - len || addr < PAGE_SIZE * 16 ||
		    (o && o->vm_start < addr + len))
			addr = get_unmapped_area(len);
		if (IS_ERR_VALUE(addr))
			return addr;
	}
	struct vm_area_struct *v = vm_area_alloc(mm);
	if (!v)
		return -ENOMEM;
	v->vm_start = addr;
	v->vm_end = addr + len;
	v->vm_flags = calc_vm_flags(prot, flags);
	v->vm_pgoff = pgoff;
	if (file) {
		v->vm_file = get_file(file);
		v->vm_ops = &generic_file_vm_ops;
		v->vm_filesz = ~0UL;
	}
	if (insert_vm_struct(mm, v)) {
		vm_area_free(v);
		return -ENOMEM;
	}
	if ((v->vm_flags & VM_SHARED && !file) || (flags & MAP_POPULATE))
		populate(mm, v);
	return addr;
}

long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot,
	      unsigned long flags, int fd, unsigned long off)
{
	struct file *file = NULL;
	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		if (!(file = fget(fd)))
			return -EBADF;
		if ((flags & MAP_TYPE) == MAP_SHARED) {	/* needs the page cache */
			fput(file);
			return -ENODEV;
		}
	}
	struct mm_struct *mm = current->mm;
	down_write(&mm->mmap_lock);
	unsigned long r = do_mmap(file, addr, len, prot, flags, off >> PAGE_SHIFT);
	up_write(&mm->mmap_lock);
	if (file)
		fput(file);
	return r;
}

long sys_munmap(unsigned long addr, unsigned long len)
{
	struct mm_struct *mm = current->mm;
	if (!len)
		return -EINVAL;
	down_write(&mm->mmap_lock);
	int r = do_munmap(mm, addr, ALIGN_UP(len, PAGE_SIZE));
	up_write(&mm->mmap_lock);
	return r;
}

long sys_mprotect(unsigned long start, unsigned long len, unsigned long prot)
{
	struct mm_struct *mm = current->mm;
	unsigned long end;
	int err = 0;
	if (!IS_ALIGNED(start, PAGE_SIZE) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | 0x01000000)))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	end = start + len;
	if (end < start || end > USER_TOP)
		return -ENOMEM;
	if (!len)
		return 0;
	down_write(&mm->mmap_lock);
	/* The whole range must be mapped. */
	unsigned long a = start;
	for (struct vm_area_struct *v = find_vma(mm, a); a < end; v = list_next_entry(v, vm_list)) {
		if (&v->vm_list == &mm->mmap_list || v->vm_start > a) {
			err = -ENOMEM;
			goto out;
		}
		a = v->vm_end;
	}
	struct vm_area_struct *v = find_vma(mm, start);
	if (v->vm_start < start && (err = split_vma(mm, v, start)))
		goto out;
	struct vm_area_struct *last = find_vma(mm, end - 1);
	if (last->vm_end > end && (err = split_vma(mm, last, end)))
		goto out;
	for (v = find_vma(mm, start); &v->vm_list != &mm->mmap_list && v->vm_start < end;
	     v = list_next_entry(v, vm_list)) {
		unsigned long nf = (v->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) |
				   (calc_vm_flags(prot, 0) & (VM_READ | VM_WRITE | VM_EXEC));
		v->vm_flags = nf;
		change_protection(mm, v->vm_start, v->vm_end, nf);
	}
out:
	up_write(&mm->mmap_lock);
	return err;
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
		struct vm_area_struct *next = find_vma(mm, old);
		if (next && next->vm_start < new)
			goto out;
		struct vm_area_struct *prev = old > mm->start_brk ? find_vma(mm, old - 1) : NULL;
		if (prev && prev->vm_end == old && !prev->vm_file && !prev->vm_ops &&
		    prev->vm_flags == (VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)) {
			prev->vm_end = new;	/* grow the heap VMA in place */
		} else if (IS_ERR_VALUE(do_mmap(NULL, old, new - old, PROT_READ | PROT_WRITE,
						 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, 0))) {
			goto out;
		}
	}
	mm->brk = brk;
out:
	brk = mm->brk;
	up_write(&mm->mmap_lock);
	return brk;
}

long sys_madvise(unsigned long start, unsigned long len, int advice)
{
	(void)start; (void)len; (void)advice;
	return 0;	/* advice only; MADV_DONTNEED is not implemented yet */
}

void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *v, *n;
	list_for_each_entry_safe(v, n, &mm->mmap_list, vm_list) {
		unmap_page_range(mm, v->vm_start, v->vm_end);
		unlink_vma(mm, v);
		vm_area_free(v);
	}
	free_pgtables(mm);
}

void mmput(struct mm_struct *mm)
{
	if (!atomic_dec_and_test(&mm->mm_users))
		return;
	exit_mmap(mm);
	if (mm->asid) {
		flush_tlb_mm(mm);	/* no hart may keep entries for a reused ASID */
		asid_free(mm->asid);
	}
	free_page(mm->pgd);
	kmem_cache_free(mm_cache, mm);
}

struct mm_struct *dup_mm(struct mm_struct *old)
{
	struct mm_struct *mm = mm_alloc();
	struct vm_area_struct *v;
	if (!mm)
		return NULL;
	down_write(&old->mmap_lock);	/* no thread may change it mid-copy */
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->start_stack = old->start_stack;
	mm->mmap_base = old->mmap_base;
	mm->arg_start = old->arg_start;
	mm->arg_end = old->arg_end;
	mm->env_start = old->env_start;
	mm->env_end = old->env_end;
	list_for_each_entry(v, &old->mmap_list, vm_list) {
		struct vm_area_struct *n = vm_area_alloc(mm);
		if (!n)
			goto fail;
		*n = *v;
		INIT_LIST_HEAD(&n->vm_list);
		RB_CLEAR_NODE(&n->vm_rb);
		if (n->vm_file)
			get_file(n->vm_file);
		if (n->vm_ops && n->vm_ops->open)
			n->vm_ops->open(n);
		insert_vm_struct(mm, n);
		if (copy_page_range(mm, old, v))
			goto fail;
	}
	up_write(&old->mmap_lock);
	return mm;
fail:
	up_write(&old->mmap_lock);
	mmput(mm);
	return NULL;
}

void mmap_init(void)
{
	vma_cache = kmem_cache_create("vm_area_struct", sizeof(struct vm_area_struct), 8, 0, NULL);
	mm_cache = kmem_cache_create("mm_struct", sizeof(struct mm_struct), 8, 0, NULL);
}
