/* fuzz_args.h - argument values for the system-call fuzzer (fuzz.c):
 * one generator per kind of fuzz_table.h, drawing from sets of
 * interesting values (0, -1, page-size edges, huge and negative numbers,
 * unaligned, unmapped, read-only, PROT_NONE and kernel pointers, stray
 * fds) and from the worker's own objects (its fd table, its scratch
 * buffer, its mappings). Nothing generated points into the worker's own
 * code, data or stack, and nothing names another process. Only fuzz.c
 * includes this; the worker state `w` is defined there. */
#ifndef FUZZ_ARGS_H
#define FUZZ_ARGS_H
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>

#define BUF_SIZE (64 << 10)		/* scratch, then one PROT_NONE page */
#define STRUCT_AREA (48 << 10)		/* paths and structs live above this */
#define ARENA_SIZE (16UL << 20)		/* addresses for the mmap family */
#define MAX_FDS 48
#define MAX_MAPS 32
#define KADDR 0xffffffc000000000UL
#define NOBODY 4000000			/* a pid that never exists */
#define GONE 0x1000000000UL		/* never mapped: far from every mapping */

struct worker {
	uint64_t rng;
	int fds[MAX_FDS], nfds;
	unsigned long maps[MAX_MAPS], maplen[MAX_MAPS];
	int nmaps;
	char *buf, *ro, *gone;		/* scratch; a read-only page; GONE */
	unsigned long arena, brk0;
	unsigned int struct_off;	/* next free byte of the struct area */
	pid_t pid;
};
static struct worker w;

static uint64_t rnd(void)	/* xorshift64* */
{
	w.rng ^= w.rng >> 12;
	w.rng ^= w.rng << 25;
	w.rng ^= w.rng >> 27;
	return w.rng * 0x2545f4914f6cdd1dULL;
}

static unsigned long below(unsigned long n) { return n ? rnd() % n : 0; }
static int chance(int percent) { return (int)below(100) < percent; }
#define PICK(a) ((a)[below(sizeof(a) / sizeof((a)[0]))])

static const long ints[] = {
	0, 1, 2, 3, 7, 8, 16, 64, 255, 256, 511, 512, 1023, 1024, 4095, 4096, 4097,
	8192, 65535, 65536, 0x7fffffff, 0x80000000L, 0xffffffffL, 0x100000000L,
	1L << 40, 0x7fffffffffffffffL, (long)0x8000000000000000UL, -1, -2, -4096,
	-100, -0x80000000L,
};

static long gen_int(void)
{
	if (chance(70))
		return PICK(ints);
	return chance(50) ? (long)(int)rnd() : (long)rnd();
}

/* Room for a path or a struct in the struct area (wraps around). */
static char *struct_space(unsigned int n)
{
	if (w.struct_off + n > BUF_SIZE - 256)
		w.struct_off = STRUCT_AREA;
	char *p = w.buf + w.struct_off;
	w.struct_off = (w.struct_off + n + 15) & ~15u;
	return p;
}

/* Pointers that fail: NULL, low, unmapped, PROT_NONE, kernel, the top. */
static unsigned long bad_ptr(void)
{
	const unsigned long bad[] = {
		0, 1, 4095, (unsigned long)w.gone, (unsigned long)w.gone + 123,
		(unsigned long)w.buf + BUF_SIZE, KADDR, KADDR + 0x1000, -1UL, -4096UL,
		0x3fffffffffUL, 0x4000000000UL, 0x8000000000000000UL,
	};
	return PICK(bad);
}

static unsigned long gen_buf(void)
{
	if (chance(12))
		return bad_ptr();
	if (chance(5))
		return (unsigned long)w.ro + below(4096);
	if (w.nmaps && chance(10)) {	/* a mapping of the worker's: a file's pages */
		int i = below(w.nmaps);
		return w.maps[i] + below(w.maplen[i] < (1 << 20) ? w.maplen[i] + 1 : 1 << 20);
	}
	switch (below(5)) {
	case 0: return (unsigned long)w.buf;
	case 1: return (unsigned long)w.buf + below(BUF_SIZE) ;	/* unaligned too */
	case 2: return (unsigned long)w.buf + (below(BUF_SIZE / 8) * 8);
	case 3: return (unsigned long)w.buf + BUF_SIZE - 1 - below(200);	/* runs into PROT_NONE */
	default: return (unsigned long)w.buf + below(4096);
	}
}

