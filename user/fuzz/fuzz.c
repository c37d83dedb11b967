/* fuzz.c - the system-call fuzzer (docs/fuzzing.md).
 *
 *   fuzz [-d DEV] [-s SEED] [-n CALLS] [-w WORKERS] [-t SECS] [-W ONLY] [-v]
 *
 * Forks WORKERS processes; each makes CALLS random system calls from
 * the table in fuzz_table.h with arguments from fuzz_args.h, jailed
 * (chroot) in /fuzz, which holds the scratch ext2 (-d DEV, a disk whose
 * ext2 the run may destroy, mounted on /fuzz/ext2; without -d a ramfs
 * directory stands in) and a ramfs directory (/fuzz/ram).
 * Worker i's calls depend only on SEED and i: a failing seed replays.
 * Before each call a worker writes it to a shared slot; the parent is a
 * watchdog: a worker in one call for a quarter of a second gets SIGUSR1
 * (which ends any interruptible sleep: the call returns EINTR), and if
 * it is still there SECS seconds later it is stuck: reported with its
 * call and killed, and the run fails. A worker that dies of SIGKILL while
 * /proc/vmstat's oom_kill goes up was killed by the kernel's OOM rule:
 * reported ("FUZZ OOM ...") and counted, not a failure. Then the checks: fork and exec work,
 * the tmpfs and ramfs mounts the workers made unmount, a
 * file written on each scratch file system reads back, the ext2 umounts
 * (the host then runs e2fsck -fn on it).
 * Output lines for the host (tests/fuzz/fuzz.py): "FUZZ STUCK ...",
 * "FUZZ FAIL ...", "FUZZ OOM ...", "FUZZ CALLS n", "FUZZ DONE pass|fail". As pid 1 it
 * powers the machine off at the end. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "fuzz_table.h"
#include "fuzz_args.h"
#include "console.h"
#include "t.h"

#define MAX_WORKERS 16
#define DIRFD_SLOT 900		/* the worker's own directory (never fuzzed) */
#define LOG_SLOT 901		/* the console, for -v */
#define POKE_AFTER 0.25		/* s in one call before the watchdog's SIGUSR1 */
#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif

/* What a worker is doing, shared with the watchdog. */
struct slot {
	volatile long seq;		/* bumped before each call */
	volatile int call;		/* index into fuzz_calls */
	volatile unsigned long args[6];
	volatile long calls, ok;	/* calls made; of them, successful */
	volatile long pokes;		/* SIGUSR1s handled */
	volatile pid_t pid;
	volatile long ok_by_call[NCALLS];
	volatile long us_by_call[NCALLS];	/* time spent in each call */
};
static struct slot *slots;
static int me = -1;		/* worker index, -1 in the parent */
static int ram_fd = -1, ext2_fd = -1, jail_fd = -1;	/* the parent's: workers close them */
static ino_t ram_ino;
static int verbose;

/* Address ranges the worker must not unmap, remap or protect: all its
 * mappings but the arena, read from /proc/self/maps at setup. */
static unsigned long protect_lo[64], protect_hi[64];
static int nprotect;

static void on_poke(int sig)
{
	(void)sig;
	if (me >= 0)
		slots[me].pokes++;
}

static void on_other(int sig)
{
	(void)sig;
}

static void read_protected(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[256];
	nprotect = 0;
	while (f && fgets(line, sizeof(line), f) && nprotect < 63) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 &&
		    !(lo >= w.arena && hi <= w.arena + ARENA_SIZE)) {
			protect_lo[nprotect] = lo;
			protect_hi[nprotect++] = hi;
		}
	}
	if (f)
		fclose(f);
	/* GONE must stay unmapped for bad_ptr: a MAP_FIXED mmap there once
	 * made it anonymous memory, rt_sigpending wrote into it and
	 * rt_sigaction read a handler of 0x400 from GONE + 123 */
	protect_lo[nprotect] = GONE;
	protect_hi[nprotect++] = GONE + (1UL << 20);
}

/* May [a, a+len) be unmapped, remapped or protected? Not if it touches
 * the worker itself; kernel addresses and wrapping ranges fail anyway.
 * A huge length from a user address does not fail: madvise and msync
 * go on past holes (ENOMEM at the end), so MADV_DONTNEED of a terabyte
 * from the arena zapped the worker's own stack. */
static int range_ok(unsigned long a, unsigned long len)
{
	unsigned long end = a + ((len + 4095) & ~4095UL);
	if (a >= 0x4000000000UL || end < a)
		return 1;
	for (int i = 0; i < nprotect; i++)
		if (a < protect_hi[i] && end > protect_lo[i])
			return 0;
	return 1;
}

static void add_fd(long fd)
{
	if (fd < 3 || fd == DIRFD_SLOT || fd == LOG_SLOT)
		return;
	if (w.nfds < MAX_FDS) {
		w.fds[w.nfds++] = fd;
		return;
	}
	int i = 8 + below(MAX_FDS - 8);	/* the first 8 are the base files */
	syscall(SYS_close, w.fds[i]);
	w.fds[i] = fd;
}

static void add_map(unsigned long a, unsigned long len)
{
	int i = w.nmaps < MAX_MAPS ? w.nmaps++ : (int)below(MAX_MAPS);
	w.maps[i] = a;
	w.maplen[i] = len;
}

/* A clone whose child exits at once, touching no memory: its stack,
 * TLS and registers may be garbage. Signals are blocked around it so
 * the child never runs a handler (it inherits the mask). */
