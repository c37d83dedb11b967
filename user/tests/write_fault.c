/* write_fault.c - write(2), pwrite(2) and writev(2) from a buffer that
 * runs into a PROT_NONE page in the middle of a page of the file: the
 * bytes up to the bad page are written and counted, a write that starts
 * on the bad page fails with EFAULT (it used to retry the short copy
 * forever, holding the file's lock). Runs in a child that is killed if
 * it does not finish. qemu-user (make test-linux) refuses the whole
 * buffer instead: there only EFAULT is checked.
 * Then such writes never show what a newly allocated block held before:
 *  - the free space is filled with a pattern first (a file written,
 *    fsynced, removed), so a block allocated but never written would
 *    read as the pattern;
 *  - writes into holes in the middle of a file and at EOF from a buffer
 *    that runs into a PROT_NONE page write and count the bytes before
 *    it, the rest of each page reads as zeros, the size is what was
 *    written; one that starts on the bad page fails with EFAULT;
 *  - a clone sharing the memory flips the last page of a 16-page source
 *    between readable and PROT_NONE while writes go into holes, so a
 *    copy under the folio lock comes up short now and then (the page
 *    went away after it was faulted in; ext2_write_end then takes
 *    nothing and zeroes the folio's new blocks): each write returns n
 *    or EFAULT and the file holds exactly its first n bytes, zeros
 *    around them (before the fix: old disk bytes, with 2 or more harts);
 *  - on vdd2, all of it again after an unmount and a mount.
 * That part runs on vdd2's ext2 (1 KiB blocks, four per page) when there
 * is one, on /tmp when the root is ext2 (4 KiB blocks), else on /tmp as
 * it is (Linux). tests/run.py e2fscks vdd2 and the ext2 root after their
 * boots. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include "t.h"

static char path[64];

static void writes(void)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char *p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char back[8192];

	CHECK(fd >= 0, "open");
	CHECK(p != MAP_FAILED, "mmap");
	for (int i = 0; i < 4096; i++)
		p[i] = 'a' + i % 26;
	CHECK(mprotect(p + 4096, 4096, PROT_NONE) == 0, "mprotect PROT_NONE");

	if (t_qemu_user()) {	/* it refuses the whole buffer */
		CHECK_ERR(write(fd, p + 4096 - 100, 300), EFAULT, "qemu-user: EFAULT");
		close(fd);
		unlink(path);
		return;
	}
	/* 100 good bytes, then the PROT_NONE page: a short write */
	CHECK(write(fd, p + 4096 - 100, 300) == 100, "write up to the PROT_NONE page");
	CHECK_ERR(write(fd, p + 4096, 10), EFAULT, "write from the PROT_NONE page");
	CHECK(lseek(fd, 0, SEEK_CUR) == 100, "file offset after the short write");
	/* across a page of the file: 4000 + 150 */
	CHECK(pwrite(fd, p + 4096 - 150, 4096, 4000) == 150, "pwrite across a file page");
	/* a good segment, then one on the PROT_NONE page */
	struct iovec v[2] = { { p, 50 }, { p + 4096 + 8, 50 } };
	CHECK(pwritev(fd, v, 2, 6000) == 50, "pwritev: the good segment only");
	v[0].iov_len = 0;
	CHECK_ERR(pwritev(fd, v, 2, 6000), EFAULT, "pwritev: only the bad segment");

	CHECK(pread(fd, back, sizeof(back), 0) == 6050, "file size");
	CHECK(!memcmp(back, p + 4096 - 100, 100), "first write's data");
	CHECK(!memcmp(back + 4000, p + 4096 - 150, 150), "pwrite's data");
	CHECK(!memcmp(back + 6000, p, 50), "pwritev's data");
	for (int i = 100; i < 4000; i++)
		CHECK(back[i] == 0, "hole reads as zeros");
	close(fd);
	unlink(path);
}

#define PG 4096
#define MNT "/tmp/write-fault"
#define STALE 0x5a
#define RACE_PAGES 16
#define RACE_WRITES 48
#define FILE_PAGES (64 + RACE_WRITES * (RACE_PAGES + 2))

static char sc_dir[64], sc_path[96];
static unsigned char *model;	/* what the file must hold */
static long model_size;
static int sc_fd;

