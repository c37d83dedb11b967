/* mmap_file.c - file mappings map the page cache (the RAM root in the
 * config boots, ext2 on the ext2 root, Linux under qemu-riscv64):
 *  - mapped bytes equal read() bytes at every offset, for every
 *    page-aligned mapping offset, and the bytes past EOF in the last page
 *    read as zero and never reach the file;
 *  - a MAP_SHARED store is seen at once by read() in another process;
 *    a MAP_PRIVATE store never reaches the file or other mappings;
 *    write() then mapped read and mapped write then read() agree;
 *  - touching a page past EOF is SIGBUS (BUS_ADRERR, si_addr);
 *  - truncate under a live mapping: SIGBUS past the new EOF (private
 *    copies too), the data below intact, zeros after growing back;
 *  - a mapping keeps its file alive after close and unlink;
 *  - fork shares MAP_SHARED pages and copies MAP_PRIVATE ones on write;
 *  - the kernel touching user memory takes the same fault path: read()
 *    of a file into its own mapping, write() from it, and a pipe read
 *    into a shared mapping;
 *  - a MAP_SHARED store plus msync(MS_SYNC) reaches the disk, and so
 *    does a second store into the same, now clean, pages: the file stays
 *    behind with a CHECKSUM line, which the ext2 root boot checks with
 *    debugfs after power-off. */
#define _GNU_SOURCE
#include <sys/stat.h>
#include "mmt.h"

#define KEEP "/tmp/keep-mmap"
static char path[256];

/* Every byte of every page-aligned view of a 5.5-page file. */
static void bytes_match(void)
{
	size_t size = 5 * PG + 1234;
	int fd = make_file(path, size, 1);
	static unsigned char rd[6 * PG];
	CHECK(pread(fd, rd, size, 0) == (ssize_t)size, "read back");
	for (long off = 0; off < 6 * PG; off += PG) {
		unsigned char *m = mmap(NULL, 6 * PG - off, PROT_READ, MAP_SHARED, fd, off);
		CHECK(m != MAP_FAILED, "mmap at a page offset");
		for (long i = 0; off + i < (long)size; i++)
			CHECK(m[i] == rd[off + i], "mapped byte == read byte");
		if (off < (long)size) {	/* the rest of the last page */
			for (long i = size - off; i < ALIGN_PG(size) - off; i++)
				CHECK(m[i] == 0, "bytes past EOF read as zero");
		}
		CHECK(munmap(m, 6 * PG - off) == 0, "munmap");
	}
	/* stores past EOF in the last page never reach the file */
	unsigned char *m = mmap(NULL, 6 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "mmap rw");
	memset(m + size, 0x5a, ALIGN_PG(size) - size);
	CHECK(msync(m, 6 * PG, MS_SYNC) == 0, "msync");
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == (off_t)size, "size unchanged by tail store");
	CHECK(ftruncate(fd, size + 100) == 0, "grow by 100");
	CHECK(pread(fd, rd, 100, size) == 100, "read grown part");
	for (int i = 0; i < 100; i++)
		CHECK(rd[i] == 0, "tail store did not reach the file");
	CHECK(probe((char *)m + 5 * PG + 100, 0, 0) == 0, "the last page is still readable");
	CHECK(munmap(m, 6 * PG) == 0, "munmap");
	close(fd);
	unlink(path);
}

