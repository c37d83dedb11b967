/* blk_pattern.c - the scratch disk /dev/vdb end to end: write a pattern
 * over the whole disk with large direct writes, read it back and compare;
 * misaligned offsets, lengths and buffers are EINVAL; a vectored read of
 * many contiguous 4 KiB pieces reaches the device as a few merged
 * requests (/proc/diskstats); fsync issues a FLUSH. Skipped without vdb. */
#include "blk.h"
#include <sys/mman.h>
#include <sys/uio.h>

#define CHUNK (1 << 20)

int main(void)
{
	int fd = blk_open_or_skip("/dev/vdb", "blk_pattern");
	uint64_t size = blk_size(fd);
	CHECK(size >= 16 << 20, "scratch disk of at least 16 MiB");
	char *buf = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf != MAP_FAILED, "mmap buffer");
	uint64_t seed = (uint64_t)time(NULL);

	for (uint64_t off = 0; off < size; off += CHUNK) {
		size_t n = size - off < CHUNK ? size - off : CHUNK;
		blk_fill(buf, off / 512, n, seed);
		CHECK(pwrite(fd, buf, n, off) == (ssize_t)n, "pwrite pattern");
	}
	CHECK(fsync(fd) == 0, "fsync (FLUSH)");
	for (uint64_t off = 0; off < size; off += CHUNK) {
		size_t n = size - off < CHUNK ? size - off : CHUNK;
		memset(buf, 0, n);
		CHECK(pread(fd, buf, n, off) == (ssize_t)n, "pread pattern");
		CHECK(blk_check(buf, off / 512, n, seed) < 0, "pattern read back");
	}
	/* at and past the end */
	CHECK(pread(fd, buf, 4096, size) == 0, "read at the end is EOF");
	CHECK_ERR(pwrite(fd, buf, 4096, size), ENOSPC, "write past the end -> ENOSPC");

	/* misaligned requests are rejected, not corrupted */
	CHECK_ERR(pread(fd, buf, 4096, 100), EINVAL, "unaligned offset -> EINVAL");
	CHECK_ERR(pread(fd, buf, 1000, 0), EINVAL, "partial sector length -> EINVAL");
	CHECK_ERR(pread(fd, buf + 1, 4096, 0), EINVAL, "unaligned buffer -> EINVAL");
	CHECK_ERR(pwrite(fd, buf, 100, 512), EINVAL, "partial sector write -> EINVAL");
	CHECK(pread(fd, buf, 4096, 0) == 4096 && blk_check(buf, 0, 4096, seed) < 0,
	      "data intact after rejected requests");

	/* merging: 256 contiguous 4 KiB iovecs, one readv */
	struct iovec iov[256];
	for (int i = 0; i < 256; i++)
		iov[i] = (struct iovec){ buf + (i % 256) * 4096, 4096 };
	struct blk_stats a = blk_stats("vdb");
	CHECK(preadv(fd, iov, 256, 0) == 256 * 4096, "preadv 1 MiB in 256 pieces");
	struct blk_stats b = blk_stats("vdb");
	printf("blk_pattern: 256 pages read as %lu requests (%lu merges)\n",
	       b.rd - a.rd, b.rd_merged - a.rd_merged);
	CHECK(b.rd - a.rd >= 1 && b.rd - a.rd <= 16, "few requests for 256 pages");
	CHECK(b.rd_merged - a.rd_merged >= 200, "merges counted");
	CHECK(b.rd_sect - a.rd_sect == 2048, "sectors counted");
	CHECK(blk_check(buf, 0, 1 << 20, seed) < 0, "merged read data");
	a = blk_stats("vdb");
	CHECK(fsync(fd) == 0, "fsync");
	b = blk_stats("vdb");
	CHECK(b.flush == a.flush + 1, "one FLUSH request counted");
	close(fd);

	/* O_DSYNC: a FUA write, which virtio-blk gets as write + FLUSH */
	fd = open("/dev/vdb", O_RDWR | O_DIRECT | O_DSYNC);
	CHECK(fd >= 0, "open O_DSYNC");
	a = blk_stats("vdb");
	blk_fill(buf, 0, 4096, seed);
	CHECK(pwrite(fd, buf, 4096, 0) == 4096, "O_DSYNC write");
	b = blk_stats("vdb");
	CHECK(b.wr == a.wr + 1 && b.flush == a.flush + 1, "write followed by one FLUSH");
	close(fd);
	t_ok("blk_pattern");
	return 0;
}
