/* mmap_ops.c - mremap, madvise, mincore, msync and fault-around:
 *  - mremap shrinks, grows in place, moves (MREMAP_MAYMOVE) keeping the
 *    data and, for a shared file mapping, the link to the file, and
 *    moves onto a given address (MREMAP_FIXED, replacing what was there);
 *  - MADV_DONTNEED: anonymous memory reads back as zeros, a private file
 *    mapping as the file again, a shared one keeps its data;
 *    MADV_WILLNEED reads a dropped file range back into the cache;
 *    MADV_RANDOM/SEQUENTIAL show in smaps' VmFlags (rr, sr);
 *  - mincore: anonymous pages resident once touched, file pages whenever
 *    cached, touched through this mapping or not;
 *  - msync with MS_ASYNC, MS_INVALIDATE and MS_SYNC;
 *  - an O_DIRECT write to a disk under a mapping of it shows through;
 *  - fault-around: a sequential walk of a cached 4 MiB file mapping
 *    takes at most 1/8 as many faults as pages (one per page with
 *    /proc/sys/vm/fault_around_bytes at 4096). Counter checks, WILLNEED
 *    and VmFlags are checked on this kernel only (qemu-user ignores
 *    madvise). */
#define _GNU_SOURCE
#include <sys/stat.h>
#include "mmt.h"

static char path[256];

static void remap(void)
{
	char *a = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED, "mmap");
	CHECK(munmap(a + 4 * PG, 12 * PG) == 0, "leave room above");
	fill((unsigned char *)a, 0, 4 * PG, 1);
	CHECK(mremap(a, 4 * PG, 2 * PG, 0) == a, "shrink");
	CHECK_FAULT(a + 3 * PG, 0, SIGSEGV, SEGV_MAPERR, "shrunk tail unmapped");
	CHECK(mremap(a, 2 * PG, 8 * PG, 0) == a, "grow in place");
	CHECK(bad_at((unsigned char *)a, 0, 2 * PG, 1) < 0 && a[5 * PG] == 0, "kept, and zeros");
	char *guard = mmap(a + 8 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(guard == a + 8 * PG, "a neighbour blocks growth");
	CHECK_ERR(mremap(a, 8 * PG, 12 * PG, 0), ENOMEM, "cannot grow in place");
	char *b = mremap(a, 8 * PG, 12 * PG, MREMAP_MAYMOVE);
	CHECK(b != MAP_FAILED && b != a, "moved");
	CHECK(bad_at((unsigned char *)b, 0, 2 * PG, 1) < 0 && b[11 * PG] == 0, "data moved along");
	CHECK_FAULT(a, 0, SIGSEGV, SEGV_MAPERR, "old place unmapped");
	char *c = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	c[0] = 42;
	CHECK(mremap(b, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, c) == c, "MREMAP_FIXED");
	CHECK(bad_at((unsigned char *)c, 0, 2 * PG, 1) < 0, "replaced what was at the target");
	munmap(c, 4 * PG);
	munmap(b + 4 * PG, 8 * PG);
	munmap(guard, PG);
	/* a shared file mapping moves with its file */
	int fd = make_file(path, 8 * PG, 2);
	char *s = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 2 * PG);
	CHECK(s != MAP_FAILED, "mmap file");
	s[10] = 1;
	char *t = mremap(s, 4 * PG, 6 * PG, MREMAP_MAYMOVE);
	CHECK(t != MAP_FAILED, "mremap file mapping");
	CHECK(t[10] == 1 && (unsigned char)t[5 * PG] == pat8(7 * PG, 2), "file offsets kept");
	t[5 * PG + 1] = 2;
	char x;
	CHECK(pread(fd, &x, 1, 7 * PG + 1) == 1 && x == 2, "store after the move reaches the file");
	munmap(t, 6 * PG);
	close(fd);
	unlink(path);
}

static int resident(void *a, long pages, long i)
{
	unsigned char vec[64];
	CHECK(pages <= 64 && mincore(a, pages * PG, vec) == 0, "mincore");
	return vec[i] & 1;
}

static int has_flag(void *addr, const char *flag)
{
	char line[512], want[8];
	int in = 0, found = 0;
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f)
		return 0;
	snprintf(want, sizeof(want), " %s ", flag);
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3)
			in = (unsigned long)addr >= lo && (unsigned long)addr < hi;
		else if (in && !strncmp(line, "VmFlags:", 8))
			found = strstr(line + 7, want) != NULL;
	}
	fclose(f);
	return found;
}

