/* wb_eio.c - a write error met by the flusher. On the writeback boot's
 * ext2, every write of /victim's first block fails (QEMU blkdebug,
 * tests/run.py). Pages of /victim and of another file are written with
 * no sync; the flusher writes them all (dirty_expire_centisecs 1 s):
 *  - each descriptor open on /victim then gets EIO from exactly one
 *    fsync/fdatasync; one opened afterwards gets none; syncfs on any file
 *    of the file system reports it once to each open file too; a store
 *    through a shared mapping of the failing page makes msync(MS_SYNC)
 *    return EIO once;
 *  - the other file, and /victim's other pages, are unaffected: fsync
 *    returns 0, and after the power cut at the end of the boot the host
 *    finds their bytes (CRC32 lines; /victim's first block keeps what
 *    it had);
 *  - the flusher keeps writing: a file written afterwards is clean soon.
 * Skipped anywhere else. */
#include "wb.h"
#include <sys/mman.h>

#define MiB (1L << 20)

static uint32_t fill_file(const char *path, int seed)
{
	static char buf[MiB];
	memset(buf, seed, sizeof(buf));
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK(fd >= 0 && write(fd, buf, MiB) == MiB, path);
	close(fd);
	return wb_crc32(0, buf, MiB);
}

int main(void)
{
	if (!wb_on_test_disk()) {
		printf("wb_eio: SKIP (not the writeback boot)\n");
		return 0;
	}
	static char victim[64 << 10], page[4096];
	wb_set("dirty_expire_centisecs", 100);
	wb_set("dirty_writeback_centisecs", 50);
	sync();
	int fd1 = open("/victim", O_RDWR), fd2 = open("/victim", O_RDWR);
	CHECK(fd1 >= 0 && fd2 >= 0, "open /victim twice");
	int fd3 = open("/good", O_CREAT | O_RDWR, 0644);
	CHECK(fd3 >= 0, "create /good");

	memset(victim, 0x11, sizeof(victim));		/* what the host put there */
	memset(page, 0x77, sizeof(page));
	CHECK(pwrite(fd1, page, 4096, 0) == 4096, "write the failing block");
	CHECK(pwrite(fd1, page, 4096, 8192) == 4096, "write another block of it");
	memcpy(victim + 8192, page, 4096);		/* only that one reaches the disk */
	uint32_t good = fill_file("/good", 0x33);
	CHECK(wb_wait_clean(20000) >= 0, "the flusher wrote everything (one write failed)");

	CHECK(fsync(fd3) == 0, "the other file: no error");
	CHECK_ERR(fsync(fd1), EIO, "fsync: EIO for the descriptor that wrote it");
	CHECK(fsync(fd1) == 0, "... once");
	CHECK_ERR(fdatasync(fd2), EIO, "fdatasync: EIO for the other descriptor too");
	CHECK(fdatasync(fd2) == 0, "... once");
	int fd4 = open("/victim", O_RDWR);
	CHECK(fd4 >= 0 && fsync(fd4) == 0, "opened after the reports: nothing");
	CHECK_ERR(syncfs(fd3), EIO, "syncfs: the file system had an error");
	CHECK(syncfs(fd3) == 0, "... reported once per open file");
	/* fd4 sampled the super block's error before anyone had seen it */
	CHECK_ERR(syncfs(fd4), EIO, "syncfs: to every file open before it was seen");
	int fd5 = open("/good", O_RDONLY);
	CHECK(fd5 >= 0 && syncfs(fd5) == 0 && syncfs(fd4) == 0, "then nothing more");
	close(fd5);

	/* through a shared mapping: msync reports it, once per open file */
	int fd6 = open("/victim", O_RDWR);
	CHECK(fd6 >= 0, "open /victim again");
	char *map = mmap(NULL, sizeof(victim), PROT_READ | PROT_WRITE, MAP_SHARED, fd6, 0);
	CHECK(map != MAP_FAILED, "mmap /victim shared");
	map[0] = 0x55;			/* the failing block */
	map[3 * 4096] = 0x66;		/* a good one */
	victim[3 * 4096] = 0x66;
	CHECK_ERR(msync(map, sizeof(victim), MS_SYNC), EIO, "msync: EIO");
	CHECK(msync(map, sizeof(victim), MS_SYNC) == 0, "... once");
	CHECK(fsync(fd6) == 0, "the mapping's file was told already");
	CHECK_ERR(fsync(fd4), EIO, "a file open before this new error is told too");
	CHECK(fsync(fd4) == 0, "... once");
	munmap(map, sizeof(victim));
	close(fd6);

	uint32_t good2 = fill_file("/good2", 0x44);
	CHECK(wb_wait_clean(20000) >= 0, "the flusher keeps writing");
	CHECK(pread(fd4, page, 4096, 0) == 4096, "the failed page still reads (from the cache)");
	close(fd1);
	close(fd2);
	close(fd3);
	close(fd4);
	printf("CRC32 /good %08x\nCRC32 /good2 %08x\nCRC32 /victim %08x\n", good, good2,
	       wb_crc32(0, victim, sizeof(victim)));
	t_ok("wb_eio");
	return 0;
}