static void fill_free_space(long bytes)
{
	char p[128];
	char *b = malloc(1 << 16);
	int f;

	snprintf(p, sizeof(p), "%s/pattern", sc_dir);
	f = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(f >= 0 && b, "create the pattern");
	memset(b, STALE, 1 << 16);
	for (long n = 0; n < bytes; n += 1 << 16)
		if (write(f, b, 1 << 16) != 1 << 16)
			break;		/* ENOSPC: full is fine */
	CHECK(fsync(f) == 0, "fsync the pattern");
	close(f);
	CHECK(unlink(p) == 0, "remove the pattern");
	free(b);
}

/* Bytes [from, to) of the file match the model (zeros past its data). */
static void check_span(long from, long to, const char *what)
{
	long len = to - from, got;
	unsigned char *b = malloc(len);

	CHECK(b, "malloc");
	got = pread(sc_fd, b, len, from);
	CHECK(got == (from + len <= model_size ? len : model_size > from ? model_size - from : 0),
	      "read back");
	for (long i = 0; i < got; i++)
		if (b[i] != model[from + i]) {
			fprintf(stderr, "%s: byte %ld is %#x, want %#x%s\n", what, from + i, b[i],
				model[from + i], b[i] == STALE ? " (old disk contents)" : "");
			errno = 0;
			CHECK(0, "file contents");
		}
	free(b);
}

/* pwrite from src (whose copy is in copy) and record in the model what
 * it wrote; check the pages it touched. Returns what pwrite returned. */
static long put(const char *src, const char *copy, long len, long pos, const char *what)
{
	long r = pwrite(sc_fd, src, len, pos);

	CHECK(r <= len && (r >= 0 || errno == EFAULT), what);
	if (r > 0) {
		memcpy(model + pos, copy, r);
		if (pos + r > model_size)
			model_size = pos + r;
	}
	check_span(pos & ~(PG - 1L), (pos + len + PG - 1) & ~(PG - 1L), what);
	return r;
}

/* A write that runs into the PROT_NONE page after n good bytes writes
 * them (qemu-user: refuses it, EFAULT). */
static void put_cut(const char *src, long len, long pos, long n, const char *what)
{
	long r = put(src, src, len, pos, what);

	if (t_qemu_user())
		CHECK(r == -1 && errno == EFAULT, what);
	else if (n)
		CHECK(r == n, what);
	else
		CHECK(r == -1 && errno == EFAULT, what);
}

static void prot_none_writes(void)
{
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED, "mmap");
	for (int i = 0; i < PG; i++)
		p[i] = 'a' + i % 26;
	CHECK(mprotect(p + PG, PG, PROT_NONE) == 0, "mprotect");
	put_cut(p + PG - 1000, 3000, 8 * PG + 500, 1000, "into a hole, inside a page");
	put_cut(p + PG - 1500, 4000, 12 * PG + 1024, 1500, "into a hole, at a block");
	put_cut(p + PG - 3000, 6000, 16 * PG + 2000, 3000, "into a hole, across pages");
	put_cut(p + PG, 10, 20 * PG, 0, "from the PROT_NONE page: EFAULT");
	put_cut(p + PG - 700, 2000, model_size, 700, "at EOF");
	put_cut(p + PG - 100, 1000, model_size, 100, "at EOF inside a page");
	CHECK(lseek(sc_fd, 0, SEEK_END) == model_size, "size: what was written");
	munmap(p, 2 * PG);
}

static volatile int stop;
static volatile pid_t flipper_tid;
static char *race_src;

/* A thread made with clone, not libpthread (which would make the
 * program too big for the 2x64M initramfs); it shares the caller's TLS,
 * so it makes raw system calls only. */
static int flipper(void *arg)
{
	char *last = race_src + (RACE_PAGES - 1) * PG;

	(void)arg;
	while (!stop) {
		syscall(SYS_mprotect, last, PG, PROT_NONE);
		syscall(SYS_mprotect, last, PG, PROT_READ);
	}
	return 0;
}

