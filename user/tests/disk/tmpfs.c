/* tmpfs.c - mount(2) of tmpfs and ramfs, and remounts read-only. Each
 * mount is a new, empty instance: a name made in one is not in another;
 * tmpfs's root is mode 1777 (mode= changes it), ramfs's 0755; statfs
 * says TMPFS_MAGIC / RAMFS_MAGIC and size= in f_blocks; each has an
 * st_dev of its own (0:N, what df and find -xdev compare); size= is
 * enforced (ENOSPC after exactly size bytes, space back after unlink),
 * and so is nr_inodes=; bad options are EINVAL (ramfs ignores them), an
 * unknown type ENODEV. umount2 is EBUSY while a file is open or a cwd is
 * inside, and frees every page: "Cached:" of /proc/meminfo (and ours'
 * "Unevictable:") go back to where they were. Remount read-only: EBUSY
 * while a file is open for writing, then every modifying call is EROFS
 * (after EEXIST where Linux checks that first), reads still work,
 * /proc/mounts and statfs say ro; remount rw makes it writable again;
 * remount of a directory that is no mount root is EINVAL; a remount
 * cannot shrink size= below what is used (EINVAL). A read(2) of a hole
 * makes no page (a 32 MiB sparse file reads as zeros, "Cached:" does not
 * grow), and a store through a shared mapping that needs a page past
 * size= gets SIGBUS, as a read fault there does (Linux's shmem_fault).
 * Mounting needs a kernel of ours or a Linux guest (make linux-ref):
 * under qemu-riscv64 on the host the test only checks ENODEV. */
#define _GNU_SOURCE
#include "t.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#define TMPFS_MAGIC 0x01021994
#define RAMFS_MAGIC 0x858458f6

static char a[64], b[64];

/* The options field of mp's line in /proc/mounts, or "" if none. */
static const char *mount_opts(const char *mp, char *type)
{
	static char opts[256];
	char line[1024], dev[256], dir[256], t[64];
	FILE *f = fopen("/proc/mounts", "r");
	CHECK(f, "open /proc/mounts");
	opts[0] = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %255s %63s %255s", dev, dir, t, opts) == 4 && !strcmp(dir, mp)) {
			strcpy(type, t);
			fclose(f);
			return opts;
		}
	fclose(f);
	return "";
}

static void write_file(const char *path, size_t len)
{
	static char buf[65536];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, path);
	memset(buf, 0x5a, sizeof(buf));
	while (len) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf);
		CHECK(write(fd, buf, n) == (ssize_t)n, "write");
		len -= n;
	}
	CHECK(close(fd) == 0, "close");
}

static void check_instances(void)
{
	struct statfs s;
	struct stat st;
	char p[128], type[64];

	CHECK(mount("tmpfs", a, "tmpfs", 0, "size=64k,mode=0700") == 0, "mount tmpfs size=64k");
	CHECK(mount("none", b, "tmpfs", 0, NULL) == 0, "mount tmpfs, no options");
	CHECK(stat(a, &st) == 0 && (st.st_mode & 07777) == 0700, "mode=0700 applies to the root");
	CHECK(stat(b, &st) == 0 && (st.st_mode & 07777) == 01777, "tmpfs root is 1777");
	struct stat sa, sr;
	CHECK(stat(a, &sa) == 0 && stat("/", &sr) == 0 && sa.st_dev != sr.st_dev &&
	      sa.st_dev != st.st_dev && major(sa.st_dev) == 0, "each instance its own st_dev (0:N)");
	CHECK(statfs(a, &s) == 0 && s.f_type == TMPFS_MAGIC, "statfs: TMPFS_MAGIC");
	CHECK(s.f_bsize == 4096 && s.f_blocks == 16, "statfs: size=64k is 16 blocks");
	CHECK(!strncmp(mount_opts(a, type), "rw", 2) && !strcmp(type, "tmpfs"), "/proc/mounts: tmpfs rw");
	snprintf(p, sizeof(p), "%s/only-in-a", a);
	write_file(p, 100);
	snprintf(p, sizeof(p), "%s/only-in-a", b);
	CHECK_ERR(open(p, O_RDONLY), ENOENT, "another instance does not have it");
	snprintf(p, sizeof(p), "%s/big", b);
	write_file(p, 100);
	CHECK(stat(p, &st) == 0 && st.st_size == 100, "a file in the second instance");
	CHECK(umount2(b, 0) == 0, "umount the second");
	CHECK(stat(b, &st) == 0 && (st.st_mode & 07777) == 0755, "the mount point is back");
	CHECK(mount("none", b, "tmpfs", 0, "") == 0, "mount tmpfs again");
	CHECK_ERR(open(p, O_RDONLY), ENOENT, "a new mount is a new, empty instance");
	CHECK(umount2(b, 0) == 0, "umount");

	CHECK(mount("none", b, "ramfs", 0, "size=1k,whatever") == 0, "ramfs ignores unknown options");
	CHECK(stat(b, &st) == 0 && (st.st_mode & 07777) == 0755, "ramfs root is 0755");
	CHECK(statfs(b, &s) == 0 && s.f_type == RAMFS_MAGIC, "statfs: RAMFS_MAGIC");
	CHECK(umount2(b, 0) == 0, "umount ramfs");
	CHECK_ERR(mount("none", b, "tmpfs", 0, "bogus=1"), EINVAL, "unknown tmpfs option: EINVAL");
	CHECK_ERR(mount("none", b, "tmpfs", 0, "size=12x"), EINVAL, "bad size: EINVAL");
	CHECK_ERR(mount("none", b, "tmpfs", 0, "mode=9"), EINVAL, "bad mode: EINVAL");
	t_ok("tmpfs instances and options");
}

