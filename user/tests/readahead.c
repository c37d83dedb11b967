/* readahead.c - on-demand readahead (mm/readahead.c) judged by counters,
 * never by time: device requests and sectors from /proc/diskstats,
 * windows and pages from /proc/vmstat (readahead_*, ours).
 * On our kernel with an ext2 root: one 64 MiB file, made once and read
 * cold again and again (posix_fadvise DONTNEED drops it in between):
 * a warm re-read after write+fsync reads nothing; a cold 4 KiB-call read
 * takes about one request per 128 KiB window and reads no page twice,
 * BLKRASET 512 KiB cuts that by four, 0 makes it one request per page;
 * random reads get no windows; small, re-read, skipping and interleaved
 * readers; the hints (fadvise SEQUENTIAL/RANDOM/NORMAL/NOREUSE/WILLNEED,
 * readahead(2)); faults: read-around, MADV_RANDOM/SEQUENTIAL/WILLNEED,
 * a cached file, mmap_miss; truncation racing a reader leaves no page
 * past EOF.
 * On a RAM root (the config boots, which have the scratch disk vdb and
 * the blkdebug disk vdc): the same window checks on vdb's cache, and a
 * read error injected inside a window fails only that page's read.
 * Elsewhere (Linux under qemu-riscv64) only the semantics are checked:
 * data, return values and errnos. */
#define _GNU_SOURCE
#include "blk.h"
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#define DIR "/tmp/readahead"
#define BIG DIR "/big"
#define EXT2_MAGIC 0xEF53
/* Requests beyond one per window and one per break in the file's block
 * runs: the ramp-up's small windows, and the indirect blocks (one per
 * 1024 pages) if they have to be read again. */
#define SLACK (8 + pages(big_size) / 1024 + 1)
#define MIB (1L << 20)

static int ours, on_ext2;
static long big_size = 4 * MIB;	/* 64 MiB where counters are checked */
static char buf[MIB];

/* Counters before and after a step. */
struct snap {
	struct blk_stats d;
	long pages, sync, async, waste, around, majflt;
};

static const char *dev = "vda1";	/* whose requests count */

/* Requests of dev in flight (diskstats field 9), 0 if unknown. */
static long in_flight(void)
{
	char line[512], n[32];
	unsigned long v[9];
	long r = 0;
	FILE *f = fopen("/proc/diskstats", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*u %*u %31s %lu %lu %lu %lu %lu %lu %lu %lu %lu", n, &v[0], &v[1],
			   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) == 10 && !strcmp(n, dev))
			r = v[8];
	fclose(f);
	return r;
}

/* Requests count when they complete: a window still in flight from the
 * previous step would land in the next one's numbers. */
static struct snap snap(void)
{
	for (int i = 0; i < 2000 && in_flight(); i++)
		t_sleep_ms(1);
	return (struct snap){ blk_stats(dev), t_vmstat("readahead_pages"), t_vmstat("readahead_sync"),
			      t_vmstat("readahead_async"), t_vmstat("readahead_waste"),
			      t_vmstat("readahead_mmap_around"), t_vmstat("pgmajfault") };
}

static void report(const char *what, struct snap a, struct snap b)
{
	printf("readahead: %-28s %5lu requests %7lu sectors, %5ld pages, windows %ld sync %ld async",
	       what, b.d.rd - a.d.rd, b.d.rd_sect - a.d.rd_sect, b.pages - a.pages,
	       b.sync - a.sync, b.async - a.async);
	if (b.majflt != a.majflt || b.around != a.around)
		printf(", %ld major faults, %ld read-around", b.majflt - a.majflt, b.around - a.around);
	printf("\n");
}

/* Every page says which page of the file it is (two words are checked). */
static void stamp(char *p, long page)
{
	uint64_t *w = (uint64_t *)p;
	for (int i = 0; i < 512; i++)
		w[i] = (uint64_t)page * 0x9e3779b97f4a7c15ULL + i;
}

static int stamped(const char *p, long page)
{
	const uint64_t *w = (const uint64_t *)p;
	return w[0] == (uint64_t)page * 0x9e3779b97f4a7c15ULL &&
	       w[511] == (uint64_t)page * 0x9e3779b97f4a7c15ULL + 511;
}

