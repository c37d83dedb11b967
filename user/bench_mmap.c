/* bench_mmap.c: a sequential walk of a 64 MiB file mapping (read-only
 * MAP_PRIVATE, which for reads is the page cache's pages on Linux, as
 * MAP_SHARED; ext2 on the root disk): one 8-byte load per 4 KiB page, so
 * it measures the fault path (filemap_fault, fault-around, readahead),
 * not memory bandwidth. Cells, in MB/s of file walked:
 *   mmap_cold   the file's pages dropped from the cache first
 *   mmap_warm   all pages cached, but a fresh mapping (no page tables)
 * The file is written (and fsynced) in the same boot before it is timed. */
#include <sys/mman.h>
#include "bench.h"

static double walk(int fd, size_t size)
{
	double t0 = bench_now();
	volatile unsigned long *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	unsigned long sum = 0;
	if (p == MAP_FAILED)
		bench_die("mmap");
	for (size_t off = 0; off < size; off += 4096)
		sum += p[off / sizeof(*p)];
	munmap((void *)p, size);
	double t = bench_now() - t0;
	if (sum == 0x5a5a5a5a)	/* keep the loads */
		printf("bench_mmap: unlikely sum\n");
	return size / t / 1e6;
}

int main(void)
{
	const size_t size = 64 * MiB;
	int fd = bench_make_file("/bench_mmap.dat", size);
	bench_drop_cache(fd);
	bench_result("mmap_cold", walk(fd, size), "MB/s", "");
	bench_result("mmap_warm", walk(fd, size), "MB/s", "");
	close(fd);
	unlink("/bench_mmap.dat");
	return 0;
}
