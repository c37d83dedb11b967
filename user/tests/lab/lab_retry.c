/* lab_retry.c - the graded tests of the retry lab (docs/labs/retry.md):
 * a fault that waits for I/O does so without mmap_lock, and is retried.
 * /dev/vde is a 2 MiB disk of blk.h's pattern (seed 3) that QEMU
 * throttles to 400 kB/s (tests/run.py), so a fault that reads it waits
 * long enough for another thread to act meanwhile. Each part drops the
 * disk's cache first (BLKFLSBUF); churn reads pages 0-63, unmap and
 * remap fault in pages 256-383 after reading 384-447 to fill QEMU's
 * throttle (fill_throttle).
 *   churn: one thread walks a cold MADV_RANDOM mapping (a major fault
 *          per page) while another loops on mmap/mprotect/munmap of
 *          other memory: many of those calls complete inside one fault
 *          of the walker while its read is in flight; every page read
 *          was retried (pgfault_retry); the walker reads the disk's bytes;
 *   unmap: while a fault waits for the disk, another thread unmaps the
 *          range: munmap returns before the read completes, and the
 *          retried fault, finding no VMA, is SIGSEGV (SEGV_MAPERR);
 *   remap: while a fault waits, another thread maps a file over the
 *          range (MAP_FIXED): the retried fault maps the new file, and
 *          the faulting load returns the file's bytes, not the disk's.
 * On Linux (qemu-riscv64: no /dev/vde) the parts pass without checking:
 * there is no slow disk to wait for. */
#define _GNU_SOURCE
#include <pthread.h>
#include "labio.h"

#define SEED 3

static int fd = -1;
static char *region;
static volatile long fault_seq;	/* odd while the walker is inside a touch */
static volatile int walking;

/* /dev/vde with its cache dropped; exits (passing) where there is none. */
static void open_disk(void)
{
	if (!ours()) {
		printf("lab_retry: no throttled disk here: nothing to check\n");
		exit(0);
	}
	fd = open("/dev/vde", O_RDONLY);
	CHECK(fd >= 0, "open /dev/vde (tests/grade.py adds a throttled disk)");
	CHECK(ioctl(fd, BLKFLSBUF, 0) == 0, "BLKFLSBUF: the disk's cache dropped");
}

static long vde_in_flight(void)
{
	return lab_in_flight("vde");
}

/* ---- churn ---- */
#define CHURN_PAGES 64
static long during, calls;

static void *churn(void *arg)
{
	(void)arg;
	while (walking) {
		long s1 = fault_seq, f1 = vde_in_flight();
		void *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		CHECK(p != MAP_FAILED, "churn mmap");
		CHECK(mprotect(p, PG, PROT_READ) == 0, "churn mprotect");
		CHECK(munmap(p, 4 * PG) == 0, "churn munmap");
		calls++;
		long f2 = vde_in_flight(), s2 = fault_seq;
		/* all of it inside one fault of the walker, whose read was in
		 * flight before and after: the fault slept without mmap_lock */
		if (s1 == s2 && (s1 & 1) && f1 > 0 && f2 > 0)
			during++;
	}
	return NULL;
}

