/* labio.h - what the course labs' I/O tests share (user/tests/lab/):
 * files whose every page says which page it is, made cold (written,
 * synced, dropped from the cache), the disk a file lives on, and that
 * disk's counters in /proc/diskstats once nothing is in flight; and the
 * lab's own empty ext2, /dev/vdg, that tests/grade.py adds for some labs
 * and checks on the host afterwards. */
#ifndef LABIO_H
#define LABIO_H
#include <sys/mount.h>
#include <sys/stat.h>
#include "blk.h"
#include "mmt.h"
#include "labt.h"

static char lab_dev[64];	/* the disk of the last lab_cold_file, "" if unknown */

/* Every 8-byte word of page index of a stamped file. */
static inline void lab_stamp(char *p, long index)
{
	uint64_t *w = (uint64_t *)p;
	for (int i = 0; i < PG / 8; i++)
		w[i] = (uint64_t)index * 0x9e3779b97f4a7c15ULL + i;
}

static inline int lab_stamped(const char *p, long index)
{
	const uint64_t *w = (const uint64_t *)p;
	for (int i = 0; i < PG / 8; i += 73)
		if (w[i] != (uint64_t)index * 0x9e3779b97f4a7c15ULL + i)
			return 0;
	return w[PG / 8 - 1] == (uint64_t)index * 0x9e3779b97f4a7c15ULL + PG / 8 - 1;
}

/* The disk holding path (its mount's device, "/dev/vdf1" -> "vdf"), as
 * /proc/diskstats names it, into lab_dev; on this kernel it must exist. */
static inline void lab_find_disk(const char *path)
{
	char line[256], d[64], mnt[128];
	size_t best = 0;
	FILE *f = fopen("/proc/mounts", "r");
	lab_dev[0] = 0;
	while (f && fgets(line, sizeof(line), f)) {
		size_t n;
		if (sscanf(line, "%63s %127s", d, mnt) != 2 || strncmp(d, "/dev/", 5))
			continue;
		n = strlen(mnt);
		if (strncmp(path, mnt, n) || (n > 1 && path[n] != '/') || n < best)
			continue;
		best = n;
		snprintf(lab_dev, sizeof(lab_dev), "%s", d + 5);
		lab_dev[strcspn(lab_dev, "0123456789")] = 0;	/* the whole disk */
	}
	if (f)
		fclose(f);
	CHECK(!ours() || lab_dev[0], "the disk of the file (/proc/mounts)");
}

/* Requests disk `name` holds in the driver now (diskstats field 12). */
static inline long lab_in_flight(const char *name)
{
	char line[512], n[32];
	unsigned long v[9];
	long r = -1;
	FILE *f = fopen("/proc/diskstats", "r");
	CHECK(f, "open /proc/diskstats");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*u %*u %31s %lu %lu %lu %lu %lu %lu %lu %lu %lu", n, &v[0], &v[1],
			   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) == 10 && !strcmp(n, name))
			r = v[8];
	fclose(f);
	return r;
}

/* lab_dev's counters once its reads in flight have completed (requests
 * count when they complete: a window still in flight from one step
 * would land in the next one's numbers); zeros when not checked. */
static inline struct blk_stats lab_disk_stats(void)
{
	if (!ours() || !lab_dev[0])
		return (struct blk_stats){ 0 };
	for (int i = 0; i < 3000 && lab_in_flight(lab_dev) > 0; i++)
		t_sleep_ms(1);
	return blk_stats(lab_dev);
}

/* path made (once) a stamped file of size bytes, synced and dropped
 * from the cache; returns it open read-only and sets lab_dev. */
static inline int lab_cold_file(const char *path, long size)
{
	static char page[PG];
	struct stat st;
	int fd = open(path, O_RDWR);
	if (fd < 0 || fstat(fd, &st) || st.st_size != size) {
		if (fd >= 0)
			close(fd);
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
		CHECK(fd >= 0, "create the file");
		for (long i = 0; i < size / PG; i++) {
			lab_stamp(page, i);
			CHECK(write(fd, page, PG) == PG, "write the file");
		}
	}
	CHECK(fsync(fd) == 0, "fsync");
	CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0, "fadvise DONTNEED");
	close(fd);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0, "open");
	lab_find_disk(path);
	if (ours()) {		/* nothing of it may be cached any more */
		unsigned char vec[64];
		void *m = mmap(NULL, 64 * PG, PROT_READ, MAP_SHARED, fd, 0);
		CHECK(m != MAP_FAILED && mincore(m, 64 * PG, vec) == 0, "mincore");
		for (int i = 0; i < 64; i++)
			CHECK(!(vec[i] & 1), "the file was dropped from the cache");
		munmap(m, 64 * PG);
	}
	return fd;
}

/* Reads pages [from, to) of a stamped file in calls of n pages. */
static inline void lab_read_pages(int fd, long from, long to, long n)
{
	char *buf = malloc(n * PG);
	CHECK(buf, "malloc");
	for (long p = from; p < to; p += n) {
		long c = to - p < n ? to - p : n;
		CHECK(pread(fd, buf, c * PG, p * PG) == c * PG, "read");
		for (long i = 0; i < c; i++)
			CHECK(lab_stamped(buf + i * PG, p + i), "the file's data");
	}
	free(buf);
}
/* Mounts the lab disk /dev/vdg on /lab (dir gets "/lab") and returns
 * 1; without it (Linux under qemu-riscv64) makes a directory in /tmp
 * instead and returns 0: then only the data can be checked. */
static inline int lab_mount(char *dir, const char *prog)
{
	if (!ours() || access("/dev/vdg", F_OK) != 0) {
		sprintf(dir, "/tmp/%s.XXXXXX", prog);
		CHECK(mkdtemp(dir), "mkdtemp");
		return 0;
	}
	strcpy(dir, "/lab");
	CHECK(mkdir(dir, 0755) == 0 || errno == EEXIST, "mkdir /lab");
	umount(dir);		/* left mounted by a part that failed */
	CHECK(mount("/dev/vdg", dir, "ext2", 0, NULL) == 0, "mount /dev/vdg on /lab");
	return 1;
}

static inline void lab_umount(const char *dir, int mounted)
{
	sync();
	if (mounted)
		CHECK(umount(dir) == 0, "umount /lab");
}
#endif
