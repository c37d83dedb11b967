/* bench_write.c: writes through the page cache to ext2 on the root disk.
 *   bench_write fsync    64 MiB written in 1 MiB calls to a new file, then
 *                        fsync: cell write_fsync, MB/s (until fsync returns)
 *   bench_write files    2,000 files of 4 KiB each created, written and
 *                        closed in one directory, then all deleted: cell
 *                        smallfiles, files per second
 *   bench_write seq      the writeback issue's: first the raw write limit
 *                        of the scratch disk in this boot (raw_write_seq:
 *                        O_DIRECT 1 MiB writes of all of /dev/vdb, 8 in
 *                        flight) and the guest's memcpy rate (memcpy_256m:
 *                        a buffered write copies every byte once, an
 *                        O_DIRECT one none), then 256 MiB written in 1 MiB calls and
 *                        fsynced (writeseq_fsync, MB/s) and the average
 *                        size of the root disk's write requests meanwhile
 *                        (writeseq_req, KiB, from /proc/diskstats)
 *   bench_write files10k 10,000 files of 4 KiB written in one directory,
 *                        then sync(2): smallfiles_sync, files per second
 *   bench_write dd       512 MiB written in 1 MiB calls, no fsync (in a
 *                        256 MiB machine: tests/bench.py): dd_512m, MB/s,
 *                        with max_dirty_mib, the most Dirty /proc/meminfo
 *                        showed (sampled every 20 ms) */
#include "bench.h"
#include <pthread.h>
#include <sys/ioctl.h>
#include <linux/fs.h>

static char buf[MiB];

/* Writes size bytes of buf to a new file in 1 MiB calls (then fsync, if
 * asked) and returns the seconds it took; the file stays. */
static double write_file(const char *path, size_t size, int do_fsync)
{
	double t0 = bench_now();
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0)
		bench_die("open");
	for (size_t off = 0; off < size; off += sizeof(buf))
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			bench_die("write");
	if (do_fsync && fsync(fd) < 0)
		bench_die("fsync");
	double t = bench_now() - t0;
	close(fd);
	return t;
}

static void write_fsync(void)
{
	const size_t size = 64 * MiB;
	memset(buf, 0x5a, sizeof(buf));
	bench_result("write_fsync", size / write_file("/bench_write.dat", size, 1) / 1e6, "MB/s", "");
	unlink("/bench_write.dat");
}

static void small_files(void)
{
	const int n = 2000;
	char path[64];
	memset(buf, 0x5a, 4096);
	if (mkdir("/bench_files", 0755) < 0 && errno != EEXIST)
		bench_die("mkdir");
	double t0 = bench_now();
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/bench_files/f%d", i);
		int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
		if (fd < 0 || write(fd, buf, 4096) != 4096)
			bench_die(path);
		close(fd);
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/bench_files/f%d", i);
		if (unlink(path) < 0)
			bench_die(path);
	}
	bench_result("smallfiles", n / (bench_now() - t0), "files/s", "");
	rmdir("/bench_files");
}

/* Write requests and sectors of a disk so far (/proc/diskstats). */
static void disk_writes(const char *disk, unsigned long *ios, unsigned long *sectors)
{
	char line[512], name[32];
	unsigned long v[7];
	FILE *f = fopen("/proc/diskstats", "r");
	*ios = *sectors = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*u %*u %31s %lu %lu %lu %lu %lu %lu %lu", name, &v[0], &v[1],
			   &v[2], &v[3], &v[4], &v[5], &v[6]) == 8 && !strcmp(name, disk)) {
			*ios = v[4];
			*sectors = v[6];
		}
	fclose(f);
}

static int raw_fd;
static unsigned long raw_next, raw_chunks;

static void *raw_writer(void *arg)
{
	(void)arg;
	char *b = aligned_alloc(4096, MiB);
	if (!b)
		bench_die("aligned_alloc");
	memset(b, 0x3c, MiB);
	for (;;) {
		unsigned long c = __atomic_fetch_add(&raw_next, 1, __ATOMIC_SEQ_CST);
		if (c >= raw_chunks)
			break;
		if (pwrite(raw_fd, b, MiB, (off_t)c * MiB) != (ssize_t)MiB)
			bench_die("pwrite /dev/vdb");
	}
	free(b);
	return NULL;
}

