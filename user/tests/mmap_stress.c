/* mmap_stress.c - several processes on several harts map, fault, write,
 * truncate and unmap the same files at once: 30 s on an ext2 root (the
 * ext2 root boot, which then checks the image with e2fsck and the kept
 * files with debugfs against the CHECKSUM lines printed here), 4 s
 * elsewhere. Each worker picks operations at random on four shared files
 * (shared and private mappings, stores, read/write, truncate down and up,
 * mprotect, mremap, madvise, msync, fork) and tolerates the SIGBUS a
 * store past another worker's truncation earns; on a file of its own it
 * also checks that mapped stores, read() and truncation agree. When they
 * are done: every scratch file is removed and the kept files' cache
 * dropped (on the RAM root they are removed too), and free memory plus
 * the page cache must be back where they started, give or take 800 KiB of
 * kernel caches (this kernel: no page leaked by the fault paths, COW,
 * truncation or unmap). */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include "mmt.h"

#define NFILES 4
#define MAXPG 64
#define NWORKERS 4
#define KEEP "/tmp/keep-stress"
#define EXT2_MAGIC 0xEF53

static char shared_path[NFILES][128];
static unsigned long rng;

static unsigned long rnd(unsigned long n)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (rng >> 33) % n;
}

/* A touch that may hit a page another worker truncated away. */
static int store(char *p, char v)
{
	int s = probe(p, 1, v);
	CHECK(s == 0 || s == SIGBUS, "only SIGBUS past a moving EOF");
	return s;
}

/* One random operation on a shared file. */
static void shared_op(int fd)
{
	long pages = 1 + rnd(MAXPG), off = rnd(MAXPG / 2);
	int kind = rnd(10);
	if (kind == 0) {
		CHECK(ftruncate(fd, rnd(MAXPG * PG)) == 0, "ftruncate");
		return;
	}
	if (kind == 1) {
		char buf[PG];
		memset(buf, (int)rnd(256), sizeof(buf));
		CHECK(pwrite(fd, buf, 1 + rnd(PG), rnd(MAXPG * PG)) > 0, "pwrite");
		return;
	}
	int shared = rnd(2);
	char *m = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE, shared ? MAP_SHARED : MAP_PRIVATE,
		       fd, off * PG);
	CHECK(m != MAP_FAILED, "mmap");
	for (int i = 0, n = 1 + rnd(8); i < n; i++)
		store(m + rnd(pages) * PG + rnd(PG), (char)rnd(256));
	switch (kind) {
	case 2:
		CHECK(mprotect(m, pages * PG, PROT_READ) == 0, "mprotect");
		break;
	case 3: {
		char *n = mremap(m, pages * PG, (pages + 4) * PG, MREMAP_MAYMOVE);
		CHECK(n != MAP_FAILED, "mremap");
		m = n;
		pages += 4;
		store(m + (pages - 1) * PG, 1);
		break;
	}
	case 4:
		CHECK(madvise(m, pages * PG, MADV_DONTNEED) == 0, "madvise");
		break;
	case 5:
		CHECK(msync(m, pages * PG, MS_SYNC) == 0, "msync");
		break;
	case 6: {	/* a child shares the mapping, copy-on-write if private */
		fflush(NULL);
		pid_t pid = fork();
		CHECK(pid >= 0, "fork");
		if (pid == 0) {
			for (int i = 0; i < 4; i++)
				store(m + rnd(pages) * PG, 2);
			_exit(0);
		}
		int st = t_wait(pid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child");
		break;
	}
	}
	CHECK(munmap(m, pages * PG) == 0, "munmap");
}

