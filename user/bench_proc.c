/* bench_proc.c: process and anonymous-memory costs.
 *   bench_proc exec    fork, exec of a small static program (this one,
 *                      as "bench_proc exit", which exits at once) and
 *                      wait, 200 times: cell forkexec, per second
 *   bench_proc fault   a 64 MiB anonymous private mapping written one
 *                      byte per page (one page fault each) and unmapped,
 *                      8 times: cell pagefault, faults per second
 *   bench_proc forkexit  fork of a process with 64 MiB of written
 *                      anonymous memory, the child exiting at once, and
 *                      wait, 20 times: cell fork_exit_64m, per second
 *                      (copy-on-write shares the pages instead of
 *                      copying them) */
#include <sys/mman.h>
#include <sys/wait.h>
#include "bench.h"

static const char *self;	/* this program's path, for exec */

static void fork_exec(void)
{
	const int n = 200;
	double t0 = bench_now();
	for (int i = 0; i < n; i++) {
		int st;
		pid_t pid = fork();
		if (pid < 0)
			bench_die("fork");
		if (pid == 0) {
			execl(self, "bench_proc", "exit", (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
			bench_die("exec child");
	}
	bench_result("forkexec", n / (bench_now() - t0), "execs/s", "");
}

static void fault_loop(void)
{
	const size_t size = 64 * MiB;
	const int loops = 8;
	double t0 = bench_now();
	for (int i = 0; i < loops; i++) {
		char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		if (p == MAP_FAILED)
			bench_die("mmap");
		for (size_t off = 0; off < size; off += 4096)
			p[off] = 1;
		munmap(p, size);
	}
	bench_result("pagefault", loops * (size / 4096) / (bench_now() - t0), "faults/s", "");
}

static void fork_exit(void)
{
	const size_t size = 64 * MiB;
	const int n = 20;
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		bench_die("mmap");
	memset(p, 1, size);
	double t0 = bench_now();
	for (int i = 0; i < n; i++) {
		int st;
		pid_t pid = fork();
		if (pid < 0)
			bench_die("fork");
		if (pid == 0)
			_exit(p[size / 2] == 1 ? 0 : 1);
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
			bench_die("fork child");
	}
	bench_result("fork_exit_64m", n / (bench_now() - t0), "forks/s", "");
	munmap(p, size);
}

int main(int argc, char **argv)
{
	static const struct bench_mode modes[] = { { "exec", fork_exec }, { "fault", fault_loop },
						   { "forkexit", fork_exit } };
	if (argc == 2 && !strcmp(argv[1], "exit"))
		return 0;
	self = strchr(argv[0], '/') ? argv[0] : "/bin/bench_proc";
	return bench_main(argc, argv, modes, 3);
}
