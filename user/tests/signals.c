/* signals.c - SA_SIGINFO handlers and siginfo, deferral with sigprocmask,
 * EINTR from a blocking pipe read, SIGKILL/SIGTERM seen by wait4, SIG_IGN,
 * locals surviving sync and async handlers, and a nested signal inside a handler. */
#define _GNU_SOURCE
#include "t.h"

static volatile sig_atomic_t got1, got2, order, masked_in_handler;
static volatile int info_signo, info_pid, info_code;

static void h1(int sig, siginfo_t *si, void *uc)
{
	sigset_t cur;
	(void)uc;
	got1++;
	info_signo = si->si_signo;
	info_pid = si->si_pid;
	info_code = si->si_code;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	masked_in_handler = sigismember(&cur, sig);
}

static void h2(int sig)
{
	(void)sig;
	got2++;
	order = order * 10 + 2;
}

/* SIGUSR1 handler that raises SIGUSR2 from inside itself. */
static void nest1(int sig)
{
	(void)sig;
	order = order * 10 + 1;
	kill(getpid(), SIGUSR2);
	order = order * 10 + 3;	/* SIGUSR2 handler ran before this */
}

/* A handler that churns many integer and float registers. */
static volatile double fsink;
static void churn(int sig)
{
	volatile long a[32];
	double f = sig;
	for (int i = 0; i < 32; i++) {
		a[i] = i * 0x1234567 + sig;
		f = f * 1.0001 + a[i];
	}
	fsink = f;
	got2++;
}

static void on(int sig, void (*h)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(sig, &sa, NULL) == 0, "sigaction");
}

static void sleeper(void)
{
	for (;;)
		t_sleep_ms(1000);
}