static void check_limits(void)
{
	char p[128];
	static char buf[4096];
	long total = 0, n;
	int fd;

	snprintf(p, sizeof(p), "%s/fill", a);
	fd = open(p, O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0, "create fill");
	memset(buf, 1, sizeof(buf));
	while ((n = write(fd, buf, sizeof(buf))) > 0)
		total += n;
	CHECK(n == -1 && errno == ENOSPC, "ENOSPC when the instance is full");
	/* the 100-byte file holds one page of the 16 */
	CHECK(total == 15 * 4096, "exactly size= bytes fit");
	CHECK_ERR(mount(NULL, a, NULL, MS_REMOUNT, "size=32k"), EINVAL,
		  "remount below what is used: EINVAL");
	CHECK(ftruncate(fd, 4096) == 0, "ftruncate frees pages");
	CHECK(write(fd, buf, sizeof(buf)) == sizeof(buf), "room again after ftruncate");
	CHECK(close(fd) == 0 && unlink(p) == 0, "unlink");
	write_file(p, 15 * 4096);	/* all the space is back */
	CHECK(unlink(p) == 0, "unlink");
	CHECK(umount2(a, 0) == 0, "umount");

	CHECK(mount("none", a, "tmpfs", 0, "nr_inodes=3") == 0, "mount nr_inodes=3");
	snprintf(p, sizeof(p), "%s/i1", a);
	write_file(p, 1);
	snprintf(p, sizeof(p), "%s/i2", a);
	CHECK(mkdir(p, 0755) == 0, "second inode");
	snprintf(p, sizeof(p), "%s/i3", a);
	CHECK_ERR(open(p, O_WRONLY | O_CREAT, 0644), ENOSPC, "nr_inodes used up: ENOSPC");
	CHECK_ERR(mkdir(p, 0755), ENOSPC, "nr_inodes used up: ENOSPC (mkdir)");
	snprintf(p, sizeof(p), "%s/i1", a);
	CHECK(unlink(p) == 0, "unlink frees an inode");
	snprintf(p, sizeof(p), "%s/i3", a);
	write_file(p, 1);
	CHECK(umount2(a, 0) == 0, "umount");
	t_ok("tmpfs size= and nr_inodes=");
}

static volatile long *faulted;	/* pages the child got, shared */

static void store_pages(void)
{
	char p[128];
	snprintf(p, sizeof(p), "%s/map", a);
	int fd = open(p, O_RDWR);
	char *m = mmap(NULL, 32 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(fd >= 0 && m != MAP_FAILED, "open and map");
	for (int i = 0; i < 32; i++) {
		m[i * 4096] = 1;
		++*faulted;
	}
}

static void load_page(void)
{
	char p[128];
	snprintf(p, sizeof(p), "%s/map", a);
	int fd = open(p, O_RDONLY);
	volatile char *m = mmap(NULL, 32 * 4096, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(fd >= 0 && m != MAP_FAILED, "open and map");
	*faulted = m[20 * 4096] + 100;	/* a hole, in a full instance */
}

static void check_holes_and_mappings(void)
{
	static char buf[1 << 16];
	char p[128];
	long cached0, got = 0, n, zero = 1;

	CHECK(mount("x", a, "tmpfs", 0, "size=64k") == 0, "mount size=64k");
	snprintf(p, sizeof(p), "%s/sparse", a);
	int fd = open(p, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0 && ftruncate(fd, 32 << 20) == 0, "a 32 MiB sparse file");
	cached0 = t_meminfo("Cached:");
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		got += n;
		for (long i = 0; i < n; i += 512)
			zero &= buf[i] == 0;
	}
	long grew = t_meminfo("Cached:") - cached0;
	printf("tmpfs: read %ld bytes of holes, Cached: grew %ld kB\n", got, grew);
	CHECK(got == 32 << 20 && zero, "the holes read as 32 MiB of zeros");
	CHECK(grew < 1024, "a read of holes makes no pages");
	CHECK(close(fd) == 0 && unlink(p) == 0, "unlink sparse");

	snprintf(p, sizeof(p), "%s/map", a);
	fd = open(p, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0 && ftruncate(fd, 32 * 4096) == 0, "a 32-page file on 16 pages");
	close(fd);
	faulted = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(faulted != MAP_FAILED, "mmap shared counter");
	int st = t_child(store_pages);
	printf("tmpfs: stores into %ld pages of a size=64k instance, status 0x%x\n", *faulted, st);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS, "a store past size=: SIGBUS");
	CHECK(*faulted == 16, "exactly size= bytes were stored");
	*faulted = 0;
	st = t_child(load_page);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS && *faulted == 0,
	      "a read fault of a hole in a full instance: SIGBUS");
	CHECK(unlink(p) == 0 && umount2(a, 0) == 0, "unlink, umount");
	munmap((void *)faulted, 4096);
	t_ok("tmpfs holes and mappings");
}

