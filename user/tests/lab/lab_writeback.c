/* lab_writeback.c - the graded tests of the writeback lab
 * (docs/labs/writeback.md): the flusher's passes and the throttle,
 * judged by Dirty over time (/proc/vmstat nr_dirty + nr_writeback),
 * by the flusher's counters, and by what the disk holds after a power
 * cut. The machine boots from its own ext2 test disk (tests/grade.py:
 * root on /dev/vda, and /dev/vdb, 64 MiB whose writes QEMU throttles to
 * 4 MB/s); no part writes its own data with sync or
 * fsync (start_clean writes what was dirty before the part, sync_disks).
 *   expire:     4 MiB written and left alone, far under the background
 *               threshold: the periodic pass writes it once it is older
 *               than dirty_expire_centisecs (flusher_kupdate);
 *   background: 16 MiB over a 2 MiB background threshold, none of it old
 *               enough to expire: the background pass brings dirty
 *               memory back under the threshold (flusher_background);
 *   throttle:   a writer to the throttled disk, with dirty_bytes 6 MiB:
 *               dirty memory never passes the limit (+1 MiB), the writer
 *               sleeps in balance_dirty_pages, the background pass writes;
 *   powercut:   files written, then left to the flusher: once nothing is
 *               dirty the test prints their checksums and KILL-QEMU-NOW;
 *               QEMU is killed, and the host finds every file with
 *               debugfs (and e2fsck only leaks, as after any cut).
 * Every part leaves the tunables as it found them. Ours only. */
#include "wb.h"
#include "blk.h"
#include "labt.h"
#include <sys/mman.h>

#define MiB (1L << 20)

static void need_test_disk(void)
{
	if (!wb_on_test_disk()) {
		printf("lab_writeback: not the writeback boot: nothing to check\n");
		exit(0);
	}
}

/* Writes size bytes of a pattern to path (no sync); returns its CRC. */
static uint32_t write_file(const char *path, long size, int seed)
{
	static char buf[MiB];
	uint32_t crc = 0;
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK(fd >= 0, "create");
	for (long off = 0; off < size; off += sizeof(buf)) {
		long n = size - off < (long)sizeof(buf) ? size - off : (long)sizeof(buf);
		for (long k = 0; k < n; k += 8)
			*(uint64_t *)(buf + k) = (uint64_t)(off + k) * 0x9e3779b97f4a7c15ULL + seed;
		CHECK(write(fd, buf, n) == n, "write");
		crc = wb_crc32(crc, buf, n);
	}
	close(fd);
	return crc;
}

/* Polls dirty + writeback every 100 ms until it is at most below pages,
 * for up to max_ms; returns the milliseconds it took or -1. */
static long wait_below(long below, long max_ms)
{
	double t0 = t_now();
	while (wb_dirty_pages() > below) {
		if ((t_now() - t0) * 1000 > max_ms)
			return -1;
		t_sleep_ms(100);
	}
	return (long)((t_now() - t0) * 1000);
}

/* The flusher counts a pass's pages when the pass ends, which may be
 * after its writes completed (the pages are clean, the pass is still
 * finishing its round): polls the counter name until it is base + want,
 * for up to max_ms; returns how far it went. */
static long wait_count(const char *name, long base, long want, long max_ms)
{
	double t0 = t_now();
	while (vmstat(name) - base < want && (t_now() - t0) * 1000 < max_ms)
		t_sleep_ms(50);
	return vmstat(name) - base;
}

/* Writes what is dirty on both disks now, and nothing later: not
 * sync(2), which also asks the flusher for a pass over everything; on a
 * loaded host the flusher may run that pass only after the next part has
 * dirtied its pages, and write them in place of the pass the part
 * watches (expire once saw its 4 MiB written, none of it by the
 * periodic pass). */
static void sync_disks(void)
{
	int fd = open("/", O_RDONLY);
	CHECK(fd >= 0 && syncfs(fd) == 0, "syncfs /");
	close(fd);
	fd = open("/dev/vdb", O_RDONLY);
	CHECK(fd >= 0 && fsync(fd) == 0, "fsync /dev/vdb");
	close(fd);
}

/* Nothing dirty to start with: the boot's metadata would take
 * dirty_expire_centisecs (30 s) to expire, so write it. */
static void start_clean(void)
{
	need_test_disk();
	if (wait_below(0, 1000) < 0)
		sync_disks();
	CHECK(wait_below(0, 30000) >= 0, "clean to start with");
}

