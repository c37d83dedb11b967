/* tty.c - the console's ioctls as a shell and vi use them: TCGETS and
 * TCSETS round trip (the settings stay), TIOCGWINSZ/TIOCSWINSZ (and a
 * changed size sends SIGWINCH to the foreground group), FIONREAD, ENOTTY
 * on a file; then in a child that starts a session and takes the console
 * as its controlling terminal (TIOCSCTTY): TIOCGSID and TIOCGPGRP name
 * it, TIOCSPGRP hands the terminal to another group of the session (a
 * group of another session: EPERM, a negative one: EINVAL), and a
 * background group that changes the settings is stopped by SIGTTOU (and
 * is not, with SIGTTOU ignored). The controlling-terminal rules of
 * Linux's tiocsctty and TIOCNOTTY: only a session leader without a
 * terminal takes one, not from another session (unless with arg 1, as
 * root); a process outside the session gets ENOTTY from TIOCGPGRP and
 * TIOCGSID; a member's TIOCNOTTY drops only its own, the leader's frees
 * the terminal for the whole session and hangs up the foreground group;
 * /proc/PID/stat's tty_nr follows. Ours only: it needs /dev/console, which
 * a process under qemu-riscv64 on the host cannot use (it skips there). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include "t.h"

static int con;
static volatile sig_atomic_t winch;

static void on_winch(int sig)
{
	(void)sig;
	winch++;
}

static void settings(void)
{
	struct termios t0, t1, t2;
	struct winsize w0, w1 = { .ws_row = 33, .ws_col = 99 }, w2;
	int n = -1, file = open("/tests", O_RDONLY);

	CHECK(ioctl(con, TCGETS, &t0) == 0, "TCGETS");
	t1 = t0;
	t1.c_lflag ^= ECHO;
	t1.c_cc[VMIN] = 3;
	CHECK(ioctl(con, TCSETS, &t1) == 0, "TCSETS");
	CHECK(ioctl(con, TCGETS, &t2) == 0 && t2.c_lflag == t1.c_lflag && t2.c_cc[VMIN] == 3,
	      "TCGETS returns what TCSETS set");
	CHECK(tcsetattr(con, TCSANOW, &t0) == 0, "settings restored");
	CHECK(ioctl(con, TIOCGWINSZ, &w0) == 0, "TIOCGWINSZ");
	CHECK(ioctl(con, TIOCSWINSZ, &w1) == 0, "TIOCSWINSZ");
	CHECK(ioctl(con, TIOCGWINSZ, &w2) == 0 && w2.ws_row == 33 && w2.ws_col == 99,
	      "TIOCGWINSZ returns the new size");
	CHECK(ioctl(con, TIOCSWINSZ, &w0) == 0, "size restored");
	CHECK(ioctl(con, FIONREAD, &n) == 0 && n >= 0, "FIONREAD");
	CHECK(file >= 0, "open a directory");
	CHECK_ERR(ioctl(file, TCGETS, &t1), ENOTTY, "TCGETS on a directory: ENOTTY");
	CHECK_ERR(ioctl(con, TCGETS, (void *)8), EFAULT, "TCGETS to a bad pointer: EFAULT");
	close(file);
}

/* A child of the session leader, waiting in a group of its own. */
static pid_t member(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		pause();
		_exit(0);
	}
	setpgid(pid, pid);
	return pid;
}

/* A background process of the session that changes the settings. */
static int background_tcsets(int ignore)
{
	struct termios t;
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (ignore)
			signal(SIGTTOU, SIG_IGN);
		setpgid(0, 0);
		_exit(tcgetattr(con, &t) == 0 && tcsetattr(con, TCSANOW, &t) == 0 ? 0 : 1);
	}
	setpgid(pid, pid);
	CHECK(waitpid(pid, &status, WUNTRACED) == pid, "waitpid");
	if (WIFSTOPPED(status))
		kill(pid, SIGKILL), waitpid(pid, NULL, 0);
	return status;
}

/* tty_nr, field 7 of /proc/self/stat (after the ")" of comm). */
static long stat_tty_nr(void)
{
	char buf[512], *p;
	int fd = open("/proc/self/stat", O_RDONLY);
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	long tty = -1;

	close(fd);
	if (n > 0) {
		buf[n] = 0;
		if ((p = strrchr(buf, ')')))
			sscanf(p + 2, "%*c %*d %*d %*d %ld", &tty);
	}
	return tty;
}

/* A member of the session (not its leader). */
static void member_rules(void)
{
	pid_t pg;

	CHECK(stat_tty_nr() > 0, "a member's stat names the terminal");
	CHECK_ERR(ioctl(con, TIOCSCTTY, 0), EPERM, "TIOCSCTTY by a non-leader: EPERM");
	CHECK(ioctl(con, TIOCNOTTY) == 0, "TIOCNOTTY by a member");
	CHECK_ERR(ioctl(con, TIOCGPGRP, &pg), ENOTTY, "then TIOCGPGRP: ENOTTY");
	CHECK_ERR(ioctl(con, TIOCNOTTY), ENOTTY, "a second TIOCNOTTY: ENOTTY");
	CHECK(stat_tty_nr() == 0, "and its stat names no terminal");
	pid_t pid = fork();
	if (pid == 0)
		_exit(stat_tty_nr() == 0 ? 0 : 1);
	int st = t_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child of it inherits having none");
}

