/* fs_cache.c - the page cache's address_space operations seen from user
 * space: FIBMAP (->bmap: holes are 0, a new file's blocks are contiguous)
 * and FIGETBSZ; posix_fadvise(DONTNEED) drops clean whole pages of the
 * range (later reads go to the disk again, data intact, partial pages
 * stay); BLKFLSBUF on the device of the mounted root drops only what
 * the file system does not pin, so it keeps working (the host's e2fsck
 * checks the image afterwards). Counter checks need our kernel on an
 * ext2 root (pgcache_hit in /proc/vmstat); elsewhere (RAM root, Linux
 * under qemu-riscv64) only the semantics common to all are checked.
 * Also: fallocate, syncfs/fdatasync, a write from a mapping of itself. */
#define _GNU_SOURCE
#include "t.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/mman.h>
#include <linux/fs.h>

#define DIR "/tmp/fs_cache"
#define EXT2_MAGIC 0xEF53

/* Sectors read from the root disk vda (diskstats field 6). */
static long vda_sectors_read(void)
{
	char line[256], name[64];
	unsigned long rd, rdm, sect;
	long r = -1;
	FILE *f = fopen("/proc/diskstats", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*u %*u %63s %lu %lu %lu", name, &rd, &rdm, &sect) == 4 &&
		    !strcmp(name, "vda"))
			r = sect;
	fclose(f);
	return r;
}

static int ours_on_ext2;	/* our kernel, root on ext2 */

static void fill(unsigned char *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(i * 37 + seed + (i >> 12));
}

static int make_file(const char *path, size_t size, unsigned seed)
{
	static unsigned char buf[1 << 20];
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0 && size <= sizeof(buf), "create");
	fill(buf, size, seed);
	CHECK(write(fd, buf, size) == (ssize_t)size, "write");
	return fd;
}

static int same(int fd, off_t off, size_t n, unsigned seed)
{
	static unsigned char want[1 << 20], got[1 << 20];
	fill(want, off + n, seed);
	return pread(fd, got, n, off) == (ssize_t)n && !memcmp(got, want + off, n);
}

/* FIBMAP takes an int; qemu-user's table says long, so pass a long. */
static long fibmap(int fd, long block)
{
	long b = block;
	if (ioctl(fd, FIBMAP, &b) < 0)
		return -errno;
	return (int)b;
}

static void bmap(void)
{
	int fd = make_file(DIR "/contig", 64 * 4096, 1);
	CHECK(fsync(fd) == 0, "fsync");
	struct statfs sf;
	int bsz = 0;
	CHECK(fstatfs(fd, &sf) == 0, "fstatfs");
	CHECK(ioctl(fd, FIGETBSZ, &bsz) == 0 && bsz == sf.f_bsize, "FIGETBSZ is the fs block size");
	long first = fibmap(fd, 0);
	if (!ours_on_ext2 && first < 0) {	/* tmpfs, ramfs: no ->bmap */
		CHECK(first == -EINVAL || first == -EPERM, "FIBMAP without bmap: EINVAL");
		close(fd);
		return;
	}
	CHECK(first > 0, "FIBMAP of a written block");
	/* ext2 puts the indirect block for blocks 12.. right after block
	 * 11, as Linux's ext2 does: one step of 2 there, else +1 */
	long prev = first, gaps = 0;
	for (long i = 1; i < 64; i++) {
		long b = fibmap(fd, i);
		CHECK(b > 0, "FIBMAP: every block mapped");
		if (b != prev + 1 && !(i == 12 && b == prev + 2)) {
			printf("fs_cache: block %ld at %ld after %ld\n", i, b, prev);
			gaps++;
		}
		prev = b;
	}
	CHECK(!ours_on_ext2 || gaps == 0, "a new file's blocks are contiguous");
	CHECK(fibmap(fd, 64) == 0, "FIBMAP past EOF: 0");
	CHECK(fibmap(fd, -1) == -EINVAL, "FIBMAP of a negative block: EINVAL");
	CHECK(ioctl(fd, FIBMAP, (void *)8) < 0 && errno == EFAULT, "FIBMAP bad pointer: EFAULT");
	close(fd);

	fd = open(DIR "/sparse", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0 && pwrite(fd, "x", 1, 10 * 4096L) == 1 && fsync(fd) == 0, "sparse file");
	CHECK(fibmap(fd, 0) == 0 && fibmap(fd, 9) == 0, "FIBMAP of a hole: 0");
	CHECK(fibmap(fd, 10) > 0, "FIBMAP of the written block");
	close(fd);
	int dfd = open(DIR, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0 && ioctl(dfd, FIBMAP, &(long){0}) < 0, "FIBMAP on a directory fails");
	close(dfd);
}