static void part_expire(void)
{
	start_clean();
	wb_set("dirty_expire_centisecs", 100);
	wb_set("dirty_writeback_centisecs", 50);
	long kup = vmstat("flusher_kupdate");
	uint32_t crc = write_file("/lab_expire", 4 * MiB, 1);
	long dirty = wb_dirty_pages(), ms = wait_below(16, 10000);
	long by_kupdate = wait_count("flusher_kupdate", kup, 1024, 5000);
	printf("lab_writeback: 4 MiB written, %ld pages dirty; clean after %ld ms (-1: not "
	       "within 10 s), %ld pages by the periodic pass\n", dirty, ms, by_kupdate);
	CHECK(dirty >= 512, "the writes left the pages dirty");
	CHECK(ms >= 0, "dirty data older than dirty_expire_centisecs is written by itself");
	CHECK(by_kupdate >= 1024, "by the periodic pass (flusher_kupdate)");
	printf("CRC32 /lab_expire %08x\n", crc);
}

static void part_background(void)
{
	start_clean();
	wb_set("dirty_bytes", 64 * MiB);
	wb_set("dirty_background_bytes", 2 * MiB);
	wb_set("dirty_expire_centisecs", 3000);	/* nothing expires meanwhile */
	wb_set("dirty_writeback_centisecs", 500);
	long bgw = vmstat("flusher_background");
	uint32_t crc = write_file("/lab_background", 16 * MiB, 2);
	long ms = wait_below(2 * MiB / 4096 + 256, 10000);
	long by_bg = wait_count("flusher_background", bgw, 2048, 5000);
	printf("lab_writeback: 16 MiB written; under the background threshold after %ld ms (-1: "
	       "not within 10 s), %ld pages by the background pass\n", ms, by_bg);
	CHECK(ms >= 0, "dirty memory over the background threshold is written back");
	CHECK(by_bg >= 2048, "by the background pass");
	printf("CRC32 /lab_background %08x\n", crc);
}

struct shared { volatile int stop; volatile long max_dirty; };

static void part_throttle(void)
{
	start_clean();
	struct shared *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				 -1, 0);
	CHECK(sh != MAP_FAILED, "shared page");
	wb_set("dirty_bytes", 6 * MiB);
	wb_set("dirty_background_bytes", 2 * MiB);
	wb_set("dirty_expire_centisecs", 3000);
	wb_set("dirty_writeback_centisecs", 500);
	long thr0 = vmstat("dirty_throttle"), bgw = vmstat("flusher_background");
	fflush(NULL);
	pid_t mon = fork();
	CHECK(mon >= 0, "fork");
	if (mon == 0) {
		while (!sh->stop) {
			long d = wb_dirty_pages();
			if (d > sh->max_dirty)
				sh->max_dirty = d;
			t_sleep_ms(10);
		}
		_exit(0);
	}
	char *buf = malloc(256 << 10);
	int fd = open("/dev/vdb", O_WRONLY);
	CHECK(fd >= 0 && buf, "open /dev/vdb (the throttled disk)");
	memset(buf, 0x5a, 256 << 10);
	for (long off = 0; off < 24 * MiB; off += 256 << 10)
		CHECK(pwrite(fd, buf, 256 << 10, off) == 256 << 10, "pwrite");
	close(fd);
	sh->stop = 1;
	t_wait(mon);
	long throttled = vmstat("dirty_throttle") - thr0, bg = vmstat("flusher_background") - bgw;
	printf("lab_writeback: 24 MiB to a 4 MB/s disk with a 6 MiB limit: at most %ld KiB dirty, "
	       "%ld sleeps, %ld pages by the background pass\n", sh->max_dirty * 4, throttled, bg);
	CHECK(sh->max_dirty <= (6 + 1) * MiB / 4096, "dirty memory stays under the limit");
	CHECK(throttled > 0, "the writer slept in balance_dirty_pages");
	CHECK(bg >= 12 * MiB / 4096, "the background pass did the writing");
	if (wait_below(0, 30000) < 0)
		sync_disks();
}

static void part_powercut(void)
{
	start_clean();
	wb_set("dirty_expire_centisecs", 100);
	wb_set("dirty_writeback_centisecs", 50);
	CHECK(mkdir("/lab_cut", 0755) == 0 || errno == EEXIST, "mkdir");
	static const long sizes[] = { 5000, 64 << 10, MiB + 123, 6 * MiB };
	uint32_t crc[4];
	char path[64];
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "/lab_cut/f%d", i);
		crc[i] = write_file(path, sizes[i], 10 + i);
	}
	long ms = wait_below(0, 15000);
	printf("lab_writeback: 4 files, clean after %ld ms (-1: not within 15 s)\n", ms);
	CHECK(ms >= 0, "the flusher wrote everything, without a sync");
	for (int i = 0; i < 4; i++)
		printf("CRC32 /lab_cut/f%d %08x\n", i, crc[i]);
	wb_power_cut();
}

LAB_PARTS("lab_writeback", { "expire", part_expire }, { "background", part_background },
	  { "throttle", part_throttle }, { "powercut", part_powercut })