static void advise(void)
{
	int o = ours();
	char *a = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED, "mmap");
	CHECK(!resident(a, 8, 3), "untouched anonymous page not resident");
	memset(a, 9, 8 * PG);
	CHECK(resident(a, 8, 3), "touched page resident");
	CHECK(madvise(a + 2 * PG, 2 * PG, MADV_DONTNEED) == 0, "DONTNEED");
	CHECK(a[2 * PG] == 0 && a[3 * PG + 7] == 0 && a[4 * PG] == 9, "anonymous: zeros");
	munmap(a, 8 * PG);

	int fd = make_file(path, 16 * PG, 3);
	unsigned char *p = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	unsigned char *s = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED && s != MAP_FAILED, "mmap file");
	CHECK(resident(p, 16, 9), "cached file page resident, never touched here");
	p[PG] = 1;
	s[3 * PG] = 2;
	CHECK(madvise(p, 16 * PG, MADV_DONTNEED) == 0 && madvise(s, 16 * PG, MADV_DONTNEED) == 0,
	      "DONTNEED file mappings");
	CHECK(p[PG] == pat8(PG, 3), "private: the file's data again");
	CHECK(s[3 * PG] == 2 && p[3 * PG] == 2, "shared: the store stays");
	CHECK(madvise(p, 16 * PG, MADV_RANDOM) == 0, "RANDOM");
	CHECK(!o || has_flag(p, "rr"), "VmFlags rr");
	CHECK(madvise(p, 16 * PG, MADV_SEQUENTIAL) == 0, "SEQUENTIAL");
	CHECK(!o || (has_flag(p, "sr") && !has_flag(p, "rr")), "VmFlags sr");
	CHECK(madvise(p, 16 * PG, MADV_NORMAL) == 0, "NORMAL");
	CHECK(!o || !has_flag(p, "sr"), "VmFlags cleared");
	/* WILLNEED brings dropped pages back (where fadvise can drop them) */
	CHECK(fsync(fd) == 0, "fsync");
	munmap(p, 16 * PG);
	munmap(s, 16 * PG);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	p = mmap(NULL, 16 * PG, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "mmap again");
	if (!resident(p, 16, 10)) {
		CHECK(madvise(p + 8 * PG, 4 * PG, MADV_WILLNEED) == 0, "WILLNEED");
		for (int i = 0; o && i < 500 && !resident(p, 16, 10); i++)
			t_sleep_ms(10);
		CHECK(!o || (resident(p, 16, 10) && resident(p, 16, 8)), "WILLNEED read it in");
	}
	CHECK(bad_at(p + 4 * PG, 4 * PG, 12 * PG, 3) < 0 && p[3 * PG] == 2, "contents");
	munmap(p, 16 * PG);
	CHECK(msync(NULL, 0, MS_ASYNC) == 0, "msync of nothing");
	s = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	s[0] = 5;
	CHECK(msync(s, 16 * PG, MS_ASYNC) == 0 && msync(s, 16 * PG, MS_INVALIDATE) == 0 &&
	      msync(s, 16 * PG, MS_SYNC | MS_INVALIDATE) == 0, "msync flags");
	munmap(s, 16 * PG);
	close(fd);
	unlink(path);
}

static void set_fault_around(long bytes)
{
	char b[32];
	int fd = open("/proc/sys/vm/fault_around_bytes", O_WRONLY);
	CHECK(fd >= 0, "open fault_around_bytes");
	int n = snprintf(b, sizeof(b), "%ld\n", bytes);
	CHECK(write(fd, b, n) == n, "set fault_around_bytes");
	close(fd);
}

/* Faults taken by a sequential read walk of a cached 4 MiB mapping. */
static long walk_faults(int fd)
{
	long pages = 1024;
	volatile unsigned char *m = mmap(NULL, pages * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED, "mmap 4 MiB");
	long f0 = vmstat("pgfault");
	unsigned sum = 0;
	for (long i = 0; i < pages; i++)
		sum += m[i * PG];
	long faults = vmstat("pgfault") - f0;
	CHECK(sum == sum && m[123 * PG] == pat8(123 * PG, 4), "walk read the file");
	munmap((void *)m, pages * PG);
	return faults;
}

static void fault_around(void)
{
	int fd = make_file(path, 1024 * PG, 4);
	long faults = walk_faults(fd);
	if (ours()) {
		printf("mmap_ops: 1024 pages walked in %ld faults\n", faults);
		CHECK(faults <= 1024 / 8, "fault-around: at most 1/8 as many faults as pages");
		set_fault_around(4096);
		long one_by_one = walk_faults(fd);
		set_fault_around(65536);
		CHECK(one_by_one >= 1024, "without fault-around: a fault per page");
	}
	close(fd);
	unlink(path);
}

/* An O_DIRECT write under a mapping of a disk: the mapping shows the new
 * data (the stale cached page is unmapped and dropped, then faulted in
 * again). /dev/vdb is the scratch disk; the host has none. */
static void direct_write(void)
{
	int fd = open("/dev/vdb", O_RDWR), dfd = open("/dev/vdb", O_RDWR | O_DIRECT);
	off_t off = 16L << 20;
	if (fd < 0 || dfd < 0)
		return;
	unsigned char *buf = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				  -1, 0);
	volatile unsigned char *m = mmap(NULL, 4 * PG, PROT_READ, MAP_SHARED, fd, off);
	CHECK(buf != MAP_FAILED && m != MAP_FAILED, "mmap /dev/vdb");
	memset(buf, 0x11, PG);
	CHECK(pwrite(dfd, buf, PG, off) == PG, "direct write");
	CHECK(m[0] == 0x11 && m[PG - 1] == 0x11, "mapped: the first data");
	memset(buf, 0xab, PG);
	CHECK(pwrite(dfd, buf, PG, off) == PG, "direct write under the mapping");
	CHECK(m[0] == 0xab && m[PG - 1] == 0xab, "the mapping shows the new data");
	munmap((void *)m, 4 * PG);
	munmap(buf, PG);
	close(fd);
	close(dfd);
}

int main(void)
{
	probe_init();
	snprintf(path, sizeof(path), "/tmp/mmap_ops.%d", getpid());
	remap();
	advise();
	fault_around();
	direct_write();
	t_ok("mmap_ops");
	return 0;
}
