/* brk_mmap.c - sbrk grow/shrink, a big anonymous mmap (scaled to free RAM)
 * filled and verified, zero-filled fresh memory, munmap holes and mprotect
 * faulting in children (SIGSEGV), and mmap argument errors (EINVAL). */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include "t.h"

static long pg;
static volatile char *target;

static void touch(void)
{
	*target = 1;
}

static void readit(void)
{
	volatile char c = *target;
	(void)c;
}

int main(void)
{
	pg = sysconf(_SC_PAGESIZE);
	CHECK(pg == 4096, "page size 4096");

	/* sbrk grows, memory is usable and zero, shrinking works */
	char *b0 = sbrk(0);
	CHECK(b0 != (void *)-1, "sbrk(0)");
	long grow = 1 << 20;
	char *b = sbrk(grow);
	CHECK(b == b0, "sbrk returns old break");
	CHECK(sbrk(0) == b0 + grow, "break moved up");
	for (long i = 0; i < grow; i++)
		CHECK(b[i] == 0, "fresh brk memory is zero");
	for (long i = 0; i < grow; i++)
		b[i] = (char)(i * 13);
	for (long i = 0; i < grow; i++)
		CHECK(b[i] == (char)(i * 13), "brk memory keeps data");
	CHECK(sbrk(-grow / 2) == b0 + grow, "sbrk shrink");
	CHECK(sbrk(0) == b0 + grow / 2, "break moved down");
	for (long i = 0; i < grow / 2; i++)
		CHECK(b[i] == (char)(i * 13), "data below break kept");
	CHECK(sbrk(grow / 2) == b0 + grow / 2, "sbrk regrow");
	for (long i = grow / 2 + pg; i < grow; i++)
		b[i] = 1;
	CHECK(sbrk(-grow) == b0 + grow, "sbrk back");

	/* big anonymous mapping: min(64 MiB, freeram / 2) */
	struct sysinfo si;
	CHECK(sysinfo(&si) == 0, "sysinfo");
	uint64_t free = (uint64_t)si.freeram * (si.mem_unit ? si.mem_unit : 1);
	size_t len = 64 << 20;
	if (free / 2 < len)
		len = free / 2 & ~(size_t)(pg - 1);
	CHECK(len >= (size_t)pg, "some free memory");
	uint64_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED, "mmap big");
	CHECK(((uintptr_t)m & (pg - 1)) == 0, "mmap result page aligned");
	size_t nw = len / 8;
	for (size_t i = 0; i < nw; i++)
		CHECK(m[i] == 0, "fresh mmap memory is zero");
	for (size_t i = 0; i < nw; i++)
		m[i] = i * 0x9E3779B97F4A7C15ULL;
	for (size_t i = 0; i < nw; i++)
		CHECK(m[i] == i * 0x9E3779B97F4A7C15ULL, "mmap pattern");
	CHECK(munmap(m, len) == 0, "munmap big");

	/* munmap a hole in the middle of 16 pages */
	char *r = mmap(NULL, 16 * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(r != MAP_FAILED, "mmap 16 pages");
	memset(r, 0x5a, 16 * pg);
	CHECK(munmap(r + 4 * pg, 4 * pg) == 0, "munmap middle");
	for (long i = 0; i < 4 * pg; i++)
		CHECK(r[i] == 0x5a, "left side intact");
	for (long i = 8 * pg; i < 16 * pg; i++)
		CHECK(r[i] == 0x5a, "right side intact");
	r[0] = 1;
	r[16 * pg - 1] = 2;
	target = r + 5 * pg + 123;
	CHECK_DIES(touch, SIGSEGV, "write to munmapped hole -> SIGSEGV");
	CHECK_DIES(readit, SIGSEGV, "read of munmapped hole -> SIGSEGV");
	CHECK(munmap(r, 16 * pg) == 0, "munmap range with hole");

	/* mprotect read-only, then back */
	char *q = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(q != MAP_FAILED, "mmap 2 pages");
	strcpy(q, "hello");
	strcpy(q + pg, "world");
	CHECK(mprotect(q, pg, PROT_READ) == 0, "mprotect PROT_READ");
	CHECK(strcmp(q, "hello") == 0, "read after mprotect");
	target = q + 10;
	CHECK_DIES(touch, SIGSEGV, "write to read-only page -> SIGSEGV");
	target = q + pg + 10;
	int st = t_child(touch);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "second page still writable");
	CHECK(mprotect(q, pg, PROT_NONE) == 0, "mprotect PROT_NONE");
	target = q;
	CHECK_DIES(readit, SIGSEGV, "read of PROT_NONE page -> SIGSEGV");
	CHECK(mprotect(q, pg, PROT_READ | PROT_WRITE) == 0, "mprotect RW");
	q[0] = 'j';
	CHECK(strcmp(q, "jello") == 0, "write after mprotect RW keeps data");
	CHECK(munmap(q, 2 * pg) == 0, "munmap");

	/* bad arguments */
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
	      errno == EINVAL, "mmap len 0 -> EINVAL");
	CHECK(mmap((void *)0x40001234, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		   -1, 0) == MAP_FAILED && errno == EINVAL, "unaligned MAP_FIXED -> EINVAL");
	CHECK_ERR(munmap((void *)0x40001234, pg), EINVAL, "unaligned munmap -> EINVAL");
	CHECK_ERR(mprotect((void *)0x40001234, pg, PROT_READ), EINVAL,
		  "unaligned mprotect -> EINVAL");
	t_ok("brk_mmap");
	return 0;
}
