/* fileio.c - read-only file system calls on /bin: fstat vs lseek size,
 * chunked reads equal one big read, getdents64 of /bin, ENOENT/ENOTDIR/
 * EISDIR/EBADF errors, dup3, lseek past the end, chdir/getcwd. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "t.h"

/* Does directory path contain an entry called name? (raw getdents64) */
static int dir_has(const char *path, const char *name)
{
	char buf[1024];
	int fd = open(path, O_RDONLY | O_DIRECTORY), found = 0;
	long n;
	CHECK(fd >= 0, "open directory");
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			CHECK(d->d_reclen > 0 && off + d->d_reclen <= n, "d_reclen sane");
			found |= strcmp(d->d_name, name) == 0;
			off += d->d_reclen;
		}
	}
	CHECK(n == 0, "getdents64 ends with 0");
	close(fd);
	return found;
}

int main(void)
{
	int fd = open("/bin/cat", O_RDONLY);
	CHECK(fd >= 0, "open /bin/cat");
	struct stat st, st2;
	CHECK(fstat(fd, &st) == 0, "fstat");
	CHECK(S_ISREG(st.st_mode) && st.st_size > 0, "regular file with size");
	CHECK(stat("/bin/cat", &st2) == 0 && st2.st_size == st.st_size, "stat size");
	off_t size = lseek(fd, 0, SEEK_END);
	CHECK(size == st.st_size, "lseek SEEK_END == st_size");
	CHECK(lseek(fd, 0, SEEK_CUR) == size, "SEEK_CUR at end");

	/* one big read vs odd-sized chunks */
	char *all = malloc(size + 1), *part = malloc(size + 1);
	CHECK(all && part, "malloc");
	CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek 0");
	off_t got = 0;
	long r;
	while (got < size && (r = read(fd, all + got, size + 1 - got)) > 0)
		got += r;
	CHECK(got == size, "read whole file");
	CHECK(read(fd, all, 10) == 0, "read at EOF returns 0");
	static const int chunks[] = { 1, 7, 513, 4097, 3, 8191, 100 };
	CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek 0 again");
	got = 0;
	for (int i = 0; got < size; i++) {
		r = read(fd, part + got, chunks[i % 7]);
		CHECK(r > 0, "chunked read");
		got += r;
	}
	CHECK(got == size && memcmp(all, part, size) == 0, "chunked reads match");
	CHECK(lseek(fd, 1000, SEEK_SET) == 1000, "lseek 1000");
	char c5[5];
	CHECK(read(fd, c5, 5) == 5 && memcmp(c5, all + 1000, 5) == 0, "read at offset");
	CHECK(lseek(fd, -5, SEEK_CUR) == 1000, "SEEK_CUR negative");
	CHECK(lseek(fd, size + 4096, SEEK_SET) == size + 4096, "lseek past end");
	CHECK(read(fd, c5, 5) == 0, "read past end returns 0");
	CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL, "lseek negative -> EINVAL");

	/* dup3: shared offset, cloexec, error cases */
	CHECK(lseek(fd, 100, SEEK_SET) == 100, "lseek 100");
	int fd2 = dup3(fd, 20, O_CLOEXEC);
	CHECK(fd2 == 20, "dup3 to 20");
	CHECK(fcntl(20, F_GETFD) == FD_CLOEXEC, "dup3 O_CLOEXEC");
	CHECK(fcntl(fd, F_GETFD) == 0, "original not cloexec");
	CHECK(lseek(20, 0, SEEK_CUR) == 100, "dup shares offset");
	CHECK(read(20, c5, 5) == 5 && lseek(fd, 0, SEEK_CUR) == 105, "offset moves on both");
	CHECK_ERR(dup3(fd, fd, 0), EINVAL, "dup3 same fd -> EINVAL");
	CHECK_ERR(dup3(fd, 21, 0x12345678 & ~O_CLOEXEC), EINVAL, "dup3 bad flags");
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	CHECK(dup3(p[0], 20, 0) == 20, "dup3 over an open fd");
	CHECK(fcntl(20, F_GETFD) == 0, "dup3 without cloexec");
	CHECK(write(p[1], "z", 1) == 1 && read(20, c5, 1) == 1 && c5[0] == 'z',
	      "dup3 target now the pipe");
	int low = fcntl(fd, F_DUPFD, 0);
	CHECK(low > 2 && low != fd, "F_DUPFD");
	int high = fcntl(fd, F_DUPFD, 30);
	CHECK(high >= 30, "F_DUPFD minimum");
	close(20);
	close(p[0]);
	close(p[1]);
	close(high);
	close(low);

	/* errors */
	CHECK_ERR(open("/no/such/file", O_RDONLY), ENOENT, "missing path -> ENOENT");
	CHECK_ERR(open("/bin/no-such-program", O_RDONLY), ENOENT, "missing file -> ENOENT");
	CHECK_ERR(openat(AT_FDCWD, "/bin/cat", O_RDONLY | O_DIRECTORY), ENOTDIR,
		  "O_DIRECTORY on file -> ENOTDIR");
	CHECK_ERR(open("/bin/cat/x", O_RDONLY), ENOTDIR, "file as directory -> ENOTDIR");
	int dfd = open("/bin", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open /bin");
	CHECK(fstat(dfd, &st) == 0 && S_ISDIR(st.st_mode), "fstat dir");
	CHECK_ERR(read(dfd, c5, 5), EISDIR, "read directory -> EISDIR");
	int cat2 = openat(dfd, "cat", O_RDONLY);
	CHECK(cat2 >= 0, "openat relative to dirfd");
	close(cat2);
	CHECK(fstatat(dfd, "cat", &st2, 0) == 0 && st2.st_size == size, "fstatat");
	close(dfd);
	CHECK_ERR(close(12345), EBADF, "close bad fd -> EBADF");
	CHECK_ERR(close(-1), EBADF, "close -1 -> EBADF");
	CHECK_ERR(read(12345, c5, 1), EBADF, "read bad fd -> EBADF");
	CHECK_ERR(write(fd, "x", 1), EBADF, "write to O_RDONLY fd -> EBADF");
	close(fd);
	CHECK_ERR(read(fd, c5, 1), EBADF, "read closed fd -> EBADF");

	/* directories */
	CHECK(dir_has("/bin", "cat"), "/bin lists cat");
	CHECK(dir_has("/bin", "sh"), "/bin lists sh");
	CHECK(dir_has("/", "bin"), "/ lists bin");
	CHECK(chdir("/bin") == 0, "chdir /bin");
	char cwd[256];
	CHECK(getcwd(cwd, sizeof cwd) != NULL, "getcwd");
	CHECK(open("cat", O_RDONLY) >= 0, "relative open after chdir");
	size_t cl = strlen(cwd);	/* the host's /bin may be a symlink */
	CHECK(cl >= 4 && strcmp(cwd + cl - 4, "/bin") == 0, "getcwd after chdir /bin");
	CHECK(chdir("..") == 0 && getcwd(cwd, sizeof cwd), "chdir ..");
	CHECK(chdir("/") == 0 && getcwd(cwd, sizeof cwd) && strcmp(cwd, "/") == 0,
	      "chdir / and getcwd");
	CHECK(getcwd(cwd, 1) == NULL && errno == ERANGE, "getcwd small buffer -> ERANGE");
	CHECK_ERR(chdir("/bin/cat"), ENOTDIR, "chdir to file -> ENOTDIR");
	CHECK_ERR(chdir("/nonexistent"), ENOENT, "chdir missing -> ENOENT");
	t_ok("fileio");
	return 0;
}
