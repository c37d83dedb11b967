/* jobctl.c - job control as a shell uses it: SIGSTOP and SIGTSTP stop a
 * child, wait4(WUNTRACED) reports that once, SIGCHLD says CLD_STOPPED,
 * SIGCONT resumes it (WCONTINUED, CLD_CONTINUED) and cancels a pending
 * stop; a stopped child still dies of SIGKILL; the terminal's stop
 * signals do not stop an orphaned process group; rt_sigtimedwait takes
 * a blocked signal or times out. Passes on Linux too (qemu-riscv64). */
#define _GNU_SOURCE
#include <fcntl.h>
#include "t.h"

static sigset_t chld;

/* The next SIGCHLD's code (SIGCHLD is blocked: taken by sigtimedwait). */
static int next_sigchld(pid_t pid)
{
	struct timespec ts = { 10, 0 };
	siginfo_t si;
	int sig = sigtimedwait(&chld, &si, &ts);
	CHECK(sig == SIGCHLD, "a SIGCHLD arrives");
	CHECK(si.si_pid == pid, "SIGCHLD names the child");
	return si.si_code;
}

static pid_t spawn_sleeper(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static void test_stop_continue(void)
{
	int st;
	pid_t pid = spawn_sleeper();

	CHECK(kill(pid, SIGSTOP) == 0, "SIGSTOP");
	CHECK(waitpid(pid, &st, WUNTRACED) == pid, "waitpid WUNTRACED");
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "reported stopped by SIGSTOP");
	CHECK(next_sigchld(pid) == CLD_STOPPED, "SIGCHLD: CLD_STOPPED");
	CHECK(waitpid(pid, &st, WUNTRACED | WNOHANG) == 0, "a stop is reported once");
	CHECK(kill(pid, SIGCONT) == 0, "SIGCONT");
	CHECK(waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st), "WCONTINUED");
	CHECK(next_sigchld(pid) == CLD_CONTINUED, "SIGCHLD: CLD_CONTINUED");
	CHECK(waitpid(pid, &st, WCONTINUED | WNOHANG) == 0, "a continue is reported once");

	CHECK(kill(pid, SIGTSTP) == 0, "SIGTSTP");
	CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) &&
	      WSTOPSIG(st) == SIGTSTP, "stopped by SIGTSTP");
	next_sigchld(pid);
	CHECK(kill(pid, SIGKILL) == 0, "SIGKILL a stopped child");
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	      "a stopped child dies of SIGKILL");
	next_sigchld(pid);
	t_ok("stop and continue");
}

/* A child that blocks SIGTSTP sees the pending stop cancelled by
 * SIGCONT. Ours only: qemu-user takes every signal itself and queues a
 * blocked one in its own memory, where the host's SIGCONT cannot see it. */
static void test_cont_cancels_stop(void)
{
	char maps[65536];
	int fd = open("/proc/self/maps", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, maps, sizeof(maps) - 1) : -1;
	close(fd);
	if (n <= 0 || (maps[n] = 0, !strstr(maps, "[sigpage]")))
		return;
	int up[2], down[2], st;	/* child to parent, parent to child */
	char c;
	CHECK(pipe(up) == 0 && pipe(down) == 0, "pipes");
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGTSTP);
		sigprocmask(SIG_BLOCK, &s, NULL);	/* SIGTSTP stays pending */
		CHECK(write(up[1], "r", 1) == 1, "child: ready");
		CHECK(read(down[0], &c, 1) == 1, "child: go");
		sigprocmask(SIG_UNBLOCK, &s, NULL);	/* cancelled: no stop */
		_exit(7);
	}
	CHECK(read(up[0], &c, 1) == 1, "child ready");
	CHECK(kill(pid, SIGTSTP) == 0 && kill(pid, SIGCONT) == 0, "SIGTSTP then SIGCONT");
	CHECK(write(down[1], "g", 1) == 1, "go");
	CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7,
	      "SIGCONT cancelled the pending SIGTSTP");
	CHECK(next_sigchld(pid) == CLD_EXITED, "SIGCHLD: CLD_EXITED (no stop, no continue)");
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
	t_ok("SIGCONT cancels a pending stop");
}

/* In a session of its own, a child makes a grandchild in a new process
 * group and exits: the grandchild's group is orphaned (its parent is now
 * in another session), so SIGTSTP must not stop it. */
static void test_orphaned_tstp(void)
{
	int p[2], st;
	char c = 0;
	CHECK(pipe(p) == 0, "pipe");
	pid_t pid = fork();
	if (pid == 0) {
		CHECK(setsid() > 0, "setsid");
		pid_t g = fork();
		if (g == 0) {
			CHECK(setpgid(0, 0) == 0, "grandchild: setpgid");
			t_sleep_ms(100);	/* let the parent exit */
			raise(SIGTSTP);	/* ignored: nobody could continue us */
			CHECK(write(p[1], "a", 1) == 1, "grandchild: alive");
			_exit(0);
		}
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && st == 0, "child exits");
	next_sigchld(pid);
	close(p[1]);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(read(p[0], &c, 1) == 1 && c == 'a', "the orphaned grandchild was not stopped");
	close(p[0]);
	t_ok("orphaned group ignores SIGTSTP");
}

static void test_sigtimedwait(void)
{
	sigset_t s;
	siginfo_t si;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	double t0 = t_now();
	CHECK_ERR(sigtimedwait(&s, &si, &ts), EAGAIN, "nothing pending: EAGAIN");
	CHECK(t_now() - t0 >= 0.04, "after the timeout");
	CHECK(kill(getpid(), SIGUSR1) == 0, "kill self");
	CHECK(sigtimedwait(&s, &si, &ts) == SIGUSR1 && si.si_pid == getpid() &&
	      si.si_code == SI_USER, "SIGUSR1 taken with its info");
	sigset_t pend;
	CHECK(sigpending(&pend) == 0 && !sigismember(&pend, SIGUSR1), "no longer pending");
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	t_ok("sigtimedwait");
}

int main(void)
{
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	test_stop_continue();
	test_cont_cancels_stop();
	test_orphaned_tstp();
	test_sigtimedwait();
	printf("jobctl: all ok\n");
	return 0;
}
