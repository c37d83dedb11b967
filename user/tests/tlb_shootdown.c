/* tlb_shootdown.c - remote TLB flushes: a thread spinning on a page must
 * fault (SIGSEGV, si_addr = the page) once another thread's munmap or
 * mprotect(PROT_READ) has returned, with no stale access after that; and
 * threads on different harts concurrently mmap/touch/split/munmap their
 * own regions (VMA tree + page tables) while checking data patterns. */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>
#include "t.h"

#define ROUNDS 20
#define PG 4096
#define NSTRESS 4
#define STRESS_ITERS 40	/* each iteration costs several cross-hart TLB shootdowns */

enum { READER, WRITER };

struct job {
	int kind;
	volatile long *page;
	long started;		/* atomic */
	long count;		/* atomic: accesses completed */
	long faulted;		/* atomic */
	void *addr;		/* si_addr seen by the handler */
	pid_t tid;		/* thread that took the fault */
};

static __thread sigjmp_buf jb;
static __thread void *volatile tls_addr;
static __thread volatile int tls_armed;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sig != SIGSEGV || !tls_armed)
		_exit(7);	/* a fault outside the spinning loop */
	tls_addr = si->si_addr;
	tls_armed = 0;
	siglongjmp(jb, 1);
}

static void *spinner(void *arg)
{
	struct job *j = arg;
	if (sigsetjmp(jb, 1) == 0) {
		volatile long *p = j->page;
		long n = 0, sink = 0;
		tls_armed = 1;
		__atomic_store_n(&j->started, 1, __ATOMIC_SEQ_CST);
		if (j->kind == READER) {
			for (;;) {
				sink += p[0];
				__atomic_store_n(&j->count, ++n, __ATOMIC_SEQ_CST);
			}
		} else {
			for (;;) {
				p[1] = n + 1;
				__atomic_store_n(&j->count, ++n, __ATOMIC_SEQ_CST);
			}
		}
		(void)sink;
	}
	j->addr = tls_addr;
	j->tid = gettid();
	__atomic_store_n(&j->faulted, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* One round: start a spinner on a fresh page, then munmap or mprotect it. */
static void one_round(int kind, int round)
{
	struct job j;
	pthread_t th;
	memset(&j, 0, sizeof j);
	j.kind = kind;
	char *pg = mmap(NULL, PG, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(pg != MAP_FAILED, "mmap page");
	j.page = (volatile long *)pg;
	j.page[0] = 0x5a5a + round;
	CHECK(pthread_create(&th, NULL, spinner, &j) == 0, "pthread_create");
	double t0 = t_now();
	while (!__atomic_load_n(&j.started, __ATOMIC_SEQ_CST) ||
	       __atomic_load_n(&j.count, __ATOMIC_SEQ_CST) < 1000) {
		CHECK(t_now() - t0 < 5, "spinner never started spinning");
		sched_yield();	/* lets it run on a single hart */
	}
	long c0;
	if (kind == READER) {
		CHECK(munmap(pg, PG) == 0, "munmap under a reading thread");
		c0 = __atomic_load_n(&j.count, __ATOMIC_SEQ_CST);
	} else {
		CHECK(mprotect(pg, PG, PROT_READ) == 0, "mprotect under a writing thread");
		c0 = __atomic_load_n(&j.count, __ATOMIC_SEQ_CST);
	}
	long v0 = kind == WRITER ? j.page[1] : 0;
	while (!__atomic_load_n(&j.faulted, __ATOMIC_SEQ_CST)) {
		CHECK(t_now() - t0 < 5, kind == READER ?
		      "reader kept reading an unmapped page (no SIGSEGV in 5 s)" :
		      "writer kept writing a read-only page (no SIGSEGV in 5 s)");
		sched_yield();
	}
	CHECK(pthread_join(th, NULL) == 0, "pthread_join");
	long c1 = j.count;
	CHECK(j.addr == (void *)(pg + (kind == READER ? 0 : sizeof(long))),
	      "si_addr is the spun-on address");
	CHECK(j.tid != gettid(), "fault taken by the spinning thread");
	/* at most one access may complete between our snapshot and the fault */
	CHECK(c1 - c0 <= 2, kind == READER ?
	      "stale TLB: reads kept succeeding after munmap returned" :
	      "stale TLB: writes kept succeeding after mprotect returned");
	if (kind == WRITER) {
		CHECK(j.page[1] == v0, "page changed after mprotect(PROT_READ) returned");
		CHECK(j.page[1] == c1, "last successful write is in the page");
		CHECK(j.page[0] == 0x5a5a + round, "page contents kept by mprotect");
		CHECK(munmap(pg, PG) == 0, "munmap");
	}
}

/* ---- concurrent mmap/munmap stress ---- */

static long go;

static unsigned long rnd(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int check_pages(char *base, int first, int n, unsigned long tag)
{
	for (int i = first; i < first + n; i++) {
		unsigned long *w = (unsigned long *)(base + (long)i * PG);
		if (w[0] != (tag ^ i) || w[PG / sizeof(long) - 1] != ~(tag ^ i) ||
		    w[1 + i % (PG / sizeof(long) - 2)] != (tag ^ i) + 1)
			return 0;
	}
	return 1;
}

static void *stresser(void *arg)
{
	long id = (long)arg;
	unsigned long s = 0x9e3779b97f4a7c15UL * (id + 1);
	while (!__atomic_load_n(&go, __ATOMIC_SEQ_CST))
		;
	for (int it = 0; it < STRESS_ITERS; it++) {
		int n = 3 + rnd(&s) % 14;
		unsigned long tag = (id << 48) ^ ((unsigned long)it << 24) ^ 0xabc;
		char *p = mmap(NULL, (long)n * PG, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return (void *)1;
		for (int i = 0; i < n; i++) {
			unsigned long *w = (unsigned long *)(p + (long)i * PG);
			if (w[0] != 0 || w[PG / sizeof(long) - 1] != 0)
				return (void *)2;	/* fresh memory must be zero */
			w[0] = tag ^ i;
			w[PG / sizeof(long) - 1] = ~(tag ^ i);
			w[1 + i % (PG / sizeof(long) - 2)] = (tag ^ i) + 1;
		}
		if (!check_pages(p, 0, n, tag))
			return (void *)3;
		/* punch a hole in the middle: splits the VMA */
		int h = 1 + rnd(&s) % (n - 2);
		if (munmap(p + (long)h * PG, PG) != 0)
			return (void *)4;
		/* make the tail read-only: another split */
		if (mprotect(p + (long)(h + 1) * PG, (long)(n - h - 1) * PG, PROT_READ) != 0)
			return (void *)5;
		if (!check_pages(p, 0, h, tag) || !check_pages(p, h + 1, n - h - 1, tag))
			return (void *)6;
		if (it % 8 == 0)
			sched_yield();
		if (munmap(p, (long)n * PG) != 0)	/* spans the hole */
			return (void *)7;
	}
	return NULL;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGSEGV, &sa, NULL) == 0, "sigaction SIGSEGV");

	for (int r = 0; r < ROUNDS; r++)
		one_round(READER, r);
	for (int r = 0; r < ROUNDS; r++)
		one_round(WRITER, r);

	pthread_t th[NSTRESS];
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 128 * 1024);
	for (long i = 0; i < NSTRESS; i++)
		CHECK(pthread_create(&th[i], &attr, stresser, (void *)i) == 0,
		      "pthread_create stresser");
	__atomic_store_n(&go, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < NSTRESS; i++) {
		void *ret;
		CHECK(pthread_join(th[i], &ret) == 0, "pthread_join stresser");
		if (ret) {
			static const char *why[] = { "", "mmap failed",
				"fresh anonymous page not zero", "data pattern wrong",
				"munmap hole failed", "mprotect tail failed",
				"data wrong after VMA split", "munmap across hole failed" };
			fprintf(stderr, "stresser %d: %s\n", i, why[(long)ret]);
			CHECK(0, "concurrent mmap/munmap stress");
		}
	}
	t_ok("tlb_shootdown");
	return 0;
}
