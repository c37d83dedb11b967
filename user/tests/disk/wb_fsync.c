/* wb_fsync.c - what fsync returned for is on the disk after a power
 * cut. On the writeback boot's ext2, with the periodic pass off and the
 * background threshold far away (so nothing but the syncs writes): a new
 * directory with a 4 MiB file (fsync), a small file (fdatasync), a file
 * made durable with sync_file_range + fdatasync, the directory and its
 * parent (fsync: a new name is durable once its directory is, as on
 * Linux); each sync must end with a device FLUSH (/proc/diskstats field
 * 15, flush requests completed). An overwrite of a file the host made
 * (/prefilled) is left unsynced: it may be lost, but must do no harm. Then "CRC32 path crc" lines and
 * KILL-QEMU-NOW: tests/run.py kills QEMU at once, reads the files back
 * with debugfs and runs e2fsck -fn. Skipped anywhere else. */
#include "wb.h"
#include "blk.h"

#define MiB (1L << 20)

static uint32_t write_file(const char *path, long len, int seed)
{
	static char buf[MiB];
	uint32_t crc = 0;
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK(fd >= 0, path);
	for (long off = 0; off < len; off += MiB) {
		long n = len - off < MiB ? len - off : MiB;
		for (long k = 0; k < n; k++)
			buf[k] = (char)(seed + (off + k) * 7 + (off + k) / 4093);
		crc = wb_crc32(crc, buf, n);
		CHECK(write(fd, buf, n) == n, "write");
	}
	close(fd);
	return crc;
}

static void durable(const char *what, int (*sync_fn)(int), const char *path)
{
	unsigned long f0 = blk_stats("vda").flush;
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0, path);
	CHECK(sync_fn(fd) == 0, what);
	close(fd);
	CHECK(blk_stats("vda").flush > f0, "the sync ended with a device FLUSH");
}

static int range_then_datasync(int fd)
{
	if (sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
			    SYNC_FILE_RANGE_WAIT_AFTER))
		return -1;
	return fdatasync(fd);
}

int main(void)
{
	if (!wb_on_test_disk()) {
		printf("wb_fsync: SKIP (not the writeback boot)\n");
		return 0;
	}
	wb_set("dirty_writeback_centisecs", 0);	/* only the syncs write */
	wb_set("dirty_bytes", 64 * MiB);
	wb_set("dirty_background_bytes", 48 * MiB);
	CHECK(mkdir("/dur", 0755) == 0, "mkdir");
	uint32_t big = write_file("/dur/big", 4 * MiB, 1);
	uint32_t small = write_file("/dur/small", 1000, 2);
	uint32_t ranged = write_file("/dur/ranged", 300 * 1024, 3);
	int pf = open("/prefilled", O_WRONLY);	/* may or may not survive */
	CHECK(pf >= 0 && pwrite(pf, "unsynced", 8, 5000) == 8, "overwrite without a sync");
	close(pf);
	CHECK(vmstat("nr_dirty") >= 1024, "all of it dirty, nothing written yet");
	durable("fsync", fsync, "/dur/big");
	durable("fdatasync", fdatasync, "/dur/small");
	durable("sync_file_range + fdatasync", range_then_datasync, "/dur/ranged");
	durable("fsync of the directory", fsync, "/dur");
	durable("fsync of its parent", fsync, "/");
	CHECK(vmstat("nr_dirty") >= 1, "the unsynced overwrite is still dirty");
	printf("wb_fsync: %lu flushes on vda so far\n", blk_stats("vda").flush);
	printf("CRC32 /dur/big %08x\nCRC32 /dur/small %08x\nCRC32 /dur/ranged %08x\n",
	       big, small, ranged);
	t_ok("wb_fsync: synced, now the power cut");
	wb_power_cut();
	return 0;
}
