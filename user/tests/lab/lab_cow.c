/* lab_cow.c - the graded tests of the cow lab (docs/labs/cow.md): fork
 * shares a process's pages copy-on-write.
 *   fork:   a fork of up to 64 MiB of written anonymous memory copies
 *           no page (free memory barely moves, pgcow_copy stays) and the
 *           pages are shared (smaps Shared_Dirty) until the child exits;
 *   copies: the child's stores copy exactly the pages written, then the
 *           parent's stores do (its pages are shared too), and neither
 *           side sees the other's stores;
 *   reuse:  once the child is gone, the parent's stores reuse its pages
 *           in place (pgcow_reuse), no copy; munmap gives all back;
 *   chain:  three generations, each writing its own pages: every one
 *           sees only its own stores, each store copies once, and all
 *           the memory comes back when they are gone.
 * The counter and free-memory checks run on this kernel only. */
#define _GNU_SOURCE
#include <sys/sysinfo.h>
#include "mmt.h"
#include "labt.h"

#define MiB (1024L * 1024)
#define SLACK 16	/* copies the test's own stack and libc may cause */

static unsigned char *a;
static long nr;

static long free_pages(void)
{
	return vmstat("nr_free_pages");
}

/* Up to 64 MiB (a quarter of free memory at most) of anonymous memory,
 * every page written: byte 0 = page number, last byte 1. */
static void setup(void)
{
	struct sysinfo si;
	CHECK(sysinfo(&si) == 0, "sysinfo");
	long size = (long)si.freeram * si.mem_unit / 4;
	size = size > 64 * MiB ? 64 * MiB : size & ~(MiB - 1);
	nr = size / PG;
	a = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED, "mmap");
	for (long i = 0; i < nr; i++)
		a[i * PG] = (unsigned char)i, a[i * PG + PG - 1] = 1;
}

static void done(void)
{
	CHECK(munmap(a, nr * PG) == 0, "munmap");
}

/* Page i's byte at offset off holds val for i in pages[]; 0 (untouched)
 * for every other page; byte 0 is always the page number. */
static int view_ok(const long *pages, int n, int off, unsigned char val)
{
	int k = 0;
	for (long i = 0; i < nr; i++) {
		int mine = k < n && pages[k] == i;
		if (a[i * PG] != (unsigned char)i || a[i * PG + off] != (mine ? val : 0))
			return 0;
		k += mine;
	}
	return 1;
}

static void pick(long *pages, int n, int phase)
{
	for (int k = 0; k < n; k++)
		pages[k] = k * (nr / n) + phase;
}

static void sync_read(int fd)
{
	char c;
	if (read(fd, &c, 1) != 1) {	/* the other side died */
		int st = 0;
		wait(&st);
		fprintf(stderr, "FAIL: lab_cow: a process of the test died (status 0x%x)\n", st);
		_exit(9);
	}
}

static void sync_write(int fd)
{
	CHECK(write(fd, "x", 1) == 1, "pipe write");
}

static void part_fork(void)
{
	int o = ours(), up[2], down[2];
	setup();
	long free0 = free_pages(), copy0 = vmstat("pgcow_copy");
	CHECK(pipe(up) == 0 && pipe(down) == 0, "pipe");
	fflush(NULL);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		close(down[1]);
		long used = free0 - free_pages(), copies = vmstat("pgcow_copy") - copy0;
		for (long i = 0; i < nr; i++)
			if (a[i * PG] != (unsigned char)i || a[i * PG + PG - 1] != 1)
				_exit(3);
		if (o && used > 512) {
			fprintf(stderr, "lab_cow: the fork used %ld pages (of %ld mapped)\n", used, nr);
			_exit(4);
		}
		if (o && copies > SLACK)
			_exit(5);
		sync_write(up[1]);
		sync_read(down[0]);
		_exit(0);
	}
	close(up[1]);		/* a dead child means EOF, not a hang */
	sync_read(up[0]);
	long shared = smaps_field(a, "Shared_Dirty");
	sync_write(down[1]);
	int st = t_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) != 3, "the child sees the parent's memory");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) != 4, "fork copied no page (free memory)");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) != 5, "fork copied no page (pgcow_copy)");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child");
	if (o)
		CHECK(shared >= nr * 4 * 3 / 4, "smaps: the pages are shared with the child");
	done();
}

