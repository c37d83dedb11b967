/* pipe.c - 1 MiB through a pipe between processes in odd chunk sizes,
 * EOF after the writer closes, SIGPIPE / EPIPE when the reader is gone,
 * and O_CLOEXEC visible via F_GETFD. */
#define _GNU_SOURCE
#include <fcntl.h>
#include "t.h"

#define TOTAL (1 << 20)

static unsigned char pat(long i)
{
	return (unsigned char)(i * 7 + (i >> 10));
}

static int pp[2];

static void write_closed(void)
{
	char c = 'x';
	write(pp[1], &c, 1);	/* must kill us with SIGPIPE */
	_exit(0);
}

int main(void)
{
	static unsigned char buf[70000];
	int p[2], st;

	CHECK(pipe2(p, 0) == 0, "pipe2");
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		close(p[0]);
		long off = 0, chunk = 65537 + 4096;	/* > pipe buffer */
		while (off < TOTAL) {
			long n = TOTAL - off < chunk ? TOTAL - off : chunk;
			for (long i = 0; i < n; i++)
				buf[i] = pat(off + i);
			for (long w = 0; w < n;) {
				long r = write(p[1], buf + w, n - w);
				if (r <= 0)
					_exit(2);
				w += r;
			}
			off += n;
		}
		_exit(0);
	}
	close(p[1]);
	long got = 0, r;
	while ((r = read(p[0], buf, 3001)) > 0) {
		for (long i = 0; i < r; i++)
			CHECK(buf[i] == pat(got + i), "data mismatch");
		got += r;
	}
	CHECK(r == 0, "read returns 0 at EOF");
	CHECK(got == TOTAL, "total byte count");
	CHECK(read(p[0], buf, 10) == 0, "EOF again");
	close(p[0]);
	st = t_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer status");

	/* writing with no reader: default SIGPIPE kills the child */
	CHECK(pipe2(pp, 0) == 0, "pipe2");
	close(pp[0]);
	CHECK_DIES(write_closed, SIGPIPE, "write to closed pipe -> SIGPIPE");

	/* with SIGPIPE ignored, write fails with EPIPE */
	CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR, "signal SIG_IGN");
	CHECK_ERR(write(pp[1], "x", 1), EPIPE, "write -> EPIPE");
	close(pp[1]);
	signal(SIGPIPE, SIG_DFL);

	/* O_CLOEXEC */
	CHECK(pipe2(p, O_CLOEXEC) == 0, "pipe2 O_CLOEXEC");
	CHECK(fcntl(p[0], F_GETFD) == FD_CLOEXEC, "read end cloexec");
	CHECK(fcntl(p[1], F_GETFD) == FD_CLOEXEC, "write end cloexec");
	CHECK(fcntl(p[0], F_SETFD, 0) == 0, "F_SETFD");
	CHECK(fcntl(p[0], F_GETFD) == 0, "cloexec cleared");
	close(p[0]);
	close(p[1]);
	CHECK(pipe2(p, 0) == 0, "pipe2");
	CHECK(fcntl(p[0], F_GETFD) == 0, "no cloexec by default");
	CHECK((fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY, "write end O_WRONLY");
	CHECK((fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY, "read end O_RDONLY");
	t_ok("pipe");
	return 0;
}
