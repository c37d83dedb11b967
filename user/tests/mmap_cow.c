/* mmap_cow.c - copy-on-write and sharing:
 *  - fork of a process with up to 64 MiB of anonymous memory copies no
 *    page (free memory barely moves), the child's writes copy exactly
 *    the written pages (pgcow_copy), the parent's later writes reuse its
 *    pages once the child is gone (pgcow_reuse), and neither side ever
 *    sees the other's stores; after munmap all the memory is back;
 *  - reading untouched anonymous memory maps the zero page (no memory
 *    used, nothing in smaps' Rss);
 *  - MAP_SHARED|MAP_ANONYMOUS and MAP_SHARED of /dev/zero are shared
 *    across fork both ways, a private /dev/zero mapping is not;
 *  - two instances of this program share its text pages: smaps shows
 *    them shared (Shared_Clean/Dirty, Pss split) in both.
 * Counter and free-memory checks run on this kernel only. */
#define _GNU_SOURCE
#include <sys/sysinfo.h>
#include "mmt.h"

#define MiB (1024L * 1024)

static long free_pages(void)
{
	return vmstat("nr_free_pages");
}

static void cow_fork(void)
{
	struct sysinfo si;
	CHECK(sysinfo(&si) == 0, "sysinfo");
	long size = (long)si.freeram * si.mem_unit / 4;
	size = size > 64 * MiB ? 64 * MiB : size & ~(MiB - 1);
	long nr = size / PG, written = 100, start = free_pages();
	unsigned char *a = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
	CHECK(a != MAP_FAILED, "mmap");
	for (long i = 0; i < nr; i++)
		a[i * PG] = (unsigned char)i, a[i * PG + PG - 1] = 1;
	int o = ours();
	long free0 = free_pages(), copy0 = vmstat("pgcow_copy"), reuse0 = vmstat("pgcow_reuse");
	fflush(NULL);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		if (o && free0 - free_pages() > 512)
			_exit(10);	/* fork copied pages */
		for (long i = 0; i < nr; i++)
			if (a[i * PG] != (unsigned char)i)
				_exit(11);
		long copy1 = vmstat("pgcow_copy");
		for (long i = 0; i < written; i++)
			a[i * (nr / written) * PG + 5] = 0xee;
		long copies = vmstat("pgcow_copy") - copy1;
		if (o && (copies < written || copies > written + 16))
			_exit(12);	/* not exactly the written pages (give or take the stack) */
		if (o && free0 - free_pages() > 512 + written + 64)
			_exit(13);
		_exit(0);
	}
	int st = t_wait(pid);
	CHECK(WIFEXITED(st), "child exited");
	CHECK(WEXITSTATUS(st) != 10, "fork copied no page");
	CHECK(WEXITSTATUS(st) != 11, "child sees the parent's data");
	CHECK(WEXITSTATUS(st) != 12, "the child's writes copied exactly the written pages");
	CHECK(WEXITSTATUS(st) == 0, "free memory moved only by the copies");
	for (long i = 0; i < nr; i++)
		CHECK(a[i * PG] == (unsigned char)i && a[i * PG + 5] == 0, "child's stores invisible");
	long copy1 = vmstat("pgcow_copy");
	for (long i = 0; i < nr; i++)
		a[i * PG + 7] = 1;	/* sole owner again: reuse, no copy */
	if (o) {
		CHECK(vmstat("pgcow_copy") - copy1 < 16, "no copies once the child is gone");
		CHECK(vmstat("pgcow_reuse") - reuse0 >= nr - 16, "pages reused in place");
		CHECK(copy1 - copy0 >= written, "the copies were counted");
	}
	CHECK(munmap(a, size) == 0, "munmap");
	if (o)	/* every copy, every shared page and every reuse accounted for */
		CHECK(start - free_pages() < 64, "all the memory came back");
}

static void zero_page(void)
{
	long n = 1000;
	volatile unsigned char *a = mmap(NULL, n * PG, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED, "mmap");
	long free0 = free_pages();
	for (long i = 0; i < n; i++)
		CHECK(a[i * PG + 9] == 0, "untouched anonymous memory reads zero");
	if (ours())
		CHECK(free0 - free_pages() < 64, "reads use no memory (the zero page)");
	long rss = smaps_field((void *)a, "Rss");
	CHECK(rss == 0 || (rss < 0 && !ours()), "the zero page is not in Rss");
	a[5 * PG] = 1;
	CHECK(a[5 * PG] == 1 && a[6 * PG] == 0 && a[4 * PG] == 0, "a store copies just that page");
	rss = smaps_field((void *)a, "Rss");
	CHECK(rss == 4 || (rss < 0 && !ours()), "one page resident");
	if (rss >= 0) {
		CHECK(smaps_field((void *)a, "Private_Dirty") == 4, "smaps: private dirty");
		CHECK(smaps_field((void *)a, "Anonymous") == 4, "smaps: anonymous");
		CHECK(smaps_field((void *)a, "Shared_Dirty") == 0, "smaps: not shared");
	}
	munmap((void *)a, n * PG);
}

