/* mmap_errno.c - the mmap family's arguments and flags as Linux takes
 * them: every bad argument with its errno (EINVAL, EBADF, EACCES,
 * ENODEV, ENOMEM, EEXIST, EOVERFLOW, EOPNOTSUPP, EFAULT) for mmap,
 * munmap, mprotect, mremap, msync, madvise and mincore; MAP_FIXED over a
 * mapping, MAP_FIXED_NOREPLACE, MAP_POPULATE, MAP_NORESERVE,
 * MAP_SHARED_VALIDATE; munmap and mprotect of any sub-range (VMAs split,
 * and merge back, in /proc/self/maps); SIGSEGV with SEGV_MAPERR in a
 * hole and SEGV_ACCERR on a store after mprotect, with si_addr; SIGBUS
 * (BUS_ADRERR) for a mapped page of a disk that fails to read it.
 * Under qemu-riscv64 a few checks bend to QEMU's emulation (marked). */
#define _GNU_SOURCE
#include <sys/stat.h>
#include "mmt.h"

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#define MAP_UNKNOWN 0x800000	/* a flag bit Linux does not define */

static char path[256];

/* Exactly err here; under qemu-user some calls are checked by QEMU's own
 * emulation before Linux sees them (mremap, mincore), so there any
 * failure will do. */
#define CHECK_ERR_Q(call, err, msg)                                       \
	do {                                                              \
		errno = 0;                                                \
		long r_ = (long)(call);                                   \
		CHECK(r_ == -1 && (errno == (err) || !ours()), msg);      \
	} while (0)
/* qemu-user 7.2 accepts any madvise without asking Linux. */
#define CHECK_ERR_OURS(call, err, msg)                                    \
	do {                                                              \
		errno = 0;                                                \
		long r_ = (long)(call);                                   \
		CHECK(!ours() || (r_ == -1 && errno == (err)), msg);      \
	} while (0)

static void *mm(void *a, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(a, len, prot, flags, fd, off);
}
#define CHECK_MMAP_ERR(a, len, prot, flags, fd, off, err, msg)            \
	do {                                                              \
		errno = 0;                                                \
		void *r_ = mm(a, len, prot, flags, fd, off);              \
		CHECK(r_ == MAP_FAILED && errno == (err), msg);           \
	} while (0)

