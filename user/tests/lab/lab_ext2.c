/* lab_ext2.c - the graded tests of the ext2 lab (docs/labs/ext2.md):
 * ext2_get_block allocates through indirect blocks. Each part mounts the
 * empty ext2 on /dev/vdg (tests/grade.py makes it on the host) on /lab,
 * writes, checks what it can see (data, st_blocks counting every data
 * and indirect block, statfs), unmounts, and prints for the host
 *   CHECKSUM /path fnv64       the file's bytes (debugfs cat)
 *   BLOCK /path lblk fnv64     logical block lblk's bytes where debugfs's
 *                              bmap says it lives on the disk
 * which grade.py checks, with e2fsck -fn, after the machine is off.
 *   indirect: 1 MiB + 8 KiB, sequentially (one indirect block);
 *   double:   6 MiB (the double indirect block and one below it);
 *   sparse:   a block in each range: direct, indirect, double and triple
 *             indirect (at 5 GiB): 4 data blocks, 6 indirect ones;
 *   truncate: 6 MiB cut to 2 MiB and written at 5 MiB again, then cut to
 *             0 and written again: the block counts follow, nothing leaks;
 *   enospc:   a file grows until the disk is full: ENOSPC (not EFBIG,
 *             not a crash), the data written is there, and unlinking it
 *             gives every block back.
 * On Linux (qemu-riscv64) the parts run in a directory of /tmp and check
 * the data only. */
#define _GNU_SOURCE
#include <sys/statvfs.h>
#include "labio.h"

#define BLK 4096L
#define MiB (1024L * 1024)

static char dir[64];
static int real;	/* on this kernel's ext2 (else: Linux, in /tmp) */

static void mount_lab(void)
{
	real = lab_mount(dir, "lab_ext2");
}

static void umount_lab(void)
{
	lab_umount(dir, real);
}

