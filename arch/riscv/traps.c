/* traps.c: the C side of trap handling. do_trap dispatches on scause:
 * interrupts (timer, external via the PLIC, software IPIs), system calls,
 * page faults (mm/fault.c) and other exceptions, which become signals
 * for user mode and a panic in the kernel. exit_to_user_mode runs before
 * every return to user mode: reschedule and deliver signals.
 * Entered with interrupts disabled; re-enables them for work that may
 * sleep when the trapped context had them enabled. */
#include <sched.h>
#include <ptrace.h>
#include <riscv.h>
#include <printk.h>
#include <asm-offsets.h>
#include <signal.h>
#include <mm.h>

void timer_interrupt(struct pt_regs *regs);
void ipi_interrupt(void);
void plic_handle_irq(void);
void dump_stack_from(unsigned long fp, unsigned long pc);

static void check_offsets(void)
{
	BUILD_BUG_ON(offsetof(struct task_struct, thread.ra) != TASK_THREAD_RA);
	BUILD_BUG_ON(offsetof(struct pt_regs, status) != PT_STATUS);
	BUILD_BUG_ON(offsetof(struct pt_regs, orig_a0) != PT_ORIG_A0);
	BUILD_BUG_ON(sizeof(struct pt_regs) != PT_SIZE);
}

static void show_regs(struct pt_regs *r)
{
	printk("epc %016lx ra %016lx sp %016lx\n", r->epc, r->ra, r->sp);
	printk("status %016lx badaddr %016lx cause %016lx\n", r->status, r->badaddr, r->cause);
	printk("a0 %016lx a1 %016lx a2 %016lx a3 %016lx\n", r->a0, r->a1, r->a2, r->a3);
}

__noreturn void die(struct pt_regs *regs, const char *msg)
{
	static int dying;
	if (__atomic_fetch_add(&dying, 1, __ATOMIC_SEQ_CST))	/* fault while dying */
		panic("recursive fault: %s at %lx (addr %lx)", msg, regs->epc, regs->badaddr);
	printk("Oops: %s on cpu %d, task %s pid %d\n", msg, smp_processor_id(),
	       current->comm, current->pid);
	show_regs(regs);
	dump_stack_from(regs->s0, regs->epc);
	panic("fatal kernel exception: %s", msg);
}

static void handle_interrupt(struct pt_regs *regs)
{
	this_cpu()->nr_irqs++;	/* /proc/stat's intr */
	switch (regs->cause & ~CAUSE_IRQ_FLAG) {
	case IRQ_S_TIMER:
		timer_interrupt(regs);
		break;
	case IRQ_S_EXT:
		plic_handle_irq();
		break;
	case IRQ_S_SOFT:
		ipi_interrupt();
		break;
	default:
		printk("unexpected interrupt %lx\n", regs->cause);
	}
}

static void do_user_exception(struct pt_regs *regs, unsigned long cause)
{
	int sig = SIGILL, code = ILL_ILLOPC;
	switch (cause) {
	case EXC_BREAKPOINT:
		sig = SIGTRAP; code = 1;
		break;
	case EXC_INST_MISALIGNED: case EXC_LOAD_MISALIGNED: case EXC_STORE_MISALIGNED:
		sig = SIGBUS; code = 1;
		break;
	case EXC_INST_ACCESS: case EXC_LOAD_ACCESS: case EXC_STORE_ACCESS:
		sig = SIGSEGV; code = SEGV_ACCERR;
		break;
	}
	force_sig_fault(sig, code, cause == EXC_INST_ILLEGAL ? regs->epc : regs->badaddr);
}

void do_trap(struct pt_regs *regs)
{
	unsigned long cause = regs->cause;
	(void)check_offsets;

	if (cause & CAUSE_IRQ_FLAG) {
		handle_interrupt(regs);
		return;
	}
	if (user_mode(regs)) {
		local_irq_enable();
		if (cause == EXC_SYSCALL) {
			regs->epc += 4;
			do_syscall(regs);
		} else if (cause == EXC_INST_PAGE_FAULT || cause == EXC_LOAD_PAGE_FAULT ||
			   cause == EXC_STORE_PAGE_FAULT) {
			do_page_fault(regs);
		} else {
			do_user_exception(regs, cause);
		}
		return;
	}
	/* Kernel mode. */
	if (cause == EXC_LOAD_PAGE_FAULT || cause == EXC_STORE_PAGE_FAULT) {
		if (regs->status & SR_SPIE)
			local_irq_enable();
		do_page_fault(regs);
		local_irq_disable();
		return;
	}
	if ((cause == EXC_LOAD_ACCESS || cause == EXC_STORE_ACCESS) && fixup_exception(regs))
		return;
	die(regs, cause == EXC_INST_ILLEGAL ? "illegal instruction" :
		  cause == EXC_BREAKPOINT ? "breakpoint" : "exception");
}

/* Before returning to user mode: interrupts are off on entry and exit. */
void exit_to_user_mode(struct pt_regs *regs)
{
	for (;;) {
		unsigned long flags = READ_ONCE(current->thread_info.flags);
		if (!(flags & ((1UL << TIF_NEED_RESCHED) | (1UL << TIF_SIGPENDING))))
			break;
		local_irq_enable();
		if (flags & (1UL << TIF_NEED_RESCHED))
			schedule();
		else
			do_signal(regs);
		local_irq_disable();
	}
}
