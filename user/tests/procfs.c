/* procfs.c - /proc: meminfo values are sane, /proc/self/maps shows the
 * stack (containing a local), the program's text named by its path, and
 * mmap'd regions appearing and vanishing, vmstat's pgfault grows after
 * touching fresh anonymous pages, status names us, and the files behave
 * (small reads, lseek, stat, getdents, no writes). Also runs under qemu-riscv64 on Linux; kernel-only checks
 * are keyed on the "[sigpage]" mapping, which Linux does not have. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "t.h"

#define BUFSZ (256 * 1024)
static char buf[BUFSZ], buf2[BUFSZ];
static int ours;	/* running on the teaching kernel */

/* Read all of path with small reads (exercises *pos); returns length. */
static long slurp(const char *path, char *b, long size)
{
	int fd = open(path, O_RDONLY);
	long n = 0, r;

	CHECK(fd >= 0, path);
	while (n < size - 1 && (r = read(fd, b + n, size - 1 - n < 100 ? size - 1 - n : 100)) > 0)
		n += r;
	CHECK(r >= 0, "read");
	b[n] = 0;
	close(fd);
	return n;
}

/* The number after "key" at a line start, or -1. */
static long field(const char *text, const char *key)
{
	size_t k = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, k))
			return strtol(p + k, NULL, 10);
	return -1;
}

static void test_meminfo(void)
{
	slurp("/proc/meminfo", buf, BUFSZ);
	long total = field(buf, "MemTotal:"), free = field(buf, "MemFree:");
	CHECK(total > 0, "MemTotal > 0");
	CHECK(free >= 0 && free <= total, "0 <= MemFree <= MemTotal");
	CHECK(field(buf, "MemAvailable:") >= 0, "MemAvailable present");
	CHECK(strstr(buf, " kB\n"), "kB units");
	t_ok("meminfo");
}

/* Find a maps line whose range contains [lo, hi); fills its perms. */
static int maps_find(const char *maps, unsigned long lo, unsigned long hi, char *perms,
		     const char **line)
{
	for (const char *p = maps; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		unsigned long s, e;
		char pr[8];

		if (sscanf(p, "%lx-%lx %7s", &s, &e, pr) != 3)
			continue;
		if (s <= lo && hi <= e) {
			if (perms)
				strcpy(perms, pr);
			if (line)
				*line = p;
			return 1;
		}
	}
	return 0;
}

/* Any maps line overlapping [lo, hi)? */
static int maps_overlap(const char *maps, unsigned long lo, unsigned long hi)
{
	for (const char *p = maps; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		unsigned long s, e;

		if (sscanf(p, "%lx-%lx", &s, &e) == 2 && s < hi && lo < e)
			return 1;
	}
	return 0;
}

static void test_maps(void)
{
	volatile int local = 1;
	unsigned long a = (unsigned long)&local;
	const char *line;
	char perms[8];

	slurp("/proc/self/maps", buf, BUFSZ);
	ours = strstr(buf, "[sigpage]") != NULL;
	const char *st = strstr(buf, "[stack]");
	CHECK(st, "maps has [stack]");
	while (st > buf && st[-1] != '\n')
		st--;
	unsigned long s, e;
	CHECK(sscanf(st, "%lx-%lx %7s", &s, &e, perms) == 3, "parse [stack] line");
	CHECK(s <= a && a < e, "local variable inside [stack]");
	CHECK(!strncmp(perms, "rw", 2), "stack is rw");
	CHECK(maps_find(buf, (unsigned long)test_maps, (unsigned long)test_maps + 1, perms, NULL),
	      "text is mapped");
	CHECK(perms[0] == 'r' && perms[2] == 'x', "text is r-x");
	maps_find(buf, (unsigned long)test_maps, (unsigned long)test_maps + 1, NULL, &line);
	char want[128];
	snprintf(want, sizeof(want), "/%s\n", program_invocation_short_name);
	const char *eol = strchr(line, '\n');
	CHECK(eol && eol - line > (long)strlen(want) &&
	      !strncmp(eol + 1 - strlen(want), want, strlen(want)), "text is named by its path");

	long pg = sysconf(_SC_PAGESIZE), len = 3 * pg;
	char *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap");
	unsigned long lo = (unsigned long)p, hi = lo + len;
	slurp("/proc/self/maps", buf, BUFSZ);
	CHECK(maps_find(buf, lo, hi, perms, &line), "mmap'd region listed");
	CHECK(!strcmp(perms, "r--p"), "mmap'd region is r--p");
	CHECK(munmap(p, len) == 0, "munmap");
	slurp("/proc/self/maps", buf, BUFSZ);
	CHECK(!maps_overlap(buf, lo, hi), "munmap'd region gone");
	t_ok("maps");
}

