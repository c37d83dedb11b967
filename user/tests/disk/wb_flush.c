/* wb_flush.c - the writeback tunables and the flusher.
 * The tunables of /proc/sys/vm/: Linux's names, defaults (on our
 * kernel), errors for bad values (EINVAL, the old value kept), a ratio
 * and its bytes twin excluding each other, and the dirty thresholds
 * /proc/vmstat derives from them (nr_dirty_threshold,
 * nr_dirty_background_threshold, the background one at most half the
 * limit); /proc/meminfo has Dirty and Writeback. On Linux (under
 * qemu-riscv64, the host's /proc) only the formats are checked: a test
 * must never change the host's settings.
 * The flusher: dirty data reaches the disk with nobody asking: buffered
 * writes to /dev/vdb (through the device's page cache) are written by
 * its flusher thread once they are older than dirty_expire_centisecs
 * (the periodic pass, every dirty_writeback_centisecs), not at all while
 * that interval is 0, at once when dirty memory passes the background
 * threshold (down to it), and when reclaim meets them. Checked with
 * /proc/vmstat (nr_dirty, nr_writeback, flusher_*), /proc/diskstats and
 * O_DIRECT reads of what reached the disk. The tunables are shortened
 * (expire 1 s, interval 0.5 s) and put back. Ours only: skipped on
 * Linux, and without vdb. */
#include "wb.h"
#include "blk.h"
#include <sys/mman.h>

static void expect_einval(const char *name, const char *text)
{
	long before, after;
	CHECK(sysctl_get(name, &before) == 0, name);
	int r = sysctl_write(name, text);
	if (r != -EINVAL) {
		fprintf(stderr, "FAIL: writing \"%s\" to %s gave %d, want -EINVAL\n", text, name, r);
		exit(1);
	}
	CHECK(sysctl_get(name, &after) == 0 && after == before, "a rejected value changes nothing");
}

static long getv(const char *name)
{
	long v;
	CHECK(sysctl_get(name, &v) == 0, name);
	return v;
}

/* The tunables and the thresholds (formats only on Linux). */
static void tunables(void)
{
	static const long defaults[] = { 10, 0, 20, 0, 500, 3000 };
	for (int i = 0; i < 6; i++)
		(void)getv(wb_tunables[i]);	/* exists, one integer and a newline */
	CHECK(vmstat("nr_dirty_threshold") > 0, "nr_dirty_threshold in /proc/vmstat");
	CHECK(vmstat("nr_dirty_background_threshold") >= 0, "nr_dirty_background_threshold");
	CHECK(vmstat("nr_dirtied") >= 0 && vmstat("nr_written") >= 0, "nr_dirtied, nr_written");
	CHECK(meminfo_kb("Dirty") >= 0 && meminfo_kb("Writeback") >= 0, "Dirty, Writeback in meminfo");
	if (!wb_ours())
		return;
	for (int i = 0; i < 6; i++)
		if (getv(wb_tunables[i]) != defaults[i]) {
			fprintf(stderr, "FAIL: %s = %ld, Linux's default is %ld\n", wb_tunables[i],
				getv(wb_tunables[i]), defaults[i]);
			exit(1);
		}
	wb_save();

	expect_einval("dirty_ratio", "101");
	expect_einval("dirty_ratio", "-1");
	expect_einval("dirty_ratio", "abc");
	expect_einval("dirty_ratio", "12abc");
	expect_einval("dirty_ratio", "99999999999999999999999");
	expect_einval("dirty_background_ratio", "101");
	expect_einval("dirty_bytes", "4096");		/* less than two pages */
	expect_einval("dirty_bytes", "-8192");
	expect_einval("dirty_background_bytes", "0");
	expect_einval("dirty_expire_centisecs", "-1");
	expect_einval("dirty_writeback_centisecs", "x");

	/* bytes and ratio exclude each other; the thresholds follow */
	CHECK(sysctl_write("dirty_bytes", "8388608\n") == 0, "dirty_bytes 8 MiB");
	CHECK(getv("dirty_ratio") == 0 && getv("dirty_bytes") == 8388608, "ratio zeroed");
	CHECK(vmstat("nr_dirty_threshold") == 2048, "threshold = dirty_bytes in pages");
	CHECK(sysctl_write("dirty_background_bytes", "4194304") == 0, "background 4 MiB");
	CHECK(getv("dirty_background_ratio") == 0, "background ratio zeroed");
	CHECK(vmstat("nr_dirty_background_threshold") == 1024, "background threshold in pages");
	CHECK(sysctl_write("dirty_background_bytes", "16777216") == 0, "background over the limit");
	CHECK(vmstat("nr_dirty_background_threshold") == 1024, "... is cut to half the limit");
	CHECK(sysctl_write("dirty_ratio", "20") == 0 && getv("dirty_bytes") == 0, "bytes zeroed");
	CHECK(sysctl_write("dirty_background_ratio", "10") == 0 &&
	      getv("dirty_background_bytes") == 0, "background bytes zeroed");
	long th = vmstat("nr_dirty_threshold"), bg = vmstat("nr_dirty_background_threshold");
	printf("wb_sysctl: thresholds %ld / %ld pages at 20%% / 10%%\n", th, bg);
	CHECK(th > 0 && bg > 0 && bg <= th / 2 + 2 && bg >= th / 2 - 2, "10% is half of 20%");
	CHECK(sysctl_write("dirty_writeback_centisecs", "0") == 0 &&
	      getv("dirty_writeback_centisecs") == 0, "interval 0 (no periodic pass)");
	CHECK(sysctl_write("dirty_expire_centisecs", " 1500 \n") == 0 &&
	      getv("dirty_expire_centisecs") == 1500, "white space around a value");
	wb_restore();
	for (int i = 0; i < 6; i++)
		CHECK(getv(wb_tunables[i]) == defaults[i], "restored");
	printf("wb_flush: tunables ok\n");
}

