/* opath.c - an O_PATH descriptor names a file but allows no I/O: read,
 * write, pread, pwrite, preadv, lseek, getdents64, ioctl, fsync,
 * ftruncate, mmap, fchmod on it fail with EBADF (a symlink's used to
 * call through a NULL f_op and panic), while fstat, fstatfs, fchdir, dup,
 * fcntl and *at lookups relative to it work, as on Linux. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include "t.h"

static char dir[64], file[96], link_[96];

/* Every I/O-like call on fd must fail with EBADF. */
static void no_io(int fd, const char *what)
{
	char buf[256];
	struct iovec v = { buf, sizeof(buf) };

	fprintf(stderr, "opath: %s\n", what);
	CHECK_ERR(syscall(SYS_read, fd, buf, sizeof(buf)), EBADF, "read");
	CHECK_ERR(syscall(SYS_write, fd, "x", 1), EBADF, "write");
	CHECK_ERR(syscall(SYS_pread64, fd, buf, sizeof(buf), 0), EBADF, "pread");
	CHECK_ERR(syscall(SYS_pwrite64, fd, "x", 1, 0), EBADF, "pwrite");
	CHECK_ERR(syscall(SYS_preadv, fd, &v, 1, 0, 0), EBADF, "preadv");
	CHECK_ERR(syscall(SYS_pwritev, fd, &v, 1, 0, 0), EBADF, "pwritev");
	CHECK_ERR(syscall(SYS_readv, fd, &v, 1), EBADF, "readv");
	CHECK_ERR(syscall(SYS_lseek, fd, 0, SEEK_SET), EBADF, "lseek");
	CHECK_ERR(syscall(SYS_getdents64, fd, buf, sizeof(buf)), EBADF, "getdents64");
	CHECK_ERR(syscall(SYS_ioctl, fd, FIONREAD, buf), EBADF, "ioctl");
	CHECK_ERR(syscall(SYS_fsync, fd), EBADF, "fsync");
	CHECK_ERR(syscall(SYS_fdatasync, fd), EBADF, "fdatasync");
	CHECK_ERR(syscall(SYS_ftruncate, fd, 0), EBADF, "ftruncate");
	CHECK_ERR(syscall(SYS_fchmod, fd, 0644), EBADF, "fchmod");
	CHECK_ERR(syscall(SYS_fallocate, fd, 0, 0, 4096), EBADF, "fallocate");
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == EBADF,
	      "mmap");
	CHECK_ERR(fcntl(fd, F_SETFL, O_NONBLOCK), EBADF, "fcntl F_SETFL");
}

/* What an O_PATH descriptor is good for. */
static void naming(int fd, mode_t type)
{
	struct stat st;
	struct statfs sf;

	CHECK(fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == type, "fstat");
	CHECK(fstatfs(fd, &sf) == 0, "fstatfs");
	CHECK(fcntl(fd, F_GETFL) & O_PATH, "F_GETFL shows O_PATH");
	CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC,
	      "F_SETFD/F_GETFD");
	int d = dup(fd);
	CHECK(d >= 0 && fstat(d, &st) == 0 && (st.st_mode & S_IFMT) == type, "dup");
	CHECK(close(d) == 0, "close the dup");
	d = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	CHECK(d >= 10, "F_DUPFD_CLOEXEC");
	close(d);
}

int main(void)
{
	char buf[64];

	snprintf(dir, sizeof(dir), "/tmp/opath.%d", getpid());
	snprintf(file, sizeof(file), "%s/file", dir);
	snprintf(link_, sizeof(link_), "%s/link", dir);
	CHECK(mkdir(dir, 0755) == 0, "mkdir");
	int w = open(file, O_WRONLY | O_CREAT, 0644);
	CHECK(w >= 0 && write(w, "hello", 5) == 5, "create file");
	close(w);
	CHECK(symlink("file", link_) == 0, "symlink");

	int l = open(link_, O_PATH | O_NOFOLLOW);
	CHECK(l >= 0, "open(symlink, O_PATH|O_NOFOLLOW)");
	no_io(l, "symlink");
	naming(l, S_IFLNK);
	CHECK(readlinkat(l, "", buf, sizeof(buf)) == 4 && !memcmp(buf, "file", 4),
	      "readlinkat(fd, \"\")");

	int f = open(file, O_PATH | O_RDWR);
	CHECK(f >= 0, "open(file, O_PATH)");
	no_io(f, "regular file");
	naming(f, S_IFREG);

	int d = open(dir, O_PATH | O_DIRECTORY);
	CHECK(d >= 0, "open(dir, O_PATH)");
	no_io(d, "directory");
	naming(d, S_IFDIR);
	int r = openat(d, "file", O_RDONLY);
	CHECK(r >= 0 && read(r, buf, 5) == 5 && !memcmp(buf, "hello", 5), "openat(O_PATH dir)");
	close(r);
	CHECK(fchdir(d) == 0, "fchdir to an O_PATH directory");
	CHECK(access("file", R_OK) == 0, "relative lookup after fchdir");
	CHECK(chdir("/") == 0, "chdir /");

	int t = open("/dev/null", O_PATH);
	CHECK(t >= 0, "open(/dev/null, O_PATH)");
	no_io(t, "device");
	naming(t, S_IFCHR);

	close(l);
	close(f);
	close(d);
	close(t);
	CHECK(unlink(link_) == 0 && unlink(file) == 0 && rmdir(dir) == 0, "clean up");
	t_ok("opath");
	return 0;
}
