/* wait_status.c - wait statuses: WIFSIGNALED/WTERMSIG for SIGKILL,
 * SIGTERM, SIGSEGV, SIGABRT (abort) and SIGUSR1's default action, exit
 * codes (truncated to 8 bits); waitpid on one pid among several; WNOHANG;
 * wait4 on pid 0 and -pgid with setpgid children; getpgid and getsid of
 * a zombie (it keeps its pid until reaped); an orphaned grandchild
 * is re-parented (to us as a child subreaper, else away from its parent). */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include "t.h"

static volatile uintptr_t null_addr;

static void sleeper(void)
{
	for (;;)
		t_sleep_ms(1000);
}

static void do_segv(void) { *(volatile int *)null_addr = 1; }
static void do_abort(void) { abort(); }
static void do_usr1(void) { raise(SIGUSR1); t_sleep_ms(1000); _exit(3); }
static void do_exit255(void) { exit(255); }
static void do_exit256(void) { exit(256); }
static void do_exit1(void) { _exit(1); }

static pid_t spawn(void (*fn)(void))
{
	fflush(NULL);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		fn();
		_exit(0);
	}
	return pid;
}

static void killed_by(int sig, const char *msg)
{
	pid_t pid = spawn(sleeper);
	t_sleep_ms(10);
	CHECK(kill(pid, sig) == 0, "kill child");
	int st = t_wait(pid);
	if (!(WIFSIGNALED(st) && WTERMSIG(st) == sig && !WIFEXITED(st) &&
	      !WIFSTOPPED(st)))
		fprintf(stderr, "status 0x%x\n", st);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sig && !WIFEXITED(st), msg);
}

static void exits_with(void (*fn)(void), int code, const char *msg)
{
	int st = t_child(fn);
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == code))
		fprintf(stderr, "status 0x%x\n", st);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == code && !WIFSIGNALED(st), msg);
}

