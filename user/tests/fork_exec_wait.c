/* fork_exec_wait.c - fork and wait4 exit statuses, execve of /bin/echo
 * into a pipe, ENOENT for a missing program, WNOHANG, reaping many
 * children and ECHILD once none are left; execve's argv and envp both
 * end in NULL, also with an empty environment (it once had none there,
 * and the program read a stale word as its first variable). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/resource.h>
#include "t.h"

extern char **environ;

/* Run this program as "fork_exec_wait env" with nenv variables: 0 if it
 * saw exactly its arguments and variables, each list ending in NULL. */
static int exec_env(int nenv)
{
	char *argv[] = { "fork_exec_wait", "env", NULL }, *envp[16] = { NULL };
	char vars[16][16];
	for (int i = 0; i < nenv; i++) {
		snprintf(vars[i], sizeof(vars[i]), "V%d=%d", i, i * 1000);
		envp[i] = vars[i];
	}
	fflush(NULL);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		execve("/proc/self/exe", argv, envp);
		_exit(127);
	}
	int st = t_wait(pid);
	return WIFEXITED(st) && WEXITSTATUS(st) == nenv ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const int codes[] = { 0, 1, 2, 42, 127, 255 };
	int st;

	if (argc == 2 && !strcmp(argv[1], "env")) {	/* exit with the count */
		int n = 0;
		while (environ[n] && n < 100)
			n++;
		return argv[argc] == NULL ? n : 100;
	}

	for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		pid_t pid = fork();
		CHECK(pid >= 0, "fork");
		if (pid == 0)
			_exit(codes[i]);
		CHECK(wait4(pid, &st, 0, NULL) == pid, "wait4");
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == codes[i], "exit status");
	}

	/* exec /bin/echo with its stdout on a pipe */
	int p[2];
	CHECK(pipe2(p, 0) == 0, "pipe2");
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		char *argv[] = { "echo", "hello", "from", "exec", NULL };
		char *envp[] = { "PATH=/bin", NULL };
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execve("/bin/echo", argv, envp);
		_exit(99);
	}
	close(p[1]);
	char buf[128];
	int n = 0, r;
	while ((r = read(p[0], buf + n, sizeof buf - 1 - n)) > 0)
		n += r;
	CHECK(r == 0, "read from pipe");
	buf[n] = 0;
	close(p[0]);
	st = t_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "echo exit status");
	CHECK(strcmp(buf, "hello from exec\n") == 0, "echo output");

	/* exec of a missing file fails with ENOENT and we keep running */
	char *nargv[] = { "nope", NULL };
	errno = 0;
	CHECK(execve("/no/such/program", nargv, nargv + 1) == -1 && errno == ENOENT,
	      "exec nonexistent -> ENOENT");

	/* WNOHANG: child still running, then gone */
	CHECK(pipe2(p, 0) == 0, "pipe2");
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		char c;
		close(p[1]);
		read(p[0], &c, 1);	/* wait for the parent */
		_exit(7);
	}
	close(p[0]);
	CHECK(wait4(pid, &st, WNOHANG, NULL) == 0, "WNOHANG on running child");
	close(p[1]);
	st = t_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "status after WNOHANG");

	/* many children, reaped in any order */
	enum { N = 50 };
	int seen[N] = { 0 };
	pid_t pids[N];
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		CHECK(pids[i] >= 0, "fork many");
		if (pids[i] == 0)
			_exit(i);
	}
	for (int i = 0; i < N; i++) {
		pid_t w = wait4(-1, &st, 0, NULL);
		CHECK(w > 0 && WIFEXITED(st), "wait4(-1)");
		int k = WEXITSTATUS(st);
		CHECK(k < N && pids[k] == w && !seen[k], "status matches pid");
		seen[k] = 1;
	}
	CHECK_ERR(wait4(-1, &st, 0, NULL), ECHILD, "ECHILD with no children");
	CHECK_ERR(wait4(-1, &st, WNOHANG, NULL), ECHILD, "ECHILD with WNOHANG");

	/* each run with variables leaves the exec's pointer buffer full of
	 * them for the next run, without (qemu-user cannot exec riscv64) */
	for (int n = 1; n < 16 && !t_qemu_user(); n++) {
		CHECK(exec_env(n) == 0, "argv and n variables, each ending in NULL");
		CHECK(exec_env(0) == 0, "an empty environment ends in NULL");
	}
	t_ok("fork_exec_wait");
	return 0;
}
