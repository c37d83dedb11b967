/* wb_err.c - a failed writeback is reported by fsync once per open file
 * (Linux's errseq_t): QEMU's blkdebug makes writes of sector 36864 of
 * /dev/vdc fail (tests/run.py). A buffered write there is accepted, and
 * then each descriptor that was open when it failed gets EIO from exactly
 * one fsync; one opened after every report gets none. The page is left
 * clean (not retried), sync(2) still returns 0 and does not take the
 * files' reports, and a new failure is reported again to every file.
 * Skipped without vdc. */
#include "blk.h"

#define BAD_SECTOR 36864LL	/* tests/run.py: blkdebug write_aio rule */

static int open_or_skip(void)
{
	int fd = open("/dev/vdc", O_RDWR);	/* buffered: through the cache */
	if (fd < 0 && errno == ENOENT) {
		printf("wb_err: SKIP (no /dev/vdc)\n");
		exit(0);
	}
	CHECK(fd >= 0, "open /dev/vdc");
	return fd;
}

int main(void)
{
	int fd1 = open_or_skip(), fd2 = open_or_skip();
	static char buf[4096];
	off_t bad = BAD_SECTOR * 512;

	memset(buf, 0x5a, sizeof(buf));
	CHECK(pwrite(fd1, buf, 4096, 0) == 4096, "buffered write elsewhere");
	CHECK(fsync(fd1) == 0, "fsync with no error");
	CHECK(fsync(fd2) == 0, "nothing for the other descriptor either");

	CHECK(pwrite(fd1, buf, 4096, bad) == 4096, "write to the bad sector is cached");
	CHECK_ERR(fsync(fd1), EIO, "fsync reports the failed writeback");
	CHECK(syscall(SYS_sync) == 0, "sync(2) returns 0 anyway");
	CHECK(fsync(fd1) == 0, "reported once: the page is clean, not retried");
	CHECK(syncfs(fd1) == 0, "syncfs: /dev's own file system has no error");
	CHECK_ERR(fdatasync(fd2), EIO, "the other descriptor is told too");
	CHECK(fsync(fd2) == 0, "... once");

	int fd3 = open_or_skip();
	CHECK(fsync(fd3) == 0, "opened after the reports: nothing to report");

	/* a new failure after those reports is news for every file */
	CHECK(pwrite(fd3, buf, 4096, bad) == 4096, "write the bad sector again");
	CHECK_ERR(fsync(fd3), EIO, "new error: fd3");
	CHECK_ERR(fsync(fd2), EIO, "new error: fd2");
	CHECK_ERR(fsync(fd1), EIO, "new error: fd1");
	CHECK(fsync(fd1) == 0 && fsync(fd2) == 0 && fsync(fd3) == 0, "each once");
	close(fd1);
	close(fd2);
	close(fd3);
	t_ok("wb_err");
	return 0;
}
