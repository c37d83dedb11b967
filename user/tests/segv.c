/* segv.c - NULL dereference, writing a read-only literal, executing the
 * stack or a non-exec page and jumping to unmapped memory all kill a child
 * with SIGSEGV; a SIGSEGV handler sees si_addr and can siglongjmp out. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>
#include "t.h"

#define RET_INSN 0x00008067u	/* jalr x0, 0(ra) */

static volatile uintptr_t bad;

static void null_deref(void)
{
	*(volatile int *)bad = 1;
}

static void write_literal(void)
{
	volatile char *s = (volatile char *)"a read-only string";
	s[0] = 'A';
}

static void write_text(void)
{
	*(volatile uint32_t *)(uintptr_t)&write_text = RET_INSN;
}

static void exec_stack(void)
{
	volatile uint32_t code[4] = { RET_INSN, RET_INSN, RET_INSN, RET_INSN };
	((void (*)(void))(uintptr_t)code)();
}

static void exec_noexec(void)
{
	uint32_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(3);
	p[0] = RET_INSN;
	((void (*)(void))p)();
}

static void jump_unmapped(void)
{
	((void (*)(void))bad)();
}

static sigjmp_buf jb;
static volatile void *fault_addr;
static volatile int faults;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	faults++;
	fault_addr = si->si_addr;
	if (sig == SIGSEGV && si->si_signo == SIGSEGV)
		siglongjmp(jb, 1);
	_exit(5);
}

int main(void)
{
	bad = 0;
	CHECK_DIES(null_deref, SIGSEGV, "NULL dereference -> SIGSEGV");
	CHECK_DIES(write_literal, SIGSEGV, "write string literal -> SIGSEGV");
	CHECK_DIES(write_text, SIGSEGV, "write to text -> SIGSEGV");
	CHECK_DIES(exec_stack, SIGSEGV, "execute from stack -> SIGSEGV");
	CHECK_DIES(exec_noexec, SIGSEGV, "execute non-exec page -> SIGSEGV");

	char *gone = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(gone != MAP_FAILED, "mmap");
	CHECK(munmap(gone, 4096) == 0, "munmap");
	bad = (uintptr_t)gone;
	CHECK_DIES(jump_unmapped, SIGSEGV, "jump to unmapped -> SIGSEGV");
	bad = 0x10;
	CHECK_DIES(jump_unmapped, SIGSEGV, "jump to 0x10 -> SIGSEGV");

	/* handler gets si_addr and escapes with siglongjmp, twice */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGSEGV, &sa, NULL) == 0, "sigaction SIGSEGV");
	for (int i = 0; i < 2; i++) {
		volatile char *addr = gone + 100 + i * 8;
		if (sigsetjmp(jb, 1) == 0) {
			*addr = 1;
			CHECK(0, "store to unmapped page did not fault");
		}
		CHECK(faults == i + 1, "SIGSEGV handler ran");
		CHECK(fault_addr == (void *)addr, "si_addr is the faulting address");
	}
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	CHECK(!sigismember(&cur, SIGSEGV), "SIGSEGV unblocked after siglongjmp");
	t_ok("segv");
	return 0;
}