static const unsigned long lens[] = {
	0, 1, 2, 7, 8, 100, 511, 512, 4095, 4096, 4097, 8192, BUF_SIZE / 2, BUF_SIZE,
	BUF_SIZE + 1, 1 << 20, 0x7ffff000, 0x7fffffff, 0xffffffffUL, -1UL, 0x80000000UL,
};

static unsigned long gen_len(void)
{
	return chance(60) ? PICK(lens) : below(BUF_SIZE + 100);
}

static const long offs[] = {
	0, 1, 511, 512, 4095, 4096, 4097, 8191, 1 << 20, (1L << 31) - 1, 1L << 31,
	1L << 32, 1L << 40, (1L << 41) - 1, 1L << 41, 1L << 44, 0x7fffffffffffffffL,
	0x7ffffffffffff000L, -1, -4096,
};

static long gen_off(void)
{
	return chance(70) ? PICK(offs) : (long)below(1 << 22);
}

/* Paths: the worker's files (relative to its directory), other
 * workers' through ".." and the jail's absolute names, odd shapes. */
static const char *const paths[] = {
	"f0", "f1", "f2", "d", "d/f3", "d/e", "l0", "l1", "lloop", "fifo", "new0", "new1",
	"new2", "d/new3", "d/e/new4", ".", "..", "../w0/f0", "../w1/d", "../w2/new0",
	"/ext2", "/ram", "/ext2/w0/f0", "/ram/w1/f1", "/ram/w0/d", "/", "", "f0/", "d/",
	"d/.", "d/..", "l1/f3", "l0/x", "nonexistent", "/nonexistent/x", "d//f3",
	"./f0", "../../../..", "fifo/x",
};

static unsigned long gen_path(void)
{
	if (chance(6))
		return bad_ptr();
	if (chance(2)) {	/* unterminated: runs into the PROT_NONE page */
		char *p = w.buf + BUF_SIZE - 64;
		memset(p, 'a', 64);
		return (unsigned long)p;
	}
	if (chance(2)) {	/* a name too long, or a path too long */
		unsigned int n = chance(50) ? 256 + below(10) : 4096 + below(10);
		char *p = struct_space(n + 1);
		memset(p, chance(50) ? 'x' : '/', n);
		p[n] = 0;
		return (unsigned long)p;
	}
	const char *s = chance(40) ? paths[below(12)] : PICK(paths);
	char *p = struct_space(strlen(s) + 1);
	strcpy(p, s);
	return (unsigned long)p;
}

static long gen_oflags(void)
{
	static const int acc[] = { O_RDONLY, O_WRONLY, O_RDWR, 3 };
	static const int more[] = { O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_NONBLOCK, O_DIRECTORY,
				    O_NOFOLLOW, O_CLOEXEC, O_PATH, O_DIRECT, O_SYNC, O_NOATIME,
				    O_TMPFILE, O_NOCTTY, O_DSYNC, O_LARGEFILE };
	long f = PICK(acc);
	for (int i = below(4); i > 0; i--)
		f |= PICK(more);
	if (chance(3))
		f = (int)rnd();
	return f;
}

static long gen_mode(void)
{
	static const long modes[] = {
		0, 0644, 0755, 0777, 07777, 0400, S_IFREG | 0644, S_IFDIR | 0755, S_IFIFO | 0644,
		S_IFCHR | 0644, S_IFBLK | 0644, S_IFSOCK | 0644, S_IFLNK | 0777, 0xffffffffL, 0170000,
	};
	return chance(85) ? PICK(modes) : (long)(int)rnd();
}

/* Never the console, a tty or a disk: /dev/null, /dev/zero or nothing. */
static long gen_dev(void)
{
	static const long devs[] = { 0, (1 << 8) | 3, (1 << 8) | 5, (1 << 8) | 99, 200 << 8, -1 };
	long d = chance(80) ? PICK(devs) : (long)(unsigned int)rnd();
	unsigned int major = (d >> 8) & 0xfff;
	if (major == 4 || major == 5 || major == 254 || major == 259)
		d = 200 << 8;
	return d;
}

