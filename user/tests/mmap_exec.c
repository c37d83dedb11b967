/* mmap_exec.c - a program starts without reading all of itself: execve
 * maps the ELF segments as private mappings of the page cache, and only
 * the pages a program touches (with their read-around and fault-around
 * neighbours) are read. This program carries 512 KiB of constant data it
 * never touches; on a cold ext2 root (the ext2 root boot runs it once,
 * fresh from disk) mincore() of its own file must show most of that not
 * in the cache. It then touches it all through a mapping and the pages
 * come in. On the RAM root every page is always cached, and on Linux
 * under qemu-riscv64 QEMU loads the program itself: only this kernel on
 * ext2 is checked. */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/statfs.h>
#include "mmt.h"

#define UNUSED_PAGES 128
#define EXT2_MAGIC 0xEF53
static const char unused[UNUSED_PAGES * 4096] __attribute__((aligned(4096))) = { 1 };

/* Pages of path that are in the page cache, out of *total. */
static long cached(const char *path, long *total)
{
	struct stat st;
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && fstat(fd, &st) == 0, "open own binary");
	long pages = (st.st_size + PG - 1) / PG;
	unsigned char *vec = malloc(pages);
	void *m = mmap(NULL, pages * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(vec && m != MAP_FAILED && mincore(m, pages * PG, vec) == 0, "mincore own binary");
	long n = 0;
	for (long i = 0; i < pages; i++)
		n += vec[i] & 1;
	munmap(m, pages * PG);
	close(fd);
	free(vec);
	*total = pages;
	return n;
}

int main(void)
{
	const char *self = "/tests/mmap_exec";
	struct statfs sf;
	long total, before = 0;
	int check = ours() && statfs(self, &sf) == 0 && sf.f_type == EXT2_MAGIC;
	if (check) {
		before = cached(self, &total);
		printf("mmap_exec: %ld of %ld pages of %s cached at start\n", before, total, self);
		CHECK(before <= total - UNUSED_PAGES / 2, "most of the untouched data never read");
	}
	unsigned long sum = 0;
	for (long i = 0; i < UNUSED_PAGES; i++)
		sum += ((volatile const char *)unused)[i * PG];
	CHECK(sum == 1, "the data reads right");
	if (check) {
		long after = cached(self, &total);
		CHECK(after >= before + UNUSED_PAGES / 2, "touching it brought it in");
	}
	t_ok("mmap_exec");
	return 0;
}