/* Shared stores are the file; private ones are not; fork keeps both. */
static void shared_private(void)
{
	int fd = make_file(path, 4 * PG, 2);
	unsigned char *s = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	unsigned char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	unsigned char b[16];
	CHECK(s != MAP_FAILED && p != MAP_FAILED, "mmap shared and private");
	p[100] = 0x11;		/* private copy of page 0 */
	CHECK(s[100] == pat8(100, 2), "private store invisible to the shared view");
	CHECK(pread(fd, b, 1, 100) == 1 && b[0] == pat8(100, 2), "private store not in the file");
	s[PG + 7] = 0x22;
	CHECK(pread(fd, b, 1, PG + 7) == 1 && b[0] == 0x22, "shared store read at once");
	CHECK(p[PG + 7] == 0x22, "private view sees the file until it writes");
	CHECK(pwrite(fd, "\x33", 1, 2 * PG) == 1, "pwrite");
	CHECK(s[2 * PG] == 0x33 && p[2 * PG] == 0x33, "write() seen by both mappings");
	fflush(NULL);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {		/* the child: shared store, private store */
		s[3 * PG] = 0x44;
		p[3 * PG + 1] = 0x55;
		_exit(p[100] == 0x11 ? 0 : 3);	/* the private copy came along */
	}
	int st = t_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child saw the parent's private copy");
	CHECK(s[3 * PG] == 0x44, "child's shared store seen by the parent");
	CHECK(pread(fd, b, 2, 3 * PG) == 2 && b[0] == 0x44, "child's shared store in the file");
	CHECK(b[1] == pat8(3 * PG + 1, 2) && p[3 * PG + 1] == pat8(3 * PG + 1, 2),
	      "child's private store stays in the child");
	p[100] = 0x66;		/* the parent's copy is its own again */
	CHECK(s[100] == pat8(100, 2), "still not in the file");
	munmap(s, 4 * PG);
	munmap(p, 4 * PG);
	close(fd);
	unlink(path);
}

/* Another process's read() sees a shared store at once. */
static void other_process(void)
{
	int fd = make_file(path, 2 * PG, 3), go[2], done[2];
	unsigned char *s = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(s != MAP_FAILED, "mmap");
	CHECK(pipe(go) == 0 && pipe(done) == 0, "pipe");
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		char c, b;
		int rfd = open(path, O_RDONLY);	/* its own open file */
		if (read(go[0], &c, 1) != 1 || pread(rfd, &b, 1, PG + 3) != 1)
			_exit(2);
		_exit(b == 0x77 ? 0 : 1);
	}
	s[PG + 3] = 0x77;
	CHECK(write(go[1], "x", 1) == 1, "signal child");
	int st = t_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "other process's read() sees the store");
	close(go[0]); close(go[1]); close(done[0]); close(done[1]);
	munmap(s, 2 * PG);
	close(fd);
	unlink(path);
}