static long gen_atflags(void)
{
	static const long f[] = { 0, AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR, AT_SYMLINK_FOLLOW,
				  AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, 0x800 };
	return chance(90) ? PICK(f) : (long)(int)rnd();
}

static long gen_fd(void)
{
	static const long stray[] = { -1, -100, 0, 1, 2, 3, 1023, 1024, 4096, 0x7fffffff, -2, 65536 };
	if (w.nfds && chance(82))
		return w.fds[below(w.nfds)];
	return PICK(stray);
}

static long gen_dirfd(void)
{
	return chance(45) ? AT_FDCWD : gen_fd();
}

static unsigned long gen_addr(void)
{
	if (w.nmaps && chance(40)) {
		int i = below(w.nmaps);
		return w.maps[i] + (chance(70) ? 0 : below(w.maplen[i] / 4096 + 1) * 4096);
	}
	if (chance(55))
		return w.arena + below(ARENA_SIZE / 4096) * 4096 + (chance(5) ? 123 : 0);
	return chance(50) ? bad_ptr() : (unsigned long)(rnd() & ~4095UL);
}

static unsigned long gen_mlen(void)
{
	static const unsigned long l[] = { 0, 1, 4095, 4096, 4097, 8192, 3 * 4096, 65536,
					   1 << 20, ARENA_SIZE, 1UL << 30, 1UL << 40, -1UL,
					   -4096UL, 0x7fffffffUL };
	return chance(80) ? PICK(l) : below(1 << 21);
}

static long gen_mflags(void)
{
	static const long base[] = { MAP_PRIVATE | MAP_ANONYMOUS, MAP_SHARED | MAP_ANONYMOUS,
				     MAP_PRIVATE, MAP_SHARED, 0, 3 /* SHARED_VALIDATE */ };
	static const long more[] = { MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_POPULATE, MAP_NORESERVE,
				     MAP_STACK, MAP_GROWSDOWN, MAP_HUGETLB, MAP_LOCKED,
				     MAP_NONBLOCK, MAP_DENYWRITE };
	long f = PICK(base);
	for (int i = below(3); i > 0; i--)
		f |= PICK(more);
	if (chance(3))
		f = (int)rnd();
	return f;
}

/* An iovec array in the struct area, its entries pointing anywhere. */
static unsigned long gen_iov(void)
{
	if (chance(8))
		return bad_ptr();
	int n = 1 + below(8);
	struct iovec *v = (struct iovec *)struct_space(n * sizeof(*v));
	for (int i = 0; i < n; i++) {
		v[i].iov_base = (void *)gen_buf();
		v[i].iov_len = chance(70) ? below(5000) : gen_len();
	}
	return (unsigned long)v;
}

static long gen_niov(void)
{
	static const long n[] = { 0, 1, 2, 3, 4, 8, 1024, 1025, -1, 0x7fffffff };
	return chance(70) ? 1 + below(8) : PICK(n);
}

/* Mostly short; rarely one that would sleep long (the watchdog's poke
 * interrupts it), or invalid. */
static unsigned long gen_ts(void)
{
	static const long ts[][2] = { { 0, 0 }, { 0, 1000 }, { 0, 1000000 }, { 0, 5000000 },
				      { 0, 20000000 }, { 0, 1000000000 }, { -1, 0 }, { 0, -1 },
				      { 0, 999999999 }, { 1000000000, 0 }, { 0x7fffffffffffffffL, 999999999 } };
	if (chance(8))
		return bad_ptr();
	long *t = (long *)struct_space(16);
	int i = chance(95) ? below(5) : below(11);
	t[0] = ts[i][0];
	t[1] = ts[i][1];
	return (unsigned long)t;
}

/* A signal set: never with SIGUSR1 (the watchdog's poke). */
static unsigned long gen_sigset(void)
{
	if (chance(8))
		return bad_ptr();
	uint64_t *s = (uint64_t *)struct_space(16);
	s[0] = (chance(50) ? rnd() : 0) & ~(1ULL << (SIGUSR1 - 1));
	s[1] = rnd();
	return (unsigned long)s;
}

static long gen_sigsz(void)
{
	static const long s[] = { 8, 8, 8, 0, 4, 16, 128, -1 };
	return PICK(s);
}

static long gen_clock(void)
{
	static const long c[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, -1, 100, -6 };
	return PICK(c);
}

