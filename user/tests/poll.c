/* poll.c - poll, ppoll and select on pipes (ready, not ready, hang-up,
 * error, timeouts, a wakeup from another process, a signal let in by
 * ppoll's mask), and the other calls BusyBox needed: sendfile, execve of
 * a "#!" script, fchown/fchownat. Passes on Linux too (qemu-riscv64). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include "t.h"

static volatile int got_usr1;

static void on_usr1(int sig)
{
	got_usr1 = sig;
}

static void test_poll_pipe(void)
{
	int p[2];
	char c;
	CHECK(pipe(p) == 0, "pipe");
	struct pollfd fds[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };

	double t0 = t_now();
	CHECK(poll(fds, 1, 50) == 0 && fds[0].revents == 0, "empty pipe: timeout");
	CHECK(t_now() - t0 >= 0.04, "waited for the timeout");
	CHECK(poll(fds + 1, 1, 0) == 1 && fds[1].revents == POLLOUT, "empty pipe is writable");
	CHECK(write(p[1], "x", 1) == 1, "write");
	CHECK(poll(fds, 2, -1) == 2 && fds[0].revents == POLLIN, "readable after a write");
	CHECK(read(p[0], &c, 1) == 1, "read");
	struct pollfd bad = { 1000, POLLIN, 0 };
	CHECK(poll(&bad, 1, 0) == 1 && bad.revents == POLLNVAL, "a bad fd: POLLNVAL");

	/* another process writes while we sleep in poll */
	pid_t pid = fork();
	if (pid == 0) {
		t_sleep_ms(100);
		_exit(write(p[1], "y", 1) == 1 ? 0 : 1);
	}
	t0 = t_now();
	CHECK(poll(fds, 1, 10000) == 1 && fds[0].revents == POLLIN, "woken by the write");
	CHECK(t_now() - t0 < 5, "woken, not timed out");
	CHECK(t_wait(pid) == 0, "writer");
	CHECK(read(p[0], &c, 1) == 1 && c == 'y', "read y");

	close(p[1]);
	CHECK(poll(fds, 1, 0) == 1 && (fds[0].revents & POLLHUP), "no writer: POLLHUP");
	CHECK(pipe(p) == 0, "pipe");
	close(p[0]);
	struct pollfd w = { p[1], POLLOUT, 0 };
	CHECK(poll(&w, 1, 0) == 1 && (w.revents & POLLERR), "no reader: POLLERR");
	close(p[1]);
	close(fds[0].fd);
	t_ok("poll on pipes");
}

/* ppoll's mask lets a blocked signal in for the wait only. */
static void test_ppoll_sigmask(void)
{
	int p[2];
	sigset_t block, none;
	struct sigaction sa = { .sa_handler = on_usr1 };
	CHECK(pipe(p) == 0, "pipe");
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	CHECK(kill(getpid(), SIGUSR1) == 0 && !got_usr1, "SIGUSR1 pending, blocked");
	sigemptyset(&none);
	struct pollfd f = { p[0], POLLIN, 0 };
	struct timespec ts = { 5, 0 };
	CHECK_ERR(ppoll(&f, 1, &ts, &none), EINTR, "ppoll interrupted by SIGUSR1");
	CHECK(got_usr1 == SIGUSR1, "the handler ran");
	sigset_t now;
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK(sigismember(&now, SIGUSR1), "the old mask is back");
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	close(p[0]);
	close(p[1]);
	t_ok("ppoll sigmask");
}

static void test_select(void)
{
	int p[2];
	fd_set r, w;
	struct timeval tv = { 0, 50000 };
	CHECK(pipe(p) == 0, "pipe");
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK(select(p[0] + 1, &r, NULL, NULL, &tv) == 0 && !FD_ISSET(p[0], &r),
	      "select: timeout");
	CHECK(write(p[1], "z", 1) == 1, "write");
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	tv = (struct timeval){ 1, 0 };
	CHECK(select(p[1] + 1, &r, &w, NULL, &tv) == 2 && FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w),
	      "select: readable and writable");
	FD_ZERO(&r);
	FD_SET(p[1] + 10, &r);
	CHECK_ERR(select(p[1] + 11, &r, NULL, NULL, &tv), EBADF, "select: a closed fd");
	close(p[0]);
	close(p[1]);
	t_ok("select");
}

