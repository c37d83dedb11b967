/* exec.c: execve of static ELF64 RISC-V programs, and of "#!" scripts
 * (load_script: their interpreter, given the script). The new image is built
 * in a fresh mm: each PT_LOAD segment becomes a private mapping of the
 * file's page cache (faulted in lazily, copied only when written; two
 * processes running one program share its text pages) followed by
 * anonymous memory for the rest of p_memsz (the bss), plus the stack
 * (RLIMIT_STACK, lazily filled), the sigreturn page and an empty heap.
 * Strings are copied from the old mm into a kernel buffer first; once the
 * ELF has been checked, other threads are killed and the mm is replaced
 * (the point of no return), then argv/envp/auxv go onto the new stack.
 * The file being loaded, and then the program the mm runs (exe_file),
 * cannot be opened for writing meanwhile (deny_write_access: ETXTBSY).
 * Locks: tasklist_lock while taking over the thread-group leadership. */
#include <sched.h>
#include <signal.h>
#include <mm.h>
#include <fs.h>
#include <elf.h>
#include <ptrace.h>
#include <uaccess.h>
#include <printk.h>
#include <string.h>
#include <riscv.h>
#include <uapi/errno.h>

#define ARG_MAX_BYTES (256 * 1024)
#define MAX_PHDRS 32
extern struct page *sigpage;
void get_random_bytes(void *buf, size_t n);
extern struct task_struct *child_reaper;

struct linux_binprm {
	struct file *file;
	struct elf64_hdr eh;
	struct elf64_phdr ph[MAX_PHDRS];
	char *strings;		/* argv then envp, NUL-separated */
	size_t len, arg_len;	/* all strings; argv's alone */
	int argc, envc;
	char filename[256];
	char interp[256];	/* what to open: filename, or a script's interpreter */
	unsigned long load_bias, phdr_addr, brk, entry;
	struct { unsigned long addr, len; } pad[MAX_PHDRS];	/* bss heads to zero */
	int npad;
};

/* Appends a string vector (from user memory, or kernel memory for the
 * first init) to bprm->strings; returns the count. */
static int copy_strings(struct linux_binprm *b, const char __user *const __user *v, int kernel)
{
	int n = 0;
	if (!v)
		return 0;
	for (;; n++) {
		const char __user *s;
		long l;
		if (kernel)
			s = v[n];
		else if (get_user(s, v + n))
			return -EFAULT;
		if (!s)
			return n;
		if (kernel) {
			l = strlen(s);
			if (l >= (long)(ARG_MAX_BYTES - b->len))
				return -E2BIG;
			memcpy(b->strings + b->len, s, l + 1);
		} else {
			l = strncpy_from_user(b->strings + b->len, s, ARG_MAX_BYTES - b->len);
		}
		if (l == -ENAMETOOLONG)
			return -E2BIG;
		if (l < 0)
			return l;
		b->len += l + 1;
	}
}

/* Replace argv[0] by the n strings args (Linux's remove_arg_zero and
 * copy_string_kernel, for scripts). */
static int prepend_args(struct linux_binprm *b, const char *const *args, int n)
{
	size_t skip = b->argc ? strlen(b->strings) + 1 : 0, add = 0;

	for (int i = 0; i < n; i++)
		add += strlen(args[i]) + 1;
	if (b->len - skip + add > ARG_MAX_BYTES)
		return -E2BIG;
	memmove(b->strings + add, b->strings + skip, b->len - skip);
	for (int i = 0, at = 0; i < n; i++) {
		size_t l = strlen(args[i]) + 1;
		memcpy(b->strings + at, args[i], l);
		at += l;
	}
	b->len = b->len - skip + add;
	b->arg_len = b->arg_len - skip + add;
	b->argc += n - (skip ? 1 : 0);
	return 0;
}

/* "#!interpreter [one argument]" (Linux's binfmt_script): the program
 * becomes the interpreter, run with the interpreter, the argument and
 * the script's path in place of argv[0]. Returns 0 if b now names the
 * interpreter to open, 1 if b->file is no script, or -errno. */
