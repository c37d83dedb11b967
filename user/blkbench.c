/* blkbench.c: raw block-device throughput. Reads or writes a scratch disk
 * (default /dev/vdb) with direct I/O for each request size and queue depth
 * (depth = threads, each with one request in flight), for a fixed time
 * per cell, and prints one line per cell:
 *     BENCH raw_read_4k_qd32 MB/s inflight=N
 * where inflight is the average number of requests the device held
 * (from /proc/diskstats: time_in_queue / elapsed), which shows whether
 * the depth reached the device.
 * Usage: blkbench [-s 4k,1m] [-d 1,32] [-o r|w|rw] [-t seconds | -n requests]
 *                 [device]
 * Default: sizes 4k,64k,128k,512k,1m, depths 1,4,32, reads then writes,
 * 1 s per cell (-n: a fixed number of requests per cell instead, for
 * profiles that compare runs). Writes destroy the device's data! */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/fs.h>
#include "bench.h"

#define MAX_DEPTH 64

static const char *dev = "/dev/vdb";
static int fd;
static unsigned long long disk_size;
static size_t req_size;
static int depth, writing;
static double cell_time = 1.0;
static unsigned long cell_reqs;	/* -n: a fixed number of requests instead */
static char *bufs[MAX_DEPTH];	/* one 1 MiB buffer per thread, touched up front */
static pthread_barrier_t start_line;
static unsigned long next_req;	/* atomic: the next request of the cell */
static unsigned long done_reqs;	/* atomic: requests completed */
static int stop;		/* atomic: the cell's time is over */

/* Each thread takes the next request number until the cell is over (the
 * main thread sets `stop` after -t seconds, or -n requests were taken);
 * request r is at byte r * size (wrapping at the end of the disk). */
static void *worker(void *arg)
{
	char *buf = bufs[(long)arg];
	pthread_barrier_wait(&start_line);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		unsigned long r = __atomic_fetch_add(&next_req, 1, __ATOMIC_SEQ_CST);
		if (cell_reqs && r >= cell_reqs)
			break;
		off_t off = (off_t)((r * req_size) % (disk_size - req_size + 1)) & ~(off_t)4095;
		ssize_t n = writing ? pwrite(fd, buf, req_size, off) : pread(fd, buf, req_size, off);
		if (n != (ssize_t)req_size)
			bench_die(writing ? "pwrite" : "pread");
		__atomic_fetch_add(&done_reqs, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* time_in_queue (ms) of dev from /proc/diskstats; 0 if not found. */
static unsigned long time_in_queue(void)
{
	char line[512], name[32];
	const char *base = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	unsigned long v[11], tiq = 0;
	FILE *f = fopen("/proc/diskstats", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*u %*u %31s %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu", name,
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9],
			   &v[10]) == 12 && !strcmp(name, base))
			tiq = v[10];
	if (f)
		fclose(f);
	return tiq;
}

static void run_cell(size_t size, int d, int w)
{
	pthread_t th[MAX_DEPTH];
	char cell[64], extra[64];
	req_size = size;
	depth = d;
	writing = w;
	next_req = done_reqs = 0;
	stop = 0;
	pthread_barrier_init(&start_line, NULL, d + 1);
	for (long i = 0; i < d; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)i))
			bench_die("pthread_create");
	unsigned long tiq0 = time_in_queue();
	pthread_barrier_wait(&start_line);
	double t_start = bench_now();
	if (!cell_reqs) {
		struct timespec ts = { (time_t)cell_time, (long)((cell_time - (time_t)cell_time) * 1e9) };
		nanosleep(&ts, NULL);
		__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	}
	for (int i = 0; i < d; i++)
		pthread_join(th[i], NULL);
	double t = bench_now() - t_start;
	pthread_barrier_destroy(&start_line);
	double inflight = (time_in_queue() - tiq0) / 1000.0 / t;
	if (size % MiB == 0)
		snprintf(cell, sizeof(cell), "raw_%s_%zum_qd%d", w ? "write" : "read", size / MiB, d);
	else
		snprintf(cell, sizeof(cell), "raw_%s_%zuk_qd%d", w ? "write" : "read", size >> 10, d);
	snprintf(extra, sizeof(extra), " inflight=%.2f", inflight);
	bench_result(cell, (double)done_reqs * size / t / 1e6, "MB/s", extra);
}

/* "4k,64k,1m" -> sizes in bytes; "1,32" -> numbers. Returns the count. */
static int parse_list(char *s, long *out, int max)
{
	int n = 0;
	for (char *tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ",")) {
		char *end;
		long v = strtol(tok, &end, 10);
		v <<= *end == 'k' || *end == 'K' ? 10 : *end == 'm' || *end == 'M' ? 20 : 0;
		out[n++] = v;
	}
	return n;
}

int main(int argc, char **argv)
{
	long sizes[8] = { 4096, 65536, 131072, 524288, 1048576 }, depths[8] = { 1, 4, 32 };
	int nsizes = 5, ndepths = 3, rd = 1, wr = 1, opt;
	while ((opt = getopt(argc, argv, "s:d:o:t:n:")) != -1) {
		if (opt == 's')
			nsizes = parse_list(optarg, sizes, 8);
		else if (opt == 'd')
			ndepths = parse_list(optarg, depths, 8);
		else if (opt == 'o')
			rd = !!strchr(optarg, 'r'), wr = !!strchr(optarg, 'w');
		else if (opt == 't')
			cell_time = atof(optarg);
		else if (opt == 'n')
			cell_reqs = strtoul(optarg, NULL, 0);
		else {
			fprintf(stderr, "usage: blkbench [-s 4k,1m] [-d 1,32] [-o r|w|rw] "
					"[-t seconds | -n requests] [device]\n");
			return 2;
		}
	}
	if (optind < argc)
		dev = argv[optind];
	for (int i = 0; i < nsizes; i++)
		if (sizes[i] < 4096 || sizes[i] > (long)MiB || sizes[i] % 4096) {
			fprintf(stderr, "blkbench: sizes are 4 KiB to 1 MiB, multiples of 4 KiB\n");
			return 2;
		}
	for (int i = 0; i < ndepths; i++)
		if (depths[i] < 1 || depths[i] > MAX_DEPTH) {
			fprintf(stderr, "blkbench: depths are 1 to %d\n", MAX_DEPTH);
			return 2;
		}
	fd = open(dev, O_RDWR | O_DIRECT);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &disk_size) < 0)
		bench_die(dev);
	for (int i = 0; i < MAX_DEPTH; i++) {
		bufs[i] = mmap(NULL, MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (bufs[i] == MAP_FAILED)
			bench_die("mmap");
		memset(bufs[i], 0x5a, MiB);
	}
	if (cell_reqs)
		printf("blkbench: %s, %llu MiB, %lu requests per cell\n", dev, disk_size >> 20,
		       cell_reqs);
	else
		printf("blkbench: %s, %llu MiB, %.1f s per cell\n", dev, disk_size >> 20, cell_time);
	for (int w = !rd; w <= wr; w++)
		for (int i = 0; i < nsizes; i++)
			for (int j = 0; j < ndepths; j++)
				run_cell(sizes[i], depths[j], w);
	return 0;
}