static int zeros(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void make_file(const char *path, long size)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK(fd >= 0, "create");
	for (long off = 0; off < size; off += MIB) {
		for (long p = 0; p < MIB / 4096; p++)
			stamp(buf + p * 4096, off / 4096 + p);
		CHECK(write(fd, buf, MIB) == MIB, "write");
	}
	CHECK(fsync(fd) == 0, "fsync");
	close(fd);
}

/* Reads [off, off + len) in chunk-sized calls, checking every page. */
static void read_range(int fd, long off, long len, long chunk)
{
	CHECK(lseek(fd, off, SEEK_SET) == off, "lseek");
	for (long done = 0; done < len; done += chunk) {
		CHECK(read(fd, buf, chunk) == chunk, "read");
		for (long p = 0; p < chunk; p += 4096)
			CHECK(stamped(buf + p, (off + done + p) / 4096), "data");
	}
}

/* A fresh descriptor of the big file with nothing of it cached: it
 * samples the device's window at open. */
static int cold_open(void)
{
	int fd = open(BIG, O_RDONLY);
	CHECK(fd >= 0, "open big");
	CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0, "DONTNEED");
	return fd;
}

/* The program's own pages come from the disk the first time they run,
 * and would show up as device reads in the middle of a measurement
 * (this is why a warm re-read once seemed to read from the device): get
 * them cached first. */