static long clone_exit(long nr, unsigned long a0, unsigned long a1, unsigned long a2,
		       unsigned long a3, unsigned long a4)
{
	uint64_t all = ~0ULL, old;
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, &old, 8);
	/* no function call from here to the asm: it would clobber a0-a7 */
	register long r0 asm("a0") = a0;
	register long r1 asm("a1") = a1;
	register long r2 asm("a2") = a2;
	register long r3 asm("a3") = a3;
	register long r4 asm("a4") = a4;
	register long r7 asm("a7") = nr;
	asm volatile("ecall\n\t"
		     "bnez a0, 1f\n\t"
		     "li a7, 93\n\t"	/* the child: exit(0) */
		     "ecall\n"
		     "1:"
		     : "+r"(r0) : "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r7) : "memory");
	long ret = r0;		/* before a call reuses a0 */
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, 8);
	return ret;
}

static unsigned long clone_flags(void)
{
	static const unsigned long base[] = {
		0, CLONE_VM, CLONE_VM | CLONE_VFORK, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD,
		CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
		CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID,
		CLONE_FILES, CLONE_FS, CLONE_FILES | CLONE_FS, CLONE_SIGHAND, CLONE_THREAD,
		CLONE_VFORK, CLONE_NEWNS, CLONE_PIDFD, CLONE_CHILD_SETTID | CLONE_PARENT_SETTID,
	};
	static const unsigned long sigs[] = { 0, SIGCHLD, SIGCHLD, SIGURG, SIGUSR2, 65 };
	unsigned long f = chance(95) ? PICK(base) : rnd();
	f &= ~(unsigned long)(CLONE_PARENT | 0xff);
	return f | PICK(sigs);
}

/* Builds the arguments of calls that need care; returns 0 if the call
 * was made (*ret set), -1 to make it with a[] as built. */
static sigjmp_buf touch_jb;

static void on_touch_fault(int sig)
{
	siglongjmp(touch_jb, sig);
}

/* The touch pseudo-call: read or write every page of a mapping the
 * worker made (a[0], a[1] pages, a[2]: 0 read, 1 write, 2 both) with
 * SIGSEGV and SIGBUS caught for the while. Its result: the pages
 * touched, or -EFAULT (SIGSEGV) / -EIO (SIGBUS) when one faulted. */
static long touch(unsigned long *a)
{
	struct sigaction sa = { .sa_handler = on_touch_fault }, old_segv, old_bus;
	sigset_t faults, old_mask;
	volatile long pages = 0;
	volatile unsigned char sum = 0;
	int i = below(w.nmaps);

	a[0] = w.maps[i];
	a[1] = w.maplen[i] < (1 << 20) ? w.maplen[i] : 1 << 20;
	a[2] = below(3);
	if (!range_ok(a[0], a[1]))	/* the worker's own memory since */
		return -EPERM;
	sigemptyset(&faults);
	sigaddset(&faults, SIGSEGV);
	sigaddset(&faults, SIGBUS);
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	sigprocmask(SIG_UNBLOCK, &faults, &old_mask);
	int sig = sigsetjmp(touch_jb, 1);
	if (!sig)
		for (unsigned long o = 0; o < a[1]; o += 4096, pages++) {
			volatile unsigned char *p = (unsigned char *)a[0] + o;
			if (a[2] != 1)
				sum += *p;
			if (a[2] != 0)
				*p = (unsigned char)(o >> 12);
		}
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return sig == SIGSEGV ? -EFAULT : sig == SIGBUS ? -EIO : pages;
}

/* Whether path names the jail's root (the worker's "/"). */
static int is_root(const char *path)
{
	struct stat st, root;
	return !stat(path, &st) && !stat("/", &root) && st.st_dev == root.st_dev &&
	       st.st_ino == root.st_ino;
}

