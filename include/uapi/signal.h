/* uapi/signal.h: Linux riscv64 signal numbers and structures. */
#ifndef _UAPI_SIGNAL_H
#define _UAPI_SIGNAL_H
#include <types.h>

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define SIGRTMIN 32
#define _NSIG 64

#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO   0x00000004
#define SA_ONSTACK   0x08000000
#define SA_RESTART   0x10000000
#define SA_NODEFER   0x40000000
#define SA_RESETHAND 0x80000000
#define SA_RESTORER  0x04000000

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define SIG_DFL ((void *)0)
#define SIG_IGN ((void *)1)

#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_TKILL (-6)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRERR 2
#define ILL_ILLOPC 1
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

typedef u64 sigset_t;

/* The kernel's rt_sigaction layout on riscv64 (no sa_restorer field). */
struct uapi_sigaction {
	void *sa_handler;
	unsigned long sa_flags;
	sigset_t sa_mask;
};

/* siginfo_t: 128 bytes; we fill the common fields. */
typedef struct uapi_siginfo {
	int si_signo;
	int si_errno;
	int si_code;
	int __pad0;
	union {
		struct { int pid; unsigned int uid; } kill;
		struct { void *addr; } fault;
		struct { int pid; unsigned int uid; int status; long utime, stime; } chld;
		char __pad[128 - 16];
	};
} uapi_siginfo_t;

typedef struct {
	void *ss_sp;
	int ss_flags;
	size_t ss_size;
} uapi_stack_t;

#endif
