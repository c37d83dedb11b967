/* mounts.c - mount(2)/umount2(2) of an ext2 file system: /dev/vdd2 (made
 * empty by the host) is mounted on a directory, a file written there is
 * seen through the mount point, statfs reports ext2, ".." leaves the
 * mount, rename across the mount boundary is EXDEV, umount makes the
 * directory empty again, and a second mount finds the file. Skipped
 * without /dev/vdd2 (and on the host, where mounting needs privileges). */
#define _GNU_SOURCE
#include "t.h"
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

int main(void)
{
	char mnt[64];
	struct stat st, st2;
	struct statfs sf;
	if (access("/dev/vdd2", F_OK)) {
		printf("mounts: SKIP (no /dev/vdd2)\n");
		return 0;
	}
	snprintf(mnt, sizeof(mnt), "/tmp/mnt.%d", getpid());
	CHECK(mkdir(mnt, 0755) == 0, "mkdir mount point");
	CHECK(stat(mnt, &st) == 0, "stat before");
	CHECK_ERR(mount("/dev/vdd2", mnt, "nosuchfs", 0, NULL), ENODEV, "unknown type -> ENODEV");
	CHECK_ERR(mount("/tmp", mnt, "ext2", 0, NULL), ENOTBLK, "not a block device -> ENOTBLK");
	CHECK(mount("/dev/vdd2", mnt, "ext2", 0, NULL) == 0, "mount ext2");
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
	CHECK(umount2(mnt, 0) == 0, "umount");
	CHECK(access(path, F_OK) == -1 && errno == ENOENT, "file gone with the mount");
	CHECK_ERR(umount2(mnt, 0), EINVAL, "umount of a plain directory -> EINVAL");
	CHECK(mount("/dev/vdd2", mnt, "ext2", MS_RDONLY, NULL) == 0, "mount again, read-only");
	char buf[16] = "";
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, 7) == 7 && !memcmp(buf, "mounted", 7), "data survived");
	close(fd);
	CHECK(open(path, O_WRONLY) < 0 && errno == EROFS, "read-only mount -> EROFS");
	CHECK(umount2(mnt, 0) == 0 && rmdir(mnt) == 0, "umount, rmdir");
	t_ok("mounts");
	return 0;
}