#define MiB (1L << 20)
static char *buf, *chk;
static int fd, dfd;

static void write_pattern(long off, long len, uint64_t seed)
{
	blk_fill(buf, off / 512, len, seed);
	CHECK(pwrite(fd, buf, len, off) == len, "buffered write");
}

static void check_disk(long off, long len, uint64_t seed, const char *msg)
{
	CHECK(pread(dfd, chk, len, off) == len, "O_DIRECT read back");
	CHECK(blk_check(chk, off / 512, len, seed) < 0, msg);
}

int main(void)
{
	tunables();
	if (!wb_ours()) {
		printf("wb_flush: SKIP the flusher (Linux: its tunables are the host's)\n");
		return 0;
	}
	dfd = blk_open_or_skip("/dev/vdb", "wb_flush");
	fd = open("/dev/vdb", O_RDWR);
	CHECK(fd >= 0, "open /dev/vdb buffered");
	buf = mmap(NULL, 4 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	chk = mmap(NULL, 4 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf != MAP_FAILED && chk != MAP_FAILED, "buffers");
	CHECK(wb_wait_clean(20000) >= 0, "nothing dirty to start with");
	wb_set("dirty_bytes", 24 * MiB);		/* background 12 MiB: far away */
	wb_set("dirty_background_bytes", 12 * MiB);
	wb_set("dirty_expire_centisecs", 100);
	wb_set("dirty_writeback_centisecs", 50);

	/* 1. the periodic pass writes what is older than expire */
	long kup = vmstat("flusher_kupdate"), wake = vmstat("flusher_wakeup");
	struct blk_stats s0 = blk_stats("vdb");
	write_pattern(8 * MiB, 2 * MiB, 11);
	CHECK(vmstat("nr_dirty") >= 512, "2 MiB dirty in the cache");
	long ms = wb_wait_clean(15000);
	CHECK(ms >= 0, "the flusher wrote everything within 15 s");
	struct blk_stats s1 = blk_stats("vdb");
	printf("wb_flush: periodic pass: clean after %ld ms, %ld pages, %lu sectors, %ld wake-ups\n",
	       ms, vmstat("flusher_kupdate") - kup, s1.wr_sect - s0.wr_sect,
	       vmstat("flusher_wakeup") - wake);
	CHECK(vmstat("flusher_kupdate") - kup >= 512, "by the periodic (kupdate) pass");
	CHECK(vmstat("flusher_wakeup") > wake, "the flusher woke up");
	CHECK(s1.wr_sect - s0.wr_sect >= 4096, "2 MiB reached the device");
	check_disk(8 * MiB, 2 * MiB, 11, "the disk has the data");

	/* 2. interval 0: no periodic pass; setting it again wakes the flusher */
	wb_set("dirty_writeback_centisecs", 0);
	write_pattern(12 * MiB, MiB, 12);
	t_sleep_ms(2500);	/* more than expire + the old interval */
	CHECK(vmstat("nr_dirty") >= 256, "interval 0: still dirty after expire + interval");
	wb_set("dirty_writeback_centisecs", 50);
	CHECK(wb_wait_clean(15000) >= 0, "interval back: written");
	check_disk(12 * MiB, MiB, 12, "the disk has it");

	/* 3. over the background threshold: written down to it at once */
	wb_set("dirty_writeback_centisecs", 0);
	wb_set("dirty_bytes", 8 * MiB);
	wb_set("dirty_background_bytes", MiB);
	long bgw = vmstat("flusher_background");
	write_pattern(16 * MiB, 3 * MiB, 13);
	double t0 = t_now();
	while (vmstat("nr_dirty") > 256 + 64 && t_now() - t0 < 15)
		t_sleep_ms(50);
	printf("wb_flush: background: %ld pages written, %ld dirty left\n",
	       vmstat("flusher_background") - bgw, vmstat("nr_dirty"));
	CHECK(vmstat("nr_dirty") <= 256 + 64, "written down to the background threshold");
	CHECK(vmstat("flusher_background") - bgw >= 256, "by the background pass");

	/* 4. reclaim meeting dirty pages starts the flusher (only where
	 * reading the other disks fills memory: the 64 MiB machine) */
	wb_set("dirty_bytes", 24 * MiB);
	wb_set("dirty_background_bytes", 12 * MiB);
	write_pattern(20 * MiB, MiB, 14);
	long steal = vmstat("pgsteal");
	const char *disks[] = { "/dev/vda", "/dev/vdd", "/dev/vdc" };
	for (int d = 0; d < 3; d++) {
		int r = open(disks[d], O_RDONLY);
		while (r >= 0 && read(r, chk, 4 * MiB) > 0)
			;
		if (r >= 0)
			close(r);
	}
	if (vmstat("pgsteal") > steal) {
		t0 = t_now();
		while (vmstat("nr_dirty") && t_now() - t0 < 15)
			t_sleep_ms(50);
		printf("wb_flush: reclaim (%ld pages) started the flusher: %ld dirty left\n",
		       vmstat("pgsteal") - steal, vmstat("nr_dirty"));
		CHECK(vmstat("nr_dirty") == 0, "reclaim woke the flusher (interval 0, under background)");
	} else {
		printf("wb_flush: no reclaim in this machine: the reclaim case is not exercised\n");
	}
	wb_set("dirty_writeback_centisecs", 50);
	CHECK(wb_wait_clean(15000) >= 0, "clean at the end");
	check_disk(16 * MiB, 3 * MiB, 13, "background data on disk");
	check_disk(20 * MiB, MiB, 14, "reclaim-time data on disk");
	t_ok("wb_flush");
	return 0;
}
