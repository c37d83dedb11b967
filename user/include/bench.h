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
