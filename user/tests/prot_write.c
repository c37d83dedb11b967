/* prot_write.c - an anonymous page of a PROT_WRITE (or PROT_WRITE|
 * PROT_EXEC) mapping is readable, untouched or not: by the program
 * (a read used to fault forever) and by the kernel (write(2) from the
 * page used to spin in the kernel, immune to SIGKILL). Each access runs
 * in a child that is killed after a while, so a fault loop fails
 * instead of hanging (a kernel-side loop survived SIGKILL, though).
 * qemu-user (make test-linux) does not let the kernel read such a page:
 * there only the program's own accesses are checked. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "t.h"

static int prot;

static char *map(void)
{
	char *p = mmap(NULL, 2 * 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap");
	return p;
}

static void user_read(void)
{
	volatile char *p = map();
	CHECK(p[0] == 0 && p[4095] == 0, "untouched page reads as zeros");
	p[4096] = 7;
	CHECK(p[4096] == 7, "written page reads back");
}

static void kernel_read(void)
{
	int fd[2];
	char buf[200];

	char *p = map();
	if (t_qemu_user())	/* its PROT_WRITE pages are not readable */
		return;
	CHECK(pipe(fd) == 0, "pipe");
	CHECK(write(fd[1], p + 100, 200) == 200, "write(2) from an untouched page");
	memset(buf, 1, sizeof(buf));
	CHECK(read(fd[0], buf, 200) == 200, "read the pipe");
	for (int i = 0; i < 200; i++)
		CHECK(buf[i] == 0, "zeros through the pipe");
	p[4096 + 5] = 'x';
	CHECK(write(fd[1], p + 4096, 10) == 10, "write(2) from a written page");
	CHECK(read(fd[0], buf, 10) == 10 && buf[5] == 'x', "its data");
}

static void expect_ok(void (*fn)(void), const char *what)
{
	int st = t_child_timeout(fn, 30);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "FAIL: %s with prot %d: status 0x%x\n", what, prot, st);
		exit(1);
	}
}

int main(void)
{
	static const int prots[] = { PROT_WRITE, PROT_WRITE | PROT_EXEC };

	for (unsigned i = 0; i < 2; i++) {
		prot = prots[i];
		expect_ok(user_read, "user read");
		expect_ok(kernel_read, "kernel read");
	}
	t_ok("prot_write");
	return 0;
}
