/* task_mmu.c: /proc/PID/maps and /proc/PID/smaps, a process's VMAs in
 * Linux's format; smaps adds each VMA's page counts (Rss, Pss, shared
 * and private, clean and dirty, anonymous), gathered by walking its PTEs.
 * Locks: the mm's mmap_lock (read) is held only to copy the VMAs (and,
 * for smaps, walk their page tables under page_table_lock); their files
 * are named (d_path: directory locks) after dropping it, since a page
 * fault in getdents' copy-out takes them the other way round. */
#include <fs.h>
#include <mm.h>
#include <sched.h>
#include <signal.h>
#include <slab.h>
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
	seq_printf(m, "%08lx-%08lx %c%c%c%c %08lx 00:00 %lu", v->start, v->end,
		   v->flags & VM_READ ? 'r' : '-', v->flags & VM_WRITE ? 'w' : '-',
		   v->flags & VM_EXEC ? 'x' : '-', v->flags & VM_MAYSHARE ? 's' : 'p', v->off, v->ino);
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
			v[n] = (struct vma_snap){ vma->vm_start, vma->vm_end, vma->vm_flags, 0, 0,
						  NULL, vma_name(mm, vma) };
			if (vma->vm_file) {
				v[n].file = get_file(vma->vm_file);
				v[n].off = vma->vm_pgoff << PAGE_SHIFT;
				v[n].ino = file_inode(vma->vm_file)->i_ino;
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
	struct mm_struct *mm = task->mm;
	struct vma_snap *v;
	char *buf;
	int n;

	if (!mm)
		return 0;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	v = buf ? snap_vmas(mm, &n, smaps) : NULL;
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