static int special(int s, unsigned long *a, long *ret)
{
	switch (s) {
	case S_TOUCH:
		*ret = w.nmaps ? touch(a) : -ENOENT;
		return 0;
	case S_MMAP: {	/* mostly its base files (the first fds), mostly works */
		static const long prots[] = { PROT_READ, PROT_READ | PROT_WRITE, PROT_WRITE,
					      PROT_READ | PROT_EXEC, PROT_NONE };
		int fixed = chance(20);
		a[0] = fixed ? w.arena + below(ARENA_SIZE / 4096 - 64) * 4096 : 0;
		a[1] = (1 + below(64)) * 4096;
		a[2] = PICK(prots);
		a[3] = (chance(50) ? MAP_SHARED : MAP_PRIVATE) | (fixed ? MAP_FIXED : 0) |
		       (chance(10) ? MAP_POPULATE : 0);
		a[4] = w.nfds && chance(90) ? w.fds[below(w.nfds < 13 ? w.nfds : 13)] : gen_fd();
		a[5] = below(16) * 4096;
		return -1;
	}
	case S_CLONE:
		a[0] = clone_flags();
		a[1] = chance(50) ? 0 : gen_buf();
		a[2] = gen_buf();
		a[3] = rnd();
		a[4] = gen_buf();
		if (verbose > 1) {
			char l[128];
			int k = snprintf(l, sizeof(l), "clone %lx %lx %lx %lx %lx\n", a[0], a[1], a[2], a[3], a[4]);
			syscall(SYS_write, LOG_SLOT, l, k);
		}
		*ret = clone_exit(SYS_clone, a[0], a[1], a[2], a[3], a[4]);
		return 0;
	case S_CLONE3: {
		unsigned long *c = (unsigned long *)struct_space(96);
		static const long sizes[] = { 64, 80, 88, 0, 8, 4096, 100 };
		unsigned long f = clone_flags();
		c[0] = f & ~0xffUL;
		c[1] = gen_buf();	/* pidfd */
		c[2] = gen_buf();	/* child_tid */
		c[3] = gen_buf();	/* parent_tid */
		c[4] = f & 0xff;	/* exit_signal */
		c[5] = chance(50) ? 0 : (unsigned long)w.buf;	/* stack */
		c[6] = chance(50) ? 0 : gen_len();
		c[7] = rnd();		/* tls */
		c[8] = chance(90) ? 0 : gen_buf();
		c[9] = chance(90) ? 0 : below(3);
		c[10] = 0;
		a[0] = chance(92) ? (unsigned long)c : bad_ptr();
		a[1] = PICK(sizes);
		if (verbose > 1) {
			char l[200];
			int k = snprintf(l, sizeof(l), "clone3 %lx %lx: %lx %lx %lx %lx %lx %lx %lx %lx\n", a[0], a[1], c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
			syscall(SYS_write, LOG_SLOT, l, k);
		}
		*ret = clone_exit(SYS_clone3, a[0], a[1], 0, 0, 0);
		return 0;
	}
	case S_EXECVE: {	/* nothing in the jail is executable */
		unsigned long *v = (unsigned long *)struct_space(4 * 8);
		v[0] = gen_path();
		v[1] = chance(80) ? gen_path() : bad_ptr();
		v[2] = chance(90) ? 0 : bad_ptr();
		v[3] = 0;
		a[0] = gen_path();
		a[1] = chance(80) ? (unsigned long)v : gen_buf();
		a[2] = chance(50) ? 0 : (unsigned long)v;
		return -1;
	}
	case S_SIGACTION: {	/* never SIGUSR1, never a fatal default */
		static const long sigs[] = { SIGURG, SIGWINCH, SIGCHLD, SIGCONT, SIGUSR2, SIGALRM,
					     SIGTERM, 40, 0, 65, -1, SIGKILL, SIGSTOP };
		unsigned long *sa = (unsigned long *)struct_space(32);
		long sig = PICK(sigs);
		int ign_default = sig == SIGURG || sig == SIGWINCH || sig == SIGCHLD || sig == SIGCONT;
		sa[0] = chance(50) ? (unsigned long)on_other : (unsigned long)SIG_IGN;
		if (ign_default && chance(30))
			sa[0] = (unsigned long)SIG_DFL;
		sa[1] = rnd() & (ign_default ? ~0UL : ~(unsigned long)SA_RESETHAND);
		sa[1] &= ~(unsigned long)SA_RESTORER;
		sa[2] = rnd() & ~(1UL << (SIGUSR1 - 1));	/* sa_mask */
		a[0] = sig;
		a[1] = chance(85) ? (unsigned long)sa : (chance(50) ? 0 : bad_ptr());
		a[2] = gen_buf();
		a[3] = gen_sigsz();
		return -1;
	}
	case S_KILL: {
		static const long p[] = { 0, NOBODY, -NOBODY, (long)(int)0x80000000 };
		a[0] = chance(40) ? w.pid : chance(20) ? -(long)w.pid : PICK(p);
		a[1] = gen_sig();
		return -1;
	}
	case S_TGKILL:
		a[0] = chance(70) ? w.pid : gen_self();
		a[1] = chance(70) ? syscall(SYS_gettid) : gen_self();
		a[2] = gen_sig();
		return -1;
	case S_TKILL:
		a[0] = chance(70) ? syscall(SYS_gettid) : gen_self();
		a[1] = gen_sig();
		return -1;
	case S_MOUNT:	/* no bind, move or remount, nothing over the jail's root */
		a[0] = gen_path();
		a[1] = gen_path();
		if (is_root((const char *)a[1]))
			a[1] = (unsigned long)"/ram/nonexistent";
		a[2] = gen_fstype();
		a[3] = gen_int() & ~(MS_REMOUNT | MS_BIND | MS_MOVE);
		a[4] = gen_buf();
		return -1;
	case S_CHROOT: {	/* only where it is, or failing (see docs/fuzzing.md) */
		struct stat st;
		a[0] = gen_path();
		if (!stat((const char *)a[0], &st) && S_ISDIR(st.st_mode) && !is_root((const char *)a[0]))
			a[0] = (unsigned long)"/";
		return -1;
	}
	case S_UMOUNT:	/* no lazy umount of the scratch ext2 */
		a[0] = gen_path();
		a[1] = gen_flags() & ~MNT_DETACH;
		return -1;
	case S_BRK: {	/* never below where it started: malloc's memory */
		static const unsigned long far[] = { 0, -1UL, KADDR, 1UL << 30 };
		long cur = syscall(SYS_brk, 0);
		a[0] = chance(70) ? cur + below(64) * 4096 - (chance(30) ? 4096 : 0) : PICK(far);
		if (a[0] && a[0] < w.brk0)
			a[0] = w.brk0;
		if (a[0] && a[0] < 0x4000000000UL && a[0] > w.brk0 + (64UL << 20))
			a[0] = 0;	/* keep the heap small */
		return -1;
	}
	case S_RLIMIT: {	/* low limits hurt nobody but the worker */
		unsigned long *r = (unsigned long *)struct_space(16);
		r[0] = chance(50) ? below(2048) : gen_len();
		r[1] = chance(50) ? r[0] + below(100) : gen_len();
		a[0] = gen(K_RES);
		if (a[0] == RLIMIT_NOFILE && r[0] < 64)
			r[0] = 64;
		a[1] = chance(90) ? (unsigned long)r : bad_ptr();
		return -1;
	}
	case S_OPENAT2: {
		unsigned long *h = (unsigned long *)struct_space(24);
		h[0] = gen_oflags();
		h[1] = gen_mode();
		h[2] = chance(70) ? 0 : rnd() & 0x1f;
		a[0] = gen_dirfd();
		a[1] = gen_path();
		a[2] = chance(90) ? (unsigned long)h : bad_ptr();
		a[3] = chance(80) ? 24 : gen_len();
		return -1;
	}
	}
	return -1;
}

static unsigned long min_len(unsigned long a, unsigned long b)
{
	return a < b ? a : b;
}

/* Keep memory calls off the worker itself, and MAP_POPULATE small. */
static void sanitize(const struct fuzz_call *c, unsigned long *a)
{
	switch (c->nr) {
	case SYS_munmap: case SYS_mprotect: case SYS_madvise: case SYS_mremap:
	case SYS_mlock: case SYS_munlock: case SYS_msync:
		/* lengths are capped before the ranges are checked: a wrapping
		 * length passes range_ok (it fails in the kernel), capped after
		 * it named the worker's own memory */
		if (c->nr == SYS_mlock && a[1] > (1UL << 20))
			a[1] = 1UL << 20;
		if (!range_ok(a[0], a[1])) {
			a[0] = w.arena;
			a[1] = min_len(a[1], ARENA_SIZE);
		}
		if (c->nr == SYS_mremap) {
			if (a[2] > (64UL << 20) && a[2] < (1UL << 38))
				a[2] = 64UL << 20;
			if (!range_ok(a[4], a[2])) {
				a[4] = w.arena + ARENA_SIZE / 2;
				a[2] = min_len(a[2], ARENA_SIZE / 2);
			}
		}
		break;
	case SYS_mmap:
		/* populated now: keep it small, or one worker holds all
		 * memory and the others see ENOMEM everywhere (capped first:
		 * a MAP_FIXED of a wrapping length capped after the check
		 * mapped over the worker's buffer and its watchdog slot) */
		if ((a[3] & (MAP_POPULATE | MAP_LOCKED)) && a[1] > (1UL << 20))
			a[1] = 1UL << 20;
		if ((a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && !range_ok(a[0], a[1])) {
			a[0] = w.arena;
			a[1] = min_len(a[1], ARENA_SIZE);
		} else if (!range_ok(a[0], a[1])) {
			a[0] = 0;	/* a free hint is taken: never GONE */
		}
		break;
	case SYS_dup3:
		if (a[1] == DIRFD_SLOT || a[1] == LOG_SLOT)
			a[1] = 1023;
		break;
	}
}

static void after(const struct fuzz_call *c, unsigned long *a, long r)
{
	if (r < 0 && r > -4096)
		return;
	switch (c->nr) {
	case SYS_openat: case SYS_openat2: case SYS_dup: case SYS_dup3: case SYS_memfd_create:
	case SYS_eventfd2: case SYS_pidfd_open:
		add_fd(r);
		break;
	case SYS_fcntl:
		if (a[1] == F_DUPFD || a[1] == F_DUPFD_CLOEXEC)
			add_fd(r);
		break;
	case SYS_pipe2:
		if (a[0] >= (unsigned long)w.buf && a[0] + 8 <= (unsigned long)w.buf + BUF_SIZE) {
			int p[2];
			memcpy(p, (void *)a[0], 8);
			add_fd(p[0]);
			add_fd(p[1]);
		}
		break;
	case SYS_mmap:
		add_map(r, a[1]);
		break;
	case SYS_mremap:
		add_map(r, a[2]);
		break;
	}
}

static void log_call(long n, const struct fuzz_call *c, unsigned long *a, long r)
{
	char line[256];
	int l = snprintf(line, sizeof(line), "w%d #%ld %s(%lx, %lx, %lx, %lx, %lx, %lx) = %ld\n",
			 me, n, c->name, a[0], a[1], a[2], a[3], a[4], a[5], r);
	syscall(SYS_write, LOG_SLOT, line, l);
}

/* The worker's files: the paths of fuzz_args.h name them. */
static void make_base_files(void)
{
	static const char *const files[] = { "f0", "f1", "f2", "d/f3" };
	mkdir("d", 0755);
	mkdir("d/e", 0755);
	for (unsigned i = 0; i < 4; i++) {
		int fd = open(files[i], O_RDWR | O_CREAT, 0644);
		if (fd >= 0) {
			if (i == 0)
				pwrite(fd, w.buf, 3 * 4096 + 100, 0);
			close(fd);
		}
	}
	symlink("f0", "l0");
	symlink("d", "l1");
	symlink("lloop", "lloop");
	mkfifo("fifo", 0644);
}

/* Bound the worker's footprint: empty its files (a ramfs keeps every
 * page it is given), reap its children, come back to its directory. */
static void housekeeping(long n)
{
	static const char *const files[] = { "f0", "f1", "f2", "d/f3", "new0", "new1", "new2",
					     "d/new3", "d/e/new4" };
	while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
		;
	syscall(SYS_fchdir, DIRFD_SLOT);
	if (n % 2048 == 0)
		for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++)
			syscall(SYS_truncate, files[i], 0);
	if (n % 512 == 0)
		make_base_files();
}

static void worker_setup(int idx, unsigned long seed, const char *dir)
{
	struct sigaction sa = { .sa_handler = on_poke };
	me = idx;
	w.rng = seed * 0x9e3779b97f4a7c15ULL + idx * 0xbf58476d1ce4e5b9ULL + 1;
	w.pid = getpid();
	setpgid(0, 0);		/* kill(0, ...) reaches only this worker */
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: the poke ends sleeps */
	for (int s = 1; s < 65; s++) {	/* survive what the fuzzer may send */
		if (s == SIGUSR1 || s == SIGKILL || s == SIGSTOP || s == SIGSEGV || s == SIGBUS ||
		    s == SIGILL || s == SIGFPE || s == SIGTRAP || s == SIGABRT || s == SIGSYS ||
		    s == SIGCHLD || s == SIGURG || s == SIGWINCH || s == SIGCONT)
			continue;
		struct { void *h; unsigned long flags, mask; } k = { s == SIGPIPE ? SIG_IGN : (void *)on_other, 0, 0 };
		syscall(SYS_rt_sigaction, s, &k, NULL, 8);
	}
	w.buf = mmap(NULL, BUF_SIZE + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	w.ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	w.gone = (char *)GONE;
	w.arena = (unsigned long)mmap(NULL, ARENA_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w.buf == MAP_FAILED || w.ro == MAP_FAILED || w.arena == -1UL)
		_exit(3);
	mprotect(w.buf + BUF_SIZE, 4096, PROT_NONE);
	for (int i = 0; i < BUF_SIZE; i++)
		w.buf[i] = rnd();
	w.struct_off = STRUCT_AREA;
	w.brk0 = syscall(SYS_brk, 0);
	read_protected();
	if (verbose) {
		dup2(1, LOG_SLOT);
		for (int i = 0; i < nprotect; i++)
			dprintf(LOG_SLOT, "w%d keeps %lx-%lx\n", idx, protect_lo[i], protect_hi[i]);
	}
	int null = open("/dev/null", O_RDWR);
	int fds[] = { open("/dev/zero", O_RDWR), open("/proc/self/maps", O_RDONLY),
		      open("/proc/meminfo", O_RDONLY), open("/proc/mounts", O_RDONLY) };
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	close(jail_fd);		/* no way out of the jail */
	close(ram_fd);
	close(ext2_fd);
	if (chroot("/fuzz") || chdir(dir)) {
		slots[idx].calls = -1;
		_exit(4);
	}
	make_base_files();
	dup2(open(".", O_RDONLY | O_DIRECTORY), DIRFD_SLOT);
	int p[2] = { -1, -1 };
	pipe2(p, O_NONBLOCK);
	int base[] = { open("f0", O_RDWR), open("f1", O_RDONLY), open("d", O_RDONLY | O_DIRECTORY),
		       p[0], p[1], null, fds[0], open("l0", O_PATH | O_NOFOLLOW), fds[1], fds[2], fds[3],
		       open(".", O_RDONLY | O_DIRECTORY), open("f2", O_WRONLY | O_APPEND) };
	for (unsigned i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		if (base[i] >= 0)
			w.fds[w.nfds++] = base[i];
}

static void worker(int idx, unsigned long seed, long calls, const char *dir)
{
	struct slot *s = &slots[idx];
	worker_setup(idx, seed, dir);
	s->pid = w.pid;
	for (long n = 0; n < calls; n++) {
		const struct fuzz_call *c = &fuzz_calls[below(NCALLS)];
		unsigned long a[6] = { 0 };
		long r = 0;
		int done = -1;

		if (n % 256 == 0)
			housekeeping(n);
		if (verbose > 1) {
			char l[64];
			int k = snprintf(l, sizeof(l), "pick %s\n", c->name);
			syscall(SYS_write, LOG_SLOT, l, k);
		}
		if (c->special)
			done = special(c->special, a, &r);
		else
			for (int i = 0; i < 6; i++)
				a[i] = gen(c->kinds[i]);
		sanitize(c, a);
		s->call = c - fuzz_calls;
		for (int i = 0; i < 6; i++)
			s->args[i] = a[i];
		__atomic_add_fetch(&s->seq, 1, __ATOMIC_SEQ_CST);
		if (verbose > 1)
			log_call(n, c, a, 0x7777);
		double t = t_now();
		if (done < 0) {
			r = syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
			if (r == -1)
				r = -errno;	/* clone_exit's result is raw already */
		}
		s->us_by_call[c - fuzz_calls] += (t_now() - t) * 1e6;
		if (r >= 0 || r <= -4096) {
			s->ok_by_call[c - fuzz_calls]++;
			s->ok++;
		}
		s->calls = n + 1;
		if (verbose)
			log_call(n, c, a, r);
		after(c, a, r);
	}
	__atomic_add_fetch(&s->seq, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_exit_group, 0);
}

/* ---- the parent: watchdog, checks, report ---- */

static int failures, oom_killed;

/* The number after "key" at the start of a line of a /proc file, or -1. */
static long proc_value(const char *path, const char *key)
{
	char buf[4096];
	size_t k = strlen(key);
	int fd = open(path, O_RDONLY);
	int n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	for (char *p = buf; p; p = strchr(p, '\n')) {
		p += *p == '\n';
		if (!strncmp(p, key, k))
			return strtol(p + k, NULL, 10);
	}
	return -1;
}

static long mem_free(void) { return proc_value("/proc/meminfo", "MemFree:"); }
static long mem_total(void) { return proc_value("/proc/meminfo", "MemTotal:"); }
/* processes the kernel's OOM rule killed */
static long oom_kills(void) { return proc_value("/proc/vmstat", "oom_kill "); }

static void fail(const char *fmt, const char *what, long v)
{
	printf("FUZZ FAIL ");
	printf(fmt, what, v);
	printf("\n");
	fflush(stdout);
	failures++;
}

static void describe(int i, char *out, size_t n)
{
	struct slot *s = &slots[i];
	const struct fuzz_call *c = &fuzz_calls[s->call];
	snprintf(out, n, "worker %d pid %d call #%ld %s(%lx, %lx, %lx, %lx, %lx, %lx)", i, s->pid,
		 s->calls, c->name, s->args[0], s->args[1], s->args[2], s->args[3], s->args[4],
		 s->args[5]);
}

/* Wait for the workers: poke one that sits in a call for POKE_AFTER
 * seconds (a call blocked on purpose, a sleep or a read of an empty
 * pipe, returns EINTR; a slow one finishes and the signal is handled),
 * report and kill it if it is still there secs seconds later. */
static void watchdog(pid_t *pids, int n, int secs)
{
	long seen[MAX_WORKERS];
	double since[MAX_WORKERS], poked[MAX_WORKERS], report = t_now() + 2;
	int alive = 0;
	long oom_seen = oom_kills();	/* kills already explained */

	for (int i = 0; i < n; i++) {
		alive += pids[i] != 0;
		seen[i] = -1;
		since[i] = t_now();
		poked[i] = 0;
	}
	while (alive) {
		int st;
		pid_t r;
		while ((r = waitpid(-1, &st, WNOHANG)) > 0) {
			for (int i = 0; i < n; i++) {
				if (pids[i] != r)
					continue;
				pids[i] = 0;
				alive--;
				char d[200];
				describe(i, d, sizeof(d));
				if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && oom_kills() > oom_seen) {
					oom_seen++;	/* nothing else sends SIGKILL */
					printf("FUZZ OOM %s: killed by the OOM rule\n", d);
					oom_killed++;
				} else if (!WIFEXITED(st) || WEXITSTATUS(st)) {
					printf("FUZZ FAIL %s: worker ended with status 0x%x\n", d, st);
					failures++;
				}
			}
		}
		double t = t_now();
		for (int i = 0; i < n; i++) {
			if (!pids[i])
				continue;
			if (slots[i].seq != seen[i]) {
				seen[i] = slots[i].seq;
				since[i] = t;
				poked[i] = 0;
				continue;
			}
			if (!poked[i] && t - since[i] > POKE_AFTER) {
				kill(pids[i], SIGUSR1);
				poked[i] = t;
			} else if (poked[i] && t - poked[i] > secs) {
				char d[200];
				describe(i, d, sizeof(d));
				printf("FUZZ STUCK %s: in it for %.0f s, SIGUSR1 did not end it\n", d,
				       t - since[i]);
				failures++;
				kill(pids[i], SIGKILL);
				double dead = t_now() + 10;
				while (waitpid(pids[i], &st, WNOHANG) == 0 && t_now() < dead)
					t_sleep_ms(50);
				if (t_now() >= dead)
					printf("FUZZ STUCK worker %d survives SIGKILL\n", i);
				pids[i] = 0;
				alive--;
			}
		}
		if (t > report) {
			long calls = 0;
			for (int i = 0; i < n; i++)
				calls += slots[i].calls;
			printf("FUZZ progress %ld calls, %ld kB free\n", calls, mem_free());
			fflush(stdout);
			report = t + 2;
		}
		t_sleep_ms(100);
	}
	while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)	/* orphans (we may be init) */
		;
}

/* fork + exec must still work. */
static void check_exec(void)
{
	int p[2];
	char out[64] = "";
	if (pipe(p)) {
		fail("%s: pipe: %ld", "exec", errno);
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		execl("/bin/echo", "echo", "fuzz-exec-ok", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	int n = pid > 0 ? read(p[0], out, sizeof(out) - 1) : -1, st = 0;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, &st, 0);
	if (pid < 0 || n <= 0 || strncmp(out, "fuzz-exec-ok", 12) || !WIFEXITED(st) || WEXITSTATUS(st))
		fail("%s: fork/exec of /bin/echo failed (status 0x%lx)", "exec", st);
}

/* A file written, synced, read back: the file system still works. The
 * directory is reached through an fd taken before the workers ran (they
 * may have renamed it inside their jail). */
static void check_roundtrip(int dirfd, const char *what)
{
	char *a = malloc(1 << 18), *b = malloc(1 << 18);
	for (int i = 0; i < 1 << 18; i++)
		a[i] = i * 7 + i / 4096;
	int fd = openat(dirfd, "roundtrip", O_RDWR | O_CREAT | O_TRUNC, 0644);
	long ok = fd >= 0 && write(fd, a, 1 << 18) == 1 << 18 && fsync(fd) == 0 &&
		  pread(fd, b, 1 << 18, 0) == 1 << 18 && !memcmp(a, b, 1 << 18);
	if (fd >= 0)
		close(fd);
	fd = openat(dirfd, "roundtrip", O_RDONLY);
	ok = ok && fd >= 0 && read(fd, b, 1 << 18) == 1 << 18 && !memcmp(a, b, 1 << 18);
	if (fd >= 0)
		close(fd);
	if (!ok || unlinkat(dirfd, "roundtrip", 0))
		fail("%s: file round trip failed (errno %ld)", what, errno);
	free(a);
	free(b);
}

/* Remove everything below dirfd (but lost+found and the mount point):
 * the workers' trees, however odd, must go away cleanly. Returns the
 * number of failures. */
static int rm_tree(int dirfd, int depth)
{
	int bad = 0, fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	char names[64][256];
	if (!d)
		return 1;
	for (;;) {	/* a batch of names, then remove them (no readdir meanwhile) */
		int n = 0;
		rewinddir(d);
		while (n < 64 && (e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
			    (depth == 0 && (!strcmp(e->d_name, "lost+found") || !strcmp(e->d_name, "ext2") ||
					    e->d_ino == ram_ino)))	/* even if renamed */
				continue;
			snprintf(names[n++], 256, "%s", e->d_name);
		}
		if (!n)
			break;
		int removed = 0;
		for (int i = 0; i < n; i++) {
			int sub = openat(dirfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
			if (sub >= 0) {
				if (depth < 64)
					bad += rm_tree(sub, depth + 1);
				close(sub);
			}
			if (!unlinkat(dirfd, names[i], sub >= 0 ? AT_REMOVEDIR : 0))
				removed++;
			else if (bad++ < 5)
				printf("FUZZ cleanup: cannot remove %s: %s\n", names[i], strerror(errno));
		}
		if (!removed)
			break;
	}
	closedir(d);
	return bad;
}

static int has_ext2;

/* The five calls that took the most time (where the run's time went). */
static void slowest(int nworkers)
{
	long us[NCALLS];
	for (size_t c = 0; c < NCALLS; c++) {
		us[c] = 0;
		for (int i = 0; i < nworkers; i++)
			us[c] += slots[i].us_by_call[c];
	}
	printf("FUZZ slowest");
	for (int k = 0; k < 5; k++) {
		size_t m = 0;
		for (size_t c = 1; c < NCALLS; c++)
			if (us[c] > us[m])
				m = c;
		printf(" %s:%.1fs", fuzz_calls[m].name, us[m] / 1e6);
		us[m] = -1;
	}
	printf("\n");
}

/* One line of /proc/self/mountinfo: the mount's id and its mount point
 * (mountinfo escapes space, tab, newline and backslash as \ooo). */
struct mnt_ent {
	int id;
	char *dir;
};

static void unescape(char *s)
{
	char *d = s;
	for (; *s; s++)
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 3;
		} else
			*d++ = *s;
	*d = 0;
}

/* The mounts in mount order (oldest first), as the kernel lists them
 * for our root; lines of any length (a source name may be a page). */
static int read_mounts(struct mnt_ent **out)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char *line = NULL, *dir;
	size_t cap = 0;
	int n = 0, max = 0, id;
	*out = NULL;
	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%d %*d %*s %*s %ms", &id, &dir) != 2)
			continue;
		if (n == max && !(*out = realloc(*out, (max = 2 * max + 16) * sizeof(**out))))
			exit(2);
		unescape(dir);
		(*out)[n++] = (struct mnt_ent){ id, dir };
	}
	free(line);
	fclose(f);
	return n;
}

