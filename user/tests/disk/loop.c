/* loop.c - loop devices. On an unbound /dev/loopN (from
 * LOOP_CTL_GET_FREE) the status ioctls and LOOP_CLR_FD are ENXIO and the
 * size is 0; LOOP_SET_FD with a bad fd is EBADF, with a directory
 * EINVAL. Bound read-only to /tests/loop.img (an ext2 the host made,
 * through an O_RDONLY fd, closed at once: the device keeps the file):
 * LO_FLAGS_READ_ONLY, the size, the name, /proc/partitions and
 * /proc/diskstats say so, binding again is EBUSY, a read-write mount is
 * EACCES, a read-only one shows the host's files; LOOP_CLR_FD while it is
 * mounted only sets LO_FLAGS_AUTOCLEAR (Linux 6.1), and the umount
 * unbinds it. Bound read-write to a copy: an ext2 mount takes a file and
 * a directory, a remount read-only marks the image clean (its
 * superblock read through the loop device), umount and LOOP_CLR_FD; the
 * host then runs e2fsck -fn on the copy and checks the file (LOOPIMG
 * line, tests/run.py). LO_FLAGS_AUTOCLEAR from LOOP_SET_STATUS64 unbinds
 * at the last close; LOOP_CONFIGURE with lo_offset and lo_sizelimit
 * shows that window of the file; LOOP_SET_BLOCK_SIZE; LOOP_CTL_ADD,
 * LOOP_CTL_REMOVE (EBUSY while open, ENODEV when gone, EINVAL for -1).
 * Needs loop devices and /tests/loop.img (ours, in the ext2 root boot,
 * must have both); skipped on a Linux without them and under
 * qemu-riscv64 (it would bind the host's loop devices). */
#define _GNU_SOURCE
#include "t.h"
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#define IMG "/tests/loop.img"
#define RWIMG "/loop-rw.img"
#define MNT "/loop-mnt"

static char dev[64];
static int number;

static void copy_file(const char *from, const char *to)
{
	static char buf[65536];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;
	CHECK(in >= 0 && out >= 0, "open for the copy");
	while ((n = read(in, buf, sizeof(buf))) > 0)
		CHECK(write(out, buf, n) == n, "copy");
	CHECK(n == 0 && fsync(out) == 0, "copy end");
	close(in);
	close(out);
}

static long read_file(const char *path, char *buf, long size)
{
	int fd = open(path, O_RDONLY);
	long n = 0, r;
	CHECK(fd >= 0, path);
	while (n < size && (r = read(fd, buf + n, size - n)) > 0)
		n += r;
	close(fd);
	return n;
}

/* Field `field` (1-based after the name) of loopN's /proc/diskstats line;
 * or with field 0, the #blocks of its /proc/partitions line; -1: none. */
static long proc_field(const char *file, int field)
{
	char line[512], name[64];
	unsigned long maj, min, v[4];
	long r = -1;
	FILE *f = fopen(file, "r");
	CHECK(f, file);
	while (fgets(line, sizeof(line), f)) {
		if (!field && sscanf(line, "%lu %lu %lu %63s", &maj, &min, &v[0], name) == 4 &&
		    !strcmp(name, dev + 5))
			r = maj == 7 && min == (unsigned long)number ? (long)v[0] : -2;
		if (field && sscanf(line, "%lu %lu %63s %lu %lu %lu", &maj, &min, name, &v[0], &v[1],
				    &v[2]) == 6 && !strcmp(name, dev + 5))
			r = maj == 7 ? (long)v[field - 1] : -2;
	}
	fclose(f);
	return r;
}

