/* fuzz_found.c - system calls the fuzzer (bin/fuzz, docs/fuzzing.md)
 * found mishandled, each reduced to a few lines that fail before the
 * fix. Runs in a scratch directory under /tmp. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

/* mremap shrinking an unmapped address unmapped addr + new_len, which
 * wraps around from a kernel address to anything of the caller's (the
 * fuzzer lost its own text). Linux looks the address up first: EFAULT. */
static void mremap_unmapped(void)
{
	unsigned long bad = -4096UL;
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char vec;

	CHECK(p != MAP_FAILED, "mmap");
	*p = 1;
	/* bad + new_len wraps to p: the shrink would unmap [p, p + 4096) */
	long r = syscall(SYS_mremap, bad, (unsigned long)p + 8192, (unsigned long)p + 4096, 0, 0);
	/* (qemu-user checks the range itself and answers ENOMEM) */
	CHECK(r == -1 && errno == (t_qemu_user() ? ENOMEM : EFAULT),
	      "mremap of an unmapped address: EFAULT");
	CHECK(mincore(p, 4096, &vec) == 0 && *p == 1, "the page it named is still mapped");
	CHECK(munmap(p, 4096) == 0, "munmap");
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/fuzz_found.%d", getpid());
	CHECK(mkdir(dir, 0755) == 0 && chdir(dir) == 0, "scratch directory");
	mknod_types();
	mremap_unmapped();
	CHECK(chdir("/") == 0 && rmdir(dir) == 0, "clean up");
	t_ok("fuzz_found");
	return 0;
}
