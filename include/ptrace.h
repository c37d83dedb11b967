/* ptrace.h: the register frame a trap saves on the kernel stack
 * (layout shared with entry.S: see asm-offsets.h). */
#ifndef _PTRACE_H
#define _PTRACE_H
#include <types.h>
#include <memlayout.h>
#include <sched.h>

struct pt_regs {
	unsigned long epc, ra, sp, gp, tp, t0, t1, t2, s0, s1;
	unsigned long a0, a1, a2, a3, a4, a5, a6, a7;
	unsigned long s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
	unsigned long t3, t4, t5, t6;
	unsigned long status, badaddr, cause, orig_a0;
};

static inline int user_mode(struct pt_regs *r) { return !(r->status & (1UL << 8)); }
static inline struct pt_regs *task_pt_regs(struct task_struct *t)
{
	return (struct pt_regs *)((char *)t->stack + THREAD_SIZE) - 1;
}

void do_trap(struct pt_regs *regs);
void exit_to_user_mode(struct pt_regs *regs);
long do_syscall(struct pt_regs *regs);
void do_page_fault(struct pt_regs *regs);
void do_signal(struct pt_regs *regs);
int fixup_exception(struct pt_regs *regs);
void handle_irq(void);
#endif