static int load_script(struct linux_binprm *b)
{
	char buf[256], *p, *end, *interp, *arg = NULL;
	loff_t pos = 0;
	ssize_t n = kernel_read(b->file, buf, sizeof(buf) - 1, &pos);
	const char *args[3];
	int nargs = 0, err;

	if (n < 2 || buf[0] != '#' || buf[1] != '!')
		return 1;
	buf[n] = 0;
	if (!(end = strchr(buf, '\n')))
		return -ENOEXEC;	/* the line does not fit: the name may be cut */
	*end = 0;
	for (p = buf + 2; *p == ' ' || *p == '\t'; p++)
		;
	if (!*p)
		return -ENOEXEC;
	interp = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p) {
		*p++ = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		for (char *q = end - 1; q >= p && (*q == ' ' || *q == '\t' || *q == '\r'); q--)
			*q = 0;
		if (*p)
			arg = p;
	}
	args[nargs++] = interp;
	if (arg)
		args[nargs++] = arg;
	args[nargs++] = b->filename;
	if ((err = prepend_args(b, args, nargs)))
		return err;
	strlcpy(b->interp, interp, sizeof(b->interp));
	return 0;
}

static int read_elf(struct linux_binprm *b)
{
	loff_t pos = 0;
	struct elf64_hdr *e = &b->eh;
	if (kernel_read(b->file, e, sizeof(*e), &pos) != sizeof(*e))
		return -ENOEXEC;
	if (memcmp(e->e_ident, "\177ELF", 4) || e->e_ident[4] != 2 || e->e_ident[5] != 1 ||
	    (e->e_type != ET_EXEC && e->e_type != ET_DYN) || e->e_machine != EM_RISCV ||
	    e->e_phentsize != sizeof(struct elf64_phdr) || e->e_phnum == 0 ||
	    e->e_phnum > MAX_PHDRS)
		return -ENOEXEC;
	size_t sz = e->e_phnum * sizeof(struct elf64_phdr);
	pos = e->e_phoff;
	if (kernel_read(b->file, b->ph, sz, &pos) != (ssize_t)sz)
		return -ENOEXEC;
	for (int i = 0; i < e->e_phnum; i++)
		if (b->ph[i].p_type == PT_INTERP)
			return -ENOEXEC;	/* no dynamic loader */
	b->load_bias = e->e_type == ET_DYN ? 0x40000000UL : 0;
	return 0;
}

static int map_vma(struct mm_struct *mm, unsigned long start, unsigned long end,
		   unsigned long flags, struct file *file, unsigned long pgoff)
{
	struct vm_area_struct *v = mmap_region(mm, file, start, end - start,
					       flags | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC, pgoff);
	return IS_ERR(v) ? PTR_ERR(v) : 0;
}

static vm_fault_t sigpage_fault(struct vm_fault *vmf)
{
	get_page(sigpage);
	vmf->page = sigpage;
	return 0;
}
static const struct vm_operations_struct sigpage_ops = { .fault = sigpage_fault };

/* The signal-return page: a one-page VMA whose fault maps sigpage. */
static int map_sigpage(struct mm_struct *mm)
{
	struct vm_area_struct *v = vm_area_alloc(mm);
	if (!v)
		return -ENOMEM;
	v->vm_start = SIGPAGE_ADDR;
	v->vm_end = SIGPAGE_ADDR + PAGE_SIZE;
	v->vm_flags = VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYEXEC;
	v->vm_ops = &sigpage_ops;
	int err = insert_vm_struct(mm, v);
	if (err)
		vm_area_free(v);
	return err;
}

/* One PT_LOAD segment, as Linux's elf_map: the pages holding file bytes
 * are a private mapping of the file (its page-cache pages, copied only
 * when written), the rest of p_memsz anonymous memory. The bytes past
 * p_filesz in the last file page must read as zero: for a writable
 * segment they are cleared once the new mm is live (b->pad). */