/* The leader of another session. */
static void outsider_rules(void)
{
	pid_t pg;

	CHECK(setsid() == getpid(), "setsid");
	CHECK(stat_tty_nr() == 0, "a new session has no terminal");
	CHECK_ERR(ioctl(con, TIOCGPGRP, &pg), ENOTTY, "TIOCGPGRP outside the session: ENOTTY");
	CHECK_ERR(ioctl(con, TIOCGSID, &pg), ENOTTY, "TIOCGSID outside the session: ENOTTY");
	CHECK_ERR(ioctl(con, TIOCNOTTY), ENOTTY, "TIOCNOTTY outside the session: ENOTTY");
	CHECK_ERR(ioctl(con, TIOCSCTTY, 0), EPERM, "TIOCSCTTY of another session's terminal: EPERM");
}

/* Another session's leader that takes the terminal away (arg 1). */
static void thief(void)
{
	pid_t sid = -1;

	CHECK(setsid() == getpid(), "setsid");
	CHECK(ioctl(con, TIOCSCTTY, 1) == 0, "TIOCSCTTY 1 steals it (root)");
	CHECK(ioctl(con, TIOCGSID, &sid) == 0 && sid == getpid(), "now ours");
}

static void ctty_rules(pid_t me)
{
	pid_t sid = -1, other;
	int st;

	CHECK(ioctl(con, TIOCSCTTY, 0) == 0, "TIOCSCTTY again by its leader: 0");
	CHECK(stat_tty_nr() > 0, "the leader's stat names the terminal");
	CHECK(WIFEXITED(st = t_child(member_rules)) && WEXITSTATUS(st) == 0, "member rules");
	CHECK(ioctl(con, TIOCGSID, &sid) == 0 && sid == me, "the session keeps it");
	CHECK(WIFEXITED(st = t_child(outsider_rules)) && WEXITSTATUS(st) == 0, "outsider rules");

	other = member();
	CHECK(tcsetpgrp(con, other) == 0, "a member's group in front");
	signal(SIGHUP, SIG_IGN);
	CHECK(ioctl(con, TIOCNOTTY) == 0, "TIOCNOTTY by the leader");
	st = t_wait(other);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGHUP, "hangs up the foreground group");
	CHECK_ERR(ioctl(con, TIOCGSID, &sid), ENOTTY, "and the session has no terminal");
	CHECK(stat_tty_nr() == 0, "nor the leader");
	CHECK(ioctl(con, TIOCSCTTY, 0) == 0, "a free terminal is taken again");
	CHECK(WIFEXITED(st = t_child(thief)) && WEXITSTATUS(st) == 0, "steal");
	CHECK_ERR(ioctl(con, TIOCGSID, &sid), ENOTTY, "the robbed session has no terminal");
	CHECK(stat_tty_nr() == 0, "and its leader's stat says so");
	signal(SIGHUP, SIG_DFL);
}

static void session(void)
{
	pid_t me, sid = -1, pg = -1, other;
	struct winsize w0, w1 = { .ws_row = 25, .ws_col = 81 };

	CHECK((me = setsid()) == getpid(), "setsid");
	CHECK(ioctl(con, TIOCSCTTY, 0) == 0, "TIOCSCTTY");
	CHECK(ioctl(con, TIOCGSID, &sid) == 0 && sid == me, "TIOCGSID: our session");
	CHECK(ioctl(con, TIOCGPGRP, &pg) == 0 && pg == me, "TIOCGPGRP: our group in front");
	signal(SIGWINCH, on_winch);
	CHECK(ioctl(con, TIOCGWINSZ, &w0) == 0 && ioctl(con, TIOCSWINSZ, &w1) == 0,
	      "TIOCSWINSZ by the foreground group");
	for (int i = 0; i < 100 && !winch; i++)
		t_sleep_ms(10);
	CHECK(winch == 1, "a new size sends SIGWINCH to the foreground group");
	CHECK(ioctl(con, TIOCSWINSZ, &w0) == 0, "size restored");

	other = member();
	CHECK(tcsetpgrp(con, other) == 0 && tcgetpgrp(con) == other,
	      "TIOCSPGRP hands the terminal to another group of the session");
	signal(SIGTTOU, SIG_IGN);	/* we are in the background now */
	CHECK(tcsetpgrp(con, me) == 0 && tcgetpgrp(con) == me, "and takes it back");
	signal(SIGTTOU, SIG_DFL);
	int bad = -5;
	CHECK_ERR(ioctl(con, TIOCSPGRP, &bad), EINVAL, "a negative group: EINVAL");
	/* our parent's group is in the session we left */
	CHECK_ERR(tcsetpgrp(con, getpgid(getppid())), EPERM, "a group of another session: EPERM");

	int st = background_tcsets(0);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTOU,
	      "a background group changing the settings is stopped by SIGTTOU");
	st = background_tcsets(1);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "unless it ignores SIGTTOU");
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);
	ctty_rules(me);
}

int main(void)
{
	if (t_qemu_user() || (con = open("/dev/console", O_RDWR | O_NOCTTY)) < 0) {
		printf("tty: needs this kernel's console, skipped\n");
		t_ok("tty");
		return 0;
	}
	settings();
	CHECK(t_child(session) == 0, "the session's checks");
	t_ok("tty");
	return 0;
}