static void part_copies(void)
{
	int o = ours(), up[2], down[2];
	long mine[100], theirs[100];
	setup();
	pick(mine, 100, 1);
	pick(theirs, 100, 2);
	CHECK(pipe(up) == 0 && pipe(down) == 0, "pipe");
	fflush(NULL);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		long c0 = vmstat("pgcow_copy");
		for (int k = 0; k < 100; k++)
			a[mine[k] * PG + 5] = 0xc1;
		long copies = vmstat("pgcow_copy") - c0;
		if (o && (copies < 100 || copies > 100 + SLACK)) {
			fprintf(stderr, "lab_cow: 100 stores in the child copied %ld pages\n", copies);
			_exit(3);
		}
		if (!view_ok(mine, 100, 5, 0xc1))
			_exit(4);
		sync_write(up[1]);
		sync_read(down[0]);	/* the parent has stored into its pages */
		_exit(view_ok(mine, 100, 5, 0xc1) && view_ok(NULL, 0, 6, 0) ? 0 : 5);
	}
	close(up[1]);
	sync_read(up[0]);
	CHECK(view_ok(NULL, 0, 5, 0), "the child's stores are not seen by the parent");
	long c0 = vmstat("pgcow_copy");
	for (int k = 0; k < 100; k++)
		a[theirs[k] * PG + 6] = 0xa1;
	long copies = vmstat("pgcow_copy") - c0;
	if (o && (copies < 100 || copies > 100 + SLACK))
		fprintf(stderr, "lab_cow: 100 stores in the parent copied %ld pages\n", copies);
	CHECK(!o || (copies >= 100 && copies <= 100 + SLACK),
	      "the parent's stores into shared pages copy them");
	sync_write(down[1]);
	int st = t_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) != 3, "the child's stores copied exactly those pages");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) != 4, "the child sees its own stores");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the parent's stores are not seen by the child");
	CHECK(view_ok(theirs, 100, 6, 0xa1), "the parent sees its own stores");
	done();
}

static void part_reuse(void)
{
	int o = ours();
	long start = free_pages();
	setup();
	long copy0 = vmstat("pgcow_copy"), reuse0 = vmstat("pgcow_reuse");
	fflush(NULL);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0)
		_exit(0);
	int st = t_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child");
	for (long i = 0; i < nr; i++)
		a[i * PG + 7] = 1;	/* the only user again: reuse, no copy */
	long copies = vmstat("pgcow_copy") - copy0, reused = vmstat("pgcow_reuse") - reuse0;
	if (o)
		printf("lab_cow: %ld stores after the child exited: %ld reused, %ld copied\n", nr,
		       reused, copies);
	CHECK(!o || copies <= SLACK, "no copies once the child is gone");
	CHECK(!o || reused >= nr - SLACK, "the pages are reused in place (pgcow_reuse)");
	for (long i = 0; i < nr; i++)
		CHECK(a[i * PG] == (unsigned char)i && a[i * PG + 7] == 1, "data after reuse");
	done();
	CHECK(!o || start - free_pages() < 64, "munmap gave all the memory back");
}

/* Generation g writes its 50 pages (offset 8 + g, value 0x10 + g). */
static void generation(int g, long *copies)
{
	long pages[50], c0 = vmstat("pgcow_copy");
	pick(pages, 50, 3 + g);
	for (int k = 0; k < 50; k++)
		a[pages[k] * PG + 8 + g] = 0x10 + g;
	*copies = vmstat("pgcow_copy") - c0;
}

static int generation_ok(int g)
{
	long pages[50];
	pick(pages, 50, 3 + g);
	for (int h = 0; h < 3; h++)
		if (!view_ok(h == g ? pages : NULL, h == g ? 50 : 0, 8 + h, 0x10 + g))
			return 0;
	return 1;
}

/* Three generations, one after the other (the counters are global):
 * the grandchild stores, then the child, then the parent; then each
 * checks that it sees only its own stores. */
static void part_chain(void)
{
	int o = ours(), up[2], mid[2], down[2];
	long start = free_pages(), copies;
	setup();
	CHECK(pipe(up) == 0 && pipe(mid) == 0 && pipe(down) == 0, "pipe");
	fflush(NULL);
	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		pid_t grandchild = fork();
		if (grandchild < 0)
			_exit(2);
		int g = grandchild == 0 ? 2 : 1;
		if (g == 1) {
			close(mid[1]);	/* a dead grandchild means EOF, not a hang */
			sync_read(mid[0]);
		}
		generation(g, &copies);
		if (o && (copies < 50 || copies > 50 + SLACK))
			_exit(3);
		sync_write(g == 2 ? mid[1] : up[1]);
		close(up[1]);
		sync_read(down[0]);
		if (!generation_ok(g))
			_exit(4);
		if (g == 2)
			_exit(0);
		int st = t_wait(grandchild);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 6);
	}
	close(up[1]);
	close(mid[1]);
	sync_read(up[0]);
	generation(0, &copies);
	CHECK(!o || (copies >= 50 && copies <= 50 + SLACK), "the parent's stores copy");
	CHECK(generation_ok(0), "the parent sees only its own stores");
	sync_write(down[1]);
	sync_write(down[1]);
	int st = t_wait(child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) != 3, "each store in a descendant copies once");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) != 4, "each generation sees only its own stores");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "descendants");
	done();
	CHECK(!o || start - free_pages() < 64, "all the memory came back");
}

LAB_PARTS("lab_cow", { "fork", part_fork }, { "copies", part_copies }, { "reuse", part_reuse },
	  { "chain", part_chain })