static int map_segment(struct mm_struct *mm, struct linux_binprm *b, struct elf64_phdr *p)
{
	unsigned long va = p->p_vaddr + b->load_bias;
	unsigned long start = ALIGN_DOWN(va, PAGE_SIZE), end = ALIGN_UP(va + p->p_memsz, PAGE_SIZE);
	unsigned long file_end = p->p_filesz ? ALIGN_UP(va + p->p_filesz, PAGE_SIZE) : start;
	unsigned long flags = (p->p_flags & PF_R ? VM_READ : 0) |
			      (p->p_flags & PF_W ? VM_WRITE : 0) | (p->p_flags & PF_X ? VM_EXEC : 0);
	int err = 0;
	if (file_end > start)
		err = map_vma(mm, start, file_end, flags, b->file, p->p_offset >> PAGE_SHIFT);
	if (!err && end > file_end)
		err = map_vma(mm, file_end, end, flags, NULL, 0);
	if (!err && (flags & VM_WRITE) && p->p_memsz > p->p_filesz && file_end > va + p->p_filesz &&
	    b->npad < MAX_PHDRS) {
		b->pad[b->npad].addr = va + p->p_filesz;
		b->pad[b->npad++].len = file_end - (va + p->p_filesz);
	}
	return err;
}

/* Builds the new address space from the program headers. */
static int load_segments(struct mm_struct *mm, struct linux_binprm *b)
{
	unsigned long end_max = 0;
	for (int i = 0; i < b->eh.e_phnum; i++) {
		struct elf64_phdr *p = &b->ph[i];
		if (p->p_type != PT_LOAD || p->p_memsz == 0)
			continue;
		unsigned long va = p->p_vaddr + b->load_bias;
		unsigned long start = ALIGN_DOWN(va, PAGE_SIZE), end = ALIGN_UP(va + p->p_memsz, PAGE_SIZE);
		if ((va & ~PAGE_MASK) != (p->p_offset & ~PAGE_MASK) || p->p_filesz > p->p_memsz ||
		    end > STACK_TOP - STACK_MAX || end <= start)
			return -ENOEXEC;
		int err = map_segment(mm, b, p);
		if (err)
			return err == -EEXIST ? -ENOEXEC : err;
		if (b->eh.e_phoff >= p->p_offset && b->eh.e_phoff < p->p_offset + p->p_filesz)
			b->phdr_addr = va + (b->eh.e_phoff - p->p_offset);
		end_max = max(end_max, end);
		/* /proc/PID/stat's bounds, as binfmt_elf computes them */
		if ((p->p_flags & PF_X) && (!mm->start_code || va < mm->start_code))
			mm->start_code = va;
		if ((p->p_flags & PF_X) && va + p->p_filesz > mm->end_code)
			mm->end_code = va + p->p_filesz;
		mm->start_data = max(mm->start_data, va);
		mm->end_data = max(mm->end_data, va + p->p_filesz);
	}
	if (!end_max)
		return -ENOEXEC;
	b->brk = end_max;
	b->entry = b->eh.e_entry + b->load_bias;
	int err = map_vma(mm, STACK_TOP - STACK_MAX, STACK_TOP, VM_READ | VM_WRITE | VM_GROWSDOWN,
			  NULL, 0);
	if (err)
		return err;
	if ((err = map_sigpage(mm)))
		return err;
	mm->start_brk = mm->brk = b->brk;
	return 0;
}

