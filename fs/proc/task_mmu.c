/* task_mmu.c: /proc/PID/maps and /proc/PID/smaps, a process's VMAs in
 * Linux's format; smaps adds each VMA's page counts (Rss, Pss, shared
 * and private, clean and dirty, anonymous), gathered by walking its PTEs;
 * /proc/PID/pagemap, an entry per virtual page (the end of the file).
 * Also the sizes status and stat show (task_mem_sizes). The mm is
 * borrowed with get_task_mm.
 * Locks: the mm's mmap_lock (read) is held only to copy the VMAs (and,
 * for smaps, walk their page tables under page_table_lock); their files
 * are named (d_path: directory locks) after dropping it, since a page
 * fault in getdents' copy-out takes them the other way round. pagemap
 * holds mmap_lock (read), then page_table_lock, per batch of entries. */
#include <fs.h>
#include <mm.h>
#include <sched.h>
#include <signal.h>
#include <slab.h>
#include <string.h>
#include "internal.h"

static const char *vma_name(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (vma->vm_start == SIGPAGE_ADDR)
		return "[sigpage]";
	if (vma_is_shmem(vma))
		return "/dev/zero (deleted)";	/* shared anonymous memory, as Linux names it */
	if (vma->vm_file)
		return NULL;	/* named by d_path */
	if (vma->vm_start <= mm->brk && vma->vm_end > mm->start_brk)
		return "[heap]";
	if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return "[stack]";
	return NULL;
}

/* smaps' per-VMA counts, in bytes (Linux's struct mem_size_stats). */
struct mem_size_stats {
	unsigned long resident, pss, pss_dirty, shared_clean, shared_dirty;
	unsigned long private_clean, private_dirty, referenced, anonymous;
};

/* One PTE's page into mss, as Linux's smaps_account: shared means
 * mapped more than once (by any process); Pss splits it among them. */
static int smaps_pte(pte_t *pte, unsigned long addr, void *arg)
{
	struct mem_size_stats *mss = arg;
	struct page *page = vm_normal_page(*pte);
	(void)addr;
	if (!page)
		return 0;	/* empty, or the zero page: not counted, as in Linux */
	int dirty = pte_dirty(*pte) || test_bit(PG_dirty, &page->flags);
	int mapcount = page_mapcount(page);
	unsigned long pss = PAGE_SIZE / (mapcount > 1 ? mapcount : 1);
	mss->resident += PAGE_SIZE;
	mss->pss += pss;
	if (dirty)
		mss->pss_dirty += pss;
	if (*pte & _PAGE_A)
		mss->referenced += PAGE_SIZE;
	if (PageAnon(page))
		mss->anonymous += PAGE_SIZE;
	if (mapcount > 1)
		*(dirty ? &mss->shared_dirty : &mss->shared_clean) += PAGE_SIZE;
	else
		*(dirty ? &mss->private_dirty : &mss->private_clean) += PAGE_SIZE;
	return 0;
}

/* What a maps line needs of a VMA, copied under mmap_lock: naming a file
 * takes directory locks (d_path), which must not nest inside mmap_lock
 * (a page fault in getdents' copy-out takes them the other way round). */
struct vma_snap {
	unsigned long start, end, flags, off, ino;
	dev_t dev;
	struct file *file;	/* referenced, or NULL */
	const char *name;
	struct mem_size_stats mss;	/* smaps only */
};

/* One Linux-format line; names start at column 74 like Linux's seq_pad. */
static void show_vma(struct seq_buf *m, struct vma_snap *v, char *buf)
{
	const char *name = v->name;
	size_t start = m->len;
	int pad;

	if (v->file && !name) {
		char *p = d_path(v->file, buf, PATH_MAX);
		name = IS_ERR(p) ? NULL : p;	/* no name known: none shown */
	}
	seq_printf(m, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu", v->start, v->end,
		   v->flags & VM_READ ? 'r' : '-', v->flags & VM_WRITE ? 'w' : '-',
		   v->flags & VM_EXEC ? 'x' : '-', v->flags & VM_MAYSHARE ? 's' : 'p', v->off,
		   MAJOR(v->dev), MINOR(v->dev), v->ino);
	pad = 72 - (int)(m->len - start);
	if (name) {
		seq_printf(m, "%*s ", pad > 0 ? pad : 0, "");
		seq_escape(m, name, "\n");
	}
	seq_puts(m, "\n");
}

