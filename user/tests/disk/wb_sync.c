/* wb_sync.c - sync(2), syncfs(2) and fsync(2) return while four writers
 * keep dirtying pages as fast as they can (TOWRITE tagging fixes the set
 * a data-integrity pass writes, and a sync pass leaves inodes dirtied
 * after it began for the next one); sync_file_range(2): Linux's errors
 * (EBADF, EINVAL, ESPIPE), SYNC_FILE_RANGE_WRITE starts writeback without
 * waiting, WAIT_AFTER waits for it, and what it wrote is on the disk.
 * The writers rewrite 4 MiB each: on an ext2 root (the ext2 root boot,
 * the writeback boot's disk), in 4 files of /tmp; on our RAM root, in
 * 4 regions of /dev/vdb;
 * on Linux (qemu-riscv64), in /tmp. A watchdog bounds each sync. */
#include "wb.h"
#include "blk.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/statfs.h>

#define MiB (1L << 20)
#define EXT2_MAGIC 0xEF53

static char dir[64] = "/tmp";
static int use_vdb;

static int open_target(int i)
{
	char path[128];
	if (use_vdb)
		return open("/dev/vdb", O_RDWR);
	snprintf(path, sizeof(path), "%s/wb_sync.%d", dir, i);
	return open(path, O_CREAT | O_RDWR, 0644);
}

/* Rewrites its 4 MiB in 256 KiB pieces until killed. */
static void writer(int i)
{
	char *buf = malloc(256 << 10);
	int fd = open_target(i);
	off_t base = use_vdb ? 8 * MiB + i * 4 * MiB : 0;
	CHECK(fd >= 0, "writer open");
	for (long n = 0;; n++) {
		memset(buf, (int)(n + i), 256 << 10);
		CHECK(pwrite(fd, buf, 256 << 10, base + n % 16 * (256 << 10)) == 256 << 10,
		      "writer pwrite");
	}
}

/* A watchdog (alarm(2) may be missing): kills the test if a sync has
 * not returned within 120 s. */
static pid_t watchdog(const char *what)
{
	pid_t parent = getpid();
	fflush(NULL);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork watchdog");
	if (pid == 0) {
		t_sleep_ms(120000);
		fprintf(stderr, "FAIL: wb_sync: %s did not return within 120 s\n", what);
		kill(parent, SIGKILL);
		_exit(1);
	}
	return pid;
}

static double timed(const char *what, int (*fn)(int), int fd)
{
	double t0 = t_now();
	pid_t dog = watchdog(what);
	CHECK(fn(fd) == 0, what);
	kill(dog, SIGKILL);
	waitpid(dog, NULL, 0);
	return t_now() - t0;
}

static int do_sync(int fd) { (void)fd; sync(); return 0; }

static void range_errors(void)
{
	int p[2];
	char path[128];
	CHECK_ERR(sync_file_range(-1, 0, 0, SYNC_FILE_RANGE_WRITE), EBADF, "EBADF");
	snprintf(path, sizeof(path), "%s/wb_sync.r", dir);
	int fd = use_vdb ? open("/dev/vdb", O_RDWR) : open(path, O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 0, "open");
	CHECK_ERR(sync_file_range(fd, 0, 0, 8), EINVAL, "unknown flag");
	CHECK_ERR(sync_file_range(fd, -1, 0, SYNC_FILE_RANGE_WRITE), EINVAL, "negative offset");
	CHECK_ERR(sync_file_range(fd, 1, 0x7fffffffffffffffLL, SYNC_FILE_RANGE_WRITE), EINVAL,
		  "offset + nbytes overflows");
	CHECK_ERR(sync_file_range(fd, 0, -4096, SYNC_FILE_RANGE_WRITE), EINVAL, "negative nbytes");
	CHECK(sync_file_range(fd, 0, 0, 0) == 0, "no flags: nothing to do");
	close(fd);
	CHECK(pipe(p) == 0, "pipe");
	CHECK_ERR(sync_file_range(p[0], 0, 0, SYNC_FILE_RANGE_WRITE), ESPIPE, "a pipe: ESPIPE");
	close(p[0]);
	close(p[1]);
}