static void free_mounts(struct mnt_ent *m, int n)
{
	while (n-- > 0)
		free(m[n].dir);
	free(m);
}

/* umount2 of a path that may be longer than PATH_MAX (a worker can nest
 * directories deeper than one path can name): chdir down in pieces. */
static int umount_path(const char *path)
{
	char buf[PATH_MAX];
	const char *p = path;
	int err, e;
	while (strlen(p) >= PATH_MAX) {
		const char *cut = p + PATH_MAX - 1;
		while (cut > p && *cut != '/')
			cut--;
		if (cut == p) {
			errno = ENAMETOOLONG;
			return -1;
		}
		snprintf(buf, cut - p + 1, "%s", p);
		if (chdir(*buf ? buf : "/"))
			return -1;
		p = cut + 1;
	}
	err = umount2(p, 0);
	e = errno;
	if (chdir("/"))
		return -1;
	errno = e;
	return err;
}

/* What was left, to debug (long lines cut). */
static void show_mountinfo(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/mountinfo", "r");
	while (f && fgets(line, sizeof(line), f))
		printf("FUZZ cleanup: mountinfo %.200s%s", line, strchr(line, '\n') ? "" : "\n");
	if (f)
		fclose(f);
}

static int is_fuzz_dir(const char *dir)
{
	return !strcmp(dir, "/fuzz") || !strncmp(dir, "/fuzz/", 6);
}

