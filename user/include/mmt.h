/* mmt.h - helpers for the memory-mapping tests (user/tests/mmap_*.c):
 * /proc/vmstat counters (ours() tells this kernel from Linux under
 * qemu-riscv64: Linux has no pgfault_retry), a fault probe that catches
 * SIGSEGV/SIGBUS in-process and reports si_code and si_addr, byte
 * patterns, FNV-1a checksums, a count of /proc/self/maps lines inside a
 * range, and smaps fields. */
#ifndef MMT_H
#define MMT_H
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include "t.h"

#define PG 4096L
#define ALIGN_PG(x) (((x) + PG - 1) & ~(PG - 1))

/* A /proc/vmstat counter, or -1 if there is none by that name. */
static inline long vmstat(const char *name)
{
	static char buf[16384];
	int fd = open("/proc/vmstat", O_RDONLY);
	long n = 0, r;
	if (fd < 0)
		return -1;
	while (n < (long)sizeof(buf) - 1 && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += r;
	close(fd);
	buf[n] = 0;
	size_t len = strlen(name);
	for (char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, name, len) && p[len] == ' ')
			return atol(p + len + 1);
	return -1;
}

/* This kernel (not Linux under qemu-riscv64)? */
static inline int ours(void)
{
	return vmstat("pgfault_retry") >= 0;
}

/* ---- fault probe: touch one byte, catching the signal ---- */
static sigjmp_buf probe_jmp;
static volatile int probe_sig, probe_code;
static void *volatile probe_addr;

static void probe_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	probe_sig = sig;
	probe_code = si->si_code;
	probe_addr = si->si_addr;
	siglongjmp(probe_jmp, 1);
}

static inline void probe_init(void)
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = probe_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* Reads (write 0) or writes (write 1: stores val) *p. Returns 0, or the
 * signal it raised (probe_code, probe_addr tell the rest). */
static inline int probe(volatile char *p, int write, char val)
{
	probe_sig = 0;
	if (sigsetjmp(probe_jmp, 1))
		return probe_sig;
	if (write)
		*p = val;
	else
		(void)*p;
	return 0;
}

/* CHECK that touching p raises sig with code at address p. */
#define CHECK_FAULT(p, write, sig, code, msg)                                     \
	do {                                                                      \
		int s_ = probe((volatile char *)(p), (write), 1);                 \
		if (s_ != (sig) || probe_code != (code) || probe_addr != (void *)(p)) { \
			fprintf(stderr, "FAIL: %s:%d: %s (signal %d code %d addr %p, want %d %d %p)\n", \
				__FILE__, __LINE__, (msg), s_, probe_code, probe_addr,   \
				(sig), (code), (void *)(p));                      \
			exit(1);                                                  \
		}                                                                 \
	} while (0)

/* ---- patterns ---- */
static inline unsigned char pat8(uint64_t off, unsigned seed)
{
	uint64_t x = (off + 1) * 0x9e3779b97f4a7c15ULL + seed * 0x632be59bd9b4e019ULL;
	return (unsigned char)(x >> 56);
}

static inline void fill(unsigned char *b, uint64_t off, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = pat8(off + i, seed);
}

/* Index of the first byte of b[0..n) that differs from the pattern, or -1. */
static inline long bad_at(const unsigned char *b, uint64_t off, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != pat8(off + i, seed))
			return i;
	return -1;
}

/* FNV-1a 64, the checksum tests/run.py compares with debugfs's bytes. */
static inline uint64_t fnv64(const unsigned char *p, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}
#define FNV64_INIT 0xcbf29ce484222325ULL

/* Makes path a file of size bytes of pattern seed; returns an O_RDWR fd. */
static inline int make_file(const char *path, size_t size, unsigned seed)
{
	static unsigned char buf[65536];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "create test file");
	for (size_t off = 0; off < size; off += sizeof(buf)) {
		size_t n = size - off < sizeof(buf) ? size - off : sizeof(buf);
		fill(buf, off, n, seed);
		CHECK(pwrite(fd, buf, n, off) == (ssize_t)n, "write test file");
	}
	return fd;
}

/* How many /proc/self/maps lines lie inside [lo, hi). */
static inline int maps_count(void *lo, void *hi)
{
	char line[512];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "r");
	CHECK(f != NULL, "open /proc/self/maps");
	while (fgets(line, sizeof(line), f)) {
		unsigned long a, b;
		if (sscanf(line, "%lx-%lx", &a, &b) == 2 && a >= (unsigned long)lo &&
		    b <= (unsigned long)hi)
			n++;
	}
	fclose(f);
	return n;
}

/* A field (in kB) of the /proc/self/smaps entry of the VMA holding
 * addr; -1 if there is none (or no smaps, as under qemu-riscv64). */
static inline long smaps_field(void *addr, const char *field)
{
	char line[512];
	long val = -1;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3) {
			in = (unsigned long)addr >= lo && (unsigned long)addr < hi;
			continue;
		}
		if (in && !strncmp(line, field, strlen(field)) && line[strlen(field)] == ':') {
			val = atol(line + strlen(field) + 1);
			break;
		}
	}
	fclose(f);
	return val;
}

#endif
