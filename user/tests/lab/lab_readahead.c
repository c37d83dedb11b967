/* lab_readahead.c - the graded tests of the readahead lab
 * (docs/labs/readahead.md): Linux's on-demand readahead window, judged
 * by the requests that reach the disk (/proc/diskstats of the root disk)
 * and by /proc/vmstat's readahead_pages/sync/async. A 16 MiB file on the
 * ext2 root, written once, is dropped from the cache (fsync, then
 * posix_fadvise DONTNEED) before each read, so every read starts cold.
 *   ramp:       4 KiB reads from the start: the windows are 4, 8, 16, 32
 *               pages, each started at the mark of the one before;
 *   sequential: the whole file in 4 KiB reads: about one request per
 *               128 KiB window, windows started at the marks, no page
 *               read twice;
 *   random:     random 4 KiB reads get no window (one page each), and a
 *               sequential read after them gets windows again;
 *   large:      1 MiB reads: the next window is read while the reader
 *               copies the last (asynchronous readahead);
 *   streams:    two readers of two halves of the file, with their own
 *               open files, at the same time: both get windows.
 * On Linux (qemu-riscv64) only the data is checked. */
#define _GNU_SOURCE
#include <pthread.h>
#include "labio.h"

#define FILE_SIZE (16L << 20)
#define PAGES (FILE_SIZE / PG)
#define PATH "/tmp/lab_readahead"

static int o;

static int cold(void)
{
	o = ours();
	return lab_cold_file(PATH, FILE_SIZE);
}

struct counts { long reqs, sect, pages, sync, async; };

/* Counters now (after the reads still in flight complete: a window
 * started by the last read counts for the step that started it). */
static struct counts counts(void)
{
	if (!o || !lab_dev[0])
		return (struct counts){ 0 };
	struct blk_stats d = lab_disk_stats();
	return (struct counts){ d.rd, d.rd_sect, vmstat("readahead_pages"),
				vmstat("readahead_sync"), vmstat("readahead_async") };
}

static struct counts since(struct counts a)
{
	struct counts b = counts();
	return (struct counts){ b.reqs - a.reqs, b.sect - a.sect, b.pages - a.pages,
				b.sync - a.sync, b.async - a.async };
}

static void show(const char *what, struct counts c)
{
	if (o && lab_dev[0])
		printf("lab_readahead: %-24s %5ld requests %6ld sectors %5ld pages, windows: %ld sync, "
		       "%ld async\n", what, c.reqs, c.sect, c.pages, c.sync, c.async);
}

static int checked(void)
{
	return o && lab_dev[0];
}

static void part_ramp(void)
{
	/* after reading page p, readahead has read this many pages: the
	 * windows [0,4) [4,12) [12,28) [28,60) [60,92), each started when
	 * the reader reaches the mark on its first page (page 1 for the
	 * first: the page after the request) */
	static const struct { long page, total; } want[] = {
		{ 0, 4 }, { 1, 12 }, { 3, 12 }, { 4, 28 }, { 11, 28 }, { 12, 60 }, { 27, 60 },
		{ 28, 92 }, { 59, 92 }, { 60, 124 },
	};
	int fd = cold();
	struct counts c0 = counts();
	for (unsigned i = 0, p = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		for (; p <= want[i].page; p++)
			lab_read_pages(fd, p, p + 1, 1);
		struct counts c = since(c0);
		if (checked() && c.pages != want[i].total)
			fprintf(stderr, "lab_readahead: after page %ld: %ld pages read ahead, want %ld\n",
				want[i].page, c.pages, want[i].total);
		CHECK(!checked() || c.pages == want[i].total, "the windows ramp up 4, 8, 16, 32");
	}
	struct counts c = since(c0);
	show("ramp: pages 0..60", c);
	CHECK(!checked() || (c.sync == 1 && c.async == 5), "one window on the miss, the rest at marks");
	close(fd);
}

static void part_sequential(void)
{
	int fd = cold();
	struct counts c0 = counts();
	lab_read_pages(fd, 0, PAGES, 1);
	struct counts c = since(c0);
	show("sequential 4 KiB reads", c);
	/* one request per 32-page window, plus the small first windows and
	 * the indirect blocks */
	CHECK(!checked() || c.reqs <= PAGES / 32 + 16 + PAGES / 1024, "about one request per window");
	CHECK(!checked() || c.async >= PAGES / 32 - 6, "the windows start at the marks");
	CHECK(!checked() || c.sect <= FILE_SIZE / 512 + 16 * 8, "no page read twice");
	close(fd);
}

static void part_random(void)
{
	int fd = cold();
	struct counts c0 = counts();
	srand(7);
	for (int i = 0; i < 200; i++) {
		long p = 512 + rand() % (PAGES / 2 - 1024);
		lab_read_pages(fd, p, p + 1, 1);
	}
	struct counts c = since(c0);
	show("200 random 4 KiB reads", c);
	CHECK(!checked() || c.pages <= 200, "random reads get no window");
	c0 = counts();
	lab_read_pages(fd, PAGES / 2, PAGES / 2 + 1024, 1);
	c = since(c0);
	show("then 4 MiB sequentially", c);
	CHECK(!checked() || c.reqs <= 1024 / 32 + 16, "a sequential read after them gets windows");
	close(fd);
}

static void part_large(void)
{
	int fd = cold();
	struct counts c0 = counts();
	lab_read_pages(fd, 0, PAGES, 256);
	struct counts c = since(c0);
	show("1 MiB reads", c);
	CHECK(!checked() || c.async >= 4, "the next window is read while the reader copies");
	CHECK(!checked() || c.sect <= FILE_SIZE / 512 + 16 * 8, "no page read twice");
	close(fd);
}

static void *stream(void *arg)
{
	long half = (long)arg;
	int fd = open(PATH, O_RDONLY);
	CHECK(fd >= 0, "open");
	lab_read_pages(fd, half * PAGES / 2, (half + 1) * PAGES / 2, 1);
	close(fd);
	return NULL;
}

static void part_streams(void)
{
	pthread_t t[2];
	close(cold());
	struct counts c0 = counts();
	for (long i = 0; i < 2; i++)
		CHECK(pthread_create(&t[i], NULL, stream, (void *)i) == 0, "thread");
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	struct counts c = since(c0);
	show("two streams", c);
	CHECK(!checked() || c.reqs <= PAGES / 32 + 24 + PAGES / 1024, "both streams get windows");
	CHECK(!checked() || c.sect <= FILE_SIZE / 512 + 16 * 8, "no page read twice");
}

LAB_PARTS("lab_readahead", { "ramp", part_ramp }, { "sequential", part_sequential },
	  { "random", part_random }, { "large", part_large }, { "streams", part_streams })
