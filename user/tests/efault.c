/* efault.c - syscalls handed bad user pointers (low, unmapped, kernel
 * space) must fail with EFAULT instead of crashing anyone. Uses raw
 * syscall() so glibc wrappers never touch the pointers themselves. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include "t.h"

#define KADDR ((void *)0xffffffc000000000UL)

int main(void)
{
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	CHECK(write(p[1], "abcdef", 6) == 6, "write pipe");

	/* an address that was mapped and is no longer */
	char *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(gone != MAP_FAILED, "mmap");
	CHECK(munmap(gone, 4096) == 0, "munmap");

	CHECK_ERR(syscall(SYS_read, p[0], (void *)1, 3), EFAULT, "read into (void*)1");
	CHECK_ERR(syscall(SYS_read, p[0], gone, 3), EFAULT, "read into unmapped");
	CHECK_ERR(syscall(SYS_read, p[0], KADDR, 3), EFAULT, "read into kernel address");
	CHECK_ERR(syscall(SYS_write, p[1], gone, 3), EFAULT, "write from unmapped");
	CHECK_ERR(syscall(SYS_write, p[1], KADDR, 3), EFAULT, "write from kernel address");
	CHECK_ERR(syscall(SYS_write, p[1], (void *)1, 3), EFAULT, "write from (void*)1");

	/* the pipe contents are still intact */
	char buf[8] = { 0 };
	CHECK(read(p[0], buf, 6) == 6 && memcmp(buf, "abcdef", 6) == 0,
	      "pipe data intact after EFAULTs");

	CHECK_ERR(syscall(SYS_openat, AT_FDCWD, (void *)1, O_RDONLY), EFAULT,
		  "openat bad path");
	CHECK_ERR(syscall(SYS_openat, AT_FDCWD, gone, O_RDONLY), EFAULT,
		  "openat unmapped path");
	CHECK_ERR(syscall(SYS_openat, AT_FDCWD, KADDR, O_RDONLY), EFAULT,
		  "openat kernel path");
	CHECK_ERR(syscall(SYS_pipe2, (void *)1, 0), EFAULT, "pipe2 bad pointer");
	CHECK_ERR(syscall(SYS_pipe2, KADDR, 0), EFAULT, "pipe2 kernel pointer");
	CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)1), EFAULT,
		  "clock_gettime bad pointer");
	CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, KADDR), EFAULT,
		  "clock_gettime kernel pointer");
	CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, gone), EFAULT,
		  "clock_gettime unmapped");
	CHECK_ERR(syscall(SYS_fstat, p[0], KADDR), EFAULT, "fstat kernel pointer");
	CHECK_ERR(syscall(SYS_uname, (void *)1), EFAULT, "uname bad pointer");
	CHECK_ERR(syscall(SYS_getcwd, KADDR, 128), EFAULT, "getcwd kernel pointer");
	CHECK_ERR(syscall(SYS_chdir, (void *)1), EFAULT, "chdir bad path");

	/* the write end of a buffer that straddles into unmapped memory */
	char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(two != MAP_FAILED, "mmap 2 pages");
	CHECK(munmap(two + 4096, 4096) == 0, "munmap second page");
	CHECK(write(p[1], "xyz", 3) == 3, "write pipe");
	errno = 0;
	long r = syscall(SYS_read, p[0], two + 4095, 3);
	CHECK(r == 1 || (r == -1 && errno == EFAULT), "read straddling unmapped page");

	/* a bad pointer does not kill the process or leak into later calls */
	struct timespec ts;
	CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0, "clock_gettime ok");
	close(p[0]);
	close(p[1]);
	t_ok("efault");
	return 0;
}
