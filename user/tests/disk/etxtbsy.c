/* etxtbsy.c - a program file is either running or open for writing,
 * never both (Linux's ETXTBSY, i_writecount): execve of a file someone
 * has open for writing fails, and while a program runs (also in a forked
 * copy of its process, after its parent exited) opening it for writing,
 * with or without O_TRUNC, and truncate(2) fail and leave it whole. Once
 * every process running it is gone, it can be written and run again.
 * The program is a copy of this test, started as "etxtbsy hold".
 * Under qemu-riscv64 the host kernel runs QEMU, not the copy (exe is
 * QEMU's), so only the execve half is checked there. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "t.h"

#define PROG "/tmp/etxtbsy.prog"

/* "hold": tell the test we run (a byte on fd 1), fork, and let the copy
 * in the child wait until fd 0 reaches end of file; the parent exits. */
static int hold(void)
{
	char c;
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid > 0)
		return 0;	/* the child keeps running the program */
	if (write(1, "r", 1) != 1)
		return 1;
	while (read(0, &c, 1) > 0)
		;
	return 0;
}

/* Copy this program to PROG, executable. */
static void copy_self(void)
{
	char buf[65536];
	ssize_t n;
	int in = open("/proc/self/exe", O_RDONLY);
	int out = open(PROG, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	CHECK(in >= 0 && out >= 0, "open /proc/self/exe and " PROG);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		CHECK(write(out, buf, n) == n, "write the copy");
	CHECK(n == 0 && close(in) == 0 && close(out) == 0, "copy");
}

/* Start PROG argv1 with stdin/stdout on new pipes; *to: its stdin,
 * *from: its stdout. Returns the pid. */
static pid_t start(const char *argv1, int *to, int *from)
{
	int a[2], b[2];
	CHECK(pipe(a) == 0 && pipe(b) == 0, "pipe");
	fflush(NULL);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		dup2(a[0], 0);
		dup2(b[1], 1);
		close(a[0]); close(a[1]); close(b[0]); close(b[1]);
		char *argv[] = { "etxtbsy", (char *)argv1, NULL };
		execv(PROG, argv);
		_exit(100 + errno);
	}
	close(a[0]);
	close(b[1]);
	*to = a[1];
	*from = b[0];
	return pid;
}

static off_t size_of(const char *path)
{
	struct stat st;
	CHECK(stat(path, &st) == 0, "stat");
	return st.st_size;
}

/* While a process runs PROG, nothing may open it for writing. */
static void running_is_busy(void)
{
	int to, from;
	char c;
	off_t size = size_of(PROG);
	pid_t pid = start("hold", &to, &from);
	CHECK(read(from, &c, 1) == 1 && c == 'r', "the copy runs");
	/* its parent (the one execve made) has exited: only the fork holds it */
	CHECK(t_wait(pid) == 0, "hold's parent exits 0");
	CHECK_ERR(open(PROG, O_WRONLY), ETXTBSY, "open a running program O_WRONLY -> ETXTBSY");
	CHECK_ERR(open(PROG, O_RDWR | O_TRUNC), ETXTBSY, "O_RDWR|O_TRUNC -> ETXTBSY");
	CHECK_ERR(truncate(PROG, 0), ETXTBSY, "truncate a running program -> ETXTBSY");
	CHECK(size_of(PROG) == size, "the running program was not truncated");
	int fd = open(PROG, O_RDONLY);
	CHECK(fd >= 0 && close(fd) == 0, "reading a running program is fine");
	close(to);	/* end of file: the fork exits */
	CHECK(read(from, &c, 1) == 0, "the fork exited");
	close(from);
	/* wait until no process runs it (the fork is init's child now) */
	for (int i = 0; i < 500 && (fd = open(PROG, O_WRONLY)) < 0 && errno == ETXTBSY; i++)
		t_sleep_ms(10);
	CHECK(fd >= 0, "open for writing once it stopped running");
	CHECK(close(fd) == 0, "close");
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "hold"))
		return hold();
	if (argc == 2 && !strcmp(argv[1], "exit"))
		return 0;
	copy_self();

	/* 1. execve of a file open for writing: ETXTBSY, and fine after close */
	int fd = open(PROG, O_WRONLY);
	CHECK(fd >= 0, "open the copy for writing");
	int to, from;
	pid_t pid = start("exit", &to, &from);
	int st = t_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 100 + ETXTBSY,
	      "execve of a file open for writing -> ETXTBSY");
	close(to);
	close(from);
	CHECK(close(fd) == 0, "close the writer");
	/* a shared writable mapping keeps the file open for writing */
	fd = open(PROG, O_RDWR);
	CHECK(fd >= 0, "open O_RDWR");
	void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED && close(fd) == 0, "map it shared, close the fd");
	st = t_wait(start("exit", &to, &from));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 100 + ETXTBSY,
	      "execve of a file mapped shared-writable -> ETXTBSY");
	close(to);
	close(from);
	CHECK(munmap(m, 4096) == 0, "munmap");

	if (t_qemu_user()) {
		unlink(PROG);
		printf("etxtbsy: qemu-user runs QEMU, not the program: running half not checked\n");
		t_ok("etxtbsy");
		return 0;
	}
	st = t_wait(start("exit", &to, &from));
	close(to);
	close(from);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "execve once nobody writes it");

	/* 2. a running program cannot be opened for writing */
	running_is_busy();
	CHECK_ERR(open("/proc/self/exe", O_WRONLY), ETXTBSY, "this program itself -> ETXTBSY");
	CHECK(unlink(PROG) == 0, "unlink");
	t_ok("etxtbsy");
	return 0;
}
