/* lab_mmap.c - the graded tests of the mmap lab (docs/labs/mmap.md):
 * file mappings fault the page cache's own folios in.
 *   around:  walking a cached 1 MiB file maps it with a fault per 16
 *            pages (fault-around, pgfault_around); past EOF is SIGBUS,
 *            also after fault-around ran next to it and after a
 *            truncation under the mapping, and the last page's tail
 *            reads as zeros;
 *   cold:    walking a cold 4 MiB file is a few major faults that read
 *            around the fault (pgmajfault, readahead_mmap_around), in
 *            few requests;
 *   shared:  stores through a shared mapping into a sparse file on the
 *            lab disk (/dev/vdg) allocate their blocks at the first
 *            store (st_blocks, before any writeback) and dirty the
 *            pages; msync writes them; a store after that faults again
 *            and reaches the disk too (the host checks with debugfs);
 *   enospc:  on the full lab disk, a store into a hole of a shared
 *            mapping is SIGBUS at that address (->page_mkwrite could
 *            not allocate), a store into an allocated page works, and
 *            once there is room again the hole takes stores.
 * Its files on the lab disk are named mmap_*: make test runs lab_ext2
 * on the same disk in the same boot (tests/grade.py).
 * On Linux (qemu-riscv64) the data and the signals are checked. */
#define _GNU_SOURCE
#include <sys/statvfs.h>
#include "labio.h"

#define PATH "/tmp/lab_mmap"

static int o;

static long stblocks(int fd)
{
	struct stat st;
	CHECK(fstat(fd, &st) == 0, "fstat");
	return st.st_blocks;
}

static void part_around(void)
{
	o = ours();
	probe_init();
	int fd = make_file(PATH, 256 * PG, 31);
	static unsigned char buf[256 * PG];
	CHECK(pread(fd, buf, sizeof(buf), 0) == sizeof(buf), "read: now it is cached");
	unsigned char *m = mmap(NULL, 256 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED, "mmap");
	long f0 = vmstat("pgfault"), a0 = vmstat("pgfault_around");
	for (long i = 0; i < 256; i++)
		CHECK(m[i * PG + 9] == pat8(i * PG + 9, 31), "the mapping shows the file");
	long faults = vmstat("pgfault") - f0, around = vmstat("pgfault_around") - a0;
	if (o)
		printf("lab_mmap: 256 cached pages mapped by %ld faults, %ld pages around them\n",
		       faults, around);
	CHECK(!o || faults <= 256 / 8, "fault-around: far fewer faults than pages");
	CHECK(!o || around >= 200, "fault-around mapped the pages next to the faults");
	CHECK(!memcmp(m, buf, sizeof(buf)), "every byte");
	munmap(m, 256 * PG);
	close(fd);

	/* EOF: 10 pages and 100 bytes, mapped 16 pages long */
	fd = make_file(PATH, 10 * PG + 100, 32);
	m = mmap(NULL, 16 * PG, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "mmap past EOF");
	CHECK(m[0] == pat8(0, 32), "the first page");	/* fault-around up to EOF */
	CHECK(m[10 * PG + 99] == pat8(10 * PG + 99, 32) && m[10 * PG + 100] == 0 &&
	      m[11 * PG - 1] == 0, "the last page: the file, then zeros");
	for (int i = 11; i < 16; i++)
		CHECK_FAULT(m + i * PG + 5, 0, SIGBUS, BUS_ADRERR, "a page past EOF is SIGBUS");
	CHECK(ftruncate(fd, 5 * PG) == 0, "truncate under the mapping");
	CHECK(m[4 * PG + 7] == pat8(4 * PG + 7, 32), "a page before the new EOF");
	for (int i = 5; i < 11; i++)
		CHECK_FAULT(m + i * PG, 0, SIGBUS, BUS_ADRERR, "a truncated page is SIGBUS");
	munmap(m, 16 * PG);
	close(fd);
	unlink(PATH);
}

static void part_cold(void)
{
	o = ours();
	int fd = lab_cold_file(PATH ".cold", 4L << 20);
	long pages = (4L << 20) / PG;
	char *m = mmap(NULL, pages * PG, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "mmap");
	struct blk_stats d0 = lab_disk_stats();
	long maj0 = vmstat("pgmajfault"), ar0 = vmstat("readahead_mmap_around");
	for (long i = 0; i < pages; i++)
		CHECK(lab_stamped(m + i * PG, i), "the mapping shows the file");
	struct blk_stats d = lab_disk_stats();
	long majors = vmstat("pgmajfault") - maj0, around = vmstat("readahead_mmap_around") - ar0;
	if (o && lab_dev[0])
		printf("lab_mmap: a cold walk of %ld pages: %ld major faults, %ld read-arounds, "
		       "%lu requests\n", pages, majors, around, d.rd - d0.rd);
	CHECK(!o || (majors >= 1 && majors <= pages / 8), "a few major faults (counted)");
	CHECK(!o || around >= 1, "a major fault reads around itself");
	CHECK(!o || !lab_dev[0] || d.rd - d0.rd <= (unsigned long)pages / 16, "few requests");
	munmap(m, pages * PG);
	close(fd);
}

