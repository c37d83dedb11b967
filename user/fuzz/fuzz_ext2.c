/* fuzz_ext2.c - the guest half of the corrupt-ext2 fuzzer (docs/fuzzing.md,
 * tests/fuzz/fuzz_ext2.py). /dev/vdb holds a batch of damaged ext2 images
 * after a text header ("EXT2FUZZ count header stride", then one line per
 * image: "seed size what"). For each image: copy it onto /dev/vda (the
 * scratch disk), mount it on /mnt/fz, and in a child walk it (getdents64,
 * lstat, readlink, readahead, read and mmap of every file, lookups
 * through "..") and change it (create, write, fsync, read back, stores
 * through shared mappings with msync and sync_file_range, rename,
 * truncate, mkdir, rmdir, unlink); then unmount it. Errors are expected; the run
 * fails ("FUZZEXT2 FAIL") if a walk does not finish in time, a directory
 * or a file read does not end, the unmount fails, or the memory free
 * after the unmounts is well below what it was after the first few.
 * As pid 1 it powers the machine off at the end. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "console.h"
#include "t.h"

#ifndef BLKFLSBUF
#define BLKFLSBUF 0x1261
#endif
#define MAX_ENTRIES 20000	/* per directory: more means getdents does not end */
#define WALK_SECS 60
#define MNT "/mnt/fz"

static int failures;
static long entries, files, bytes_read;

static long mem_free_kb(void)
{
	char buf[512];
	int fd = open("/proc/meminfo", O_RDONLY), n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *p = strstr(buf, "MemFree:");
	return p ? strtol(p + 8, NULL, 10) : -1;
}

static sigjmp_buf fault_jb;

static void on_fault(int sig)
{
	siglongjmp(fault_jb, sig);
}

/* Read a file to its end (read(2), then a private mapping). */
static void read_file(int dirfd, const char *name, const struct stat *st)
{
	static char buf[65536];
	int fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0)
		return;
	files++;
	/* readahead first: it maps the blocks ahead of the reads */
	posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED);
	readahead(fd, 0, 1 << 20);
	/* past 8 MiB a file of these images is holes: stop there (reading
	 * a corrupt 4 GiB size through would only take long) */
	long total = 0, limit = st->st_size + (1 << 20), cap = 8 << 20;
	ssize_t n;
	while (total < cap && (n = read(fd, buf, sizeof(buf))) > 0) {
		total += n;
		if (total > limit) {
			printf("FUZZEXT2 FAIL read of %s does not end (%ld bytes, size %ld)\n", name,
			       total, (long)st->st_size);
			failures++;
			break;
		}
	}
	bytes_read += total;
	size_t len = st->st_size < (4 << 20) ? st->st_size : (4 << 20);
	volatile char *m = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	if (m != MAP_FAILED) {
		volatile char sum = 0;
		if (!sigsetjmp(fault_jb, 1))	/* SIGBUS on a page it cannot read is fine */
			for (size_t o = 0; o < len; o += 4096)
				sum += m[o];
		munmap((void *)m, len);
	}
	close(fd);
}

/* Walk the tree under dirfd; seen[] holds the directories on the path,
 * so a directory that contains itself is not walked forever. */
static void walk(int dirfd, int depth, ino_t *seen)
{
	char buf[4096];
	long n, count = 0;
	struct stat st;
	if (fstat(dirfd, &st) || depth >= 24)
		return;
	for (int i = 0; i < depth; i++)
		if (seen[i] == st.st_ino)
			return;
	seen[depth] = st.st_ino;
	while ((n = syscall(SYS_getdents64, dirfd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			off += d->d_reclen;
			if (++count > MAX_ENTRIES) {
				printf("FUZZEXT2 FAIL getdents64 does not end (%ld entries)\n", count);
				failures++;
				return;
			}
			entries++;
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			if (fstatat(dirfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW))
				continue;
			if (S_ISLNK(st.st_mode)) {
				char target[4200];
				readlinkat(dirfd, d->d_name, target, sizeof(target));
				fstatat(dirfd, d->d_name, &st, 0);	/* follow it */
			} else if (S_ISREG(st.st_mode)) {
				read_file(dirfd, d->d_name, &st);
			} else if (S_ISDIR(st.st_mode)) {
				int sub = openat(dirfd, d->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
				if (sub >= 0) {
					walk(sub, depth + 1, seen);
					close(sub);
				}
			}
		}
	}
}

/* Store into every page of a shared writable mapping of path (its
 * first 256 KiB), msync it, and write part of it back with
 * sync_file_range: the page cache's writeback of a damaged block map. */
static void write_mapped(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDWR | O_NOFOLLOW);
	if (fd < 0)
		return;
	size_t len = fstat(fd, &st) || st.st_size <= 0 ? 0
		     : st.st_size < (256 << 10) ? st.st_size : (256 << 10);
	volatile char *m = len ? mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
			       : MAP_FAILED;
	if (m != MAP_FAILED) {
		if (!sigsetjmp(fault_jb, 1))	/* SIGBUS on a page it cannot read is fine */
			for (size_t o = 0; o < len; o += 4096)
				m[o] ^= 0x5a;
		msync((void *)m, len, MS_SYNC);
		munmap((void *)m, len);
	}
	sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
			SYNC_FILE_RANGE_WAIT_AFTER);
	close(fd);
}

