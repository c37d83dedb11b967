/* wb_crash.c - data written without fsync reaches the disk by itself and
 * survives a power cut. On the writeback boot's ext2 root (tests/run.py),
 * in a machine big enough that 64 MiB stays under the background
 * threshold, with the periodic pass off: a page of a MAP_SHARED mapping
 * stored, msynced (which ends with a device FLUSH) and stored again;
 * 64 MiB written to a new file and a small file in a new directory; none
 * of it synced, all of it dirty. Then dirty_expire_centisecs 5 s and
 * dirty_writeback_centisecs 1 s: Dirty and Writeback drop to 0 within
 * expire + interval (+ the time to write) through the periodic pass
 * alone, the second store included; then the test prints
 * the checksums and KILL-QEMU-NOW, QEMU is killed (no sync, no unmount),
 * and the host reads the files back with debugfs and runs e2fsck.
 * Skipped anywhere else (no test disk; Linux). */
#include "wb.h"
#include "blk.h"
#include <sys/mman.h>

#define MiB (1L << 20)

int main(void)
{
	if (!wb_on_test_disk()) {
		printf("wb_crash: SKIP (not the writeback boot)\n");
		return 0;
	}
	wb_set("dirty_expire_centisecs", 500);
	wb_set("dirty_writeback_centisecs", 0);	/* no periodic pass while writing */
	CHECK(wb_wait_clean(30000) >= 0 || (sync(), wb_wait_clean(30000) >= 0), "clean to start with");
	long bg = vmstat("nr_dirty_background_threshold");
	printf("wb_crash: background threshold %ld MiB\n", bg >> 8);
	CHECK(bg > (64 + 16) * 256, "64 MiB stays under the background threshold here");
	long kup = vmstat("flusher_kupdate"), bgw = vmstat("flusher_background");

	/* A shared mapping: stored, msynced, stored again, never synced. The
	 * msync's writeback write-protects the page (folio_mkclean), so the
	 * second store faults and dirties it again, and the flusher writes
	 * it below; without that, the disk would keep the first store. */
	static char mapped[16384];
	int mfd = open("/mapped", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(mfd >= 0 && ftruncate(mfd, sizeof(mapped)) == 0, "create /mapped");
	char *map = mmap(NULL, sizeof(mapped), PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	CHECK(map != MAP_FAILED, "mmap shared");
	sync();		/* the new name, the inode: only the pages remain */
	CHECK(wb_wait_clean(30000) >= 0, "clean after sync");
	memset(map, 'a', sizeof(mapped));
	unsigned long flushes = blk_stats("vda").flush;
	CHECK(msync(map, sizeof(mapped), MS_SYNC) == 0, "msync");
	CHECK(blk_stats("vda").flush > flushes, "msync ended with a device FLUSH");
	CHECK(vmstat("nr_dirty") == 0, "msync wrote the page");
	memcpy(map + 100, "the second store", 16);
	CHECK(vmstat("nr_dirty") >= 1, "the store after msync made the page dirty again");
	memset(mapped, 'a', sizeof(mapped));
	memcpy(mapped + 100, "the second store", 16);

	static char buf[MiB];
	uint32_t crc = 0;
	int fd = open("/big", O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK(fd >= 0, "create big");
	for (long i = 0; i < 64; i++) {
		for (size_t k = 0; k < sizeof(buf); k += 8)
			*(uint64_t *)(buf + k) = ((uint64_t)i << 20 | k) * 0x9e3779b97f4a7c15ULL;
		crc = wb_crc32(crc, buf, sizeof(buf));
		CHECK(write(fd, buf, sizeof(buf)) == sizeof(buf), "write 1 MiB");
	}
	CHECK(close(fd) == 0, "close (no fsync)");
	CHECK(mkdir("/d", 0755) == 0, "mkdir");
	const char small[] = "a small file in a new directory\n";
	fd = open("/d/small", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0 && write(fd, small, sizeof(small) - 1) == sizeof(small) - 1, "small file");
	close(fd);
	long dirty = vmstat("nr_dirty");
	printf("wb_crash: %ld MiB dirty after the writes\n", dirty >> 8);
	CHECK(dirty >= 64 * 256, "all of it is dirty: nothing wrote it yet");
	wb_set("dirty_writeback_centisecs", 100);	/* now the periodic pass, every 1 s */

	long ms = wb_wait_clean(60000);
	CHECK(ms >= 0, "Dirty and Writeback reach 0 by themselves");
	printf("wb_crash: clean %ld ms after the writes; periodic pass %ld pages, background %ld\n",
	       ms, vmstat("flusher_kupdate") - kup, vmstat("flusher_background") - bgw);
	CHECK(meminfo_kb("Dirty") == 0 && meminfo_kb("Writeback") == 0, "meminfo agrees");
	CHECK(vmstat("flusher_kupdate") - kup >= 64 * 256, "written by the periodic pass");
	CHECK(vmstat("flusher_background") == bgw, "not by the background pass");
	printf("CRC32 /big %08x\nCRC32 /mapped %08x\n", crc, wb_crc32(0, mapped, sizeof(mapped)));
	printf("CHECKSUM /d/small %016llx\n",
	       (unsigned long long)fnv64(FNV64_INIT, small, sizeof(small) - 1));
	t_ok("wb_crash: written back, now the power cut");
	wb_power_cut();
	return 0;
}