static int ram_mnt_id = -1, ext2_mnt_id = -1;	/* the scratch mounts (setup) */

/* The id of the newest mount on dir (the one setup just made). */
static int mount_id(const char *dir)
{
	struct mnt_ent *m;
	int n = read_mounts(&m), id = -1;
	for (int i = 0; i < n; i++)
		if (!strcmp(m[i].dir, dir))
			id = m[i].id;
	free_mounts(m, n);
	return id;
}

/* The workers may have mounted tmpfs or ramfs anywhere in their jail
 * (mount(2) is in the table), on top of each other, or through a cwd or
 * an fd on a directory another mount covers (mounted under it). Unmount
 * everything under /fuzz but the scratch mounts, newest first, as
 * umount -a: a mount hidden under a newer one on its parent does not
 * resolve by its name (ENOENT) and a mount with mounts on it is busy,
 * until those go, so repeat while a pass makes progress. What is left
 * is reported with its errno. Returns the mounts left. */
static int umount_workers(void)
{
	struct mnt_ent *m;
	int n, left, done;
	do {
		n = read_mounts(&m);
		if (n < 0)
			return 1;
		int err[n];
		left = done = 0;
		for (int i = n - 1; i >= 0; i--) {
			err[i] = 0;
			if (!is_fuzz_dir(m[i].dir) || m[i].id == ram_mnt_id || m[i].id == ext2_mnt_id)
				continue;
			left++;
			if (!umount_path(m[i].dir))
				done++;
			else
				err[i] = errno;
		}
		if (left && !done) {
			for (int i = n - 1, shown = 0; i >= 0; i--)
				if (err[i] && shown++ < 5)
					printf("FUZZ cleanup: cannot umount %s: %s\n", m[i].dir, strerror(err[i]));
			show_mountinfo();
		}
		free_mounts(m, n);
	} while (left && done);
	return left;
}

