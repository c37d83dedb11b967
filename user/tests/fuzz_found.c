/* fuzz_found.c - system calls the fuzzer (bin/fuzz, docs/fuzzing.md)
 * found mishandled, each reduced to a few lines that fail before the
 * fix. Runs in a scratch directory under /tmp. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
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

/* getrandom of 32 MiB went on to the end with a signal pending: over
 * 10 s on a loaded host, so the fuzzer's SIGUSR1 could not stop it. As
 * Linux, a signal ends it at a page boundary with the bytes so far. A
 * thread signals the caller once the first page is written (on one hart
 * it only runs if the call gives the hart up). */
#define RAND_LEN (16UL << 20)
#define UNTOUCHED 0x5eed5eed5eed5eedULL
static volatile int rand_sigs;
static pid_t rand_tid;
static char *rand_buf;

static void on_rand_sig(int sig)
{
	(void)sig;
	rand_sigs++;
}

static void *rand_signaller(void *arg)
{
	(void)arg;
	while (*(volatile uint64_t *)(rand_buf + 4088) == UNTOUCHED)
		sched_yield();
	CHECK(syscall(SYS_tgkill, getpid(), rand_tid, SIGUSR1) == 0, "tgkill");
	return NULL;
}

static void getrandom_signal(void)
{
	struct sigaction sa = { .sa_handler = on_rand_sig };	/* no SA_RESTART */
	pthread_t t;

	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction");
	rand_buf = mmap(NULL, RAND_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(rand_buf != MAP_FAILED, "mmap");
	*(uint64_t *)(rand_buf + 4088) = UNTOUCHED;
	rand_tid = syscall(SYS_gettid);
	CHECK(pthread_create(&t, NULL, rand_signaller, NULL) == 0, "pthread_create");
	long r = syscall(SYS_getrandom, rand_buf, RAND_LEN, 0);
	CHECK(pthread_join(t, NULL) == 0, "pthread_join");
	CHECK(rand_sigs == 1, "the signal was handled");
	CHECK(r > 0 && r < (long)RAND_LEN && r % 4096 == 0,
	      "getrandom stopped at a page boundary after the signal");
	CHECK(munmap(rand_buf, RAND_LEN) == 0, "munmap");
	signal(SIGUSR1, SIG_DFL);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/fuzz_found.%d", getpid());
	CHECK(mkdir(dir, 0755) == 0 && chdir(dir) == 0, "scratch directory");
	mknod_types();
	mremap_unmapped();
	getrandom_signal();
	CHECK(chdir("/") == 0 && rmdir(dir) == 0, "clean up");
	t_ok("fuzz_found");
	return 0;
}
