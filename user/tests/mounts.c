/* mounts.c - mount(2)/umount2(2) and /proc/mounts. Everywhere (Linux
 * under qemu-riscv64 too): /proc/mounts is in Linux's 6-field format with
 * a line for "/", /proc/self/mounts says the same, and umount2's argument
 * errors (unknown flags EINVAL, bad pointer EFAULT, missing path ENOENT,
 * a plain directory EINVAL, as are a remount and a propagation change of
 * one). Then, with /dev/vdd2 (made empty by the
 * host; skipped elsewhere, and on the host, where mounting needs a real
 * device): a file written through the mount point, statfs says ext2, ".."
 * leaves the mount, rename across it is EXDEV, rmdir of the mount point
 * EBUSY, its /proc/mounts line appears last and goes away on umount;
 * umount2 is EBUSY (flags 0 and MNT_FORCE) while a file is open there, a
 * file is mapped (and /proc/self/maps names it by its full path), our
 * cwd or a child's cwd is inside; an umount2 racing a process that keeps
 * opening a file there is EBUSY until it wins, after which the opener
 * gets ENOENT; after the umount the mount point's own directory is back;
 * a read-only mount shows "ro" and refuses writes (EROFS); a second
 * mount finds the first one's file. */
#define _GNU_SOURCE
#include "t.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

static char text[65536];

static void slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	long n = 0, r;
	CHECK(fd >= 0, path);
	while (n < (long)sizeof(text) - 1 && (r = read(fd, text + n, sizeof(text) - 1 - n)) > 0)
		n += r;
	text[n] = 0;
	close(fd);
}

/* The line of /proc/mounts (already read into text) whose mount point is
 * mp, copied into line; the last one if several; 0 if none. */
static int mount_line(const char *mp, char *line, size_t size)
{
	int found = 0;
	for (char *p = text; *p;) {
		char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char dev[256], dir[256], type[64], opts[256];
		int a, b;
		char l[1024];
		snprintf(l, sizeof(l), "%.*s", (int)len, p);
		if (sscanf(l, "%255s %255s %63s %255s %d %d", dev, dir, type, opts, &a, &b) == 6 &&
		    !strcmp(dir, mp)) {
			snprintf(line, size, "%s", l);
			found = 1;
		}
		p += len + (e ? 1 : 0);
	}
	return found;
}

static int last_line_is(const char *want)
{
	size_t n = strlen(text);
	if (n == 0 || text[n - 1] != '\n')
		return 0;
	text[n - 1] = 0;
	char *last = strrchr(text, '\n');
	int r = !strcmp(last ? last + 1 : text, want);
	text[n - 1] = '\n';
	return r;
}

static void check_format(void)
{
	char line[1024];
	int lines = 0;
	slurp("/proc/mounts");
	printf("/proc/mounts:\n%s", text);
	for (char *p = text; *p; lines++) {
		char *e = strchr(p, '\n');
		CHECK(e, "every line ends in a newline");
		*e = 0;
		char f[4][256];
		int a = -1, b = -1;
		CHECK(sscanf(p, "%255s %255s %255s %255s %d %d", f[0], f[1], f[2], f[3], &a, &b) == 6 &&
		      a == 0 && b == 0, "DEVICE MOUNTPOINT TYPE OPTIONS 0 0");
		CHECK(!strncmp(f[3], "rw", 2) || !strncmp(f[3], "ro", 2), "options start rw/ro");
		*e = '\n';
		p = e + 1;
	}
	CHECK(lines > 0 && mount_line("/", line, sizeof(line)), "a line for /");
	CHECK(mount_line("/proc", line, sizeof(line)) && !strncmp(line, "proc /proc proc ", 16),
	      "proc /proc proc");
	char copy[sizeof(text)];
	memcpy(copy, text, sizeof(text));
	slurp("/proc/self/mounts");
	CHECK(!strcmp(copy, text), "/proc/self/mounts is the same");
	t_ok("mounts format");
}

