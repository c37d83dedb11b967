/* fd_share.c - the fd and f_pos rules of read(2) when a file or a table
 * is shared (the kernel looks an fd up without the table's lock, and
 * takes f_pos_lock, only when nothing is shared: fdget/fdget_pos).
 *  1. One open file, its f_pos shared by three processes (fork) reading
 *     it in 4 KiB calls at once: every page is read exactly once (a read
 *     at f_pos is atomic with its update of f_pos).
 *  2. Threads (one shared fd table): one thread reads fd N over and over
 *     while another keeps putting freshly opened files at N with dup2
 *     and closing N, so each file there is freed as soon as it leaves
 *     the table. Every read sees one whole file's data or EBADF.
 *  3. A process that stops sharing its table (the thread exits) and
 *     then reads on its own still reads and seeks correctly. */
#define _GNU_SOURCE
#include "t.h"
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define DIR "/tmp/fd_share"
#define PG 4096
#define PAGES 512
#define READERS 3
#define SWAPS 3000

static void make_file(const char *path, int pages, int (*tag)(int))
{
	static int buf[PG / sizeof(int)];
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK(fd >= 0, "create");
	for (int p = 0; p < pages; p++) {
		for (size_t i = 0; i < PG / sizeof(int); i++)
			buf[i] = tag(p);
		CHECK(write(fd, buf, PG) == PG, "write");
	}
	CHECK(close(fd) == 0, "close");
}

static int tag_index(int p) { return p; }
static int tag_a(int p) { (void)p; return 0x41414141; }
static int tag_b(int p) { (void)p; return 0x42424242; }

static void shared_fpos(void)
{
	int *seen = mmap(NULL, PAGES * sizeof(int), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(seen != MAP_FAILED, "mmap");
	make_file(DIR "/pages", PAGES, tag_index);
	int fd = open(DIR "/pages", O_RDONLY);
	CHECK(fd >= 0, "open");
	pid_t kids[READERS - 1];
	for (int k = 0; k < READERS; k++) {
		pid_t pid = k < READERS - 1 ? fork() : 0;
		CHECK(pid >= 0, "fork");
		if (pid > 0) {
			kids[k] = pid;
			continue;
		}
		int buf[PG / sizeof(int)];
		ssize_t r;
		while ((r = read(fd, buf, PG)) == PG) {
			int p = buf[0];
			CHECK(p >= 0 && p < PAGES && buf[PG / sizeof(int) - 1] == p, "page tag");
			__atomic_fetch_add(&seen[p], 1, __ATOMIC_SEQ_CST);
		}
		CHECK(r == 0, "read to EOF");
		if (k < READERS - 1)
			_exit(0);
	}
	for (int k = 0; k < READERS - 1; k++)
		CHECK(t_wait(kids[k]) == 0, "reader child");
	for (int p = 0; p < PAGES; p++)
		CHECK(seen[p] == 1, "each page read once from the shared f_pos");
	CHECK(lseek(fd, 0, SEEK_CUR) == PAGES * PG, "shared f_pos at EOF");
	close(fd);
	munmap(seen, PAGES * sizeof(int));
}

static volatile int swapping = 1;
static int target;		/* the fd the swapper keeps replacing */

static void *swapper(void *arg)
{
	(void)arg;
	for (int i = 0; i < SWAPS; i++) {
		int fd = open(i & 1 ? DIR "/b" : DIR "/a", O_RDONLY);
		CHECK(fd >= 0, "open a/b");
		if (fd != target) {	/* (target was closed: open reused it) */
			CHECK(dup2(fd, target) == target, "dup2");	/* frees the file there */
			CHECK(close(fd) == 0, "close temp");	/* only the table holds it */
		}
		if (i % 3 == 2)
			CHECK(close(target) == 0, "close target");
	}
	swapping = 0;
	return NULL;
}

static void threads_dup2(void)
{
	make_file(DIR "/a", 1, tag_a);
	make_file(DIR "/b", 1, tag_b);
	target = open(DIR "/a", O_RDONLY);
	CHECK(target >= 0, "open target");
	pthread_t t;
	CHECK(pthread_create(&t, NULL, swapper, NULL) == 0, "pthread_create");
	long whole = 0, ebadf = 0;
	int buf[PG / sizeof(int)];
	while (swapping) {
		memset(buf, 0, sizeof(buf));
		ssize_t r = pread(target, buf, PG, 0);
		if (r < 0) {
			CHECK(errno == EBADF, "pread error other than EBADF");
			ebadf++;
			continue;
		}
		CHECK(r == PG, "short pread");
		for (size_t i = 1; i < PG / sizeof(int); i++)
			CHECK(buf[i] == buf[0], "a page mixed from two files");
		CHECK(buf[0] == 0x41414141 || buf[0] == 0x42424242, "foreign data");
		whole++;
	}
	CHECK(pthread_join(t, NULL) == 0, "pthread_join");
	printf("fd_share: %ld whole reads, %ld EBADF during %d swaps\n", whole, ebadf, SWAPS);
	CHECK(whole > 0, "no read succeeded");
	/* Alone again (the thread is gone): the lockless lookup. */
	close(target);
	int fd = open(DIR "/pages", O_RDONLY);
	CHECK(fd >= 0, "reopen");
	CHECK(lseek(fd, 7 * PG, SEEK_SET) == 7 * PG, "lseek");
	CHECK(read(fd, buf, PG) == PG && buf[0] == 7, "read after lseek");
	CHECK(lseek(fd, 0, SEEK_CUR) == 8 * PG, "f_pos advanced");
	close(fd);
	CHECK(read(fd, buf, PG) == -1 && errno == EBADF, "read of a closed fd");
	CHECK(read(-1, buf, PG) == -1 && errno == EBADF, "read of fd -1");
	CHECK(read(100000, buf, PG) == -1 && errno == EBADF, "read of a huge fd");
}

int main(void)
{
	mkdir(DIR, 0755);
	shared_fpos();
	threads_dup2();
	unlink(DIR "/pages");
	unlink(DIR "/a");
	unlink(DIR "/b");
	rmdir(DIR);
	t_ok("fd_share");
	return 0;
}
