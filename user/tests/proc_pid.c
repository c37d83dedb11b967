/* proc_pid.c - /proc/PID and the files ps, top and free read: a child's
 * stat (pid, name, parent, state R/S/T/Z, process group), cmdline and
 * environ, the fd links, cwd and exe, task/ of a threaded process,
 * /proc/self and thread-self, /proc/stat, loadavg, uptime, cpuinfo; and
 * the times behind them (times, getrusage, sysinfo) growing with work.
 * Also runs under qemu-riscv64 on Linux: qemu-user answers /proc/self
 * itself and every process there is named qemu-riscv64, so the checks of
 * names, /proc/self and other processes' memory are ours-only, keyed on
 * the "[sigpage]" mapping Linux does not have. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include "t.h"

static char buf[65536];
static int ours;

static long slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	long n = 0, r;

	if (fd < 0)
		return -1;
	while (n < (long)sizeof(buf) - 1 && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += r;
	close(fd);
	buf[n] = 0;
	return n;
}

/* Fields of /proc/PID/stat after "(comm)": state is field 3. */
struct pstat {
	int pid, ppid, pgrp, session, threads;
	char comm[64], state;
	unsigned long utime, stime, starttime, vsize;
	long rss;
};

static int read_stat(pid_t pid, struct pstat *s)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (slurp(path) <= 0)
		return -1;
	char *l = strchr(buf, '('), *r = strrchr(buf, ')');
	if (!l || !r)
		return -1;
	memset(s, 0, sizeof(*s));
	s->pid = atoi(buf);
	snprintf(s->comm, sizeof(s->comm), "%.*s", (int)(r - l - 1), l + 1);
	return sscanf(r + 2, "%c %d %d %d %*d %*d %*u %*u %*u %*u %*u %lu %lu %*d %*d %*d %*d "
		      "%d %*d %lu %lu %ld", &s->state, &s->ppid, &s->pgrp, &s->session,
		      &s->utime, &s->stime, &s->threads, &s->starttime, &s->vsize,
		      &s->rss) == 10 ? 0 : -1;
}

static void wait_state(pid_t pid, char want)
{
	struct pstat s;
	for (int i = 0; i < 500; i++) {
		if (read_stat(pid, &s) == 0 && s.state == want)
			return;
		t_sleep_ms(10);
	}
	CHECK(0, "child reached the expected state");
}

/* Linux 6.1's layouts of a process's stat, statm, status and maps (the
 * child's, where qemu-user does not stand in for the host's files). */