static void test_sendfile(void)
{
	const char *path = "/tmp/poll_sendfile";
	char data[10000], back[10000];
	for (int i = 0; i < (int)sizeof(data); i++)
		data[i] = 'a' + i % 26;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644), p[2];
	CHECK(fd >= 0 && write(fd, data, sizeof(data)) == sizeof(data), "write the file");
	CHECK(pipe(p) == 0, "pipe");
	off_t off = 100;
	CHECK(sendfile(p[1], fd, &off, 5000) == 5000 && off == 5100, "sendfile at an offset");
	CHECK(read(p[0], back, 5000) == 5000 && !memcmp(back, data + 100, 5000), "its data");
	CHECK(lseek(fd, 9000, SEEK_SET) == 9000, "lseek");
	CHECK(sendfile(p[1], fd, NULL, 5000) == 1000 && lseek(fd, 0, SEEK_CUR) == 10000,
	      "sendfile from the file position, to the end");
	CHECK(read(p[0], back, 1000) == 1000 && !memcmp(back, data + 9000, 1000), "its data");
	CHECK_ERR(sendfile(p[1], 1000, NULL, 10), EBADF, "sendfile: a bad fd");
	close(p[0]);
	close(p[1]);
	close(fd);
	unlink(path);
	t_ok("sendfile");
}

/* "#!/bin/echo one": the kernel runs /bin/echo one SCRIPT ARGS. */
static void test_script(void)
{
	const char *path = "/tmp/poll_script";
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755), p[2];
	char out[256] = "";
	CHECK(fd >= 0 && write(fd, "#!/bin/echo  one \nnot read\n", 27) == 27, "write the script");
	close(fd);
	CHECK(pipe(p) == 0, "pipe");
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { "ignored-argv0", "two", NULL }, *envp[] = { NULL };
		dup2(p[1], 1);
		execve(path, argv, envp);
		_exit(127);
	}
	close(p[1]);
	CHECK(t_wait(pid) == 0, "the script ran");
	CHECK(read(p[0], out, sizeof(out) - 1) > 0, "its output");
	CHECK(!strcmp(out, "one /tmp/poll_script two\n"), "interpreter, argument, path, args");
	close(p[0]);
	CHECK((fd = open(path, O_WRONLY | O_TRUNC)) >= 0 && write(fd, "#!\n", 3) == 3, "rewrite");
	close(fd);
	CHECK_ERR(execve(path, (char *[]){ "x", NULL }, (char *[]){ NULL }), ENOEXEC,
		  "no interpreter: ENOEXEC");
	unlink(path);
	t_ok("script");
}

static void test_chown(void)
{
	const char *path = "/tmp/poll_chown";
	struct stat st;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0755);
	CHECK(fd >= 0, "create");
	CHECK(fchmod(fd, 06755) == 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 06755,
	      "set-id bits");
	CHECK(fchown(fd, -1, -1) == 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0755,
	      "any chown drops set-user-ID and (group-executable) set-group-ID");
	CHECK(fchmod(fd, 06745) == 0 && fchown(fd, getuid(), -1) == 0 && fstat(fd, &st) == 0 &&
	      (st.st_mode & 07777) == 02745, "set-group-ID stays without group execute");
	CHECK(fchownat(AT_FDCWD, path, -1, getgid(), 0) == 0 && stat(path, &st) == 0 &&
	      st.st_uid == getuid() && st.st_gid == getgid(), "fchownat");
	CHECK_ERR(fchown(1000, 0, 0), EBADF, "fchown: a bad fd");
	CHECK_ERR(fchownat(AT_FDCWD, "/tmp/no/such", 0, 0, 0), ENOENT, "fchownat: ENOENT");
	close(fd);
	unlink(path);
	t_ok("chown");
}

int main(void)
{
	test_poll_pipe();
	test_ppoll_sigmask();
	test_select();
	test_sendfile();
	test_script();
	test_chown();
	printf("poll: all ok\n");
	return 0;
}
