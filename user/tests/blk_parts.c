/* blk_parts.c - MBR partitions of /dev/vda made on the host: vda1 and
 * vda2 exist with the sizes of the table, each holds the pattern the host
 * wrote into it (seed 1 and 2, sectors counted from the partition start),
 * I/O stops at the partition end, and writing the last sector of vda1
 * does not touch the first sector of vda2. Skipped without vda1. */
#include "blk.h"
#include <sys/mman.h>

int main(void)
{
	int fd1 = blk_open_or_skip("/dev/vda1", "blk_parts");
	int fd2 = open("/dev/vda2", O_RDWR | O_DIRECT);
	int fd = open("/dev/vda", O_RDWR | O_DIRECT);
	CHECK(fd2 >= 0 && fd >= 0, "open vda2 and vda");
	uint64_t s1 = blk_size(fd1), s2 = blk_size(fd2), s = blk_size(fd);
	CHECK(s1 == 24 << 20 && s2 > 0 && s1 + s2 < s, "partition sizes from the MBR");
	char *buf = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (uint64_t off = 0; off < s1; off += 1 << 20) {
		CHECK(pread(fd1, buf, 1 << 20, off) == 1 << 20, "read vda1");
		CHECK(blk_check(buf, off / 512, 1 << 20, 1) < 0, "vda1 holds the host's data");
	}
	for (uint64_t off = 0; off + (1 << 20) <= s2; off += 1 << 20) {
		CHECK(pread(fd2, buf, 1 << 20, off) == 1 << 20, "read vda2");
		CHECK(blk_check(buf, off / 512, 1 << 20, 2) < 0, "vda2 holds the host's data");
	}
	/* the partition's end is the file's end */
	CHECK(pread(fd1, buf, 4096, s1 - 2048) == 2048, "short read at the partition end");
	CHECK(pread(fd1, buf, 4096, s1) == 0, "EOF at the partition end");
	CHECK_ERR(pwrite(fd1, buf, 512, s1), ENOSPC, "no write past the partition");
	/* last sector of vda1 vs first of vda2 */
	memset(buf, 0xab, 512);
	CHECK(pwrite(fd1, buf, 512, s1 - 512) == 512, "write the last sector of vda1");
	CHECK(pread(fd2, buf, 512, 0) == 512 && blk_check(buf, 0, 512, 2) < 0,
	      "vda2's first sector untouched");
	blk_fill(buf, (s1 - 512) / 512, 512, 1);
	CHECK(pwrite(fd1, buf, 512, s1 - 512) == 512, "restore it");
	/* GPT on vdd: an 8 MiB partition and one for the rest */
	int g1 = open("/dev/vdd1", O_RDONLY | O_DIRECT), g2 = open("/dev/vdd2", O_RDONLY | O_DIRECT);
	if (g1 >= 0 || errno != ENOENT) {
		CHECK(g1 >= 0 && g2 >= 0, "GPT partitions vdd1 and vdd2");
		CHECK(blk_size(g1) == 8 << 20, "vdd1 is 8 MiB");
		CHECK(blk_size(g2) > 4 << 20, "vdd2 holds the rest");
		CHECK(open("/dev/vdd3", O_RDONLY) < 0 && errno == ENOENT, "no vdd3");
	}
	t_ok("blk_parts");
	return 0;
}
