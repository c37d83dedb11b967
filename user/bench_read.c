/* bench_read.c: file reads through the page cache (ext2 on the root disk).
 *   bench_read seq    a 64 MiB file read sequentially with read(2) in
 *                     4 KiB and in 1 MiB calls, cold (the file's pages
 *                     dropped from the cache first) and warm (all cached):
 *                     cells read_cold_4k, read_warm_4k, read_cold_1m,
 *                     read_warm_1m, in MB/s
 *   bench_read small  a 256 KiB file opened, read whole in 4 KiB calls and
 *                     closed 20 times, the first time cold: cell
 *                     read256k_x20, in MB/s
 *   bench_read ra     readahead against the device's limit, in one boot:
 *                     ra_raw_1m, the file's 64 MiB of blocks read from
 *                     /dev/vda1 with O_DIRECT in 1 MiB calls (the raw
 *                     limit); ra_cold_4k, ra_cold_1m (read(2) calls of
 *                     4 KiB and 1 MiB) and ra_mmap_cold (a walk of a
 *                     mapping), each cold, and ra_warm_4k, ra_warm_1m
 *                     (the same reads again, all cached: what copying out
 *                     alone costs); then ra_off_* the cold ones with the
 *                     disk's readahead off (BLKRASET 0, restored after)
 * The file is written (and fsynced) in the same boot before it is timed. */
#include "bench.h"
#include <sys/ioctl.h>
#include <linux/fs.h>

static char buf[MiB];

/* Reads fd from offset 0 to EOF in calls of n bytes; returns MB/s. */
static double read_all(int fd, size_t n, size_t size)
{
	size_t got = 0;
	ssize_t r;
	if (lseek(fd, 0, SEEK_SET) != 0)
		bench_die("lseek");
	double t0 = bench_now();
	while ((r = read(fd, buf, n)) > 0)
		got += r;
	if (r < 0 || got != size)
		bench_die("read");
	return size / (bench_now() - t0) / 1e6;
}

static void seq(void)
{
	const size_t size = 64 * MiB;
	static const size_t calls[] = { 4096, MiB };
	int fd = bench_make_file("/bench_read.dat", size);
	for (int i = 0; i < 2; i++) {
		char cell[32];
		const char *sz = calls[i] == MiB ? "1m" : "4k";
		bench_drop_cache(fd);
		snprintf(cell, sizeof(cell), "read_cold_%s", sz);
		bench_result(cell, read_all(fd, calls[i], size), "MB/s", "");
		snprintf(cell, sizeof(cell), "read_warm_%s", sz);
		bench_result(cell, read_all(fd, calls[i], size), "MB/s", "");
	}
	close(fd);
	unlink("/bench_read.dat");
}

static void small(void)
{
	const size_t size = 256 << 10;
	const int times = 20;
	int fd = bench_make_file("/bench_small.dat", size);
	bench_drop_cache(fd);
	close(fd);
	double t0 = bench_now();
	for (int i = 0; i < times; i++) {
		fd = open("/bench_small.dat", O_RDONLY);
		if (fd < 0)
			bench_die("open");
		size_t got = 0;
		ssize_t r;
		while ((r = read(fd, buf, 4096)) > 0)
			got += r;
		if (r < 0 || got != size)
			bench_die("read");
		close(fd);
	}
	bench_result("read256k_x20", (double)size * times / (bench_now() - t0) / 1e6, "MB/s", "");
	unlink("/bench_small.dat");
}

/* The file's first 64 MiB of disk, read raw: where its blocks start
 * (FIBMAP) on the root partition, O_DIRECT, 1 MiB per call. */
static void raw_limit(int fd, int dev, size_t size)
{
	int blk = 0;	/* FIBMAP: file block in, disk block out (an int) */
	char *abuf = mmap(NULL, MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (abuf == MAP_FAILED || ioctl(fd, FIBMAP, &blk) < 0 || blk <= 0)
		bench_die("FIBMAP");
	double t0 = bench_now();
	for (size_t off = 0; off < size; off += MiB)
		if (pread(dev, abuf, MiB, (off_t)blk * 4096 + off) != (ssize_t)MiB)
			bench_die("pread /dev/vda1");
	bench_result("ra_raw_1m", size / (bench_now() - t0) / 1e6, "MB/s", "");
	munmap(abuf, MiB);
}

static void ra(void)
{
	const char *path = "/bench_ra.dat";
	const size_t size = 64 * MiB;
	int fd = bench_make_file(path, size);
	int dev = open("/dev/vda1", O_RDONLY | O_DIRECT);
	long window = 0;
	if (dev < 0 || ioctl(dev, BLKRAGET, &window) < 0)
		bench_die("/dev/vda1");
	raw_limit(fd, dev, size);
	for (int off = 0; off < 2; off++) {
		static const char *const cells[2][3] = {
			{ "ra_cold_4k", "ra_cold_1m", "ra_mmap_cold" },
			{ "ra_off_cold_4k", "ra_off_cold_1m", "ra_off_mmap_cold" } };
		if (off && ioctl(dev, BLKRASET, 0L) < 0)
			bench_die("BLKRASET 0");
		for (int i = 0; i < 3; i++) {
			close(fd);	/* a new open samples the disk's window */
			if ((fd = open(path, O_RDONLY)) < 0)
				bench_die(path);
			bench_drop_cache(fd);
			if (i < 2)
				bench_result(cells[off][i], read_all(fd, i ? MiB : 4096, size), "MB/s", "");
			if (i < 2 && !off)	/* the copy-out alone: a bound on any buffered read */
				bench_result(i ? "ra_warm_1m" : "ra_warm_4k", read_all(fd, i ? MiB : 4096, size),
					     "MB/s", "");
			if (i == 2)
				bench_walk(cells[off][i], fd, size);
		}
	}
	if (ioctl(dev, BLKRASET, window) < 0)
		bench_die("BLKRASET");
	close(dev);
	close(fd);
	unlink(path);
}

int main(int argc, char **argv)
{
	static const struct bench_mode modes[] = { { "seq", seq }, { "small", small }, { "ra", ra } };
	return bench_main(argc, argv, modes, 3);
}