/* The rest of an smaps entry, in Linux's layout (values in kB). */
static void show_smap(struct seq_buf *m, struct vma_snap *v)
{
	static const char *const flag_names[] = {
		"rd", "wr", "ex", "sh", "mr", "mw", "me", "ms", "gd", [15] = "sr", [16] = "rr",
		[21] = "nr",
	};
	struct mem_size_stats *s = &v->mss;
	const struct { const char *name; unsigned long bytes; } rows[] = {
		{ "Size:           ", v->end - v->start }, { "KernelPageSize: ", PAGE_SIZE },
		{ "MMUPageSize:    ", PAGE_SIZE }, { "Rss:            ", s->resident },
		{ "Pss:            ", s->pss }, { "Pss_Dirty:      ", s->pss_dirty },
		{ "Shared_Clean:   ", s->shared_clean }, { "Shared_Dirty:   ", s->shared_dirty },
		{ "Private_Clean:  ", s->private_clean }, { "Private_Dirty:  ", s->private_dirty },
		{ "Referenced:     ", s->referenced }, { "Anonymous:      ", s->anonymous },
		{ "LazyFree:       ", 0 }, { "AnonHugePages:  ", 0 }, { "ShmemPmdMapped: ", 0 },
		{ "FilePmdMapped:  ", 0 }, { "Shared_Hugetlb: ", 0 }, { "Private_Hugetlb:", 0 },
		{ "Swap:           ", 0 }, { "SwapPss:        ", 0 }, { "Locked:         ", 0 },
	};
	for (unsigned int i = 0; i < ARRAY_SIZE(rows); i++)
		seq_printf(m, "%s%8lu kB\n", rows[i].name, rows[i].bytes >> 10);
	seq_puts(m, "THPeligible:    0\nVmFlags: ");
	for (unsigned int i = 0; i < ARRAY_SIZE(flag_names); i++)
		if (flag_names[i] && (v->flags & (1UL << i)))
			seq_printf(m, "%s ", flag_names[i]);
	seq_puts(m, "\n");
}

/* Copy mm's VMAs into a new array (files referenced), with smaps counts
 * if asked; NULL on no memory. */
static struct vma_snap *snap_vmas(struct mm_struct *mm, int *np, int stats)
{
	struct vm_area_struct *vma;
	struct vma_snap *v;
	int n, cap;

	for (;;) {
		cap = 0;
		down_read(&mm->mmap_lock);
		list_for_each_entry(vma, &mm->mmap_list, vm_list)
			cap++;
		up_read(&mm->mmap_lock);
		if (!(v = kmalloc((cap + 1) * sizeof(*v), GFP_KERNEL)))
			return NULL;
		n = 0;
		int grew = 0;
		down_read(&mm->mmap_lock);
		list_for_each_entry(vma, &mm->mmap_list, vm_list) {
			if (n == cap) {
				grew = 1;
				break;
			}
			v[n] = (struct vma_snap){ vma->vm_start, vma->vm_end, vma->vm_flags, 0, 0, 0,
						  NULL, vma_name(mm, vma) };
			if (vma->vm_file) {
				v[n].file = get_file(vma->vm_file);
				v[n].off = vma->vm_pgoff << PAGE_SHIFT;
				v[n].ino = file_inode(vma->vm_file)->i_ino;
				v[n].dev = inode_dev(file_inode(vma->vm_file));
			}
			if (stats)
				walk_page_range(mm, vma->vm_start, vma->vm_end, smaps_pte, &v[n].mss);
			n++;
		}
		up_read(&mm->mmap_lock);
		if (!grew) {
			*np = n;
			return v;
		}
		while (n--)	/* it grew meanwhile: again */
			fput(v[n].file);
		kfree(v);
	}
}