static void check_formats(pid_t pid)
{
	static const char *const keys[] = {	/* status: in this order */
		"Name", "Umask", "State", "Tgid", "Ngid", "Pid", "PPid", "TracerPid", "Uid",
		"Gid", "FDSize", "Groups", "NStgid", "NSpid", "NSpgid", "NSsid", "VmSize",
		"VmLck", "VmPin", "VmRSS", "VmData", "VmStk", "VmExe", "VmLib", "VmSwap",
		"Threads", "SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt", "CapInh", "CapPrm",
		"CapEff", "CapBnd", "CapAmb", "Cpus_allowed", "Cpus_allowed_list",
		"voluntary_ctxt_switches", "nonvoluntary_ctxt_switches",
	};
	char path[64], key[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	CHECK(slurp(path) > 0 && strchr(buf, ')'), "stat");
	int n = 0;
	for (char *p = strrchr(buf, ')') + 1; *p && *p != '\n'; p++)
		n += *p == ' ';
	CHECK(n == 50, "stat: 52 fields");
	snprintf(path, sizeof(path), "/proc/%d/statm", pid);
	unsigned long v[8];
	CHECK(slurp(path) > 0 && sscanf(buf, "%lu %lu %lu %lu %lu %lu %lu %lu", &v[0], &v[1],
					 &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 7,
	      "statm: 7 numbers");
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	CHECK(slurp(path) > 0, "status");
	const char *p = buf;
	for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(key, sizeof(key), "%s%s:\t", i ? "\n" : "", keys[i]);
		const char *q = strstr(p, key);
		if (!q)
			fprintf(stderr, "status has no %s after %.20s\n", keys[i], p);
		CHECK(q && (i || q == buf), "status: Linux's keys in Linux's order");
		p = q + 1;
	}
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	CHECK(slurp(path) > 0, "maps");
	for (char *l = buf; *l; l = strchr(l, '\n') + 1) {
		unsigned long start, end, off, ino;
		unsigned int major, minor;
		char perm[8];
		int name = 0;
		CHECK(sscanf(l, "%lx-%lx %7s %lx %x:%x %lu%n", &start, &end, perm, &off, &major,
			     &minor, &ino, &name) == 7 && start < end && strlen(perm) == 4,
		      "maps: start-end perms offset major:minor inode");
		while (l[name] == ' ')
			name++;
		CHECK(l[name] == '\n' || name == 73, "maps: a name starts at column 74");
		struct stat st;	/* the program's own file: its device and inode */
		if (ours && strstr(l, "/proc_pid\n") && stat("/tests/proc_pid", &st) == 0)
			CHECK(major == major(st.st_dev) && minor == minor(st.st_dev) &&
			      ino == st.st_ino, "maps: the file's device and inode");
		if (!strchr(l, '\n'))
			break;
	}
}

/* The child of test_child: say it runs, then wait for signals. */
static void child_main(void)
{
	CHECK(write(7, "x", 1) == 1, "child: write");
	for (;;)
		pause();
}

/* A child that pauses: its stat, state changes, cmdline, environ, fds. */
static void test_child(void)
{
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		char *argv[] = { "/tests/proc_pid", "child-arg", "x y", NULL };
		char *envp[] = { "PROC_PID_TEST=42", "B=2", NULL };
		dup2(p[1], 7);
		if (ours)	/* qemu-user cannot exec a riscv64 program */
			execve(argv[0], argv, envp);
		child_main();
	}
	close(p[1]);
	char c;
	CHECK(read(p[0], &c, 1) == 1, "child started");
	struct pstat s;
	wait_state(pid, 'S');
	CHECK(read_stat(pid, &s) == 0, "child's stat");
	CHECK(s.pid == pid && s.ppid == getpid(), "stat: pid and parent");
	CHECK(s.pgrp == getpgrp() && s.session == getsid(0), "stat: group and session");
	CHECK(s.vsize > 0 && s.rss > 0, "stat: vsize, rss");
	CHECK(!ours || s.threads == 1, "stat: one thread");	/* qemu-user has its own */
	check_formats(pid);
	if (ours) {
		CHECK(!strcmp(s.comm, "proc_pid"), "stat: comm");
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
		long n = slurp(path);
		static const char want[] = "/tests/proc_pid\0child-arg\0x y";
		CHECK(n == sizeof(want) && !memcmp(buf, want, n), "cmdline: the argv strings");
		snprintf(path, sizeof(path), "/proc/%d/environ", pid);
		n = slurp(path);
		CHECK(n == 21 && !memcmp(buf, "PROC_PID_TEST=42\0B=2", 21), "environ");
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		CHECK(slurp(path) > 0 && !strcmp(buf, "proc_pid\n"), "comm");
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
		CHECK(slurp(path) > 0 && strstr(buf, "State:\tS (sleeping)\n") &&
		      strstr(buf, "Name:\tproc_pid\n"), "status: name and state");
		char link[256];
		snprintf(path, sizeof(path), "/proc/%d/fd/7", pid);
		ssize_t l = readlink(path, link, sizeof(link) - 1);
		CHECK(l > 0 && (link[l] = 0, !strncmp(link, "pipe:[", 6)), "fd/7 is the pipe");
		snprintf(path, sizeof(path), "/proc/%d/exe", pid);
		l = readlink(path, link, sizeof(link) - 1);
		CHECK(l > 0 && (link[l] = 0, strstr(link, "proc_pid")), "exe names the program");
	}
	CHECK(kill(pid, SIGSTOP) == 0, "SIGSTOP");
	wait_state(pid, 'T');
	CHECK(kill(pid, SIGCONT) == 0, "SIGCONT");
	wait_state(pid, 'S');
	CHECK(kill(pid, SIGTERM) == 0, "SIGTERM");
	wait_state(pid, 'Z');
	CHECK(t_wait(pid) == SIGTERM, "child killed by SIGTERM");
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d", pid);
	struct stat st;
	CHECK_ERR(stat(path, &st), ENOENT, "a reaped child's directory is gone");
	close(p[0]);
	t_ok("child");
}