static void dontneed(void)
{
	int fd = make_file(DIR "/dn", 1 << 20, 2);
	CHECK(fsync(fd) == 0, "fsync");
	CHECK(same(fd, 0, 1 << 20, 2), "read back");
	long pages = t_vmstat("nr_file_pages"), sect = vda_sectors_read();
	CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0, "DONTNEED whole file");
	if (ours_on_ext2) {
		long dropped = pages - t_vmstat("nr_file_pages");
		printf("fs_cache: DONTNEED dropped %ld pages\n", dropped);
		CHECK(dropped >= 200, "DONTNEED dropped the clean pages");
	}
	CHECK(same(fd, 0, 1 << 20, 2), "data intact after DONTNEED");
	if (ours_on_ext2)
		CHECK(vda_sectors_read() - sect >= 1900, "the reread went to the disk");

	/* only whole pages inside [100, 100 + 3 pages) go: pages 1 and 2 */
	CHECK(posix_fadvise(fd, 100, 3 * 4096, POSIX_FADV_DONTNEED) == 0, "DONTNEED partial");
	sect = vda_sectors_read();
	CHECK(same(fd, 0, 4096, 2) && same(fd, 3 * 4096, 4096, 2), "pages 0 and 3");
	if (ours_on_ext2)
		CHECK(vda_sectors_read() == sect, "partial pages 0 and 3 stayed cached");
	CHECK(same(fd, 4096, 2 * 4096, 2), "pages 1 and 2");
	if (ours_on_ext2)
		CHECK(vda_sectors_read() > sect, "pages 1 and 2 were dropped");

	/* dirty data survives DONTNEED (written back, not discarded) */
	unsigned char w[8192];
	fill(w, sizeof(w), 2);
	memset(w, 0x5a, 5000);
	CHECK(pwrite(fd, w, 5000, 0) == 5000, "dirty the head");
	CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0, "DONTNEED with dirty pages");
	unsigned char r[8192];
	CHECK(pread(fd, r, 8192, 0) == 8192 && !memcmp(r, w, 8192), "dirty data kept");
	CHECK(posix_fadvise(fd, 0, 0, 99) == EINVAL, "unknown advice: EINVAL");
	CHECK(posix_fadvise(fd, 0, -1, POSIX_FADV_DONTNEED) == EINVAL, "negative len: EINVAL");
	CHECK(posix_fadvise(-1, 0, 0, POSIX_FADV_DONTNEED) == EBADF, "bad fd: EBADF");
	close(fd);
}

/* BLKFLSBUF on the mounted root: clean unpinned pages go; the super
 * block and group descriptors the fs points into must stay, or later
 * updates to them would be lost (the host's e2fsck would see it). */
static void flush_mounted(void)
{
	int bfd = open("/dev/vda1", O_RDONLY);
	if (!ours_on_ext2 || bfd < 0)
		return;
	long pages = t_vmstat("nr_file_pages");
	CHECK(ioctl(bfd, BLKFLSBUF, 0) == 0, "BLKFLSBUF on the mounted root");
	printf("fs_cache: BLKFLSBUF dropped %ld pages\n", pages - t_vmstat("nr_file_pages"));
	struct statfs a, b;
	CHECK(statfs(DIR, &a) == 0, "statfs");
	int fd = make_file(DIR "/after-flush", 1 << 20, 3);
	CHECK(fsync(fd) == 0 && same(fd, 0, 1 << 20, 3), "a file written after the flush");
	close(fd);
	CHECK(statfs(DIR, &b) == 0 && a.f_bfree - b.f_bfree >= 256, "free blocks went down");
	CHECK(ioctl(bfd, BLKFLSBUF, 0) == 0, "BLKFLSBUF again");
	CHECK(unlink(DIR "/after-flush") == 0, "unlink");
	sync();
	CHECK(statfs(DIR, &b) == 0 && b.f_bfree == a.f_bfree, "and came back");
	close(bfd);
}

/* write(2) whose source is an untouched private mapping of the same
 * file: the copy faults the file in (filemap_fault reads the file)
 * while the write holds the inode's i_rwsem, so reads must not take it. */
static void write_from_own_mapping(void)
{
	int fd = make_file(DIR "/self", 8 * 4096, 4);
	char *m = mmap(NULL, 4 * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED, "mmap own file");
	CHECK(pwrite(fd, m, 4 * 4096, 4 * 4096) == 4 * 4096, "write from own mapping");
	CHECK(same(fd, 0, 4 * 4096, 4), "head intact");
	unsigned char a[4 * 4096], b[4 * 4096];
	CHECK(pread(fd, a, sizeof(a), 0) == (ssize_t)sizeof(a) &&
	      pread(fd, b, sizeof(b), 4 * 4096) == (ssize_t)sizeof(b) && !memcmp(a, b, sizeof(a)),
	      "tail is a copy of the head");
	munmap(m, 4 * 4096);
	close(fd);
	unlink(DIR "/self");
}

