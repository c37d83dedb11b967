/* blk.h - helpers for the block-device tests: open a disk or skip the
 * test (on the host under qemu-riscv64 there is no /dev/vdX), read
 * /proc/diskstats counters, and the per-sector pattern both the host
 * (tests/run.py) and the guest use: every 8-byte word of sector S of a
 * disk holds S * 0x9e3779b97f4a7c15 + word index + seed. */
#ifndef BLK_H
#define BLK_H
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include "t.h"

static inline int blk_open_or_skip(const char *dev, const char *test)
{
	int fd = open(dev, O_RDWR | O_DIRECT);
	if (fd < 0 && errno == ENOENT) {
		printf("%s: SKIP (no %s)\n", test, dev);
		exit(0);
	}
	CHECK(fd >= 0, "open block device");
	return fd;
}

static inline uint64_t blk_size(int fd)
{
	uint64_t sz = 0;
	CHECK(ioctl(fd, BLKGETSIZE64, &sz) == 0, "BLKGETSIZE64");
	return sz;
}

static inline void blk_fill(void *buf, uint64_t sector, size_t bytes, uint64_t seed)
{
	uint64_t *w = buf;
	for (size_t i = 0; i < bytes / 8; i++)
		w[i] = (sector + i / 64) * 0x9e3779b97f4a7c15ULL + i % 64 + seed;
}

/* Index of the first differing byte, or -1. */
static inline long blk_check(const void *buf, uint64_t sector, size_t bytes, uint64_t seed)
{
	const uint64_t *w = buf;
	for (size_t i = 0; i < bytes / 8; i++)
		if (w[i] != (sector + i / 64) * 0x9e3779b97f4a7c15ULL + i % 64 + seed)
			return i * 8;
	return -1;
}

struct blk_stats { unsigned long rd, rd_merged, rd_sect, wr, wr_merged, wr_sect, flush; };

/* Counters of disk `name` (e.g. "vdb") from /proc/diskstats. */
static inline struct blk_stats blk_stats(const char *name)
{
	struct blk_stats s = { 0 };
	char line[512], n[32];
	unsigned long v[17];
	FILE *f = fopen("/proc/diskstats", "r");
	CHECK(f, "open /proc/diskstats");
	while (fgets(line, sizeof(line), f)) {
		int k = sscanf(line, "%*u %*u %31s %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu",
			       n, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9],
			       &v[10], &v[11], &v[12], &v[13], &v[14], &v[15], &v[16]);
		if (k >= 12 && !strcmp(n, name)) {
			s = (struct blk_stats){ v[0], v[1], v[2], v[4], v[5], v[6], k >= 17 ? v[15] : 0 };
		}
	}
	fclose(f);
	return s;
}
#endif