static void part_churn(void)
{
	open_disk();
	region = mmap(NULL, CHURN_PAGES * PG, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(region != MAP_FAILED, "mmap /dev/vde");
	CHECK(madvise(region, CHURN_PAGES * PG, MADV_RANDOM) == 0, "MADV_RANDOM");
	long retry0 = vmstat("pgfault_retry"), maj0 = vmstat("pgmajfault");
	pthread_t t;
	walking = 1;
	CHECK(pthread_create(&t, NULL, churn, NULL) == 0, "pthread_create");
	for (long i = 0; i < CHURN_PAGES; i++) {
		fault_seq++;
		long bad = blk_check(region + i * PG, i * (PG / 512), PG, SEED);
		fault_seq++;
		CHECK(bad < 0, "the walker reads the disk's bytes");
	}
	walking = 0;
	pthread_join(t, NULL);
	long retries = vmstat("pgfault_retry") - retry0, majors = vmstat("pgmajfault") - maj0;
	printf("lab_retry: %d pages, %ld major faults, %ld retries; %ld calls, %ld inside a "
	       "fault\n", CHURN_PAGES, majors, retries, calls, during);
	CHECK(majors >= CHURN_PAGES, "a major fault per page");
	CHECK(retries >= CHURN_PAGES, "each fault waited without mmap_lock and was retried");
	/* A fault that kept mmap_lock across its read would allow none;
	 * how many fit depends on how often the host runs the churning
	 * vCPU (14 of 64 pages under a host load of 15), so ask for a few. */
	CHECK(during >= CHURN_PAGES / 16, "mmap/mprotect/munmap ran while a fault waited");
	munmap(region, CHURN_PAGES * PG);
	close(fd);
}

/* ---- unmap and remap: one slow fault, another thread acts ---- */
#define SLOW_FIRST 256		/* pages of vde the slow parts use (to 384) */
#define SLOW_PAGES 128
static volatile int acted, in_fault;
static volatile long act_in_flight, act_seq;
static int remap_fd = -1;

/* Waits until the walker is inside its fault with the read in flight,
 * then unmaps the range or maps the file over it; records whether the
 * read was still in flight and the fault still going when it returned. */
static void *actor(void *arg)
{
	long remap = (long)arg;
	for (int i = 0; i < 5000 && !(in_fault && vde_in_flight() > 0); i++)
		t_sleep_ms(1);
	long s1 = fault_seq;
	if (remap)
		CHECK(mmap(region, SLOW_PAGES * PG, PROT_READ, MAP_SHARED | MAP_FIXED, remap_fd, 0) ==
		      region, "mmap MAP_FIXED over the range");
	else
		CHECK(munmap(region, SLOW_PAGES * PG) == 0, "munmap the range");
	act_in_flight = vde_in_flight();
	act_seq = fault_seq == s1 && in_fault;
	acted = 1;
	return NULL;
}

/* QEMU's throttle lets a request through at once while its bucket is
 * below the limit and makes the next ones wait for it to drain: after a
 * pause, one 128 KiB read-around would not wait at all. Fill the bucket
 * first with a read of 256 KiB the faults do not use, so
 * the fault's read waits its turn, about half a second. */
static void fill_throttle(void)
{
	static char buf[64 * PG];
	CHECK(pread(fd, buf, sizeof(buf), 384 * PG) == (ssize_t)sizeof(buf),
	      "read 256 KiB to fill the throttle");
}

static void slow_fault(long remap)
{
	open_disk();
	probe_init();
	fill_throttle();
	region = mmap(NULL, SLOW_PAGES * PG, PROT_READ, MAP_SHARED, fd, SLOW_FIRST * PG);
	CHECK(region != MAP_FAILED, "mmap /dev/vde");
	if (remap)
		remap_fd = make_file("/tmp/lab_retry", SLOW_PAGES * PG, 41);
	pthread_t t;
	acted = in_fault = 0;
	CHECK(pthread_create(&t, NULL, actor, (void *)remap) == 0, "pthread_create");
	long retry0 = vmstat("pgfault_retry");
	volatile char *p = region + 5 * PG + 11;
	in_fault = 1;
	fault_seq++;
	int sig = probe((char *)p, 0, 0);	/* read-around: 32 slow pages */
	char got = sig ? 0 : *p;
	fault_seq++;
	in_fault = 0;
	pthread_join(t, NULL);
	long retries = vmstat("pgfault_retry") - retry0;
	printf("lab_retry: the %s returned %s the fault's read completed; the fault was "
	       "retried %ld times and %s\n", remap ? "mmap" : "munmap",
	       act_seq && act_in_flight > 0 ? "before" : "after", retries,
	       sig ? (sig == SIGSEGV ? "raised SIGSEGV" : "raised a signal") : "returned");
	CHECK(act_seq && act_in_flight > 0, "the other thread's call completed during the fault");
	CHECK(retries >= 1, "the fault was retried");
	if (remap) {
		CHECK(!sig, "the retried fault maps the new file");
		CHECK(got == (char)pat8(5 * PG + 11, 41), "the load returns the new file's byte");
		munmap(region, SLOW_PAGES * PG);
		close(remap_fd);
		unlink("/tmp/lab_retry");
	} else {
		CHECK(sig == SIGSEGV && probe_code == SEGV_MAPERR && probe_addr == (void *)p,
		      "the retried fault finds no VMA: SIGSEGV at the address");
	}
	close(fd);
}

static void part_unmap(void)
{
	slow_fault(0);
}

static void part_remap(void)
{
	slow_fault(1);
}

LAB_PARTS("lab_retry", { "churn", part_churn }, { "unmap", part_unmap }, { "remap", part_remap })
