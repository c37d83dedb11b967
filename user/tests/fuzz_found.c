/* fuzz_found.c - system calls the fuzzer (bin/fuzz, docs/fuzzing.md)
 * found mishandled, each reduced to a few lines that fail before the
 * fix. Runs in a scratch directory under /tmp. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "t.h"

static char dir[64];

/* mknod of a type that is not a file, device, FIFO or socket made an
 * inode of that type (e2fsck: "invalid mode"). */
static void mknod_types(void)
{
	CHECK_ERR(mknodat(AT_FDCWD, "bad", S_IFMT | 0644, 0), EINVAL, "mknod S_IFMT");
	CHECK_ERR(mknodat(AT_FDCWD, "bad", S_IFLNK | 0644, 0), EINVAL, "mknod S_IFLNK");
	CHECK_ERR(mknodat(AT_FDCWD, "bad", S_IFDIR | 0755, 0), EPERM, "mknod S_IFDIR");
	CHECK_ERR(mknodat(AT_FDCWD, "bad", 0010000 | 0020000 | 0644, 0), EINVAL,
		  "mknod of a type that does not exist");
	CHECK(access("bad", F_OK) == -1 && errno == ENOENT, "nothing was created");
	CHECK(mknodat(AT_FDCWD, "plain", 0644, 0) == 0, "mknod with no type: a file");
	struct stat st;
	CHECK(stat("plain", &st) == 0 && S_ISREG(st.st_mode), "it is a regular file");
	CHECK(unlink("plain") == 0, "unlink");
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/fuzz_found.%d", getpid());
	CHECK(mkdir(dir, 0755) == 0 && chdir(dir) == 0, "scratch directory");
	mknod_types();
	CHECK(chdir("/") == 0 && rmdir(dir) == 0, "clean up");
	t_ok("fuzz_found");
	return 0;
}