static int show_maps(struct seq_buf *m, struct task_struct *task, int smaps)
{
	struct mm_struct *mm = get_task_mm(task);
	struct vma_snap *v;
	char *buf;
	int n;

	if (!mm)
		return 0;	/* a kernel thread or a zombie */
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	v = buf ? snap_vmas(mm, &n, smaps) : NULL;
	mmput(mm);
	if (!v) {
		kfree(buf);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		show_vma(m, &v[i], buf);
		if (smaps)
			show_smap(m, &v[i]);
		fput(v[i].file);
	}
	kfree(v);
	kfree(buf);
	return 0;
}

int proc_pid_maps(struct seq_buf *m, struct task_struct *task)
{
	return show_maps(m, task, 0);
}

int proc_pid_smaps(struct seq_buf *m, struct task_struct *task)
{
	return show_maps(m, task, 1);
}

/* ---- /proc/PID/pagemap ----
 * One 64-bit entry per virtual page of the process, at offset (address /
 * PAGE_SIZE) * 8, in Linux's format (Documentation/admin-guide/mm/
 * pagemap.rst): bit 63 present, 61 a file page (shared anonymous memory
 * is a file here too), 56 mapped exactly once, bits 0-54 the page frame
 * number; 0 for a page nothing maps. The open file holds the process's
 * mm; a read walks its page tables a batch at a time under mmap_lock
 * (read) and page_table_lock, and copies the batch out with no lock
 * held. Reads must be whole entries (EINVAL); past the user half, EOF.
 * The walk (pagemap_walk) is the pgtbl course lab's (docs/labs/pgtbl.md). */
#define PM_PFRAME_MASK ((1ULL << 55) - 1)
#define PM_MMAP_EXCLUSIVE (1ULL << 56)
#define PM_FILE (1ULL << 61)
#define PM_PRESENT (1ULL << 63)
#define PM_BATCH ((int)(PAGE_SIZE / sizeof(u64)))	/* entries per walk */

/* LAB(pgtbl) BEGIN: helpers for pagemap_walk, if you want them
 */
/* A leaf PTE's entry: present (a PROT_NONE page is there too) with its
 * frame; the file bit for a page that is not anonymous; the exclusive
 * bit for a page mapped once. The zero page is present, nothing else. */
static u64 pte_to_pagemap_entry(pte_t pte)
{
	struct page *page = vm_normal_page(pte);
	u64 e;

	if (!pte_has_page(pte))
		return 0;
	e = PM_PRESENT | (pte_pfn(pte) & PM_PFRAME_MASK);
	if (page && !PageAnon(page))
		e |= PM_FILE;
	if (page && page_mapcount(page) == 1)
		e |= PM_MMAP_EXCLUSIVE;
	return e;
}
/* LAB(pgtbl) END */

/* The entries of the n pages from addr (page aligned, within the user
 * half) into out. mmap_lock held for reading. */
static void pagemap_walk(struct mm_struct *mm, unsigned long addr, int n, u64 *out)
{
	/* LAB(pgtbl) BEGIN: walk the three levels of the page table
	 * mm->pgd is the level-2 table: 512 entries of 1 GiB each; a present
	 * entry (pte_present) points at a level-1 table (its frame:
	 * __va(pte_pfn(e) << PAGE_SHIFT)) of 512 entries of 2 MiB, whose
	 * present entries point at level-0 tables of 512 PTEs, one per 4 KiB
	 * page. PX(level, addr) is addr's index at a level. (User tables have
	 * no large leaves above level 0.) Fill out[0..n) for the pages from
	 * addr on: where a level-2 or level-1 entry is not present, all the
	 * pages it would cover are 0 - skip them in one step, do not look
	 * them up one by one (a read of 1 GiB of empty address space is 262144
	 * entries and must take as long as a few); for a PTE, the entry is
	 * PM_PRESENT | frame number (pte_pfn) if it maps a page
	 * (pte_has_page), plus PM_FILE if the page (vm_normal_page: NULL for
	 * the zero page) is not anonymous (PageAnon) and PM_MMAP_EXCLUSIVE if
	 * it is mapped once (page_mapcount); else 0. Read the tables under
	 * mm->page_table_lock: they change under it.
	 * Provided until then: every page reads as not present.
	 * STUB: memset(out, 0, n * sizeof(*out));
	 */
	int i = 0;

	spin_lock(&mm->page_table_lock);
	while (i < n) {
		pte_t e2 = mm->pgd[PX(2, addr)], e1 = 0, *pt = NULL;
		unsigned long span = PGDIR_SIZE;

		if (pte_present(e2)) {
			e1 = ((pte_t *)__va(pte_pfn(e2) << PAGE_SHIFT))[PX(1, addr)];
			span = PMD_SIZE;
			if (pte_present(e1))
				pt = __va(pte_pfn(e1) << PAGE_SHIFT);
		}
		/* the pages up to the end of what this entry covers */
		int left = (ALIGN_DOWN(addr, span) + span - addr) >> PAGE_SHIFT;
		for (; left && i < n; left--, i++, addr += PAGE_SIZE)
			out[i] = pt ? pte_to_pagemap_entry(pt[PX(0, addr)]) : 0;
	}
	spin_unlock(&mm->page_table_lock);
	/* LAB(pgtbl) END */
}

