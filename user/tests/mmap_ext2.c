/* mmap_ext2.c - stores through a shared mapping of an ext2 file get
 * their blocks when the page first becomes writable (ext2_page_mkwrite),
 * not at writeback:
 *  - a store into a hole of a sparse file allocates its block at once
 *    (st_blocks grows before any sync; only that page's block, or its
 *    blocks when they are smaller than a page: vdd2 has 1 KiB blocks);
 *  - on a full file system a store into a hole is SIGBUS (BUS_ADRERR at
 *    the address) while a store into an allocated page still works, and
 *    once space is freed the same store succeeds;
 *  - e2fsck of the file system stays clean (tests/run.py checks vdd2).
 * It runs on vdd2's empty ext2 (mounted at /tmp/mmap-ext2) when there is
 * one (the config boots) and on the root when that is ext2; elsewhere
 * (the host under qemu-riscv64, the RAM root) it has nothing to check. */
#define _GNU_SOURCE
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include "mmt.h"

#define MNT "/tmp/mmap-ext2"
#define EXT2_MAGIC 0xEF53

static int is_ext2(const char *dir)
{
	struct statfs st;
	return statfs(dir, &st) == 0 && st.f_type == EXT2_MAGIC;
}

static long blocks(int fd)
{
	struct stat st;
	CHECK(fstat(fd, &st) == 0, "fstat");
	return st.st_blocks;
}

/* A store into a hole allocates exactly that page's block, at once. */
static void hole_allocates(const char *dir)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/mmap_ext2.hole.%d", dir, getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && ftruncate(fd, 64 * PG) == 0, "sparse file");
	char *s = mmap(NULL, 64 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(s != MAP_FAILED, "mmap");
	CHECK(blocks(fd) == 0, "no blocks yet");
	CHECK(s[1 * PG] == 0, "holes read as zero");
	CHECK(blocks(fd) == 0, "a read allocates nothing");
	s[1 * PG + 5] = 1;
	CHECK(blocks(fd) == PG / 512, "the store allocated the page's blocks, before any sync");
	s[1 * PG + 6] = 2;
	s[2 * PG] = 3;	/* direct blocks only (pages 1-2 are blocks 4-11 with
			 * 1 KiB blocks): no indirect block to count */
	CHECK(blocks(fd) == 2 * PG / 512, "one more page, one more page of blocks");
	CHECK(msync(s, 64 * PG, MS_SYNC) == 0, "msync");
	char b[2];
	CHECK(pread(fd, b, 2, 1 * PG + 5) == 2 && b[0] == 1 && b[1] == 2, "in the file");
	munmap(s, 64 * PG);
	close(fd);
	unlink(path);
}

/* A full file system: SIGBUS for a hole, fine for an allocated page. */
static void enospc(const char *dir)
{
	char fill[256], path[256];
	static char buf[64 * 1024];
	snprintf(fill, sizeof(fill), "%s/mmap_ext2.fill", dir);
	snprintf(path, sizeof(path), "%s/mmap_ext2.sparse", dir);
	static char page[PG];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	/* a whole page: with blocks smaller than a page, a store needs all
	 * of the page's blocks (as Linux's block_page_mkwrite) */
	memset(page, 'x', sizeof(page));
	CHECK(fd >= 0 && pwrite(fd, page, PG, 0) == PG && ftruncate(fd, 8 * PG) == 0,
	      "a file with one page of blocks, then holes");
	CHECK(fsync(fd) == 0, "fsync");
	int ff = open(fill, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(ff >= 0, "filler");
	memset(buf, 0xf1, sizeof(buf));
	ssize_t n;
	while ((n = write(ff, buf, sizeof(buf))) > 0)
		;
	CHECK(n < 0 && errno == ENOSPC, "filled up");
	while (write(ff, buf, 512) > 0)	/* and the last partial block */
		;
	CHECK(fsync(ff) == 0 || errno == ENOSPC, "fsync filler");
	char *s = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(s != MAP_FAILED, "mmap");
	s[100] = 'y';		/* its block exists */
	CHECK_FAULT(s + 3 * PG + 7, 1, SIGBUS, BUS_ADRERR, "store into a hole, no space: SIGBUS");
	CHECK(s[3 * PG + 7] == 0, "still a hole, still readable");
	close(ff);
	CHECK(unlink(fill) == 0, "free the space");
	s[3 * PG + 7] = 'z';
	CHECK(msync(s, 8 * PG, MS_SYNC) == 0, "msync");
	char b;
	CHECK(pread(fd, &b, 1, 3 * PG + 7) == 1 && b == 'z', "the store made it once there was room");
	CHECK(pread(fd, &b, 1, 100) == 1 && b == 'y', "and the other");
	munmap(s, 8 * PG);
	close(fd);
	CHECK(unlink(path) == 0, "unlink");
}

int main(void)
{
	probe_init();
	int mounted = 0;
	if (!ours()) {
		t_ok("mmap_ext2");	/* Linux's ext2/ext4 allocate at writeback or delay it */
		return 0;
	}
	mkdir(MNT, 0755);
	if (access("/dev/vdd2", F_OK) == 0) {
		CHECK(mount("/dev/vdd2", MNT, "ext2", 0, NULL) == 0, "mount vdd2");
		mounted = 1;
		hole_allocates(MNT);
		enospc(MNT);
	}
	if (is_ext2("/tmp"))
		hole_allocates("/tmp");
	if (mounted)
		CHECK(umount2(MNT, 0) == 0, "umount");
	rmdir(MNT);
	t_ok("mmap_ext2");
	return 0;
}