static void cache_self(void)
{
	int fd = open("/tests/readahead", O_RDONLY);
	if (fd < 0)
		return;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

static long pages(long bytes) { return bytes / 4096; }

/* The big file's disk blocks (FIBMAP), to count where its layout breaks
 * a run: a window spanning a break (an indirect block between two data
 * blocks, a block group's metadata) is two requests. */
static long *blocks;

static void map_big(void)
{
	int fd = open(BIG, O_RDONLY);
	CHECK(fd >= 0, "open big");
	blocks = malloc(pages(big_size) * sizeof(long));
	CHECK(blocks, "malloc");
	for (long i = 0; i < pages(big_size); i++) {
		long b = i;	/* FIBMAP takes an int; qemu-user's table says long */
		CHECK(ioctl(fd, FIBMAP, &b) == 0 && (int)b > 0, "FIBMAP");
		blocks[i] = (int)b;
	}
	close(fd);
}

static long breaks(long first, long n)
{
	long k = 0;
	if (first + n > pages(big_size))
		n = pages(big_size) - first;
	for (long i = first + 1; i < first + n; i++)
		k += blocks[i] != blocks[i - 1] + 1;
	return k;
}

static void warm_reread(void)
{
	for (int pass = 0; pass < 2; pass++) {
		int fd = open(BIG, O_RDONLY);
		struct snap a = snap();
		read_range(fd, 0, big_size, MIB);
		struct snap b = snap();
		close(fd);
		if (on_ext2) {
			report(pass ? "warm re-read, again" : "warm re-read after fsync", a, b);
			CHECK(b.d.rd == a.d.rd, "a warm re-read reads nothing from the device");
			CHECK(b.sync == a.sync && b.async == a.async, "and starts no window");
		}
	}
}

/* A cold read in 4 KiB calls with the device's window set to ra KiB
 * (BLKRASET on the root's device node; files sample it at open). */
static void cold_sequential(int ra_kib, long len)
{
	int bfd = open("/dev/vda1", O_RDONLY);
	long old = 0;
	CHECK(bfd >= 0 && ioctl(bfd, BLKRAGET, &old) == 0, "BLKRAGET");
	CHECK(ioctl(bfd, BLKRASET, ra_kib * 2L) == 0, "BLKRASET");
	long now = -1;
	CHECK(ioctl(bfd, BLKRAGET, &now) == 0 && now == ra_kib * 2L, "BLKRAGET says what was set");
	int fd = cold_open();
	struct snap a = snap();
	read_range(fd, 0, len, 4096);
	struct snap b = snap();
	close(fd);
	CHECK(ioctl(bfd, BLKRASET, old) == 0, "BLKRASET back");
	close(bfd);
	char what[64];
	snprintf(what, sizeof(what), "cold 4K reads, window %dK", ra_kib);
	report(what, a, b);
	long reqs = b.d.rd - a.d.rd, np = pages(len);
	CHECK(b.d.rd_sect - a.d.rd_sect <= (unsigned long)(len / 512 + 512),
	      "no page read twice (sectors)");
	CHECK(b.pages - a.pages <= np, "no page read twice (readahead pages)");
	long brk = breaks(0, np);
	printf("readahead: %ld breaks in the file's block runs\n", brk);
	if (ra_kib) {
		CHECK(reqs <= np / (ra_kib / 4) + brk + SLACK, "one request per window and run");
		CHECK(b.sync - a.sync <= 2, "one stream: the windows follow the marks");
	} else {
		CHECK(reqs >= np && reqs <= np + SLACK, "readahead off: one request per page");
		CHECK(b.sync == a.sync && b.async == a.async, "and no windows");
	}
}

static unsigned long lcg = 12345;
static long rnd(long n)
{
	lcg = lcg * 6364136223846793005UL + 1442695040888963407UL;
	return (long)((lcg >> 33) % (unsigned long)n);
}

/* Random 4 KiB reads: at most two pages from the device per call on
 * average, and no window grows; a re-read of one page reads nothing. */
static void random_reads(void)
{
	int fd = cold_open();
	int calls = 1024;
	long np = pages(big_size), page = 0;
	struct snap a = snap();
	for (int i = 0; i < calls; i++) {
		page = 1 + rnd(np - 1);
		CHECK(pread(fd, buf, 4096, page * 4096) == 4096 && stamped(buf, page), "random read");
	}
	struct snap b = snap();
	CHECK(pread(fd, buf, 4096, page * 4096) == 4096 && stamped(buf, page), "re-read");
	CHECK(pread(fd, buf + 4096, 100, page * 4096 + 50) == 100, "re-read, part");
	struct snap c = snap();
	close(fd);
	if (!on_ext2)
		return;
	report("random 4K reads", a, b);
	CHECK(b.d.rd_sect - a.d.rd_sect <= (unsigned long)calls * 16, "at most 2 pages per call");
	CHECK(b.async - a.async + b.sync - a.sync <= calls / 16, "no windows for random reads");
	CHECK(c.d.rd == b.d.rd && c.pages == b.pages && c.sync == b.sync,
	      "re-reading a page reads nothing, starts no window");
}

/* Small unaligned reads, then a jump into the middle of the window
 * read ahead: the stream goes on, nothing is read twice. */
static void small_and_skip(void)
{
	int fd = cold_open();
	long small = big_size / 32, skip = big_size / 16;	/* 2 and 4 MiB */
	struct snap a = snap();
	long pos = 0;
	while (pos < small) {
		static char want[8192];
		CHECK(pread(fd, buf, 1000, pos) == 1000, "small read");
		stamp(want, pos / 4096);
		stamp(want + 4096, pos / 4096 + 1);
		CHECK(!memcmp(buf, want + pos % 4096, 1000), "small read data");
		pos += 1000;
	}
	struct snap b = snap();
	/* the stream has read ahead well past 16 pages after where it
	 * stopped: skip there, into the last window, and go on */
	read_range(fd, small + 16 * 4096, skip, 4096);
	struct snap c = snap();
	close(fd);
	if (!on_ext2)
		return;
	report("1000-byte reads, 2 MiB", a, b);
	report("skip into the window, 4 MiB", b, c);
	CHECK(b.d.rd_sect - a.d.rd_sect <= (unsigned long)(small + 64 * 4096) / 512,
	      "small reads: pages once");
	CHECK(b.d.rd - a.d.rd <= pages(small) / 32 + breaks(0, pages(small) + 32) + SLACK,
	      "small reads: windows");
	CHECK(c.d.rd_sect - b.d.rd_sect <= (unsigned long)(skip + 64 * 4096) / 512, "skip: pages once");
	CHECK(c.d.rd - b.d.rd <= pages(skip) / 32 + breaks(pages(small), pages(skip) + 64) + SLACK,
	      "skip: windows go on");
	CHECK(c.sync - b.sync <= 1, "skip: the stream is kept");
}

/* Two sequential readers of one file, each on its own descriptor, take
 * turns: each keeps its own window. */
static void interleaved(void)
{
	int fa = cold_open(), fb = open(BIG, O_RDONLY);
	long half = big_size / 2, len = big_size / 4;
	CHECK(fb >= 0, "open b");
	struct snap a = snap();
	for (long off = 0; off < len; off += 4096) {
		CHECK(pread(fa, buf, 4096, off) == 4096 && stamped(buf, off / 4096), "reader a");
		CHECK(pread(fb, buf, 4096, half + off) == 4096 && stamped(buf, (half + off) / 4096),
		      "reader b");
	}
	struct snap b = snap();
	close(fa);
	close(fb);
	if (!on_ext2)
		return;
	report("two interleaved readers", a, b);
	/* each stream may have read up to two windows past its end */
	CHECK(b.d.rd_sect - a.d.rd_sect <= (unsigned long)(2 * len + 4 * 128 * 1024) / 512,
	      "interleaved: pages once");
	CHECK(b.d.rd - a.d.rd <= 2 * pages(len) / 32 + breaks(0, pages(len) + 32) +
				 breaks(pages(half), pages(len) + 32) + SLACK,
	      "interleaved: both keep windows");
	CHECK(b.sync - a.sync <= 4, "interleaved: windows follow the marks");
}

static void hints(void)
{
	long np = pages(big_size);
	/* SEQUENTIAL: windows up to twice the device's */
	int fd = cold_open();
	CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) == 0, "SEQUENTIAL");
	struct snap a = snap();
	read_range(fd, 0, big_size / 4, 4096);
	struct snap b = snap();
	if (on_ext2) {
		report("FADV_SEQUENTIAL", a, b);
		CHECK(b.d.rd - a.d.rd <= np / 4 / 64 + breaks(0, np / 4 + 64) + SLACK,
		      "SEQUENTIAL doubles the window");
	}
	/* RANDOM: just what is asked, one request per 4 KiB call (away
	 * from what the sequential windows read ahead) */
	CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM) == 0, "RANDOM");
	a = snap();
	read_range(fd, 3 * big_size / 8, big_size / 64, 4096);
	b = snap();
	if (on_ext2) {
		report("FADV_RANDOM", a, b);
		CHECK(b.d.rd - a.d.rd >= (unsigned long)pages(big_size / 64), "RANDOM: a request per call");
		CHECK(b.d.rd_sect - a.d.rd_sect <= (unsigned long)(big_size / 64 / 512 + 64),
		      "RANDOM: no more");
		CHECK(b.sync == a.sync && b.async == a.async, "RANDOM: no windows");
	}
	/* NORMAL: windows again */
	CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_NORMAL) == 0, "NORMAL");
	a = snap();
	read_range(fd, big_size / 2, big_size / 32, 4096);
	b = snap();
	if (on_ext2)
		CHECK(b.sync > a.sync && b.d.rd - a.d.rd <= np / 32 / 8 + breaks(np / 2, np / 32) + SLACK,
		      "NORMAL: windows again");
	/* NOREUSE: accepted, reads fine */
	CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_NOREUSE) == 0, "NOREUSE");
	read_range(fd, 5 * big_size / 8, 64 * 1024, 4096);
	/* WILLNEED and readahead(2): the range is read into the cache */
	long off = 3 * big_size / 4;
	a = snap();
	CHECK(posix_fadvise(fd, off, 256 * 1024, POSIX_FADV_WILLNEED) == 0, "WILLNEED");
	CHECK(readahead(fd, off + 512 * 1024, 256 * 1024) == 0, "readahead(2)");
	b = snap();
	read_range(fd, off, 256 * 1024, 4096);
	read_range(fd, off + 512 * 1024, 256 * 1024, 4096);
	struct snap c = snap();
	if (on_ext2) {
		report("WILLNEED + readahead(2)", a, b);
		CHECK(b.pages - a.pages == 2 * 64, "the hints read the ranges");
		CHECK(c.d.rd == b.d.rd && c.pages == b.pages, "and the reads found them cached");
	}
	CHECK(posix_fadvise(fd, 0, 0, 77) == EINVAL, "bad advice: EINVAL");
	CHECK(posix_fadvise(fd, 0, -1, POSIX_FADV_WILLNEED) == EINVAL, "negative len: EINVAL");
	close(fd);
	CHECK_ERR(readahead(-1, 0, 4096), EBADF, "readahead(2) of a bad fd");
	int wfd = open(BIG, O_WRONLY);
	CHECK(wfd >= 0, "open write-only");
	CHECK_ERR(readahead(wfd, 0, 4096), EBADF, "readahead(2) needs a readable fd");
	close(wfd);
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	CHECK_ERR(readahead(p[0], 0, 4096), EINVAL, "readahead(2) of a pipe");
	CHECK(posix_fadvise(p[0], 0, 0, POSIX_FADV_WILLNEED) == ESPIPE, "fadvise of a pipe");
	close(p[0]);
	close(p[1]);
}