/* /proc lists us; our directory has the usual entries; self links. */
static void test_listing(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int me = 0, meminfo = 0;
	char name[32];
	CHECK(d, "opendir /proc");
	snprintf(name, sizeof(name), "%d", getpid());
	while ((e = readdir(d))) {
		me |= !strcmp(e->d_name, name) && e->d_type == DT_DIR;
		meminfo |= !strcmp(e->d_name, "meminfo");
	}
	closedir(d);
	CHECK(me && meminfo, "/proc lists us and meminfo");
	char path[64], want[32];
	const char *names[] = { "stat", "status", "cmdline", "comm", "maps", "statm", "environ",
				"fd", "cwd", "exe", "root", "task" };
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct stat st;
		snprintf(path, sizeof(path), "/proc/%d/%s", getpid(), names[i]);
		CHECK(lstat(path, &st) == 0, path);
	}
	if (ours) {
		char link[64];
		ssize_t l = readlink("/proc/self", link, sizeof(link) - 1);
		CHECK(l > 0 && (link[l] = 0, !strcmp(link, name)), "/proc/self -> our pid");
		snprintf(want, sizeof(want), "%d/task/%d", getpid(), (int)gettid());
		l = readlink("/proc/thread-self", link, sizeof(link) - 1);
		CHECK(l > 0 && (link[l] = 0, !strcmp(link, want)), "/proc/thread-self");
		CHECK(chdir("/proc/self/fd") == 0, "chdir into /proc/self/fd");
		char cwd[128];
		snprintf(want, sizeof(want), "/proc/%d/fd", getpid());
		CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, want), "getcwd in /proc/PID/fd");
		CHECK(chdir("/") == 0, "chdir /");
	}
	CHECK(slurp("/proc/self/statm") > 0, "statm");
	unsigned long size, res;
	CHECK(sscanf(buf, "%lu %lu", &size, &res) == 2 && res > 0 && res <= size, "statm sizes");
	t_ok("listing");
}

static volatile int spin_stop;

static void *spinner(void *arg)
{
	while (!spin_stop)
		;
	return arg;
}

/* task/ lists both threads; the thread's own directory works too. */
static void test_threads(void)
{
	pthread_t th;
	CHECK(pthread_create(&th, NULL, spinner, NULL) == 0, "pthread_create");
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", getpid());
	int n = 0;
	for (int i = 0; i < 200 && n < 2; i++) {
		DIR *d = opendir(path);
		struct dirent *e;
		CHECK(d, "opendir task/");
		n = 0;
		while ((e = readdir(d)))
			n += e->d_name[0] != '.';
		closedir(d);
	}
	CHECK(ours ? n == 2 : n >= 2, "task/ has both threads");	/* and qemu-user's */
	struct pstat s;
	CHECK(!ours || (read_stat(getpid(), &s) == 0 && s.threads == 2),
	      "stat: num_threads");	/* qemu-user makes up its own stat */
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", getpid(), (int)gettid());
	CHECK(slurp(path) > 0 && atoi(buf) == gettid(), "task/TID/stat");
	spin_stop = 1;
	pthread_join(th, NULL);
	t_ok("threads");
}

/* Spin until this thread has used ms of CPU (or 30 s have passed). */
static void burn(long ms)
{
	struct timespec c;
	double end = t_now() + 30;
	volatile unsigned long x = 0;
	do {
		for (int i = 0; i < 100000; i++)
			x++;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c);
	} while (c.tv_sec * 1000 + c.tv_nsec / 1000000 < ms && t_now() < end);
}