static const char *scratch_dev;

static void setup(void)
{
	mkdir("/fuzz", 0755);
	mkdir("/fuzz/ext2", 0755);
	mkdir("/fuzz/ram", 0755);
	/* The RAM scratch gets a quarter of memory: a ramfs has no limit,
	 * and one 2 GiB write would leave the others nothing to fuzz with. */
	char opt[64];
	struct stat st;
	if (!stat("/fuzz/ram", &st))	/* what readdir of /fuzz says */
		ram_ino = st.st_ino;
	snprintf(opt, sizeof(opt), "size=%ldk", mem_total() / 4);
	if (mount("tmpfs", "/fuzz/ram", "tmpfs", 0, opt))
		fail("%s: cannot mount the tmpfs scratch (errno %ld)", "/fuzz/ram", errno);
	has_ext2 = scratch_dev && mount(scratch_dev, "/fuzz/ext2", "ext2", 0, NULL) == 0;
	if (scratch_dev && !has_ext2)
		fail("%s: cannot mount the scratch ext2 (errno %ld)", scratch_dev, errno);
	if ((ram_mnt_id = mount_id("/fuzz/ram")) < 0)
		fail("%s: not in /proc/self/mountinfo (errno %ld)", "/fuzz/ram", errno);
	ext2_mnt_id = has_ext2 ? mount_id("/fuzz/ext2") : -1;
	jail_fd = open("/fuzz", O_RDONLY | O_DIRECTORY);
	ram_fd = open("/fuzz/ram", O_RDONLY | O_DIRECTORY);
	ext2_fd = open("/fuzz/ext2", O_RDONLY | O_DIRECTORY);
	printf("FUZZ scratch: ext2 %s%s, tmpfs %s on /fuzz/ram\n", has_ext2 ? scratch_dev : "none",
	       has_ext2 ? " on /fuzz/ext2" : " (/fuzz/ext2 is a ramfs directory)", opt);
	slots = mmap(NULL, sizeof(struct slot) * MAX_WORKERS, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED) {
		perror("fuzz: mmap");
		exit(2);
	}
}

