/* lab_pgtbl.c - the graded tests of the pgtbl lab (docs/labs/pgtbl.md):
 * walking Sv39 page tables (/proc/self/pagemap) and moving PTEs (mremap).
 *   present: anonymous memory: untouched pages are absent, written ones
 *            present with their own frames and the exclusive bit, read
 *            ones map the zero page, unmapped ones are absent again;
 *   file:    a file's pages carry the file bit; two mappings of one
 *            cached page show one frame; a private store replaces it
 *            with an exclusive anonymous page;
 *   fork:    after fork the child's pages are the parent's frames, no
 *            longer exclusive; a store in the child gives it its own;
 *   sparse:  two pages 1 GiB apart and 1 GiB of nothing between them in
 *            one read: exactly the two; whole entries only (EINVAL);
 *            EOF past the user half;
 *   mremap:  moving 8 MiB of written memory moves its PTEs: the same
 *            frames at the new address, no page copied (free memory),
 *            the old range unmapped (SIGSEGV);
 *   mremap_file: a moved shared file mapping keeps mapping the file's
 *            cached pages (no faults when touched again) and its stores
 *            reach the file.
 * pagemap is checked on this kernel only; mremap on both. */
#define _GNU_SOURCE
#include <sys/wait.h>
#include "mmt.h"
#include "labt.h"

#define PM_PRESENT (1ULL << 63)
#define PM_FILE (1ULL << 61)
#define PM_EXCL (1ULL << 56)
#define PM_PFN(e) ((e) & ((1ULL << 55) - 1))
#define MiB (1024L * 1024)

static int o;

/* pagemap entries of the n pages from addr. */
static void pagemap(void *addr, long n, uint64_t *out)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	CHECK(fd >= 0, "open /proc/self/pagemap");
	off_t off = (uintptr_t)addr / PG * 8;
	CHECK(pread(fd, out, n * 8, off) == n * 8, "read /proc/self/pagemap");
	close(fd);
}

static uint64_t entry(void *addr)
{
	uint64_t e;
	pagemap(addr, 1, &e);
	return e;
}

static void part_present(void)
{
	o = ours();
	uint64_t e[64];
	char *a = mmap(NULL, 64 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED, "mmap");
	if (!o)
		return;
	pagemap(a, 64, e);
	for (int i = 0; i < 64; i++)
		CHECK(e[i] == 0, "untouched anonymous pages are not present");
	for (int i = 0; i < 32; i++)
		a[i * PG] = 1;
	volatile char c = a[40 * PG] + a[41 * PG];	/* reads: the zero page */
	(void)c;
	pagemap(a, 64, e);
	for (int i = 0; i < 32; i++) {
		if (!(e[i] & PM_PRESENT))
			fprintf(stderr, "lab_pgtbl: page %d: entry %016llx\n", i,
				(unsigned long long)e[i]);
		CHECK(e[i] & PM_PRESENT, "a written page is present");
		CHECK(PM_PFN(e[i]) != 0, "with its frame number");
		CHECK(e[i] & PM_EXCL, "mapped once: exclusive");
		CHECK(!(e[i] & PM_FILE), "anonymous: no file bit");
		for (int j = 0; j < i; j++)
			CHECK(PM_PFN(e[j]) != PM_PFN(e[i]), "each written page has its own frame");
	}
	CHECK((e[40] & PM_PRESENT) && PM_PFN(e[40]) == PM_PFN(e[41]) && !(e[40] & PM_EXCL),
	      "read pages map the one zero page, not exclusively");
	for (int i = 42; i < 64; i++)
		CHECK(e[i] == 0, "the pages nobody touched");
	CHECK(munmap(a, 64 * PG) == 0, "munmap");
	pagemap(a, 64, e);
	for (int i = 0; i < 64; i++)
		CHECK(e[i] == 0, "unmapped pages are not present");
}