static long pgfault(void)
{
	slurp("/proc/vmstat", buf, BUFSZ);
	return field(buf, "pgfault ");
}

static void test_vmstat(void)
{
	long pg = sysconf(_SC_PAGESIZE), n = 100;
	char *p = mmap(NULL, n * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED, "mmap");
	madvise(p, n * pg, MADV_NOHUGEPAGE);
	long before = pgfault();
	CHECK(before >= 0, "vmstat has pgfault");
	CHECK(field(buf, "nr_free_pages ") > 0, "vmstat has nr_free_pages");
	CHECK(field(buf, "pgmajfault ") >= 0, "vmstat has pgmajfault");
	for (long i = 0; i < n; i++)
		p[i * pg] = 1;
	long after = pgfault();
	CHECK(after > before, "pgfault grows");
	if (ours)	/* Linux may use huge pages; we fault per page */
		CHECK(after - before >= n, "one fault per fresh page");
	munmap(p, n * pg);
	t_ok("vmstat");
}

static void test_status(void)
{
	slurp("/proc/self/status", buf, BUFSZ);
	CHECK(!strncmp(buf, "Name:\t", 6), "status starts with Name:");
	CHECK(field(buf, "Pid:\t") == getpid(), "Pid");
	CHECK(field(buf, "PPid:\t") == getppid(), "PPid");
	long th = field(buf, "Threads:\t");
	CHECK(ours ? th == 1 : th >= 1, "Threads");	/* qemu-user adds its own */
	CHECK(field(buf, "VmRSS:\t") > 0, "VmRSS");
	t_ok("status");
}

/* lseek, pread-free rereads, stat, getdents and refusal of writes. */
static void test_file_ops(void)
{
	struct stat sb;
	int fd = open("/proc/meminfo", O_RDONLY);
	long n, m;

	CHECK(fd >= 0, "open meminfo");
	n = read(fd, buf, BUFSZ);
	CHECK(n > 0, "read meminfo");
	CHECK(read(fd, buf2, BUFSZ) == 0, "EOF after the snapshot");
	CHECK(lseek(fd, 9, SEEK_SET) == 9, "SEEK_SET");
	m = read(fd, buf2, BUFSZ);
	CHECK(m == n - 9 && !memcmp(buf2, buf + 9, m), "reread from 9");
	if (ours) {	/* Linux's seq_file has no SEEK_END */
		CHECK(lseek(fd, -3, SEEK_END) == n - 3, "SEEK_END");
		CHECK(read(fd, buf2, 10) == 3 && !memcmp(buf2, " kB\n" + 1, 3), "tail");
	}
	close(fd);

	CHECK(stat("/proc/meminfo", &sb) == 0, "stat");
	CHECK(S_ISREG(sb.st_mode) && (sb.st_mode & 0777) == 0444, "0444 regular");
	CHECK(sb.st_size == 0, "size 0");
	CHECK(stat("/proc", &sb) == 0 && S_ISDIR(sb.st_mode), "/proc is a dir");
	CHECK(stat("/proc/self", &sb) == 0 && S_ISDIR(sb.st_mode), "/proc/self is a dir");

	fd = open("/proc/meminfo", O_WRONLY);
	CHECK(fd < 0 || write(fd, "x", 1) < 0, "meminfo not writable");
	if (fd >= 0)
		close(fd);
	CHECK(open("/proc/nonexistent", O_RDONLY) < 0 && errno == ENOENT, "ENOENT");

	DIR *d = opendir("/proc");
	struct dirent *e;
	int seen = 0;
	CHECK(d, "opendir /proc");
	while ((e = readdir(d)))
		seen |= (!strcmp(e->d_name, "meminfo") ? 1 : 0) |
			(!strcmp(e->d_name, "self") ? 2 : 0) |
			(!strcmp(e->d_name, "vmstat") ? 4 : 0);
	closedir(d);
	CHECK(seen == 7, "getdents lists meminfo, self, vmstat");
	t_ok("file ops");
}

/* On our kernel a file's content is fixed when it is opened. */
static void test_snapshot(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/maps", O_RDONLY);

	CHECK(fd >= 0, "open maps");
	char *p = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap");
	long n = read(fd, buf, BUFSZ - 1);
	CHECK(n > 0, "read maps");
	buf[n] = 0;
	CHECK(!maps_overlap(buf, (unsigned long)p, (unsigned long)p + pg),
	      "mapping made after open is not in the snapshot");
	close(fd);
	munmap(p, pg);
	t_ok("snapshot");
}

int main(void)
{
	test_meminfo();
	test_maps();
	test_vmstat();
	test_status();
	test_file_ops();
	if (ours)
		test_snapshot();
	printf("procfs: all ok\n");
	return 0;
}