/* Kills the other threads and makes current the group leader. */
static void de_thread(void)
{
	struct task_struct *t = current;
	struct signal_struct *sig = t->signal;
	spin_lock(&t->sighand->siglock);
	sig->group_exit_task = t;
	zap_other_threads(t);
	spin_unlock(&t->sighand->siglock);
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		spin_lock(&tasklist_lock);
		int alone = sig->nr_threads == 1;
		spin_unlock(&tasklist_lock);
		if (alone)
			break;
		schedule_timeout(1);
	}
	set_current_state(TASK_RUNNING);
	spin_lock(&tasklist_lock);
	struct task_struct *leader = t->group_leader;
	if (leader != t) {	/* take over the old leader's identity */
		t->pid = leader->pid;
		leader->pid = -1;
		t->exit_signal = leader->exit_signal;
		t->real_parent = leader->real_parent;
		list_replace_init(&leader->sibling, &t->sibling);
		list_splice_init(&leader->children, &t->children);
		struct task_struct *c;
		list_for_each_entry(c, &t->children, sibling)
			c->real_parent = t;
		t->group_leader = t;
		get_task_struct(t);	/* now reaped by the parent's wait4 */
		leader->exit_state = EXIT_DEAD;
		if (child_reaper == leader)
			child_reaper = t;
		list_del_init(&leader->tasks);
		put_signal_struct(sig);	/* the zombie leader's reference */
	} else {
		leader = NULL;
	}
	sig->group_exit_task = NULL;
	spin_unlock(&tasklist_lock);
	if (leader)
		put_task_struct(leader);
}

