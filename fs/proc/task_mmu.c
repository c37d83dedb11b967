/* task_mmu.c: /proc/PID/maps, a process's VMAs in Linux's format.
 * Locks: proc_pid_maps takes the mm's mmap_lock (read) only to copy the
 * VMAs, and names their files (d_path: directory locks) after dropping
 * it; a page fault in getdents' copy-out takes them the other way round. */
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
	if (vma->vm_file)
		return NULL;	/* named by d_path */
	if (vma->vm_start <= mm->brk && vma->vm_end > mm->start_brk)
		return "[heap]";
	if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return "[stack]";
	return NULL;
}

/* What a maps line needs of a VMA, copied under mmap_lock. */
struct vma_snap {
	unsigned long start, end, flags, off, ino;
	struct file *file;	/* referenced, or NULL */
	const char *name;
};

/* One Linux-format line; names start at column 74 like Linux's seq_pad. */
static void show_vma(struct seq_buf *m, struct vma_snap *v, char *buf)
{
	const char *name = v->name;
	size_t start = m->len;
	int pad;

	if (v->file) {
		char *p = d_path(v->file, buf, PATH_MAX);
		name = IS_ERR(p) ? NULL : p;	/* no name known: none shown */
	}
	seq_printf(m, "%08lx-%08lx %c%c%c%c %08lx 00:00 %lu", v->start, v->end,
		   v->flags & VM_READ ? 'r' : '-', v->flags & VM_WRITE ? 'w' : '-',
		   v->flags & VM_EXEC ? 'x' : '-', v->flags & VM_SHARED ? 's' : 'p', v->off, v->ino);
	pad = 72 - (int)(m->len - start);
	if (name) {
		seq_printf(m, "%*s ", pad > 0 ? pad : 0, "");
		seq_escape(m, name, "\n");
	}
	seq_puts(m, "\n");
}

/* Copy mm's VMAs into a new array (files referenced); NULL on no memory. */
static struct vma_snap *snap_vmas(struct mm_struct *mm, int *np)
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

int proc_pid_maps(struct seq_buf *m, struct task_struct *task)
{
	struct mm_struct *mm = task->mm;
	struct vma_snap *v;
	char *buf;
	int n;

	if (!mm)
		return 0;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	v = buf ? snap_vmas(mm, &n) : NULL;
	if (!v) {
		kfree(buf);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		show_vma(m, &v[i], buf);
		fput(v[i].file);
	}
	kfree(v);
	kfree(buf);
	return 0;
}