static void part_file(void)
{
	o = ours();
	int fd = make_file("/tmp/lab_pgtbl", 8 * PG, 51);
	char buf[PG];
	CHECK(pread(fd, buf, PG, 0) == PG, "read: cached");
	char *m1 = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *m2 = mmap(NULL, 8 * PG, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m1 != MAP_FAILED && m2 != MAP_FAILED, "mmap");
	CHECK(m1[3 * PG] == (char)pat8(3 * PG, 51) && m2[3 * PG] == m1[3 * PG], "the file");
	if (o) {
		uint64_t a = entry(m1 + 3 * PG), b = entry(m2 + 3 * PG);
		CHECK((a & PM_PRESENT) && (a & PM_FILE), "a file page: present, the file bit");
		CHECK(PM_PFN(a) == PM_PFN(b), "two mappings of a page: one frame (the cache's)");
		CHECK(!(a & PM_EXCL) && !(b & PM_EXCL), "mapped twice: not exclusive");
	}
	m1[3 * PG] = 7;		/* a private copy */
	CHECK(m2[3 * PG] == (char)pat8(3 * PG, 51), "the file did not change");
	if (o) {
		uint64_t a = entry(m1 + 3 * PG), b = entry(m2 + 3 * PG);
		CHECK((a & PM_PRESENT) && PM_PFN(a) != PM_PFN(b), "the private store: its own frame");
		CHECK(!(a & PM_FILE) && (a & PM_EXCL), "anonymous and exclusive now");
		CHECK((b & PM_FILE) && (b & PM_EXCL), "the file's page is mapped once now");
	}
	munmap(m1, 8 * PG);
	munmap(m2, 8 * PG);
	close(fd);
	unlink("/tmp/lab_pgtbl");
}

static void part_fork(void)
{
	o = ours();
	int p[2];
	uint64_t mine[16], theirs[16];
	char *a = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED && pipe(p) == 0, "mmap, pipe");
	for (int i = 0; i < 16; i++)
		a[i * PG] = i;
	if (!o)
		return;
	pagemap(a, 16, mine);
	fflush(NULL);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		uint64_t e[17];
		pagemap(a, 16, e);
		a[5 * PG] = 55;		/* a copy of its own */
		e[16] = entry(a + 5 * PG);
		_exit(write(p[1], e, sizeof(e)) == sizeof(e) ? 0 : 1);
	}
	uint64_t e[17];
	CHECK(read(p[0], e, sizeof(e)) == sizeof(e), "the child's entries");
	int st = t_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child");
	memcpy(theirs, e, sizeof(theirs));
	for (int i = 0; i < 16; i++) {
		CHECK((theirs[i] & PM_PRESENT) && PM_PFN(theirs[i]) == PM_PFN(mine[i]),
		      "the child maps the parent's frames");
		CHECK(!(theirs[i] & PM_EXCL), "shared with the parent: not exclusive");
	}
	CHECK((e[16] & PM_PRESENT) && PM_PFN(e[16]) != PM_PFN(mine[5]) && (e[16] & PM_EXCL),
	      "the child's store gave it its own page");
	munmap(a, 16 * PG);
}

