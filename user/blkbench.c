/* blkbench.c: the raw-device limit. Reads and writes a scratch disk
 * (default /dev/vdb) with direct I/O at request sizes 4K..1M and queue
 * depths 1, 4, 32 (depth = threads with one request each in flight), and
 * prints MB/s per cell. From /proc/diskstats it also reports the average
 * number of requests in flight (time_in_queue / elapsed), whose ratio
 * between depth 32 and depth 1 shows that requests overlap.
 * Usage: blkbench [device] [MiB per cell]   (writes destroy the data!) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

static const char *dev = "/dev/vdb";
static int fd;
static unsigned long long disk_size;
static size_t req_size, cell_bytes;
static int depth, writing;
static char *bufs[32];		/* one 1 MiB buffer per thread, touched up front */
static pthread_barrier_t start_line;
static double t_start;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Thread i issues requests i, i+depth, i+2*depth, ... of the cell. */
static void *worker(void *arg)
{
	long id = (long)arg;
	char *buf = bufs[id];
	if (pthread_barrier_wait(&start_line) == PTHREAD_BARRIER_SERIAL_THREAD)
		t_start = now();
	size_t nreq = cell_bytes / req_size;
	for (size_t r = id; r < nreq; r += depth) {
		off_t off = (off_t)((r * req_size) % (disk_size - req_size + 1)) & ~(off_t)4095;
		ssize_t n = writing ? pwrite(fd, buf, req_size, off) : pread(fd, buf, req_size, off);
		if (n != (ssize_t)req_size) {
			perror(writing ? "pwrite" : "pread");
			exit(1);
		}
	}
	return NULL;
}

/* Sum of (requests, time_in_queue ms) for dev from /proc/diskstats. */
static void diskstats(unsigned long *ios, unsigned long *tiq)
{
	char line[512], name[32];
	const char *base = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	unsigned long v[11];
	FILE *f = fopen("/proc/diskstats", "r");
	*ios = *tiq = 0;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*u %*u %31s %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu", name,
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9],
			   &v[10]) == 12 && !strcmp(name, base)) {
			*ios = v[0] + v[4];
			*tiq = v[10];
		}
	}
	if (f)
		fclose(f);
}

static double run_cell(size_t size, int d, int w, double *inflight)
{
	pthread_t th[32];
	unsigned long ios0, tiq0, ios1, tiq1;
	req_size = size;
	depth = d;
	writing = w;
	pthread_barrier_init(&start_line, NULL, d);
	diskstats(&ios0, &tiq0);
	for (long i = 0; i < d; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	for (int i = 0; i < d; i++)
		pthread_join(th[i], NULL);
	double t = now() - t_start;
	pthread_barrier_destroy(&start_line);
	diskstats(&ios1, &tiq1);
	*inflight = t > 0 ? (tiq1 - tiq0) / 1000.0 / t : 0;
	return cell_bytes / t / 1e6;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 4096, 65536, 131072, 524288, 1048576 };
	static const int depths[] = { 1, 4, 32 };
	if (argc > 1)
		dev = argv[1];
	cell_bytes = (argc > 2 ? atol(argv[2]) : 16) << 20;
	fd = open(dev, O_RDWR | O_DIRECT);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &disk_size) < 0) {
		perror(dev);
		return 1;
	}
	for (int i = 0; i < 32; i++) {
		bufs[i] = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		memset(bufs[i], 0x5a, 1 << 20);
	}
	printf("blkbench: %s, %llu MiB, %zu MiB per cell\n", dev, disk_size >> 20, cell_bytes >> 20);
	double best = 0, small = 0, big = 0, q1 = 0, q32 = 0;
	for (int w = 0; w < 2; w++) {
		printf("%-6s %8s", w ? "write" : "read", "size");
		for (int j = 0; j < 3; j++)
			printf("   QD%-2d MB/s", depths[j]);
		printf("\n");
		for (int i = 0; i < 5; i++) {
			printf("%-6s %7zuK", "", sizes[i] >> 10);
			for (int j = 0; j < 3; j++) {
				double inflight, mbs = run_cell(sizes[i], depths[j], w, &inflight);
				printf(" %12.1f", mbs);
				fflush(stdout);
				best = mbs > best ? mbs : best;
				if (!w && i == 0 && j == 0)
					small = mbs;
				if (!w && i == 3 && j == 2)
					big = mbs;
				if (!w && i == 1 && j == 0)
					q1 = inflight;
				if (!w && i == 1 && j == 2)
					q32 = inflight;
			}
			printf("\n");
		}
	}
	printf("raw limit: %.1f MB/s\n", best);
	printf("read 512K/QD32 vs 4K/QD1: %.1fx\n", small > 0 ? big / small : 0);
	printf("requests in flight (64K reads): QD1 %.2f, QD32 %.2f, ratio %.1fx\n", q1, q32,
	       q1 > 0 ? q32 / q1 : 0);
	return 0;
}