static void racing_writes(void)
{
	long len = RACE_PAGES * PG, cut = 0, base = 64 * PG;
	char *copy = malloc(len);
	char *stack = malloc(1 << 16);
	pid_t t;

	race_src = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(race_src != MAP_FAILED && copy, "mmap");
	for (long i = 0; i < len; i++)
		copy[i] = race_src[i] = 'A' + (i / 1000) % 26;
	CHECK(mprotect(race_src, len, PROT_READ) == 0, "mprotect");
	CHECK(ftruncate(sc_fd, (long)FILE_PAGES * PG) == 0, "ftruncate");
	model_size = (long)FILE_PAGES * PG;
	t = clone(flipper, stack + (1 << 16), CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
		  CLONE_THREAD | CLONE_SYSVSEM | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID,
		  NULL, NULL, NULL, &flipper_tid);
	CHECK(t > 0 && stack, "clone");
	for (int i = 0; i < RACE_WRITES; i++) {
		long pos = base + i * (RACE_PAGES + 2) * PG + (i % 4) * 1024 + (i % 3) * 100;

		if (put(race_src, copy, len, pos, "racing write") != len)
			cut++;
	}
	stop = 1;
	while (flipper_tid)	/* cleared when it exits (CLONE_CHILD_CLEARTID) */
		t_sleep_ms(1);
	free(stack);
	printf("write_fault: %d racing writes, %ld cut short\n", RACE_WRITES, cut);
	munmap(race_src, len);
	free(copy);
}

/* This kernel (it counts pgfault_retry)? Not with t_vmstat: scanf
 * would make the program too big for the 2x64M initramfs. */
static int ours(void)
{
	static char buf[8192];
	int f = open("/proc/vmstat", O_RDONLY);
	long n = f < 0 ? 0 : read(f, buf, sizeof(buf) - 1);

	if (f >= 0)
		close(f);
	buf[n > 0 ? n : 0] = 0;
	return strstr(buf, "pgfault_retry") != NULL;
}

static int is_ext2(const char *d)
{
	struct statfs st;

	return statfs(d, &st) == 0 && st.f_type == 0xEF53;
}

/* The part with the pattern, the holes and the race (in a child). */
static void short_copies(void)
{
	int mounted = 0;

	model = calloc(1, (long)(FILE_PAGES + 4) * PG);
	CHECK(model, "calloc");
	snprintf(sc_dir, sizeof(sc_dir), "/tmp");
	if (ours() && access("/dev/vdd2", F_OK) == 0) {
		mkdir(MNT, 0755);
		CHECK(mount("/dev/vdd2", MNT, "ext2", 0, NULL) == 0, "mount vdd2");
		snprintf(sc_dir, sizeof(sc_dir), MNT);
		mounted = 1;
	}
	if (mounted || is_ext2(sc_dir))
		fill_free_space(4 << 20);
	snprintf(sc_path, sizeof(sc_path), "%s/write_fault.%d", sc_dir, getpid());
	sc_fd = open(sc_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(sc_fd >= 0, "open");
	CHECK(ftruncate(sc_fd, 32 * PG) == 0, "ftruncate");	/* holes */
	model_size = 32 * PG;
	prot_none_writes();
	racing_writes();
	check_span(0, model_size, "whole file");
	close(sc_fd);
	if (mounted) {
		CHECK(umount2(MNT, 0) == 0, "umount");
		CHECK(mount("/dev/vdd2", MNT, "ext2", 0, NULL) == 0, "mount again");
		sc_fd = open(sc_path, O_RDONLY);
		CHECK(sc_fd >= 0, "open again");
		check_span(0, model_size, "after a remount");
		close(sc_fd);
	}
	CHECK(unlink(sc_path) == 0, "unlink");
	if (mounted) {
		CHECK(umount2(MNT, 0) == 0, "umount");
		rmdir(MNT);
	}
	free(model);
}

int main(void)
{
	snprintf(path, sizeof(path), "/tmp/write_fault.%d", getpid());
	int st = t_child_timeout(writes, 60);
	CHECK(st != -1, "writes hung (killed after 60 s)");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writes failed");
	st = t_child_timeout(short_copies, 120);
	CHECK(st != -1, "short copies hung (killed after 120 s)");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "short copies failed");
	t_ok("write_fault");
	return 0;
}
