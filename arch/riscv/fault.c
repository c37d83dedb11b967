/* fault.c: the page-fault trap. Takes mmap_lock for reading, finds the
 * VMA, checks the access against its flags and calls handle_mm_fault.
 * On VM_FAULT_RETRY the lock is already gone: retake it, look the VMA up
 * again and retry once with FAULT_FLAG_TRIED. A user fault that cannot be
 * resolved raises SIGSEGV/SIGBUS; a kernel fault on a user address
 * (uaccess) resumes at its exception-table fixup. */
#include <mm.h>
#include <sched.h>
#include <ptrace.h>
#include <riscv.h>
#include <printk.h>
#include <uapi/signal.h>

__noreturn void die(struct pt_regs *regs, const char *msg);

static int access_error(unsigned long cause, struct vm_area_struct *vma)
{
	switch (cause) {
	case EXC_INST_PAGE_FAULT:
		return !(vma->vm_flags & VM_EXEC);
	case EXC_STORE_PAGE_FAULT:
		return !(vma->vm_flags & VM_WRITE);
	default:
		return !(vma->vm_flags & (VM_READ | VM_WRITE));
	}
}

static void no_context(struct pt_regs *regs)
{
	if (fixup_exception(regs))
		return;
	printk("Unable to handle kernel %s at virtual address %016lx\n",
	       regs->badaddr < PAGE_SIZE ? "NULL pointer dereference" : "paging request",
	       regs->badaddr);
	die(regs, "kernel page fault");
}

void do_page_fault(struct pt_regs *regs)
{
	unsigned long addr = regs->badaddr, cause = regs->cause;
	struct mm_struct *mm = current->mm;
	unsigned int flags = FAULT_FLAG_ALLOW_RETRY;
	int code = SEGV_MAPERR;
	vm_fault_t fault;

	if (!user_mode(regs) && (addr >= USER_TOP || !(regs->status & SR_SUM) || !mm ||
				 current->pagefault_disabled))
		return no_context(regs);
	if (!mm)
		goto bad_area_nolock;
	if (user_mode(regs))
		flags |= FAULT_FLAG_USER;
	if (cause == EXC_STORE_PAGE_FAULT)
		flags |= FAULT_FLAG_WRITE;
	else if (cause == EXC_INST_PAGE_FAULT)
		flags |= FAULT_FLAG_INSTRUCTION;
retry:
	down_read(&mm->mmap_lock);
	struct vm_area_struct *vma = find_vma(mm, addr);
	if (!vma || vma->vm_start > addr)
		goto bad_area;
	if (access_error(cause, vma)) {
		code = SEGV_ACCERR;
		goto bad_area;
	}
	fault = handle_mm_fault(vma, addr, flags);
	if (fault & VM_FAULT_RETRY) {
		if (!(flags & FAULT_FLAG_TRIED)) {
			flags |= FAULT_FLAG_TRIED;
			goto retry;	/* mmap_lock was dropped for us */
		}
		return;
	}
	up_read(&mm->mmap_lock);
	if (!(fault & VM_FAULT_ERROR))
		return;
	if (!user_mode(regs))
		return no_context(regs);
	if (fault & VM_FAULT_OOM) {
		printk("Out of memory: killing %s (pid %d)\n", current->comm, current->pid);
		do_group_exit(SIGKILL);
	}
	force_sig_fault(fault & VM_FAULT_SIGBUS ? SIGBUS : SIGSEGV,
			fault & VM_FAULT_SIGBUS ? BUS_ADRERR : code, addr);
	return;
bad_area:
	up_read(&mm->mmap_lock);
bad_area_nolock:
	if (!user_mode(regs))
		return no_context(regs);
	force_sig_fault(SIGSEGV, code, addr);
}