/* Change the file system; every call may fail. */
static void change(void)
{
	static char a[70000], b[70000];
	struct stat st;
	for (int i = 0; i < (int)sizeof(a); i++)
		a[i] = i * 13;
	int fd = open(MNT "/fz_new", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		if (write(fd, a, sizeof(a)) == sizeof(a) && fsync(fd) == 0 &&
		    pread(fd, b, sizeof(b), 0) == sizeof(b) && memcmp(a, b, sizeof(a)))
			printf("FUZZEXT2 note: fz_new read back different data\n");
		close(fd);
	}
	write_mapped(MNT "/fz_new");
	write_mapped(MNT "/ind");
	write_mapped(MNT "/hello");
	rename(MNT "/fz_new", MNT "/a/fz_moved");
	unlink(MNT "/a/fz_moved");
	unlink(MNT "/fz_new");
	if (!stat(MNT "/ind", &st))
		truncate(MNT "/ind", st.st_size / 3);
	truncate(MNT "/dind", 5000);
	mkdir(MNT "/fz_dir", 0755);
	symlink("hello", MNT "/fz_dir/l");
	link(MNT "/hello", MNT "/fz_dir/h");
	unlink(MNT "/fz_dir/l");
	unlink(MNT "/fz_dir/h");
	rmdir(MNT "/fz_dir");
	rename(MNT "/many", MNT "/a/b/many2");
	unlink(MNT "/many/entry_with_a_long_name_007");
	rmdir(MNT "/empty");
	stat(MNT "/a/b/c/../../../hello", &st);
	sync();
}

static void child(void)
{
	ino_t seen[32];
	failures = 0;
	struct sigaction sa = { .sa_handler = on_fault };
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	int root = open(MNT, O_RDONLY | O_DIRECTORY);
	if (root >= 0) {
		walk(root, 0, seen);
		close(root);
	}
	change();
	root = open(MNT, O_RDONLY | O_DIRECTORY);
	if (root >= 0) {
		walk(root, 0, seen);
		close(root);
	}
	printf("FUZZEXT2 walked %ld entries, %ld files, %ld bytes\n", entries, files, bytes_read);
	fflush(stdout);
	_exit(failures ? 1 : 0);
}

/* vdb's image i onto vda, and nothing of vda left in the cache. */
static int copy_image(int src, int dst, long off, long size, char *buf)
{
	if (pread(src, buf, size, off) != size || pwrite(dst, buf, size, 0) != size || fsync(dst))
		return -1;
	ioctl(src, BLKFLSBUF, 0);	/* its cache is not the kernel's to keep */
	return ioctl(dst, BLKFLSBUF, 0);
}

static int one_image(int i, long seed, long off, long size, const char *what, int src, int dst,
		     char *buf)
{
	printf("FUZZEXT2 IMG %ld (#%d, %s): ", seed, i, what);
	fflush(stdout);
	if (copy_image(src, dst, off, size, buf)) {
		printf("\nFUZZEXT2 FAIL copying the image: %s\n", strerror(errno));
		return 1;
	}
	if (mount("/dev/vda", MNT, "ext2", 0, NULL)) {
		printf("refused (%s)\n", strerror(errno));
		return 0;
	}
	printf("mounted\n");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		child();
	int st = 0, bad = 0;
	for (int t = 0; t < WALK_SECS * 20; t++) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			pid = 0;
			break;
		}
		t_sleep_ms(50);
	}
	if (pid) {
		printf("FUZZEXT2 FAIL the walk of image %ld did not finish in %d s\n", seed, WALK_SECS);
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		bad = 1;
	} else if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("FUZZEXT2 FAIL the walk of image %ld ended with status 0x%x\n", seed, st);
		bad = 1;
	}
	if (umount2(MNT, 0)) {
		printf("FUZZEXT2 FAIL umount of image %ld: %s\n", seed, strerror(errno));
		bad = 1;
	}
	ioctl(dst, BLKFLSBUF, 0);
	return bad;
}

int main(void)
{
	console_fds();
	setvbuf(stdout, NULL, _IOLBF, 0);
	mkdir("/mnt", 0755);
	mkdir(MNT, 0755);
	int src = open("/dev/vdb", O_RDONLY), dst = open("/dev/vda", O_RDWR);
	char *hdr = malloc(65536), *buf = malloc(4 << 20);
	long count = 0, hsize = 0, stride = 0, warm = -1, low = -1;
	if (src < 0 || dst < 0 || pread(src, hdr, 65535, 0) <= 0 ||
	    sscanf(hdr, "EXT2FUZZ %ld %ld %ld", &count, &hsize, &stride) != 3) {
		printf("FUZZEXT2 FAIL no images (/dev/vdb) or no scratch disk (/dev/vda)\n");
		failures++;
	}
	hdr[65535] = 0;
	char *line = strchr(hdr, '\n');
	for (int i = 0; i < count && line; i++) {
		long seed, size;
		char what[128] = "";
		if (sscanf(line + 1, "%ld %ld %127s", &seed, &size, what) < 2)
			break;
		line = strchr(line + 1, '\n');
		failures += one_image(i, seed, hsize + stride * i, size, what, src, dst, buf);
		long kb = mem_free_kb();
		if (i == 2)
			warm = kb;	/* caches have their first objects */
		if (i > 2 && (low < 0 || kb < low))
			low = kb;
	}
	long leak = warm >= 0 && low >= 0 ? warm - low : 0;
	printf("FUZZEXT2 memory: %ld kB free after 3 images, lowest after %ld: %ld kB\n", warm,
	       count, low);
	if (leak > 1024 + 8 * count) {
		printf("FUZZEXT2 FAIL %ld kB not given back after the unmounts\n", leak);
		failures++;
	}
	printf("FUZZEXT2 DONE %s\n", failures ? "fail" : "pass");
	fflush(stdout);
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return failures != 0;
}