/* Shared across fork, both ways; fd < 0: MAP_SHARED|MAP_ANONYMOUS. */
static void shared_fork(int fd, int flags)
{
	int go[2], back[2];
	volatile char *s = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, flags, fd, 0);
	CHECK(s != MAP_FAILED, "mmap shared");
	CHECK(s[3 * PG] == 0, "starts zeroed");
	s[PG] = 1;
	CHECK(pipe(go) == 0 && pipe(back) == 0, "pipe");
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		if (s[PG] != 1)
			_exit(2);
		s[2 * PG] = 2;		/* for the parent */
		s[15 * PG + 5] = 3;	/* a page the parent never touched */
		if (write(back[1], "x", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(3);
		_exit(s[9 * PG] == 9 ? 0 : 4);	/* the parent's later store */
	}
	char c;
	CHECK(read(back[0], &c, 1) == 1, "child ready");
	int sh = flags & MAP_SHARED;
	CHECK(sh ? s[2 * PG] == 2 && s[15 * PG + 5] == 3 : s[2 * PG] == 0 && s[15 * PG + 5] == 0,
	      sh ? "child's stores seen by the parent" : "private: child's stores not seen");
	s[9 * PG] = 9;
	CHECK(write(go[1], "x", 1) == 1, "go");
	int st = t_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == (sh ? 0 : 4),
	      sh ? "parent's store seen by the child" : "private: parent's store not seen");
	close(go[0]); close(go[1]); close(back[0]); close(back[1]);
	munmap((void *)s, 16 * PG);
}

/* Instance mode: touch all of our text, say so on fd w, wait for a
 * byte on fd r, then report text Rss, Shared_Clean and Pss on w. */
extern char __executable_start[], etext[];
static int instance(int r, int w)
{
	unsigned long sum = 0;
	for (char *p = __executable_start; p < etext; p += PG)
		sum += *(volatile char *)p;
	char c = (char)sum;
	if (write(w, &c, 1) != 1 || read(r, &c, 1) != 1)
		return 2;
	/* (a RAM file system's pages are dirty for good: count both kinds) */
	long v[3] = { smaps_field((void *)instance, "Rss"),
		      smaps_field((void *)instance, "Shared_Clean") +
		      smaps_field((void *)instance, "Shared_Dirty"),
		      smaps_field((void *)instance, "Pss") };
	return write(w, v, sizeof(v)) == sizeof(v) ? 0 : 3;
}

static void text_shared(const char *self)
{
	int go[2], back[2];
	pid_t pid[2];
	CHECK(pipe(go) == 0 && pipe(back) == 0, "pipe");
	for (int i = 0; i < 2; i++) {
		fflush(NULL);
		if ((pid[i] = fork()) == 0) {
			char r[16], w[16];
			snprintf(r, sizeof(r), "%d", go[0]);
			snprintf(w, sizeof(w), "%d", back[1]);
			execl(self, self, "instance", r, w, (char *)NULL);
			_exit(127);
		}
		CHECK(pid[i] > 0, "fork");
	}
	close(go[0]);
	close(back[1]);
	char c[2];
	if (read(back[0], c, 1) != 1 && !ours()) {	/* no binfmt_misc: the host cannot exec it */
		for (int i = 0; i < 2; i++)
			t_wait(pid[i]);
		close(go[1]);
		close(back[0]);
		return;
	}
	CHECK(read(back[0], c + 1, 1) == 1, "both instances ready");
	CHECK(write(go[1], "xx", 2) == 2, "go");
	for (int i = 0; i < 2; i++) {
		long v[3];
		CHECK(read(back[0], v, sizeof(v)) == sizeof(v), "instance report");
		if (v[0] < 0 && !ours())
			continue;	/* qemu-user shows no guest smaps */
		printf("mmap_cow: instance %d text: Rss %ld kB, Shared %ld kB, Pss %ld kB\n", i,
		       v[0], v[1], v[2]);
		CHECK(v[0] > 0, "text resident");
		CHECK(v[1] >= v[0] * 3 / 4, "text pages shared between the instances");
		CHECK(v[2] <= v[0] * 2 / 3, "Pss counts a share of each text page");
	}
	for (int i = 0; i < 2; i++) {
		int st = t_wait(pid[i]);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "instance exit");
	}
	close(go[1]);
	close(back[0]);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "instance"))
		return instance(atoi(argv[2]), atoi(argv[3]));
	cow_fork();
	zero_page();
	shared_fork(-1, MAP_SHARED | MAP_ANONYMOUS);
	int z = open("/dev/zero", O_RDWR);
	CHECK(z >= 0, "open /dev/zero");
	shared_fork(z, MAP_SHARED);
	shared_fork(z, MAP_PRIVATE);
	close(z);
	text_shared("/tests/mmap_cow");
	t_ok("mmap_cow");
	return 0;
}
