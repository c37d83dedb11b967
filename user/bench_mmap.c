/* bench_mmap.c: a sequential walk of a 64 MiB file mapping (read-only
 * MAP_PRIVATE, which for reads is the page cache's pages on Linux, as
 * MAP_SHARED; ext2 on the root disk): one 8-byte load per 4 KiB page, so
 * it measures the fault path (filemap_fault, fault-around, readahead),
 * not memory bandwidth. Cells, in MB/s of file covered, all in one boot:
 *   mmap_read_cold  the same file read(2) in 1 MiB calls, cold: the walk's
 *                   yardstick (make bench wants mmap_cold >= 0.9 of it)
 *   mmap_cold       the walk, the file's pages dropped from the cache first
 *   mmap_warm       all pages cached, but a fresh mapping (no page tables)
 *   memcpy_64m      memcpy of 64 MiB between two faulted-in anonymous
 *                   buffers: the warm walk's yardstick (target >= 0.5)
 * The walks also report faults_per_page (pgfault from /proc/vmstat,
 * which both kernels have). The file is written (and fsynced) in the
 * same boot before anything is timed. */
#include "bench.h"

static void read_cold(int fd, size_t size)
{
	static char buf[MiB];
	bench_drop_cache(fd);
	double t0 = bench_now();
	for (size_t off = 0; off < size; off += sizeof(buf))
		if (pread(fd, buf, sizeof(buf), off) != (ssize_t)sizeof(buf))
			bench_die("pread");
	bench_result("mmap_read_cold", size / (bench_now() - t0) / 1e6, "MB/s", "");
}

static void copy(size_t size)
{
	char *a = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *b = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED || b == MAP_FAILED)
		bench_die("mmap");
	memset(a, 1, size);
	memset(b, 2, size);	/* both faulted in: only the copy is timed */
	double t0 = bench_now();
	memcpy(b, a, size);
	double t = bench_now() - t0;
	if (b[size - 1] != 1)
		bench_die("memcpy");
	bench_result("memcpy_64m", size / t / 1e6, "MB/s", "");
	munmap(a, size);
	munmap(b, size);
}

int main(void)
{
	const size_t size = 64 * MiB;
	int fd = bench_make_file("/bench_mmap.dat", size);
	read_cold(fd, size);
	bench_drop_cache(fd);
	bench_walk("mmap_cold", fd, size);
	bench_walk("mmap_warm", fd, size);
	copy(size);
	close(fd);
	unlink("/bench_mmap.dat");
	return 0;
}