static void mmap_errors(void)
{
	int fd = make_file(path, 4 * PG, 1), ro = open(path, O_RDONLY), wo = open(path, O_WRONLY);
	int p[2], dir = open("/tmp", O_RDONLY | O_DIRECTORY);
	CHECK(ro >= 0 && wo >= 0 && dir >= 0 && pipe(p) == 0, "open");
	const int A = MAP_PRIVATE | MAP_ANONYMOUS, RW = PROT_READ | PROT_WRITE;
	CHECK_MMAP_ERR(NULL, 0, PROT_READ, A, -1, 0, EINVAL, "length 0");
	CHECK_MMAP_ERR(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100, EINVAL, "unaligned offset");
	CHECK_MMAP_ERR(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0, EINVAL, "neither shared nor private");
	CHECK_MMAP_ERR(NULL, PG, PROT_READ, 0x0f | MAP_ANONYMOUS, -1, 0, EINVAL, "bad map type");
	CHECK_MMAP_ERR((void *)0x40001234, PG, PROT_READ, A | MAP_FIXED, -1, 0, EINVAL,
		       "MAP_FIXED at an unaligned address");
	CHECK_MMAP_ERR(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0, EINVAL,
		       "anonymous MAP_SHARED_VALIDATE");
	void *q = mm(NULL, PG, PROT_READ, MAP_SHARED | MAP_UNKNOWN, fd, 0);
	CHECK(q != MAP_FAILED && munmap(q, PG) == 0, "MAP_SHARED ignores unknown flags");
	q = mm(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE, fd, 0);
	if (q != MAP_FAILED || ours() || errno != EINVAL) {	/* qemu-user: not supported */
		CHECK(q != MAP_FAILED && munmap(q, PG) == 0, "MAP_SHARED_VALIDATE, known flags");
		CHECK_MMAP_ERR(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_UNKNOWN, fd, 0,
			       EOPNOTSUPP, "MAP_SHARED_VALIDATE with an unknown flag");
	}
	CHECK_MMAP_ERR(NULL, PG, PROT_READ, MAP_PRIVATE, -1, 0, EBADF, "fd -1");
	CHECK_MMAP_ERR(NULL, PG, PROT_READ, MAP_PRIVATE, 999, 0, EBADF, "closed fd");
	CHECK_MMAP_ERR(NULL, PG, PROT_READ, MAP_SHARED, wo, 0, EACCES, "write-only fd");
	CHECK_MMAP_ERR(NULL, PG, RW, MAP_SHARED, ro, 0, EACCES, "shared writable of a read-only fd");
	q = mm(NULL, PG, RW, MAP_PRIVATE, ro, 0);
	CHECK(q != MAP_FAILED, "private writable of a read-only fd is fine");
	munmap(q, PG);
	q = mm(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
	CHECK(q != MAP_FAILED, "shared read-only of a read-only fd");
	CHECK_ERR(mprotect(q, PG, RW), EACCES, "it can never become writable");
	munmap(q, PG);
	CHECK_MMAP_ERR(NULL, PG, PROT_READ, MAP_PRIVATE, p[0], 0, ENODEV, "a pipe cannot be mapped");
	CHECK_MMAP_ERR(NULL, PG, PROT_READ, MAP_PRIVATE, dir, 0, ENODEV, "a directory cannot be mapped");
	CHECK_MMAP_ERR(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 0x7ffffffffffff000L, EOVERFLOW,
		       "offset + length past the largest file offset");
	CHECK_MMAP_ERR(NULL, 1UL << 62, PROT_READ, A, -1, 0, ENOMEM, "no room for 4 EiB");
	CHECK_MMAP_ERR(NULL, -PG, PROT_READ, A, -1, 0, ENOMEM, "length wraps when rounded");
	q = mm((void *)PG, PG, PROT_READ, A | MAP_FIXED, -1, 0);	/* qemu-user maps it */
	CHECK(q == MAP_FAILED ? errno == EPERM : !ours(), "MAP_FIXED below 64 KiB: EPERM");
	if (q != MAP_FAILED)
		munmap(q, PG);
	char *a = mm(NULL, 4 * PG, RW, A, -1, 0);
	CHECK(a != MAP_FAILED, "mmap 4 pages");
	errno = 0;
	q = mm(a + PG, PG, PROT_READ, A | MAP_FIXED_NOREPLACE, -1, 0);
	if (q != MAP_FAILED && q != a + PG && !ours())
		munmap(q, PG);	/* qemu-user 7.2 takes it for a plain hint */
	else
		CHECK(q == MAP_FAILED && errno == EEXIST, "MAP_FIXED_NOREPLACE over a mapping");
	q = mm(a + 4 * PG, PG, PROT_READ, A | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(q == a + 4 * PG || (!ours() && q != MAP_FAILED), "MAP_FIXED_NOREPLACE where free");
	munmap(q, PG);
	munmap(a, 4 * PG);
	close(fd); close(ro); close(wo); close(dir); close(p[0]); close(p[1]);
}

static void other_errors(void)
{
	char *a = mm(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char vec[8];
	CHECK(a != MAP_FAILED && munmap(a + 4 * PG, 4 * PG) == 0, "4 pages, then a hole");
	CHECK_ERR(munmap(a, 0), EINVAL, "munmap length 0");
	CHECK_ERR(munmap(a + 1, PG), EINVAL, "munmap unaligned");
	CHECK(munmap(a + 5 * PG, PG) == 0, "munmap of nothing mapped is fine");
	CHECK_ERR(mprotect(a + 1, PG, PROT_READ), EINVAL, "mprotect unaligned");
	CHECK_ERR(mprotect(a, PG, 0x100), EINVAL, "mprotect bad prot");
	CHECK_ERR(mprotect(a, 6 * PG, PROT_READ), ENOMEM, "mprotect over a hole");
	CHECK(!ours() || mprotect(a, 0, PROT_READ) == 0, "mprotect of nothing (qemu-user: ENOMEM)");
	CHECK_ERR_Q(mremap(a + 1, PG, 2 * PG, 0), EINVAL, "mremap unaligned");
	CHECK_ERR_Q(mremap(a, PG, 0, 0), EINVAL, "mremap to length 0");
	CHECK_ERR_Q(mremap(a, PG, 2 * PG, 8), EINVAL, "mremap bad flags");
	CHECK_ERR_Q(mremap(a, PG, 2 * PG, MREMAP_FIXED, a + 8 * PG), EINVAL, "FIXED without MAYMOVE");
	CHECK_ERR_Q(mremap(a, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, a + PG), EINVAL,
		  "mremap onto itself");
	CHECK_ERR_Q(mremap(a + 2 * PG, 4 * PG, 8 * PG, MREMAP_MAYMOVE), EFAULT,
		  "mremap of a range past the mapping");
	CHECK_ERR_Q(mremap(a, 2 * PG, 4 * PG, 0), ENOMEM, "cannot grow in place, may not move");
	CHECK_ERR(msync(a + 1, PG, MS_SYNC), EINVAL, "msync unaligned");
	CHECK_ERR(msync(a, PG, MS_SYNC | MS_ASYNC), EINVAL, "msync SYNC|ASYNC");
	CHECK_ERR(msync(a, PG, 0x100), EINVAL, "msync bad flags");
	CHECK_ERR(msync(a, 6 * PG, MS_SYNC), ENOMEM, "msync over a hole");
	CHECK_ERR_OURS(madvise(a, PG, 999), EINVAL, "madvise bad advice");
	CHECK_ERR_OURS(madvise(a + 1, PG, MADV_NORMAL), EINVAL, "madvise unaligned");
	CHECK_ERR_OURS(madvise(a, 6 * PG, MADV_DONTNEED), ENOMEM, "madvise over a hole");
	CHECK_ERR_Q(mincore(a + 1, PG, vec), EINVAL, "mincore unaligned");
	CHECK_ERR_Q(mincore(a, 6 * PG, vec), ENOMEM, "mincore over a hole");
	CHECK_ERR_Q(mincore(a, PG, (unsigned char *)8), EFAULT, "mincore bad vector");
	munmap(a, 4 * PG);
}

/* Sub-range munmap and mprotect split VMAs; they merge back. */
static void split_merge(void)
{
	char *a = mm(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED, "mmap 8 pages");
	char *end = a + 8 * PG;
	memset(a, 7, 8 * PG);
	CHECK(maps_count(a, end) == 1, "one VMA");
	CHECK(mprotect(a + 2 * PG, 2 * PG, PROT_READ) == 0, "mprotect the middle");
	CHECK(maps_count(a, end) == 3, "split in three");
	CHECK_FAULT(a + 3 * PG + 5, 1, SIGSEGV, SEGV_ACCERR, "store after mprotect: SEGV_ACCERR");
	CHECK(a[3 * PG + 5] == 7, "still readable");
	CHECK(mprotect(a + 2 * PG, 2 * PG, PROT_READ | PROT_WRITE) == 0, "mprotect back");
	CHECK(maps_count(a, end) == 1, "merged back into one");
	a[3 * PG] = 8;
	CHECK(mprotect(a, 8 * PG, PROT_NONE) == 0, "PROT_NONE");
	CHECK_FAULT(a + 6 * PG, 0, SIGSEGV, SEGV_ACCERR, "read of PROT_NONE: SEGV_ACCERR");
	CHECK(mprotect(a, 8 * PG, PROT_READ | PROT_WRITE) == 0, "accessible again");
	CHECK(a[3 * PG] == 8 && a[7 * PG] == 7, "contents kept across PROT_NONE");
	CHECK(munmap(a, PG) == 0 && munmap(a + 7 * PG, PG) == 0, "munmap front and back");
	CHECK(munmap(a + 3 * PG, 2 * PG) == 0, "munmap a middle hole");
	CHECK(maps_count(a, end) == 2, "two pieces left");
	CHECK_FAULT(a, 0, SIGSEGV, SEGV_MAPERR, "front gone: SEGV_MAPERR");
	CHECK_FAULT(a + 4 * PG + 8, 1, SIGSEGV, SEGV_MAPERR, "hole: SEGV_MAPERR");
	CHECK_FAULT(a + 7 * PG, 0, SIGSEGV, SEGV_MAPERR, "back gone");
	CHECK(a[PG] == 7 && a[6 * PG] == 7, "the rest kept its contents");
	/* MAP_FIXED over part of it replaces it (fresh zeros), in one VMA set */
	char *f = mm(a + 2 * PG, 4 * PG, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(f == a + 2 * PG, "MAP_FIXED lands where asked");
	CHECK(a[2 * PG] == 0 && a[4 * PG] == 0 && a[5 * PG] == 0, "replaced by zeros");
	CHECK(a[PG] == 7 && a[6 * PG] == 7, "neighbours untouched");
	CHECK(maps_count(a, end) == 1, "anonymous neighbours merged");
	munmap(a, 8 * PG);
}

/* A page whose read fails is SIGBUS: /dev/vdc's sector 32768 cannot be
 * read (QEMU's blkdebug, tests/run.py); its neighbours map fine. */
static void read_error(void)
{
	int fd = open("/dev/vdc", O_RDONLY);
	if (fd < 0)
		return;		/* the host: no such disk */
	off_t bad = 32768L * 512;
	char *m = mm(NULL, 4 * PG, PROT_READ, MAP_SHARED, fd, bad - 2 * PG);
	CHECK(m != MAP_FAILED, "mmap /dev/vdc");
	CHECK(madvise(m, 4 * PG, MADV_RANDOM) == 0, "one page per fault");
	CHECK(probe(m, 0, 0) == 0, "a good page reads");
	CHECK_FAULT(m + 2 * PG + 8, 0, SIGBUS, BUS_ADRERR, "a page that cannot be read: SIGBUS");
	munmap(m, 4 * PG);
	close(fd);
}

/* MAP_POPULATE faults everything in; MAP_NORESERVE is accepted. */
static void populate_noreserve(void)
{
	int fd = make_file(path, 16 * PG, 2);
	unsigned char vec[16];
	char *a = mm(NULL, 16 * PG, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
	CHECK(a != MAP_FAILED, "MAP_POPULATE file");
	CHECK(mincore(a, 16 * PG, vec) == 0, "mincore");
	for (int i = 0; i < 16; i++)
		CHECK(vec[i] & 1, "populated page resident");
	CHECK(bad_at((unsigned char *)a, 0, 16 * PG, 2) < 0, "populated contents");
	munmap(a, 16 * PG);
	a = mm(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	CHECK(a != MAP_FAILED && mincore(a, 16 * PG, vec) == 0, "MAP_POPULATE anonymous");
	for (int i = 0; i < 16; i++)	/* qemu-user drops MAP_POPULATE for anonymous memory */
		CHECK(((vec[i] & 1) || !ours()) && a[i * PG] == 0, "populated page resident");
	munmap(a, 16 * PG);
	a = mm(NULL, 1L << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
	       -1, 0);
	CHECK(a != MAP_FAILED, "MAP_NORESERVE 1 GiB");
	a[123 * PG] = 1;
	CHECK(munmap(a, 1L << 30) == 0, "munmap");
	close(fd);
	unlink(path);
}

int main(void)
{
	probe_init();
	snprintf(path, sizeof(path), "/tmp/mmap_errno.%d", getpid());
	mmap_errors();
	other_errors();
	split_merge();
	populate_noreserve();
	read_error();
	t_ok("mmap_errno");
	return 0;
}
