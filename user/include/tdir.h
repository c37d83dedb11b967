/* tdir.h: a test's own scratch directory and whole-file reads, for the
 * disk tests that build trees of mounts (bind, mntpoint).
 * t_mount_setup makes base, /tmp/NAME.PID; P("a/b") names a path
 * under it (eight results may be live at once). Include after t.h. */
#ifndef TDIR_H
#define TDIR_H
#include <fcntl.h>
#include <limits.h>
#include <sys/mount.h>
#include <sys/stat.h>

static char base[64];

/* For a test that mounts: 0 (and a line saying it is skipped) without
 * root or under qemu-riscv64 on the host; else mounts /proc if the
 * kernel booted without it (Linux with init=runtests), makes base and
 * returns 1. */
static inline int t_mount_setup(const char *name)
{
	if (t_qemu_user() || getuid()) {
		printf("%s: needs root on a kernel that mounts, skipped\n", name);
		return 0;
	}
	if (access("/proc/self/mountinfo", R_OK))
		CHECK(mount("proc", "/proc", "proc", 0, NULL) == 0, "mount /proc");
	snprintf(base, sizeof(base), "/tmp/%s.%d", name, getpid());
	CHECK(mkdir(base, 0755) == 0, base);
	return 1;
}

static inline const char *P(const char *rel)
{
	static char bufs[8][PATH_MAX];
	static int n;
	char *b = bufs[n++ % 8];
	snprintf(b, PATH_MAX, "%s/%s", base, rel);
	return b;
}

/* The whole of path into buf (at most size - 1 bytes, then a NUL);
 * fails the test if it cannot be opened. */
static inline long t_read_all(const char *path, char *buf, long size)
{
	int fd = open(path, O_RDONLY);
	long n = 0, r;
	CHECK(fd >= 0, path);
	while ((r = read(fd, buf + n, size - 1 - n)) > 0)
		n += r;
	close(fd);
	buf[n] = 0;
	return n;
}
#endif
