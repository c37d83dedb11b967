/* wb.h - helpers for the writeback tests (user/tests/wb_*.c): counters
 * from /proc/vmstat and /proc/meminfo, the /proc/sys/vm tunables (saved
 * once and put back at exit, so a test that changes them leaves the
 * machine as it found it), and waiting for dirty memory to drain.
 * wb_ours() tells the teaching kernel from Linux (under qemu-riscv64 the
 * host's /proc is Linux's, whose tunables a test must never change). */
#ifndef WB_H
#define WB_H
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include "t.h"

static inline long wb_file_value(const char *path, const char *name, int kb)
{
	char line[256], n[64];
	long v, r = -1;
	FILE *f = fopen(path, "r");
	CHECK(f, path);
	while (fgets(line, sizeof(line), f)) {
		if (kb ? sscanf(line, "%63[^:]: %ld", n, &v) == 2 :
			 sscanf(line, "%63s %ld", n, &v) == 2)
			if (!strcmp(n, name))
				r = v;
	}
	fclose(f);
	return r;
}

/* A /proc/vmstat counter, -1 if there is none. */
static inline long vmstat(const char *name)
{
	return wb_file_value("/proc/vmstat", name, 0);
}

/* A /proc/meminfo line in kB, -1 if there is none. */
static inline long meminfo_kb(const char *name)
{
	return wb_file_value("/proc/meminfo", name, 1);
}

static inline int wb_ours(void)
{
	return vmstat("flusher_wakeup") >= 0;
}

/* Read a /proc/sys/vm value; returns 0 and the value, or -errno. */
static inline int sysctl_get(const char *name, long *val)
{
	char path[128], buf[64];
	snprintf(path, sizeof(path), "/proc/sys/vm/%s", name);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	char *end;
	*val = strtol(buf, &end, 10);
	return *end == '\n' && end == buf + n - 1 ? 0 : -EINVAL;
}

/* Write a string to a /proc/sys/vm file: 0 or -errno. */
static inline int sysctl_write(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "/proc/sys/vm/%s", name);
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, text, strlen(text));
	int e = errno;
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : n < 0 ? -e : -EIO;
}

static const char *const wb_tunables[] = {
	"dirty_background_ratio", "dirty_background_bytes", "dirty_ratio", "dirty_bytes",
	"dirty_writeback_centisecs", "dirty_expire_centisecs",
};
static long wb_saved[6];
static int wb_saved_ok;

/* Put the tunables back as they were (ratios after bytes: writing a
 * nonzero one zeroes its twin, so write the nonzero member last). */
static inline void wb_restore(void)
{
	if (!wb_saved_ok)
		return;
	char v[32];
	for (int i = 4; i < 6; i++) {
		snprintf(v, sizeof(v), "%ld", wb_saved[i]);
		sysctl_write(wb_tunables[i], v);
	}
	for (int pair = 0; pair < 4; pair += 2) {
		int ratio = pair, bytes = pair + 1;
		int first = wb_saved[bytes] ? ratio : bytes, last = wb_saved[bytes] ? bytes : ratio;
		if (wb_saved[first]) {
			snprintf(v, sizeof(v), "%ld", wb_saved[first]);
			sysctl_write(wb_tunables[first], v);
		}
		snprintf(v, sizeof(v), "%ld", wb_saved[last]);
		sysctl_write(wb_tunables[last], v);
	}
}

/* Save the tunables (once) and restore them at exit. Ours only. */
static inline void wb_save(void)
{
	if (wb_saved_ok)
		return;
	for (int i = 0; i < 6; i++)
		CHECK(sysctl_get(wb_tunables[i], &wb_saved[i]) == 0, wb_tunables[i]);
	wb_saved_ok = 1;
	atexit(wb_restore);
}

/* Set a tunable (ours only: saves everything first). */
static inline void wb_set(const char *name, long val)
{
	char v[32];
	wb_save();
	snprintf(v, sizeof(v), "%ld", val);
	CHECK(sysctl_write(name, v) == 0, name);
}

/* Dirty + under writeback, in pages, from one read of /proc/vmstat: two
 * reads would count a page the flusher moved from dirty to writeback
 * between them twice (hundreds of pages when the reader is descheduled). */
static inline long wb_dirty_pages(void)
{
	static char buf[16384];
	long n = 0, r, v, sum = 0;
	char name[64];
	int fd = open("/proc/vmstat", O_RDONLY);
	CHECK(fd >= 0, "/proc/vmstat");
	while (n < (long)sizeof(buf) - 1 && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += r;
	close(fd);
	buf[n] = 0;
	for (char *p = buf; p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (sscanf(p, "%63s %ld", name, &v) == 2 &&
		    (!strcmp(name, "nr_dirty") || !strcmp(name, "nr_writeback")))
			sum += v;
	return sum;
}

/* Poll every 100 ms until nothing is dirty or under writeback, for up
 * to max_ms; returns the milliseconds it took, or -1. */
static inline long wb_wait_clean(long max_ms)
{
	double t0 = t_now();
	for (;;) {
		if (wb_dirty_pages() == 0)
			return (long)((t_now() - t0) * 1000);
		if ((t_now() - t0) * 1000 > max_ms)
			return -1;
		t_sleep_ms(100);
	}
}

/* The writeback boots (tests/run.py) boot from their test disk: an
 * ext2 labelled wbtest, holding /WBTEST, /prefilled and /victim, is the
 * root, and the tests that need it live on it (user/tests/disk/). */
#include <sys/stat.h>
static inline int wb_on_test_disk(void)
{
	struct stat st;
	return wb_ours() && stat("/WBTEST", &st) == 0;
}

/* The line on which tests/run.py kills QEMU at once (a power cut); the
 * test then waits to be killed. */
#define KILL_MARKER "KILL-QEMU-NOW"
static inline void wb_power_cut(void)
{
	printf("\n" KILL_MARKER "\n");
	fflush(stdout);
	for (;;)
		pause();
}

/* CRC-32 (zlib's), as tests/run.py checks "CRC32 path crc" lines. */
static inline uint32_t wb_crc32(uint32_t crc, const void *p, size_t n)
{
	static uint32_t table[256];
	const unsigned char *c = p;
	if (!table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t v = i;
			for (int k = 0; k < 8; k++)
				v = v & 1 ? 0xedb88320u ^ (v >> 1) : v >> 1;
			table[i] = v;
		}
	crc = ~crc;
	while (n--)
		crc = table[(crc ^ *c++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* FNV-1a 64, as tests/run.py checks "CHECKSUM path hash" lines. */
static inline uint64_t fnv64(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	while (n--)
		h = (h ^ *c++) * 0x100000001b3ULL;
	return h;
}
#define FNV64_INIT 0xcbf29ce484222325ULL
#endif