/* Stores through a mapping are read() at once; truncation zeroes. */
static void own_file_check(int fd)
{
	long pages = 8 + rnd(24);
	CHECK(ftruncate(fd, pages * PG) == 0, "own ftruncate");
	unsigned char *m = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "own mmap");
	long i = rnd(pages);
	unsigned seed = rnd(1000);
	fill(m + i * PG, i * PG, PG, seed);
	unsigned char b[PG];
	CHECK(pread(fd, b, PG, i * PG) == PG && bad_at(b, i * PG, PG, seed) < 0,
	      "read() sees the mapped store");
	CHECK(ftruncate(fd, i * PG + 10) == 0 && ftruncate(fd, pages * PG) == 0, "cut and regrow");
	CHECK(bad_at(m + i * PG, i * PG, 10, seed) < 0, "below the cut kept");
	for (long k = i * PG + 10; k < (i + 1) * PG; k++)
		CHECK(m[k] == 0, "past the cut: zeros after regrowing");
	munmap(m, pages * PG);
}

static void worker(int id, double secs)
{
	char own[128];
	int fds[NFILES];
	rng = 0x9e3779b97f4a7c15UL * (id + 1) ^ (unsigned long)getpid();
	probe_init();
	snprintf(own, sizeof(own), "/tmp/mmap_stress.own.%d", id);
	int ofd = open(own, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(ofd >= 0, "own file");
	for (int f = 0; f < NFILES; f++)
		CHECK((fds[f] = open(shared_path[f], O_RDWR)) >= 0, "open shared file");
	double end = t_now() + secs;
	long ops = 0;
	while (t_now() < end) {
		if (rnd(8) == 0)
			own_file_check(ofd);
		else
			shared_op(fds[rnd(NFILES)]);
		ops++;
	}
	close(ofd);
	unlink(own);
	for (int f = 0; f < NFILES; f++)
		close(fds[f]);
	printf("mmap_stress: worker %d: %ld operations\n", id, ops);
	_exit(0);
}

/* The file's checksum, read through a mapping of it. */
static uint64_t checksum(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && fstat(fd, &st) == 0, "open for checksum");
	if (!st.st_size) {
		close(fd);
		return FNV64_INIT;
	}
	unsigned char *m = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "map for checksum");
	uint64_t h = fnv64(m, st.st_size, FNV64_INIT);
	munmap(m, st.st_size);
	close(fd);
	return h;
}

int main(void)
{
	struct statfs sf;
	int o = ours(), on_ext2 = statfs("/tmp", &sf) == 0 && sf.f_type == EXT2_MAGIC;
	double secs = o && on_ext2 ? 30 : 4;
	/* free plus page cache: reclaim may trade one for the other */
	long free0 = vmstat("nr_free_pages") + vmstat("nr_file_pages");
	mkdir(KEEP, 0755);
	for (int f = 0; f < NFILES; f++) {
		snprintf(shared_path[f], sizeof(shared_path[f]), "%s/file%d", KEEP, f);
		close(make_file(shared_path[f], (f + 1) * 8 * PG, f));
	}
	pid_t pid[NWORKERS];
	for (int i = 0; i < NWORKERS; i++) {
		fflush(NULL);
		if ((pid[i] = fork()) == 0)
			worker(i, secs);
		CHECK(pid[i] > 0, "fork worker");
	}
	for (int i = 0; i < NWORKERS; i++) {
		int st = t_wait(pid[i]);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "worker finished cleanly");
	}
	for (int f = 0; f < NFILES; f++) {
		int fd = open(shared_path[f], O_RDWR);
		CHECK(fd >= 0 && fsync(fd) == 0, "fsync kept file");
		printf("CHECKSUM %s %016llx\n", shared_path[f],
		       (unsigned long long)checksum(shared_path[f]));
		CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0, "drop its cache");
		close(fd);
	}
	if (!on_ext2)		/* the RAM root: the kept files' pages are memory */
		for (int f = 0; f < NFILES; f++)
			unlink(shared_path[f]);
	if (o) {
		long leaked = free0 - vmstat("nr_free_pages") - vmstat("nr_file_pages");
		printf("mmap_stress: %ld free or cache pages before, %ld after\n", free0,
		       free0 - leaked);
		CHECK(leaked < 200, "free memory came back (no pages leaked)");
	}
	t_ok("mmap_stress");
	return 0;
}
