/* fault.c: the page-fault trap (Linux's arch/riscv/mm/fault.c). Takes
 * mmap_lock for reading, finds the VMA, checks the access against its
 * flags and calls handle_mm_fault with FAULT_FLAG_ALLOW_RETRY. On
 * VM_FAULT_RETRY the handler has already dropped the lock (it waited
 * for I/O without it): count it, retake the lock, look the VMA up again
 * (it may have changed or gone) and retry with FAULT_FLAG_TRIED, which
 * keeps the lock to the end. VM_FAULT_COMPLETED: done, lock dropped.
 * A user fault that cannot be resolved raises SIGSEGV (SEGV_MAPERR: no
 * VMA; SEGV_ACCERR: the VMA forbids it) or SIGBUS (BUS_ADRERR), with
 * si_addr; a kernel fault on a user address (uaccess) takes the same
 * path and, failing, resumes at its exception-table fixup. A user fault
 * that finds no memory (VM_FAULT_OOM) calls the OOM killer
 * (out_of_memory), which kills the process with the most memory, and
 * returns to take the fault again. */
#include <mm.h>
#include <vmstat.h>
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
	if (!(fault & (VM_FAULT_RETRY | VM_FAULT_ERROR))) {	/* getrusage, /proc/PID/stat */
		if (fault & VM_FAULT_MAJOR)
			current->maj_flt++;
		else
			current->min_flt++;
	}
	/* From here on vma may be gone if the lock was dropped. */
	if (fault & VM_FAULT_COMPLETED)
		return;
	if (fault & VM_FAULT_RETRY) {
		/* LAB(retry) BEGIN: the fault dropped mmap_lock: try again
		 * handle_mm_fault slept for I/O without mmap_lock and gave up
		 * (VM_FAULT_RETRY): the lock is not held any more and vma may be
		 * gone. Count it (PGFAULT_RETRY). A user task with a fatal signal
		 * pending (fatal_signal_pending) just returns: it dies on its way
		 * out. Otherwise the code after this region starts over from
		 * taking the lock and finding the VMA: add FAULT_FLAG_TRIED to
		 * flags first, so the second try keeps the lock to the end and a
		 * fault is retried once, not for ever.
		 * Provided until then: no fault returns VM_FAULT_RETRY, since
		 * maybe_unlock_mmap_for_io never drops the lock.
		 * STUB: panic("do_page_fault: VM_FAULT_RETRY, not handled yet");
		 */
		count_vm_event(PGFAULT_RETRY);
		if (user_mode(regs) && fatal_signal_pending(current))
			return;		/* dying anyway: no need to finish */
		flags |= FAULT_FLAG_TRIED;
		/* LAB(retry) END */
		goto retry;
	}
	up_read(&mm->mmap_lock);
	if (!(fault & VM_FAULT_ERROR))
		return;
	if (!user_mode(regs))
		return no_context(regs);
	if (fault & VM_FAULT_OOM) {	/* kill the biggest, then take the fault again */
		out_of_memory();
		return;
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
