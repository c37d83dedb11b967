/* lab_pagecache.c - the graded tests of the pagecache lab
 * (docs/labs/pagecache.md): read(2) through the page cache, judged by
 * /proc/vmstat's pgcache_hit and pgcache_miss and by the sectors and
 * requests that reach the root disk (/proc/diskstats). Files on the
 * ext2 root, written once, are dropped from the cache (fsync, then
 * posix_fadvise DONTNEED) before each part.
 *   warm:    a file read twice: the second read is all hits, no I/O;
 *   cold:    a cold read misses each page once, reads each sector once,
 *            in few requests (readahead was asked for the pages);
 *   eof:     files of 0..3 pages and odd sizes read with odd buffer
 *            sizes: the bytes before EOF, 0 at EOF; read again, from
 *            the cache;
 *   threads: four threads read the whole file, each starting a quarter
 *            further on: every sector is read from the disk once;
 *   mmap:    what read(2) brought in is what a mapping maps (resident
 *            before the first touch, no I/O), and a store through a
 *            shared mapping is what read(2) returns.
 * On Linux (qemu-riscv64) only the data is checked. */
#define _GNU_SOURCE
#include <pthread.h>
#include "labio.h"

#define PATH "/tmp/lab_pagecache"
#define SIZE (4L << 20)
#define PAGES (SIZE / PG)

static int o;

static int checked(void)
{
	return o && lab_dev[0];
}

struct counts { long hit, miss, reqs, sect; };

static struct counts counts(void)
{
	struct blk_stats d = lab_disk_stats();
	return (struct counts){ vmstat("pgcache_hit"), vmstat("pgcache_miss"), d.rd, d.rd_sect };
}

static struct counts since(struct counts a)
{
	struct counts b = counts();
	return (struct counts){ b.hit - a.hit, b.miss - a.miss, b.reqs - a.reqs, b.sect - a.sect };
}

static void show(const char *what, struct counts c)
{
	if (checked())
		printf("lab_pagecache: %-22s %5ld hits %5ld misses %5ld requests %6ld sectors\n", what,
		       c.hit, c.miss, c.reqs, c.sect);
}

static int cold(void)
{
	o = ours();
	return lab_cold_file(PATH, SIZE);
}

static void part_warm(void)
{
	int fd = cold();
	lab_read_pages(fd, 0, PAGES, 16);
	struct counts c0 = counts();
	lab_read_pages(fd, 0, PAGES, 16);
	struct counts c = since(c0);
	show("warm re-read", c);
	CHECK(!checked() || c.sect == 0, "a warm re-read reads nothing from the disk");
	CHECK(!checked() || (c.hit >= PAGES && c.miss == 0), "a warm re-read is all hits");
	close(fd);
}

static void part_cold(void)
{
	int fd = cold();
	struct counts c0 = counts();
	lab_read_pages(fd, 0, PAGES, 16);
	struct counts c = since(c0);
	show("cold read", c);
	CHECK(!checked() || c.miss == PAGES, "each page misses once");
	CHECK(!checked() || c.sect <= SIZE / 512 + 64, "each sector is read once");
	CHECK(!checked() || c.reqs <= PAGES / 16, "few requests: readahead reads the misses");
	close(fd);
}

static void part_eof(void)
{
	static const long sizes[] = { 0, 1, 100, 4095, 4096, 4097, 8191, 8192, 10000, 12288 };
	static const long bufs[] = { 1, 7, 512, 4096, 5000, 65536 };
	static unsigned char want[16384], got[16384];
	char path[64];
	o = ours();
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(path, sizeof(path), "%s.%ld", PATH, sizes[i]);
		int fd = make_file(path, sizes[i], 21 + i);
		CHECK(fsync(fd) == 0 && posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0, "drop");
		lab_find_disk(path);
		fill(want, 0, sizes[i], 21 + i);
		for (int pass = 0; pass < 2; pass++) {
			struct counts c0 = counts();
			for (unsigned b = 0; b < sizeof(bufs) / sizeof(bufs[0]); b++) {
				long off = 0, n;
				CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek");
				memset(got, 0xee, sizeof(got));
				while ((n = read(fd, got + off, bufs[b])) > 0)
					off += n;
				CHECK(n == 0, "read ends with 0 at EOF");
				CHECK(off == sizes[i], "read returns the bytes before EOF, no more");
				CHECK(!memcmp(got, want, sizes[i]), "the bytes");
				CHECK(got[sizes[i]] == 0xee, "nothing past EOF is copied");
				CHECK(pread(fd, got, 100, sizes[i]) == 0, "pread at EOF is 0");
				CHECK(pread(fd, got, 100, sizes[i] + 5000) == 0, "pread past EOF is 0");
			}
			struct counts c = since(c0);
			if (pass == 1 && checked() && c.sect)
				fprintf(stderr, "lab_pagecache: the second pass over %ld bytes read %ld "
					"sectors\n", sizes[i], c.sect);
			CHECK(pass == 0 || !checked() || c.sect == 0, "read again, from the cache");
		}
		close(fd);
		unlink(path);
	}
}

static int threads_fd;

static void *reader(void *arg)
{
	long start = (long)arg * PAGES / 4;
	lab_read_pages(threads_fd, start, PAGES, 4);
	lab_read_pages(threads_fd, 0, start, 4);
	return NULL;
}

static void part_threads(void)
{
	pthread_t t[4];
	threads_fd = cold();
	struct counts c0 = counts();
	for (long i = 0; i < 4; i++)
		CHECK(pthread_create(&t[i], NULL, reader, (void *)i) == 0, "thread");
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	struct counts c = since(c0);
	show("four readers", c);
	CHECK(!checked() || c.sect <= SIZE / 512 + 64, "each sector is read from the disk once");
	CHECK(!checked() || c.miss <= PAGES + 16, "each page misses once");
	close(threads_fd);
}

static void part_mmap(void)
{
	int fd = cold();
	lab_read_pages(fd, 0, 256, 16);
	unsigned char vec[256];
	char *m = mmap(NULL, 256 * PG, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "mmap");
	CHECK(mincore(m, 256 * PG, vec) == 0, "mincore");
	int resident = 0;
	for (int i = 0; i < 256; i++)
		resident += vec[i] & 1;
	CHECK(!checked() || resident == 256, "what read(2) read stays cached (mincore)");
	struct counts c0 = counts();
	for (int i = 0; i < 256; i++)
		CHECK(lab_stamped(m + i * PG, i), "the mapping maps the file");
	struct counts c = since(c0);
	CHECK(!checked() || c.sect == 0, "mapping what read(2) read costs no I/O");
	munmap(m, 256 * PG);
	close(fd);
	/* a store through a shared mapping is what read(2) returns */
	fd = open(PATH, O_RDWR);
	CHECK(fd >= 0, "open rw");
	char *w = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(w != MAP_FAILED, "mmap shared");
	memcpy(w + PG + 100, "page cache", 10);
	char buf[16];
	CHECK(pread(fd, buf, 10, PG + 100) == 10 && !memcmp(buf, "page cache", 10),
	      "read(2) sees the store through the mapping");
	static char page[PG];	/* put the stamp back */
	lab_stamp(page, 1);
	memcpy(w + PG + 100, page + 100, 10);
	munmap(w, 4 * PG);
	CHECK(fsync(fd) == 0, "fsync");
	close(fd);
}

LAB_PARTS("lab_pagecache", { "warm", part_warm }, { "cold", part_cold }, { "eof", part_eof },
	  { "threads", part_threads }, { "mmap", part_mmap })
