/* wb_throttle.c - writers faster than the disk. On the writeback boot's
 * /dev/vdb, whose writes QEMU throttles to 4 MB/s (tests/run.py), with
 * dirty_bytes 6 MiB and dirty_background_bytes 2 MiB:
 *  - a writer dirtying pages as fast as it can never has more than the
 *    limit (+ 1 MiB of slack) dirty or under writeback, sampled every
 *    10 ms by a monitor; it sleeps in balance_dirty_pages (the
 *    dirty_throttle counter) instead of writing anything itself;
 *  - meanwhile another process allocates and touches 32 MiB and exits
 *    while the writer is still being throttled;
 *  - two writers at once share the device: neither gets less than a
 *    third of what the other gets;
 *  - fsync of the device while a writer keeps writing ahead of it
 *    returns long before the writer is done: it writes what was dirty
 *    when it began (TOWRITE), not what the writer adds meanwhile.
 * The rest of the dirty data expires in 2 s (the periodic pass every
 * 1 s). Ours only; skipped without the throttled disk. */
#include "wb.h"
#include "blk.h"
#include <signal.h>
#include <sys/mman.h>

#define MiB (1L << 20)

struct shared {
	volatile int stop, writer_done, hog_done, hog_ok;
	volatile long max_dirty, max_thresh, samples;
	volatile long written[2];
};
static struct shared *sh;

static int throttled_disk(void)
{
	struct stat st;
	if (!wb_on_test_disk() || stat("/dev/vdb", &st) != 0)
		return 0;
	int fd = open("/dev/vdb", O_RDONLY);
	uint64_t size = 0;
	ioctl(fd, BLKGETSIZE64, &size);
	close(fd);
	return size == 64 * MiB;
}

static void monitor(void)
{
	while (!sh->stop) {
		long d = wb_dirty_pages(), t = vmstat("nr_dirty_threshold");
		if (d > sh->max_dirty)
			sh->max_dirty = d;
		if (t > sh->max_thresh)
			sh->max_thresh = t;
		sh->samples++;
		t_sleep_ms(10);
	}
	_exit(0);
}

/* Writes [off, off + len) of /dev/vdb in 256 KiB calls; counts in slot. */
static void write_range(long off, long len, int slot, volatile int *stop)
{
	char *buf = malloc(256 << 10);
	int fd = open("/dev/vdb", O_WRONLY);
	CHECK(fd >= 0 && buf, "open /dev/vdb");
	memset(buf, 0x5a + slot, 256 << 10);
	for (long done = 0; done < len && !(stop && *stop); done += 256 << 10) {
		CHECK(pwrite(fd, buf, 256 << 10, off + done) == 256 << 10, "pwrite");
		if (slot >= 0)
			sh->written[slot] += 256 << 10;
	}
	close(fd);
	free(buf);
}

static pid_t spawn(void (*fn)(long), long arg)
{
	fflush(NULL);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	return pid;
}

static void writer48(long unused) { (void)unused; write_range(0, 48 * MiB, 0, &sh->stop); }
static void sharer(long i) { write_range(16 * MiB + i * 24 * MiB, 24 * MiB, (int)i, &sh->stop); }
static void appender(long unused) { (void)unused; write_range(8 * MiB, 40 * MiB, -1, NULL); sh->writer_done = 1; }

static void hog(long unused)
{
	(void)unused;
	char *p = mmap(NULL, 32 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "the other process can allocate");
	for (long i = 0; i < 32 * MiB; i += 4096)
		p[i] = (char)i;
	long sum = 0;
	for (long i = 0; i < 32 * MiB; i += 4096)
		sum += p[i];
	sh->hog_ok = sum != -1;
	sh->hog_done = 1;
}

int main(void)
{
	if (!throttled_disk()) {
		printf("wb_throttle: SKIP (not the writeback boot)\n");
		return 0;
	}
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED, "shared page");
	CHECK(wb_wait_clean(30000) >= 0, "clean to start with");
	wb_set("dirty_bytes", 6 * MiB);
	wb_set("dirty_background_bytes", 2 * MiB);
	wb_set("dirty_expire_centisecs", 200);	/* what stays under the background */
	wb_set("dirty_writeback_centisecs", 100);	/* threshold goes soon */
	long thr0 = vmstat("dirty_throttle");

	/* 1. one writer against the limit, another process allocating */
	pid_t mon = spawn((void (*)(long))monitor, 0);
	pid_t w = spawn(writer48, 0);
	t_sleep_ms(1500);
	double t0 = t_now();
	pid_t h = spawn(hog, 0);
	t_wait(h);
	double th = t_now() - t0;
	long hog_pauses = vmstat("dirty_throttle") - thr0;	/* by the time it ended */
	while (sh->written[0] < 16 * MiB)	/* well past the limit */
		t_sleep_ms(100);
	sh->stop = 1;
	t_wait(w);
	t_wait(mon);
	printf("wb_throttle: %ld MiB written; max dirty+writeback %ld pages, limit %ld, %ld samples,"
	       " %ld pauses; the other process ran %.1f s, ended after %ld of them\n",
	       sh->written[0] >> 20, sh->max_dirty, sh->max_thresh, sh->samples,
	       vmstat("dirty_throttle") - thr0, th, hog_pauses);
	CHECK(sh->max_thresh == 1536, "the limit is dirty_bytes");
	CHECK(sh->max_dirty <= sh->max_thresh + 256, "never more than the limit + 1 MiB dirty");
	CHECK(sh->max_dirty >= sh->max_thresh / 2, "(the writer did reach the limit)");
	CHECK(vmstat("dirty_throttle") > thr0, "the writer slept in balance_dirty_pages");
	CHECK(sh->hog_ok && hog_pauses > 0,
	      "another process allocated and ran while the writer was being throttled");

	/* 2. two writers share the device */
	CHECK(wb_wait_clean(30000) >= 0, "clean again");
	sh->stop = 0;
	sh->written[0] = 0;
	pid_t a = spawn(sharer, 0), b = spawn(sharer, 1);
	t_sleep_ms(4000);
	sh->stop = 1;
	long wa = sh->written[0], wbytes = sh->written[1];
	t_wait(a);
	t_wait(b);
	printf("wb_throttle: two writers in 4 s: %ld and %ld KiB\n", wa >> 10, wbytes >> 10);
	CHECK(wa > 0 && wbytes > 0 && wa * 3 >= wbytes && wbytes * 3 >= wa,
	      "two writers share the device's rate");

	/* 3. fsync while a writer keeps writing ahead of it */
	CHECK(wb_wait_clean(30000) >= 0, "clean again");
	sh->writer_done = 0;
	int fd = open("/dev/vdb", O_RDWR);
	CHECK(fd >= 0, "open");
	pid_t ap = spawn(appender, 0);
	t_sleep_ms(1500);
	t0 = t_now();
	CHECK(fsync(fd) == 0, "fsync");
	int running = !sh->writer_done;
	printf("wb_throttle: fsync took %.1f s while a writer went on (still writing: %d)\n",
	       t_now() - t0, running);
	CHECK(running, "fsync returned before the writer finished (it wrote the TOWRITE set)");
	t_wait(ap);
	close(fd);
	CHECK(wb_wait_clean(60000) >= 0, "clean at the end");
	t_ok("wb_throttle");
	return 0;
}