/* The disk's write limit: all of /dev/vdb in 1 MiB O_DIRECT writes, 8 at once. */
static double raw_write_limit(void)
{
	unsigned long long size = 0;
	pthread_t t[8];
	raw_fd = open("/dev/vdb", O_WRONLY | O_DIRECT);
	if (raw_fd < 0 || ioctl(raw_fd, BLKGETSIZE64, &size) < 0)
		bench_die("/dev/vdb");
	raw_chunks = size / MiB;
	double t0 = bench_now();
	for (int i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, raw_writer, NULL);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	double rate = raw_chunks * MiB / (bench_now() - t0) / 1e6;
	close(raw_fd);
	return rate;
}

static void write_seq(void)
{
	const size_t size = 256 * MiB;
	unsigned long ios0, sect0, ios1, sect1;
	char extra[64];
	bench_result("raw_write_seq", raw_write_limit(), "MB/s", "");
	char *dst = malloc(MiB);
	memset(buf, 0x5a, sizeof(buf));
	memset(dst, 0, MiB);
	double m0 = bench_now();
	for (int i = 0; i < 256; i++) {
		memcpy(dst, buf, MiB);
		buf[i] = dst[i + 1];	/* keep the copies */
	}
	bench_result("memcpy_256m", size / (bench_now() - m0) / 1e6, "MB/s", "");
	free(dst);
	sync();
	disk_writes("vda", &ios0, &sect0);
	double t = write_file("/bench_seq.dat", size, 1);
	disk_writes("vda", &ios1, &sect1);
	bench_result("writeseq_fsync", size / t / 1e6, "MB/s", "");
	snprintf(extra, sizeof(extra), " requests=%lu", ios1 - ios0);
	bench_result("writeseq_req", ios1 > ios0 ? (sect1 - sect0) / 2.0 / (ios1 - ios0) : 0,
		     "KiB", extra);
	unlink("/bench_seq.dat");
}

static void files_sync(void)
{
	const int n = 10000;
	char path[64];
	memset(buf, 0x5a, 4096);
	sync();
	if (mkdir("/bench_10k", 0755) < 0 && errno != EEXIST)
		bench_die("mkdir");
	double t0 = bench_now();
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/bench_10k/f%05d", i);
		int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
		if (fd < 0 || write(fd, buf, 4096) != 4096)
			bench_die(path);
		close(fd);
	}
	double t1 = bench_now();
	sync();
	double t2 = bench_now();
	printf("bench_write: 10,000 files written in %.1f s, sync %.1f s\n", t1 - t0, t2 - t1);
	bench_result("smallfiles_sync", n / (t2 - t0), "files/s", "");
}

static volatile int dd_done;
static long dd_max_dirty_kb;

static long meminfo_kb(const char *key)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = atol(line + strlen(key));
	if (f)
		fclose(f);
	return v;
}

static void *dirty_monitor(void *arg)
{
	(void)arg;
	while (!dd_done) {
		long d = meminfo_kb("Dirty:");
		if (d > dd_max_dirty_kb)
			dd_max_dirty_kb = d;
		struct timespec ts = { 0, 20 * 1000000 };
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void dd(void)
{
	const size_t size = 512 * MiB;
	pthread_t mon;
	char extra[64];
	memset(buf, 0x6b, sizeof(buf));
	sync();
	pthread_create(&mon, NULL, dirty_monitor, NULL);
	double t = write_file("/bench_dd.dat", size, 0);
	dd_done = 1;
	pthread_join(mon, NULL);
	snprintf(extra, sizeof(extra), " max_dirty_mib=%.1f", dd_max_dirty_kb / 1024.0);
	bench_result("dd_512m", size / t / 1e6, "MB/s", extra);
}

int main(int argc, char **argv)
{
	static const struct bench_mode modes[] = {
		{ "fsync", write_fsync }, { "files", small_files }, { "seq", write_seq },
		{ "files10k", files_sync }, { "dd", dd },
	};
	return bench_main(argc, argv, modes, 5);
}