static void check_umount_args(void)
{
	char d[64];
	snprintf(d, sizeof(d), "/tmp/mounts-plain.%d", getpid());
	CHECK(mkdir(d, 0755) == 0, "mkdir");
	CHECK_ERR(umount2(d, 0x100), EINVAL, "unknown flag -> EINVAL");
	CHECK_ERR(umount2((const char *)1, 0), EFAULT, "bad pointer -> EFAULT");
	CHECK_ERR(umount2("/nonexistent-mounts", 0), ENOENT, "missing -> ENOENT");
	/* a remount, a remount of one mount, a propagation change: only on
	 * a mount's root */
	for (unsigned long f = MS_REMOUNT; f; f = f == MS_REMOUNT ? MS_REMOUNT | MS_BIND :
	     f == (MS_REMOUNT | MS_BIND) ? MS_SHARED | MS_REC : 0) {
		errno = 0;
		CHECK(mount(d, d, NULL, f, NULL) == -1 && errno == (getuid() ? EPERM : EINVAL),
		      "not a mount root: EINVAL");
	}
	errno = 0;
	CHECK(umount2(d, 0) == -1 && errno == (getuid() ? EPERM : EINVAL),
	      "a plain directory -> EINVAL");
	CHECK(rmdir(d) == 0, "rmdir");
	t_ok("umount2 arguments");
}

static int sync_pipe[2];

static void child_cwd(const char *dir)
{
	char c;
	CHECK(chdir(dir) == 0, "child chdir");
	CHECK(write(sync_pipe[1], "r", 1) == 1, "ready");
	CHECK(read(sync_pipe[0], &c, 1) >= 0, "wait");	/* until the parent closes */
	_exit(0);
}

static void check_busy(const char *mnt, const char *path)
{
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0, "open on the mount");
	CHECK_ERR(umount2(mnt, 0), EBUSY, "open file -> EBUSY");
	CHECK_ERR(umount2(mnt, MNT_FORCE), EBUSY, "open file, MNT_FORCE -> EBUSY");
	char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED, "mmap");
	close(fd);
	CHECK_ERR(umount2(mnt, 0), EBUSY, "mapped file -> EBUSY");
	char want[160];
	snprintf(want, sizeof(want), " %s\n", path);	/* d_path crosses the mount */
	slurp("/proc/self/maps");
	char *l = strstr(text, want);
	while (l && l > text && l[-1] != '\n')
		l--;
	CHECK(l && strtoul(l, NULL, 16) == (unsigned long)p, "maps names the mapped file");
	munmap(p, 4096);

	CHECK(chdir(mnt) == 0, "chdir into the mount");
	CHECK_ERR(umount2(mnt, 0), EBUSY, "cwd inside -> EBUSY");
	CHECK(chdir("/") == 0, "chdir /");

	int ready[2];
	CHECK(pipe(ready) == 0 && pipe(sync_pipe) == 0, "pipes");
	fflush(NULL);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		close(sync_pipe[1]);
		sync_pipe[1] = ready[1];
		child_cwd(mnt);
	}
	char c;
	close(sync_pipe[0]);
	CHECK(read(ready[0], &c, 1) == 1, "child ready");
	CHECK_ERR(umount2(mnt, 0), EBUSY, "a child's cwd inside -> EBUSY");
	close(sync_pipe[1]);
	CHECK(t_wait(pid) == 0, "child exit");
	close(ready[0]);
	close(ready[1]);
	CHECK_ERR(umount2(path, 0), EINVAL, "a file inside, not the mount point -> EINVAL");
	t_ok("busy umount");
}

/* umount2 racing a child that keeps opening a file on the mount: EBUSY
 * until the umount wins; the child then sees ENOENT, never a file of an
 * unmounted file system, and the kernel stays up. Ends unmounted. */
