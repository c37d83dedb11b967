/* bench_write.c: writes through the page cache to ext2 on the root disk.
 *   bench_write fsync    64 MiB written in 1 MiB calls to a new file, then
 *                        fsync: cell write_fsync, MB/s (until fsync returns)
 *   bench_write files    2,000 files of 4 KiB each created, written and
 *                        closed in one directory, then all deleted: cell
 *                        smallfiles, files per second */
#include "bench.h"

static char buf[MiB];

static void write_fsync(void)
{
	const size_t size = 64 * MiB;
	memset(buf, 0x5a, sizeof(buf));
	double t0 = bench_now();
	int fd = open("/bench_write.dat", O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0)
		bench_die("open");
	for (size_t off = 0; off < size; off += sizeof(buf))
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			bench_die("write");
	if (fsync(fd) < 0)
		bench_die("fsync");
	double t = bench_now() - t0;
	close(fd);
	bench_result("write_fsync", size / t / 1e6, "MB/s", "");
	unlink("/bench_write.dat");
}

static void small_files(void)
{
	const int n = 2000;
	char path[64];
	memset(buf, 0x5a, 4096);
	if (mkdir("/bench_files", 0755) < 0 && errno != EEXIST)
		bench_die("mkdir");
	double t0 = bench_now();
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/bench_files/f%d", i);
		int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
		if (fd < 0 || write(fd, buf, 4096) != 4096)
			bench_die(path);
		close(fd);
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/bench_files/f%d", i);
		if (unlink(path) < 0)
			bench_die(path);
	}
	bench_result("smallfiles", n / (bench_now() - t0), "files/s", "");
	rmdir("/bench_files");
}

int main(int argc, char **argv)
{
	static const struct bench_mode modes[] = { { "fsync", write_fsync }, { "files", small_files } };
	return bench_main(argc, argv, modes, 2);
}