static long gen_futex(void)
{
	long op = below(14);
	if (chance(50))
		op |= FUTEX_PRIVATE_FLAG;
	if (chance(10))
		op |= FUTEX_CLOCK_REALTIME;
	return chance(95) ? op : (long)(int)rnd();
}

static long gen_ioctl(void)
{
	static const long c[] = { 0x5401, 0x5402, 0x5413, 0x5414, 0x541b, 0x5421, 0x5451, 0x5450,
				  0x540e, 0x5422, 0x540f, 0x5410, 0x80081272, 0x1261, 0x1268,
				  0x1263, 0x1262, 1, 2, 0x40086602, 0x80086601, 0xc0185879 };
	long v = chance(85) ? PICK(c) : (long)(unsigned int)rnd();
	return chance(5) ? v | 0xffffffff00000000L : v;
}

static long gen_fcntl(void)
{
	static const long c[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1024, 1025, 1030, 1031, 1032,
				  1033, 1034, 36, 37, 38, -1 };
	return PICK(c);
}

static long gen_madv(void)
{
	static const long a[] = { 0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20,
				  21, 22, 23, 100, -1 };
	return PICK(a);
}

static long gen_self(void)
{
	static const long p[] = { 0, 0, -1, NOBODY, -NOBODY, 0x7fffffff };
	return chance(40) ? w.pid : PICK(p);
}

static long gen_waitpid(void)
{
	static const long p[] = { -1, -1, 0, NOBODY, -NOBODY, (long)(int)0x80000000 };
	return chance(20) ? -(long)w.pid : PICK(p);
}

/* Signals the worker has a handler for, ignores by default, or that do
 * not exist; never one whose default action would kill it. */
static long gen_sig(void)
{
	static const long s[] = { 0, SIGURG, SIGWINCH, SIGCHLD, SIGCONT, SIGUSR2, SIGALRM, SIGHUP,
				  SIGTERM, SIGINT, SIGQUIT, SIGPIPE, SIGXCPU, 34, 40, 63, 64, 65,
				  -1, 1000 };
	return PICK(s);
}

static unsigned long gen_fstype(void)
{
	static const char *const t[] = { "ext2", "ramfs", "proc", "", "tmpfs", "ext4",
					 "a-type-name-longer-than-sixteen-bytes" };
	if (chance(10))
		return bad_ptr();
	const char *s = PICK(t);
	char *p = struct_space(strlen(s) + 1);
	strcpy(p, s);
	return (unsigned long)p;
}

static long gen_flags(void)
{
	if (chance(60))
		return 0;
	return chance(70) ? (long)(1UL << below(4)) | (long)below(4) : (long)(int)rnd();
}

static unsigned long gen(int kind)
{
	switch (kind) {
	case K_INT: return gen_int();
	case K_FD: return gen_fd();
	case K_DIRFD: return gen_dirfd();
	case K_PATH: return gen_path();
	case K_BUF: return gen_buf();
	case K_LEN: return gen_len();
	case K_OFF: return gen_off();
	case K_OFLAGS: return gen_oflags();
	case K_MODE: return gen_mode();
	case K_ATFLAGS: return gen_atflags();
	case K_WHENCE: return chance(90) ? below(5) : gen_int();
	case K_ADDR: return gen_addr();
	case K_MLEN: return gen_mlen();
	case K_PROT: return chance(90) ? below(8) : gen_int();
	case K_MFLAGS: return gen_mflags();
	case K_IOV: return gen_iov();
	case K_NIOV: return gen_niov();
	case K_TS: return gen_ts();
	case K_SIGSET: return gen_sigset();
	case K_SIGSZ: return gen_sigsz();
	case K_CLOCK: return gen_clock();
	case K_FUTEX: return gen_futex();
	case K_RES: return chance(90) ? below(17) : gen_int();
	case K_IOCTL: return gen_ioctl();
	case K_FCNTL: return gen_fcntl();
	case K_DEV: return gen_dev();
	case K_MADV: return gen_madv();
	case K_WAITPID: return gen_waitpid();
	case K_SELF: return gen_self();
	case K_SIG: return gen_sig();
	case K_FSTYPE: return gen_fstype();
	case K_FLAGS: return gen_flags();
	}
	return 0;
}
#endif
