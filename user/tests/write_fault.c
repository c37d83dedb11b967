/* write_fault.c - write(2), pwrite(2) and writev(2) from a buffer that
 * runs into a PROT_NONE page in the middle of a page of the file: the
 * bytes up to the bad page are written and counted, a write that starts
 * on the bad page fails with EFAULT (it used to retry the short copy
 * forever, holding the file's lock). Runs in a child that is killed if
 * it does not finish. qemu-user (make test-linux) refuses the whole
 * buffer instead: there only EFAULT is checked. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
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

int main(void)
{
	snprintf(path, sizeof(path), "/tmp/write_fault.%d", getpid());
	int st = t_child_timeout(writes, 60);
	CHECK(st != -1, "writes hung (killed after 60 s)");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writes failed");
	t_ok("write_fault");
	return 0;
}
