/* bigfile.c - a 1 GiB file written and read back through the page cache
 * on a disk file system, larger than the machine's memory: clean pages
 * must be reclaimed and dirty ones written back as the writer goes. The
 * guest prints "CRC32 path value" so the host can compare with debugfs.
 * Skipped when the root has less than 1.5 GiB free (the RAM root, small
 * disks). Usage: bigfile [MiB] */
#define _GNU_SOURCE
#include "t.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/statfs.h>

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

int main(int argc, char **argv)
{
	const char *path = "/tmp/bigfile";
	long mib = argc > 1 ? atol(argv[1]) : 1024;
	struct statfs sf;
	if (statfs("/tmp", &sf) || (double)sf.f_bavail * sf.f_bsize < mib * 1.5 * (1 << 20)) {
		printf("bigfile: SKIP (less than %.0f MiB free)\n", mib * 1.5);
		return 0;
	}
	crc_init();
	static unsigned char buf[1 << 20];
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0, "create");
	uint32_t crc = 0;
	double t = t_now();
	for (long i = 0; i < mib; i++) {
		for (size_t k = 0; k < sizeof(buf); k += 8)
			*(uint64_t *)(buf + k) = ((uint64_t)i << 20 | k) * 0x9e3779b97f4a7c15ULL;
		crc = crc32_update(crc, buf, sizeof(buf));
		CHECK(write(fd, buf, sizeof(buf)) == sizeof(buf), "write 1 MiB");
	}
	CHECK(fsync(fd) == 0, "fsync");
	double tw = t_now() - t;
	CHECK(lseek(fd, 0, SEEK_SET) == 0, "rewind");
	uint32_t crc2 = 0;
	t = t_now();
	for (long i = 0; i < mib; i++) {
		CHECK(read(fd, buf, sizeof(buf)) == sizeof(buf), "read 1 MiB");
		crc2 = crc32_update(crc2, buf, sizeof(buf));
	}
	close(fd);
	printf("bigfile: %ld MiB written in %.1f s, read in %.1f s\n", mib, tw, t_now() - t);
	CHECK(crc == crc2, "read back what was written");
	printf("CRC32 %s %08x\n", path, crc);
	t_ok("bigfile");
	return 0;
}