/* The big file mapped (cold unless said otherwise), with madvise advice
 * (-1: none); touches one byte of every stride-th page of [0, len) (a
 * write with MAP_PRIVATE: copy-on-write faults), checking each page's
 * stamp on the way. */
static void walk_mapping(int advice, long len, long stride, int prot, int flags, int cold)
{
	int fd = cold ? cold_open() : open(BIG, O_RDONLY);
	CHECK(fd >= 0, "open big");
	char *m = mmap(NULL, len, prot, flags, fd, 0);
	CHECK(m != MAP_FAILED, "mmap big");
	if (advice >= 0)
		CHECK(madvise(m, len, advice) == 0, "madvise");
	for (long off = 0; off < len; off += stride * 4096) {
		if (prot & PROT_WRITE)	/* first: a write fault, no read fault before it */
			m[off + 8] = 1;
		CHECK(stamped(m + off, off / 4096), "mapped data");
	}
	CHECK(munmap(m, len) == 0, "munmap");
	close(fd);
}

/* Faults: read-around (one major fault per window, each page read
 * once), MADV_RANDOM (one page per major fault), MADV_SEQUENTIAL
 * (windows grow as for read), a cached file (nothing read), mmap_miss
 * (copy-on-write faults that no fault-around follows: after 100 more
 * misses than hits, read-around stops), MADV_WILLNEED. */
