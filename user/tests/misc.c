/* misc.c - uname, monotonic clock and nanosleep, getrandom, getpid and
 * getppid across fork, prlimit64(RLIMIT_STACK), ENOSYS for an unknown
 * syscall number, sched_yield, sysinfo and the uid/gid calls, /dev/full
 * and /dev/zero, CPU affinity (sched_setaffinity moves the thread:
 * getcpu says where it runs; /proc/self/status and a child follow). */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/stat.h>
#include <fcntl.h>
#include "t.h"

static int terminated(const char *s, size_t n)
{
	return memchr(s, 0, n) != NULL;
}

/* 32-bit arguments with garbage in the upper half of the register: the
 * kernel must use only the low 32 bits, as Linux's SYSCALL_DEFINE
 * wrappers do (AT_FDCWD arrives as 0x7fff0000ffffff9c here). */
static void upper_halves(void)
{
	const long G = 0x7fff00000000L;
	long fd = syscall(SYS_openat, G | (unsigned)AT_FDCWD, "/proc/self/status",
			  G | O_RDONLY, G | 0);
	CHECK(fd >= 0, "openat with garbage above AT_FDCWD and the flags");
	CHECK(syscall(SYS_lseek, G | fd, 5L, G | SEEK_SET) == 5, "lseek with garbage above fd, whence");
	CHECK(syscall(SYS_close, G | fd) == 0, "close with garbage above fd");
	CHECK_ERR(close(fd), EBADF, "and that fd is closed");
	CHECK_ERR(syscall(SYS_close, 0x12345678ffffffffL), EBADF, "fd -1 with garbage: EBADF");
	CHECK(syscall(SYS_kill, G | getpid(), G | 0) == 0, "kill(pid, 0) with garbage");
	mode_t old = umask(022);
	CHECK(syscall(SYS_umask, G | 077) == 022, "umask with garbage");
	CHECK(umask(old) == 077, "umask took the low bits");
}

static void dev_full(void)
{
	char buf[64];
	int fd = open("/dev/full", O_RDWR);

	CHECK(fd >= 0, "open /dev/full");
	memset(buf, 'x', sizeof buf);
	CHECK(read(fd, buf, sizeof buf) == sizeof buf && buf[0] == 0 && buf[63] == 0,
	      "/dev/full reads zeros");
	CHECK_ERR(write(fd, buf, 1), ENOSPC, "a write to /dev/full: ENOSPC");
	close(fd);
	fd = open("/dev/zero", O_RDWR);
	CHECK(fd >= 0 && write(fd, buf, sizeof buf) == sizeof buf, "/dev/zero takes writes");
	close(fd);
}

static unsigned int where(void)
{
	unsigned int cpu = ~0u;
	CHECK(syscall(SYS_getcpu, &cpu, NULL, NULL) == 0, "getcpu");
	return cpu;
}

/* Cpus_allowed_list of /proc/self/status */
static int allowed_list(char *out, size_t n)
{
	static char st[4096];
	int fd = open("/proc/self/status", O_RDONLY);
	ssize_t len = fd >= 0 ? read(fd, st, sizeof st - 1) : -1;
	char *p;

	close(fd);
	if (len <= 0)
		return -1;
	st[len] = 0;
	if (!(p = strstr(st, "Cpus_allowed_list:\t")))
		return -1;
	p += strlen("Cpus_allowed_list:\t");
	snprintf(out, n, "%.*s", (int)strcspn(p, "\n"), p);
	return 0;
}

static void affinity(void)
{
	cpu_set_t all, one, got;
	char list[64], want[16];
	int n = 0;

	CHECK(sched_getaffinity(0, sizeof all, &all) == 0, "sched_getaffinity");
	CHECK(CPU_COUNT(&all) >= 1, "at least one cpu allowed");
	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 4, &got), EINVAL, "a 4-byte mask: EINVAL");
	CPU_ZERO(&one);
	CHECK_ERR(sched_setaffinity(0, sizeof one, &one), EINVAL, "an empty mask: EINVAL");
	CHECK_ERR(sched_setaffinity(999999, sizeof all, &all), ESRCH, "no such pid: ESRCH");
	for (int c = 0; c < CPU_SETSIZE && n < 4; c++) {
		if (!CPU_ISSET(c, &all))
			continue;
		n++;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		CHECK(sched_setaffinity(0, sizeof one, &one) == 0, "sched_setaffinity to one cpu");
		for (int i = 0; i < 20; i++) {
			CHECK(where() == (unsigned)c, "runs on the one cpu it may use");
			sched_yield();
		}
		CHECK(sched_getaffinity(0, sizeof got, &got) == 0 && CPU_EQUAL(&got, &one),
		      "sched_getaffinity returns the new mask");
		snprintf(want, sizeof want, "%d", c);
		CHECK(allowed_list(list, sizeof list) == 0 && strcmp(list, want) == 0,
		      "/proc/self/status: Cpus_allowed_list is that cpu");
		pid_t kid = fork();
		CHECK(kid >= 0, "fork");
		if (kid == 0) {
			int ok = sched_getaffinity(0, sizeof got, &got) == 0 && CPU_EQUAL(&got, &one);
			for (int i = 0; i < 20 && ok; i++, sched_yield())
				ok = where() == (unsigned)c;
			_exit(ok ? 0 : 1);
		}
		int status;
		CHECK(waitpid(kid, &status, 0) == kid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "a child inherits the mask and stays on that cpu");
	}
	CHECK(sched_setaffinity(0, sizeof all, &all) == 0, "all cpus again");
}

