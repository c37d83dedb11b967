/* fs_race.c - writes, truncates, writeback and cache drops racing on one
 * file while another file keeps allocating and freeing blocks: no data
 * may land in the wrong place. Every page ever written holds a pattern
 * naming its file and page index, so afterwards (everything written back
 * and dropped from the cache, then read from the disk again) each page
 * of the raced file must be all zeros or its own pattern, the churned
 * file must hold its own pages, and a bystander file written before the
 * race must be unchanged. A block freed by truncate but still used by a
 * stale cached block number (ext2 keeps one per folio) would show up as
 * a foreign page here, and the host's e2fsck checks the image after an
 * ext2-root boot. */
#define _GNU_SOURCE
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdint.h>

#define DIR "/tmp/fs_race"
#define PG 4096
#define RACE_PAGES 96
#define RACE_MS 2500

static void page_fill(uint64_t *p, uint64_t file, uint64_t idx)
{
	for (int i = 0; i < PG / 8; i++)
		p[i] = file << 48 | idx << 16 | i;
}

/* The first n bytes of a page may read as (file, idx)'s pattern up to
 * k bytes and zeros after, for k = 0 (a hole), 100 (a truncation to
 * 100 bytes into the page, later extended) or the whole page. */
static int page_ok(const uint64_t *p, size_t n, uint64_t file, uint64_t idx)
{
	static const size_t ks[] = { 0, 100, PG };
	uint64_t w[PG / 8];
	page_fill(w, file, idx);
	for (int j = 0; j < 3; j++) {
		size_t k = ks[j] < n ? ks[j] : n;
		int ok = !memcmp(p, w, k);
		for (size_t b = k; ok && b < n; b++)
			ok = ((const char *)p)[b] == 0;
		if (ok)
			return 1;
	}
	return 0;
}

static unsigned long rnd(unsigned long *s)
{
	*s = *s * 6364136223846793005UL + 1442695040888963407UL;
	return *s >> 33;
}

static void writer(void)	/* whole pages at random places, truncates */
{
	uint64_t p[PG / 8];
	unsigned long s = getpid();
	int fd = open(DIR "/raced", O_RDWR);
	double end = t_now() + RACE_MS / 1000.0;
	while (t_now() < end) {
		unsigned long idx = rnd(&s) % RACE_PAGES;
		if (rnd(&s) % 8 == 0) {
			CHECK(ftruncate(fd, (off_t)(rnd(&s) % RACE_PAGES) * PG + rnd(&s) % 2 * 100) == 0,
			      "ftruncate");
			continue;
		}
		page_fill(p, 1, idx);
		CHECK(pwrite(fd, p, PG, (off_t)idx * PG) == PG, "pwrite");
	}
}

static void churner(void)	/* allocates and frees blocks elsewhere */
{
	uint64_t p[PG / 8];
	double end = t_now() + RACE_MS / 1000.0;
	for (int round = 0; t_now() < end; round++) {
		int fd = open(DIR "/churn", O_CREAT | O_TRUNC | O_RDWR, 0644);
		CHECK(fd >= 0, "create churn");
		for (int i = 0; i < 32; i++) {
			page_fill(p, 2, i);
			CHECK(write(fd, p, PG) == PG, "write churn");
		}
		if (round % 2)
			CHECK(fsync(fd) == 0, "fsync churn");
		close(fd);
	}
}

static void flusher(void)	/* writeback and cache drops of the raced file */
{
	int fd = open(DIR "/raced", O_RDWR);
	double end = t_now() + RACE_MS / 1000.0;
	while (t_now() < end) {
		CHECK(fsync(fd) == 0, "fsync raced");
		CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0, "DONTNEED raced");
		t_sleep_ms(5);
	}
}

/* fsync, drop the cache, and check every page of path. */
static void verify(const char *path, uint64_t file, int want_all)
{
	uint64_t p[PG / 8];
	struct stat st;
	int fd = open(path, O_RDWR);
	CHECK(fd >= 0 && fstat(fd, &st) == 0, "open to verify");
	CHECK(fsync(fd) == 0, "fsync to verify");
	CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0, "drop to verify");
	for (off_t idx = 0; idx * PG < st.st_size; idx++) {
		ssize_t n = pread(fd, p, PG, idx * PG);
		CHECK(n > 0, "pread to verify");
		uint64_t w[PG / 8];
		page_fill(w, file, idx);
		int ok = want_all ? !memcmp(p, w, n) : page_ok(p, n, file, idx);
		if (!ok) {
			printf("fs_race: %s page %ld: %016llx %016llx\n", path, (long)idx,
			       (unsigned long long)p[0], (unsigned long long)p[1]);
			CHECK(0, "every page is zeros or its own pattern");
		}
	}
	close(fd);
}

int main(void)
{
	uint64_t p[PG / 8];
	mkdir("/tmp", 01777);
	CHECK(mkdir(DIR, 0755) == 0 || errno == EEXIST, "mkdir");
	int fd = open(DIR "/bystander", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0, "create bystander");
	for (int i = 0; i < 64; i++) {
		page_fill(p, 3, i);
		CHECK(write(fd, p, PG) == PG, "write bystander");
	}
	CHECK(fsync(fd) == 0, "fsync bystander");
	close(fd);
	fd = open(DIR "/raced", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0, "create raced");
	close(fd);

	void (*racers[3])(void) = { writer, churner, flusher };
	pid_t kids[3];
	fflush(NULL);
	for (int i = 0; i < 3; i++) {
		kids[i] = fork();
		CHECK(kids[i] >= 0, "fork");
		if (!kids[i]) {
			racers[i]();
			_exit(0);
		}
	}
	for (int i = 0; i < 3; i++)
		CHECK(t_wait(kids[i]) == 0, "racer exit status");
	verify(DIR "/raced", 1, 0);
	verify(DIR "/churn", 2, 1);
	verify(DIR "/bystander", 3, 1);
	unlink(DIR "/raced");
	unlink(DIR "/churn");
	unlink(DIR "/bystander");
	rmdir(DIR);
	t_ok("fs_race");
	return 0;
}
