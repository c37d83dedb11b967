/* segv_handler.c - a process whose SIGSEGV handler cannot run dies of
 * SIGSEGV instead of taking the signal forever: a handler at a bad
 * address (user or kernel) with SA_NODEFER faults again at once, each
 * delivery a frame deeper, until the stack is used up; a handler whose
 * frame cannot be written (the stack pointer is garbage) gets the
 * default action at the first failed delivery, as Linux's force_sigsegv.
 * Each case runs in a child that is killed if it does not die. */
#define _GNU_SOURCE
#include <stdint.h>
#include "t.h"

static void *handler_addr;
static volatile uintptr_t null_addr = 8;
static int handlers_run;

static void on_segv(int sig)
{
	(void)sig;
	handlers_run++;
}

static void segv_with(void *h, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = (void (*)(int))h;
	sa.sa_flags = flags;
	CHECK(sigaction(SIGSEGV, &sa, NULL) == 0, "sigaction");
}

static void bad_handler(void)
{
	segv_with(handler_addr, SA_NODEFER);
	*(volatile int *)null_addr = 1;
}

/* Good handler, but the fault happens with sp pointing nowhere. */
static void bad_stack(void)
{
	segv_with((void *)on_segv, SA_NODEFER);
	__asm__ volatile("li sp, 64\n\tsw zero, 0(zero)" ::: "memory");
}

static void expect_segv(void (*fn)(void), const char *what)
{
	int st = t_child_timeout(fn, 60);
	if (st == -1 || !WIFSIGNALED(st) || WTERMSIG(st) != SIGSEGV) {
		fprintf(stderr, "FAIL: %s: status 0x%x (-1: still running after 60 s)\n", what, st);
		exit(1);
	}
}

int main(void)
{
	handler_addr = (void *)0x10;
	expect_segv(bad_handler, "SIGSEGV handler at 0x10, SA_NODEFER");
	handler_addr = (void *)0xffffffc000000000UL;
	expect_segv(bad_handler, "SIGSEGV handler at a kernel address, SA_NODEFER");
	handler_addr = (void *)0x10;
	segv_with(handler_addr, 0);	/* the child inherits it */
	expect_segv(bad_stack, "SIGSEGV with an unusable stack");
	t_ok("segv_handler");
	return 0;
}
