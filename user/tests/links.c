/* links.c - rename, hard links, symlinks and attributes on the RAM root:
 * renameat2 within and across directories, over an existing file (the
 * old one stays readable while open), RENAME_NOREPLACE, a directory into
 * its own subtree (EINVAL); link counts; symlinks (relative, absolute,
 * dangling, loops -> ELOOP, O_NOFOLLOW, lstat vs stat, readlink);
 * chmod and utimensat; statfs; fallocate extends the size. */
#define _GNU_SOURCE
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <stdio.h>

static void put(const char *path, const char *s)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK(fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s), path);
	close(fd);
}

static int has(const char *path, const char *s)
{
	char buf[128] = "";
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n == (ssize_t)strlen(s) && !memcmp(buf, s, n);
}

int main(void)
{
	char d[64], p[128], q[128];
	struct stat st;
	snprintf(d, sizeof(d), "/tmp/links.%d", getpid());
	CHECK(mkdir(d, 0755) == 0, "mkdir");
	CHECK(chdir(d) == 0, "chdir");
	CHECK(mkdir("a", 0755) == 0 && mkdir("b", 0755) == 0, "mkdir a b");

	put("a/f", "one");
	CHECK(rename("a/f", "b/g") == 0, "rename across dirs");
	CHECK(!has("a/f", "one") && has("b/g", "one"), "moved");
	put("b/h", "two");
	int fd = open("b/h", O_RDONLY);
	CHECK(rename("b/g", "b/h") == 0, "rename over an existing file");
	CHECK(has("b/h", "one"), "new content under the name");
	char buf[8] = "";
	CHECK(read(fd, buf, 3) == 3 && !memcmp(buf, "two", 3), "replaced file readable while open");
	close(fd);
	put("b/x", "x");
	CHECK(renameat2(AT_FDCWD, "b/x", AT_FDCWD, "b/h", RENAME_NOREPLACE) == -1 && errno == EEXIST,
	      "RENAME_NOREPLACE -> EEXIST");
	CHECK(mkdir("a/sub", 0755) == 0, "mkdir a/sub");
	CHECK_ERR(rename("a", "a/sub/a2"), EINVAL, "dir into its own subtree -> EINVAL");
	CHECK(rename("a/sub", "b/sub") == 0, "rename a directory");
	struct stat sb, ssub;
	CHECK(stat("b", &sb) == 0 && stat("b/sub/..", &ssub) == 0 && sb.st_ino == ssub.st_ino,
	      "moved dir's .. is the new parent");

	/* hard links */
	CHECK(link("b/h", "a/hl") == 0, "link");
	CHECK(stat("b/h", &st) == 0 && st.st_nlink == 2, "nlink 2");
	CHECK(unlink("b/h") == 0 && has("a/hl", "one"), "data via the other name");
	CHECK(stat("a/hl", &st) == 0 && st.st_nlink == 1, "nlink 1");
	CHECK_ERR(link("b", "a/dl"), EPERM, "link to a directory -> EPERM");

	/* symlinks */
	CHECK(symlink("hl", "a/rel") == 0, "relative symlink");
	snprintf(p, sizeof(p), "%s/a/hl", d);
	CHECK(symlink(p, "a/abs") == 0, "absolute symlink");
	CHECK(has("a/rel", "one") && has("a/abs", "one"), "followed");
	CHECK(lstat("a/rel", &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 2, "lstat");
	CHECK(stat("a/rel", &st) == 0 && S_ISREG(st.st_mode), "stat follows");
	ssize_t n = readlink("a/abs", q, sizeof(q));
	CHECK(n == (ssize_t)strlen(p) && !memcmp(q, p, n), "readlink");
	CHECK_ERR(readlink("a/hl", q, sizeof(q)), EINVAL, "readlink of a file -> EINVAL");
	CHECK(symlink("nowhere", "a/dang") == 0, "dangling symlink");
	CHECK_ERR(open("a/dang", O_RDONLY), ENOENT, "dangling -> ENOENT");
	CHECK(symlink("loop2", "a/loop1") == 0 && symlink("loop1", "a/loop2") == 0, "loop");
	CHECK_ERR(open("a/loop1", O_RDONLY), ELOOP, "symlink loop -> ELOOP");
	CHECK_ERR(open("a/rel", O_RDONLY | O_NOFOLLOW), ELOOP, "O_NOFOLLOW -> ELOOP");
	CHECK(symlink("../b", "a/tob") == 0 && stat("a/tob/sub", &st) == 0 && S_ISDIR(st.st_mode),
	      "symlink to a directory in the middle of a path");
	CHECK(unlink("a/rel") == 0 && has("a/hl", "one"), "unlink a symlink, target stays");

	/* attributes */
	CHECK(chmod("a/hl", 0600) == 0 && stat("a/hl", &st) == 0 && (st.st_mode & 07777) == 0600,
	      "chmod");
	struct timespec ts[2] = { { 1000000, 0 }, { 2000000, 0 } };
	CHECK(utimensat(AT_FDCWD, "a/hl", ts, 0) == 0 && stat("a/hl", &st) == 0 &&
	      st.st_mtime == 2000000 && st.st_atime == 1000000, "utimensat");
	struct statfs sf;
	CHECK(statfs("/", &sf) == 0 && sf.f_bsize > 0, "statfs");
	fd = open("a/hl", O_RDWR);
	CHECK(fd >= 0 && fallocate(fd, 0, 0, 10000) == 0, "fallocate");
	CHECK(fstat(fd, &st) == 0 && st.st_size == 10000, "fallocate extends the size");
	CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED) == 0, "posix_fadvise");
	close(fd);
	t_ok("links");
	return 0;
}