/* fallocate(mode 0) reserves blocks: st_blocks covers the range, the
 * range reads as zeros, data already there stays, free space drops. */
static void falloc(void)
{
	int ours = t_vmstat("pgcache_hit") >= 0;	/* else Linux */
	struct statfs a, b;
	struct stat st;
	char buf[4096];
	int fd = open(DIR "/falloc", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0 && fstatfs(fd, &a) == 0, "create falloc");
	CHECK(fallocate(fd, 0, 0, 1 << 20) == 0, "fallocate 1 MiB");
	CHECK(fstat(fd, &st) == 0 && st.st_size == 1 << 20, "size covers the range");
	if (ours_on_ext2 || !ours) {
		CHECK(st.st_blocks >= 2048, "blocks are allocated");
		CHECK(fstatfs(fd, &b) == 0 && a.f_bfree - b.f_bfree >= 256, "free space went down");
	}
	int zeros = 1;
	for (int i = 0; i < 256; i++) {
		CHECK(pread(fd, buf, 4096, i * 4096L) == 4096, "read fallocated");
		for (int j = 0; j < 4096; j++)
			zeros &= buf[j] == 0;
	}
	CHECK(zeros, "fallocated range reads as zeros");
	CHECK(ftruncate(fd, 0) == 0, "truncate");
	memset(buf, 'A', sizeof(buf));
	CHECK(pwrite(fd, buf, 4096, 0) == 4096, "data in block 0");
	CHECK(fallocate(fd, 0, 0, 3 * 4096) == 0, "fallocate over data and a hole");
	CHECK(fsync(fd) == 0 && posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0, "write, drop");
	CHECK(pread(fd, buf, 4096, 0) == 4096 && buf[0] == 'A' && buf[4095] == 'A', "data kept");
	CHECK(pread(fd, buf, 4096, 2 * 4096) == 4096 && !buf[0] && !buf[4095], "new block zero");
	if (ours_on_ext2 || !ours)
		CHECK(fstat(fd, &st) == 0 && st.st_blocks >= 24, "three blocks");
	CHECK(fallocate(fd, 0, -1, 10) < 0 && errno == EINVAL, "negative offset: EINVAL");
	CHECK(fallocate(fd, 0, 0, 0) < 0 && errno == EINVAL, "zero length: EINVAL");
	close(fd);
	fd = open(DIR "/falloc", O_RDONLY);
	CHECK(fallocate(fd, 0, 0, 4096) < 0 && errno == EBADF, "read-only fd: EBADF");
	close(fd);
	unlink(DIR "/falloc");
}

/* syncfs and fdatasync write the file's dirty pages: afterwards they
 * can be dropped and read back from the disk. */
static void sync_calls(void)
{
	int fd = make_file(DIR "/s1", 64 * 1024, 5);
	CHECK(syncfs(fd) == 0, "syncfs");
	CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0, "drop");
	CHECK(same(fd, 0, 64 * 1024, 5), "syncfs wrote the data");
	close(fd);
	fd = make_file(DIR "/s2", 64 * 1024, 6);
	CHECK(fdatasync(fd) == 0, "fdatasync");
	if (ours_on_ext2) {
		long sect = vda_sectors_read();
		CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0, "drop");
		CHECK(same(fd, 0, 64 * 1024, 6), "fdatasync wrote the data");
		CHECK(vda_sectors_read() - sect >= 128, "and it came back from the disk");
	}
	close(fd);
	CHECK(syncfs(-1) < 0 && errno == EBADF, "syncfs(-1): EBADF");
	unlink(DIR "/s1");
	unlink(DIR "/s2");
}

int main(void)
{
	struct statfs sf;
	mkdir("/tmp", 01777);
	CHECK(mkdir(DIR, 0755) == 0 || errno == EEXIST, "mkdir");
	ours_on_ext2 = t_vmstat("pgcache_hit") >= 0 && statfs(DIR, &sf) == 0 && sf.f_type == EXT2_MAGIC;
	bmap();
	dontneed();
	flush_mounted();
	write_from_own_mapping();
	falloc();
	sync_calls();
	unlink(DIR "/contig");
	unlink(DIR "/sparse");
	unlink(DIR "/dn");
	rmdir(DIR);
	t_ok("fs_cache");
	return 0;
}