/* The clock of this process, children, the system: all move with work. */
static void test_times(void)
{
	struct tms t0, t1;
	struct rusage ru;
	clock_t c0 = times(&t0);
	burn(300);
	clock_t c1 = times(&t1);
	CHECK(c1 > c0, "times() returns a growing clock");
	CHECK(t1.tms_utime + t1.tms_stime > t0.tms_utime + t0.tms_stime, "our CPU time grew");
	CHECK(getrusage(RUSAGE_SELF, &ru) == 0 && ru.ru_utime.tv_sec + ru.ru_utime.tv_usec > 0,
	      "getrusage: user time");
	pid_t pid = fork();
	if (pid == 0) {
		burn(300);
		_exit(0);
	}
	int st;
	struct rusage cru;
	CHECK(wait4(pid, &st, 0, &cru) == pid && st == 0, "wait4");
	CHECK(cru.ru_utime.tv_sec * 1000000 + cru.ru_utime.tv_usec +
	      cru.ru_stime.tv_sec * 1000000 + cru.ru_stime.tv_usec >= 250000,
	      "wait4's rusage: the child's 0.3 s of CPU");
	CHECK(times(&t1) && t1.tms_cutime + t1.tms_cstime >= sysconf(_SC_CLK_TCK) / 4,
	      "times: children's time");
	struct sysinfo si;
	CHECK(sysinfo(&si) == 0 && si.uptime > 0 && si.procs > 0 && si.totalram > 0,
	      "sysinfo");
	t_ok("times");
}

/* /proc/stat, loadavg, uptime, cpuinfo: Linux's formats. */
static void test_system(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	CHECK(slurp("/proc/stat") > 0, "/proc/stat");
	unsigned long user, nice, sys, idle;
	CHECK(sscanf(buf, "cpu %lu %lu %lu %lu", &user, &nice, &sys, &idle) == 4,
	      "stat: the cpu line");
	int lines = 0;
	for (char *p = buf; (p = strstr(p, "\ncpu")); p++)
		lines++;
	CHECK(lines >= ncpu, "stat: a line per cpu");
	char *ctxt = strstr(buf, "\nctxt "), *procs = strstr(buf, "\nprocesses ");
	CHECK(ctxt && procs && strstr(buf, "\nbtime ") && strstr(buf, "\nprocs_running "),
	      "stat: ctxt, btime, processes, procs_running");
	long forks0 = atol(procs + 11);
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	t_wait(pid);
	CHECK(slurp("/proc/stat") > 0 && atol(strstr(buf, "\nprocesses ") + 11) > forks0,
	      "stat: processes counts a fork");
	double l1, l5, l15;
	int run, total, last;
	CHECK(slurp("/proc/loadavg") > 0 &&
	      sscanf(buf, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &run, &total, &last) == 6 &&
	      run >= 1 && total >= run && last > 0, "loadavg");
	double up, idl;
	CHECK(slurp("/proc/uptime") > 0 && sscanf(buf, "%lf %lf", &up, &idl) == 2 && up > 0,
	      "uptime");
	CHECK(slurp("/proc/cpuinfo") > 0 && strstr(buf, "processor"), "cpuinfo");
	if (ours)
		CHECK(strstr(buf, "hart\t\t: ") && strstr(buf, "isa\t\t: rv64"), "cpuinfo: hart, isa");
	CHECK(slurp("/proc/version") > 0 && !strncmp(buf, "Linux version ", 14), "version");
	CHECK(slurp("/proc/sys/kernel/pid_max") > 0 && atoi(buf) > 0, "pid_max");
	t_ok("system");
}

int main(int argc, char **argv)
{
	if (argc > 1)		/* test_child's child, after execve */
		child_main();
	ours = slurp("/proc/self/maps") > 0 && strstr(buf, "[sigpage]") != NULL;
	test_listing();
	test_child();
	test_threads();
	test_times();
	test_system();
	printf("proc_pid: all ok\n");
	return 0;
}
