/* remount.c - mount -o remount,ro / rw of the ext2 root. Going
 * read-only is EBUSY while a file is open for writing; then the
 * superblock on the device says clean (s_state EXT2_VALID_FS, read
 * through the device node), /proc/mounts says ro, writes are EROFS and
 * reads work; back to read-write the superblock says "not clean" again
 * and writes work. The harness runs e2fsck -fn on the image afterwards.
 * Needs an ext2 root (our ext2root boot, or a Linux guest booted with
 * root=/dev/vda1 rw); skipped elsewhere and under qemu-riscv64. */
#define _GNU_SOURCE
#include "t.h"
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define EXT2_VALID_FS 1

static char dev[256];

/* The root's device if it is ext2, from /proc/mounts (the last "/"). */
static int root_ext2(void)
{
	char line[1024], d[256], dir[256], type[64];
	int found = 0;
	FILE *f = fopen("/proc/mounts", "r");
	CHECK(f, "open /proc/mounts");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %255s %63s", d, dir, type) == 3 && !strcmp(dir, "/")) {
			found = !strcmp(type, "ext2") && !strncmp(d, "/dev/", 5);
			strcpy(dev, d);
		}
	fclose(f);
	return found;
}

static int root_opts_ro(void)
{
	char line[1024], d[256], dir[256], type[64], opts[256];
	int ro = -1;
	FILE *f = fopen("/proc/mounts", "r");
	CHECK(f, "open /proc/mounts");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %255s %63s %255s", d, dir, type, opts) == 4 && !strcmp(dir, "/"))
			ro = !strncmp(opts, "ro", 2) && (opts[2] == 0 || opts[2] == ',');
	fclose(f);
	return ro;
}

/* s_state of the superblock (byte 1024 + 58 of the device). */
static int sb_state(void)
{
	unsigned char s[2];
	int fd = open(dev, O_RDONLY);
	CHECK(fd >= 0, dev);
	CHECK(pread(fd, s, 2, 1024 + 58) == 2, "read the superblock");
	close(fd);
	return s[0] | s[1] << 8;
}

int main(void)
{
	const char *f = "/remount-test.file", *d = "/remount-test.dir";
	char buf[16];
	int fd;

	if (t_qemu_user()) {
		t_ok("remount (skipped on the host)");
		return 0;
	}
	if (access("/proc/mounts", R_OK))	/* a Linux guest booted with init= */
		CHECK(mount("proc", "/proc", "proc", 0, NULL) == 0, "mount /proc");
	if (!root_ext2()) {
		t_ok("remount (skipped: the root is not ext2)");
		return 0;
	}
	if (access(dev, R_OK)) {	/* Linux says /dev/root: make a node */
		struct stat st;
		CHECK(stat("/", &st) == 0, "stat /");
		strcpy(dev, "/dev/.remount-root");
		unlink(dev);
		CHECK(mknod(dev, S_IFBLK | 0600, st.st_dev) == 0, "mknod the root's device");
	}
	fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, "remount", 7) == 7, "write a file");
	CHECK(!(sb_state() & EXT2_VALID_FS), "mounted read-write: not clean on disk");
	CHECK_ERR(mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL), EBUSY,
		  "remount ro with a file open for writing: EBUSY");
	CHECK(root_opts_ro() == 0, "still rw");
	CHECK(close(fd) == 0, "close");
	CHECK(mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0, "remount ro");
	CHECK(root_opts_ro() == 1, "/proc/mounts: ro");
	CHECK(sb_state() & EXT2_VALID_FS, "read-only: the superblock says clean");
	fd = open(f, O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, 7) == 7 && !memcmp(buf, "remount", 7), "read back");
	close(fd);
	CHECK_ERR(open(f, O_WRONLY), EROFS, "open for writing: EROFS");
	CHECK_ERR(mkdir(d, 0755), EROFS, "mkdir: EROFS");
	CHECK_ERR(unlink(f), EROFS, "unlink: EROFS");
	CHECK_ERR(rename(f, d), EROFS, "rename: EROFS");
	CHECK_ERR(truncate(f, 0), EROFS, "truncate: EROFS");
	CHECK_ERR(chmod(f, 0600), EROFS, "chmod: EROFS");
	CHECK_ERR(symlink("x", d), EROFS, "symlink: EROFS");
	CHECK_ERR(link(f, d), EROFS, "link: EROFS");
	CHECK(mount(NULL, "/", NULL, MS_REMOUNT, NULL) == 0, "remount rw");
	CHECK(root_opts_ro() == 0, "/proc/mounts: rw again");
	CHECK(!(sb_state() & EXT2_VALID_FS), "read-write again: not clean on disk");
	CHECK(mkdir(d, 0755) == 0 && rmdir(d) == 0, "mkdir, rmdir");
	CHECK(unlink(f) == 0, "unlink");
	if (!strcmp(dev, "/dev/.remount-root"))
		unlink(dev);
	t_ok("remount ro/rw of the ext2 root");
	return 0;
}
