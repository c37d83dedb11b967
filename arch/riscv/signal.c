/* signal.c (riscv): delivering a signal to a user handler. The handler
 * runs on the user stack below an rt_sigframe {siginfo, ucontext} laid
 * out as Linux riscv64 does, returning through the sigreturn trampoline
 * page (li a7, 139; ecall) mapped at SIGPAGE_ADDR in every process.
 * Also the syscall-restart rules for interrupted system calls. */
#include <signal.h>
#include <ptrace.h>
#include <uaccess.h>
#include <riscv.h>
#include <memlayout.h>
#include <string.h>
#include <printk.h>

void __fstate_save(u64 *f);
void __fstate_restore(u64 *f);

struct sigcontext {
	unsigned long sc_regs[32];	/* pc, ra, sp, gp, tp, t0.. as pt_regs */
	union {
		struct { u64 f[32]; u32 fcsr; } d;
		struct { u64 f[64] __aligned(16); u32 fcsr; u32 reserved[3]; } q;
	} sc_fpstate;
};

struct ucontext {
	unsigned long uc_flags;
	struct ucontext *uc_link;
	uapi_stack_t uc_stack;
	sigset_t uc_sigmask;
	u8 __unused[1024 / 8 - sizeof(sigset_t)];
	struct sigcontext uc_mcontext __aligned(16);
};

struct rt_sigframe {
	uapi_siginfo_t info;
	struct ucontext uc;
};

static int save_sigcontext(struct sigcontext __user *sc, struct pt_regs *regs)
{
	struct task_struct *t = current;
	if ((regs->status & SR_FS) != SR_FS_OFF)
		__fstate_save(t->thread.fstate);
	int err = copy_to_user(sc->sc_regs, regs, 32 * sizeof(long)) ? -EFAULT : 0;
	err |= copy_to_user(sc->sc_fpstate.d.f, t->thread.fstate, 32 * 8) ? -EFAULT : 0;
	u32 fcsr = t->thread.fstate[32];
	err |= put_user(fcsr, &sc->sc_fpstate.d.fcsr);
	return err;
}

static int restore_sigcontext(struct pt_regs *regs, struct sigcontext __user *sc)
{
	struct task_struct *t = current;
	unsigned long r[32];
	u32 fcsr;
	if (copy_from_user(r, sc->sc_regs, sizeof(r)) ||
	    copy_from_user(t->thread.fstate, sc->sc_fpstate.d.f, 32 * 8) ||
	    get_user(fcsr, &sc->sc_fpstate.d.fcsr))
		return -EFAULT;
	memcpy(regs, r, sizeof(r));
	t->thread.fstate[32] = fcsr;
	__fstate_restore(t->thread.fstate);
	regs->status = (regs->status & ~SR_FS) | SR_FS_DIRTY;
	return 0;
}

int setup_rt_frame(int sig, uapi_siginfo_t *info, struct k_sigaction *ka, struct pt_regs *regs)
{
	unsigned long sp = (regs->sp - sizeof(struct rt_sigframe)) & ~15UL;
	struct rt_sigframe __user *f = (void __user *)sp;
	struct ucontext uc_head = { 0 };

	uc_head.uc_sigmask = current->blocked;
	if (copy_to_user(&f->info, info, sizeof(*info)) ||
	    copy_to_user(&f->uc, &uc_head, offsetof(struct ucontext, uc_mcontext)) ||
	    save_sigcontext(&f->uc.uc_mcontext, regs))
		return -EFAULT;
	regs->ra = SIGPAGE_ADDR;
	regs->sp = sp;
	regs->epc = (unsigned long)ka->sa.sa_handler;
	regs->a0 = sig;
	regs->a1 = (unsigned long)&f->info;
	regs->a2 = (unsigned long)&f->uc;
	return 0;
}

long sys_rt_sigreturn(void)
{
	struct pt_regs *regs = task_pt_regs(current);
	struct rt_sigframe __user *f = (void __user *)regs->sp;
	sigset_t set;

	regs->cause = 0;	/* not a syscall any more: no restart */
	if (copy_from_user(&set, &f->uc.uc_sigmask, sizeof(set)) ||
	    restore_sigcontext(regs, &f->uc.uc_mcontext)) {
		force_sig_fault(SIGSEGV, SI_KERNEL, regs->sp);
		return 0;
	}
	set_current_blocked(set);
	return regs->a0;
}

/* Decide what an interrupted syscall returns (Linux's rules). */
static void syscall_restart(struct pt_regs *regs, struct k_sigaction *ka)
{
	long r = regs->a0;
	switch (r) {
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		if (ka) {
			regs->a0 = -EINTR;
			return;
		}
		break;
	case -ERESTARTSYS:
		if (ka && !(ka->sa.sa_flags & SA_RESTART)) {
			regs->a0 = -EINTR;
			return;
		}
		break;
	case -ERESTARTNOINTR:
		break;
	default:
		return;
	}
	if (r == -ERESTART_RESTARTBLOCK) {	/* no restart blocks: plain EINTR */
		regs->a0 = -EINTR;
		return;
	}
	regs->a0 = regs->orig_a0;
	regs->epc -= 4;
}

void do_signal(struct pt_regs *regs)
{
	uapi_siginfo_t info;
	struct k_sigaction ka;
	int in_syscall = regs->cause == EXC_SYSCALL;
	int sig = get_signal(&info, &ka);

	if (in_syscall)
		syscall_restart(regs, sig ? &ka : NULL);
	regs->cause = 0;
	if (!sig) {
		if (current->restore_sigmask) {
			current->restore_sigmask = 0;
			set_current_blocked(current->saved_sigmask);
		}
		return;
	}
	sigset_t old = current->restore_sigmask ? current->saved_sigmask : current->blocked;
	current->restore_sigmask = 0;
	current->blocked = old;
	if (setup_rt_frame(sig, &info, &ka, regs)) {
		force_sigsegv(sig);	/* the stack is unusable */
		return;
	}
	sigset_t m = old | ka.sa.sa_mask;
	if (!(ka.sa.sa_flags & SA_NODEFER))
		m |= sigmask(sig);
	set_current_blocked(m);
}
