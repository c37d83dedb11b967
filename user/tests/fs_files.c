/* fs_files.c - file semantics on the root file system (ext2 when booted
 * with root=, the RAM root otherwise; Linux under qemu-riscv64): reads and
 * writes at every alignment across page/block boundaries, a large file
 * through double-indirect blocks, sparse files, truncate down and up,
 * unlink while open, O_APPEND from two processes, two processes sharing
 * one cached copy, 10000 files in one directory, and a second read served
 * from the page cache (/proc/diskstats, /proc/vmstat when on a disk).
 * Files under KEEP stay behind with "CHECKSUM path fnv64" lines, so the
 * host can compare them with debugfs after the boot. */
#define _GNU_SOURCE
#include "t.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <dirent.h>
#include <ftw.h>
#include <sys/statfs.h>

#define KEEP "/tmp/keep"

static uint64_t fnv(const unsigned char *p, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static unsigned char pat(uint64_t off) { return (unsigned char)(off * 131 + (off >> 9) * 7 + 1); }

static void fill(unsigned char *b, uint64_t off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = pat(off + i);
}

/* Checksum of a whole file, printed for the host. */
static void checksum(const char *path)
{
	static unsigned char buf[65536];
	uint64_t h = 0xcbf29ce484222325ULL;
	int fd = open(path, O_RDONLY);
	ssize_t n;
	CHECK(fd >= 0, "open for checksum");
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		h = fnv(buf, n, h);
	close(fd);
	printf("CHECKSUM %s %016llx\n", path, (unsigned long long)h);
}

static void alignments(void)
{
	unsigned char w[9000], r[9000];
	int fd = open(KEEP "/align", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0, "create align");
	for (int off = 0; off < 3 * 4096 + 100; off += 509) {	/* odd steps cross every boundary */
		for (int len = 1; len < 9000; len = len * 3 + 7) {
			fill(w, off, len);
			CHECK(pwrite(fd, w, len, off) == len, "pwrite at odd offset");
			memset(r, 0, len);
			CHECK(pread(fd, r, len, off) == len && !memcmp(r, w, len), "read back");
		}
	}
	/* rewrite the whole file with the canonical pattern, check every alignment */
	fill(w, 0, sizeof(w));
	CHECK(ftruncate(fd, 0) == 0, "ftruncate 0");
	CHECK(pwrite(fd, w, sizeof(w), 0) == sizeof(w), "whole write");
	for (int off = 0; off < 9000; off += 97)
		for (int len = 1; off + len <= 9000; len += 1031) {
			CHECK(pread(fd, r, len, off) == len, "pread");
			CHECK(!memcmp(r, w + off, len), "alignment read");
		}
	close(fd);
	checksum(KEEP "/align");
}

static void big_file(void)
{
	const size_t sz = (6 << 20) + 12345;	/* past 48 KiB direct + 4 MiB indirect */
	unsigned char *b = malloc(1 << 20);
	int fd = open(KEEP "/big", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(b && fd >= 0, "create big");
	for (size_t off = 0; off < sz; off += 1 << 20) {
		size_t n = sz - off < (1 << 20) ? sz - off : 1 << 20;
		fill(b, off, n);
		CHECK(write(fd, b, n) == (ssize_t)n, "write big");
	}
	CHECK(fsync(fd) == 0, "fsync big");
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == (off_t)sz, "size");
	for (size_t off = 0; off < sz; off += 1 << 20) {
		size_t n = sz - off < (1 << 20) ? sz - off : 1 << 20;
		CHECK(pread(fd, b, n, off) == (ssize_t)n, "read big");
		for (size_t i = 0; i < n; i += 4093)
			CHECK(b[i] == pat(off + i), "big content");
	}
	close(fd);
	free(b);
	checksum(KEEP "/big");
}

static void sparse_and_truncate(void)
{
	unsigned char b[4096], z[4096] = { 0 };
	int fd = open(KEEP "/sparse", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0, "create sparse");
	fill(b, 0, 100);
	CHECK(pwrite(fd, b, 100, 10 << 20) == 100, "write at 10 MiB");
	CHECK(pread(fd, b, 4096, 5 << 20) == 4096 && !memcmp(b, z, 4096), "hole reads as zeros");
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == (10 << 20) + 100, "sparse size");
	CHECK(st.st_blocks < 64, "holes take no blocks");
	close(fd);
	checksum(KEEP "/sparse");

	fd = open(KEEP "/trunc", O_CREAT | O_TRUNC | O_RDWR, 0644);
	fill(b, 0, 4096);
	for (int i = 0; i < 4; i++)
		CHECK(write(fd, b, 4096) == 4096, "write trunc");
	CHECK(ftruncate(fd, 5000) == 0, "truncate down");
	CHECK(ftruncate(fd, 12000) == 0, "truncate up");
	CHECK(pread(fd, b, 4096, 4096) == 4096, "read across old EOF");
	unsigned char want[4096];
	fill(want, 0, 4096);
	CHECK(!memcmp(b, want + 0, 0) && !memcmp(b, want, 5000 - 4096), "kept bytes");
	for (int i = 5000 - 4096; i < 4096; i++)
		CHECK(b[i] == 0, "zeros beyond the old EOF");
	close(fd);
	checksum(KEEP "/trunc");
}

