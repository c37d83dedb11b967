/* ramfs.c - writable root: mkdir in /tmp, create/write/read back a file,
 * O_APPEND, O_TRUNC, O_EXCL, growing a file past one page, and seeing
 * the new names in getdents64; timestamps: new names are stamped with
 * the time, a write moves the file's mtime and an added or removed name
 * the directory's (each first set back to 1970 + 10^6 s with
 * utimensat), and /proc's files are not dated 1970. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "t.h"

#define OLD 1000000

static void set_old(const char *path)
{
	struct timespec ts[2] = { { OLD, 0 }, { OLD, 0 } };
	struct stat st;

	CHECK(utimensat(AT_FDCWD, path, ts, 0) == 0 && stat(path, &st) == 0 &&
	      st.st_mtime == OLD, "utimensat to the past");
}

static time_t mtime_of(const char *path)
{
	struct stat st;

	CHECK(stat(path, &st) == 0, "stat");
	return st.st_mtime;
}

static void timestamps(const char *dir)
{
	char path[128], other[128];
	time_t t0 = time(NULL);
	int fd;

	snprintf(path, sizeof path, "%s/stamp", dir);
	snprintf(other, sizeof other, "%s/stamp2", dir);
	set_old(dir);
	CHECK((fd = open(path, O_WRONLY | O_CREAT, 0644)) >= 0, "create");
	CHECK(mtime_of(path) >= t0, "a new file is stamped with the time");
	CHECK(mtime_of(dir) >= t0, "creating a name stamps the directory");
	set_old(path);
	CHECK(write(fd, "x", 1) == 1 && mtime_of(path) >= t0, "a write moves mtime");
	close(fd);
	set_old(dir);
	CHECK(rename(path, other) == 0 && mtime_of(dir) >= t0, "rename stamps the directory");
	set_old(dir);
	CHECK(unlink(other) == 0 && mtime_of(dir) >= t0, "unlink stamps the directory");
	CHECK(mtime_of("/proc/meminfo") >= 1000000000 && mtime_of("/proc/self") >= 1000000000,
	      "/proc's files are dated now, not 1970");
}

int main(void)
{
	char dir[64], path[96], buf[9000];
	snprintf(dir, sizeof dir, "/tmp/ramfs-%d", (int)getpid());
	snprintf(path, sizeof path, "%s/f", dir);
	CHECK(mkdir(dir, 0755) == 0, "mkdir");
	CHECK_ERR(mkdir(dir, 0755), EEXIST, "mkdir again -> EEXIST");
	struct stat st;
	CHECK(stat(dir, &st) == 0 && S_ISDIR(st.st_mode), "stat new dir");

	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "create file");
	CHECK(write(fd, "hello ", 6) == 6 && write(fd, "world\n", 6) == 6, "write");
	close(fd);
	CHECK_ERR(open(path, O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST, "O_EXCL -> EEXIST");
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0, "reopen");
	CHECK(read(fd, buf, sizeof buf) == 12 && memcmp(buf, "hello world\n", 12) == 0,
	      "read back");
	close(fd);

	fd = open(path, O_WRONLY | O_APPEND);
	CHECK(fd >= 0, "open O_APPEND");
	lseek(fd, 0, SEEK_SET);
	CHECK(write(fd, "more\n", 5) == 5, "append write");
	close(fd);
	CHECK(stat(path, &st) == 0 && st.st_size == 17, "size after append");

	/* overwrite in the middle, then grow past a page */
	fd = open(path, O_RDWR);
	CHECK(fd >= 0, "open O_RDWR");
	CHECK(lseek(fd, 6, SEEK_SET) == 6 && write(fd, "WORLD", 5) == 5, "overwrite");
	for (int i = 0; i < (int)sizeof buf; i++)
		buf[i] = 'a' + i % 26;
	CHECK(lseek(fd, 0, SEEK_END) == 17 && write(fd, buf, sizeof buf) == sizeof buf,
	      "write 9000 bytes");
	CHECK(fstat(fd, &st) == 0 && st.st_size == 17 + (off_t)sizeof buf, "fstat size");
	char back[9000];
	CHECK(lseek(fd, 0, SEEK_SET) == 0 && read(fd, back, 17) == 17 &&
	      memcmp(back, "hello WORLD\nmore\n", 17) == 0, "overwritten contents");
	CHECK(read(fd, back, sizeof back) == sizeof back && memcmp(back, buf, sizeof buf) == 0,
	      "big contents");
	close(fd);

	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(fd >= 0, "open O_TRUNC");
	close(fd);
	CHECK(stat(path, &st) == 0 && st.st_size == 0, "truncated to 0");

	/* the new names show up in the directory */
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;
	CHECK(d != NULL, "opendir");
	while ((e = readdir(d)))
		found |= strcmp(e->d_name, "f") == 0;
	closedir(d);
	CHECK(found, "file listed in directory");
	timestamps(dir);
	CHECK(mkdir("/tmp/no/such/parent", 0755) == -1 && errno == ENOENT,
	      "mkdir missing parent -> ENOENT");
	t_ok("ramfs");
	return 0;
}