static void mapped(void)
{
	long np = pages(big_size), len = big_size / 4;
	struct snap a = snap();
	walk_mapping(-1, big_size, 1, PROT_READ, MAP_SHARED, 1);
	struct snap b = snap();
	if (on_ext2) {
		report("mmap walk, cold", a, b);
		CHECK(b.majflt - a.majflt <= np / 16, "read-around: a major fault per 16 pages at most");
		CHECK(b.d.rd_sect - a.d.rd_sect <= (unsigned long)(big_size / 512 + 512), "mmap: pages once");
		CHECK(b.d.rd - a.d.rd <= np / 32 + breaks(0, np) + SLACK, "mmap: a request per window");
	}
	a = snap();
	walk_mapping(MADV_RANDOM, len, 7, PROT_READ, MAP_SHARED, 1);
	b = snap();
	if (on_ext2) {
		report("mmap MADV_RANDOM", a, b);
		CHECK(b.majflt - a.majflt >= pages(len) / 7, "MADV_RANDOM: every fault is major");
		CHECK(b.d.rd_sect - a.d.rd_sect == 8 * (unsigned long)(b.majflt - a.majflt) &&
		      b.around == a.around && b.sync == a.sync, "MADV_RANDOM: one page per major fault");
	}
	a = snap();
	walk_mapping(MADV_SEQUENTIAL, len, 1, PROT_READ, MAP_SHARED, 1);
	b = snap();
	if (on_ext2) {
		report("mmap MADV_SEQUENTIAL", a, b);
		CHECK(b.async - a.async > pages(len) / 64 && b.around == a.around,
		      "MADV_SEQUENTIAL: windows as for read");
		CHECK(b.d.rd - a.d.rd <= pages(len) / 32 + breaks(0, pages(len)) + SLACK,
		      "MADV_SEQUENTIAL: the windows grow");
		CHECK(b.majflt - a.majflt <= pages(len) / 16, "MADV_SEQUENTIAL: few major faults");
	}
	a = snap();
	walk_mapping(-1, len, 1, PROT_READ, MAP_SHARED, 0);	/* what the last walk cached */
	b = snap();
	if (on_ext2) {
		report("mmap walk, cached", a, b);
		CHECK(b.d.rd == a.d.rd && b.majflt == a.majflt && b.around == a.around,
		      "a cached file: no read-around, no major fault");
	}
	a = snap();
	walk_mapping(-1, big_size, 64, PROT_READ | PROT_WRITE, MAP_PRIVATE, 1);
	b = snap();
	if (on_ext2) {
		report("mmap COW faults, 64 apart", a, b);
		CHECK(b.around - a.around >= 90 && b.around - a.around <= 102 && np / 64 > 150,
		      "mmap_miss: read-around stops after 100 misses");
		CHECK(b.majflt - a.majflt == np / 64, "every one a miss");
	}
	/* MADV_WILLNEED: the range is read before it is touched */
	int fd = cold_open();
	char *m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "mmap");
	long woff = len / 2, wlen = len / 64;	/* 8 MiB and 256 KiB into 16 MiB */
	a = snap();
	CHECK(madvise(m + woff, wlen, MADV_WILLNEED) == 0, "MADV_WILLNEED");
	b = snap();
	for (long off = woff; off < woff + wlen; off += 4096)
		CHECK(stamped(m + off, off / 4096), "data after WILLNEED");
	struct snap c = snap();
	if (on_ext2) {
		report("MADV_WILLNEED", a, b);
		CHECK(b.pages - a.pages == pages(wlen), "MADV_WILLNEED reads the range");
		CHECK(c.d.rd == b.d.rd && c.majflt == b.majflt, "and the faults find it cached");
	}
	CHECK(munmap(m, len) == 0, "munmap");
	close(fd);
}