/* The open file holds the process's mm (a user reference: the address
 * space stays while the file is open). */
static int pagemap_open(struct inode *inode, struct file *f)
{
	struct task_struct *t = get_proc_task(inode);
	struct mm_struct *mm = t ? get_task_mm(t) : NULL;

	if (t)
		put_task_struct(t);
	if (!mm)
		return -ESRCH;
	f->private_data = mm;
	return 0;
}

static int pagemap_release(struct inode *inode, struct file *f)
{
	(void)inode;
	mmput(f->private_data);
	return 0;
}

/* f_pos_lock held by the caller (a regular file): *pos is ours. */
static ssize_t pagemap_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct mm_struct *mm = f->private_data;
	size_t count = iov_iter_count(to);
	ssize_t done = 0;
	u64 *buf;

	if ((*pos | count) % sizeof(u64))
		return -EINVAL;
	if (!(buf = kmalloc(PM_BATCH * sizeof(u64), GFP_KERNEL)))
		return -ENOMEM;
	while (count && *pos / sizeof(u64) < USER_TOP >> PAGE_SHIFT) {
		unsigned long vpn = *pos / sizeof(u64);
		int n = min(min(count / sizeof(u64), (size_t)PM_BATCH), (USER_TOP >> PAGE_SHIFT) - vpn);
		size_t c;

		down_read(&mm->mmap_lock);
		pagemap_walk(mm, vpn << PAGE_SHIFT, n, buf);
		up_read(&mm->mmap_lock);
		c = copy_to_iter(buf, n * sizeof(u64), to);
		done += c;
		*pos += c;
		count -= c;
		if (c < n * sizeof(u64)) {
			done = done ? done : -EFAULT;
			break;
		}
	}
	kfree(buf);
	return done;
}

/* sys_lseek holds f_pos_lock. Any offset (Linux's mem_lseek), no SEEK_END. */
static loff_t pagemap_llseek(struct file *f, loff_t off, int whence)
{
	loff_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->f_pos : -1;

	if (base < 0 || off < -base || off > (loff_t)(~0UL >> 1) - base)
		return -EINVAL;
	return f->f_pos = base + off;
}

const struct file_operations proc_pagemap_operations = {
	.open = pagemap_open, .release = pagemap_release, .read = pagemap_read,
	.llseek = pagemap_llseek,
};

/* VmSize, VmData, VmStk and the executable mappings, as Linux counts
 * them (total_vm, data_vm, stack_vm, exec_vm). */
void task_mem_sizes(struct mm_struct *mm, struct mm_sizes *s)
{
	struct vm_area_struct *vma;

	*s = (struct mm_sizes){ 0 };
	down_read(&mm->mmap_lock);
	list_for_each_entry(vma, &mm->mmap_list, vm_list) {
		unsigned long pages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;

		s->total += pages;
		if ((vma->vm_flags & (VM_EXEC | VM_WRITE)) == VM_EXEC)
			s->exec += pages;
		else if (vma->vm_flags & VM_STACK)
			s->stack += pages;
		else if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
			s->data += pages;
	}
	up_read(&mm->mmap_lock);
}
