/* bench_read.c: file reads through the page cache (ext2 on the root disk).
 *   bench_read seq    a 64 MiB file read sequentially with read(2) in
 *                     4 KiB and in 1 MiB calls, cold (the file's pages
 *                     dropped from the cache first) and warm (all cached):
 *                     cells read_cold_4k, read_warm_4k, read_cold_1m,
 *                     read_warm_1m, in MB/s
 *   bench_read small  a 256 KiB file opened, read whole in 4 KiB calls and
 *                     closed 20 times, the first time cold: cell
 *                     read256k_x20, in MB/s
 * The file is written (and fsynced) in the same boot before it is timed. */
#include "bench.h"

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

int main(int argc, char **argv)
{
	static const struct bench_mode modes[] = { { "seq", seq }, { "small", small } };
	return bench_main(argc, argv, modes, 2);
}
