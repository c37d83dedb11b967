/* mmap_retry.c - a fault that waits for I/O does so without mmap_lock.
 * /dev/vde is a disk QEMU throttles (tests/run.py gives it
 * throttling.bps-total and fills it with blk.h's pattern, seed 3). One
 * thread walks a cold MADV_RANDOM mapping of it, a major fault per page
 * (no readahead: each page is its own slow read), while a second thread
 * of the same process loops on mmap/mprotect/munmap of other memory and,
 * now and then, replaces the walked range by a new mapping of the same
 * disk (mremap with MREMAP_FIXED moves it over the old one: the walker's
 * VMA is unmapped and mapped again under it). Checked:
 *  - calls of the second thread complete while the walker is inside
 *    one and the same fault and the disk has a read in flight both before
 *    and after the call (counted; with mmap_lock held across the I/O they
 *    would wait for the read to end);
 *  - pgfault_retry grows by at least one per page read;
 *  - the walker reads the right bytes, across the remaps.
 * On the host (qemu-riscv64: no /dev/vde) a file stands in for the
 * disk and only the data is checked. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include "mmt.h"
#include "blk.h"

#define NPAGES 96
#define SEED 3

static char *region;
static int fd;
static volatile long fault_seq;	/* odd while the walker is inside a touch */
static volatile int walking = 1;
static long during, calls, remaps;
static int o;

/* Requests of vde in flight now (/proc/diskstats, field 9). */
static long vde_inflight(void)
{
	char line[512], name[32];
	unsigned long v[9];
	long n = -1;
	FILE *f = fopen("/proc/diskstats", "r");
	CHECK(f != NULL, "open /proc/diskstats");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*u %*u %31s %lu %lu %lu %lu %lu %lu %lu %lu %lu", name, &v[0],
			   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) == 10 &&
		    !strcmp(name, "vde"))
			n = v[8];
	fclose(f);
	return n;
}

static void *churn(void *arg)
{
	(void)arg;
	while (walking) {
		long s1 = fault_seq, f1 = o ? vde_inflight() : 0;
		void *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		CHECK(p != MAP_FAILED, "churn mmap");
		CHECK(mprotect(p, PG, PROT_READ) == 0, "churn mprotect");
		CHECK(munmap(p, 4 * PG) == 0, "churn munmap");
		if (++calls % 16 == 0) {
			/* the walker's range, unmapped and mapped again in one
			 * step: a new MADV_RANDOM mapping moved over it */
			void *n = mmap(NULL, NPAGES * PG, PROT_READ, MAP_SHARED, fd, 0);
			CHECK(n != MAP_FAILED, "a second mapping");
			CHECK(madvise(n, NPAGES * PG, MADV_RANDOM) == 0, "MADV_RANDOM");
			void *r = mremap(n, NPAGES * PG, NPAGES * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
					 region);
			CHECK(r == region, "moved over the walked range");
			remaps++;
		}
		long f2 = o ? vde_inflight() : 0, s2 = fault_seq;
		/* All of it inside one fault of the walker, whose read was in
		 * flight before and after: the fault slept without mmap_lock. */
		if (s1 == s2 && (s1 & 1) && f1 > 0 && f2 > 0)
			during++;
	}
	return NULL;
}

int main(void)
{
	char path[64] = "/dev/vde";
	o = ours();
	fd = open(path, O_RDONLY);
	if (fd < 0) {		/* the host: a file with the disk's pattern */
		static uint64_t buf[NPAGES * PG / 8];
		CHECK(!o, "no /dev/vde (tests/run.py adds a throttled disk)");
		snprintf(path, sizeof(path), "/tmp/mmap_retry.%d", getpid());
		blk_fill(buf, 0, sizeof(buf), SEED);
		int w = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
		CHECK(w >= 0 && write(w, buf, sizeof(buf)) == sizeof(buf), "stand-in file");
		close(w);
		fd = open(path, O_RDONLY);
		unlink(path);
	} else {
		ioctl(fd, BLKFLSBUF, 0);	/* cold, even if something read it */
	}
	CHECK(fd >= 0, "open");
	region = mmap(NULL, NPAGES * PG, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(region != MAP_FAILED, "mmap");
	CHECK(madvise(region, NPAGES * PG, MADV_RANDOM) == 0, "MADV_RANDOM");
	long retry0 = vmstat("pgfault_retry"), maj0 = vmstat("pgmajfault");
	pthread_t t;
	CHECK(pthread_create(&t, NULL, churn, NULL) == 0, "pthread_create");
	for (long i = 0; i < NPAGES; i++) {
		fault_seq++;
		long bad = blk_check(region + i * PG, i * (PG / 512), PG, SEED);
		fault_seq++;
		CHECK(bad < 0, "the walker reads the disk's bytes");
	}
	walking = 0;
	CHECK(pthread_join(t, NULL) == 0, "pthread_join");
	long retries = vmstat("pgfault_retry") - retry0, majors = vmstat("pgmajfault") - maj0;
	printf("mmap_retry: %d pages, %ld major faults, %ld retries; %ld calls, %ld remaps, "
	       "%ld inside a fault\n", NPAGES, majors, retries, calls, remaps, during);
	if (o) {
		CHECK(majors >= NPAGES, "a major fault per page");
		CHECK(retries >= NPAGES, "each waited without mmap_lock and was retried");
		CHECK(during >= NPAGES / 4, "mmap/mprotect/munmap ran while a fault waited");
		CHECK(remaps > 0, "the range was mapped again meanwhile");
	}
	munmap(region, NPAGES * PG);
	close(fd);
	t_ok("mmap_retry");
	return 0;
}