static const char *path(const char *name)
{
	static char p[128];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

/* Write n bytes of pattern seed at off, in 64 KiB writes. */
static void put(int fd, uint64_t off, uint64_t n, unsigned seed)
{
	static unsigned char buf[65536];
	for (uint64_t done = 0; done < n;) {
		size_t c = n - done < sizeof(buf) ? n - done : sizeof(buf);
		fill(buf, off + done, c, seed);
		ssize_t w = pwrite(fd, buf, c, off + done);
		if (w < 0)
			fprintf(stderr, "lab_ext2: write at %llu: %s\n",
				(unsigned long long)(off + done), strerror(errno));
		else if (w < (ssize_t)c)
			fprintf(stderr, "lab_ext2: write at %llu: %zd bytes of %zu\n",
				(unsigned long long)(off + done), w, c);
		CHECK(w == (ssize_t)c, "write");
		done += c;
	}
}

/* [off, off+n) holds pattern seed (seed 0: zeros). */
static void expect(int fd, uint64_t off, uint64_t n, unsigned seed)
{
	static unsigned char buf[65536];
	for (uint64_t done = 0; done < n;) {
		size_t c = n - done < sizeof(buf) ? n - done : sizeof(buf);
		CHECK(pread(fd, buf, c, off + done) == (ssize_t)c, "read back");
		for (size_t i = 0; i < c; i++)
			if (buf[i] != (seed ? pat8(off + done + i, seed) : 0)) {
				fprintf(stderr, "lab_ext2: byte %llu differs\n",
					(unsigned long long)(off + done + i));
				CHECK(0, seed ? "the data written reads back" : "a hole reads as zeros");
			}
		done += c;
	}
}

/* The file's 512-byte blocks must be data + meta file-system blocks. */
static void blocks_are(int fd, long data, long meta, const char *what)
{
	struct stat st;
	CHECK(fstat(fd, &st) == 0, "fstat");
	if (!real)
		return;
	if (st.st_blocks != (data + meta) * (BLK / 512))
		fprintf(stderr, "lab_ext2: st_blocks %ld, want %ld data + %ld indirect blocks\n",
			(long)st.st_blocks, data, meta);
	CHECK(st.st_blocks == (data + meta) * (BLK / 512), what);
}

static void print_checksum(int fd, const char *name)
{
	static unsigned char buf[65536];
	uint64_t h = FNV64_INIT;
	ssize_t n;
	for (off_t off = 0; (n = pread(fd, buf, sizeof(buf), off)) > 0; off += n)
		h = fnv64(buf, n, h);
	if (real)
		printf("CHECKSUM /%s %016llx\n", name, (unsigned long long)h);
}

static void print_block(int fd, const char *name, uint64_t lblk)
{
	static unsigned char buf[BLK];
	CHECK(pread(fd, buf, BLK, lblk * BLK) == BLK, "read block");
	if (real)
		printf("BLOCK /%s %llu %016llx\n", name, (unsigned long long)lblk,
		       (unsigned long long)fnv64(buf, BLK, FNV64_INIT));
}

static long free_blocks(void)
{
	struct statvfs sv;
	CHECK(statvfs(dir, &sv) == 0, "statvfs");
	return sv.f_bfree;
}

static int create(const char *name)
{
	int fd = open(path(name), O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "create");
	return fd;
}

static void part_indirect(void)
{
	mount_lab();
	int fd = create("indirect");
	put(fd, 0, MiB + 8192, 11);
	CHECK(fsync(fd) == 0, "fsync");
	expect(fd, 0, MiB + 8192, 11);
	blocks_are(fd, 258, 1, "st_blocks: 258 data blocks and one indirect block");
	print_checksum(fd, "indirect");
	print_block(fd, "indirect", 12);
	print_block(fd, "indirect", 257);
	close(fd);
	umount_lab();
}

static void part_double(void)
{
	mount_lab();
	int fd = create("double");
	put(fd, 0, 6 * MiB, 12);
	CHECK(fsync(fd) == 0, "fsync");
	expect(fd, 0, 6 * MiB, 12);
	/* 12 direct + 1024 through the indirect block + 500 through the
	 * double indirect block and the first indirect block under it */
	blocks_are(fd, 1536, 3, "st_blocks: 1536 data blocks and 3 indirect ones");
	print_checksum(fd, "double");
	print_block(fd, "double", 1035);
	print_block(fd, "double", 1036);
	print_block(fd, "double", 1535);
	close(fd);
	umount_lab();
}

static void part_sparse(void)
{
	static const uint64_t lblk[] = { 0, 15, 10240, 1310720 };	/* 0, 60 KiB, 40 MiB, 5 GiB */
	mount_lab();
	int fd = create("sparse");
	for (int i = 0; i < 4; i++)
		put(fd, lblk[i] * BLK, BLK, 13);
	CHECK(fsync(fd) == 0, "fsync");
	for (int i = 0; i < 4; i++)
		expect(fd, lblk[i] * BLK, BLK, 13);
	expect(fd, BLK, 8192, 0);
	expect(fd, 20 * MiB, 8192, 0);
	expect(fd, 3 * 1024 * MiB, 8192, 0);
	/* indirect 1, double 1 + 1, triple 1 + 1 + 1 */
	blocks_are(fd, 4, 6, "st_blocks: 4 data blocks and 6 indirect ones");
	for (int i = 0; i < 4; i++)
		print_block(fd, "sparse", lblk[i]);
	close(fd);
	umount_lab();
}

static void part_truncate(void)
{
	mount_lab();
	long free0 = free_blocks();
	int fd = create("truncate");
	put(fd, 0, 6 * MiB, 14);
	CHECK(ftruncate(fd, 2 * MiB) == 0, "ftruncate to 2 MiB");
	blocks_are(fd, 512, 1, "st_blocks after the cut: 512 data blocks, 1 indirect");
	put(fd, 5 * MiB, BLK, 15);
	CHECK(fsync(fd) == 0, "fsync");
	expect(fd, 0, 2 * MiB, 14);
	expect(fd, 2 * MiB, 3 * MiB, 0);
	blocks_are(fd, 513, 3, "st_blocks after writing at 5 MiB again");
	CHECK(ftruncate(fd, 0) == 0, "ftruncate to 0");
	blocks_are(fd, 0, 0, "st_blocks after cutting to 0");
	CHECK(fsync(fd) == 0, "fsync");
	if (real)
		CHECK(free_blocks() == free0, "every block came back");
	put(fd, 0, 100 * 1024, 16);
	CHECK(fsync(fd) == 0, "fsync");
	expect(fd, 0, 100 * 1024, 16);
	blocks_are(fd, 25, 1, "st_blocks after writing 100 KiB again");
	print_checksum(fd, "truncate");
	close(fd);
	umount_lab();
}

static void part_enospc(void)
{
	static unsigned char buf[65536];
	mount_lab();
	if (!real) {	/* the host's disk is not ours to fill */
		umount_lab();
		return;
	}
	long free0 = free_blocks();
	int fd = create("full");
	uint64_t off = 0;
	ssize_t w;
	for (;;) {
		fill(buf, off, sizeof(buf), 17);
		w = pwrite(fd, buf, sizeof(buf), off);
		if (w < (ssize_t)sizeof(buf))
			break;
		off += w;
	}
	int err = w < 0 ? errno : 0;
	if (w > 0)
		off += w;
	fprintf(stderr, "lab_ext2: the disk filled after %llu KiB (%s)\n",
		(unsigned long long)(off >> 10), err ? strerror(err) : "short write");
	CHECK(w >= 0 || err == ENOSPC, "a full disk fails the write with ENOSPC");
	CHECK(off > 16 * MiB, "most of the disk could be written");
	CHECK(fsync(fd) == 0, "fsync");
	expect(fd, 0, off, 17);
	close(fd);
	CHECK(unlink(path("full")) == 0, "unlink");
	sync();
	CHECK(free_blocks() == free0, "unlink gave every block back");
	umount_lab();
}

LAB_PARTS("lab_ext2", { "indirect", part_indirect }, { "double", part_double },
	  { "sparse", part_sparse }, { "truncate", part_truncate }, { "enospc", part_enospc })