static void check_unbound(int lfd)
{
	struct loop_info64 li;
	unsigned long long size = 1;
	int dfd = open("/tests", O_RDONLY | O_DIRECTORY);

	CHECK_ERR(ioctl(lfd, LOOP_GET_STATUS64, &li), ENXIO, "unbound: GET_STATUS64 ENXIO");
	memset(&li, 0, sizeof(li));
	CHECK_ERR(ioctl(lfd, LOOP_SET_STATUS64, &li), ENXIO, "unbound: SET_STATUS64 ENXIO");
	CHECK_ERR(ioctl(lfd, LOOP_CLR_FD, 0), ENXIO, "unbound: CLR_FD ENXIO");
	CHECK_ERR(ioctl(lfd, LOOP_SET_CAPACITY, 0), ENXIO, "unbound: SET_CAPACITY ENXIO");
	CHECK(ioctl(lfd, BLKGETSIZE64, &size) == 0 && size == 0, "unbound: size 0");
	CHECK_ERR(ioctl(lfd, LOOP_SET_FD, 12345), EBADF, "SET_FD of a bad fd: EBADF");
	CHECK(dfd >= 0, "open /tests");
	CHECK_ERR(ioctl(lfd, LOOP_SET_FD, dfd), EINVAL, "SET_FD of a directory: EINVAL");
	close(dfd);
	CHECK(proc_field("/proc/partitions", 0) == -1, "unbound: not in /proc/partitions");
	CHECK(proc_field("/proc/diskstats", 1) >= 0, "in /proc/diskstats with major 7");
	t_ok("loop: unbound device");
}

static void check_readonly(int lfd)
{
	static char buf[131072], want[131072];
	struct loop_info64 li;
	unsigned long long size = 0;
	int ffd = open(IMG, O_RDONLY), n = 0;

	CHECK(ffd >= 0, "open " IMG);
	CHECK(ioctl(lfd, LOOP_SET_FD, ffd) == 0, "SET_FD (read-only file)");
	CHECK_ERR(ioctl(lfd, LOOP_SET_FD, ffd), EBUSY, "SET_FD when bound: EBUSY");
	close(ffd);		/* the device holds the file */
	memset(&li, 0, sizeof(li));
	strcpy((char *)li.lo_file_name, IMG);
	CHECK(ioctl(lfd, LOOP_SET_STATUS64, &li) == 0, "SET_STATUS64");
	memset(&li, 0, sizeof(li));
	CHECK(ioctl(lfd, LOOP_GET_STATUS64, &li) == 0, "GET_STATUS64");
	CHECK(li.lo_number == (unsigned)number && (li.lo_flags & LO_FLAGS_READ_ONLY) &&
	      !(li.lo_flags & LO_FLAGS_AUTOCLEAR) && li.lo_offset == 0 &&
	      !strcmp((char *)li.lo_file_name, IMG), "status: number, read-only, name");
	CHECK(ioctl(lfd, BLKGETSIZE64, &size) == 0 && size == 4 << 20, "size: the file's 4 MiB");
	CHECK(proc_field("/proc/partitions", 0) == 4096, "/proc/partitions: 4096 blocks");
	long reads0 = proc_field("/proc/diskstats", 1);

	CHECK(mkdir(MNT, 0755) == 0 || errno == EEXIST, "mkdir " MNT);
	CHECK_ERR(mount(dev, MNT, "ext2", 0, NULL), EACCES, "read-write mount of a read-only loop: EACCES");
	CHECK(mount(dev, MNT, "ext2", MS_RDONLY, NULL) == 0, "mount -r");
	CHECK(read_file(MNT "/hello", buf, sizeof(buf)) == 28 &&
	      !memcmp(buf, "hello through a loop device\n", 28), "the host's /hello");
	for (int i = 1; i <= 20000; i++)
		n += sprintf(want + n, "%d\n", i);
	CHECK(read_file(MNT "/dir/numbers", buf, sizeof(buf)) == n && !memcmp(buf, want, n),
	      "the host's /dir/numbers, 108894 bytes");
	CHECK(proc_field("/proc/diskstats", 1) > reads0, "diskstats: reads on the loop device");
	CHECK_ERR(mkdir(MNT "/x", 0755), EROFS, "a read-only mount: EROFS");
	CHECK(ioctl(lfd, LOOP_CLR_FD, 0) == 0, "CLR_FD while mounted: 0 (autoclear)");
	CHECK(ioctl(lfd, LOOP_GET_STATUS64, &li) == 0 && (li.lo_flags & LO_FLAGS_AUTOCLEAR),
	      "still bound, now LO_FLAGS_AUTOCLEAR");
	CHECK(umount2(MNT, 0) == 0, "umount");
	CHECK(ioctl(lfd, LOOP_GET_STATUS64, &li) == 0, "bound while we hold it open");
	close(lfd);		/* the last opener: unbound now */
	lfd = open(dev, O_RDWR);
	CHECK(lfd >= 0, "reopen");
	CHECK_ERR(ioctl(lfd, LOOP_GET_STATUS64, &li), ENXIO, "autoclear at the last close");
	close(lfd);
	t_ok("loop: read-only image, mount -r, autoclear");
}