int main(void)
{
	int st;
	struct rlimit nocore = { 0, 0 };
	setrlimit(RLIMIT_CORE, &nocore);	/* no core files on the host */
	signal(SIGUSR1, SIG_DFL);

	/* termination by signal */
	killed_by(SIGKILL, "SIGKILL: WIFSIGNALED, WTERMSIG == SIGKILL");
	killed_by(SIGTERM, "SIGTERM: WIFSIGNALED, WTERMSIG == SIGTERM");
	killed_by(SIGUSR1, "kill SIGUSR1 (default action): WTERMSIG == SIGUSR1");
	CHECK_DIES(do_segv, SIGSEGV, "NULL store: WTERMSIG == SIGSEGV");
	CHECK_DIES(do_abort, SIGABRT, "abort(): WTERMSIG == SIGABRT");
	CHECK_DIES(do_usr1, SIGUSR1, "raise(SIGUSR1) default action terminates");

	/* exit codes */
	exits_with(do_exit1, 1, "_exit(1): WEXITSTATUS 1");
	exits_with(do_exit255, 255, "exit(255): WEXITSTATUS 255");
	exits_with(do_exit256, 0, "exit(256): WEXITSTATUS 0 (low 8 bits)");

	/* waitpid on a specific pid among several (they exit in reverse
	 * order); each first waits for EOF on a pipe, so kids[0] is still
	 * running at the WNOHANG check however slow the forks are */
	pid_t kids[5];
	int go[2];
	CHECK(pipe(go) == 0, "pipe");
	for (int i = 0; i < 5; i++) {
		fflush(NULL);
		kids[i] = fork();
		CHECK(kids[i] >= 0, "fork");
		if (kids[i] == 0) {
			char c;
			close(go[1]);
			while (read(go[0], &c, 1) < 0 && errno == EINTR)
				;
			t_sleep_ms(40 + 20 * (5 - i));
			_exit(10 + i);
		}
	}
	close(go[0]);
	CHECK(waitpid(kids[0], &st, WNOHANG) == 0, "WNOHANG on a running child returns 0");
	close(go[1]);
	for (int i = 0; i < 5; i++) {
		st = 0;
		pid_t r;
		while ((r = waitpid(kids[i], &st, 0)) < 0 && errno == EINTR)
			;
		CHECK(r == kids[i], "waitpid(pid) returns that pid");
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 10 + i,
		      "waitpid(pid) gets that child's status");
	}
	CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD, "no children left -> ECHILD");
	CHECK_ERR(waitpid(kids[0], &st, 0), ECHILD, "reaped pid -> ECHILD");

	/* WNOHANG with a live child */
	pid_t live = spawn(sleeper);
	CHECK(waitpid(live, &st, WNOHANG) == 0, "WNOHANG, child running -> 0");
	CHECK(waitpid(-1, &st, WNOHANG) == 0, "WNOHANG any, child running -> 0");
	kill(live, SIGKILL);
	st = t_wait(live);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "live child killed");

	/* a zombie keeps its pid, group and session until it is reaped */
	fflush(NULL);
	pid_t z = fork();
	CHECK(z >= 0, "fork z");
	if (z == 0)
		_exit(0);
	t_sleep_ms(200);	/* long enough to be a zombie */
	CHECK(getpgid(z) == getpgrp() && getsid(z) == getsid(0), "getpgid/getsid of a zombie");
	CHECK(waitpid(z, &st, 0) == z, "reap z");
	CHECK_ERR(getpgid(z), ESRCH, "getpgid after reaping");

	/* process groups: a in its own group exits first, b in ours later */
	pid_t mypg = getpgrp();
	fflush(NULL);
	pid_t a = fork();
	CHECK(a >= 0, "fork a");
	if (a == 0) {
		setpgid(0, 0);
		t_sleep_ms(20);
		_exit(21);
	}
	setpgid(a, a);	/* both sides, whichever runs first */
	pid_t b = fork();
	CHECK(b >= 0, "fork b");
	if (b == 0) {
		t_sleep_ms(150);
		_exit(22);
	}
	CHECK(getpgid(a) == a, "child a in its own group");
	CHECK(getpgid(b) == mypg, "child b in our group");
	t_sleep_ms(60);	/* a has exited by now */
	CHECK(waitpid(0, &st, WNOHANG) == 0, "wait(0) ignores a zombie in another group");
	pid_t r;
	while ((r = wait4(0, &st, 0, NULL)) < 0 && errno == EINTR)
		;
	CHECK(r == b, "wait4(0) returns the child in our process group");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 22, "wait4(0) status");
	CHECK_ERR(wait4(0, &st, WNOHANG, NULL), ECHILD, "wait4(0): none left in group -> ECHILD");
	while ((r = wait4(-a, &st, 0, NULL)) < 0 && errno == EINTR)
		;
	CHECK(r == a, "wait4(-pgid) returns the child in that group");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 21, "wait4(-pgid) status");
	CHECK_ERR(wait4(-a, &st, WNOHANG, NULL), ECHILD, "wait4(-pgid) empty group -> ECHILD");

	/* several children in one other group, wait4(-pgid) collects all */
	pid_t g[3];
	for (int i = 0; i < 3; i++) {
		fflush(NULL);
		g[i] = fork();
		CHECK(g[i] >= 0, "fork group child");
		if (g[i] == 0) {
			setpgid(0, i ? g[0] : 0);
			t_sleep_ms(10 + 10 * i);
			_exit(30 + i);
		}
		setpgid(g[i], g[0]);
	}
	pid_t outsider = spawn(sleeper);
	int seen = 0;
	for (int i = 0; i < 3; i++) {
		while ((r = wait4(-g[0], &st, 0, NULL)) < 0 && errno == EINTR)
			;
		CHECK(r == g[0] || r == g[1] || r == g[2], "wait4(-pgid) member");
		int k = r == g[0] ? 0 : r == g[1] ? 1 : 2;
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 30 + k, "member status");
		seen |= 1 << k;
	}
	CHECK(seen == 7, "all three group members reaped");
	CHECK(waitpid(outsider, &st, WNOHANG) == 0, "outsider still running");
	kill(outsider, SIGKILL);
	t_wait(outsider);

	/* orphans: the grandchild's parent changes when its parent exits */
	errno = 0;
	int sub = prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
	CHECK(sub || errno == EINVAL, "prctl(PR_SET_CHILD_SUBREAPER): 0 or EINVAL");
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	fflush(NULL);
	pid_t mid = fork();
	CHECK(mid >= 0, "fork mid");
	if (mid == 0) {
		pid_t gc = fork();
		if (gc < 0)
			_exit(2);
		if (gc == 0) {
			pid_t me = getpid();
			pid_t old = getppid(), now = old;
			double t0 = t_now();
			while ((now = getppid()) == old && t_now() - t0 < 5)
				t_sleep_ms(2);
			pid_t msg[3] = { me, old, now };
			write(p[1], msg, sizeof msg);
			_exit(0);
		}
		t_sleep_ms(20);
		_exit(5);
	}
	close(p[1]);
	st = t_wait(mid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5, "middle child exited");
	pid_t msg[3];
	ssize_t n;
	while ((n = read(p[0], msg, sizeof msg)) < 0 && errno == EINTR)
		;
	CHECK(n == sizeof msg, "grandchild reported");
	close(p[0]);
	CHECK(msg[1] == mid, "grandchild's first parent is the middle child");
	CHECK(msg[2] != mid, "orphan re-parented after its parent exited");
	if (sub) {
		CHECK(msg[2] == getpid(), "orphan re-parented to the child subreaper");
		st = t_wait(msg[0]);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "subreaper reaps the orphan");
	}
	t_ok("wait_status");
	return 0;
}