/* Copies argc, argv, envp and the aux vector onto the new stack. */
static int create_elf_tables(struct linux_binprm *b, struct mm_struct *mm, unsigned long *spp)
{
	unsigned long sp = STACK_TOP;
	sp -= ALIGN_UP(b->len, 16);
	unsigned long strings = sp;
	if (copy_to_user((void __user *)strings, b->strings, b->len))
		return -EFAULT;
	u8 rnd[16];
	get_random_bytes(rnd, sizeof(rnd));
	sp -= 16;
	unsigned long random = sp;
	if (copy_to_user((void __user *)random, rnd, 16))
		return -EFAULT;
	unsigned long aux[] = {
		AT_PHDR, b->phdr_addr, AT_PHENT, sizeof(struct elf64_phdr),
		AT_PHNUM, b->eh.e_phnum, AT_PAGESZ, PAGE_SIZE, AT_BASE, 0, AT_FLAGS, 0,
		AT_ENTRY, b->entry, AT_UID, 0, AT_EUID, 0, AT_GID, 0, AT_EGID, 0,
		AT_HWCAP, (1 << ('i' - 'a')) | (1 << ('m' - 'a')) | (1 << ('a' - 'a')) |
			  (1 << ('f' - 'a')) | (1 << ('d' - 'a')) | (1 << ('c' - 'a')),
		AT_CLKTCK, HZ, AT_SECURE, 0, AT_RANDOM, random,
		AT_EXECFN, strings, AT_NULL, 0,
	};
	int nptrs = 1 + b->argc + 1 + b->envc + 1;
	sp -= nptrs * 8 + sizeof(aux);
	sp &= ~15UL;
	unsigned long *v = kmalloc(nptrs * 8, GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	int k = 0;
	unsigned long s = strings;
	v[k++] = b->argc;
	for (int i = 0; i < b->argc; i++, s += strlen(b->strings + (s - strings)) + 1)
		v[k++] = s;
	v[k++] = 0;	/* argv's end */
	for (int i = 0; i < b->envc; i++, s += strlen(b->strings + (s - strings)) + 1)
		v[k++] = s;
	v[k++] = 0;	/* envp's end, also for an empty environment */
	int err = copy_to_user((void __user *)sp, v, nptrs * 8) ||
		  copy_to_user((void __user *)(sp + nptrs * 8), aux, sizeof(aux)) ? -EFAULT : 0;
	kfree(v);
	mm->arg_start = strings;	/* /proc/PID/cmdline and environ */
	mm->arg_end = mm->env_start = strings + b->arg_len;
	mm->env_end = strings + b->len;
	mm->start_stack = sp;
	*spp = sp;
	return err;
}

static void start_thread(struct pt_regs *regs, unsigned long pc, unsigned long sp)
{
	memset(regs, 0, sizeof(*regs));
	regs->epc = pc;
	regs->sp = sp;
	regs->status = SR_SPIE | SR_FS_INITIAL;
	memset(current->thread.fstate, 0, sizeof(current->thread.fstate));
}

/* The program (or interpreter) to load: a regular executable file that
 * nobody has open for writing, kept that way (deny_write_access) until
 * close_exec; the new mm's exe_file takes its own denial. */
static struct file *open_exec(const char *name)
{
	struct file *f = filp_open(name, 0, 0);
	int err;

	if (IS_ERR(f))
		return f;
	if ((err = file_may_exec(f)) || (err = deny_write_access(f))) {
		fput(f);
		return ERR_PTR(err);
	}
	return f;
}

static void close_exec(struct file *f)
{
	if (f) {
		allow_write_access(f);
		fput(f);
	}
}

/* Replaces current's image; on success never returns to the old one. */
int do_execve(const char *filename, const char __user *const __user *argv,
	      const char __user *const __user *envp, int kernel)
{
	struct linux_binprm *b = kzalloc(sizeof(*b), GFP_KERNEL);
	struct mm_struct *mm = NULL;
	int err = -ENOMEM;
	if (!b || !(b->strings = kmalloc(ARG_MAX_BYTES, GFP_KERNEL)))
		goto out;
	strlcpy(b->filename, filename, sizeof(b->filename));
	strlcpy(b->interp, filename, sizeof(b->interp));
	for (int depth = 0; ; depth++) {	/* a script names its interpreter */
		close_exec(b->file);
		b->file = open_exec(b->interp);
		if (IS_ERR(b->file)) {
			err = PTR_ERR(b->file);
			b->file = NULL;
			goto out;
		}
		if (depth == 0) {	/* the file first, then the strings, as Linux */
			if ((err = b->argc = copy_strings(b, argv, kernel)) < 0)
				goto out;
			b->arg_len = b->len;
			if ((err = b->envc = copy_strings(b, envp, kernel)) < 0)
				goto out;
		}
		if ((err = load_script(b)) < 0)
			goto out;
		if (err == 1)
			break;
		if (depth == 4) {	/* Linux's BINPRM_MAX_RECURSION */
			err = -ELOOP;
			goto out;
		}
	}
	if ((err = read_elf(b)))
		goto out;
	if (!(mm = mm_alloc())) {
		err = -ENOMEM;
		goto out;
	}
	set_mm_exe_file(mm, b->file);
	if ((err = load_segments(mm, b)))
		goto out;
	/* Point of no return. */
	de_thread();
	struct mm_struct *old = current->mm;
	task_lock(current);	/* also: no switch between the two */
	current->mm = mm;
	switch_mm(old, mm);
	task_unlock(current);
	mm_release_vfork(current);
	if (old)
		mmput(old);
	mm = NULL;
	const char *base = strrchr(filename, '/');
	strlcpy(current->comm, base ? base + 1 : filename, sizeof(current->comm));
	flush_signal_handlers(current);
	do_close_on_exec(current->files);
	unsigned long sp;
	int bad = 0;
	for (int i = 0; i < b->npad; i++)
		bad |= clear_user((void __user *)b->pad[i].addr, b->pad[i].len) != 0;
	if (bad || create_elf_tables(b, current->mm, &sp)) {
		printk("DEBUG exec %s bad %d npad %d\n", filename, bad, b->npad);
		err = 0;
		force_sig_fault(SIGSEGV, SI_KERNEL, 0);
		goto out;
	}
	start_thread(task_pt_regs(current), b->entry, sp);
	err = 0;
out:
	if (mm)
		mmput(mm);
	if (b) {
		close_exec(b->file);
		kfree(b->strings);
		kfree(b);
	}
	return err;
}

long sys_execve(const char __user *path, const char __user *const __user *argv,
		const char __user *const __user *envp)
{
	char *name = getname(path);
	if (IS_ERR(name))
		return PTR_ERR(name);
	int err = do_execve(name, argv, envp, 0);
	putname(name);
	if (err)
		return err;
	return task_pt_regs(current)->a0;	/* the syscall return keeps a0 = 0 */
}