static void unlink_open(void)
{
	int fd = open(KEEP "/gone", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0 && write(fd, "abc", 3) == 3, "create gone");
	CHECK(unlink(KEEP "/gone") == 0, "unlink while open");
	CHECK(pwrite(fd, "defg", 4, 3) == 4, "write after unlink");
	char b[8] = "";
	CHECK(pread(fd, b, 7, 0) == 7 && !memcmp(b, "abcdefg", 7), "read after unlink");
	CHECK(access(KEEP "/gone", F_OK) == -1 && errno == ENOENT, "name gone");
	close(fd);
}

static void append_two(void)
{
	int fd = open(KEEP "/append", O_CREAT | O_TRUNC | O_WRONLY | O_APPEND, 0644);
	CHECK(fd >= 0, "create append");
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 200; i++)
			if (write(fd, "cccccccccc", 10) != 10)
				_exit(1);
		_exit(0);
	}
	for (int i = 0; i < 200; i++)
		CHECK(write(fd, "pppppppppp", 10) == 10, "append");
	int st = t_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child appended");
	close(fd);
	char buf[4000];
	fd = open(KEEP "/append", O_RDONLY);
	CHECK(read(fd, buf, sizeof(buf)) == 4000, "4000 bytes, nothing overwritten");
	for (int i = 0; i < 4000; i += 10)
		CHECK(!memcmp(buf + i, "cccccccccc", 10) || !memcmp(buf + i, "pppppppppp", 10),
		      "records intact");
	close(fd);
}

static void shared_cache(void)
{
	int fd = open(KEEP "/shared", O_CREAT | O_TRUNC | O_RDWR, 0644);
	int p[2];
	CHECK(fd >= 0 && pipe(p) == 0, "create shared");
	pid_t pid = fork();
	if (pid == 0) {
		char c, b[6] = "";
		int f2 = open(KEEP "/shared", O_RDONLY);
		if (read(p[0], &c, 1) != 1 || pread(f2, b, 5, 4090) != 5 || memcmp(b, "hello", 5))
			_exit(1);
		_exit(0);
	}
	CHECK(pwrite(fd, "hello", 5, 4090) == 5, "write");
	CHECK(write(p[1], "x", 1) == 1, "signal child");
	int st = t_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "other process sees the data at once");
	close(fd);
}