/* Truncation while a reader streams through the file: the reader sees
 * right data or EOF, never stale data (zeros only in the cut page's tail,
 * see cut_page_ok), and no cached page is
 * left past the new EOF (after growing the file again, every page there
 * is read as a new zero page: readahead inserts each one). */
struct trunc_ctl {
	int fd;
	volatile long progress;
	long size, cut;
};

/* The page the truncation cuts may reach a reader whole or with its tail
 * already zeroed: a read that sampled i_size before the truncation
 * copies the page after truncate_inode_pages_range zeroed the part past
 * the new EOF (Linux's filemap_read has the same window: the copy runs
 * without the folio lock). Its head must still be the file's data. */
static int cut_page_ok(const char *p, long page, long head)
{
	const uint64_t *w = (const uint64_t *)p;
	for (long i = 0; i < head / 8; i++)
		if (w[i] != (uint64_t)page * 0x9e3779b97f4a7c15ULL + i)
			return 0;
	return zeros(p + head, 4096 - head);
}

static void *trunc_reader(void *arg)
{
	struct trunc_ctl *t = arg;
	static char rbuf[64 * 1024];
	long off = 0;
	for (;;) {
		ssize_t n = pread(t->fd, rbuf, sizeof(rbuf), off);
		CHECK(n >= 0, "reader: read");
		if (n == 0)
			break;
		for (long p = 0; p + 4096 <= n; p += 4096) {
			long page = (off + p) / 4096;
			CHECK(stamped(rbuf + p, page) ||
			      (page == t->cut / 4096 && cut_page_ok(rbuf + p, page, t->cut % 4096)),
			      "reader: right data");
		}
		off += n;
		t->progress = off;
	}
	return NULL;
}

static void truncate_race(void)
{
	const char *path = DIR "/trunc";
	long size = big_size / 8, cut = size / 4 + 100;
	for (int round = 0; round < 3; round++) {
		make_file(path, size);
		struct trunc_ctl t = { open(path, O_RDWR), 0, size, cut };
		CHECK(t.fd >= 0, "open");
		CHECK(posix_fadvise(t.fd, 0, 0, POSIX_FADV_DONTNEED) == 0 &&
		      posix_fadvise(t.fd, 0, 0, POSIX_FADV_SEQUENTIAL) == 0, "cold, sequential");
		pthread_t th;
		CHECK(pthread_create(&th, NULL, trunc_reader, &t) == 0, "pthread_create");
		while (t.progress < round * size / 8)
			sched_yield();
		CHECK(ftruncate(t.fd, cut) == 0, "truncate under the reader");
		pthread_join(th, NULL);
		CHECK(ftruncate(t.fd, size) == 0, "grow again");
		CHECK(posix_fadvise(t.fd, 0, 0, POSIX_FADV_RANDOM) == 0, "RANDOM");
		long first = (cut + 4095) / 4096;
		struct snap a = snap();
		for (long p = first; p < pages(size); p++)
			CHECK(pread(t.fd, buf, 4096, p * 4096) == 4096 && zeros(buf, 4096),
			      "zeros past the old EOF");
		struct snap b = snap();
		CHECK(pread(t.fd, buf, 4096, (cut / 4096) * 4096) == 4096 &&
		      zeros(buf + cut % 4096, 4096 - cut % 4096), "the cut page's tail is zero");
		if (ours && on_ext2)
			CHECK(b.pages - a.pages == pages(size) - first,
			      "no page was left in the cache past the EOF");
		close(t.fd);
	}
	CHECK(unlink(path) == 0, "unlink");
}