static unsigned short sb_state(int lfd)
{
	unsigned char s[2];
	CHECK(pread(lfd, s, 2, 1024 + 58) == 2, "read the superblock through the loop");
	return s[0] | s[1] << 8;
}

static void check_readwrite(void)
{
	static char buf[200000];
	struct loop_info64 li;
	int lfd = open(dev, O_RDWR), ffd = open(RWIMG, O_RDWR), fd, n = 0;

	CHECK(lfd >= 0 && ffd >= 0, "open device and copy");
	CHECK(ioctl(lfd, LOOP_SET_FD, ffd) == 0, "SET_FD (read-write)");
	close(ffd);
	CHECK(ioctl(lfd, LOOP_GET_STATUS64, &li) == 0 && !(li.lo_flags & LO_FLAGS_READ_ONLY),
	      "not read-only");
	CHECK(mount(dev, MNT, "ext2", 0, NULL) == 0, "mount read-write");
	CHECK(!(sb_state(lfd) & 1), "mounted read-write: not clean");
	for (int i = 0; i < 10000; i++)
		n += sprintf(buf + n, "loop line %d\n", i);
	fd = open(MNT "/written", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, buf, n) == n, "write a file");
	CHECK(mkdir(MNT "/newdir", 0755) == 0, "mkdir");
	CHECK_ERR(mount(NULL, MNT, NULL, MS_REMOUNT | MS_RDONLY, NULL), EBUSY,
		  "remount ro with a writer: EBUSY");
	CHECK(fsync(fd) == 0 && close(fd) == 0, "fsync, close");
	CHECK(mount(NULL, MNT, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0, "remount ro");
	CHECK(sb_state(lfd) & 1, "remounted read-only: clean on the image");
	CHECK(mount(NULL, MNT, NULL, MS_REMOUNT, NULL) == 0, "remount rw");
	CHECK(umount2(MNT, 0) == 0, "umount");
	CHECK(ioctl(lfd, LOOP_CLR_FD, 0) == 0, "CLR_FD");
	CHECK_ERR(ioctl(lfd, LOOP_GET_STATUS64, &li), ENXIO, "unbound");
	close(lfd);
	printf("LOOPIMG %s\n", RWIMG);
	t_ok("loop: read-write image, remount, CLR_FD");
}

static void check_status_and_config(void)
{
	struct loop_info64 li;
	struct loop_config cfg;
	unsigned long long size = 0;
	unsigned char sb[1024];
	int lfd = open(dev, O_RDWR), ffd = open(IMG, O_RDONLY), bs = 0;

	CHECK(lfd >= 0 && ffd >= 0, "open");
	CHECK(ioctl(lfd, LOOP_SET_FD, ffd) == 0, "SET_FD");
	memset(&li, 0, sizeof(li));
	li.lo_flags = LO_FLAGS_AUTOCLEAR;
	CHECK(ioctl(lfd, LOOP_SET_STATUS64, &li) == 0, "SET_STATUS64 AUTOCLEAR");
	close(lfd);
	lfd = open(dev, O_RDWR);
	CHECK_ERR(ioctl(lfd, LOOP_GET_STATUS64, &li), ENXIO, "autoclear at close");

	memset(&cfg, 0, sizeof(cfg));
	cfg.fd = ffd;
	cfg.info.lo_offset = 1024;
	cfg.info.lo_sizelimit = 1 << 20;
	CHECK(ioctl(lfd, LOOP_CONFIGURE, &cfg) == 0, "LOOP_CONFIGURE offset 1024, 1 MiB");
	CHECK(ioctl(lfd, BLKGETSIZE64, &size) == 0 && size == 1 << 20, "size: lo_sizelimit");
	CHECK(pread(lfd, sb, sizeof(sb), 0) == sizeof(sb) && sb[56] == 0x53 && sb[57] == 0xef,
	      "sector 0 is the file's byte 1024: the ext2 magic at 56");
	CHECK(ioctl(lfd, LOOP_SET_CAPACITY, 0) == 0, "SET_CAPACITY");
	CHECK(ioctl(lfd, LOOP_SET_BLOCK_SIZE, 4096) == 0 && ioctl(lfd, BLKSSZGET, &bs) == 0 &&
	      bs == 4096, "SET_BLOCK_SIZE 4096");
	CHECK_ERR(ioctl(lfd, LOOP_SET_BLOCK_SIZE, 1000), EINVAL, "block size 1000: EINVAL");
	CHECK(ioctl(lfd, LOOP_CLR_FD, 0) == 0, "CLR_FD");
	cfg.info.lo_flags = 0x100;
	CHECK_ERR(ioctl(lfd, LOOP_CONFIGURE, &cfg), EINVAL, "unknown flag: EINVAL");
	close(lfd);
	close(ffd);
	t_ok("loop: SET_STATUS64 autoclear, LOOP_CONFIGURE window, block size");
}

