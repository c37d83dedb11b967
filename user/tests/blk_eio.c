/* blk_eio.c - a device error comes back as EIO on exactly the failing
 * range: QEMU's blkdebug makes reads of sector 32768 of /dev/vdc fail;
 * reads around it succeed before and after, and the kernel keeps going.
 * Skipped without vdc. */
#include "blk.h"
#include <sys/mman.h>

int main(void)
{
	int fd = blk_open_or_skip("/dev/vdc", "blk_eio");
	char *buf = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	off_t bad = 32768LL * 512;
	CHECK(pread(fd, buf, 65536, bad - 65536) == 65536, "read just before the bad sector");
	CHECK_ERR(pread(fd, buf, 4096, bad), EIO, "read of the bad sector -> EIO");
	CHECK_ERR(pread(fd, buf, 1 << 20, bad - 4096), EIO, "a large read covering it -> EIO");
	CHECK(pread(fd, buf, 65536, bad + 4096) == 65536, "read just after it");
	for (int i = 0; i < 3; i++)
		CHECK_ERR(pread(fd, buf, 512, bad), EIO, "still EIO, kernel still fine");
	CHECK(pwrite(fd, buf, 4096, 0) == 4096, "writes elsewhere work");
	t_ok("blk_eio");
	return 0;
}