/* The block-device cache of the scratch disk (RAM-root boots). */
static void device_windows(void)
{
	int fd = open("/dev/vdb", O_RDONLY);
	if (fd < 0)
		return;
	dev = "vdb";
	long len = 8 * MIB, old = 0;
	CHECK(ioctl(fd, BLKRAGET, &old) == 0 && old == 256, "BLKRAGET: 128 KiB by default");
	static const int ras[] = { 256, 1024, 0 };	/* sectors */
	for (int i = 0; i < 3; i++) {
		CHECK(ioctl(fd, BLKRASET, (long)ras[i]) == 0 && ioctl(fd, BLKFLSBUF, 0) == 0,
		      "BLKRASET, BLKFLSBUF");
		int rfd = open("/dev/vdb", O_RDONLY);
		struct snap a = snap();
		for (long off = 0; off < len; off += 4096)
			CHECK(read(rfd, buf, 4096) == 4096, "read vdb");
		struct snap b = snap();
		close(rfd);
		report(i == 0 ? "vdb, window 128K" : i == 1 ? "vdb, window 512K" : "vdb, no window",
		       a, b);
		long reqs = b.d.rd - a.d.rd, np = pages(len);
		/* up to two windows past the end of what was read */
		CHECK(b.d.rd_sect - a.d.rd_sect <= (unsigned long)len / 512 + 2 * ras[i] + 8,
		      "vdb: pages once");
		if (ras[i])
			CHECK(reqs <= np / (ras[i] / 8) + 8, "vdb: a request per window");
		else
			CHECK(reqs >= np && reqs <= np + 8, "vdb: a request per page");
	}
	CHECK(ioctl(fd, BLKRASET, old) == 0, "BLKRASET back");
	close(fd);
	dev = "vda1";
}

/* vdc fails reads of sector 32768 (blkdebug): the window around it is
 * one request that fails as a whole, yet only the read of that page
 * fails; its neighbours are read again one by one. */
static void injected_error(void)
{
	int fd = open("/dev/vdc", O_RDONLY);
	if (fd < 0)
		return;
	long bad = 32768L * 512;
	CHECK(ioctl(fd, BLKFLSBUF, 0) == 0, "BLKFLSBUF vdc");
	dev = "vdc";
	struct snap a = snap();
	for (long off = bad - 256 * 1024; off < bad + 256 * 1024; off += 4096) {
		ssize_t n = pread(fd, buf, 4096, off);
		if (off == bad)
			CHECK(n == -1 && errno == EIO, "the bad page: EIO");
		else
			CHECK(n == 4096, "every other page of the window reads");
	}
	struct snap b = snap();
	report("vdc, error inside a window", a, b);
	CHECK(b.sync + b.async > a.sync + a.async, "it was read in windows");
	CHECK(pread(fd, buf, MIB, bad - 65536) == 65536, "a read up to it stops short");
	CHECK_ERR(pread(fd, buf, 4096, bad), EIO, "still EIO");
	close(fd);
	dev = "vda1";
}

int main(void)
{
	struct statfs sf;
	mkdir("/tmp", 01777);
	CHECK(mkdir(DIR, 0755) == 0 || errno == EEXIST, "mkdir");
	ours = t_vmstat("readahead_pages") >= 0;
	on_ext2 = ours && statfs(DIR, &sf) == 0 && sf.f_type == EXT2_MAGIC;
	if (on_ext2)
		big_size = 64 * MIB;
	cache_self();
	make_file(BIG, big_size);
	if (on_ext2)
		map_big();
	warm_reread();
	if (on_ext2) {
		cold_sequential(128, big_size);
		cold_sequential(512, big_size);
		cold_sequential(0, big_size / 4);
	}
	random_reads();
	small_and_skip();
	interleaved();
	mapped();
	hints();
	truncate_race();
	CHECK(unlink(BIG) == 0, "unlink");
	if (ours) {
		device_windows();
		injected_error();
	}
	t_ok("readahead");
	return 0;
}