static char dir[64];
static int real;

static const char *lab_path(const char *name)
{
	static char p[128];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static void part_shared(void)
{
	o = ours();
	real = lab_mount(dir, "lab_mmap");
	int fd = open(lab_path("mmap_shared"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && ftruncate(fd, 64 * PG) == 0, "a sparse file of 64 pages");
	CHECK(!real || stblocks(fd) == 0, "no blocks yet");
	unsigned char *s = mmap(NULL, 64 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(s != MAP_FAILED, "mmap shared");
	long dirty0 = vmstat("nr_dirty");
	for (int i = 0; i < 64; i += 10)	/* pages 0, 10, .., 60: 7 pages */
		fill(s + i * PG, i * PG, PG, 33);
	long blocks = stblocks(fd), dirtied = vmstat("nr_dirty") - dirty0;
	if (real)
		printf("lab_mmap: 7 stores into holes: st_blocks %ld, %ld pages dirtied\n", blocks,
		       dirtied);
	/* 7 data blocks, and the indirect block for pages 12 and up */
	CHECK(!real || blocks == 8 * 8, "the first store into a hole allocates its block");
	CHECK(!real || dirtied >= 7, "the stores dirtied the pages");
	CHECK(msync(s, 64 * PG, MS_SYNC) == 0, "msync");
	for (int i = 0; i < 64; i += 20)	/* again, into pages written back */
		s[i * PG + 17] ^= 0x5a;
	CHECK(msync(s, 64 * PG, MS_SYNC) == 0, "msync again");
	unsigned char page[PG];
	for (int i = 0; i < 64; i++) {
		CHECK(pread(fd, page, PG, i * PG) == PG, "read back");
		CHECK(!memcmp(page, s + i * PG, PG), "read(2) sees the stores");
	}
	uint64_t h = fnv64(s, 64 * PG, FNV64_INIT);
	munmap(s, 64 * PG);
	close(fd);
	if (real)
		printf("CHECKSUM /mmap_shared %016llx\n", (unsigned long long)h);
	lab_umount(dir, real);
}

static void part_enospc(void)
{
	static unsigned char buf[65536];
	o = ours();
	probe_init();
	real = lab_mount(dir, "lab_mmap");
	if (!real) {		/* the host's disk is not ours to fill */
		lab_umount(dir, real);
		return;
	}
	int fd = open(lab_path("mmap_sparse"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && ftruncate(fd, 16 * PG) == 0, "a sparse file");
	CHECK(pwrite(fd, buf, PG, 2 * PG) == PG, "page 2 has a block");
	int full = open(lab_path("mmap_full"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(full >= 0, "create filler");
	for (off_t off = 0; pwrite(full, buf, sizeof(buf), off) == sizeof(buf); off += sizeof(buf))
		;
	CHECK(fsync(full) == 0, "fsync the filler");
	for (int i = 0; i < 64 && pwrite(full, buf, PG, lseek(full, 0, SEEK_END)) == PG; i++)
		;	/* the last blocks, one at a time */
	unsigned char *s = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(s != MAP_FAILED, "mmap shared");
	CHECK(probe((char *)s + 2 * PG + 5, 1, 7) == 0, "a store into an allocated page works");
	CHECK_FAULT(s + 5 * PG + 9, 1, SIGBUS, BUS_ADRERR,
		    "a store into a hole of a full disk is SIGBUS");
	close(full);
	CHECK(unlink(lab_path("mmap_full")) == 0, "unlink the filler");
	sync();
	CHECK(probe((char *)s + 5 * PG + 9, 1, 8) == 0, "with room again, the store works");
	CHECK(msync(s, 16 * PG, MS_SYNC) == 0, "msync");
	CHECK(s[5 * PG + 9] == 8 && s[2 * PG + 5] == 7, "the stores");
	uint64_t h = fnv64(s, 16 * PG, FNV64_INIT);
	munmap(s, 16 * PG);
	close(fd);
	printf("CHECKSUM /mmap_sparse %016llx\n", (unsigned long long)h);
	lab_umount(dir, real);
}

LAB_PARTS("lab_mmap", { "around", part_around }, { "cold", part_cold }, { "shared", part_shared },
	  { "enospc", part_enospc })