static void finish(void)
{
	check_exec();
	if (umount_workers())
		fail("%s: unmounting the workers' mounts failed (errno %ld)", "cleanup", errno);
	if (rm_tree(jail_fd, 0) + rm_tree(ram_fd, 1) + (has_ext2 ? rm_tree(ext2_fd, 0) : 0))
		fail("%s: removing the workers' files failed (errno %ld)", "cleanup", errno);
	check_roundtrip(ram_fd, "tmpfs");
	close(ram_fd);
	if (umount2("/fuzz/ram", 0))
		fail("%s: umount: errno %ld", "/fuzz/ram", errno);
	if (has_ext2) {
		check_roundtrip(ext2_fd, "ext2");
		close(ext2_fd);
		sync();
		if (umount2("/fuzz/ext2", 0))
			fail("%s: umount: errno %ld", "/fuzz/ext2", errno);
		else if (mount(scratch_dev, "/fuzz/ext2", "ext2", 0, NULL) || umount2("/fuzz/ext2", 0))
			fail("%s: mount again and umount: errno %ld", "/fuzz/ext2", errno);
	}
}

int main(int argc, char **argv)
{
	unsigned long seed = 1;
	long calls = 20000;
	int nworkers = 4, secs = 10, only = -1, opt;

	console_fds();
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "d:s:n:w:t:W:v")) != -1) {
		switch (opt) {
		case 'd': scratch_dev = optarg; break;
		case 's': seed = strtoul(optarg, NULL, 0); break;
		case 'n': calls = strtol(optarg, NULL, 0); break;
		case 'w': nworkers = atoi(optarg); break;
		case 't': secs = atoi(optarg); break;
		case 'W': only = atoi(optarg); break;
		case 'v': verbose++; break;
		default:
			fprintf(stderr, "usage: fuzz [-d dev] [-s seed] [-n calls] [-w workers] [-t secs] [-W worker] [-v]\n");
			return 2;
		}
	}
	if (nworkers < 1 || nworkers > MAX_WORKERS)
		nworkers = 4;
	setup();
	printf("FUZZ seed %lu workers %d calls %ld (%zu system calls in the table)\n", seed,
	       nworkers, calls, NCALLS);
	pid_t pids[MAX_WORKERS] = { 0 };
	for (int i = 0; i < nworkers; i++) {
		char dir[32];
		if (only >= 0 && i != only)
			continue;
		snprintf(dir, sizeof(dir), "/fuzz/ram/w%d", i);	/* the paths reach */
		mkdir(dir, 0755);					/* both of each */
		snprintf(dir, sizeof(dir), "/fuzz/ext2/w%d", i);
		mkdir(dir, 0755);
		snprintf(dir, sizeof(dir), "/%s/w%d", (i & 1) && has_ext2 ? "ext2" : "ram", i);
		fflush(NULL);
		pids[i] = fork();
		if (pids[i] == 0)
			worker(i, seed, calls, dir);
	}
	double t0 = t_now();
	watchdog(pids, nworkers, secs);
	long total = 0, ok = 0;
	for (int i = 0; i < nworkers; i++) {
		total += slots[i].calls > 0 ? slots[i].calls : 0;
		ok += slots[i].ok;
	}
	printf("FUZZ CALLS %ld (%ld succeeded) in %.0f s\n", total, ok, t_now() - t0);
	if (oom_killed)
		printf("FUZZ OOM %d worker(s) killed by the OOM rule\n", oom_killed);
	for (size_t c = 0; c < NCALLS; c++) {	/* which calls ever succeeded */
		long k = 0;
		for (int i = 0; i < nworkers; i++)
			k += slots[i].ok_by_call[c];
		printf("%s%s:%ld", c % 8 ? " " : (c ? "\nFUZZ ok " : "FUZZ ok "), fuzz_calls[c].name, k);
	}
	printf("\n");
	slowest(nworkers);
	finish();
	printf("FUZZ DONE %s\n", failures ? "fail" : "pass");
	fflush(stdout);
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return failures != 0;
}