static void race_open_umount(const char *mnt, const char *path)
{
	fflush(NULL);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		for (int i = 0; i < 20000; i++) {
			char c;
			int fd = open(path, O_RDONLY);
			if (fd < 0)
				_exit(errno == ENOENT ? 0 : 2);
			if (read(fd, &c, 1) != 1)
				_exit(3);
			close(fd);
		}
		_exit(0);
	}
	int busy = 0;
	while (umount2(mnt, 0) != 0) {
		CHECK(errno == EBUSY, "racing umount: EBUSY until it succeeds");
		busy++;
	}
	CHECK(t_wait(pid) == 0, "the racing opener saw the file or ENOENT");
	printf("umount racing open: %d EBUSY before it won\n", busy);
	t_ok("umount racing open");
}

int main(void)
{
	char mnt[64], line[1024], want[256];
	struct stat st, st2;
	struct statfs sf;

	check_format();
	check_umount_args();
	if (access("/dev/vdd2", F_OK)) {
		printf("mounts: SKIP (no /dev/vdd2)\n");
		return 0;
	}
	snprintf(mnt, sizeof(mnt), "/tmp/mnt.%d", getpid());
	CHECK(mkdir(mnt, 0755) == 0, "mkdir mount point");
	CHECK(stat(mnt, &st) == 0, "stat before");
	CHECK_ERR(mount("/dev/vdd2", mnt, "nosuchfs", 0, NULL), ENODEV, "unknown type -> ENODEV");
	CHECK_ERR(mount("/tmp", mnt, "ext2", 0, NULL), ENOTBLK, "not a block device -> ENOTBLK");
	slurp("/proc/mounts");
	CHECK(!mount_line(mnt, line, sizeof(line)), "no line before mount");
	CHECK(mount("/dev/vdd2", mnt, "ext2", 0, NULL) == 0, "mount ext2");
	slurp("/proc/mounts");
	snprintf(want, sizeof(want), "/dev/vdd2 %s ext2 rw 0 0", mnt);
	CHECK(last_line_is(want), "/proc/mounts ends with the new mount");
	CHECK(statfs(mnt, &sf) == 0 && sf.f_type == 0xEF53, "statfs says ext2");
	CHECK(stat(mnt, &st2) == 0 && st2.st_ino == 2, "the mount point shows the fs root");
	char path[128], up[128];
	snprintf(path, sizeof(path), "%s/hello", mnt);
	int fd = open(path, O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0 && write(fd, "mounted", 7) == 7, "write on the mounted fs");
	close(fd);
	snprintf(up, sizeof(up), "%s/..", mnt);
	CHECK(stat(up, &st2) == 0 && stat("/tmp", &st) == 0 && st.st_ino == st2.st_ino,
	      ".. leaves the mount");
	CHECK_ERR(rename(path, "/tmp/hello-moved"), EXDEV, "rename across mounts -> EXDEV");
	CHECK_ERR(rmdir(mnt), EBUSY, "rmdir of a mount point -> EBUSY");
	check_busy(mnt, path);
	race_open_umount(mnt, path);
	slurp("/proc/mounts");
	CHECK(!mount_line(mnt, line, sizeof(line)), "line gone after umount");
	CHECK(stat(mnt, &st2) == 0 && st2.st_ino != 2 && S_ISDIR(st2.st_mode),
	      "the mount point's own directory is back");
	CHECK(access(path, F_OK) == -1 && errno == ENOENT, "file gone with the mount");
	CHECK_ERR(umount2(mnt, 0), EINVAL, "umount of a plain directory -> EINVAL");
	CHECK(mount("/dev/vdd2", mnt, "ext2", MS_RDONLY, NULL) == 0, "mount again, read-only");
	slurp("/proc/mounts");
	snprintf(want, sizeof(want), "/dev/vdd2 %s ext2 ro 0 0", mnt);
	CHECK(last_line_is(want), "read-only mount shows ro");
	char buf[16] = "";
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, 7) == 7 && !memcmp(buf, "mounted", 7), "data survived");
	close(fd);
	CHECK(open(path, O_WRONLY) < 0 && errno == EROFS, "read-only mount -> EROFS");
	CHECK(umount2(mnt, MNT_FORCE) == 0 && rmdir(mnt) == 0, "umount (MNT_FORCE, idle), rmdir");
	t_ok("mounts");
	return 0;
}
