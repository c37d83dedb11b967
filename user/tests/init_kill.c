/* init_kill.c - nobody kills init. kill(1, SIGKILL) is ignored, and a
 * child created with SIGKILL as its exit signal that outlives its parent
 * is reparented with SIGCHLD instead (it used to SIGKILL init when it
 * exited: a kernel panic). While the parent lives, the exit signal is
 * what clone asked for: SIGKILL kills the parent.
 * On Linux the test makes itself a child subreaper, so the orphan comes
 * back to it instead of the host's init; here prctl refuses that and
 * the orphan goes to pid 1, the test runner. kill(1, ...) is sent only
 * when pid 1 is the test's own parent (the test runner). qemu-user
 * (make test-linux) supports no exit signal but SIGCHLD (clone fails with
 * EINVAL): there the test has nothing to check. */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include "t.h"

static pid_t clone_with_sigkill(void)
{
	return syscall(SYS_clone, SIGKILL, NULL, NULL, NULL, NULL);
}

/* The middle process: its child (exit signal SIGKILL) outlives it. */
static void orphan_maker(void)
{
	pid_t me = getpid();
	pid_t g = clone_with_sigkill();
	CHECK(g >= 0, "clone(SIGKILL)");
	if (g == 0) {
		for (int i = 0; i < 1000 && getppid() == me; i++)
			t_sleep_ms(10);
		_exit(getppid() == me ? 3 : 0);
	}
	_exit(0);	/* before the child */
}

/* The middle process outlived by nothing: its child exits first and
 * its exit signal, SIGKILL, kills the middle process. */
static void killed_by_child(void)
{
	pid_t g = clone_with_sigkill();
	CHECK(g >= 0, "clone(SIGKILL)");
	if (g == 0)
		_exit(0);
	for (int i = 0; i < 1000; i++)
		t_sleep_ms(10);
	_exit(4);	/* not killed */
}

int main(void)
{
	int subreaper = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;

	if (t_qemu_user()) {
		CHECK_ERR(clone_with_sigkill(), EINVAL, "qemu-user: no custom exit signal");
		t_ok("init_kill");
		return 0;
	}

	if (getppid() == 1 && !t_qemu_user()) {
		CHECK(kill(1, SIGKILL) == 0, "kill(1, SIGKILL) is accepted");
		t_sleep_ms(50);
		CHECK(kill(1, 0) == 0, "init still there");
	}

	int st = t_child(orphan_maker);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "middle process exits normally");
	if (subreaper) {	/* the orphan is ours now, with SIGCHLD */
		int gst;
		pid_t r;
		while ((r = wait(&gst)) < 0 && errno == EINTR)
			;
		CHECK(r > 0 && WIFEXITED(gst) && WEXITSTATUS(gst) == 0, "reaped the orphan");
	} else {		/* init's now: it exits within a few ticks */
		t_sleep_ms(300);
		CHECK(kill(1, 0) == 0, "init survives the orphan's exit");
	}

	st = t_child(killed_by_child);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "exit signal SIGKILL kills the parent");
	if (subreaper) {	/* its child, reaped by nobody else */
		int gst;
		pid_t r;
		while ((r = wait(&gst)) < 0 && errno == EINTR)
			;
		CHECK(r > 0, "reaped the second orphan");
	}
	t_ok("init_kill");
	return 0;
}