static void check_busy_and_free(void)
{
	char p[128], q[128];
	long cached0 = t_meminfo("Cached:"), unev0 = t_meminfo("Unevictable:"), cached1;
	int fd;

	CHECK(mount("x", a, "tmpfs", 0, "size=16m") == 0, "mount");
	snprintf(p, sizeof(p), "%s/d1/d2/d3", a);
	snprintf(q, sizeof(q), "%s/d1", a);
	CHECK(mkdir(q, 0755) == 0, "mkdir d1");
	snprintf(q, sizeof(q), "%s/d1/d2", a);
	CHECK(mkdir(q, 0755) == 0 && mkdir(p, 0755) == 0, "mkdir d2, d3");
	snprintf(q, sizeof(q), "%s/d1/d2/d3/data", a);
	write_file(q, 8 << 20);
	snprintf(p, sizeof(p), "%s/d1/hardlink", a);
	CHECK(link(q, p) == 0, "link");
	snprintf(p, sizeof(p), "%s/d1/sym", a);
	CHECK(symlink("d2", p) == 0, "symlink");
	cached1 = t_meminfo("Cached:");
	CHECK(cached1 - cached0 >= 8000, "Cached: grows by the file's 8 MiB");

	fd = open(q, O_RDONLY);
	CHECK(fd >= 0, "open");
	CHECK_ERR(umount2(a, 0), EBUSY, "umount with a file open: EBUSY");
	CHECK(close(fd) == 0, "close");
	snprintf(p, sizeof(p), "%s/d1/d2", a);
	CHECK(chdir(p) == 0, "chdir inside");
	CHECK_ERR(umount2(a, 0), EBUSY, "umount with the cwd inside: EBUSY");
	CHECK(chdir("/") == 0, "chdir /");
	CHECK(umount2(a, 0) == 0, "umount of an idle tree with subdirectories");
	long cached2 = t_meminfo("Cached:");
	CHECK(cached2 <= cached0 + 1024, "Cached: back down after umount");
	if (!t_qemu_user() && unev0 >= 0)
		CHECK(t_meminfo("Unevictable:") == unev0, "ours: Unevictable: back to where it was");
	printf("tmpfs: Cached: %ld kB before, %ld with 8 MiB, %ld after umount\n",
	       cached0, cached1, cached2);
	t_ok("tmpfs umount: EBUSY, frees its pages");
}