static void check_control(int ctl)
{
	struct stat st;
	int i = ioctl(ctl, LOOP_CTL_ADD, 15), lfd;

	CHECK(i == 15 || (i == -1 && errno == EEXIST), "LOOP_CTL_ADD 15");
	CHECK_ERR(ioctl(ctl, LOOP_CTL_ADD, 15), EEXIST, "LOOP_CTL_ADD again: EEXIST");
	if (stat("/dev/loop15", &st))	/* Linux's devtmpfs makes it; ours too */
		CHECK(mknod("/dev/loop15", S_IFBLK | 0600, makedev(7, 15)) == 0, "mknod");
	CHECK(stat("/dev/loop15", &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == makedev(7, 15),
	      "/dev/loop15 is block 7:15");
	lfd = open("/dev/loop15", O_RDONLY);
	CHECK(lfd >= 0, "open /dev/loop15");
	CHECK_ERR(ioctl(ctl, LOOP_CTL_REMOVE, 15), EBUSY, "REMOVE while open: EBUSY");
	close(lfd);
	CHECK(ioctl(ctl, LOOP_CTL_REMOVE, 15) == 0, "LOOP_CTL_REMOVE");
	CHECK_ERR(ioctl(ctl, LOOP_CTL_REMOVE, 15), ENODEV, "REMOVE again: ENODEV");
	CHECK_ERR(ioctl(ctl, LOOP_CTL_REMOVE, -1), EINVAL, "REMOVE -1: EINVAL");
	lfd = open("/dev/loop15", O_RDONLY);
	CHECK(lfd == -1 && (errno == ENOENT || errno == ENXIO), "removed: no device");
	t_ok("loop: LOOP_CTL_ADD, LOOP_CTL_REMOVE");
}

int main(void)
{
	int ctl, lfd;

	if (t_qemu_user()) {
		t_ok("loop (skipped on the host)");
		return 0;
	}
	if (access("/proc/mounts", R_OK))	/* a Linux guest booted with init= */
		CHECK(mount("proc", "/proc", "proc", 0, NULL) == 0, "mount /proc");
	ctl = open("/dev/loop-control", O_RDWR);
	struct utsname u;
	CHECK(uname(&u) == 0, "uname");
	if (strstr(u.release, "-teach"))	/* ours has them: no excuse */
		CHECK(ctl >= 0 && access(IMG, R_OK) == 0, "/dev/loop-control and " IMG);
	if (ctl < 0 || access(IMG, R_OK)) {
		t_ok("loop (skipped: no /dev/loop-control or " IMG ")");
		return 0;
	}
	number = ioctl(ctl, LOOP_CTL_GET_FREE);
	CHECK(number >= 0, "LOOP_CTL_GET_FREE");
	snprintf(dev, sizeof(dev), "/dev/loop%d", number);
	lfd = open(dev, O_RDWR);
	CHECK(lfd >= 0, dev);
	copy_file(IMG, RWIMG);
	check_unbound(lfd);
	check_readonly(lfd);
	CHECK(ioctl(ctl, LOOP_CTL_GET_FREE) == number, "free again after autoclear");
	check_readwrite();
	check_status_and_config();
	check_control(ctl);
	rmdir(MNT);
	close(ctl);
	t_ok("loop");
	return 0;
}