/* WRITE starts the range's writeback and returns; WAIT_AFTER waits. */
static void range_semantics(void)
{
	char *buf = mmap(NULL, 2 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char path[128];
	snprintf(path, sizeof(path), "%s/wb_sync.r", dir);
	int fd = use_vdb ? open("/dev/vdb", O_RDWR) : open(path, O_CREAT | O_RDWR, 0644);
	off_t off = use_vdb ? 28 * MiB : 0;
	CHECK(fd >= 0, "open");
	CHECK(buf != MAP_FAILED, "buffer");
	memset(buf, 0x3c, 2 * MiB);
	sync();		/* what earlier tests left */
	CHECK(wb_wait_clean(20000) >= 0, "clean before");
	long out0 = vmstat("pgpgout");
	CHECK(pwrite(fd, buf, 2 * MiB, off) == 2 * MiB, "write 2 MiB");
	long dirty = vmstat("nr_dirty");
	CHECK(dirty >= 512, "2 MiB dirty");
	CHECK(sync_file_range(fd, off, MiB, SYNC_FILE_RANGE_WRITE) == 0, "WRITE the first MiB");
	CHECK(vmstat("nr_dirty") <= dirty - 256, "its pages left the dirty state at once");
	CHECK(vmstat("nr_dirty") >= 256, "the second MiB is still dirty");
	CHECK(sync_file_range(fd, off, MiB, SYNC_FILE_RANGE_WAIT_AFTER) == 0, "WAIT_AFTER");
	CHECK(vmstat("pgpgout") - out0 >= 1024, "the first MiB reached the device");
	CHECK(sync_file_range(fd, off + MiB, 0, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
			      SYNC_FILE_RANGE_WAIT_AFTER) == 0, "write-and-wait to EOF");
	CHECK(vmstat("nr_dirty") < 64, "the second MiB too");
	close(fd);
	munmap(buf, 2 * MiB);
}

int main(void)
{
	struct statfs sf;
	int ours = wb_ours();
	if (ours && statfs("/", &sf) == 0 && sf.f_type == EXT2_MAGIC)
		strcpy(dir, "/tmp");	/* the ext2 root, or the writeback boot's disk */
	else if (ours)
		use_vdb = access("/dev/vdb", F_OK) == 0;
	range_errors();
	if (ours && (use_vdb || (statfs("/", &sf) == 0 && sf.f_type == EXT2_MAGIC)))
		range_semantics();	/* needs a disk: ramfs is never written back */

	pid_t w[4];
	for (int i = 0; i < 4; i++) {
		fflush(NULL);
		w[i] = fork();
		CHECK(w[i] >= 0, "fork");
		if (w[i] == 0)
			writer(i);
	}
	t_sleep_ms(500);
	int fd = open_target(0);
	CHECK(fd >= 0, "open");
	double s1 = timed("sync", do_sync, fd);
	double s2 = timed("syncfs", syncfs, fd);
	double s3 = timed("fsync", fsync, fd);
	double s4 = timed("sync again", do_sync, fd);
	printf("wb_sync: with 4 writers (%s): sync %.2f s, syncfs %.2f s, fsync %.2f s, sync %.2f s\n",
	       use_vdb ? "/dev/vdb" : dir, s1, s2, s3, s4);
	for (int i = 0; i < 4; i++) {
		int st;
		kill(w[i], SIGKILL);
		CHECK(waitpid(w[i], &st, 0) == w[i] && WIFSIGNALED(st), "writer was still writing");
	}
	close(fd);
	CHECK(timed("sync after", do_sync, 0) < 120, "quiet sync");
	for (int i = 0; !use_vdb && i < 4; i++) {
		char path[128];
		snprintf(path, sizeof(path), "%s/wb_sync.%d", dir, i);
		unlink(path);
	}
	if (!use_vdb) {
		char path[128];
		snprintf(path, sizeof(path), "%s/wb_sync.r", dir);
		unlink(path);
	}
	t_ok("wb_sync");
	return 0;
}
