/* t.h - tiny helpers shared by the guest tests in user/tests/.
 * CHECK(cond, msg) prints "FAIL: file:line: msg (errno)" and exits 1.
 * Also: fork-and-wait helpers for tests that expect a child to die. */
#ifndef T_H
#define T_H
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECK(cond, msg)                                                  \
	do {                                                              \
		if (!(cond)) {                                            \
			int e_ = errno;                                   \
			fprintf(stderr, "FAIL: %s:%d: %s (errno %d %s)\n", \
				__FILE__, __LINE__, (msg), e_, strerror(e_)); \
			exit(1);                                          \
		}                                                         \
	} while (0)

/* CHECK that a call failed with -1 and a given errno. */
#define CHECK_ERR(call, err, msg)                                         \
	do {                                                              \
		errno = 0;                                                \
		long r_ = (long)(call);                                   \
		CHECK(r_ == -1 && errno == (err), msg);                   \
	} while (0)

/* Sleep with the nanosleep syscall (glibc would use clock_nanosleep). */
static inline int t_sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, ms % 1000 * 1000000 };
	return syscall(SYS_nanosleep, &t, NULL);
}

static inline double t_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static inline void t_ok(const char *name)
{
	printf("%s: ok\n", name);
	fflush(stdout);
}

/* A /proc/vmstat counter, or -1 if there is none (not our kernel). */
static inline long t_vmstat(const char *name)
{
	char line[256], n[64];
	long v, r = -1;
	FILE *f = fopen("/proc/vmstat", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", n, &v) == 2 && !strcmp(n, name))
			r = v;
	fclose(f);
	return r;
}

/* A /proc/meminfo field in kB (name with its colon), or -1. */
static inline long t_meminfo(const char *name)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, strlen(name)))
			v = atol(line + strlen(name));
	fclose(f);
	return v;
}

/* Wait for pid and return its raw wait status (exits on error). */
static inline int t_wait(pid_t pid)
{
	int st = 0;
	pid_t r;
	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	CHECK(r == pid, "waitpid");
	return st;
}

/* Start fn in a child (which exits 0 when fn returns); its pid. */
static inline pid_t t_start(void (*fn)(void))
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

/* Run fn in a child; return the child's wait status. */
static inline int t_child(void (*fn)(void))
{
	return t_wait(t_start(fn));
}

/* Under qemu-user (make test-linux)? qemu checks a system call's user
 * buffer as a whole against its own page flags, where Linux copies up to
 * the first bad byte and PROT_WRITE implies read: the few tests that
 * probe those edges accept qemu's answer there. Its process keeps the
 * name of the emulator. */
static inline int t_qemu_user(void)
{
	char name[17] = "";
	prctl(PR_GET_NAME, name);
	return !strncmp(name, "qemu-", 5);
}

/* Run fn in a child; return its wait status, or -1 if it was still
 * running after secs seconds (then it is killed with SIGKILL and reaped:
 * a test of a kernel hang fails instead of hanging the test run). */
static inline int t_child_timeout(void (*fn)(void), int secs)
{
	pid_t pid = t_start(fn);
	for (long ms = 0; ms < secs * 1000L; ms += 20) {
		int st;
		pid_t r = waitpid(pid, &st, WNOHANG);
		CHECK(r >= 0, "waitpid");
		if (r == pid)
			return st;
		t_sleep_ms(20);
	}
	kill(pid, SIGKILL);
	t_wait(pid);
	return -1;
}

/* CHECK that fn run in a child dies from signal sig. */
#define CHECK_DIES(fn, sig, msg)                                          \
	do {                                                              \
		int st_ = t_child(fn);                                    \
		if (!(WIFSIGNALED(st_) && WTERMSIG(st_) == (sig))) {      \
			fprintf(stderr, "FAIL: %s:%d: %s (status 0x%x)\n", \
				__FILE__, __LINE__, (msg), st_);          \
			exit(1);                                          \
		}                                                         \
	} while (0)

#endif