/* SIGBUS past EOF; truncate under a live mapping. */
static void past_eof(void)
{
	int fd = make_file(path, 3 * PG + 10, 4);
	char *s = mmap(NULL, 6 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *p = mmap(NULL, 6 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(s != MAP_FAILED && p != MAP_FAILED, "mmap beyond EOF");
	CHECK_FAULT(s + 4 * PG, 0, SIGBUS, BUS_ADRERR, "read past EOF: SIGBUS");
	CHECK_FAULT(s + 5 * PG + 17, 1, SIGBUS, BUS_ADRERR, "write past EOF: SIGBUS");
	CHECK_FAULT(p + 4 * PG + 1, 1, SIGBUS, BUS_ADRERR, "private write past EOF: SIGBUS");
	CHECK(s[3 * PG + 9] == (char)pat8(3 * PG + 9, 4) && s[3 * PG + 10] == 0, "last page");
	p[2 * PG] = 1;		/* a private copy of page 2 */
	CHECK(ftruncate(fd, PG + 5) == 0, "truncate under the mappings");
	CHECK_FAULT(s + 2 * PG, 0, SIGBUS, BUS_ADRERR, "shared: SIGBUS past the new EOF");
	CHECK_FAULT(p + 2 * PG, 0, SIGBUS, BUS_ADRERR, "private copy past EOF gone too");
	CHECK(s[PG + 4] == (char)pat8(PG + 4, 4) && s[PG + 5] == 0, "data below kept, tail zeroed");
	CHECK(bad_at((unsigned char *)s, 0, PG + 5, 4) < 0, "data below EOF intact");
	CHECK(ftruncate(fd, 4 * PG) == 0, "grow back");
	for (long i = PG + 5; i < 4 * PG; i++)
		CHECK(s[i] == 0 && p[i] == 0, "zeros after growing back");
	munmap(s, 6 * PG);
	munmap(p, 6 * PG);
	close(fd);
	unlink(path);
}

/* The mapping holds the file: close and unlink change nothing. */
static void kept_alive(void)
{
	int fd = make_file(path, 8 * PG, 5);
	unsigned char *s = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(s != MAP_FAILED, "mmap");
	CHECK(close(fd) == 0 && unlink(path) == 0, "close and unlink");
	CHECK(bad_at(s, 0, 8 * PG, 5) < 0, "contents after unlink");
	memset(s + 3 * PG, 0xab, PG);
	CHECK(s[3 * PG + 5] == 0xab && s[7 * PG] == pat8(7 * PG, 5), "still writable");
	CHECK(munmap(s, 8 * PG) == 0, "munmap frees it");
}

/* The kernel's own accesses go through the same faults. */
static void kernel_access(void)
{
	int fd = make_file(path, 4 * PG, 6), pp[2];
	unsigned char *s = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	unsigned char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(s != MAP_FAILED && p != MAP_FAILED, "mmap");
	/* read() of the file into its own shared mapping: page 0 onto
	 * itself, then onto page 2 */
	CHECK(pread(fd, s, PG, 0) == PG, "read a page onto itself");
	CHECK(pread(fd, s + 2 * PG, PG, 0) == PG, "read into own mapping");
	CHECK(bad_at(s, 0, PG, 6) < 0 && bad_at(s + 2 * PG, 0, PG, 6) < 0,
	      "copied through the mapping");
	/* read() into a private mapping of the same file: a COW copy */
	CHECK(pread(fd, p + 3 * PG, PG, 0) == PG, "read into private mapping");
	CHECK(bad_at(p + 3 * PG, 0, PG, 6) < 0, "private copy filled");
	/* write() from the mapping to the file itself */
	unsigned char keep[PG];
	memcpy(keep, s, PG);
	CHECK(pwrite(fd, s, PG, 3 * PG) == PG, "write from own mapping");
	CHECK(!memcmp(s + 3 * PG, keep, PG), "written through");
	/* a pipe read lands in a shared mapping's untouched page */
	CHECK(munmap(s, 4 * PG) == 0, "munmap");
	s = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(pipe(pp) == 0 && write(pp[1], "pipe data", 9) == 9, "pipe");
	CHECK(read(pp[0], s + 2 * PG + 100, 9) == 9, "pipe read into mapping");
	char b[9];
	CHECK(pread(fd, b, 9, 2 * PG + 100) == 9 && !memcmp(b, "pipe data", 9), "in the file");
	close(pp[0]);
	close(pp[1]);
	munmap(s, 4 * PG);
	munmap(p, 4 * PG);
	close(fd);
	unlink(path);
}

/* A file left behind for the host: written through a shared mapping,
 * synced, checksummed; debugfs must agree after power-off. */
static void keep_for_host(void)
{
	char kpath[256];
	size_t size = 37 * PG + 1000;
	mkdir(KEEP, 0755);
	snprintf(kpath, sizeof(kpath), "%s/shared", KEEP);
	int fd = open(kpath, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && ftruncate(fd, size) == 0, "create sparse kept file");
	unsigned char *s = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(s != MAP_FAILED, "mmap kept file");
	for (size_t off = 0; off < size; off += 3 * PG)	/* every third page: holes stay */
		fill(s + off, off, off + PG <= size ? PG : size - off, 7);
	CHECK(msync(s, size, MS_SYNC) == 0, "msync");
	/* stores into pages already written back must fault, dirty them
	 * again and reach the disk with the next msync */
	for (size_t off = 0; off < size; off += 6 * PG)
		s[off + 17] ^= 0x5a;
	CHECK(msync(s, size, MS_SYNC) == 0, "msync again");
	uint64_t h = fnv64(s, size, FNV64_INIT);
	munmap(s, size);
	close(fd);
	printf("CHECKSUM %s %016llx\n", kpath, (unsigned long long)h);
}

int main(void)
{
	probe_init();
	snprintf(path, sizeof(path), "/tmp/mmap_file.%d", getpid());
	bytes_match();
	shared_private();
	other_process();
	past_eof();
	kept_alive();
	kernel_access();
	keep_for_host();
	t_ok("mmap_file");
	return 0;
}