static void check_remount(void)
{
	char f[128], p[128], type[64];
	struct statfs s;
	struct timespec ts[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	int fd, rfd;
	char c;

	CHECK(mount("rtest", a, "tmpfs", 0, "size=1m") == 0, "mount");
	snprintf(f, sizeof(f), "%s/file", a);
	write_file(f, 10);
	snprintf(p, sizeof(p), "%s/dir", a);
	CHECK(mkdir(p, 0755) == 0, "mkdir");
	fd = open(f, O_WRONLY);
	CHECK(fd >= 0, "open for writing");
	CHECK_ERR(mount(NULL, a, NULL, MS_REMOUNT | MS_RDONLY, NULL), EBUSY,
		  "remount ro with a file open for writing: EBUSY");
	CHECK(!strncmp(mount_opts(a, type), "rw", 2), "still rw");
	CHECK(write(fd, "abc", 3) == 3 && close(fd) == 0, "the writer still writes");
	rfd = open(f, O_RDONLY);
	CHECK(rfd >= 0, "open for reading");
	CHECK(mount(NULL, a, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0, "remount ro (a reader is no obstacle)");
	CHECK(!strncmp(mount_opts(a, type), "ro", 2), "/proc/mounts: ro");
	CHECK(statfs(a, &s) == 0 && (s.f_flags & ST_RDONLY), "statfs: ST_RDONLY");
	CHECK(read(rfd, &c, 1) == 1 && c == 'a', "reads still work");
	CHECK(close(rfd) == 0, "close");
	CHECK_ERR(open(f, O_WRONLY), EROFS, "open for writing: EROFS");
	CHECK_ERR(open(f, O_RDWR), EROFS, "open O_RDWR: EROFS");
	CHECK_ERR(open(f, O_RDONLY | O_TRUNC), EROFS, "O_TRUNC: EROFS");
	snprintf(p, sizeof(p), "%s/new", a);
	CHECK_ERR(open(p, O_RDONLY | O_CREAT, 0644), EROFS, "O_CREAT: EROFS");
	CHECK_ERR(creat(p, 0644), EROFS, "creat: EROFS");
	CHECK_ERR(mkdir(p, 0755), EROFS, "mkdir: EROFS");
	CHECK_ERR(mknod(p, S_IFIFO | 0644, 0), EROFS, "mknod: EROFS");
	CHECK_ERR(symlink("file", p), EROFS, "symlink: EROFS");
	CHECK_ERR(link(f, p), EROFS, "link: EROFS");
	CHECK_ERR(rename(f, p), EROFS, "rename: EROFS");
	CHECK_ERR(unlink(f), EROFS, "unlink: EROFS");
	snprintf(p, sizeof(p), "%s/dir", a);
	CHECK_ERR(rmdir(p), EROFS, "rmdir: EROFS");
	CHECK_ERR(mkdir(p, 0755), EEXIST, "mkdir of an existing name: EEXIST first");
	CHECK_ERR(truncate(f, 0), EROFS, "truncate: EROFS");
	CHECK_ERR(chmod(f, 0600), EROFS, "chmod: EROFS");
	CHECK_ERR(chown(f, 0, 0), EROFS, "chown: EROFS");
	CHECK_ERR(utimensat(AT_FDCWD, f, ts, 0), EROFS, "utimensat: EROFS");
	CHECK_ERR(access(f, W_OK), EROFS, "access W_OK: EROFS");
	CHECK(access(f, R_OK) == 0, "access R_OK");
	fd = open(f, O_RDONLY);
	CHECK(fd >= 0, "open read-only");
	CHECK_ERR(fchmod(fd, 0600), EROFS, "fchmod: EROFS");
	CHECK(close(fd) == 0, "close");
	CHECK_ERR(mount(NULL, p, NULL, MS_REMOUNT, NULL), EINVAL, "remount of a plain directory: EINVAL");
	CHECK(mount(NULL, a, NULL, MS_REMOUNT, NULL) == 0, "remount rw");
	CHECK(!strncmp(mount_opts(a, type), "rw", 2), "/proc/mounts: rw again");
	CHECK(statfs(a, &s) == 0 && !(s.f_flags & ST_RDONLY), "statfs: not ST_RDONLY");
	CHECK(unlink(f) == 0 && rmdir(p) == 0, "writable again");
	CHECK(mount(NULL, a, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0, "remount ro again");
	CHECK(umount2(a, 0) == 0, "umount a read-only tmpfs");
	CHECK(mount("none", a, "tmpfs", MS_RDONLY, NULL) == 0, "mount read-only");
	CHECK_ERR(mkdir(p, 0755), EROFS, "a read-only mount: EROFS");
	CHECK(umount2(a, 0) == 0, "umount");
	t_ok("remount ro/rw of tmpfs: EBUSY, EROFS");
}

int main(void)
{
	snprintf(a, sizeof(a), "/tmpfs-a.%d", getpid());
	snprintf(b, sizeof(b), "/tmpfs-b.%d", getpid());
	CHECK_ERR(mount("none", "/", "nosuchfs", 0, NULL), t_qemu_user() && getuid() ? EPERM : ENODEV,
		  "unknown file-system type: ENODEV");
	if (t_qemu_user()) {	/* never mount on the host */
		t_ok("tmpfs (host: ENODEV only)");
		return 0;
	}
	if (access("/proc/mounts", R_OK))	/* a Linux guest booted with init= */
		CHECK(mount("proc", "/proc", "proc", 0, NULL) == 0, "mount /proc");
	CHECK(mkdir(a, 0755) == 0 && mkdir(b, 0755) == 0, "mkdir mount points");
	check_instances();
	check_limits();
	check_holes_and_mappings();
	check_busy_and_free();
	check_remount();
	CHECK(rmdir(a) == 0 && rmdir(b) == 0, "rmdir");
	t_ok("tmpfs");
	return 0;
}