static void many_files(void)
{
	char path[128];
	CHECK(mkdir(KEEP "/many", 0755) == 0, "mkdir many");
	for (int i = 0; i < 10000; i++) {
		snprintf(path, sizeof(path), KEEP "/many/file-%05d", i);
		int fd = open(path, O_CREAT | O_WRONLY, 0644);
		CHECK(fd >= 0, "create one of 10000");
		if (i % 1000 == 0)
			CHECK(write(fd, path, strlen(path)) > 0, "write");
		close(fd);
	}
	DIR *d = opendir(KEEP "/many");
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	CHECK(n == 10000, "10000 entries listed");
	CHECK(access(KEEP "/many/file-09999", F_OK) == 0, "lookup the last");
	for (int i = 0; i < 10000; i += 2) {
		snprintf(path, sizeof(path), KEEP "/many/file-%05d", i);
		CHECK(unlink(path) == 0, "unlink half");
	}
	checksum(KEEP "/many/file-01001");
}

/* pgcache_hit of /proc/vmstat, or -1 (not our kernel). */
static long pgcache_hits(void)
{
	char line[512], name[64];
	unsigned long v;
	long r = -1;
	FILE *f = fopen("/proc/vmstat", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lu", name, &v) == 2 && !strcmp(name, "pgcache_hit"))
			r = v;
	fclose(f);
	return r;
}

/* vda's completed reads and sectors read, from one read of the file
 * (two separate reads could straddle a completion and disagree). */
static void disk_reads(long *reads, long *sects)
{
	char line[512], name[64];
	unsigned long v[3];
	FILE *f = fopen("/proc/diskstats", "r");
	*reads = *sects = -1;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*u %*u %63s %lu %lu %lu", name, &v[0], &v[1], &v[2]) == 4 &&
		    !strcmp(name, "vda")) {
			*reads = v[0];
			*sects = v[2];
		}
	fclose(f);
}

static void cache_reuse(void)
{
	static unsigned char b[1 << 16];
	int fd = open(KEEP "/big", O_RDONLY);
	CHECK(fd >= 0, "open big");
	while (read(fd, b, sizeof(b)) > 0)
		;
	long reads, sects, hits = pgcache_hits();
	disk_reads(&reads, &sects);
	CHECK(lseek(fd, 0, SEEK_SET) == 0, "rewind");
	while (read(fd, b, sizeof(b)) > 0)
		;
	close(fd);
	struct statfs sf;
	if (reads < 0 || hits < 0 || statfs(KEEP, &sf) || sf.f_type != 0xEF53)
		return;		/* not on our kernel's ext2 disk root */
	/* A 6 MiB file read again: its data must all come from the cache
	 * (a couple of unrelated metadata reads may happen meanwhile). */
	long reads2, sects2;
	disk_reads(&reads2, &sects2);
	printf("fs_files: second read of 6 MiB: %ld device reads, %ld sectors\n",
	       reads2 - reads, sects2 - sects);
	CHECK(reads2 - reads <= 2 && sects2 - sects <= 16, "second read: served from the cache");
	CHECK(pgcache_hits() - hits >= 1500, "second read: cache hits");
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	return remove(path);
}

int main(void)
{
	mkdir("/tmp", 01777);
	nftw(KEEP, rm_one, 16, FTW_DEPTH | FTW_PHYS);	/* leftovers of an earlier run */
	CHECK(mkdir(KEEP, 0755) == 0 || errno == EEXIST, "mkdir keep");
	double t = t_now();
#define PHASE(f) do { f(); printf("fs_files: %-20s %.1f s\n", #f, t_now() - t); t = t_now(); } while (0)
	PHASE(alignments);
	PHASE(big_file);
	PHASE(sparse_and_truncate);
	PHASE(unlink_open);
	PHASE(append_two);
	PHASE(shared_cache);
	PHASE(many_files);
	PHASE(cache_reuse);
	sync();
	struct statfs sf;
	if (statfs(KEEP, &sf) == 0 && sf.f_type != 0xEF53)	/* keep them only on ext2 */
		nftw(KEEP, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	t_ok("fs_files");
	return 0;
}
