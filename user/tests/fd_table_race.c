/* fd_table_race.c - a shared fd table that grows, shrinks and is copied
 * at once (the fuzzer once saw an Oops in dup_fd during clone: a store
 * through a garbage fd-table entry).
 *
 * Each round is a fresh process (a fresh 64-slot table) with two
 * threads sharing it: one dup2()s a file to ever higher fds (each power
 * of two past the table's size grows it: expand_files drops the table's
 * lock to allocate and swaps the arrays) and closes some of them, while
 * the other forks (dup_fd copies the table under the lock). Every child
 * checks its copy: each open fd names the test's file (fstat: the same
 * inode), close_on_exec was copied with it, every fd the walk had opened
 * and kept before the fork is there (a copy sized before the table grew
 * again loses them), and it exits. A garbage or freed entry is an Oops,
 * a wrong inode or a dead child. */
#define _GNU_SOURCE
#include "t.h"
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>

#define ROUNDS 40
#define MAXFD 1024		/* NR_OPEN_MAX: dup2 up to 1023 */

static int base;
static struct stat want;
static volatile int stop;
static char cloexec[MAXFD];	/* the flag each fd of the walk gets */
static char kept[MAXFD];	/* walk fds never closed */
static volatile int done;	/* the grower's last finished fd */

/* The grower's walk: fd and step n, in order. */
#define FOR_EACH_STEP(fd, n) \
	for (int fd = 3, n = 0; fd < MAXFD && !stop; fd += 1 + n % 7, n++) \
		if (fd != base)

/* Thread: grow the table step by step, punching holes as it goes. */
static void *grower(void *arg)
{
	(void)arg;
	FOR_EACH_STEP(fd, n) {
		CHECK(dup3(base, fd, cloexec[fd] ? O_CLOEXEC : 0) == fd, "dup3 to a new fd");
		if (!kept[fd])
			CHECK(close(fd) == 0, "close");
		done = fd;
	}
	return NULL;
}

/* In a forked child: the table it got is a consistent copy, holding
 * at least every kept fd up to upto (the walk had passed it). */
static void check_copy(int upto)
{
	for (int fd = 3; fd < MAXFD; fd++) {
		int fl = fcntl(fd, F_GETFD);
		struct stat st;

		if (fl < 0) {
			if (errno != EBADF || (fd <= upto && kept[fd]))
				_exit(2);
			continue;
		}
		if (fstat(fd, &st) || st.st_ino != want.st_ino || st.st_dev != want.st_dev)
			_exit(3);
		if (!!(fl & FD_CLOEXEC) != cloexec[fd])
			_exit(4);
	}
	_exit(0);
}

/* One fresh process: a grower thread, the main thread forking. */
static void one_round(void)
{
	pthread_t t;
	int forks = 0;

	stop = 0;
	done = 0;
	CHECK(pthread_create(&t, NULL, grower, NULL) == 0, "pthread_create");
	for (int i = 0; i < 12; i++) {
		int upto = done;
		pid_t pid = fork();

		CHECK(pid >= 0, "fork");
		if (pid == 0)
			check_copy(upto);
		int st = t_wait(pid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child's copy of the table is sound");
		forks++;
	}
	stop = 1;
	CHECK(pthread_join(t, NULL) == 0, "pthread_join");
	CHECK(forks == 12, "forks");
}

int main(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/tmp/fd_table_race.%d", getpid());
	base = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(base >= 0 && fstat(base, &want) == 0, "the test's file");
	CHECK(unlink(path) == 0, "unlink");
	FOR_EACH_STEP(fd, n) {
		cloexec[fd] = n % 3 == 0;
		kept[fd] = n % 5 != 4;
	}
	for (int r = 0; r < ROUNDS; r++) {
		int st = t_child(one_round);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a round");
	}
	CHECK(close(base) == 0, "close");
	t_ok("fd_table_race");
	return 0;
}
