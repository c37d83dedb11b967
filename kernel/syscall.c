/* syscall.c: the system-call table, indexed by Linux riscv64 numbers
 * (asm-generic/unistd.h), and the dispatcher. Arguments arrive in a0-a5,
 * the number in a7; the result (a value or -errno) goes back in a0.
 * Unknown numbers return -ENOSYS and are logged once each. */
#include <sched.h>
#include <ptrace.h>
#include <printk.h>
#include <syscalls_fs.h>
#include <uapi/errno.h>
#include <sysargs.h>		/* generated: build/gen/sysargs.h */

typedef long (*syscall_fn_t)(unsigned long, unsigned long, unsigned long,
			     unsigned long, unsigned long, unsigned long);

#define SYSCALLS(X) \
	X(17, getcwd) X(23, dup) X(24, dup3) X(25, fcntl) X(29, ioctl) \
	X(33, mknodat) X(34, mkdirat) X(35, unlinkat) X(45, truncate) X(46, ftruncate) \
	X(48, faccessat) X(49, chdir) X(50, fchdir) X(51, chroot) X(56, openat) X(57, close) \
	X(59, pipe2) X(61, getdents64) X(62, lseek) X(63, read) X(64, write) \
	X(65, readv) X(66, writev) X(67, pread64) X(68, pwrite64) X(69, preadv) \
	X(70, pwritev) X(71, sendfile64) X(72, pselect6) X(73, ppoll) X(78, readlinkat) X(79, newfstatat) X(80, fstat) X(81, sync) \
	X(82, fsync) X(83, fdatasync) X(84, sync_file_range) X(93, exit) X(94, exit_group) \
	X(96, set_tid_address) X(98, futex) X(99, set_robust_list) X(101, nanosleep) \
	X(113, clock_gettime) X(114, clock_getres) X(115, clock_nanosleep) \
	X(122, sched_setaffinity) X(123, sched_getaffinity) X(124, sched_yield) X(129, kill) X(130, tkill) X(131, tgkill) \
	X(132, sigaltstack) X(133, rt_sigsuspend) X(134, rt_sigaction) \
	X(135, rt_sigprocmask) X(136, rt_sigpending) X(137, rt_sigtimedwait) X(139, rt_sigreturn) \
	X(142, reboot) X(153, times) X(154, setpgid) X(155, getpgid) X(156, getsid) \
	X(157, setsid) X(160, uname) X(161, sethostname) X(162, setdomainname) X(163, getrlimit) X(164, setrlimit) \
	X(165, getrusage) X(166, umask) X(167, prctl) X(168, getcpu) X(169, gettimeofday) \
	X(172, getpid) X(173, getppid) X(174, getuid) X(175, getuid) X(176, getuid) \
	X(177, getuid) X(178, gettid) X(179, sysinfo) X(214, brk) X(215, munmap) X(216, mremap) \
	X(220, clone) X(221, execve) X(222, mmap) X(226, mprotect) X(227, msync) X(232, mincore) X(233, madvise) \
	X(260, wait4) X(261, prlimit64) X(267, syncfs) X(278, getrandom) \
	X(291, statx) X(435, clone3) X(439, faccessat2) \
	X(276, renameat2) X(37, linkat) X(36, symlinkat) X(53, fchmodat) X(52, fchmod) X(54, fchownat) X(55, fchown) \
	X(88, utimensat) X(47, fallocate) X(223, fadvise64) X(43, statfs) X(44, fstatfs) \
	X(40, mount) X(39, umount2) X(213, readahead)

#define DECLARE(nr, name) long sys_##name();
SYSCALLS(DECLARE)

#define NR_SYSCALLS 440
#define ENTRY(nr, name) [nr] = (syscall_fn_t)sys_##name,
static const syscall_fn_t sys_call_table[NR_SYSCALLS] = { SYSCALLS(ENTRY) };

/* How to extend each argument (build/gen/sysargs.h, made by
 * scripts/sysargs.py from the definitions): the table calls every
 * function through one unsigned-long type, but a callee may rely on a
 * 32-bit parameter being properly extended in its register, and the
 * upper half is whatever user space put there. */
#define ARGMASK(nr, name) [nr] = SYSARGS_##name,
static const u16 sys_argmask[NR_SYSCALLS] = { SYSCALLS(ARGMASK) };

/* The psABI's register form of a narrow argument: 32-bit values, signed
 * or not, sign-extended (1); 16-bit unsigned ones zero-extended (3). */
static unsigned long extend_arg(unsigned long v, unsigned int how)
{
	if (how == 1)
		return (unsigned long)(long)(int)v;
	if (how == 3)
		return (u16)v;
	return v;
}

static unsigned long warned[NR_SYSCALLS / 64 + 2];
int syscall_trace;	/* "strace" on the command line logs every call */

long do_syscall(struct pt_regs *regs)
{
	unsigned long nr = regs->a7;
	long ret;
	if (unlikely(syscall_trace > 0) && nr == 98)
		printk("%s[%d] enter futex(%lx, %lx, %lx)\n", current->comm, current->pid, regs->a0, regs->a1, regs->a2);
	if (nr < NR_SYSCALLS && sys_call_table[nr]) {
		unsigned long a[6] = { regs->a0, regs->a1, regs->a2, regs->a3, regs->a4, regs->a5 };
		for (unsigned int i = 0, m = sys_argmask[nr]; m; i++, m >>= 2)
			a[i] = extend_arg(a[i], m & 3);
		ret = sys_call_table[nr](a[0], a[1], a[2], a[3], a[4], a[5]);
	} else {
		unsigned long bit = nr < NR_SYSCALLS ? nr : NR_SYSCALLS + 63;
		unsigned long old = __atomic_fetch_or(&warned[bit / 64], 1UL << (bit % 64),
						      __ATOMIC_RELAXED);
		if (!((old >> (bit % 64)) & 1))
			printk("%s[%d]: unknown syscall %lu\n", current->comm, current->pid, nr);
		ret = -ENOSYS;
	}
	if (unlikely(syscall_trace))
		printk("%s[%d] syscall %lu(%lx, %lx, %lx) = %ld\n", current->comm, current->pid,
		       nr, regs->orig_a0, regs->a1, regs->a2, ret);
	regs->a0 = ret;
	return ret;
}