int main(void)
{
	struct sigaction sa;
	sigset_t set, old;

	/* SA_SIGINFO handler and siginfo fields */
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = h1;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction SA_SIGINFO");
	CHECK(kill(getpid(), SIGUSR1) == 0, "kill self");
	CHECK(got1 == 1, "handler ran once");
	CHECK(info_signo == SIGUSR1, "si_signo");
	CHECK(info_pid == getpid(), "si_pid");
	CHECK(info_code == SI_USER, "si_code SI_USER");
	CHECK(masked_in_handler == 1, "signal blocked inside its handler");
	sigprocmask(SIG_BLOCK, NULL, &old);
	CHECK(!sigismember(&old, SIGUSR1), "mask restored after handler");

	/* sigaction reports the old handler */
	struct sigaction cur;
	CHECK(sigaction(SIGUSR1, NULL, &cur) == 0, "sigaction query");
	CHECK(cur.sa_sigaction == h1 && (cur.sa_flags & SA_SIGINFO), "old action");

	/* blocked signals are deferred until unblocked */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0, "block");
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);	/* standard signals do not queue */
	t_sleep_ms(10);
	CHECK(got1 == 1, "blocked signal not delivered");
	CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0, "unblock");
	CHECK(got1 == 2, "delivered once on unblock");

	/* a handler without SA_RESTART interrupts a blocking read */
	int p[2];
	char c;
	on(SIGUSR2, h2, 0);
	CHECK(pipe(p) == 0, "pipe");
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		t_sleep_ms(50);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	got2 = 0;
	CHECK_ERR(read(p[0], &c, 1), EINTR, "read interrupted -> EINTR");
	CHECK(got2 == 1, "SIGUSR2 handler ran");
	t_wait(pid);
	close(p[0]);
	close(p[1]);

	/* SIGKILL and SIGTERM seen by wait4 */
	static const int fatal[] = { SIGKILL, SIGTERM };
	for (int i = 0; i < 2; i++) {
		fflush(NULL);
		pid = fork();
		CHECK(pid >= 0, "fork");
		if (pid == 0)
			sleeper();
		t_sleep_ms(20);
		CHECK(kill(pid, fatal[i]) == 0, "kill child");
		int st = t_wait(pid);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == fatal[i], "child killed by signal");
	}

	/* SIG_IGN: nothing happens */
	CHECK(signal(SIGUSR1, SIG_IGN) != SIG_ERR, "SIG_IGN");
	got1 = 0;
	CHECK(kill(getpid(), SIGUSR1) == 0, "kill ignored");
	CHECK(got1 == 0, "ignored signal has no effect");
	CHECK(signal(SIGTERM, SIG_IGN) != SIG_ERR, "ignore SIGTERM");
	CHECK(kill(getpid(), SIGTERM) == 0, "SIGTERM ignored");
	signal(SIGTERM, SIG_DFL);

	/* many live locals survive a handler that churns registers */
	on(SIGUSR2, churn, 0);
	got2 = 0;
	long a = 1, b = 2, c1 = 3, d = 4, e = 5, f = 6, g = 7, h = 8;
	long i1 = 9, j = 10, k = 11, l = 12, m = 13, n = 14;
	double x = 1.5, y = 2.25, z = 3.125, w = 4.0625;
	for (int r = 0; r < 100; r++) {
		a += b; b += c1; c1 += d; d += e; e += f; f += g; g += h;
		h += i1; i1 += j; j += k; k += l; l += m; m += n; n += a;
		x = x * 1.5 + y; y = y * 0.5 + z; z = z + w; w = w * 1.25;
		if (r % 10 == 0)
			kill(getpid(), SIGUSR2);
	}
	CHECK(got2 == 10, "churn handler ran 10 times");
	long a2 = 1, b2 = 2, c2 = 3, d2 = 4, e2 = 5, f2 = 6, g2 = 7, h2v = 8;
	long i2 = 9, j2 = 10, k2 = 11, l2 = 12, m2 = 13, n2 = 14;
	double x2 = 1.5, y2 = 2.25, z2 = 3.125, w2 = 4.0625;
	for (int r = 0; r < 100; r++) {
		a2 += b2; b2 += c2; c2 += d2; d2 += e2; e2 += f2; f2 += g2; g2 += h2v;
		h2v += i2; i2 += j2; j2 += k2; k2 += l2; l2 += m2; m2 += n2; n2 += a2;
		x2 = x2 * 1.5 + y2; y2 = y2 * 0.5 + z2; z2 = z2 + w2; w2 = w2 * 1.25;
		fsink = x2;	/* keep the two loops from being merged */
	}
	CHECK(a == a2 && b == b2 && c1 == c2 && d == d2 && e == e2 && f == f2 &&
	      g == g2 && h == h2v && i1 == i2 && j == j2 && k == k2 && l == l2 &&
	      m == m2 && n == n2, "integer locals survive handler");
	CHECK(x == x2 && y == y2 && z == z2 && w == w2, "float locals survive handler");

	/* async delivery into a busy loop: all registers must be restored.
	 * A real-time signal queues (SIGUSR2 could merge under load). */
	got2 = 0;
	on(SIGRTMIN, churn, 0);
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		for (int r = 0; r < 10; r++) {
			t_sleep_ms(5);
			kill(getppid(), SIGRTMIN);
		}
		_exit(0);
	}
	long iters = 0;
	unsigned long s1 = 1, s2 = 2, s3 = 3, s4 = 4;
	double fx = 1.0, fy = 0.5;
	double t0 = t_now();
	while (got2 < 10 && t_now() - t0 < 20) {
		for (int r = 0; r < 1000; r++) {
			s1 = s1 * 6364136223846793005UL + s4;
			s2 ^= s1 >> 7; s3 += s2 * 3; s4 = s4 * 5 + s3;
			fx = fx * 0.999 + fy; fy = fy * 1.001 - fx * 1e-3;
		}
		iters++;
	}
	t_wait(pid);
	CHECK(got2 == 10, "async signals delivered");
	unsigned long u1 = 1, u2 = 2, u3 = 3, u4 = 4;
	double gx = 1.0, gy = 0.5;
	for (long q = 0; q < iters; q++) {
		for (int r = 0; r < 1000; r++) {
			u1 = u1 * 6364136223846793005UL + u4;
			u2 ^= u1 >> 7; u3 += u2 * 3; u4 = u4 * 5 + u3;
			gx = gx * 0.999 + gy; gy = gy * 1.001 - gx * 1e-3;
		}
		fsink = gx;
	}
	CHECK(s1 == u1 && s2 == u2 && s3 == u3 && s4 == u4, "int regs after async signals");
	CHECK(fx == gx && fy == gy, "float regs after async signals");

	/* nested: SIGUSR1 handler raises SIGUSR2 with its own handler */
	on(SIGUSR1, nest1, 0);
	on(SIGUSR2, h2, 0);
	order = 0;
	CHECK(kill(getpid(), SIGUSR1) == 0, "kill nested");
	CHECK(order == 123, "nested handler order 1,2,3");
	t_ok("signals");
	return 0;
}
