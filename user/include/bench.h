/* bench.h - helpers shared by the bench programs (user/blkbench.c,
 * user/bench_*.c) that `make bench` (tests/bench.py) runs on our kernel
 * and on the reference Linux. A program prints one line per result,
 *     BENCH <cell> <value> <unit> [key=value ...]
 * where a bigger value is always better (a rate), and exits 0; anything
 * else it prints is shown but not parsed. Times come from
 * CLOCK_MONOTONIC, the same clock on both kernels, read with the system
 * call on both (not Linux's vDSO: the same cost, and Linux 6.1's riscv
 * vDSO was seen to fault under -smp 4 here). */
#ifndef BENCH_H
#define BENCH_H
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MiB (1UL << 20)

static inline double bench_now(void)
{
	struct timespec ts;
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void bench_die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* One result line; extra is "" or " key=value ...". */
static inline void bench_result(const char *cell, double value, const char *unit,
				const char *extra)
{
	printf("BENCH %s %.1f %s%s\n", cell, value, unit, extra ? extra : "");
	fflush(stdout);
}

/* "Cold": the file's clean pages leave the page cache, in this boot. The
 * data is written back first (DONTNEED keeps dirty pages). */
static inline void bench_drop_cache(int fd)
{
	if (fdatasync(fd) < 0)
		bench_die("fdatasync");
	errno = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (errno)
		bench_die("posix_fadvise(DONTNEED)");
}

/* Creates path with size bytes of a non-zero pattern, written in 1 MiB
 * calls and fsynced, and returns it open read-only. */
static inline int bench_make_file(const char *path, size_t size)
{
	static char buf[MiB];
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0)
		bench_die(path);
	for (size_t off = 0; off < size; off += sizeof(buf)) {
		size_t n = size - off < sizeof(buf) ? size - off : sizeof(buf);
		for (size_t i = 0; i < n; i += 512)
			buf[i] = (char)((off + i) >> 9);
		if (write(fd, buf, n) != (ssize_t)n)
			bench_die("write");
	}
	if (fsync(fd) < 0)
		bench_die("fsync");
	close(fd);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		bench_die(path);
	return fd;
}

/* pgfault of /proc/vmstat (both kernels have it), or -1. */
static inline long bench_pgfault(void)
{
	char buf[8192];
	int fd = open("/proc/vmstat", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *p = strstr(buf, "\npgfault ");
	return p ? atol(p + 9) : -1;
}

/* A walk of fd's first size bytes through a fresh read-only mapping, one
 * 8-byte load per 4 KiB page (the fault path, not memory bandwidth):
 * prints cell in MB/s of file covered, with faults_per_page. */
static inline void bench_walk(const char *cell, int fd, size_t size)
{
	char extra[64] = "";
	long f0 = bench_pgfault();
	double t0 = bench_now();
	volatile unsigned long *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	unsigned long sum = 0;
	if (p == MAP_FAILED)
		bench_die("mmap");
	for (size_t off = 0; off < size; off += 4096)
		sum += p[off / sizeof(*p)];
	munmap((void *)p, size);
	double t = bench_now() - t0;
	long f1 = bench_pgfault();
	if (sum == 0x5a5a5a5a)	/* keep the loads */
		printf("bench: unlikely sum\n");
	if (f0 >= 0 && f1 >= f0)
		snprintf(extra, sizeof(extra), " faults_per_page=%.3f", (f1 - f0) / (size / 4096.0));
	bench_result(cell, size / t / 1e6, "MB/s", extra);
}

/* A program with several modes ("bench_read seq|small"): runs the one
 * named by argv[1]. */
struct bench_mode {
	const char *name;
	void (*run)(void);
};

static inline int bench_main(int argc, char **argv, const struct bench_mode *m, int n)
{
	for (int i = 0; argc == 2 && i < n; i++)
		if (!strcmp(argv[1], m[i].name)) {
			m[i].run();
			return 0;
		}
	fprintf(stderr, "usage: %s", argv[0]);
	for (int i = 0; i < n; i++)
		fprintf(stderr, "%s%s", i ? "|" : " ", m[i].name);
	fprintf(stderr, "\n");
	return 2;
}
#endif