int main(void)
{
	struct utsname u;
	upper_halves();
	dev_full();
	affinity();
	CHECK(uname(&u) == 0, "uname");
	CHECK(terminated(u.sysname, sizeof u.sysname) && u.sysname[0], "sysname");
	CHECK(terminated(u.nodename, sizeof u.nodename), "nodename");
	CHECK(terminated(u.release, sizeof u.release), "release");
	CHECK(terminated(u.version, sizeof u.version), "version");
	CHECK(terminated(u.machine, sizeof u.machine), "machine");

	/* monotonic clock never goes back; nanosleep(20ms) advances it */
	struct timespec a, b, req = { 0, 20 * 1000 * 1000 };
	CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0, "clock_gettime");
	for (int i = 0; i < 1000; i++) {
		CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0, "clock_gettime");
		CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec),
		      "monotonic clock went backwards");
		CHECK(b.tv_nsec >= 0 && b.tv_nsec < 1000000000, "tv_nsec in range");
		a = b;
	}
	CHECK(syscall(SYS_nanosleep, &req, NULL) == 0, "nanosleep");
	CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0, "clock_gettime");
	long long ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
	CHECK(ns >= 20 * 1000 * 1000, "nanosleep(20ms) slept at least 20ms");
	CHECK(ns < 10LL * 1000 * 1000 * 1000, "nanosleep(20ms) took under 10 s");
	struct timespec rt;
	CHECK(clock_gettime(CLOCK_REALTIME, &rt) == 0, "CLOCK_REALTIME");
	req.tv_nsec = 1000000000;
	CHECK_ERR(syscall(SYS_nanosleep, &req, NULL), EINVAL, "nanosleep bad tv_nsec");

	/* getrandom */
	unsigned char r1[64], r2[64];
	memset(r1, 0, sizeof r1);
	memset(r2, 0, sizeof r2);
	CHECK(getrandom(r1, sizeof r1, 0) == sizeof r1, "getrandom");
	CHECK(getrandom(r2, sizeof r2, 0) == sizeof r2, "getrandom again");
	int nz = 0;
	for (int i = 0; i < 64; i++)
		nz += r1[i] != 0;
	CHECK(nz > 0, "getrandom bytes not all zero");
	CHECK(memcmp(r1, r2, sizeof r1) != 0, "two getrandom calls differ");

	/* getpid/getppid across fork */
	pid_t me = getpid(), parent = getppid();
	CHECK(me > 0 && parent >= 0 && me != parent, "getpid/getppid");
	CHECK(getpid() == me, "getpid stable");
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	pid_t kid = fork();
	CHECK(kid >= 0, "fork");
	if (kid == 0) {
		pid_t v[2] = { getpid(), getppid() };
		write(p[1], v, sizeof v);
		_exit(0);
	}
	pid_t v[2];
	CHECK(read(p[0], v, sizeof v) == sizeof v, "read pids");
	CHECK(v[0] == kid && v[1] == me, "child's getpid/getppid");
	t_wait(kid);
	close(p[0]);
	close(p[1]);

	/* prlimit64 */
	struct rlimit rl;
	CHECK(prlimit(0, RLIMIT_STACK, NULL, &rl) == 0, "prlimit RLIMIT_STACK");
	CHECK(rl.rlim_cur > 0 && rl.rlim_cur <= rl.rlim_max, "RLIMIT_STACK values");
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > 2, "RLIMIT_NOFILE");

	/* unknown syscall, sched_yield, sysinfo, ids */
	CHECK_ERR(syscall(1000), ENOSYS, "syscall(1000) -> ENOSYS");
	CHECK_ERR(syscall(5000, 1, 2, 3), ENOSYS, "syscall(5000) -> ENOSYS");
	for (int i = 0; i < 10; i++)
		CHECK(sched_yield() == 0, "sched_yield");
	struct sysinfo si;
	CHECK(sysinfo(&si) == 0, "sysinfo");
	CHECK(si.totalram > 0 && si.freeram <= si.totalram, "sysinfo ram");
	CHECK((int)getuid() >= 0 && (int)geteuid() >= 0, "getuid/geteuid");
	CHECK((int)getgid() >= 0 && (int)getegid() >= 0, "getgid/getegid");
	t_ok("misc");
	return 0;
}
