/* blk_cache.c - buffered I/O on /dev/vdb goes through the block device's
 * page cache: unaligned writes work and reach the disk on fsync; a second
 * read of the same range is served from the cache (no misses, hits in
 * /proc/vmstat; the only device reads are readahead past the range,
 * started by a readahead mark inside it, as on Linux); a cold 1 MiB read reaches the
 * device as a few large requests; two descriptors see one cache; dirty
 * pages are counted until written back. Skipped without vdb. */
#include "blk.h"
#include <sys/mman.h>

static long vmstat(const char *name)
{
	char line[256], n[64];
	long v, r = -1;
	FILE *f = fopen("/proc/vmstat", "r");
	CHECK(f, "open /proc/vmstat");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", n, &v) == 2 && !strcmp(n, name))
			r = v;
	fclose(f);
	return r;
}

int main(void)
{
	int dfd = blk_open_or_skip("/dev/vdb", "blk_cache");	/* O_DIRECT */
	int fd = open("/dev/vdb", O_RDWR), fd2 = open("/dev/vdb", O_RDONLY);
	CHECK(fd >= 0 && fd2 >= 0, "open buffered");
	char *buf = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *big = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	/* unaligned buffered write, visible to another descriptor at once */
	for (int i = 0; i < 10000; i++)
		buf[i] = (char)(i * 7 + 3);
	CHECK(pwrite(fd, buf, 10000, 1000) == 10000, "unaligned buffered write");
	CHECK(vmstat("nr_dirty") > 0, "dirty pages counted");
	memset(big, 0, 12000);
	CHECK(pread(fd2, big, 10000, 1000) == 10000 && !memcmp(big, buf, 10000),
	      "the other descriptor sees it (one cache)");
	CHECK(fsync(fd) == 0, "fsync");
	CHECK(pread(dfd, big, 12288, 0) == 12288 && !memcmp(big + 1000, buf, 10000),
	      "written back to the disk");

	/* cold read after dropping the cache, then a warm one */
	CHECK(ioctl(fd, BLKFLSBUF, 0) == 0, "BLKFLSBUF");
	struct blk_stats a = blk_stats("vdb");
	long miss0 = vmstat("pgcache_miss");
	CHECK(pread(fd, big, 1 << 20, 4 << 20) == 1 << 20, "cold 1 MiB read");
	struct blk_stats b = blk_stats("vdb");
	printf("blk_cache: cold 1 MiB read = %lu requests, %lu sectors\n", b.rd - a.rd,
	       b.rd_sect - a.rd_sect);
	CHECK(b.rd_sect - a.rd_sect >= 2048, "the data came from the device");
	CHECK(b.rd - a.rd <= 16, "in a few large requests");
	CHECK(vmstat("pgcache_miss") - miss0 >= 256, "misses counted");
	long hit0 = vmstat("pgcache_hit"), sync0 = vmstat("readahead_sync");
	CHECK(pread(fd2, buf, 1 << 20, 4 << 20) == 1 << 20, "warm 1 MiB read");
	struct blk_stats c = blk_stats("vdb");
	CHECK(vmstat("readahead_sync") == sync0, "no misses in a cached range");
	CHECK(c.rd_sect - b.rd_sect <= 2048, "at most one readahead window past it");
	CHECK(vmstat("pgcache_hit") - hit0 >= 256, "hits counted");
	CHECK(!memcmp(buf, big, 1 << 20), "same data");

	/* O_DIRECT write invalidates the cached copy */
	memset(buf, 0x42, 4096);
	CHECK(pwrite(dfd, buf, 4096, 4 << 20) == 4096, "direct write");
	CHECK(pread(fd, big, 4096, 4 << 20) == 4096 && !memcmp(big, buf, 4096),
	      "buffered read sees the direct write");
	t_ok("blk_cache");
	return 0;
}