static void part_sparse(void)
{
	o = ours();
	const long gib = 1024 * MiB;
	/* 2 GiB of address space reserved, two pages touched 1 GiB apart */
	char *r = mmap(NULL, 2 * gib, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(r != MAP_FAILED, "reserve 2 GiB");
	char *p1 = r + 4 * PG, *p2 = r + gib + 9 * PG;
	CHECK(mprotect(p1, PG, PROT_READ | PROT_WRITE) == 0 &&
	      mprotect(p2, PG, PROT_READ | PROT_WRITE) == 0, "mprotect");
	*p1 = 1;
	*p2 = 2;
	if (o) {
		long n = 2 * gib / PG;
		uint64_t *e = malloc(n * 8);
		CHECK(e, "malloc");
		pagemap(r, n, e);
		long present = 0;
		for (long i = 0; i < n; i++)
			present += (e[i] & PM_PRESENT) != 0;
		CHECK(present == 2, "exactly the two pages are present in 2 GiB");
		CHECK((e[4] & PM_PRESENT) && (e[gib / PG + 9] & PM_PRESENT), "at their places");
		free(e);
		int fd = open("/proc/self/pagemap", O_RDONLY);
		CHECK(fd >= 0, "open");
		uint64_t x[2];
		CHECK_ERR(pread(fd, x, 8, 4), EINVAL, "an offset inside an entry is EINVAL");
		CHECK_ERR(pread(fd, x, 12, 0), EINVAL, "part of an entry is EINVAL");
		CHECK(pread(fd, x, 16, (0x4000000000L / PG) * 8) == 0, "past the user half: EOF");
		close(fd);
	}
	munmap(r, 2 * gib);
}

static void part_mremap(void)
{
	o = ours();
	probe_init();
	long n = 8 * MiB / PG;
	char *a = mmap(NULL, n * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED, "mmap");
	for (long i = 0; i < n; i++)
		a[i * PG] = (char)i, a[i * PG + 100] = (char)(i >> 8);
	uint64_t *before = malloc(n * 8), *after = malloc(n * 8);
	CHECK(before && after, "malloc");
	if (o)
		pagemap(a, n, before);
	long free0 = vmstat("nr_free_pages");
	/* a hole right after it, so it cannot grow in place: it must move */
	char *guard = mmap(a + n * PG, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(guard == a + n * PG, "guard page");
	char *b = mremap(a, n * PG, 2 * n * PG, MREMAP_MAYMOVE);
	if (b == MAP_FAILED)
		fprintf(stderr, "lab_pgtbl: mremap: %s\n", strerror(errno));
	CHECK(b != MAP_FAILED && b != a, "mremap moves the mapping");
	long used = free0 - vmstat("nr_free_pages");
	for (long i = 0; i < n; i++)
		CHECK(b[i * PG] == (char)i && b[i * PG + 100] == (char)(i >> 8), "the data moved");
	CHECK(b[n * PG + 5] == 0, "the new part reads zeros");
	if (o) {
		printf("lab_pgtbl: moving 8 MiB used %ld pages\n", used);
		CHECK(used < 64, "no page was copied");
		pagemap(b, n, after);
		for (long i = 0; i < n; i++)
			CHECK(PM_PFN(after[i]) == PM_PFN(before[i]) && (after[i] & PM_PRESENT),
			      "the same frames at the new address");
	}
	CHECK_FAULT(a + 7 * PG, 0, SIGSEGV, SEGV_MAPERR, "the old range is unmapped");
	free(before);
	free(after);
	munmap(b, 2 * n * PG);
	munmap(guard, PG);
}

static void part_mremap_file(void)
{
	o = ours();
	int fd = make_file("/tmp/lab_pgtbl.shared", 64 * PG, 52);
	char *a = mmap(NULL, 64 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(a != MAP_FAILED, "mmap shared");
	for (int i = 0; i < 64; i++)
		a[i * PG + 1] = 'x';	/* every page mapped, writable */
	char *guard = mmap(a + 64 * PG, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			   -1, 0);
	CHECK(guard == a + 64 * PG, "guard page");
	char *to = mmap(NULL, 64 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(to != MAP_FAILED, "a place to move it to");
	char *b = mremap(a, 64 * PG, 64 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	if (b == MAP_FAILED)
		fprintf(stderr, "lab_pgtbl: mremap: %s\n", strerror(errno));
	CHECK(b == to, "mremap moves the shared mapping");
	long f0 = vmstat("pgfault");
	for (int i = 0; i < 64; i++)
		b[i * PG + 2] = 'y';
	long faults = vmstat("pgfault") - f0;
	CHECK(!o || faults < 8, "the moved PTEs still map the pages: no faults");
	char buf[3];
	for (int i = 0; i < 64; i++) {
		CHECK(pread(fd, buf, 3, i * PG) == 3, "pread");
		CHECK(buf[1] == 'x' && buf[2] == 'y' && buf[0] == (char)pat8(i * PG, 52),
		      "the stores before and after the move are the file's");
	}
	munmap(b, 64 * PG);
	munmap(guard, PG);
	close(fd);
	unlink("/tmp/lab_pgtbl.shared");
}

LAB_PARTS("lab_pgtbl", { "present", part_present }, { "file", part_file }, { "fork", part_fork },
	  { "sparse", part_sparse }, { "mremap", part_mremap }, { "mremap_file", part_mremap_file })
