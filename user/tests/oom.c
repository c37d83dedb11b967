/* oom.c - running out of memory ends in an error or the OOM rule, never
 * a hang, and keeps the reserve (docs/memory.md).
 * write_fill: a 2 GiB pwrite from a shared anonymous mapping into a
 * ramfs file (no size limit) needs two pages per page written; the fuzzer
 * found it took minutes (every allocation walked every ramfs page on the
 * LRU) and emptied the reserve kept for GFP_ATOMIC. It must end short
 * (or ENOMEM/EFAULT) with half the reserve (MemTotal/128) still free,
 * and the memory comes back with the file and the mapping.
 * fault_fill: a process touching more anonymous memory than there is is
 * killed with SIGKILL by the OOM killer, /proc/vmstat's oom_kill counts
 * it, its memory comes back.
 * oom_pick: the OOM killer picks the process with the most memory, not
 * the one whose fault found none: a hog holding 80% of free memory
 * sleeps while a smaller process touches 60% more; the hog dies of
 * SIGKILL, the toucher finishes.
 * oom_storm: four processes at once each touch 40% of free memory: the
 * killer kills some (each counted once in oom_kill), never the test
 * itself, and at least one finishes. All four parts fill memory: under
 * qemu-user (the host's memory) only the counter's presence is checked. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include "t.h"

#define GiB (1024L * 1024 * 1024)

static struct result { long n, err, left, total; } *res;	/* shared with the parent */

/* Memory stays full until the file goes: any page the child then faults
 * in (glibc's data, its stack) kills it by the OOM rule, as Linux's OOM
 * killer would pick it (it holds the memory). So it reports through a
 * page shared with the parent before anything else. */
static void write_fill(void)
{
	char *src = mmap(NULL, 2 * GiB, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(src != MAP_FAILED, "mmap 2 GiB shared anonymous");
	int fd = open("/tmp/oom_fill", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0, "open /tmp/oom_fill");
	ssize_t n = pwrite(fd, src + 1234, 0x7ffff000, 0x100000);
	res->err = n < 0 ? errno : 0;
	struct sysinfo si;	/* a system call that allocates nothing */
	if (sysinfo(&si) == 0) {
		res->left = si.freeram * si.mem_unit / 1024;
		res->total = si.totalram * si.mem_unit / 1024;
	}
	res->n = n;
	close(fd);
	unlink("/tmp/oom_fill");
	_exit(0);
}

static void fault_fill(void)
{
	long len = (t_meminfo("MemTotal:") + 64 * 1024) * 1024;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap more than memory");
	for (long o = 0; o < len; o += 4096)
		p[o] = 1;
	_exit(0);		/* not reached: there is not that much memory */
}

static long hog_len, toucher_len;
static volatile char *hog_ready;	/* in the shared result page */

static void touch(long len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap");
	for (long o = 0; o < len; o += 4096)
		p[o] = 1;
}

static void hog(void)
{
	touch(hog_len);
	*hog_ready = 1;
	for (;;)
		pause();
}

static void toucher(void)
{
	touch(toucher_len);	/* smaller than the hog at any time */
}

/* The toucher's fault finds no memory while the hog holds more. */
static void oom_pick(long ooms)
{
	long free0 = t_meminfo("MemFree:");
	hog_len = free0 * 1024 / 10 * 8;
	toucher_len = free0 * 1024 / 10 * 6;
	hog_ready = (volatile char *)(res + 1);
	*hog_ready = 0;
	pid_t h = t_start(hog);
	for (int i = 0; i < 6000 && !*hog_ready; i++)
		t_sleep_ms(20);
	CHECK(*hog_ready, "the hog touched its memory (in 120 s)");
	int st = t_child_timeout(toucher, 120);
	printf("oom_pick: hog %ld kB, toucher %ld kB of %ld kB free; toucher status 0x%x\n",
	       hog_len >> 10, toucher_len >> 10, free0, st);
	kill(h, SIGKILL);	/* if it survived (a failure below) */
	int hst = t_wait(h);
	CHECK(st != -1, "the toucher ends (it ran 120 s)");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the toucher is not the one killed");
	CHECK(t_vmstat("oom_kill") == ooms + 1, "one process killed");
	CHECK(WIFSIGNALED(hst) && WTERMSIG(hst) == SIGKILL, "the hog died of SIGKILL");
	CHECK(t_meminfo("MemFree:") > free0 - 4096, "its memory came back");
	t_ok("oom_pick");
}

static long storm_len;

static void storm(void)
{
	touch(storm_len);
}

static void oom_storm(long ooms)
{
	long free0 = t_meminfo("MemFree:");
	pid_t pids[4];
	int killed = 0, done = 0;
	storm_len = free0 * 1024 / 10 * 4;
	for (int i = 0; i < 4; i++)
		pids[i] = t_start(storm);
	for (int i = 0; i < 4; i++) {
		int st = t_wait(pids[i]);
		killed += WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
		done += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	printf("oom_storm: 4 x %ld kB of %ld kB free: %d finished, %d killed\n", storm_len >> 10,
	       free0, done, killed);
	CHECK(done + killed == 4, "each one finishes or is killed");
	CHECK(killed >= 1 && done >= 1, "some are killed, at least one finishes");
	CHECK(t_vmstat("oom_kill") == ooms + killed, "each kill counted once");
	CHECK(t_meminfo("MemFree:") > free0 - 4096, "the memory came back");
	t_ok("oom_storm");
}

int main(void)
{
	CHECK(t_vmstat("oom_kill") >= 0, "/proc/vmstat has oom_kill");
	if (t_qemu_user()) {
		t_ok("oom (qemu-user: counter only)");
		return 0;
	}
	res = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(res != MAP_FAILED, "mmap result page");
	*res = (struct result){ -2, 0, 0, 0 };
	long free0 = t_meminfo("MemFree:"), ooms = t_vmstat("oom_kill");
	int st = t_child_timeout(write_fill, 120);
	unlink("/tmp/oom_fill");	/* if the OOM rule ended the child first */
	printf("write_fill: pwrite = %ld (errno %ld), %ld kB free of %ld; child status 0x%x\n",
	       res->n, res->err, res->left, res->total, st);
	CHECK(st != -1, "the write ends (did not in 120 s)");
	CHECK(res->n != -2, "the write returned");
	CHECK(res->n < 0x7ffff000, "a write bigger than memory ends short");
	CHECK(res->n > 0 || res->err == ENOMEM || res->err == EFAULT, "short, ENOMEM or EFAULT");
	CHECK(res->left >= res->total / 128, "half the reserve is left for GFP_ATOMIC");
	if (WIFSIGNALED(st)) {	/* after the write, by the OOM rule */
		CHECK(WTERMSIG(st) == SIGKILL, "only the OOM rule's SIGKILL");
		CHECK(t_vmstat("oom_kill") == ++ooms, "oom_kill counted it");
	} else {
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "write_fill exits 0");
		CHECK(t_vmstat("oom_kill") == ooms, "nobody was killed");
	}
	CHECK(t_meminfo("MemFree:") > free0 - 4096, "file and mapping gave their memory back");
	t_ok("write_fill");

	st = t_child_timeout(fault_fill, 120);
	CHECK(st != -1, "the OOM rule ends the toucher (it ran 120 s)");
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "killed by SIGKILL");
	CHECK(t_vmstat("oom_kill") == ooms + 1, "oom_kill counted it");
	CHECK(t_meminfo("MemFree:") > free0 - 4096, "its memory came back");
	t_ok("fault_fill");

	oom_pick(ooms + 1);
	oom_storm(ooms + 2);
	return 0;
}
